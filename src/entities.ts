import { LinkToken } from './accounts/link-token.entity.js';
import { AuditEvent } from './audit/audit-event.entity.js';
import { RateLimitEntry } from './auth/rate-limit.entity.js';
import { RefreshToken } from './auth/refresh-token.entity.js';
import { LoginChallenge } from './factors/login-challenges/login-challenge.entity.js';
import { Passkey } from './factors/passkeys/passkey.entity.js';
import { WebAuthnChallenge } from './factors/passkeys/webauthn-challenge.entity.js';
import { RecoveryCode } from './factors/recovery-codes/recovery-code.entity.js';
import { TotpFactor } from './factors/totp/totp-factor.entity.js';
import { MailMessage } from './mail/mail-message.entity.js';
import { Session } from './sessions/session.entity.js';
import { User } from './users/user.entity.js';

/**
 * Every entity of Gatehouse, listed explicitly (no folder discovery): the ORM and the migration generator use this
 * list. It sits beside app.ts, like the schema's resolvers, because `db/` knows no feature: it is handed the list.
 */
export const entities = [
  User,
  Session,
  RefreshToken,
  AuditEvent,
  RateLimitEntry,
  MailMessage,
  LinkToken,
  TotpFactor,
  RecoveryCode,
  LoginChallenge,
  Passkey,
  WebAuthnChallenge,
];
