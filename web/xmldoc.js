/* xmldoc.js - a lossless XML tree for the plan editor.
 *
 * The file is the truth: parsing keeps every byte of the original (declaration,
 * comments, whitespace, attribute quoting, entity and character references as
 * written, CDATA), so serialising an unchanged tree gives the identical string,
 * and an edit changes only the bytes of what changed.
 *
 * Each node keeps its raw text: an element its start tag (`open`) and end tag
 * (`close`, '' when self-closing) around its children; text, comments, CDATA,
 * processing instructions and the doctype their raw slice. serialize() joins
 * them and records, for each node, where it stands in the CURRENT text
 * (node.at = {start, end, line, col}); node.orig holds the position in the
 * text it was parsed from.
 *
 * Usable in the browser (global XmlDoc) and in node (module.exports).
 */
'use strict';

(function (root) {
  let nextId = 1;

  const XML_ENT = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

  function decode(raw) {
    return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (m, e) => {
      if (e[0] === '#') {
        const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        try { return String.fromCodePoint(n); } catch (_) { return m; }
      }
      return Object.prototype.hasOwnProperty.call(XML_ENT, e) ? XML_ENT[e] : m;
    });
  }
  function escText(s) { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  function escAttr(s) { return escText(s).replace(/"/g, '&quot;'); }

  class XNode {
    constructor(type, raw) {
      this.id = nextId++;
      this.type = type;          // 'element' | 'text' | 'comment' | 'cdata' | 'pi' | 'doctype' | 'document'
      this.raw = raw || '';      // for non-elements
      this.parent = null;
      this.children = [];
      this.orig = null;          // {start, end, line, col} in the parsed text
      this.at = null;            // same, in the last serialised text
    }
    get isElement() { return this.type === 'element'; }
    /* element */
    get name() { return this._name; }
    get attrs() { return this._attrs || []; }
    setOpen(open) {
      this.open = open;
      const m = /^<([^\s/>]+)/.exec(open);
      this._name = m ? m[1] : '';
      this._attrs = parseAttrs(open, this._name.length + 1);
    }
    attr(name) {
      const a = this.attrs.find((x) => x.name === name);
      return a ? a.value : null;
    }
    hasAttr(name) { return this.attrs.some((x) => x.name === name); }
    /* Sets (or with value null removes) an attribute, touching only its bytes. */
    setAttr(name, value) {
      const a = this.attrs.find((x) => x.name === name);
      if (value === null || value === undefined) {
        if (!a) return false;
        let s = a.start;
        while (s > 0 && /\s/.test(this.open[s - 1])) s--;
        this.setOpen(this.open.slice(0, s) + this.open.slice(a.end));
        return true;
      }
      if (a) {
        if (a.value === value) return false;
        const q = a.quote;
        let v = escAttr(value);
        if (q === "'") v = escText(value).replace(/'/g, '&apos;');
        this.setOpen(this.open.slice(0, a.valStart) + v + this.open.slice(a.valEnd));
        return true;
      }
      let e = this.open.length - (this.close === '' ? 2 : 1);
      while (e > 0 && /\s/.test(this.open[e - 1])) e--;
      this.setOpen(this.open.slice(0, e) + ' ' + name + '="' + escAttr(value) + '"' + this.open.slice(e));
      return true;
    }
    elements(name) {
      return this.children.filter((c) => c.type === 'element' && (!name || c.name === name));
    }
    first(name) { return this.children.find((c) => c.type === 'element' && c.name === name) || null; }
    /* Decoded text of the node and its descendants. */
    text() {
      if (this.type === 'text') return decode(this.raw);
      if (this.type === 'cdata') return this.raw.slice(9, -3);
      if (this.type === 'element' || this.type === 'document') return this.children.map((c) => c.text()).join('');
      return '';
    }
    /* The raw inner text (children serialised). */
    inner() { return this.children.map(serializeNode).join(''); }
    /* Replaces the children by those parsed from raw (already XML). */
    setInner(raw) {
      if (this.close === '') {           // <x/> gets an end tag
        this.setOpen(this.open.replace(/\s*\/>$/, '>'));
        this.close = '</' + this.name + '>';
      }
      this.children = [];
      for (const c of parseFragment(raw)) this.append(c);
    }
    append(c) { c.parent = this; this.children.push(c); return c; }
    insertAt(i, ...nodes) {
      for (const n of nodes) n.parent = this;
      this.children.splice(i, 0, ...nodes);
    }
    index() { return this.parent ? this.parent.children.indexOf(this) : -1; }
    prevElement() {
      if (!this.parent) return null;
      const cs = this.parent.children;
      for (let i = cs.indexOf(this) - 1; i >= 0; i--) if (cs[i].type === 'element') return cs[i];
      return null;
    }
    nextElement() {
      if (!this.parent) return null;
      const cs = this.parent.children;
      for (let i = cs.indexOf(this) + 1; i < cs.length; i++) if (cs[i].type === 'element') return cs[i];
      return null;
    }
    walk(f) { f(this); for (const c of this.children) c.walk(f); }
    find(pred) {
      if (pred(this)) return this;
      for (const c of this.children) { const r = c.find(pred); if (r) return r; }
      return null;
    }
  }

  function parseAttrs(open, from) {
    const out = [];
    const re = /\s+([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
    re.lastIndex = from;
    let m;
    while ((m = re.exec(open))) {
      const quote = m[2][0];
      const valStart = m.index + m[0].length - m[2].length + 1;
      const rawVal = m[3] !== undefined ? m[3] : m[4];
      out.push({
        name: m[1], quote, value: decode(rawVal), rawValue: rawVal,
        start: m.index + m[0].length - m[0].trimStart().length, end: m.index + m[0].length,
        valStart, valEnd: valStart + rawVal.length,
      });
    }
    return out;
  }

  /* Tokenises text into a list of top-level nodes (a fragment). base: the
   * offset/line/col of text[0] in the whole document, recorded into orig. */
  function parseFragment(text, base) {
    base = base || { offset: 0, line: 1, col: 1 };
    const top = [];
    const stack = [];
    let i = 0;
    let line = base.line, col = base.col, posI = 0;
    function posAt(k) {            // advance line/col to offset k
      for (; posI < k; posI++) {
        if (text.charCodeAt(posI) === 10) { line++; col = 1; } else col++;
      }
      return { start: base.offset + k, line, col };
    }
    function add(n, s, e) {
      n.orig = posAt(s); n.orig.end = base.offset + e;
      if (stack.length) stack[stack.length - 1].append(n); else top.push(n);
    }
    const n = text.length;
    while (i < n) {
      if (text[i] !== '<') {
        let j = text.indexOf('<', i);
        if (j < 0) j = n;
        add(new XNode('text', text.slice(i, j)), i, j);
        i = j;
        continue;
      }
      let j, node;
      if (text.startsWith('<!--', i)) {
        j = text.indexOf('-->', i + 4); j = j < 0 ? n : j + 3;
        add(new XNode('comment', text.slice(i, j)), i, j);
      } else if (text.startsWith('<![CDATA[', i)) {
        j = text.indexOf(']]>', i + 9); j = j < 0 ? n : j + 3;
        add(new XNode('cdata', text.slice(i, j)), i, j);
      } else if (text.startsWith('<?', i)) {
        j = text.indexOf('?>', i + 2); j = j < 0 ? n : j + 2;
        add(new XNode('pi', text.slice(i, j)), i, j);
      } else if (text.startsWith('<!', i)) {
        // doctype, with an optional internal subset in [ ]
        let k = i + 2, depth = 0, q = null;
        for (; k < n; k++) {
          const ch = text[k];
          if (q) { if (ch === q) q = null; continue; }
          if (ch === '"' || ch === "'") q = ch;
          else if (ch === '[') depth++;
          else if (ch === ']') depth--;
          else if (ch === '>' && depth <= 0) break;
        }
        j = Math.min(n, k + 1);
        add(new XNode('doctype', text.slice(i, j)), i, j);
      } else if (text[i + 1] === '/') {
        j = text.indexOf('>', i); j = j < 0 ? n : j + 1;
        const el = stack.pop();
        if (el) {
          el.close = text.slice(i, j);
          el.orig.end = base.offset + j;
        } else {
          add(new XNode('text', text.slice(i, j)), i, j);   // stray end tag kept as bytes
        }
      } else {
        // start tag: find its '>' outside quotes
        let k = i + 1, q = null;
        for (; k < n; k++) {
          const ch = text[k];
          if (q) { if (ch === q) q = null; continue; }
          if (ch === '"' || ch === "'") q = ch;
          else if (ch === '>') break;
        }
        j = Math.min(n, k + 1);
        node = new XNode('element');
        const open = text.slice(i, j);
        node.setOpen(open);
        const selfClosing = /\/>$/.test(open);
        node.close = selfClosing ? '' : null;
        add(node, i, j);
        if (!selfClosing) stack.push(node);
      }
      i = j;
    }
    for (const el of stack) if (el.close === null) el.close = '';   // unclosed: kept as written
    return top;
  }

  function serializeNode(nd) {
    if (nd.type === 'element') return nd.open + nd.inner() + (nd.close || '');
    if (nd.type === 'document') return nd.inner();
    return nd.raw;
  }

  class XmlDoc {
    constructor(text) {
      this.root = new XNode('document');
      for (const c of parseFragment(text)) this.root.append(c);
      this.text = text;
      this.serialize();
    }
    get plan() { return this.root.children.find((c) => c.type === 'element') || null; }
    /* Joins the tree; records each node's position in the new text. */
    serialize() {
      const parts = [];
      let off = 0, line = 1, col = 1;
      function emit(s) {
        parts.push(s);
        off += s.length;
        let k = s.lastIndexOf('\n');
        if (k < 0) col += s.length;
        else {
          for (let p = s.indexOf('\n'); p >= 0; p = s.indexOf('\n', p + 1)) line++;
          col = s.length - k;
        }
      }
      function walk(nd) {
        nd.at = { start: off, line, col, end: 0 };
        if (nd.type === 'element') {
          emit(nd.open);
          for (const c of nd.children) walk(c);
          if (nd.close) emit(nd.close);
        } else if (nd.type === 'document') {
          for (const c of nd.children) walk(c);
        } else emit(nd.raw);
        nd.at.end = off;
      }
      walk(this.root);
      this.text = parts.join('');
      return this.text;
    }
    /* The deepest element at (line, col) of the last serialised text: the one
     * whose start tag begins on that line at or before col, else the deepest
     * element containing the point. */
    nodeAt(line, col) {
      const lineStarts = [0];
      for (let k = this.text.indexOf('\n'); k >= 0; k = this.text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
      const off = (lineStarts[line - 1] !== undefined ? lineStarts[line - 1] : this.text.length) + Math.max(0, (col || 1) - 1);
      let onLine = null, containing = null;
      this.root.walk((nd) => {
        if (nd.type !== 'element' || !nd.at) return;
        if (nd.at.line === line && (!col || nd.at.col <= col || !onLine)) {
          if (!onLine || nd.at.start > onLine.at.start && (!col || nd.at.col <= col)) onLine = nd;
        }
        if (nd.at.start <= off && off < nd.at.end) containing = nd;
      });
      return onLine || containing;
    }
    /* The attribute of element nd written at (line, col), if any. */
    attrAt(nd, line, col) {
      if (!nd || !nd.at || !col) return null;
      let off = 0;
      for (let l = 1; l < line; l++) { off = this.text.indexOf('\n', off) + 1; if (off === 0) return null; }
      const rel = off + col - 1 - nd.at.start;
      if (rel < 0 || rel >= nd.open.length) return null;
      const a = nd.attrs.find((x) => x.start <= rel && rel < x.end);
      return a ? a.name : null;
    }
    byId(id) { return this.root.find((n) => n.id === id); }
  }

  /* ---- inline content: minimal splices ------------------------------------- */

  /* The canonical form of inline XML: text escaped (& < >), tags as <name a="v">
   * with attributes in their order, <br/> for empty br, other empty elements
   * as <x></x>; comments as written. Each unit maps to its raw span. */
  function canonUnits(el) {
    const units = [];
    let off = 0;
    function push(canon, rawLen) { units.push({ canon, rs: off, re: off + rawLen }); off += rawLen; }
    function tagCanon(nd) {
      return '<' + nd.name + nd.attrs.map((a) => ' ' + a.name + '="' + escAttr(a.value) + '"').join('') + '>';
    }
    function walk(nd) {
      if (nd.type === 'text') {
        const r = nd.raw;
        for (let i = 0; i < r.length;) {
          if (r[i] === '&') {
            const m = /^&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/.exec(r.slice(i, i + 40));
            if (m) { push(escText(decode(m[0])), m[0].length); i += m[0].length; continue; }
          }
          push(escText(r[i]), 1); i++;
        }
      } else if (nd.type === 'cdata') {
        push(escText(nd.raw.slice(9, -3)), nd.raw.length);
      } else if (nd.type === 'element') {
        if (nd.name === 'br' && nd.children.length === 0) {
          push('<br/>', nd.open.length + (nd.close || '').length);
          return;
        }
        push(tagCanon(nd), nd.open.length);
        for (const c of nd.children) walk(c);
        push('</' + nd.name + '>', (nd.close || '').length);
      } else {
        push(nd.raw, nd.raw.length);
      }
    }
    for (const c of el.children) walk(c);
    return units;
  }
  function canonInner(el) { return canonUnits(el).map((u) => u.canon).join(''); }

  /* Sets an element's inline content to `canon` (canonical inline XML), changing
   * only the raw bytes between the common prefix and suffix. Returns true when
   * something changed. */
  function setInline(el, canon) {
    const units = canonUnits(el);
    const old = units.map((u) => u.canon).join('');
    if (old === canon) return false;
    const raw = el.inner();
    // unit boundaries in canonical offsets
    const starts = [];
    let c = 0;
    for (const u of units) { starts.push(c); c += u.canon.length; }
    const L = old.length;
    let p = 0;
    const maxP = Math.min(L, canon.length);
    while (p < maxP && old.charCodeAt(p) === canon.charCodeAt(p)) p++;
    let s = 0;
    while (s < maxP - p && old.charCodeAt(L - 1 - s) === canon.charCodeAt(canon.length - 1 - s)) s++;
    // snap p down to a unit start, q = L - s up to a unit end
    let ui = 0;
    while (ui < units.length && starts[ui] + units[ui].canon.length <= p) ui++;
    if (ui < units.length && starts[ui] < p) p = starts[ui];
    let q = L - s;
    let uj = ui;
    while (uj < units.length && starts[uj] + units[uj].canon.length <= q) uj++;
    if (uj < units.length && starts[uj] < q) q = starts[uj] + units[uj].canon.length;
    if (q < p) q = p;
    s = L - q;
    // avoid cutting a tag apart on the new side: grow until both ends sit outside '<...>'
    let mid = canon.slice(p, canon.length - s);
    const rawA = ui < units.length ? units[ui].rs : raw.length;
    let rawB = raw.length;
    for (let k = 0; k < units.length; k++) if (starts[k] >= q) { rawB = units[k].rs; break; }
    el.setInner(raw.slice(0, rawA) + mid + raw.slice(rawB));
    return true;
  }

  /* ---- block edits: splice children with their leading whitespace ---------- */

  function leadingWs(nd) {
    const i = nd.index();
    const prev = i > 0 ? nd.parent.children[i - 1] : null;
    return prev && prev.type === 'text' && /^\s*$/.test(prev.raw) ? prev : null;
  }
  function indentOf(nd) {
    const ws = leadingWs(nd);
    if (ws) { const k = ws.raw.lastIndexOf('\n'); return k >= 0 ? ws.raw.slice(k + 1) : ws.raw; }
    return '';
  }
  /* The indentation a child of parent gets: copied from its element children,
   * else the parent's own plus two spaces. */
  function childIndent(parent) {
    const kids = parent.elements();
    if (kids.length) return indentOf(kids[kids.length - 1]);
    return indentOf(parent) + '  ';
  }
  function reindent(raw, from, to) {
    if (from === to) return raw;
    return raw.split('\n' + from).join('\n' + to);
  }
  /* Detaches a node and the whitespace before it; returns the node's indent. */
  function detach(nd) {
    const ind = indentOf(nd);
    const ws = leadingWs(nd);
    const p = nd.parent;
    if (ws) p.children.splice(ws.index(), 1);
    p.children.splice(nd.index(), 1);
    nd.parent = null;
    return ind;
  }
  /* Whitespace before a new node: a line break as the file writes them. */
  function makeWs(ind, near) {
    let nl = '\n';
    for (let n = near; n && n.parent; n = n.parent) {
      const ws = leadingWs(n);
      if (ws) { if (ws.raw.includes('\r\n')) nl = '\r\n'; break; }
    }
    return new XNode('text', nl + ind);
  }
  function reparseWith(nd, fromInd, toInd) {
    if (fromInd === toInd) return nd;
    const list = parseFragment(reindent(serializeNode(nd), fromInd, toInd));
    return list.find((x) => x.type === 'element') || nd;
  }
  /* Inserts element node (or raw XML) after ref, with ref's indentation. */
  function insertAfter(ref, nodeOrRaw, fromInd) {
    const p = ref.parent;
    const ind = indentOf(ref);
    let nd = typeof nodeOrRaw === 'string' ? parseFragment(nodeOrRaw).find((x) => x.type === 'element') : nodeOrRaw;
    if (fromInd !== undefined) nd = reparseWith(nd, fromInd, ind);
    p.insertAt(ref.index() + 1, makeWs(ind, ref), nd);
    return nd;
  }
  function insertBefore(ref, nodeOrRaw, fromInd) {
    const p = ref.parent;
    const ind = indentOf(ref);
    let nd = typeof nodeOrRaw === 'string' ? parseFragment(nodeOrRaw).find((x) => x.type === 'element') : nodeOrRaw;
    if (fromInd !== undefined) nd = reparseWith(nd, fromInd, ind);
    const ws = leadingWs(ref);
    const at = ws ? ws.index() : ref.index();
    p.insertAt(at, makeWs(ind, ref), nd);
    return nd;
  }
  /* Appends as the last element child of parent (after `after` when given). */
  function appendChild(parent, nodeOrRaw, fromInd) {
    const kids = parent.elements();
    if (kids.length) return insertAfter(kids[kids.length - 1], nodeOrRaw, fromInd);
    const pind = indentOf(parent);
    const ind = pind + '  ';
    let nd = typeof nodeOrRaw === 'string' ? parseFragment(nodeOrRaw).find((x) => x.type === 'element') : nodeOrRaw;
    if (fromInd !== undefined) nd = reparseWith(nd, fromInd, ind);
    if (parent.close === '') {
      parent.setOpen(parent.open.replace(/\s*\/>$/, '>'));
      parent.close = '</' + parent.name + '>';
    }
    // keep what is inside (text, comments) and add before the end
    const trail = parent.children.length && parent.children[parent.children.length - 1];
    if (trail && trail.type === 'text' && /^\s*$/.test(trail.raw)) {
      parent.insertAt(parent.children.length - 1, makeWs(ind, parent), nd);
    } else {
      parent.insertAt(parent.children.length, makeWs(ind, parent), nd, makeWs(pind, parent));
    }
    return nd;
  }
  function remove(nd) { detach(nd); }
  function moveUp(nd) {
    const prev = nd.prevElement();
    if (!prev) return null;
    const ind = detach(nd);
    return insertBefore(prev, nd, ind);
  }
  function moveDown(nd) {
    const next = nd.nextElement();
    if (!next) return null;
    const ind = detach(nd);
    return insertAfter(next, nd, ind);
  }
  /* Makes nd the last child of its previous sibling (which must accept blocks). */
  function indent(nd, containerNames) {
    const prev = nd.prevElement();
    if (!prev || !containerNames.includes(prev.name)) return null;
    const ind = detach(nd);
    const kids = prev.elements();
    const target = kids.length ? indentOf(kids[kids.length - 1]) : indentOf(prev) + '  ';
    return appendChild(prev, reparseWith(nd, ind, target));
  }
  /* Moves nd out of its parent, right after it. */
  function outdent(nd, containerNames) {
    const p = nd.parent;
    if (!p || !p.parent || !containerNames.includes(p.name) || p.parent.type !== 'element') return null;
    // the siblings after nd stay in p
    const ind = detach(nd);
    return insertAfter(p, nd, ind);
  }

  const api = {
    XmlDoc, XNode, parseFragment, serializeNode, decode, escText, escAttr,
    canonUnits, canonInner, setInline, leadingWs, indentOf, childIndent,
    insertAfter, insertBefore, appendChild, remove, moveUp, moveDown, indent, outdent, detach, reindent,
  };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  else root.XD = api;
})(typeof window !== 'undefined' ? window : globalThis);
