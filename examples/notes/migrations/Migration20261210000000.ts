import { Migration } from '@mikro-orm/migrations';

/** The notes table; a user's notes go with them (delete cascades), listed newest first by (created_at, id). */
export class Migration20261210000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notes" ("id" uuid not null, "owner_id" uuid not null, "title" text not null, "body" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "notes_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "notes_owner_id_created_at_id_index" on "notes" ("owner_id", "created_at", "id");`,
    );
    this.addSql(
      `alter table "notes" add constraint "notes_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notes" cascade;`);
  }
}
