/** What a GraphQL call over HTTP returned. */
export interface GqlResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { data?: T | null; errors?: GqlError[] };
}

export interface GqlError {
  readonly message: string;
  readonly path?: (string | number)[];
  readonly extensions?: { code?: string; reason?: string; [key: string]: unknown };
}

/** A cookie jar for one simulated browser (name=value pairs; attributes kept for assertions). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expired = attributes.some(
        (a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() <= Date.now(),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface CallOptions {
  readonly token?: string;
  readonly jar?: CookieJar;
  readonly headers?: Record<string, string>;
}

/** POSTs a GraphQL operation like a client would (JSON, so Apollo's CSRF prevention lets it through). */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<GqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const cookie = options.jar?.header();
  if (cookie) headers.cookie = cookie;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  options.jar?.store(res.headers);
  const text = await res.text();
  let body: GqlResponse<T>['body'];
  try {
    body = JSON.parse(text) as GqlResponse<T>['body'];
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: res.status, headers: res.headers, body };
}

/** The first error's code, or undefined. */
export function errorCode(res: GqlResponse<unknown>): string | undefined {
  return res.body.errors?.[0]?.extensions?.code;
}

export function errorReason(res: GqlResponse<unknown>): string | undefined {
  return res.body.errors?.[0]?.extensions?.reason;
}
