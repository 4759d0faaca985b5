/**
 * Rules run their regexes on every mention, so one catastrophic pattern (exponential backtracking,
 * ReDoS) would freeze every worker on one crafted post. Patterns are refused at load when
 *   1. a repeated group is made of quantified parts only (`(a+)+`, `(\w*\s?)*`, `(a?){30}`): nested
 *      quantifiers with nothing fixed between repetitions, the classic exponential shape, or
 *   2. a probe on hostile inputs built from the pattern's own characters runs past a time budget
 *      (catches overlapping alternations such as `(a|a)*b` that have star height 1).
 * The probe runs in a vm context with a timeout, which interrupts a runaway match.
 */
import vm from 'node:vm';

export type RegexVerdict = { ok: true } | { ok: false; reason: string };

interface Frame {
  start: number;
  /** Something inside repeats or is optional. */
  quantified: boolean;
  /** Every finished alternative so far has an atom that must match exactly once. */
  branchesFixed: boolean;
  /** The current alternative has such an atom. */
  fixed: boolean;
  /** A lookaround: matches no characters, so it fixes nothing. */
  zeroWidth: boolean;
  /** Contains `.*` or `.+`, which can swallow whatever the fixed parts match. */
  wildcard: boolean;
}

/**
 * Finds a repeated group each of whose alternatives is made of quantified parts only, with no
 * character that must appear exactly once to separate one repetition from the next (`(a+)+`,
 * `(\w*\s?)*`, `(x+x+)+`, `(a+|b)+`, `(a?){30}`): the ways to split a run multiply with its length.
 * `(\d+\.)+` or `(\s*,\s*)*` pass: the `.` and `,` fix where each repetition ends, unless the group
 * also holds a `.*`/`.+` that can swallow them (`(.*a){20}`). Returns the group's source, or null.
 */
export function nestedQuantifier(pattern: string): string | null {
  const frame = (start: number, zeroWidth = false): Frame => ({
    start,
    quantified: false,
    branchesFixed: true,
    fixed: false,
    zeroWidth,
    wildcard: false,
  });
  const frames: Frame[] = [frame(0)];
  const top = () => frames[frames.length - 1] as Frame;
  /** An atom just ended at `i`: a following quantifier makes it optional/repeated, else it is fixed. */
  const atom = (i: number, fixes: boolean): number => {
    const q = quantifierAt(pattern, i);
    if (q && !q.exact) {
      top().quantified = true;
      return i + q.length;
    }
    if (fixes) top().fixed = true; // once, or an exact count ({3}): no choice of where it ends
    return q ? i + q.length : i;
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const zeroWidth = pattern[i + 1] === 'b' || pattern[i + 1] === 'B';
      i = atom(i + 2, !zeroWidth);
      continue;
    }
    if (ch === '[') {
      i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i = atom(i + 1, true);
      continue;
    }
    if (ch === '(') {
      const start = i;
      i++;
      let zeroWidth = false;
      if (pattern[i] === '?') {
        // (?: (?= (?! (?<= (?<! (?<name>: a group prefix, not a quantifier.
        i++;
        if (pattern[i] === '=' || pattern[i] === '!') zeroWidth = true;
        else if (pattern[i] === '<' && (pattern[i + 1] === '=' || pattern[i + 1] === '!')) {
          zeroWidth = true;
          i++;
        } else if (pattern[i] === '<') while (i < pattern.length && pattern[i] !== '>') i++;
        i++;
      }
      frames.push(frame(start, zeroWidth));
      continue;
    }
    if (ch === '|') {
      const f = top();
      f.branchesFixed &&= f.fixed;
      f.fixed = false;
      i++;
      continue;
    }
    if (ch === ')') {
      const group = frames.length > 1 ? (frames.pop() as Frame) : frame(0);
      const fixed = !group.zeroWidth && group.branchesFixed && group.fixed;
      i++;
      const q = quantifierAt(pattern, i);
      if (q && q.repeats && group.quantified && (!fixed || group.wildcard))
        return pattern.slice(group.start, i + q.length);
      if (group.wildcard) top().wildcard = true;
      if (q?.exact && !group.quantified) {
        i = atom(i, fixed);
        continue;
      }
      if (group.quantified) top().quantified = true;
      i = atom(i, fixed);
      continue;
    }
    if (ch === '^' || ch === '$') {
      i++;
      continue;
    }
    if (
      ch === '.' &&
      quantifierAt(pattern, i + 1)?.repeats &&
      (pattern[i + 1] === '*' || pattern[i + 1] === '+' || pattern[i + 1] === '{')
    )
      top().wildcard = true;
    i = atom(i + 1, true);
  }
  return null;
}

/** The quantifier starting at `i` (with a lazy/possessive `?`), and whether it can repeat more than once. */
function quantifierAt(pattern: string, i: number): { length: number; repeats: boolean; exact: boolean } | null {
  const ch = pattern[i];
  let length = 0;
  let repeats = false;
  let exact = false;
  if (ch === '*' || ch === '+') {
    length = 1;
    repeats = true;
  } else if (ch === '?') {
    length = 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!m) return null;
    length = m[0].length;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    repeats = max > 1;
    exact = max === Number(m[1]);
  } else return null;
  if (pattern[i + length] === '?') length++;
  return { length, repeats, exact };
}

/** Generous for a loaded machine: a linear or quadratic pattern takes a few ms on these inputs, an exponential one never ends. */
const PROBE_BUDGET_MS = 1000;

/** Hostile inputs from the pattern's own characters: long runs of each, then a character that fails the match. */
function probes(pattern: string): string[] {
  const chars = new Set([
    'a',
    ' ',
    '0',
    '-',
    '.',
    ...pattern.replace(/\\[a-zA-Z]/g, '').replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, ''),
  ]);
  const out: string[] = [];
  for (const c of chars) for (const tail of ['!', '\u0000', '\n']) out.push(c.repeat(1000) + tail);
  out.push('ab'.repeat(500) + '!', 'a '.repeat(500) + '!');
  return out;
}

export function checkRegex(regex: RegExp): RegexVerdict {
  const nested = nestedQuantifier(regex.source);
  if (nested)
    return {
      ok: false,
      reason:
        `"${nested}" repeats a group whose repetitions can split one run of text in many ways (nested quantifiers), ` +
        'which can take exponential time on a crafted post; rewrite it without the nesting',
    };
  try {
    vm.runInNewContext(
      'for (const s of inputs) { re.lastIndex = 0; re.test(s); }',
      { re: regex, inputs: probes(regex.source) },
      { timeout: PROBE_BUDGET_MS },
    );
  } catch (err) {
    if (/timed out/i.test((err as Error).message))
      return {
        ok: false,
        reason:
          `it took over ${PROBE_BUDGET_MS} ms on a crafted input ` +
          '(catastrophic backtracking, e.g. overlapping alternatives under a quantifier); rewrite it',
      };
    throw err;
  }
  return { ok: true };
}
