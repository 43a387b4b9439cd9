#!/usr/bin/python3
"""Checks the drawings of a DOCX written by plangen against the numbered
document (plangen dump --stage=number) and plangen's layout (--stage=layout).

usage: drawings.py FILE.docx NUMBER-DUMP LAYOUT-DUMP STYLE.xml
- each recipient group: its first line's paragraph anchors a preset rightBrace
  (wp:anchor, relative to the column and the paragraph) as high as the brace of
  plangen's layout (within 0.1 pt), whose height over the paragraph's exact line
  pitch, rounded, is the group's line count; beside it, right of the brace, a
  text box holding the group's purpose;
- each QR code: a picture whose PNG zbarimg reads as the link, whose dark
  modules are those plangen's PDF draws (the layout's rect items), the link as
  its description; each image: a PNG picture as large as plangen's (within 0.1 pt);
- each urgency or circulation mark: a paragraph framed on four sides;
- the appendices: each starts a section turned as the appendix (w:orient
  landscape with the page's width and height swapped), the others portrait;
  its pages numbered from 1 (w:pgNumType) with none on its first (w:titlePg)
  when the style numbers each appendix's pages afresh.
Prints one line per problem; exit status 1 when any."""
import re
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
import zlib

from dumps import layout_facts, number_facts
from styles import appendix_restart

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU = 12700.0


def png_pixels(data):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "8-bit RGB(A) expected"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride, rows, prev = width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def modules_of_png(data, n):
    """The dark modules (col, row) of a square QR PNG of n modules a side,
    quiet zone included, counted from the first dark one."""
    width, height, rows = png_pixels(data)
    px = width / n
    dark = {(c, r) for r in range(n) for c in range(n)
            if sum(rows[int((r + 0.5) * px)][int((c + 0.5) * px)]) < 384}
    if not dark:
        return dark
    c0, r0 = min(c for c, _ in dark), min(r for _, r in dark)
    return {(c - c0, r - r0) for c, r in dark}


def modules_of_rects(rects):
    """The dark modules of the layout's rect items (runs of modules in a row)."""
    if not rects:
        return set(), 0
    mod = min(h for _, _, _, h in rects)
    x0, y0 = min(x for x, _, _, _ in rects), min(y for _, y, _, _ in rects)
    dark = set()
    for x, y, w, h in rects:
        c, r = round((x - x0) / mod), round((y - y0) / mod)
        for k in range(round(w / mod)):
            dark.add((c + k, r))
    return dark, mod


def text_of(el):
    return "".join(t.text or "" for t in el.iter(W + "t"))


def para_text(p):
    """A paragraph's own text, without its text boxes'."""
    return "".join(t.text or "" for r in p.findall(W + "r") for t in r.findall(W + "t"))


def anchors(p):
    """The floating drawings of paragraph p: (preset, x pt, y pt, cx pt, cy pt, text)."""
    out = []
    for a in p.iter(WP + "anchor"):
        geom = a.find(".//" + A + "prstGeom")
        ph, pv = a.find(WP + "positionH"), a.find(WP + "positionV")
        ext = a.find(WP + "extent")
        box = a.find(".//" + W + "txbxContent")
        out.append((geom.get("prst") if geom is not None else None,
                    ph.get("relativeFrom"), pv.get("relativeFrom"),
                    int(ph.find(WP + "posOffset").text) / EMU,
                    int(pv.find(WP + "posOffset").text) / EMU,
                    int(ext.get("cx")) / EMU, int(ext.get("cy")) / EMU,
                    text_of(box) if box is not None else ""))
    return out


def main():
    path, number, layout, style = sys.argv[1:5]
    restart = appendix_restart(style)
    facts, lay = number_facts(number), layout_facts(layout)
    recipients, groups, qrs = facts["recipients"], facts["groups"], facts["qrs"]
    appendices = facts["appendices"]
    braces, images, rects = lay["braces"], lay["images"], lay["rects"]
    z = zipfile.ZipFile(path)
    doc = ET.fromstring(z.read("word/document.xml"))
    rels = ET.fromstring(z.read("word/_rels/document.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    problems = []
    paras = list(doc.iter(W + "p"))
    if len(braces) != len(groups):
        problems.append("%d braces in the layout, %d groups" % (len(braces), len(groups)))
    for k, (first, count, purpose) in enumerate(groups):
        line = recipients[first]
        p = next((p for p in paras if para_text(p) == line), None)
        if p is None:
            problems.append("group %d: no paragraph %r" % (k + 1, line))
            continue
        sp = p.find(W + "pPr/" + W + "spacing")
        pitch = int(sp.get(W + "line")) / 20.0
        drawn = anchors(p)
        brace = [d for d in drawn if d[0] == "rightBrace"]
        if len(brace) != 1:
            problems.append("group %d: %d rightBrace shapes in %r" % (k + 1, len(brace), line))
            continue
        _, hrel, vrel, bx, by, bw, bh, _ = brace[0]
        if (hrel, vrel) != ("column", "paragraph"):
            problems.append("group %d: the brace is placed relative to %s, %s" % (k + 1, hrel, vrel))
        if k < len(braces) and abs(bh - braces[k]) > 0.1:
            problems.append("group %d: the brace is %.2f pt high, plangen's %.2f pt" % (k + 1, bh, braces[k]))
        if round(bh / pitch) != count:
            problems.append("group %d: the brace spans %.2f lines of %.1f pt, the group has %d"
                            % (k + 1, bh / pitch, pitch, count))
        if not 0 <= by < pitch / 2:
            problems.append("group %d: the brace starts %.2f pt under its first line's top" % (k + 1, by))
        boxes = [d for d in drawn if d[7]]
        if not any(purpose in d[7] and d[3] >= bx + bw for d in boxes):
            problems.append("group %d: no text box %r right of the brace (%s)" % (k + 1, purpose, boxes))
    # pictures
    pics = []
    for inline in doc.iter(WP + "inline"):
        blip = inline.find(".//" + A + "blip")
        ext = inline.find(WP + "extent")
        pics.append((inline.find(WP + "docPr").get("descr"), blip.get(R + "embed"),
                     int(ext.get("cx")) / EMU, int(ext.get("cy")) / EMU))
    for href in qrs:
        pic = next((p for p in pics if p[0] == href), None)
        if pic is None:
            problems.append("no picture described as %r" % href)
            continue
        png = z.read("word/" + target[pic[1]])
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(png)
            f.flush()
            seen = subprocess.run(["zbarimg", "-q", "--raw", f.name], capture_output=True,
                                  text=True).stdout.strip()
        if seen != href:
            problems.append("the QR picture reads %r, not %r" % (seen, href))
        if len(qrs) == 1:  # one code: all the layout's rect items are its modules
            want, mod = modules_of_rects(rects)
            side = round(pic[2] / mod)  # the picture's side in modules, quiet zone included
            got = modules_of_png(png, side)
            if got != want:
                problems.append("the QR picture's modules differ from plangen's in %d places"
                                % len(got ^ want))
    for descr, rid, cx, cy in pics:
        data = z.read("word/" + target[rid])
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            problems.append("picture %r is not a PNG" % descr)
        if cx <= 0 or cy <= 0:
            problems.append("picture %r is %.1f x %.1f pt" % (descr, cx, cy))
    photos = [p for p in pics if p[0] not in qrs]
    if len(photos) != len(images):
        problems.append("%d images, plangen's layout has %d" % (len(photos), len(images)))
    for (descr, _, cx, cy), (w, h) in zip(photos, images):
        if abs(cx - w) > 0.1 or abs(cy - h) > 0.1:
            problems.append("image %r is %.2f x %.2f pt, plangen's %.2f x %.2f" % (descr, cx, cy, w, h))
    for mark in lay["marks"]:
        p = next((p for p in paras if para_text(p) == mark), None)
        sides = p.find(W + "pPr/" + W + "pBdr") if p is not None else None
        if sides is None or len([s for s in sides if s.get(W + "val") == "single"]) != 4:
            problems.append("the mark %r is not framed" % mark)
    # sections: the section a paragraph is in ends at the next sectPr (or the body's)
    body = doc.find(W + "body")
    section_of, pending = {}, []
    for p in body.iter(W + "p"):
        pending.append(p)
        sect = p.find(W + "pPr/" + W + "sectPr")
        if sect is not None:
            for q in pending:
                section_of[q] = sect
            pending = []
    for q in pending:
        section_of[q] = body.find(W + "sectPr")
    for label, landscape in appendices:
        p = next((p for p in paras if para_text(p) == label), None)
        if p is None:
            problems.append("no paragraph %r" % label)
            continue
        size = section_of[p].find(W + "pgSz")
        w, h = int(size.get(W + "w")), int(size.get(W + "h"))
        turned = size.get(W + "orient") == "landscape"
        if turned != landscape or (w > h) != landscape:
            problems.append("%s: page %d x %d tw, orient %s; the plan says %s"
                            % (label, w, h, size.get(W + "orient"), "landscape" if landscape else "portrait"))
        start = section_of[p].find(W + "pgNumType")
        first = section_of[p].find(W + "titlePg") is not None
        if restart and (start is None or start.get(W + "start") != "1" or not first):
            problems.append("%s: its section does not number its pages from 1 without a number "
                            "on the first" % label)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
