import type { Broker, TopicQueueRef } from '../broker/broker.js';

/** What a sink subscribes to: a list of topics or a pattern. */
export type SinkSubscription = { readonly topics: readonly string[] } | { readonly pattern: RegExp };

/**
 * The queues sink task `taskIndex` of `taskCount` reads: every queue of the subscribed topics, ordered by
 * topic then queue, dealt round-robin over the tasks. Pure and deterministic, so every worker computes the
 * same split without coordination, and each queue has exactly one reader.
 */
export function queuesForTask(
  topics: readonly { readonly name: string; readonly queues: number }[],
  taskIndex: number,
  taskCount: number,
): TopicQueueRef[] {
  const all: TopicQueueRef[] = [];
  for (const t of [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (let q = 0; q < t.queues; q++) all.push({ topic: t.name, queue: q });
  }
  return all.filter((_, i) => i % taskCount === taskIndex);
}

/**
 * Resolves a subscription against the broker: listed topics are created when missing (with
 * `defaultQueues`), a pattern matches the existing topics.
 */
export async function subscribedTopics(
  broker: Broker,
  subscription: SinkSubscription,
  defaultQueues: number,
): Promise<{ name: string; queues: number }[]> {
  if ('topics' in subscription) {
    const out: { name: string; queues: number }[] = [];
    for (const name of subscription.topics) {
      const d = await broker.ensureTopic(name, defaultQueues);
      out.push({ name: d.name, queues: d.queues });
    }
    return out;
  }
  const all = await broker.listTopics();
  return all.filter((t) => fullMatch(subscription.pattern, t.name)).map((t) => ({ name: t.name, queues: t.queues }));
}

function fullMatch(pattern: RegExp, text: string): boolean {
  const m = pattern.exec(text);
  return m !== null && m.index === 0 && m[0].length === text.length;
}
