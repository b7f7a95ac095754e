// Instagram Graph API client on the shared HTTP policy. Graph errors carry their meaning in
// error.code, not in the HTTP status, so the classify hook reads the envelope: throttling
// codes stop the run (deferred) without hammering, 1/2 retry, 190 fails fast and names the
// secret to renew (in translate), everything else is handed to the job as an InstagramApiError.
import type { Clock } from '../../platform/clock.js';
import type { HttpPolicyConfig } from '../../platform/config.js';
import { DeferredError, PermanentError, SourceHttpError } from '../../platform/errors.js';
import { isRecord } from '../../platform/fields.js';
import {
  createSourceHttp,
  type FailedAnswer,
  type JsonAnswer,
  type SourceHttp,
  type Verdict,
} from '../../platform/http.js';
import type { Logger } from '../../platform/logger.js';
import type { PenaltyBox } from '../../platform/penalty-box.js';
import { assertTimeLeft } from '../../platform/run-scope.js';
import { optionalSecret, type Secrets } from '../../platform/secrets.js';
import { createHmac } from 'node:crypto';
import type { InstagramConfig } from './config.js';
import { UsageTracker } from './usage.js';

/** App (4), user (17), page (32), custom (613), page-account (80001) and IG-account (80002) limits. */
const THROTTLE_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80001, 80002]);
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2]);
/** Unknown, age-gated or non-business username: skip that account. */
export const SKIP_ACCOUNT_CODES: ReadonlySet<number> = new Set([110, 24]);
const TOKEN_CODE = 190;
/** Penalty-box quota of the Instagram account and app (throttling codes, usage blocks). */
export const INSTAGRAM_QUOTA = 'instagram';
export const INVALID_PARAMETER_CODE = 100;
export const GRAPH_ID = /^\d{1,30}$/;

export interface GraphError {
  code: number | null;
  subcode: number | null;
  message: string;
  type: string | null;
  fbtraceId: string | null;
  isTransient: boolean;
}

/** The Graph error envelope {error: {message, type, code, error_subcode, fbtrace_id}}, if any. */
function graphErrorOf(body: unknown): GraphError | null {
  if (!isRecord(body) || !isRecord(body.error)) return null;
  const e = body.error;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  return {
    code: int(e.code),
    subcode: int(e.error_subcode),
    message: typeof e.message === 'string' ? e.message : 'no message',
    type: typeof e.type === 'string' ? e.type : null,
    fbtraceId: typeof e.fbtrace_id === 'string' ? e.fbtrace_id : null,
    isTransient: e.is_transient === true,
  };
}

export function describeGraphError(g: GraphError): string {
  const code = g.subcode === null ? `${g.code}` : `${g.code}/${g.subcode}`;
  return `code ${code}: ${g.message}${g.fbtraceId ? ` (fbtrace_id ${g.fbtraceId})` : ''}`;
}

/**
 * Throttling codes defer for `deferSeconds` (the UsageTracker's block, which already read
 * this answer's estimated_time_to_regain_access, else INSTAGRAM_DEFER_SECONDS). Code 190 is
 * a plain permanent failure here: `translate` names the secret to renew.
 */
function graphVerdict(answer: FailedAnswer, deferSeconds: number): Verdict | undefined {
  const g = graphErrorOf(answer.body);
  if (!g || g.code === null) return undefined;
  if (THROTTLE_CODES.has(g.code))
    return {
      action: 'defer',
      reason: `Instagram rate limit (${describeGraphError(g)})`,
      seconds: deferSeconds,
      quota: INSTAGRAM_QUOTA,
    };
  if (TRANSIENT_CODES.has(g.code) || g.isTransient) return { action: 'retry' };
  return { action: 'fail', kind: 'permanent', reason: describeGraphError(g) };
}

/**
 * Code 100 means "invalid parameter" for the request as a whole (a wrong field, a missing
 * permission, a missing appsecret_proof); it concerns one account or hashtag only when
 * Meta's message says the thing is unknown or not a business account.
 */
const UNKNOWN_ITEM_MESSAGE =
  /unknown|cannot find|can't find|does not exist|not an? (instagram )?(business|professional|creator)|nonexisting (user|hashtag|object)/i;

/** True when a Graph error concerns only the item asked about (skip it), not the request. */
export function isItemError(g: GraphError): boolean {
  if (g.code === null) return false;
  if (SKIP_ACCOUNT_CODES.has(g.code)) return true;
  return g.code === INVALID_PARAMETER_CODE && UNKNOWN_ITEM_MESSAGE.test(g.message);
}

/** appsecret_proof: hex HMAC-SHA256 of the access token keyed with the app secret. */
export function appSecretProof(token: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

/** A Graph error the job decides about (skip an account, skip an item, or fail). */
export class InstagramApiError extends SourceHttpError {
  readonly graph: GraphError;
  constructor(cause: SourceHttpError, graph: GraphError) {
    super(cause.kind, cause.status, cause.url, cause.message, cause.body);
    this.graph = graph;
  }
}

export interface InstagramClientDeps {
  config: InstagramConfig;
  policy: HttpPolicyConfig;
  clock: Clock;
  secrets: Secrets;
  log: Logger;
  random?: () => number;
  /** Shares throttling blocks with every instance, so a cold one does not spend a call on them. */
  penalty?: PenaltyBox;
}

export class InstagramClient {
  readonly config: InstagramConfig;
  readonly usage: UsageTracker;
  private readonly http: SourceHttp;
  private readonly clock: Clock;
  private appSecret: Promise<string | null> | null = null;

  constructor(private readonly deps: InstagramClientDeps) {
    this.config = deps.config;
    this.clock = deps.clock;
    this.usage = new UsageTracker(deps.config.usage);
    this.http = createSourceHttp({
      source: 'instagram',
      baseUrl: deps.config.apiBaseUrl,
      policy: deps.policy,
      clock: deps.clock,
      ...(deps.random ? { random: deps.random } : {}),
      // observe runs first, so the tracker has read this answer's usage headers already.
      classify: (a) =>
        graphVerdict(
          a,
          this.usage.blockedSeconds(deps.clock.now()) ?? deps.config.usage.deferSeconds,
        ),
      observe: (response) => this.usage.record(response.headers, deps.clock.now()),
      ...(deps.penalty
        ? {
            penalty: {
              box: deps.penalty,
              quotas: [INSTAGRAM_QUOTA],
              rateLimitQuota: INSTAGRAM_QUOTA,
              defaultSeconds: deps.config.usage.deferSeconds,
            },
          }
        : {}),
    });
  }

  get calls(): number {
    return this.http.calls;
  }

  /** Reads the optional app secret again (once per run: a rotated or new secret is seen). */
  beginRun(): void {
    this.appSecret = optionalSecret(this.deps.secrets, this.config.appSecretSecret);
  }

  /** The app's own IG professional account id, the subject of every call. */
  async userId(): Promise<string> {
    const id = (await this.deps.secrets.get(this.config.userIdSecret)).trim();
    if (!GRAPH_ID.test(id))
      throw new PermanentError(
        `the secret ${this.config.userIdSecret} must hold the numeric id of the app's Instagram professional account`,
      );
    return id;
  }

  /** Waits or stops as the usage budget demands, then sends one GET. */
  async get(
    path: string,
    params: Record<string, string | number>,
    deadline?: Date,
  ): Promise<JsonAnswer> {
    const now = this.clock.now();
    if (deadline && now >= deadline)
      throw new DeferredError(
        'Instagram run reached its time budget; deferring the rest of the work',
        'run-deadline',
        60,
      );
    const decision = this.usage.decide(now);
    if (decision.action === 'defer')
      throw new DeferredError(
        `Instagram usage budget: ${decision.reason}; deferring the rest of the work`,
        'usage-budget',
        decision.seconds,
      );
    if (decision.action === 'wait') {
      // Pacing is a wait like any other: never past the run's deadline.
      assertTimeLeft(now, 'instagram usage pacing', decision.ms);
      this.deps.log.info('slowing down: Instagram usage is high', {
        usage_percent: decision.reading.percent,
        usage_source: decision.reading.source,
        wait_ms: decision.ms,
      });
      this.usage.throttledMs += decision.ms;
      await this.clock.sleep(decision.ms);
    }
    const token = await this.deps.secrets.get(this.config.accessTokenSecret);
    this.appSecret ??= optionalSecret(this.deps.secrets, this.config.appSecretSecret);
    const secret = await this.appSecret;
    const query: Record<string, string | number> = { ...params, access_token: token };
    if (secret !== null) query.appsecret_proof = appSecretProof(token, secret);
    try {
      return await this.http.getJson(path, query);
    } catch (error) {
      throw this.translate(error);
    } finally {
      await this.shareBlock();
    }
  }

  private sharedUntil = 0;

  /** A block the usage headers started (regain time, stop threshold) goes to the penalty box. */
  private async shareBlock(): Promise<void> {
    const block = this.usage.currentBlock;
    const now = this.clock.now().getTime();
    if (!this.deps.penalty || !block || block.until <= Math.max(now, this.sharedUntil)) return;
    this.sharedUntil = block.until;
    await this.deps.penalty.record(
      INSTAGRAM_QUOTA,
      Math.ceil((block.until - now) / 1000),
      `instagram: ${block.reason}`,
    );
  }

  private translate(error: unknown): unknown {
    if (error instanceof DeferredError) {
      // Remember the block so the next run on this instance does not call before it ends.
      this.usage.block(
        this.clock.now(),
        error.retryAfterSeconds ?? this.config.usage.deferSeconds,
        error.reason,
      );
      return error;
    }
    if (!(error instanceof SourceHttpError)) return error;
    const graph = graphErrorOf(error.body);
    if (graph?.code === TOKEN_CODE)
      return new PermanentError(
        `Instagram rejected the access token (${describeGraphError(graph)}): renew the secret ${this.config.accessTokenSecret} (a system-user token does not expire)`,
        { cause: error },
      );
    return graph ? new InstagramApiError(error, graph) : error;
  }
}
