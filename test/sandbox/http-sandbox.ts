// A tiny HTTP server base for the API sandboxes: routing, a request log for counting
// calls, and faults injected on demand (status + headers + body, truncated bodies,
// connection resets, slow answers), each for a given number of matching requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body's exact bytes (uploads that are not text). */
  bytes: Buffer;
}

export interface SandboxAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as-is instead of JSON (e.g. a truncated JSON document). */
  rawBody?: string | Buffer;
}

export type Handler = (
  req: SandboxRequest,
  params: Record<string, string>,
) => SandboxAnswer | Promise<SandboxAnswer>;

export interface Fault {
  /** Path (exact, or a RegExp) and optional method the fault applies to. */
  path: string | RegExp;
  method?: string;
  /** How many matching requests it hits; default 1. */
  times?: number;
  answer?: SandboxAnswer;
  /** Drop the connection without answering. */
  reset?: boolean;
  /** Wait this long before doing anything (to trip client timeouts). */
  delayMs?: number;
}

/**
 * A published contract the sandbox's own answers are held to (not injected faults, which
 * are deliberately off-contract): what is wrong with a request and with an answer.
 */
export interface ContractCheck {
  request(req: SandboxRequest): string[];
  response(req: SandboxRequest, answer: SandboxAnswer): string[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  faulted: boolean;
  /** When it arrived, by `timeNow` (the harness's fake clock where one is wired). */
  at: number;
  /** The Retry-After (seconds) the answer asked for, if any. */
  retryAfter?: number;
}

export class HttpSandbox {
  private server: Server | null = null;
  private readonly routes: Array<{
    method: string;
    pattern: RegExp;
    keys: string[];
    handler: Handler;
  }> = [];
  private faults: Array<Fault & { left: number }> = [];
  readonly log: LoggedRequest[] = [];
  /** Contract breaches seen so far (the test harness fails a test that leaves any). */
  readonly violations: string[] = [];
  protected contract: ContractCheck | null = null;
  private allowed: RegExp[] = [];
  url = '';
  /** The clock requests are logged by (tests wire their fake clock). */
  timeNow: () => number = () => Date.now();

  route(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/([:*])([A-Za-z_]+)/g, (_m, kind: string, key: string) => {
          keys.push(key);
          // `*name` spans slashes (object names); `:name` is one path segment.
          return kind === '*' ? '(.+)' : '([^/]+)';
        }) +
        '$',
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  /** A route ahead of the existing ones (a test that changes what the sandbox itself says). */
  override(method: string, path: string, handler: Handler): this {
    this.route(method, path, handler);
    this.routes.unshift(this.routes.pop()!);
    return this;
  }

  inject(fault: Fault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  /** A test that serves deliberately off-contract content names the breaches it expects. */
  allowViolations(pattern: RegExp): this {
    this.allowed.push(pattern);
    return this;
  }

  clearFaults(): void {
    this.faults = [];
  }

  calls(filter?: (r: LoggedRequest) => boolean): number {
    return filter ? this.log.filter(filter).length : this.log.length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: '',
      bytes: Buffer.concat(chunks),
    };
    request.body = request.bytes.toString('utf8');
    const entry: LoggedRequest = {
      method: request.method,
      path: request.path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      faulted: false,
      at: this.timeNow(),
    };
    this.log.push(entry);

    const fault = this.faults.find(
      (f) =>
        f.left > 0 &&
        (!f.method || f.method === request.method) &&
        (typeof f.path === 'string' ? f.path === request.path : f.path.test(request.path)),
    );
    if (fault) {
      fault.left -= 1;
      entry.faulted = true;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.reset) {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault.answer) return this.send(res, entry, fault.answer);
    }

    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const m = route.pattern.exec(request.path);
      if (!m) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, m[i + 1] ?? '']));
      try {
        const requestProblems = this.contract?.request(request) ?? [];
        const answer = await route.handler(request, params);
        const problems = [...requestProblems, ...(this.contract?.response(request, answer) ?? [])];
        this.violations.push(
          ...problems
            .map((p) => `${request.method} ${request.path}: ${p}`)
            .filter((p) => !this.allowed.some((a) => a.test(p))),
        );
        return this.send(res, entry, answer);
      } catch (error) {
        return this.send(res, entry, {
          status: 500,
          body: { error: { status: 500, message: String(error) } },
        });
      }
    }
    this.send(res, entry, {
      status: 404,
      body: { error: { status: 404, message: 'Service not found' } },
    });
  }

  private send(res: ServerResponse, entry: LoggedRequest, answer: SandboxAnswer): void {
    entry.status = answer.status;
    const retryAfter = Number(answer.headers?.['retry-after']);
    if (Number.isFinite(retryAfter) && answer.headers?.['retry-after'])
      entry.retryAfter = retryAfter;
    const body = answer.rawBody ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(body);
  }
}
