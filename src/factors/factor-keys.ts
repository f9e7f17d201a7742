import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { decodeFactorKey } from '../settings/factor-keys.js';

/**
 * The keys that encrypt second-factor secrets: FACTOR_ENCRYPTION_KEY, or, outside production only, one generated
 * once and kept under DATA_DIR (mode 0600), like the other development secrets (src/auth/secrets.ts). Several
 * development instances on one database must share FACTOR_ENCRYPTION_KEY instead: each DATA_DIR has its own key.
 */
export function resolveFactorKeys(config: Config, logger: Logger): Buffer[] {
  if (config.factors.encryptionKeys) return config.factors.encryptionKeys.map((k) => decodeFactorKey(k)!);
  if (config.production) throw new Error('FACTOR_ENCRYPTION_KEY is required in production');
  const file = join(config.dataDir, 'dev-factor-key');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    text = undefined;
  }
  let stored = text === undefined ? undefined : decodeFactorKey(text);
  // A damaged key file is not replaced: secrets encrypted with it would become unreadable without a word.
  if (text !== undefined && !stored) throw new Error(`${file}: not a 32-byte key (64 hex characters)`);
  if (!stored) {
    stored = randomBytes(32);
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, stored.toString('hex'), { mode: 0o600 });
    logger.warn({ file }, 'generated a development factor encryption key (never use it in production)');
  }
  return [stored];
}
