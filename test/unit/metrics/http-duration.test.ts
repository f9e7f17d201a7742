import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import { observeHttpDuration } from '../../../src/metrics/http-duration.js';

const COUNT = 'gatehouse_http_request_duration_seconds_count';

async function listen(status: number): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('observeHttpDuration', () => {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'test',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  let observed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let stop: () => Promise<void>;

  const count = async (labels: string) => {
    const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${COUNT}{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    observed = await listen(200);
    other = await listen(200);
    stop = observeHttpDuration(histogram, observed.server);
  });

  afterAll(async () => {
    await stop();
    for (const { server } of [observed, other]) await new Promise((resolve) => server.close(resolve));
  });

  it("counts the observed server's requests by route and status class, unknown paths as other", async () => {
    await fetch(`${observed.origin}/graphql?query=x`);
    await fetch(`${observed.origin}/graphql`, { method: 'POST' });
    await fetch(`${observed.origin}/wp-login.php`);
    expect(await count('route="/graphql",status="2xx"')).toBe(2);
    expect(await count('route="other",status="2xx"')).toBe(1);
    const sum = (await registry.metrics())
      .split('\n')
      .find((l) => l.startsWith(`${COUNT.replace('_count', '_sum')}{route="/graphql"`));
    expect(Number(sum?.split(' ').pop())).toBeGreaterThan(0);
  });

  it("leaves another server's requests alone (two apps in one process keep their own figures)", async () => {
    const before = await count('route="/graphql",status="2xx"');
    await fetch(`${other.origin}/graphql`);
    expect(await count('route="/graphql",status="2xx"')).toBe(before);
  });

  it('stops counting once unsubscribed', async () => {
    await stop();
    const before = await count('route="/graphql",status="2xx"');
    await fetch(`${observed.origin}/graphql`);
    expect(await count('route="/graphql",status="2xx"')).toBe(before);
  });
});
