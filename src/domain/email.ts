/** How an e-mail address is compared everywhere (login lookup, user creation, login throttle). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A plausible e-mail address: one "@", something before it, a dot inside the part after it, no
 * white space. Checked by walking the text once (a regex of the same shape backtracks
 * quadratically on a long line without a dot, and imports read lines from anyone's CSV).
 */
export function isEmailAddress(text: string): boolean {
  if (text.length > 320) return false;
  const at = text.indexOf('@');
  if (at <= 0 || at !== text.lastIndexOf('@')) return false;
  if (/\s/.test(text)) return false;
  const domain = text.slice(at + 1);
  const dot = domain.indexOf('.');
  return dot > 0 && domain.lastIndexOf('.') < domain.length - 1;
}
