/* outline.js - the outline editor of a plan's body (and of each appendix):
 * sections, paragraphs, items, tables, QR codes, images and the edits of a
 * derived plan (inherit, replace, remove, append), as an ARIA tree whose rows
 * are edited in place. Every structural edit is a splice of xmldoc.js.
 * Needs xmldoc.js (XD), inline.js (INL), common.js (PG) and editor.js (ED). */
'use strict';

const OUT = (() => {
  const BLOCKS = new Set(['section', 'p', 'item', 'table', 'qr', 'image', 'inherit', 'remove', 'replace', 'append']);
  const CONTAINERS = ['section', 'replace', 'append'];
  const KIND = {
    section: 'Đề mục', p: 'Đoạn văn', item: 'Gạch đầu dòng', table: 'Bảng', qr: 'Mã QR',
    image: 'Hình ảnh', inherit: 'Kế thừa', remove: 'Bỏ phần kế thừa', replace: 'Thay thế', append: 'Bổ sung',
  };
  const NEW = {
    section: '<section title="Đề mục mới"/>',
    p: '<p></p>',
    item: '<item></item>',
    table: '<table>\n  <row header="yes"><cell>Nội dung</cell><cell>Thời hạn</cell></row>\n  <row><cell/><cell/></row>\n</table>',
  };
  const el = PG.el;

  function blocksOf(x) { return x.elements().filter((c) => BLOCKS.has(c.name)); }
  function short(s, n = 80) { s = s.replace(/\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  /* ---- edits -------------------------------------------------------------- */

  function rawWithIndent(raw, ind) { return raw.split('\n').join('\n' + ind); }

  function addAfter(x, kind, content) {
    const ind = XD.indentOf(x);
    const raw = content ? '<' + kind + '>' + content + '</' + kind + '>' : rawWithIndent(NEW[kind] || NEW.p, ind);
    const nd = XD.insertAfter(x, raw);
    ED.edited({ focus: nd.id, edit: true });
    return nd;
  }
  function addInto(container, kind) {
    const kids = blocksOf(container);
    if (kids.length) return addAfter(kids[kids.length - 1], kind);
    const ind = XD.childIndent(container);
    const nd = XD.appendChild(container, rawWithIndent(NEW[kind] || NEW.p, ind));
    ED.edited({ focus: nd.id, edit: true });
    return nd;
  }
  function move(x, up) {
    const sib = up ? x.prevElement() : x.nextElement();
    if (!sib || !BLOCKS.has(sib.name)) { PG.say(up ? 'Mục này đã ở đầu.' : 'Mục này đã ở cuối.'); return; }
    const nd = up ? XD.moveUp(x) : XD.moveDown(x);
    ED.edited({ focus: nd.id });
    PG.say(up ? 'Đã chuyển lên.' : 'Đã chuyển xuống.');
  }
  function indent(x) {
    const prev = x.prevElement();
    if (!prev || !CONTAINERS.includes(prev.name)) {
      PG.say('Không thể thụt vào: mục phía trên không phải là đề mục.', 'warn');
      return;
    }
    const nd = XD.indent(x, CONTAINERS);
    ED.edited({ focus: nd.id });
    PG.say('Đã thụt vào trong đề mục phía trên.');
  }
  function outdent(x) {
    const p = x.parent;
    if (!p || !CONTAINERS.includes(p.name) || !p.parent || p.parent.type !== 'element') {
      PG.say('Không thể lùi ra thêm.', 'warn');
      return;
    }
    const nd = XD.outdent(x, CONTAINERS);
    ED.edited({ focus: nd.id });
    PG.say('Đã lùi ra một cấp.');
  }
  function del(x) {
    const next = x.nextElement() || x.prevElement() || x.parent;
    XD.remove(x);
    ED.edited({ focus: next ? next.id : null });
    PG.say('Đã xóa ' + (KIND[x.name] || x.name).toLowerCase() + '.');
  }
  function rename(x, name) {
    if (x.name === name) return;
    x.setOpen(x.open.replace(/^<[^\s/>]+/, '<' + name));
    if (x.close) x.close = '</' + name + '>';
    if (name === 'p') x.setAttr('bullet', null);
    ED.edited({ focus: x.id, edit: true });
  }

  /* ---- rows ---------------------------------------------------------------- */

  function actionButtons(x) {
    const b = (label, icon, f, extra = {}) => el('button', Object.assign({
      type: 'button', class: 'act', tabindex: '-1', 'aria-label': label, title: label,
      onclick: (ev) => { ev.stopPropagation(); f(); },
    }, extra), icon);
    return el('span', { class: 'row-acts' },
      b('Thêm mục sau', '＋', () => addAfter(x, x.name === 'section' || x.name === 'item' ? x.name : 'p')),
      b('Chuyển lên', '↑', () => move(x, true)),
      b('Chuyển xuống', '↓', () => move(x, false)),
      b('Thụt vào', '→', () => indent(x)),
      b('Lùi ra', '←', () => outdent(x)),
      b('Xóa', '✕', () => del(x), { class: 'act danger' }));
  }

  function input(x, attr, label, opts = {}) {
    const id = 'f' + x.id + '-' + attr;
    const i = el('input', {
      id, type: opts.type || 'text', class: opts.cls || '', value: x.attr(attr) || '',
      placeholder: opts.placeholder || null, list: opts.list || null,
      oninput: () => { if (x.setAttr(attr, i.value.trim() || (opts.keepEmpty ? '' : null))) ED.edited(); },
    });
    ED.fieldOf.set(x.id + '@' + attr, i);
    return el('span', { class: 'fld ' + (opts.wrap || '') }, el('label', { for: id, class: opts.hideLabel ? 'sr' : null }, label), i);
  }

  function row(x, level) {
    const li = el('li', {
      role: 'treeitem', 'aria-level': String(level), 'aria-selected': 'false', tabindex: '-1', class: 'row k-' + x.name,
      'data-node-id': String(x.id), 'data-kind': x.name,
    });
    li._x = x;
    const head = el('div', { class: 'row-head' });
    const badge = el('span', { class: 'kind', 'aria-hidden': 'true' }, KIND[x.name] || x.name);
    const body = el('div', { class: 'row-body' });
    head.append(badge, body, actionButtons(x));
    li.append(head);
    let label = KIND[x.name] || x.name;

    if (x.name === 'section') {
      const t = x.attr('title');
      label += ': ' + (t || '(không tiêu đề)');
      body.append(input(x, 'title', 'Tiêu đề đề mục', { cls: 'title', wrap: 'grow', placeholder: 'Tiêu đề (để trống: chỉ có số thứ tự)', hideLabel: true }));
      const cid = 'f' + x.id + '-runin';
      const cb = el('input', {
        id: cid, type: 'checkbox', checked: x.attr('run-in') === 'yes',
        onchange: () => { if (x.setAttr('run-in', cb.checked ? 'yes' : null)) ED.edited(); },
      });
      body.append(el('span', { class: 'fld check' }, cb, el('label', { for: cid }, 'Liền dòng')));
      body.append(input(x, 'id', 'Mã đề mục (cho kế hoạch cấp dưới kế thừa)', { cls: 'code', wrap: 'small', placeholder: 'mã', hideLabel: true }));
    } else if (x.name === 'p' || x.name === 'item') {
      label += ': ' + short(x.text(), 60);
      const ed = INL.editor(x, {
        label: KIND[x.name], onChange: () => ED.edited(),
        onEnter: (ev, rest) => addAfter(x, x.name, rest),
        onEmptyBackspace: () => {
          const prev = x.prevElement();
          XD.remove(x);
          ED.edited({ focus: prev && BLOCKS.has(prev.name) ? prev.id : x.parent ? x.parent.id : null, edit: true, caretEnd: true });
        },
      });
      body.append(ed);
      const sid = 'f' + x.id + '-kind';
      const sel = el('select', { id: sid, class: 'mini', onchange: () => rename(x, sel.value) },
        el('option', { value: 'p', selected: x.name === 'p' }, 'Đoạn văn'),
        el('option', { value: 'item', selected: x.name === 'item' }, 'Gạch đầu dòng'));
      const tools = el('span', { class: 'row-tools' }, el('label', { for: sid, class: 'sr' }, 'Loại dòng'), sel);
      if (x.name === 'item') {
        const bid = 'f' + x.id + '-bullet';
        const bs = el('select', {
          id: bid, class: 'mini',
          onchange: () => { if (x.setAttr('bullet', bs.value || null)) ED.edited(); },
        }, ...[['', 'Gạch mặc định'], ['dash', 'Gạch (-)'], ['plus', 'Dấu +'], ['star', 'Dấu *'], ['none', 'Không gạch']]
          .map(([v, t]) => el('option', { value: v, selected: (x.attr('bullet') || '') === v }, t)));
        tools.append(el('label', { for: bid, class: 'sr' }, 'Kiểu gạch đầu dòng'), bs);
      }
      body.append(tools);
    } else if (x.name === 'table') {
      body.append(tableEditor(x));
    } else if (x.name === 'qr') {
      body.append(input(x, 'href', 'Địa chỉ mã QR', { wrap: 'grow' }));
    } else if (x.name === 'image') {
      body.append(input(x, 'src', 'Tệp hình ảnh', { wrap: 'grow' }), input(x, 'width', 'Rộng', { wrap: 'small' }));
    } else if (x.name === 'inherit') {
      li.classList.add('inherited');
      label += ': ' + inheritedTitle(x);
      body.append(inheritView(x));
    } else if (x.name === 'remove') {
      const t = ED.parentNode(x.attr('ref'));
      label += ': ' + x.attr('ref');
      body.append(el('div', { class: 'ro' }, 'Không dùng phần kế thừa ', el('code', {}, x.attr('ref') || ''),
        t ? ' — ' + short(describe(t), 90) : '', el('small', {}, ' (xóa dòng này để dùng lại)')));
    } else if (x.name === 'replace') {
      const t = ED.parentNode(x.attr('ref'));
      label += ': ' + x.attr('ref');
      body.append(el('div', { class: 'ro' }, 'Thay phần kế thừa ', el('code', {}, x.attr('ref') || ''),
        t ? ' — ' + short(describe(t), 80) : '', ' bằng nội dung dưới đây:'));
    } else if (x.name === 'append') {
      const t = ED.parentNode(x.attr('to'));
      label += ': ' + x.attr('to');
      body.append(el('div', { class: 'ro' }, 'Bổ sung vào cuối phần kế thừa ', el('code', {}, x.attr('to') || ''),
        t ? ' — ' + short(describe(t), 80) : '', ':'));
    }
    li.setAttribute('aria-label', label);
    ED.fieldOf.set(x.id, li);

    if (CONTAINERS.includes(x.name)) {
      const ul = el('ul', { role: 'group', class: 'group' });
      for (const c of blocksOf(x)) ul.append(row(c, level + 1));
      li.setAttribute('aria-expanded', 'true');
      li.append(ul);
      if (x.name !== 'section' && !blocksOf(x).length) {
        ul.append(el('li', { role: 'none' }, el('button', { type: 'button', class: 'link', onclick: () => addInto(x, 'p') }, 'Thêm đoạn văn')));
      }
    }
    return li;
  }

  /* ---- tables ------------------------------------------------------------- */

  function tableEditor(x) {
    const t = el('table', { class: 'grid' });
    const rows = x.elements('row');
    rows.forEach((r, ri) => {
      const tr = el('tr', { class: r.attr('header') === 'yes' ? 'hdr' : '' });
      r.elements('cell').forEach((c, ci) => {
        const td = el('td', {});
        const blocks = c.elements().filter((b) => b.name === 'p' || b.name === 'item');
        const lab = `Ô hàng ${ri + 1}, cột ${ci + 1}`;
        if (blocks.length) {
          blocks.forEach((b) => td.append(INL.editor(b, { label: lab, onChange: () => ED.edited(), rowless: true })));
        } else {
          td.append(INL.editor(c, { label: lab, onChange: () => ED.edited(), rowless: true }));
        }
        ED.fieldOf.set(c.id, td.firstChild);
        tr.append(td);
      });
      tr.append(el('td', { class: 'rowact' }, el('button', {
        type: 'button', class: 'act danger', 'aria-label': `Xóa hàng ${ri + 1}`, title: 'Xóa hàng',
        onclick: () => {
          if (x.elements('row').length <= 1) { PG.say('Bảng phải còn ít nhất một hàng.', 'warn'); return; }
          XD.remove(r); ED.edited({ focus: x.id });
        },
      }, '✕')));
      t.append(tr);
    });
    const add = el('button', {
      type: 'button', class: 'small', onclick: () => {
        const last = x.elements('row').pop();
        const n = Math.max(1, last ? last.elements('cell').length : 1);
        const nd = XD.insertAfter(last, '<row>' + '<cell/>'.repeat(n) + '</row>');
        ED.edited({ focus: nd.elements('cell')[0].id });
      },
    }, 'Thêm hàng');
    return el('div', { class: 'table-ed' }, t, add);
  }

  /* ---- derived plans -------------------------------------------------------- */

  function describe(t) {
    if (t.name === 'section') return (t.attr('title') || '(đề mục)') + (blocksOf(t).length ? ': ' + blocksOf(t).map((c) => c.attr('title') || c.text()).join(' · ') : '');
    return t.text();
  }
  function inheritedTitle(x) {
    const t = ED.parentNode(x.attr('ref'));
    return x.attr('title') || (t ? (t.attr('title') || short(t.text(), 60)) : x.attr('ref'));
  }
  function copyWithoutIds(t, ind) {
    const frag = XD.parseFragment(XD.serializeNode(t));
    const c = frag.find((n) => n.type === 'element');
    c.walk((n) => { if (n.type === 'element' && ['section', 'p', 'item'].includes(n.name)) n.setAttr('id', null); });
    return XD.reindent(XD.serializeNode(c), XD.indentOf(t), ind);
  }
  function replaceRef(x, ref) {
    const t = ED.parentNode(ref);
    const ind = XD.indentOf(x);
    const body = t ? copyWithoutIds(t, ind + '  ') : '<p></p>';
    const nd = XD.insertAfter(x, `<replace ref="${XD.escAttr(ref)}">\n${ind}  ${body}\n${ind}</replace>`);
    ED.edited({ focus: nd.id });
    PG.say('Đã thêm phần thay thế; sửa nội dung bên dưới.');
  }
  function removeRef(x, ref) {
    const nd = XD.insertAfter(x, `<remove ref="${XD.escAttr(ref)}"/>`);
    ED.edited({ focus: nd.id });
  }
  function appendTo(x, ref) {
    const ind = XD.indentOf(x);
    const nd = XD.insertAfter(x, `<append to="${XD.escAttr(ref)}">\n${ind}  <item></item>\n${ind}</append>`);
    const first = nd.elements()[0];
    ED.edited({ focus: first ? first.id : nd.id, edit: true });
  }

  function inheritView(x) {
    const ref = x.attr('ref');
    const t = ED.parentNode(ref);
    const box = el('div', { class: 'inh' });
    box.append(el('div', { class: 'inh-head' },
      el('strong', {}, inheritedTitle(x)), ' ',
      el('code', { title: 'Mã phần kế thừa' }, ref || ''),
      x.attr('from') ? el('small', {}, ' từ ' + x.attr('from')) : null));
    if (t && t.name === 'section') {
      box.append(input(x, 'title', 'Đổi tiêu đề', { wrap: 'grow', placeholder: t.attr('title') || '' }));
    }
    const ro = el('div', { class: 'ro', role: 'group', 'aria-label': 'Nội dung kế thừa (chỉ đọc)' });
    if (!t) {
      ro.append(ED.parentDoc ? 'Không tìm thấy phần này trong kế hoạch cấp trên (có thể nó được kế thừa từ cấp cao hơn).' : 'Đang tải kế hoạch cấp trên…');
    } else if (t.name === 'section') {
      const ul = el('ul', {});
      for (const c of blocksOf(t).slice(0, 12)) {
        const cid = c.attr('id') || (c.name === 'inherit' ? c.attr('ref') : null);
        ul.append(el('li', {}, el('span', {}, (c.name === 'section' ? '▸ ' + (c.attr('title') || '') : short(c.name === 'inherit' ? '(kế thừa: ' + c.attr('ref') + ')' : c.text(), 110))),
          cid ? el('span', { class: 'inh-acts' },
            el('button', { type: 'button', class: 'link', onclick: () => replaceRef(x, cid), 'aria-label': 'Thay thế ' + cid }, 'Thay thế'),
            el('button', { type: 'button', class: 'link', onclick: () => removeRef(x, cid), 'aria-label': 'Bỏ ' + cid }, 'Bỏ')) : null));
      }
      if (blocksOf(t).length > 12) ul.append(el('li', {}, '…'));
      const n = blocksOf(t).length;
      ro.append(el('details', {}, el('summary', {}, 'Xem nội dung kế thừa (' + n + ' mục) — chỉ đọc'), ul));
    } else {
      ro.append(short(t.text(), 400));
    }
    box.append(ro);
    // wording changes: <change from="old words">new words</change>
    const changes = el('div', { class: 'changes' });
    x.elements('change').forEach((c, k) => {
      const n = k + 1;
      const ed = INL.editor(c, { label: 'Thay bằng (sửa câu chữ ' + n + ')', onChange: () => ED.edited(), single: true, rowless: true });
      ED.fieldOf.set(c.id, ed);
      changes.append(el('div', { class: 'change-row' },
        input(c, 'from', 'Câu chữ gốc ' + n, { wrap: 'grow', keepEmpty: true, placeholder: 'những chữ cần đổi trong phần kế thừa' }),
        el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
        el('span', { class: 'fld grow' }, el('span', { class: 'lbl' }, 'Thay bằng'), ed),
        el('button', {
          type: 'button', class: 'act danger', 'aria-label': 'Xóa sửa câu chữ ' + n, title: 'Xóa',
          onclick: () => { XD.remove(c); ED.edited({ focus: x.id }); },
        }, '✕')));
    });
    box.append(changes);
    box.append(el('div', { class: 'inh-bar' },
      el('button', { type: 'button', class: 'small', 'aria-label': 'Thay thế phần kế thừa', onclick: () => replaceRef(x, ref) }, 'Thay thế'),
      (!t || t.name === 'section') ? el('button', { type: 'button', class: 'small', 'aria-label': 'Bổ sung vào phần kế thừa', onclick: () => appendTo(x, ref) }, 'Bổ sung') : null,
      el('button', {
        type: 'button', class: 'small', 'aria-label': 'Sửa câu chữ trong phần kế thừa', onclick: () => {
          const nd = XD.appendChild(x, '<change from=""></change>');
          ED.edited({ focus: x.id });
          const f = document.getElementById('f' + nd.id + '-from');
          if (f) f.focus();
        },
      }, 'Sửa câu chữ')));
    return box;
  }

  /* ---- the tree and its keys ---------------------------------------------- */

  function tree(container, label, id) {
    const ul = el('ul', { role: 'tree', class: 'outline', 'aria-label': label, id: id || null });
    for (const c of blocksOf(container)) ul.append(row(c, 1));
    ul.addEventListener('keydown', keys);
    ul.addEventListener('focusin', (ev) => {
      const li = ev.target.closest('[role=treeitem]');
      if (li) setCurrent(li);
    });
    const first = ul.querySelector('[role=treeitem]');
    if (first) first.tabIndex = 0;
    return ul;
  }
  function setCurrent(li) {
    const tree = li.closest('[role=tree]') || document;
    tree.querySelectorAll('[role=treeitem][tabindex="0"]').forEach((r) => { if (r !== li) r.tabIndex = -1; });
    document.querySelectorAll('.row.current').forEach((r) => { r.classList.remove('current'); r.setAttribute('aria-selected', 'false'); });
    li.tabIndex = 0;
    li.classList.add('current');
    li.setAttribute('aria-selected', 'true');
    ED.current = li;
  }
  function visibleRows(li) {
    return Array.from(li.closest('[role=tree]').querySelectorAll('[role=treeitem]'));
  }
  function focusRow(li) { if (li) { setCurrent(li); li.focus(); } }
  function firstField(li) {
    return li.querySelector(':scope > .row-head .row-body [contenteditable], :scope > .row-head .row-body input, :scope > .row-head .row-body select, :scope > .row-head .row-body button');
  }

  function keys(ev) {
    const li = ev.target.closest('[role=treeitem]');
    if (!li) return;
    const x = li._x;
    const onRow = ev.target === li;
    const k = ev.key;
    if (ev.altKey && !ev.ctrlKey && (k === 'ArrowUp' || k === 'ArrowDown') && !ev.shiftKey) {
      ev.preventDefault(); move(x, k === 'ArrowUp'); return;
    }
    if (ev.altKey && ev.shiftKey && (k === 'ArrowRight' || k === 'ArrowLeft')) {
      ev.preventDefault(); (k === 'ArrowRight' ? indent : outdent)(x); return;
    }
    if (ev.altKey && k === 'Enter') {
      ev.preventDefault(); addAfter(x, x.name === 'section' || x.name === 'item' ? x.name : 'p'); return;
    }
    if (k === 'Escape' && !onRow) { ev.preventDefault(); focusRow(li); return; }
    if (!onRow) return;
    const rows = visibleRows(li);
    const i = rows.indexOf(li);
    if (k === 'ArrowDown') { ev.preventDefault(); focusRow(rows[i + 1]); }
    else if (k === 'ArrowUp') { ev.preventDefault(); focusRow(rows[i - 1]); }
    else if (k === 'Home') { ev.preventDefault(); focusRow(rows[0]); }
    else if (k === 'End') { ev.preventDefault(); focusRow(rows[rows.length - 1]); }
    else if (k === 'ArrowRight') { const c = li.querySelector('[role=treeitem]'); if (c) { ev.preventDefault(); focusRow(c); } }
    else if (k === 'ArrowLeft') { const p = li.parentElement.closest('[role=treeitem]'); if (p) { ev.preventDefault(); focusRow(p); } }
    else if (k === 'Tab' && !ev.ctrlKey && !ev.altKey) { ev.preventDefault(); (ev.shiftKey ? outdent : indent)(x); }
    else if (k === 'Enter' || k === 'F2') { const f = firstField(li); if (f) { ev.preventDefault(); f.focus(); } }
    else if (k === 'Delete') { ev.preventDefault(); del(x); }
    else if (k === 'Escape') {
      // leave the tree: the first control after it
      ev.preventDefault();
      const tree = li.closest('[role=tree]');
      const all = Array.from(document.querySelectorAll('input, select, button:not([tabindex="-1"]), [contenteditable="true"], a[href], [tabindex="0"]'))
        .filter((e) => !e.disabled && e.offsetParent !== null);
      const next = all.find((e) => !tree.contains(e) && (tree.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING));
      if (next) next.focus();
    }
  }

  return { tree, row, addAfter, addInto, blocksOf, focusRow, firstField, setCurrent, BLOCKS, KIND };
})();
