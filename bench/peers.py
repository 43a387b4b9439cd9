#!/usr/bin/env python3
"""Writes the same plan for the peer tools the benchmark compares plangen with:
HTML + CSS (WeasyPrint), XSL-FO (Apache FOP) and Typst markup (plan.typ; and
plan-0.10.typ for the Typst 0.10 CLI). The plan's text,
numbering, header, recipients and signature are carried over with the same
page size, margins, font and sizes as plangen's Party style, so that each tool
sets the same document. Usage: peers.py PLAN.xml OUTDIR"""
import html
import os
import sys
import xml.etree.ElementTree as ET

NS = "{urn:plangen:plan:1}"


def roman(n):
    vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def text_of(el):
    """Inline text with footnotes left out (their text follows as a note)."""
    parts = [el.text or ""]
    for c in el:
        if c.tag != NS + "footnote":
            parts.append(text_of(c))
        parts.append(c.tail or "")
    return " ".join("".join(parts).split())


def load(path):
    root = ET.parse(path).getroot()
    parent = root.get("derives-from")
    if parent:
        ppath = os.path.join(os.path.dirname(path), parent)
        proot = load(ppath)
        ids = {s.get("id"): s for s in proot.iter(NS + "section") if s.get("id")}
        resolve(root, ids)
    return root


def resolve(el, ids):
    for i, c in enumerate(list(el)):
        if c.tag == NS + "inherit":
            el.remove(c)
            el.insert(i, ids[c.get("ref")])
        else:
            resolve(c, ids)


def blocks(root):
    """(kind, level, label, text) for every block of the body, numbered as plangen does."""
    out = []
    for b in root.findall(NS + "basis/" + NS + "p"):
        out.append(("p", 0, "", text_of(b)))

    def walk(el, depth, path):
        n = 0
        for c in el:
            if c.tag == NS + "section":
                n += 1
                p = path + [n]
                label = (roman(n) + "-" if depth == 1 else str(n) + "-" if depth == 2
                         else ".".join(map(str, p[1:])) + ("." if depth == 3 else "-"))
                title = c.get("title")
                if title:
                    out.append(("h", depth, label, title.upper() if depth == 1 else title))
                    walk(c, depth + 1, p)
                else:
                    kids = list(c)
                    first = kids[0] if kids else None
                    out.append(("p", depth, label, text_of(first) if first is not None else ""))
                    for k in kids[1:]:
                        walk_one(k, depth + 1, p)
            else:
                walk_one(c, depth, path)

    def walk_one(c, depth, path):
        if c.tag == NS + "p":
            out.append(("p", 0, "", text_of(c)))
        elif c.tag == NS + "item":
            mark = {"star": "*", "plus": "+", "none": ""}.get(c.get("bullet"), "-")
            out.append(("p", 0, mark, text_of(c)))
        elif c.tag == NS + "section":
            walk(ET.Element("x", {}), depth, path)

    top = ET.Element("body")
    for c in root:
        if c.tag in (NS + "section", NS + "p", NS + "item"):
            top.append(c)
    walk(top, 1, [])
    return out


def appendices(root):
    """(title, column widths, rows of cell texts, header rows) of each appendix's
    table: what bench/long.py's 2,000-row plan carries after its signature."""
    out = []
    for a in root.findall(NS + "appendix"):
        t = a.find(NS + "table")
        if t is None:
            continue
        widths = [c.get("width", "1*") for c in t.findall(NS + "col")]
        rows = [[text_of(c) for c in r.findall(NS + "cell")] for r in t.findall(NS + "row")]
        heads = sum(1 for r in t.findall(NS + "row") if r.get("header") == "yes")
        out.append((a.get("title", ""), widths, rows, heads))
    return out


def header(root):
    issuer = root.find(NS + "issuer")
    date = root.find(NS + "date").text.split("-")
    num = int(root.find(NS + "number").text)
    return {
        "parent": issuer.get("parent", ""),
        "issuer": " ".join("".join(issuer.itertext()).split()).upper(),
        "number": "Số %02d-KH/%s" % (num, issuer.get("symbol")),
        "date": "%s, ngày %s tháng %s năm %s" % (root.find(NS + "place").text, date[2],
                                                  int(date[1]) if int(date[1]) > 2 else date[1],
                                                  date[0]),
        "summary": text_of(root.find(NS + "summary")),
        "recipients": ["- " + t.text.strip() + "," for t in root.iter(NS + "to")],
        "sign": root.find(NS + "signature").attrib,
    }


def write_html(h, bl, path, apx=()):
    e = html.escape
    tables = "".join(
        '<div style="page-break-before: always"><style>td, th { border: 0.5pt solid; padding: 2pt; }</style>'
        '<p class="t">PHỤ LỤC</p><p class="t">%s</p>'
        '<table style="width: 100%%; border-collapse: collapse; font-size: 13pt">%s'
        '<thead>%s</thead><tbody>%s</tbody></table></div>' % (
            e(title),
            "".join('<col style="width: %s">' % ("auto" if w.endswith("*") else w) for w in widths),
            "".join("<tr>%s</tr>" % "".join("<th>%s</th>" % e(c) for c in r) for r in rows[:heads]),
            "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % e(c) for c in r) for r in rows[heads:]))
        for title, widths, rows, heads in apx)
    rows = "".join(
        '<p class="%s">%s%s</p>\n' % ("h" if k == "h" else "b", e(lab + " ") if lab else "", e(t))
        for k, _, lab, t in bl)
    rec = "".join("<div>%s</div>" % e(r) for r in h["recipients"])
    s = h["sign"]
    doc = """<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; @top-center { content: counter(page); font: 14pt 'Liberation Serif'; } }
@page :first { @top-center { content: none; } }
body { font: 14pt/18pt 'Liberation Serif'; }
.hdr { display: flex; } .l { width: 45%%; text-align: center; } .r { width: 55%%; text-align: center; }
.b { text-align: justify; text-indent: 10mm; margin: 0 0 6pt; } .h { font-weight: bold; text-indent: 10mm; margin: 0 0 6pt; }
.t { text-align: center; font-weight: bold; } .close { display: flex; page-break-inside: avoid; font-size: 12pt; }
</style></head><body>
<div class="hdr"><div class="l">%s<br><b>%s</b><br>*<br>%s</div><div class="r"><b style="font-size:15pt;border-bottom:0.6pt solid">ĐẢNG CỘNG SẢN VIỆT NAM</b><br><i>%s</i></div></div>
<p class="t" style="font-size:16pt">KẾ HOẠCH</p><p class="t">%s</p><p style="text-align:center">-----</p>
%s<div class="close"><div class="l" style="text-align:left"><u style="font-size:14pt">Nơi nhận:</u>%s</div>
<div class="r" style="font-size:14pt"><b>T/M %s</b><br>%s<br><br><br><br><b>%s</b></div></div>%s</body></html>""" % (
        e(h["parent"]), e(h["issuer"]), e(h["number"]), e(h["date"]), e(h["summary"]), rows, rec,
        e(s.get("collective", "")), e(s.get("title", "")), e(s.get("name", "")), tables)
    open(path, "w", encoding="utf-8").write(doc)


def write_fo(h, bl, path, apx=()):
    e = html.escape
    cell = '<fo:table-cell border="0.5pt solid" padding="2pt"><fo:block>%s</fo:block></fo:table-cell>'
    tables = "".join(
        '<fo:block break-before="page" text-align="center" font-weight="bold">PHỤ LỤC</fo:block>'
        '<fo:block text-align="center" font-weight="bold">%s</fo:block>'
        '<fo:table table-layout="fixed" width="100%%" font-size="13pt">%s'
        '<fo:table-header>%s</fo:table-header><fo:table-body>%s</fo:table-body></fo:table>\n' % (
            e(title),
            "".join('<fo:table-column column-width="%s"/>' % (
                "proportional-column-width(1)" if w.endswith("*") else w) for w in widths),
            "".join("<fo:table-row>%s</fo:table-row>" % "".join(cell % e(c) for c in r) for r in rows[:heads]),
            "".join("<fo:table-row>%s</fo:table-row>" % "".join(cell % e(c) for c in r) for r in rows[heads:]))
        for title, widths, rows, heads in apx)
    body = "".join(
        '<fo:block %s space-after="6pt">%s%s</fo:block>\n' % (
            'font-weight="bold" text-indent="10mm"' if k == "h" else 'text-align="justify" text-indent="10mm"',
            e(lab + " ") if lab else "", e(t)) for k, _, lab, t in bl)
    rec = "".join("<fo:block>%s</fo:block>" % e(r) for r in h["recipients"])
    s = h["sign"]
    doc = """<?xml version="1.0" encoding="UTF-8"?>
<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format" font-family="Liberation Serif" font-size="14pt" line-height="18pt">
<fo:layout-master-set><fo:simple-page-master master-name="A4" page-width="210mm" page-height="297mm" margin="20mm 15mm 20mm 30mm">
<fo:region-body margin-top="0mm"/><fo:region-before extent="10mm"/></fo:simple-page-master></fo:layout-master-set>
<fo:page-sequence master-reference="A4"><fo:static-content flow-name="xsl-region-before"><fo:block text-align="center"><fo:page-number/></fo:block></fo:static-content>
<fo:flow flow-name="xsl-region-body">
<fo:table table-layout="fixed" width="100%%"><fo:table-column column-width="45%%"/><fo:table-column column-width="55%%"/><fo:table-body><fo:table-row>
<fo:table-cell text-align="center"><fo:block>%s</fo:block><fo:block font-weight="bold">%s</fo:block><fo:block>*</fo:block><fo:block>%s</fo:block></fo:table-cell>
<fo:table-cell text-align="center"><fo:block font-weight="bold" font-size="15pt">ĐẢNG CỘNG SẢN VIỆT NAM</fo:block><fo:block font-style="italic">%s</fo:block></fo:table-cell>
</fo:table-row></fo:table-body></fo:table>
<fo:block text-align="center" font-weight="bold" font-size="16pt" space-before="18pt">KẾ HOẠCH</fo:block>
<fo:block text-align="center" font-weight="bold">%s</fo:block><fo:block text-align="center">-----</fo:block>
%s
<fo:table table-layout="fixed" width="100%%" keep-together.within-page="always"><fo:table-column column-width="45%%"/><fo:table-column column-width="55%%"/><fo:table-body><fo:table-row>
<fo:table-cell font-size="12pt"><fo:block text-decoration="underline" font-size="14pt">Nơi nhận:</fo:block>%s</fo:table-cell>
<fo:table-cell text-align="center"><fo:block font-weight="bold">T/M %s</fo:block><fo:block>%s</fo:block><fo:block space-before="60pt" font-weight="bold">%s</fo:block></fo:table-cell>
</fo:table-row></fo:table-body></fo:table>%s</fo:flow></fo:page-sequence></fo:root>""" % (
        e(h["parent"]), e(h["issuer"]), e(h["number"]), e(h["date"]), e(h["summary"]), body, rec,
        e(s.get("collective", "")), e(s.get("title", "")), e(s.get("name", "")), tables)
    open(path, "w", encoding="utf-8").write(doc)


def typ(t):
    for c in "\\#*_`$<>@[]":
        t = t.replace(c, "\\" + c)
    return t


def write_typst(h, bl, path, apx=()):
    body = "".join(
        ("#par(first-line-indent: 10mm)[*%s*]\n\n" if k == "h" else "%s\n\n") % typ((lab + " " if lab else "") + t)
        for k, _, lab, t in bl)
    s = h["sign"]
    rec = " \\\n".join(typ(r) for r in h["recipients"])
    # Typst 0.10 has no table.header: the header row does not repeat
    tables = "".join(
        "#pagebreak()\n#align(center)[*PHỤ LỤC* \\ *%s*]\n#text(size: 13pt)[#table(columns: (%s), "
        "stroke: 0.5pt, inset: 2pt, %s)]\n" % (
            typ(title), ", ".join("1fr" if w.endswith("*") else w for w in widths),
            ", ".join("[%s]" % typ(c) for r in rows for c in r))
        for title, widths, rows, heads in apx)
    doc = """#set page(paper: "a4", margin: (top: 20mm, bottom: 20mm, left: 30mm, right: 15mm),
  header: context { if counter(page).get().first() > 1 { align(center)[#counter(page).display()] } })
#set text(font: "Liberation Serif", size: 14pt, lang: "vi")
#set par(justify: true, first-line-indent: 10mm, leading: 4.5pt, spacing: 10.5pt)
#grid(columns: (45%%, 55%%), align(center)[%s \\ *%s* \\ \\* \\ %s],
  align(center)[#text(size: 15pt)[*ĐẢNG CỘNG SẢN VIỆT NAM*] \\ _%s_])
#align(center)[#text(size: 16pt)[*KẾ HOẠCH*] \\ *%s* \\ -----]
%s
#block(breakable: false)[#grid(columns: (45%%, 55%%), [#text(size: 12pt)[#underline[Nơi nhận:] \\ %s]],
  align(center)[*T/M %s* \\ %s #v(60pt) *%s*])]
%s""" % (typ(h["parent"]), typ(h["issuer"]), typ(h["number"]), typ(h["date"]), typ(h["summary"]), body,
       rec, typ(s.get("collective", "")), typ(s.get("title", "")), typ(s.get("name", "")), tables)
    open(path, "w", encoding="utf-8").write(doc)
    # Typst 0.10 (the CLI on npm) has no `context` and no paragraph spacing: the
    # same page header through locate(), the same spacing through the block
    old = doc.replace(
        "header: context { if counter(page).get().first() > 1 { align(center)[#counter(page).display()] } })",
        "header: locate(loc => if counter(page).at(loc).first() > 1 { align(center)[#counter(page).display()] }))")
    old = old.replace("leading: 4.5pt, spacing: 10.5pt)",
                      "leading: 4.5pt)\n#show par: set block(spacing: 10.5pt)")
    open(path.replace(".typ", "-0.10.typ"), "w", encoding="utf-8").write(old)


def main():
    plan, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    root = load(plan)
    h = header(root)
    bl = blocks(root)
    apx = appendices(root)
    write_html(h, bl, os.path.join(out, "plan.html"), apx)
    write_fo(h, bl, os.path.join(out, "plan.fo"), apx)
    write_typst(h, bl, os.path.join(out, "plan.typ"), apx)


if __name__ == "__main__":
    main()
