#!/bin/sh
# extract.sh - regenerates generator/po/plangen.pot from generator/*.c.
# Run from anywhere; writes next to itself, or to the path given as $1
# (check.sh extracts afresh into a temporary file).
#
# Keywords: the gettext markers, the diagnostic functions, the printf-like
# reporters (pg_cli_say, fprintf to stderr, printf - stdout formats come along
# and are listed in untranslated.txt), the prompts of serve_auth.c
# (ask_password) and the field labels of plangen verify (sign.c: line), and
# the per-file wrappers, some of which share a name with a different argument
# position (err: resolve.c 5, style.c 3), so
# those files get their own xgettext run.  Two kinds of strings have no call
# for a keyword to catch, and are read by small scripts: the usage texts
# (static const char usage_*[] arrays; usage_pot.py) and the fixed messages of
# diag.c's table, what pg_diag_message returns (table_pot.py).  The parts of
# messages passed through variables are marked N_() where written and _()
# where used; one that cannot be would be listed in fragments.txt (empty now)
# and taken from an --extract-all run (pick_pot.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/plangen.pot}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
top=$(cd "$here/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

common="--from-code=UTF-8 --add-comments=TRANSLATORS: --sort-by-file --language=C
 --package-name=plangen
 --no-wrap
 -k_ -kN_ -kpg_diag_add:6 -kpg_diag_vadd:6 -kpg_cli_say:1 -kfprintf:2 -kfputs:1
 -kprintf:1
 --flag=pg_diag_add:6:c-format --flag=pg_diag_vadd:6:c-format
 --flag=pg_cli_say:1:c-format --flag=fprintf:2:c-format --flag=printf:1:c-format"

# every file but those whose wrappers clash
others=$(ls generator/*.c | grep -v -e '/resolve\.c$' -e '/style\.c$' -e '/diag\.c$')
# shellcheck disable=SC2086
xgettext $common \
    -kdiag:4 --flag=diag:4:c-format \
    -kfinding:5 --flag=finding:5:c-format \
    -knode_finding:5 --flag=node_finding:5:c-format \
    -kfail:1 --flag=fail:1:c-format \
    -ksay:1 --flag=say:1:c-format \
    -kbad_usage:2 --flag=bad_usage:2:c-format \
    -ktodo:3 -kunplaced:4 \
    -kask_password:1 -kline:2 \
    -o "$tmp/others.pot" $others
# shellcheck disable=SC2086
xgettext $common -kerr:5 --flag=err:5:c-format -o "$tmp/resolve.pot" generator/resolve.c
# shellcheck disable=SC2086
xgettext $common -kerr:3 --flag=err:3:c-format -o "$tmp/style.pot" generator/style.c

# diag.c: the fixed messages of the table (pg_diag_message), every literal of
# the file's table; the detail formats of pg_diag_add in the file come too.
python3 "$here/table_pot.py" generator/diag.c > "$tmp/table.pot"
# shellcheck disable=SC2086
xgettext $common -o "$tmp/diag.pot" generator/diag.c || true

python3 "$here/usage_pot.py" generator/*.c > "$tmp/usage.pot"

# the fragments no keyword catches (fragments.txt), from every literal
xgettext --from-code=UTF-8 --language=C --sort-by-file --no-wrap --extract-all \
    -o "$tmp/all-literals.pot" generator/*.c 2>"$tmp/all-literals.log" ||
    { cat "$tmp/all-literals.log" >&2; exit 1; }
python3 "$here/pick_pot.py" "$tmp/all-literals.pot" "$here/fragments.txt" > "$tmp/fragments.pot"

set --
for f in others resolve style diag table usage fragments; do
    [ -s "$tmp/$f.pot" ] && set -- "$@" "$tmp/$f.pot"
done
msgcat --use-first --sort-by-file --no-wrap -o "$tmp/all.pot" "$@"
# the header of a template
sed -e '1,/^$/{s/^"Content-Type: text\/plain; charset=.*/"Content-Type: text\/plain; charset=UTF-8\\n"/}' \
    "$tmp/all.pot" > "$out"
echo "$(basename "$out"): $(grep -c '^msgid ' "$out") msgids (the header included)"
