/** @module Time as an injected dependency, so replay runs on event time and tests on a manual clock. */

export interface Clock {
  /** ms since epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that follows the timestamps of the events fed through it (replay "time machine"). */
export class EventClock implements Clock {
  private t: number;
  constructor(start = 0) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(to: number): void {
    if (to > this.t) this.t = to;
  }
}
