// Messenger's request signature (the shared-secret comparison lives in platform/secure-compare.ts).
import { createHmac } from 'node:crypto';
import { verifyHmac } from '../../platform/secure-compare.js';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Messenger's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the exact raw request
 * bytes with the app secret. Parsed-and-reserialised JSON would not match (key order,
 * escapes of non-ASCII text), so only the raw bytes are used.
 */
export function checkHubSignature(
  header: string | string[] | undefined,
  rawBody: Buffer | undefined,
  appSecret: string,
): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match) return { ok: false, reason: 'malformed X-Hub-Signature-256 header' };
  if (!rawBody) return { ok: false, reason: 'no raw body to verify' };
  const format = { algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' } as const;
  if (!verifyHmac(rawBody, value, [appSecret], format))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}

export function hubSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
