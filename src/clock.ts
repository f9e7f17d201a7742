/** The source of the current time; tests pass a controllable one (JWT `exp`, session expiry, `fresh`). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
