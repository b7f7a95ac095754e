// A Spotify Web API sandbox that behaves like the real one in 2026 (shared/api-facts.md):
// client-credentials tokens that expire, tier page caps answered with 400 "Invalid limit",
// error envelopes, and faults on demand through HttpSandbox.inject. Content modules
// (podcasts, catalogue) add their routes with `install`.
import { HttpSandbox, type SandboxAnswer, type SandboxRequest } from '../http-sandbox.js';
import { spotifyContract } from './contract.js';

export type Tier = 'development' | 'extended';

export interface SpotifySandboxOptions {
  tier?: Tier;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Server clock in ms; tests move it to expire tokens. */
  now?: () => number;
  /**
   * Hold every request and answer under /v1 to Spotify's published OpenAPI spec (default
   * true; the demo and the benchmarks turn it off: they run where the spec may not be).
   */
  contract?: boolean;
}

export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret-7f3a9c';

export function spotifyError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxAnswer {
  return { status, body: { error: { status, message, ...extra } } };
}

/** Answers one search type (show, artist...) with its paging object; GET /search is shared. */
export type SearchTypeHandler = (
  req: SandboxRequest,
  paging: { limit: number; offset: number },
) => Record<string, unknown>;

export class SpotifySandbox extends HttpSandbox {
  readonly tier: Tier;
  private readonly tokens = new Map<string, number>();
  private readonly searchTypes = new Map<string, SearchTypeHandler>();
  private issued = 0;
  private readonly opts: Required<Omit<SpotifySandboxOptions, 'tier' | 'contract'>>;

  constructor(options: SpotifySandboxOptions = {}) {
    super();
    this.tier = options.tier ?? 'development';
    this.opts = {
      clientId: options.clientId ?? SANDBOX_CLIENT_ID,
      clientSecret: options.clientSecret ?? SANDBOX_CLIENT_SECRET,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      now: options.now ?? (() => Date.now()),
    };
    this.route('POST', '/api/token', (req) => this.issueToken(req));
    if (options.contract ?? true) {
      const spec = spotifyContract(this.tier);
      const api = (req: SandboxRequest) => req.path.startsWith('/v1/');
      this.contract = {
        request: (req) =>
          api(req) ? spec.checkRequest(req.method, req.path.slice(3), req.query) : [],
        response: (req, answer) =>
          api(req) && answer.rawBody === undefined
            ? spec.checkResponse(req.method, req.path.slice(3), answer.status, answer.body)
            : [],
      };
    }
  }

  get apiBaseUrl(): string {
    return `${this.url}/v1/`;
  }

  get accountsBaseUrl(): string {
    return `${this.url}/`;
  }

  /** Environment that points fanpulse at this sandbox. */
  env(): Record<string, string> {
    return {
      SPOTIFY_API_BASE_URL: this.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: this.accountsBaseUrl,
      SPOTIFY_TIER: this.tier,
      SPOTIFY_CLIENT_ID: this.opts.clientId,
      SPOTIFY_CLIENT_SECRET: this.opts.clientSecret,
    };
  }

  /** Makes every issued token expire now (the next API call answers 401). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  tokenCalls(): number {
    return this.calls((r) => r.path === '/api/token');
  }

  /** Every access token handed out (the secret-hygiene suite scans for them). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  apiCalls(): number {
    return this.calls((r) => r.path.startsWith('/v1/'));
  }

  private issueToken(req: SandboxRequest): SandboxAnswer {
    const expected =
      'Basic ' + Buffer.from(`${this.opts.clientId}:${this.opts.clientSecret}`).toString('base64');
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: {
          error: 'unsupported_grant_type',
          error_description: 'grant_type must be client_credentials',
        },
      };
    }
    if (req.headers.authorization !== expected) {
      return {
        status: 400,
        body: { error: 'invalid_client', error_description: 'Invalid client' },
      };
    }
    this.issued += 1;
    const token = `sbx-token-${this.issued}-${Math.random().toString(36).slice(2, 10)}`;
    this.tokens.set(token, this.opts.now() + this.opts.tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: this.opts.tokenTtlSeconds },
    };
  }

  /** Answers 401 as Spotify does for a missing, unknown or expired token; null when valid. */
  checkAuth(req: SandboxRequest): SandboxAnswer | null {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const expiry = this.tokens.get(token);
    if (!token) return spotifyError(401, 'No token provided');
    if (expiry === undefined) return spotifyError(401, 'Invalid access token');
    if (expiry <= this.opts.now()) return spotifyError(401, 'The access token expired');
    return null;
  }

  /** Parses limit/offset against a cap; answers 400 "Invalid limit" above it like the real API. */
  paging(
    req: SandboxRequest,
    defaultLimit: number,
    cap: number,
  ): { limit: number; offset: number } | SandboxAnswer {
    const limit = req.query.has('limit') ? Number(req.query.get('limit')) : defaultLimit;
    const offset = req.query.has('offset') ? Number(req.query.get('offset')) : 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > cap)
      return spotifyError(400, 'Invalid limit');
    if (!Number.isInteger(offset) || offset < 0) return spotifyError(400, 'Invalid offset');
    return { limit, offset };
  }

  /** A paging object over `all`, with next/previous links as the real API builds them. */
  page<T>(
    req: SandboxRequest,
    all: readonly T[],
    limit: number,
    offset: number,
  ): Record<string, unknown> {
    const href = (o: number) => {
      const q = new URLSearchParams(req.query);
      q.set('offset', String(o));
      q.set('limit', String(limit));
      return `${this.url}${req.path}?${q.toString()}`;
    };
    return {
      href: href(offset),
      items: all.slice(offset, offset + limit),
      limit,
      offset,
      total: all.length,
      next: offset + limit < all.length ? href(offset + limit) : null,
      previous: offset > 0 ? href(Math.max(0, offset - limit)) : null,
    };
  }

  /**
   * Registers the answer for one search `type`. Content modules (podcasts: show, catalogue:
   * artist) share one GET /search route: tier page caps and the offset ceiling are checked
   * here, and each requested type that has a handler fills its plural key (`shows`,
   * `artists`); types without one are left out of the answer.
   */
  searchType(type: string, handler: SearchTypeHandler): this {
    if (this.searchTypes.size === 0) this.api('GET', '/search', (req) => this.search(req));
    this.searchTypes.set(type, handler);
    return this;
  }

  private search(req: SandboxRequest): SandboxAnswer {
    const paging = this.paging(req, 5, this.tier === 'development' ? 10 : 50);
    if ('status' in paging) return paging;
    if (paging.offset > 1000) return spotifyError(400, 'Invalid offset');
    const body: Record<string, unknown> = {};
    for (const type of (req.query.get('type') ?? '').split(',').map((t) => t.trim())) {
      const handler = this.searchTypes.get(type);
      if (handler) body[`${type}s`] = handler(req, paging);
    }
    return { status: 200, body };
  }

  /** Registers a route that requires a valid token. */
  api(
    method: string,
    path: string,
    handler: (req: SandboxRequest, params: Record<string, string>) => SandboxAnswer,
  ): this {
    return this.route(
      method,
      `/v1${path}`,
      (req, params) => this.checkAuth(req) ?? handler(req, params),
    );
  }
}
