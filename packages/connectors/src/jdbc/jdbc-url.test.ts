import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@tributary/api';
import { parseJdbcUrl, redactJdbcUrl } from './jdbc-url.js';

describe('parseJdbcUrl', () => {
  it('reads MySQL URLs with host, port, database and query parameters', () => {
    const u = parseJdbcUrl('jdbc:mysql://db.example:3307/shop?user=app&password=s%40cret&useSSL=false');
    assert.equal(u.dialect, 'mysql');
    assert.equal(u.protocol, 'mysql');
    assert.equal(u.host, 'db.example');
    assert.equal(u.port, 3307);
    assert.equal(u.database, 'shop');
    assert.equal(u.user, 'app');
    assert.equal(u.password, 's@cret');
    assert.equal(u.properties.useSSL, 'false');
  });

  it('defaults host and port per dialect and accepts MariaDB and OceanBase sub-protocols', () => {
    const m = parseJdbcUrl('jdbc:mariadb://localhost/test');
    assert.deepEqual([m.dialect, m.host, m.port, m.database], ['mysql', 'localhost', 3306, 'test']);
    const o = parseJdbcUrl('jdbc:oceanbase://10.0.0.1:2881/sys');
    assert.deepEqual([o.dialect, o.protocol, o.port], ['mysql', 'oceanbase', 2881]);
    const p = parseJdbcUrl('jdbc:postgresql://pg/warehouse');
    assert.deepEqual([p.dialect, p.host, p.port, p.database], ['postgresql', 'pg', 5432, 'warehouse']);
  });

  it('reads pgJDBC short forms and IPv6 hosts', () => {
    const short = parseJdbcUrl('jdbc:postgresql:warehouse');
    assert.deepEqual([short.host, short.port, short.database], ['localhost', 5432, 'warehouse']);
    const slash = parseJdbcUrl('jdbc:postgresql:/');
    assert.equal(slash.database, '');
    const v6 = parseJdbcUrl('jdbc:postgresql://[::1]:6543/db');
    assert.deepEqual([v6.host, v6.port], ['::1', 6543]);
  });

  it('takes credentials from user-info, and parameters win over it', () => {
    const info = parseJdbcUrl('jdbc:mysql://bob:pw%3A1@h:1/d');
    assert.deepEqual([info.user, info.password], ['bob', 'pw:1']);
    const both = parseJdbcUrl('jdbc:mysql://bob:pw@h/d?user=alice');
    assert.deepEqual([both.user, both.password], ['alice', 'pw']);
  });

  it('keeps the first host of failover lists and the rest aside', () => {
    const u = parseJdbcUrl('jdbc:mysql://a:3306,b:3307,[fe80::1]/d');
    assert.equal(u.host, 'a');
    assert.deepEqual(u.extraHosts, [
      { host: 'b', port: 3307 },
      { host: 'fe80::1', port: 3306 },
    ]);
  });

  it('accepts sub-protocol suffixes and parameters separated by ; or &', () => {
    const u = parseJdbcUrl('jdbc:mysql:loadbalance://h/d?a=1;b=2&c');
    assert.deepEqual(u.properties, { a: '1', b: '2', c: '' });
  });

  it('rejects other URLs with a ConfigError on connection.url', () => {
    for (const bad of [
      'mysql://h/d',
      'jdbc:oracle:thin:@h:1521:x',
      'jdbc:mysql:h/d',
      'jdbc:mysql://h:99999/d',
      'jdbc:mysql://::1/d',
    ]) {
      assert.throws(
        () => parseJdbcUrl(bad),
        (e: unknown) => e instanceof ConfigError && Object.hasOwn(e.fieldErrors, 'connection.url'),
        bad,
      );
    }
  });

  it('never shows a password in errors or redacted text', () => {
    assert.throws(
      () => parseJdbcUrl('jdbc:nope://u:topsecret@h/d?password=topsecret'),
      (e: unknown) => e instanceof Error && !e.message.includes('topsecret'),
    );
    assert.equal(
      redactJdbcUrl('jdbc:mysql://u:topsecret@h/d?user=u&password=topsecret'),
      'jdbc:mysql://u:****@h/d?user=u&password=****',
    );
  });
});
