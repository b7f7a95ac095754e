// Turns `--show-name "Data Hackers" limit=20 --terms '["a","b"]'` into job params:
// kebab-case flags become camelCase keys; JSON arrays/objects are parsed, the rest stays a
// string and the job's zod schema coerces it (job-params.ts splits comma lists).
import { UsageError } from './errors.js';

export function camelCase(flag: string): string {
  return flag.replace(/^-+/, '').replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function value(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

export function parseParamArgs(args: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        params[camelCase(arg.slice(0, eq))] = value(arg.slice(eq + 1));
      } else {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--'))
          throw new UsageError(`${arg} needs a value (${arg} value or ${arg}=value)`);
        params[camelCase(arg)] = value(next);
        i++;
      }
    } else if (arg.includes('=')) {
      const eq = arg.indexOf('=');
      params[camelCase(arg.slice(0, eq))] = value(arg.slice(eq + 1));
    } else {
      throw new UsageError(
        `unexpected argument "${arg}": give parameters as --name value or name=value`,
      );
    }
  }
  return params;
}
