import type { AuditLog } from '../audit/audit-log.js';
import { RateLimited, type RateLimitStore } from '../auth/rate-limits.js';
import type { RegistrationMail } from '../auth/register.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Em } from '../db/types.js';
import type { Logger } from '../logger.js';
import type { MailOutbox } from '../mail/outbox.js';
import type { SessionService } from '../sessions/session-service.js';
import { AuditEventType } from '../audit/audit-event.entity.js';
import { createAccountLimits } from './account-limits.js';
import { sendVerificationLink, type AccountMailDeps } from './account-mail.js';
import { LinkPurpose } from './link-token.entity.js';
import { createLinkTokens } from './link-tokens.js';
import { createPasswordResetRequests } from './request-password-reset.js';
import { VOIDED_BY_PASSWORD_CHANGE } from './reset-password.js';
import type { AccountsResolverDeps } from './accounts.resolver.js';
import { User } from '../users/user.entity.js';

/** The account lifecycle as the composition root wires it. */
export interface Accounts {
  /** The collaborators of AccountsResolver that are the lifecycle's own (the rest are the app's). */
  readonly resolverDeps: Pick<
    AccountsResolverDeps,
    'links' | 'outbox' | 'appUrl' | 'limits' | 'resetRequests'
  >;
  /** What src/auth/ takes from the lifecycle (it does not import this feature). */
  readonly authDeps: {
    /** What register mails, and in which mode register and login run. */
    readonly registrationMail: RegistrationMail;
    readonly registration: Config['accounts']['registration'];
    /** changePassword's hook: voids outstanding reset and email-change links in its transaction. */
    readonly voidPasswordLinks: (tx: Em, userId: string) => Promise<unknown>;
  };
}

/** Builds the link tokens, the account mail limits and the reset requests from the configuration. */
export function createAccounts(options: {
  readonly config: Pick<Config, 'accounts' | 'rateLimit' | 'mail'>;
  readonly mail: { readonly outbox: MailOutbox };
  readonly rateLimitStore: RateLimitStore;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly logger: Logger;
  readonly sessions: Pick<SessionService, 'forkEm'>;
}): Accounts {
  const { config, clock, audit } = options;
  const { outbox } = options.mail;
  const { appUrl } = config.mail;
  const links = createLinkTokens({
    clock,
    lifetimes: {
      [LinkPurpose.VERIFY_EMAIL]: config.accounts.verificationTtlSec,
      [LinkPurpose.RESET_PASSWORD]: config.accounts.resetTtlSec,
      [LinkPurpose.CHANGE_EMAIL]: config.accounts.emailChangeTtlSec,
    },
  });
  const limits = createAccountLimits(config.rateLimit, options.rateLimitStore);
  const mail: AccountMailDeps = { links, outbox, appUrl, audit };
  const resetRequests = createPasswordResetRequests({
    ...mail,
    limits,
    forkEm: options.sessions.forkEm,
    logger: options.logger,
  });
  return {
    resolverDeps: { links, outbox, appUrl, limits, resetRequests },
    authDeps: {
      registration: config.accounts.registration,
      registrationMail: {
        created: (tx, user, meta) => sendVerificationLink(mail, tx, user, meta),
        async taken(tx, email, meta) {
          const owner = await tx.findOne(User, { email });
          if (!owner) return; // deleted meanwhile: nobody to tell
          outbox.enqueue(tx, {
            to: owner.email,
            template: 'registration-attempt',
            params: {},
            userId: owner.id,
          });
          await audit.record(tx, { type: AuditEventType.REGISTRATION_EMAIL_TAKEN, userId: owner.id }, meta);
        },
        async unverifiedLogin(em, user, meta) {
          try {
            await limits.beforeAccountMail(user.id);
          } catch (error) {
            if (error instanceof RateLimited) return; // the refusal is the answer; the earlier links still work
            throw error;
          }
          await em.transactional((tx) => sendVerificationLink(mail, tx as Em, user, meta));
        },
      },
      voidPasswordLinks: (tx, userId) => links.voidAll(tx, userId, VOIDED_BY_PASSWORD_CHANGE),
    },
  };
}
