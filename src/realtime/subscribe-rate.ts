/**
 * A token bucket of subscribe messages for one socket: `perMinute` of them, refilled continuously. Each subscribe
 * parses and validates a document, so a client cannot make the server do that without bound.
 */
export class SubscribeRate {
  private tokens: number;
  private last: number | undefined;

  constructor(private readonly perMinute: number) {
    this.tokens = perMinute;
  }

  /** Takes one token at `nowMs`; false when none is left. */
  take(nowMs: number): boolean {
    if (this.last !== undefined) {
      this.tokens = Math.min(this.perMinute, this.tokens + ((nowMs - this.last) * this.perMinute) / 60_000);
    }
    this.last = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
