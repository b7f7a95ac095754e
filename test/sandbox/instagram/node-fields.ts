// Which fields exist on which Graph node, as the sandbox checks them: Meta answers code 100
// "Tried accessing nonexisting field" for any other (also inside a business_discovery
// expansion; hashtag media never carries its author, so `username` and `owner` are errors).
import type { SandboxAnswer } from '../http-sandbox.js';
import { graphError } from './errors.js';
import type { FieldSpec } from './fields.js';

/** Fields that exist on hashtag media (never the author: no username, no owner). */
export const HASHTAG_MEDIA_FIELDS = new Set([
  'id',
  'caption',
  'children',
  'comments_count',
  'like_count',
  'media_type',
  'media_url',
  'permalink',
  'timestamp',
]);
/** Fields of an IG user reached through business_discovery. */
export const DISCOVERY_USER_FIELDS = new Set([
  'id',
  'ig_id',
  'username',
  'name',
  'biography',
  'website',
  'profile_picture_url',
  'followers_count',
  'follows_count',
  'media_count',
  'media',
]);
/** Fields of media reached through business_discovery. */
export const DISCOVERY_MEDIA_FIELDS = new Set([
  ...HASHTAG_MEDIA_FIELDS,
  'media_product_type',
  'thumbnail_url',
  'username',
  'is_comment_enabled',
]);
/** Fields of the app's own IG user node. */
export const OWN_USER_FIELDS = new Set([...DISCOVERY_USER_FIELDS, 'business_discovery']);

export function nonexisting(field: string, node: string): SandboxAnswer {
  return graphError(100, {
    message: `(#100) Tried accessing nonexisting field (${field}) on node type (${node})`,
  });
}

/** The first requested field that does not exist on the node, with its nested ones. */
export function unknownField(
  specs: readonly FieldSpec[],
  allowed: ReadonlySet<string>,
  nested: Record<string, ReadonlySet<string>> = {},
): string | null {
  for (const spec of specs) {
    if (!allowed.has(spec.name)) return spec.name;
    const inner = nested[spec.name];
    if (inner && spec.fields) {
      const bad = unknownField(spec.fields, inner);
      if (bad) return bad;
    }
  }
  return null;
}
