// The artist index as one prebuilt object (written by the spotify.chatbot_index job, read
// by every cold chatbot instance), so no instance builds it from the warehouse.
//
// Never half of one: the document goes to one of three slot objects (a raw-store object
// appears whole or not at all: a Cloud Storage simple upload, a local rename), and only
// then the pointer (a StateStore document, written with a generation precondition) is
// switched to it. A reader follows the pointer and checks that the object carries the
// version the pointer names; three slots mean a slot is rewritten only two builds later.
import { z } from 'zod';
import type { RawStore } from '../../../platform/raw-store.js';
import type { StateStore } from '../../../platform/state.js';
import { StateConflictError } from '../../../platform/state.js';
import type { IndexData } from './model.js';
import { packData, packedSchema, unpackData } from './snapshot-format.js';

export const SNAPSHOT_FORMAT = 3;
export const SNAPSHOT_POINTER_KEY = 'chatbot/index-pointer';
const SLOTS = 3;

export const snapshotPath = (slot: number): string => `chatbot/index/slot-${slot}.json.gz`;

const pointerSchema = z.object({
  version: z.string().min(1),
  seq: z.number().int().nonnegative(),
  path: z.string().regex(/^chatbot\/index\/slot-\d\.json\.gz$/),
  builtAt: z.iso.datetime({ offset: true }),
  artists: z.number().int().nonnegative(),
});
export type SnapshotPointer = z.infer<typeof pointerSchema>;

/** A name a live search resolved, kept so the next index knows it as an alias. */
export const learnedAliasSchema = z.object({
  query: z.string().min(1).max(200),
  artistId: z.string().min(1).max(64),
  artistName: z.string().max(500),
  at: z.iso.datetime({ offset: true }),
});
export type LearnedAlias = z.infer<typeof learnedAliasSchema>;

const documentSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.string(),
  builtAt: z.iso.datetime({ offset: true }),
  /** Resolution objects up to this day (inclusive) are folded into `learned`. */
  resolutionsThrough: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  learned: z.array(learnedAliasSchema),
  data: packedSchema,
});
type SnapshotDocument = z.infer<typeof documentSchema>;

/** What a snapshot holds, decoded. */
export interface SnapshotContent {
  builtAt: string;
  resolutionsThrough: string;
  learned: LearnedAlias[];
  data: IndexData;
}

/** A snapshot as the chatbot uses it: the index data with the learned names as aliases. */
export interface LoadedSnapshot extends SnapshotContent {
  pointer: SnapshotPointer;
  bytes: number;
  /** Malformed rows left out. */
  skippedRows: number;
}

export async function readPointer(state: StateStore): Promise<SnapshotPointer | null> {
  return (await state.get(SNAPSHOT_POINTER_KEY, pointerSchema))?.value ?? null;
}

/**
 * The snapshot the pointer names, or null when there is none yet. A slot rewritten while
 * it was read (two builds in between) is detected by its version and read again once.
 */
export async function readSnapshot(
  raw: RawStore,
  state: StateStore,
  known?: SnapshotPointer | null,
): Promise<LoadedSnapshot | null> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const pointer = attempt === 0 && known !== undefined ? known : await readPointer(state);
    if (!pointer) return null;
    const text = await raw.read(pointer.path);
    const document = documentSchema.parse(JSON.parse(text));
    if (document.version !== pointer.version) continue;
    const { skippedRows, ...data } = unpackData(document.data);
    data.aliases.push(...document.learned.map((l) => ({ name: l.query, artistId: l.artistId })));
    const { builtAt, resolutionsThrough, learned } = document;
    return { pointer, builtAt, resolutionsThrough, learned, data, bytes: text.length, skippedRows };
  }
  throw new Error('the artist index snapshot changed while it was read twice');
}

/** Writes a new snapshot into the next slot, then switches the pointer to it. */
export async function writeSnapshot(
  raw: RawStore,
  state: StateStore,
  content: SnapshotContent,
  runId: string,
): Promise<{ pointer: SnapshotPointer; bytes: number }> {
  const current = await state.get(SNAPSHOT_POINTER_KEY, pointerSchema);
  const seq = (current?.value.seq ?? -1) + 1;
  const version = `${seq}-${runId}`;
  const path = snapshotPath(seq % SLOTS);
  const document: SnapshotDocument = {
    format: SNAPSHOT_FORMAT,
    version,
    ...content,
    data: packData(content.data),
  };
  const line = JSON.stringify(document);
  const writer = await raw.openWriter(path);
  try {
    await writer.writeLine(line);
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => undefined);
    throw error;
  }
  const pointer: SnapshotPointer = {
    version,
    seq,
    path,
    builtAt: content.builtAt,
    artists: content.data.artists.length,
  };
  try {
    await state.put(SNAPSHOT_POINTER_KEY, pointer, { ifVersion: current?.version ?? null });
  } catch (error) {
    if (error instanceof StateConflictError)
      throw new StateConflictError(
        'another build switched the artist index pointer meanwhile; this build is retried',
      );
    throw error;
  }
  return { pointer, bytes: line.length };
}
