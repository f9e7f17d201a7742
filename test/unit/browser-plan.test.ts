import { planBrowserSuite } from '../support/browser.js';

// `npm test` on a fresh machine without Chromium must pass; CI must never skip the browser suite silently.
describe('the browser suite plan', () => {
  it('runs Chromium where it is installed', () => {
    expect(planBrowserSuite({ executablePath: '/x/chromium', ci: false, exists: () => true })).toEqual({
      run: true,
      executablePath: '/x/chromium',
    });
  });

  it('is skipped with one notice saying how to enable it when no browser is installed', () => {
    const plan = planBrowserSuite({ executablePath: '/x/chromium', ci: false, exists: () => false });
    expect(plan.run).toBe(false);
    expect(plan.run === false && plan.notice).toMatch(/SKIPPED.*\/x\/chromium.*apt-get install -y chromium/);
  });

  it('fails under CI=true instead of skipping', () => {
    expect(() => planBrowserSuite({ executablePath: '/x/chromium', ci: true, exists: () => false })).toThrow(
      /CI=true: the browser suite must run/,
    );
  });
});
