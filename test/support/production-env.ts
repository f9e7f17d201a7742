import { testFactorKey, testKeys, testSessionSecret } from './keys.js';

/** The public origin production tests claim (production requires PUBLIC_URL, and https). */
export const TEST_PUBLIC_URL = 'https://api.example.com';

/**
 * Production requires SMTP_URL. Nothing listens on this port (9, discard): a production test that causes mail
 * sees its delivery refused and retried, never sent anywhere. Tests of mail start their own SMTP server.
 */
export const TEST_SMTP_URL = 'smtp://gatehouse:test-smtp-password@127.0.0.1:9';

/** The least a production configuration needs to load: this process's test keys and secret, PUBLIC_URL, SMTP_URL. */
export async function productionEnv(): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: TEST_PUBLIC_URL,
    JWT_KEYS: JSON.stringify({ keys: await testKeys() }),
    SESSION_SECRETS: testSessionSecret,
    FACTOR_ENCRYPTION_KEY: testFactorKey,
    SMTP_URL: TEST_SMTP_URL,
  };
}
