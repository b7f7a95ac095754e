// Lands every API answer untouched, one NDJSON line per answer with the request that
// produced it. Object names derive from the run, so a redelivered run rewrites its own
// objects instead of adding new ones:
//   raw/{source}/{entity}/dt=YYYY-MM-DD/{entity}_{YYYYMMDDTHHMMSSZ}_{runId}[~N].ndjson[.gz]
// A run that checkpoints seals what it landed so far and goes on in segment N+1 (`~N`), so a
// run killed after a checkpoint keeps those objects and its redelivery adds the rest.
import { z } from 'zod';
import type { RawObjectWriter, RawStore } from './raw-store.js';
import { redactUrl } from './http.js';
import type { Redactor } from './logger.js';

export interface RunIdentity {
  runId: string;
  /** Start of the run; stable across redeliveries (the Pub/Sub publish time). */
  runTime: Date;
}

export const rawLineSchema = z.object({
  source: z.string(),
  entity: z.string(),
  run_id: z.string(),
  fetched_at: z.string(),
  request: z.object({ method: z.string(), url: z.string() }),
  status: z.number().int(),
  /** What the mapper needs that the answer itself does not say (e.g. the show id of an episodes page). */
  context: z.record(z.string(), z.unknown()).default({}),
  body: z.unknown(),
});
export type RawLine = z.infer<typeof rawLineSchema>;

export function compactTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function rawObjectPath(
  source: string,
  entity: string,
  run: RunIdentity,
  gzip = false,
  segment = 0,
): string {
  const safeRun = run.runId.replace(/[^A-Za-z0-9._-]/g, '_');
  const day = run.runTime.toISOString().slice(0, 10);
  const part = segment > 0 ? `~${segment}` : '';
  return `raw/${source}/${entity}/dt=${day}/${entity}_${compactTimestamp(run.runTime)}_${safeRun}${part}.ndjson${gzip ? '.gz' : ''}`;
}

/** Parses dt and run id back out of an object name (for replay). */
export function parseRawObjectPath(
  path: string,
): { source: string; entity: string; day: string; runId: string; runTime: Date } | null {
  const m =
    /^raw\/([^/]+)\/([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/[^/]+?_(\d{8}T\d{6}Z)_(.+?)(?:~\d+)?\.ndjson(\.gz)?$/.exec(
      path,
    );
  if (!m) return null;
  const [, source, entity, day, stamp, runId] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
  return { source, entity, day, runId, runTime: new Date(iso) };
}

/** Opens one writer per (source, entity) on first use and closes them all at the end. */
export class RawLanding {
  private readonly writers = new Map<string, Promise<RawObjectWriter>>();
  readonly landed: string[] = [];
  private lines = 0;
  /** Segment the next opened writers belong to (0 = the plain object name). */
  private segmentNo = 0;
  /** `source/entity` of every object of the current segment (kept until it is sealed). */
  private readonly segmentKeys = new Set<string>();

  constructor(
    private readonly store: RawStore,
    private readonly run: RunIdentity,
    private readonly gzip: boolean,
    private readonly now: () => Date,
    /** Sources may echo credentials (Graph API paging URLs carry access_token): redact them. */
    private readonly redactor?: Redactor,
  ) {}

  async record(
    source: string,
    entity: string,
    answer: { url: string; status: number; body: unknown; method?: string },
    context: Record<string, unknown> = {},
  ): Promise<RawLine> {
    const writer = this.writerFor(`${source}/${entity}`);
    const line: RawLine = {
      source,
      entity,
      run_id: this.run.runId,
      fetched_at: this.now().toISOString(),
      request: { method: answer.method ?? 'GET', url: redactUrl(answer.url) },
      status: answer.status,
      context,
      body: answer.body,
    };
    this.lines += 1;
    const text = JSON.stringify(line);
    await (await writer).writeLine(this.redactor ? this.redactor.redact(text) : text);
    return line;
  }

  private writerFor(key: string): Promise<RawObjectWriter> {
    let writer = this.writers.get(key);
    if (!writer) {
      const [source = '', entity = ''] = key.split('/');
      writer = this.store.openWriter(
        rawObjectPath(source, entity, this.run, this.gzip, this.segmentNo),
      );
      this.writers.set(key, writer);
      this.segmentKeys.add(key);
    }
    return writer;
  }

  /** `source/entity` of the objects of the current segment. */
  get segmentObjects(): string[] {
    return [...this.segmentKeys];
  }

  /**
   * Opens the objects `keys` in the current segment now, so that they are rewritten (empty if
   * nothing more lands in them) when the segment closes: a resumed run rewriting a segment an
   * unfinished delivery wrote must not leave that delivery's objects behind.
   */
  async rewrite(keys: readonly string[]): Promise<void> {
    for (const key of keys) if (/^[^/]+\/[^/]+$/.test(key)) await this.writerFor(key);
  }

  get answers(): number {
    return this.lines;
  }

  async close(): Promise<string[]> {
    for (const writer of this.writers.values()) {
      const { path } = await (await writer).close();
      this.landed.push(path);
    }
    this.writers.clear();
    return this.landed;
  }

  get segment(): number {
    return this.segmentNo;
  }

  /** Makes everything landed so far durable; later answers go to the next segment. */
  async seal(): Promise<number> {
    await this.close();
    const sealed = this.segmentNo;
    this.segmentNo += 1;
    this.segmentKeys.clear();
    return sealed;
  }

  /** A resumed run continues after the segments an earlier delivery sealed. */
  continueAfter(segment: number): void {
    if (this.writers.size > 0) throw new Error('continueAfter must come before any answer');
    this.segmentNo = Math.max(this.segmentNo, segment + 1);
    this.segmentKeys.clear();
  }

  async abort(): Promise<void> {
    for (const writer of this.writers.values()) await (await writer).abort().catch(() => undefined);
    this.writers.clear();
  }
}
