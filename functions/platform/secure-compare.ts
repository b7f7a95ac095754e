// Constant-time checks of shared secrets and HMAC signatures, shared by every function that
// authenticates callers (chatbot platforms, event sources) so the comparison rules live once.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time (hashing first makes the lengths equal). An empty
 * expected value never matches, so an unset secret cannot be satisfied by an empty guess.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

export interface HmacFormat {
  algorithm: string;
  encoding: 'hex' | 'base64';
  /** Text before the digest in the header (e.g. "sha256="); matched case-insensitively. */
  prefix: string;
}

/**
 * True when the sent header holds the HMAC of exactly these bytes under any of the keys
 * (several keys let a secret rotate without refusing senders).
 */
export function verifyHmac(
  bytes: Buffer,
  sentHeader: string,
  keys: readonly string[],
  format: HmacFormat,
): boolean {
  let sent = sentHeader.trim();
  if (format.prefix && sent.toLowerCase().startsWith(format.prefix.toLowerCase()))
    sent = sent.slice(format.prefix.length);
  const given = Buffer.from(sent, format.encoding);
  let matched = false;
  for (const key of keys) {
    const expected = createHmac(format.algorithm, key).update(bytes).digest();
    // Every key is tried, so timing says nothing about which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
