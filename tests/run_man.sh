#!/bin/sh
# The man pages of docs/man/ (issue #18): clean under mandoc's strictest useful
# lint, and complete against what the program knows, so that they cannot fall
# behind it:
#   (a) mandoc -Tlint -W style on each page prints nothing. STYLE is the lowest
#       level there is below base (which only checks OpenBSD/NetBSD base-system
#       conventions: RCS ids, .Os values, errno order), so it holds the pages to
#       everything mandoc checks: long text lines, a new sentence on a new line,
#       delimiters, macro order, Xr targets found. The pages are installed into
#       a man tree of the test's own (MANPATH) so that their references to each
#       other are checked; references to other packages' pages (EXTERNAL_XR) are
#       the only messages let through, since whether those packages are
#       installed depends on the machine, not on the pages.
#   (b) every element of templates/schema/plan.rng has an ".It Aq Ic NAME" entry
#       in plangen-plan.5, and each of its attributes an ".It ... Ic NAME" entry
#       inside that element's entry;
#   (c) every command has its line in the SYNOPSIS and its subsection
#       (.Ss COMMAND) in plangen.1; every option that 'plangen --help' prints is
#       in plangen.1, and every option that 'plangen COMMAND --help' prints is
#       an "Fl" in that command's subsection;
#   (d) every element, attribute and text role that generator/style.c accepts,
#       and every one the installed styles (templates/styles/*.xml) use, has its
#       entry in plangen-style.5 (attributes inside their element's entry, roles
#       under ROLES).
#   (e) every environment variable the code reads (getenv in generator/) has
#       an ".It Ev NAME" entry under ENVIRONMENT in plangen.1.
# Then each check is shown to fail on a copy of a page with one entry taken
# away (or, for the lint, one fault put in).
# Run from the repository root:  tests/run_man.sh PLANGEN
plangen=$1
. "$(dirname "$0")/lib.sh"
man=docs/man
EXTERNAL_XR="fc-match 1|pdfsig 1|qpdf 1"

# lint PAGE...: mandoc's messages on the pages, less the allowed external Xr
lint() {
    rm -rf "$work/tree" && mkdir -p "$work/tree/man1" "$work/tree/man5"
    cp "$man"/*.1 "$work/tree/man1/" && cp "$man"/*.5 "$work/tree/man5/"
    makewhatis "$work/tree" 2>&1
    for page in "$@"; do
        MANPATH="$work/tree" mandoc -Tlint -W style "$page" 2>&1
    done | grep -Ev "STYLE: referenced manual not found: Xr ($EXTERNAL_XR)\$"
}

# the option lists of plangen's help texts: "CMD OPTION..." lines, "-" for the
# main help; an option is a word starting with - or -- after a blank, a quote,
# a bracket, a bar or a parenthesis (so that "NĐ-CP" is none)
help_options() {
    # the commands as the main help lists them, so that a new one needs its page
    commands=$("$plangen" --help | sed -n '/^commands:/,/^$/p' |
        sed -n 's/^  \([a-z]\{1,\}\).*/\1/p' | sort -u)
    # shellcheck disable=SC2086 # the words of $commands
    for c in - $commands; do
        printf '%s ' "$c"
        if [ "$c" = - ]; then "$plangen" --help; else "$plangen" "$c" --help; fi |
            grep -oE "(^|[][ (|'\"])--?[a-zA-Z][a-zA-Z0-9-]*" | sed -E "s/^[][ (|'\"]//" |
            sort -u | tr '\n' ' '
        echo
    done
}

# check WHAT PLAN5 STYLE5 PLANGEN1 OPTIONS: the completeness checks; prints one
# line for each thing a page lacks
check() {
    python3 - "$@" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
what, plan5, style5, plangen1, options = sys.argv[1:6]
RNG = "{http://relaxng.org/ns/structure/1.0}"

def entries(path, section=None):
    """{element: set of attribute names} from ".It Aq Ic NAME" entries and the
    ".It ... Ic NAME" entries up to the next element entry, a .Ss or a .Sh."""
    found, current = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith((".Sh", ".Ss")):
            current = None
            continue
        if not line.startswith(".It"):
            continue
        names = re.findall(r"\bAq Ic ([\w-]+)", line)
        if names:
            current = names
            for n in names:
                found.setdefault(n, set())
            continue
        if current:
            for a in re.findall(r"(?<!Aq )\bIc ([\w-]+)", line):
                for n in current:
                    found[n].add(a)
    return found

def report(kind, page, wanted):
    """wanted: {element: set of attributes}"""
    have = entries(page)
    for el in sorted(wanted):
        if el not in have:
            print(f"{page}: {kind} element <{el}> has no '.It Aq Ic {el}' entry")
            continue
        for a in sorted(wanted[el] - have[el]):
            print(f"{page}: {kind} attribute {a}= of <{el}> has no '.It Ic {a}' entry in <{el}>'s entry")

def rng_elements(path):
    root = ET.parse(path).getroot()
    defines = {d.get("name"): d for d in root.iter(RNG + "define")}
    wanted = {}
    def attrs(node, seen):
        for c in node:
            if c.tag == RNG + "element":
                continue                      # a child element: its own entry
            if c.tag == RNG + "attribute":
                yield c.get("name")
            elif c.tag == RNG + "ref" and c.get("name") not in seen:
                yield from attrs(defines[c.get("name")], seen | {c.get("name")})
            else:
                yield from attrs(c, seen)
    for el in root.iter(RNG + "element"):
        wanted.setdefault(el.get("name"), set()).update(attrs(el, frozenset()))
    return wanted

def style_parser(path):
    """Elements, attributes and roles generator/style.c accepts."""
    src = open(path, encoding="utf-8").read()
    wanted, roles = {}, set(re.findall(r'\[PG_ROLE_\w+\] = "([\w-]+)"', src))
    arr = lambda text: re.findall(r'"([\w-]+)"', text)
    m = re.search(r'check_props\(&l, root', src)
    root_arr = re.findall(r'a\[\] = \{([^}]*)\}', src[:m.start()])[-1]
    wanted["style"] = set(arr(root_arr))
    m = re.search(r'static void apply_text.*?allowed\[\] = \{([^}]*)\}', src, re.S)
    wanted["text"] = set(arr(m.group(1)))
    body = src[src.index("static void apply(loader"):src.index("static void set_defaults")]
    blocks = re.split(r'is_el\(n, "([\w-]+)"\)', body)
    for name, block in zip(blocks[1::2], blocks[2::2]):
        s = wanted.setdefault(name, set())
        for a in re.findall(r'a\[\] = \{([^}]*)\}', block):
            s.update(arr(a))
        s.update(re.findall(r'prop\(l, n, "([\w-]+)"', block))
        for child in re.findall(r'is_el\(c, "([\w-]+)"\)', block):
            wanted.setdefault(child, set()).update(re.findall(r'prop\(l, c, "([\w-]+)"', block))
    return wanted, roles

def style_files(paths):
    wanted = {}
    for p in paths:
        for el in ET.parse(p).getroot().iter():
            name = el.tag.split("}")[-1]
            wanted.setdefault(name, set()).update(el.attrib)
    return wanted

def roles_in(page):
    have, on = set(), False
    for line in open(page, encoding="utf-8"):
        if line.startswith(".Sh"):
            on = line.split()[1:2] == ["ROLES"]
        elif on and line.startswith(".It Cm "):
            have.update(t for t in line.split()[2:] if t not in (",", "|"))
    return have

def fl_in(lines):
    return set(re.findall(r"\bFl (-?[\w-]+)", "\n".join(lines)))

if what == "plan":
    report("schema", plan5, rng_elements("templates/schema/plan.rng"))
elif what == "style":
    wanted, roles = style_parser("generator/style.c")
    report("style.c", style5, wanted)
    import glob
    report("templates/styles", style5, style_files(sorted(glob.glob("templates/styles/*.xml"))))
    for r in sorted(roles - roles_in(style5)):
        print(f"{style5}: role {r} has no '.It Cm {r}' entry under ROLES")
elif what == "environment":
    import glob
    names = set()
    for f in glob.glob("generator/*.c"):
        names.update(re.findall(r'getenv\("(\w+)"\)', open(f, encoding="utf-8").read()))
    have, on = set(), False
    for line in open(plangen1, encoding="utf-8"):
        if line.startswith(".Sh"):
            on = line.split()[1:2] == ["ENVIRONMENT"]
        elif on and line.startswith(".It Ev "):
            have.add(line.split()[2])
    if len(names) < 5:
        print(f"generator/: only {sorted(names)} read with getenv: the check reads the code wrong")
    for n in sorted(names - have):
        print(f"{plangen1}: the environment variable {n} (getenv in generator/) has no '.It Ev {n}' under ENVIRONMENT")
elif what == "options":
    lines = open(plangen1, encoding="utf-8").read().split("\n")
    sections, current = {}, None
    for line in lines:
        if line.startswith(".Sh"):
            current = None
        elif line.startswith(".Ss "):
            current = line[4:].strip()
            sections[current] = []
        elif current:
            sections[current].append(line)
    synopsis = "\n".join(lines[lines.index(".Sh SYNOPSIS"):lines.index(".Sh DESCRIPTION")])
    for spec in open(options, encoding="utf-8"):
        words = spec.split()
        if not words:
            continue
        cmd, opts = words[0], words[1:]
        if cmd != "-" and cmd not in sections:
            print(f"{plangen1}: the command {cmd} has no subsection '.Ss {cmd}'")
        if cmd != "-" and not re.search(rf"^\.Cm {cmd}$", synopsis, re.M):
            print(f"{plangen1}: the command {cmd} has no '.Cm {cmd}' line in the SYNOPSIS")
        have = fl_in(lines) if cmd == "-" else fl_in(sections.get(cmd, []))
        for o in opts:
            if o[1:] not in have:
                where = "plangen.1" if cmd == "-" else f"the subsection '.Ss {cmd}'"
                print(f"{plangen1}: option {o} of 'plangen {'' if cmd == '-' else cmd + ' '}--help' is not in {where}")
EOF
}

# --- the pages as they are ------------------------------------------------------
for p in plangen.1 plangen-plan.5 plangen-style.5; do
    if [ -f "$man/$p" ]; then ok; else bad "$man/$p is missing"; fi
done
if command -v mandoc >/dev/null 2>&1 && command -v makewhatis >/dev/null 2>&1; then
    lint "$man"/plangen.1 "$man"/plangen-plan.5 "$man"/plangen-style.5 > "$work/lint"
    if [ -s "$work/lint" ]; then bad "mandoc -Tlint -W style: $(cat "$work/lint")"; else ok; fi
else
    bad "mandoc is not installed (Debian package mandoc; sh .ci/setup installs it)"
fi
help_options > "$work/options"
if grep -q '^render .*--style' "$work/options" && grep -q '^sign .*--p12' "$work/options" &&
   [ "$(wc -l < "$work/options")" -ge 14 ]; then
    ok
else
    bad "the options of plangen's help texts were not read: $(cat "$work/options")"
fi
for what in plan style options environment; do
    check $what "$man/plangen-plan.5" "$man/plangen-style.5" "$man/plangen.1" "$work/options" > "$work/check"
    if [ -s "$work/check" ]; then bad "$what: $(cat "$work/check")"; else ok; fi
done

# --- each check fails when a page lacks something ---------------------------------
# drop PAGE PATTERN OUT: PAGE without its lines matching PATTERN
drop() { grep -v -- "$2" "$1" > "$3"; }
# expect_missing WHAT PLAN5 STYLE5 PLANGEN1 TEXT: the check complains, naming TEXT
expect_missing() {
    check "$1" "$2" "$3" "$4" "$work/options" > "$work/check"
    if grep -q -- "$5" "$work/check"; then ok; else bad "$1 check missed '$5': $(cat "$work/check")"; fi
}
drop "$man/plangen-plan.5" '^\.It Aq Ic deadline$' "$work/no-deadline.5"
expect_missing plan "$work/no-deadline.5" "$man/plangen-style.5" "$man/plangen.1" "element <deadline>"
drop "$man/plangen-plan.5" '^\.It Ic seal-diameter ' "$work/no-seal-diameter.5"
expect_missing plan "$work/no-seal-diameter.5" "$man/plangen-style.5" "$man/plangen.1" \
    "attribute seal-diameter= of <signature>"
drop "$man/plangen-style.5" '^\.It Ic mark-rise ' "$work/no-mark-rise.5"
expect_missing style "$man/plangen-plan.5" "$work/no-mark-rise.5" "$man/plangen.1" \
    "attribute mark-rise= of <footnotes>"
drop "$man/plangen-style.5" '^\.It Aq Ic page-number$' "$work/no-page-number.5"
expect_missing style "$man/plangen-plan.5" "$work/no-page-number.5" "$man/plangen.1" \
    "element <page-number>"
drop "$man/plangen-style.5" '^\.It Cm qr-caption$' "$work/no-role.5"
expect_missing style "$man/plangen-plan.5" "$work/no-role.5" "$man/plangen.1" "role qr-caption"
drop "$man/plangen.1" '^\.It Fl -seal-diameter ' "$work/no-seal-diameter.1"
expect_missing options "$man/plangen-plan.5" "$man/plangen-style.5" "$work/no-seal-diameter.1" \
    "option --seal-diameter of 'plangen render --help'"
drop "$man/plangen.1" '^\.It Fl -timeout ' "$work/no-timeout.1"
expect_missing options "$man/plangen-plan.5" "$man/plangen-style.5" "$work/no-timeout.1" \
    "option --timeout of 'plangen serve --help'"
sed 's/^\.Ss diff$/.Ss difference/' "$man/plangen.1" > "$work/no-diff.1"
expect_missing options "$man/plangen-plan.5" "$man/plangen-style.5" "$work/no-diff.1" \
    "the command diff has no subsection"
drop "$man/plangen.1" 'Fl -max-image-bytes' "$work/no-max.1"
expect_missing options "$man/plangen-plan.5" "$man/plangen-style.5" "$work/no-max.1" \
    "option --max-image-bytes of 'plangen --help'"
drop "$man/plangen.1" '^\.It Ev PLANGEN_PKCS11_MODULE$' "$work/no-env.1"
expect_missing environment "$man/plangen-plan.5" "$man/plangen-style.5" "$work/no-env.1" \
    "environment variable PLANGEN_PKCS11_MODULE"
if command -v mandoc >/dev/null 2>&1; then
    # a fault of each kind: a text line too long, a reference to a page that
    # does not exist, a sentence that does not start its own line
    { cat "$man/plangen.1"; printf '%s\n' ".Sh BUGS" \
        "$(printf 'word %.0s' $(seq 1 20))" "See" ".Xr plangen-nothing 5 ." \
        "One sentence. Another one."; } > "$work/faulty.1"
    lint "$work/faulty.1" > "$work/lint"
    for m in "input text line longer than 80" "referenced manual not found: Xr plangen-nothing 5" \
             "new sentence, new line"; do
        if grep -q "$m" "$work/lint"; then ok; else bad "lint missed '$m': $(cat "$work/lint")"; fi
    done
fi

finish man
