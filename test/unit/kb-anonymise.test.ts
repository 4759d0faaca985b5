import { describe, it, expect } from 'vitest';
import { paraphraseSymptoms, redactText, retell, scrubber } from '../../src/kb/anonymise.ts';
import { esc, jsonForScript } from '../../src/kb/render.ts';

const none = { names: [], rareValues: [] };

describe('paraphrasing complaints for the public page', () => {
  it('retells in the third person and never keeps the wording of a personal sentence', () => {
    const out = paraphraseSymptoms(
      [
        "@lumio my X200 is stuck in a reboot loop since firmware 4.1!!! I'm so annoyed https://t.co/abc",
        'Dana Whitfield here. The X200 reboots every minute after the update.',
        'Call me on +44 7700 900123, my X200 keeps restarting. It is unusable.',
        'mail me at dana@example.com please',
      ],
      { names: ['Dana Whitfield'], rareValues: [] },
    );
    expect(out[0]).toBe("Their X200 is stuck in a reboot loop since firmware 4.1! They're so annoyed.");
    expect(out[1]).toBe('The X200 reboots every minute after the update.');
    expect(out[2]).toBe('It is unusable.');
    expect(out).toHaveLength(3);
    const all = out.join(' ');
    for (const leak of ['@lumio', 'https', 'Dana', 'Whitfield', '7700', 'dana@example.com', 'Call me'])
      expect(all).not.toContain(leak);
  });

  it('drops sentences naming an attribute value fewer than k customers hold, and long numbers', () => {
    const out = paraphraseSymptoms(
      [
        'My X200 with the Moonbeam Dock keeps rebooting. Firmware 4.1 broke it.',
        'Order 88812345 arrived broken and dead.',
      ],
      { names: [], rareValues: ['moonbeam dock'] },
    );
    expect(out).toEqual(['Firmware 4.1 broke it.']);
  });

  it('removes duplicates and short leftovers', () => {
    expect(paraphraseSymptoms(['X200 reboot loop again', 'x200 REBOOT loop again!!', 'ugh'], none)).toEqual([
      'X200 reboot loop again.',
    ]);
  });

  it('finds personal data however it is written', () => {
    const s = scrubber({ names: ['Ann-Marie Lee'], rareValues: ['zx-9'] });
    for (const t of [
      'ring 020 7946 0958',
      'write to a.b+c@mail.co.uk',
      'Ann-Marie says hi',
      'marie again',
      'my ZX-9 died',
      'serial AB1234567',
    ])
      expect([t, s.carriesPersonalData(t)]).toEqual([t, true]);
    for (const t of ['firmware 4.1 on the X200', 'since 12 March', 'three days, 2 hours'])
      expect([t, s.carriesPersonalData(t)]).toEqual([t, false]);
    expect(retell('I love my lamp but we hate the app')).toBe('They love their lamp but they hate the app.');
  });

  it('redacts rare values and names in any public text', () => {
    expect(
      redactText('Unplug the Moonbeam Dock, then call Dana', { names: ['Dana'], rareValues: ['moonbeam dock'] }),
    ).toBe('Unplug the …, then call …');
  });
});

describe('escaping', () => {
  it('escapes HTML and keeps JSON-LD inside its script block', () => {
    expect(esc(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
    const json = jsonForScript({ t: '</script><script>alert(1)</script>\u2028' });
    expect(json).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(json)).toEqual({ t: '</script><script>alert(1)</script>\u2028' });
  });
});
