import type { SessionEventPublisher } from '../sessions/session-events.js';
import type { Clock } from '../clock.js';
import type { LivePublisher } from './live-channel.js';

/** The PubSub topic of account events; each user's are under their id. */
export const SESSION_EVENTS = 'SESSION_EVENTS';

/**
 * Account events over the live channel: published in the changing transaction, heard by every instance, delivered
 * to every live socket of that user (`sessionEvents`). Carries ids and a time only: never another user's data.
 */
export function createSessionEvents(options: {
  readonly live: LivePublisher;
  readonly clock: Clock;
}): SessionEventPublisher {
  const { live, clock } = options;
  return {
    publish: (tx, userId, event) =>
      live.publish(tx, {
        topic: SESSION_EVENTS,
        id: userId,
        payload: { type: event.type, sessionId: event.sessionId, at: clock.now().toISOString() },
      }),
  };
}
