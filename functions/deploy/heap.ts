// V8 heap settings of the job functions, derived from the one setting that sizes them: the
// function's memory. Without them V8 sizes its generations to the allocation rate, not to
// the work kept alive: a 100,000-episode run (22 MB retained) peaked at 2.2x the RSS of a
// 1,000-episode one, mostly a young generation grown to its default maximum (3 x 64 MiB in
// Node 24) and the Buffers its garbage keeps alive until a scavenge. A small semi-space
// scavenges often and frees them early; the old-space cap makes V8 collect hard before the
// function's memory is gone instead of being killed by it. Terraform (terraform/sizing.tf)
// computes the same NODE_OPTIONS from HEAP_POLICY for whatever memory an environment sets;
// test/terraform/heap.test.ts holds both to this code, and `npm run bench -- memory` runs
// the collector with exactly these options.
import { z } from 'zod';

export const HEAP_POLICY = {
  /**
   * Old generation cap, percent of the function's memory. The rest is for what V8's old
   * space does not hold: the young generation, code, Buffers (HTTP bodies, gzip), sockets and
   * the client libraries' native parts, shared by the concurrent runs of an instance.
   */
  oldSpacePercent: 60,
  /**
   * Young generation semi-space cap in MiB. 8 costs next to no CPU (`npm run bench -- memory`:
   * the cap alone is within noise of no flags) and takes the 100k/1k ratio from ~2.2 to ~1.8;
   * the old-space cap brings it to 1.1-1.2, for 16-36 % more CPU on the cloud-adapter path (more
   * old-generation GCs), which an I/O-bound job function can afford. 4 saved a little more
   * memory for more CPU.
   */
  semiSpaceMiB: 8,
} as const;

const memorySetting = z
  .string()
  .regex(/^[0-9]+(Mi|Gi)$/, 'memory looks like 512Mi or 1Gi (Cloud Functions gen2)');

/** "512Mi" → 512, "1Gi" → 1024. */
export function memoryMiB(memory: string): number {
  const valid = memorySetting.parse(memory);
  const amount = Number(valid.slice(0, -2));
  return valid.endsWith('Gi') ? amount * 1024 : amount;
}

/** The NODE_OPTIONS of a job function with this much memory. */
export function nodeOptionsFor(memory: string): string {
  const oldSpace = Math.floor((memoryMiB(memory) * HEAP_POLICY.oldSpacePercent) / 100);
  return `--max-old-space-size=${oldSpace} --max-semi-space-size=${HEAP_POLICY.semiSpaceMiB}`;
}
