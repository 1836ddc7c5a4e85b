// The bounded reader every layout and archive file goes through (sources/files.ts): regular files
// only, checked before and after the open; symlinks only inside the directory given; never more
// than the bound read into memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { checkBlobFile, openRegularFile, readSmallFile, verifiedFileStream } from '../../../electron/engine/sources/files.js';
import { sha256Digest } from '../../../electron/engine/content/digest.js';
import { makeTempDir } from '../../helpers/tmp.js';

const isIo = (why: RegExp, path: string) => (e: any) => e.code === 'IO' && why.test(e.message) && e.message.includes(path);

test('only regular files are opened: a FIFO, a device, a directory are refused at once, naming the path', async () => {
  const dir = await makeTempDir();
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  mkdirSync(join(dir, 'sub'));
  await assert.rejects(readSmallFile(fifo, 1024, 'the thing'), isIo(/\(the thing\) is a FIFO \(named pipe\), not a regular file/, fifo));
  await assert.rejects(readSmallFile('/dev/zero', 1024, 'the thing'), isIo(/is a character device, not a regular file/, '/dev/zero'));
  await assert.rejects(readSmallFile(join(dir, 'sub'), 1024, 'the thing'), isIo(/is a directory, not a regular file/, join(dir, 'sub')));
  await assert.rejects(readSmallFile(join(dir, 'none'), 1024, 'the thing'), isIo(/does not exist/, join(dir, 'none')));
  // Outside a layout, a symlink the user gave is followed (and its target checked).
  symlinkSync('/dev/zero', join(dir, 'zero'));
  await assert.rejects(readSmallFile(join(dir, 'zero'), 1024, 'the thing'), isIo(/is a character device/, join(dir, 'zero')));
  const digest = sha256Digest(Buffer.from('x'));
  await assert.rejects(checkBlobFile(fifo, digest, 1, 'the blob'), isIo(/is a FIFO/, fifo));
  await assert.rejects(verifiedFileStream(fifo, digest, 1, 'the blob'), isIo(/is a FIFO/, fifo));
});

test('inside a directory: symlinks are followed only to files inside it', async () => {
  const root = await makeTempDir();
  const lay = join(root, 'layout');
  mkdirSync(join(lay, 'blobs'), { recursive: true });
  writeFileSync(join(lay, 'real'), 'inside');
  writeFileSync(join(root, 'secret'), 'outside');
  symlinkSync('../real', join(lay, 'blobs', 'in'));
  symlinkSync('../../secret', join(lay, 'blobs', 'out'));
  symlinkSync('/etc/passwd', join(lay, 'blobs', 'abs'));
  symlinkSync(lay, join(lay, 'blobs', 'self'));
  symlinkSync(lay, join(root, 'link-to-layout'));
  const place = { inside: lay };
  assert.equal((await readSmallFile(join(lay, 'blobs', 'in'), 100, 'a blob', place)).toString(), 'inside');
  assert.equal((await readSmallFile(join(root, 'link-to-layout', 'real'), 100, 'a blob', { inside: join(root, 'link-to-layout') })).toString(), 'inside', 'the layout itself may be a symlink');
  await assert.rejects(readSmallFile(join(lay, 'blobs', 'out'), 100, 'a blob', place), isIo(/leads to .*secret, outside/, join(lay, 'blobs', 'out')));
  await assert.rejects(readSmallFile(join(lay, 'blobs', 'abs'), 100, 'a blob', place), isIo(/leads to \/etc\/passwd, outside/, join(lay, 'blobs', 'abs')));
  await assert.rejects(readSmallFile(join(lay, 'blobs', 'self'), 100, 'a blob', place), isIo(/is a directory/, join(lay, 'blobs', 'self')));
  const digest = sha256Digest(Buffer.from('outside'));
  await assert.rejects(checkBlobFile(join(lay, 'blobs', 'out'), digest, 7, 'the blob', place), isIo(/outside/, join(lay, 'blobs', 'out')));
  await assert.rejects(verifiedFileStream(join(lay, 'blobs', 'out'), digest, 7, 'the blob', place), isIo(/outside/, join(lay, 'blobs', 'out')));
  const inside = sha256Digest(Buffer.from('inside'));
  assert.equal(await text(await verifiedFileStream(join(lay, 'blobs', 'in'), inside, 6, 'the blob', place)), 'inside');
});

test('the bound: a larger file is refused unread; the descriptor opened is the one measured', async () => {
  const dir = await makeTempDir();
  const file = join(dir, 'f');
  writeFileSync(file, Buffer.alloc(2048, 0x61));
  await assert.rejects(readSmallFile(file, 2047, 'the index'), (e: any) => e.code === 'SIZE_MISMATCH' && /2048 bytes, more than the 2047/.test(e.message));
  assert.equal((await readSmallFile(file, 2048, 'the index')).length, 2048);
  const { handle, size } = await openRegularFile(file, 'the index');
  try {
    assert.equal(size, 2048);
  } finally {
    await handle.close();
  }
});
