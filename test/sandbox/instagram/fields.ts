// Parser for the Graph API's field expansion syntax, as business discovery uses it:
//   business_discovery.username(dior){id,name,media.after(QVFI).limit(25){id,like_count}}
// A field is a name, optional modifiers `.name(arg)`, and optional nested fields `{...}`.

export interface FieldSpec {
  name: string;
  modifiers: Record<string, string>;
  fields: FieldSpec[] | null;
}

export class FieldSyntaxError extends Error {}

export function parseFields(text: string): FieldSpec[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new FieldSyntaxError(`Syntax error "${what}" at character ${i}: ${text}`);
  };
  const ident = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (!m) return fail('expected a field name');
    i += m[0].length;
    return m[0];
  };
  const list = (): FieldSpec[] => {
    const out: FieldSpec[] = [];
    for (;;) {
      const spec: FieldSpec = { name: ident(), modifiers: {}, fields: null };
      while (text[i] === '.') {
        i += 1;
        const mod = ident();
        if (text[i] !== '(') fail('expected (');
        const close = text.indexOf(')', i);
        if (close < 0) fail('unclosed (');
        spec.modifiers[mod] = text.slice(i + 1, close);
        i = close + 1;
      }
      if (text[i] === '{') {
        i += 1;
        spec.fields = list();
        if (text[i] !== '}') fail('expected }');
        i += 1;
      }
      out.push(spec);
      if (text[i] !== ',') return out;
      i += 1;
    }
  };
  const result = list();
  if (i !== text.length) fail('unexpected text');
  return result;
}

/** Keeps only the requested fields of a record (absent ones stay absent, as in the API). */
export function pick(
  record: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) if (record[name] !== undefined) out[name] = record[name];
  return out;
}
