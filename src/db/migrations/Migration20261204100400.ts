import { Migration } from '@mikro-orm/migrations';

/**
 * Passkeys (WebAuthn credentials: the public key, the signature counter, a name) and the WebAuthn challenges of
 * their options, stored hashed, short-lived and single use in the database every instance shares, so options
 * handed out by one instance verify on another.
 */
export class Migration20261204100400 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "passkeys" ("id" uuid not null, "user_id" uuid not null, "credential_id" text not null, "public_key" bytea not null, "counter" bigint not null, "transports" text[] not null, "name" text not null, "backed_up" boolean not null default false, "created_at" timestamptz not null, "last_used_at" timestamptz null, constraint "passkeys_pkey" primary key ("id"));`);
    this.addSql(`create index "passkeys_user_id_index" on "passkeys" ("user_id");`);
    this.addSql(`alter table "passkeys" add constraint "passkeys_credential_id_unique" unique ("credential_id");`);
    this.addSql(`alter table "passkeys" add constraint "passkeys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "webauthn_challenges" ("id" uuid not null, "challenge_hash" text not null, "purpose" text check ("purpose" in ('REGISTER', 'AUTHENTICATE')) not null, "user_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "webauthn_challenges_pkey" primary key ("id"));`);
    this.addSql(`alter table "webauthn_challenges" add constraint "webauthn_challenges_challenge_hash_unique" unique ("challenge_hash");`);
    this.addSql(`create index "webauthn_challenges_expires_at_index" on "webauthn_challenges" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "webauthn_challenges" cascade;`);
    this.addSql(`drop table if exists "passkeys" cascade;`);
  }

}
