// The one HTTP policy every source client uses. ky does the retry mechanics; this module
// decides what each failure means and how long to wait, and waits through the injected
// clock so tests never sleep. Waits the run cannot afford become a DeferredError.
import ky, {
  HTTPError,
  isForceRetryError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  type KyInstance,
} from 'ky';
import type { Clock } from './clock.js';
import type { HttpPolicyConfig } from './config.js';
import { DeferredError, SourceHttpError, TransientError, type FailureKind } from './errors.js';

/** What a source says a failed answer means. */
export type Verdict =
  | { action: 'retry' }
  | { action: 'wait'; seconds: number | null }
  | { action: 'defer'; reason: string; seconds: number | null }
  | { action: 'fail'; kind: FailureKind; reason: string };

export interface FailedAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export type Classifier = (answer: FailedAnswer) => Verdict | undefined;

export interface SourceHttpOptions {
  source: string;
  baseUrl: string;
  policy: HttpPolicyConfig;
  clock: Clock;
  random?: () => number;
  /** Sets credentials on a request; `refresh` asks for a new token after a 401. */
  authorize?: (headers: Headers, refresh: boolean) => Promise<void>;
  /** Source-specific meaning of error answers, consulted before the defaults. */
  classify?: Classifier;
  /** Sees every answer (for usage headers); may throw a DeferredError to stop the run. */
  observe?: (response: Response) => void;
}

export interface JsonAnswer {
  url: string;
  status: number;
  body: unknown;
  headers: Headers;
}

export interface SourceHttp {
  getJson(path: string, searchParams?: Record<string, string | number>): Promise<JsonAnswer>;
  postForm(
    path: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer>;
  /** HTTP requests actually sent, retries included. */
  readonly calls: number;
}

export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}

export function defaultVerdict(answer: FailedAnswer, now: Date): Verdict {
  const { status } = answer;
  if (status === 429)
    return { action: 'wait', seconds: parseRetryAfter(answer.headers.get('retry-after'), now) };
  if (status === 408 || status >= 500) return { action: 'retry' };
  // Any other 4xx (401 and 403 included: a source refreshes its own token) is permanent.
  return { action: 'fail', kind: 'permanent', reason: `HTTP ${status}` };
}

/** Full jitter over a capped exponential: spreads retries of many instances apart. */
export function backoffMs(attempt: number, policy: HttpPolicyConfig, random: () => number): number {
  const ceiling = Math.min(
    policy.backoffMaxMs,
    policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(random() * ceiling);
}

const TOKEN_REFRESHED = 'TOKEN_REFRESHED';
const MALFORMED_JSON = 'MALFORMED_JSON';

export function createSourceHttp(options: SourceHttpOptions): SourceHttp {
  const { policy, clock } = options;
  const random = options.random ?? Math.random;
  let calls = 0;
  const verdicts = new WeakMap<Error, Verdict>();

  const verdictOf = (error: HTTPError): Verdict => {
    const cached = verdicts.get(error);
    if (cached) return cached;
    const answer = {
      status: error.response.status,
      body: error.data,
      headers: error.response.headers,
    };
    const verdict = options.classify?.(answer) ?? defaultVerdict(answer, clock.now());
    verdicts.set(error, verdict);
    return verdict;
  };

  const withinBudget = (seconds: number | null) =>
    seconds === null || seconds <= policy.retryAfterBudgetSeconds;

  const client: KyInstance = ky.create({
    prefix: options.baseUrl,
    timeout: policy.timeoutMs,
    throwHttpErrors: true,
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    retry: {
      limit: policy.retries,
      methods: ['get', 'post'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [],
      delay: () => 0,
      retryOnTimeout: true,
      shouldRetry: ({ error }) => {
        if (isHTTPError(error)) {
          const verdict = verdictOf(error);
          if (verdict.action === 'retry') return true;
          if (verdict.action === 'wait') return withinBudget(verdict.seconds);
          return false;
        }
        if (isNetworkError(error) || isTimeoutError(error)) return true;
        return undefined;
      },
    },
    hooks: {
      beforeRequest: [
        async ({ request }) => {
          await options.authorize?.(request.headers, false);
        },
      ],
      afterResponse: [
        async ({ request, response, options: requestOptions }) => {
          options.observe?.(response);
          const state = requestOptions.context as { refreshed?: boolean };
          if (response.status === 401 && options.authorize && !state.refreshed) {
            state.refreshed = true;
            const headers = new Headers(request.headers);
            await options.authorize(headers, true);
            return ky.retry({
              request: new Request(request, { headers }),
              code: TOKEN_REFRESHED,
              delay: 0,
            });
          }
          if (response.ok && isJson(response)) {
            const text = await response.text();
            if (!isParsableJson(text)) return ky.retry({ code: MALFORMED_JSON });
          }
          return undefined;
        },
      ],
      beforeRetry: [
        async ({ error, retryCount }) => {
          if (isForceRetryError(error) && error.message.includes(TOKEN_REFRESHED)) return;
          const verdict = isHTTPError(error) ? verdictOf(error) : null;
          const waitMs =
            verdict?.action === 'wait' && verdict.seconds !== null
              ? verdict.seconds * 1000
              : backoffMs(retryCount, policy, random);
          await clock.sleep(waitMs);
        },
      ],
    },
  });

  const send = async (
    method: 'get' | 'post',
    path: string,
    extra: {
      searchParams?: Record<string, string | number>;
      body?: URLSearchParams;
      headers?: Record<string, string>;
    },
  ): Promise<JsonAnswer> => {
    try {
      const response = await client(path.replace(/^\//, ''), {
        method,
        ...extra,
        context: { refreshed: false },
      });
      const text = await response.text();
      return {
        url: response.url,
        status: response.status,
        body: parseJsonOrText(text),
        headers: response.headers,
      };
    } catch (error) {
      throw translate(error, options.source, verdictOf, withinBudget);
    }
  };

  return {
    getJson: (path, searchParams) => send('get', path, searchParams ? { searchParams } : {}),
    postForm: (path, form, headers) =>
      send('post', path, { body: new URLSearchParams(form), ...(headers ? { headers } : {}) }),
    get calls() {
      return calls;
    },
  };
}

function translate(
  error: unknown,
  source: string,
  verdictOf: (e: HTTPError) => Verdict,
  withinBudget: (s: number | null) => boolean,
): Error {
  if (error instanceof DeferredError || error instanceof SourceHttpError) return error;
  if (isHTTPError(error)) {
    const status = error.response.status;
    const url = redactUrl(error.request.url);
    const verdict = verdictOf(error);
    const where = `${source} ${error.request.method} ${url}`;
    switch (verdict.action) {
      case 'retry':
        return new SourceHttpError(
          'transient',
          status,
          url,
          `${where} failed with HTTP ${status} after retries`,
          error.data,
        );
      case 'wait':
        if (!withinBudget(verdict.seconds)) {
          return new DeferredError(
            `${where}: rate limited (HTTP 429), Retry-After ${verdict.seconds}s exceeds the wait budget; deferring the rest of the work`,
            'rate-limited',
            verdict.seconds,
          );
        }
        return new SourceHttpError(
          'transient',
          status,
          url,
          `${where} still rate limited after retries`,
          error.data,
        );
      case 'defer':
        return new DeferredError(
          `${where}: ${verdict.reason}; deferring the rest of the work`,
          verdict.reason,
          verdict.seconds,
        );
      case 'fail':
        return new SourceHttpError(
          verdict.kind,
          status,
          url,
          `${where}: ${verdict.reason}`,
          error.data,
        );
    }
  }
  if (isForceRetryError(error)) {
    return new TransientError(
      `${source}: answers stayed unreadable after retries (${error.message})`,
    );
  }
  if (isTimeoutError(error) || isNetworkError(error)) {
    return new TransientError(`${source}: ${error.message} (${redactUrl(error.request.url)})`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new TransientError(String(error));
}

function isJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('json');
}

function isParsableJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Query-string credentials never leave this module in an error message. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|client_secret|token)=)[^&]*/gi, '$1[REDACTED]');
}
