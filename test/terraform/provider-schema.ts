// Checks every argument and nested block of terraform/*.tf against the provider schemas as
// the published prebuilt CDKTF bindings spell them (@cdktf/provider-google and friends):
// each resource's generated JavaScript lists its arguments (synthesizeAttributes and one
// `<struct>ToTerraform` function per nested block), its .d.ts marks the required ones.
//
// `npm run check:provider-schema` fetches the bindings with `npm pack` into
// terraform/build/provider-schema (cached), extracts only the resource types in use, and
// reports. It is not part of `npm test`: the Google bindings are 31 MB packed, 307 MB
// unpacked, archived by HashiCorp since December 2025 and stop at provider 6.50.0 while
// versions.tf requires 7.x (see terraform/README.md, "Provider schema check").
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTerraform, type Block, type TerraformConfig } from './hcl.js';

/** One resource or nested block: argument name → nested block (struct function) or null. */
export interface StructSchema {
  arguments: Map<string, string | null>;
  required: Set<string>;
}

export interface BindingSchema {
  root: StructSchema;
  structs: Map<string, StructSchema>;
}

const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

/** Keys of the object literal returned right after `marker` (one `key: value,` a line). */
function returnedKeys(js: string, marker: string): Map<string, string | null> {
  const at = js.indexOf(marker);
  if (at < 0) throw new Error(`binding has no ${marker}`);
  const open = js.indexOf('return {', at);
  // One `key: value,` a line; the first `};` closes the object.
  const close = js.slice(open).search(/\n\s*\};/) + open;
  const keys = new Map<string, string | null>();
  for (const line of js.slice(open + 'return {'.length, close).split('\n')) {
    const m = /^\s+([a-z0-9_]+): (.*),$/.exec(line);
    if (!m) continue;
    const nested = /(?<!cdktf\.)\b([a-zA-Z]\w*)ToTerraform\b/.exec(m[2]!);
    keys.set(m[1]!, nested ? nested[1]! : null);
  }
  return keys;
}

/** Snake-case names of the required (no `?`) properties of interface `name` in the .d.ts. */
function requiredOf(dts: string, name: string, snakeOf: Map<string, string>): Set<string> {
  const start = dts.search(new RegExp(`export interface ${name}\\b[^{]*\\{`));
  const required = new Set<string>();
  if (start < 0) return required;
  const end = dts.indexOf('\n}', start);
  for (const m of dts.slice(start, end).matchAll(/^ {4}readonly (\w+)(\?)?:/gm)) {
    if (!m[2]) required.add(snakeOf.get(m[1]!) ?? m[1]!);
  }
  return required;
}

/** camelCase property → snake_case argument, from `snake: helper(this._camel)` lines. */
function snakeNames(js: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of js.matchAll(/^\s+([a-z0-9_]+): (.*?)(?:struct\.|this\._)(\w+)\b/gm)) {
    // The ...ToHclTerraform twins nest the value one level down (`value: ...`).
    if (!m[2]!.includes('HclTerraform')) map.set(m[3]!, m[1]!);
  }
  return map;
}

export function parseBinding(js: string, dts: string): BindingSchema {
  const snakeOf = snakeNames(js);
  const className = /\bclass (\w+) extends cdktf\.Terraform(?:Resource|DataSource) /.exec(js)?.[1];
  if (!className) throw new Error('binding declares no resource or data source class');
  const root = {
    arguments: returnedKeys(js, 'synthesizeAttributes() {'),
    required: requiredOf(dts, `${className}Config`, snakeOf),
  };
  const structs = new Map<string, StructSchema>();
  for (const m of js.matchAll(/^function (\w+)ToTerraform\(struct\) \{/gm)) {
    const name = m[1]!;
    const iface = name[0]!.toUpperCase() + name.slice(1);
    structs.set(name, {
      arguments: returnedKeys(js, `function ${name}ToTerraform(struct) {`),
      required: requiredOf(dts, iface, snakeOf),
    });
  }
  return { root, structs };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const bodies = (v: unknown): Block[] => (Array.isArray(v) ? v : [v]).filter(isRecord);

/** Problems of one block body against its schema ("path: message"). */
export function checkBody(body: Block, schema: StructSchema, binding: BindingSchema, path: string): string[] {
  const problems: string[] = [];
  const present = new Set(Object.keys(body));
  const nestedCheck = (name: string, content: Block[], where: string) => {
    const struct = binding.structs.get(schema.arguments.get(name) ?? '');
    if (!struct) return problems.push(`${where}: ${name} is not a block`);
    for (const b of content) problems.push(...checkBody(b, struct, binding, where));
  };
  for (const [key, value] of Object.entries(body)) {
    if (META.has(key)) continue;
    if (key === 'dynamic') {
      for (const group of bodies(value)) {
        for (const [name, dyns] of Object.entries(group)) {
          present.add(name);
          for (const dyn of bodies(dyns)) nestedCheck(name, bodies(dyn.content), `${path}.dynamic.${name}`);
        }
      }
      continue;
    }
    if (!schema.arguments.has(key)) {
      problems.push(`${path}: unknown argument ${key}`);
      continue;
    }
    if (schema.arguments.get(key) !== null && Array.isArray(value)) nestedCheck(key, bodies(value), `${path}.${key}`);
  }
  for (const name of schema.required) {
    if (!present.has(name)) problems.push(`${path}: missing required argument ${name}`);
  }
  return problems;
}

/** Where each type's binding lives: package and lib folder. */
export function bindingOf(kind: 'resource' | 'data', type: string, provider?: string) {
  const [prefix, ...rest] = type.split('_');
  const pkg = provider === 'google-beta' ? 'google-beta' : prefix!;
  // google-beta keeps the provider name in its folder names (google-project-service-identity).
  const name = pkg === 'google-beta' ? [prefix!, ...rest] : rest;
  const dir = (kind === 'data' ? ['data', prefix!, ...rest] : name).join('-');
  return { pkg: `@cdktf/provider-${pkg}`, dir };
}

export const BINDING_VERSIONS: Record<string, string> = {
  '@cdktf/provider-google': '16.12.1',
  '@cdktf/provider-google-beta': '16.12.1',
  '@cdktf/provider-time': '11.0.1',
  '@cdktf/provider-archive': '11.0.1',
};

export interface Target {
  address: string;
  kind: 'resource' | 'data';
  type: string;
  body: Block;
  pkg: string;
  dir: string;
}

export function targets(tf: TerraformConfig): Target[] {
  const list: Target[] = [];
  for (const [kind, map] of [
    ['resource', tf.resources],
    ['data', tf.data],
  ] as const) {
    for (const [type, byName] of map) {
      for (const [name, body] of byName) {
        const provider = typeof body.provider === 'string' ? body.provider.replace(/^\$\{|\}$/g, '') : undefined;
        list.push({
          address: `${kind === 'data' ? 'data.' : ''}${type}.${name}`,
          kind,
          type,
          body,
          ...bindingOf(kind, type, provider),
        });
      }
    }
  }
  return list;
}

function sh(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Fetches (once) and extracts the bindings of `dirs` from `pkg`; returns its folder. */
async function fetchBindings(cache: string, pkg: string, dirs: string[]): Promise<string> {
  const version = BINDING_VERSIONS[pkg];
  if (!version) throw new Error(`no binding version pinned for ${pkg}`);
  await mkdir(cache, { recursive: true });
  const tgz = `${pkg.slice(1).replace('/', '-')}-${version}.tgz`;
  if (!existsSync(join(cache, tgz))) sh('npm', ['pack', `${pkg}@${version}`, '--silent'], cache);
  const out = join(cache, tgz.replace(/\.tgz$/, ''));
  await mkdir(out, { recursive: true });
  const members = ['package/package.json', ...dirs.flatMap((d) => [`package/lib/${d}/index.js`, `package/lib/${d}/index.d.ts`])];
  const missing = members.filter((m) => !existsSync(join(out, m)));
  if (missing.length > 0) sh('tar', ['xzf', join(cache, tgz), '-C', out, ...missing], cache);
  return join(out, 'package');
}

export async function checkProviderSchemas(tf: TerraformConfig, cache: string) {
  const all = targets(tf);
  const problems: string[] = [];
  const providers: string[] = [];
  for (const pkg of [...new Set(all.map((t) => t.pkg))].sort()) {
    const mine = all.filter((t) => t.pkg === pkg);
    const root = await fetchBindings(cache, pkg, [...new Set(mine.map((t) => t.dir))]);
    const meta = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      cdktf?: { provider?: { name?: string; version?: string } };
    };
    providers.push(`${meta.cdktf?.provider?.name ?? pkg} ${meta.cdktf?.provider?.version ?? '?'} (${pkg})`);
    for (const t of mine) {
      const js = await readFile(join(root, 'lib', t.dir, 'index.js'), 'utf8');
      const dts = await readFile(join(root, 'lib', t.dir, 'index.d.ts'), 'utf8');
      const binding = parseBinding(js, dts);
      problems.push(...checkBody(t.body, binding.root, binding, t.address));
    }
  }
  return { checked: all.length, providers, problems };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const started = Date.now();
  const cache = resolve('terraform/build/provider-schema');
  const tf = await loadTerraform();
  const { checked, providers, problems } = await checkProviderSchemas(tf, cache);
  const packed = (await readdir(cache)).filter((n) => n.endsWith('.tgz')).join(', ');
  process.stdout.write(
    [
      `checked ${checked} resources and data sources against ${providers.join(', ')}`,
      `bindings cached in ${cache}: ${packed}`,
      ...problems.map((p) => `  ${p}`),
      `${problems.length} problem(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ].join('\n') + '\n',
  );
  process.exitCode = problems.length > 0 ? 1 : 0;
}
