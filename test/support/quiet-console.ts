// Mocha root hooks: what a test prints through console.error / console.warn (libraries such
// as functions-framework print the stack of every error they turn into a 4xx/5xx) is held
// back and shown only when that test fails, so a passing run prints no stack traces.
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
};
