import { Migration } from '@mikro-orm/migrations';

/**
 * The durable mail outbox (`mail_outbox`), and a trigger that announces every committed insert on the
 * `gatehouse_mail` channel so that every instance's sender wakes at once instead of at its next poll. The
 * notification is sent by the database at commit only: a rolled-back change wakes nobody. The channel name is
 * written out on purpose (a migration is frozen history); the sender listens on the same name.
 */
export class Migration20261204100100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "mail_outbox" ("id" uuid not null, "recipient" text not null, "template" text not null, "subject" text not null, "text_body" text null, "html_body" text null, "user_id" uuid null, "status" text check ("status" in ('PENDING', 'SENT', 'FAILED')) not null default 'PENDING', "attempts" int not null default 0, "due_at" timestamptz not null, "leased_until" timestamptz null, "created_at" timestamptz not null, "sent_at" timestamptz null, "failed_at" timestamptz null, "last_error" text null, constraint "mail_outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "mail_outbox_status_due_at_index" on "mail_outbox" ("status", "due_at");`);
    this.addSql(`create or replace function "gatehouse_announce_mail"() returns trigger language plpgsql as $$
begin
  perform pg_notify('gatehouse_mail', '');
  return null;
end
$$;`);
    this.addSql(`create trigger "mail_outbox_announce_insert" after insert on "mail_outbox" for each statement execute function "gatehouse_announce_mail"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "mail_outbox_announce_insert" on "mail_outbox";`);
    this.addSql(`drop function if exists "gatehouse_announce_mail"();`);
    this.addSql(`drop table if exists "mail_outbox" cascade;`);
  }

}
