// Request bodies read by the HTTP functions themselves, never inflated past their own limit.
//
// functions-framework installs body-parser for every request with a 1 GB limit that applies
// to the *inflated* bytes: a 600 KB gzip of zeros becomes 600 MB in memory (and its copy as
// rawBody) before a function can look at it, and a JSON body it cannot parse gets an HTML
// page plus up to 10 KB of the body on stderr. So the HTTP functions are registered through
// `readsOwnBody()`: the framework's body parsers are switched off for the server that serves
// them (see ./http-body-takeover.ts), and the function reads the stream with `readBody()`,
// which stops at its limit on the wire and after decompression, before any authentication.
import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type BodyRead =
  { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; reason: string };

/** Past this many bytes on the wire a refused request is cut off instead of drained. */
export const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

type Readable = IncomingMessage & { rawBody?: Buffer };

function decoderFor(encoding: string): Transform | null | 'unsupported' {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return 'unsupported';
  }
}

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().toLowerCase();
};

/** Reads what is left of a refused request without keeping it, then lets the socket go. */
function discard(req: IncomingMessage, res: ServerResponse | undefined, alreadyRead: number): void {
  res?.setHeader('Connection', 'close');
  let drained = alreadyRead;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    // A sender that keeps streaming is cut off; below that, draining lets it read the answer.
    if (drained > DRAIN_LIMIT_BYTES) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

/**
 * The request body, at most `limit` bytes both as sent and once decoded (gzip, deflate, br).
 * A body the framework already read (req.rawBody) is checked against the same limit. The
 * refusals carry the status to answer and a reason without any of the body's content.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  res?: ServerResponse,
): Promise<BodyRead> {
  const readable = req as Readable;
  if (Buffer.isBuffer(readable.rawBody)) {
    const body = readable.rawBody;
    return Promise.resolve(
      body.length > limit
        ? { ok: false, status: 413, reason: `body over ${limit} bytes` }
        : { ok: true, body },
    );
  }
  // Already read by someone else (or not a stream at all: a request object made in process).
  if (req.readableEnded || typeof req.on !== 'function')
    return Promise.resolve({ ok: true, body: Buffer.alloc(0) });
  const encoding = header(req, 'content-encoding');
  const decoder = decoderFor(encoding);
  const declared = Number(header(req, 'content-length') || 0);
  const refuse = (status: 400 | 413 | 415, reason: string, read: number): BodyRead => {
    discard(req, res, read);
    return { ok: false, status, reason };
  };
  if (decoder === 'unsupported')
    return Promise.resolve(refuse(415, `unsupported content encoding ${encoding.slice(0, 40)}`, 0));
  if (Number.isFinite(declared) && declared > limit)
    return Promise.resolve(refuse(413, `body over ${limit} bytes`, 0));

  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let decoded = 0;
    let settled = false;
    const settle = (result: BodyRead | (() => BodyRead)) => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      resolve(typeof result === 'function' ? result() : result);
    };
    const tooLarge = (afterDecoding: boolean) =>
      settle(() =>
        refuse(
          413,
          `body over ${limit} bytes${afterDecoding ? ` once decoded (${encoding})` : ''}`,
          wire,
        ),
      );
    const keep = (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > limit) return tooLarge(decoder !== null);
      chunks.push(chunk);
    };
    const done = () => {
      if (settled) return;
      const body = Buffer.concat(chunks, decoded);
      readable.rawBody = body;
      settle({ ok: true, body });
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      wire += chunk.length;
      if (wire > limit) return tooLarge(false);
      if (decoder) decoder.write(chunk);
      else keep(chunk);
    });
    const incomplete: BodyRead = { ok: false, status: 400, reason: 'request body incomplete' };
    req.on('error', () => settle(incomplete));
    // The sender went away mid-body (after a complete body, 'close' changes nothing).
    req.on('close', () => {
      if (!req.complete) settle(incomplete);
    });
    if (decoder) {
      decoder.on('data', (chunk: Buffer) => {
        if (!settled) keep(chunk);
      });
      decoder.on('error', () =>
        settle(() => refuse(400, `body cannot be decoded (${encoding})`, wire)),
      );
      decoder.on('end', done);
      req.on('end', () => decoder.end());
    } else {
      req.on('end', done);
    }
  });
}

const OWN_BODY = Symbol.for('fanpulse.readsOwnBody');

/** Marks an HTTP function as reading its own body (see ./http-body-takeover.ts). */
export function readsOwnBody<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.defineProperty(fn, OWN_BODY, { value: true });
  return fn;
}

export function isReadingOwnBody(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[OWN_BODY] === true;
}
