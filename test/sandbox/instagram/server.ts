// An Instagram Graph API sandbox (Facebook Login flavour) that behaves like the real one
// (shared/api-facts.md): business discovery with field expansion and nested media paging,
// ig_hashtag_search, recent_media pages of at most 50 whose last `after` cursor repeats,
// usage headers that climb with calls over a rolling hour, the Graph error envelope with
// the codes on demand (graphError + inject), and omitted fields.
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
  /** Calls per rolling hour that make 100 % usage. */
  callsPerHour?: number;
  /** Usage headers appear only once this many calls were made in the hour. */
  headersAfterCalls?: number;
  unknownAccounts?: readonly string[];
  nonBusinessAccounts?: readonly string[];
}

const encode = (s: string) => Buffer.from(s).toString('base64url');
const decode = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

export class InstagramSandbox extends HttpSandbox {
  readonly brands: Map<string, Brand>;
  readonly feeds: HashtagFeed[];
  private readonly now: () => number;
  private readonly callTimes: number[] = [];
  private readonly opts: Required<Omit<InstagramSandboxOptions, 'now' | 'accounts' | 'hashtags'>>;
  token = SANDBOX_TOKEN;

  constructor(options: InstagramSandboxOptions = {}) {
    super();
    this.now = options.now ?? (() => Date.now());
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
    }));
    this.route('GET', `${VERSION}/ig_hashtag_search`, (req) =>
      this.guard(req, () => this.hashtagSearch(req)),
    );
    this.route('GET', `${VERSION}/:id/recent_media`, (req, p) =>
      this.guard(req, () => this.recentMedia(req, p.id ?? '')),
    );
    this.route('GET', `${VERSION}/:id`, (req, p) =>
      this.guard(req, () => this.node(req, p.id ?? '')),
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

  /** Token, user id and usage checks every real call goes through; adds usage headers. */
  private guard(req: SandboxRequest, answer: () => SandboxAnswer): SandboxAnswer {
    this.callTimes.push(this.now());
    const headers = this.usageHeaders();
    const result = ((): SandboxAnswer => {
      if (req.query.get('access_token') !== this.token)
        return graphError(190, {
          subcode: 463,
          message: 'Error validating access token: Session has expired.',
        });
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
    const after = req.query.get('after');
    const offset = after ? Number(decode(after).split(':')[1]) : 0;
    const names = (req.query.get('fields') ?? 'id').split(',');
    if (names.includes('media_product_type'))
      return graphError(100, { message: 'Tried accessing nonexisting field (media_product_type)' });
    const posts = feedPosts(feed, index + 1, this.now());
    const data = posts.slice(offset, offset + limit).map((p) => pick(p, names));
    const more = offset + limit < posts.length;
    // The last page hands back its own cursor again: a client that follows it loops.
    const next = encode(`${feed.tag}:${more ? offset + limit : offset}`);
    return {
      status: 200,
      body: {
        data,
        paging: {
          cursors: { before: encode(`${feed.tag}:${offset}`), after: next },
          next: `${this.url}/v24.0/${id}/recent_media?after=${next}`,
        },
      },
    };
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
