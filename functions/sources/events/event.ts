// Payload → normalised event: the deterministic event key, name, time and typed attributes.
// The payload itself travels along untouched (raw_payload); nothing is ever dropped.
import { z } from 'zod';
import { isRecord } from '../../platform/fields.js';
import { canonicalJson, stableId } from '../../platform/hash.js';

export type Transport = 'json' | 'form' | 'query';

export type FieldType = 'string' | 'int' | 'float' | 'bool' | 'json';

/** Where a sender's event id, key, name and time live and which fields are typed. */
export interface EventShape {
  readonly idField: string | null;
  readonly keyFields: readonly string[];
  readonly nameField: string | null;
  readonly fixedName: string | null;
  readonly timeField: string | null;
  readonly types: Readonly<Record<string, FieldType>>;
}

const iso = z.iso.datetime({ offset: true });

// Not z.record: it rebuilds the object by assignment, which turns a "__proto__" field into
// the prototype and drops it. Payloads are kept as the very object that was parsed.
const jsonObject = z.custom<Record<string, unknown>>(isRecord, 'expected a JSON object');

/** One accepted event as it travels in the `events.ingest` job message and the raw line. */
export const normalisedEventSchema = z.strictObject({
  source: z.string().regex(/^[a-z][a-z0-9]{1,30}$/),
  event_key: z.string().min(1).max(200),
  event_id: z.string().max(512).nullable(),
  event_name: z.string().max(500).nullable(),
  event_time: iso.nullable(),
  received_at: iso,
  transport: z.enum(['json', 'form', 'query']),
  attributes: jsonObject,
  payload: jsonObject,
  /** What could not be read as configured (kept as sent); counted in data_quality. */
  issues: z.array(z.string().max(300)).max(100),
});
export type NormalisedEvent = z.infer<typeof normalisedEventSchema>;

/** A field of the payload itself, never one inherited from Object.prototype. */
function own(payload: Record<string, unknown>, field: string): unknown {
  return Object.hasOwn(payload, field) ? payload[field] : undefined;
}

/** Big integers survive as their digits instead of being rounded (Node ≥ 21 gives the source). */
function keepBigIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source) {
    if (/^-?\d+$/.test(context.source)) return context.source;
  }
  return value;
}

/** JSON.parse that never rounds an integer: unsafe ones become their digit string. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, keepBigIntegers as (key: string, value: unknown) => unknown);
}

/** Deepest nesting allowed in a payload (deeper ones would blow recursive serialisers). */
export const MAX_DEPTH = 64;

/** True when objects/arrays nest no deeper than `max`; iterative, so any input is safe. */
export function depthWithin(value: unknown, max = MAX_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return false;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}

const PRINTABLE_ID = /^[\x21-\x7e]{1,128}$/;

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return null;
}

const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** A typed field: converted when it reads cleanly, else kept exactly as sent (with an issue). */
function typed(type: FieldType, value: unknown): { value: unknown; issue: string | null } {
  if (type === 'string') {
    const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
    return { value: text ?? value, issue: null };
  }
  if (typeof value !== 'string') {
    const fits =
      (type === 'int' && Number.isSafeInteger(value)) ||
      (type === 'float' && typeof value === 'number') ||
      (type === 'bool' && typeof value === 'boolean') ||
      (type === 'json' && typeof value === 'object');
    return { value, issue: fits || value === null ? null : `not ${type}, kept as sent` };
  }
  const text = value.trim();
  if (type === 'int' && INT.test(text) && Number.isSafeInteger(Number(text)))
    return { value: Number(text), issue: null };
  if (type === 'float' && FLOAT.test(text) && Number.isFinite(Number(text)))
    return { value: Number(text), issue: null };
  if (type === 'bool' && text.toLowerCase() in BOOLS)
    return { value: BOOLS[text.toLowerCase()], issue: null };
  if (type === 'json') {
    if (text === '') return { value, issue: null };
    try {
      const parsed = parseJson(text);
      if (!depthWithin(parsed))
        return { value, issue: `nested deeper than ${MAX_DEPTH}, kept as text` };
      return { value: parsed, issue: null };
    } catch {
      return { value, issue: 'not valid JSON, kept as text' };
    }
  }
  return { value, issue: text === '' ? null : `not ${type}, kept as text` };
}

const NAIVE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)$/;
const ZONED = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH = /^\d{9,13}(\.\d{1,6})?$/;

/**
 * Event times as senders write them: ISO 8601 with a zone, "YYYY-MM-DD HH:MM:SS.mmm"
 * without one (AppsFlyer: UTC), or epoch seconds / milliseconds. Anything else → null.
 */
export function parseEventTime(value: unknown): string | null {
  const text = scalarText(value);
  if (text === null) return null;
  let ms: number;
  if (EPOCH.test(text)) {
    const n = Number(text);
    ms = text.split('.')[0]!.length >= 12 ? n : n * 1000;
  } else if (NAIVE.test(text)) {
    const [, day, time] = NAIVE.exec(text)!;
    ms = Date.parse(`${day}T${time!.slice(0, 12)}Z`);
  } else if (ZONED.test(text)) {
    const normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
    ms = Date.parse(normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  } else return null;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 2200 ? date.toISOString() : null;
}

function eventKey(
  source: string,
  config: EventShape,
  payload: Record<string, unknown>,
  id: string | null,
  issues: string[],
): string {
  if (id !== null) return PRINTABLE_ID.test(id) ? id : `id-${stableId(source, 'id', id)}`;
  let basis: unknown = payload;
  if (config.keyFields.length > 0) {
    const present = config.keyFields.filter((f) => Object.hasOwn(payload, f));
    if (present.length > 0) basis = Object.fromEntries(present.map((f) => [f, own(payload, f)]));
    else issues.push('none of the key fields is present: the whole payload is hashed');
  }
  return `h-${stableId(source, canonicalJson(basis))}`;
}

export function normaliseEvent(
  source: string,
  config: EventShape,
  payload: Record<string, unknown>,
  transport: Transport,
  receivedAt: Date,
): NormalisedEvent {
  const issues: string[] = [];
  const attributes = new Map<string, unknown>();
  for (const [name, value] of Object.entries(payload)) {
    const type = Object.hasOwn(config.types, name) ? config.types[name] : undefined;
    if (!type) {
      attributes.set(name, value);
      continue;
    }
    const result = typed(type, value);
    attributes.set(name, result.value);
    if (result.issue) issues.push(`${name}: ${result.issue}`.slice(0, 300));
  }
  let eventId: string | null = null;
  if (config.idField !== null) {
    eventId = scalarText(own(payload, config.idField))?.slice(0, 512) ?? null;
    if (eventId === null) issues.push(`${config.idField}: id missing, the key is a hash`);
  }
  const name = config.nameField !== null ? scalarText(own(payload, config.nameField)) : null;
  let eventTime: string | null = null;
  if (config.timeField !== null && own(payload, config.timeField) !== undefined) {
    eventTime = parseEventTime(own(payload, config.timeField));
    if (eventTime === null) issues.push(`${config.timeField}: unreadable event time`);
  }
  return {
    source,
    event_key: eventKey(source, config, payload, eventId, issues),
    event_id: eventId,
    event_name: (name ?? config.fixedName)?.slice(0, 500) ?? null,
    event_time: eventTime,
    received_at: receivedAt.toISOString(),
    transport,
    attributes: Object.fromEntries(attributes),
    payload,
    issues: issues.slice(0, 100),
  };
}
