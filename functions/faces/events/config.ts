// Configuration of the events HTTP function. Sources are data, not code: each names how a
// sender authenticates, where its event id, name and time live and which fields it types.
// EVENTS_SOURCES (JSON) replaces the default set; every value is validated here.
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { nonNegativeInt, parseEnv, positiveInt, type Env } from '../../platform/env.js';
import { errorMessage } from '../../platform/errors.js';
import type { FieldType } from '../../sources/events/event.js';

const SOURCE_NAME = /^[a-z][a-z0-9]{1,30}$/;
const FIELD = z.string().min(1).max(200);

function isAddressOrRange(entry: string): boolean {
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const tokenSchema = z.strictObject({
  /** Where the sender puts the token: a header, the URL path (/events/<source>/<token>), or either. */
  in: z.array(z.enum(['header', 'path'])).min(1),
  /** Header that carries it (also accepted: Authorization: Bearer <token>). */
  header: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('x-fanpulse-token'),
});

/**
 * For senders that sign the send time with the body (Slack: `v0:{timestamp}:{body}`, Stripe
 * style: `{timestamp}.{body}`): the signature covers `signed` with both filled in, and a
 * delivery whose timestamp is further than `toleranceSeconds` from now is refused as a
 * possible replay (docs/events.md, "Replay windows").
 */
const timestampSchema = z.strictObject({
  /** Header with the send time, Unix seconds. */
  header: z.string().regex(/^[a-z0-9-]+$/),
  signed: z
    .string()
    .max(100)
    .refine(
      (t) => t.split('{body}').length === 2 && t.split('{timestamp}').length === 2,
      'holds {timestamp} and {body} once each',
    )
    .default('{timestamp}.{body}'),
  toleranceSeconds: z.number().int().min(1).max(86_400).default(300),
});

const hmacSchema = z.strictObject({
  /** Header with the signature of the raw body (of the raw query string for GET). */
  header: z.string().regex(/^[a-z0-9-]+$/),
  algorithm: z.enum(['sha256', 'sha1', 'sha512']).default('sha256'),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** Text before the digest, e.g. "sha256=". */
  prefix: z.string().max(20).default(''),
  /** Set when the sender signs a timestamp too: the replay window. */
  timestamp: timestampSchema.nullable().default(null),
});

const fieldType = z.enum(['string', 'int', 'float', 'bool', 'json'] satisfies FieldType[]);

export const sourceSchema = z
  .strictObject({
    token: tokenSchema.nullable().default(null),
    hmac: hmacSchema.nullable().default(null),
    /** Allowed sender addresses or CIDR ranges (IPv4/IPv6); empty = any. */
    allowIps: z
      .array(z.string().refine(isAddressOrRange, 'an IPv4/IPv6 address or CIDR range'))
      .default([]),
    methods: z
      .array(z.enum(['GET', 'POST']))
      .min(1)
      .default(['POST']),
    /** The source's own unique event id, when it has one: it becomes the event key. */
    idField: FIELD.nullable().default(null),
    /** Fields hashed into the key when there is no id; empty = the whole payload. */
    keyFields: z.array(FIELD).default([]),
    nameField: FIELD.nullable().default('event_name'),
    /** Name given to every event of a source without a name field. */
    fixedName: z.string().max(200).nullable().default(null),
    timeField: FIELD.nullable().default('event_time'),
    /** Field types; untyped fields stay as sent (form and query values stay strings). */
    types: z.record(FIELD, fieldType).default({}),
  })
  .refine((s) => s.token !== null || s.hmac !== null, {
    message: 'a source needs a token or an hmac (or both)',
  });
export type SourceConfig = z.infer<typeof sourceSchema>;

const sourcesSchema = z.record(z.string(), sourceSchema).superRefine((sources, ctx) => {
  const names = Object.keys(sources);
  if (names.length === 0)
    ctx.addIssue({ code: 'custom', message: 'configure at least one source' });
  for (const name of names.filter((n) => !SOURCE_NAME.test(n)))
    ctx.addIssue({
      code: 'custom',
      path: [name],
      message: 'source names: a lowercase letter, then 1-30 lowercase letters or digits',
    });
});

/**
 * The default sources: AppsFlyer's Push API (JSON POST or GET, no delivery id and no
 * signature, so the key hashes the fields that identify an event; the token rides in the
 * URL path because AppsFlyer cannot add headers), a call-tracking postback that signs its
 * form bodies, and an ad-attribution postback with a click/conversion id.
 */
export const DEFAULT_SOURCES: Record<string, z.input<typeof sourceSchema>> = {
  appsflyer: {
    token: { in: ['path', 'header'] },
    methods: ['GET', 'POST'],
    keyFields: ['appsflyer_id', 'event_name', 'event_time', 'event_value'],
    nameField: 'event_name',
    timeField: 'event_time',
    types: { event_value: 'json' },
  },
  calltracking: {
    token: { in: ['header', 'path'] },
    hmac: { header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    methods: ['POST'],
    idField: 'call_id',
    nameField: 'event',
    timeField: 'call_start',
    types: { duration: 'int', answered: 'bool', custom: 'json' },
  },
  attribution: {
    token: { in: ['path', 'header'] },
    methods: ['GET', 'POST'],
    idField: 'conversion_id',
    nameField: 'event',
    timeField: 'timestamp',
    types: { revenue: 'float' },
  },
};

export function tokenSecretId(source: string): string {
  return `events-token-${source}`;
}

export function hmacSecretId(source: string): string {
  return `events-hmac-${source}`;
}

/** Secret Manager ids of the default sources (Terraform creates and grants exactly these). */
export const EVENTS_SECRET_IDS: readonly string[] = Object.entries(DEFAULT_SOURCES).flatMap(
  ([name, s]) => [
    ...(s.token ? [tokenSecretId(name)] : []),
    ...(s.hmac ? [hmacSecretId(name)] : []),
  ],
);

/** Pub/Sub refuses messages over 10 MB; job messages stay well below. */
const PUBSUB_MESSAGE_LIMIT_BYTES = 10_000_000;

/** EVENTS_SOURCES: JSON text replacing the default sources (unset or blank: the defaults). */
const sourcesText = z
  .string()
  .optional()
  .transform((text, ctx): unknown => {
    if (text === undefined || text.trim() === '') return DEFAULT_SOURCES;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `EVENTS_SOURCES is not JSON (${errorMessage(error)})`,
      });
      return z.NEVER;
    }
  })
  .pipe(sourcesSchema);

const envSchema = z.object({
  EVENTS_SOURCES: sourcesText,
  EVENTS_MAX_BODY_BYTES: positiveInt.max(8 * 1024 * 1024).default(1024 * 1024),
  EVENTS_MAX_PER_REQUEST: positiveInt.max(10_000).default(1000),
  /** Proxies in front that append to X-Forwarded-For (Google's front end: 1; none: 0). */
  EVENTS_TRUSTED_PROXY_HOPS: nonNegativeInt.max(5).default(1),
  /** Largest job message the function publishes; bigger batches are split. */
  EVENTS_MAX_MESSAGE_BYTES: positiveInt.max(PUBSUB_MESSAGE_LIMIT_BYTES).default(8_000_000),
});

/** The allowlist as a BlockList (entries were validated by isAddressOrRange); null when empty. */
function blockListOf(entries: readonly string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

export interface EventsConfig {
  sources: Record<string, SourceConfig>;
  /** Per source, its allowlist built once from the validated allowIps; null = any sender. */
  allowLists: Record<string, BlockList | null>;
  maxBodyBytes: number;
  maxPerRequest: number;
  trustedProxyHops: number;
  maxMessageBytes: number;
}

export function loadEventsConfig(env: Env): EventsConfig {
  const c = parseEnv(envSchema, env, 'events');
  const allowLists = Object.fromEntries(
    Object.entries(c.EVENTS_SOURCES).map(([name, s]) => [name, blockListOf(s.allowIps)]),
  );
  return {
    sources: c.EVENTS_SOURCES,
    allowLists,
    maxBodyBytes: c.EVENTS_MAX_BODY_BYTES,
    maxPerRequest: c.EVENTS_MAX_PER_REQUEST,
    trustedProxyHops: c.EVENTS_TRUSTED_PROXY_HOPS,
    maxMessageBytes: c.EVENTS_MAX_MESSAGE_BYTES,
  };
}
