import type { Denial } from '../authz/decide.js';

/** Stands in for an event when the subscriber lost the right to the field: the field's resolver throws its error. */
export class Denied {
  constructor(readonly denial: Denial) {}
}

/** What a check before each event decided: go on, stop quietly (the socket is closing), or deny the field. */
export type Verdict = 'allowed' | 'closed' | Denied;

/**
 * A subscription's event stream whose authorization is re-checked before every event, and whenever `recheck()`
 * is called (a role change heard for its session). A denial is delivered once, as a `Denied` in place of an
 * event (the subscription answers FORBIDDEN), and ends the stream: graphql-ws then completes the subscription.
 */
export class LiveStream<T> implements AsyncIterableIterator<T | Denied> {
  private done = false;
  private pending: Promise<IteratorResult<T>> | undefined;
  private wake: (() => void) | undefined;
  private recheckDue = false;

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly check: () => Promise<Verdict>,
    private readonly onEnd: () => void = () => undefined,
  ) {}

  /** Asks for a check now, without waiting for the next event. */
  recheck(): void {
    this.recheckDue = true;
    this.wake?.();
  }

  async next(): Promise<IteratorResult<T | Denied>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      if (this.recheckDue) {
        this.recheckDue = false;
        const verdict = await this.check();
        if (verdict !== 'allowed') return this.finish(verdict);
        continue;
      }
      this.pending ??= this.source.next();
      const woken = new Promise<'woken'>((resolve) => (this.wake = () => resolve('woken')));
      const result = await Promise.race([this.pending, woken]);
      this.wake = undefined;
      if (result === 'woken') continue;
      this.pending = undefined;
      if (result.done) {
        this.end();
        return { done: true, value: undefined };
      }
      const verdict = await this.check();
      if (verdict !== 'allowed') return this.finish(verdict);
      return { done: false, value: result.value };
    }
  }

  async return(): Promise<IteratorResult<T | Denied>> {
    this.end();
    this.wake?.();
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T | Denied>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(verdict: 'closed' | Denied): IteratorResult<T | Denied> {
    this.end();
    Promise.resolve(this.source.return?.()).catch(() => undefined);
    return verdict === 'closed' ? { done: true, value: undefined } : { done: false, value: verdict };
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.onEnd();
  }
}
