// Request → payloads. Always parsed from the raw bytes functions-framework kept (req.rawBody)
// and the raw query string, never from its req.body/req.query: those parsers interpret
// brackets (a[b]=1 → nested objects), silently coerce, and differ between versions, while
// the raw bytes are also what an HMAC signs.
import { isRecord } from '../../platform/fields.js';
import { depthWithin, MAX_DEPTH, parseJson, type Transport } from '../../sources/events/event.js';

export type Payload = Record<string, unknown>;

export type BodyResult =
  | { ok: true; transport: Transport; payloads: Payload[] }
  | { ok: false; status: 400 | 413 | 415; reason: string };

export interface RequestParts {
  method: string;
  /** Content-Type header as sent (may be absent). */
  contentType: string | undefined;
  body: Buffer;
  /** Everything after '?' in the URL, undecoded. */
  rawQuery: string;
  /** Content-Length as declared: functions-framework reads no body without a content type. */
  declaredLength?: number;
}

const fail = (status: 400 | 413 | 415, reason: string): BodyResult => ({
  ok: false,
  status,
  reason,
});

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function mediaType(header: string | undefined): { type: string; charset: string | null } {
  const [type = '', ...params] = (header ?? '').split(';');
  let charset: string | null = null;
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim().toLowerCase());
    if (k === 'charset' && v) charset = v.replace(/^"|"$/g, '');
  }
  return { type: type.trim().toLowerCase(), charset };
}

function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** Decodes one application/x-www-form-urlencoded component; null when malformed. */
function decodeComponent(text: string, latin1: boolean): string | null {
  const plus = text.replace(/\+/g, ' ');
  if (/%(?![0-9A-Fa-f]{2})/.test(plus)) return null;
  if (latin1)
    return plus.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) =>
      String.fromCharCode(parseInt(h, 16)),
    );
  try {
    return decodeURIComponent(plus);
  } catch {
    return null;
  }
}

/**
 * Form or query text → one payload. Values stay strings; a repeated name becomes an array
 * of its values in order. Built through a Map so "__proto__" is just a field name.
 */
function parseForm(text: string, latin1 = false): Payload | string {
  const fields = new Map<string, string | string[]>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = decodeComponent(at === -1 ? pair : pair.slice(0, at), latin1);
    const value = decodeComponent(at === -1 ? '' : pair.slice(at + 1), latin1);
    if (name === null || value === null) return 'malformed percent-encoding (or not UTF-8)';
    const seen = fields.get(name);
    if (seen === undefined) fields.set(name, value);
    else fields.set(name, Array.isArray(seen) ? [...seen, value] : [seen, value]);
  }
  return Object.fromEntries(fields);
}

function fromJson(body: Buffer, maxPerRequest: number): BodyResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return fail(400, 'body is not valid UTF-8');
  }
  if (text.trim() === '') return fail(400, 'empty body');
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (error) {
    if (error instanceof RangeError) return fail(400, `JSON nests deeper than ${MAX_DEPTH} levels`);
    const why = error instanceof Error ? error.message : String(error);
    return fail(400, `malformed JSON: ${why.slice(0, 160)}`);
  }
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && items.length === 0) return fail(400, 'empty array: no events');
  if (items.length > maxPerRequest)
    return fail(413, `too many events in one request: ${items.length} > ${maxPerRequest}`);
  for (const [i, item] of items.entries()) {
    const where = Array.isArray(value) ? `event ${i}` : 'the body';
    if (!isRecord(item))
      return fail(
        400,
        `${where} is ${Array.isArray(item) ? 'an array' : item === null ? 'null' : `a ${typeof item}`}, not a JSON object`,
      );
    if (Object.keys(item).length === 0) return fail(400, `${where} is an empty object`);
    if (!depthWithin(item)) return fail(400, `${where} nests deeper than ${MAX_DEPTH} levels`);
  }
  return { ok: true, transport: 'json', payloads: items as Payload[] };
}

function fromForm(text: string, transport: Transport, latin1: boolean): BodyResult {
  const parsed = parseForm(text, latin1);
  if (typeof parsed === 'string') return fail(400, parsed);
  if (Object.keys(parsed).length === 0)
    return fail(400, transport === 'query' ? 'no query parameters' : 'empty form');
  return { ok: true, transport, payloads: [parsed] };
}

const UNSUPPORTED = (type: string) =>
  `unsupported content type ${type}: send application/json or application/x-www-form-urlencoded`;

const CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'iso-8859-1', 'latin1']);

/** What the request carries, or the status and reason to refuse it with. */
export function readPayloads(req: RequestParts, maxPerRequest: number): BodyResult {
  if (req.method === 'GET') return fromForm(req.rawQuery, 'query', false);
  const { type, charset } = mediaType(req.contentType);
  if (req.body.length === 0 && type === '' && (req.declaredLength ?? 0) > 0)
    return fail(415, UNSUPPORTED('(none)'));
  if (req.body.length === 0) {
    // A postback with everything in the URL and no body is still an event.
    if (req.rawQuery !== '') return fromForm(req.rawQuery, 'query', false);
    return fail(400, 'empty body');
  }
  if (charset !== null && !CHARSETS.has(charset))
    return fail(415, `unsupported charset ${charset.slice(0, 40)}`);
  if (isJsonType(type)) {
    if (charset === 'iso-8859-1' || charset === 'latin1')
      return fail(415, 'JSON must be UTF-8 (RFC 8259)');
    return fromJson(req.body, maxPerRequest);
  }
  if (type === 'application/x-www-form-urlencoded') {
    const latin1 = charset === 'iso-8859-1' || charset === 'latin1';
    let text: string;
    try {
      text = latin1 ? req.body.toString('latin1') : utf8.decode(req.body);
    } catch {
      return fail(400, 'form body is not valid UTF-8');
    }
    return fromForm(text.trim(), 'form', latin1);
  }
  return fail(415, UNSUPPORTED(type === '' ? '(none)' : type.slice(0, 80)));
}
