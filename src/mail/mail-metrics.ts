import { Counter, Gauge, type Registry } from 'prom-client';
import type { SendOutcomes } from './mail-sender.js';

const PENDING = 'gatehouse_mail_outbox_pending';

/**
 * Feeds the outbox metrics of this instance's registry: `gatehouse_mail_outbox_pending` (DESIGN §6.4; registered
 * by metrics/registry.ts so the name exists before any mail) and `gatehouse_mail_deliveries_total{outcome}`.
 * Pending counts the whole table, so every instance reports the same value: aggregate with max, not sum.
 */
export function mailMetrics(registry: Registry): SendOutcomes {
  const pending =
    (registry.getSingleMetric(PENDING) as Gauge | undefined) ??
    new Gauge({ name: PENDING, help: 'Mails waiting in the outbox.', registers: [registry] });
  const deliveries = new Counter({
    name: 'gatehouse_mail_deliveries_total',
    help: 'Send attempts of this instance: sent, retried (failed, will try again) or failed (given up).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const sent = deliveries.labels('sent');
  const retried = deliveries.labels('retried');
  const failed = deliveries.labels('failed');
  return {
    sent: () => sent.inc(),
    retried: () => retried.inc(),
    failed: () => failed.inc(),
    pending: (count) => pending.set(count),
  };
}
