// @ts-check
import { gql, REFRESH } from './client.mjs';

/**
 * Unspent refresh tokens for the refresh scenario. Rotation makes every token single-use (a replay after the
 * grace period revokes the session), so each request takes a token nobody has sent, and its answer puts the
 * successor back. A connection waits for its answer before its next request, so with at least as many
 * sessions as connections the pool never runs dry while refreshes succeed; a failed refresh loses its
 * session, and a starved request is sent with an invalid token and counted as an error rather than hidden.
 */
export class RefreshPool {
  /** @param {readonly string[]} tokens  one unspent refresh token per bearer session */
  constructor(tokens) {
    /** @type {string[]} */
    this.available = [...tokens];
    /** Sent, not yet answered: the load generator drops these answers when a run ends. */
    this.inFlight = new Set();
    this.starved = 0;
  }

  get size() {
    return this.available.length + this.inFlight.size;
  }

  /** A token no request has carried yet. */
  take() {
    const token = this.available.pop();
    if (token === undefined) {
      this.starved++;
      return 'ghr_pool-ran-dry';
    }
    this.inFlight.add(token);
    return token;
  }

  /**
   * Records the answer to a request that carried `token`; true when it was a successful rotation.
   *
   * @param {string} token
   * @param {number} status
   * @param {string} body
   */
  settle(token, status, body) {
    this.inFlight.delete(token);
    const successor = status === 200 ? successorIn(body) : undefined;
    if (successor === undefined) return false;
    this.available.push(successor);
    return true;
  }

  /**
   * Gets the successors of the tokens whose answers a finished run dropped. Replaying a spent token within
   * the server's reuse grace (10 s by default) answers with the same successor, exactly as for a client that
   * lost a response; a token that never reached the server is simply rotated. Returns how many were lost.
   *
   * @param {string} url
   */
  async recover(url) {
    const pending = [...this.inFlight];
    this.inFlight.clear();
    let lost = 0;
    for (const token of pending) {
      const res = await gql(url, REFRESH, { refreshToken: token });
      const successor = res.status === 200 ? successorIn(res.text) : undefined;
      if (successor === undefined) lost++;
      else this.available.push(successor);
    }
    return lost;
  }
}

/** @param {string} body */
function successorIn(body) {
  try {
    const parsed = JSON.parse(body);
    const token = parsed?.data?.refresh?.refreshToken;
    return !parsed.errors && typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
