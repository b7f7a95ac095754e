// The error taxonomy decides what a Pub/Sub-triggered run does with a failure:
// transient errors are thrown so Pub/Sub redelivers, permanent ones are acknowledged
// with an alertable log, invalid input is acknowledged and dead-lettered by policy.

export type FailureKind = 'transient' | 'deferred' | 'permanent' | 'invalid-input';

export class FanpulseError extends Error {
  readonly kind: FailureKind;
  constructor(kind: FailureKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** Network trouble, 5xx after retries, timeouts: try the whole run again later. */
export class TransientError extends FanpulseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transient', message, options);
  }
}

/**
 * The source asked us to wait longer than this run may wait (Retry-After beyond the
 * budget, a quota hit, a usage budget). The remaining work must run later.
 */
export class DeferredError extends FanpulseError {
  readonly retryAfterSeconds: number | null;
  readonly reason: string;
  constructor(message: string, reason: string, retryAfterSeconds: number | null) {
    super('deferred', message);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Bad credentials, revoked token, invalid parameters: retrying cannot help. */
export class PermanentError extends FanpulseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('permanent', message, options);
  }
}

/** A job message or request that cannot be understood. */
export class InvalidInputError extends FanpulseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid-input', message, options);
  }
}

/** An HTTP answer the source gave that we classify without retrying (after the policy ran). */
export class SourceHttpError extends FanpulseError {
  readonly status: number;
  readonly url: string;
  readonly body: unknown;
  constructor(kind: FailureKind, status: number, url: string, message: string, body: unknown) {
    super(kind, message);
    this.status = status;
    this.url = url;
    this.body = body;
  }
}

export function failureKindOf(error: unknown): FailureKind {
  if (error instanceof FanpulseError) return error.kind;
  return 'transient';
}

/** The numeric `code` a Google client error carries (HTTP or gRPC status), if any. */
export function errorCode(error: unknown): number | undefined {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A validation failure (zod's issues) as one line: `path: message; …` (`whole` for the root). */
export function describeIssues(
  error: { readonly issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> },
  whole: string,
): string {
  return error.issues
    .map((i) => `${i.path.map(String).join('.') || whole}: ${i.message}`)
    .join('; ');
}
