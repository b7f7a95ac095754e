// Each deployed function, served by the functions-framework CLI and called once, loads its
// own source's modules (and the core, the platform and its face) and not one module of
// another source or face: read from the module trace of the function's process.
import { expect } from 'chai';
import {
  functionCalls,
  serveOnce,
  type FunctionCall,
  type ServedOnce,
} from '../support/served-functions.js';

const SOURCES = ['spotify', 'instagram', 'events', 'platform'];
const FACES = ['pubsub', 'events', 'chatbot'];

/** The source and the face each function is made of (the chatbot answers from Spotify). */
const OWN: Record<string, { source: string; face: string }> = {
  spotifyJobs: { source: 'spotify', face: 'pubsub' },
  instagramJobs: { source: 'instagram', face: 'pubsub' },
  eventsJobs: { source: 'events', face: 'pubsub' },
  platformJobs: { source: 'platform', face: 'pubsub' },
  events: { source: 'events', face: 'events' },
  chatbot: { source: 'spotify', face: 'chatbot' },
};

function foreign(served: ServedOnce): string[] {
  const own = OWN[served.target]!;
  const forbidden = [
    ...SOURCES.filter((s) => s !== own.source).map((s) => `functions/sources/${s}/`),
    ...FACES.filter((f) => f !== own.face).map((f) => `functions/faces/${f}/`),
    'functions/sources/all.js',
    'functions/cli/',
    'functions/deploy/',
  ];
  return served.modules.filter((m) => forbidden.some((f) => m.startsWith(f)));
}

describe('layout: each function loads only its own code', function () {
  this.timeout(120_000);
  let calls: FunctionCall[];
  let stop: () => Promise<void>;
  before(async () => {
    ({ calls, stop } = await functionCalls());
  });
  after(async () => {
    await stop();
  });

  it('covers every deployed function', () => {
    expect(calls.map((c) => c.target).sort()).to.deep.equal(Object.keys(OWN).sort());
  });

  for (const target of Object.keys(OWN)) {
    it(`${target}: served and called once, loads 0 modules of other sources or faces`, async () => {
      const served = await serveOnce(calls.find((c) => c.target === target)!);
      expect(served.status, served.body).to.be.oneOf([200, 204]);
      const own = OWN[target]!;
      // The trace saw the call being handled: the function's own source and face loaded.
      expect(served.modules.some((m) => m.startsWith(`functions/sources/${own.source}/`))).to.equal(
        true,
      );
      expect(served.modules.some((m) => m.startsWith(`functions/faces/${own.face}/`))).to.equal(
        true,
      );
      expect(foreign(served)).to.deep.equal([]);
    });
  }
});
