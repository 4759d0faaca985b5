/** "30d", "12h", "90m", "45s", "2w": a positive duration in milliseconds, or null when it is not one. */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const DURATION_HELP = 'a number and a unit: s, m, h, d or w (e.g. 30d, 12h)';

export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  const ms = Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
  return ms > 0 ? ms : null;
}
