#!/usr/bin/env python3
"""tests/pdfa/check.py - asserts the PDF/A-2 requirements plangen implements on one PDF.

No PDF/A validator is packaged in Debian 12, so this reads the file back with
tools plangen did not write: qpdf (--json, every object with its streams
decoded), poppler's pdfinfo and pdffonts. Each requirement is one named check;
tests/pdfa/mutate.py shows that each of them fails on a PDF without its feature.

    check.py FILE.pdf        prints "ok NAME" or "FAIL NAME: why" per check;
                             exit status 1 when a check fails
"""
import base64
import datetime
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# ISO 32000-1 11.3.5: the blend modes a PDF/A-2 file may name
BLEND_MODES = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken",
               "/Lighten", "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight",
               "/Difference", "/Exclusion", "/Hue", "/Saturation", "/Color", "/Luminosity"}
# ISO 19005-2 6.5.1: actions a PDF/A-2 file shall not hold
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript",
                     "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"}


class Pdf:
    """The objects of a PDF as qpdf's JSON (version 2) gives them."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.raw = f.read()
        out = subprocess.run(["qpdf", "--json", "--json-stream-data=inline",
                              "--decode-level=generalized", path],
                             capture_output=True, check=False)
        if out.returncode not in (0, 3):  # 3: warnings
            raise SystemExit(f"qpdf --json {path}: {out.stderr.decode(errors='replace')}")
        doc = json.loads(out.stdout)
        self.objects = doc["qpdf"][1]
        self.trailer = self.objects["trailer"]["value"]
        self.encrypted = doc.get("encrypt", {}).get("encrypted", False)

    def get(self, v):
        """The value v refers to (v itself when not a reference)."""
        if isinstance(v, str) and re.fullmatch(r"\d+ \d+ R", v):
            o = self.objects.get("obj:" + v)
            if o is None:
                return None
            return o.get("value", o.get("stream"))
        return v

    def dict_of(self, v):
        """The dictionary of v: a dictionary, or a stream's."""
        v = self.get(v)
        if isinstance(v, dict) and "dict" in v and isinstance(v.get("dict"), dict):
            return v["dict"]
        return v if isinstance(v, dict) else {}

    def data(self, v):
        s = self.get(v)
        if isinstance(s, dict) and "data" in s:
            return base64.b64decode(s["data"])
        return None

    def all_dicts(self):
        """Every dictionary in the file (nested ones too), with its object."""
        def walk(v, where):
            if isinstance(v, dict):
                yield where, v
                for x in v.values():
                    yield from walk(x, where)
            elif isinstance(v, list):
                for x in v:
                    yield from walk(x, where)
        for key, o in self.objects.items():
            if "value" in o:
                yield from walk(o["value"], key)
            elif "stream" in o:
                yield from walk(o["stream"].get("dict", {}), key)

    def catalog(self):
        return self.dict_of(self.trailer.get("/Root"))

    def page_refs(self):
        """The references of the pages, in order."""
        out = []
        def walk(node, depth):
            d = self.dict_of(node)
            if d.get("/Type") == "/Pages" and depth < 32:
                for k in d.get("/Kids", []):
                    walk(k, depth + 1)
            else:
                out.append(node)
        walk(self.catalog().get("/Pages"), 0)
        return out

    def pages(self):
        return [self.dict_of(ref) for ref in self.page_refs()]


def text_of(v):
    """A JSON string of qpdf as Python text: u: is text, b: bytes in hex."""
    if not isinstance(v, str):
        return None
    if v.startswith("u:"):
        return v[2:]
    if v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin-1")
    return None


def pdf_date(s):
    """D:YYYYMMDDHHmmSSOHH'mm' as an aware datetime, or None."""
    m = re.fullmatch(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?", s or "")
    if not m:
        return None
    tz = m.group(7) or "Z"
    off = datetime.timedelta(0) if tz == "Z" else \
        (1 if tz[0] == "+" else -1) * datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return datetime.datetime(*map(int, m.groups()[:6]), tzinfo=datetime.timezone(off))


def xmp_date(s):
    """An XMP date with its offset as an aware datetime, or None (no offset: None)."""
    try:
        d = datetime.datetime.fromisoformat((s or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else None


# ---- the checks: each returns None when it holds, else why not ----------------------------

def check_header(pdf):
    """ISO 19005-2 6.1.2: %PDF-1.n, then a comment of at least four bytes over 127."""
    if not re.match(rb"%PDF-1\.[0-7]\r?\n", pdf.raw):
        return "the file does not start with %PDF-1.n and an end of line"
    second = pdf.raw.split(b"\n", 2)[1] if pdf.raw.count(b"\n") > 1 else b""
    if not second.startswith(b"%") or sum(1 for c in second[1:5] if c > 127) < 4:
        return f"no binary comment on the second line: {second[:8]!r}"
    return None


def check_trailer_id(pdf):
    ident = pdf.trailer.get("/ID")
    if not isinstance(ident, list) or len(ident) != 2:
        return f"the trailer's /ID is {ident!r}, not two strings"
    for s in ident:
        t = text_of(s)
        if t is None or len(t) != 16:
            return f"the trailer's /ID holds {s!r}, not 16 bytes"
    return None


def check_no_encryption(pdf):
    if pdf.encrypted or "/Encrypt" in pdf.trailer:
        return "the file is encrypted"
    info = subprocess.run(["pdfinfo", pdf.path], capture_output=True, text=True).stdout
    if not re.search(r"^Encrypted:\s+no$", info, re.M):
        return "pdfinfo does not say 'Encrypted: no'"
    return None


def xmp_root(pdf):
    md = pdf.catalog().get("/Metadata")
    data = pdf.data(md)
    if data is None:
        return None, "the catalog has no /Metadata stream"
    try:
        return ET.fromstring(data), None
    except ET.ParseError as e:
        return None, f"the XMP packet is not well-formed XML: {e}"


def check_xmp_present(pdf):
    """ISO 19005-2 6.6.2.1: the catalog's /Metadata stream, XMP in UTF-8, unfiltered."""
    md = pdf.catalog().get("/Metadata")
    d = pdf.dict_of(md)
    if not d:
        return "the catalog has no /Metadata"
    if d.get("/Type") != "/Metadata" or d.get("/Subtype") != "/XML":
        return f"/Metadata is /Type {d.get('/Type')} /Subtype {d.get('/Subtype')}"
    if "/Filter" in d:
        return f"the metadata stream is filtered ({d['/Filter']})"
    data = pdf.data(md) or b""
    m = re.match(rb"<\?xpacket ([^?]*)\?>", data)
    if not m or re.search(rb"\b(bytes|encoding)=", m.group(1)):
        return "the packet does not start with an xpacket header without bytes= and encoding="
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "the packet is not UTF-8"
    root, why = xmp_root(pdf)
    if root is None:
        return why
    info = subprocess.run(["pdfinfo", pdf.path], capture_output=True, text=True).stdout
    if not re.search(r"^Metadata Stream:\s+yes$", info, re.M):
        return "pdfinfo does not see the metadata stream"
    return None


def xmp_values(root):
    """The XMP properties that mirror the Info, as text (several for a repeated one)."""
    out = {}
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        for prop in desc:
            vals = []
            lis = list(prop.iter(f"{{{NS['rdf']}}}li"))
            if lis:
                vals = [li.text or "" for li in lis
                        if li.get(XML_LANG) in (None, "x-default")]
            else:
                vals = [prop.text or ""]
            out.setdefault(prop.tag, []).extend(vals)
        for k, v in desc.attrib.items():  # properties written as attributes
            out.setdefault(k, []).append(v)
    return out


def q(prefix, name):
    return f"{{{NS[prefix]}}}{name}"


def check_pdfa_id(pdf):
    """ISO 19005-2 6.6.4: pdfaid:part 2, conformance A (the file is tagged)."""
    root, why = xmp_root(pdf)
    if root is None:
        return why
    v = xmp_values(root)
    part, conf = v.get(q("pdfaid", "part"), []), v.get(q("pdfaid", "conformance"), [])
    if part != ["2"]:
        return f"pdfaid:part is {part}, not 2"
    if conf != ["A"]:
        return f"pdfaid:conformance is {conf}, not A"
    return None


def check_xmp_equals_info(pdf):
    """ISO 19005-2 6.6.2.3.1: each Info entry equals its XMP property, and the other way."""
    root, why = xmp_root(pdf)
    if root is None:
        return why
    v = xmp_values(root)
    info = pdf.dict_of(pdf.trailer.get("/Info"))
    pairs = [("/Title", q("dc", "title")), ("/Author", q("dc", "creator")),
             ("/Subject", q("dc", "description")), ("/Keywords", q("pdf", "Keywords")),
             ("/Creator", q("xmp", "CreatorTool")), ("/Producer", q("pdf", "Producer")),
             ("/CreationDate", q("xmp", "CreateDate")), ("/ModDate", q("xmp", "ModifyDate"))]
    for key, prop in pairs:
        a = text_of(info.get(key)) if key in info else None
        b = v.get(prop)
        if a is None and b is None:
            continue
        if a is None or b is None or len(b) != 1:
            return f"Info {key} is {a!r}, XMP {prop} is {b!r}"
        if key.endswith("Date"):
            da, db = pdf_date(a), xmp_date(b[0])
            if da is None or db is None or da != db:
                return f"Info {key} {a!r} and XMP {b[0]!r} are not the same instant with an offset"
        elif a != b[0]:
            return f"Info {key} {a!r} differs from XMP {prop} {b[0]!r}"
    if not info.get("/Title"):
        return "the document has no title"
    return None


def check_output_intent(pdf):
    """ISO 19005-2 6.2.3: a GTS_PDFA1 output intent with an RGB ICC profile (N 3)."""
    intents = pdf.get(pdf.catalog().get("/OutputIntents"))
    if not isinstance(intents, list) or not intents:
        return "the catalog has no /OutputIntents"
    profiles = set()
    found = False
    for i in intents:
        d = pdf.dict_of(i)
        prof = d.get("/DestOutputProfile")
        if prof:
            profiles.add(prof)
        if d.get("/S") != "/GTS_PDFA1":
            continue
        found = True
        if not text_of(d.get("/OutputConditionIdentifier")):
            return "the output intent has no /OutputConditionIdentifier"
        icc = pdf.data(prof)
        if icc is None:
            return "the output intent has no /DestOutputProfile stream"
        if pdf.dict_of(prof).get("/N") != 3:
            return f"the profile's /N is {pdf.dict_of(prof).get('/N')}, not 3"
        if len(icc) < 128 or icc[36:40] != b"acsp" or icc[16:20] != b"RGB ":
            return "the /DestOutputProfile is not an RGB ICC profile"
        if int.from_bytes(icc[0:4], "big") != len(icc):
            return "the ICC profile's size field differs from its length"
    if not found:
        return "no output intent has /S /GTS_PDFA1"
    if len(profiles) > 1:
        return "the output intents name different profiles"
    return None


def check_lang(pdf):
    lang = text_of(pdf.catalog().get("/Lang"))
    if lang != "vi":
        return f"the catalog's /Lang is {lang!r}, not 'vi'"
    return None


def check_no_interpolate(pdf):
    """ISO 19005-2 6.2.8.1: no image dictionary with /Interpolate true."""
    for where, d in pdf.all_dicts():
        if d.get("/Interpolate") is True:
            return f"{where} has /Interpolate true"
    return None


def check_annots_printable(pdf):
    """ISO 19005-2 6.3.2: each annotation prints: /F with Print, without Hidden, NoView, Invisible."""
    for n, page in enumerate(pdf.pages(), 1):
        annots = pdf.get(page.get("/Annots")) or []
        for a in annots:
            d = pdf.dict_of(a)
            f = d.get("/F", 0)
            if not isinstance(f, int) or not f & 4 or f & (1 | 2 | 32):
                return f"page {n}: a {d.get('/Subtype')} annotation has /F {f}"
    return None


def annotations(pdf):
    """(page number, reference, dictionary) of every annotation of the pages."""
    for n, page in enumerate(pdf.pages(), 1):
        for a in pdf.get(page.get("/Annots")) or []:
            yield n, a, pdf.dict_of(a)


def check_annots_appearance(pdf):
    """ISO 19005-2 6.3.3: every annotation but a Popup or a Link (every signature
    widget, signed or not) has an appearance dictionary holding only /N, a form
    XObject with a /BBox: what is shown and printed is in the file."""
    for n, a, d in annotations(pdf):
        sub = d.get("/Subtype")
        if sub in ("/Popup", "/Link"):
            continue
        ap = pdf.dict_of(d.get("/AP"))
        if not ap:
            return f"page {n}: a {sub} annotation ({a}) has no /AP"
        if set(ap) != {"/N"}:
            return f"page {n}: a {sub} annotation's /AP holds {sorted(ap)}, not /N alone"
        form = pdf.dict_of(ap["/N"])
        if form.get("/Subtype") != "/Form" or not isinstance(form.get("/BBox"), list) \
                or pdf.data(ap["/N"]) is None:
            return f"page {n}: a {sub} annotation's /AP /N is no form XObject with a /BBox"
    return None


def parent_tree_nums(pdf):
    """The parent tree as {key: value}."""
    nums = {}

    def walk(node, depth):
        d = pdf.dict_of(node)
        arr = d.get("/Nums", [])
        for k in range(0, len(arr) - 1, 2):
            nums[arr[k]] = arr[k + 1]
        if depth < 16:
            for kid in d.get("/Kids", []):
                walk(kid, depth + 1)
    root = pdf.dict_of(pdf.catalog().get("/StructTreeRoot"))
    walk(root.get("/ParentTree"), 0)
    return nums


def check_widgets_tagged(pdf):
    """ISO 14289-1 7.18.1, 7.18.4: every widget annotation (a signature field) is
    the OBJR of a Form structure element, and its /StructParent names that
    element in the parent tree."""
    t = tree(pdf)
    if t.error:
        return t.error
    types = {ref: s for ref, s, depth, d in t.elements}
    owner_of = dict(t.objr)
    nums = parent_tree_nums(pdf)
    for n, a, d in annotations(pdf):
        if d.get("/Subtype") != "/Widget":
            continue
        name = text_of(d.get("/T"))
        owner = owner_of.get(a)
        if owner is None:
            return f"page {n}: the widget of field {name!r} is in no structure element"
        if types.get(owner) != "/Form":
            return f"page {n}: the widget of field {name!r} is in a {types.get(owner)}, not a Form"
        key = d.get("/StructParent")
        if key is None or nums.get(key) != owner:
            return f"page {n}: the widget of field {name!r}: /StructParent {key} does not name its Form"
    return None


def check_no_need_appearances(pdf):
    """ISO 19005-2 6.4.1: the AcroForm does not ask readers to make the fields'
    appearances (/NeedAppearances true): each widget carries its own."""
    acro = pdf.dict_of(pdf.catalog().get("/AcroForm"))
    if acro.get("/NeedAppearances") not in (None, False):
        return f"the AcroForm has /NeedAppearances {acro.get('/NeedAppearances')}"
    return None


def fonts(pdf):
    """Every font dictionary of the pages' resources: (name, dict)."""
    seen = {}
    for page in pdf.pages():
        res = pdf.dict_of(page.get("/Resources"))
        for name, ref in pdf.dict_of(res.get("/Font")).items():
            seen[ref] = (name, pdf.dict_of(ref))
    return seen


def check_fonts_embedded(pdf):
    """ISO 19005-2 6.2.11.4: every font's program embedded (pdffonts and the descriptors)."""
    out = subprocess.run(["pdffonts", pdf.path], capture_output=True, text=True)
    rows = out.stdout.splitlines()[2:]
    if out.returncode != 0 or not rows:
        return f"pdffonts lists no font: {out.stderr.strip()}"
    for row in rows:
        cols = row.split()
        # name type... emb sub uni object ID: the last five columns
        if len(cols) < 6 or cols[-5] != "yes":
            return f"pdffonts: not embedded: {row}"
    for ref, (name, d) in fonts(pdf).items():
        desc_of = [pdf.dict_of(x) for x in d.get("/DescendantFonts", [])] or [d]
        for cid in desc_of:
            fd = pdf.dict_of(cid.get("/FontDescriptor"))
            if not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                return f"font {name} ({ref}) has no embedded program"
            cidset = fd.get("/CIDSet")
            if cidset is not None and pdf.data(cidset) is None:
                return f"font {name}: /CIDSet is not a stream"
    return None


def check_tounicode(pdf):
    for ref, (name, d) in fonts(pdf).items():
        if pdf.data(d.get("/ToUnicode")) is None:
            return f"font {name} ({ref}) has no /ToUnicode CMap"
    return None


def cmap_codes(data):
    """The codes a ToUnicode CMap maps (bfchar and bfrange)."""
    codes = set()
    text = data.decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            if dst:
                codes.add(int(src, 16))
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*[<\[]", block):
            codes.update(range(int(lo, 16), int(hi, 16) + 1))
    return codes


TOKEN = re.compile(rb"""
    (?P<ws>[\x00\t\n\x0c\r ]+|%[^\r\n]*)
  | (?P<str>\()
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<dict><<|>>)
  | (?P<open>\[) | (?P<close>\])
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<word>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
""", re.X)


def literal(data, i):
    """The literal string starting after the '(' at i-1: (bytes, index after ')')."""
    out, depth = bytearray(), 1
    esc = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            i += 1
            c = data[i]
            if c in esc:
                out.append(esc[c])
            elif 0x30 <= c <= 0x37:
                j = i
                while j < i + 3 and j < len(data) and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i:j], 8) & 0xFF)
                i = j - 1
            elif c in (10, 13):
                pass
            else:
                out.append(c)
        elif c == 0x28:
            depth += 1
            out.append(c)
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
            out.append(c)
        else:
            out.append(c)
        i += 1
    return bytes(out), i


def shown_codes(content):
    """(font resource name, 2-byte code) for every glyph a content stream shows."""
    operands, font, i, stack = [], None, 0, []
    while i < len(content):
        m = TOKEN.match(content, i)
        if not m:
            i += 1
            continue
        i = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        if kind == "str":
            s, i = literal(content, i)
            (stack[-1] if stack else operands).append(s)
        elif kind == "hex":
            h = re.sub(rb"\s", b"", m.group()[1:-1])
            s = bytes.fromhex((h + (b"0" if len(h) % 2 else b"")).decode())
            (stack[-1] if stack else operands).append(s)
        elif kind == "open":
            stack.append([])
        elif kind == "close":
            arr = stack.pop() if stack else []
            (stack[-1] if stack else operands).append(arr)
        elif kind in ("name", "dict"):
            (stack[-1] if stack else operands).append(m.group().decode("latin-1"))
        else:
            word = m.group().decode("latin-1")
            if stack or re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word) or word in ("true", "false", "null"):
                (stack[-1] if stack else operands).append(word)
                continue
            if word == "Tf" and len(operands) >= 2:
                font = operands[-2]
            elif word in ("Tj", "'", '"', "TJ"):
                strings = []
                for op in operands[-1:]:
                    strings += [x for x in (op if isinstance(op, list) else [op])
                                if isinstance(x, bytes)]
                for s in strings:
                    for k in range(0, len(s) - 1, 2):
                        yield font, s[k] << 8 | s[k + 1]
            operands = []


def page_contents(pdf, page):
    c = page.get("/Contents")
    refs = c if isinstance(c, list) else [c] if c else []
    return b"\n".join(pdf.data(r) or b"" for r in refs)


def check_glyphs(pdf, want):
    """no_notdef: no text operator shows CID 0 (.notdef, ISO 19005-2 6.2.11.8);
    glyphs_mapped: every code shown has a Unicode value in its font's ToUnicode."""
    maps = {}
    for n, page in enumerate(pdf.pages(), 1):
        res = pdf.dict_of(page.get("/Resources"))
        font_res = pdf.dict_of(res.get("/Font"))
        for font, code in shown_codes(page_contents(pdf, page)):
            if want == "no_notdef" and code == 0:
                return f"page {n}: font {font} shows .notdef (CID 0)"
            if want == "glyphs_mapped":
                ref = font_res.get(font)
                if ref not in maps:
                    maps[ref] = cmap_codes(pdf.data(pdf.dict_of(ref).get("/ToUnicode")) or b"")
                if code not in maps[ref]:
                    return f"page {n}: font {font} shows code {code:04X}, which its ToUnicode lacks"
    return None


def check_no_javascript(pdf):
    for where, d in pdf.all_dicts():
        if "/JS" in d or "/JavaScript" in d or "/AA" in d:
            return f"{where} holds JavaScript or additional actions"
        if d.get("/S") in FORBIDDEN_ACTIONS:
            return f"{where} holds a {d['/S']} action"
    return None


def check_no_external(pdf):
    """ISO 19005-2 6.1.7, 6.2.9: no stream data in external files, no reference
    XObjects, no OPI, no embedded files."""
    for where, d in pdf.all_dicts():
        for k in ("/FFilter", "/FDecodeParms", "/Ref", "/OPI", "/EmbeddedFiles"):
            if k in d:
                return f"{where} holds {k}"
    for key, o in pdf.objects.items():
        if "stream" in o and "/F" in o["stream"].get("dict", {}):
            return f"{key}: a stream whose data is in an external file (/F)"
    return None


def check_transparency(pdf):
    """ISO 19005-2 6.2.10: standard blend modes only; soft masks are allowed."""
    for where, d in pdf.all_dicts():
        bm = d.get("/BM")
        if bm is None:
            continue
        for mode in bm if isinstance(bm, list) else [bm]:
            if mode not in BLEND_MODES:
                return f"{where} has blend mode {mode}"
    return None


# ---- tagged PDF (ISO 32000-1 14.6-14.8, ISO 19005-2 level A, ISO 14289-1) ------------------

PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do",
             "Tj", "TJ", "'", '"'}


def content_ops(content):
    """(operator, operands) for every operator of a content stream."""
    operands, i, stack = [], 0, []
    dict_depth = 0
    while i < len(content):
        m = TOKEN.match(content, i)
        if not m:
            i += 1
            continue
        i = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        target = stack[-1] if stack else operands
        if kind == "str":
            s, i = literal(content, i)
            target.append(s)
        elif kind == "hex":
            h = re.sub(rb"\s", b"", m.group()[1:-1])
            target.append(bytes.fromhex((h + (b"0" if len(h) % 2 else b"")).decode()))
        elif kind == "open":
            stack.append([])
        elif kind == "close":
            arr = stack.pop() if stack else []
            (stack[-1] if stack else operands).append(arr)
        elif kind == "dict":
            dict_depth += 1 if m.group() == b"<<" else -1
            target.append(m.group().decode("latin-1"))
        elif kind == "name":
            target.append(m.group().decode("latin-1"))
        else:
            word = m.group().decode("latin-1")
            if stack or dict_depth or re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word) or \
                    word in ("true", "false", "null"):
                target.append(word)
                continue
            yield word, operands
            operands = []


def cmap_map(data):
    """{code: text} of a ToUnicode CMap's bfchar entries."""
    out = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data.decode("latin-1"), re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", errors="replace")
    return out


class Marked:
    """What each page's content marks: the text of each MCID, the MCIDs seen
    (with repeats), and the paint operators outside both an MCID and an Artifact."""

    def __init__(self, pdf):
        self.text = {}      # (page index, mcid) -> text
        self.seen = []      # (page index, mcid) in content order
        self.unmarked = []  # (page number, operator)
        self.unbalanced = []
        maps = {}
        for n, page in enumerate(pdf.pages()):
            res = pdf.dict_of(page.get("/Resources"))
            font_res = pdf.dict_of(res.get("/Font"))
            stack, font, line_y = [], None, None
            for op, args in content_ops(page_contents(pdf, page)):
                if op == "Tm" and len(args) >= 6 or op == "BT":
                    # a new line of text: a space between it and the last
                    y = args[5] if op == "Tm" else None
                    owner = next((mc for tag, mc in reversed(stack) if mc is not None), None)
                    if owner is not None and (op == "BT" or y != line_y):
                        self.text[(n, owner)] = self.text.get((n, owner), "") + " "
                    line_y = y if op == "Tm" else line_y
                if op in ("BMC", "BDC"):
                    tag = args[0] if args else None
                    mcid = None
                    if op == "BDC" and "/MCID" in args:
                        k = args.index("/MCID")
                        if k + 1 < len(args) and re.fullmatch(r"\d+", str(args[k + 1])):
                            mcid = int(args[k + 1])
                    if mcid is not None:
                        self.seen.append((n, mcid))
                    stack.append((tag, mcid))
                elif op == "EMC":
                    if not stack:
                        self.unbalanced.append(n + 1)
                    else:
                        stack.pop()
                elif op == "Tf" and len(args) >= 2:
                    font = args[-2]
                elif op in PAINT_OPS:
                    owner = next((mc for tag, mc in reversed(stack) if mc is not None), None)
                    artifact = any(tag == "/Artifact" for tag, _ in stack)
                    if owner is None and not artifact:
                        self.unmarked.append((n + 1, op))
                    if op in ("Tj", "TJ", "'", '"') and owner is not None:
                        ref = font_res.get(font)
                        if ref not in maps:
                            maps[ref] = cmap_map(pdf.data(pdf.dict_of(ref).get("/ToUnicode")) or b"")
                        strings = []
                        for a in args[-1:]:
                            strings += [x for x in (a if isinstance(a, list) else [a])
                                        if isinstance(x, bytes)]
                        key = (n, owner)
                        for s in strings:
                            self.text[key] = self.text.get(key, "") + "".join(
                                maps[ref].get(s[k] << 8 | s[k + 1], "")
                                for k in range(0, len(s) - 1, 2))
            if stack:
                self.unbalanced.append(n + 1)


def marked(pdf):
    if not hasattr(pdf, "_marked"):
        pdf._marked = Marked(pdf)
    return pdf._marked


class Tree:
    """The structure tree read from the root: elements in order, with what they mark."""

    def __init__(self, pdf):
        self.error = None
        self.elements = []   # (ref, type, depth, dictionary) in tree order
        self.mcr = []        # (page index, mcid, element ref)
        self.objr = []       # (annotation ref, element ref)
        cat = pdf.catalog()
        root_ref = cat.get("/StructTreeRoot")
        root = pdf.dict_of(root_ref)
        if root.get("/Type") != "/StructTreeRoot":
            self.error = f"the catalog's /StructTreeRoot is {root_ref!r}"
            return
        page_index = {}
        for i, ref in enumerate(self._page_refs(pdf)):
            page_index[ref] = i
        self.page_index = page_index
        self.role_map = pdf.dict_of(root.get("/RoleMap"))
        seen = set()

        def walk(ref, parent_ref, page, depth):
            if depth > 64:
                self.error = "the structure tree is deeper than 64"
                return
            if isinstance(ref, int):  # an MCID on the parent's page
                self.mcr.append((page, ref, parent_ref))
                return
            d = pdf.dict_of(ref)
            if d.get("/Type") == "/MCR":
                pg = page_index.get(d.get("/Pg"), page)
                self.mcr.append((pg, d.get("/MCID"), parent_ref))
                return
            if d.get("/Type") == "/OBJR":
                self.objr.append((d.get("/Obj"), parent_ref))
                return
            if "/S" not in d:
                self.error = f"{ref}: a structure element without /S"
                return
            if ref in seen:
                self.error = f"{ref} is in the structure tree twice"
                return
            seen.add(ref)
            if d.get("/P") != parent_ref:
                self.error = f"{ref} ({d.get('/S')}): /P is {d.get('/P')}, not {parent_ref}"
                return
            pg = page_index.get(d.get("/Pg"), page)
            self.elements.append((ref, d.get("/S"), depth, d))
            k = d.get("/K", [])
            for kid in k if isinstance(k, list) else [k]:
                walk(kid, ref, pg, depth + 1)

        k = root.get("/K", [])
        for kid in k if isinstance(k, list) else [k]:
            walk(kid, root_ref, None, 0)
        if not self.elements and not self.error:
            self.error = "the structure tree has no element"

    @staticmethod
    def _page_refs(pdf):
        return pdf.page_refs()


def tree(pdf):
    if not hasattr(pdf, "_tree"):
        pdf._tree = Tree(pdf)
    return pdf._tree


def check_tagged(pdf):
    """ISO 19005-2 6.7.2.2 (level A): /MarkInfo << /Marked true >>, and pdfinfo sees it."""
    mi = pdf.dict_of(pdf.catalog().get("/MarkInfo"))
    if mi.get("/Marked") is not True:
        return f"the catalog's /MarkInfo is {mi!r}"
    info = subprocess.run(["pdfinfo", pdf.path], capture_output=True, text=True).stdout
    if not re.search(r"^Tagged:\s+yes$", info, re.M):
        return "pdfinfo does not say 'Tagged: yes'"
    return None


def check_struct_tree(pdf):
    """ISO 32000-1 14.7.2: a structure tree root whose elements parse, each with /S
    and /P pointing at its parent, the standard types or role-mapped to them."""
    t = tree(pdf)
    if t.error:
        return t.error
    standard = {"Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI",
                "Index", "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6",
                "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "THead", "TBody",
                "TFoot", "Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link",
                "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula",
                "Form"}
    for ref, s, depth, d in t.elements:
        name = s[1:] if isinstance(s, str) else s
        seen = set()
        while name not in standard:
            if name in seen:
                return f"{ref}: the role map loops at {name}"
            seen.add(name)
            to = t.role_map.get("/" + name)
            if not isinstance(to, str):
                return f"{ref}: /S /{name} is neither standard nor role-mapped"
            name = to[1:]
        if name == "Figure" and not text_of(d.get("/Alt")):
            return f"{ref}: a Figure without /Alt"
        if name == "TH":
            a = pdf.dict_of(d.get("/A"))
            if a.get("/O") != "/Table" or a.get("/Scope") not in ("/Column", "/Row", "/Both"):
                return f"{ref}: a TH without a table /Scope"
    if t.elements[0][1] != "/Document":
        return f"the first element is {t.elements[0][1]}, not /Document"
    return None


def check_parent_tree(pdf):
    """ISO 32000-1 14.7.4.4: every MCID of every page's content is marked once and
    referenced once from the structure tree, and the page's /StructParents entry of
    the parent tree names, for each MCID, the element that holds it; every link
    annotation is an OBJR of an element its /StructParent names (signature
    widgets: check_widgets_tagged)."""
    t = tree(pdf)
    if t.error:
        return t.error
    m = marked(pdf)
    if m.unbalanced:
        return f"page {m.unbalanced[0]}: BMC/BDC and EMC do not balance"
    if len(set(m.seen)) != len(m.seen):
        dup = next(x for x in m.seen if m.seen.count(x) > 1)
        return f"page {dup[0] + 1}: MCID {dup[1]} marks two sequences"
    in_tree = {}
    for pg, mcid, owner in t.mcr:
        if (pg, mcid) in in_tree:
            return f"page {pg + 1}: MCID {mcid} is referenced twice from the structure tree"
        in_tree[(pg, mcid)] = owner
    if set(in_tree) != set(m.seen):
        a = sorted(set(m.seen) - set(in_tree))
        b = sorted(set(in_tree) - set(m.seen))
        return f"MCIDs in the content, not in the tree (page-1, mcid): {a[:5]}; in the tree only: {b[:5]}"
    nums = parent_tree_nums(pdf)
    for n, page in enumerate(pdf.pages()):
        mcids = sorted(mc for pg, mc in m.seen if pg == n)
        if not mcids:
            continue
        key = page.get("/StructParents")
        arr = pdf.get(nums.get(key)) if key is not None else None
        if not isinstance(arr, list):
            return f"page {n + 1}: no parent-tree array for /StructParents {key}"
        for mc in mcids:
            if mc >= len(arr) or arr[mc] != in_tree[(n, mc)]:
                got = arr[mc] if mc < len(arr) else None
                return f"page {n + 1}: the parent tree names {got} for MCID {mc}, not {in_tree[(n, mc)]}"
    objr = dict(t.objr)
    for n, page in enumerate(pdf.pages()):
        for a in pdf.get(page.get("/Annots")) or []:
            d = pdf.dict_of(a)
            # the links here; the signature widgets in check_widgets_tagged
            if d.get("/Subtype") != "/Link":
                continue
            if a not in objr:
                return f"page {n + 1}: a {d.get('/Subtype')} annotation is in no structure element"
            if nums.get(d.get("/StructParent")) != objr[a]:
                return f"page {n + 1}: an annotation's /StructParent does not name its element"
    return None


def norm(s):
    return re.sub(r"\s+", " ", s or "").strip()


def outline_titles(pdf):
    out = []
    def walk(node, depth):
        seen = 0
        while node and seen < 10000 and depth < 32:
            d = pdf.dict_of(node)
            out.append(norm(text_of(d.get("/Title")) or ""))
            walk(d.get("/First"), depth + 1)
            node = d.get("/Next")
            seen += 1
    walk(pdf.dict_of(pdf.catalog().get("/Outlines")).get("/First"), 0)
    return out


def check_headings_outline(pdf):
    """The structure tree's headings (H1...H6, in order, with their text) equal the
    document outline's titles."""
    t = tree(pdf)
    if t.error:
        return t.error
    m = marked(pdf)
    text = {}
    for pg, mcid, owner in t.mcr:
        text[owner] = text.get(owner, "") + m.text.get((pg, mcid), "")
    heads = []
    for i, (ref, s, depth, d) in enumerate(t.elements):
        if s not in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
            continue
        parts = [text.get(ref, "")]
        for ref2, s2, depth2, d2 in t.elements[i + 1:]:
            if depth2 <= depth:
                break
            parts.append(text.get(ref2, ""))
        heads.append(norm(" ".join(parts)))
    titles = outline_titles(pdf)
    for k, (a, b) in enumerate(zip(heads, titles)):
        # an appendix's bookmark is its heading in sentence case, without the
        # line in parentheses that says what it is attached to
        x, y = a.casefold(), b.casefold()
        if x != y and not (b and x.startswith(y + " (")):
            return f"heading {k + 1} is {a!r}, the outline's title {b!r}"
    if len(heads) != len(titles):
        return f"{len(heads)} headings, {len(titles)} outline entries"
    if not heads:
        return "no heading"
    return None


def check_paint_marked(pdf):
    """ISO 14289-1 7.1: every paint operator is inside a marked-content sequence
    with an MCID or inside an Artifact."""
    m = marked(pdf)
    if m.unmarked:
        page, op = m.unmarked[0]
        return f"page {page}: {len(m.unmarked)} paint operators outside marked content, the first {op}"
    return None


def check_pdfua_id(pdf):
    """ISO 14289-1 5, 7.1: pdfuaid:part 1 in the XMP, and viewers show the title."""
    root, why = xmp_root(pdf)
    if root is None:
        return why
    part = xmp_values(root).get("{http://www.aiim.org/pdfua/ns/id/}part", [])
    if part != ["1"]:
        return f"pdfuaid:part is {part}, not 1"
    vp = pdf.dict_of(pdf.catalog().get("/ViewerPreferences"))
    if vp.get("/DisplayDocTitle") is not True:
        return f"/ViewerPreferences is {vp!r}, without /DisplayDocTitle true"
    return None


CHECKS = [
    ("header", check_header),
    ("trailer_id", check_trailer_id),
    ("no_encryption", check_no_encryption),
    ("xmp_present", check_xmp_present),
    ("pdfa_id", check_pdfa_id),
    ("xmp_equals_info", check_xmp_equals_info),
    ("output_intent", check_output_intent),
    ("lang", check_lang),
    ("no_interpolate", check_no_interpolate),
    ("annots_printable", check_annots_printable),
    ("annots_appearance", check_annots_appearance),
    ("widgets_tagged", check_widgets_tagged),
    ("no_need_appearances", check_no_need_appearances),
    ("fonts_embedded", check_fonts_embedded),
    ("tounicode", check_tounicode),
    ("no_notdef", lambda p: check_glyphs(p, "no_notdef")),
    ("glyphs_mapped", lambda p: check_glyphs(p, "glyphs_mapped")),
    ("no_javascript", check_no_javascript),
    ("no_external", check_no_external),
    ("transparency", check_transparency),
    ("tagged", check_tagged),
    ("struct_tree", check_struct_tree),
    ("parent_tree", check_parent_tree),
    ("headings_outline", check_headings_outline),
    ("paint_marked", check_paint_marked),
    ("pdfua_id", check_pdfua_id),
]


def run(path):
    """{check name: None or why it fails}."""
    pdf = Pdf(path)
    return {name: fn(pdf) for name, fn in CHECKS}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    failed = 0
    for name, why in run(sys.argv[1]).items():
        if why is None:
            print(f"ok {name}")
        else:
            print(f"FAIL {name}: {why}")
            failed = 1
    sys.exit(failed)


if __name__ == "__main__":
    main()
