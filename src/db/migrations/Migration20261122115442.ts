import { Migration } from '@mikro-orm/migrations';

export class Migration20261122115442 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_events" ("id" uuid not null, "type" text check ("type" in ('REGISTERED', 'LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGOUT', 'TOKEN_REFRESHED', 'REFRESH_TOKEN_REUSED', 'SESSION_REVOKED', 'PASSWORD_CHANGED', 'ROLES_CHANGED', 'AUTHZ_DENIED', 'RATE_LIMITED')) not null, "user_id" uuid null, "session_id" uuid null, "ip" text null, "user_agent" text null, "details" jsonb null, "dedupe_key" text null, "created_at" timestamptz not null, constraint "audit_events_pkey" primary key ("id"));`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "audit_events_created_at_index" on "audit_events" ("created_at");`);
    this.addSql(`create index "audit_events_user_id_created_at_index" on "audit_events" ("user_id", "created_at");`);

    this.addSql(`create table "users" ("id" uuid not null, "email" text not null, "password_hash" text not null, "roles" text[] not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "user_id" uuid not null, "transport" text check ("transport" in ('COOKIE', 'BEARER')) not null, "cookie_id_hash" text null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "auth_time" timestamptz not null, "idle_expires_at" timestamptz not null, "absolute_expires_at" timestamptz not null, "ip" text null, "user_agent" text null, "revoked_at" timestamptz null, "revoked_reason" text check ("revoked_reason" in ('LOGOUT', 'LOGOUT_ALL', 'REVOKED', 'ADMIN_REVOKED', 'PASSWORD_CHANGED', 'REFRESH_TOKEN_REUSED', 'REPLACED')) null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`alter table "sessions" add constraint "sessions_cookie_id_hash_unique" unique ("cookie_id_hash");`);
    this.addSql(`create index "sessions_user_id_revoked_at_index" on "sessions" ("user_id", "revoked_at");`);

    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "session_id" uuid not null, "token_hash" text not null, "parent_id" uuid null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "refresh_tokens_pkey" primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_session_id_index" on "refresh_tokens" ("session_id");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade;`);
  }

}
