/** A mail rendered from a template: what the outbox stores and the sender sends. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** What every template may use besides its own parameters. */
export interface TemplateContext {
  /** The web app that handles links (APP_URL), for mails that point somewhere without a token. */
  readonly appUrl: string;
}

/** Builds a complete HTML document around already escaped paragraphs. */
export function htmlDocument(title: string, paragraphs: readonly string[]): string {
  const body = paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n${body}\n</body></html>\n`;
}
