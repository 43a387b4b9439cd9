/* harness.js - what the browser tests share: a `plangen serve` on a fresh temporary
 * copy of plans/ (its port read from the line it prints when listening), a headless
 * Debian chromium driven by puppeteer-core, a small API client that keeps the
 * session cookie and the CSRF token, and bounded waits.
 *
 * Environment (set by run.sh):
 *   PLANGEN              the plangen binary (ctest passes $<TARGET_FILE:plangen>)
 *   PLANGEN_SOURCE_DIR   the repository (plans/, templates/, web/); default ../..
 *   PLANGEN_BROWSER_KEEP=1   keep each test's temporary folder (screenshots) */
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');

const SRC = path.resolve(process.env.PLANGEN_SOURCE_DIR || path.join(__dirname, '..', '..'));
const PLANGEN = process.env.PLANGEN ? path.resolve(process.env.PLANGEN) : path.join(SRC, 'build', 'generator', 'plangen');
const CHROMIUM = process.env.PLANGEN_CHROMIUM || '/usr/bin/chromium';
/* A sanitized server starts and answers several times slower. */
const SANITIZED = isSanitized(PLANGEN);
const SLOW = SANITIZED ? 4 : 1;
const HUNG_YEN = 'hung-yen-duk-sinh-hoat-chinh-tri-2023.xml';

/* Built with AddressSanitizer: its runtime's entry is in the binary's dynamic symbols. */
function isSanitized(file) {
  const r = spawnSync('nm', ['-D', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return (r.stdout || '').includes('__asan_init');
}

/* Every child process started here, killed when node exits however it exits. */
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch (e) { /* already gone */ }
  }
});

/* A temporary folder for one test; removed by the returned cleanup unless
 * PLANGEN_BROWSER_KEEP=1 (then its path is printed). */
function tempDir(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plangen-browser-' + name + '-'));
  const cleanup = () => {
    if (process.env.PLANGEN_BROWSER_KEEP === '1') {
      console.log('# kept ' + dir);
      return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, cleanup };
}

/* Resolves with cond()'s first truthy value, polling every `every` ms; rejects
 * after `ms` with `what` (a string, or a function giving one) in the message.
 * cond may be async. */
async function waitFor(what, cond, ms = 10000, every = 50) {
  const end = Date.now() + ms * SLOW;
  let last;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      if (e && e.fatal) throw e; /* cond knows that waiting longer cannot help */
      last = e;
    }
    if (Date.now() > end)
      throw new Error('timed out after ' + ms * SLOW + ' ms waiting for ' + (typeof what === 'function' ? what() : what) +
        (last ? ' (last error: ' + last.message + ')' : ''));
    await new Promise((r) => setTimeout(r, every));
  }
}

/* Runs plangen to completion (user add, check...). */
function plangenSync(args, input) {
  const r = spawnSync(PLANGEN, args, {
    cwd: SRC, input, encoding: 'utf8', timeout: 60000 * SLOW,
    env: Object.assign({}, process.env, { PLANGEN_DATADIR: SRC }),
  });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error };
}

/* Starts `plangen serve ROOT/plans --listen LISTEN ARGS...` (127.0.0.1:0) on a fresh copy of
 * plans/ under dir (or on `root` when given). Resolves to
 * {url, port, root, proc, stderr(), stop()} once the server printed its address.
 * stop() ends it (SIGTERM, then SIGKILL after 10 s) and resolves to its
 * stderr; it throws when the sanitizers reported something. */
async function startServer(dir, { args = [], root, listen = '127.0.0.1:0' } = {}) {
  if (!root) {
    root = path.join(dir, 'plans');
    fs.cpSync(path.join(SRC, 'plans'), root, { recursive: true });
  }
  const argv = ['serve', root, '--listen', listen, ...args];
  const proc = spawn(PLANGEN, argv, {
    cwd: SRC,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: Object.assign({}, process.env, { PLANGEN_DATADIR: SRC }),
  });
  children.add(proc);
  let err = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
    children.delete(proc);
    resolve({ code, signal });
  }));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('plangen serve printed no address within ' + 20 * SLOW + ' s; stderr:\n' + err));
    }, 20000 * SLOW);
    const lines = readline.createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      const m = /^plangen serve: (http:\/\/[^ ]+\/)\s*$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error('plangen serve ' + argv.slice(1).join(' ') + ' exited (' + (signal || code) + ') before listening; stderr:\n' + err));
    });
  });
  const port = Number(new URL(url).port);
  let stopped = null;
  const stop = () => {
    if (stopped) return stopped;
    stopped = (async () => {
      let killed = false;
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => { killed = true; proc.kill('SIGKILL'); }, 10000 * SLOW);
        await exited;
        clearTimeout(t);
      }
      const { code, signal } = await exited;
      const bad = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.exec(err);
      if (bad)
        throw new Error('plangen serve: the sanitizers reported an error:\n' + err.slice(Math.max(0, bad.index - 200), bad.index + 4000));
      /* SIGTERM stops it with status 0 (plangen serve --help) */
      if (killed)
        throw new Error('plangen serve did not stop within ' + 10 * SLOW + ' s of SIGTERM; stderr:\n' + err.slice(-3000));
      if (code !== 0)
        throw new Error('plangen serve stopped with ' + (signal || 'status ' + code) + ' after SIGTERM; stderr:\n' + err.slice(-3000));
      return err;
    })();
    return stopped;
  };
  return { url, port, root, proc, stderr: () => err, stop };
}

/* A headless chromium with a fresh profile under dir. */
async function launchBrowser(dir) {
  let puppeteer;
  try {
    puppeteer = require('puppeteer-core');
  } catch (e) {
    throw new Error('puppeteer-core is not installed: run `npm ci` in tests/browser (' + e.message + ')');
  }
  const profile = fs.mkdtempSync(path.join(dir, 'chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--user-data-dir=' + profile],
    protocolTimeout: 60000 * SLOW,
    timeout: 60000,
  });
  return browser;
}

/* A new page that fails the test on an uncaught error in the page, and keeps the
 * console's messages (page.pgLog) for failure reports. */
async function newPage(browser) {
  const page = await browser.newPage();
  page.pgLog = [];
  page.pgErrors = [];
  page.on('console', (m) => page.pgLog.push(m.type() + ': ' + m.text()));
  page.on('pageerror', (e) => page.pgErrors.push(String(e && e.stack || e)));
  /* "leave the page with unsaved changes?" and confirm(): the tests answer yes */
  page.on('dialog', (d) => { d.accept().catch(() => {}); });
  page.setDefaultTimeout(15000 * SLOW);
  page.setDefaultNavigationTimeout(20000 * SLOW);
  await page.setViewport({ width: 1400, height: 1000 });
  return page;
}

/* A client of the API from node: keeps the session cookie and CSRF token. */
class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
  }

  async request(method, route, { body, headers = {}, csrf = true } = {}) {
    const h = Object.assign({}, headers);
    if (this.cookie) h.Cookie = this.cookie;
    if (csrf && this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json; charset=utf-8';
    } else if (typeof body === 'string' && !h['Content-Type']) {
      h['Content-Type'] = 'application/xml; charset=utf-8';
    }
    const r = await fetch(new URL(route, this.base), { method, headers: h, body: payload, redirect: 'manual' });
    const set = r.headers.get('set-cookie');
    if (set) {
      const m = /plangen_session=([^;]*)/.exec(set);
      if (m) this.cookie = 'plangen_session=' + m[1];
    }
    const buf = Buffer.from(await r.arrayBuffer());
    const type = r.headers.get('content-type') || '';
    let data = buf;
    if (type.startsWith('application/json')) {
      try { data = JSON.parse(buf.toString('utf8')); } catch (e) { data = buf.toString('utf8'); }
    } else if (type.startsWith('text/') || type.startsWith('application/xml')) {
      data = buf.toString('utf8');
    }
    return { status: r.status, headers: r.headers, data, bytes: buf, setCookie: set };
  }

  async session() {
    const r = await this.request('GET', '/api/session');
    if (r.status !== 200) throw new Error('/api/session: ' + r.status + ' ' + JSON.stringify(r.data));
    this.csrf = r.data.csrf;
    return r.data;
  }

  async login(user, password) {
    const r = await this.request('POST', '/api/login', { body: { user, password }, csrf: false });
    if (r.status === 200) this.csrf = r.data.csrf;
    return r;
  }
}

/* The first index where two buffers differ and the differing spans, for a
 * byte diff of a file: {same: true} or {prefix, oldMid, newMid} where
 * oldMid/newMid are what lies between the common prefix and common suffix. */
function byteDiff(a, b) {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  if (p === a.length && p === b.length) return { same: true };
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return {
    same: false, prefix: p, suffix: s,
    oldMid: a.subarray(p, a.length - s).toString('utf8'),
    newMid: b.subarray(p, b.length - s).toString('utf8'),
  };
}

/* A static page server on 127.0.0.1 for the cross-site tests: serves `pages`
 * ({'/path': html}). Resolves to {port, close()}. */
async function staticServer(pages) {
  const server = http.createServer((req, res) => {
    const body = pages[req.url.split('?')[0]];
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/* The text of a PDF (pdftotext -layout). */
function pdfText(bytes, dir) {
  const f = path.join(dir, 'pdftotext-' + process.hrtime.bigint() + '.pdf');
  fs.writeFileSync(f, bytes);
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', f, '-'], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error('pdftotext failed: ' + r.stderr);
  return r.stdout;
}

/* Decodes an 8-bit PNG (grey, grey+alpha, RGB, RGBA; not interlaced) into
 * {width, height, channels, pixels}: enough to compare two page images. */
function decodePng(buf) {
  const zlib = require('node:zlib');
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('not a PNG');
  let off = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat = [];
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const kind = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      depth = data[8]; type = data[9]; interlace = data[12];
    } else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    off += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace) throw new Error('PNG kind not handled: depth ' + depth + ', type ' + type + ', interlace ' + interlace);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const bpp = channels, stride = width * bpp;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const prev = y ? px.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[x - bpp] : 0;
      const b = prev ? prev[x] : 0;
      const c = prev && x >= bpp ? prev[x - bpp] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new Error('bad PNG filter ' + f);
      out[x] = v & 255;
    }
  }
  return { width, height, channels, pixels: px };
}

/* How many pixels differ between two decoded PNGs of the same size. */
function pixelsDiffering(a, b) {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) return Infinity;
  let n = 0;
  const c = a.channels;
  for (let i = 0; i < a.pixels.length; i += c) {
    for (let k = 0; k < c; k++) if (a.pixels[i + k] !== b.pixels[i + k]) { n++; break; }
  }
  return n;
}

/* What a failed test should show: the page's console, its errors, the server's stderr. */
function explain(page, server) {
  const out = [];
  if (page && page.pgErrors && page.pgErrors.length) out.push('page errors:\n' + page.pgErrors.join('\n'));
  if (page && page.pgLog && page.pgLog.length) out.push('page console:\n' + page.pgLog.slice(-30).join('\n'));
  if (server) out.push('server stderr (last 3000 bytes):\n' + server.stderr().slice(-3000));
  return out.join('\n');
}

/* Runs body (a test's steps on page), then checks that the page threw no
 * uncaught error; a failure gets explain(page, server) appended; the page is
 * closed in every case. */
async function onPage(page, server, body) {
  try {
    await body();
    assert.deepEqual(page.pgErrors, [], 'no uncaught error in the page');
  } catch (e) {
    e.message += '\n' + explain(page, server);
    throw e;
  } finally {
    await page.close();
  }
}

/* The before/after hooks of a test file that shares one server and one
 * browser: a temporary folder named after name, startServer(dir, options) on
 * it, launchBrowser(dir); ready({ tmp, srv, browser }) is then called (it may
 * be async); after the tests all three are closed and the folder removed. */
function serverAndBrowser(name, ready, options) {
  const { before, after } = require('node:test');
  const c = {};
  before(async () => {
    c.tmp = tempDir(name);
    c.srv = await startServer(c.tmp.dir, options);
    c.browser = await launchBrowser(c.tmp.dir);
    await ready(c);
  });
  after(async () => {
    if (c.browser) await c.browser.close();
    if (c.srv) await c.srv.stop();
    if (c.tmp) c.tmp.cleanup();
  });
}

module.exports = {
  SRC, PLANGEN, CHROMIUM, SANITIZED, SLOW, HUNG_YEN,
  tempDir, waitFor, plangenSync, startServer, launchBrowser, newPage, Client, byteDiff,
  staticServer, pdfText, explain, decodePng, pixelsDiffering, onPage, serverAndBrowser,
};
