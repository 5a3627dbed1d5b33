/**
 * The Avro form of the input: user-score.avsc is the one source of the event value's schema. It is
 * read from beside this module, and a bundle that embeds this module ships the file beside itself
 * (the injector's image does), so the same line finds it in both. Not part of the contract's index:
 * it reads a file, and the dashboard's page bundles the index for the browser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const USER_SCORE_SCHEMA_FILE = 'user-score.avsc';

/** The schema's text, as a registry takes it. */
export function userScoreAvroSchema(dir: string = __dirname): string {
  return readFileSync(join(dir, USER_SCORE_SCHEMA_FILE), 'utf8');
}

/** Confluent's default subject naming (TopicNameStrategy): the value schema of `topic`. */
export const valueSubject = (topic: string): string => `${topic}-value`;
export const keySubject = (topic: string): string => `${topic}-key`;
