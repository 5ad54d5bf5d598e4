// Drives a running cluster's WebHDFS with the public Node.js client (npm `webhdfs`,
// unchanged): mkdir, write, read back byte-exact, list, rename, append, delete.
//
//   node tests/web/webhdfs_client_test.js <namenode-http host:port>
//
// Prints one line per step; exits 0 only if every step passed. Self-contained: no
// test framework, only the `webhdfs` package from tests/web/package.json.
'use strict';

const assert = require('assert');
const crypto = require('crypto');
const WebHDFS = require('webhdfs');

const target = process.argv[2];
if (!target || !target.includes(':')) {
  console.error('usage: node webhdfs_client_test.js <namenode-http host:port>');
  process.exit(2);
}
const [host, port] = target.split(':');
const hdfs = WebHDFS.createClient({ user: 'webuser', host, port, path: '/webhdfs/v1' });

// The client's callbacks as promises.
const call = (fn, ...args) => new Promise((resolve, reject) => {
  fn.call(hdfs, ...args, (err, result) => (err ? reject(err) : resolve(result)));
});
const stat = (path) => new Promise((resolve) => {
  hdfs.stat(path, (err, st) => resolve(err ? null : st));
});

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (err) {
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 1;
    throw err;
  }
}

async function main() {
  // In the user's home directory (the test's wrapper made it, owned by webuser).
  const dir = `/user/webuser/webhdfs-js-${process.pid}`;
  // Several blocks at the test cluster's 1 MiB block size, plus a partial one.
  const data = crypto.randomBytes(3 * 1024 * 1024 + 12345);

  await step('mkdir', async () => {
    await call(hdfs.mkdir, `${dir}/sub`);
    const st = await stat(`${dir}/sub`);
    assert.ok(st, 'directory missing after mkdir');
    assert.strictEqual(st.type, 'DIRECTORY');
    assert.strictEqual(st.owner, 'webuser');
  });

  await step('write', async () => {
    await call(hdfs.writeFile, `${dir}/data.bin`, data);
    const st = await stat(`${dir}/data.bin`);
    assert.ok(st, 'file missing after write');
    assert.strictEqual(st.length, data.length);
  });

  await step('read back byte-exact', async () => {
    const back = await call(hdfs.readFile, `${dir}/data.bin`);
    assert.strictEqual(back.length, data.length);
    assert.ok(Buffer.compare(back, data) === 0, 'content differs');
  });

  await step('list', async () => {
    const files = await call(hdfs.readdir, dir);
    const names = files.map((f) => `${f.pathSuffix}:${f.type}`).sort();
    assert.deepStrictEqual(names, ['data.bin:FILE', 'sub:DIRECTORY']);
    const file = files.find((f) => f.pathSuffix === 'data.bin');
    assert.strictEqual(file.length, data.length);
  });

  await step('rename', async () => {
    await call(hdfs.rename, `${dir}/data.bin`, `${dir}/sub/renamed.bin`);
    assert.strictEqual(await stat(`${dir}/data.bin`), null);
    const back = await call(hdfs.readFile, `${dir}/sub/renamed.bin`);
    assert.ok(Buffer.compare(back, data) === 0, 'content differs after rename');
  });

  await step('append', async () => {
    const more = Buffer.from('appended tail\n');
    await call(hdfs.appendFile, `${dir}/sub/renamed.bin`, more);
    const back = await call(hdfs.readFile, `${dir}/sub/renamed.bin`);
    assert.ok(Buffer.compare(back, Buffer.concat([data, more])) === 0, 'append lost bytes');
  });

  await step('errors surface as RemoteException messages', async () => {
    await assert.rejects(call(hdfs.readdir, `${dir}/no-such-dir`),
                         /File .* does not exist\./);
  });

  await step('delete', async () => {
    await call(hdfs.unlink, dir, true);
    assert.strictEqual(await stat(dir), null);
  });
}

main().then(
  () => console.log('all steps passed'),
  () => { process.exitCode = 1; });
