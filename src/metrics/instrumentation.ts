import type { ApolloServerPlugin } from '@apollo/server';
import type { Authenticate } from '../auth/authenticate.js';
import { countAuthentications } from './count-authentications.js';
import { countLogins } from './count-logins.js';
import { createMetrics, type CacheLookups, type Metrics } from './registry.js';

/** One app instance's metrics and the adapters that feed them, built once by the composition root. */
export interface Instrumentation extends Metrics {
  /** Whether anything is counted on the request path (only when `/metrics` is served). */
  readonly enabled: boolean;
  /** `authenticate`, counting each identification in `gatehouse_authentications_total`. */
  counted(authenticate: Authenticate): Authenticate;
  /** The Apollo plugin counting `login` answers in `gatehouse_logins_total`. */
  readonly loginPlugin: ApolloServerPlugin;
}

const NOTHING = { inc() {} };
const NO_LOOKUPS: CacheLookups = { hit: NOTHING, miss: NOTHING };

/**
 * A fresh registry (never shared between two apps in one process) with its adapters. Disabled (no METRICS_TOKEN:
 * nobody can read the figures), the request path gets the same interface doing nothing: `authenticate` is handed
 * back unwrapped, no plugin hook runs, cache lookups are not counted and the process collectors (an event-loop
 * delay timer, a GC observer) are not started. The metric objects still exist, so a feature may set its gauge
 * whether or not they are served; off the request path that costs nothing measurable.
 */
export function createInstrumentation(options: { readonly enabled: boolean }): Instrumentation {
  const metrics = createMetrics({ processMetrics: options.enabled });
  if (!options.enabled) {
    return { ...metrics, enabled: false, cacheLookups: NO_LOOKUPS, counted: (a) => a, loginPlugin: {} };
  }
  return {
    ...metrics,
    enabled: true,
    counted: (authenticate) => countAuthentications(authenticate, metrics.authentications),
    loginPlugin: countLogins(metrics.logins),
  };
}
