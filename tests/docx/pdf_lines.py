#!/usr/bin/python3
"""The lines of a PDF's pages as pdftotext -bbox-layout finds them, each with
its box and words, without pdftotext's joining of lines ending in a hyphen.

usage: pdf_lines.py FILE.pdf PAGE   prints the text of each line of PAGE (1-based)
       pdf_lines.py FILE.pdf numbers prints the number each page shows at its top
                                     (a line of digits in its top 50 pt), or a dash"""
import html
import re
import subprocess
import sys

LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                  re.S)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


def pages(pdf, first=None, last=None):
    """For each page, its lines: (x0, y0, x1, y1, text, [(x0, x1, word)...])."""
    cmd = ["pdftotext", "-bbox-layout"]
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run(cmd + [pdf, "-"], capture_output=True, text=True, check=True).stdout
    for body in PAGE.findall(out):
        lines = []
        for x0, y0, x1, y1, words in LINE.findall(body):
            ws = [(float(a), float(b), html.unescape(t)) for a, b, t in WORD.findall(words)]
            lines.append((float(x0), float(y0), float(x1), float(y1), " ".join(t for _, _, t in ws), ws))
        yield lines


def top_numbers(pdf):
    """What each page shows as its number at the top: the digits, or "-"."""
    out = []
    for page in pages(pdf):
        top = [l for l in page if l[1] < 50 and l[4].isdigit()]
        out.append(top[0][4] if top else "-")
    return out


if __name__ == "__main__":
    if sys.argv[2] == "numbers":
        print(" ".join(top_numbers(sys.argv[1])))
    else:
        for page in pages(sys.argv[1], int(sys.argv[2])):
            for line in page:
                print(line[4])
