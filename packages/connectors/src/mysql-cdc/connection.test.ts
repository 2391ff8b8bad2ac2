import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ConnectError, NotConnectedError } from '@tributary/api';
import { MYSQL_CDC_SPEC } from './config.js';
import {
  connectFailure,
  isConnectionError,
  mariadbAtLeast,
  missingTableProblems,
  type ServerFacts,
  serverProblems,
} from './connection.js';
import { TableFilter } from './filters.js';

const GOOD: ServerFacts = {
  version: '10.11.19-MariaDB-log',
  mariadb: true,
  serverId: 1,
  logBin: true,
  binlogFormat: 'ROW',
  binlogRowImage: 'FULL',
  gtidMode: null,
  user: 'cdc@%',
  privileges: new Set(['SELECT', 'REPLICATION SLAVE', 'BINLOG MONITOR']),
};
const ADDRESS = 'db:3306';
const messages = (facts: Partial<ServerFacts>) => serverProblems({ ...GOOD, ...facts }, ADDRESS).map((p) => p.message);

describe('server checks', () => {
  it('finds nothing wrong with a ready server and user', () => {
    assert.deepEqual(serverProblems(GOOD, ADDRESS), []);
  });

  it('names binlog off and the settings to enable', () => {
    const [m, ...rest] = messages({ logBin: false, binlogFormat: 'MIXED' });
    assert.deepEqual(rest, [], 'nothing else matters when there is no binlog');
    assert.match(m!, /log_bin=OFF/);
    assert.match(m!, /enable binary logging: log_bin, binlog_format=ROW, binlog_row_image=FULL, server_id/);
  });

  it('names a binlog format or row image that is not ROW/FULL, with the fix', () => {
    assert.match(messages({ binlogFormat: 'MIXED' })[0]!, /binlog_format is MIXED.*needs ROW.*binlog_format=ROW/s);
    assert.match(
      messages({ binlogRowImage: 'MINIMAL' })[0]!,
      /binlog_row_image is MINIMAL.*needs FULL.*binlog_row_image=FULL/s,
    );
    assert.match(messages({ serverId: 0 })[0]!, /server_id is 0/);
  });

  it('names missing privileges with the GRANT to run', () => {
    const [repl] = messages({ privileges: new Set(['SELECT', 'BINLOG MONITOR']) });
    assert.match(repl!, /lacks the REPLICATION SLAVE privilege.*GRANT REPLICATION SLAVE ON \*\.\* TO 'cdc'@'%'/s);
    const [monitor] = messages({ privileges: new Set(['SELECT', 'REPLICATION SLAVE']) });
    assert.match(monitor!, /lacks the BINLOG MONITOR privilege.*GRANT BINLOG MONITOR ON \*\.\* TO 'cdc'@'%'/s);
    const [mysql] = messages({
      mariadb: false,
      version: '8.0.36',
      gtidMode: 'OFF',
      privileges: new Set(['REPLICATION SLAVE']),
    });
    assert.match(mysql!, /REPLICATION CLIENT/);
    assert.deepEqual(messages({ privileges: new Set(['REPLICATION SLAVE', 'SUPER']) }), []);
    assert.equal(
      serverProblems({ ...GOOD, privileges: new Set() }, ADDRESS).every((p) => p.key === 'database.user'),
      true,
    );
  });

  it('reads MariaDB versions', () => {
    assert.equal(mariadbAtLeast('10.11.19-MariaDB', 10, 5), true);
    assert.equal(mariadbAtLeast('10.4.2-MariaDB', 10, 5), false);
    assert.equal(mariadbAtLeast('11.0.1-MariaDB', 10, 5), true);
  });

  it('names a literally included table that does not exist, with the fix', () => {
    const filter = new TableFilter({ tableInclude: ['shop.orders', 'shop.missing', 'shop\\.x.*'] });
    const problems = missingTableProblems(filter, ['shop.orders']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.key, 'table.include.list');
    assert.match(problems[0]!.message, /Table shop\.missing of table\.include\.list does not exist.*Fix:/s);
  });
});

describe('connection failures', () => {
  const config = MYSQL_CDC_SPEC.parse({ 'database.hostname': 'db', 'database.user': 'cdc', 'topic.prefix': 'p' });

  it('turns wrong credentials into a ConfigError on user and password with the server message', () => {
    const e = connectFailure(config, {
      errno: 1045,
      code: 'ER_ACCESS_DENIED_ERROR',
      sqlMessage: "Access denied for user 'cdc'@'x'",
    });
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /Access denied for user 'cdc'@'x'.*database\.user.*database\.password/s);
    assert.deepEqual(Object.keys(e.fieldErrors).sort(), ['database.password', 'database.user']);
  });

  it('turns an unreachable server into a retriable NotConnectedError naming host and port', () => {
    const e = connectFailure(config, { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    assert.ok(e instanceof NotConnectedError);
    assert.equal(e.retriable, true);
    assert.match(e.message, /db:3306.*database\.hostname/s);
    assert.equal(isConnectionError({ code: 'PROTOCOL_CONNECTION_LOST' }), true);
    assert.equal(isConnectionError({ code: 'ER_PARSE_ERROR' }), false);
    assert.ok(connectFailure(config, new Error('odd')) instanceof ConnectError);
  });
});
