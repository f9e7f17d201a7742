import { registerEnumType } from 'type-graphql';

/** The ways a user can prove who they are (DESIGN §6.2). */
export enum Factor {
  PASSWORD = 'PASSWORD',
  TOTP = 'TOTP',
  PASSKEY = 'PASSKEY',
  RECOVERY_CODE = 'RECOVERY_CODE',
}

registerEnumType(Factor, { name: 'Factor', description: 'A way to prove who you are.' });
