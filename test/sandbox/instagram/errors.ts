// Graph API error answers for the sandbox: the envelope {error: {message, type, code,
// error_subcode, fbtrace_id}} with the HTTP status Instagram uses for each code, and the
// usage header that says when access comes back.
import type { SandboxAnswer } from '../http-sandbox.js';

export const SANDBOX_IG_USER_ID = '17841400000000999';

const GRAPH_STATUS: Record<number, number> = { 1: 500, 2: 503, 190: 400, 10: 403 };

/** A Graph error answer: {error: {message, type, code, error_subcode, fbtrace_id}}. */
export function graphError(
  code: number,
  options: { subcode?: number; message?: string; regainMinutes?: number; status?: number } = {},
): SandboxAnswer {
  const headers: Record<string, string> = {};
  if (options.regainMinutes !== undefined)
    headers['x-business-use-case-usage'] = JSON.stringify({
      [SANDBOX_IG_USER_ID]: [
        {
          type: 'instagram',
          call_count: 100,
          total_cputime: 40,
          total_time: 40,
          estimated_time_to_regain_access: options.regainMinutes,
        },
      ],
    });
  return {
    status: options.status ?? GRAPH_STATUS[code] ?? 400,
    headers,
    body: {
      error: {
        message: options.message ?? `(#${code}) sandbox error ${code}`,
        type: code === 190 ? 'OAuthException' : 'GraphMethodException',
        code,
        ...(options.subcode !== undefined ? { error_subcode: options.subcode } : {}),
        fbtrace_id: `AbCdEf${code}`,
      },
    },
  };
}
