/* keyboard.test.js - the outline editor used with the keyboard alone (the keys
 * documented at the top of web/editor.js: ↑/↓ rows, Alt+↑/↓ move, Tab/Shift+Tab
 * indent/outdent, Enter edit, Esc back to the row, Ctrl+S save), each step
 * checked in the saved file; and every form field of the editor and of the home
 * page has an accessible name. */
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');
const ed = require('./editor-page');

const HY = h.HUNG_YEN;
let tmp, srv, browser;

h.serverAndBrowser('keyboard', (c) => ({ tmp, srv, browser } = c));

async function press(page, key, ...mods) {
  for (const m of mods) await page.keyboard.down(m);
  await page.keyboard.press(key);
  for (const m of mods.reverse()) await page.keyboard.up(m);
}

/* The section muc-dich-yeu-cau of the file: the <item> elements directly in
 * "Mục đích" (in order), those directly in part I after it, and the bytes of
 * the file outside part I. */
function partOne(text) {
  const start = text.indexOf('<section id="muc-dich-yeu-cau"');
  const end = text.indexOf('<section id="noi-dung"');
  assert.ok(start > 0 && end > start, 'part I and part II are in the file');
  const part = text.slice(start, end);
  const md = /<section id="muc-dich"[^>]*>([\s\S]*?)<\/section>/.exec(part);
  assert.ok(md, '"Mục đích" is in part I');
  const items = (s) => [...s.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => m[1]);
  const afterMd = part.slice(md.index + md[0].length, part.indexOf('<section id="yeu-cau"'));
  return { inMucDich: items(md[1]), betweenMucDichAndYeuCau: items(afterMd), outside: text.slice(0, start) + text.slice(end) };
}

const short = (s) => s.slice(0, 12);

test('the outline editor works with the keyboard alone, and each step is saved', async () => {
  const file = path.join(srv.root, HY);
  const original = fs.readFileSync(file, 'utf8');
  const p0 = partOne(original);
  const [giup, tao, nang] = p0.inMucDich;
  assert.deepEqual([giup, tao, nang].map(short), ['Giúp cán bộ,', 'Tạo sự thống', 'Nâng cao ý t'], 'the items of "Mục đích"');
  const page = await ed.openEditor(browser, srv, HY);
  await h.onPage(page, srv, async () => {
    const first = await ed.previewPages(page);
    /* from the top of the page, Tab until a row of the outline has the focus */
    await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.focus(); });
    let row = null;
    for (let i = 0; i < 400 && !(row && row.onRow); i++) {
      await press(page, 'Tab');
      row = await ed.focusedRow(page);
    }
    assert.ok(row && row.onRow, 'Tab reaches the outline');
    assert.equal(row.kind, 'section');
    assert.match(row.text, /MỤC ĐÍCH, YÊU CẦU/, 'the first row of the outline');

    /* ↓ ↓: the first item of "Mục đích" */
    await press(page, 'ArrowDown');
    row = await ed.focusedRow(page);
    assert.deepEqual([row.kind, row.level, row.text], ['section', 2, 'Mục đích']);
    await press(page, 'ArrowDown');
    row = await ed.focusedRow(page);
    assert.equal(row.kind, 'item');
    assert.equal(row.level, 3);
    assert.ok(row.text.startsWith('Giúp cán bộ'), 'on the first item: ' + row.text);

    const check = async (what, want) => {
      assert.equal(await ed.saveWithKeys(page), 200, what + ': saved');
      await ed.saved(page);
      const now = partOne(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(now.inMucDich.map(short), want.inMucDich.map(short), what + ': the items of "Mục đích"');
      assert.deepEqual(now.inMucDich, want.inMucDich, what + ': their text');
      assert.deepEqual(now.betweenMucDichAndYeuCau, want.between, what + ': items of part I after "Mục đích"');
      assert.equal(now.outside, p0.outside, what + ': the rest of the file is unchanged');
      const f = await ed.focusedRow(page);
      assert.ok(f && f.onRow, what + ': the focus stays on the row');
      assert.ok(f.text.startsWith(want.focus), what + ': on the moved row (' + (f && f.text.slice(0, 20)) + ')');
    };

    /* Alt+↓: the item moves below the next one */
    await press(page, 'ArrowDown', 'Alt');
    await check('Alt+↓', { inMucDich: [tao, giup, nang], between: [], focus: 'Giúp cán bộ' });

    /* Alt+↑: back up */
    await press(page, 'ArrowUp', 'Alt');
    await check('Alt+↑', { inMucDich: [giup, tao, nang], between: [], focus: 'Giúp cán bộ' });

    /* Shift+Tab: out of "Mục đích", into part I after it */
    await press(page, 'Tab', 'Shift');
    row = await ed.focusedRow(page);
    assert.equal(row.level, 2, 'Shift+Tab: one level up');
    await check('Shift+Tab', { inMucDich: [tao, nang], between: [giup], focus: 'Giúp cán bộ' });

    /* Tab: into the section above it ("Mục đích"), at its end */
    await press(page, 'Tab');
    row = await ed.focusedRow(page);
    assert.equal(row.level, 3, 'Tab: one level down');
    await check('Tab', { inMucDich: [tao, nang, giup], between: [], focus: 'Giúp cán bộ' });

    /* Enter: edit the row's text; Ctrl+End, type; Esc: back to the row */
    await press(page, 'Enter');
    assert.ok(await page.evaluate(() => document.activeElement.isContentEditable), 'Enter: the text is being edited');
    await press(page, 'End', 'Control');
    await page.keyboard.type(' Thực hiện nghiêm túc.');
    await press(page, 'Escape');
    row = await ed.focusedRow(page);
    assert.ok(row.onRow, 'Esc: back on the row');
    await check('Enter, typing, Esc', { inMucDich: [tao, nang, giup + ' Thực hiện nghiêm túc.'], between: [], focus: 'Giúp cán bộ' });

    /* Alt+Enter: a new item after this one, its text being edited; type, Esc */
    const edited = giup + ' Thực hiện nghiêm túc.';
    await press(page, 'Enter', 'Alt');
    await page.waitForFunction(() => document.activeElement.isContentEditable &&
      document.activeElement.closest('[role=treeitem][data-kind=item]'));
    await page.keyboard.type('Mục mới thêm bằng bàn phím.');
    await press(page, 'Escape');
    await check('Alt+Enter, typing, Esc', { inMucDich: [tao, nang, edited, 'Mục mới thêm bằng bàn phím.'], between: [], focus: 'Mục mới' });

    /* Delete: the row goes */
    await press(page, 'Delete');
    assert.equal(await ed.saveWithKeys(page), 200, 'Delete: saved');
    await ed.saved(page);
    assert.deepEqual(partOne(fs.readFileSync(file, 'utf8')).inMucDich, [tao, nang, edited], 'Delete: the new item is gone');
    assert.equal(partOne(fs.readFileSync(file, 'utf8')).outside, p0.outside, 'Delete: the rest of the file is unchanged');

    /* the preview catches up with the edits (page 1 shows part I's new order) */
    const shown = await ed.previewReady(page, first);
    assert.notEqual(shown[0].hash, first[0].hash, 'page 1 of the preview changed');
    await page.screenshot({ path: path.join(tmp.dir, 'editor-keyboard.png') });
  });
});

/* Every shown form field (input, select, textarea, contenteditable) under
 * `scope` with no accessible name, as chromium's accessibility tree computes it
 * (label for=, aria-label, aria-labelledby, title...): {shown, bad: [{tag, id, html}]}. */
async function unnamedFields(page, scope = 'body') {
  const cdp = await page.createCDPSession();
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const names = new Map();
    for (const n of nodes) {
      if (n.backendDOMNodeId === undefined) continue;
      names.set(n.backendDOMNodeId, { name: n.name && n.name.value ? String(n.name.value).trim() : '', ignored: !!n.ignored });
    }
    /* the shown fields, handed to this session through a page global */
    const shown = await page.evaluate((scope) => {
      window.__pgFields = [...document.querySelectorAll(scope + ' :is(input:not([type=hidden]), select, textarea, [contenteditable]:not([contenteditable=false]))')]
        .filter((e) => (e.checkVisibility ? e.checkVisibility() : !!(e.offsetWidth || e.offsetHeight)));
      return window.__pgFields.length;
    }, scope);
    const bad = [];
    for (let i = 0; i < shown; i++) {
      const { result } = await cdp.send('Runtime.evaluate', { expression: 'window.__pgFields[' + i + ']' });
      const { node } = await cdp.send('DOM.describeNode', { objectId: result.objectId });
      const ax = names.get(node.backendNodeId);
      if (!ax || ax.ignored || !ax.name) {
        const why = !ax ? 'not in the accessibility tree' : ax.ignored ? 'ignored by the accessibility tree' : 'no name';
        bad.push(await page.evaluate((i, why) => {
          const e = window.__pgFields[i];
          return { tag: e.tagName.toLowerCase(), id: e.id, why, html: e.outerHTML.slice(0, 160) };
        }, i, why));
      }
    }
    await page.evaluate(() => { delete window.__pgFields; });
    return { shown, bad };
  } finally {
    await cdp.detach();
  }
}

test('every form field of the editor and of the home page has an accessible name', async () => {
  const pages = [];
  try {
    /* the editor on a plan with tables and one derived from another */
    for (const rel of [HY, 'tra-vinh-duk-60-KH-2022.xml', 'chi-bo-hung-yen/chi-bo-so-khcn-2023.xml']) {
      const page = await ed.openEditor(browser, srv, rel);
      pages.push(page);
      const r = await unnamedFields(page);
      assert.ok(r.shown > 10, rel + ': the editor shows its fields (' + r.shown + ')');
      assert.deepEqual(r.bad, [], rel + ': fields without a name');
    }
    /* the home page, with each dialog open */
    const home = await h.newPage(browser);
    pages.push(home);
    await home.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await home.waitForSelector('#plans li.plan');
    let r = await unnamedFields(home);
    assert.deepEqual(r.bad, [], 'home page: fields without a name');
    await home.click('#new-plan');
    await home.waitForSelector('#new-dialog[open] #new-sources input[name=source]');
    for (const radio of await home.$$('#new-sources input[name=source]')) {
      await radio.click();
      r = await unnamedFields(home, '#new-dialog');
      assert.deepEqual(r.bad, [], 'new plan dialog: fields without a name');
    }
    await home.keyboard.press('Escape');
    await home.waitForSelector('#new-dialog', { hidden: true });
    await home.click(`#plans li.plan[data-path="${HY}"] button.derive`);
    await home.waitForSelector('#derive-dialog[open]');
    r = await unnamedFields(home, '#derive-dialog');
    assert.ok(r.shown >= 6, 'derive dialog: its fields are shown');
    assert.deepEqual(r.bad, [], 'derive dialog: fields without a name');
  } catch (e) {
    e.message += '\n' + h.explain(pages[pages.length - 1], srv);
    throw e;
  } finally {
    for (const p of pages) await p.close();
  }
});
