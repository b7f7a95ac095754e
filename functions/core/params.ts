// Job parameter types that every source shares.
import { z } from 'zod';

/** A boolean that also accepts "true"/"false" (CLI arguments arrive as strings). */
export const boolParam = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((v) => v === 'true'),
]);
