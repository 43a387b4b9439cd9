/* home.js - the home page (/) of `plangen serve`: the plans of the root as a
 * tree of units (folders), the "new plan" and "derive" forms.
 *
 * Stable hooks for tests:
 *   #user-box, #user-name, #logout      who is logged in; "Đăng xuất"
 *   #search                             filters rows by title / number / symbol
 *   #new-plan                           button "Kế hoạch mới" (opens #new-dialog)
 *   #import-word                        button "Nhập từ Word" (opens #import-dialog)
 *   #plans                              the tree; #plans-count the count line
 *     details.folder[data-folder=F]     one unit (F: folder, "" for the root)
 *     li.plan[data-path=P]              one plan row, with:
 *       .plan-title, .plan-symbol, .plan-date, .findings[data-errors][data-warnings],
 *       .derives (when derives_from is set),
 *       a.open  "Mở" (writable) / "Xem" (read-only) -> /edit?path=P
 *       a.pdf   "Tải PDF" -> /api/pdf?path=P
 *       a.docx  "Tải Word" -> /api/docx?path=P
 *       button.derive "Xây dựng kế hoạch thực hiện" (opens #derive-dialog)
 *     #plans .empty                     the empty state
 *   #new-dialog, #new-form: input[name=source] (value "" = "Kế hoạch trống",
 *     else a template's name), #new-style (blank only), #new-params-list with
 *     inputs #param-KEY, #new-folder, #new-file, #new-error, #new-submit "Tạo kế hoạch"
 *   #derive-dialog, #derive-form: #derive-issuer, #derive-parent-body,
 *     #derive-symbol, #derive-date, #derive-folder, #derive-file,
 *     #derive-sections (li[data-kind=inherited|own]), #derive-error,
 *     #derive-submit "Tạo kế hoạch thực hiện"
 *   #import-dialog, #import-form: #import-file (file picker: .docx, .odt, .txt,
 *     .md), #import-folder, #import-error, #import-submit "Nhập kế hoạch"; on
 *     success the editor opens the new plan with its import report (editor.js)
 *   Buttons "Hủy" in dialogs carry [data-close].
 */
'use strict';

const Home = {
  plans: [],        // from GET /api/plans
  root: '',         // the root's name
  templates: null,  // from GET /api/templates (loaded on first use)
  deriveParent: null,
  xmlCache: new Map(),
};

/* ---------- small helpers ---------- */

const $ = (id) => document.getElementById(id);
const el = (...a) => PG.el(...a);

/* The folder of a plan: "" for the root ("." and missing folders too). */
function folderOf(p) {
  let f = p.folder;
  if (f === undefined || f === null) {
    const i = p.path.lastIndexOf('/');
    f = i < 0 ? '' : p.path.slice(0, i);
  }
  return f === '.' ? '' : f.replace(/\/+$/, '');
}

/* A folder as the API names it: "." for the root. */
function apiFolder(f) { return f === '' ? '.' : f; }

function folderLabel(f) {
  return f === '' ? (Home.root ? Home.root + ' (thư mục gốc)' : 'Thư mục gốc') : f;
}

/* YYYY-MM-DD -> dd/mm/yyyy (other text is returned as is). */
function viDate(d) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (d || '');
}

function today() {
  const d = new Date();
  const z = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}`;
}

/* Vietnamese text -> ASCII words: "Chi bộ Sở KH&CN" -> "chi bo so kh cn". */
function fold(s) {
  return String(s || '')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/* A file-name slug: "Chi bộ Sở KH&CN" -> "chi-bo-so-kh-cn" (at most 60 characters). */
function slug(s) {
  return fold(s).replace(/ /g, '-').slice(0, 60).replace(/-+$/, '');
}

/* The summary as a title: first letter upper case. */
function titleOf(p) {
  const t = (p.title || '').trim();
  return t ? t[0].toLocaleUpperCase('vi') + t.slice(1) : '(Chưa có trích yếu)';
}

/* "Số 95 · ĐUK": the register number and the symbol, as the list gives them. */
function symbolOf(p) {
  const n = p.number ? String(p.number) : '';
  const s = p.symbol ? String(p.symbol) : '';
  if (s && /(^|[-/])KH([-/]|$)/.test(s)) return n && !s.startsWith(n) ? `${n}-${s}` : s; // already a full số/ký hiệu
  if (n && s) return `Số ${n} · ${s}`;
  if (s) return `Chưa vào số · ${s}`;
  return n ? `Số ${n}` : 'Chưa vào số';
}

/* A parameter whose name says it holds a date: ngay, ngay_ky, han_bao_cao, date... */
function isDateKey(k) {
  return /(^|[_.-])(ngay|han|date|deadline)([_.-]|$)/i.test(k) || /date$/i.test(k);
}

/* Vietnamese label for a template key ("han_bao_cao" -> "Hạn báo cáo"). */
const KEY_LABELS = {
  don_vi: 'Đơn vị (viết hoa như khi in)', ten_goi: 'Tên gọi khi trích dẫn', so: 'Số văn bản',
  ngay: 'Ngày ban hành', bi_thu: 'Bí thư (người ký)', han_quan_triet: 'Hạn quán triệt',
  han_bao_cao: 'Hạn báo cáo', ghi_chu_quan_triet: 'Ghi chú thời hạn quán triệt',
  ghi_chu_bao_cao: 'Ghi chú thời hạn báo cáo', to_chuc_hoi_thao: 'Có tổ chức tọa đàm',
  co_quan: 'Cơ quan', ky_hieu: 'Ký hiệu', nguoi_ky: 'Người ký', dia_danh: 'Địa danh',
};
function keyLabel(k) {
  if (KEY_LABELS[k]) return KEY_LABELS[k];
  const t = k.replace(/[_.-]+/g, ' ').trim();
  return t ? t[0].toUpperCase() + t.slice(1) : k;
}

/* The folders the session may write: the `write` list and, under them, the
 * folders seen in the plan list. Internal form ("" for the root). */
function writableFolders() {
  const w = ((PG.session && PG.session.write) || []).map((f) => (f === '.' ? '' : f.replace(/\/+$/, '')));
  const under = (f) => w.some((x) => x === '' || f === x || f.startsWith(x + '/'));
  const set = new Set(w);
  for (const p of Home.plans) {
    const f = folderOf(p);
    if (under(f)) set.add(f);
  }
  return [...set].sort((a, b) => a.localeCompare(b));
}

function fillFolderSelect(sel, preferred) {
  sel.replaceChildren();
  const fs = writableFolders();
  for (const f of fs) sel.append(el('option', { value: apiFolder(f) }, folderLabel(f)));
  if (preferred !== undefined && fs.includes(preferred)) sel.value = apiFolder(preferred);
  return fs.length > 0;
}

/* Findings (422 answers) as a list. */
function findingsList(findings) {
  const ul = el('ul', { class: 'findings-list' });
  for (const f of findings || []) {
    const where = f.line ? ` (dòng ${f.line}${f.col ? ', cột ' + f.col : ''})` : '';
    const sev = f.severity === 'error' ? 'Lỗi' : f.severity === 'warning' ? 'Cảnh báo' : 'Ghi chú';
    ul.append(el('li', { class: 'sev-' + (f.severity || 'note') },
      el('strong', {}, sev + where + ': '), f.message || '',
      f.hint ? el('div', { class: 'hint' }, f.hint) : null));
  }
  return ul;
}

function showError(box, r, fallback) {
  box.replaceChildren();
  const msg = (r && r.data && r.data.error) || fallback;
  box.append(el('p', {}, msg));
  if (r && r.data && Array.isArray(r.data.findings) && r.data.findings.length)
    box.append(findingsList(r.data.findings));
}

/* ---------- the plan tree ---------- */

function findingsBadge(p) {
  const e = Number(p.errors) || 0, w = Number(p.warnings) || 0;
  const span = el('span', { class: 'findings', 'data-errors': e, 'data-warnings': w });
  if (!e && !w) {
    span.classList.add('ok');
    span.textContent = 'Không có lỗi';
    return span;
  }
  if (e) span.append(el('span', { class: 'errors' }, `${e} lỗi`));
  if (w) span.append(el('span', { class: 'warnings' }, `${w} cảnh báo`));
  return span;
}

function rowId(path) { return 'row-' + fold(path).replace(/ /g, '-'); }

function planRow(p, byPath) {
  const title = titleOf(p);
  const writable = !!p.writable;
  let derives = null;
  if (p.derives_from) {
    // the list gives root-relative paths; a path as the file writes it (relative to the plan) also works
    const parent = byPath.get(p.derives_from) || byPath.get(resolvePath(p.path, p.derives_from));
    derives = el('div', { class: 'derives' }, 'Thực hiện kế hoạch: ',
      parent ? el('a', { href: '#' + rowId(parent.path), 'data-target': parent.path,
        title: symbolOf(parent) + ' — ' + titleOf(parent),
        onclick: (ev) => { ev.preventDefault(); focusRow(parent.path); } },
        symbolOf(parent) + ' — ' + titleOf(parent))
        : el('code', {}, p.derives_from));
  }
  const pdf = el('a', { class: 'btn btn-small pdf', href: '/api/pdf' + PG.q(p.path),
    'aria-label': 'Tải PDF: ' + title, onclick: (ev) => downloadFile(ev, p, 'pdf') }, 'Tải PDF');
  const docx = el('a', { class: 'btn btn-small docx', href: '/api/docx' + PG.q(p.path),
    'aria-label': 'Tải Word: ' + title, onclick: (ev) => downloadFile(ev, p, 'docx') }, 'Tải Word');
  const open = el('a', { class: 'btn btn-small open' + (writable ? ' btn-primary' : ''),
    href: '/edit' + PG.q(p.path), 'aria-label': (writable ? 'Mở: ' : 'Xem: ') + title },
    writable ? 'Mở' : 'Xem');
  const derive = el('button', { type: 'button', class: 'btn btn-small derive',
    'aria-label': 'Xây dựng kế hoạch thực hiện: ' + title, onclick: () => openDerive(p) },
    'Xây dựng kế hoạch thực hiện');
  return el('li', { class: 'plan', id: rowId(p.path), 'data-path': p.path,
    'data-search': fold(title + ' ' + symbolOf(p) + ' ' + (p.symbol || '') + ' ' + p.path), tabindex: '-1' },
    el('div', { class: 'plan-main' },
      el('div', { class: 'plan-title' }, title),
      el('div', { class: 'plan-meta' },
        el('span', { class: 'plan-symbol' }, symbolOf(p)),
        p.date ? el('span', { class: 'plan-date' }, el('time', { datetime: p.date }, viDate(p.date))) : null,
        findingsBadge(p),
        writable ? null : el('span', { class: 'readonly' }, 'Chỉ xem'),
        el('span', { class: 'plan-file', title: p.path }, p.path.split('/').pop())),
      derives),
    el('div', { class: 'plan-actions' }, open, pdf, docx, derive));
}

/* Folders as a tree: every ancestor of a folder that holds plans is a node. */
function buildTree() {
  const byPath = new Map(Home.plans.map((p) => [p.path, p]));
  const nodes = new Map(); // folder -> {folder, plans, children:Set}
  const node = (f) => {
    if (!nodes.has(f)) {
      nodes.set(f, { folder: f, plans: [], children: new Set() });
      if (f !== '') {
        const i = f.lastIndexOf('/');
        node(i < 0 ? '' : f.slice(0, i)).children.add(f);
      }
    }
    return nodes.get(f);
  };
  node('');
  for (const p of Home.plans) node(folderOf(p)).plans.push(p);
  const render = (f, depth) => {
    const n = nodes.get(f);
    const total = countPlans(nodes, f);
    const name = f === '' ? folderLabel('') : f.split('/').pop();
    const det = el('details', { class: 'folder depth-' + Math.min(depth, 4), open: true, 'data-folder': f },
      el('summary', {},
        el('span', { class: 'folder-name' }, name),
        el('span', { class: 'folder-count' }, `${total} kế hoạch`)));
    if (n.plans.length) {
      const ul = el('ul', { class: 'plan-list', role: 'list' });
      for (const p of n.plans) ul.append(planRow(p, byPath));
      det.append(ul);
    }
    for (const c of [...n.children].sort((a, b) => a.localeCompare(b)))
      det.append(render(c, depth + 1));
    return det;
  };
  return render('', 0);
}

function countPlans(nodes, f) {
  const n = nodes.get(f);
  let c = n.plans.length;
  for (const ch of n.children) c += countPlans(nodes, ch);
  return c;
}

function renderPlans() {
  const box = $('plans');
  box.removeAttribute('aria-busy');
  box.replaceChildren();
  if (!Home.plans.length) {
    box.append(el('div', { class: 'empty' },
      el('p', { class: 'empty-title' }, 'Chưa có kế hoạch nào.'),
      el('p', {}, 'Bấm “Kế hoạch mới” để soạn kế hoạch đầu tiên, từ mẫu có sẵn hoặc từ trang trống.')));
    $('plans-count').textContent = '';
    return;
  }
  box.append(buildTree());
  applySearch();
}

function applySearch() {
  const q = fold($('search').value).trim();
  const rows = document.querySelectorAll('#plans li.plan');
  let shown = 0;
  for (const r of rows) {
    const hit = !q || r.dataset.search.includes(q);
    r.hidden = !hit;
    if (hit) shown++;
  }
  // hide folders with nothing shown; open the ones that have hits
  const folders = [...document.querySelectorAll('#plans details.folder')].reverse();
  for (const d of folders) {
    const any = d.querySelector('li.plan:not([hidden])');
    d.hidden = !!q && !any;
    if (q && any) d.open = true;
    const all = d.querySelectorAll('li.plan').length;
    const vis = d.querySelectorAll('li.plan:not([hidden])').length;
    d.querySelector(':scope > summary .folder-count').textContent =
      q ? `${vis} / ${all} kế hoạch` : `${all} kế hoạch`;
  }
  const box = $('plans');
  let none = box.querySelector('.no-match');
  if (q && !shown) {
    if (!none) box.append(el('p', { class: 'no-match empty' }, 'Không tìm thấy kế hoạch phù hợp với “' + $('search').value.trim() + '”.'));
    else none.textContent = 'Không tìm thấy kế hoạch phù hợp với “' + $('search').value.trim() + '”.';
  } else if (none) none.remove();
  $('plans-count').textContent = q
    ? `Tìm thấy ${shown} / ${rows.length} kế hoạch`
    : `${rows.length} kế hoạch`;
}

function focusRow(path) {
  const row = document.querySelector(`#plans li.plan[data-path="${CSS.escape(path)}"]`);
  if (!row) return;
  if ($('search').value) { $('search').value = ''; applySearch(); }
  for (let d = row.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  row.scrollIntoView({ block: 'center', behavior: 'smooth' });
  row.focus({ preventScroll: true });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1600);
}

async function loadPlans() {
  const r = await PG.api('GET', '/api/plans');
  if (r.status !== 200 || !r.data || !Array.isArray(r.data.plans)) {
    $('plans').removeAttribute('aria-busy');
    $('plans').replaceChildren(el('p', { class: 'form-error' },
      (r.data && r.data.error) || 'Không tải được danh sách kế hoạch.'));
    return;
  }
  Home.root = r.data.root || '';
  Home.plans = r.data.plans.slice().sort((a, b) => a.path.localeCompare(b.path));
  renderPlans();
}

/* "Tải PDF" / "Tải Word": links that still work without script; with script
 * a plan with errors shows its findings rather than downloading a JSON answer.
 * kind: "pdf" or "docx". */
async function downloadFile(ev, p, kind) {
  ev.preventDefault();
  const what = kind === 'pdf' ? 'PDF' : 'bản Word';
  PG.say('Đang tạo ' + what + '…');
  const r = await PG.download('/api/' + kind + PG.q(p.path), p.path.split('/').pop().replace(/\.xml$/, '') + '.' + kind);
  if (r.status === 200) {
    PG.say('Đã tải ' + r.name + '.');
    clearSayLater();
    return;
  }
  if (r.status === 0) {
    PG.say('Không kết nối được máy chủ plangen.', 'error');
    return;
  }
  const data = r.data;
  const n = data && Array.isArray(data.findings) ? data.findings.filter((f) => f.severity === 'error').length : 0;
  PG.say(((data && data.error) || 'Không tạo được ' + what + '.') +
    (n ? ` Mở kế hoạch để xem ${n} lỗi và sửa.` : ''), 'error');
  clearSayLater();
}

let sayTimer = 0;
function clearSayLater() {
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => PG.say(''), 9000);
}

/* Under a date input, the date spelt the Vietnamese way: the browser may show
 * mm/dd/yyyy when its language is English. */
function dateEcho(input) {
  const id = input.id + '-said';
  const out = el('small', { id, class: 'hint date-said', 'aria-live': 'off' });
  const upd = () => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
    out.textContent = m ? `Ngày ${+m[3]} tháng ${+m[2]} năm ${m[1]}` : 'Chưa chọn ngày';
  };
  input.setAttribute('aria-describedby', id);
  input.addEventListener('input', upd);
  input.addEventListener('change', upd);
  out.update = upd;
  upd();
  return out;
}

/* ---------- dialogs ---------- */

function openDialog(d) {
  d.querySelectorAll('.form-error').forEach((e) => e.replaceChildren());
  if (typeof d.showModal === 'function') d.showModal();
  else d.setAttribute('open', '');
  const first = d.querySelector('input:not([type=hidden]):not([disabled]), select, textarea');
  if (first) first.focus();
}

function closeDialog(d) {
  if (typeof d.close === 'function') d.close();
  else d.removeAttribute('open');
}

function setupDialogs() {
  for (const d of document.querySelectorAll('dialog')) {
    d.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => closeDialog(d)));
    // a click on the backdrop closes
    d.addEventListener('click', (ev) => { if (ev.target === d) closeDialog(d); });
    d.addEventListener('close', () => { if (d._opener) d._opener.focus(); });
  }
}

function validFile(name) { return /^[A-Za-z0-9][A-Za-z0-9._-]*\.xml$/.test(name); }

function markTouched(input) { input.addEventListener('input', () => { input.dataset.touched = '1'; }); }

/* ---------- new plan ---------- */

async function loadTemplates() {
  if (Home.templates) return Home.templates;
  const r = await PG.api('GET', '/api/templates');
  Home.templates = r.status === 200 && r.data && Array.isArray(r.data.templates) ? r.data.templates : [];
  return Home.templates;
}

function currentSource() {
  const c = document.querySelector('#new-sources input[name=source]:checked');
  return c ? c.value : '';
}

function currentTemplate() {
  const name = currentSource();
  return (Home.templates || []).find((t) => t.name === name) || null;
}

async function openNew(ev) {
  const d = $('new-dialog');
  d._opener = ev && ev.currentTarget;
  const box = $('new-sources');
  box.replaceChildren(el('p', { class: 'muted' }, 'Đang tải các mẫu…'));
  const file = $('new-file');
  file.value = '';
  delete file.dataset.touched;
  if (!fillFolderSelect($('new-folder'))) {
    openDialog(d);
    $('new-error').replaceChildren(el('p', {}, 'Tài khoản của bạn không có quyền ghi vào thư mục nào.'));
    $('new-submit').disabled = true;
  } else {
    $('new-submit').disabled = false;
    openDialog(d);
  }
  const initial = document.activeElement;
  const ts = await loadTemplates();
  box.replaceChildren();
  const opt = (value, title, desc, checked) => {
    const id = 'source-' + (value ? slug(value) : 'blank');
    return el('div', { class: 'source' },
      el('input', { type: 'radio', name: 'source', id, value, checked, onchange: onSourceChange }),
      el('label', { for: id }, el('span', { class: 'source-title' }, title),
        desc ? el('span', { class: 'source-desc' }, desc) : null));
  };
  box.append(opt('', 'Kế hoạch trống', 'Mọi phần của kế hoạch, kèm ghi chú điền gì vào đâu', true));
  for (const t of ts)
    box.append(opt(t.name, t.title || t.name, `Mẫu “${t.name}” · ${t.params.length} thông tin cần điền`, false));
  onSourceChange();
  const first = box.querySelector('input:checked');
  if (first && d.open && document.activeElement === initial) first.focus();
}

function onSourceChange() {
  const t = currentTemplate();
  $('new-style-box').hidden = !!t;
  const fs = $('new-params');
  const list = $('new-params-list');
  list.replaceChildren();
  fs.hidden = !t;
  if (t) {
    // required first, then optional; template order kept within each
    const params = [...t.params].sort((a, b) => (a.optional ? 1 : 0) - (b.optional ? 1 : 0));
    for (const p of params) {
      const id = 'param-' + p.key.replace(/[^A-Za-z0-9_-]/g, '_');
      const date = isDateKey(p.key);
      const flag = /^(to_chuc|co_|has_|is_)/.test(p.key) && p.optional;
      const input = flag
        ? el('input', { id, name: p.key, type: 'checkbox', value: 'yes', 'data-key': p.key })
        : el('input', { id, name: p.key, type: date ? 'date' : 'text', required: !p.optional,
            'data-key': p.key, spellcheck: date ? 'false' : undefined,
            value: p.key === 'ngay' ? today() : undefined, oninput: suggestNewFile });
      const label = el('label', { for: id }, keyLabel(p.key),
        p.optional ? el('span', { class: 'opt' }, ' (không bắt buộc)') : null,
        el('code', { class: 'key' }, p.key));
      list.append(el('div', { class: 'field' + (flag ? ' check' : '') },
        flag ? [input, label] : [label, input, date ? dateEcho(input) : null]));
    }
  }
  suggestNewFile();
}

function newParams() {
  const out = {};
  for (const i of $('new-params-list').querySelectorAll('input[data-key]')) {
    if (i.type === 'checkbox') { if (i.checked) out[i.dataset.key] = 'yes'; }
    else if (i.value.trim() !== '') out[i.dataset.key] = i.value.trim();
  }
  return out;
}

/* A file name from the parameters: the unit, the number, the year. */
function suggestNewFile() {
  const file = $('new-file');
  if (file.dataset.touched) return;
  const t = currentTemplate();
  if (!t) { file.value = 'ke-hoach-moi-' + today().slice(0, 4) + '.xml'; return; }
  const v = newParams();
  const keys = t.params.map((p) => p.key);
  const unitKey = ['don_vi', 'ten_goi', 'co_quan', 'issuer'].find((k) => v[k]) ||
    keys.find((k) => v[k] && !isDateKey(k) && !/^(so|number|ghi_chu)/.test(k) && !/^(to_chuc|co_)/.test(k));
  const dateKey = keys.find((k) => isDateKey(k) && /^\d{4}/.test(v[k] || ''));
  const parts = [];
  if (unitKey) parts.push(slug(v[unitKey]).split('-').slice(0, 8).join('-'));
  else parts.push(slug(t.name));
  if (v.so) parts.push(slug(v.so));
  parts.push(dateKey ? v[dateKey].slice(0, 4) : today().slice(0, 4));
  file.value = parts.filter(Boolean).join('-') + '.xml';
}

async function submitNew(ev) {
  ev.preventDefault();
  const form = $('new-form');
  const err = $('new-error');
  err.replaceChildren();
  const file = $('new-file').value.trim();
  if (!form.reportValidity()) return;
  if (!validFile(file)) {
    err.append(el('p', {}, 'Tên tệp chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới và kết thúc bằng .xml.'));
    $('new-file').focus();
    return;
  }
  const t = currentTemplate();
  const body = {
    template: t ? t.name : null,
    folder: $('new-folder').value,
    file,
    params: t ? newParams() : { style: $('new-style').value },
  };
  const btn = $('new-submit');
  btn.disabled = true;
  btn.textContent = 'Đang tạo…';
  const r = await PG.api('POST', '/api/new', body);
  btn.disabled = false;
  btn.textContent = 'Tạo kế hoạch';
  if (r.status === 201 && r.data && r.data.path) {
    location.href = '/edit' + PG.q(r.data.path);
  } else if (r.status === 409) {
    err.replaceChildren(el('p', {}, 'Tệp đã tồn tại. Hãy chọn tên tệp khác.'));
    $('new-file').focus();
  } else if (r.status === 422) {
    showError(err, r, 'Không điền được mẫu:');
  } else {
    showError(err, r, 'Không tạo được kế hoạch.');
  }
}

/* ---------- import from Word ---------- */

const IMPORT_MAX = 10 << 20; /* bytes the server takes (413 above) */

function openImport(ev) {
  const d = $('import-dialog');
  d._opener = ev && ev.currentTarget;
  $('import-form').reset();
  const ok = fillFolderSelect($('import-folder'));
  $('import-submit').disabled = !ok;
  openDialog(d);
  if (!ok) $('import-error').replaceChildren(el('p', {}, 'Tài khoản của bạn không có quyền ghi vào thư mục nào.'));
}

/* Sends the chosen file as the raw body (the name in the query); on success
 * keeps the report for the editor (sessionStorage) and opens the new plan. */
async function submitImport(ev) {
  ev.preventDefault();
  const err = $('import-error');
  err.replaceChildren();
  const file = $('import-file').files[0];
  if (!file) {
    err.append(el('p', {}, 'Hãy chọn tệp kế hoạch cũ cần nhập.'));
    $('import-file').focus();
    return;
  }
  if (!/\.(docx|odt|txt|md)$/i.test(file.name)) {
    err.append(el('p', {}, 'Chỉ nhập được tệp .docx, .odt, .txt hoặc .md.'));
    return;
  }
  if (file.size > IMPORT_MAX) {
    err.append(el('p', {}, 'Tệp lớn hơn 10 MiB; máy chủ không nhận.'));
    return;
  }
  const btn = $('import-submit');
  btn.disabled = true;
  btn.textContent = 'Đang nhập…';
  const url = '/api/import?folder=' + encodeURIComponent($('import-folder').value) +
    '&name=' + encodeURIComponent(file.name);
  let r = null, data = null;
  try {
    r = await fetch(url, {
      method: 'POST', body: file, credentials: 'same-origin',
      headers: { 'X-CSRF-Token': PG.session.csrf, 'Content-Type': 'application/octet-stream' },
    });
    data = await r.json();
  } catch (e) { /* no answer, or not JSON */ }
  btn.disabled = false;
  btn.textContent = 'Nhập kế hoạch';
  if (r && r.status === 201 && data && data.path) {
    try { sessionStorage.setItem('pg-import:' + data.path, JSON.stringify(data)); } catch (e) { /* storage off */ }
    location.href = '/edit' + PG.q(data.path);
    return;
  }
  if (!r) { err.append(el('p', {}, 'Không kết nối được máy chủ plangen.')); return; }
  if (r.status === 413) { err.append(el('p', {}, 'Tệp quá lớn (tối đa 10 MiB).')); return; }
  showError(err, { data }, 'Không nhập được tệp (mã ' + r.status + ').');
}

/* ---------- derive ---------- */

async function fetchXml(path) {
  if (Home.xmlCache.has(path)) return Home.xmlCache.get(path);
  const r = await PG.api('GET', '/api/plan' + PG.q(path));
  if (r.status !== 200 || typeof r.data !== 'string') return null;
  const doc = new DOMParser().parseFromString(r.data, 'application/xml');
  const ok = !doc.getElementsByTagName('parsererror').length ? doc : null;
  Home.xmlCache.set(path, ok);
  return ok;
}

/* Resolves a path written in a plan (relative to it) against the root. */
function resolvePath(from, rel) {
  const parts = from.split('/').slice(0, -1);
  for (const c of rel.split('/')) {
    if (c === '..') parts.pop();
    else if (c !== '.' && c !== '') parts.push(c);
  }
  return parts.join('/');
}

/* The title of section `id` in plan `path` or the plans it derives from. */
async function sectionTitle(path, id, depth = 0) {
  if (depth > 6 || !path) return null;
  const doc = await fetchXml(path);
  if (!doc) return null;
  for (const s of doc.getElementsByTagName('section'))
    if (s.getAttribute('id') === id) return s.getAttribute('title');
  const up = doc.documentElement.getAttribute('derives-from');
  return up ? sectionTitle(resolvePath(path, up), id, depth + 1) : null;
}

/* The top-level parts of the parent: sections and inherited sections. */
async function showInherited(parent) {
  const ol = $('derive-sections');
  ol.replaceChildren(el('li', { class: 'muted' }, 'Đang đọc kế hoạch cấp trên…'));
  const doc = await fetchXml(parent.path);
  if (Home.deriveParent !== parent) return;
  if (!doc) {
    ol.replaceChildren(el('li', { class: 'muted' }, 'Không đọc được nội dung kế hoạch cấp trên.'));
    return;
  }
  const parts = [];
  for (const n of doc.documentElement.children) {
    if (n.localName === 'section')
      parts.push({ id: n.getAttribute('id'), title: n.getAttribute('title') });
    else if (n.localName === 'inherit')
      parts.push({ id: n.getAttribute('ref'), title: null, ref: true });
  }
  for (const p of parts)
    if (p.ref) p.title = await sectionTitle(parent.path, p.id);
  if (Home.deriveParent !== parent) return;
  ol.replaceChildren();
  if (!parts.length) {
    ol.append(el('li', { class: 'muted' }, 'Kế hoạch cấp trên chưa có phần nội dung nào.'));
    return;
  }
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    const name = p.title || (p.id ? `(phần “${p.id}”)` : '(phần không có tiêu đề)');
    let tag, kind, note = null;
    if (last) { tag = 'Đơn vị tự viết'; kind = 'own'; }
    else if (p.id) { tag = 'Kế thừa'; kind = 'inherited'; }
    else {
      tag = 'Không kế thừa được'; kind = 'none';
      note = el('div', { class: 'hint' }, 'Phần này chưa có mã (id) trong kế hoạch cấp trên nên không kế thừa được.');
    }
    ol.append(el('li', { 'data-kind': kind },
      el('span', { class: 'part-title' }, name),
      el('span', { class: 'tag tag-' + kind }, tag), note));
  });
}

/* The usual symbol of a body from its name: CHI BỘ -> CB, ĐẢNG ỦY -> ĐU, HUYỆN ỦY -> HU... */
const SYMBOLS = [
  [/^CHI BỘ/, 'CB'], [/^ĐẢNG ỦY KHỐI/, 'ĐUK'], [/^ĐẢNG ỦY/, 'ĐU'], [/^HUYỆN ỦY/, 'HU'],
  [/^THỊ ỦY/, 'TU'], [/^THÀNH ỦY/, 'TU'], [/^TỈNH ỦY/, 'TU'], [/^QUẬN ỦY/, 'QU'],
  [/^(ỦY BAN NHÂN DÂN|UBND)/, 'UBND'],
];
function suggestDeriveSymbol() {
  const sym = $('derive-symbol');
  if (sym.dataset.touched) return;
  const name = $('derive-issuer').value.trim().toLocaleUpperCase('vi').normalize('NFC');
  const hit = SYMBOLS.find(([rx]) => rx.test(name));
  sym.value = hit ? hit[1] : '';
}

function suggestDeriveFile() {
  const file = $('derive-file');
  if (file.dataset.touched) return;
  const issuer = $('derive-issuer').value;
  const year = ($('derive-date').value || today()).slice(0, 4);
  const base = slug(issuer).split('-').slice(0, 8).join('-') || 'ke-hoach-thuc-hien';
  file.value = base + '-' + year + '.xml';
}

function openDerive(p) {
  const d = $('derive-dialog');
  d._opener = document.activeElement;
  Home.deriveParent = p;
  $('derive-parent-title').textContent = titleOf(p);
  $('derive-parent-symbol').textContent = ' (' + symbolOf(p) + (p.date ? ', ' + viDate(p.date) : '') + ')';
  $('derive-form').reset();
  $('derive-date').value = today();
  $('derive-date-said').update();
  const file = $('derive-file');
  delete file.dataset.touched;
  delete $('derive-symbol').dataset.touched;
  // my unit: by default a writable folder below the parent's, else the first one
  const pf = folderOf(p);
  const ws = writableFolders();
  const own = ((PG.session && PG.session.write) || []).map((f) => (f === '.' ? '' : f.replace(/\/+$/, '')));
  const pref = ws.find((f) => f !== pf && (pf === '' ? own.includes(f) : f.startsWith(pf + '/'))) ?? own[0];
  const ok = fillFolderSelect($('derive-folder'), pref);
  suggestDeriveFile();
  $('derive-submit').disabled = !ok;
  openDialog(d);
  if (!ok) $('derive-error').replaceChildren(el('p', {}, 'Tài khoản của bạn không có quyền ghi vào thư mục nào.'));
  showInherited(p);
}

async function submitDerive(ev) {
  ev.preventDefault();
  const form = $('derive-form');
  const err = $('derive-error');
  err.replaceChildren();
  if (!form.reportValidity()) return;
  const file = $('derive-file').value.trim();
  if (!validFile(file)) {
    err.append(el('p', {}, 'Tên tệp chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới và kết thúc bằng .xml.'));
    $('derive-file').focus();
    return;
  }
  const body = {
    parent: Home.deriveParent.path,
    folder: $('derive-folder').value,
    file,
    issuer: $('derive-issuer').value.trim(),
    parent_body: $('derive-parent-body').value.trim() || null,
    symbol: $('derive-symbol').value.trim(),
    date: $('derive-date').value,
  };
  const btn = $('derive-submit');
  btn.disabled = true;
  btn.textContent = 'Đang tạo…';
  const r = await PG.api('POST', '/api/derive', body);
  btn.disabled = false;
  btn.textContent = 'Tạo kế hoạch thực hiện';
  if (r.status === 201 && r.data && r.data.path) {
    location.href = '/edit' + PG.q(r.data.path);
  } else if (r.status === 409) {
    err.replaceChildren(el('p', {}, 'Tệp đã tồn tại. Hãy chọn tên tệp khác.'));
    $('derive-file').focus();
  } else {
    showError(err, r, 'Không tạo được kế hoạch thực hiện.');
  }
}

/* ---------- session ---------- */

function showUser() {
  const s = PG.session || {};
  if (s.user) {
    $('user-name').textContent = s.user;
    $('user-box').hidden = false;
  } else if (!s.login_required) {
    $('user-name').textContent = 'Máy này (không cần đăng nhập)';
    $('user-box').hidden = false;
    $('logout').hidden = true;
  }
}

async function logout() {
  const r = await PG.api('POST', '/api/logout');
  if (r.status === 200) location.reload();
  else PG.say((r.data && r.data.error) || 'Không đăng xuất được.', 'error');
}

async function main() {
  setupDialogs();
  $('logout').addEventListener('click', logout);
  $('search').addEventListener('input', applySearch);
  $('search').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && ev.target.value) { ev.target.value = ''; applySearch(); }
  });
  $('new-plan').addEventListener('click', openNew);
  $('import-word').addEventListener('click', openImport);
  $('import-form').addEventListener('submit', submitImport);
  $('new-form').addEventListener('submit', submitNew);
  $('derive-form').addEventListener('submit', submitDerive);
  $('derive-date').after(dateEcho($('derive-date')));
  markTouched($('new-file'));
  markTouched($('derive-file'));
  $('derive-issuer').addEventListener('input', suggestDeriveFile);
  $('derive-issuer').addEventListener('input', suggestDeriveSymbol);
  markTouched($('derive-symbol'));
  $('derive-date').addEventListener('input', suggestDeriveFile);
  const ok = await PG.start();
  if (!ok) {
    document.querySelector('.toolbar').hidden = true;
    $('plans').removeAttribute('aria-busy');
    $('plans').replaceChildren(el('p', { class: 'muted' }, 'Hãy đăng nhập để xem các kế hoạch.'));
    return;
  }
  showUser();
  await loadPlans();
}

document.addEventListener('DOMContentLoaded', main);
