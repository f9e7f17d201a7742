import { Migration } from '@mikro-orm/migrations';

/**
 * The audit events of the account lifecycle (mail links, verification, reset, email change, mail given up) and of
 * second factors (TOTP, recovery codes, passkeys, step-up, an ADMIN's factor reset), added in one step so that the
 * features that record them can land in any order.
 */
export class Migration20261204100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_events" drop constraint if exists "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check("type" in ('REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'TOKEN_REFRESHED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'ROLES_CHANGED', 'AUTHZ_DENIED', 'RATE_LIMITED', 'USER_DISABLED', 'USER_ENABLED', 'USER_DELETED', 'EMAIL_VERIFICATION_REQUESTED', 'EMAIL_VERIFIED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET', 'EMAIL_CHANGE_REQUESTED', 'EMAIL_CHANGED', 'REGISTRATION_EMAIL_TAKEN', 'MAIL_FAILED', 'TOTP_ENROLLMENT_STARTED', 'TOTP_ENABLED', 'TOTP_DISABLED', 'RECOVERY_CODES_REGENERATED', 'RECOVERY_CODE_USED', 'SECOND_FACTOR_FAILED', 'PASSKEY_REGISTERED', 'PASSKEY_RENAMED', 'PASSKEY_REMOVED', 'REAUTHENTICATED', 'FACTORS_RESET'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_events" drop constraint if exists "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check("type" in ('REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'TOKEN_REFRESHED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'ROLES_CHANGED', 'AUTHZ_DENIED', 'RATE_LIMITED', 'USER_DISABLED', 'USER_ENABLED', 'USER_DELETED'));`);
  }

}
