import { Resolver, Root, Subscription } from 'type-graphql';
import { Auth } from '../authz/decorators.js';
import type { AuthzContext } from '../authz/enforce.js';
import { SessionEventType } from '../sessions/session-events.js';
import { SessionEvent } from './session-event.type.js';
import { SESSION_EVENTS } from './session-events.js';

interface Heard {
  readonly type: string;
  readonly sessionId: string | null;
  readonly at: string;
}

/** `sessionEvents`: the caller's own account events, on every device at once (DESIGN §6.3). */
@Resolver()
export class SessionEventsResolver {
  @Auth()
  @Subscription(() => SessionEvent, {
    // The user's own topic: the id comes from the session the socket authenticated, never from an argument.
    topics: SESSION_EVENTS,
    // Anonymous never gets here (@auth refuses first); if it did, it would hear no one's topic.
    topicId: ({ context }: { context: AuthzContext }) => context.viewer?.userId ?? '\u0000nobody',
    description: "The caller's account events: new sign-ins, revocations, role and password changes.",
  })
  sessionEvents(@Root() event: Heard): SessionEvent {
    return {
      type: event.type as SessionEventType,
      sessionId: event.sessionId,
      at: new Date(event.at),
    };
  }
}
