import { gql, type CallOptions, type GqlResponse } from '../../support/client.js';
import { sql, type TestDatabase } from '../../support/database.js';
import { SoftwareAuthenticator } from '../../support/software-authenticator.js';

/** The relying party the test servers have by default: PUBLIC_URL is http://localhost:4000 outside production. */
export const RP_ORIGIN = 'http://localhost:4000';

export const REGISTRATION_OPTIONS = 'mutation { passkeyRegistrationOptions }';
export const REGISTER =
  'mutation($r: JSONObject!, $n: String) { registerPasskey(response: $r, name: $n) { id name createdAt lastUsedAt backedUp } }';
export const MY_PASSKEYS = '{ myPasskeys { id name createdAt lastUsedAt backedUp } }';
export const LOGIN_OPTIONS = 'mutation { passkeyLoginOptions }';
export const LOGIN_WITH_PASSKEY = `mutation($r: JSONObject!, $t: Transport) {
  loginWithPasskey(response: $r, transport: $t) {
    user { id email } session { id transport current } accessToken refreshToken deviceToken
  }
}`;

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

export interface PasskeyLogin {
  user: { id: string; email: string };
  session: { id: string; transport: string; current: boolean };
  accessToken: string | null;
  refreshToken: string | null;
  deviceToken: string | null;
}

/** The data of a response that must have succeeded (its errors shown when not). */
export function dataOf<T>(res: GqlResponse<T>): T {
  if (res.body.errors?.length || !res.body.data) throw new Error(JSON.stringify(res.body));
  return res.body.data;
}

/** Registers a passkey on `authenticator` for the signed-in caller: options, the authenticator's answer, register. */
export async function enrolPasskey(
  url: string,
  caller: CallOptions,
  authenticator = new SoftwareAuthenticator({ origin: RP_ORIGIN }),
  name?: string,
  /** Where the answer goes (another instance than the options came from); default `url`. */
  answerUrl = url,
): Promise<{ authenticator: SoftwareAuthenticator; passkey: PasskeyView }> {
  const options = dataOf(
    await gql<{ passkeyRegistrationOptions: Record<string, unknown> }>(url, REGISTRATION_OPTIONS, {}, caller),
  );
  const response = authenticator.create(options.passkeyRegistrationOptions);
  const res = await gql<{ registerPasskey: PasskeyView }>(
    answerUrl,
    REGISTER,
    { r: response, n: name },
    caller,
  );
  return { authenticator, passkey: dataOf(res).registerPasskey };
}

/** Asks for sign-in options (anonymous). */
export async function loginOptions(url: string): Promise<Record<string, unknown>> {
  return dataOf(await gql<{ passkeyLoginOptions: Record<string, unknown> }>(url, LOGIN_OPTIONS))
    .passkeyLoginOptions;
}

export function loginWithPasskey(
  url: string,
  response: unknown,
  transport: 'COOKIE' | 'BEARER' = 'BEARER',
  options: CallOptions = {},
): Promise<GqlResponse<{ loginWithPasskey: PasskeyLogin | null }>> {
  return gql(url, LOGIN_WITH_PASSKEY, { r: response, t: transport }, options);
}

/** Audit rows of one type for a user, oldest first. */
export function auditRows(
  db: TestDatabase,
  type: string,
  userId: string,
): Promise<{ details: Record<string, unknown> | null; session_id: string | null }[]> {
  return sql(
    db,
    'select details, session_id from audit_events where type = $1 and user_id = $2 order by created_at',
    [type, userId],
  );
}
