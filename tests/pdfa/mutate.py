#!/usr/bin/env python3
"""tests/pdfa/mutate.py - shows that each check of check.py fails without its feature.

    mutate.py GOOD.pdf WORKDIR [FIELDS.pdf]

GOOD.pdf must be a render of plangen that passes every check and has a link
annotation; FIELDS.pdf, a render with unsigned signature fields (a plan with a
signature image and a seal), for the mutations of the fields' checks: a widget
without its appearance, a widget that does not print, a widget whose structure
element is no Form, a widget whose /StructParent names another element, an
AcroForm with /NeedAppearances true. For each check, one mutation takes the feature away: most append an
incremental update (ISO 32000-1 7.5.6) that replaces or adds objects - the
catalog without /Metadata, an XMP packet with one value changed, a font without
its ToUnicode map, /MarkInfo false, no /StructTreeRoot, a parent tree missing
one MCID's element, the first H1 turned into a P, a page whose first marked
content's paint operators moved out of its BDC/EMC...; the header's is an in-place edit of the same length and
the encryption's is qpdf's. A control update that rewrites the catalog unchanged
must pass every check, so that the update itself is never what fails.
Exit status 1 when a mutation does not make its check fail.
"""
import os
import re
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402


class Doc:
    """A PDF as plangen writes it: one classic xref table, plain object dictionaries."""

    def __init__(self, raw):
        self.raw = raw
        self.startxref = int(re.findall(rb"startxref\s+(\d+)", raw)[-1])
        self.trailer = re.findall(rb"trailer\s*<<(.*?)>>\s*startxref", raw, re.S)[-1]
        m = re.match(rb"xref\n0 (\d+)\n", raw[self.startxref:])
        self.size = int(m.group(1))
        table = self.startxref + m.end()
        self.offset = {n: int(raw[table + 20 * n:table + 20 * n + 10])
                       for n in range(1, self.size)}

    def obj(self, n):
        """The bytes between 'n 0 obj\\n' and '\\nendobj'."""
        start = self.offset[n]
        head = f"{n} 0 obj\n".encode()
        assert self.raw.startswith(head, start), f"object {n} is not at {start}"
        end = self.raw.index(b"\nendobj\n", start)
        return self.raw[start + len(head):end]

    def ref(self, n, key):
        """The object number key refers to in object n's dictionary."""
        m = re.search(re.escape(key).encode() + rb"\s*\[?\s*(\d+) 0 R", self.obj(n))
        assert m, f"no {key} in object {n}"
        return int(m.group(1))

    def root(self):
        return int(re.search(rb"/Root (\d+) 0 R", self.trailer).group(1))

    def first_page(self):
        return self.ref(self.ref(self.root(), "/Pages"), "/Kids")

    def stream_data(self, n):
        body = self.obj(n)
        data = body[body.index(b"stream\n") + 7:body.rindex(b"\nendstream")]
        return zlib.decompress(data) if b"/FlateDecode" in body[:body.index(b"stream\n")] else data

    def update(self, objects, trailer=None):
        """The file with an incremental update holding objects {number: body}."""
        out = bytearray(self.raw)
        offsets = {}
        for n in sorted(objects):
            offsets[n] = len(out)
            out += f"{n} 0 obj\n".encode() + objects[n] + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n"
        for n in sorted(offsets):
            out += f"{n} 1\n{offsets[n]:010d} 00000 n \n".encode()
        size = max([self.size - 1] + list(objects)) + 1
        t = re.sub(rb"/Size \d+", f"/Size {size}".encode(), self.trailer if trailer is None else trailer)
        out += b"trailer\n<<" + t + f" /Prev {self.startxref} >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


def stream(dict_text, data):
    return dict_text + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def without(body, pattern):
    new = re.sub(pattern, b"", body, count=1)
    assert new != body, f"{pattern!r} not found"
    return new


def mutations(d):
    """(name, the check it must make fail, the mutated file's bytes)."""
    cat = d.root()
    cat_body = d.obj(cat)
    md = d.ref(cat, "/Metadata")
    xmp = d.stream_data(md)
    page = d.first_page()
    res = d.ref(page, "/Resources")
    font = d.ref(res, "/F1")
    cid = d.ref(font, "/DescendantFonts")
    desc = d.ref(cid, "/FontDescriptor")
    tu = d.ref(font, "/ToUnicode")
    profile = d.ref(cat, "/DestOutputProfile")
    annots_page = next(n for n in sorted(d.offset) if re.match(rb"<< /Type /Page /.*/Annots", d.obj(n)))
    annots = d.ref(annots_page, "/Annots")
    annot = d.ref(annots, "[")
    struct_root = d.ref(cat, "/StructTreeRoot")
    parent_tree = d.ref(struct_root, "/ParentTree")
    h1 = next(n for n in sorted(d.offset) if d.obj(n).startswith(b"<< /Type /StructElem /S /H1 "))
    contents = d.ref(page, "/Contents")
    new = d.size  # the first free object number

    def xmp_with(old, repl):
        assert old in xmp, old
        return {md: stream(b"<< /Type /Metadata /Subtype /XML", xmp.replace(old, repl, 1))}

    title = re.search(rb'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">(.)', xmp)
    cmap = d.stream_data(tu)
    mapping = re.search(rb"beginbfchar\n(<[0-9A-F]{4}> <[0-9A-F]+>\n)", cmap).group(1)
    header = d.raw[:9] + b"%abcd" + d.raw[14:]
    assert d.raw[9:10] == b"%" and len(header) == len(d.raw)
    notdef = b"BT\n/F1 12 Tf\n1 0 0 1 10 10 Tm\n[(\x00\x00)] TJ\nET\n"
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB " \
            b"/BitsPerComponent 8 /Interpolate true"
    # the paint operators of the first page's first MCID moved before its BDC
    content = d.stream_data(contents)
    bdc = content.index(b" <</MCID 0>> BDC\n")
    line = content.rfind(b"\n", 0, bdc) + 1
    body = bdc + len(b" <</MCID 0>> BDC\n")
    emc = content.index(b"EMC\n", body)
    unmarked = content[:line] + content[body:emc] + content[line:body] + content[emc:]
    return [
        ("control", None, d.update({cat: cat_body})),
        ("header", "header", header),
        ("trailer_id", "trailer_id",
         d.update({cat: cat_body}, trailer=without(d.trailer, rb"\s*/ID \[[^\]]*\]"))),
        ("no_encryption", "no_encryption", None),  # made by qpdf below
        ("xmp_present", "xmp_present", d.update({cat: without(cat_body, rb" /Metadata \d+ 0 R")})),
        ("pdfa_id", "pdfa_id", d.update(xmp_with(b"<pdfaid:part>2<", b"<pdfaid:part>1<"))),
        ("xmp_title", "xmp_equals_info",
         d.update(xmp_with(title.group(), title.group()[:-1] + b"X"))),
        ("xmp_date", "xmp_equals_info",
         d.update(xmp_with(b"<xmp:CreateDate>", b"<xmp:CreateDate>1999"))),
        ("output_intent", "output_intent",
         d.update({cat: without(cat_body, rb" /OutputIntents \[<<.*?>>\]")})),
        ("lang", "lang", d.update({cat: without(cat_body, rb" /Lang \(vi\)")})),
        ("interpolate", "no_interpolate",
         d.update({new: stream(image, b"\xff\xff\xff"),
                   res: d.obj(res).replace(b"<< /ProcSet",
                                           f"<< /XObject << /ImX {new} 0 R >> /ProcSet".encode(), 1)})),
        ("annots", "annots_printable", d.update({annot: without(d.obj(annot), rb"/F 4 ")})),
        ("embedded", "fonts_embedded", d.update({desc: without(d.obj(desc), rb" /FontFile\d \d+ 0 R")})),
        ("tounicode", "tounicode", d.update({font: without(d.obj(font), rb" /ToUnicode \d+ 0 R")})),
        ("notdef", "no_notdef",
         d.update({new: stream(b"<<", notdef),
                   page: re.sub(rb"/Contents (\d+ 0 R)", f"/Contents [\\1 {new} 0 R]".encode(),
                                d.obj(page), count=1)})),
        ("unmapped", "glyphs_mapped", d.update({tu: stream(b"<<", cmap.replace(mapping, b"", 1))})),
        ("javascript", "no_javascript",
         d.update({cat: cat_body.replace(b"<< /Type /Catalog",
                                         b"<< /Type /Catalog /OpenAction << /S /JavaScript "
                                         b"/JS (app.alert\\(1\\)) >>", 1)})),
        ("external", "no_external",
         d.update({profile: d.obj(profile).replace(b"<< ", b"<< /F (sRGB.icc) ", 1)})),
        ("blend_mode", "transparency",
         d.update({res: d.obj(res).replace(b"<< /ProcSet",
                                           b"<< /ExtGState << /GX << /BM /Sparkle >> >> /ProcSet", 1)})),
        ("conformance", "pdfa_id",
         d.update(xmp_with(b"<pdfaid:conformance>A<", b"<pdfaid:conformance>B<"))),
        ("marked", "tagged",
         d.update({cat: cat_body.replace(b"/Marked true", b"/Marked false", 1)})),
        ("struct_root", "struct_tree",
         d.update({cat: without(cat_body, rb" /StructTreeRoot \d+ 0 R")})),
        ("parent_tree", "parent_tree",
         d.update({parent_tree: re.sub(rb"(\n0 \[)\d+ 0 R", rb"\1null", d.obj(parent_tree),
                                       count=1)})),
        ("heading", "headings_outline",
         d.update({h1: d.obj(h1).replace(b"/S /H1 ", b"/S /P ", 1)})),
        ("unmarked", "paint_marked", d.update({contents: stream(b"<<", unmarked)})),
        ("pdfua", "pdfua_id",
         d.update({cat: cat_body.replace(b"/DisplayDocTitle true", b"/DisplayDocTitle false", 1)})),
    ]


def field_mutations(d):
    """The mutations of a render with signature fields."""
    cat = d.root()
    objs = {n: d.obj(n) for n in sorted(d.offset)}
    widget = next(n for n, b in objs.items() if b.startswith(b"<< /FT /Sig "))
    form = next(n for n, b in objs.items() if b.startswith(b"<< /Type /StructElem /S /Form "))
    acro = d.ref(cat, "/AcroForm")
    w = objs[widget]
    return [
        ("fields_control", None, d.update({cat: objs[cat], widget: w})),
        ("widget_no_ap", "annots_appearance", d.update({widget: without(w, rb" /AP << /N \d+ 0 R >>")})),
        ("widget_hidden", "annots_printable", d.update({widget: w.replace(b" /F 4 ", b" /F 6 ", 1)})),
        ("widget_not_form", "widgets_tagged",
         d.update({form: objs[form].replace(b"/S /Form ", b"/S /Div ", 1)})),
        ("widget_struct_parent", "widgets_tagged",
         d.update({widget: re.sub(rb"/StructParent \d+", b"/StructParent 0", w, count=1)})),
        ("need_appearances", "no_need_appearances",
         d.update({acro: objs[acro].replace(b"<< /Fields", b"<< /NeedAppearances true /Fields", 1)})),
    ]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    good, work = sys.argv[1], sys.argv[2]
    with open(good, "rb") as f:
        d = Doc(f.read())
    todo = mutations(d)
    if len(sys.argv) == 4:
        with open(sys.argv[3], "rb") as f:
            todo += field_mutations(Doc(f.read()))
    bad = 0
    for name, want, data in todo:
        path = os.path.join(work, f"mutant-{name}.pdf")
        if data is None:
            subprocess.run(["qpdf", "--encrypt", "", "", "256", "--", good, path], check=True)
        else:
            with open(path, "wb") as f:
                f.write(data)
        result = check.run(path)
        failing = sorted(k for k, v in result.items() if v is not None)
        if want is None:
            ok = not failing
        else:
            ok = want in failing
        why = f" ({result[want][:160]})" if want and result[want] else ""
        print(f"{'ok' if ok else 'FAIL'} mutation {name}: failing checks {failing or 'none'}{why}")
        bad += not ok
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
