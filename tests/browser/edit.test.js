/* edit.test.js - the editor on the Hưng Yên plan: a one-word edit changes the
 * preview's page image and, once saved, exactly that word on disk; a new section
 * moves the numbering of the ones after it; two tabs editing the same plan get a
 * conflict instead of losing a save. */
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');
const ed = require('./editor-page');

const HY = h.HUNG_YEN;
let tmp, browser;
const servers = [];

before(async () => {
  tmp = h.tempDir('edit');
  browser = await h.launchBrowser(tmp.dir);
});

after(async () => {
  if (browser) await browser.close();
  const errors = [];
  for (const s of servers) await s.stop().catch((e) => errors.push(e));
  if (tmp) tmp.cleanup();
  if (errors.length) throw errors[0];
});

/* A server of its own for each test, on its own copy of plans/. */
async function server(name) {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir);
  const s = await h.startServer(dir);
  servers.push(s);
  return s;
}

/* The bytes expected after replacing the one occurrence of `from` by `to`. */
function replaced(bytes, from, to) {
  const text = bytes.toString('utf8');
  const i = text.indexOf(from);
  assert.ok(i >= 0 && text.indexOf(from, i + 1) < 0, `"${from}" occurs once in the plan`);
  return Buffer.from(text.slice(0, i) + to + text.slice(i + from.length), 'utf8');
}

function assertBytes(actual, expected, what) {
  if (actual.equals(expected)) return;
  const d = h.byteDiff(expected, actual);
  assert.fail(`${what}: the file differs from the expected bytes at byte ${d.prefix}: expected ${JSON.stringify(d.oldMid.slice(0, 300))}, found ${JSON.stringify(d.newMid.slice(0, 300))}`);
}

test('a one-word edit changes the preview page, and once saved exactly that word on disk', async () => {
  const srv = await server('word');
  const file = path.join(srv.root, HY);
  const original = fs.readFileSync(file);
  const page = await ed.openEditor(browser, srv, HY);
  await h.onPage(page, srv, async () => {
    const api = new h.Client(srv.url);
    await api.session();
    const before = await ed.previewPages(page);
    assert.ok(before.length >= 2, 'the preview shows the pages: ' + before.length);
    await page.screenshot({ path: path.join(tmp.dir, 'editor.png') });

    /* the word "Kết" of "Kết hợp học tập, quán triệt..." becomes "Phối" */
    const row = await ed.rowWith(page, 'p', 'Kết hợp học tập');
    await ed.selectWord(page, row, 'Kết');
    await page.keyboard.type('Phối');
    await page.waitForFunction(() => document.body.dataset.dirty === 'true');
    const after = await ed.previewReady(page, before);
    const changed = after.filter((p, i) => !before[i] || before[i].hash !== p.hash);
    assert.ok(changed.length >= 1, 'a page changed');
    assert.equal(after.length, before.length, 'as many pages as before');
    const n = changed[0].n;
    const old = before.find((p) => p.n === n);
    /* its image: a new src, and new pixels */
    assert.notEqual(changed[0].src, old.src, 'the page image has a new src');
    const oldPng = await api.request('GET', '/api/page/' + old.hash + '.png?dpi=96');
    const newPng = await api.request('GET', '/api/page/' + changed[0].hash + '.png?dpi=96');
    assert.equal(oldPng.status, 200, 'the old page image is still kept');
    assert.equal(newPng.status, 200, 'the new page image');
    const diff = h.pixelsDiffering(h.decodePng(oldPng.bytes), h.decodePng(newPng.bytes));
    assert.ok(diff > 0 && diff < Infinity, 'the new image has other pixels (' + diff + ' differ)');
    const img = await page.$(`#preview img[data-page="${n}"]`);
    await img.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    /* as shown in the page (not beyond the viewport: the editor's panes have the
     * window's height, and a taller capture would lay them out again) */
    await img.screenshot({ path: path.join(tmp.dir, 'editor-page-' + n + '-after-edit.png'), captureBeyondViewport: false });
    fs.writeFileSync(path.join(tmp.dir, 'page-' + n + '-before.png'), oldPng.bytes);
    fs.writeFileSync(path.join(tmp.dir, 'page-' + n + '-after.png'), newPng.bytes);
    /* pages before the edited one keep their images */
    for (const p of after.filter((x) => x.n < n))
      assert.equal(p.hash, before.find((b) => b.n === p.n).hash, 'page ' + p.n + ' unchanged');

    /* nothing written before the save */
    assertBytes(fs.readFileSync(file), original, 'before the save');
    assert.equal(await ed.saveWithKeys(page), 200, 'the save is accepted');
    await ed.saved(page);
    const expected = replaced(original, 'Kết hợp học tập', 'Phối hợp học tập');
    assertBytes(fs.readFileSync(file), expected, 'after the save');

    /* reload: the editor shows what is on disk, and writes nothing */
    await page.reload({ waitUntil: 'domcontentloaded' });
    await ed.editorShown(page);
    await ed.rowWith(page, 'p', 'Phối hợp học tập');
    assert.equal(await page.evaluate(() => document.body.dataset.dirty), 'false');
    assertBytes(fs.readFileSync(file), expected, 'after the reload');
    await page.screenshot({ path: path.join(tmp.dir, 'editor-after-reload.png') });
  });
});

test('a new section moves the numbering of the sections after it', async () => {
  const srv = await server('section');
  const file = path.join(srv.root, HY);
  const original = fs.readFileSync(file);
  const api = new h.Client(srv.url);
  await api.session();
  const pdf0 = await api.request('GET', '/api/pdf?path=' + encodeURIComponent(HY));
  assert.equal(pdf0.status, 200, 'GET /api/pdf of the plan');
  const text0 = h.pdfText(pdf0.bytes, tmp.dir);
  assert.match(text0, /^\s*II- NỘI DUNG\s*$/m, 'before: "NỘI DUNG" is II');
  assert.match(text0, /^\s*III- TỔ CHỨC THỰC HIỆN\s*$/m, 'before: "TỔ CHỨC THỰC HIỆN" is III');

  const page = await ed.openEditor(browser, srv, HY);
  await h.onPage(page, srv, async () => {
    const before = await ed.previewPages(page);
    /* on the row of part I, Alt+Enter adds a section after it and puts the
     * cursor in its title */
    const row = await ed.rowWith(page, 'section', 'MỤC ĐÍCH, YÊU CẦU');
    await row.focus();
    await page.keyboard.down('Alt');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Alt');
    await page.waitForFunction(() => document.activeElement && document.activeElement.matches('input.title') &&
      document.activeElement.closest('[role=treeitem][data-kind=section]'));
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.type('PHẠM VI ÁP DỤNG');
    await ed.previewReady(page, before);
    const focused = await ed.focusedRow(page);
    assert.equal(focused.kind, 'section');
    assert.equal(focused.level, 1, 'a top-level section');
    assert.equal(await ed.saveWithKeys(page), 200);
    await ed.saved(page);

    const now = fs.readFileSync(file);
    const d = h.byteDiff(original, now);
    assert.equal(d.oldMid, '', 'only an insertion: ' + JSON.stringify(d));
    assert.match(d.newMid, /<section title="PHẠM VI ÁP DỤNG"\s*\/>/, 'the new section: ' + JSON.stringify(d.newMid));
    const pdf1 = await api.request('GET', '/api/pdf?path=' + encodeURIComponent(HY));
    assert.equal(pdf1.status, 200, 'GET /api/pdf after the save');
    const text1 = h.pdfText(pdf1.bytes, tmp.dir);
    assert.match(text1, /^\s*I- MỤC ĐÍCH, YÊU CẦU\s*$/m, 'after: part I stays I');
    assert.match(text1, /^\s*II- PHẠM VI ÁP DỤNG\s*$/m, 'after: the new section is II');
    assert.match(text1, /^\s*III- NỘI DUNG\s*$/m, 'after: "NỘI DUNG" moved to III');
    assert.match(text1, /^\s*IV- TỔ CHỨC THỰC HIỆN\s*$/m, 'after: "TỔ CHỨC THỰC HIỆN" moved to IV');
    await page.screenshot({ path: path.join(tmp.dir, 'editor-new-section.png') });
  });
});

test('two tabs edit the same plan: the second save is refused, the other version shown, nothing lost', async () => {
  const srv = await server('conflict');
  const file = path.join(srv.root, HY);
  const original = fs.readFileSync(file);
  const a = await ed.openEditor(browser, srv, HY);
  const b = await ed.openEditor(browser, srv, HY);
  try {
    /* B starts an edit and does not save yet */
    await b.bringToFront();
    await ed.selectWord(b, await ed.rowWith(b, 'p', 'Kết hợp học tập'), 'Kết');
    await b.keyboard.type('Phối');
    await b.waitForFunction(() => document.body.dataset.dirty === 'true');

    /* A edits another paragraph and saves */
    await a.bringToFront();
    await ed.selectWord(a, await ed.rowWith(a, 'item', 'Cán bộ, đảng viên cơ quan chuyên trách'), 'chuyên trách');
    await a.keyboard.type('chuyên môn');
    await a.waitForFunction(() => document.body.dataset.dirty === 'true');
    assert.equal(await ed.saveWithKeys(a), 200, "A's save");
    await ed.saved(a);
    const afterA = replaced(original, 'cơ quan chuyên trách Đảng ủy Khối.', 'cơ quan chuyên môn Đảng ủy Khối.');
    assertBytes(fs.readFileSync(file), afterA, "after A's save");

    /* B saves: refused (its If-Match names the version before A's save); B is
     * shown the version on disk */
    await b.bringToFront();
    assert.equal(await ed.saveWithKeys(b), 412, "B's save is refused");
    await b.waitForSelector('#conflict:not([hidden])');
    const panel = await b.$eval('#conflict', (p) => ({
      text: p.textContent,
      theirs: [...p.querySelectorAll('td.theirs')].map((t) => t.textContent).join('\n'),
      mine: [...p.querySelectorAll('td.mine')].map((t) => t.textContent).join('\n'),
    }));
    assert.match(panel.text, /Có người khác đã lưu/, 'the panel says someone else saved');
    assert.match(panel.theirs, /chuyên môn Đảng ủy Khối/, "A's version is shown");
    assert.match(panel.mine, /Phối hợp học tập/, "B's own edit is shown");
    await b.screenshot({ path: path.join(tmp.dir, 'editor-conflict.png') });
    assertBytes(fs.readFileSync(file), afterA, "after B's refused save: A's save is on disk");

    /* B takes A's version (the focused button, by keyboard), makes its edit again
     * and saves: both edits are on disk */
    await b.waitForFunction(() => document.activeElement && document.activeElement.id === 'conflict-theirs');
    await b.keyboard.press('Enter');
    await b.waitForSelector('#conflict', { hidden: true });
    await ed.rowWith(b, 'item', 'chuyên môn Đảng ủy Khối');
    await ed.selectWord(b, await ed.rowWith(b, 'p', 'Kết hợp học tập'), 'Kết');
    await b.keyboard.type('Phối');
    assert.equal(await ed.saveWithKeys(b), 200, "B's save on top of A's");
    await ed.saved(b);
    const both = replaced(afterA, 'Kết hợp học tập', 'Phối hợp học tập');
    assertBytes(fs.readFileSync(file), both, "after B's second save");

    /* A, with nothing unsaved, notices the change on disk and shows it */
    await a.bringToFront();
    await h.waitFor("A's tab to show B's save", async () => {
      try { await ed.rowWith(a, 'p', 'Phối hợp học tập'); return true; } catch (e) { return false; }
    }, 15000, 250);
    assertBytes(fs.readFileSync(file), both, 'at the end');
    assert.deepEqual(a.pgErrors, [], 'no uncaught error in tab A');
    assert.deepEqual(b.pgErrors, [], 'no uncaught error in tab B');
  } catch (e) {
    e.message += '\nTAB A:\n' + h.explain(a, null) + '\nTAB B:\n' + h.explain(b, srv);
    throw e;
  } finally {
    await a.close();
    await b.close();
  }
});
