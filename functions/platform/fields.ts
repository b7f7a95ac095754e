// Field-by-field reading of API records: a field that is present but malformed becomes
// NULL and is counted; a field that is absent is NULL and not counted (sources omit
// deprecated fields on purpose). Nothing is ever coerced into a fake 0 or "".
import type { QualityCounters } from './quality.js';

export type UnknownRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  constructor(
    private readonly record: UnknownRecord,
    private readonly table: string,
    private readonly quality: QualityCounters,
  ) {}

  /** Counts `field` as malformed (NULL in the row) and returns null; for mapper-side checks. */
  invalid(field: string, expected: string, value: unknown): null {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : typeof value;
    this.quality.nulledField(this.table, field, `${field}: expected ${expected}, got ${shown}`);
    return null;
  }

  private value(field: string): unknown {
    return this.record[field];
  }

  string(field: string, options: { nonEmpty?: boolean; pattern?: RegExp } = {}): string | null {
    const v = this.value(field);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') return this.invalid(field, 'a string', v);
    if (options.nonEmpty && v.trim() === '') return this.invalid(field, 'a non-empty string', v);
    if (options.pattern && !options.pattern.test(v))
      return this.invalid(field, `a string matching ${options.pattern}`, v);
    return v;
  }

  int(field: string, options: { min?: number } = {}): number | null {
    const v = this.value(field);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      return this.invalid(field, 'an integer', v);
    if (options.min !== undefined && v < options.min)
      return this.invalid(field, `an integer >= ${options.min}`, v);
    return v;
  }

  bool(field: string): boolean | null {
    const v = this.value(field);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'boolean') return this.invalid(field, 'a boolean', v);
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | null {
    const v = this.string(field);
    if (v === null) return null;
    return (allowed as readonly string[]).includes(v)
      ? (v as T)
      : this.invalid(field, `one of ${allowed.join('/')}`, v);
  }

  url(field: string): string | null {
    const v = this.string(field);
    if (v === null) return null;
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:'
        ? v
        : this.invalid(field, 'an http(s) URL', v);
    } catch {
      return this.invalid(field, 'a URL', v);
    }
  }

  stringArray(field: string): string[] | null {
    const v = this.value(field);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      return this.invalid(field, 'an array of strings', v);
    return v as string[];
  }

  nested(field: string): FieldReader | null {
    const v = this.value(field);
    if (v === undefined || v === null) return null;
    if (!isRecord(v)) return this.invalid(field, 'an object', v);
    return new FieldReader(v, this.table, this.quality);
  }

  raw(field: string): unknown {
    return this.value(field);
  }
}

/**
 * Reads a record's id against the source's id pattern; a record that is not an object or
 * has no valid id is rejected and counted, never mapped.
 */
export function readRecordId(
  item: unknown,
  table: string,
  quality: QualityCounters,
  pattern: RegExp,
): { r: FieldReader; id: string } | null {
  if (!isRecord(item)) {
    quality.rejectedRecord(
      table,
      `expected an object, got ${item === null ? 'null' : typeof item}`,
    );
    return null;
  }
  const id = item.id;
  if (typeof id !== 'string' || !pattern.test(id)) {
    quality.rejectedRecord(table, `missing or malformed id: ${JSON.stringify(id)?.slice(0, 40)}`);
    return null;
  }
  return { r: new FieldReader(item, table, quality), id };
}
