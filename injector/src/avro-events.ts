/**
 * Events as Avro in Confluent's wire format (magic byte 0, the schema's registry id as 4 bytes big
 * endian, the Avro binary body), with the schema registered under the topic's value subject first.
 * The schema is the contract's user-score.avsc unless another (a later version) is given; fields it
 * has beyond the contract's take their defaults.
 */
import { Type } from 'avsc';
import { valueSubject } from '../../common/contract/event-schema';
import { readableTime, GameEvent } from './events';
import { Logger } from './log';
import { StopSignal } from './stop';

/** The event schema cannot be used: unreadable, or refused by the registry (invalid, incompatible). */
export class EventSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventSchemaError';
  }
}

/** Turns events into record values for `schemaId`, whose schema is `schemaText`. */
export function avroEventEncoder(schemaText: string, schemaId: number): (e: GameEvent) => Buffer {
  const type = Type.forSchema(JSON.parse(schemaText) as Parameters<typeof Type.forSchema>[0]);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return (e) => {
    const body = type.toBuffer({
      user_id: e.userId,
      team_id: e.teamId,
      team_name: e.teamName,
      score: e.score,
      event_time_millis: e.eventTimeMillis,
      readable_time: readableTime(e.eventTimeMillis),
      event_type: e.eventType,
    });
    const value = Buffer.allocUnsafe(5 + body.length);
    header.copy(value, 0);
    body.copy(value, 5);
    return value;
  };
}

const RETRY_FIRST_MILLIS = 500;
const RETRY_MAX_MILLIS = 10_000;

/**
 * Registers `schemaText` under the value subject of `topic` and returns its id. An unreachable
 * registry is retried with backoff until `stop` (said once, and once more when it answers); a
 * refusal (incompatible or invalid schema) is an EventSchemaError with the registry's reason.
 */
export async function registerEventSchema(registryUrl: string, topic: string, schemaText: string, logger: Logger, stop: StopSignal): Promise<number | undefined> {
  const subject = valueSubject(topic);
  const url = `${registryUrl.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/versions`;
  let delay = RETRY_FIRST_MILLIS;
  let unavailableSince: number | undefined;
  for (;;) {
    let outcome: { id: number } | { refused: string } | { unavailable: string };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: schemaText }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json().catch(() => ({}))) as { id?: unknown; message?: unknown };
      const reason = `HTTP ${response.status}: ${String(body.message ?? 'no reason given')}`;
      // A 5xx is the registry's own trouble (its Kafka, say): worth waiting for, like no answer.
      outcome = response.ok && typeof body.id === 'number' ? { id: body.id } : response.status >= 500 ? { unavailable: reason } : { refused: reason };
    } catch (err) {
      outcome = { unavailable: causeOf(err) };
    }
    if ('id' in outcome) {
      if (unavailableSince !== undefined) logger.info('schema registry available again', { unavailableSeconds: Math.round((Date.now() - unavailableSince) / 1000) });
      logger.info('event schema registered', { subject, id: outcome.id });
      return outcome.id;
    }
    if ('refused' in outcome) throw new EventSchemaError(`the schema registry refused the event schema for subject ${subject} (${outcome.refused})`);
    if (unavailableSince === undefined) {
      unavailableSince = Date.now();
      logger.warn('schema registry unavailable; retrying with backoff', { url: registryUrl, error: outcome.unavailable });
    }
    await stop.sleep(delay);
    if (stop.requested) return undefined;
    delay = Math.min(delay * 2, RETRY_MAX_MILLIS);
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
