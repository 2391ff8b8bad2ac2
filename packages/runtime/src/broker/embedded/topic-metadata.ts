import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError } from '@tributary/api';
import { writeFileAtomicSync } from './fs-utils.js';
import { checkTopicConfig, type EmbeddedTopicConfig, MAX_QUEUES } from './options.js';

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Why `name` cannot be a topic name, or undefined when it can. Kafka's rule: 1 to 249 ASCII letters,
 * digits, `.`, `_` and `-`, not `.` or `..`; such names are safe as directory names.
 */
export function topicNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'a topic name must be a string';
  if (name === '.' || name === '..') return `'${name}' is not a valid topic name`;
  if (!TOPIC_NAME.test(name)) {
    return `'${name.length > 60 ? `${name.slice(0, 60)}...` : name}' is not a valid topic name: use 1 to 249 ASCII letters, digits, '.', '_' and '-'`;
  }
  return undefined;
}

/** `topic.json`: written last when a topic is created and deleted first when it is deleted. */
export interface TopicMetadata {
  readonly version: 1;
  readonly name: string;
  readonly queues: number;
  readonly config: EmbeddedTopicConfig;
}

export const TOPIC_METADATA_FILE = 'topic.json';

/** Writes a topic's metadata atomically and durably (temp file, fsync, rename, fsync dir). */
export function writeTopicMetadata(dir: string, meta: TopicMetadata): void {
  writeFileAtomicSync(join(dir, TOPIC_METADATA_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Reads a topic's metadata; null when the file is absent (a topic whose creation or deletion was cut short). */
export function readTopicMetadata(dir: string, expectedName: string): TopicMetadata | null {
  let text: string;
  try {
    text = readFileSync(join(dir, TOPIC_METADATA_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConnectError(`${join(dir, TOPIC_METADATA_FILE)} is not valid JSON`, { cause: err });
  }
  const m = raw as Partial<TopicMetadata>;
  if (
    m.version !== 1 ||
    m.name !== expectedName ||
    !Number.isSafeInteger(m.queues) ||
    (m.queues ?? 0) < 1 ||
    (m.queues ?? 0) > MAX_QUEUES
  ) {
    throw new ConnectError(`${join(dir, TOPIC_METADATA_FILE)} is not valid topic metadata`);
  }
  return { version: 1, name: expectedName, queues: m.queues!, config: checkTopicConfig(m.config ?? {}) };
}
