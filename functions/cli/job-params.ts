// A job's parameters as the CLI shows and reads them, generated from the job's zod schema
// (z.toJSONSchema), so `fanpulse jobs`, `job <name> --help` and the checks never drift from
// what the job accepts. List parameters take a comma-separated value as well as JSON.
import { z } from 'zod';
import type { JobDefinition } from '../core/job.js';
import { catalog } from '../sources/all.js';
import { UsageError } from './errors.js';

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface ParamInfo {
  name: string;
  flag: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
  list: boolean;
}

export const kebabCase = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function range(s: JsonSchema): string {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : undefined);
  const max =
    s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (min === undefined && max === undefined) return '';
  return ` ${min ?? ''}..${max ?? ''}`;
}

function typeName(s: JsonSchema): string {
  if (s.anyOf) {
    const names = [...new Set(s.anyOf.map(typeName))];
    // boolParam: a boolean or the strings "true"/"false" (what a command line can give).
    if (names.includes('boolean')) return 'boolean';
    return names.join(' | ');
  }
  if (s.enum) return s.enum.map(String).join('|');
  if (s.type === 'array') {
    const most = s.maxItems !== undefined ? `, at most ${s.maxItems}` : '';
    return `list of ${s.items ? typeName(s.items) : 'any'}${most}`;
  }
  if (s.type === 'object')
    return s.properties ? `{${Object.keys(s.properties).join(', ')}}` : 'object';
  if (s.type === 'integer' || s.type === 'number') return `${s.type}${range(s)}`;
  return typeof s.type === 'string' ? s.type : 'any';
}

const isList = (s: JsonSchema): boolean =>
  s.type === 'array' || (s.anyOf ?? []).some((a) => a.type === 'array');

const schemas = new Map<string, JsonSchema>();

function schemaOf(job: JobDefinition): JsonSchema {
  let schema = schemas.get(job.name);
  if (!schema) {
    schema = z.toJSONSchema(job.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    schemas.set(job.name, schema);
  }
  return schema;
}

export function jobParams(job: JobDefinition): ParamInfo[] {
  const schema = schemaOf(job);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    flag: `--${kebabCase(name)}`,
    type: typeName(s),
    required: required.has(name),
    ...(s.default !== undefined ? { default: s.default } : {}),
    description: s.description ?? '',
    list: isList(s),
  }));
}

/** The parameter table for `jobs` and `job <name> --help`. */
export function formatParams(job: JobDefinition, indent = '  '): string {
  const params = jobParams(job);
  if (params.length === 0) return `${indent}(no parameters)`;
  const left = params.map((p) => `${p.flag} <${p.type}>`);
  const width = Math.max(...left.map((l) => l.length));
  return params
    .map((p, i) => {
      const notes = [
        p.required
          ? 'required'
          : p.default !== undefined
            ? `default ${JSON.stringify(p.default)}`
            : '',
        p.description,
      ].filter(Boolean);
      return `${indent}${left[i]!.padEnd(width)}  ${notes.join('; ')}`.trimEnd();
    })
    .join('\n');
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** " (did you mean x?)" when one of `known` is close to `given`. */
export function didYouMean(given: string, known: readonly string[]): string {
  const best = known
    .map((k) => ({ k, d: distance(given.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(given.length / 3))
    ? ` (did you mean ${best.k}?)`
    : '';
}

export function requireJob(name: string): JobDefinition {
  const job = catalog.findJob(name);
  if (!job) {
    throw new UsageError(
      `unknown job "${name}"${didYouMean(
        name,
        catalog.jobs.map((j) => j.name),
      )}; \`fanpulse jobs\` lists them`,
    );
  }
  return job;
}

/**
 * Shapes CLI values for the job (a list parameter given as "a, b" or "Grupo Boticário"
 * becomes a list), refuses parameters the job does not have, and validates the result
 * with the job's own schema, naming the flag that is wrong.
 */
export function jobParamsFromCli(
  job: JobDefinition,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const known = new Map(jobParams(job).map((p) => [p.name, p]));
  const shaped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    const param = known.get(name);
    if (!param) {
      const flags = [...known.values()].map((p) => p.flag);
      throw new UsageError(
        `${job.name} has no parameter --${kebabCase(name)}${didYouMean(`--${kebabCase(name)}`, flags)}; it takes ${flags.join(', ') || 'none'} (see \`fanpulse job ${job.name} --help\`)`,
      );
    }
    shaped[name] =
      param.list && typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value;
  }
  const parsed = job.params.safeParse(shaped);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [head, ...rest] = issue.path.map(String);
      const where = head ? `--${kebabCase(head)}${rest.length ? `[${rest.join('.')}]` : ''}` : '';
      return where ? `${where}: ${issue.message}` : issue.message;
    });
    throw new UsageError(`invalid parameters for ${job.name}: ${problems.join('; ')}`);
  }
  return shaped;
}
