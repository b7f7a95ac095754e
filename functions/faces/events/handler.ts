// The `events` HTTP function: POST /<source>[/<token>] with a JSON (object or array) or
// form body, or GET /<source>[/<token>]?field=value… (AppsFlyer can push either way).
//
//   unknown source 404 · method not allowed 405 · address not allowed 403 · body too large
//   or too many events 413 · no valid token/signature 401 · unsupported content type or
//   charset 415 · empty/malformed body 400 · accepted and durable 200 · not durable 503
//
// Every rejection is logged with the source and the reason, never with the token, the
// signature or the payload. functions-framework has parsed the body before this runs; a
// JSON body it cannot parse is answered 400 by the framework itself (docs/events.md).
import type { Request, Response } from '@google-cloud/functions-framework';
import { errorMessage, failureKindOf } from '../../platform/errors.js';
import { createLogger } from '../../platform/logger.js';
import type { Services } from '../../platform/runtime.js';
import { processServices } from '../process-services.js';
import { addressAllowed, authenticate, clientAddress } from './auth.js';
import { readPayloads } from './body.js';
import { eventsCatalog, EventCollector, EventTooLargeError } from './collector.js';
import { loadEventsConfig, type EventsConfig } from './config.js';
import { normaliseEvent } from '../../sources/events/event.js';

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

export function eventsHandler(
  getServices: () => Services = () => processServices(eventsCatalog.schema),
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    let services: Services | undefined;
    let instance: Instance;
    try {
      services = getServices();
      instance = instanceFor(services);
    } catch (error) {
      // Misconfigured: 500 so senders keep the events and retry once it is fixed.
      (services?.log ?? createLogger()).alert('events function configuration is invalid', {
        error: errorMessage(error),
      });
      res.status(500).json({ error: 'the events function is misconfigured' });
      return;
    }
    const { config, collector } = instance;
    const method = req.method.toUpperCase();
    const body = req.rawBody ?? Buffer.alloc(0);
    const url = req.originalUrl ?? req.url;
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

    if (!sourceConfig) return answer(404, 'unknown source');
    if (!(sourceConfig.methods as readonly string[]).includes(method)) {
      res.setHeader('Allow', sourceConfig.methods.join(', '));
      const known = method === 'GET' || method === 'POST';
      return answer(
        405,
        known
          ? `method ${method} not allowed for this source`
          : `method ${method.slice(0, 10)} not allowed`,
      );
    }
    if (!addressAllowed(config.allowLists[source] ?? null, address))
      return answer(403, 'sender address not allowed');
    const declared = Number(req.header('content-length') ?? 0);
    const size = Math.max(body.length, Number.isFinite(declared) ? declared : 0);
    if (method === 'POST' && size > config.maxBodyBytes)
      return answer(413, `body over ${config.maxBodyBytes} bytes`);
    const rawQuery = rawQueryOf(url);
    if (rawQuery.length > config.maxBodyBytes)
      return answer(413, `query string over ${config.maxBodyBytes} bytes`);

    try {
      const verdict = await authenticate(source, sourceConfig, await services.secrets(), {
        headers: req.headers,
        pathToken: token,
        body,
        rawQuery,
        method,
      });
      if (!verdict.ok) return answer(401, verdict.reason);
    } catch (error) {
      log.alert('cannot read the secrets of an events source; answering 503', {
        ...facts,
        error: errorMessage(error),
      });
      res.status(503).json({ error: 'temporarily unable to authenticate; retry later' });
      return;
    }

    const parsed = readPayloads(
      {
        method,
        contentType: req.header('content-type'),
        body,
        rawQuery,
        declaredLength: Number.isFinite(declared) ? declared : 0,
      },
      config.maxPerRequest,
    );
    if (!parsed.ok) return answer(parsed.status, parsed.reason);
    const now = services.clock.now();
    const events = parsed.payloads.map((p) =>
      normaliseEvent(source, sourceConfig, p, parsed.transport, now),
    );

    try {
      const accepted = await collector.accept(events);
      log.info('events accepted', {
        ...facts,
        transport: parsed.transport,
        events: events.length,
        event_keys: events.slice(0, 20).map((e) => e.event_key),
        ids: accepted.ids,
        duration_ms: Math.round(performance.now() - started),
      });
      res.status(200).json({ accepted: events.length, event_keys: events.map((e) => e.event_key) });
    } catch (error) {
      if (error instanceof EventTooLargeError) return answer(413, error.message);
      log.error('events not stored; answering 503 so the sender retries', {
        ...facts,
        events: events.length,
        failure_kind: failureKindOf(error),
        error: errorMessage(error),
        duration_ms: Math.round(performance.now() - started),
      });
      res.status(503).json({ error: 'events not stored; retry later' });
    }
  };
}
