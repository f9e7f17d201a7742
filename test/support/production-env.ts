import { testFactorKey, testKeys, testSessionSecret } from './keys.js';

/** The public origin production tests claim (production requires PUBLIC_URL, and https). */
export const TEST_PUBLIC_URL = 'https://api.example.com';

/** The least a production configuration needs to load: this process's test keys and secret, and PUBLIC_URL. */
export async function productionEnv(): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: TEST_PUBLIC_URL,
    JWT_KEYS: JSON.stringify({ keys: await testKeys() }),
    SESSION_SECRETS: testSessionSecret,
    FACTOR_ENCRYPTION_KEY: testFactorKey,
  };
}
