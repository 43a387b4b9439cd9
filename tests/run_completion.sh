#!/bin/sh
# The shell completions of docs/completion/ (issue #18), driven as the shells
# drive them:
#   bash: docs/completion/plangen.bash sourced in 'bash -c', _plangen called
#         with COMP_WORDS and COMP_CWORD set as bash sets them;
#   zsh:  docs/completion/_plangen through compinit in an interactive zsh on a
#         pseudo-terminal (zsh/zpty), TAB bound to a completion widget that
#         writes every match offered to a file.
# Both must offer: the commands of 'plangen --help' and nothing else; for each
# command, every option its --help lists (and those of every command, for the
# commands of the main parser) and none that plangen does not print; style
# names from the data folder (--data-dir, $PLANGEN_DATADIR, the default); and
# files filtered by what an argument takes. The option check is shown failing
# on a copy of the bash completion that lacks an option, and on one that offers
# an option plangen does not have.
# Run from the repository root:  tests/run_completion.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"
root=$(pwd)
commands="render watch check dump diff derive new build import sign verify fonts serve user"
# the commands that share plangen's main option parser (and its common options)
main_parser=" render watch check dump diff derive new build import fonts "

# --- what plangen's help texts say --------------------------------------------------
# options WORDS: the options named in a text on standard input (a word starting
# with - or -- after a blank, a quote, a bracket, a bar or a parenthesis)
options() {
    grep -oE "(^|[][ (|'\"])--?[a-zA-Z][a-zA-Z0-9-]*" | sed -E "s/^[][ (|'\"]//" | sort -u
}
# listed COMMAND: the options a command's help lists as its own: those of its
# usage lines, and those that open an option line (up to the description)
listed() {
    "$plangen" "$1" --help > "$work/help"
    { sed -n '1,/^$/p' "$work/help"
      sed -n 's/^ \{1,\}\(-.*\)$/\1/p' "$work/help" | sed 's/   *.*//'; } | options
}
# named COMMAND: every option a command's help names anywhere
named() { "$plangen" "$1" --help | options; }
"$plangen" --help > "$work/main-help"
sed -n '/^options for every command:/,/^$/p' "$work/main-help" | options > "$work/common"
sed -n '/^commands:/,/^$/p' "$work/main-help" | sed -n 's/^  \([a-z]\{1,\}\).*/\1/p' | sort -u \
    > "$work/commands"
# shellcheck disable=SC2086 # the words of $commands
if [ "$(tr '\n' ' ' < "$work/commands")" = "$(printf '%s\n' $commands | sort | tr '\n' ' ')" ]; then
    ok
else
    bad "the commands of plangen --help are not those this test knows: $(cat "$work/commands")"
fi
for c in $commands; do
    listed "$c" > "$work/listed.$c"
    { named "$c"; case $main_parser in *" $c "*) cat "$work/common" ;; esac; echo -h; echo --help; } |
        sort -u > "$work/allowed.$c"
    case $main_parser in *" $c "*) cat "$work/common" >> "$work/listed.$c" ;; esac
    sort -u -o "$work/listed.$c" "$work/listed.$c"
done
if grep -qx -- --seal-diameter "$work/listed.render" && grep -qx -- --max-text "$work/listed.check" &&
   grep -qx -- --password-stdin "$work/listed.user" && ! grep -qx -- --users "$work/listed.user"; then
    ok
else
    bad "the options of the help texts were not read: render: $(cat "$work/listed.render")"
fi

# --- files to complete --------------------------------------------------------------
mkdir -p "$work/files/sub" "$work/data/templates/styles"
for f in plan.xml plan.pdf old.docx old.odt old.fodt old.txt old.md key.p12 key.pfx seal.png \
         ca.pem notes.rtf; do
    : > "$work/files/$f"
done
: > "$work/data/templates/styles/house.xml"
: > "$work/data/templates/styles/huyen-uy.xml"

# same WHAT EXPECTED GOT: GOT (one word a line) holds exactly the words of EXPECTED
same() {
    # shellcheck disable=SC2086 # the words of $2
    want=$(printf '%s\n' $2 | sort -u | tr '\n' ' ')
    got=$(sort -u < "$3" | tr '\n' ' ')
    if [ "$want" = "$got" ]; then ok; else bad "$1: offered '$got', expected '$want'"; fi
}
# has WHAT EXPECTED GOT: GOT holds every word of EXPECTED
has() {
    for w in $2; do
        if grep -qx -- "$w" "$3"; then ok; else bad "$1: '$w' not offered: $(tr '\n' ' ' < "$3")"; fi
    done
}
# option_gaps COMMAND GOT: the options COMMAND's help lists that GOT lacks, in
# $work/missing, and those GOT offers that its help does not name, in $work/extra
option_gaps() {
    grep -x -- '-.*' "$2" | sort -u > "$work/offered"
    comm -23 "$work/listed.$1" "$work/offered" > "$work/missing"
    comm -13 "$work/allowed.$1" "$work/offered" > "$work/extra"
}
# options_of SHELL COMMAND GOT: GOT holds every option COMMAND's help lists and
# none that its help does not name
options_of() {
    option_gaps "$2" "$3"
    if [ -s "$work/missing" ]; then
        bad "$1: plangen $2 -<TAB> lacks $(tr '\n' ' ' < "$work/missing")"
    else
        ok
    fi
    if [ -s "$work/extra" ]; then
        bad "$1: plangen $2 -<TAB> offers $(tr '\n' ' ' < "$work/extra"), which plangen $2 --help does not name"
    else
        ok
    fi
}

# --- bash -----------------------------------------------------------------------------
# bash_complete OUT WORD...: the words bash would offer for the command line
# WORD... (the last WORD being completed), one a line, in OUT
bash_complete() {
    out=$1
    shift
    (cd "$work/files" && bash -c '
        . "$1/docs/completion/plangen.bash"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _plangen
        printf "%s\n" "${COMPREPLY[@]}"' bash "$root" "$@") | sed '/^$/d' > "$out"
}
b=$work/bash
bash_complete "$b" "$plangen" ren
same "bash: plangen ren" "render" "$b"
bash_complete "$b" "$plangen" render --st
same "bash: plangen render --st" "--style --strict" "$b"
bash_complete "$b" "$plangen" render --style ""
has "bash: plangen render --style" "party state party-dot" "$b"
# the data folder as --version names it, under a Vietnamese locale too
LANG=vi_VN.UTF-8 bash_complete "$b" "$plangen" render --style ""
has "bash: plangen render --style, LANG=vi_VN.UTF-8" "party state party-dot" "$b"
bash_complete "$b" "$plangen" ""
same "bash: plangen <TAB>" "$commands" "$b"
bash_complete "$b" "$plangen" new --style ""
same "bash: plangen new --style" "party state" "$b"
bash_complete "$b" "$plangen" dump --stage = ""
same "bash: plangen dump --stage=" "parse resolve number layout" "$b"
bash_complete "$b" "$plangen" render --format ""
same "bash: plangen render --format" "pdf docx odt" "$b"
bash_complete "$b" "$plangen" --data-dir "$work/data" render --style ""
same "bash: --data-dir DIR ... --style" "house huyen-uy" "$b"
bash_complete "$b" "$plangen" --data-dir = "$work/data" check --style h
same "bash: --data-dir=DIR ... --style h" "house huyen-uy" "$b"
PLANGEN_DATADIR=$work/data bash_complete "$b" "$plangen" fonts --style ""
same "bash: PLANGEN_DATADIR ... --style" "house huyen-uy" "$b"
bash_complete "$b" "$plangen" render ""
same "bash: plangen render <TAB>" "plan.xml sub" "$b"
bash_complete "$b" "$plangen" render p
same "bash: plangen render p<TAB>" "plan.xml" "$b"
bash_complete "$b" "$plangen" sign ""
same "bash: plangen sign <TAB>" "plan.pdf sub" "$b"
bash_complete "$b" "$plangen" verify ""
same "bash: plangen verify <TAB>" "plan.pdf sub" "$b"
bash_complete "$b" "$plangen" sign plan.pdf -o x.pdf --p12 ""
same "bash: --p12" "key.p12 key.pfx sub" "$b"
bash_complete "$b" "$plangen" import ""
same "bash: plangen import <TAB>" "old.docx old.odt old.fodt old.txt old.md sub" "$b"
bash_complete "$b" "$plangen" render plan.xml --signature-image ""
same "bash: --signature-image" "seal.png sub" "$b"
bash_complete "$b" "$plangen" render plan.xml --seal ""
same "bash: --seal" "seal.png sub" "$b"
bash_complete "$b" "$plangen" verify plan.pdf --ca ""
same "bash: --ca" "ca.pem sub" "$b"
bash_complete "$b" "$plangen" build ""
same "bash: plangen build <TAB>" "sub" "$b"
bash_complete "$b" "$plangen" user ""
same "bash: plangen user <TAB>" "add list remove" "$b"
for c in $commands; do
    bash_complete "$b" "$plangen" "$c" -
    options_of bash "$c" "$b"
done
# the check fails when the completion falls behind: a copy of it without
# render's --seal-diameter, and one offering verify an option plangen lacks
mkdir -p "$work/mut/docs/completion"
sed '/^    render | watch) echo/s/ --seal-diameter / /; /^    verify) echo/s/--ca /--ca --bogus /' \
    docs/completion/plangen.bash > "$work/mut/docs/completion/plangen.bash"
root_kept=$root
root=$work/mut
bash_complete "$b" "$plangen" render -
option_gaps render "$b"
if [ "$(cat "$work/missing")" = --seal-diameter ]; then ok; else bad "a completion without --seal-diameter passed: $(cat "$work/missing")"; fi
bash_complete "$b" "$plangen" verify -
option_gaps verify "$b"
if [ "$(cat "$work/extra")" = --bogus ]; then ok; else bad "a completion offering --bogus passed: $(cat "$work/extra")"; fi
root=$root_kept

# --- zsh ------------------------------------------------------------------------------
if ! command -v zsh >/dev/null 2>&1; then
    echo "zsh is not installed: the zsh completion is not tested"
    finish completion
    exit
fi
cat > "$work/drive.zsh" <<'EOF'
# drive.zsh COMPDIR HITS LINE...: completes each LINE in an interactive zsh on a
# pseudo-terminal; the matches offered for the Nth go to HITS.N, one a line
compdir=$1 hits=$2
shift 2
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PS1=''; PROMPT_EOL_MARK=''; fpath=($compdir \$fpath); autoload -U compinit; compinit -u -D"
# every match added for real (not the -O/-A/-D look-ups of _describe and
# friends) is written to the file
zpty -w z "compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; local -a __h; builtin compadd -A __h \"\$@\"; local r=\$?; (( \$#__h )) && print -rl -- \$__h >> \$HITS; builtin compadd \"\$@\"; return r }"
zpty -w z "_t() { _main_complete; print -r -- --end-- >> \$HITS }; zle -C t complete-word _t; bindkey '^I' t"
zpty -w z "zstyle ':completion:*' menu no; LISTMAX=100000"
n=0
for line in "$@"; do
  n=$((n + 1))
  zpty -w z "HITS=$hits.$n"
  zpty -w -n z "$line"$'\t'
  for i in {1..400}; do
    # read what zsh prints (the listings), or it blocks on a full terminal
    while zpty -r -t z chunk; do :; done
    grep -q -- '^--end--$' $hits.$n 2>/dev/null && break
    sleep 0.05
  done
  zpty -w -n z $'\C-e\C-u'
  while zpty -r -t z chunk; do :; done
done
zpty -d z
EOF
# the lines to complete, and what each must offer
: > "$work/zlines"
zline() { printf '%s\n' "$1" >> "$work/zlines"; }
zline "plangen ren"
zline "plangen render --st"
zline "plangen render --style "
zline "plangen "
zline "plangen dump --stage="
zline "plangen --data-dir=$work/data render --style "
zline "plangen render "
zline "plangen sign "
zline "plangen import "
zline "plangen sign plan.pdf --p12 "
zline "plangen render --seal "
zline "plangen verify --ca "
zline "plangen new --style "
for c in $commands; do zline "plangen $c -"; done
(
    cd "$work/files" || exit 1
    PATH=$(dirname "$plangen"):$PATH
    export PATH
    IFS='
'
    # each line of zlines one argument
    # shellcheck disable=SC2046
    zsh -f "$work/drive.zsh" "$root/docs/completion" "$work/z" $(cat "$work/zlines")
) || bad "zsh: the driver failed"
z() { grep -vx -- --end-- "$work/z.$1" > "$work/zgot" 2>/dev/null; echo "$work/zgot"; }
zdone() { if grep -qx -- --end-- "$work/z.$1" 2>/dev/null; then ok; else bad "zsh: line $1 was not completed"; fi; }
n=0
while IFS= read -r _; do n=$((n + 1)); zdone $n; done < "$work/zlines"
same "zsh: plangen ren" "render" "$(z 1)"
same "zsh: plangen render --st" "--style --strict" "$(z 2)"
has "zsh: plangen render --style" "party state party-dot" "$(z 3)"
same "zsh: plangen <TAB>" "$commands" "$(z 4)"
same "zsh: plangen dump --stage=" "parse resolve number layout" "$(z 5)"
has "zsh: --data-dir=DIR ... --style" "house huyen-uy" "$(z 6)"
if grep -qx party "$(z 6)"; then bad "zsh: --data-dir=DIR: the installed styles offered"; else ok; fi
same "zsh: plangen render <TAB>" "plan.xml sub" "$(z 7)"
same "zsh: plangen sign <TAB>" "plan.pdf sub" "$(z 8)"
same "zsh: plangen import <TAB>" "old.docx old.odt old.fodt old.txt old.md sub" "$(z 9)"
same "zsh: --p12" "key.p12 key.pfx sub" "$(z 10)"
same "zsh: --seal" "seal.png sub" "$(z 11)"
same "zsh: --ca" "ca.pem sub" "$(z 12)"
same "zsh: plangen new --style" "party state" "$(z 13)"
n=13
for c in $commands; do
    n=$((n + 1))
    options_of zsh "$c" "$(z $n)"
done

finish completion
