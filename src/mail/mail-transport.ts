/** A mail as it leaves Gatehouse. */
export interface OutgoingMail {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Where mail goes: an SMTP server, or (outside production, without SMTP_URL) files for the developer. */
export interface MailTransport {
  /** Resolves once the mail was accepted; rejects with the transport's error otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Bounds one send end to end. nodemailer's own timeouts bound each wait (connect, greeting, an idle socket) but not
 * a server that answers slowly forever; the lease (claim-due-mail.ts) must outlast this.
 */
export const SEND_TIMEOUT_MS = 60_000;

/** Headers every mail carries: it is automated, so auto-responders must not answer it (RFC 3834). */
export const AUTOMATED_HEADERS = { 'Auto-Submitted': 'auto-generated' } as const;
