// Marketing events pushed to the events HTTP function (functions/faces/events): one row per event
// per run; latest_events keeps one row per (source, event_key), so a sender's retries of the
// same event, seconds or days apart, count once.
import { col, defineTable, required } from '../../../schemas/define.js';

export const events = defineTable({
  name: 'events',
  description:
    'Events that outside services pushed over HTTP (AppsFlyer-style push, call-tracking and ad-attribution postbacks), normalised, with the payload as received.',
  key: ['source', 'event_key'],
  // BigQuery's insertId is the event key: a sender's retry, in whatever batch or run, is
  // dropped by streaming dedup (and replaced in DuckDB); latest_events guarantees the rest.
  insertIdScope: 'key',
  clustering: ['source', 'event_name', 'event_key'],
  columns: {
    source: required(col.string('Configured source name (EVENTS_SOURCES), e.g. appsflyer.')),
    event_key: required(
      col.string(
        "Deterministic event key: the source's own id field where it has one, else a hash of the source and the canonicalised key fields (or whole payload).",
      ),
    ),
    event_id: col.string("The source's own event id, when the source has an id field and sent it."),
    event_name: col.string(
      'Event name from the configured field (or the fixed name of the source).',
    ),
    event_time: col.timestamp(
      'When the event happened, from the configured time field (UTC); NULL when absent or unreadable.',
    ),
    received_at: required(col.timestamp('When the events function accepted the delivery (UTC).')),
    transport: required(
      col.string('How it arrived: json (POST body), form (POST urlencoded) or query (GET).'),
    ),
    attributes: required(
      col.json(
        'Every field of the payload, unknown ones included: form and query values as strings unless the source types them, JSON carried as a string (e.g. event_value) parsed when valid and kept as the raw string when not.',
      ),
    ),
    raw_payload: required(col.json('The payload exactly as received (after form/query decoding).')),
  },
});

export const eventTables = [events] as const;
