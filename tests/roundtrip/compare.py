#!/usr/bin/python3
"""Compares two resolved documents, `plangen dump --stage=number` of a plan
and of the plan imported back from its DOCX (or ODT).

Left out of the comparison, because an imported plan cannot carry them and a
reader of the document does not see them: source positions, ids, where an
inherited node came from ("from FILE": an imported plan is one flat file), the
file name, "uses:" (a plan it takes parts from), the nesting depth of blocks
other than sections (a paragraph after a section's subsections reads the same
at either depth; the sections' nesting and labels stay), a text split in
several text nodes (joined), and the deadline marks around a text (plans mark
some, not all). What the plan implements is metadata the basis paragraph
carries: every citation of the original (type, number, date, issuer) must be
among the imported plan's; the import may find more, and its summary is the
basis's wording. Everything else - header lines, every text, every section
label and title, recipients, groups, the archive, the signature, appendices -
must be equal.

usage: compare.py ORIGINAL_DUMP IMPORTED_DUMP
exit 0 when equal; 1 with a unified diff (or the missing citations)."""
import difflib
import re
import sys


def normalise(path):
    lines, cites = [], set()
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("plan "):
            continue
        line = re.sub(r" \d+:\d+", "", line, count=1)
        line = re.sub(r" id=\S+", "", line)
        line = re.sub(r" from \S+\.xml", "", line)
        if line.startswith("implements: "):
            cites.add(line.split(", về ")[0])
            continue
        stripped = line.lstrip(" ")
        if stripped.startswith("deadline ") or stripped.startswith("uses: "):
            continue
        if not stripped.startswith("section"):
            line = stripped
        if line.startswith('text "') and lines and lines[-1].startswith('text "'):
            lines[-1] = lines[-1][:-1] + line[len('text "'):]
            continue
        lines.append(line)
    return lines, cites


def main():
    a, ca = normalise(sys.argv[1])
    b, cb = normalise(sys.argv[2])
    bad = 0
    for c in sorted(ca - cb):
        print("the imported plan lacks the citation: " + c)
        bad = 1
    if a != b:
        sys.stdout.writelines(
            l + "\n" for l in difflib.unified_diff(a, b, "original", "imported", lineterm="", n=1))
        bad = 1
    sys.exit(bad)


main()
