#!/bin/sh
# `plangen serve` and `plangen user` on the command line: help, refusing a
# non-loopback address without accounts, the one line printed once listening,
# a clean stop on SIGTERM, and the server's language: Vietnamese whatever LANG
# says (ctest runs this under LANG=C.UTF-8), English with --lang en. Run from
# the repository root:
#   tests/serve/run_serve_cli.sh PLANGEN
plangen=$1
. "$(dirname "$0")/../lib.sh"

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; fi; }

# the clerks' tool speaks Vietnamese unless told --lang en
expect_rc 0 "serve --help" -- "$plangen" serve --help
contains "$work/out" "^cách dùng: plangen serve" "serve --help, in Vietnamese under LANG=C.UTF-8"
contains "$work/out" "--lang vi|en" "serve --help"
contains "$work/out" "mã thoát" "serve --help"
expect_rc 0 "serve --lang en --help" -- "$plangen" serve --lang en --help
contains "$work/out" "usage: plangen serve" "serve --lang en --help"
contains "$work/out" "--listen ADDR:PORT" "serve --lang en --help"
contains "$work/out" "--users FILE" "serve --lang en --help"
contains "$work/out" "exit status" "serve --lang en --help"
expect_rc 0 "--lang en serve --help" -- "$plangen" --lang en serve --help
contains "$work/out" "usage: plangen serve" "--lang en before serve"
expect_rc 0 "user --help" -- "$plangen" user --help
contains "$work/out" "usage: plangen user add FILE NAME FOLDER" "user --help"
expect_rc 0 "--help lists serve" -- "$plangen" --help
contains "$work/out" "serve \[PLANS_DIR\]" "--help lists serve"

# reachable from other machines without accounts: refused, saying how to make them
expect_rc 2 "0.0.0.0 without --users" -- "$plangen" serve plans --listen 0.0.0.0:0
contains "$work/err" "plangen user add" "0.0.0.0 without --users"
contains "$work/err" "máy khác" "0.0.0.0 without --users, said in Vietnamese"
expect_rc 2 "a bad --listen" -- "$plangen" serve plans --listen nowhere
expect_rc 2 "an unknown option" -- "$plangen" serve plans --bogus

# listening: one line with the port, then SIGTERM stops it with status 0
mkfifo "$work/fifo"
"$plangen" serve plans --listen 127.0.0.1:0 >"$work/fifo" 2>"$work/serve.err" &
pid=$!
read -r line <"$work/fifo"
case "$line" in
"plangen serve: http://127.0.0.1:"[0-9]*/) ok ;;
*) bad "the line printed once listening: '$line'" ;;
esac
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ]; then ok; else bad "SIGTERM: exit $rc"; cat "$work/serve.err"; fi

# the findings' details in the editor: a preview of a plan whose table row has
# one cell of two (a count of each, a fragment put into the message)
# preview LOCALE SERVE_ARGS...: the findings of that preview under LANG=LOCALE,
# one "message: hint" a line
preview() {
    locale=$1
    shift
    rm -f "$work/fifo2"
    mkfifo "$work/fifo2"
    env LANG="$locale" "$plangen" serve plans --listen 127.0.0.1:0 "$@" >"$work/fifo2" \
        2>"$work/serve2.err" &
    spid=$!
    read -r sline <"$work/fifo2"
    python3 - "${sline#plangen serve: }" tests/bad/table-cell-count.xml <<'PYEOF' >"$work/findings"
import json, sys, urllib.request
url, plan = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
csrf = json.load(opener.open(url + "api/session"))["csrf"]
req = urllib.request.Request(url + "api/preview?path=tra-vinh-duk-60-KH-2022.xml",
                             data=open(plan, "rb").read(), method="POST",
                             headers={"X-CSRF-Token": csrf, "Content-Type": "application/xml"})
for f in json.load(opener.open(req))["findings"]:
    print("%s: %s" % (f["message"], f["hint"]))
PYEOF
    kill -TERM "$spid"
    wait "$spid"
}
preview C.UTF-8
contains "$work/findings" "^giá trị không hợp lệ: hàng có 1 ô; bảng có 2 cột$" "a finding's detail from serve, in Vietnamese by default"
preview C.UTF-8 --lang en
contains "$work/findings" "^invalid value: the row has 1 cell; the table has 2 columns$" "a finding's detail from serve --lang en"
preview vi_VN.UTF-8 --lang en
contains "$work/findings" "^invalid value: the row has 1 cell" "serve --lang en wins over LANG=vi_VN.UTF-8"
finish serve_cli
