#!/usr/bin/env node
// A local Hugging Face Hub simulator for tests: the HTTP calls of the official
// `@huggingface/hub` client (tests/hubsim/README.md lists them), repos stored on disk,
// tokens, private visibility, OAuth device flow, and fault injection controlled per test
// through /_sim/* endpoints. Binds 127.0.0.1 only. No dependencies beyond Node.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

// ---- options -----------------------------------------------------------------------
const opts = { data: null, port: 0, portFile: null, lfsThreshold: 10 * 1024 * 1024, pageSize: 1000, tokens: [] };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const next = () => process.argv[++i];
  if (a === '--data') opts.data = next();
  else if (a === '--port') opts.port = Number(next());
  else if (a === '--port-file') opts.portFile = next();
  else if (a === '--lfs-threshold') opts.lfsThreshold = Number(next());
  else if (a === '--page-size') opts.pageSize = Number(next());
  else if (a === '--token') opts.tokens.push(next());  // user=hf_xxx[:read]
  else { console.error(`hubsim: unknown argument ${a}`); process.exit(2); }
}
if (!opts.data) { console.error('usage: hubsim.js --data DIR [--port N] [--port-file F] [--lfs-threshold BYTES] [--page-size N] [--token user=hf_x[:read]]'); process.exit(2); }
fs.mkdirSync(path.join(opts.data, 'objects'), { recursive: true });
fs.mkdirSync(path.join(opts.data, 'repos'), { recursive: true });

const SIGNING_KEY = crypto.randomBytes(16).toString('hex');  // presigned LFS URLs
const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
const sha1 = (buf) => crypto.createHash('sha1').update(buf).digest('hex');
const gitBlobOid = (buf) => sha1(Buffer.concat([Buffer.from(`blob ${buf.length}\0`), buf]));
const writeAtomic = (file, data) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
};
const readJson = (file, dflt) => { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return dflt; } };

// ---- state -------------------------------------------------------------------------
const tokensFile = path.join(opts.data, 'tokens.json');
const tokens = readJson(tokensFile, {});  // token -> {user, role, orgs, createdAt}
for (const spec of opts.tokens) {
  const m = /^([^=]+)=([^:]+)(?::(read|write))?$/.exec(spec);
  if (!m) { console.error(`hubsim: bad --token ${spec}`); process.exit(2); }
  tokens[m[2]] = { user: m[1], role: m[3] || 'write', orgs: [], createdAt: new Date().toISOString() };
}
writeAtomic(tokensFile, JSON.stringify(tokens, null, 2));

let faults = [];          // [{method, path (regex), action, status, delay_ms, times, retry_after}]
const requests = [];      // request log (never holds credentials)
const device = {          // OAuth device flow knobs and state
  interval: 5, expires_in: 600, slow_down: 0, approve_after_polls: -1, user: null,
  codes: {}, polls: [],
};
let foreignCommits = 0;
const redirects = { resolve: false };  // POST /_sim/redirects {resolve: true}

// ---- repos on disk -----------------------------------------------------------------
// repos/<type>s/<owner>/<name>/{meta.json, refs/<branch>, commits/<oid>.json}; file bytes
// live once in objects/<sha256>.
const repoDir = (type, id) => path.join(opts.data, 'repos', `${type}s`, id);
const loadRepo = (type, id) => {
  const dir = repoDir(type, id);
  const meta = readJson(path.join(dir, 'meta.json'), null);
  if (!meta) return null;
  return { type, id, dir, meta };
};
const headOf = (repo, rev) => {
  if (/^[0-9a-f]{40}$/.test(rev) && fs.existsSync(path.join(repo.dir, 'commits', `${rev}.json`))) return rev;
  const ref = path.join(repo.dir, 'refs', rev === 'HEAD' ? 'main' : rev);
  return fs.existsSync(ref) ? fs.readFileSync(ref, 'utf8').trim() : null;
};
const loadCommit = (repo, oid) => readJson(path.join(repo.dir, 'commits', `${oid}.json`), null);
const storeObject = (buf) => {
  const digest = sha256(buf);
  const file = path.join(opts.data, 'objects', digest);
  if (!fs.existsSync(file)) writeAtomic(file, buf);
  return digest;
};
const objectBytes = (digest) => fs.readFileSync(path.join(opts.data, 'objects', digest));

// Writes a commit on `branch` with `files` (path -> {sha256, size, oid, lfs}) and moves the ref.
const writeCommit = (repo, branch, parent, files, title, message, author) => {
  const commit = { parents: parent ? [parent] : [], title, message: message || '', author,
                   date: new Date().toISOString(), files };
  commit.oid = sha1(Buffer.from(JSON.stringify(commit) + crypto.randomBytes(8).toString('hex')));
  writeAtomic(path.join(repo.dir, 'commits', `${commit.oid}.json`), JSON.stringify(commit));
  writeAtomic(path.join(repo.dir, 'refs', branch), commit.oid);
  return commit;
};
const fileEntry = (buf, lfs) => ({ sha256: storeObject(buf), size: buf.length, oid: gitBlobOid(buf), lfs: !!lfs });

const GITATTRIBUTES = Buffer.from(
  ['*.7z', '*.arrow', '*.bin', '*.gz', '*.parquet', '*.zip', '*.zst'].map((p) => `${p} filter=lfs diff=lfs merge=lfs -text`).join('\n') + '\n');

// ---- HTTP helpers ------------------------------------------------------------------
const base = (req) => `http://${req.headers.host}`;
const send = (res, status, body, headers = {}) => {
  const isBuf = Buffer.isBuffer(body);
  const data = isBuf ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const h = { 'Content-Length': data.length, ...headers };
  if (!isBuf && typeof body !== 'string' && !h['Content-Type']) h['Content-Type'] = 'application/json; charset=utf-8';
  res.writeHead(status, h);
  res.end(res.req.method === 'HEAD' ? undefined : data);
  res.ot_status = status;
};
const error = (res, status, message, code) => send(res, status, { error: message }, code ? { 'X-Error-Code': code } : {});
const readBody = (req) => new Promise((resolve, reject) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks)));
  req.on('error', reject);
});
const auth = (req) => {
  const h = req.headers.authorization || '';
  const m = /^Bearer (.+)$/.exec(h);
  if (!m) return { anonymous: true };
  const t = tokens[m[1]];
  return t ? { user: t.user, role: t.role, orgs: t.orgs || [] } : { invalid: true };
};
const canWrite = (who, owner) => who.user && who.role === 'write' && (who.user === owner || who.orgs.includes(owner));
const canRead = (who, repo) => !repo.meta.private || (who.user && (who.user === repo.meta.owner || who.orgs.includes(repo.meta.owner)));

// Record what the Hub received, decoded, so tests can grep every byte that left the client.
const receivedLog = path.join(opts.data, 'received.log');
const recordReceived = (req, body) => {
  if (!body.length || req.url.startsWith('/_sim/')) return;
  const decoded = [];  // raw bytes: a UTF-8 secret must be greppable as the client sent it
  for (const line of body.toString('utf8').split('\n')) {
    try {
      const visit = (v) => {
        if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if ((k === 'content' || k === 'sample') && typeof x === 'string') decoded.push(Buffer.from(x, 'base64'), Buffer.from('\n'));
            else visit(x);
          }
        }
      };
      visit(JSON.parse(line));
    } catch { /* not JSON */ }
  }
  fs.appendFileSync(receivedLog, Buffer.concat([Buffer.from(`=== ${req.method} ${req.url.split('?')[0]}\n`), body, Buffer.from('\n'), ...decoded]));
};

// ---- routes ------------------------------------------------------------------------
// Returns the repo (type, id) named by an /api/<type>s/<owner>/<name>/... path.
const REPO_TYPES = { datasets: 'dataset', models: 'model', spaces: 'space' };
const repoFor = (res, who, typePlural, id, { write = false } = {}) => {
  const type = REPO_TYPES[typePlural];
  const repo = type && loadRepo(type, id);
  if (who.invalid) { error(res, 401, 'Invalid credentials in Authorization header'); return null; }
  if (!repo || !canRead(who, repo)) {
    // Like the Hub: a private repo is indistinguishable from a missing one.
    error(res, who.anonymous ? 401 : 404, 'Repository not found', 'RepoNotFound');
    return null;
  }
  if (write && !canWrite(who, repo.meta.owner)) {
    error(res, 403, `You don't have the rights to write to ${type}s/${id}`, 'Forbidden');
    return null;
  }
  return repo;
};

const whoami = (req, res, who) => {
  if (!who.user) return error(res, 401, 'Invalid credentials in Authorization header');
  const t = tokens[req.headers.authorization.slice(7)];
  send(res, 200, {
    type: 'user', id: sha1(Buffer.from(who.user)).slice(0, 24), name: who.user, fullname: who.user,
    email: `${who.user}@example.invalid`, emailVerified: true, isPro: false, canPay: false,
    orgs: who.orgs.map((name) => ({ type: 'org', name, fullname: name, roleInOrg: 'write' })),
    auth: { type: 'access_token', accessToken: { displayName: 'hubsim', role: t.role, createdAt: t.createdAt } },
  });
};

const createRepo = (req, res, who, body) => {
  if (who.invalid || who.anonymous) return error(res, 401, 'Invalid credentials in Authorization header');
  const p = JSON.parse(body.toString('utf8') || '{}');
  const type = p.type || 'model';
  const owner = p.organization || who.user;
  if (!p.name || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/.test(p.name)) return error(res, 400, `Invalid repo name: ${p.name}`);
  if (!canWrite(who, owner)) return error(res, 403, `You don't have the rights to create a ${type} under the namespace "${owner}"`);
  const id = `${owner}/${p.name}`;
  const url = `${base(req)}/${type === 'model' ? '' : `${type}s/`}${id}`;
  if (loadRepo(type, id)) return send(res, 409, { error: `You already created this ${type} repo`, url });
  const isPrivate = p.visibility ? p.visibility !== 'public' : !!p.private;
  const repo = { type, id, dir: repoDir(type, id), meta: { owner, name: p.name, private: isPrivate, createdAt: new Date().toISOString(), _id: sha1(Buffer.from(id)).slice(0, 24) } };
  writeAtomic(path.join(repo.dir, 'meta.json'), JSON.stringify(repo.meta));
  const files = { '.gitattributes': fileEntry(GITATTRIBUTES) };
  for (const f of p.files || []) files[f.path] = fileEntry(Buffer.from(f.content, f.encoding === 'base64' ? 'base64' : 'utf8'));
  writeCommit(repo, 'main', null, files, 'initial commit', '', who.user);
  send(res, 200, { url, name: id, id: repo.meta._id });
};

const deleteRepo = (req, res, who, body) => {
  const p = JSON.parse(body.toString('utf8') || '{}');
  const id = `${p.organization || who.user}/${p.name}`;
  const repo = repoFor(res, who, `${p.type || 'model'}s`, id, { write: true });
  if (!repo) return;
  fs.rmSync(repo.dir, { recursive: true, force: true });
  send(res, 200, {});
};

const repoInfo = (req, res, repo, rev) => {
  const head = headOf(repo, rev || 'main');
  if (!head) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  const commit = loadCommit(repo, head);
  send(res, 200, {
    _id: repo.meta._id, id: repo.id, author: repo.meta.owner, sha: head, private: repo.meta.private,
    gated: false, disabled: false, downloads: 0, likes: 0, tags: [], createdAt: repo.meta.createdAt,
    lastModified: commit.date, siblings: Object.keys(commit.files).sort().map((rfilename) => ({ rfilename })),
  });
};

const treeEntries = (commit, prefix, recursive) => {
  const out = new Map();
  const pre = prefix ? `${prefix.replace(/\/$/, '')}/` : '';
  for (const [p, f] of Object.entries(commit.files)) {
    if (!p.startsWith(pre)) continue;
    const rest = p.slice(pre.length).split('/');
    // Directories on the way down.
    for (let i = 1; i < rest.length && (recursive || i === 1); i++) {
      const dir = pre + rest.slice(0, i).join('/');
      if (!out.has(dir)) out.set(dir, { type: 'directory', oid: sha1(Buffer.from(`dir:${dir}`)), size: 0, path: dir });
    }
    if (rest.length === 1 || recursive) out.set(p, entryOf(p, f));
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};
const entryOf = (p, f) => {
  const e = { type: 'file', oid: f.oid, size: f.size, path: p };
  if (f.lfs) e.lfs = { oid: f.sha256, size: f.size, pointerSize: 134 };
  return e;
};

const tree = (req, res, repo, rev, sub, query) => {
  const head = headOf(repo, rev);
  if (!head) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  const commit = loadCommit(repo, head);
  if (sub && !Object.keys(commit.files).some((p) => p === sub || p.startsWith(`${sub}/`))) {
    return error(res, 404, `Entry not found: ${sub}`, 'EntryNotFound');
  }
  const all = treeEntries(commit, sub, query.get('recursive') === 'true');
  const cursor = Number(query.get('cursor') || 0);
  const page = all.slice(cursor, cursor + opts.pageSize);
  const headers = {};
  if (cursor + opts.pageSize < all.length) {
    const u = new URL(`${base(req)}${req.url}`);
    u.searchParams.set('cursor', String(cursor + opts.pageSize));
    headers.Link = `<${u.href}>; rel="next"`;
  }
  send(res, 200, page, headers);
};

const pathsInfo = (req, res, repo, rev, body) => {
  const head = headOf(repo, rev);
  if (!head) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  const commit = loadCommit(repo, head);
  const p = JSON.parse(body.toString('utf8') || '{}');
  send(res, 200, (p.paths || []).filter((x) => commit.files[x]).map((x) => entryOf(x, commit.files[x])));
};

const commitsList = (req, res, repo, rev) => {
  let oid = headOf(repo, rev);
  if (!oid) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  const out = [];
  while (oid) {
    const c = loadCommit(repo, oid);
    out.push({ id: oid, title: c.title, message: c.message, authors: [{ user: c.author, avatar: '' }], date: c.date });
    oid = c.parents[0];
  }
  send(res, 200, out);
};

const resolve = (req, res, repo, rev, filePath) => {
  const head = headOf(repo, rev);
  if (!head) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  const f = loadCommit(repo, head).files[filePath];
  if (!f) return error(res, 404, `Entry not found: ${filePath}`, 'EntryNotFound');
  serveBytes(req, res, objectBytes(f.sha256), { ETag: `"${f.lfs ? f.sha256 : f.oid}"`, 'X-Repo-Commit': head });
};
const serveBytes = (req, res, buf, extra) => {
  const headers = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream', ...extra };
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
  if (m) {
    const start = Number(m[1]);
    const end = m[2] === '' ? buf.length - 1 : Math.min(Number(m[2]), buf.length - 1);
    if (start >= buf.length && buf.length > 0) return send(res, 416, '', { 'Content-Range': `bytes */${buf.length}` });
    headers['Content-Range'] = `bytes ${start}-${Math.max(end, start)}/${buf.length}`;
    return send(res, 206, buf.subarray(start, end + 1), headers);
  }
  send(res, 200, buf, headers);
};

const preupload = (req, res, repo, body) => {
  const p = JSON.parse(body.toString('utf8') || '{}');
  send(res, 200, {
    files: (p.files || []).map((f) => {
      const sample = Buffer.from(f.sample || '', 'base64');
      const lfs = f.size >= opts.lfsThreshold || sample.includes(0);
      return { path: f.path, uploadMode: lfs ? 'lfs' : 'regular', shouldIgnore: false };
    }),
    commitOid: headOf(repo, 'main'),
  });
};

const sign = (oid, size) => crypto.createHmac('sha256', SIGNING_KEY).update(`${oid}:${size}`).digest('hex');
const lfsBatch = (req, res, repo, body, cdnBase) => {
  const p = JSON.parse(body.toString('utf8') || '{}');
  if (p.operation !== 'upload') return error(res, 422, 'only upload is supported');
  if (!(p.transfers || ['basic']).includes('basic')) return error(res, 422, 'basic transfer required');
  const objects = (p.objects || []).map((o) => {
    const stored = fs.existsSync(path.join(opts.data, 'objects', o.oid));
    const out = { oid: o.oid, size: o.size, authenticated: true };
    if (!stored) {
      out.actions = { upload: { href: `${cdnBase}/_lfs/upload/${o.oid}?size=${o.size}&sig=${sign(o.oid, o.size)}`, expires_in: 3600 } };
    }
    return out;
  });
  send(res, 200, { transfer: 'basic', objects, hash_algo: 'sha256' }, { 'Content-Type': 'application/vnd.git-lfs+json' });
};
const lfsUpload = (req, res, oid, query, body) => {
  const size = Number(query.get('size'));
  if (query.get('sig') !== sign(oid, size)) return error(res, 403, 'bad signature');
  if (body.length !== size || sha256(body) !== oid) return error(res, 400, 'object does not match its oid/size');
  storeObject(body);
  send(res, 200, '');
};

const commit = (req, res, repo, rev, body, who) => {
  const lines = body.toString('utf8').split('\n').filter((l) => l.trim());
  let header = null;
  const ops = [];
  try {
    for (const l of lines) {
      const x = JSON.parse(l);
      if (x.key === 'header') header = x.value; else ops.push(x);
    }
  } catch (e) { return error(res, 400, `Invalid NDJSON: ${e.message}`); }
  if (!header || !header.summary) return error(res, 400, 'Missing header line with a summary');
  const head = headOf(repo, rev);
  if (!head) return error(res, 404, `Invalid rev id: ${rev}`, 'RevisionNotFound');
  if (header.parentCommit && header.parentCommit !== head) {
    return error(res, 412, 'A commit has happened since. Please refresh and try again.');
  }
  const files = { ...loadCommit(repo, head).files };
  for (const op of ops) {
    const v = op.value || {};
    if (!v.path || v.path.startsWith('/') || v.path.split('/').includes('..')) return error(res, 400, `Invalid path: ${v.path}`);
    if (op.key === 'file') {
      files[v.path] = fileEntry(Buffer.from(v.content || '', v.encoding === 'base64' ? 'base64' : 'utf8'));
    } else if (op.key === 'lfsFile') {
      if (!fs.existsSync(path.join(opts.data, 'objects', v.oid))) return error(res, 422, `LFS object ${v.oid} was not uploaded`);
      const buf = objectBytes(v.oid);
      files[v.path] = { sha256: v.oid, size: buf.length, oid: gitBlobOid(buf), lfs: true };
    } else if (op.key === 'deletedFile') {
      if (!files[v.path]) return error(res, 404, `File not found: ${v.path}`, 'EntryNotFound');
      delete files[v.path];
    } else if (op.key === 'deletedFolder') {
      for (const k of Object.keys(files)) if (k.startsWith(`${v.path.replace(/\/$/, '')}/`)) delete files[k];
    } else return error(res, 400, `Unknown line key: ${op.key}`);
  }
  const c = writeCommit(repo, rev === 'HEAD' ? 'main' : rev, head, files, header.summary, header.description, who.user);
  send(res, 200, { success: true, commitOid: c.oid, commitUrl: `${base(req)}/${repo.type}s/${repo.id}/commit/${c.oid}`, hookOutput: '' });
};

const settings = (req, res, repo, body) => {
  const p = JSON.parse(body.toString('utf8') || '{}');
  if (p.visibility) repo.meta.private = p.visibility !== 'public';
  else if (typeof p.private === 'boolean') repo.meta.private = p.private;
  writeAtomic(path.join(repo.dir, 'meta.json'), JSON.stringify(repo.meta));
  send(res, 200, { private: repo.meta.private });
};

// OAuth device authorization grant (RFC 8628), as the Hub offers it at /oauth/device.
const form = (req, body) => {
  const ct = req.headers['content-type'] || '';
  if (ct.includes('json')) return JSON.parse(body.toString('utf8') || '{}');
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
};
const deviceStart = (req, res, body) => {
  const p = form(req, body);
  if (!p.client_id) return send(res, 400, { error: 'invalid_request', error_description: 'client_id is required' });
  const device_code = crypto.randomBytes(16).toString('hex');
  const user_code = crypto.randomBytes(4).toString('hex').toUpperCase().replace(/(.{4})/, '$1-');
  device.codes[device_code] = { user_code, client_id: p.client_id, scope: p.scope, created: Date.now(), approved: null, polls: 0, slow_downs: device.slow_down };
  send(res, 200, { device_code, user_code, verification_uri: `${base(req)}/oauth/device`, verification_uri_complete: `${base(req)}/oauth/device?user_code=${user_code}`, expires_in: device.expires_in, interval: device.interval });
};
const deviceToken = (req, res, body) => {
  const p = form(req, body);
  if (p.grant_type !== 'urn:ietf:params:oauth:grant-type:device_code') return send(res, 400, { error: 'unsupported_grant_type' });
  const d = device.codes[p.device_code];
  device.polls.push(Date.now());
  if (!d) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown device code' });
  d.polls++;
  if (Date.now() - d.created > device.expires_in * 1000) return send(res, 400, { error: 'expired_token' });
  if (d.slow_downs > 0) { d.slow_downs--; return send(res, 400, { error: 'slow_down' }); }
  if (!d.approved && device.approve_after_polls >= 0 && d.polls > device.approve_after_polls) d.approved = device.user;
  if (d.approved === false) return send(res, 400, { error: 'access_denied' });
  if (!d.approved) return send(res, 400, { error: 'authorization_pending' });
  const access = `hf_oauth_${crypto.randomBytes(12).toString('hex')}`;
  tokens[access] = { user: d.approved, role: 'write', orgs: [], createdAt: new Date().toISOString() };
  writeAtomic(tokensFile, JSON.stringify(tokens, null, 2));
  delete device.codes[p.device_code];
  send(res, 200, { access_token: access, token_type: 'bearer', expires_in: 28800, refresh_token: `hf_oauth_refresh_${crypto.randomBytes(8).toString('hex')}`, scope: d.scope || '' });
};

// ---- control API (/_sim/*), for tests --------------------------------------------------
const control = (req, res, url, body) => {
  const p = body.length ? JSON.parse(body.toString('utf8')) : {};
  const route = `${req.method} ${url.pathname}`;
  if (route === 'POST /_sim/faults') { faults.push(...(Array.isArray(p) ? p : [p]).map((f) => ({ times: 1, ...f }))); return send(res, 200, { faults }); }
  if (route === 'DELETE /_sim/faults') { faults = []; return send(res, 200, { faults }); }
  if (route === 'GET /_sim/faults') return send(res, 200, { faults });
  if (route === 'GET /_sim/requests') return send(res, 200, requests);
  if (route === 'DELETE /_sim/requests') { requests.length = 0; return send(res, 200, []); }
  if (route === 'POST /_sim/tokens') {
    if (!String(p.token || '').startsWith('hf_') || !p.user) return error(res, 400, 'need token (hf_...) and user');
    tokens[p.token] = { user: p.user, role: p.role || 'write', orgs: p.orgs || [], createdAt: new Date().toISOString() };
    writeAtomic(tokensFile, JSON.stringify(tokens, null, 2));
    return send(res, 200, { ok: true });
  }
  if (route === 'POST /_sim/redirects') { Object.assign(redirects, p); return send(res, 200, redirects); }
  if (route === 'POST /_sim/device') { Object.assign(device, p); return send(res, 200, { ok: true }); }
  if (route === 'GET /_sim/device') return send(res, 200, { polls: device.polls, pending: Object.keys(device.codes).length });
  if (route === 'POST /_sim/device/approve') {
    for (const d of Object.values(device.codes)) if (!p.user_code || d.user_code === p.user_code) d.approved = p.deny ? false : p.user;
    return send(res, 200, { ok: true });
  }
  if (route === 'GET /_sim/state') {
    const out = [];
    for (const plural of Object.keys(REPO_TYPES)) {
      const dir = path.join(opts.data, 'repos', plural);
      if (!fs.existsSync(dir)) continue;
      for (const owner of fs.readdirSync(dir)) for (const name of fs.readdirSync(path.join(dir, owner))) {
        const repo = loadRepo(REPO_TYPES[plural], `${owner}/${name}`);
        if (!repo) continue;
        const head = headOf(repo, 'main');
        let n = 0;
        for (let o = head; o; o = loadCommit(repo, o).parents[0]) n++;
        const files = {};
        for (const [k, f] of Object.entries(loadCommit(repo, head).files)) files[k] = { size: f.size, sha256: f.sha256, lfs: f.lfs };
        out.push({ type: REPO_TYPES[plural], id: repo.id, private: repo.meta.private, head, commits: n, files });
      }
    }
    return send(res, 200, { repos: out });
  }
  error(res, 404, `unknown control route ${route}`);
};

// ---- dispatch --------------------------------------------------------------------------
const takeFault = (req, url) => {
  for (const f of faults) {
    if (f.times === 0) continue;
    if (f.method && f.method !== req.method) continue;
    if (f.path && !new RegExp(f.path).test(url.pathname)) continue;
    if (f.times > 0) f.times--;
    return f;
  }
  return null;
};

const route = async (req, res, cdnBase, isCdn) => {
  const url = new URL(req.url, base(req));
  const body = await readBody(req);
  if (url.pathname.startsWith('/_sim/')) return control(req, res, url, body);
  recordReceived(req, body);
  const fault = takeFault(req, url);
  if (fault) {
    res.ot_fault = fault.action;
    if (fault.action === 'slow') await new Promise((r) => setTimeout(r, fault.delay_ms || 3000));
    else if (fault.action === 'drop') { req.socket.destroy(); return; }
    else if (fault.action === 'status') {
      const headers = fault.retry_after !== undefined ? { 'Retry-After': String(fault.retry_after) } : {};
      return send(res, fault.status || 500, { error: fault.message || `injected fault ${fault.status || 500}` }, headers);
    } else if (fault.action === 'head_moved') {
      // Someone else commits first: the client's pinned parent is now stale.
      const m = /^\/api\/(datasets|models|spaces)\/([^/]+\/[^/]+)\//.exec(url.pathname);
      const repo = m && loadRepo(REPO_TYPES[m[1]], m[2]);
      if (repo) {
        const head = headOf(repo, 'main');
        const files = { ...loadCommit(repo, head).files, [`notes/foreign-${++foreignCommits}.md`]: fileEntry(Buffer.from(`foreign commit ${foreignCommits}\n`)) };
        writeCommit(repo, 'main', head, files, `foreign commit ${foreignCommits}`, '', 'someone-else');
      }
    }
  }
  if (fault && fault.action === 'drop_after') {
    // Process the request, then lose the answer: the client cannot know it landed.
    const sink = { req, writeHead() {}, end() {}, ot_status: 0 };
    await handle(req, sink, url, body, cdnBase, isCdn);
    req.socket.destroy();
    return;
  }
  return handle(req, res, url, body, cdnBase, isCdn);
};

const handle = async (req, res, url, body, cdnBase, isCdn) => {
  const who = auth(req);
  res.ot_user = who.user;
  const p = url.pathname;
  let m;
  if ((m = /^\/_lfs\/upload\/([0-9a-f]{64})$/.exec(p)) && req.method === 'PUT') return lfsUpload(req, res, m[1], url.searchParams, body);
  if (isCdn) return error(res, 404, 'not found on the storage origin');
  if (p === '/api/whoami-v2' && req.method === 'GET') return whoami(req, res, who);
  if (p === '/api/repos/create' && req.method === 'POST') return createRepo(req, res, who, body);
  if (p === '/api/repos/delete' && req.method === 'DELETE') return deleteRepo(req, res, who, body);
  if (p === '/oauth/device' && req.method === 'POST') return deviceStart(req, res, body);
  if (p === '/oauth/token' && req.method === 'POST') return deviceToken(req, res, body);
  // /api/<type>s/<owner>/<name>[/<verb>/<rev>[/<path>]]
  if ((m = /^\/api\/(datasets|models|spaces)\/([^/]+\/[^/]+?)(?:\/(tree|revision|paths-info|preupload|commit|commits|settings)(?:\/([^/]+)(?:\/(.*))?)?)?$/.exec(p))) {
    const [, plural, id, verb, rawRev, sub] = m;
    const rev = rawRev ? decodeURIComponent(rawRev) : 'main';
    const write = ['preupload', 'commit', 'settings'].includes(verb);
    const repo = repoFor(res, who, plural, id, { write });
    if (!repo) return;
    if (!verb && req.method === 'GET') return repoInfo(req, res, repo, 'main');
    if (verb === 'revision' && req.method === 'GET') return repoInfo(req, res, repo, rev);
    if (verb === 'tree' && req.method === 'GET') return tree(req, res, repo, rev, sub ? decodeURIComponent(sub) : '', url.searchParams);
    if (verb === 'paths-info' && req.method === 'POST') return pathsInfo(req, res, repo, rev, body);
    if (verb === 'commits' && req.method === 'GET') return commitsList(req, res, repo, rev);
    if (verb === 'preupload' && req.method === 'POST') return preupload(req, res, repo, body);
    if (verb === 'commit' && req.method === 'POST') return commit(req, res, repo, rev, body, who);
    if (verb === 'settings' && req.method === 'PUT') return settings(req, res, repo, body);
  }
  if ((m = /^\/(datasets|spaces)\/([^/]+\/[^/]+?)\.git\/info\/lfs\/objects\/batch$/.exec(p)) && req.method === 'POST') {
    const repo = repoFor(res, who, m[1], m[2], { write: true });
    if (repo) lfsBatch(req, res, repo, body, cdnBase);
    return;
  }
  if ((m = /^\/(datasets|spaces)\/([^/]+\/[^/]+)\/(resolve|raw)\/([^/]+)\/(.+)$/.exec(p)) && (req.method === 'GET' || req.method === 'HEAD')) {
    const repo = repoFor(res, who, m[1], m[2]);
    if (!repo) return;
    // Like the live Hub: resolve answers a same-origin 307 to a cache URL (toggle per test).
    if (m[3] === 'resolve' && redirects.resolve && !url.searchParams.has('_cached')) {
      return send(res, 307, '', { Location: `${p}?_cached=1`, 'Content-Length': 0 });
    }
    resolve(req, res, repo, decodeURIComponent(m[4]), decodeURIComponent(m[5]));
    return;
  }
  error(res, 404, `Sorry, we can't find the page you are looking for (${req.method} ${p})`);
};

// Two origins: the Hub, and a "storage" origin for presigned LFS uploads, so tests can see
// that credentials are never sent off the Hub's origin.
const makeServer = (isCdn) => http.createServer((req, res) => {
  const started = Date.now();
  res.req = req;
  res.on('close', () => {
    if (req.url.startsWith('/_sim/')) return;
    requests.push({ t: started, ms: Date.now() - started, origin: isCdn ? 'storage' : 'hub', method: req.method,
                    path: req.url.split('?')[0], status: res.ot_status || 0, user: res.ot_user || null,
                    fault: res.ot_fault || null, authorization: req.headers.authorization ? 'present' : 'absent' });
  });
  route(req, res, `http://127.0.0.1:${cdn.address().port}`, isCdn).catch((e) => {
    if (!res.headersSent) error(res, 500, `simulator bug: ${e.stack}`);
  });
});
const hub = makeServer(false);
const cdn = makeServer(true);
cdn.listen(0, '127.0.0.1', () => {
  hub.listen(opts.port, '127.0.0.1', () => {
    const port = hub.address().port;
    if (opts.portFile) writeAtomic(opts.portFile, `${port}\n`);
    console.log(`hubsim listening on http://127.0.0.1:${port} (storage origin port ${cdn.address().port}, data ${opts.data})`);
  });
});
const stop = () => { hub.close(); cdn.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
