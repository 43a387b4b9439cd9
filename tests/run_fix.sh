#!/bin/sh
# check --fix --force on hostile plan files: corrections made on the file's bytes
# (character references, CDATA, comments), symbolic and hard links, the file's
# mode, a folder that cannot be written. Run from the repository root:
#   tests/run_fix.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(cat "$1")"; fi; }
lacks() { if grep -q -- "$2" "$1"; then bad "$3: '$2' in $(cat "$1")"; else ok; fi; }

# plan SUMMARY TO...: a plan whose summary and recipients are written as given
plan() {
    summary=$1; shift
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<plan xmlns="urn:plangen:plan:1">\n'
    printf '  <issuer symbol="ĐUK">ĐẢNG ỦY KHỐI</issuer>\n  <number>3</number>\n'
    printf '  <place>Huế</place>\n  <date>2023-05-02</date>\n  <summary>%s</summary>\n' "$summary"
    printf '  <section title="MỤC ĐÍCH"><p>Một.</p></section>\n  <recipients>\n'
    for to in "$@"; do printf '    <to>%s</to>\n' "$to"; done
    printf '    <archive>VP</archive>\n  </recipients>\n'
    printf '  <signature title="BÍ THƯ" name="Nguyễn Văn A"/>\n</plan>\n'
}

# the typed mark spelled as a character reference, in CDATA, before a comment; the
# summary's capital after a comment: each fixed on the bytes that spell it
plan '<!-- c -->Tổ chức thử' 'Ban A&#x2C;' 'Ban B<![CDATA[;]]>' 'Ban C.<!-- x -->' 'Ban D&#44;' \
    | sed 's/symbol="ĐUK"/symbol=" \&#x111;uk "/' >"$work/spelled.xml"
expect_rc 0 "check: spelled findings" -- "$plangen" check "$work/spelled.xml"
[ "$(grep -c 'fixable with --fix' "$work/err")" -eq 6 ] && ok || bad "expected 6 fixable findings: $(cat "$work/err")"
expect_rc 0 "check --fix: spelled findings" -- "$plangen" check --fix --force "$work/spelled.xml"
contains "$work/err" "fixed 6 findings; checking again" "check --fix: spelled findings"
lacks "$work/err" "warning" "check --fix: spelled findings"
expect_rc 0 "check after --fix: spelled findings" -- "$plangen" check "$work/spelled.xml"
if [ -s "$work/err" ]; then bad "findings left after --fix: $(cat "$work/err")"; else ok; fi
for want in '<to>Ban A</to>' '<to>Ban B<!\[CDATA\[\]\]></to>' '<to>Ban C<!-- x --></to>' \
    '<to>Ban D</to>' '<summary><!-- c -->tổ chức thử</summary>' '<issuer symbol="ĐUK">'; do
    contains "$work/spelled.xml" "$want" "check --fix: spelled findings"
done

# what --fix cannot correct is not called fixable
plan '<b>Tổ</b> chức thử' 'Ban A' >"$work/unfixable.xml"
expect_rc 0 "check: unfixable" -- "$plangen" check "$work/unfixable.xml"
contains "$work/err" "capital letter; .* (the style corrects the print) \[hd36.pl1.5a\]" "check: unfixable"
lacks "$work/err" "with --fix" "check: unfixable"

# a symbolic link: the plan it points to is fixed, the link stays
mkdir "$work/real"
plan 'thử' 'Ban A,' >"$work/real/plan.xml"
ln -s real/plan.xml "$work/link.xml"
expect_rc 0 "check --fix through a symbolic link" -- "$plangen" check --fix --force "$work/link.xml"
[ -L "$work/link.xml" ] && ok || bad "--fix replaced the symbolic link by a file"
contains "$work/real/plan.xml" '<to>Ban A</to>' "--fix through a symbolic link"
no_temp_files "$work" "--fix through a symbolic link"

# the mode is kept: a read-only plan stays read-only
plan 'thử' 'Ban A,' >"$work/ro.xml"
chmod 0440 "$work/ro.xml"
expect_rc 0 "check --fix on a read-only plan" -- "$plangen" check --fix --force "$work/ro.xml"
contains "$work/ro.xml" '<to>Ban A</to>' "--fix on a read-only plan"
[ "$(stat -c %a "$work/ro.xml")" = 440 ] && ok || bad "--fix changed the mode 440 to $(stat -c %a "$work/ro.xml")"

# hard links: refused (replacing the file would break them), nothing changed
plan 'thử' 'Ban A,' >"$work/hard.xml"
ln "$work/hard.xml" "$work/hard2.xml"
cp "$work/hard.xml" "$work/hard.orig"
expect_rc 3 "check --fix on a hard-linked plan" -- "$plangen" check --fix --force "$work/hard.xml"
contains "$work/err" "hard.xml: error: cannot write output: the plan has 2 hard links, which replacing it would break; nothing was fixed: fix it by hand, or --fix a copy of its own" "--fix on a hard-linked plan"
lacks "$work/err" "fixed 1 finding" "--fix on a hard-linked plan"
cmp -s "$work/hard.orig" "$work/hard2.xml" && ok || bad "--fix changed a hard-linked plan"
[ "$(stat -c %h "$work/hard.xml")" = 2 ] && ok || bad "--fix broke a hard link"

# a folder that cannot be written: the failure is reported, exit 3 (as root, run as
# nobody: root writes anywhere)
mkdir "$work/locked"
plan 'thử' 'Ban A,' >"$work/locked/plan.xml"
cp "$work/locked/plan.xml" "$work/locked.orig"
chmod 0555 "$work/locked"
chmod 0755 "$work"
as=
if [ "$(id -u)" -eq 0 ]; then
    as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod o+rx "$work" && chmod o+r "$work/locked/plan.xml"
fi
if [ -n "$as" ] && ! $as true 2>/dev/null; then
    echo "SKIP: cannot run as another user to test an unwritable folder"
else
    expect_rc 3 "check --fix in a read-only folder" -- env XDG_CACHE_HOME="$work" $as "$plangen" check --fix --force "$work/locked/plan.xml"
    contains "$work/err" "locked/plan.xml: error: cannot write output: cannot create a file beside it to write the corrected plan (Permission denied); nothing was fixed" "--fix in a read-only folder"
    lacks "$work/err" "fixed 1 finding" "--fix in a read-only folder"
    cmp -s "$work/locked.orig" "$work/locked/plan.xml" && ok || bad "--fix in a read-only folder changed the plan"
fi
chmod 0755 "$work/locked"
no_temp_files "$work" "check --fix"

finish "fix"
