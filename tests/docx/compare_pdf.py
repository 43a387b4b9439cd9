#!/usr/bin/python3
"""Compares the font size of words in plangen's PDF and in LibreOffice's PDF of
the DOCX: one font in both, so a word's width scales with its size.

usage: compare_pdf.py PLANGEN.pdf LIBREOFFICE.pdf STYLE.xml WORD=ROLE...
For each WORD, the first occurrence in each PDF (pdftotext -bbox): the size in
LibreOffice's, the role's size (from the style) times the ratio of the widths,
must be within 0.5 pt of the role's size. Prints one line per problem."""
import html
import re
import subprocess
import sys

from styles import role_size

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')




def widths(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True,
                         check=True).stdout
    first = {}
    for x0, x1, w in WORD.findall(out):
        first.setdefault(html.unescape(w), float(x1) - float(x0))
    return first


def main():
    ours, theirs, style = sys.argv[1:4]
    a, b = widths(ours), widths(theirs)
    problems = []
    for pair in sys.argv[4:]:
        word, role = pair.rsplit("=", 1)
        size = role_size(style, role)
        if word not in a or word not in b or not a[word]:
            problems.append("%r (%s) not in both PDFs" % (word, role))
            continue
        seen = size * b[word] / a[word]
        if abs(seen - size) > 0.5:
            problems.append("%r (%s, %s pt): %.2f pt in LibreOffice's PDF" % (word, role, size, seen))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
