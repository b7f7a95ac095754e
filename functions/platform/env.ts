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

/** A setting: the environment variable it is read from and the schema that reads it. */
export type EnvField = readonly [variable: string, schema: z.ZodType];

export type SettingsOf<F extends Record<string, EnvField>> = {
  [K in keyof F]: z.output<F[K][1]>;
};

/**
 * A module's settings loader from one table of `field: [VARIABLE, schema]`: validated like
 * parseEnv (a wrong value names its variable), each value under its field name. Derived
 * values are schema transforms, so the table is the whole mapping.
 */
export function envSettings<F extends Record<string, EnvField>>(
  what: string,
  fields: F,
): (env: Env) => SettingsOf<F> {
  const schema = z.object(
    Object.fromEntries(Object.values(fields).map(([variable, field]) => [variable, field])),
  );
  return (env) => {
    const values = parseEnv(schema, env, what) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(fields).map(([name, [variable]]) => [name, values[variable]]),
    ) as SettingsOf<F>;
  };
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
