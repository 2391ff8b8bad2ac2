// A separate process that joins a consumer group and heartbeats until it is killed.
// Used by the membership integration test (spawned, then SIGKILLed).
//   node member-child.js <namesrv> <group> <topic> <clientId>
import { RocketMQClient } from '../client.js';

const [nameServer, group, topic, clientId] = process.argv.slice(2) as [string, string, string, string];
const client = new RocketMQClient({ nameServer, clientId });
const membership = client.membership({ group, topic, heartbeatIntervalMs: 1000 });
await membership.start();
process.stdout.write('joined\n');
setInterval(() => {}, 1 << 30);
