import { request } from 'node:http';
import { registerBearer } from '../support/users.js';
import { useTestServer } from '../support/server.js';

describe('readiness and shutdown', () => {
  const ctx = useTestServer();

  const readyz = async () => (await fetch(`${ctx.server.origin}/readyz`)).status;

  it('reports not-ready (503) while the invalidation listener is down, and ready again once it listens', async () => {
    expect(await readyz()).toBe(200);
    await ctx.server.app.invalidations.stop();
    try {
      expect(ctx.server.app.invalidations.listening).toBe(false);
      expect(await readyz()).toBe(503);
      // Liveness is unaffected: the process is fine, only its cache is not trusted.
      expect((await fetch(`${ctx.server.origin}/healthz`)).status).toBe(200);
    } finally {
      await ctx.server.app.invalidations.start();
    }
    expect(await readyz()).toBe(200);
  });

  it('lets a request in flight finish when it stops', async () => {
    const user = await registerBearer(ctx.server.url);
    const body = JSON.stringify({ query: '{ me { id } }' });
    const { port } = new URL(ctx.server.origin);
    // The request's headers and half its body are sent: it is in flight when the stop begins.
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${user.accessToken}`,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      // Once the server has the request (headers parsed, body not yet complete), the stop begins.
      ctx.server.app.httpServer.once('request', () => {
        void ctx.server.app.stop();
        setImmediate(() => req.end(body.slice(10)));
      });
      req.write(body.slice(0, 10));
    });
    const result = await answered;
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toEqual({ data: { me: { id: user.userId } } });
    await ctx.server.app.stop();
    await expect(fetch(`${ctx.server.origin}/healthz`)).rejects.toThrow();
  });
});
