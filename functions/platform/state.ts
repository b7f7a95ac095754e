// The StateStore port: small JSON documents (cursors, hashtag ids, budgets, fan-out
// markers) with optimistic concurrency, so two runs never overwrite each other's update.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { removeStaleTemps, syncParents, tempNameFor } from './durable-file.js';
import { TransientError } from './errors.js';

export interface Versioned<T> {
  value: T;
  /** Opaque version; pass it back to `put` to write only if nobody changed it meanwhile. */
  version: string;
}

export class StateConflictError extends TransientError {}

export interface StateStore {
  readonly kind: 'local' | 'gcs';
  get<S extends z.ZodType>(key: string, schema: S): Promise<Versioned<z.output<S>> | null>;
  /** `ifVersion: null` means "only if absent". */
  put(key: string, value: unknown, options: { ifVersion: string | null }): Promise<string>;
}

/** Read-modify-write with retries on conflict. */
export async function updateState<S extends z.ZodType>(
  store: StateStore,
  key: string,
  schema: S,
  update: (current: z.output<S> | null) => z.output<S>,
  attempts = 5,
): Promise<z.output<S>> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(key, schema);
    const next = update(current?.value ?? null);
    try {
      await store.put(key, next, { ifVersion: current?.version ?? null });
      return next;
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= attempts) throw error;
    }
  }
}

/** State keys are relative paths: no leading dot or slash, no `..`. */
export function assertKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) || key.includes('..'))
    throw new Error(`bad state key ${key}`);
}

export class FileStateStore implements StateStore {
  readonly kind = 'local' as const;
  private cleaned: Promise<unknown> | null = null;
  private writes = 0;
  constructor(private readonly root: string) {}

  private file(key: string): string {
    assertKey(key);
    return join(this.root, `${key}.json`);
  }

  async get<S extends z.ZodType>(key: string, schema: S): Promise<Versioned<z.output<S>> | null> {
    let text: string;
    try {
      text = await readFile(this.file(key), 'utf8');
    } catch {
      return null;
    }
    const doc = JSON.parse(text) as { version: number; value: unknown };
    return { value: schema.parse(doc.value), version: String(doc.version) };
  }

  async put(key: string, value: unknown, options: { ifVersion: string | null }): Promise<string> {
    const path = this.file(key);
    await (this.cleaned ??= removeStaleTemps(this.root).catch(() => []));
    const created = await mkdir(dirname(path), { recursive: true });
    const current = await readFile(path, 'utf8')
      .then((t) => String((JSON.parse(t) as { version: number }).version))
      .catch(() => null);
    if (current !== options.ifVersion) {
      throw new StateConflictError(
        `state ${key} changed (expected version ${options.ifVersion}, found ${current})`,
      );
    }
    const version = (current === null ? 0 : Number(current)) + 1;
    const temp = tempNameFor(path, String(++this.writes));
    // Flushed to disk before the rename, the rename flushed after: a marker or watermark
    // that was reported written is on disk.
    await writeFile(temp, JSON.stringify({ version, value }, null, 2), { flush: true });
    await rename(temp, path);
    await syncParents(path, created);
    return String(version);
  }
}
