// The one HTTP policy every source client uses. ky does the retry mechanics; this module
// decides what each failure means and how long to wait, and waits through the injected
// clock so tests never sleep. Waits the run cannot afford become a DeferredError.
import ky, {
  HTTPError,
  isForceRetryError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  type Hooks,
  type KyInstance,
  type RetryOptions,
} from 'ky';
import type { Clock } from './clock.js';
import type { HttpPolicyConfig } from './config.js';
import { DeferredError, SourceHttpError, TransientError } from './errors.js';
import { backoffMs, defaultVerdict, type Classifier, type Verdict } from './http-verdict.js';

export {
  backoffMs,
  defaultVerdict,
  parseRetryAfter,
  type Classifier,
  type FailedAnswer,
  type Verdict,
} from './http-verdict.js';

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

const TOKEN_REFRESHED = 'TOKEN_REFRESHED';
const MALFORMED_JSON = 'MALFORMED_JSON';

/** How failed answers are judged (cached per error: ky and translate both ask). */
interface Judge {
  verdictOf(error: HTTPError): Verdict;
  withinBudget(seconds: number | null): boolean;
}

function judge(options: SourceHttpOptions): Judge {
  const verdicts = new WeakMap<Error, Verdict>();
  return {
    verdictOf: (error) => {
      const cached = verdicts.get(error);
      if (cached) return cached;
      const answer = {
        status: error.response.status,
        body: error.data,
        headers: error.response.headers,
      };
      const verdict = options.classify?.(answer) ?? defaultVerdict(answer, options.clock.now());
      verdicts.set(error, verdict);
      return verdict;
    },
    withinBudget: (seconds) =>
      seconds === null || seconds <= options.policy.retryAfterBudgetSeconds,
  };
}

/** Which failures ky retries: by verdict for answers; network errors and timeouts always. */
function retryOptions(policy: HttpPolicyConfig, { verdictOf, withinBudget }: Judge): RetryOptions {
  return {
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
  };
}

/** Credentials on every request; one token refresh on a 401; unreadable JSON is retried. */
function answerHooks(options: SourceHttpOptions): Pick<Hooks, 'beforeRequest' | 'afterResponse'> {
  return {
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
  };
}

/** The wait before a retry: Retry-After within the budget, else jittered backoff. */
function waitBeforeRetry(
  options: SourceHttpOptions,
  { verdictOf }: Judge,
): NonNullable<Hooks['beforeRetry']> {
  const random = options.random ?? Math.random;
  return [
    async ({ error, retryCount }) => {
      if (isForceRetryError(error) && error.message.includes(TOKEN_REFRESHED)) return;
      const verdict = isHTTPError(error) ? verdictOf(error) : null;
      const waitMs =
        verdict?.action === 'wait' && verdict.seconds !== null
          ? verdict.seconds * 1000
          : backoffMs(retryCount, options.policy, random);
      await options.clock.sleep(waitMs);
    },
  ];
}

export function createSourceHttp(options: SourceHttpOptions): SourceHttp {
  let calls = 0;
  const judged = judge(options);
  const client: KyInstance = ky.create({
    prefix: options.baseUrl,
    timeout: options.policy.timeoutMs,
    throwHttpErrors: true,
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    retry: retryOptions(options.policy, judged),
    hooks: { ...answerHooks(options), beforeRetry: waitBeforeRetry(options, judged) },
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
      throw translate(error, options.source, judged.verdictOf, judged.withinBudget);
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
