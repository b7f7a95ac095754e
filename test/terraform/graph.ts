// The dependency graph Terraform builds from the configuration, rebuilt from the parsed
// HCL: an edge for every `depends_on` entry and every reference to a resource or data
// source in a block's expressions, following references through locals. What Terraform
// creates first on a bare project follows from these edges.
import { allResources, strings, type Block, type TerraformConfig } from './hcl.js';

export interface DependencyGraph {
  /** address → addresses it refers to or depends on directly. */
  edges: Map<string, Set<string>>;
  /** Every address a node waits for, directly or transitively. */
  reaches(from: string): Set<string>;
}

const REFERENCE = /\b(data\.[a-z][a-z0-9_-]*\.[a-z_][a-z0-9_-]*|[a-z][a-z0-9_-]*\.[a-z_][a-z0-9_-]*)\b/g;
const LOCAL = /\blocal\.([a-z_][a-z0-9_]*)/g;

export function dependencyGraph(tf: TerraformConfig): DependencyGraph {
  const addresses = new Set<string>(allResources(tf).map(([address]) => address));
  for (const [type, byName] of tf.data) for (const name of byName.keys()) addresses.add(`data.${type}.${name}`);

  const localRefs = new Map<string, Set<string>>();
  const refsOfLocal = (name: string, seen = new Set<string>()): Set<string> => {
    const cached = localRefs.get(name);
    if (cached) return cached;
    const found = new Set<string>();
    if (seen.has(name)) return found;
    seen.add(name);
    for (const text of strings(tf.locals[name])) collect(text, found, seen);
    localRefs.set(name, found);
    return found;
  };
  const collect = (text: string, into: Set<string>, seen = new Set<string>()) => {
    for (const m of text.matchAll(REFERENCE)) if (addresses.has(m[1]!)) into.add(m[1]!);
    for (const m of text.matchAll(LOCAL)) for (const r of refsOfLocal(m[1]!, seen)) into.add(r);
  };

  const edges = new Map<string, Set<string>>();
  const bodies: Array<[string, Block]> = [
    ...allResources(tf),
    ...[...tf.data].flatMap(([type, byName]) =>
      [...byName].map(([name, body]): [string, Block] => [`data.${type}.${name}`, body]),
    ),
  ];
  for (const [address, body] of bodies) {
    const into = new Set<string>();
    for (const text of strings(body)) collect(text, into);
    into.delete(address);
    edges.set(address, into);
  }
  return {
    edges,
    reaches(from: string) {
      const seen = new Set<string>();
      const pending = [...(edges.get(from) ?? [])];
      while (pending.length > 0) {
        const next = pending.pop()!;
        if (seen.has(next)) continue;
        seen.add(next);
        pending.push(...(edges.get(next) ?? []));
      }
      return seen;
    },
  };
}
