// Every Spotify collector under every injected fault (spotify-cases.ts): after each scenario
// the job is redelivered until it succeeds and its base tables, latest_* views and raw
// objects are compared with a reference run's; nothing may be lost, doubled or extra and
// no request may come sooner than a Retry-After asked.
import { describeFaultCases } from './framework.js';
import { spotifyFaultCases } from './spotify-cases.js';

describeFaultCases(
  'fault injection: Spotify collectors lose and double nothing',
  spotifyFaultCases(),
);
