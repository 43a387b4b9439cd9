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

    def pages(self):
        out = []
        def walk(node, depth):
            d = self.dict_of(node)
            if d.get("/Type") == "/Pages" and depth < 32:
                for k in d.get("/Kids", []):
                    walk(k, depth + 1)
            else:
                out.append(d)
        walk(self.catalog().get("/Pages"), 0)
        return out


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
    """ISO 19005-2 6.6.4: pdfaid:part 2, a conformance level (B until the tags come)."""
    root, why = xmp_root(pdf)
    if root is None:
        return why
    v = xmp_values(root)
    part, conf = v.get(q("pdfaid", "part"), []), v.get(q("pdfaid", "conformance"), [])
    if part != ["2"]:
        return f"pdfaid:part is {part}, not 2"
    if conf not in (["A"], ["B"], ["U"]):
        return f"pdfaid:conformance is {conf}"
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
    ("fonts_embedded", check_fonts_embedded),
    ("tounicode", check_tounicode),
    ("no_notdef", lambda p: check_glyphs(p, "no_notdef")),
    ("glyphs_mapped", lambda p: check_glyphs(p, "glyphs_mapped")),
    ("no_javascript", check_no_javascript),
    ("no_external", check_no_external),
    ("transparency", check_transparency),
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
