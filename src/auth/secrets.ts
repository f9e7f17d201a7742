import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, JsonWebKeyLike } from '../config.js';
import type { Logger } from '../logger.js';
import { validateJwkSet } from '../settings/jwk-set.js';
import { generateSigningJwk } from './key-set.js';

export interface Secrets {
  readonly jwtKeys: readonly JsonWebKeyLike[];
  readonly sessionSecrets: readonly string[];
}

/**
 * The signing keys and session secrets: from the configuration, or, outside production only, a set generated once
 * and kept under DATA_DIR (mode 0600) so development logins survive a restart. Production never gets here without
 * both (the configuration refuses to load).
 */
export async function resolveSecrets(config: Config, logger: Logger): Promise<Secrets> {
  if (config.jwt.keys && config.session.secrets) {
    return { jwtKeys: config.jwt.keys, sessionSecrets: config.session.secrets };
  }
  if (config.production) throw new Error('JWT_KEYS and SESSION_SECRETS are required in production');
  const file = join(config.dataDir, 'dev-secrets.json');
  let stored: Secrets | undefined;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Secrets;
  } catch {
    stored = undefined;
  }
  if (!stored?.jwtKeys?.length || !stored.sessionSecrets?.length) {
    stored = {
      jwtKeys: [await generateSigningJwk('EdDSA')],
      sessionSecrets: [randomBytes(32).toString('base64url')],
    };
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    logger.warn(
      { file },
      'generated development signing keys and session secret (never use these in production)',
    );
  }
  // The same judge as JWT_KEYS: a hand-edited file fails here, by name, not later with a WebCrypto error.
  const judged = config.jwt.keys ? undefined : validateJwkSet({ keys: stored.jwtKeys });
  if (judged && !judged.ok) {
    throw new Error(`${file}: ${judged.problem} (delete the file to generate new development keys)`);
  }
  return {
    jwtKeys: config.jwt.keys ?? stored.jwtKeys,
    sessionSecrets: config.session.secrets ?? stored.sessionSecrets,
  };
}
