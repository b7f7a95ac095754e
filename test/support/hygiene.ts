// Secret hygiene: everything a run wrote (log lines, raw objects, state documents, warehouse
// rows) scanned for recognisable secret values. One occurrence anywhere is a leak.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipIfNeeded } from '../../functions/platform/raw-store.js';

export interface Written {
  where: string;
  text: string;
}

export interface Leak {
  where: string;
  secret: string;
}

/** Every file under `dir` as text (gzipped raw objects unpacked). */
export async function filesUnder(dir: string): Promise<Written[]> {
  const out: Written[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push({ where: full, text: gunzipIfNeeded(full, await readFile(full)) });
    }
  };
  await walk(dir);
  return out;
}

/** Rows of every table in `tables` as JSON text, for scanning. */
export async function warehouseText(
  query: (sql: string) => Promise<Array<Record<string, unknown>>>,
  tables: readonly string[],
): Promise<Written[]> {
  const out: Written[] = [];
  for (const table of tables)
    out.push({
      where: `warehouse:${table}`,
      text: JSON.stringify(await query(`SELECT * FROM ${table}`)),
    });
  return out;
}

/**
 * Where any secret occurs. Secrets are also looked for in the encodings a careless log
 * would use: HTTP Basic credentials and URL encoding.
 */
export function findLeaks(written: readonly Written[], secrets: readonly string[]): Leak[] {
  const needles = secrets.flatMap((s) => [s, encodeURIComponent(s)]);
  const leaks: Leak[] = [];
  for (const w of written)
    for (const needle of new Set(needles))
      if (w.text.includes(needle)) leaks.push({ where: w.where, secret: needle });
  return leaks;
}

export function basicCredential(id: string, secret: string): string {
  return Buffer.from(`${id}:${secret}`).toString('base64');
}
