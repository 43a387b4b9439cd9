/* csrf.test.js - requests that change state must carry the session's CSRF token:
 * a fetch from the editor's own page without the header is refused (403), and so is
 * a form posted from a page of a tiny node server on another port: as
 * http://localhost:PORT (another site for the browser: the session cookie is
 * HttpOnly and SameSite=Strict, so the browser does not even send it) and as
 * http://127.0.0.1:PORT (another origin of the same site: the cookie goes, the
 * token is missing). Nothing refused reaches the disk. */
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');

let tmp, srv, browser;

h.serverAndBrowser('csrf', (c) => ({ tmp, srv, browser } = c));

/* Every file under the copy, with its bytes. */
function snapshot(root) {
  const out = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(root, p), fs.readFileSync(p));
    }
  };
  walk(root);
  return out;
}

function assertSameFiles(before, after, what) {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), what + ': no file added or removed');
  for (const [k, v] of before) assert.ok(v.equals(after.get(k)), what + ': ' + k + ' unchanged');
}

test('a fetch from the page without the X-CSRF-Token header is refused (403)', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    /* the page made its session: the cookie is HttpOnly and SameSite=Strict */
    await page.waitForFunction(() => typeof PG !== 'undefined' && PG.session && PG.session.csrf);
    const cookies = await page.cookies();
    const c = cookies.find((x) => x.name === 'plangen_session');
    assert.ok(c, 'the server set plangen_session: ' + JSON.stringify(cookies));
    assert.equal(c.httpOnly, true, 'HttpOnly');
    assert.equal(c.sameSite, 'Strict', 'SameSite=Strict');
    assert.equal(c.path, '/', 'Path=/');
    assert.ok(!(await page.evaluate(() => document.cookie)).includes('plangen_session'), 'not readable from scripts');

    const before = snapshot(srv.root);
    const hy = h.HUNG_YEN;
    const results = await page.evaluate(async (hy) => {
      const q = '?path=' + encodeURIComponent(hy);
      const head = await fetch('/api/plan' + q, { method: 'HEAD' });
      const etag = head.headers.get('ETag');
      const text = await (await fetch('/api/plan' + q)).text();
      const edited = text.replace('Mục đích', 'Mục tiêu');
      const call = async (method, url, body, headers) => {
        const r = await fetch(url, { method, body, headers, credentials: 'same-origin' });
        let data = null;
        try { data = await r.json(); } catch (e) { /* not JSON */ }
        return { status: r.status, code: data && data.code, error: data && data.error };
      };
      const xml = { 'Content-Type': 'application/xml; charset=utf-8' };
      const json = { 'Content-Type': 'application/json; charset=utf-8' };
      const newBody = JSON.stringify({ template: null, folder: '', file: 'csrf-new.xml', params: { style: 'party' } });
      const deriveBody = JSON.stringify({ parent: hy, folder: '', file: 'csrf-derived.xml', issuer: 'CHI BỘ X', parent_body: null, symbol: 'CB', date: '2023-04-06' });
      return {
        etag,
        putNone: await call('PUT', '/api/plan' + q, edited, Object.assign({ 'If-Match': etag }, xml)),
        putWrong: await call('PUT', '/api/plan' + q, edited, Object.assign({ 'If-Match': etag, 'X-CSRF-Token': '0'.repeat(64) }, xml)),
        putEmpty: await call('PUT', '/api/plan' + q, edited, Object.assign({ 'If-Match': etag, 'X-CSRF-Token': '' }, xml)),
        newNone: await call('POST', '/api/new', newBody, json),
        deriveNone: await call('POST', '/api/derive', deriveBody, json),
        previewNone: await call('POST', '/api/preview' + q, edited, xml),
        /* the same save with the token goes through: the refusals were the token's */
        putGood: await call('PUT', '/api/plan' + q, text, Object.assign({ 'If-Match': etag, 'X-CSRF-Token': PG.session.csrf }, xml)),
      };
    }, hy);
    assert.match(results.etag || '', /^"[0-9a-f]{64}"$/, 'HEAD /api/plan gives the ETag');
    for (const k of ['putNone', 'putWrong', 'putEmpty', 'newNone', 'deriveNone', 'previewNone']) {
      assert.equal(results[k].status, 403, k + ': ' + JSON.stringify(results[k]));
      assert.equal(results[k].code, 'csrf', k + ': code');
      assert.ok(results[k].error && results[k].error.length > 0, k + ': a message');
    }
    assert.equal(results.putGood.status, 200, 'the same save with the token: ' + JSON.stringify(results.putGood));
    assertSameFiles(before, snapshot(srv.root), 'after the refused requests (and a save of the same bytes)');
  });
});

test('a form posted from another site, or another origin of the same site, is refused and changes nothing', async () => {
  const page = await h.newPage(browser);
  const target = srv.url.replace(/\/$/, '');
  /* text/plain forms are how another site sends JSON-looking bodies without a
   * CORS preflight: the body is NAME=VALUE */
  const evilNew = `<!doctype html><meta charset="utf-8"><title>evil</title>
<form id="f" method="POST" action="${target}/api/new" enctype="text/plain">
<input type="hidden" name='{"template":null,"folder":"","file":"evil.xml","params":{"style":"party"},"x":"' value='"}'>
</form><script>document.getElementById('f').submit();</script>`;
  const evilPut = `<!doctype html><meta charset="utf-8"><title>evil</title>
<script>
fetch(${JSON.stringify(target + '/api/plan?path=' + encodeURIComponent(h.HUNG_YEN))},
      { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x' })
  .then(() => { document.title = 'sent'; }, () => { document.title = 'failed'; });
fetch(${JSON.stringify(target + '/api/derive')},
      { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ parent: ${JSON.stringify(h.HUNG_YEN)}, folder: '', file: 'evil-derived.xml',
                               issuer: 'X', parent_body: null, symbol: 'X', date: '2023-01-01' }) })
  .then(() => { document.body.dataset.derive = 'sent'; }, () => { document.body.dataset.derive = 'failed'; });
</script>`;
  const evil = await h.staticServer({ '/new.html': evilNew, '/put.html': evilPut });
  try {
    /* the victim has a session with the editor */
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => typeof PG !== 'undefined' && PG.session && PG.session.csrf);
    const before = snapshot(srv.root);

    /* the form posted from another page: the browser lands on the server's
     * answer; the DevTools protocol tells which cookies went with the request
     * and which were held back, and why.
     *   from http://localhost:PORT: another site, the cookie stays home (SameSite=Strict);
     *   from http://127.0.0.1:PORT: another origin but the same site, so the cookie goes,
     *   and the missing X-CSRF-Token alone refuses it */
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    const sentReqs = new Map();
    const extra = new Map();
    cdp.on('Network.requestWillBeSent', (e) => sentReqs.set(e.requestId, e.request));
    cdp.on('Network.requestWillBeSentExtraInfo', (e) => extra.set(e.requestId, e));
    for (const [host, crossSite] of [['localhost', true], ['127.0.0.1', false]]) {
      sentReqs.clear();
      extra.clear();
      const answer = page.waitForResponse((r) => r.url() === target + '/api/new' && r.request().method() === 'POST');
      await page.goto(`http://${host}:${evil.port}/new.html`, { waitUntil: 'domcontentloaded' });
      const res = await answer;
      assert.equal(res.status(), 403, host + ': refused: ' + await res.text().catch(() => '?'));
      await h.waitFor('the request\'s cookie report', () => [...sentReqs].some(([id, r]) => r.url === target + '/api/new' && extra.has(id)));
      const [id] = [...sentReqs].find(([i, r]) => r.url === target + '/api/new' && extra.has(i));
      const info = extra.get(id);
      const ours = (info.associatedCookies || []).filter((a) => a.cookie && a.cookie.name === 'plangen_session');
      const sentCookie = /plangen_session=/.test(info.headers.Cookie || info.headers.cookie || '');
      assert.ok(ours.length > 0, host + ': the browser considered the session cookie: ' + JSON.stringify(info.associatedCookies));
      if (crossSite) {
        for (const a of ours)
          assert.ok((a.blockedReasons || []).some((r) => /SameSiteStrict/.test(r)), host + ': held back for SameSite=Strict: ' + JSON.stringify(a));
        assert.ok(!sentCookie, host + ': no session cookie sent');
      } else {
        assert.ok(sentCookie, host + ': same site: the cookie was sent, and still refused (no token)');
      }
      /* back to the editor's page, so that the next form starts from a page with a session */
      await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    }
    await cdp.detach();

    /* cross-site fetches (no-cors: the page cannot read the answer) */
    const page2 = await h.newPage(browser);
    try {
      await page2.goto(`http://localhost:${evil.port}/put.html`, { waitUntil: 'domcontentloaded' });
      await page2.waitForFunction(() => document.title !== 'evil' && document.body.dataset.derive);
    } finally {
      await page2.close();
    }
    assertSameFiles(before, snapshot(srv.root), 'after the cross-site requests');
  } catch (e) {
    e.message += '\n' + h.explain(page, srv);
    throw e;
  } finally {
    await page.close();
    await evil.close();
  }
});
