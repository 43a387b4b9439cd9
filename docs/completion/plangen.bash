# plangen.bash - bash completion for plangen: commands, each command's options,
# style names, and file names by what each argument takes (plans .xml, PDFs for
# sign and verify, .docx/.odt/.txt for import, .p12 for --p12, PNGs for the
# signature image and the seal).
#
# Installed as share/bash-completion/completions/plangen, where bash-completion
# loads it on first use; from a source tree:  . docs/completion/plangen.bash
# tests/run_completion.sh checks it against every command's --help.

# Options of the commands that share plangen's main option parser (cli.c).
# (--style and --strict too, but they are offered where they mean something.)
_plangen_common='--data-dir --root --max-size --max-depth --max-nodes --max-text
    --max-image-pixels --max-image-bytes --lang -h --help --version'

# _plangen_options COMMAND: the options COMMAND takes, one word each.
_plangen_options() {
    case $1 in
    # watch takes render's options but --diagnostics-format (it prints as it goes):
    # matched first, so that the line below serves render alone
    watch) echo "--style --strict -o --format --png --dpi --appendices --signature-image --seal --seal-diameter --no-pdfa $_plangen_common" ;;
    render | watch) echo "--style --strict -o --format --png --dpi --appendices --signature-image --seal --seal-diameter --no-pdfa --diagnostics-format $_plangen_common" ;;
    check) echo "--style --strict --fix --force --diagnostics-format $_plangen_common" ;;
    dump) echo "--style --stage --appendices $_plangen_common" ;;
    diff) echo "$_plangen_common" ;;
    import) echo "-o --force $_plangen_common" ;;
    fonts) echo "--style $_plangen_common" ;;
    derive) echo "--style --issuer --parent-body --symbol --date -o --force $_plangen_common" ;;
    new) echo "--style --from --set -o --force $_plangen_common" ;;
    build) echo "--style --strict -o -j --units --prune --check-only --junit --report --shard --no-pdfa --diagnostics-format $_plangen_common" ;;
    sign) echo "-o --p12 --pkcs11 --pkcs11-module --pass-fd --as --page --rect --reason --location --number --data-dir -h --help" ;;
    verify) echo "--ca -h --help" ;;
    serve) echo "--listen --users --log --proxy --data-dir --timeout --lang -h --help" ;;
    user) echo "--password-stdin -h --help" ;;
    esac
}

# _plangen_datadir WORDS...: the data folder plangen would use: --data-dir on
# the line, else $PLANGEN_DATADIR, else the one 'plangen --version' names.
_plangen_datadir() {
    local prev="" w
    for w in "$@"; do
        case $w in
        --data-dir=*) echo "${w#--data-dir=}"; return ;;
        =) continue ;; # bash's word for the = of --data-dir=DIR
        esac
        if [[ $prev == --data-dir ]]; then echo "$w"; return; fi
        prev=$w
    done
    if [[ -n ${PLANGEN_DATADIR-} ]]; then echo "$PLANGEN_DATADIR"; return; fi
    # "data folder: DIR (how)", as plangen --version says in English (its
    # words follow the language of messages)
    "${_plangen_cmd:-plangen}" --lang en --version 2>/dev/null |
        sed -n 's/^data folder: \(.*\) ([^()]*)$/\1/p' | head -n 1
}

# _plangen_styles CUR WORDS...: the installed style names starting with CUR.
_plangen_styles() {
    local cur=$1 dir f
    shift
    dir=$(_plangen_datadir "$@")
    [[ -n $dir && -d $dir/templates/styles ]] || return
    for f in "$dir"/templates/styles/*.xml; do
        [[ -e $f ]] || continue
        f=${f##*/}
        f=${f%.xml}
        [[ $f == "$cur"* ]] && COMPREPLY+=("$f")
    done
}

# _plangen_words WORDS CUR: the words of WORDS that start with CUR.
_plangen_words() {
    local w
    while IFS= read -r w; do COMPREPLY+=("$w"); done < <(compgen -W "$1" -- "$2")
}

# _plangen_files CUR EXT...: folders, and files ending in one of EXT (all files
# without EXT), starting with CUR.
_plangen_files() {
    local cur=$1 f e
    shift
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        COMPREPLY+=("$f")
    done < <(compgen -d -- "$cur")
    while IFS= read -r f; do
        [[ -d $f ]] && continue
        if (($# == 0)); then
            COMPREPLY+=("$f")
            continue
        fi
        for e in "$@"; do
            if [[ $f == *."$e" ]]; then
                COMPREPLY+=("$f")
                break
            fi
        done
    done < <(compgen -f -- "$cur")
}

_plangen_dirs() {
    local f
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$1")
}

# _plangen_value COMMAND OPTION CUR WORDS...: completes the value of OPTION;
# returns 1 when OPTION takes no value.
_plangen_value() {
    local cmd=$1 opt=$2 cur=$3
    shift 3
    case $opt in
    --style)
        if [[ $cmd == new ]]; then # the blank plans: party or state
            _plangen_words "party state" "$cur"
            return 0
        fi
        _plangen_styles "$cur" "$@"
        [[ $cur == */* ]] && _plangen_files "$cur" xml
        ;;
    --format) _plangen_words "pdf docx odt" "$cur" ;;
    --lang) _plangen_words "vi en" "$cur" ;;
    --appendices) _plangen_words "inline files" "$cur" ;;
    --stage) _plangen_words "parse resolve number layout" "$cur" ;;
    --report) _plangen_words "json" "$cur" ;;
    --diagnostics-format) _plangen_words "human json sarif" "$cur" ;;
    --as) _plangen_words "signer organisation" "$cur" ;;
    --data-dir | --root | --png) _plangen_dirs "$cur" ;;
    --from | --units) _plangen_files "$cur" xml ;;
    --junit) _plangen_files "$cur" xml ;;
    --signature-image | --seal) _plangen_files "$cur" png ;;
    --p12) _plangen_files "$cur" p12 pfx ;;
    --pkcs11-module) _plangen_files "$cur" so ;;
    --ca) _plangen_files "$cur" pem crt ;;
    --users | --log) _plangen_files "$cur" ;;
    -o)
        case $cmd in
        render | watch) _plangen_files "$cur" pdf docx odt ;;
        build) _plangen_dirs "$cur" ;;
        sign) _plangen_files "$cur" pdf ;;
        *) _plangen_files "$cur" xml ;;
        esac
        ;;
    # values typed by hand: numbers, names, dates, URIs, text
    --dpi | -j | --seal-diameter | --max-* | --issuer | --parent-body | --symbol | --date | \
        --set | --shard | --pkcs11 | --pass-fd | --page | --rect | --reason | --location | --number | \
        --listen | --timeout) ;;
    *) return 1 ;;
    esac
    return 0
}

_plangen() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" i w
    # the program as typed (build/generator/plangen...), for _plangen_datadir
    local _plangen_cmd=${COMP_WORDS[0]}
    COMPREPLY=()
    # the command: the first word that is not an option or an option's value
    # (bash splits --opt=value into "--opt" "=" "value")
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -* ]]; then
            if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
                i=$((i + 2))
            elif _plangen_takes_value "$w"; then
                i=$((i + 1))
            fi
            continue
        fi
        cmd=$w
        break
    done
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # the value of --opt=: cur is "=" right after it, or the value after "="
    if [[ $cur == = && $prev == -* ]]; then
        cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _plangen_words "$_plangen_common" "$cur"
        else
            _plangen_words "render watch check dump diff derive new build import sign verify
                fonts serve user" "$cur"
        fi
        return 0
    fi

    # --opt=value, when = is not a word break
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*}
        _plangen_value "$cmd" "$opt" "${cur#*=}" "${COMP_WORDS[@]}" || true
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=$opt=${COMPREPLY[i]}; done
        return 0
    fi
    # the value of the option before
    if [[ $prev == -* ]] && _plangen_takes_value "$prev"; then
        _plangen_value "$cmd" "$prev" "$cur" "${COMP_WORDS[@]}"
        return 0
    fi
    if [[ $cur == -* ]]; then
        _plangen_words "$(_plangen_options "$cmd")" "$cur"
        return 0
    fi
    # the arguments
    case $cmd in
    render | check | dump | diff | derive) _plangen_files "$cur" xml ;;
    build | serve) _plangen_dirs "$cur" ;;
    import) _plangen_files "$cur" docx odt fodt txt md ;;
    sign | verify) _plangen_files "$cur" pdf ;;
    user)
        # user add|list|remove FILE NAME FOLDER...
        local n=0
        for ((i = 2; i < COMP_CWORD; i++)); do
            [[ ${COMP_WORDS[i]} == -* ]] || n=$((n + 1))
        done
        case $n in
        0) _plangen_words "add list remove" "$cur" ;;
        1) _plangen_files "$cur" ;;
        2) ;;
        *) _plangen_dirs "$cur" ;;
        esac
        ;;
    esac
    return 0
}

# _plangen_takes_value OPTION: 0 when OPTION is followed by a value.
_plangen_takes_value() {
    case $1 in
    -o | -j | --format | --lang | --png | --dpi | --appendices | --style | --signature-image | --seal | --seal-diameter | \
        --stage | --data-dir | --root | --max-* | --set | --from | --units | --issuer | \
        --parent-body | --symbol | --date | --junit | --report | --diagnostics-format | --shard | \
        --p12 | --pkcs11 | \
        --pkcs11-module | --pass-fd | --as | --page | --rect | --reason | --location | --number | --ca | \
        --listen | --users | --log | --timeout)
        return 0
        ;;
    esac
    return 1
}

complete -F _plangen plangen
