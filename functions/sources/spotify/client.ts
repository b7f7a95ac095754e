// Spotify Web API client on the shared HTTP policy. Knows the 2026 rules: market on every
// show and episode call, tier page caps, QUOTA_EXCEEDED as a deferral, not a retry.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { HttpPolicyConfig } from '../../platform/config.js';
import { isRecord } from '../../platform/fields.js';
import {
  createSourceHttp,
  parseRetryAfter,
  type JsonAnswer,
  type SourceHttp,
  type Verdict,
} from '../../platform/http.js';
import type { Redactor } from '../../platform/logger.js';
import type { Secrets } from '../../platform/secrets.js';
import { SourceHttpError } from '../../platform/errors.js';
import { SpotifyTokenProvider } from './auth.js';
import { TIER_LIMITS, type SpotifyConfig } from './config.js';

export const pageSchema = z.object({
  items: z.array(z.unknown()),
  limit: z.number().int(),
  offset: z.number().int(),
  total: z.number().int().nonnegative(),
  next: z.string().nullable(),
});
export type Page = z.infer<typeof pageSchema>;

export interface SpotifyClientDeps {
  config: SpotifyConfig;
  policy: HttpPolicyConfig;
  clock: Clock;
  secrets: Secrets;
  random?: () => number;
  /** Registers issued access tokens so logs and raw files redact them. */
  redactor?: Redactor;
}

export function spotifyVerdict(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date,
): Verdict | undefined {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const message = error && typeof error.message === 'string' ? error.message : `HTTP ${status}`;
  if (status === 429 && error?.reason === 'QUOTA_EXCEEDED') {
    return {
      action: 'defer',
      reason: `Spotify quota exceeded (QUOTA_EXCEEDED: ${message})`,
      seconds: parseRetryAfter(headers.get('retry-after'), now),
    };
  }
  if (status === 404)
    return { action: 'fail', kind: 'permanent', reason: `not found (${message})` };
  if (status === 400)
    return { action: 'fail', kind: 'permanent', reason: `bad request (${message})` };
  if (status === 401)
    return {
      action: 'fail',
      kind: 'permanent',
      reason: `token rejected after a refresh (${message})`,
    };
  if (status === 403)
    return { action: 'fail', kind: 'permanent', reason: `forbidden (${message})` };
  return undefined;
}

export class SpotifyClient {
  readonly config: SpotifyConfig;
  readonly limits: (typeof TIER_LIMITS)[keyof typeof TIER_LIMITS];
  private readonly api: SourceHttp;
  private readonly accounts: SourceHttp;
  private readonly tokens: SpotifyTokenProvider;

  constructor(deps: SpotifyClientDeps) {
    this.config = deps.config;
    this.limits = TIER_LIMITS[deps.config.tier];
    const base = {
      policy: deps.policy,
      clock: deps.clock,
      ...(deps.random ? { random: deps.random } : {}),
    };
    this.accounts = createSourceHttp({
      ...base,
      source: 'spotify-accounts',
      baseUrl: deps.config.accountsBaseUrl,
    });
    this.tokens = new SpotifyTokenProvider(
      this.accounts,
      deps.secrets,
      { clientId: deps.config.clientIdSecret, clientSecret: deps.config.clientSecretSecret },
      deps.clock,
      (token) => deps.redactor?.add(token),
    );
    this.api = createSourceHttp({
      ...base,
      source: 'spotify',
      baseUrl: deps.config.apiBaseUrl,
      authorize: async (headers, refresh) => {
        headers.set('authorization', `Bearer ${await this.tokens.token(refresh)}`);
      },
      classify: (a) => spotifyVerdict(a.status, a.body, a.headers, deps.clock.now()),
    });
  }

  /** Requests sent, token requests included. */
  get calls(): number {
    return this.api.calls + this.accounts.calls;
  }

  get tokenCalls(): number {
    return this.accounts.calls;
  }

  get(path: string, params: Record<string, string | number> = {}): Promise<JsonAnswer> {
    return this.api.getJson(path, params);
  }

  /** GET for shows and episodes: without a market they answer 404 for a client-credentials token. */
  getInMarket(
    path: string,
    params: Record<string, string | number> = {},
    market?: string,
  ): Promise<JsonAnswer> {
    return this.api.getJson(path, { ...params, market: market ?? this.config.market });
  }
}

/** Validates a paging object; a malformed one cannot be paged and fails the request. */
export function readPage(answer: JsonAnswer, wrapper?: string): Page {
  const container = wrapper && isRecord(answer.body) ? answer.body[wrapper] : answer.body;
  const parsed = pageSchema.safeParse(container);
  if (!parsed.success) {
    throw new SourceHttpError(
      'transient',
      answer.status,
      answer.url,
      `Spotify answered ${answer.url} with something that is not a paging object (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      undefined,
    );
  }
  return parsed.data;
}

/**
 * The paging object a by-id answer embeds (a show's `episodes`, an album's `tracks`), or
 * undefined when the answer has none that can be paged on.
 */
export function embeddedPage(body: unknown, key: string): Page | undefined {
  const parsed = pageSchema.safeParse(isRecord(body) ? body[key] : undefined);
  return parsed.success ? parsed.data : undefined;
}
