/**
 * The demo world made current: its mentions are moved so the last one is a few minutes old, and it
 * ends with a crisis (a burst of complaints in its last quarter hour), so the PR view's first look
 * shows a spike with its alert rather than "0 mentions in the last 24 hours".
 */
import type { World, WorldMention } from './world.ts';
import { mulberry32 } from './world.ts';

const CRISIS_TEXTS = [
  '{brand} app is down for everyone, cameras offline, this is a disaster',
  'Is {brand} down? Nothing loads and support is silent, furious',
  '{brand} outage again, my doorbell and cameras are dead, unacceptable',
  'Cannot log in to {brand} at all, error every time, worst service ever',
  '{brand} servers down for an hour now and no word from them, terrible',
];

/** Moves every mention by the same amount so the newest is `endsAgoMs` old at `now`. */
export function endingNow(mentions: readonly WorldMention[], now: number, endsAgoMs = 20 * 60_000): WorldMention[] {
  const last = Math.max(...mentions.map((m) => Date.parse(m.created_at)));
  const shift = now - endsAgoMs - last;
  return mentions.map((m) => ({ ...m, created_at: new Date(Date.parse(m.created_at) + shift).toISOString() }));
}

/** `count` complaints about an outage, spread over the `minutes` before `now`. */
export function crisisBurst(
  world: Pick<World, 'brand'>,
  seed: number,
  now: number,
  count = 60,
  minutes = 15,
): WorldMention[] {
  const rand = mulberry32(seed * 31 + 7);
  return Array.from({ length: count }, (_, i) => ({
    id: `crisis-${i}`,
    text: CRISIS_TEXTS[Math.floor(rand() * CRISIS_TEXTS.length)]!.replace('{brand}', world.brand),
    author: { handle: `upset_${seed}_${i}` },
    source: rand() < 0.7 ? 'twitter' : 'facebook',
    created_at: new Date(now - minutes * 60_000 + Math.floor(((i + rand()) / count) * minutes * 60_000)).toISOString(),
  }));
}
