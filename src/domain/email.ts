/** How an e-mail address is compared everywhere (login lookup, user creation, login throttle). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
