// Preloaded by `npm run mutate` (NODE_OPTIONS): @stryker-mutator/mocha-runner 10 requires
// mocha's CLI helpers as lib/cli/run-helpers and lib/cli/options, which mocha 12 ships as
// .cjs files. This resolves exactly those requests to the .cjs files and changes nothing else.
'use strict';
const Module = require('node:module');

const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  try {
    return original.call(this, request, parent, ...rest);
  } catch (error) {
    if (/[\\/]mocha[\\/]lib[\\/]cli[\\/][a-z-]+$/.test(request))
      return original.call(this, `${request}.cjs`, parent, ...rest);
    throw error;
  }
};
