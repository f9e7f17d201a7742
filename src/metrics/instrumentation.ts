import type { ApolloServerPlugin } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate.js';
import { countAuthentications } from './count-authentications.js';
import { countLogins } from './count-logins.js';
import { createMetrics, type Metrics } from './registry.js';

/** One app instance's metrics and the adapters that feed them, built once by the composition root. */
export interface Instrumentation extends Metrics {
  /** `authenticate`, counting each identification in `gatehouse_authentications_total`. */
  counted(authenticate: Authenticate): Authenticate;
  /** The Apollo plugin counting `login` answers in `gatehouse_logins_total`. */
  readonly loginPlugin: ApolloServerPlugin;
}

/** A fresh registry (never shared between two apps in one process) with its adapters. */
export function createInstrumentation(): Instrumentation {
  const metrics = createMetrics();
  return {
    ...metrics,
    counted: (authenticate) => countAuthentications(authenticate, metrics.authentications),
    loginPlugin: countLogins(metrics.logins),
  };
}
