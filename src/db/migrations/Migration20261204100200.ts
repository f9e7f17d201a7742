import { Migration } from '@mikro-orm/migrations';

/**
 * The account lifecycle: when a user's address was proved (`users.email_verified_at`), and the link tokens mailed to
 * prove it, to reset a password or to confirm a new address. A token row holds only the SHA-256 of the token.
 *
 * The users trigger of Migration20261203100100 also announces a change of `email_verified_at`, so an operator's
 * `update users set email_verified_at = …` reaches every instance's session cache like a role change does.
 */
export class Migration20261204100200 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "email_verified_at" timestamptz null;`);
    this.addSql(`create table "link_tokens" ("id" uuid not null, "user_id" uuid not null, "purpose" text not null, "token_hash" text not null, "new_email" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "link_tokens_pkey" primary key ("id"));`);
    this.addSql(`alter table "link_tokens" add constraint "link_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "link_tokens" add constraint "link_tokens_purpose_check" check ("purpose" in ('VERIFY_EMAIL', 'RESET_PASSWORD', 'CHANGE_EMAIL'));`);
    this.addSql(`create index "link_tokens_user_id_purpose_index" on "link_tokens" ("user_id", "purpose");`);
    this.addSql(`alter table "link_tokens" add constraint "link_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`drop trigger if exists "users_announce_update" on "users";`);
    this.addSql(`create trigger "users_announce_update" after update of "roles", "disabled_at", "email", "email_verified_at" on "users" for each row when (old."roles" is distinct from new."roles" or old."disabled_at" is distinct from new."disabled_at" or old."email" is distinct from new."email" or old."email_verified_at" is distinct from new."email_verified_at") execute function "gatehouse_announce_user"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_announce_update" on "users";`);
    this.addSql(`create trigger "users_announce_update" after update of "roles", "disabled_at", "email" on "users" for each row when (old."roles" is distinct from new."roles" or old."disabled_at" is distinct from new."disabled_at" or old."email" is distinct from new."email") execute function "gatehouse_announce_user"();`);
    this.addSql(`drop table if exists "link_tokens" cascade;`);
    this.addSql(`alter table "users" drop column if exists "email_verified_at";`);
  }

}
