import { Migration } from '@mikro-orm/migrations';

/** Users an ADMIN can disable (`users.disabled_at`), and the audit events of disabling, enabling and deleting. */
export class Migration20261203100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "audit_events" drop constraint if exists "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check("type" in ('REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'TOKEN_REFRESHED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'ROLES_CHANGED', 'AUTHZ_DENIED', 'RATE_LIMITED', 'USER_DISABLED', 'USER_ENABLED', 'USER_DELETED'));`);
    this.addSql(`alter table "users" add column "disabled_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "disabled_at";`);
    this.addSql(`alter table "audit_events" drop constraint if exists "audit_events_type_check";`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_type_check" check("type" in ('REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'TOKEN_REFRESHED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'ROLES_CHANGED', 'AUTHZ_DENIED', 'RATE_LIMITED'));`);
  }

}
