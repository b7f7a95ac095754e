// An Instagram Graph API sandbox (Facebook Login flavour) held to the rules of
// shared/api-facts.md ("Contract details"): business discovery with field expansion and
// nested media paging; ig_hashtag_search; recent_media pages of at most 50 with only an
// `after` cursor that is the same value on every page of a walk and still advances, and no
// `paging` on the last page; code 100 for a field that does not exist on the node (also in a
// business_discovery expansion, and `username`/`owner` on hashtag media); appsecret_proof
// enforced when the app requires it; expired Graph versions refused; usage headers that
// climb with calls over a rolling hour; the Graph error envelope with the codes on demand
// (graphError + inject); omitted fields.
import { createHmac } from 'node:crypto';
import { DEFAULT_ACCOUNTS, DEFAULT_HASHTAGS } from '../../../functions/sources/instagram/config.js';
import { HttpSandbox, type SandboxAnswer, type SandboxRequest } from '../http-sandbox.js';
import {
  cdnUrl,
  feedPosts,
  makeBrands,
  SANDBOX_EPOCH,
  type Brand,
  type HashtagFeed,
} from './data.js';
import { graphError, SANDBOX_IG_USER_ID } from './errors.js';
import { FieldSyntaxError, parseFields, pick, type FieldSpec } from './fields.js';
import {
  DISCOVERY_MEDIA_FIELDS,
  DISCOVERY_USER_FIELDS,
  HASHTAG_MEDIA_FIELDS,
  nonexisting,
  OWN_USER_FIELDS,
  unknownField,
} from './node-fields.js';

export { graphError, SANDBOX_IG_USER_ID };

export const SANDBOX_TOKEN = 'EAAGsandbox-token-0123456789';
const VERSION = '/:version';

export interface InstagramSandboxOptions {
  now?: () => number;
  accounts?: readonly string[];
  /** Hashtag → posts per hour; default 6 for each of the source design's tags. */
  hashtags?: Record<string, number>;
  /** Posts of every feed start this long before the epoch (ms). */
  feedHistoryMs?: number;
  /** Every Nth post of every feed reaches it `lateMinutes` after its timestamp. */
  lateEvery?: number;
  lateMinutes?: number;
  /** Calls per rolling hour that make 100 % usage. */
  callsPerHour?: number;
  /** Usage headers appear only once this many calls were made in the hour. */
  headersAfterCalls?: number;
  unknownAccounts?: readonly string[];
  nonBusinessAccounts?: readonly string[];
  /** The app requires appsecret_proof: calls without a valid one get code 100. */
  appSecret?: string;
}

/** Oldest Graph API version still served (older ones expired). */
export const OLDEST_GRAPH_VERSION = 24;

const encode = (s: string) => Buffer.from(s).toString('base64url');
const decode = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

export class InstagramSandbox extends HttpSandbox {
  readonly brands: Map<string, Brand>;
  readonly feeds: HashtagFeed[];
  private readonly now: () => number;
  private readonly callTimes: number[] = [];
  /** Hashtag walks: the (constant) `after` value of a walk → the position it has reached. */
  private readonly walks = new Map<string, number>();
  /** Media id → fields that changed since the post was published (undefined: now omitted). */
  private readonly changes = new Map<string, Record<string, unknown>>();
  private readonly appSecret: string | null;
  private readonly opts: Required<
    Omit<
      InstagramSandboxOptions,
      'now' | 'accounts' | 'hashtags' | 'appSecret' | 'lateEvery' | 'lateMinutes'
    >
  >;
  token = SANDBOX_TOKEN;

  constructor(options: InstagramSandboxOptions = {}) {
    super();
    this.now = options.now ?? (() => Date.now());
    this.appSecret = options.appSecret ?? null;
    this.opts = {
      feedHistoryMs: options.feedHistoryMs ?? 2 * 3600_000,
      callsPerHour: options.callsPerHour ?? 200,
      headersAfterCalls: options.headersAfterCalls ?? 3,
      unknownAccounts: options.unknownAccounts ?? [],
      nonBusinessAccounts: options.nonBusinessAccounts ?? [],
    };
    // By default the sandbox knows exactly what the default configuration watches.
    this.brands = makeBrands(options.accounts ?? DEFAULT_ACCOUNTS);
    const tags = options.hashtags ?? Object.fromEntries(DEFAULT_HASHTAGS.map((t) => [t, 6]));
    this.feeds = Object.entries(tags).map(([tag, perHour], i) => ({
      tag,
      id: `178430${String(i + 1).padStart(11, '0')}`,
      perHour,
      since: SANDBOX_EPOCH - this.opts.feedHistoryMs,
      ...(options.lateEvery ? { lateEvery: options.lateEvery } : {}),
      ...(options.lateMinutes ? { lateMinutes: options.lateMinutes } : {}),
    }));
    this.route('GET', `${VERSION}/ig_hashtag_search`, (req, p) =>
      this.guard(req, p, () => this.hashtagSearch(req)),
    );
    this.route('GET', `${VERSION}/:id/recent_media`, (req, p) =>
      this.guard(req, p, () => this.recentMedia(req, p.id ?? '')),
    );
    this.route('GET', `${VERSION}/:id`, (req, p) =>
      this.guard(req, p, () => this.node(req, p.id ?? '')),
    );
  }

  /** Environment that points fanpulse at this sandbox. */
  env(): Record<string, string> {
    return {
      INSTAGRAM_GRAPH_BASE_URL: this.url,
      INSTAGRAM_ACCESS_TOKEN: SANDBOX_TOKEN,
      INSTAGRAM_USER_ID: SANDBOX_IG_USER_ID,
    };
  }

  apiCalls(): number {
    return this.calls((r) => /^\/v\d+\.\d+\//.test(r.path));
  }

  hashtagSearches(): number {
    return this.calls((r) => r.path.endsWith('/ig_hashtag_search'));
  }

  /** Usage percentage over the rolling hour, as the headers report it. */
  usagePercent(): number {
    const since = this.now() - 3600_000;
    const recent = this.callTimes.filter((t) => t > since).length;
    return Math.min(100, Math.round((recent * 100) / this.opts.callsPerHour));
  }

  private usageHeaders(): Record<string, string> {
    const since = this.now() - 3600_000;
    if (this.callTimes.filter((t) => t > since).length < this.opts.headersAfterCalls) return {};
    const p = this.usagePercent();
    const cpu = Math.round(p / 3);
    return {
      'x-app-usage': JSON.stringify({ call_count: p, total_cputime: cpu, total_time: cpu }),
      'x-business-use-case-usage': JSON.stringify({
        [SANDBOX_IG_USER_ID]: [
          {
            type: 'instagram',
            call_count: p,
            total_cputime: cpu,
            total_time: cpu,
            estimated_time_to_regain_access: p >= 100 ? 30 : 0,
          },
        ],
      }),
    };
  }

  /** Version, token, proof and usage checks every real call goes through; adds usage headers. */
  private guard(
    req: SandboxRequest,
    params: Record<string, string>,
    answer: () => SandboxAnswer,
  ): SandboxAnswer {
    this.callTimes.push(this.now());
    const headers = this.usageHeaders();
    const result = ((): SandboxAnswer => {
      const version = /^v(\d+)\.\d+$/.exec(params.version ?? '');
      if (!version || Number(version[1]) < OLDEST_GRAPH_VERSION)
        return graphError(2635, {
          message: `(#2635) You are calling a deprecated version of the Graph API (${params.version ?? ''}). Please update to the latest version: v${OLDEST_GRAPH_VERSION}.0.`,
        });
      const token = req.query.get('access_token');
      if (token !== this.token)
        return graphError(190, {
          subcode: 463,
          message: 'Error validating access token: Session has expired.',
        });
      if (this.appSecret !== null) {
        const proof = req.query.get('appsecret_proof');
        if (!proof)
          return graphError(100, {
            message: 'API calls from the server require an appsecret_proof argument',
          });
        if (proof !== createHmac('sha256', this.appSecret).update(token).digest('hex'))
          return graphError(100, {
            message: 'Invalid appsecret_proof provided in the API argument',
          });
      }
      if (this.usagePercent() >= 100)
        return graphError(80002, {
          message: 'There have been too many calls to this Instagram account.',
          regainMinutes: 30,
        });
      return answer();
    })();
    return { ...result, headers: { ...headers, ...result.headers } };
  }

  private hashtagSearch(req: SandboxRequest): SandboxAnswer {
    if (req.query.get('user_id') !== SANDBOX_IG_USER_ID)
      return graphError(100, { message: 'Invalid user_id' });
    const q = (req.query.get('q') ?? '').toLowerCase();
    const feed = this.feeds.find((f) => f.tag === q);
    return { status: 200, body: { data: feed ? [{ id: feed.id }] : [] } };
  }

  private recentMedia(req: SandboxRequest, id: string): SandboxAnswer {
    const index = this.feeds.findIndex((f) => f.id === id);
    const feed = this.feeds[index];
    if (!feed)
      return graphError(100, {
        subcode: 33,
        message: `Unsupported get request. Object with ID '${id}' does not exist`,
      });
    if (req.query.get('user_id') !== SANDBOX_IG_USER_ID)
      return graphError(100, { message: 'Invalid user_id' });
    const limit = Number(req.query.get('limit') ?? 25);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50)
      return graphError(100, { message: 'Param limit must be at most 50' });
    const names = (req.query.get('fields') ?? 'id').split(',');
    const bad = names.find((n) => !HASHTAG_MEDIA_FIELDS.has(n));
    if (bad) return nonexisting(bad, 'ShadowIGMedia');
    // One `after` value for the whole walk, the same on every page: the walk's position
    // lives here, so following it still advances.
    const posts = feedPosts(feed, index + 1, this.now()).map((p) => this.changed(p));
    let cursor = req.query.get('after');
    let offset = 0;
    if (cursor === null) {
      // Named by the tag and its newest post when the walk began, so a walk over the same
      // posts (a retried or redelivered run, or its undisturbed reference) sends the same
      // requests.
      cursor = encode(`${feed.tag}:${String(posts[0]?.id ?? 'empty')}`);
    } else {
      const at = this.walks.get(cursor);
      if (at === undefined) return graphError(100, { message: 'Invalid cursor: after' });
      offset = at;
    }
    const data = posts.slice(offset, offset + limit).map((p) => pick(p, names));
    this.walks.set(cursor, offset + limit);
    if (offset + limit >= posts.length) return { status: 200, body: { data } };
    const next = new URLSearchParams(req.query);
    next.set('after', cursor);
    next.delete('access_token');
    return {
      status: 200,
      body: {
        data,
        paging: {
          cursors: { after: cursor },
          next: `${this.url}${req.path}?${next.toString()}`,
        },
      },
    };
  }

  /**
   * Changes a hashtag post from now on, e.g. `{ like_count: 2000 }`, or `{ like_count:
   * undefined }` when its owner hides the likes.
   */
  changePost(mediaId: string, fields: Record<string, unknown>): void {
    this.changes.set(mediaId, { ...this.changes.get(mediaId), ...fields });
  }

  private changed(post: Record<string, unknown>): Record<string, unknown> {
    const change = this.changes.get(String(post.id));
    if (!change) return post;
    const out = { ...post, ...change };
    for (const [field, value] of Object.entries(change)) if (value === undefined) delete out[field];
    return out;
  }

  private node(req: SandboxRequest, id: string): SandboxAnswer {
    if (id !== SANDBOX_IG_USER_ID)
      return graphError(100, { subcode: 33, message: `Object with ID '${id}' does not exist` });
    let specs: FieldSpec[];
    try {
      specs = parseFields(req.query.get('fields') ?? 'id');
    } catch (error) {
      if (error instanceof FieldSyntaxError) return graphError(100, { message: error.message });
      throw error;
    }
    const bad = unknownField(specs, OWN_USER_FIELDS, {
      business_discovery: DISCOVERY_USER_FIELDS,
    });
    if (bad) return nonexisting(bad, 'IGUser');
    const media = specs
      .find((f) => f.name === 'business_discovery')
      ?.fields?.find((f) => f.name === 'media');
    const badMedia = media?.fields ? unknownField(media.fields, DISCOVERY_MEDIA_FIELDS) : null;
    if (badMedia) return nonexisting(badMedia, 'IGMedia');
    const body: Record<string, unknown> = { id };
    for (const spec of specs) {
      if (spec.name !== 'business_discovery') continue;
      const username = spec.modifiers.username ?? '';
      if (
        this.opts.unknownAccounts.includes(username) ||
        (!this.brands.has(username) && !this.opts.nonBusinessAccounts.includes(username))
      )
        return graphError(110, {
          subcode: 2207013,
          message: `Invalid user id: cannot find user ${username}`,
        });
      if (this.opts.nonBusinessAccounts.includes(username))
        return graphError(24, {
          subcode: 2207013,
          message: 'The user is not an Instagram Business or Creator account',
        });
      body.business_discovery = this.discovery(this.brands.get(username)!, spec.fields ?? []);
    }
    return { status: 200, body };
  }

  private discovery(brand: Brand, fields: FieldSpec[]): Record<string, unknown> {
    const full: Record<string, unknown> = {
      ...brand,
      profile_picture_url: cdnUrl(`${brand.id}_profile.jpg`),
    };
    delete full.media;
    const out = pick(
      full,
      fields.filter((f) => f.name !== 'media').map((f) => f.name),
    );
    const media = fields.find((f) => f.name === 'media');
    if (media) {
      const limit = Math.min(Number(media.modifiers.limit ?? 25), 100);
      const after = media.modifiers.after;
      const offset = after ? Number(decode(after).split(':')[1]) : 0;
      const names = (media.fields ?? [{ name: 'id' }]).map((f) => f.name);
      const page = brand.media
        .slice(offset, offset + limit)
        .map((m) =>
          pick(
            { ...m, media_url: m.media_url ? cdnUrl(`${String(m.id)}_n.jpg`) : undefined },
            names,
          ),
        );
      const cursors: Record<string, string> = { before: encode(`${brand.username}:${offset}`) };
      if (offset + limit < brand.media.length)
        cursors.after = encode(`${brand.username}:${offset + limit}`);
      out.media = { data: page, paging: { cursors } };
    }
    return out;
  }
}
