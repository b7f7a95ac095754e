// Where a run got to, kept in the StateStore under its run id, so a run that is deferred at
// its deadline, fails transiently or is killed at the function timeout resumes on its
// redelivery (same run id) instead of starting over. A collector calls `save(position)`
// before each request or unit of work ("everything before `position` is done"); a save is
// persisted at most every FANPULSE_CHECKPOINT_SECONDS, and only after the rows are flushed and
// the raw answers sealed, so the stored position never runs ahead of what is durable. Work
// after the last persisted save is done again on resume into the segment after it: same run
// id, so same raw object names and insert ids, and every object an unfinished delivery landed
// in that segment is rewritten (`dirty`), so nothing is doubled.
import { z } from 'zod';
import type { StateStore } from '../platform/state.js';
import type { JobContext } from './job.js';

const docSchema = z.object({
  positions: z.record(z.string(), z.unknown()),
  /**
   * Last raw segment sealed with these positions (-1: none); a resumed run lands in the next
   * one, rewriting whatever an unfinished delivery had landed there after this position.
   */
  segment: z.number().int().min(-1),
  finished: z.boolean().default(false),
  savedAt: z.string(),
  /**
   * The objects an unfinished delivery landed in the segment after `segment`: the redelivery
   * rewrites each of them, so none keeps answers past the position.
   */
  dirty: z.object({ segment: z.number().int(), objects: z.array(z.string()) }).optional(),
});
type Doc = z.infer<typeof docSchema>;

export interface Checkpoint<T> {
  /** The position an earlier delivery of this run saved, or null on a fresh run. */
  readonly resumed: T | null;
  /** Records progress (persisted now or at the latest when the run ends unfinished). */
  save(position: T): Promise<void>;
}

interface RunCheckpoints {
  key: string;
  doc: Doc | null;
  version: string | null;
  /** Positions saved in memory and not yet persisted. */
  pending: Record<string, unknown> | null;
  lastPersisted: number;
  /** Raw answers landed when `save` was last called. */
  answersAtSave: number;
  /** The last segment sealed (-1: none) and the answers landed by then. */
  sealed: number;
  answersAtSeal: number;
}

const runs = new WeakMap<JobContext, RunCheckpoints>();

export function checkpointKey(runId: string): string {
  return `checkpoints/${runId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

async function loadRun(ctx: JobContext, state: StateStore): Promise<RunCheckpoints> {
  let run = runs.get(ctx);
  if (run) return run;
  const key = checkpointKey(ctx.run.runId);
  const found = await state.get(key, docSchema);
  // A finished run that is run again on request starts over (it rewrites the same objects).
  const live = found && !found.value.finished ? found.value : null;
  run = {
    key,
    doc: live,
    version: found?.version ?? null,
    pending: null,
    lastPersisted: ctx.clock.now().getTime(),
    answersAtSave: 0,
    sealed: live ? live.segment : -1,
    answersAtSeal: 0,
  };
  if (live) {
    ctx.landing.continueAfter(live.segment);
    if (live.dirty?.segment === ctx.landing.segment) await ctx.landing.rewrite(live.dirty.objects);
  }
  runs.set(ctx, run);
  return run;
}

async function persist(
  ctx: JobContext,
  run: RunCheckpoints,
  state: StateStore,
  /** The last segment that holds answers of these positions; null: the run finished. */
  sealed: number | null,
): Promise<void> {
  const finished = sealed === null;
  // Objects to rewrite stay listed until the segment holding them is sealed.
  const dirty = run.doc?.dirty;
  const doc: Doc = {
    positions: { ...run.doc?.positions, ...run.pending },
    segment: sealed ?? 0,
    finished,
    savedAt: ctx.clock.now().toISOString(),
    ...(dirty && sealed !== null && dirty.segment > sealed ? { dirty } : {}),
  };
  run.version = await state.put(run.key, doc, { ifVersion: run.version });
  run.doc = doc;
  run.pending = null;
  run.lastPersisted = ctx.clock.now().getTime();
}

/** Opens the checkpoint `name` of this run (a run may keep several, e.g. one per phase). */
export async function openCheckpoint<S extends z.ZodType>(
  ctx: JobContext,
  name: string,
  schema: S,
): Promise<Checkpoint<z.output<S>>> {
  const state = await ctx.services.state();
  const run = await loadRun(ctx, state);
  const stored = run.doc?.positions[name];
  const parsed = stored === undefined ? null : schema.safeParse(stored);
  const resumed = parsed?.success ? (parsed.data as z.output<S>) : null;
  if (resumed !== null)
    ctx.log.info('resuming the run from its checkpoint', { checkpoint: name, position: resumed });
  const everyMs = ctx.services.config.checkpointSeconds * 1000;
  return {
    resumed,
    save: async (position) => {
      run.pending = { ...run.pending, [name]: position };
      run.answersAtSave = ctx.landing.answers;
      if (ctx.clock.now().getTime() - run.lastPersisted < everyMs) return;
      await ctx.rows.flush();
      // Rows the warehouse refused are not durable: the position must not move past them.
      if (ctx.rows.warehouseRejected > 0) return;
      // The sealed segment, not the one answers go to next: a redelivery of a run that
      // fails (or is deferred) after landing more rewrites that next segment. Nothing landed
      // since the last seal: that segment is still the last, so a resumed run's first save
      // does not skip the segment it is rewriting.
      if (ctx.landing.answers > run.answersAtSeal) {
        run.sealed = await ctx.landing.seal();
        run.answersAtSeal = ctx.landing.answers;
      }
      await persist(ctx, run, state, run.sealed);
    },
  };
}

/**
 * Called by the runner once rows are flushed and raw objects closed. A finished run marks its
 * checkpoint done. A deferred run stopped before a request (deadline, penalty box, a wait it
 * could not afford), so what it landed ends exactly at its latest position: that position is
 * kept for the redelivery. A failed run may have landed an answer past it (a malformed page):
 * its redelivery resumes from the last sealed position and rewrites the segment after it.
 * So does a deferred run that landed answers after its latest save (a collector that saves
 * per unit of several requests, deferred inside one): keeping that position would make the
 * redelivery land those answers again in a new segment.
 */
export async function settleCheckpoints(
  ctx: JobContext,
  end: 'finished' | 'deferred' | 'failed',
  durable: boolean,
): Promise<void> {
  const run = runs.get(ctx);
  if (!run) return;
  if (end === 'finished') {
    if (run.doc !== null) await persist(ctx, run, await ctx.services.state(), null);
    return;
  }
  const state = await ctx.services.state();
  const landedSinceSave = ctx.landing.answers > run.answersAtSave;
  if (end === 'deferred' && durable && run.pending !== null && !landedSinceSave) {
    // The runner closed the raw objects: the current segment holds exactly the pending work.
    const landedSinceSeal = ctx.landing.answers > run.answersAtSeal;
    await persist(ctx, run, state, landedSinceSeal ? ctx.landing.segment : run.sealed);
    return;
  }
  if (!landedSinceSave && run.pending === null) return;
  // The position stays the last persisted one and the redelivery rewrites the segment after
  // it: every object this delivery landed there is listed, so each is rewritten (even one the
  // redelivery, deferred sooner, would not reach) and none keeps answers past the position.
  const objects = ctx.landing.segmentObjects;
  if (end === 'deferred')
    ctx.log.info(
      'deferred inside a unit of work: the redelivery resumes from the last persisted checkpoint',
      {
        landed_after_save: ctx.landing.answers - run.answersAtSave,
      },
    );
  if (objects.length === 0) return;
  const doc: Doc = {
    positions: { ...run.doc?.positions },
    segment: run.sealed,
    finished: false,
    savedAt: ctx.clock.now().toISOString(),
    dirty: { segment: ctx.landing.segment, objects },
  };
  run.version = await state.put(run.key, doc, { ifVersion: run.version });
  run.doc = doc;
}
