/**
 * Failed-login throttle, per process: after 5 failures within 15 minutes a key (e-mail + address)
 * waits 15 minutes. In memory on purpose: no package is added, and scrypt already slows guessing;
 * several API processes each keep their own count.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly max = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blockedForMs(key: string, now: number): number {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    const oldest = recent[0];
    return recent.length >= this.max && oldest !== undefined ? this.windowMs - (now - oldest) : 0;
  }

  failed(key: string, now: number): void {
    if (this.failures.size > 100_000) this.failures.clear(); // bound memory under a spray of keys
    this.failures.set(key, [...(this.failures.get(key) ?? []), now]);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}
