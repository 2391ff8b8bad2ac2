// A separate process that joins a membership group through the RocketMQ broker and stays until it is
// killed (SIGKILL: the broker notices the closed connection) or stopped (SIGTERM: it leaves first).
//   node member-child.test.fixture.js <namesrv> <group> <memberId>
import { RocketMQBroker } from './rocketmq-broker.js';

const [nameServer, group, memberId] = process.argv.slice(2) as [string, string, string];
const broker = new RocketMQBroker({ nameServer });
await broker.start();
await broker.joinGroup(group, memberId);
process.on('SIGTERM', () => {
  void broker.close().then(() => process.exit(0));
});
process.stdout.write('joined\n');
setInterval(() => {}, 1 << 30);
