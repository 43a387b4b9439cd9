/* home.test.js - the home page (/): the plans as a tree of units with their
 * findings counts; "Kế hoạch mới" from the template with its parameters creates
 * a file and opens it in the editor; "Xây dựng kế hoạch thực hiện" derives a
 * child of a plan. Hooks: the comment at the top of web/home.js. */
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');
const ed = require('./editor-page');

let tmp, srv, browser, api;

h.serverAndBrowser('home', async (c) => {
  ({ tmp, srv, browser } = c);
  api = new h.Client(srv.url);
  await api.session();
});

/* Opens the home page and waits for the tree (or the empty state). */
async function openHome() {
  const page = await h.newPage(browser);
  await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#plans:not([aria-busy]) li.plan, #plans:not([aria-busy]) .empty');
  return page;
}

/* Types into a text field the way a user does: focus, select all, type. */
async function fill(page, selector, value) {
  await page.focus(selector);
  await page.$eval(selector, (e) => e.select && e.select());
  await page.keyboard.press('Backspace');
  await page.type(selector, value);
}

/* A date or select field: typing a date depends on the browser's locale, so the
 * value is set and the events a user's change fires are sent. */
async function setValue(page, selector, value) {
  await page.$eval(selector, (e, v) => {
    e.value = v;
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
  assert.equal(await page.$eval(selector, (e) => e.value), value, selector + ' takes ' + value);
}

test('the home page lists the plans as a tree with their findings counts', async () => {
  const page = await openHome();
  await h.onPage(page, srv, async () => {
    const listed = (await api.request('GET', '/api/plans')).data;
    assert.ok(Array.isArray(listed.plans) && listed.plans.length >= 7, 'GET /api/plans lists the plans of the copy');
    const rows = await page.$$eval('#plans li.plan', (ls) => ls.map((l) => {
      const f = l.querySelector('.findings');
      const det = l.closest('details.folder');
      const chain = [];
      for (let d = det; d; d = d.parentElement && d.parentElement.closest('details.folder')) chain.push(d.dataset.folder);
      return {
        path: l.dataset.path,
        title: (l.querySelector('.plan-title') || {}).textContent || '',
        errors: f ? Number(f.dataset.errors) : null,
        warnings: f ? Number(f.dataset.warnings) : null,
        findingsText: f ? f.textContent.trim() : '',
        folders: chain,
        visible: !!(l.offsetWidth || l.offsetHeight),
      };
    }));
    assert.deepEqual(rows.map((r) => r.path).sort(), listed.plans.map((p) => p.path).sort(), 'one row per plan');
    for (const p of listed.plans) {
      const r = rows.find((x) => x.path === p.path);
      assert.ok(r.visible, p.path + ': its row is shown');
      assert.ok(r.title.trim().length > 0, p.path + ': its row has a title');
      assert.equal(r.errors, p.errors, p.path + ': errors count');
      assert.equal(r.warnings, p.warnings, p.path + ': warnings count');
      if (p.errors) assert.match(r.findingsText, new RegExp(p.errors + ' lỗi'), p.path + ': errors shown');
      if (p.warnings) assert.match(r.findingsText, new RegExp(p.warnings + ' cảnh báo'), p.path + ': warnings shown');
      if (!p.errors && !p.warnings) assert.match(r.findingsText, /Không có lỗi/, p.path + ': "no error" shown');
      /* a tree: the row sits in its folder's node, inside every folder above it, up to the root "" */
      const folder = p.path.includes('/') ? p.path.slice(0, p.path.lastIndexOf('/')) : '';
      assert.equal(r.folders[0], folder, p.path + ': in its folder');
      assert.equal(r.folders[r.folders.length - 1], '', p.path + ': under the root');
      assert.equal(r.folders.length, folder === '' ? 1 : folder.split('/').length + 1, p.path + ': nesting');
    }
    /* the copy holds sub-folders: the tree really has more than one level */
    assert.ok(rows.some((r) => r.folders.length > 1), 'some plans sit in sub-folders (units)');
    /* derived plans name their parent */
    const child = listed.plans.find((p) => p.derives_from);
    if (child) {
      const text = await page.$eval(`li.plan[data-path="${child.path}"] .derives`, (e) => e.textContent);
      assert.match(text, /Thực hiện kế hoạch/);
    }
    await page.screenshot({ path: path.join(tmp.dir, 'home.png'), fullPage: true });
  });
});

test('"Kế hoạch mới" from the template with its parameters creates a file and opens it', async () => {
  const page = await openHome();
  await h.onPage(page, srv, async () => {
    const templates = (await api.request('GET', '/api/templates')).data.templates;
    const t = templates.find((x) => x.name.includes('sinh-hoat-chi-bo'));
    assert.ok(t, 'GET /api/templates lists sinh-hoat-chi-bo: ' + JSON.stringify(templates));
    await page.click('#new-plan');
    await page.waitForSelector('#new-dialog[open]');
    const radio = `#new-sources input[name=source][value="${t.name}"]`;
    await page.waitForSelector(radio);
    await page.click(radio);
    await page.waitForSelector('#new-params:not([hidden]) #new-params-list input[data-key]');
    const values = {
      don_vi: 'CHI BỘ PHÒNG THỬ NGHIỆM', ten_goi: 'Chi bộ Phòng Thử nghiệm', so: '17',
      ngay: '2023-04-05', bi_thu: 'Nguyễn Văn Thử', han_quan_triet: '2023-04-26',
      ghi_chu_quan_triet: 'trước ngày 26/4/2023', han_bao_cao: '2023-06-02',
      ghi_chu_bao_cao: 'trước ngày 02/6/2023',
    };
    const keys = await page.$$eval('#new-params-list input[data-key]', (l) => l.map((i) => ({ key: i.dataset.key, type: i.type, id: i.id })));
    for (const p of t.params)
      assert.ok(keys.some((k) => k.key === p.key), 'a field for parameter ' + p.key);
    for (const k of keys) {
      if (!(k.key in values)) continue;
      if (k.type === 'date') await setValue(page, '#' + k.id, values[k.key]);
      else await fill(page, '#' + k.id, values[k.key]);
    }
    await setValue(page, '#new-folder', 'chi-bo-hung-yen');
    await fill(page, '#new-file', 'chi-bo-phong-thu-nghiem-2023.xml');
    await page.screenshot({ path: path.join(tmp.dir, 'home-new.png') });
    const nav = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
    await page.click('#new-submit');
    await Promise.race([nav, page.waitForSelector('#new-error p').then(async () => {
      throw new Error('the form says: ' + await page.$eval('#new-error', (e) => e.textContent));
    })]);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/edit');
    assert.equal(url.searchParams.get('path'), 'chi-bo-hung-yen/chi-bo-phong-thu-nghiem-2023.xml');
    const file = path.join(srv.root, 'chi-bo-hung-yen', 'chi-bo-phong-thu-nghiem-2023.xml');
    assert.ok(fs.existsSync(file), 'the new plan is on disk');
    const xml = fs.readFileSync(file, 'utf8');
    assert.ok(!xml.includes('${'), 'every parameter filled');
    for (const v of ['CHI BỘ PHÒNG THỬ NGHIỆM', 'Chi bộ Phòng Thử nghiệm', '<number>17</number>', '2023-04-05', 'Nguyễn Văn Thử'])
      assert.ok(xml.includes(v), 'the file holds ' + v);
    /* the editor opened it: its form shows the plan's values, its preview its pages */
    await page.waitForSelector('#outline [role=treeitem]');
    assert.equal(await page.$eval('#plan-path', (e) => e.textContent), 'chi-bo-hung-yen/chi-bo-phong-thu-nghiem-2023.xml');
    assert.equal((await page.$eval('#f-issuer', (e) => e.textContent)).trim(), 'CHI BỘ PHÒNG THỬ NGHIỆM');
    await ed.previewReady(page);
    const check = h.plangenSync(['check', '--root', srv.root, file]);
    assert.equal(check.status, 0, 'plangen check passes the new plan:\n' + check.stderr);
    const listed = (await api.request('GET', '/api/plans')).data.plans;
    assert.ok(listed.some((p) => p.path === 'chi-bo-hung-yen/chi-bo-phong-thu-nghiem-2023.xml'), 'GET /api/plans lists it');
    await page.screenshot({ path: path.join(tmp.dir, 'editor-new.png') });
  });
});

test('"Xây dựng kế hoạch thực hiện" derives a child of the chosen plan', async () => {
  const page = await openHome();
  await h.onPage(page, srv, async () => {
    const parent = h.HUNG_YEN;
    const button = `#plans li.plan[data-path="${parent}"] button.derive`;
    await page.waitForSelector(button);
    await page.click(button);
    await page.waitForSelector('#derive-dialog[open]');
    /* the parts the child inherits are listed */
    await page.waitForSelector('#derive-sections li[data-kind]');
    await fill(page, '#derive-issuer', 'CHI BỘ VĂN PHÒNG THỬ NGHIỆM');
    await fill(page, '#derive-parent-body', 'ĐẢNG BỘ KHỐI CƠ QUAN - DOANH NGHIỆP TỈNH');
    await fill(page, '#derive-symbol', 'CB');
    await setValue(page, '#derive-date', '2023-04-06');
    await setValue(page, '#derive-folder', 'chi-bo-hung-yen');
    await fill(page, '#derive-file', 'chi-bo-van-phong-thu-nghiem-2023.xml');
    const nav = page.waitForNavigation({ waitUntil: 'domcontentloaded' });
    await page.click('#derive-submit');
    await Promise.race([nav, page.waitForSelector('#derive-error p').then(async () => {
      throw new Error('the form says: ' + await page.$eval('#derive-error', (e) => e.textContent));
    })]);
    const rel = 'chi-bo-hung-yen/chi-bo-van-phong-thu-nghiem-2023.xml';
    const url = new URL(page.url());
    assert.equal(url.pathname, '/edit');
    assert.equal(url.searchParams.get('path'), rel);
    const file = path.join(srv.root, rel);
    assert.ok(fs.existsSync(file), 'the child is on disk');
    const xml = fs.readFileSync(file, 'utf8');
    assert.match(xml, /derives-from="\.\.\/hung-yen-duk-sinh-hoat-chinh-tri-2023\.xml"/, 'it derives from the chosen plan');
    assert.ok(xml.includes('CHI BỘ VĂN PHÒNG THỬ NGHIỆM'), 'its issuer');
    assert.ok(xml.includes('2023-04-06'), 'its date');
    await page.waitForSelector('#outline [role=treeitem]');
    assert.equal(await page.$eval('#plan-path', (e) => e.textContent), rel);
    assert.equal((await page.$eval('#f-issuer', (e) => e.textContent)).trim(), 'CHI BỘ VĂN PHÒNG THỬ NGHIỆM');
    /* what it inherits is shown as inherited rows */
    await page.waitForSelector('#outline [role=treeitem].inherited');
    await ed.previewReady(page);
    await page.screenshot({ path: path.join(tmp.dir, 'editor-derived.png') });
    const listed = (await api.request('GET', '/api/plans')).data.plans;
    const child = listed.find((p) => p.path === rel);
    assert.ok(child, 'GET /api/plans lists the child');
    assert.equal(child.derives_from, parent, 'and names its parent');
    /* back home: the child's row names its parent */
    await page.goto(srv.url, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector(`#plans li.plan[data-path="${rel}"] .derives`);
    const text = await page.$eval(`#plans li.plan[data-path="${rel}"] .derives`, (e) => e.textContent);
    assert.match(text, /Thực hiện kế hoạch/);
    await page.screenshot({ path: path.join(tmp.dir, 'home-derived.png'), fullPage: true });
  });
});
