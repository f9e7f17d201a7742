// @ts-check
import { randomBytes } from 'node:crypto';

/**
 * Headers on every benchmark request. JSON keeps Apollo's CSRF prevention satisfied; `X-Forwarded-Proto:
 * https` plays the TLS-terminating proxy the server trusts on loopback, without which production never sends
 * its `Secure` cookie (and would skip signing it on every cookie request, which a real deployment pays for).
 */
export const BASE_HEADERS = Object.freeze({
  'content-type': 'application/json',
  'x-forwarded-proto': 'https',
});

/** The production session cookie (`__Host-` prefix: Secure, Path=/, no Domain). */
export const COOKIE_NAME = '__Host-sid';

export const ME = '{ me { id email roles } }';
export const MY_SESSIONS = '{ mySessions { id } }';
export const REGISTER = `mutation ($email: String!, $password: String!, $transport: Transport!) {
  register(email: $email, password: $password, transport: $transport) { user { id } accessToken refreshToken }
}`;
export const LOGIN = `mutation ($email: String!, $password: String!, $transport: Transport!) {
  login(email: $email, password: $password, transport: $transport) { user { id } accessToken refreshToken }
}`;
export const REFRESH = `mutation ($refreshToken: String!) {
  refresh(refreshToken: $refreshToken) { accessToken refreshToken }
}`;

/**
 * @typedef {object} GqlResponse
 * @property {number} status
 * @property {Headers} headers
 * @property {string} text
 * @property {{ data?: any, errors?: { message: string, extensions?: Record<string, unknown> }[] }} body
 */

/**
 * POSTs one GraphQL operation.
 *
 * @param {string} url
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<GqlResponse>}
 */
export async function gql(url, query, variables = {}, headers = {}) {
  const res = await globalThis.fetch(url, {
    method: 'POST',
    headers: { ...BASE_HEADERS, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * A new user's credentials: a unique address, and a password long and random enough to pass the policy.
 *
 * @param {string} label
 */
export function newCredentials(label) {
  return {
    email: `bench-${label}-${randomBytes(5).toString('hex')}@example.com`,
    password: `bench-password-${randomBytes(12).toString('base64url')}`,
  };
}

/**
 * @typedef {object} BearerSession
 * @property {string} userId
 * @property {string} accessToken
 * @property {string} refreshToken
 */

/**
 * Registers a user with the bearer transport.
 *
 * @param {string} url
 * @param {{ email: string, password: string }} credentials
 * @returns {Promise<BearerSession>}
 */
export async function registerBearer(url, credentials) {
  const res = await gql(url, REGISTER, { ...credentials, transport: 'BEARER' });
  return bearerSession(res, 'register');
}

/**
 * Logs a user in with the bearer transport (a new session: one argon2 verification).
 *
 * @param {string} url
 * @param {{ email: string, password: string }} credentials
 * @returns {Promise<BearerSession>}
 */
export async function loginBearer(url, credentials) {
  const res = await gql(url, LOGIN, { ...credentials, transport: 'BEARER' });
  return bearerSession(res, 'login');
}

/**
 * Logs a user in with the cookie transport; returns the `name=value` pair to send back in a Cookie header.
 *
 * @param {string} url
 * @param {{ email: string, password: string }} credentials
 * @returns {Promise<string>}
 */
export async function loginCookie(url, credentials) {
  const res = await gql(url, LOGIN, { ...credentials, transport: 'COOKIE' });
  if (res.status !== 200 || res.body.errors)
    throw new Error(`cookie login failed: ${res.status} ${res.text}`);
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0]?.trim() ?? '';
    if (pair.startsWith(`${COOKIE_NAME}=`) && pair.length > COOKIE_NAME.length + 1) return pair;
  }
  throw new Error(
    `cookie login set no ${COOKIE_NAME} cookie (Set-Cookie: ${res.headers.getSetCookie().join(' | ')})`,
  );
}

/**
 * @param {GqlResponse} res
 * @param {'register' | 'login'} field
 * @returns {BearerSession}
 */
function bearerSession(res, field) {
  const payload = res.body.data?.[field];
  if (res.status !== 200 || res.body.errors || !payload?.accessToken || !payload?.refreshToken) {
    throw new Error(`${field} failed: ${res.status} ${res.text}`);
  }
  return { userId: payload.user.id, accessToken: payload.accessToken, refreshToken: payload.refreshToken };
}

/**
 * Runs `task` for every item with at most `limit` at a time.
 *
 * @template T, R
 * @param {readonly T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<R>} task
 * @returns {Promise<R[]>}
 */
export async function mapLimit(items, limit, task) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(/** @type {T} */ (items[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
