import { createHash } from 'node:crypto';
import { ConfigError } from '@tributary/api';

/*
 * Connect topic names ↔ RocketMQ topic names.
 *
 * Connect (Kafka) names use letters, digits, `.`, `_` and `-` (1–249 characters, not `.` or `..`).
 * RocketMQ 5.3.3 (`TopicValidator`) allows `^[%|a-zA-Z0-9_-]+$`, at most 127 characters. `%` is taken
 * (namespaces `NS%topic`, `%RETRY%`, `%DLQ%`, `%LMQ%`) and `|` is not safe either: the broker splits its
 * account-statistics keys on `|`, it is a pipe in every shell command line of `mqadmin`, and it is not
 * allowed in Windows file names (a topic's consume queues are directories named after it). So a dotted
 * name is written with letters, digits, `_` and `-` only:
 *
 *   RocketMQ name = Connect name with every `.` written as `--`
 *
 *   mysql.inventory.orders  →  mysql--inventory--orders
 *   orders_v2, poison-dlq   →  unchanged (a name without a dot is its own RocketMQ name)
 *
 * The mapping is reversible because Connect names containing `--`, `-.` or `.-` are refused (they would
 * be ambiguous): in a mapped name a single `-` is a `-`, and a run of 2k dashes is k dots. A RocketMQ
 * topic created by other tools is visible to Connect under the name it decodes to (`a--b` as `a.b`);
 * names with `%`, `|` or a run of 3, 5, … dashes decode to nothing and are not listed.
 */

/** RocketMQ's longest topic name (`TopicValidator.TOPIC_MAX_LENGTH`). */
export const ROCKETMQ_TOPIC_MAX_LENGTH = 127;
/** RocketMQ's longest group name (`Validators.CHARACTER_MAX_LENGTH`). */
export const ROCKETMQ_GROUP_MAX_LENGTH = 255;
/** Kafka's longest topic name. */
const CONNECT_TOPIC_MAX_LENGTH = 249;

const CONNECT_CHARS = /^[A-Za-z0-9._-]+$/;
const ROCKETMQ_PLAIN = /^[A-Za-z0-9_-]+$/;

/** RocketMQ's system topics (`TopicValidator.SYSTEM_TOPIC_SET`, 5.3.3) and its `rmq_sys_` prefix. */
const SYSTEM_TOPICS = new Set([
  'TBW102',
  'SCHEDULE_TOPIC_XXXX',
  'BenchmarkTest',
  'RMQ_SYS_TRANS_HALF_TOPIC',
  'RMQ_SYS_TRACE_TOPIC',
  'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC',
  'OFFSET_MOVED_EVENT',
  'CHECKPOINT_TOPIC',
]);
const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';

/** Whether a RocketMQ topic is one of the broker's own (TBW102, SCHEDULE_TOPIC_XXXX, `rmq_sys_*`, ...). */
export function isRocketMQSystemTopic(native: string): boolean {
  return SYSTEM_TOPICS.has(native) || native.startsWith(SYSTEM_TOPIC_PREFIX);
}

function mapDots(name: string): string {
  return name.includes('.') ? name.replaceAll('.', '--') : name;
}

/** Why a Connect name cannot be mapped (ignoring the length limit of the target), or undefined. */
function connectNameProblem(name: string, what: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `${what} name must not be empty`;
  if (name.length > CONNECT_TOPIC_MAX_LENGTH)
    return `${what} name '${name.slice(0, 40)}...' is longer than ${CONNECT_TOPIC_MAX_LENGTH} characters`;
  if (name === '.' || name === '..') return `${what} name cannot be '.' or '..'`;
  if (!CONNECT_CHARS.test(name)) {
    return `${what} name '${name}' may contain only letters, digits, '.', '_' and '-'`;
  }
  if (name.includes('--') || name.includes('-.') || name.includes('.-')) {
    return `${what} name '${name}' contains '--', '-.' or '.-': on RocketMQ a '.' is written as '--', so these would be ambiguous`;
  }
  return undefined;
}

/** Why a Connect topic name cannot be used on RocketMQ, or undefined when it can. Pure. */
export function rocketmqTopicNameProblem(name: string): string | undefined {
  const problem = connectNameProblem(name, 'topic');
  if (problem !== undefined) return problem;
  const native = mapDots(name);
  if (native.length > ROCKETMQ_TOPIC_MAX_LENGTH) {
    return `topic name '${name}' is ${native.length} characters on RocketMQ ('.' written as '--'), more than RocketMQ's ${ROCKETMQ_TOPIC_MAX_LENGTH}`;
  }
  if (isRocketMQSystemTopic(native)) return `topic name '${name}' is a RocketMQ system topic (${native})`;
  return undefined;
}

/**
 * The RocketMQ topic of a Connect topic: every `.` written as `--` (`mysql.inventory.orders` →
 * `mysql--inventory--orders`); a name without a dot is unchanged. Pure and deterministic.
 * @throws ConfigError (with the reason of {@link rocketmqTopicNameProblem}) when the name cannot be mapped.
 */
export function toRocketMQTopic(name: string): string {
  const problem = rocketmqTopicNameProblem(name);
  if (problem !== undefined) throw new ConfigError(problem, { topic: [problem] });
  return mapDots(name);
}

/**
 * The Connect topic a RocketMQ topic stands for (the inverse of {@link toRocketMQTopic}), or null when the
 * RocketMQ name is not one a Connect name maps to: system topics, names with `%` or `|` (retry, dead
 * letter, namespaced, LMQ topics), runs of an odd number (≥ 3) of dashes. Pure.
 */
export function fromRocketMQTopic(native: string): string | null {
  if (!ROCKETMQ_PLAIN.test(native) || native.length > ROCKETMQ_TOPIC_MAX_LENGTH) return null;
  if (isRocketMQSystemTopic(native)) return null;
  if (!native.includes('--')) return native;
  let out = '';
  let i = 0;
  while (i < native.length) {
    const c = native[i]!;
    if (c !== '-') {
      out += c;
      i++;
      continue;
    }
    let run = 0;
    while (native[i + run] === '-') run++;
    if (run === 1) out += '-';
    else if (run % 2 === 0) out += '.'.repeat(run / 2);
    else return null;
    i += run;
  }
  return connectNameProblem(out, 'topic') === undefined ? out : null;
}

/**
 * The RocketMQ consumer group of a Connect group name (sink groups `connect-<connector>`, membership
 * groups). A name that is a valid Connect topic name maps the same way as a topic (`.` → `--`); any other
 * name (spaces, other punctuation, non-ASCII, longer than 255) becomes its letters, digits and `_` (others
 * as `_`, at most 200), then `---` and 16 hex digits of its SHA-256. Deterministic; distinct names give
 * distinct groups (the `---` never occurs in the first form). Pure.
 */
export function toRocketMQGroup(name: string): string {
  if (connectNameProblem(name, 'group') === undefined) {
    const native = mapDots(name);
    if (native.length <= ROCKETMQ_GROUP_MAX_LENGTH) return native;
  }
  const readable = name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 200);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
  return `${readable}---${hash}`;
}
