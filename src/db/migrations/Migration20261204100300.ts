import { Migration } from '@mikro-orm/migrations';

/**
 * Second factors and step-up: a session remembers whether it was established with two factors (`@auth(mfa: true)`);
 * a user's TOTP factor (the secret encrypted, the last time step accepted, so a code is accepted once across every
 * instance); their recovery codes (SHA-256 hashes, single use); and the challenges of two-step logins (hashes,
 * single use, short-lived), shared by every instance so a login started on one completes on another.
 */
export class Migration20261204100300 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "sessions" add column "mfa" boolean not null default false;`);

    this.addSql(`create table "totp_factors" ("user_id" uuid not null, "secret" text not null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "last_used_step" bigint not null default 0, constraint "totp_factors_pkey" primary key ("user_id"));`);
    this.addSql(`alter table "totp_factors" add constraint "totp_factors_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "recovery_codes" ("id" uuid not null, "user_id" uuid not null, "code_hash" text not null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "recovery_codes_pkey" primary key ("id"));`);
    this.addSql(`create index "recovery_codes_user_id_index" on "recovery_codes" ("user_id");`);
    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "login_challenges" ("id" uuid not null, "token_hash" text not null, "user_id" uuid not null, "transport" text check ("transport" in ('COOKIE', 'BEARER')) not null, "device" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "spent_at" timestamptz null, constraint "login_challenges_pkey" primary key ("id"));`);
    this.addSql(`alter table "login_challenges" add constraint "login_challenges_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "login_challenges_expires_at_index" on "login_challenges" ("expires_at");`);
    this.addSql(`alter table "login_challenges" add constraint "login_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_challenges" cascade;`);
    this.addSql(`drop table if exists "recovery_codes" cascade;`);
    this.addSql(`drop table if exists "totp_factors" cascade;`);
    this.addSql(`alter table "sessions" drop column "mfa";`);
  }

}
