#!/usr/bin/python3
"""Reads an ODT written by plangen with Python's zipfile and xml.etree only and
checks it against the style and plangen's numbered document and layout.

usage: read_odt.py FILE.odt STYLE.xml NUMBER-DUMP LAYOUT-DUMP
Checks: the package (mimetype first and stored, the manifest names every part);
A4 and the style's margins; every font Times New Roman; the document type and
the body at the style's sizes; the header's texts (issuer, number line, date
line) and the first section's label; footnotes as text:note, as many as the
plan's; tables with header rows in table:table-header-rows; the page number
field in the header of the pages after the first, none on the first; per brace
group a right-brace custom shape as high as plangen's brace with the purpose in
a frame right of it; each picture in the package, a QR code zbarimg reads as
its link; a landscape appendix on a landscape master page.
Prints one line per problem; exit status 1 when any."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

from dumps import layout_facts, number_facts
from styles import appendix_restart, page_box, role_size

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def q(name):
    prefix, local = name.split(":")
    return "{%s}%s" % (NS[prefix], local)


def pt(value):
    m = re.match(r"(-?[\d.]+)(pt|mm|cm|in)$", value or "")
    if not m:
        return None
    return float(m.group(1)) * {"pt": 1, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72}[m.group(2)]


def text_of(el, skip_frames=True):
    """An element's text as a reader sees it: text:s a space, line breaks as
    "\\n"; without the text of frames and notes inside it."""
    out = [el.text or ""]
    for c in el:
        if c.tag == q("text:s"):
            out.append(" " * int(c.get(q("text:c"), "1")))
        elif c.tag == q("text:line-break"):
            out.append("\n")
        elif c.tag == q("text:tab"):
            out.append("\t")
        elif skip_frames and c.tag in (q("draw:frame"), q("draw:custom-shape"), q("text:note")):
            pass
        else:
            out.append(text_of(c, skip_frames))
        out.append(c.tail or "")
    return "".join(out)


def main():
    path, style_path, number, layout = sys.argv[1:5]
    facts = number_facts(number)
    problems = []
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    if infos[0].filename != "mimetype" or infos[0].compress_type != zipfile.ZIP_STORED \
            or z.read("mimetype") != b"application/vnd.oasis.opendocument.text":
        problems.append("the first entry is not the stored mimetype")
    manifest = ET.fromstring(z.read("META-INF/manifest.xml"))
    listed = {e.get(q("manifest:full-path")) for e in manifest}
    for name in z.namelist():
        if name not in ("mimetype", "META-INF/manifest.xml") and name not in listed:
            problems.append("%s is not in the manifest" % name)
    content = ET.fromstring(z.read("content.xml"))
    styles = ET.fromstring(z.read("styles.xml"))
    auto = {s.get(q("style:name")): s for s in content.iter(q("style:style"))}

    # the page: A4, the style's margins (a page with the page number has its top
    # margin at the number and a header down to the text's top)
    box = page_box(style_path)
    layouts = {l.get(q("style:name")): l for l in styles.iter(q("style:page-layout"))}
    masters = {m.get(q("style:name")): m for m in styles.iter(q("style:master-page"))}
    for name in ("First", "Standard"):
        m = masters.get(name)
        if m is None:
            problems.append("no master page %s" % name)
            continue
        lay = layouts[m.get(q("style:page-layout-name"))]
        props = lay.find(q("style:page-layout-properties"))
        w, h = pt(props.get(q("fo:page-width"))), pt(props.get(q("fo:page-height")))
        if abs(w - 595.3) > 1 or abs(h - 841.9) > 1:
            problems.append("%s: page %.1f x %.1f pt, not A4" % (name, w, h))
        top = pt(props.get(q("fo:margin-top")))
        hp = lay.find(q("style:header-style") + "/" + q("style:header-footer-properties"))
        if hp is not None:
            top += pt(hp.get(q("fo:min-height"))) + pt(hp.get(q("fo:margin-bottom")) or "0pt")
        for side, got in (("top", top), ("bottom", pt(props.get(q("fo:margin-bottom")))),
                          ("left", pt(props.get(q("fo:margin-left")))),
                          ("right", pt(props.get(q("fo:margin-right"))))):
            if abs(got - box[side]) > 0.1:
                problems.append("%s: the text's %s margin %.2f pt, the style's %.2f" % (name, side, got, box[side]))
    first_number = masters.get("First") is not None and \
        masters["First"].find(".//" + q("text:page-number")) is not None
    std_number = masters.get("Standard") is not None and \
        masters["Standard"].find(q("style:header") + "//" + q("text:page-number")) is not None
    if not std_number:
        problems.append("no page number field in the header of the pages after the first")
    if first_number:
        problems.append("a page number on the first page")
    first = content.find(q("office:body") + "/" + q("office:text"))[0]
    fs = auto.get(first.get(q("table:style-name")) or first.get(q("text:style-name")))
    if fs is None or fs.get(q("style:master-page-name")) != "First":
        problems.append("the document does not start on the First master page")

    # fonts and sizes
    fonts = {e.get(q("style:font-name")) for e in content.iter(q("style:text-properties"))
             if e.get(q("style:font-name"))}
    if fonts != {"Times New Roman"}:
        problems.append("fonts %s" % sorted(fonts))

    def span_size(span):
        s = auto.get(span.get(q("text:style-name")))
        tp = s.find(q("style:text-properties")) if s is not None else None
        return pt(tp.get(q("fo:font-size"))) if tp is not None else None

    spans = list(content.iter(q("text:span")))
    doctype = [span_size(s) for s in spans if text_of(s) == "KẾ HOẠCH"]
    want = role_size(style_path, "doctype")
    if not doctype or doctype[0] != want:
        problems.append("KẾ HOẠCH at %s pt, the style says %s" % (doctype[:1], want))
    body = role_size(style_path, "body")
    if body not in {span_size(s) for s in spans}:
        problems.append("no run at the body size %s pt" % body)

    # texts
    paras = list(content.iter(q("text:p")))
    texts = [text_of(p) for p in paras]
    for key in ("issuer", "number-line", "date-line"):
        if key in facts and not any(facts[key] in t for t in texts):
            problems.append("no paragraph holds the %s %r" % (key, facts[key]))
    # every section's number, in order, at the start of a paragraph
    at = 0
    for label in facts.get("labels", []):
        k = next((i for i in range(at, len(texts)) if texts[i].startswith(label + " ")), None)
        if k is None:
            problems.append("no paragraph after the %dth starts with the label %r" % (at, label))
            break
        at = k + 1

    notes = list(content.iter(q("text:note")))
    if len(notes) != facts["footnotes"] or any(n.get(q("text:note-class")) != "footnote" for n in notes):
        problems.append("%d text:note footnotes, the plan has %d" % (len(notes), facts["footnotes"]))
    header_tables = [t for t in content.iter(q("table:table"))
                     if t.find(q("table:table-header-rows")) is not None]
    if len(header_tables) != facts["header_tables"]:
        problems.append("%d tables with table:table-header-rows, the plan has %d with header rows"
                        % (len(header_tables), facts["header_tables"]))

    # brace groups
    braces = layout_facts(layout)["braces"]
    for k, (first_line, count, purpose) in enumerate(facts["groups"]):
        line = facts["recipients"][first_line]
        p = next((p for p in paras if text_of(p) == line), None)
        if p is None:
            problems.append("group %d: no paragraph %r" % (k + 1, line))
            continue
        shapes = [s for s in p.findall(q("draw:custom-shape"))
                  if s.find(q("draw:enhanced-geometry")).get(q("draw:type")) == "right-brace"]
        if len(shapes) != 1:
            problems.append("group %d: %d right-brace shapes in %r" % (k + 1, len(shapes), line))
            continue
        s = shapes[0]
        bx, bw, bh = pt(s.get(q("svg:x"))), pt(s.get(q("svg:width"))), pt(s.get(q("svg:height")))
        if k < len(braces) and abs(bh - braces[k]) > 0.1:
            problems.append("group %d: the brace is %.2f pt high, plangen's %.2f" % (k + 1, bh, braces[k]))
        frames = [f for f in p.findall(q("draw:frame")) if f.find(q("draw:text-box")) is not None]
        if not any(purpose in text_of(f, False) and pt(f.get(q("svg:x"))) >= bx + bw for f in frames):
            problems.append("group %d: no frame %r right of the brace" % (k + 1, purpose))
    if len(braces) != len(facts["groups"]):
        problems.append("%d braces in the layout, %d groups" % (len(braces), len(facts["groups"])))

    # pictures
    images = list(content.iter(q("draw:image")))
    for im in images:
        if im.get(q("xlink:href")) not in z.namelist():
            problems.append("picture %s not in the package" % im.get(q("xlink:href")))
    frames = {f.findtext(q("svg:title")): f for f in content.iter(q("draw:frame"))
              if f.find(q("draw:image")) is not None}
    for href in facts["qrs"]:
        f = frames.get(href)
        if f is None:
            problems.append("no picture titled %r" % href)
            continue
        with tempfile.NamedTemporaryFile(suffix=".png") as t:
            t.write(z.read(f.find(q("draw:image")).get(q("xlink:href"))))
            t.flush()
            seen = subprocess.run(["zbarimg", "-q", "--raw", t.name], capture_output=True,
                                  text=True).stdout.strip()
        if seen != href:
            problems.append("the QR picture reads %r, not %r" % (seen, href))

    # the urgency and circulation marks framed
    for mark in layout_facts(layout)["marks"]:
        p = next((p for p in paras if text_of(p) == mark), None)
        props = auto[p.get(q("text:style-name"))].find(q("style:paragraph-properties")) \
            if p is not None else None
        if props is None or "solid" not in (props.get(q("fo:border")) or ""):
            problems.append("the mark %r is not framed" % mark)
    # appendices: a landscape one on a landscape master page; on the first
    # page's master (no number) with its pages numbered from 1 when the style
    # numbers each appendix's pages afresh
    restart = appendix_restart(style_path)
    for label, landscape in facts["appendices"]:
        p = next((p for p in paras if text_of(p) == label), None)
        if p is None:
            problems.append("no paragraph %r" % label)
            continue
        style = auto[p.get(q("text:style-name"))]
        master = style.get(q("style:master-page-name"))
        want = ("Landscape" if landscape else "Standard") if not restart else \
            ("LandscapeFirst" if landscape else "AppendixFirst")
        if master != want:
            problems.append("%s: on master page %s, not %s" % (label, master, want))
        number = style.find(q("style:paragraph-properties")).get(q("style:page-number"))
        if restart and number != "1":
            problems.append("%s: its pages numbered from %s, not 1" % (label, number))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
