import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from './errors.js';
import { parseLenientJson, quoteBareNumericKeys } from './lenient-json.js';

test('quotes bare numeric keys as fastjson writes them', () => {
  assert.deepEqual(parseLenientJson('{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}}'), {
    brokerAddrs: { 0: '127.0.0.1:10911', 1: '127.0.0.1:10921' },
  });
  assert.deepEqual(parseLenientJson('{ -1 : "x" ,\n 12:{3:4}}'), { '-1': 'x', 12: { 3: 4 } });
});

test('leaves strings, arrays and values alone', () => {
  const text = '{"a":"{0:1, 2:3}","b":[1,2,3],"c":{"d":5},"e":"\\"{7:8}"}';
  assert.equal(quoteBareNumericKeys(text), text);
  assert.deepEqual(parseLenientJson('{"list":[1,2],"m":{5:[6,7]}}'), { list: [1, 2], m: { 5: [6, 7] } });
});

test('standard JSON parses unchanged; garbage throws ProtocolError', () => {
  assert.deepEqual(parseLenientJson('{"x":[true,null,1.5e3]}'), { x: [true, null, 1500] });
  assert.throws(() => parseLenientJson('{x:1'), ProtocolError);
});
