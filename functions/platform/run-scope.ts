// The run a piece of code belongs to, carried by AsyncLocalStorage: the HTTP policy reads
// the run's deadline where the waits happen, so no collector loop has to pass it down, and
// clients shared by concurrent runs of one warm instance still see each run's own deadline.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DeferredError } from './errors.js';

export interface RunScope {
  runId: string;
  /** When the run must stop starting new work and defer the rest. */
  deadline: Date;
  /**
   * Requests this run sent, per HTTP source: clients are shared by the concurrent runs of a
   * warm instance, so a client's own counter cannot say which run sent what.
   */
  readonly calls: Map<string, number>;
}

/** Counts one request of `source` for the current run (the HTTP policy calls it). */
export function countRequest(source: string): void {
  const calls = storage.getStore()?.calls;
  calls?.set(source, (calls.get(source) ?? 0) + 1);
}

/**
 * Requests of `sources` sent so far by the current run; outside a run, `fallback` (the
 * client's own counter). Callers take a difference of two readings.
 */
export function requestsOfRun(sources: readonly string[], fallback: () => number): number {
  const calls = storage.getStore()?.calls;
  if (!calls) return fallback();
  return sources.reduce((sum, s) => sum + (calls.get(s) ?? 0), 0);
}

const storage = new AsyncLocalStorage<RunScope>();

export function withinRun<T>(scope: RunScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentRun(): RunScope | undefined {
  return storage.getStore();
}

/** Reason of the DeferredError a run gets when its time budget ends. */
export const DEADLINE_REASON = 'run-deadline';
/** Reason when a wait the source asked for (Retry-After, backoff) would pass the deadline. */
export const WAIT_PAST_DEADLINE_REASON = 'wait-past-deadline';

export function deadlineReached(what: string): DeferredError {
  // Retry-After 0: nothing asked us to wait; the continuation may run at once.
  return new DeferredError(
    `${what}: the run reached its deadline (its time budget is spent); deferring the rest of the work`,
    DEADLINE_REASON,
    0,
  );
}

/** Throws a deadline deferral when the current run may not start (or wait `waitMs` for) more work. */
export function assertTimeLeft(now: Date, what: string, waitMs = 0): void {
  const scope = storage.getStore();
  if (!scope) return;
  if (now.getTime() + waitMs >= scope.deadline.getTime()) {
    if (waitMs > 0) {
      throw new DeferredError(
        `${what}: waiting ${Math.ceil(waitMs / 1000)} s would pass the run's deadline; deferring the rest of the work`,
        WAIT_PAST_DEADLINE_REASON,
        Math.ceil(waitMs / 1000),
      );
    }
    throw deadlineReached(what);
  }
}
