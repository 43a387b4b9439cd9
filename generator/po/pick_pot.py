#!/usr/bin/env python3
"""pick_pot.py ALL.pot LIST: the entries of ALL.pot (an xgettext --extract-all
run) whose msgid is a line of LIST (fragments.txt), each with a comment that
the code does not mark it yet.  Says on stderr which lines of LIST are not
found (a string the code no longer has)."""
import re
import sys


def main(pot, listing):
    want = [l for l in open(listing, encoding='utf-8').read().split('\n')
            if l and not l.startswith('#')]
    wanted = set(want)
    blocks = open(pot, encoding='utf-8').read().split('\n\n')
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    found = set()
    for b in blocks:
        m = re.search(r'^msgid (.*?)(?=^msgstr)', b, re.M | re.S)
        if not m:
            continue
        mid = ''.join(re.findall(r'"(.*)"', m.group(1)))
        if mid in wanted and mid not in found:
            found.add(mid)
            print('#. a fragment the code does not mark yet (fragments.txt): '
                  'needs N_() where written, _() where used')
            print(b.strip('\n') + '\n')
    for mid in want:
        if mid not in found:
            sys.stderr.write('pick_pot.py: not in the code any more: "%s"\n' % mid)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
