import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Database } from '../../src/db/database.js';
import type { Em } from '../../src/db/types.js';
import type { Mail } from '../../src/mail/create-mail.js';
import type { MailRequest } from '../../src/mail/outbox.js';

/** One mail as the test SMTP server received it, parsed. */
export interface ReceivedMail {
  /** The envelope (MAIL FROM / RCPT TO), which is what a real server routes on. */
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: ReadonlyMap<string, unknown>;
  readonly messageId: string | undefined;
}

/** A real SMTP server on 127.0.0.1 that records what it receives; it refuses recipients named `bounce-…` (550). */
export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://user:password@127.0.0.1:port`: the server accepts only these credentials. */
  readonly url: string;
  readonly password: string;
  /** Every mail received so far, in order. */
  readonly messages: readonly ReceivedMail[];
  /** The next mail not yet taken by an earlier `nextMessage()` (already received, or the next to arrive). */
  nextMessage(): Promise<ReceivedMail>;
  /** Resolves once `n` mails in all have been received. */
  waitFor(n: number): Promise<readonly ReceivedMail[]>;
  /** Refused connections from now on (an outage); `start()` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * Holds the reply to every mail's data from now on until `release()`: a send stays in flight (a shutdown test).
   * `arrived` resolves once the first held mail has been received.
   */
  hold(): { readonly arrived: Promise<void>; release(): void };
  /** How many connections tried to log in with anything but the right credentials. */
  readonly authFailures: number;
}

const USER = 'gatehouse';

/**
 * Starts the server on an ephemeral port. Plain SMTP with AUTH on purpose (no STARTTLS): the test exercises the
 * real dialogue, login included, without certificates.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const password = `smtp-secret-${Math.random().toString(36).slice(2)}`;
  const messages: ReceivedMail[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let taken = 0;
  let authFailures = 0;
  let port = 0;
  let server: SMTPServer | undefined;
  let held: { gate: Promise<void>; arrive: () => void } | undefined;

  const received = (mail: ReceivedMail) => {
    messages.push(mail);
    for (const waiter of [...waiters]) {
      if (messages.length >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const waitFor = async (n: number) => {
    if (messages.length < n) await new Promise<void>((resolve) => waiters.push({ n, resolve }));
    return messages;
  };

  const listen = async () => {
    const next = new SMTPServer({
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === USER && auth.password === password) return callback(null, { user: USER });
        authFailures += 1;
        return callback(new Error('Invalid username or password'));
      },
      // A mailbox that does not exist, as a real server answers it: a permanent 550 to RCPT TO.
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('bounce-')) {
          return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
        }
        return callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (parsed) => {
            if (held) {
              held.arrive();
              await held.gate;
            }
            received({
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              from: parsed.from?.text ?? '',
              to: Array.isArray(parsed.to)
                ? parsed.to.map((a) => a.text).join(', ')
                : (parsed.to?.text ?? ''),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers,
              messageId: parsed.messageId,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    next.on('error', () => undefined);
    port = (next.server.address() as AddressInfo).port;
    server = next;
  };
  await listen();

  return {
    port,
    url: `smtp://${USER}:${password}@127.0.0.1:${port}`,
    password,
    messages,
    async nextMessage() {
      const index = taken++;
      return (await waitFor(index + 1))[index]!;
    },
    waitFor,
    async stop() {
      const closing = server;
      server = undefined;
      await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
    async start() {
      if (!server) await listen();
    },
    hold() {
      let arrive!: () => void;
      let open!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const gate = new Promise<void>((resolve) => (open = resolve));
      held = { gate, arrive };
      return {
        arrived,
        release() {
          held = undefined;
          open();
        },
      };
    },
    get authFailures() {
      return authFailures;
    },
  };
}

/** The app's outbox as a feature uses it: `enqueue` inside a transaction, committed (or rolled back) with it. */
export async function commitMail(
  app: { readonly db: Database; readonly mail: Mail },
  ...mails: MailRequest[]
): Promise<void> {
  await app.db.orm.em.fork().transactional(async (tx) => {
    for (const mail of mails) app.mail.outbox.enqueue(tx as Em, mail);
  });
}
