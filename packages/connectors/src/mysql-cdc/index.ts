import { defineSourceConnector } from '@tributary/api';
import { CONNECTORS_VERSION } from '../version.js';
import { MYSQL_CDC_SPEC } from './config.js';
import { MySqlCdcConnector, MySqlCdcTask } from './source.js';

export * from './config.js';
export { MySqlCdcConnector, MySqlCdcTask, type MySqlCdcTaskOptions } from './source.js';

/**
 * Change data capture from the MySQL or MariaDB binlog, in Debezium's event format: a consistent snapshot,
 * then every insert, update and delete of the captured tables.
 */
export const mysqlCdcSource = defineSourceConnector({
  name: 'MySqlCdcSource',
  aliases: ['MySqlConnector', 'io.debezium.connector.mysql.MySqlConnector', 'MySqlCdc'],
  version: CONNECTORS_VERSION,
  summary:
    'Streams inserts, updates and deletes of MySQL/MariaDB tables from the binlog (after a consistent snapshot) as Debezium-compatible change events.',
  spec: MYSQL_CDC_SPEC,
  createConnector: () => new MySqlCdcConnector(),
  createTask: () => new MySqlCdcTask(),
});
