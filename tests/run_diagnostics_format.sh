#!/bin/sh
# --diagnostics-format human|json|sarif of check, render and build (issue #18):
#   (a) check's JSON holds, for bad plans and plans with lint findings, one
#       object per line of the human output of the same plans, field by field
#       (file, line, column, severity, message, detail, rule), with the exit
#       status unchanged, the code names and fixable exact for known findings,
#       and fixable true just where --fix corrects the finding;
#   (b) the SARIF log is valid against the OASIS schema (tests/sarif/) and
#       holds ruleId, level and region of a known finding; each lint rule's
#       helpUri points at a heading of docs/rules.md;
#   (c) build's JSON, and the objects of build --report json, are check's
#       objects, for a fresh build and for one replayed from the cache;
#   (d) render writes the document to standard output and still its PDF;
#   (e) usage errors: a wrong value names the values; json and sarif are
#       refused with render -o -, sarif with --report json, and by other
#       commands.
# Run from the repository root:  tests/run_diagnostics_format.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # the build runs in $work
. "$(dirname "$0")/lib.sh"

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(cat "$1")"; fi; }

# the plans: errors of several stages, lint warnings (fixable or not), a lint error
bad_plans="tests/bad/bare-ampersand.xml tests/bad/unknown-element.xml tests/bad/misplaced-element.xml
tests/bad/missing-signature.xml tests/bad/lint-date-before-cited.xml"
lint_plans="tests/bad/lint-recipient-punctuation.xml tests/bad/lint-no-archive.xml
tests/bad/lint-typed-numbers.xml tests/bad/lint-symbol-lowercase.xml tests/bad/lint-summary-case.xml"
export PLANGEN_TODAY=2024-06-01

# same_as_human HUMAN JSON WHAT: the objects of JSON, written in the human form,
# are the lines of HUMAN
same_as_human() {
    if python3 - "$1" "$2" <<'EOF'; then ok; else bad "$3: the JSON differs from the human lines"; fi
import json, sys
human = open(sys.argv[1], encoding="utf-8").read().splitlines()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert doc["version"] == 1, doc
lines = []
for d in doc["diagnostics"]:
    assert list(d) == ["file", "line", "column", "end_line", "end_column", "severity", "code",
                       "rule", "message", "detail", "hint", "fixable"], list(d)
    assert d["end_line"] is None and d["end_column"] is None and d["hint"] is None, d
    assert d["severity"] in ("error", "warning") and isinstance(d["fixable"], bool), d
    s = d["file"]
    if d["line"] is not None:
        s += ":%d" % d["line"]
        if d["column"] is not None:
            s += ":%d" % d["column"]
    s += ": %s: %s" % (d["severity"], d["message"])
    if d["detail"] is not None:
        s += ": " + d["detail"]
    if d["rule"] is not None:
        s += " [%s]" % d["rule"]
    lines.append(s)
if lines != human:
    for a, b in zip(lines + [""] * len(human), human + [""] * len(lines)):
        if a != b:
            print("json:  " + a + "\nhuman: " + b)
            break
    sys.exit(1)
EOF
}

# ---- (a) check: JSON against the human lines of the same run -----------------
for p in $bad_plans $lint_plans; do
    name=$(basename "$p" .xml)
    "$plangen" check "$p" >"$work/$name.hout" 2>"$work/$name.human"; hrc=$?
    "$plangen" check --diagnostics-format json "$p" >"$work/$name.json" 2>"$work/$name.jerr"; jrc=$?
    [ "$hrc" -eq "$jrc" ] && ok || bad "$name: exit $jrc with json, $hrc without"
    [ ! -s "$work/$name.hout" ] && [ ! -s "$work/$name.jerr" ] && ok \
        || bad "$name: human output on stdout, or json run's stderr not empty: $(cat "$work/$name.jerr")"
    same_as_human "$work/$name.human" "$work/$name.json" "check $name"
done
# --diagnostics-format json, as one argument or two, and human, the default
"$plangen" check --diagnostics-format=json tests/bad/unknown-element.xml >"$work/eq.json" 2>/dev/null
cmp -s "$work/eq.json" "$work/unknown-element.json" && ok || bad "--diagnostics-format=json differs from --diagnostics-format json"
"$plangen" check --diagnostics-format human tests/bad/unknown-element.xml >"$work/h.out" 2>"$work/h.err"
[ ! -s "$work/h.out" ] && cmp -s "$work/h.err" "$work/unknown-element.human" && ok || bad "--diagnostics-format human is not the default output"

# known findings, field by field; several plans in one document, in order
"$plangen" check --diagnostics-format json $lint_plans tests/bad/lint-date-before-cited.xml \
    tests/bad/unknown-element.xml >"$work/all.json" 2>"$work/all.err"; rc=$?
[ $rc -eq 1 ] && ok || bad "check of lint plans and bad plans: exit $rc, expected 1"
if python3 - "$work/all.json" <<'EOF'; then ok; else bad "known findings: fields"; fi
import json, sys
ds = json.load(open(sys.argv[1], encoding="utf-8"))["diagnostics"]
def find(file, line):
    hits = [d for d in ds if d["file"] == file and d["line"] == line]
    assert len(hits) == 1, (file, line, hits)
    return hits[0]
want = [
    ("tests/bad/lint-recipient-punctuation.xml", 10, 5, "warning", "standard", "hd36.pl1.9.punctuation", True,
     "breaks the standard",
     "\"Ban Thường vụ Tỉnh ủy,\" ends with ','; the style adds the punctuation of the standard (fixable with --fix)"),
    ("tests/bad/lint-no-archive.xml", 9, 3, "warning", "standard", "hd36.pl1.9.archive", False,
     "breaks the standard", "no archive line (\"- Lưu ...\"); add <archive> as the last recipient"),
    ("tests/bad/lint-symbol-lowercase.xml", 3, 3, "warning", "standard", "hd36.pl1.3", True,
     "breaks the standard",
     "symbol=\"đuk\": a symbol is upper-case letters and digits, groups joined by '-' without spaces (fixable with --fix)"),
    ("tests/bad/lint-date-before-cited.xml", 9, 5, "error", "contradicts-plan", "hd36.pl1.4.cited", False,
     "contradicts the plan",
     "the basis cites a document of 28/3/2023, later than the plan's own date 18/4/2022; a plan cannot implement a later document"),
    ("tests/bad/unknown-element.xml", 9, 5, "error", "unknown-element", None, False, "unknown element",
     "<para> inside <section>; allowed here: <section>, <p>, <item>, <table>, <qr>, <image>, <inherit>, <replace>, <remove>, <append>"),
]
for file, line, col, sev, code, rule, fixable, message, detail in want:
    d = find(file, line)
    got = (d["column"], d["severity"], d["code"], d["rule"], d["fixable"], d["message"], d["detail"])
    assert got == (col, sev, code, rule, fixable, message, detail), (file, got)
# fixable just where the detail says --fix corrects it
for d in ds:
    assert d["fixable"] == ("fixable with --fix" in (d["detail"] or "")), d
assert sum(d["fixable"] for d in ds) == 5, [d for d in ds if d["fixable"]]
EOF
# fixable is what --fix corrects: after check --fix --force, the fixable findings
# are gone and the others are left
cp tests/bad/lint-recipient-punctuation.xml tests/bad/lint-typed-numbers.xml tests/bad/lint-no-archive.xml "$work/"
for p in lint-recipient-punctuation lint-typed-numbers lint-no-archive; do
    "$plangen" check --diagnostics-format json "$work/$p.xml" >"$work/before.json" 2>/dev/null
    "$plangen" check --fix --force --diagnostics-format json "$work/$p.xml" >"$work/after.json" 2>"$work/fix.err"
    if python3 - "$work/before.json" "$work/after.json" <<'EOF'; then ok; else bad "$p: --fix did not correct just the fixable findings: $(cat "$work/fix.err")"; fi
import json, sys
key = lambda d: (d["file"], d["line"], d["column"], d["rule"])
before = json.load(open(sys.argv[1]))["diagnostics"]
after = json.load(open(sys.argv[2]))["diagnostics"]
assert sorted(map(key, after)) == sorted(key(d) for d in before if not d["fixable"]), (before, after)
EOF
done

# control characters and bytes that are not UTF-8 in a file name: valid JSON
# that gives the name back (a byte that is not UTF-8 as \xNN, as in the human form)
cp tests/bad/unknown-element.xml "$work/a$(printf '\001')b$(printf '\377').xml"
"$plangen" check --diagnostics-format json "$work/a"*b*.xml >"$work/ctl.json" 2>/dev/null
if python3 - "$work/ctl.json" "$work" <<'EOF'; then ok; else bad "a file name with control characters: $(cat "$work/ctl.json")"; fi
import json, sys
raw = open(sys.argv[1], "rb").read()
assert b"\x01" not in raw and b"\xff" not in raw, raw
d = json.loads(raw.decode("utf-8"))["diagnostics"][0]
assert d["file"] == sys.argv[2] + "/a\x01b\\xff.xml", d["file"]
EOF

# ---- (b) SARIF: valid, and the known finding in it ----------------------------
"$plangen" check --diagnostics-format sarif $lint_plans $bad_plans >"$work/log.sarif" 2>"$work/sarif.err"; rc=$?
[ $rc -eq 1 ] && [ ! -s "$work/sarif.err" ] && ok || bad "check --diagnostics-format sarif: exit $rc: $(cat "$work/sarif.err")"
# every bad plan at once (positions without a line, derivations, limits)
"$plangen" check --diagnostics-format sarif tests/bad/*.xml >"$work/bad.sarif" 2>/dev/null
"$plangen" check --diagnostics-format sarif plans/*.xml >"$work/good.sarif" 2>/dev/null
for log in log bad good; do
    if python3 - tests/sarif/sarif-schema-2.1.0.json "$work/$log.sarif" <<'EOF'; then ok; else bad "$log.sarif is not valid SARIF 2.1.0"; fi
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2], encoding="utf-8"))
jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
EOF
done
if python3 - "$work/log.sarif" docs/rules.md <<'EOF'; then ok; else bad "the SARIF log lacks the known finding, or a rule's helpUri"; fi
import json, re, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
assert log["version"] == "2.1.0" and len(log["runs"]) == 1
run = log["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "plangen" and driver["version"] and driver["informationUri"]
rules = driver["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), ids
hits = [r for r in run["results"] if r["ruleId"] == "hd36.pl1.9.punctuation"]
assert len(hits) == 1, hits
r = hits[0]
loc = r["locations"][0]["physicalLocation"]
assert r["level"] == "warning" and rules[r["ruleIndex"]]["id"] == r["ruleId"]
assert loc["artifactLocation"]["uri"] == "tests/bad/lint-recipient-punctuation.xml", loc
assert loc["region"] == {"startLine": 10, "startColumn": 5}, loc
assert r["message"]["text"].startswith("breaks the standard: \"Ban Thường vụ Tỉnh ủy,\" ends with ','")
assert r["properties"] == {"code": "standard", "fixable": True}
err = [x for x in run["results"] if x["ruleId"] == "unknown-element"][0]
assert err["level"] == "error" and err["locations"][0]["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 5}
# every result's rule is listed; the lint rules link to their heading in docs/rules.md,
# by GitHub's anchor of it (lower case, spaces as '-', other punctuation dropped)
for x in run["results"]:
    assert rules[x["ruleIndex"]]["id"] == x["ruleId"], x
anchors = set()
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"#+ (.*)", line)
    if m:
        anchors.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
lint = [x for x in rules if "." in x["id"]]
assert len(lint) == 6, [x["id"] for x in lint]
for x in lint:
    page, _, anchor = x["helpUri"].partition("#")
    assert page.endswith("/docs/rules.md") and anchor in anchors, (x, anchors)
    assert x["shortDescription"]["text"]
for x in rules:
    if "." not in x["id"]:
        assert x["helpUri"].endswith("/README.md#diagnostics"), x
EOF

# ---- (c) build: the same objects as check's ------------------------------------
mkdir -p "$work/b"
for p in $lint_plans tests/bad/unknown-element.xml tests/bad/lint-date-before-cited.xml; do cp "$p" "$work/b/"; done
(cd "$work" && "$plangen" check --diagnostics-format json b/*.xml >check.json 2>/dev/null)
# build_same JSON WHAT: the diagnostics of JSON (a document, or a report's plans) are check's
build_same() {
    if python3 - "$work/check.json" "$1" <<'EOF'; then ok; else bad "$2: build's objects are not check's"; fi
import json, sys
check = json.load(open(sys.argv[1], encoding="utf-8"))["diagnostics"]
doc = json.load(open(sys.argv[2], encoding="utf-8"))
if "plans" in doc:  # build --report json
    assert doc["version"] == 2 and doc["diagnostics"] == []
    for k in ("built", "fresh", "failed", "seconds", "max_worker_rss_kib"):
        assert isinstance(doc[k], (int, float)), k
    assert all(isinstance(p["pages"], int) for p in doc["plans"])
    got = [d for p in doc["plans"] for d in p["diagnostics"]]
else:
    got = doc["diagnostics"]
key = lambda d: (d["file"], d["line"] or 0, d["column"] or 0, d["detail"])
assert sorted(got, key=key) == sorted(check, key=key), (got, check)
EOF
}
(cd "$work" && "$plangen" build b --check-only --diagnostics-format json >build.json 2>build.err); rc=$?
[ $rc -eq 1 ] && ok || bad "build --check-only --diagnostics-format json: exit $rc"
build_same "$work/build.json" "build --diagnostics-format json"
if grep -q ': error: \|: warning: ' "$work/build.err"; then bad "build --diagnostics-format json printed human lines"; else ok; fi
(cd "$work" && "$plangen" build b -o pdfs --report json --diagnostics-format json >report1.json 2>/dev/null)
build_same "$work/report1.json" "build --report json --diagnostics-format json"
# the second build replays the plans from the cache: the same objects (fixable too)
(cd "$work" && "$plangen" build b -o pdfs --report json >report2.json 2>report2.err)
contains "$work/report2.err" "build: 0 built, 5 up to date, 2 failed" "a build replayed from the cache"
build_same "$work/report2.json" "build --report json, from the cache"
(cd "$work" && "$plangen" build b -o pdfs --diagnostics-format sarif >build.sarif 2>/dev/null)
if python3 - tests/sarif/sarif-schema-2.1.0.json "$work/build.sarif" "$work/check.json" <<'EOF'; then ok; else bad "build's SARIF log is not valid, or lacks a result"; fi
import json, sys, jsonschema
log = json.load(open(sys.argv[2], encoding="utf-8"))
jsonschema.validate(log, json.load(open(sys.argv[1])), cls=jsonschema.Draft4Validator)
n = len(json.load(open(sys.argv[3], encoding="utf-8"))["diagnostics"])
assert len(log["runs"][0]["results"]) == n, (len(log["runs"][0]["results"]), n)
EOF

# ---- (d) render: the document on stdout, the PDF written ------------------------
cp tests/bad/lint-no-archive.xml "$work/r.xml"
expect_rc 0 "render --diagnostics-format json" -- "$plangen" render --diagnostics-format json "$work/r.xml" -o "$work/r.pdf"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnostics"]; assert [x["rule"] for x in d] == ["hd36.pl1.9.archive"], d' \
    "$work/out" && [ -s "$work/r.pdf" ] && ok || bad "render --diagnostics-format json: $(cat "$work/out")"
expect_rc 1 "render --diagnostics-format json, a bad plan" -- "$plangen" render --diagnostics-format json tests/bad/unknown-element.xml -o "$work/u.pdf"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["diagnostics"]; assert [x["code"] for x in d] == ["unknown-element"], d' \
    "$work/out" && [ ! -e "$work/u.pdf" ] && ok || bad "render of a bad plan: $(cat "$work/out")"

# ---- (e) usage errors -----------------------------------------------------------
expect_rc 2 "a wrong --diagnostics-format" -- "$plangen" check --diagnostics-format xml tests/bad/unknown-element.xml
contains "$work/err" 'plangen: --diagnostics-format takes human (the default), json or sarif, not "xml"' "a wrong --diagnostics-format"
[ ! -s "$work/out" ] && ok || bad "a usage error wrote to standard output"
expect_rc 2 "--diagnostics-format without a value" -- "$plangen" check tests/bad/unknown-element.xml --diagnostics-format
expect_rc 2 "render -o - --diagnostics-format json" -- "$plangen" render --diagnostics-format json -o - "$work/r.xml"
contains "$work/err" "where -o - writes the PDF" "render -o - --diagnostics-format json"
expect_rc 2 "build --report json --diagnostics-format sarif" -- "$plangen" build "$work/b" --check-only --report json --diagnostics-format sarif
contains "$work/err" "both write to standard output" "build --report json --diagnostics-format sarif"
expect_rc 2 "dump --diagnostics-format" -- "$plangen" dump --stage=parse --diagnostics-format json "$work/r.xml"
contains "$work/err" "plangen: --diagnostics-format belongs to check, render and build, not to dump" "dump --diagnostics-format"
expect_rc 2 "watch --diagnostics-format" -- "$plangen" watch --diagnostics-format json "$work/r.xml"

finish diagnostics_format
