#!/usr/bin/env node
// Drives the official @huggingface/hub client against an endpoint (the simulator in
// tests). HF_JS_DIR names the directory whose node_modules holds the client.
//   jsclient.js protocol ENDPOINT TOKEN OTHER_TOKEN [NAME]   full protocol check (exit 1 on a failure)
//   jsclient.js download ENDPOINT TOKEN REPO PATH OUT   writes the file's bytes to OUT
//   jsclient.js list ENDPOINT TOKEN REPO                 prints the recursive tree as JSON lines
//   jsclient.js readback ENDPOINT TOKEN REPO OUTDIR      downloads every file of the repo into
//       OUTDIR/files/<path> and the data/*.jsonl shards, concatenated in path order, into
//       OUTDIR/rows.jsonl; prints the tree as JSON lines (one node start for a whole check)
'use strict';
const path = require('path');
const fs = require('fs');
const hub = require(path.join(process.env.HF_JS_DIR || '.', 'node_modules', '@huggingface', 'hub'));

let failures = 0;
const ok = (cond, what) => {
  if (cond) console.log(`ok: ${what}`);
  else { console.error(`FAIL: ${what}`); failures++; }
};
const expectError = async (fn, status, what) => {
  try { await fn(); ok(false, `${what}: expected HTTP ${status}, got success`); } catch (e) {
    ok(e.statusCode === status, `${what} (HTTP ${e.statusCode}${e.statusCode === status ? '' : `, ${e.message}`})`);
  }
};
const collect = async (it) => { const out = []; for await (const x of it) out.push(x); return out; };
const bytesOf = async (blob) => Buffer.from(await blob.arrayBuffer());

async function protocol(hubUrl, accessToken, otherToken, name = 'js-protocol') {
  const repo = { type: 'dataset', name: `alice/${name}` };
  const me = await hub.whoAmI({ hubUrl, accessToken });
  ok(me.name === 'alice' && me.auth && me.auth.accessToken, `whoAmI -> ${me.name}`);
  await expectError(() => hub.whoAmI({ hubUrl, accessToken: 'hf_not_a_real_token' }), 401, 'whoAmI with a bad token is 401');

  const created = await hub.createRepo({ hubUrl, accessToken, repo, private: true, license: 'cc-by-4.0' });
  ok(created.repoUrl.endsWith(`/datasets/alice/${name}`), `createRepo -> ${created.repoUrl}`);
  await expectError(() => hub.createRepo({ hubUrl, accessToken, repo }), 409, 'createRepo of an existing repo is 409');
  await expectError(() => hub.createRepo({ hubUrl, accessToken, repo: { type: 'dataset', name: 'bob/not-mine' } }), 403,
    'createRepo in another namespace is 403');

  const small = Buffer.from('{"a":1}\n{"a":2,"text":"caf\u00e9 \u2713"}\n');
  const large = Buffer.alloc(300 * 1024);
  for (let i = 0; i < large.length; i++) large[i] = 'abcdefghij\n'.charCodeAt(i % 11);
  const binary = Buffer.from([0, 1, 2, 3, 255, 254, 0, 10]);
  const res = await hub.uploadFiles({
    hubUrl, accessToken, repo, commitTitle: 'js upload',
    files: [
      { path: 'data/small.jsonl', content: new Blob([small]) },
      { path: 'data/large.jsonl', content: new Blob([large]) },
      { path: 'bin/blob.bin', content: new Blob([binary]) },
    ],
  });
  ok(/^[0-9a-f]{40}$/.test(res.commit.oid), `uploadFiles committed ${res.commit.oid}`);

  const files = await collect(hub.listFiles({ hubUrl, accessToken, repo, recursive: true }));
  const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
  ok(byPath['data/small.jsonl'] && byPath['data/small.jsonl'].size === small.length && !byPath['data/small.jsonl'].lfs,
    'listFiles: small file stored regular with its size');
  ok(byPath['data/large.jsonl'] && byPath['data/large.jsonl'].lfs && byPath['data/large.jsonl'].lfs.size === large.length,
    'listFiles: large file went through LFS');
  ok(byPath['bin/blob.bin'] && byPath['bin/blob.bin'].lfs, 'listFiles: binary file went through LFS');
  ok(byPath.data && byPath.data.type === 'directory', 'listFiles: directories listed');
  ok(files.length >= 6, `listFiles paginated through ${files.length} entries`);
  const top = await collect(hub.listFiles({ hubUrl, accessToken, repo }));
  ok(top.every((f) => !f.path.includes('/')), 'listFiles non-recursive lists the top level only');

  for (const [p, want] of [['data/small.jsonl', small], ['data/large.jsonl', large], ['bin/blob.bin', binary]]) {
    const blob = await hub.downloadFile({ hubUrl, accessToken, repo, path: p });
    ok(blob && (await bytesOf(blob)).equals(want), `downloadFile ${p} byte-identical`);
  }
  ok((await hub.downloadFile({ hubUrl, accessToken, repo, path: 'nope.txt' })) === null, 'downloadFile of a missing path is null');
  ok(await hub.fileExists({ hubUrl, accessToken, repo, path: 'data/small.jsonl' }), 'fileExists');

  const info = await hub.datasetInfo({ hubUrl, accessToken, name: repo.name });
  ok(info.private === true && info.name === repo.name, 'datasetInfo: private dataset');
  const commits = await collect(hub.listCommits({ hubUrl, accessToken, repo }));
  ok(commits.length === 2 && commits[0].oid === res.commit.oid, `listCommits: ${commits.length} commits, newest first`);

  // Optimistic concurrency: a commit pinned to a stale parent is refused.
  await expectError(() => hub.commit({
    hubUrl, accessToken, repo, title: 'stale', parentCommit: commits[1].oid,
    operations: [{ operation: 'addOrUpdate', path: 'x.txt', content: new Blob(['x']) }],
  }), 412, 'commit pinned to a stale parent is 412');
  const pinned = await hub.commit({
    hubUrl, accessToken, repo, title: 'pinned', parentCommit: res.commit.oid,
    operations: [{ operation: 'addOrUpdate', path: 'x.txt', content: new Blob(['x']) }, { operation: 'delete', path: 'bin/blob.bin' }],
  });
  ok(!!pinned.commit.oid, 'commit pinned to the head succeeds');
  ok(!(await hub.fileExists({ hubUrl, accessToken, repo, path: 'bin/blob.bin' })), 'delete operation removed the file');

  // Private visibility: hidden from others.
  await expectError(() => collect(hub.listFiles({ hubUrl, repo })), 401, 'anonymous listFiles of a private repo is 401');
  await expectError(() => collect(hub.listFiles({ hubUrl, accessToken: otherToken, repo })), 404, "another user's listFiles of a private repo is 404");
  await expectError(() => hub.uploadFile({ hubUrl, accessToken: otherToken, repo, file: { path: 'y', content: new Blob(['y']) } }), 404,
    "another user cannot commit to a private repo (it is invisible)");

  const pub = { type: 'dataset', name: `alice/${name}-public` };
  await hub.createRepo({ hubUrl, accessToken, repo: pub, visibility: 'public' });
  const pubFiles = await collect(hub.listFiles({ hubUrl, repo: pub }));
  ok(pubFiles.some((f) => f.path === '.gitattributes'), 'anonymous listFiles of a public repo works');
  await expectError(() => hub.uploadFile({ hubUrl, accessToken: otherToken, repo: pub, file: { path: 'y', content: new Blob(['y']) } }), 403,
    "another user cannot commit to a public repo (403)");
  await hub.deleteRepo({ hubUrl, accessToken, repo: pub });
  ok(!(await hub.repoExists({ hubUrl, accessToken, repo: pub })), 'deleteRepo');
}

async function main() {
  const [cmd, hubUrl, accessToken, ...rest] = process.argv.slice(2);
  if (cmd === 'protocol') await protocol(hubUrl, accessToken, rest[0], rest[1]);
  else if (cmd === 'download') {
    const [name, p, out] = rest;
    const blob = await hub.downloadFile({ hubUrl, accessToken, repo: { type: 'dataset', name }, path: p });
    if (!blob) { console.error(`no such file ${p}`); process.exit(1); }
    fs.writeFileSync(out, await bytesOf(blob));
  } else if (cmd === 'list') {
    for await (const f of hub.listFiles({ hubUrl, accessToken, repo: { type: 'dataset', name: rest[0] }, recursive: true })) console.log(JSON.stringify(f));
  } else if (cmd === 'readback') {
    const [name, outDir] = rest;
    const repo = { type: 'dataset', name };
    const files = (await collect(hub.listFiles({ hubUrl, accessToken, repo, recursive: true }))).filter((f) => f.type === 'file');
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const rows = [];
    for (const f of files) {
      const blob = await hub.downloadFile({ hubUrl, accessToken, repo, path: f.path });
      if (!blob) { console.error(`FAIL: listed file ${f.path} cannot be downloaded`); process.exit(1); }
      const bytes = await bytesOf(blob);
      const out = path.join(outDir, 'files', f.path);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, bytes);
      if (/^data\/.*\.jsonl$/.test(f.path)) rows.push(bytes);
      console.log(JSON.stringify({ path: f.path, size: f.size, lfs: !!f.lfs }));
    }
    fs.writeFileSync(path.join(outDir, 'rows.jsonl'), Buffer.concat(rows));
  } else { console.error('usage: jsclient.js protocol|download|list|readback ...'); process.exit(2); }
  if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }
}
main().catch((e) => { console.error(`FAIL: ${e.stack || e}`); process.exit(1); });
