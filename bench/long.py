#!/usr/bin/env python3
"""bench/long.py - writes long plans for the scaling benchmark.

  long.py pages SEED.xml COPIES OUT.xml   the seed's sections COPIES times,
                                          each copy reworded (its own words, so
                                          that no cache shares them)
  long.py table SEED.xml ROWS OUT.xml     the seed with ROWS rows in its first table
  long.py mixed SEED.xml COPIES OUT.xml   the seed's sections COPIES times with
                                          what streaming pages must get right:
                                          footnotes (some longer than a page),
                                          tables whose header repeats, rows taller
                                          than a page, a landscape appendix, a QR

The plans are written beside nothing: they need no parent and no image.
"""
import re
import sys


def reword(text, i):
    # a copy's own words: a number after a few common words of every paragraph
    for w in (" và ", " của ", " các "):
        text = text.replace(w, "%s%d " % (w, i))
    return text


def pages(seed, copies, out):
    src = open(seed, encoding="utf-8").read()
    head, rest = src.split("<section", 1)
    body = "<section" + rest
    # the part the closing elements start with (recipients, signature...)
    m = re.search(r"\n\s*<(recipients|signature|appendix|closing)", body)
    tail = body[m.start():] if m else "\n</plan>\n"
    sections = body[:m.start()] if m else body.rsplit("</plan>", 1)[0]
    # ids must stay unique: drop them (a copy's references would be ambiguous)
    sections = re.sub(r' id="[^"]*"', "", sections)
    with open(out, "w", encoding="utf-8") as f:
        f.write(head)
        for i in range(copies):
            f.write(reword(sections, i))
        f.write(tail)


def table(seed, rows, out):
    # the seed's first table keeps its columns and header row; its other rows
    # become ROWS rows of the same columns
    src = open(seed, encoding="utf-8").read()
    m = re.search(r'(<table>.*?<row header="yes">.*?</row>\n)(.*?)(\s*</table>)', src, re.S)
    if not m:
        sys.exit("long.py: %s has no table with a header row" % seed)
    body = "".join('      <row><cell>%d</cell><cell>Nội dung công việc số %d của kế hoạch, '
                   'giao cho đơn vị %d thực hiện</cell><cell>%d.000.000</cell></row>\n'
                   % (r, r, r % 97, 10 + r % 37) for r in range(1, rows + 1))
    with open(out, "w", encoding="utf-8") as f:
        f.write(src[:m.end(1)] + body + src[m.start(3):])


def mixed(seed, copies, out):
    src = open(seed, encoding="utf-8").read()
    head, rest = src.split("<section", 1)
    m = re.search(r"\n\s*<(recipients|signature)", rest)
    body, tail = "<section" + rest[:m.start()], rest[m.start():]
    body = re.sub(r' id="[^"]*"', "", body)
    long_note = "Ghi chú dài " + " ".join(
        "nội dung chú thích số %d về công tác xây dựng Đảng" % k for k in range(160))
    parts = [head]
    for i in range(copies):
        b = body.replace(".</p>", "<footnote>Chú thích %d của đoạn văn.</footnote>.</p>" % i)
        if i % 3 == 0:
            b = b.replace("</item>", "<footnote>%s</footnote></item>" % long_note, 1)
        parts.append(reword(b, i))
        if i % 2 == 0:
            rows = "".join(
                "<row><cell>%d</cell><cell>Nội dung %d %s</cell><cell>x</cell></row>\n"
                % (r, r, "rất dài " * (r % 7 * 12)) for r in range(1, 60))
            tall = ("<row><cell>T</cell><cell>" + "".join(
                "<p>Dòng %d của một hàng rất cao trải qua nhiều trang.</p>" % k
                for k in range(90)) + "</cell><cell>y</cell></row>\n") if i % 4 == 0 else ""
            parts.append(
                '<section title="Bảng %d"><table><col width="12mm" align="center"/>'
                '<col width="1*"/><col width="30mm"/><row header="yes"><cell>TT</cell>'
                "<cell>Nội dung</cell><cell>Ghi chú</cell></row>\n%s%s</table>"
                "<item>Mục sau bảng %d.</item></section>\n" % (i, rows, tall, i))
    appendices = (
        '<appendix title="Bảng ngang" orientation="landscape"><table><col width="1*"/>'
        '<col width="2*"/><row header="yes"><cell>A</cell><cell>B</cell></row>'
        + "".join("<row><cell>%d</cell><cell>dòng %d</cell></row>" % (r, r) for r in range(120))
        + "</table></appendix>\n"
        '<appendix title="Phụ lục hai"><p>Nội dung phụ lục.<footnote>Chú thích phụ lục.'
        '</footnote></p><qr href="https://example.org/a"/></appendix>\n</plan>')
    parts.append(tail.replace("</plan>", appendices, 1))
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(parts))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "pages":
        pages(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "mixed":
        mixed(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "table":
        table(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
