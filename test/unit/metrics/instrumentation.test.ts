import type { Authenticate } from '../../../src/auth/authenticate.js';
import { createInstrumentation } from '../../../src/metrics/instrumentation.js';

const anonymous: Authenticate = async () => ({ kind: 'anonymous' });
const NOW = new Date('2026-01-01T00:00:00Z');

/** The value of one series in the registry's text output (0 when it has no sample). */
async function sample(text: Promise<string>, series: string): Promise<number> {
  const line = (await text).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('instrumentation', () => {
  describe('disabled (no METRICS_TOKEN)', () => {
    const metrics = createInstrumentation({ enabled: false });

    it('hands authenticate back unwrapped: not one extra call or allocation per request', () => {
      expect(metrics.enabled).toBe(false);
      expect(metrics.counted(anonymous)).toBe(anonymous);
    });

    it('gives Apollo a plugin without any request hook', () => {
      expect(metrics.loginPlugin.requestDidStart).toBeUndefined();
    });

    it('counts nothing: cache lookups and identifications leave the registry at zero', async () => {
      metrics.cacheLookups.hit.inc();
      metrics.cacheLookups.miss.inc();
      await metrics.counted(anonymous)({}, NOW);
      const text = metrics.registry.metrics();
      expect(await sample(text, 'gatehouse_session_cache_requests_total{result="hit"}')).toBe(0);
      expect(await sample(text, 'gatehouse_session_cache_requests_total{result="miss"}')).toBe(0);
      expect(await metrics.registry.metrics()).not.toContain(
        'gatehouse_authentications_total{transport="none"',
      );
    });

    it('starts no process collectors (event-loop timer, GC observer)', async () => {
      expect(await metrics.registry.metrics()).not.toContain('process_cpu_user_seconds_total');
    });
  });

  describe('enabled (METRICS_TOKEN set)', () => {
    const metrics = createInstrumentation({ enabled: true });

    it('counts identifications, cache lookups and has the process metrics', async () => {
      expect(metrics.enabled).toBe(true);
      const counted = metrics.counted(anonymous);
      expect(counted).not.toBe(anonymous);
      await counted({}, NOW);
      metrics.cacheLookups.hit.inc();
      const text = metrics.registry.metrics();
      expect(
        await sample(
          text,
          'gatehouse_authentications_total{transport="none",outcome="anonymous",reason="none"}',
        ),
      ).toBe(1);
      expect(await sample(text, 'gatehouse_session_cache_requests_total{result="hit"}')).toBe(1);
      expect(await text).toContain('process_cpu_user_seconds_total');
      expect(metrics.loginPlugin.requestDidStart).toBeDefined();
    });

    it('listens only to requests whose text names login (or is not known yet: a persisted query)', async () => {
      const didStart = metrics.loginPlugin.requestDidStart!.bind(metrics.loginPlugin);
      const listenerFor = (query: string | undefined) =>
        didStart({ request: { query } } as unknown as Parameters<typeof didStart>[0]);
      expect(await listenerFor('{ me { id } }')).toBeUndefined();
      expect(
        await listenerFor('mutation { login(email: "a", password: "b") { user { id } } }'),
      ).toBeDefined();
      expect(await listenerFor(undefined)).toBeDefined();
    });
  });
});
