// Mocha root hooks (.mocharc.json `require`), for every suite:
// - what a test prints through console.error / console.warn (libraries such as
//   functions-framework print the stack of every error they turn into a 4xx/5xx) is held back
//   and shown only when that test fails, so a passing run prints no stack traces;
// - the Pub/Sub emulator the suites share is stopped once they are done;
// - Google clients do not look for a metadata server.
import { stopSharedEmulator } from './pubsub-emulator.js';

// No test runs on Google Cloud: without this, every Google client (and every function process
// the tests start, which inherits it) probes the metadata server and prints a
// MetadataLookupWarning.
process.env.METADATA_SERVER_DETECTION ??= 'none';

type ConsoleMethod = (...args: unknown[]) => void;

const held: unknown[][] = [];
let saved: { error: ConsoleMethod; warn: ConsoleMethod } | null = null;

export const mochaHooks = {
  beforeEach(): void {
    held.length = 0;
    saved = { error: console.error, warn: console.warn };
    console.error = (...args: unknown[]) => void held.push(args);
    console.warn = (...args: unknown[]) => void held.push(args);
  },
  afterEach(this: Mocha.Context): void {
    if (saved) {
      console.error = saved.error;
      console.warn = saved.warn;
      saved = null;
    }
    if (this.currentTest?.state === 'failed') for (const args of held) console.error(...args);
    held.length = 0;
  },
  afterAll(): void {
    stopSharedEmulator();
  },
};
