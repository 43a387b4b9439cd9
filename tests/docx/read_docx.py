#!/usr/bin/python3
"""Reads a DOCX with Debian's python3-docx and checks what plangen put in it.

usage: read_docx.py FILE.docx STYLE.xml TEXT...
Each TEXT must be in a paragraph (body or table cell); the run holding the
document type ("KẾ HOẠCH") must have the style's doctype size, and some run the
style's body size. Prints one line per problem; exit status 1 when any."""
import sys

import docx

from styles import role_size




def paragraphs(d):
    yield from d.paragraphs
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def main():
    path, style = sys.argv[1], sys.argv[2]
    d = docx.Document(path)
    problems = []
    paras = list(paragraphs(d))
    texts = [p.text for p in paras]
    for want in sys.argv[3:]:
        if not any(want in t for t in texts):
            problems.append("%s: no paragraph holds %r" % (path, want))
    doctype = role_size(style, "doctype")
    body = role_size(style, "body")
    sizes = {r.font.size.pt for p in paras for r in p.runs if r.font.size}
    dt = [r.font.size.pt for p in paras for r in p.runs if r.text == "KẾ HOẠCH" and r.font.size]
    if not dt or dt[0] != doctype:
        problems.append("%s: KẾ HOẠCH at %s pt, the style says %s" % (path, dt[:1], doctype))
    if body not in sizes:
        problems.append("%s: no run at the body size %s pt (sizes %s)" % (path, body, sorted(sizes)))
    sec = d.sections[0]
    if abs(sec.page_width.pt - 595.3) > 1 or abs(sec.page_height.pt - 841.9) > 1:
        problems.append("%s: page %.1f x %.1f pt, not A4" % (path, sec.page_width.pt, sec.page_height.pt))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
