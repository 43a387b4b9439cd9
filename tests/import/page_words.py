#!/usr/bin/python3
"""The words a reader sees on the pages of a PDF, sorted, one a line: the text
of every page (pdftotext) less the page numbers at the top of pages 2 on.
Sorted, so that two renderings of the same words compare equal wherever page
breaks put a footnote or a repeated table header row.

usage: page_words.py PDF"""
import subprocess
import sys

text = subprocess.run(["pdftotext", sys.argv[1], "-"], check=True, capture_output=True,
                      text=True).stdout
words = []
for number, page in enumerate(text.split("\f")):
    lines = [l for l in page.split("\n") if l.strip()]
    if number > 0 and lines and lines[0].strip().isdigit():
        lines = lines[1:]
    for l in lines:
        words.extend(l.split())
sys.stdout.write("".join(w + "\n" for w in sorted(words)))
