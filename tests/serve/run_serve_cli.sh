#!/bin/sh
# `plangen serve` and `plangen user` on the command line: help, refusing a
# non-loopback address without accounts, the one line printed once listening,
# and a clean stop on SIGTERM. Run from the repository root:
#   tests/serve/run_serve_cli.sh PLANGEN
plangen=$1
. "$(dirname "$0")/../lib.sh"

contains() { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in output"; fi; }

expect_rc 0 "serve --help" -- "$plangen" serve --help
contains "$work/out" "usage: plangen serve" "serve --help"
contains "$work/out" "--listen ADDR:PORT" "serve --help"
contains "$work/out" "--users FILE" "serve --help"
contains "$work/out" "exit status" "serve --help"
expect_rc 0 "user --help" -- "$plangen" user --help
contains "$work/out" "usage: plangen user add FILE NAME FOLDER" "user --help"
expect_rc 0 "--help lists serve" -- "$plangen" --help
contains "$work/out" "serve \[PLANS_DIR\]" "--help lists serve"

# reachable from other machines without accounts: refused, saying how to make them
expect_rc 2 "0.0.0.0 without --users" -- "$plangen" serve plans --listen 0.0.0.0:0
contains "$work/err" "plangen user add" "0.0.0.0 without --users"
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
finish serve_cli
