import { ConfigError, loadConfig } from '../../../src/config.js';

// The account lifecycle's settings, parsed like every other (bounds, a message naming the variable).
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('account lifecycle settings', () => {
  it('default to open registration and the DESIGN §6.1 lifetimes and limits', () => {
    const config = loadConfig({});
    expect(config.accounts).toEqual({
      registration: 'open',
      verificationTtlSec: 24 * 3600,
      resetTtlSec: 30 * 60,
      emailChangeTtlSec: 3600,
    });
    expect(config.rateLimit).toMatchObject({
      resetPerAddress: 3,
      resetPerAddressWindowSec: 15 * 60,
      resetPerIp: 20,
      resetPerIpWindowSec: 3600,
      accountMailPerUser: 5,
      accountMailPerUserWindowSec: 3600,
    });
  });

  it('read REGISTRATION and the lifetimes as durations', () => {
    const config = loadConfig({
      REGISTRATION: 'verify-first',
      EMAIL_VERIFICATION_TTL: '2d',
      PASSWORD_RESET_TTL: '15m',
      EMAIL_CHANGE_TTL: '2h',
    });
    expect(config.accounts).toEqual({
      registration: 'verify-first',
      verificationTtlSec: 2 * 86400,
      resetTtlSec: 15 * 60,
      emailChangeTtlSec: 2 * 3600,
    });
  });

  it.each([
    [{ REGISTRATION: 'closed' }, /^REGISTRATION: /],
    [{ EMAIL_VERIFICATION_TTL: '30d' }, /^EMAIL_VERIFICATION_TTL: expected a duration from 5m to 7d/],
    [{ PASSWORD_RESET_TTL: '1d' }, /^PASSWORD_RESET_TTL: expected a duration from 5m to 4h/],
    [{ PASSWORD_RESET_TTL: '30s' }, /^PASSWORD_RESET_TTL: /],
    [{ EMAIL_CHANGE_TTL: 'soon' }, /^EMAIL_CHANGE_TTL: expected a duration/],
    // DESIGN §6.1: at least 3 reset requests per address per 15 minutes must get through.
    [{ RATE_LIMIT_RESET_PER_ADDRESS: '2' }, /^RATE_LIMIT_RESET_PER_ADDRESS: expected an integer from 3/],
    [{ RATE_LIMIT_RESET_PER_ADDRESS_WINDOW: '16m' }, /^RATE_LIMIT_RESET_PER_ADDRESS_WINDOW: .*to 15m/],
    [{ RATE_LIMIT_RESET_PER_IP: '0' }, /^RATE_LIMIT_RESET_PER_IP: /],
    [{ RATE_LIMIT_ACCOUNT_MAIL_PER_USER: 'many' }, /^RATE_LIMIT_ACCOUNT_MAIL_PER_USER: /],
  ])('refuses %j', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });
});
