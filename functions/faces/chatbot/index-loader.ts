// Keeps the chatbot's artist index: from the prebuilt snapshot when one exists (one object
// read and parsed, see snapshot.ts), else built from the warehouse (index-data.ts, six
// queries), the fallback before the first spotify.chatbot_index run. After the TTL the
// next request checks in the background whether a newer snapshot exists (one small pointer
// read) and keeps answering from the current index meanwhile. Names learned from live
// searches in this instance are applied to every index it loads.
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { Warehouse } from '../../platform/warehouse.js';
import { ArtistIndex } from './artist-index.js';
import { loadIndexData } from '../../sources/spotify/chatbot/index-data.js';
import type { LoadedSnapshot, SnapshotPointer } from '../../sources/spotify/chatbot/snapshot.js';

export { loadIndexData } from '../../sources/spotify/chatbot/index-data.js';

/** Where snapshots come from (the raw store and the StateStore pointer in production). */
export interface SnapshotSource {
  pointer(): Promise<SnapshotPointer | null>;
  load(pointer: SnapshotPointer): Promise<LoadedSnapshot | null>;
}

const LEARNED_KEPT = 10_000;

/** The current index, checked for a newer one after `ttlMs` (on the injected clock). */
export class IndexProvider {
  private current: ArtistIndex | null = null;
  private version: string | null = null;
  private checkedAt = 0;
  private loading: Promise<ArtistIndex> | null = null;
  private failedAt: number | null = null;
  private readonly learned = new Map<string, string>();
  /** After a failed build, requests do not wait for another attempt for this long. */
  static readonly RETRY_AFTER_FAILURE_MS = 30_000;

  constructor(
    private readonly warehouse: () => Promise<Warehouse>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly log: Logger,
    private readonly snapshots: SnapshotSource | null = null,
  ) {}

  /** Waits only when there is no index yet; a stale one is served while it refreshes. */
  async get(): Promise<ArtistIndex> {
    const index = this.current;
    const now = this.clock.now().getTime();
    const backingOff =
      this.failedAt !== null && now - this.failedAt < IndexProvider.RETRY_AFTER_FAILURE_MS;
    if (index === null) {
      if (backingOff) throw new Error('the artist index is unavailable (last build failed)');
      return this.refresh();
    }
    if (now - this.checkedAt >= this.ttlMs && !backingOff) this.refresh().catch(() => undefined);
    return index;
  }

  /** Where the loaded index came from, and its snapshot version (null: the warehouse). */
  get loaded(): { from: 'snapshot' | 'warehouse'; version: string | null } | null {
    return this.current
      ? { from: this.version ? 'snapshot' : 'warehouse', version: this.version }
      : null;
  }

  /** The index if one is loaded, without waiting. */
  peek(): ArtistIndex | null {
    return this.current;
  }

  /** Starts (or joins) a reload. */
  refresh(): Promise<ArtistIndex> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** A name a live search resolved in this instance: matched from now on, in every index. */
  learn(name: string, artistId: string): boolean {
    if (this.learned.size >= LEARNED_KEPT) this.learned.delete(this.learned.keys().next().value!);
    this.learned.set(name, artistId);
    return this.current?.learn(name, artistId) ?? false;
  }

  private async load(): Promise<ArtistIndex> {
    const started = Date.now();
    const cpu = process.cpuUsage();
    try {
      const pointer = await this.snapshotPointer();
      if (pointer && pointer.version === this.version && this.current) {
        this.checkedAt = this.clock.now().getTime();
        return this.current;
      }
      const snapshot = pointer ? await this.snapshotOf(pointer) : null;
      let index: ArtistIndex;
      if (snapshot) {
        index = new ArtistIndex(snapshot.data, new Date(snapshot.pointer.builtAt));
        this.version = snapshot.pointer.version;
      } else {
        const data = await loadIndexData(await this.warehouse());
        index = new ArtistIndex(data, this.clock.now());
        this.version = null;
        if (data.skippedRows > 0) this.log.warn('index rows skipped', { rows: data.skippedRows });
      }
      for (const [name, id] of this.learned) index.learn(name, id);
      this.current = index;
      this.checkedAt = this.clock.now().getTime();
      this.failedAt = null;
      const used = process.cpuUsage(cpu);
      this.log.info('artist index loaded', {
        source: snapshot ? 'snapshot' : 'warehouse',
        version: this.version,
        artists: index.size,
        bytes: snapshot?.bytes ?? null,
        skipped_rows: snapshot?.skippedRows ?? null,
        ms: Date.now() - started,
        // CPU time apart from waiting: what the load costs on a machine shared with others.
        cpu_ms: Math.round((used.user + used.system) / 1000),
      });
      return index;
    } catch (error) {
      this.failedAt = this.clock.now().getTime();
      if (this.current) {
        this.log.warn('artist index refresh failed; the loaded index keeps answering', { error });
        return this.current;
      }
      this.log.error('artist index could not be loaded; answering from live search', { error });
      throw error;
    }
  }

  private async snapshotPointer(): Promise<SnapshotPointer | null> {
    if (!this.snapshots) return null;
    try {
      return await this.snapshots.pointer();
    } catch (error) {
      this.log.warn('artist index pointer unreadable; using the warehouse', { error });
      return null;
    }
  }

  private async snapshotOf(pointer: SnapshotPointer): Promise<LoadedSnapshot | null> {
    try {
      return await this.snapshots!.load(pointer);
    } catch (error) {
      this.log.warn('artist index snapshot unreadable; using the warehouse', { error });
      return null;
    }
  }
}
