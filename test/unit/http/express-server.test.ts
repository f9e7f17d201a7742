import { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createExpressServer } from '../../../src/http/express-server.js';

describe('createExpressServer', () => {
  const { app, httpServer } = createExpressServer();
  const prototypes = app as unknown as { request: object; response: object };
  const born: { request?: object | null; response?: object | null } = {};
  let origin: string;

  beforeAll(async () => {
    // Runs before Express sees the request, which would set the prototypes itself.
    httpServer.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      born.request = Object.getPrototypeOf(req) as object;
      born.response = Object.getPrototypeOf(res) as object;
    });
    app.set('trust proxy', 'loopback');
    app.post('/echo', express.json(), (req, res) => {
      res.status(201).json({ ip: req.ip, path: req.path, body: req.body as unknown, app: req.app === app });
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => httpServer.close(resolve)));

  it("makes requests and responses with the app's prototypes, before Express handles them", async () => {
    const res = await fetch(`${origin}/echo?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: '{"a":1}',
    });
    expect(born.request).toBe(prototypes.request);
    expect(born.response).toBe(prototypes.response);
    expect(prototypes.request).toBeInstanceOf(IncomingMessage);
    expect(prototypes.response).toBeInstanceOf(ServerResponse);
    // Node's constructors ran on them: a request Express and its middleware handle as usual.
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ip: '203.0.113.9', path: '/echo', body: { a: 1 }, app: true });
  });

  it('keeps the connection alive across requests and answers an unknown route with 404', async () => {
    const first = await fetch(`${origin}/nowhere`);
    const second = await fetch(`${origin}/nowhere`);
    expect([first.status, second.status]).toEqual([404, 404]);
  });
});
