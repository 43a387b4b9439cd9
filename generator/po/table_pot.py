#!/usr/bin/env python3
"""Writes a .pot of diag.c's message table: each `[PG_X_NAME] = "text",` of the
`messages` array (what pg_diag_message returns), with the code as a comment;
and the two level words ("error", "warning") of pg_diag_format."""
import re
import sys

ENTRY = re.compile(r'^\s*\[(PG_[A-Z0-9_]+)\]\s*=\s*"((?:[^"\\]|\\.)*)"')


def main(path):
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    inside = False
    for n, line in enumerate(lines, 1):
        if re.search(r'\bmessages\s*\[', line) and '=' in line:
            inside = True
            continue
        if inside and line.strip().startswith('};'):
            break
        m = ENTRY.match(line) if inside else None
        if m:
            level = 'warning' if m.group(1).startswith('PG_W_') else 'error'
            print('#. diagnostic %s (%s), the message before the detail' % (m.group(1), level))
            print('#: %s:%d' % (path, n))
            print('#, no-c-format')
            print('msgid "%s"' % m.group(2))
            print('msgstr ""\n')
    # the level word pg_diag_format writes before the message
    for n, line in enumerate(lines, 1):
        if '? "error" : "warning"' in line:
            for word in ('error', 'warning'):
                print('#. the level of a diagnostic, "FILE:LINE:COL: %s: MESSAGE"; '
                      'the JSON of serve keeps its own English level' % word)
                print('#: %s:%d' % (path, n))
                print('#, no-c-format')
                print('msgid "%s"' % word)
                print('msgstr ""\n')


if __name__ == '__main__':
    main(sys.argv[1])
