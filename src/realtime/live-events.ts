import type { Clock } from '../clock.js';
import type { DatabaseTarget } from '../db/orm-options.js';
import type { Logger } from '../logger.js';
import type { SessionEventPublisher } from '../sessions/session-events.js';
import { createLiveListener, createLivePublisher, type LivePublisher } from './live-channel.js';
import { createPubSub, type LivePubSub } from './pub-sub.js';
import { createSessionEvents } from './session-events.js';

/** The event side of live GraphQL: what resolvers subscribe to, and what features publish into. */
export interface LiveEvents {
  /** Handed to type-graphql's buildSchema: subscription fields read from it. */
  readonly pubSub: LivePubSub;
  /** Publishes any topic in a transaction (a module's events: the notes example's `noteChanged`). */
  readonly publisher: LivePublisher;
  /** Publishes account events (`sessionEvents`) in a transaction. */
  readonly sessionEvents: SessionEventPublisher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Events cross instances through the database: a feature NOTIFYs in its transaction, every instance hears it on
 * the live channel and hands it to its own PubSub, whose subscribers are that instance's sockets.
 */
export function createLiveEvents(options: {
  readonly target: DatabaseTarget;
  readonly clock: Clock;
  readonly logger: Logger;
}): LiveEvents {
  const { target, clock, logger } = options;
  const pubSub = createPubSub();
  const publisher = createLivePublisher({ logger });
  const listener = createLiveListener(
    target,
    (message) =>
      message.id === undefined
        ? pubSub.publish(message.topic, message.payload)
        : pubSub.publish(message.topic, message.id, message.payload),
    logger,
  );
  return {
    pubSub,
    publisher,
    sessionEvents: createSessionEvents({ live: publisher, clock }),
    start: () => listener.start(),
    stop: () => listener.stop(),
  };
}
