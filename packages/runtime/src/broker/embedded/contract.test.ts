// The shared Broker contract, run against the embedded broker (one broker on a temp data dir).
import { registerBrokerContract } from '../broker-contract.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { tempDir } from './helpers.test.fixture.js';

let n = 0;
registerBrokerContract('embedded', {
  defaultQueues: 5,
  async open() {
    const broker = new EmbeddedBroker({ dataDir: tempDir(), defaultQueues: 5 });
    await broker.start();
    return broker;
  },
  unique: (prefix) => `${prefix}.${++n}`,
});
