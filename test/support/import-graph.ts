// The project's import graph, read from the TypeScript sources: every relative import of
// every file under functions/ and schemas/ (static, type-only, re-exports and dynamic
// `import()` alike), parsed by the TypeScript compiler's own pre-processor rather than a
// regular expression, so comments and strings that look like imports are not counted.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';

/** File (repository-relative, .ts) → the project files it imports. */
export type ImportGraph = Map<string, string[]>;

async function tsFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

export async function importGraph(
  roots: readonly string[] = ['functions', 'schemas'],
): Promise<ImportGraph> {
  const files = (await Promise.all(roots.map(tsFilesUnder))).flat().sort();
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every cycle's files, in import order (each cycle once, from its first file). */
export function cycles(graph: ImportGraph): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}
