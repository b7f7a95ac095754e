// A Cloud Storage JSON API stand-in for the real @google-cloud/storage client: multipart
// (simple) uploads with ifGenerationMatch preconditions, media downloads, object metadata
// and paged listing, answering with the documented object resource and error shapes.
import { createHash } from 'node:crypto';
import { HttpSandbox, type SandboxAnswer, type SandboxRequest } from './http-sandbox.js';

export interface StoredObject {
  readonly name: string;
  readonly data: Buffer;
  readonly generation: number;
  readonly contentType: string;
  /** base64 MD5 of `data`, computed once at upload (objects are immutable per generation). */
  readonly md5: string;
}

function gcsError(code: number, message: string): SandboxAnswer {
  return { status: code, body: { error: { code, message, errors: [{ message, reason: 'x' }] } } };
}

/** Splits a multipart/related body into its parts' bodies (headers dropped). */
function multipartParts(body: Buffer, contentType: string): Buffer[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no multipart boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    // The part ends with the CRLF that precedes the next delimiter.
    parts.push(part.subarray(headerEnd + 4, part.length - 2));
    at = next;
  }
  return parts;
}

export class GcsStub extends HttpSandbox {
  readonly objects = new Map<string, StoredObject>();
  private generations = 1000;
  /** Objects per list page, small so that clients must follow nextPageToken. */
  pageSize = 3;

  constructor(readonly bucket: string) {
    super();
    this.route('POST', '/upload/storage/v1/b/:bucket/o', (req, p) => this.upload(req, p));
    this.route('GET', '/storage/v1/b/:bucket/o', (req, p) => this.list(req, p));
    this.route('GET', '/storage/v1/b/:bucket/o/*name', (req, p) => this.get(req, p));
  }

  private resource(o: StoredObject): Record<string, unknown> {
    return {
      kind: 'storage#object',
      id: `${this.bucket}/${o.name}/${o.generation}`,
      name: o.name,
      bucket: this.bucket,
      generation: String(o.generation),
      metageneration: '1',
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: o.md5,
    };
  }

  private checkBucket(p: Record<string, string>): SandboxAnswer | null {
    return p.bucket === this.bucket ? null : gcsError(404, 'The specified bucket does not exist.');
  }

  private upload(req: SandboxRequest, p: Record<string, string>): SandboxAnswer {
    const missing = this.checkBucket(p);
    if (missing) return missing;
    const name = req.query.get('name');
    if (req.query.get('uploadType') !== 'multipart' || !name)
      return gcsError(400, 'only multipart uploads with a name are served here');
    const current = this.objects.get(name);
    const refused = this.preconditionFailed(req, current);
    if (refused) return refused;
    const [metadataPart, media] = multipartParts(req.bytes, String(req.headers['content-type']));
    const metadata = JSON.parse(metadataPart?.toString('utf8') ?? '{}') as {
      contentType?: string;
    };
    this.generations += 1;
    const data = Buffer.from(media ?? Buffer.alloc(0));
    const stored: StoredObject = {
      name,
      data,
      generation: this.generations,
      contentType: metadata.contentType ?? 'application/octet-stream',
      md5: createHash('md5').update(data).digest('base64'),
    };
    this.objects.set(name, stored);
    return { status: 200, body: this.resource(stored) };
  }

  /** ifGenerationMatch / ifGenerationNotMatch as Cloud Storage checks them (0 = no live object). */
  private preconditionFailed(
    req: SandboxRequest,
    current: StoredObject | undefined,
  ): SandboxAnswer | null {
    const live = current?.generation ?? 0;
    const match = req.query.get('ifGenerationMatch');
    const notMatch = req.query.get('ifGenerationNotMatch');
    if (
      (match !== null && Number(match) !== live) ||
      (notMatch !== null && Number(notMatch) === live)
    )
      return gcsError(412, 'At least one of the pre-conditions you specified did not hold.');
    return null;
  }

  private get(req: SandboxRequest, p: Record<string, string>): SandboxAnswer {
    const missing = this.checkBucket(p);
    if (missing) return missing;
    const o = this.objects.get(p.name ?? '');
    const generation = req.query.get('generation');
    if (!o || (generation !== null && Number(generation) !== o.generation))
      return gcsError(404, `No such object: ${this.bucket}/${p.name}`);
    const refused = this.preconditionFailed(req, o);
    if (refused) return refused;
    if (req.query.get('alt') === 'media')
      return {
        status: 200,
        rawBody: o.data,
        headers: {
          'content-type': o.contentType,
          'x-goog-generation': String(o.generation),
          'x-goog-hash': `md5=${o.md5}`,
        },
      };
    return { status: 200, body: this.resource(o) };
  }

  private list(req: SandboxRequest, p: Record<string, string>): SandboxAnswer {
    const missing = this.checkBucket(p);
    if (missing) return missing;
    const prefix = req.query.get('prefix') ?? '';
    const names = [...this.objects.keys()].filter((n) => n.startsWith(prefix)).sort();
    const from = Number(req.query.get('pageToken') ?? 0);
    const page = names.slice(from, from + this.pageSize);
    const next = from + this.pageSize < names.length ? String(from + this.pageSize) : undefined;
    return {
      status: 200,
      body: {
        kind: 'storage#objects',
        items: page.map((n) => this.resource(this.objects.get(n)!)),
        ...(next ? { nextPageToken: next } : {}),
      },
    };
  }

  text(name: string): string | undefined {
    return this.objects.get(name)?.data.toString('utf8');
  }
}
