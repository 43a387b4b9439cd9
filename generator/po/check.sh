#!/bin/sh
# check.sh - the Vietnamese catalogue is complete and sound:
#   1. msgfmt --check passes (formats, header), with its statistics;
#   2. no entry of vi.po is fuzzy;
#   3. every untranslated entry is one of untranslated.txt (machine formats);
#   4. every msgid of plangen.pot is in vi.po, and so is every msgid of a
#      fresh extraction from generator/*.c (extract.sh into a temporary file):
#      a message added to the code without its translation fails here, even
#      before plangen.pot is regenerated.
# Run from anywhere; exits 1 on the first kind of failure found.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
po="$here/vi.po"
pot="$here/plangen.pot"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== extract.sh (afresh, into a temporary file)"
if "$here/extract.sh" "$tmp/fresh.pot" >"$tmp/extract.log" 2>&1; then
    tail -1 "$tmp/extract.log"
else
    cat "$tmp/extract.log"
    echo "extract.sh failed"
    fail=1
    : >"$tmp/fresh.pot"
fi

echo "== msgfmt --check --statistics"
msgfmt --check --statistics -o /dev/null "$po" || fail=1

python3 - "$po" "$pot" "$here/untranslated.txt" "$tmp/fresh.pot" <<'PYEOF' || fail=1
import re, sys

def entries(path):
    """(msgid, msgstr, fuzzy) of each non-obsolete, non-header entry."""
    text = open(path, encoding='utf-8').read()
    out = []
    for block in re.split(r'\n\s*\n', text):
        lines = [l for l in block.split('\n') if l and not l.startswith('#~')]
        if not lines:
            continue
        fuzzy = any(l.startswith('#,') and 'fuzzy' in l for l in lines)
        cur, parts = None, {'msgctxt': None, 'msgid': None, 'msgid_plural': None, 'msgstr': None}
        strs = []
        for l in lines:
            if l.startswith('#'):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', l)
            if m:
                cur = m.group(1)
                if cur.startswith('msgstr'):
                    strs.append(m.group(2))
                    cur = 'msgstr%d' % len(strs)
                else:
                    parts[cur] = m.group(2)
            elif l.startswith('"') and cur:
                s = l[1:-1]
                if cur.startswith('msgstr'):
                    strs[-1] += s
                else:
                    parts[cur] += s
        if parts['msgid'] is None:
            continue
        if parts['msgid'] == '' and parts['msgctxt'] is None:
            continue  # the header
        key = (parts['msgctxt'], parts['msgid'])
        out.append((key, strs, fuzzy))
    return out

po, pot, allowed_path, fresh = sys.argv[1:5]
allowed = set()
for l in open(allowed_path, encoding='utf-8').read().split('\n'):
    if l and not l.startswith('#'):
        allowed.add(l)

bad = 0
po_entries = entries(po)
have = {k for k, _, _ in po_entries}
for (ctx, mid), strs, fuzzy in po_entries:
    if fuzzy:
        print('fuzzy: "%s"' % mid[:100]); bad += 1
    elif not strs or any(s == '' for s in strs):
        if mid not in allowed:
            print('untranslated: "%s"' % mid[:100]); bad += 1
    elif mid in allowed:
        print('translated, yet listed in untranslated.txt: "%s"' % mid[:100]); bad += 1
for (ctx, mid), _, _ in entries(pot):
    if (ctx, mid) not in have:
        print('in plangen.pot, missing from vi.po: "%s"' % mid[:100]); bad += 1
pot_ids = {k for k, _, _ in entries(pot)}
for (ctx, mid), _, _ in entries(fresh):
    if (ctx, mid) not in have:
        print('in the code (a fresh extraction), missing from vi.po: "%s"' % mid[:100]); bad += 1
        if (ctx, mid) not in pot_ids:
            print('  (and from plangen.pot: run generator/po/extract.sh, then msgmerge '
                  '--no-fuzzy-matching -U generator/po/vi.po generator/po/plangen.pot, '
                  'and translate it)')
stale = allowed - {m for (_, m) in have}
for mid in sorted(stale):
    print('untranslated.txt names a msgid vi.po does not have: "%s"' % mid[:100]); bad += 1
print('== %d problem(s)' % bad)
sys.exit(1 if bad else 0)
PYEOF

if [ "$fail" -ne 0 ]; then
    echo "po: FAILED"
    exit 1
fi
echo "po: ok"
