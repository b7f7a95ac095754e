import { z } from 'zod';
import { describeIssues, InvalidInputError } from './errors.js';

export type Env = Record<string, string | undefined>;

/**
 * Parses one module's settings from the environment. Each module (platform, spotify,
 * instagram, chatbot, events) owns its schema, so a function only validates what it uses.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env, what: string): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new InvalidInputError(
      `invalid ${what} configuration: ${describeIssues(result.error, '(env)')}`,
    );
  }
  return result.data;
}

/** Comma-separated list in one variable, trimmed, empties dropped. */
export const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0),
);

export const positiveInt = z.coerce.number().int().positive();
export const nonNegativeInt = z.coerce.number().int().nonnegative();
export const boolFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
