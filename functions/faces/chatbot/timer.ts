// Waits raced against a timer, so no answer waits past its budget (tests end waits at will).
export type WaitKind = 'index' | 'live-search' | 'collect' | 'ack';

/** Resolves after `ms` (or never, in tests); `signal` cancels the wait. */
export type Timer = (ms: number, kind: WaitKind, signal: AbortSignal) => Promise<void>;

export const realTimer: Timer = (ms, _kind, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    signal.addEventListener('abort', () => clearTimeout(t), { once: true });
  });

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** The value of `work`, or TIMED_OUT when the timer fires first. */
export async function within<T>(
  timer: Timer,
  ms: number,
  kind: WaitKind,
  work: Promise<T>,
): Promise<T | typeof TIMED_OUT> {
  const stop = new AbortController();
  try {
    const expired = timer(ms, kind, stop.signal).then((): typeof TIMED_OUT => TIMED_OUT);
    return await Promise.race([work, expired]);
  } finally {
    // A reason given: abort() without one builds a DOMException (with a stack) every call.
    stop.abort(TIMED_OUT);
  }
}
