// Cloud Storage adapter of the RawStore port. Each object is one simple (non-resumable)
// upload streamed as lines arrive: Cloud Storage makes an object visible only when its
// upload completes, so a crashed run leaves nothing half-written, and a rerun of the same
// run id replaces the object it wrote before (same name).
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import { TransientError, errorMessage } from './errors.js';
import {
  gunzipIfNeeded,
  streamLines,
  writeWithBackpressure,
  type RawObjectWriter,
  type RawStore,
} from './raw-store.js';

export interface GcsRawStoreOptions {
  bucket: string;
  projectId: string;
  /** Extra client options (tests point apiEndpoint at a stub). */
  clientOptions?: StorageOptions;
}

export function storageClient(projectId: string, clientOptions?: StorageOptions): Storage {
  return new Storage({ ...(projectId ? { projectId } : {}), ...clientOptions });
}

export class GcsRawStore implements RawStore {
  readonly kind = 'gcs' as const;
  private readonly storage: Storage;

  constructor(private readonly options: GcsRawStoreOptions) {
    if (!options.bucket) throw new Error('GcsRawStore needs a bucket (FANPULSE_RAW_BUCKET)');
    this.storage = storageClient(options.projectId, options.clientOptions);
  }

  describe(path: string): string {
    return `gs://${this.options.bucket}/${path}`;
  }

  async openWriter(path: string): Promise<RawObjectWriter> {
    const gzip = path.endsWith('.gz');
    const upload = this.storage
      .bucket(this.options.bucket)
      .file(path)
      .createWriteStream({
        resumable: false,
        validation: 'md5',
        metadata: { contentType: gzip ? 'application/gzip' : 'application/x-ndjson' },
      });
    // Remember the first failure: a write after the upload died must not hang or pass.
    let failure: Error | null = null;
    upload.on('error', (error: Error) => {
      failure ??= error;
    });
    const compressor = gzip ? createGzip() : null;
    if (compressor) compressor.pipe(upload);
    const sink: Writable = compressor ?? upload;
    const finished = once(upload, 'finish');
    let lines = 0;
    const fail = (error: unknown): never => {
      throw new TransientError(`raw object ${this.describe(path)}: ${errorMessage(error)}`, {
        cause: error,
      });
    };
    return {
      writeLine: async (line) => {
        if (failure) fail(failure);
        lines += 1;
        await writeWithBackpressure(sink, line + '\n');
      },
      close: async () => {
        if (failure) fail(failure);
        sink.end();
        await finished.catch(fail);
        if (failure) fail(failure);
        return { path, lines };
      },
      abort: async () => {
        // Destroying the request aborts the upload: the object never appears.
        compressor?.destroy();
        upload.destroy();
      },
    };
  }

  async read(path: string): Promise<string> {
    try {
      const [data] = await this.storage.bucket(this.options.bucket).file(path).download();
      return gunzipIfNeeded(path, data);
    } catch (error) {
      throw new TransientError(`reading ${this.describe(path)}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  async *readLines(path: string): AsyncGenerator<string> {
    // The download is read as it arrives; the client checks its hash at the end.
    const download = this.storage.bucket(this.options.bucket).file(path).createReadStream();
    try {
      yield* streamLines(path, download);
    } catch (error) {
      throw new TransientError(`reading ${this.describe(path)}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const [files] = await this.storage
      .bucket(this.options.bucket)
      .getFiles({ prefix, autoPaginate: true });
    return files.map((f) => f.name).sort();
  }
}
