#!/usr/bin/python3
"""Finds each recipients' brace in a PDF (LibreOffice's of a DOCX or ODT, or
plangen's own): between the right end of the group's lines and the left of its
purpose, ink on at least 60% of the rows the lines take.

usage: brace_in_pdf.py FILE.pdf NUMBER-DUMP
The lines are found by their text (pdftotext -bbox-layout, a line starting with
the recipient's first words), the page rendered in grey at 72 dpi (pdftoppm), so
a pixel is a point. Prints one line per group without its brace; exit 1 when any."""
import re
import subprocess
import sys

from dumps import number_facts
from pdf_lines import pages

def grey(pdf, page):
    """The page's pixels at 72 dpi: (width, height, bytes), one byte a pixel."""
    data = subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", str(page), "-l", str(page), pdf],
                          capture_output=True, check=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def main():
    pdf, number = sys.argv[1:3]
    facts = number_facts(number)
    recipients, groups = facts["recipients"], facts["groups"]
    all_pages = list(pages(pdf))
    problems = []
    for k, (first, count, purpose) in enumerate(groups):
        found = False
        for n, lines in enumerate(all_pages):
            mine = []
            for i in range(first, first + count):
                head = " ".join(recipients[i].split()[:3])
                mine += [l for l in lines if l[4].startswith(head)]
            if len(mine) < count:
                continue
            y0, y1 = min(l[1] for l in mine), max(l[3] for l in mine)
            # the purpose's first word, level with the group (pdftotext may join it
            # to a line of the group)
            opening = "(" + purpose.split()[0]
            starts = [x for l in lines if l[1] < y1 and l[3] > y0
                      for x, _, t in l[5] if t == opening]
            if not starts:
                continue
            x1 = min(starts) - 0.5
            x0 = max(max((b for a, b, _ in l[5] if a < x1), default=l[0]) for l in mine) + 0.5
            w, h, px = grey(pdf, n + 1)
            rows = range(int(y0), min(int(y1) + 1, h))
            inked = sum(1 for y in rows
                        if any(px[y * w + x] < 200 for x in range(int(x0) + 1, min(int(x1), w))))
            found = inked >= 0.6 * len(rows)
            if not found:
                problems.append("group %d: no brace between x %.1f and %.1f (page %d): ink on %d "
                                "of %d rows" % (k + 1, x0, x1, n + 1, inked, len(rows)))
            break
        else:
            problems.append("group %d: its lines and purpose %r not found" % (k + 1, purpose))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
