#!/bin/sh
# The schema for editors (issue #18): plan.rnc is what templates/schema/rng2rnc.py
# makes of plan.rng now, holds every element and attribute with its
# documentation, and means what plan.rng means (trang reads it back into the same
# schema, and every plan of the repository gets the same verdict and messages
# from both); schemas.xml names it; every plan that new, new --from, derive and
# import write starts with the <?xml-model?> line naming the data folder's
# plan.rng, which validates the written plan; check reads the line and --fix
# keeps it. (The web editor's new plans: tests/serve/test_serve.c.)
# Without trang the equivalence check fails under CI=true and is left out
# elsewhere (said on the output).
# Run from the repository root:  tests/run_schema.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
schema=templates/schema
conv=$schema/rng2rnc.py

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1: $(head -c 400 "$1")"; fi; }

# the compact syntax: regenerated, it is the committed file; every name documented
if /usr/bin/python3 "$conv" --check $schema/plan.rng $schema/plan.rnc 2>"$work/conv"; then ok; else
    bad "$schema/plan.rnc is not what rng2rnc.py makes of plan.rng (run: python3 $conv $schema/plan.rng $schema/plan.rnc): $(cat "$work/conv")"
fi
/usr/bin/python3 "$conv" $schema/plan.rng "$work/plan.rnc" && cmp -s "$work/plan.rnc" $schema/plan.rnc && ok ||
    bad "rng2rnc.py writes another plan.rnc than the committed one"
# the normaliser sees a change of meaning and a change of documentation
sed 's/<value>hỏa-tốc</<value>hoa-toc</' $schema/plan.rng > "$work/changed.rng"
/usr/bin/python3 "$conv" --same $schema/plan.rng "$work/changed.rng" 2>/dev/null && bad "--same misses a changed value" || ok
sed 's/Địa danh nơi ban hành văn bản/Địa danh/' $schema/plan.rng > "$work/changed.rng"
/usr/bin/python3 "$conv" --same $schema/plan.rng "$work/changed.rng" 2>/dev/null && bad "--same misses changed documentation" || ok

# the same schema: trang (James Clark's converter, Debian's trang) reads plan.rnc
# back into XML syntax, which must normalise to plan.rng and judge every plan
# the same way
if command -v trang >/dev/null 2>&1; then
    if trang -I rnc -O rng $schema/plan.rnc "$work/back.rng" 2>"$work/trang"; then ok; else
        bad "trang cannot read $schema/plan.rnc: $(cat "$work/trang")"
    fi
    if /usr/bin/python3 "$conv" --same $schema/plan.rng "$work/back.rng" 2>"$work/same"; then ok; else
        bad "plan.rnc read back by trang is not plan.rng: $(cat "$work/same")"
    fi
    n=0 valid=0
    for f in $(find plans tests -name '*.xml' | sort); do
        n=$((n + 1))
        a=$(xmllint --noout --relaxng $schema/plan.rng "$f" 2>&1 | sed "s#$schema/plan.rng#SCHEMA#g")
        b=$(xmllint --noout --relaxng "$work/back.rng" "$f" 2>&1 | sed "s#$work/back.rng#SCHEMA#g")
        if [ "$a" = "$b" ]; then ok; else bad "$f: plan.rng says '$a', plan.rnc (through trang) '$b'"; fi
        case $a in *" validates") valid=$((valid + 1)) ;; esac
    done
    echo "schema: $n files judged alike by plan.rng and plan.rnc ($valid valid)"
    # every plan of plans/ is valid: the loop above compared valid plans too
    for f in plans/*.xml plans/*/*.xml; do
        xmllint --noout --relaxng "$work/back.rng" "$f" 2>/dev/null && ok || bad "$f is not valid against plan.rnc"
    done
elif [ "${CI:-}" = true ]; then
    bad "trang is not installed (Debian package trang; .ci/setup installs it): plan.rnc is not checked against plan.rng"
else
    echo "schema: trang is not installed: plan.rnc checked by rng2rnc.py only (apt-get install trang)"
fi

# schemas.xml for Emacs nXML: well-formed, naming plan.rnc beside it
xmllint --noout $schema/schemas.xml 2>"$work/x" && ok || bad "schemas.xml: $(cat "$work/x")"
contains $schema/schemas.xml 'uri="plan.rnc"' "schemas.xml names plan.rnc"
contains $schema/schemas.xml 'ns="urn:plangen:plan:1"' "schemas.xml: by namespace"
contains $schema/schemas.xml 'localName="plan"' "schemas.xml: by document element"

# the <?xml-model?> line: the program in its build folder reads the source tree
decl='<?xml version="1.0" encoding="UTF-8"?>'
rng_real=$(realpath $schema/plan.rng)
# model_path FILE: the file named by FILE's first <?xml-model?> when the
# instruction is exactly the one plangen writes, the URI decoded; else nothing
model_path() {
    /usr/bin/python3 - "$1" <<'PY'
import re, sys, urllib.parse
text = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'<\?xml-model href="file://([^"]*)" type="application/xml" '
              r'schematypens="http://relaxng.org/ns/structure/1.0"\?>', text)
if m:
    print(urllib.parse.unquote(m.group(1)))
PY
}
# model_line FILE WHAT [template]: line 1 is the declaration, line 2 the
# <?xml-model?> line (a filled template: right after the declaration, on its
# line, so that the template's line numbers still hold), naming the source
# tree's plan.rng (compared as real paths: the clone may be reached through a link)
model_line() {
    first=$(sed -n 1p "$1")
    if [ "$3" = template ]; then pi=${first#"$decl"} first=${first%"$pi"}; else pi=$(sed -n 2p "$1"); fi
    case $pi in
    "<?xml-model href=\"file://"*"\" type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\"?>") ;;
    *) bad "$2: no <?xml-model?> line after the declaration: $(head -c 300 "$1")"; return ;;
    esac
    if [ "$first" = "$decl" ]; then ok; else bad "$2: the first line is not the XML declaration: $first"; fi
    path=$(model_path "$1")
    if [ -n "$path" ] && [ "$(realpath "$path" 2>/dev/null)" = "$rng_real" ]; then ok; else
        bad "$2: the <?xml-model?> line names $path, not the data folder's $rng_real"
    fi
}
# valid FILE WHAT: the file the href names validates FILE
valid() {
    href=$(model_path "$1")
    if [ -f "$href" ] && xmllint --noout --relaxng "$href" "$1" 2>"$work/x"; then ok; else
        bad "$2: the schema of its <?xml-model?> ($href) does not validate it: $(cat "$work/x")"
    fi
}
mkdir -p "$work/plans/tinh" "$work/plans/cs"
for style in party state; do
    expect_rc 0 "new --style $style" -- "$plangen" new --style $style -o "$work/blank-$style.xml"
    model_line "$work/blank-$style.xml" "new --style $style"
    # the bracketed placeholders filled as tests/run_cli.sh fills them
    sed -e 's/\[YYYY-MM-DD\]/2026-05-04/' -e 's/\[[^]]*\]/Nội dung/g' "$work/blank-$style.xml" > "$work/plans/filled-$style.xml"
    model_line "$work/plans/filled-$style.xml" "new --style $style, filled"
    valid "$work/plans/filled-$style.xml" "new --style $style, filled"
    expect_rc 0 "check new --style $style, filled" -- "$plangen" check "$work/plans/filled-$style.xml"
done
T=templates/plans/sinh-hoat-chi-bo.xml
SETS="--set don_vi=CHI-BỘ-A --set ten_goi=Chi-bộ-A --set so=3 --set ngay=2023-04-06 --set bi_thu=A --set han_quan_triet=2023-04-27 --set ghi_chu_quan_triet=x --set han_bao_cao=2023-06-08 --set ghi_chu_bao_cao=y"
# shellcheck disable=SC2086
expect_rc 0 "new --from" -- "$plangen" new --from $T $SETS -o "$work/from.xml"
model_line "$work/from.xml" "new --from" template
valid "$work/from.xml" "new --from"
# the template's line numbers still name the template's lines in the filled plan
[ "$(wc -l < "$work/from.xml")" -le "$(wc -l < $T)" ] && ok || bad "new --from: the filled plan has more lines than its template"
cp plans/tinh-uy-hung-yen/179-KH-TU-2023.xml "$work/plans/tinh/179.xml"
expect_rc 0 "derive" -- "$plangen" derive "$work/plans/tinh/179.xml" --issuer "ĐẢNG ỦY X" -o "$work/plans/cs/con.xml"
model_line "$work/plans/cs/con.xml" "derive"
valid "$work/plans/cs/con.xml" "derive"
expect_rc 0 "check the derived plan" -- "$plangen" check "$work/plans/cs/con.xml"
if grep -q 'error' "$work/err"; then bad "derived plan: $(cat "$work/err")"; else ok; fi
# import: a plan rendered to DOCX and imported back is a whole plan
expect_rc 0 "render docx" -- "$plangen" render --format docx plans/tra-vinh-duk-60-KH-2022.xml -o "$work/tv.docx"
expect_rc 0 "import" -- "$plangen" import "$work/tv.docx" -o "$work/plans/imported.xml"
model_line "$work/plans/imported.xml" "import"
valid "$work/plans/imported.xml" "import"
printf 'KẾ HOẠCH\nvề việc thử\n1. Mục một\nNội dung.\n' > "$work/old.txt"
expect_rc 0 "import a text" -- "$plangen" import "$work/old.txt" -o "$work/text.xml"
model_line "$work/text.xml" "import of a text"

# the line is harmless to the parser, and check --fix keeps it: a party plan
# whose subject starts with a capital is fixed in place
sed 's/<summary>[^<]*<\/summary>/<summary>Triển khai công tác<\/summary>/' "$work/plans/filled-party.xml" > "$work/plans/fix.xml"
expect_rc 0 "check --fix" -- "$plangen" check --fix --force "$work/plans/fix.xml"
contains "$work/plans/fix.xml" '<summary>triển khai công tác</summary>' "check --fix fixed the subject"
model_line "$work/plans/fix.xml" "check --fix"
# a plan whose <?xml-model?> names another schema, with comments around it, renders
{
    echo "$decl"
    echo '<!-- a comment before -->'
    echo '<?xml-model href="https://example.org/other.rnc" type="application/relax-ng-compact-syntax"?>'
    sed 1,2d "$work/plans/filled-state.xml"
} > "$work/plans/other.xml"
expect_rc 0 "render with another <?xml-model?>" -- "$plangen" render "$work/plans/other.xml" -o "$work/other.pdf"

finish schema
