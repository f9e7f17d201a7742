import { existsSync } from 'node:fs';

/** What the browser suite does on this machine: run Chromium at `executablePath`, or skip with a loud notice. */
export type BrowserPlan =
  { readonly run: true; readonly executablePath: string } | { readonly run: false; readonly notice: string };

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. A browser is never downloaded (through Playwright or else). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * A fresh machine without Chromium must still pass `npm test`, so the browser suite is skipped there — loudly, with
 * the one command that enables it. Under CI (`CI=true`) a missing browser is a failure, never a skip: CI installs
 * Chromium, and a silently skipped suite would hide that the install broke.
 */
export function planBrowserSuite(options: {
  readonly executablePath: string;
  readonly ci: boolean;
  readonly exists?: (path: string) => boolean;
}): BrowserPlan {
  const { executablePath, ci, exists = existsSync } = options;
  if (exists(executablePath)) return { run: true, executablePath };
  const howTo = `${executablePath} is missing: the browser suite needs Debian's Chromium (apt-get install -y chromium)`;
  if (ci) throw new Error(`${howTo}. CI=true: the browser suite must run, so this is a failure, not a skip.`);
  return { run: false, notice: `SKIPPED the browser suite — ${howTo}; install it to run the suite.` };
}

/** The plan for this process's environment. */
export function browserPlanFromEnv(env: NodeJS.ProcessEnv = process.env): BrowserPlan {
  return planBrowserSuite({
    executablePath: env.CHROMIUM_PATH || DEFAULT_CHROMIUM,
    ci: env.CI === 'true' || env.CI === '1',
  });
}
