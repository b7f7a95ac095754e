// Spotify's published OpenAPI spec (../shared/contracts/spotify-openapi.yml) as the judge of
// the sandbox: every answer is validated against the response schema of its operation and
// every request against the operation's parameters, with ajv. The spec is parsed and its
// schemas compiled once per process (lazily, per operation and status).
//
// Two documented corrections are laid over the official text, nothing else:
// - items of search pages and of show-episode pages can be `null` (content unavailable in the
//   market), as the fixed spec of the same public repository records;
// - development mode no longer returns some fields (../shared/api-facts.md, newer than the
//   spec): they are not required there, and still required in the extended tier;
// - the extended quota pages search and artist albums at 50 (api-facts.md), where the spec
//   now writes development mode's 10.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export type ContractTier = 'development' | 'extended';

/**
 * The spec file: in ../shared/contracts from the project root (tests run from there), or in
 * FANPULSE_CONTRACTS_DIR (`npm run mutate` runs the tests from a copy of the project).
 */
export const SPOTIFY_SPEC_PATH = resolve(
  process.env.FANPULSE_CONTRACTS_DIR ?? resolve(process.cwd(), '../shared/contracts'),
  'spotify-openapi.yml',
);

/** Development-mode page caps (api-facts.md) on top of the spec's `maximum: 50`. */
const DEVELOPMENT_LIMITS: ReadonlyArray<{ path: RegExp; max: number }> = [
  { path: /^\/search$/, max: 10 },
  { path: /^\/artists\/[^/]+\/albums$/, max: 10 },
];

/** Operations whose `limit` the extended quota allows up to 50. */
const EXTENDED_PAGE_OF_50 = ['/search', '/artists/{id}/albums'];

/** Fields development mode no longer returns: schema → property names. */
const DEVELOPMENT_OPTIONAL: Readonly<Record<string, readonly string[]>> = {
  ArtistObject: ['followers', 'popularity', 'genres'],
  TrackObject: ['popularity', 'available_markets'],
  SimplifiedTrackObject: ['available_markets'],
  AlbumBase: ['available_markets'],
  AlbumObject: ['popularity'],
  ShowBase: ['publisher', 'available_markets'],
  EpisodeBase: ['language', 'audio_preview_url'],
};

/** Paging schemas whose items can be null (search pages, show-episode pages). */
const NULLABLE_ITEMS = [
  'PagingSimplifiedEpisodeObject',
  'PagingSimplifiedShowObject',
  'PagingTrackObject',
  'PagingArtistObject',
  'PagingSimplifiedAlbumObject',
] as const;

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Operation {
  template: string;
  pattern: RegExp;
  op: Json;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function loadSpec(): Json {
  if (!existsSync(SPOTIFY_SPEC_PATH))
    throw new Error(
      `Spotify's OpenAPI spec is not at ${SPOTIFY_SPEC_PATH}: clone the project beside shared/ or set FANPULSE_CONTRACTS_DIR`,
    );
  const spec: unknown = parse(readFileSync(SPOTIFY_SPEC_PATH, 'utf8'));
  if (!isJson(spec) || !isJson(spec.paths) || !isJson(spec.components))
    throw new Error(`${SPOTIFY_SPEC_PATH} is not an OpenAPI document`);
  return spec;
}

function schemaOf(spec: Json, name: string): Json {
  const schemas = (spec.components as Json).schemas as Json;
  const s = schemas[name];
  if (!isJson(s)) throw new Error(`the spec has no schema ${name}`);
  return s;
}

function withNullableItems(spec: Json): void {
  for (const name of NULLABLE_ITEMS) {
    for (const part of (schemaOf(spec, name).allOf as Json[] | undefined) ?? []) {
      const items = isJson(part.properties) ? (part.properties.items as Json | undefined) : null;
      if (items && isJson(items.items)) items.items = { anyOf: [items.items, { type: 'null' }] };
    }
  }
}

function withoutRequired(spec: Json, optional: Readonly<Record<string, readonly string[]>>): void {
  const strip = (s: Json, names: readonly string[]) => {
    if (Array.isArray(s.required)) s.required = s.required.filter((r) => !names.includes(r));
    for (const part of (s.allOf as Json[] | undefined) ?? []) if (isJson(part)) strip(part, names);
  };
  for (const [name, fields] of Object.entries(optional)) strip(schemaOf(spec, name), fields);
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** One compiled view of the spec for one tier. */
export class SpotifyContract {
  private readonly ajv: Ajv;
  private readonly params: Ajv;
  private readonly ops: Operation[];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly spec: Json;

  constructor(readonly tier: ContractTier) {
    this.spec = loadSpec();
    withNullableItems(this.spec);
    if (tier === 'development') withoutRequired(this.spec, DEVELOPMENT_OPTIONAL);
    const options = { strict: false, allErrors: true, discriminator: true } as const;
    this.ajv = addFormats(new Ajv(options));
    this.ajv.addSchema(this.spec, 'spotify');
    this.params = addFormats(new Ajv({ ...options, coerceTypes: true }));
    this.params.addSchema(this.spec, 'spotify');
    this.ops = Object.entries(this.spec.paths as Json).flatMap(([template, item]) => {
      const op = isJson(item) && isJson(item.get) ? item.get : null;
      if (!op) return [];
      const pattern = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
      return [{ template, pattern, op }];
    });
    // Literal paths before templated ones (`/albums` is not `/albums/{id}`).
    this.ops.sort((a, b) => a.template.split('{').length - b.template.split('{').length);
  }

  private operation(method: string, path: string): Operation | null {
    if (method !== 'GET') return null;
    return this.ops.find((o) => o.pattern.test(path)) ?? null;
  }

  private validator(key: string, schema: () => Json, ajv: Ajv): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      v = ajv.compile(schema());
      this.compiled.set(key, v);
    }
    return v;
  }

  private resolveParameter(p: unknown): Json | null {
    if (!isJson(p)) return null;
    if (typeof p.$ref !== 'string') return p;
    const name = p.$ref.split('/').pop() ?? '';
    const found = ((this.spec.components as Json).parameters as Json)[name];
    return isJson(found) ? found : null;
  }

  /**
   * What is wrong with a request to the API (`path` without the `/v1` prefix): unknown or
   * missing query parameters, values outside the spec's schema, development-mode caps.
   */
  checkRequest(method: string, path: string, query: URLSearchParams): string[] {
    const found = this.operation(method, path);
    if (!found) return [`${method} ${path}: no such operation in the spec`];
    const out: string[] = [];
    const params = ((found.op.parameters as unknown[] | undefined) ?? [])
      .map((p) => this.resolveParameter(p))
      .filter((p): p is Json => p !== null && p.in === 'query');
    const v = this.validator(
      `request ${found.template}`,
      () => ({
        type: 'object',
        properties: Object.fromEntries(
          params.map((p) => [String(p.name), this.paramSchema(found.template, p)]),
        ),
        required: params.filter((p) => p.required === true).map((p) => String(p.name)),
        additionalProperties: false,
      }),
      this.params,
    );
    // Array parameters are written comma-separated (style form, explode false).
    const values: Json = Object.fromEntries(
      [...query].map(([k, val]) => {
        const p = params.find((x) => x.name === k);
        const array = p && isJson(p.schema) && p.schema.type === 'array';
        return [k, array ? val.split(',') : val];
      }),
    );
    if (!v(values))
      for (const e of v.errors ?? [])
        out.push(`${found.template} query${e.instancePath} ${e.message ?? ''} ${paramsText(e)}`);
    if (this.tier === 'development') {
      const cap = DEVELOPMENT_LIMITS.find((l) => l.path.test(path));
      const limit = query.get('limit');
      if (cap && limit !== null && Number(limit) > cap.max)
        out.push(`${found.template}: limit ${limit} is over development mode's ${cap.max}`);
    }
    return out;
  }

  private paramSchema(template: string, p: Json): Json {
    const schema = isJson(p.schema) ? p.schema : {};
    if (this.tier === 'extended' && p.name === 'limit' && EXTENDED_PAGE_OF_50.includes(template))
      return { ...schema, maximum: 50 };
    return schema;
  }

  /** What is wrong with an answer: the body against the operation's schema for `status`. */
  checkResponse(method: string, path: string, status: number, body: unknown): string[] {
    const found = this.operation(method, path);
    if (!found) return [`${method} ${path}: no such operation in the spec`];
    const key = `${found.template} ${status}`;
    const v = this.validator(key, () => this.responseSchema(found, status), this.ajv);
    if (v(body)) return [];
    return (v.errors ?? [])
      .slice(0, 8)
      .map((e) => `${key}: body${e.instancePath} ${e.message ?? ''} ${paramsText(e)}`.trim());
  }

  private responseSchema(found: Operation, status: number): Json {
    const responses = isJson(found.op.responses) ? found.op.responses : {};
    const declared = responses[String(status)];
    // Errors the spec does not list for the operation (400, 404) use the same envelope.
    if (!declared && status >= 400) return { $ref: 'spotify#/components/responses/BadRequest' };
    if (!isJson(declared)) return { not: {} };
    const base =
      typeof declared.$ref === 'string'
        ? `spotify${declared.$ref}`
        : `spotify#/paths/${escapePointer(found.template)}/get/responses/${status}`;
    return { $ref: `${base}/content/application~1json/schema` };
  }
}

function paramsText(e: { params?: unknown }): string {
  return isJson(e.params) && Object.keys(e.params).length ? JSON.stringify(e.params) : '';
}

const contracts = new Map<ContractTier, SpotifyContract>();

/** The compiled contract of a tier, built once per process. */
export function spotifyContract(tier: ContractTier): SpotifyContract {
  let c = contracts.get(tier);
  if (!c) {
    c = new SpotifyContract(tier);
    contracts.set(tier, c);
  }
  return c;
}
