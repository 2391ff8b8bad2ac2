import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableFilter } from './filters.js';

describe('TableFilter', () => {
  it('captures every user table by default, never the system databases', () => {
    const f = new TableFilter({});
    assert.equal(f.includes('shop', 'orders'), true);
    for (const db of ['mysql', 'sys', 'information_schema', 'performance_schema', 'MySQL']) {
      assert.equal(f.includes(db, 'x'), false, db);
    }
    assert.equal(new TableFilter({ ignoreBuiltin: false }).includes('mysql', 'user'), true);
  });

  it('matches table lists against the whole <db>.<table>, case-insensitively, as regexes', () => {
    const f = new TableFilter({ tableInclude: ['shop\\.order_.*', 'billing.invoices'] });
    assert.equal(f.includes('shop', 'order_items'), true);
    assert.equal(f.includes('SHOP', 'Order_Lines'), true);
    assert.equal(f.includes('shop', 'orders'), false, 'order_.* needs the underscore');
    assert.equal(f.includes('billing', 'invoices'), true);
    assert.equal(f.includes('billing', 'invoices_old'), false, 'whole-name match');
    assert.equal(f.includes('xshop', 'order_items'), false, 'whole-name match');
  });

  it('drops what an exclude list matches', () => {
    const f = new TableFilter({ tableExclude: ['shop\\.audit_.*'] });
    assert.equal(f.includes('shop', 'audit_log'), false);
    assert.equal(f.includes('shop', 'orders'), true);
  });

  it('applies database lists before table lists', () => {
    const inc = new TableFilter({ databaseInclude: ['shop'], tableExclude: ['shop.tmp'] });
    assert.equal(inc.includes('shop', 'orders'), true);
    assert.equal(inc.includes('shop', 'tmp'), false);
    assert.equal(inc.includes('billing', 'invoices'), false);
    assert.equal(inc.includesDatabase('billing'), false);
    const exc = new TableFilter({ databaseExclude: ['test.*'] });
    assert.equal(exc.includes('test_1', 't'), false);
    assert.equal(exc.includes('shop', 't'), true);
  });

  it('tells literal table names from patterns, and patterns that match nothing', () => {
    const f = new TableFilter({ tableInclude: ['shop.orders', 'shop\\.customers', 'shop\\.order_.*', 'x.y|z.w'] });
    assert.deepEqual(f.literalTables(), ['shop.orders', 'shop.customers']);
    assert.deepEqual(f.unmatchedInclusions(['shop.orders', 'shop.order_items']), ['shop\\.customers', 'x.y|z.w']);
  });
});
