/* editor.js - the plan editor page (/edit?path=P): the plan's XML shown as a
 * form (header fields, basis, an outline of the body, recipients, signature,
 * appendices), a live preview and the findings beside it, saving with
 * If-Match, conflicts, and edits made outside noticed by polling.
 * Loaded after common.js, xmldoc.js, inline.js and outline.js.
 *
 * Element ids and attributes for browser tests:
 *   #save                       button "Lưu" (also Ctrl+S)
 *   #dirty                      "Chưa lưu" / "Đã lưu" state; body[data-dirty="true|false"]
 *   #pdf                        link "Tải về PDF" (/api/pdf?path=P)
 *   #docx                       button "Tải về Word" (word.js: saves unsaved edits first)
 *   #import-report              after "Nhập từ Word": words in/out, #import-todo, #import-warnings,
 *                               #import-report-close "Đóng" (word.js)
 *   #form                       the form (left pane)
 *   #f-issuer, #f-parent, #f-symbol, #f-cited, #f-number, #f-place, #f-date,
 *   #f-type, #f-summary, #f-style, #f-derives (link to the parent's editor)
 *   #implements                 the documents implemented (fieldset.impl each; #add-implements)
 *   #basis                      basis paragraphs (editors aria-label "Căn cứ N"); #add-basis, #f-basis-generate
 *   #outline                    the body's tree: role=tree; rows li[role=treeitem][data-node-id][data-kind]
 *                               (data-kind: section|p|item|table|qr|image|inherit|remove|replace|append);
 *                               row buttons by aria-label: "Thêm mục sau", "Chuyển lên", "Chuyển xuống",
 *                               "Thụt vào", "Lùi ra", "Xóa"; inherited rows have class "inherited" and a
 *                               badge "Kế thừa", buttons "Thay thế phần kế thừa", "Bổ sung vào phần kế thừa",
 *                               "Sửa câu chữ trong phần kế thừa" (.change-row: "Câu chữ gốc N" → "Thay bằng")
 *                               and per inherited child "Thay thế ID" / "Bỏ ID";
 *                               p/item rows: [contenteditable][role=textbox] (footnotes span.fn, deadlines span.dl);
 *                               section rows: input.title, run-in checkbox, input.code (id);
 *                               tables: td > [contenteditable] "Ô hàng R, cột C", "Xóa hàng R", "Thêm hàng"
 *   #outline-toolbar            add section / paragraph / item / table, #undo, B I U, footnote
 *   #recipients                 recipient rows (fieldset.group for groups); #f-archive; #add-to, #add-group
 *   #f-authority, #f-collective, #f-sig-title, #f-sig-name   the signature
 *   #appendices                 each .appendix with its own tree (role=tree); #add-appendix
 *   #preview                    the pages: img[data-page="N"][data-hash="H"]; #preview[data-state="busy|ready|error"]
 *   #findings                   li > button[data-line][data-col][data-severity]
 *   #conflict                   the conflict panel (table.diff td.mine / td.theirs); #conflict-theirs
 *                               "Tải bản của họ", #conflict-mine "Giữ bản của tôi", #conflict-later "Để sau"
 *   #pg-status                  status line (common.js)
 * Keys: Ctrl+S save; Ctrl+Z (outside text) undo; in the outline: ↑/↓ rows, Enter edit a row,
 *   Esc back to the row (on a row: leave the tree),
 *   Alt+↑/↓ move, Tab/Shift+Tab (or Alt+Shift+→/←) indent/outdent, Alt+Enter add after,
 *   Delete delete the row; in text: Ctrl+B/I/U, Shift+Enter line break, Enter new paragraph,
 *   Alt+D (or double-click) a deadline's date.
 */
'use strict';

const ED = {
  path: null, doc: null, etag: null, savedText: '', dirty: false, style: null,
  parentDoc: null, parentIds: new Map(), fieldOf: new Map(), current: null,
  saving: false, readOnly: false, conflictEtag: null, history: [], lastText: undefined,

  /* An ETag as sent in If-Match: quoted. */
  quote(e) { return !e ? e : /^(W\/)?"/.test(e) ? e : '"' + e + '"'; },

  parentNode(id) { return id ? ED.parentIds.get(id) || null : null; },

  /* After any edit of the tree: new text, dirty state, preview; with
   * {focus: nodeId} the form is drawn again and that row focused. */
  edited(opts) {
    const before = ED.lastText;
    ED.doc.serialize();
    if (opts && before !== undefined && before !== ED.doc.text) {
      ED.history.push(before);
      if (ED.history.length > 100) ED.history.shift();
      document.getElementById('undo').disabled = false;
    }
    ED.lastText = ED.doc.text;
    ED.setDirty(ED.doc.text !== ED.savedText);
    if (opts) ED.render(opts);
    PV.schedule();
  },

  setDirty(d) {
    ED.dirty = d;
    document.body.dataset.dirty = String(d);
    const s = document.getElementById('dirty');
    s.textContent = d ? 'Chưa lưu' : 'Đã lưu';
    s.className = d ? 'dirty' : 'clean';
    document.title = (d ? '• ' : '') + 'Sửa kế hoạch — ' + ED.path;
  },

  /* ---- loading ---------------------------------------------------------- */

  async load() {
    const r = await PG.api('GET', '/api/plan' + PG.q(ED.path));
    if (r.status !== 200) {
      PG.say((r.data && r.data.error) || 'Không mở được kế hoạch (mã ' + r.status + ').', 'error');
      return false;
    }
    ED.setText(r.data, r.headers.get('ETag'));
    return true;
  },

  setText(text, etag) {
    ED.doc = new XD.XmlDoc(text);
    ED.lastText = text;
    ED.history = [];
    const u = document.getElementById('undo');
    if (u) u.disabled = true;
    ED.savedText = text;
    ED.etag = ED.quote(etag);
    ED.setDirty(false);
    ED.render({});
    ED.loadParent();
    ED.loadStyle();
    PV.request();
  },

  async loadStyle() {
    const r = await PG.api('GET', '/api/style' + PG.q(ED.path));
    if (r.status === 200 && r.data && typeof r.data === 'object') {
      const changed = JSON.stringify(ED.style) !== JSON.stringify(r.data);
      ED.style = r.data;
      if (changed) ED.fillStyleLists();
    }
  },

  parentPath() {
    const plan = ED.doc && ED.doc.plan;
    const href = plan && plan.attr('derives-from');
    return href ? ED.resolve(ED.path, href) : null;
  },

  /* Loads the parent plan (and its own parents, for what it inherits in
   * turn) and indexes their ids, nearest plan first. */
  async loadParent() {
    const plan = ED.doc && ED.doc.plan;
    const pp = ED.parentPath();
    const uses = plan ? plan.elements('uses').map((u) => u.attr('href')).filter(Boolean).map((h) => ED.resolve(ED.path, h)) : [];
    const key = [pp].concat(uses).join('|');
    if (!pp && !uses.length) { ED.parentDoc = null; ED.parentIds = new Map(); ED.parentPaths = []; ED.parentKey = ''; return; }
    if (ED.parentKey === key) return;
    const ids = new Map();
    const paths = [];
    let first = null;
    const index = (d) => d.root.walk((n) => {
      if (n.type === 'element' && n.attr('id') && n.name !== 'deadline' && !ids.has(n.attr('id'))) ids.set(n.attr('id'), n);
    });
    let path = pp;
    for (let depth = 0; path && depth < 6; depth++) {
      const r = await PG.api('GET', '/api/plan' + PG.q(path));
      if (r.status !== 200) break;
      const d = new XD.XmlDoc(r.data);
      d._path = path;
      paths.push(path);
      if (!first) first = d;
      index(d);
      const href = d.plan && d.plan.attr('derives-from');
      path = href ? ED.resolve(path, href) : null;
    }
    for (const u of uses) {                 // plans whose parts are taken through <uses>
      const r = await PG.api('GET', '/api/plan' + PG.q(u));
      if (r.status !== 200) continue;
      const d = new XD.XmlDoc(r.data);
      paths.push(u);
      index(d);
      if (!first) first = d;
    }
    ED.parentKey = key;
    ED.parentDoc = first;
    ED.parentIds = ids;
    ED.parentPaths = paths;
    ED.render({ keepFocus: true });
  },

  resolve(from, href) {
    const parts = from.split('/').slice(0, -1);
    for (const c of href.split('/')) {
      if (c === '..') parts.pop();
      else if (c !== '.' && c !== '') parts.push(c);
    }
    return parts.join('/');
  },

  /* ---- the form ----------------------------------------------------------- */

  render(opts = {}) {
    const form = document.getElementById('form');
    const scroll = form.scrollTop;
    const active = document.activeElement;
    const inForm = active && form.contains(active);
    const activeId = inForm && active.id ? active.id : null;
    // a row (or a row's field) with the focus keeps it across the redraw
    const activeRow = inForm && active.closest('[role=treeitem]');
    const rowNode = activeRow ? Number(activeRow.dataset.nodeId) : null;
    const onRow = activeRow && active === activeRow;
    ED.fieldOf = new Map();
    form.replaceChildren(...FORM.build(ED.doc));
    form.scrollTop = scroll;
    ED.fillStyleLists();
    if (opts.focus) {
      const li = ED.fieldOf.get(opts.focus);
      if (li) {
        if (li.getAttribute('role') === 'treeitem') {
          OUT.setCurrent(li);
          const f = opts.edit ? OUT.firstField(li) : null;
          (f || li).focus();
          if (f && f.select) f.select();
          else if (f && f.isContentEditable) {
            // caret at the start of a new paragraph, at the end after a merge
            const r = document.createRange();
            r.selectNodeContents(f);
            r.collapse(!opts.caretEnd);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
          }
        } else li.focus();
        li.scrollIntoView({ block: 'nearest' });
      }
    } else if (activeId && document.getElementById(activeId)) {
      document.getElementById(activeId).focus();
    } else if (rowNode && ED.fieldOf.get(rowNode)) {
      const li = ED.fieldOf.get(rowNode);
      OUT.setCurrent(li);
      const f = onRow ? null : OUT.firstField(li);
      (f || li).focus();
    }
  },

  fillStyleLists() {
    const st = ED.style || {};
    const sel = document.getElementById('f-authority');
    if (sel) {
      const sig = ED.doc.plan.first('signature');
      const cur = sig ? sig.attr('authority') || '' : '';
      const opts = [['', '(không ghi)']].concat((st.authorities || []).map((a) => [a.value, a.label ? a.label + ' (' + a.value + ')' : a.value]));
      if (cur && !opts.some(([v]) => v === cur)) opts.push([cur, cur]);
      sel.replaceChildren(...opts.map(([v, t]) => PG.el('option', { value: v, selected: v === cur }, t)));
    }
    const fill = (id, list) => {
      const dl = document.getElementById(id);
      if (dl) dl.replaceChildren(...(list || []).map((v) => PG.el('option', { value: typeof v === 'string' ? v : (v.value || v.label || '') })));
    };
    fill('dl-purposes', st.purposes);
    fill('dl-types', st.types);
  },

  /* Focuses the form field or outline row of a node (or its nearest
   * ancestor shown in the form) and highlights it. */
  focusNode(nd, attr) {
    for (let n = nd; n; n = n.parent) {
      const f = (n === nd && attr && ED.fieldOf.get(n.id + '@' + attr)) || ED.fieldOf.get(n.id);
      if (!f) continue;
      let target = f;
      if (f.getAttribute('role') === 'treeitem') {
        // open any collapsed parent, select the row
        OUT.setCurrent(f);
        target = f;
      }
      target.scrollIntoView({ block: 'center' });
      target.focus();
      const box = target.closest('.fld') || target;
      box.classList.remove('flash');
      void box.offsetWidth;
      box.classList.add('flash');
      setTimeout(() => box.classList.remove('flash'), 2500);
      return true;
    }
    return false;
  },

  /* Takes back the last structural edit (add, delete, move, indent). */
  undo() {
    const prev = ED.history.pop();
    if (prev === undefined) { PG.say('Không còn gì để hoàn tác.'); return; }
    ED.doc = new XD.XmlDoc(prev);
    ED.lastText = prev;
    ED.setDirty(prev !== ED.savedText);
    ED.render({});
    document.getElementById('undo').disabled = !ED.history.length;
    PG.say('Đã hoàn tác.');
    PV.schedule();
  },

  /* ---- saving ------------------------------------------------------------- */

  async save(etag) {
    if (ED.saving) return;
    ED.saving = true;
    const text = ED.doc.serialize();
    const btn = document.getElementById('save');
    btn.disabled = true;
    PG.say('Đang lưu…');
    const r = await PG.api('PUT', '/api/plan' + PG.q(ED.path), text, { 'If-Match': ED.quote(etag || ED.etag) });
    ED.saving = false;
    btn.disabled = !!ED.readOnly;
    if (r.status === 200) {
      ED.etag = ED.quote((r.data && r.data.etag) || r.headers.get('ETag') || ED.etag);
      ED.savedText = text;
      ED.conflictEtag = null;
      ED.setDirty(ED.doc.serialize() !== text);
      CF.hide();
      PG.say('Đã lưu.', 'ok');
    } else if (r.status === 412) {
      CF.show(r.data.etag, r.data.text);
    } else if (r.status === 403) {
      PG.say('Bạn không có quyền lưu kế hoạch này.', 'error');
    } else {
      PG.say((r.data && r.data.error) || 'Không lưu được (mã ' + r.status + ').', 'error');
    }
  },

  /* Every 3 s: has the file changed on disk? */
  async poll() {
    if (ED.saving || !ED.doc || document.hidden) return;
    const r = await PG.api('HEAD', '/api/plan' + PG.q(ED.path));
    const et = ED.quote(r.headers.get('ETag'));
    if (r.status !== 200 || !et || et === ED.etag || ED.saving) return;
    if (et === ED.conflictEtag) return;
    const g = await PG.api('GET', '/api/plan' + PG.q(ED.path));
    if (g.status !== 200) return;
    const getEt = ED.quote(g.headers.get('ETag')) || et;
    if (!ED.dirty) {
      if (g.data === ED.savedText) { ED.etag = getEt; return; }
      ED.setText(g.data, getEt);
      PG.say('Tệp đã được sửa bên ngoài — đã tải lại', 'info');
    } else {
      CF.show(getEt, g.data, false);     // a banner: the clerk's typing keeps the focus
    }
  },
};

/* ---- the form's parts ------------------------------------------------------ */

const FORM = (() => {
  const el = PG.el;

  function field(id, label, control, cls) {
    return el('div', { class: 'fld ' + (cls || '') }, el('label', { for: id }, label), control);
  }
  /* An input bound to an attribute. */
  function attrInput(x, attr, id, label, opts = {}) {
    const i = el('input', {
      id, type: 'text', value: x ? x.attr(attr) || '' : '', list: opts.list || null,
      placeholder: opts.placeholder || null, required: opts.required || null,
      oninput: () => {
        const v = i.value.trim();
        if (x.setAttr(attr, v || (opts.required ? '' : null))) ED.edited();
      },
    });
    if (x) {
      ED.fieldOf.set(x.id, ED.fieldOf.get(x.id) || i);
      ED.fieldOf.set(x.id + '@' + attr, i);
    }
    return field(id, label, i, opts.cls);
  }
  /* An input bound to an element's text (created or removed as needed). */
  function textInput(x, id, label, opts = {}) {
    const i = el('input', {
      id, type: opts.type || 'text', value: x ? x.text().trim() : '',
      placeholder: opts.placeholder || null, list: opts.list || null, inputmode: opts.inputmode || null,
      pattern: opts.pattern || null,
      oninput: () => setText(x, i.value, opts, (n) => { x = n; }),
    });
    if (x) ED.fieldOf.set(x.id, i);
    return field(id, label, i, opts.cls);
  }
  function setText(x, value, opts, rebind) {
    const v = value.trim();
    if (!x) {
      if (!v || !opts.create) return;
      const nd = opts.create(v);
      rebind(nd);
      ED.fieldOf.set(nd.id, document.getElementById(opts.id));
      ED.edited();
      return;
    }
    if (!v && opts.removeWhenEmpty) {
      XD.remove(x);
      rebind(null);
      ED.edited();
      return;
    }
    // keep the whitespace around the value as it was written
    const old = x.text();
    const m = /^(\s*)[\s\S]*?(\s*)$/.exec(old);
    const canon = XD.escText((old.trim() ? m[1] : '') + v + (old.trim() ? m[2] : ''));
    if (XD.setInline(x, canon)) ED.edited();
  }
  function section(title, id, ...kids) {
    return el('section', { class: 'card', id, 'aria-labelledby': id + '-h' }, el('h2', { id: id + '-h' }, title), ...kids);
  }
  function inlineField(x, id, label, opts = {}) {
    const ed = INL.editor(x, { label, onChange: () => ED.edited(), single: opts.single });
    ed.id = id;
    ED.fieldOf.set(x.id, ed);
    return el('div', { class: 'fld ' + (opts.cls || '') }, el('span', { class: 'lbl', id: id + '-l' }, label), ed);
  }

  function header(plan) {
    const issuer = plan.first('issuer');
    const out = [];
    const styles = ['party', 'state', 'party-dot'];
    const cur = plan.attr('style') || '';
    if (cur && !styles.includes(cur)) styles.push(cur);
    const st = el('select', {
      id: 'f-style', onchange: () => { if (plan.setAttr('style', st.value || null)) { ED.edited(); ED.loadStyle(); } },
    }, el('option', { value: '', selected: !cur }, '(mặc định: Đảng)'),
    ...styles.map((s) => el('option', { value: s, selected: s === cur },
      { party: 'Văn bản của Đảng (party)', state: 'Văn bản nhà nước (state)', 'party-dot': 'Đảng, dấu chấm (party-dot)' }[s] || s)));
    ED.fieldOf.set(plan.id, st);

    const g1 = el('div', { class: 'grid2' });
    if (issuer) {
      g1.append(inlineField(issuer, 'f-issuer', 'Cơ quan ban hành', { cls: 'wide' }));
      g1.append(attrInput(issuer, 'parent', 'f-parent', 'Cơ quan cấp trên', { cls: 'wide' }));
      g1.append(attrInput(issuer, 'symbol', 'f-symbol', 'Ký hiệu', { required: true, placeholder: 'VD: ĐUK' }));
      g1.append(attrInput(issuer, 'cited-as', 'f-cited', 'Tên khi trích dẫn', { placeholder: 'VD: Ban Thường vụ Đảng ủy Khối' }));
      ED.fieldOf.set(issuer.id, document.getElementById('f-issuer') || g1.querySelector('#f-issuer'));
    }
    const date = plan.first('date');
    const place = plan.first('place');
    const number = plan.first('number');
    g1.append(textInput(number, 'f-number', 'Số (để trống nếu là dự thảo)', {
      id: 'f-number', inputmode: 'numeric', pattern: '[0-9]*', removeWhenEmpty: true,
      create: (v) => XD.insertAfter(issuer, '<number>' + XD.escText(v) + '</number>'),
    }));
    g1.append(textInput(place, 'f-place', 'Địa danh', { id: 'f-place' }));
    const dv = date ? date.text().trim() : '';
    g1.append(textInput(date, 'f-date', 'Ngày ban hành', { id: 'f-date', type: /^\d{4}-\d{2}-\d{2}$/.test(dv) || !dv ? 'date' : 'text' }));
    const type = plan.first('type');
    g1.append(textInput(type, 'f-type', 'Loại văn bản (nếu khác Kế hoạch)', {
      id: 'f-type', list: 'dl-types', removeWhenEmpty: true,
      create: (v) => XD.insertAfter(plan.first('date'), '<type>' + XD.escText(v) + '</type>'),
    }));
    g1.append(field('f-style', 'Thể thức', st));
    const df = plan.attr('derives-from');
    if (df) {
      const pp = ED.parentPath();
      g1.append(el('div', { class: 'fld wide' }, el('span', { class: 'lbl' }, 'Thực hiện kế hoạch cấp trên'),
        el('a', { id: 'f-derives', href: '/edit' + PG.q(pp), class: 'ro-link', title: 'Mở kế hoạch cấp trên' }, pp)));
    }
    out.push(g1);
    const summary = plan.first('summary');
    if (summary) out.push(inlineField(summary, 'f-summary', 'Trích yếu nội dung', { cls: 'wide' }));
    return section('Thông tin chung', 'sec-header', ...out);
  }

  /* The documents this plan implements (<implements>), cited by the basis. */
  function implementsList(plan) {
    const box = el('div', { id: 'implements' });
    plan.elements('implements').forEach((m, k) => {
      const n = k + 1;
      const p = 'f' + m.id + '-';
      const rep = el('input', {
        id: p + 'report', type: 'checkbox', checked: m.attr('report') !== 'no',
        onchange: () => { if (m.setAttr('report', rep.checked ? null : 'no')) ED.edited(); },
      });
      const dateIn = el('input', {
        id: p + 'date', type: 'date', value: m.attr('date') || '',
        oninput: () => { if (m.setAttr('date', dateIn.value || '')) ED.edited(); },
      });
      ED.fieldOf.set(m.id + '@date', dateIn);
      const card = el('fieldset', { class: 'group impl' }, el('legend', {}, 'Văn bản thực hiện ' + n),
        el('div', { class: 'grid3' },
          attrInput(m, 'type', p + 'type', 'Loại văn bản', { required: true, placeholder: 'Kế hoạch' }),
          attrInput(m, 'number', p + 'number', 'Số, ký hiệu', { required: true, placeholder: '179-KH/TU' }),
          field(p + 'date', 'Ngày ban hành', dateIn),
          attrInput(m, 'issuer', p + 'issuer', 'Cơ quan ban hành', { required: true, cls: 'wide2' }),
          attrInput(m, 'summary', p + 'summary', 'Trích yếu', { cls: 'wide' })),
        el('div', { class: 'rec-row' },
          el('span', { class: 'fld check' }, rep, el('label', { for: p + 'report' }, 'Báo cáo kết quả về cơ quan này')),
          el('button', {
            type: 'button', class: 'act danger', 'aria-label': 'Xóa văn bản thực hiện ' + n, title: 'Xóa',
            onclick: () => { XD.remove(m); ED.edited({ focus: plan.first('summary').id }); },
          }, '✕')));
      ED.fieldOf.set(m.id, card);
      box.append(card);
    });
    box.append(el('button', {
      type: 'button', class: 'small', id: 'add-implements', onclick: () => {
        const list = plan.elements('implements');
        const raw = '<implements type="Kế hoạch" number="" date="" issuer=""/>';
        const nd = list.length ? XD.insertAfter(list[list.length - 1], raw)
          : XD.insertBefore(plan.first('uses') || plan.first('summary'), raw);
        ED.edited({ focus: nd.id });
        const f = document.getElementById('f' + nd.id + '-number');
        if (f) f.focus();
      },
    }, 'Thêm văn bản thực hiện'));
    return box;
  }

  function basis(plan) {
    const b = plan.first('basis');
    const box = el('div', { id: 'basis' });
    if (b) {
      ED.fieldOf.set(b.id, box);
      b.elements('p').forEach((p, k) => {
        const ed = INL.editor(p, {
          label: 'Căn cứ ' + (k + 1), onChange: () => ED.edited(), rowless: true,
          onEnter: () => { const nd = XD.insertAfter(p, '<p></p>'); ED.edited({ focus: nd.id }); },
        });
        ED.fieldOf.set(p.id, ed);
        box.append(el('div', { class: 'basis-row' }, ed, el('button', {
          type: 'button', class: 'act danger', 'aria-label': 'Xóa căn cứ ' + (k + 1), title: 'Xóa',
          onclick: () => { XD.remove(p); ED.edited({ focus: b.id }); },
        }, '✕')));
      });
    }
    const add = el('button', {
      type: 'button', class: 'small', id: 'add-basis', onclick: () => {
        let bb = plan.first('basis');
        let nd;
        if (!bb) {
          const after = plan.first('numbering') || plan.first('summary');
          const ind = XD.indentOf(after);
          bb = XD.insertAfter(after, `<basis>\n${ind}  <p></p>\n${ind}</basis>`);
          nd = bb.elements('p')[0];
        } else if (bb.elements('p').length) {
          const ps = bb.elements('p');
          nd = XD.insertAfter(ps[ps.length - 1], '<p></p>');
        } else nd = XD.appendChild(bb, '<p></p>');
        ED.edited({ focus: nd.id });
      },
    }, 'Thêm căn cứ');
    let gen = null;
    if (b) {
      const gid = 'f-basis-generate';
      const cb = el('input', {
        id: gid, type: 'checkbox', checked: b.attr('generate') === 'no',
        onchange: () => { if (b.setAttr('generate', cb.checked ? 'no' : null)) ED.edited(); },
      });
      gen = el('span', { class: 'fld check' }, cb, el('label', { for: gid }, 'Không tạo câu căn cứ tự động'));
    }
    return section('Căn cứ', 'sec-basis', implementsList(plan), el('h3', { class: 'sub' }, 'Đoạn căn cứ'), box, el('div', { class: 'bar' }, add, gen));
  }

  function toolbar() {
    const cmd = (label, text, f, extra = {}) => el('button', Object.assign({
      type: 'button', class: 'tb', title: label, 'aria-label': label,
      onmousedown: (ev) => ev.preventDefault(), onclick: f,
    }, extra), text);
    const cur = () => (ED.current && ED.current.isConnected ? ED.current._x : null);
    const add = (kind) => () => {
      const x = cur();
      if (x) OUT.addAfter(x, kind);
      else OUT.addInto(ED.doc.plan, kind);
    };
    const fmt = (c) => () => {
      const a = document.activeElement;
      if (a && a.isContentEditable) {
        document.execCommand('styleWithCSS', false, false);
        document.execCommand(c);
        const ed = a.closest('.inl'); if (ed && ed.commit) ed.commit();
      }
    };
    return el('div', { id: 'outline-toolbar', role: 'toolbar', 'aria-label': 'Công cụ soạn thảo', 'aria-controls': 'outline' },
      cmd('Thêm đề mục', '＋ Đề mục', add('section')),
      cmd('Thêm đoạn văn', '＋ Đoạn', add('p')),
      cmd('Thêm gạch đầu dòng', '＋ Gạch đầu dòng', add('item')),
      cmd('Thêm bảng', '＋ Bảng', add('table')),
      el('span', { class: 'sep' }),
      cmd('Hoàn tác thao tác cuối (Ctrl+Z ngoài ô chữ)', '↶', () => ED.undo(), { id: 'undo', disabled: !ED.history.length }),
      el('span', { class: 'sep' }),
      cmd('Đậm (Ctrl+B)', 'B', fmt('bold'), { class: 'tb fmt b' }),
      cmd('Nghiêng (Ctrl+I)', 'I', fmt('italic'), { class: 'tb fmt i' }),
      cmd('Gạch chân (Ctrl+U)', 'U', fmt('underline'), { class: 'tb fmt u' }),
      cmd('Thêm chú thích cuối trang', '¹ Chú thích', () => {
        const a = document.activeElement;
        const ed = a && a.closest && a.closest('.inl');
        if (ed && ed.addFootnote) ed.addFootnote();
        else PG.say('Đặt con trỏ vào đoạn văn trước khi thêm chú thích.', 'warn');
      }));
  }

  function body(plan) {
    const help = el('p', { class: 'help', id: 'outline-help' },
      'Phím tắt: ↑/↓ chọn dòng · Enter sửa · Esc về dòng (trên dòng: ra khỏi dàn ý) · Alt+↑/↓ chuyển lên/xuống · Tab/Shift+Tab (hoặc Alt+Shift+→/←) thụt vào/lùi ra · Alt+Enter thêm mục sau · Delete xóa dòng · Ctrl+Z hoàn tác · Ctrl+B/I/U đậm/nghiêng/gạch chân · Alt+D đổi ngày thời hạn · Shift+Enter xuống dòng · Ctrl+S lưu');
    const tree = OUT.tree(plan, 'Nội dung kế hoạch', 'outline');
    tree.setAttribute('aria-describedby', 'outline-help');
    return section('Nội dung', 'sec-body', toolbar(), help, tree);
  }

  function recipients(plan) {
    const rec = plan.first('recipients');
    const box = el('div', { id: 'recipients' });
    const mkTo = (t, label, inGroup) => {
      const id = 'f' + t.id + '-to';
      const wrap = el('div', { class: 'rec-row' });
      if (!inGroup) wrap.append(attrInput(t, 'purpose', 'f' + t.id + '-purpose', 'Mục đích', { list: 'dl-purposes', cls: 'small', placeholder: 'để b/c' }));
      wrap.append(textInput(t, id, label, { id, cls: 'grow' }));
      wrap.append(el('button', {
        type: 'button', class: 'act danger', 'aria-label': 'Xóa nơi nhận', title: 'Xóa nơi nhận',
        onclick: () => { XD.remove(t); ED.edited({ focus: rec.id }); },
      }, '✕'));
      ED.fieldOf.set(t.id, wrap.querySelector('#' + id));
      return wrap;
    };
    if (rec) {
      ED.fieldOf.set(rec.id, box);
      let n = 0;
      for (const c of rec.elements()) {
        if (c.name === 'to') box.append(mkTo(c, 'Nơi nhận ' + (++n), false));
        else if (c.name === 'group') {
          const g = el('fieldset', { class: 'group' }, el('legend', {}, 'Nhóm nơi nhận'));
          g.append(el('div', { class: 'rec-row' },
            attrInput(c, 'purpose', 'f' + c.id + '-gpurpose', 'Mục đích của nhóm', { list: 'dl-purposes', required: true, cls: 'grow' }),
            el('button', {
              type: 'button', class: 'act danger', 'aria-label': 'Xóa nhóm', title: 'Xóa nhóm',
              onclick: () => { XD.remove(c); ED.edited({ focus: rec.id }); },
            }, '✕')));
          ED.fieldOf.set(c.id, g);
          for (const t of c.elements('to')) g.append(mkTo(t, 'Nơi nhận ' + (++n), true));
          g.append(el('button', {
            type: 'button', class: 'small', onclick: () => {
              const tos = c.elements('to');
              const nd = XD.insertAfter(tos[tos.length - 1], '<to>Nơi nhận mới</to>');
              ED.edited({ focus: nd.id });
            },
          }, 'Thêm nơi nhận vào nhóm'));
          box.append(g);
        }
      }
      const arch = rec.first('archive');
      box.append(textInput(arch, 'f-archive', 'Lưu (đơn vị lưu, ngoài "Lưu" của thể thức)', {
        id: 'f-archive', removeWhenEmpty: true,
        create: (v) => XD.appendChild(rec, '<archive>' + XD.escText(v) + '</archive>'),
      }));
    }
    const ensure = () => {
      let r = plan.first('recipients');
      if (!r) {
        const sig = plan.first('signature');
        const ind = XD.indentOf(sig);
        r = XD.insertBefore(sig, `<recipients>\n${ind}</recipients>`);
      }
      return r;
    };
    const addTo = (raw) => {
      const r = ensure();
      const last = r.elements().filter((c) => c.name !== 'archive').pop();
      const arch = r.first('archive');
      const nd = last ? XD.insertAfter(last, raw) : arch ? XD.insertBefore(arch, raw) : XD.appendChild(r, raw);
      ED.edited({ focus: nd.name === 'group' ? nd.elements('to')[0].id : nd.id });
    };
    return section('Nơi nhận', 'sec-recipients', box,
      el('div', { class: 'bar' },
        el('button', { type: 'button', class: 'small', id: 'add-to', onclick: () => addTo('<to>Nơi nhận mới</to>') }, 'Thêm nơi nhận'),
        el('button', { type: 'button', class: 'small', id: 'add-group', onclick: () => addTo('<group purpose="để báo cáo"><to>Nơi nhận mới</to></group>') }, 'Thêm nhóm')));
  }

  function signature(plan) {
    const sig = plan.first('signature');
    if (!sig) return section('Chữ ký', 'sec-signature', el('p', { class: 'error' }, 'Kế hoạch thiếu phần chữ ký.'));
    const sel = el('select', {
      id: 'f-authority', onchange: () => { if (sig.setAttr('authority', sel.value || null)) ED.edited(); },
    });
    ED.fieldOf.set(sig.id, sel);
    return section('Chữ ký', 'sec-signature', el('div', { class: 'grid2' },
      field('f-authority', 'Thẩm quyền ký', sel),
      attrInput(sig, 'collective', 'f-collective', 'Tập thể (VD: BAN THƯỜNG VỤ)'),
      attrInput(sig, 'title', 'f-sig-title', 'Chức vụ người ký', { required: true }),
      attrInput(sig, 'name', 'f-sig-name', 'Họ và tên người ký', { required: true })));
  }

  function appendices(plan) {
    const box = el('div', { id: 'appendices' });
    plan.elements('appendix').forEach((a, k) => {
      const n = k + 1;
      const orient = el('select', {
        id: 'f' + a.id + '-orient', onchange: () => { if (a.setAttr('orientation', orient.value || null)) ED.edited(); },
      }, el('option', { value: '', selected: !a.attr('orientation') }, 'Dọc'),
      el('option', { value: 'landscape', selected: a.attr('orientation') === 'landscape' }, 'Ngang'));
      const card = el('div', { class: 'appendix', 'data-node-id': String(a.id) },
        el('div', { class: 'app-head' }, el('h3', {}, 'Phụ lục ' + n),
          el('button', {
            type: 'button', class: 'act danger', 'aria-label': 'Xóa phụ lục ' + n, title: 'Xóa phụ lục',
            onclick: () => { if (confirm('Xóa phụ lục ' + n + '?')) { XD.remove(a); ED.edited({ focus: plan.first('signature').id }); } },
          }, '✕')),
        el('div', { class: 'grid2' },
          attrInput(a, 'name', 'f' + a.id + '-name', 'Tên phụ lục (thay "PHỤ LỤC ' + n + '")'),
          attrInput(a, 'title', 'f' + a.id + '-title', 'Tiêu đề phụ lục'),
          field('f' + a.id + '-orient', 'Hướng trang', orient)),
        OUT.tree(a, 'Nội dung phụ lục ' + n),
        el('button', { type: 'button', class: 'small', onclick: () => OUT.addInto(a, 'p') }, 'Thêm đoạn vào phụ lục'),
        el('button', { type: 'button', class: 'small', onclick: () => OUT.addInto(a, 'table') }, 'Thêm bảng vào phụ lục'));
      ED.fieldOf.set(a.id, card);
      box.append(card);
    });
    const add = el('button', {
      type: 'button', class: 'small', id: 'add-appendix', onclick: () => {
        const list = plan.elements('appendix');
        const after = list.length ? list[list.length - 1] : plan.first('signature');
        const ind = XD.indentOf(after);
        const nd = XD.insertAfter(after, `<appendix title="Tiêu đề phụ lục">\n${ind}  <p></p>\n${ind}</appendix>`);
        ED.edited({ focus: nd.elements('p')[0].id, edit: true });
      },
    }, 'Thêm phụ lục');
    return section('Phụ lục', 'sec-appendices', box, add);
  }

  function build(doc) {
    const plan = doc.plan;
    if (!plan || plan.name !== 'plan') return [el('p', { class: 'error' }, 'Tệp này không phải là một kế hoạch (thiếu phần tử <plan>).')];
    return [
      header(plan), basis(plan), body(plan), recipients(plan), signature(plan), appendices(plan),
      el('datalist', { id: 'dl-purposes' }), el('datalist', { id: 'dl-types' }),
    ];
  }
  return { build };
})();

/* ---- preview and findings --------------------------------------------------- */

/* plangen's finding categories, as a clerk reads them. */
const VI_MESSAGE = {
  'block is taller than the page; placed anyway': 'Khối cao hơn một trang; vẫn được đặt vào',
  'breaks the standard': 'Chưa đúng thể thức',
  'cannot read file': 'Không đọc được tệp',
  'character is not allowed': 'Ký tự không được phép',
  "character is not in the font; drawn as the font's empty box": 'Phông chữ thiếu ký tự này (in ra ô trống)',
  'contradicts the plan': 'Mâu thuẫn trong kế hoạch',
  'edits contradict each other': 'Các sửa đổi kế thừa mâu thuẫn nhau',
  'element given more than once': 'Một phần được khai báo nhiều lần',
  'element out of order': 'Sai thứ tự các phần',
  'empty value': 'Giá trị bị bỏ trống',
  'entity reference is not allowed': 'Không được dùng tham chiếu thực thể',
  'file is too large': 'Tệp hoặc nội dung quá lớn',
  'impossible date': 'Ngày không có thật',
  'invalid UTF-8': 'Mã hóa ký tự không hợp lệ',
  'invalid style': 'Thể thức không hợp lệ',
  'invalid value': 'Giá trị không hợp lệ',
  'missing required attribute': 'Thiếu thông tin bắt buộc',
  'missing required element': 'Thiếu phần bắt buộc',
  'nesting too deep': 'Lồng quá nhiều cấp',
  'not a plangen plan': 'Không phải là kế hoạch plangen',
  'placeholder left in the plan': 'Còn chỗ trống chưa điền',
  'schema validation failed': 'Cấu trúc kế hoạch không hợp lệ',
  'section has neither a title nor content; skipped': 'Đề mục không có tiêu đề và nội dung; bị bỏ qua',
  'text is not allowed here': 'Không được có chữ ở vị trí này',
  'text is not in Unicode NFC; normalised': 'Chữ chưa ở dạng Unicode dựng sẵn; đã chuẩn hóa',
  "the plan's date lies outside the standard's edition": 'Ngày của kế hoạch nằm ngoài thời gian hiệu lực của thể thức',
  'unknown attribute': 'Thuộc tính không xác định',
  'unknown authority form': 'Thẩm quyền ký không có trong thể thức',
  'unknown element': 'Phần tử không xác định',
};

const PV = {
  timer: null, inFlight: false, pending: false, lastRetry: 0, firstDone: false, lastText: null,

  schedule() {
    clearTimeout(PV.timer);
    PV.timer = setTimeout(() => { if (ED.doc.serialize() !== PV.lastText) PV.request(); }, 300);
  },

  async request() {
    if (PV.inFlight) { PV.pending = true; return; }
    PV.inFlight = true;
    PV.pending = false;
    const box = document.getElementById('preview');
    box.dataset.state = 'busy';
    const text = ED.doc.serialize();
    PV.lastText = text;
    const r = await PG.api('POST', '/api/preview' + PG.q(ED.path), text);
    PV.inFlight = false;
    if (PV.pending) { PV.request(); return; }          // a newer text waits: drop this answer
    if (r.status !== 200 || !r.data || typeof r.data !== 'object') {
      box.dataset.state = 'error';
      PV.showFindings([], (r.data && r.data.error) || 'Không tạo được bản xem trước (mã ' + r.status + ').');
      return;
    }
    box.dataset.state = 'ready';
    const pages = r.data.pages || [];
    // a plan that cannot be laid out keeps its last pages, dimmed
    document.getElementById('pages').classList.toggle('stale', !pages.length && r.data.ok === false);
    if (pages.length || r.data.ok !== false) PV.showPages(pages);
    PV.showFindings(r.data.findings || []);
  },

  showPages(pages) {
    const box = document.getElementById('pages');
    let firstChanged = null;
    pages.forEach((p, k) => {
      let fig = box.children[k];
      if (!fig) {
        fig = PG.el('figure', { class: 'page' },
          PG.el('img', { alt: 'Trang ' + p.n, 'data-page': String(p.n), width: String(Math.round(p.width || 794)), height: String(Math.round(p.height || 1123)) }),
          PG.el('figcaption', {}, 'Trang ' + p.n));
        box.append(fig);
      }
      const img = fig.querySelector('img');
      img.dataset.page = String(p.n);
      if (p.width && p.height) img.style.aspectRatio = p.width + ' / ' + p.height;
      if (img.dataset.hash !== p.hash) {
        img.dataset.hash = p.hash;
        img.onerror = () => PV.retry();
        img.src = '/api/page/' + p.hash + '.png?dpi=96';
        if (!firstChanged) firstChanged = fig;
      }
    });
    while (box.children.length > pages.length) box.lastChild.remove();
    document.getElementById('page-count').textContent = pages.length ? pages.length + ' trang' : '';
    if (firstChanged && PV.firstDone) {
      const pane = document.getElementById('preview');
      const r = firstChanged.getBoundingClientRect(), pr = pane.getBoundingClientRect();
      if (r.bottom < pr.top || r.top > pr.bottom) firstChanged.scrollIntoView({ block: 'nearest' });
    }
    PV.firstDone = true;
  },

  retry() {
    const now = Date.now();
    if (now - PV.lastRetry < 2000) return;
    PV.lastRetry = now;
    PV.request();
  },

  showFindings(findings, error) {
    const ul = document.getElementById('findings');
    const head = document.getElementById('findings-count');
    ul.replaceChildren();
    if (error) ul.append(PG.el('li', { class: 'f-error' }, error));
    const icon = { error: '⛔', warning: '⚠️', note: 'ℹ️' };
    const word = { error: 'Lỗi', warning: 'Cảnh báo', note: 'Ghi chú' };
    // a finding in inherited content stands at the parent's file
    const foreign = (f) => !!f.file && !f.file.endsWith(ED.path) && (ED.parentPaths || []).some((p) => f.file.endsWith(p));
    const own = findings.filter((f) => !foreign(f));
    for (const f of findings) {
      const mine = own.includes(f);
      const b = PG.el('button', {
        type: 'button', class: 'finding sev-' + f.severity,
        'data-line': String(f.line || 0), 'data-col': String(f.col || 0), 'data-severity': f.severity,
        title: f.hint || '',
        onclick: () => {
          if (!mine) { PG.say('Lỗi này nằm ở kế hoạch cấp trên: ' + (f.file || ''), 'warn'); return; }
          const nd = ED.doc.nodeAt(f.line, f.col);
          let attr = nd && ED.doc.attrAt(nd, f.line, f.col);
          const am = /\b([a-z][a-z-]*)="/.exec((f.message || '') + ' ' + (f.hint || ''));      // "symbol=\"...\": ..." names the attribute
          if (!attr && nd && am && nd.hasAttr(am[1])) attr = am[1];
          if (!nd || !ED.focusNode(nd, attr)) PG.say('Không tìm thấy vị trí dòng ' + f.line + '.', 'warn');
        },
      },
      PG.el('span', { class: 'sev', 'aria-label': word[f.severity] || f.severity }, icon[f.severity] || '•'),
      PG.el('span', { class: 'msg' }, PG.el('strong', {}, VI_MESSAGE[f.message] || f.message), f.hint ? ' — ' + f.hint : '',
        f.rule ? PG.el('small', { class: 'rule' }, ' [' + f.rule + ']') : null),
      PG.el('span', { class: 'where' }, (mine ? '' : (f.file || '') + ' ') + 'dòng ' + (f.line || '?')));
      ul.append(PG.el('li', {}, b));
    }
    const ne = findings.filter((f) => f.severity === 'error').length;
    const nw = findings.filter((f) => f.severity === 'warning').length;
    head.textContent = findings.length ? `${ne} lỗi, ${nw} cảnh báo` : (error ? '' : 'Không có lỗi');
    head.className = ne ? 'bad' : nw ? 'warn' : 'good';
  },
};

/* ---- conflicts --------------------------------------------------------------- */

const CF = {
  theirs: null,

  authority(v) {
    const a = v && ED.style && (ED.style.authorities || []).find((x) => x.value === v);
    return a && a.label ? a.label : v;
  },

  /* The readable pieces of a plan: header values, titles, paragraphs. */
  pieces(text) {
    let d;
    try { d = new XD.XmlDoc(text); } catch (_) { return []; }
    const out = [];
    const plan = d.plan;
    if (!plan) return out;
    plan.walk((n) => {
      if (n.type !== 'element') return;
      if (n.name === 'section' && n.attr('title')) out.push('§ ' + n.attr('title'));
      else if (['p', 'item', 'summary', 'issuer', 'place', 'date', 'number', 'to', 'archive', 'cell'].includes(n.name)) {
        if (n.name === 'cell' && n.elements().length) return;
        out.push(n.text().replace(/\s+/g, ' ').trim());
      } else if (n.name === 'signature') out.push('Ký: ' + [n.attr('authority'), n.attr('collective'), n.attr('title'), n.attr('name')].filter(Boolean).join(' · '));
      else if (n.name === 'inherit') out.push('(kế thừa ' + n.attr('ref') + ')');
    });
    return out;
  },

  /* Rows of a side-by-side diff (longest common subsequence). */
  diff(a, b) {
    const n = a.length, m = b.length;
    if (n * m > 4e6) return [{ mine: 'Tệp quá lớn để so sánh.', theirs: '' }];
    const L = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    const rows = [];
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { i++; j++; continue; }
      const row = { mine: null, theirs: null };
      if (i < n && j < m && L[i + 1][j] === L[i][j + 1]) { row.mine = a[i++]; row.theirs = b[j++]; }
      else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) row.theirs = b[j++];
      else row.mine = a[i++];
      rows.push(row);
    }
    return rows;
  },

  show(etag, text, takeFocus = true) {
    etag = ED.quote(etag);
    CF.theirs = { etag, text };
    ED.conflictEtag = etag;
    const panel = document.getElementById('conflict');
    const rows = CF.diff(CF.pieces(ED.doc.serialize()), CF.pieces(text));
    const table = PG.el('table', { class: 'diff' },
      PG.el('thead', {}, PG.el('tr', {}, PG.el('th', { scope: 'col' }, 'Bản của tôi (chưa lưu)'), PG.el('th', { scope: 'col' }, 'Bản của họ (đã lưu)'))),
      PG.el('tbody', {}, ...rows.slice(0, 200).map((r) => PG.el('tr', {},
        PG.el('td', { class: r.mine === null ? 'none' : 'mine' }, r.mine === null ? '—' : r.mine),
        PG.el('td', { class: r.theirs === null ? 'none' : 'theirs' }, r.theirs === null ? '—' : r.theirs)))));
    panel.replaceChildren(
      PG.el('h2', { id: 'conflict-h' }, 'Có người khác đã lưu kế hoạch này'),
      PG.el('p', {}, rows.length ? 'Những đoạn khác nhau giữa bản của bạn và bản đã lưu trên máy chủ:' : 'Nội dung giống nhau, chỉ khác cách viết trong tệp.'),
      PG.el('div', { class: 'diff-wrap' }, table),
      PG.el('div', { class: 'bar' },
        PG.el('button', { type: 'button', id: 'conflict-theirs', onclick: () => { CF.hide(); ED.setText(text, etag); PG.say('Đã tải bản của họ.', 'ok'); } }, 'Tải bản của họ'),
        PG.el('button', { type: 'button', id: 'conflict-mine', class: 'primary', onclick: () => { CF.hide(); ED.save(etag); } }, 'Giữ bản của tôi'),
        PG.el('button', { type: 'button', id: 'conflict-later', class: 'link', onclick: () => CF.hide() }, 'Để sau')));
    panel.hidden = false;
    document.body.classList.add('has-conflict');
    if (takeFocus) panel.querySelector('#conflict-theirs').focus();
    PG.say('Có người khác đã lưu kế hoạch này.', 'warn');
  },

  hide() {
    const panel = document.getElementById('conflict');
    panel.hidden = true;
    document.body.classList.remove('has-conflict');
  },
};

/* ---- start -------------------------------------------------------------------- */

(async function main() {
  const path = new URLSearchParams(location.search).get('path');
  if (!path) { PG.say('Thiếu đường dẫn kế hoạch (?path=...).', 'error'); return; }
  ED.path = path;
  document.getElementById('plan-path').textContent = path;
  const pdf = document.getElementById('pdf');
  pdf.href = '/api/pdf' + PG.q(path);
  pdf.addEventListener('click', async (ev) => {
    // the PDF is made from the file on disk: say so, and show why it fails
    ev.preventDefault();
    if (ED.dirty) PG.say('Bản PDF được tạo từ bản đã lưu; các thay đổi chưa lưu không có trong đó.', 'warn');
    const r = await PG.download(pdf.href, path.split('/').pop().replace(/\.xml$/, '') + '.pdf');
    if (r.status === 0) { PG.say('Không kết nối được máy chủ plangen.', 'error'); return; }
    if (r.status !== 200) {
      const d = r.data || {};
      let msg = 'Không tạo được PDF (mã ' + r.status + ').';
      if (r.status === 422) msg = 'Kế hoạch đã lưu còn lỗi nên chưa tạo được PDF' + (d.findings && d.findings.length ? ': ' + d.findings[0].message : '.'); else if (d.error) msg = d.error;
      PG.say(msg, 'error');
    }
  });
  document.getElementById('save').addEventListener('click', () => ED.save());
  document.getElementById('form').addEventListener('submit', (ev) => ev.preventDefault());
  document.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 's') { ev.preventDefault(); ED.save(); }
    const t = ev.target;
    const inText = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === 'z' && !inText) { ev.preventDefault(); ED.undo(); }
  });
  window.addEventListener('beforeunload', (ev) => {
    if (ED.dirty) { ev.preventDefault(); ev.returnValue = ''; }
  });
  if (!(await PG.start())) return;
  if (PG.session && PG.session.user) document.getElementById('user').textContent = PG.session.user;
  const w = (PG.session && PG.session.write) || null;
  if (w && PG.session.login_required && !w.some((f) => f === '.' || path.startsWith(f.replace(/\/$/, '') + '/'))) {
    const save = document.getElementById('save');
    ED.readOnly = true;
    save.disabled = true;
    save.title = 'Bạn chỉ có quyền xem kế hoạch này';
    document.getElementById('dirty').dataset.readonly = 'true';
    PG.say('Bạn chỉ có quyền xem kế hoạch này; các thay đổi không lưu được.', 'warn');
  }
  if (!(await ED.load())) return;
  setInterval(ED.poll, 3000);
})();
