// Switches functions-framework's body parsers off for the servers that serve a function
// marked with readsOwnBody() (./http-body.ts), so such a function sees the request stream
// unread and reads it within its own limit.
//
// functions-framework offers no option for this (its limit is a hard-coded '1024mb'), so
// this wraps two of its CommonJS exports, resolved from the framework's own location so
// they are the very modules it uses: `getServer` (server.js), to know which function the
// server being built serves, and body-parser's four factories, which getServer calls while
// it builds that server. Both calls are synchronous, so "the server being built" is exact.
// Servers of other functions (the Pub/Sub job runners) keep the framework's parsers. If a
// framework upgrade moves these, `installed()` says so, the entry point logs an alert, and
// the functions fall back to the body the framework read (still refused over their limit);
// test/http/compressed-bodies.test.ts fails in that case.
import { STATUS_CODES, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { isReadingOwnBody } from './http-body.js';
import { createLogger, type Logger } from './logger.js';

type Middleware = (req: unknown, res: unknown, next: () => void) => void;
type Factory = (options?: unknown) => Middleware;
type GetServer = (fn: unknown, options: unknown) => unknown;

const PARSERS = ['json', 'raw', 'text', 'urlencoded'] as const;
const INSTALLED = Symbol.for('fanpulse.bodyTakeover');

let serving = 0;
const passThrough: Middleware = (_req, _res, next) => next();

function install(): boolean {
  const require = createRequire(import.meta.url);
  const framework = createRequire(require.resolve('@google-cloud/functions-framework'));
  const server = framework('./server.js') as Record<string | symbol, unknown>;
  const bodyParser = framework('body-parser') as Record<string, unknown>;
  if (server[INSTALLED] === true) return true;
  const getServer = server.getServer;
  if (typeof getServer !== 'function') return false;
  if (PARSERS.some((name) => typeof bodyParser[name] !== 'function')) return false;
  for (const name of PARSERS) {
    const factory = bodyParser[name] as Factory;
    bodyParser[name] = (options?: unknown) => (serving > 0 ? passThrough : factory(options));
  }
  server.getServer = (fn: unknown, options: unknown) => {
    if (!isReadingOwnBody(fn)) return (getServer as GetServer)(fn, options);
    serving += 1;
    try {
      const built = (getServer as GetServer)(fn, options);
      answerErrorsWithJson(built);
      return built;
    } finally {
      serving -= 1;
    }
  };
  server[INSTALLED] = true;
  return true;
}

interface ExpressLike {
  use(handler: (err: unknown, req: unknown, res: JsonResponse, next: unknown) => void): void;
}
interface JsonResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/**
 * What the framework's Express app still refuses on its own (a path it cannot decode:
 * `/%E0%A4%A`) gets a short JSON and a log line, not Express's HTML page with a stack trace.
 */
function answerErrorsWithJson(built: unknown): void {
  const app = (built as Server).listeners?.('request')[0] as unknown as ExpressLike | undefined;
  if (typeof app?.use !== 'function') return;
  app.use((err, _req, res, _next) => {
    const code = (err as { status?: unknown; statusCode?: unknown }).status;
    const status = typeof code === 'number' && code >= 400 && code < 500 ? code : 500;
    const reason =
      err instanceof URIError
        ? 'malformed percent-encoding in the path'
        : (STATUS_CODES[status] ?? 'error').toLowerCase();
    (refusals ?? createLogger()).warn('http request refused before the function', {
      status,
      reason,
    });
    if (!res.headersSent) res.status(status).json({ error: reason });
  });
}

let state: boolean | undefined;
let refusals: Logger | undefined;

/**
 * True once the framework's parsers are switched off for functions that read their own body.
 * `log` receives the refusals the framework's app still makes (default: a stdout logger).
 */
export function takeOverBodyParsing(log?: Logger): boolean {
  if (log) refusals = log;
  if (state === undefined) {
    try {
      state = install();
    } catch {
      state = false;
    }
  }
  return state;
}
