// The Instagram collectors under every injected fault (instagram-cases.ts), compared run by
// run with a reference that used the same run ids, so a later run cannot hide what an
// earlier one lost.
import { describeFaultCases } from './framework.js';
import { instagramFaultCases } from './instagram-cases.js';

describeFaultCases(
  'fault injection: Instagram collectors lose and double nothing',
  instagramFaultCases(),
);
