// Who may push: a per-source secret token (header or URL path), an HMAC of the raw body
// where the source signs, and optionally an IP allowlist. Comparisons are constant-time;
// a secret may hold several values (one per line or comma-separated) so tokens rotate
// without a window in which senders are refused.
import { isIP, type BlockList } from 'node:net';
import type { Secrets } from '../../platform/secrets.js';
import { sameSecret, verifyHmac } from '../../platform/secure-compare.js';
import { hmacSecretId, tokenSecretId, type SourceConfig } from './config.js';

export interface Credentials {
  headers: Record<string, string | string[] | undefined>;
  /** The path segment after the source name, if any. */
  pathToken: string | null;
  /** Exactly the bytes received (the HMAC is over these, never over re-encoded text). */
  body: Buffer;
  rawQuery: string;
  method: string;
  /** Now, for the replay window of sources that sign a timestamp. */
  now: Date;
}

export type AuthVerdict = { ok: true } | { ok: false; reason: string };

function header(headers: Credentials['headers'], name: string): string | null {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function values(secret: string): string[] {
  return secret
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

function tokenCandidates(config: NonNullable<SourceConfig['token']>, c: Credentials): string[] {
  const out: string[] = [];
  if (config.in.includes('header')) {
    const direct = header(c.headers, config.header);
    if (direct) out.push(direct.trim());
    const bearer = /^Bearer\s+(.+)$/i.exec(header(c.headers, 'authorization') ?? '');
    if (bearer?.[1]) out.push(bearer[1].trim());
  }
  if (config.in.includes('path') && c.pathToken) out.push(c.pathToken);
  return out;
}

/** The bytes a signing source signs: the raw body, or the raw query string of a GET. */
export function signedBytes(c: Pick<Credentials, 'method' | 'body' | 'rawQuery'>): Buffer {
  return c.method === 'GET' ? Buffer.from(c.rawQuery, 'utf8') : c.body;
}

/** `template` with the timestamp and the bytes filled in (the bytes never re-encoded). */
function withTimestamp(template: string, timestamp: string, bytes: Buffer): Buffer {
  const [before = '', after = ''] = template.split('{body}');
  const fill = (part: string) => Buffer.from(part.replace('{timestamp}', timestamp), 'utf8');
  return Buffer.concat([fill(before), bytes, fill(after)]);
}

function verifySignature(
  hmac: NonNullable<SourceConfig['hmac']>,
  secrets: string[],
  c: Credentials,
): AuthVerdict {
  const sent = header(c.headers, hmac.header)?.trim() ?? '';
  if (sent === '') return { ok: false, reason: `no signature (${hmac.header})` };
  const window = hmac.timestamp;
  if (!window) {
    if (verifyHmac(signedBytes(c), sent, secrets, hmac)) return { ok: true };
    return { ok: false, reason: 'signature does not match the body' };
  }
  const timestamp = header(c.headers, window.header)?.trim() ?? '';
  if (!/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: `no timestamp in seconds (${window.header})` };
  const signed = withTimestamp(window.signed, timestamp, signedBytes(c));
  if (!verifyHmac(signed, sent, secrets, hmac))
    return { ok: false, reason: 'signature does not match the timestamp and body' };
  // Checked after the signature: only a genuine (signed) old delivery is called a replay.
  const skew = Math.round(c.now.getTime() / 1000 - Number(timestamp));
  if (Math.abs(skew) > window.toleranceSeconds)
    return {
      ok: false,
      reason: `timestamp ${skew > 0 ? `${skew} s old` : `${-skew} s ahead`}, outside the ${window.toleranceSeconds} s replay window`,
    };
  return { ok: true };
}

/** Checks the token and the signature a source is configured with; secrets come from the port. */
export async function authenticate(
  source: string,
  config: SourceConfig,
  secrets: Secrets,
  c: Credentials,
): Promise<AuthVerdict> {
  if (config.token) {
    const candidates = tokenCandidates(config.token, c);
    if (candidates.length === 0) return { ok: false, reason: 'no token' };
    const known = values(await secrets.get(tokenSecretId(source)));
    // Every candidate is compared with every value, so timing says nothing about which matched.
    let matched = false;
    for (const candidate of candidates)
      for (const value of known) matched = sameSecret(candidate, value) || matched;
    if (!matched) return { ok: false, reason: 'wrong token' };
  }
  if (config.hmac) {
    const keys = values(await secrets.get(hmacSecretId(source)));
    const verdict = verifySignature(config.hmac, keys, c);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}

/** The sender's address: the entry the trusted proxy appended to X-Forwarded-For, else the socket. */
export function clientAddress(
  forwardedFor: string | undefined,
  socketAddress: string | undefined,
  trustedHops: number,
): string | null {
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const chosen =
    trustedHops > 0 && hops.length >= trustedHops ? hops[hops.length - trustedHops] : socketAddress;
  if (!chosen) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(chosen);
  return mapped?.[1] ?? chosen;
}

/** True when the source has no allowlist (null) or the address is on it. */
export function addressAllowed(allowList: BlockList | null, address: string | null): boolean {
  if (allowList === null) return true;
  const family = address === null ? 0 : isIP(address);
  if (address === null || family === 0) return false;
  return allowList.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
