// Self-checks for web/xmldoc.js: node web/xmldoc.test.mjs
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const X = require('./xmldoc.js');
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

function plans(dir) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...plans(p));
    else if (f.endsWith('.xml')) out.push(p);
  }
  return out;
}
let n = 0;
const files = [...plans(join(repo, 'plans')), ...plans(join(repo, 'templates'))];
for (const f of files) {
  const t = readFileSync(f, 'utf8');
  const d = new X.XmlDoc(t);
  assert.equal(d.serialize(), t, 'round trip ' + f);
  // positions recorded at parse equal those of serialise
  d.root.walk((nd) => { if (nd.orig) assert.equal(nd.orig.start, nd.at.start, f); });
  n++;
}
console.log(`ok round trip of ${n} files`);

// tricky bytes
const tricky = `<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY a "b"> ]>\n<!-- c -->\n<plan a='1' b = "x&quot;y">\n  <p>A&#x2C; B &amp; <![CDATA[<raw>]]> <b >đậm</b ></p>\n  <q/>\n</plan>\n`;
const d = new X.XmlDoc(tricky);
assert.equal(d.serialize(), tricky);
const p = d.plan.first('p');
assert.equal(X.canonInner(p), 'A, B &amp; &lt;raw&gt; <b>đậm</b>');
// change one word: only it changes
X.setInline(p, 'A, C &amp; &lt;raw&gt; <b>đậm</b>');
assert.equal(d.serialize(), tricky.replace('B &amp;', 'C &amp;'));
// edit inside bold keeps the tag bytes
X.setInline(p, 'A, C &amp; &lt;raw&gt; <b>nhạt</b>');
assert.equal(d.serialize(), tricky.replace('B &amp;', 'C &amp;').replace('đậm', 'nhạt'));
// attribute edit keeps quoting
d.plan.setAttr('a', "2'");
assert.ok(d.serialize().includes("a='2&apos;'"));
d.plan.setAttr('b', 'z');
assert.ok(d.serialize().includes('b = "z"'));
d.plan.setAttr('c', 'n<');
assert.ok(d.serialize().includes(' c="n&lt;">'));
d.plan.setAttr('c', null);
assert.ok(d.serialize().includes(`b = "z">`));

// structural edits on a real plan
const f = join(repo, 'plans/chi-bo-hung-yen/chi-bo-bao-hung-yen-2023.xml');
const t = readFileSync(f, 'utf8');
const doc = new X.XmlDoc(t);
const sec = doc.plan.elements('section')[1];
const items = sec.elements('item');
X.moveDown(items[0]);
let s = doc.serialize();
assert.equal(s.length, t.length);
X.moveUp(items[0]);
assert.equal(doc.serialize(), t, 'move down then up restores');
const added = X.insertAfter(items[2], '<item>Mới</item>');
s = doc.serialize();
assert.ok(s.includes('</item>\n    <item>Mới</item>\n  </section>'), s);
X.remove(added);
assert.equal(doc.serialize(), t);
// indent into previous section and back
const secs = doc.plan.elements('section');
X.indent(secs[1], ['section']);
s = doc.serialize();
assert.ok(s.includes('\n    <section id="to-chuc-thuc-hien"'));
assert.ok(s.includes('\n      <item>Chi ủy tổ chức'));
const moved = doc.plan.elements('section')[0].elements('section')[0];
X.outdent(moved, ['section']);
assert.equal(doc.serialize(), t, 'indent then outdent restores');
// self-closing parent gets children
const d2 = new X.XmlDoc('<plan>\n  <section title="a"/>\n</plan>');
X.appendChild(d2.plan.first('section'), '<p>x</p>');
assert.equal(d2.serialize(), '<plan>\n  <section title="a">\n    <p>x</p>\n  </section>\n</plan>');
// nodeAt
const d3 = new X.XmlDoc(t);
const at = d3.nodeAt(18, 5);
assert.equal(at.name, 'item');
// attributes on self-closing elements
const d4 = new X.XmlDoc('<a>\r\n  <x/>\r\n  <y k="1" />\r\n</a>');
d4.plan.first('x').setAttr('b', '2');
d4.plan.first('y').setAttr('c', '3');
assert.equal(d4.serialize(), '<a>\r\n  <x b="2"/>\r\n  <y k="1" c="3" />\r\n</a>');
// CRLF files get CRLF line breaks
X.insertAfter(d4.plan.first('y'), '<z/>');
assert.equal(d4.serialize(), '<a>\r\n  <x b="2"/>\r\n  <y k="1" c="3" />\r\n  <z/>\r\n</a>');
// an inline edit that replaces a whole tag keeps neighbours' bytes
const d5 = new X.XmlDoc('<p>a&#233; <i>b</i> c</p>');
X.setInline(d5.plan, 'aé <b>b</b> c');
assert.equal(d5.serialize(), '<p>a&#233; <b>b</b> c</p>');
console.log('ok edits');
