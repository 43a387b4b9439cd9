/* inline.js - inline text editing of a plan's paragraphs, items, cells, the
 * summary and the issuing body: a contenteditable limited to the schema's
 * inline markup (b, i, u, br, footnote, deadline). The DOM is turned back into
 * canonical inline XML on every input and spliced into the element with
 * XD.setInline, which changes only the bytes that differ.
 * Needs xmldoc.js (XD) and common.js (PG). */
'use strict';

const INL = (() => {
  const KNOWN = { b: 'b', strong: 'b', i: 'i', em: 'i', u: 'u' };

  /* DOM nodes showing an element's inline children. */
  function toDom(xel, into) {
    for (const c of xel.children) {
      if (c.type === 'text' || c.type === 'cdata') {
        into.append(document.createTextNode(c.text()));
      } else if (c.type === 'comment') {
        into.append(document.createComment(c.raw.slice(4, -3)));
      } else if (c.type === 'element') {
        let e;
        if (c.name === 'br' && c.children.length === 0) { into.append(document.createElement('br')); continue; }
        if (c.name === 'b' || c.name === 'i' || c.name === 'u') e = document.createElement(c.name);
        else {
          e = document.createElement('span');
          e.dataset.x = c.name;
          e.dataset.attrs = JSON.stringify(c.attrs.map((a) => [a.name, a.value]));
          if (c.name === 'footnote') { e.className = 'fn'; e.title = 'Chú thích cuối trang'; }
          else if (c.name === 'deadline') { e.className = 'dl'; e.title = 'Thời hạn: ' + (c.attr('date') || '') + ' (nhấp đúp hoặc Alt+D để đổi ngày)'; }
          else e.className = 'xel';
        }
        toDom(c, e);
        into.append(e);
      }
    }
    return into;
  }

  /* Canonical inline XML of the editable's DOM (see XD.canonUnits). */
  function toCanon(root, opts = {}) {
    const out = [];
    function walk(n, isRoot, inNote) {
      const kids = Array.from(n.childNodes);
      kids.forEach((c, k) => {
        if (c.nodeType === 3) { out.push(XD.escText(inNote ? c.data.replace(/\u200b/g, '') : c.data)); return; }
        if (c.nodeType === 8) { if (!opts.plain) out.push('<!--' + c.data + '-->'); return; }
        if (c.nodeType !== 1) return;
        const tag = c.tagName.toLowerCase();
        if (tag === 'br') {
          // the placeholder <br> a browser keeps in an empty line is not content
          if (isRoot && k === kids.length - 1 && !opts.plain) return;
          if (opts.noBr) { out.push(' '); return; }
          out.push('<br/>');
          return;
        }
        if (!opts.plain && c.dataset && c.dataset.x) {
          let attrs = [];
          try { attrs = JSON.parse(c.dataset.attrs || '[]'); } catch (_) { attrs = []; }
          out.push('<' + c.dataset.x + attrs.map(([a, v]) => ' ' + a + '="' + XD.escAttr(v) + '"').join('') + '>');
          walk(c, false, inNote || c.dataset.x === 'footnote');
          out.push('</' + c.dataset.x + '>');
          return;
        }
        let name = KNOWN[tag];
        if (!name && c.style) {      // a browser's <span style="font-weight: bold">
          if (/bold|[6-9]00/.test(c.style.fontWeight)) name = 'b';
          else if (c.style.fontStyle === 'italic') name = 'i';
          else if (/underline/.test(c.style.textDecoration || c.style.textDecorationLine || '')) name = 'u';
        }
        if (/^(div|p|li|h[1-6]|tr)$/.test(tag) && out.length) {
          // a block pasted or typed inside: a line break before it
          if (!opts.noBr) out.push('<br/>'); else out.push(' ');
        }
        if (name) {
          const mark = out.length;
          out.push('<' + name + '>');
          walk(c, false, inNote);
          if (out.length === mark + 1) { out.length = mark; return; }      // empty: dropped
          out.push('</' + name + '>');
        } else walk(c, false, inNote);
      });
    }
    walk(root, true);
    return out.join('');
  }

  /* Pasted HTML reduced to text, b, i, u and br. */
  function sanitize(html, text) {
    const box = document.createElement('div');
    if (html) {
      const d = new DOMParser().parseFromString(html, 'text/html');
      d.querySelectorAll('script,style,meta,link,title,head,sup.fn,o\\:p').forEach((x) => x.remove());
      box.append(...Array.from(d.body.childNodes));
    } else box.textContent = text || '';
    let canon = toCanon(box, { plain: true });
    canon = canon.replace(/\r?\n/g, ' ').replace(/^(<br\/>)+|(<br\/>)+$/g, '');
    const frag = document.createElement('div');
    frag.innerHTML = canon.replace(/<br\/>/g, '<br>');
    return frag;
  }

  function caretRange(ed) {
    const sel = window.getSelection();
    if (!sel.rangeCount) return null;
    const r = sel.getRangeAt(0);
    return ed.contains(r.commonAncestorContainer) ? r : null;
  }
  function insertNodes(ed, nodes) {
    const r = caretRange(ed);
    const frag = document.createDocumentFragment();
    nodes.forEach((n) => frag.append(n));
    const last = frag.lastChild;
    if (r) { r.deleteContents(); r.insertNode(frag); }
    else ed.append(frag);
    if (last) {
      const sel = window.getSelection();
      const nr = document.createRange();
      nr.setStartAfter(last); nr.collapse(true);
      sel.removeAllRanges(); sel.addRange(nr);
    }
  }

  /* An editable for element xel. opts: label (aria-label), onChange(),
   * onEnter(ev) (Enter without Shift), footnotes (allow adding), single (no br). */
  function editor(xel, opts) {
    const ed = PG.el('div', {
      class: 'inl' + (opts.single ? ' single' : ''), contenteditable: 'true', role: 'textbox',
      'aria-label': opts.label, 'aria-multiline': opts.single ? 'false' : 'true', spellcheck: 'true',
      'data-node-id': opts.rowless ? String(xel.id) : null, lang: 'vi',
    });
    toDom(xel, ed);
    ed._xel = xel;
    const commit = () => {
      const canon = toCanon(ed, { noBr: opts.single });
      if (XD.setInline(ed._xel, canon)) opts.onChange();
    };
    ed.addEventListener('input', commit);
    ed.addEventListener('keydown', (ev) => {
      const k = ev.key.toLowerCase();
      if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (k === 'b' || k === 'i' || k === 'u')) {
        ev.preventDefault();
        document.execCommand('styleWithCSS', false, false);
        document.execCommand({ b: 'bold', i: 'italic', u: 'underline' }[k]);
        commit();
        return;
      }
      if (ev.key === 'Enter' && !ev.altKey && !ev.ctrlKey) {
        ev.preventDefault();
        if (ev.shiftKey && !opts.single) { insertNodes(ed, [document.createElement('br')]); commit(); }
        else if (!ev.shiftKey && opts.onEnter) {
          // the text after the caret goes to the new paragraph
          const r = caretRange(ed);
          let rest = '';
          if (r && ed.lastChild) {
            const tail = r.cloneRange();
            tail.setEndAfter(ed.lastChild);
            const box = document.createElement('div');
            box.append(tail.extractContents());
            rest = toCanon(box).replace(/^\s+/, '');
            commit();
          }
          opts.onEnter(ev, rest);
        }
      }
      if (ev.key === 'Backspace' && opts.onEmptyBackspace && !ev.ctrlKey && !ev.altKey && toCanon(ed) === '') {
        ev.preventDefault();
        opts.onEmptyBackspace();
      }
    });
    ed.addEventListener('paste', (ev) => {
      ev.preventDefault();
      const cd = ev.clipboardData;
      const box = sanitize(cd.getData('text/html'), cd.getData('text/plain'));
      if (opts.single) box.querySelectorAll('br').forEach((b) => b.replaceWith(' '));
      insertNodes(ed, Array.from(box.childNodes));
      commit();
    });
    ed.addEventListener('drop', (ev) => ev.preventDefault());
    // a deadline's date: double-click it (or Alt+D inside it)
    const editDeadline = (dl) => {
      let attrs = [];
      try { attrs = JSON.parse(dl.dataset.attrs || '[]'); } catch (_) { attrs = []; }
      const cur = (attrs.find(([a]) => a === 'date') || [])[1] || '';
      const v = prompt('Thời hạn (năm-tháng-ngày, VD: 2023-04-28):', cur);
      if (v === null || !/^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return;
      const k = attrs.findIndex(([a]) => a === 'date');
      if (k >= 0) attrs[k][1] = v.trim(); else attrs.unshift(['date', v.trim()]);
      dl.dataset.attrs = JSON.stringify(attrs);
      dl.title = 'Thời hạn: ' + v.trim();
      commit();
    };
    ed.addEventListener('dblclick', (ev) => {
      const dl = ev.target.closest && ev.target.closest('.dl');
      if (dl && ed.contains(dl)) editDeadline(dl);
    });
    ed.addEventListener('keydown', (ev) => {
      if (!(ev.altKey && ev.key.toLowerCase() === 'd')) return;
      const r = caretRange(ed);
      const n = r && r.startContainer;
      const dl = n && (n.nodeType === 1 ? n : n.parentElement).closest('.dl');
      if (dl && ed.contains(dl)) { ev.preventDefault(); editDeadline(dl); }
    });
    ed.commit = commit;
    /* A footnote at the caret; the caret goes inside it (a zero-width space
     * holds the empty note open and is never written). */
    ed.addFootnote = () => {
      const t = document.createTextNode('\u200b');
      const fn = PG.el('span', { class: 'fn', 'data-x': 'footnote', 'data-attrs': '[]', title: 'Chú thích cuối trang' }, t);
      if (!caretRange(ed)) ed.focus();
      insertNodes(ed, [fn]);
      const r = document.createRange();
      r.setStart(t, 1); r.collapse(true);
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
      commit();
      PG.say('Gõ nội dung chú thích (ô màu xanh).');
    };
    return ed;
  }

  return { editor, toDom, toCanon, sanitize };
})();
