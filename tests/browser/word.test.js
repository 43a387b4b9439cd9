/* word.test.js - Word in the web editor (#16): a DOCX made by `plangen render
 * --format docx` is uploaded through the home page's "Nhập từ Word"; the
 * editor opens the new plan with its text and the import report; after an edit,
 * "Tải về Word" saves and downloads a DOCX that python-docx (Debian's
 * python3-docx) reads with the same title and the edit. Hooks: the comments at
 * the top of web/home.js and web/editor.js. */
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const h = require('./harness');
const ed = require('./editor-page');

const PLAN = 'so-khcn-tra-vinh-05-KH-2024.xml';
const SUMMARY = 'Triển khai hoạt động sở hữu trí tuệ trên địa bàn tỉnh năm 2024';
const SECTION = 'NHIỆM VỤ TRỌNG TÂM';
/* the name a clerk's file has: marks and spaces, made into ke-hoach-05-so-khcn.xml */
const UPLOAD = 'Kế hoạch 05 Sở KHCN.docx';
const MADE = 'ke-hoach-05-so-khcn.xml';

let tmp, srv, browser, docx;

h.serverAndBrowser('word', async (c) => {
  ({ tmp, srv, browser } = c);
  docx = path.join(tmp.dir, UPLOAD);
  /* the plan as a draft, without its number: the import asks for it */
  const draft = path.join(tmp.dir, 'draft.xml');
  fs.writeFileSync(draft, fs.readFileSync(path.join(srv.root, PLAN), 'utf8').replace(/\s*<number>[^<]*<\/number>/, ''));
  const r = h.plangenSync(['render', '--format', 'docx', draft, '-o', docx]);
  assert.equal(r.status, 0, 'plangen render --format docx: ' + r.stderr);
});

/* The paragraphs of a DOCX as python-docx reads them (body and table cells). */
function docxParagraphs(file) {
  const py = [
    'import docx, json, sys',
    'd = docx.Document(sys.argv[1])',
    'ps = [p.text for p in d.paragraphs]',
    'for t in d.tables:',
    '    for row in t.rows:',
    '        for cell in row.cells:',
    '            ps += [p.text for p in cell.paragraphs]',
    'print(json.dumps(ps))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, 'python-docx reads ' + file + ': ' + r.stderr);
  return JSON.parse(r.stdout);
}

test('"Nhập từ Word" makes a plan from a DOCX, the editor shows it and the report; "Tải về Word" saves and gives a DOCX', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#plans:not([aria-busy]) li.plan');
    await page.click('#import-word');
    await page.waitForSelector('#import-dialog[open]');
    const input = await page.$('#import-file');
    assert.equal(await input.evaluate((i) => i.accept.split(',').slice(0, 4).join(',')), '.docx,.odt,.txt,.md',
      'the picker offers Word, OpenDocument and text files');
    await input.uploadFile(docx);
    await page.select('#import-folder', '.');
    const shot = path.join(tmp.dir, 'import-panel.png');
    if (process.env.PLANGEN_BROWSER_SHOTS)
      await page.screenshot({ path: path.join(process.env.PLANGEN_BROWSER_SHOTS, 'import-dialog.png') });
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'domcontentloaded' }),
      page.click('#import-submit'),
    ]);
    assert.equal(new URL(page.url()).searchParams.get('path'), MADE, 'the editor opens the new plan, named after the file');
    await ed.editorShown(page);
    assert.ok(fs.existsSync(path.join(srv.root, MADE)), 'the new plan is on disk');

    /* the editor holds the plan's text: its title (trích yếu) and a section heading */
    assert.equal((await page.$eval('#f-summary', (e) => e.textContent)).trim(), SUMMARY, 'the title field');
    await ed.rowWith(page, 'section', SECTION);

    /* the report: word counts, what is left to fill */
    await page.waitForSelector('#import-report:not([hidden])');
    const words = await page.$eval('#import-words', (p) => ({ in: p.dataset.in, out: p.dataset.out, text: p.textContent }));
    assert.ok(Number(words.in) > 400, 'words in counted: ' + words.in);
    assert.equal(words.out, words.in, 'no word lost: ' + words.text);
    assert.match(words.text, /Không mất chữ nào/);
    const todo = await page.$$eval('#import-todo li', (ls) => ls.map((l) => l.textContent));
    assert.ok(todo.some((t) => /Số văn bản/.test(t)), 'the number is left to fill: ' + todo.join(' | '));
    await page.$eval('#import-report', (e) => e.scrollIntoView());
    const box = await page.$('#import-report');
    await box.screenshot({ path: shot });
    console.log('# screenshot of the import report: ' + shot);
    if (process.env.PLANGEN_BROWSER_SHOTS) {
      fs.copyFileSync(shot, path.join(process.env.PLANGEN_BROWSER_SHOTS, 'import-panel.png'));
      await page.screenshot({ path: path.join(process.env.PLANGEN_BROWSER_SHOTS, 'import-editor.png') });
    }
    assert.doesNotMatch(await page.$eval('#import-report', (e) => e.textContent), /null|undefined/, 'no empty value shown');

    /* dismissed, it stays dismissed */
    await page.click('#import-report-close');
    assert.equal(await page.$eval('#import-report', (e) => e.hidden), true, 'the report closes');
    await ed.gotoEditor(page, srv, MADE);
    assert.equal(await page.$eval('#import-report', (e) => e.hidden), true, 'and does not come back on reload');

    /* an unsaved edit, then "Tải về Word": saved first, then downloaded */
    const downloads = path.join(tmp.dir, 'downloads');
    fs.mkdirSync(downloads);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.focus('#f-summary');
    await page.keyboard.press('End');
    await page.keyboard.type(' bản Word');
    await page.waitForFunction(() => document.body.dataset.dirty === 'true');
    const answer = page.waitForResponse((r) => r.url().includes('/api/docx?'));
    await page.click('#docx');
    const r = await answer;
    assert.equal(r.status(), 200, 'GET /api/docx');
    assert.equal(r.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    await ed.saved(page);
    assert.match(fs.readFileSync(path.join(srv.root, MADE), 'utf8'), /năm 2024 bản Word(<\/b>)?<\/summary>/,
      'the edit was saved before the DOCX was made');
    const file = path.join(downloads, MADE.replace(/\.xml$/, '.docx'));
    await h.waitFor('the download of ' + file, () => fs.existsSync(file) && fs.statSync(file).size > 0, 20000);
    const paras = docxParagraphs(file);
    assert.ok(paras.includes(SUMMARY + ' bản Word'), 'python-docx reads the title with the edit: ' + paras.slice(0, 6).join(' | '));
    assert.ok(paras.some((p) => p.includes(SECTION)), 'and the section heading');
    assert.match(await ed.status(page), /Đã tải ke-hoach-05-so-khcn\.docx/);
  });
});

test('"Nhập từ Word" of a file that is not a document says why, stays on the page and writes nothing', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    const bad = path.join(tmp.dir, 'hỏng.docx');
    fs.writeFileSync(bad, 'PK\x03\x04 not really a zip');
    const before = fs.readdirSync(srv.root).sort();
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#plans:not([aria-busy]) li.plan');
    await page.click('#import-word');
    await page.waitForSelector('#import-dialog[open]');
    await (await page.$('#import-file')).uploadFile(bad);
    const answer = page.waitForResponse((r) => r.url().includes('/api/import?'));
    await page.click('#import-submit');
    assert.equal((await answer).status(), 422, 'POST /api/import refuses it');
    await page.waitForFunction(() => document.getElementById('import-error').textContent.length > 0);
    const msg = await page.$eval('#import-error', (e) => e.textContent);
    assert.match(msg, /Không đọc được tệp “hỏng\.docx”/, 'the reason, in Vietnamese: ' + msg);
    assert.match(msg, /ZIP|zip/, 'with the reader\'s own words: ' + msg);
    assert.equal(new URL(page.url()).pathname, '/', 'still on the home page');
    assert.deepEqual(fs.readdirSync(srv.root).sort(), before, 'no file written');
  });
});

test('"Tải Word" in a row of the home page downloads that plan as a DOCX', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    const downloads = path.join(tmp.dir, 'downloads-home');
    fs.mkdirSync(downloads);
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    const link = await page.waitForSelector(`#plans li.plan[data-path="${PLAN}"] a.docx`);
    assert.equal(await link.evaluate((a) => a.textContent), 'Tải Word');
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    if (process.env.PLANGEN_BROWSER_SHOTS) {
      const row = await page.$(`#plans li.plan[data-path="${PLAN}"]`);
      await row.screenshot({ path: path.join(process.env.PLANGEN_BROWSER_SHOTS, 'home-row.png') });
    }
    await link.click();
    const file = path.join(downloads, PLAN.replace(/\.xml$/, '.docx'));
    await h.waitFor('the download of ' + file, () => fs.existsSync(file) && fs.statSync(file).size > 0, 20000);
    const paras = docxParagraphs(file);
    assert.ok(paras.includes(SUMMARY), 'python-docx reads its title: ' + paras.slice(0, 6).join(' | '));
  });
});

test('"Nhập từ Word" by keyboard alone: Tab reaches it, Enter opens the dialog with the focus inside, Escape closes it', async () => {
  const page = await h.newPage(browser);
  await h.onPage(page, srv, async () => {
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('#plans:not([aria-busy]) li.plan');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'import-word');
    }
    assert.ok(reached, 'Tab reaches "Nhập từ Word"');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#import-dialog[open]');
    assert.ok(await page.evaluate(() => document.getElementById('import-dialog').contains(document.activeElement)),
      'the focus is inside the dialog');
    /* every control of the dialog is reached by Tab, the file picker among them */
    const seen = new Set();
    for (let i = 0; i < 12; i++) {
      seen.add(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
      await page.keyboard.press('Tab');
    }
    assert.ok(seen.has('import-file') && seen.has('import-folder') && seen.has('import-submit'),
      'Tab reaches the file, the folder and the button: ' + [...seen].join(' '));
    if (process.env.PLANGEN_BROWSER_SHOTS)
      await page.screenshot({ path: path.join(process.env.PLANGEN_BROWSER_SHOTS, 'import-dialog-keyboard.png') });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('import-dialog').open);
  });
});
