#!/usr/bin/env python3
"""Writes a .pot of the long usage texts of plangen: every
`static const char usage_*[] = "..." "...";` in the given C files, one msgid
per whole text, referenced by the line of its declaration.  xgettext does not
see these arrays (no marker can wrap an array initialiser)."""
import re
import sys

DECL = re.compile(r'^\s*static\s+const\s+char\s+(usage\w*)\s*\[\]\s*=')
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            n = s[i + 1]
            out.append({'n': '\n', 't': '\t', '"': '"', '\\': '\\', "'": "'"}.get(n, '\\' + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def po_quote(s):
    s = s.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t')
    parts = s.split('\n')
    lines = [p + '\\n' for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    if len(lines) == 1:
        return 'msgid "%s"\n' % lines[0]
    return 'msgid ""\n' + ''.join('"%s"\n' % l for l in lines)


def main(files):
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    for path in files:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
        i = 0
        while i < len(lines):
            m = DECL.match(lines[i])
            if not m:
                i += 1
                continue
            start, body = i + 1, lines[i][m.end():]
            while ';' not in LIT.sub('', body):
                i += 1
                body += '\n' + lines[i]
            text = ''.join(unescape(x) for x in LIT.findall(body))
            fmt = re.search(r'%[-+ #0]*[0-9*]*(\.[0-9*]+)?(l|ll|z|h)?[diouxXsScfgeE]', text)
            print('#. usage text %s; printed as is%s' % (m.group(1),
                  ', through printf' if fmt else ''))
            print('#: %s:%d' % (path, start))
            print('#, no-c-format')
            sys.stdout.write(po_quote(text))
            print('msgstr ""\n')
            i += 1


if __name__ == '__main__':
    main(sys.argv[1:])
