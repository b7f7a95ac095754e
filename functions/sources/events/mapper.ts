// Landed event line → one `events` row. A pure function of the line (the normalised fields
// ride in its context, the payload is its body), so replay and `fanpulse map` reproduce the
// live rows exactly, whatever the source configuration says by then.
import { events } from './tables.js';
import type { RowOf } from '../../../schemas/define.js';
import { isRecord } from '../../platform/fields.js';
import { standardFields, tableRows, type EntityMapper } from '../../core/ingest.js';
import type { RawLine } from '../../platform/raw-landing.js';
import { normalisedEventSchema, type NormalisedEvent } from './event.js';

const EVENTS_SOURCE = 'events';
const EVENTS_ENTITY = 'events';

const contextSchema = normalisedEventSchema.omit({ payload: true });

/** What the raw line keeps next to the payload. */
export function lineContext(event: NormalisedEvent): Record<string, unknown> {
  const { payload: _payload, ...context } = event;
  return context;
}

export const eventsMapper: EntityMapper = {
  source: EVENTS_SOURCE,
  entity: EVENTS_ENTITY,
  description: 'Pushed events (AppsFlyer-style, postbacks) → events.',
  map(line: RawLine, run, quality) {
    const context = contextSchema.safeParse(line.context);
    const body = line.body;
    if (!context.success || !isRecord(body)) {
      quality.rejectedRecord(
        events.name,
        context.success
          ? 'payload is not an object'
          : `unreadable event context: ${context.error.issues[0]?.message ?? ''}`,
      );
      return [];
    }
    const e = context.data;
    for (const issue of e.issues) {
      const field = issue.split(':')[0]!.slice(0, 60);
      quality.count(events.name, `kept_as_sent:${field}`, `${e.source}: ${issue}`);
    }
    const row: RowOf<typeof events> = {
      ...standardFields(run),
      source: e.source,
      event_key: e.event_key,
      event_id: e.event_id,
      event_name: e.event_name,
      event_time: e.event_time,
      received_at: e.received_at,
      transport: e.transport,
      attributes: e.attributes,
      raw_payload: body,
    };
    return [tableRows(events, [row])];
  },
};
