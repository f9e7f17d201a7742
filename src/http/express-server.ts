import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import express, { type Express } from 'express';

type Construct = (this: unknown, ...args: unknown[]) => void;

/**
 * A new Express app and its HTTP server, whose requests and responses are born with the app's prototypes.
 *
 * Express gives every request and response its own prototype (`Object.setPrototypeOf(req, app.request)` in
 * `app.handle`). On Node 20's V8 an object whose prototype was changed that way gets a hidden class of its own, and
 * so does every property added to it afterwards: every request left Express with brand-new hidden classes, and
 * every property read of `req` or `res` after that — in Express, the router, body parsing, Apollo's integration
 * and Gatehouse's handlers — missed its inline cache and went to the runtime. Built with the app's prototypes from
 * the start, the request and response keep shared hidden classes (Express's `setPrototypeOf` finds the prototype
 * already in place and changes nothing), and `me` took about half the CPU time per request (issue 17,
 * BENCHMARKS.md). The objects are the ones Node makes (its constructors run on them), with the prototype chain
 * Express would have given them.
 */
export function createExpressServer(): { readonly app: Express; readonly httpServer: Server } {
  const app = express();
  const prototypes = app as unknown as { readonly request: object; readonly response: object };
  // A Node whose constructors became classes cannot run them on an object made here: plain server, same behaviour.
  if (isClass(IncomingMessage) || isClass(ServerResponse)) return { app, httpServer: createServer(app) };
  const options = {
    IncomingMessage: bornWith(prototypes.request, IncomingMessage),
    ServerResponse: bornWith(prototypes.response, ServerResponse),
  };
  return { app, httpServer: createServer(options, app) };
}

/** A constructor for Node's `base` whose instances have `prototype` (which must inherit from base's). */
function bornWith<T extends typeof IncomingMessage | typeof ServerResponse>(prototype: object, base: T): T {
  if (!(prototype instanceof base))
    throw new TypeError(`the app's prototype does not inherit from ${base.name}`);
  // Node's http constructors are plain functions that initialise `this`, so they can run on an object made here.
  const init = base as unknown as Construct;
  function Born(this: unknown, ...args: unknown[]): void {
    init.apply(this, args);
  }
  Born.prototype = prototype;
  return Born as unknown as T;
}

function isClass(constructor: object): boolean {
  return Function.prototype.toString.call(constructor).startsWith('class');
}
