import type { Em } from '../db/types.js';

/** A mail a sender has claimed: its lease is held until it is marked sent, retried or failed. */
export interface ClaimedMail {
  readonly id: string;
  readonly recipient: string;
  readonly template: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly userId: string | null;
  /** This attempt's number (1-based), counted at claim so that a crash mid-send still counts against the bound. */
  readonly attempt: number;
}

/**
 * Why a lease and not a row lock held during the send: holding a transaction open across an SMTP exchange would
 * pin a database connection per mail in flight, and on the embedded database (one connection for the whole
 * process) it would stall every request for as long as the SMTP server takes. The claim is one short statement
 * instead: FOR UPDATE SKIP LOCKED makes two instances claiming at once take disjoint rows (a row being claimed is
 * skipped, and a row claimed a moment ago fails the re-checked `leased_until` condition), and the lease keeps the
 * row away from every other sender after the commit. The lease runs on the database clock, the one clock every
 * instance shares, and is far longer than a send can take (SEND_TIMEOUT_MS bounds it), so only a sender that dies
 * mid-send lets its lease lapse: the mail is then sent again by another instance (at least once, never lost).
 */
export const LEASE_SEC = 300;

/**
 * The sender's statements stay out of the debug log of SQL: it is background work on a timer (like the
 * invalidation listener's pings), and that log is what shows a request runs no SQL in the steady state
 * (test/sessions/steady-state.test.ts, `npm run bench`). The sender logs what it does in its own lines instead.
 */
export const UNLOGGED = { enabled: false } as const;

export const CLAIM_SQL = `update "mail_outbox" set "attempts" = "attempts" + 1,
  "leased_until" = clock_timestamp() + make_interval(secs => ?)
where "id" in (
  select "id" from "mail_outbox"
  where "status" = 'PENDING' and "due_at" <= ? and ("leased_until" is null or "leased_until" < clock_timestamp())
  order by "due_at"
  limit ?
  for update skip locked
)
returning "id", "recipient", "template", "subject", "text_body", "html_body", "user_id", "attempts"`;

interface ClaimRow {
  id: string;
  recipient: string;
  template: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  user_id: string | null;
  attempts: number;
}

/** Claims up to `limit` due mails for this sender, oldest due first. */
export async function claimDueMail(em: Em, now: Date, limit: number): Promise<ClaimedMail[]> {
  const rows = await em.execute<ClaimRow[]>(CLAIM_SQL, [LEASE_SEC, now, limit], 'all', UNLOGGED);
  return rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    template: row.template,
    subject: row.subject,
    text: row.text_body ?? '',
    html: row.html_body ?? '',
    userId: row.user_id,
    attempt: Number(row.attempts),
  }));
}

/** Hands unsent claimed mails back (on shutdown): not counted as an attempt, due again at once for any sender. */
export async function releaseMail(em: Em, mails: readonly ClaimedMail[]): Promise<void> {
  if (mails.length === 0) return;
  await em.execute(
    `update "mail_outbox" set "leased_until" = null, "attempts" = "attempts" - 1
     where "id" in (${mails.map(() => '?').join(', ')}) and "status" = 'PENDING'`,
    mails.map((mail) => mail.id),
    'all',
    UNLOGGED,
  );
}
