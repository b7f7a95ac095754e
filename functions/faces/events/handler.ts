// The `events` HTTP function: POST /<source>[/<token>] with a JSON (object or array) or
// form body, or GET /<source>[/<token>]?field=value… (AppsFlyer can push either way).
//
//   unknown source 404 · method not allowed 405 · address not allowed 403 · body too large
//   or too many events 413 · no valid token/signature 401 · unsupported content type or
//   charset 415 · empty/malformed body 400 · accepted and durable 200 · not durable 503
//
// Every rejection is logged with the source and the reason, never with the token, the
// signature or the payload. The function reads its own body (platform/http-body.ts): the
// framework's parsers are off for it, so a compressed body is never inflated past the
// limit, and malformed JSON gets this function's JSON 400 and log line (docs/events.md).
import type { Request, Response } from '@google-cloud/functions-framework';
import { errorMessage, failureKindOf } from '../../platform/errors.js';
import { readBody, readsOwnBody } from '../../platform/http-body.js';
import { takeOverBodyParsing } from '../../platform/http-body-takeover.js';
import { createLogger, type Logger } from '../../platform/logger.js';
import type { Services } from '../../platform/runtime.js';
import { processServices } from '../process-services.js';
import { addressAllowed, authenticate, clientAddress } from './auth.js';
import { readPayloads } from './body.js';
import { eventsCatalog, EventCollector, EventTooLargeError } from './collector.js';
import { loadEventsConfig, type EventsConfig, type SourceConfig } from './config.js';
import { normaliseEvent, type NormalisedEvent } from '../../sources/events/event.js';

interface Instance {
  config: EventsConfig;
  collector: EventCollector;
}

const instances = new WeakMap<Services, Instance>();

function instanceFor(services: Services): Instance {
  let instance = instances.get(services);
  if (!instance) {
    const config = loadEventsConfig(services.env);
    instance = { config, collector: new EventCollector(services, config.maxMessageBytes) };
    instances.set(services, instance);
  }
  return instance;
}

function route(path: string, config: EventsConfig): { source: string; token: string | null } {
  let segments = path.split('/').filter((s) => s.length > 0);
  // Served as https://…/events/<source>/…, the function name may still lead the path.
  if (segments[0] === 'events' && segments.length > 1 && !config.sources.events)
    segments = segments.slice(1);
  if (segments.length === 0 || segments.length > 2) return { source: '', token: null };
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { source: decode(segments[0]!), token: segments[1] ? decode(segments[1]) : null };
}

function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/** One request as the checks below see it, and how to refuse it (logged, with a reason). */
interface Delivery {
  req: Request;
  res: Response;
  services: Services;
  config: EventsConfig;
  method: string;
  body: Buffer;
  source: string;
  token: string | null;
  sourceConfig: SourceConfig;
  address: string | null;
  rawQuery: string;
  log: Logger;
  facts: Record<string, unknown>;
  started: number;
  answer(status: number, reason: string): void;
}

export function eventsHandler(
  getServices: () => Services = () => processServices(eventsCatalog.schema),
): (req: Request, res: Response) => Promise<void> {
  takeOverBodyParsing();
  return readsOwnBody(async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const ready = setUp(getServices, res);
    if (!ready) return;
    const d = readRequest(req, res, ready.services, ready.instance.config, started);
    if (!d || refused(d)) return;
    // Read within the limit as sent and once decoded, before anything else looks at it.
    const read = await readBody(req, d.config.maxBodyBytes, res);
    if (!read.ok) return d.answer(read.status, read.reason);
    d.body = read.body;
    d.facts.bytes = read.body.length;
    if (!(await authenticated(d))) return;
    const parsed = readPayloads(
      {
        method: d.method,
        contentType: req.header('content-type'),
        body: d.body,
        rawQuery: d.rawQuery,
      },
      d.config.maxPerRequest,
    );
    if (!parsed.ok) return d.answer(parsed.status, parsed.reason);
    const now = d.services.clock.now();
    const events = parsed.payloads.map((p) =>
      normaliseEvent(d.source, d.sourceConfig, p, parsed.transport, now),
    );
    await store(d, ready.instance.collector, events, parsed.transport);
  });
}

/** The process's services and settings; misconfigured: 500, so senders keep the events. */
function setUp(
  getServices: () => Services,
  res: Response,
): { services: Services; instance: Instance } | null {
  let services: Services | undefined;
  try {
    services = getServices();
    return { services, instance: instanceFor(services) };
  } catch (error) {
    (services?.log ?? createLogger()).alert('events function configuration is invalid', {
      error: errorMessage(error),
    });
    res.status(500).json({ error: 'the events function is misconfigured' });
    return null;
  }
}

/** Routes the request to its source; an unknown source is answered 404 (null). */
function readRequest(
  req: Request,
  res: Response,
  services: Services,
  config: EventsConfig,
  started: number,
): Delivery | null {
  const method = req.method.toUpperCase();
  const body = Buffer.alloc(0);
  const { source, token } = route(req.path, config);
  const sourceConfig = Object.hasOwn(config.sources, source) ? config.sources[source] : undefined;
  const address = clientAddress(
    req.header('x-forwarded-for'),
    req.socket.remoteAddress,
    config.trustedProxyHops,
  );
  const log = services.log.child({ function: 'events' });
  const facts = {
    source: sourceConfig ? source : null,
    method,
    content_type: (req.header('content-type') ?? '').slice(0, 100),
    bytes: body.length,
    client_ip: address,
  };
  const answer = (status: number, reason: string) => {
    log.warn('event delivery rejected', {
      ...facts,
      status,
      reason,
      duration_ms: Math.round(performance.now() - started),
    });
    res.status(status).json({ error: reason });
  };
  if (!sourceConfig) {
    answer(404, 'unknown source');
    return null;
  }
  return {
    req,
    res,
    services,
    config,
    method,
    body,
    source,
    token,
    sourceConfig,
    address,
    rawQuery: rawQueryOf(req.originalUrl ?? req.url),
    log,
    facts,
    started,
    answer,
  };
}

/** Method, sender address and the query's size; true when the request was answered. */
function refused(d: Delivery): boolean {
  const { method, sourceConfig, config } = d;
  if (!(sourceConfig.methods as readonly string[]).includes(method)) {
    d.res.setHeader('Allow', sourceConfig.methods.join(', '));
    const known = method === 'GET' || method === 'POST';
    d.answer(
      405,
      known
        ? `method ${method} not allowed for this source`
        : `method ${method.slice(0, 10)} not allowed`,
    );
    return true;
  }
  if (!addressAllowed(config.allowLists[d.source] ?? null, d.address)) {
    d.answer(403, 'sender address not allowed');
    return true;
  }
  if (d.rawQuery.length > config.maxBodyBytes) {
    d.answer(413, `query string over ${config.maxBodyBytes} bytes`);
    return true;
  }
  return false;
}

/** Token and signature; 401 when they do not match, 503 when the secrets are unreadable. */
async function authenticated(d: Delivery): Promise<boolean> {
  try {
    const verdict = await authenticate(d.source, d.sourceConfig, await d.services.secrets(), {
      headers: d.req.headers,
      pathToken: d.token,
      body: d.body,
      rawQuery: d.rawQuery,
      method: d.method,
      now: d.services.clock.now(),
    });
    if (!verdict.ok) d.answer(401, verdict.reason);
    return verdict.ok;
  } catch (error) {
    d.log.alert('cannot read the secrets of an events source; answering 503', {
      ...d.facts,
      error: errorMessage(error),
    });
    d.res.status(503).json({ error: 'temporarily unable to authenticate; retry later' });
    return false;
  }
}

/** 200 once the events are durable; 503 (the sender retries) when they are not. */
async function store(
  d: Delivery,
  collector: EventCollector,
  events: NormalisedEvent[],
  transport: string,
): Promise<void> {
  try {
    const accepted = await collector.accept(events);
    d.log.info('events accepted', {
      ...d.facts,
      transport,
      events: events.length,
      event_keys: events.slice(0, 20).map((e) => e.event_key),
      ids: accepted.ids,
      duration_ms: Math.round(performance.now() - d.started),
    });
    d.res.status(200).json({ accepted: events.length, event_keys: events.map((e) => e.event_key) });
  } catch (error) {
    if (error instanceof EventTooLargeError) return d.answer(413, error.message);
    d.log.error('events not stored; answering 503 so the sender retries', {
      ...d.facts,
      events: events.length,
      failure_kind: failureKindOf(error),
      error: errorMessage(error),
      duration_ms: Math.round(performance.now() - d.started),
    });
    d.res.status(503).json({ error: 'events not stored; retry later' });
  }
}
