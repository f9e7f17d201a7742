/** What the outbox keeps of a failed send: a class, never a message (a server's reply may echo addresses). */
export interface SendFailure {
  /** e.g. `ECONNECTION`, `EENVELOPE 550`, `ETIMEDOUT`, `Error`. */
  readonly errorClass: string;
  /** The server refused this mail for good (a 5xx reply to the envelope or the data): retrying cannot help. */
  readonly permanent: boolean;
}

/** Classifies an error thrown by a transport (nodemailer's carry `code` and `responseCode`). */
export function classifySendFailure(error: unknown): SendFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
    name?: unknown;
  };
  const code =
    typeof fields.code === 'string' && /^[A-Z_]{2,32}$/.test(fields.code) ? fields.code : undefined;
  const responseCode =
    typeof fields.responseCode === 'number' && Number.isInteger(fields.responseCode)
      ? fields.responseCode
      : undefined;
  const name = typeof fields.name === 'string' && /^\w{1,64}$/.test(fields.name) ? fields.name : 'Error';
  const errorClass = [code ?? name, responseCode].filter((part) => part !== undefined).join(' ');
  // A 5xx to authentication (EAUTH) is a configuration problem an operator can fix: it is retried.
  const permanent =
    (code === 'EENVELOPE' || code === 'EMESSAGE') &&
    responseCode !== undefined &&
    responseCode >= 500 &&
    responseCode < 600;
  return { errorClass, permanent };
}
