import { Migration } from '@mikro-orm/migrations';

/**
 * The SQL-side route for operators: a change made outside the app (psql, a script, another service) to a
 * session's revocation, a user's roles, email or disabled state, or a deletion of either, is announced on the
 * session invalidation channel in the same payload format as the app's own announcements (`s:<id>`, `u:<id>`),
 * so every instance evicts it from its session cache at commit, as for a change made through the API.
 *
 * The channel name is written out on purpose: a migration is frozen history and must not follow a later rename
 * of INVALIDATION_CHANNEL in src/sessions/invalidation.ts. The app's own changes are announced twice (its
 * announce() and the trigger); PostgreSQL folds identical notifications of one transaction into one, and an
 * extra eviction only costs one read.
 */
export class Migration20261203100100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create or replace function "gatehouse_announce_session"() returns trigger language plpgsql as $$
begin
  perform pg_notify('gatehouse_session_invalidation', 's:' || old."id"::text);
  return null;
end
$$;`);
    this.addSql(`create or replace function "gatehouse_announce_user"() returns trigger language plpgsql as $$
begin
  perform pg_notify('gatehouse_session_invalidation', 'u:' || old."id"::text);
  return null;
end
$$;`);
    // Not idle_expires_at: the app moves it on every active session once a minute, which would evict them all.
    this.addSql(`create trigger "sessions_announce_update" after update of "revoked_at", "absolute_expires_at" on "sessions" for each row when (old."revoked_at" is distinct from new."revoked_at" or old."absolute_expires_at" is distinct from new."absolute_expires_at") execute function "gatehouse_announce_session"();`);
    this.addSql(`create trigger "sessions_announce_delete" after delete on "sessions" for each row execute function "gatehouse_announce_session"();`);
    this.addSql(`create trigger "users_announce_update" after update of "roles", "disabled_at", "email" on "users" for each row when (old."roles" is distinct from new."roles" or old."disabled_at" is distinct from new."disabled_at" or old."email" is distinct from new."email") execute function "gatehouse_announce_user"();`);
    this.addSql(`create trigger "users_announce_delete" after delete on "users" for each row execute function "gatehouse_announce_user"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_announce_delete" on "users";`);
    this.addSql(`drop trigger if exists "users_announce_update" on "users";`);
    this.addSql(`drop trigger if exists "sessions_announce_delete" on "sessions";`);
    this.addSql(`drop trigger if exists "sessions_announce_update" on "sessions";`);
    this.addSql(`drop function if exists "gatehouse_announce_user"();`);
    this.addSql(`drop function if exists "gatehouse_announce_session"();`);
  }

}
