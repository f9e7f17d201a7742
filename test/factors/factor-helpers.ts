import { Secret, TOTP } from 'otpauth';
import { gql, type CallOptions, type GqlResponse } from '../support/client.js';
import type { TestClock } from '../support/clock.js';

/** The authenticator app of the tests: RFC 6238 codes from the secret, at the server's (test) clock. */
export function codeAt(secret: string, at: Date, stepOffset = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at.getTime() + stepOffset * 30_000,
  });
}

/**
 * Moves the given clocks (one per instance, moved together) to one second into the next 30-second step and
 * returns a code of that step: each call yields a code no earlier one has spent, and the step has 29 seconds of
 * margin before the real time moves it on. The clocks only move forward: a step once spent stays spent.
 */
export function nextCode(secret: string, ...clocks: TestClock[]): string {
  const now = clocks[0]!.now().getTime();
  const ahead = 30_000 - (now % 30_000) + 1000;
  for (const clock of clocks) clock.advance(ahead / 1000);
  return codeAt(secret, clocks[0]!.now());
}

const START = 'mutation { startTotpEnrollment { secret otpauthUrl } }';
const CONFIRM = 'mutation($c: String!) { confirmTotpEnrollment(code: $c) }';

/** Enrols and confirms TOTP for the caller; returns the secret and the recovery codes. */
export async function enrolTotp(
  url: string,
  auth: CallOptions,
  ...clocks: TestClock[]
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await gql<{ startTotpEnrollment: { secret: string } }>(url, START, {}, auth);
  const secret = started.body.data?.startTotpEnrollment?.secret;
  if (!secret) throw new Error(`startTotpEnrollment failed: ${JSON.stringify(started.body)}`);
  const confirmed = await gql<{ confirmTotpEnrollment: string[] }>(
    url,
    CONFIRM,
    { c: nextCode(secret, ...clocks) },
    auth,
  );
  const recoveryCodes = confirmed.body.data?.confirmTotpEnrollment;
  if (!recoveryCodes) throw new Error(`confirmTotpEnrollment failed: ${JSON.stringify(confirmed.body)}`);
  return { secret, recoveryCodes };
}

export const LOGIN =
  'mutation($e: String!, $p: String!, $t: Transport!) { login(email: $e, password: $p, transport: $t) { accessToken session { id } } }';

export const COMPLETE =
  'mutation($ch: String!, $totp: String, $rc: String, $t: Transport!) { completeLogin(challenge: $ch, totp: $totp, recoveryCode: $rc, transport: $t) { accessToken refreshToken deviceToken session { id } user { id } } }';

export interface CompleteData {
  completeLogin: {
    accessToken: string | null;
    refreshToken: string | null;
    deviceToken: string | null;
    session: { id: string };
    user: { id: string };
  } | null;
}

/** Logs in with the password; the challenge from SECOND_FACTOR_REQUIRED (throws on any other answer). */
export async function passwordStep(
  url: string,
  email: string,
  password: string,
  transport: 'COOKIE' | 'BEARER',
  options: CallOptions = {},
): Promise<{ challenge: string; factors: string[]; res: GqlResponse<unknown> }> {
  const res = await gql(url, LOGIN, { e: email, p: password, t: transport }, options);
  const ext = res.body.errors?.[0]?.extensions;
  if (ext?.code !== 'SECOND_FACTOR_REQUIRED')
    throw new Error(`expected a second step: ${JSON.stringify(res.body)}`);
  return { challenge: ext.challenge as string, factors: ext.factors as string[], res };
}
