import type { Request, Response } from 'express';
import type { Em } from '../db/types.js';
import type { Viewer } from '../authz/viewer.js';
import type { RequestMeta } from '../audit/audit-log.js';

/**
 * The context function: `em` is forked when a resolver first asks for it, so a request that never reaches the
 * database (`me`, answered from the session cache) does not build an EntityManager, its identity map and unit of
 * work for nothing. A request still gets one fork at most, shared by all its resolvers. A class, not an object
 * literal with a getter: Apollo copies the context's own properties into a new object for each operation
 * (`Object.assign(Object.create(prototype), context)`), which would call a getter of the literal and fork every
 * time; a getter on the prototype survives the copy, unread.
 */
export function graphqlContext(fork: () => Em) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<GraphQLContext> =>
    new RequestContext(fork, req, res);
}

class RequestContext implements GraphQLContext {
  viewer: Viewer | null;
  readonly meta: RequestMeta;
  extensions?: Record<string, unknown>;
  /** Not a #private field: Apollo's copy of the context must carry it. */
  private forked: Em | undefined = undefined;
  constructor(
    private readonly fork: () => Em,
    readonly req: Request,
    readonly res: Response,
  ) {
    this.viewer = req.viewer ?? null;
    this.meta = req.meta;
  }
  get em(): Em {
    return (this.forked ??= this.fork());
  }
}

/**
 * Per request: one EntityManager fork (made on first use), the caller, and the request itself. Nothing long-lived: resolvers get their
 * collaborators through their constructors (the container built by the composition root), not from here.
 */
export interface GraphQLContext {
  readonly em: Em;
  /** Mutable only so that login/register/logout can speak for the new state in the rest of the response. */
  viewer: Viewer | null;
  readonly meta: RequestMeta;
  readonly req: Request;
  readonly res: Response;
  /**
   * Members a resolver adds to this response's top-level `extensions` (changePassword hands a bearer caller its
   * renewed token pair there, its result being a Boolean). Copied by response-extensions.ts.
   */
  extensions?: Record<string, unknown>;
}
