/* editor-page.js - driving the editor page (/edit?path=P) from the tests, through
 * the hooks listed at the top of web/editor.js: #outline rows
 * li[role=treeitem][data-node-id][data-kind], #preview[data-state] with
 * img[data-page][data-hash], #save, #dirty and body[data-dirty], #conflict,
 * #pg-status. */
'use strict';

const assert = require('node:assert/strict');
const h = require('./harness');

/* Opens the editor on plan rel and waits until its outline is drawn and the
 * first preview is shown. */
async function openEditor(browser, srv, rel) {
  const page = await h.newPage(browser);
  await gotoEditor(page, srv, rel);
  return page;
}

/* Takes page to the editor on plan rel and waits as openEditor does. */
async function gotoEditor(page, srv, rel) {
  await page.goto(srv.url + 'edit?path=' + encodeURIComponent(rel), { waitUntil: 'domcontentloaded' });
  await editorShown(page);
}

/* Waits until the editor page's outline is drawn and its preview shown. */
async function editorShown(page) {
  await page.waitForSelector('#outline [role=treeitem]');
  await previewReady(page);
}

/* The preview's pages as the page shows them. */
function previewPages(page) {
  return page.$$eval('#preview img[data-page]', (imgs) => imgs.map((i) => ({
    n: Number(i.dataset.page), hash: i.dataset.hash, src: i.getAttribute('src') || '',
    loaded: i.complete && i.naturalWidth > 0,
  })));
}

/* Waits until the preview is ready and every page image is loaded and shows its
 * own hash; with `changedFrom` (an earlier previewPages()), also until some page
 * differs from it. Resolves to previewPages(). */
async function previewReady(page, changedFrom, ms = 20000) {
  let seen = '';
  return h.waitFor(() => 'the preview' + (changedFrom ? ' to change' : '') + ' (last seen: ' + seen + ')', async () => {
    seen = await page.evaluate(() => JSON.stringify({
      state: document.getElementById('preview').dataset.state,
      pages: [...document.querySelectorAll('#preview img[data-page]')].map((i) => [i.dataset.page, (i.dataset.hash || '').slice(0, 8), i.complete, i.naturalWidth]),
      findings: document.getElementById('findings').textContent.slice(0, 300),
    })).catch((e) => String(e));
    const state = await page.$eval('#preview', (p) => p.dataset.state);
    if (state === 'error') throw new Error('the preview is in error: ' + await page.$eval('#findings', (f) => f.textContent));
    if (state !== 'ready') return null;
    const pages = await previewPages(page);
    if (!pages.length && await page.$('#findings .sev-error'))
      throw Object.assign(new Error('the preview has no page, and errors: ' + JSON.parse(seen).findings), { fatal: true });
    if (!pages.length || !pages.every((p) => p.loaded && p.src.includes(p.hash))) return null;
    if (changedFrom && pages.length === changedFrom.length && pages.every((p, i) => p.hash === changedFrom[i].hash)) return null;
    return pages;
  }, ms);
}

/* The outline row (an ElementHandle) of kind `kind` whose own text or title
 * contains `text`. */
async function rowWith(page, kind, text) {
  const handle = await page.evaluateHandle((kind, text) => {
    for (const li of document.querySelectorAll(`#outline [role=treeitem][data-kind="${kind}"]`)) {
      const head = li.querySelector(':scope > .row-head');
      const ed = head && head.querySelector('[contenteditable]');
      const title = head && head.querySelector('input.title');
      if ((ed && ed.textContent.includes(text)) || (title && title.value.includes(text))) return li;
    }
    return null;
  }, kind, text);
  const el = handle.asElement();
  assert.ok(el, `an outline row ${kind} with "${text}"`);
  return el;
}

/* Selects `word` inside the row's editable text, as a double-click on it would,
 * and focuses that editable. */
async function selectWord(page, row, word) {
  const ok = await row.evaluate((li, word) => {
    const ed = li.querySelector(':scope > .row-head [contenteditable]');
    if (!ed) return false;
    const walker = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(word);
      if (i < 0) continue;
      ed.focus();
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + word.length);
      const s = window.getSelection();
      s.removeAllRanges();
      s.addRange(r);
      return true;
    }
    return false;
  }, word);
  assert.ok(ok, `the word "${word}" in the row`);
}

/* Saves with Ctrl+S and waits for the server's answer; resolves to its status. */
async function saveWithKeys(page) {
  const answer = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/plan?'));
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyS');
  await page.keyboard.up('Control');
  const r = await answer;
  return r.status();
}

/* Waits for the editor to call the plan saved. */
async function saved(page) {
  await page.waitForFunction(() => document.body.dataset.dirty === 'false' &&
    document.getElementById('dirty').textContent === 'Đã lưu' && !document.getElementById('save').disabled);
}

/* The text of the status line (common.js's PG.say). */
function status(page) {
  return page.$eval('#pg-status', (s) => s.textContent).catch(() => '');
}

/* The row that has the keyboard focus: its kind and its text or title. */
function focusedRow(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    const li = a && a.closest && a.closest('[role=treeitem]');
    if (!li) return null;
    const head = li.querySelector(':scope > .row-head');
    const ed = head && head.querySelector('[contenteditable]');
    const title = head && head.querySelector('input.title');
    return {
      onRow: a === li, kind: li.dataset.kind, level: Number(li.getAttribute('aria-level')),
      text: ed ? ed.textContent : title ? title.value : '',
    };
  });
}

module.exports = { openEditor, gotoEditor, editorShown, previewPages, previewReady, rowWith, selectWord, saveWithKeys, saved, status, focusedRow };
