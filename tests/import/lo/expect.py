#!/usr/bin/env python3
"""tests/import/lo/expect.py PLAN.xml NAME.expect - checks the plan written by
`plangen import` against what the fixture's author expects, one check a line:

    must|pending  PATH  [= TEXT | ~ TEXT | #N]

PATH is an ElementTree path over the plan with namespaces left out
(section[@title='I']/section, recipients/group[@purpose='để b/c']/to). "= TEXT":
some element there has exactly that text (whitespace collapsed); "~ TEXT": some
contains it; "#N": there are exactly N; nothing: there is at least one.
"pending" marks what needs work in the recogniser (generator/import.c): it is
reported, not counted as a failure. Prints "ok", "FAIL" or "PENDING" with the
line for each check; exits 1 when a "must" check fails."""
import re
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
for el in root.iter():
    el.tag = el.tag.split('}')[-1]
    if el.tag == 'br':
        el.text = ' '  # a line break separates words


def text(el):
    return re.sub(r'\s+', ' ', ''.join(el.itertext())).strip()


failed = 0
for n, line in enumerate(open(sys.argv[2], encoding='utf-8'), 1):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    kind, rest = line.split(None, 1)
    m = re.match(r'(\S.*?)\s+([=~#])\s*(.*)$', rest)
    path, op, want = (m.group(1), m.group(2), m.group(3)) if m else (rest.strip(), '', '')
    nodes = root.findall('./' + path)
    if op == '=':
        good = any(text(e) == want for e in nodes)
    elif op == '~':
        good = any(want in text(e) for e in nodes)
    elif op == '#':
        good = len(nodes) == int(want)
    else:
        good = bool(nodes)
    if good:
        print('ok      %s:%d: %s' % (sys.argv[2], n, rest))
    elif kind == 'pending':
        print('PENDING %s:%d: %s (found %d: %s)' % (sys.argv[2], n, rest, len(nodes),
                                                   ' | '.join(text(e)[:60] for e in nodes[:3])))
    else:
        failed += 1
        print('FAIL    %s:%d: %s (found %d: %s)' % (sys.argv[2], n, rest, len(nodes),
                                                   ' | '.join(text(e)[:60] for e in nodes[:3])))
sys.exit(1 if failed else 0)
