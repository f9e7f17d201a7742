import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { handlerSequence } from '../../../src/http/handler-sequence.js';

/** Runs a sequence on a dummy request and resolves with what it handed Express: `next()`'s argument. */
function run(handler: RequestHandler): Promise<{ error: unknown }> {
  return new Promise((resolve) => {
    const done: NextFunction = (error?: unknown) => resolve({ error });
    void handler({} as Request, {} as Response, done);
  });
}

describe('handlerSequence', () => {
  it('runs the handlers in order and then hands over to Express', async () => {
    const seen: string[] = [];
    const step =
      (name: string): RequestHandler =>
      (_req, _res, next) => {
        seen.push(name);
        next();
      };
    const asyncStep: RequestHandler = (_req, _res, next) => {
      setImmediate(() => {
        seen.push('later');
        next();
      });
    };
    await expect(run(handlerSequence(step('a'), asyncStep, step('b')))).resolves.toEqual({
      error: undefined,
    });
    expect(seen).toEqual(['a', 'later', 'b']);
  });

  it('stops at an answered request: a handler that does not call next ends the sequence', async () => {
    const seen: string[] = [];
    let answered!: () => void;
    const stopped = new Promise<void>((resolve) => (answered = resolve));
    const sequence = handlerSequence(
      () => {
        seen.push('answers');
        answered();
      },
      () => seen.push('never'),
    );
    void sequence({} as Request, {} as Response, () => seen.push('express'));
    await stopped;
    expect(seen).toEqual(['answers']);
  });

  it('leaves for error handling on next(error), a throw or a rejected promise, skipping the rest', async () => {
    const boom = new Error('boom');
    const never: RequestHandler = () => {
      throw new Error('must not run');
    };
    await expect(run(handlerSequence((_q, _s, next) => next(boom), never))).resolves.toEqual({ error: boom });
    await expect(
      run(
        handlerSequence(() => {
          throw boom;
        }, never),
      ),
    ).resolves.toEqual({ error: boom });
    await expect(run(handlerSequence(() => Promise.reject(boom), never))).resolves.toEqual({ error: boom });
    const empty = await run(handlerSequence(() => Promise.reject(undefined as unknown as Error)));
    expect((empty.error as Error).message).toBe('Rejected promise');
  });

  it("treats next('route') as Express does between the handlers of one app.use: it goes on", async () => {
    const seen: string[] = [];
    const sequence = handlerSequence(
      (_req, _res, next) => next('route'),
      (_req, _res, next) => {
        seen.push('second');
        next();
      },
    );
    await expect(run(sequence)).resolves.toEqual({ error: undefined });
    expect(seen).toEqual(['second']);
  });
});
