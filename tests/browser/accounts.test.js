/* accounts.test.js - a server with accounts (--users FILE) where login is asked:
 * the login form, then a user who may write only chi-bo-hung-yen/ is refused a
 * save of a plan of the root (403, and the editor says so) and may save one of
 * his folder; a folder he may not read is refused too.
 *
 * With --users plangen asks every browser to log in, on loopback too (where a TLS
 * reverse proxy reaches it): the server listens on 127.0.0.1. */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');
const ed = require('./editor-page');

const HY = h.HUNG_YEN;
const MINE = 'chi-bo-hung-yen/chi-bo-so-khcn-2023.xml';
const USER = 'chibo';
const PASSWORD = 'mat-khau-thu-nghiem-2023';
let tmp, srv, browser, users;

/* The users file, written by `plangen user add` (its password on stdin). */
function makeUsers(file) {
  const r = h.plangenSync(['user', 'add', file, USER, 'chi-bo-hung-yen', '--password-stdin'], PASSWORD + '\n');
  assert.equal(r.status, 0, 'plangen user add: ' + r.stderr);
  assert.match(fs.readFileSync(file, 'utf8'), new RegExp('^' + USER + ':\\$y\\$', 'm'), 'a yescrypt hash in the users file');
}

before(async () => {
  tmp = h.tempDir('accounts');
  users = path.join(tmp.dir, 'users');
  makeUsers(users);
  srv = await h.startServer(tmp.dir, { listen: '127.0.0.1:0', args: ['--users', users, '--log', path.join(tmp.dir, 'saves.log')] });
  browser = await h.launchBrowser(tmp.dir);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (tmp) tmp.cleanup();
});

test('login is asked; a user who may not write a folder is refused (403) and told so', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    /* without a session: the API refuses, the page shows the login form */
    const anon = new h.Client(srv.url);
    const s = await anon.session();
    assert.equal(s.login_required, true, 'login_required with --users, on loopback too');
    assert.equal(s.user, null);
    const plans = await anon.request('GET', '/api/plans');
    assert.ok(plans.status === 401 || plans.status === 403, 'GET /api/plans without login: ' + plans.status);
    const bad = await anon.login(USER, 'not-the-password');
    assert.equal(bad.status, 401, 'a wrong password');

    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#pg-login');
    await page.type('#pg-login-user', USER);
    await page.type('#pg-login-pass', PASSWORD);
    const nav = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
    await page.keyboard.press('Enter');
    await nav;
    await page.waitForSelector('#plans li.plan');
    assert.equal(await page.$eval('#user-name', (e) => e.textContent), USER, 'the home page names the user');
    await page.screenshot({ path: path.join(tmp.dir, 'home-chibo.png'), fullPage: true });

    /* the home page: his folder's plans open for editing, the root's are read-only,
     * a sibling folder is not listed */
    const rows = await page.$$eval('#plans li.plan', (ls) => ls.map((l) => ({
      path: l.dataset.path, open: l.querySelector('a.open').textContent.trim(), readonly: !!l.querySelector('.readonly'),
    })));
    const row = (p) => rows.find((r) => r.path === p);
    assert.ok(row(MINE) && row(MINE).open === 'Mở' && !row(MINE).readonly, 'his plan is writable: ' + JSON.stringify(row(MINE)));
    assert.ok(row(HY) && row(HY).open === 'Xem' && row(HY).readonly, 'the root plan is read-only: ' + JSON.stringify(row(HY)));
    assert.ok(!rows.some((r) => r.path.startsWith('tinh-uy-hung-yen/')), 'the province folder is not listed');

    /* the editor on the root plan: the save is refused and the page says why */
    const file = path.join(srv.root, HY);
    const original = fs.readFileSync(file);
    await ed.gotoEditor(page, srv, HY);
    await ed.selectWord(page, await ed.rowWith(page, 'p', 'Kết hợp học tập'), 'Kết');
    await page.keyboard.type('Phối');
    assert.equal(await ed.saveWithKeys(page), 403, 'the save is refused');
    await h.waitFor('the editor to say the save was refused', async () => /quyền/i.test(await ed.status(page)));
    assert.match(await ed.status(page), /không có quyền/i, 'the status line says so');
    assert.equal(await page.evaluate(() => document.body.dataset.dirty), 'true', 'the edit stays unsaved in the page');
    assert.ok(fs.readFileSync(file).equals(original), 'the file is unchanged');
    await page.screenshot({ path: path.join(tmp.dir, 'editor-forbidden.png') });
    /* a plan of a folder he may not read */
    const other = await page.evaluate(async () => {
      const r = await PG.api('GET', '/api/plan?path=' + encodeURIComponent('tinh-uy-hung-yen/179-KH-TU-2023.xml'));
      return { status: r.status, code: r.data && r.data.code };
    });
    assert.equal(other.status, 403, 'reading another unit\'s folder: ' + JSON.stringify(other));

    /* his own plan: saved, and logged under his name */
    const mine = path.join(srv.root, MINE);
    const before = fs.readFileSync(mine, 'utf8');
    await ed.gotoEditor(page, srv, MINE);
    await ed.selectWord(page, await ed.rowWith(page, 'item', 'Đảng viên tự nghiên cứu'), 'nghiên cứu');
    await page.keyboard.type('tìm hiểu');
    assert.equal(await ed.saveWithKeys(page), 200, 'his own plan is saved');
    await ed.saved(page);
    const after = fs.readFileSync(mine, 'utf8');
    assert.equal(after, before.replace('Đảng viên tự nghiên cứu', 'Đảng viên tự tìm hiểu'), 'exactly the word changed');
    const log = fs.readFileSync(path.join(tmp.dir, 'saves.log'), 'utf8');
    assert.match(log, new RegExp(`\\b${USER}\\b.*${MINE.replace(/[.]/g, '\\.')}`), 'the save log names the user and the plan: ' + log);
    assert.ok(!log.includes(HY), 'the refused save is not logged as a save');
  });
});
