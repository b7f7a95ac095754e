// Reads terraform/*.tf with @cdktf/hcl2json (the HCL parser Terraform uses, compiled to
// WebAssembly), so the tests can check the configuration against the code without the
// Google provider. Expressions come back as "${...}" strings, blocks as arrays.
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const TERRAFORM_DIR = 'terraform';

export type Block = Record<string, unknown>;

export interface TerraformConfig {
  /** resource type → resource name → body. */
  resources: Map<string, Map<string, Block>>;
  data: Map<string, Map<string, Block>>;
  locals: Record<string, unknown>;
  variables: Map<string, Block>;
  outputs: Map<string, Block>;
  /** file name → text, for checks over the whole text (roles, members). */
  files: Map<string, string>;
  /** file name → its top-level block kinds (resource, locals, variable, ...). */
  sections: Map<string, string[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A block attribute parsed by hcl2json is a one-element array of its body. */
export function only(value: unknown, what = 'block'): Block {
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== 1 || !isRecord(list[0])) {
    throw new Error(`expected exactly one ${what}, got ${JSON.stringify(value)}`);
  }
  return list[0];
}

/** Every nested block of a body (e.g. `lifecycle_rule`), however many. */
export function blocks(body: Block, name: string): Block[] {
  const value = body[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(isRecord);
}

/** One HCL file (.tf or .tfvars) parsed as hcl2json returns it. */
export async function parseHclFile(path: string): Promise<Record<string, unknown>> {
  return parseHcl(basename(path), await readFile(path, 'utf8'));
}

async function parseHcl(name: string, text: string): Promise<Record<string, unknown>> {
  const parsed: unknown = await parse(name, text);
  if (!isRecord(parsed)) throw new Error(`${name}: hcl2json returned ${typeof parsed}`);
  return parsed;
}

export async function loadTerraform(dir = TERRAFORM_DIR): Promise<TerraformConfig> {
  const config: TerraformConfig = {
    resources: new Map(),
    data: new Map(),
    locals: {},
    variables: new Map(),
    outputs: new Map(),
    files: new Map(),
    sections: new Map(),
  };
  const names = (await readdir(dir)).filter((n) => n.endsWith('.tf')).sort();
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    config.files.set(name, text);
    const parsed = await parseHcl(name, text);
    config.sections.set(name, Object.keys(parsed));
    for (const [kind, target] of [
      ['resource', config.resources],
      ['data', config.data],
    ] as const) {
      const section = parsed[kind];
      if (!isRecord(section)) continue;
      for (const [type, byName] of Object.entries(section)) {
        if (!isRecord(byName)) continue;
        const map = target.get(type) ?? new Map<string, Block>();
        for (const [resourceName, body] of Object.entries(byName)) {
          if (map.has(resourceName)) throw new Error(`${type}.${resourceName} declared twice`);
          map.set(resourceName, only(body, `${type}.${resourceName}`));
        }
        target.set(type, map);
      }
    }
    for (const locals of Array.isArray(parsed.locals) ? parsed.locals : []) {
      if (!isRecord(locals)) continue;
      for (const [key, value] of Object.entries(locals)) {
        if (key in config.locals) throw new Error(`local.${key} declared twice`);
        config.locals[key] = value;
      }
    }
    for (const [section, target] of [
      ['variable', config.variables],
      ['output', config.outputs],
    ] as const) {
      const entries = parsed[section];
      if (!isRecord(entries)) continue;
      for (const [key, body] of Object.entries(entries)) target.set(key, only(body, key));
    }
  }
  return config;
}

export function resource(config: TerraformConfig, type: string, name: string): Block {
  const body = config.resources.get(type)?.get(name);
  if (!body) throw new Error(`resource ${type}.${name} is missing`);
  return body;
}

export function resourcesOfType(config: TerraformConfig, type: string): Map<string, Block> {
  return config.resources.get(type) ?? new Map();
}

/** Every resource as [address, body]. */
export function allResources(config: TerraformConfig): Array<[string, Block]> {
  return [...config.resources].flatMap(([type, byName]) =>
    [...byName].map(([name, body]): [string, Block] => [`${type}.${name}`, body]),
  );
}

/** All string values anywhere under a value (attribute values and expressions). */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isRecord(value)) return Object.values(value).flatMap(strings);
  return [];
}

/** `"${x}"` → `x`: the expression of a pure interpolation; templates stay as they are. */
export function expr(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`expected an expression, got ${JSON.stringify(value)}`);
  return (wholeInterpolation(value) ?? value).replace(/\s+/g, ' ').trim();
}

/** The inside of `${...}` when that interpolation spans the whole string. */
function wholeInterpolation(value: string): string | null {
  if (!value.startsWith('${') || !value.endsWith('}')) return null;
  let depth = 0;
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '{') depth++;
    else if (value[i] === '}' && --depth === 0) return i === value.length - 1 ? value.slice(2, -1) : null;
  }
  return null;
}
