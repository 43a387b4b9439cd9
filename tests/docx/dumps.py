"""dumps.py - what the writers' tests read from `plangen dump --stage=number`
and `--stage=layout`."""
import re


def number_facts(path):
    """The numbered document's facts: header lines, the first section label,
    recipients, brace groups (first, count, purpose), QR links, appendices
    (label, landscape), the number of footnotes and of tables with header rows."""
    facts = {"recipients": [], "groups": [], "qrs": [], "appendices": [], "footnotes": 0,
             "header_tables": 0}
    lines = open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        for key in ("issuer", "number-line", "date-line"):
            m = re.match(r'%s: "([^"\n]*)' % key, line)
            if m and key not in facts:
                facts[key] = m.group(1)
        m = re.match(r'\s*section .* label="([^"]*)"', line)
        if m:
            facts.setdefault("label", m.group(1))
            facts.setdefault("labels", []).append(m.group(1))
        m = re.match(r'recipient(?: \(group\))?: "(.*)"$', line)
        if m:
            facts["recipients"].append(m.group(1))
        m = re.match(r'group \d+: (\d+)\+(\d+) purpose="(.*)"$', line)
        if m:
            facts["groups"].append((int(m.group(1)), int(m.group(2)), m.group(3)))
        m = re.match(r'\s*qr \S+ href="(.*)"', line)
        if m:
            facts["qrs"].append(m.group(1))
        m = re.match(r'\s*appendix \S+ label="([^"]*)"', line)
        if m:
            facts["appendices"].append((m.group(1), line.rstrip().endswith(" landscape")))
        if re.match(r"\s*footnote\b", line):
            facts["footnotes"] += 1
        # a table whose first row is a header row
        if re.match(r"\s*table \S+ columns=", line) and i + 1 < len(lines) \
                and re.match(r"\s*row \S+ header$", lines[i + 1]):
            facts["header_tables"] += 1
    return facts


def layout_facts(path):
    """The layout's brace heights (pt), images (w, h), rect items (x, y, w, h)
    and the texts of the framed marks (urgency, circulation)."""
    braces, images, rects, marks = [], [], [], []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\s*path recipient x=[\d.]+ y=[\d.]+ w=[\d.]+ h=([\d.]+)", line)
        if m:
            braces.append(float(m.group(1)))
        m = re.match(r"\s*image x=[\d.]+ y=[\d.]+ w=([\d.]+) h=([\d.]+)", line)
        if m:
            images.append((float(m.group(1)), float(m.group(2))))
        m = re.match(r'\s*text (?:urgency|mark) .*? "(.*)"(?: color=\S+)?(?: artifact)?$', line)
        if m:
            marks.append(m.group(1))
        m = re.match(r"\s*rect x=([\d.]+) y=([\d.]+) w=([\d.]+) h=([\d.]+)", line)
        if m:
            rects.append(tuple(float(v) for v in m.groups()))
    return {"braces": braces, "images": images, "rects": rects, "marks": marks}
