import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preAuthEncoding } from '../../../../electron/engine/formats/sigstore-bundle/pae.js';

test('PAE: the DSSE protocol\'s test vector', () => {
  // secure-systems-lab/dsse protocol.md, "Test Vectors".
  assert.equal(Buffer.from(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world'))).toString('utf8'), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
});

test('PAE: lengths are UTF-8 byte counts, the body is taken as bytes, an empty body is "0 "', () => {
  assert.deepEqual(Buffer.from(preAuthEncoding('tÿpe', Buffer.from([0xff, 0x00, 0x0a]))), Buffer.concat([Buffer.from('DSSEv1 5 tÿpe 3 ', 'utf8'), Buffer.from([0xff, 0x00, 0x0a])]));
  assert.equal(Buffer.from(preAuthEncoding('application/vnd.in-toto+json', new Uint8Array(0))).toString(), 'DSSEv1 28 application/vnd.in-toto+json 0 ');
});
