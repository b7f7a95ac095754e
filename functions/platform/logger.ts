// Structured JSON lines that Cloud Logging parses from stdout: `severity`, `message`,
// and labels under the special key. Every line passes through the redactor, so a secret
// value that reached a message, URL or error text is masked before it is written.

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL' | 'ALERT';

const LABELS_KEY = 'logging.googleapis.com/labels';
const MIN_SECRET_LENGTH = 6;

/** Values that must never be written anywhere; the secrets port registers what it reads. */
export class Redactor {
  private readonly values = new Set<string>();
  add(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.values.add(value);
  }
  redact(text: string): string {
    let out = text;
    for (const value of this.values) {
      if (out.includes(value)) out = out.split(value).join('[REDACTED]');
    }
    return out.replace(/([?&](?:access_token|client_secret|token)=)[^&\s"']+/gi, '$1[REDACTED]');
  }
}

export type LogSink = (line: string) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  notice(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Alertable: log-based metrics and alert policies match on severity ALERT. */
  alert(message: string, fields?: Record<string, unknown>): void;
  child(labels: Record<string, string>): Logger;
  readonly labels: Readonly<Record<string, string>>;
}

const stdoutSink: LogSink = (line) => process.stdout.write(line + '\n');

export function createLogger(
  options: {
    redactor?: Redactor;
    sink?: LogSink;
    labels?: Record<string, string>;
    minSeverity?: Severity;
  } = {},
): Logger {
  const redactor = options.redactor ?? new Redactor();
  const sink = options.sink ?? stdoutSink;
  const labels = { ...(options.labels ?? {}) };
  const order: Severity[] = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT'];
  const min = order.indexOf(options.minSeverity ?? 'DEBUG');

  const write = (severity: Severity, message: string, fields: Record<string, unknown> = {}) => {
    if (order.indexOf(severity) < min) return;
    const entry: Record<string, unknown> = {
      severity,
      message,
      time: new Date().toISOString(),
      ...serializeFields(fields),
      [LABELS_KEY]: labels,
    };
    sink(redactor.redact(JSON.stringify(entry)));
  };

  return {
    labels,
    debug: (m, f) => write('DEBUG', m, f),
    info: (m, f) => write('INFO', m, f),
    notice: (m, f) => write('NOTICE', m, f),
    warn: (m, f) => write('WARNING', m, f),
    error: (m, f) => write('ERROR', m, f),
    alert: (m, f) => write('ALERT', m, f),
    child: (more) => createLogger({ ...options, redactor, sink, labels: { ...labels, ...more } }),
  };
}

function serializeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? describeError(value) : value;
  }
  return out;
}

function describeError(error: Error): Record<string, unknown> {
  // Stack traces are kept (Error Reporting groups on them); causes are flattened once.
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return { name: error.name, message: error.message, stack: error.stack, cause };
}

/** A sink that keeps lines in memory, for tests and the secret-hygiene scan. */
export function memorySink(): {
  sink: LogSink;
  lines: string[];
  entries(): Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  return {
    sink: (line) => lines.push(line),
    lines,
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
