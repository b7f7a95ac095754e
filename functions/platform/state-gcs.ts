// Cloud Storage adapter of the StateStore port. The object generation is the version:
// writes carry ifGenerationMatch (0 = "must not exist"), so two runs updating the same
// document cannot overwrite each other; the loser gets a StateConflictError and retries.
import type { StorageOptions } from '@google-cloud/storage';
import type { z } from 'zod';
import { TransientError, errorCode, errorMessage } from './errors.js';
import { storageClient } from './raw-store-gcs.js';
import { assertKey, StateConflictError, type StateStore, type Versioned } from './state.js';

export interface GcsStateStoreOptions {
  bucket: string;
  projectId: string;
  prefix: string;
  clientOptions?: StorageOptions;
}

export class GcsStateStore implements StateStore {
  readonly kind = 'gcs' as const;
  private readonly storage;

  constructor(private readonly options: GcsStateStoreOptions) {
    if (!options.bucket) throw new Error('GcsStateStore needs a bucket (FANPULSE_STATE_BUCKET)');
    this.storage = storageClient(options.projectId, options.clientOptions);
  }

  private file(key: string, generation?: string) {
    assertKey(key);
    const bucket = this.storage.bucket(this.options.bucket);
    const name = `${this.options.prefix}${key}.json`;
    return generation ? bucket.file(name, { generation }) : bucket.file(name);
  }

  async get<S extends z.ZodType>(key: string, schema: S): Promise<Versioned<z.output<S>> | null> {
    try {
      const [metadata] = await this.file(key).getMetadata();
      const generation = String(metadata.generation);
      // Reading that exact generation keeps value and version consistent under a racing write.
      const [data] = await this.file(key, generation).download();
      return { value: schema.parse(JSON.parse(data.toString('utf8'))), version: generation };
    } catch (error) {
      if (errorCode(error) === 404) return null;
      if (error instanceof Error && error.name === 'ZodError') throw error;
      throw new TransientError(`state ${key}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async put(key: string, value: unknown, options: { ifVersion: string | null }): Promise<string> {
    const file = this.file(key);
    try {
      await file.save(JSON.stringify(value), {
        resumable: false,
        contentType: 'application/json',
        validation: 'md5',
        preconditionOpts: { ifGenerationMatch: options.ifVersion ?? 0 },
      });
    } catch (error) {
      if (errorCode(error) === 412) {
        throw new StateConflictError(
          `state ${key} changed (expected generation ${options.ifVersion ?? 'none'})`,
        );
      }
      throw new TransientError(`state ${key}: ${errorMessage(error)}`, { cause: error });
    }
    return String(file.metadata.generation);
  }
}
