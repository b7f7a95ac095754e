// A fanpulse wired to the Instagram sandbox: in-memory DuckDB, a temp data folder (raw
// files and the StateStore), a fake clock shared with the sandbox, and captured logs.
import type { ServiceOverrides } from '../../functions/platform/runtime.js';
import type { LoggedRequest } from '../sandbox/http-sandbox.js';
import { InstagramSandbox, type InstagramSandboxOptions } from '../sandbox/instagram/server.js';
import { startSandboxHarness, type SandboxHarness } from '../support/harness.js';

export interface InstagramHarness extends SandboxHarness<InstagramSandbox> {
  /** Graph API requests the sandbox received. */
  apiLog(): LoggedRequest[];
}

// Harnesses sharing a data folder must not reuse run ids (a completed run id is skipped).
let harnesses = 0;

export const BRANDS = { job: 'instagram.brands', params: {} } as const;
export const HASHTAGS = { job: 'instagram.hashtags', params: {} } as const;

export async function startInstagramHarness(
  options: {
    sandbox?: InstagramSandboxOptions;
    env?: Record<string, string>;
    overrides?: ServiceOverrides;
    dataDir?: string;
  } = {},
): Promise<InstagramHarness> {
  harnesses += 1;
  const { harness } = await startSandboxHarness({
    makeSandbox: (clock) =>
      new InstagramSandbox({ now: () => clock.now().getTime(), ...options.sandbox }),
    tempPrefix: 'fanpulse-instagram-',
    runIdPrefix: `ig-${harnesses}-run`,
    env: { FANPULSE_HTTP_BACKOFF_BASE_MS: '100', FANPULSE_HTTP_TIMEOUT_MS: '3000', ...options.env },
    dataDir: options.dataDir,
    overrides: options.overrides,
  });
  return {
    ...harness,
    apiLog: () => harness.sandbox.log.filter((r) => /^\/v\d+\.\d+\//.test(r.path)),
  };
}
