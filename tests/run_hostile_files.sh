#!/bin/sh
# Hostile files around the plans (issue #13, round 2): a cache that names files
# outside the output folder, FIFOs, devices and symbolic links where plangen
# reads, outputs that are inputs, links or devices, colliding names, control
# characters in file names, and the options and environment values out of
# range. Every step runs under a time bound: a read that blocks fails it.
# Run from the repository root:  tests/run_hostile_files.sh PLANGEN
plangen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"
root=$(pwd)
# contains FILE TEXT WHAT: FILE holds the line TEXT exactly
contains() { grep -qxF -- "$2" "$1" && ok || { bad "$3: no line \"$2\" in:"; cat "$1"; }; }
pg() { timeout 20 "$plangen" --data-dir "$root" "$@"; }

cd "$work"
cp -r "$root/plans" plans
plan=plans/tra-vinh-duk-60-KH-2022.xml
n=$(find plans -name '*.xml' | wc -l)

# ---- 2. --prune trusts no cache entry ----------------------------------------
pg build plans -o out 2>/dev/null || bad "first build"
for f in victim.txt outside-prefix.txt abs.txt; do echo keep > "$f"; done
mkdir -p out2 elsewhere && echo keep > out2/x.pdf && echo keep > elsewhere/v.pdf
ln -s "$work/elsewhere" out/sub
sha() { sha256sum "$1" | cut -d' ' -f1; }
# entries a hostile cache may hold: each was deleted by --prune
for e in out/../victim.txt outside-prefix.txt out2/x.pdf "$work/abs.txt"; do
    cp out/.plangen-cache cache.good
    printf 'output\t%s\t%s\t1\n' "$e" "$(sha "${e#out/../}")" >> out/.plangen-cache
    pg build plans -o out --prune 2>log; rc=$?
    [ $rc -eq 0 ] && ok || bad "a cache naming $e: exit $rc"
    grep -q "^out/.plangen-cache:$(wc -l < cache.good | awk '{print $1 + 1}'): warning: the build cache is damaged; ignored, every output is built again: the output is not a PDF inside the output folder$" log \
        && ok || { bad "a cache naming $e: no warning at its line"; cat log; }
    pg build plans -o out 2>/dev/null # a good cache again
done
for f in victim.txt outside-prefix.txt abs.txt out2/x.pdf; do
    [ "$(cat "$f" 2>/dev/null)" = keep ] && ok || bad "--prune deleted $f, outside the output folder"
done
# a PDF below OUT in form, but behind a link to a folder outside: kept
printf 'output\tout/sub/v.pdf\t%s\t1\n' "$(sha elsewhere/v.pdf)" >> out/.plangen-cache
pg build plans -o out --prune 2>log
[ "$(cat elsewhere/v.pdf 2>/dev/null)" = keep ] && ok || bad "--prune deleted a file through a link out of OUT"
# a PDF inside OUT that this build did not write (another hash): kept
echo mine > out/hand.pdf
printf 'output\tout/hand.pdf\t%s\t1\n' "$(printf x | sha256sum | cut -d' ' -f1)" >> out/.plangen-cache
pg build plans -o out --prune 2>log
[ "$(cat out/hand.pdf 2>/dev/null)" = mine ] && ok || bad "--prune deleted a file this build did not write"
# the outputs of gone plans still go
cp $plan plans/tam.xml; pg build plans -o out 2>/dev/null; rm plans/tam.xml
pg build plans -o out --prune 2>log
[ ! -e out/tam.pdf ] && grep -qx 'pruned out/tam.pdf' log && ok || { bad "--prune kept a gone plan's output"; cat log; }
# a cache cut short, a raw control character, a bad escape: ignored, reported
for damage in 'output\tout/a.pdf' 'output\tout/a\001.pdf\t0\t1\n' 'output\tout/a\\q.pdf\t0\t1\n'; do
    pg build plans -o out 2>/dev/null
    printf "$damage" >> out/.plangen-cache
    pg build plans -o out 2>log
    grep -q '^out/.plangen-cache:[0-9]*: warning: the build cache is damaged' log && [ "$(sed -n 's/^build: \([0-9]*\) built.*/\1/p' log)" -eq "$n" ] \
        && ok || { bad "a damaged cache ($damage) was not refused"; cat log; }
done
# a unit's name with a newline cannot write a line into the cache
mkdir -p u && cp -r "$root/templates" u/templates && cp -r "$root/plans" u/plans
unit() { printf '<unit name="%s"><param name="don_vi">CHI BỘ A</param><param name="ten_goi">Chi bộ A</param><param name="so">3</param><param name="ngay">2023-04-06</param><param name="bi_thu">A</param><param name="han_quan_triet">2023-04-27</param><param name="ghi_chu_quan_triet">trước ngày 27/4/2023</param><param name="han_bao_cao">2023-06-08</param><param name="ghi_chu_bao_cao">trước ngày 08/6/2023</param></unit>\n' "$1"; }
{ echo '<units template="templates/plans/sinh-hoat-chi-bo.xml">'; unit 'a&#10;output&#9;victim.txt&#9;x'; echo '</units>'; } > u/units.xml
(cd u && pg build --units units.xml -o uout 2>../log); rc=$?
[ $rc -eq 1 ] && ok || bad "a unit name with a newline: exit $rc"
contains log 'units.xml:2: error: invalid value: <unit name>: the name holds a control character (U+000A); it is the output'"'"'s file name: write it on one line, without control characters' "a unit name with a newline"
# two units of one name would write one PDF
{ echo '<units template="templates/plans/sinh-hoat-chi-bo.xml">'; unit a; unit b; unit a; echo '</units>'; } > u/units.xml
(cd u && pg build --units units.xml -o uout 2>../log); rc=$?
[ $rc -eq 1 ] && ok || bad "two units of one name: exit $rc"
contains log 'units.xml:4: error: invalid value: <unit name="a">: a unit of this name stands at line 2; each unit writes NAME.pdf: give each its own name' "two units of one name"
# a unit name of 251 bytes is an output name of 255: built (the temporary file's name is cut)
long=$(printf 'a%.0s' $(seq 251))
{ echo '<units template="templates/plans/sinh-hoat-chi-bo.xml">'; unit "$long"; echo '</units>'; } > u/units.xml
(cd u && pg build --units units.xml -o uout 2>../log); rc=$?
[ $rc -eq 0 ] && [ -s "u/uout/$long.pdf" ] && ok || { bad "a unit name of 251 bytes: exit $rc"; cat log; }

# ---- 3. special files never block, never grow a process, links stay inside ----
mkfifo fifo.xml fifo.png
cp $plan plans/p.xml
pg render fifo.xml -o f.pdf 2>log; rc=$?
[ $rc -eq 1 ] && ok || bad "a FIFO as the plan: exit $rc"
contains log 'fifo.xml: error: cannot read file: not a regular file but a FIFO' "a FIFO as the plan"
mkfifo plans/fifo-parent.xml
sed 's|<plan xmlns="urn:plangen:plan:1"|<plan xmlns="urn:plangen:plan:1" derives-from="fifo-parent.xml"|' $plan > plans/child.xml
pg render plans/child.xml -o c.pdf 2>log; rc=$?
[ $rc -eq 1 ] && grep -q 'child.xml:6:34: error: cannot read file: parent plan "fifo-parent.xml" is a device, pipe or socket, not a plan file' log && ok || { bad "a FIFO as the parent: exit $rc"; cat log; }
rm plans/child.xml plans/fifo-parent.xml
mkfifo plans/logo.png
sed 's|<p>Giúp cấp ủy|<image src="logo.png"/><p>Giúp cấp ủy|' $plan > plans/img.xml
grep -q 'logo.png' plans/img.xml || bad "the image plan has no image"
pg render plans/img.xml -o i.pdf 2>log; rc=$?
[ $rc -eq 1 ] && grep -q 'invalid value: image "logo.png" is not a PNG file' log && ok || { bad "a FIFO as the image: exit $rc"; cat log; }
rm plans/img.xml plans/logo.png
mkfifo style.xml
pg render $plan --style ./style.xml -o s.pdf 2>log; rc=$?
[ $rc -eq 1 ] && contains log './style.xml: error: invalid style: cannot read the style file: not a regular file but a FIFO' "a FIFO as the style" \
    || bad "a FIFO as the style: exit $rc"
# in a built folder: a FIFO plan, /dev/zero behind a link, two links to ".", a link out of it
mkdir -p b/sub outside && cp $plan b/p.xml && cp $plan outside/q.xml
mkfifo b/f.xml
ln -s /dev/zero b/z.xml
ln -s . b/l1; ln -s . b/l2; ln -s .. b/sub/up
ln -s "$work/outside" b/ext
ln -s "$work/outside/q.xml" b/q.xml
pg build b -o bout --report json >json 2>log; rc=$?
[ $rc -eq 1 ] && ok || bad "a built folder with special files: exit $rc"
contains log 'b/f.xml: error: cannot read file: not a regular file but a FIFO' "a FIFO in a built folder"
contains log 'b/z.xml: error: cannot read file: a symbolic link to outside the folder built; plangen builds only what lies inside it: put the plan itself there' "/dev/zero behind a link"
contains log 'b/ext: error: cannot read file: a symbolic link to outside the folder built; plangen builds only what lies inside it: put the folder itself there' "a folder link out of the tree"
contains log 'b/q.xml: error: cannot read file: a symbolic link to outside the folder built; plangen builds only what lies inside it: put the plan itself there' "a plan link out of the tree"
[ "$(grep -c '"plan":' json)" -eq 2 ] && [ -s bout/p.pdf ] && [ ! -e bout/ext ] && ok || { bad "links: $(grep -c '"plan":' json) plans, expected b/p.xml and b/f.xml"; cat json; }
# a units template that is a FIFO, or outside the plans root
{ echo '<units template="../fifo.xml">'; unit a; echo '</units>'; } > u/units.xml
(cd u && pg build --units units.xml -o uout --root .. 2>../log); rc=$?
[ $rc -eq 1 ] && contains log 'units.xml:1: error: cannot read file: cannot read the template "../fifo.xml": not a regular file but a FIFO' "a FIFO as the template" \
    || bad "a FIFO as the template: exit $rc"
{ echo '<units template="../../../../../../../../etc/hostname">'; unit a; echo '</units>'; } > u/units.xml
(cd u && pg build --units units.xml -o uout 2>../log); rc=$?
[ $rc -eq 1 ] && contains log 'units.xml:1: error: cannot read file: the template "../../../../../../../../etc/hostname" lies outside the plans root (--root, else the current folder); keep templates inside it' "a template outside the root" \
    || bad "a template outside the root: exit $rc"

pg new --from fifo.xml -o n.xml 2>log; rc=$?
[ $rc -eq 2 ] && contains log 'plangen: cannot read the template fifo.xml: not a regular file but a FIFO' "new --from a FIFO" \
    || bad "new --from a FIFO: exit $rc"

# ---- 7. outputs: never an input, a link or a device; names never collide -----
cp $plan p.xml; cp p.xml p.orig
pg render p.xml -o p.xml 2>log; rc=$?
[ $rc -eq 3 ] && cmp -s p.xml p.orig && ok || bad "render p.xml -o p.xml: exit $rc, plan changed?"
contains log 'p.xml: error: cannot write output: it is p.xml, which this render reads; choose another output' "-o the plan"
ln -s p.orig link.pdf
pg render p.xml -o link.pdf 2>log; rc=$?
[ $rc -eq 3 ] && [ -L link.pdf ] && cmp -s p.orig p.xml && ok || bad "-o a symbolic link: exit $rc"
contains log 'link.pdf: error: cannot write output: it is a symbolic link, not a regular file; plangen writes only regular files or new paths: choose another output' "-o a link"
mkfifo out.fifo
pg render p.xml -o out.fifo 2>log; rc=$?
[ $rc -eq 3 ] && [ -p out.fifo ] && ok || bad "-o a FIFO: exit $rc, still a FIFO?"
if [ "$(id -u)" -eq 0 ] && mknod null c 1 3 2>/dev/null; then
    pg render p.xml -o null 2>log; rc=$?
    [ $rc -eq 3 ] && [ -c null ] && ok || bad "-o a device (as root): exit $rc, still a device?"
    contains log 'null: error: cannot write output: it is a device, not a regular file; plangen writes only regular files or new paths: choose another output' "-o a device"
fi
mkdir -p a b2 o && cp p.xml a/k.xml && cp p.xml b2/k.xml
pg render a/k.xml b2/k.xml -o o/ 2>log; rc=$?
[ $rc -eq 2 ] && [ ! -e o/k.pdf ] && ok || bad "two plans of one name into one folder: exit $rc"
contains log 'plangen: a/k.xml and b2/k.xml would both be written to o//k.pdf; render them into separate folders (-o)' "two plans of one name"
pg derive p.xml --issuer "ĐẢNG ỦY X" -o p.xml --force 2>log; rc=$?
[ $rc -eq 2 ] && cmp -s p.xml p.orig && ok || bad "derive P -o P --force: exit $rc"
contains log 'plangen: -o p.xml is p.xml, which the child derives from; write the child to a file of its own' "derive P -o P"

# ---- 10. control characters in file names reach no report and no terminal -----
mkdir -p c
esc=$(printf '\033')
cp $plan "c/red${esc}[31m.xml"
printf '<plan>\n' > "c/bad$(printf '\001')name.xml"
pg build c -o cout --junit junit.xml --report json >json 2>log
xmllint --noout junit.xml && ok || bad "JUnit with control characters in names is not well-formed"
grep -q "$esc" log junit.xml json && bad "a raw escape character reached the log or a report" || ok
grep -qF 'c/red\x1b[31m.xml' junit.xml && grep -qF 'c/bad\x01name.xml:1:1: error: XML is not well formed' log && ok || { bad "names not escaped as \\xNN"; cat log; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' json && ok || bad "the JSON report is not valid"

# ---- 12. stale temporary files, numbers, dates, resolution --------------------
pg build plans -o out 2>/dev/null
touch out/tra-vinh-duk-60-KH-2022.pdf.tmp.Ab12Cd out/.plangen-cache.tmp.xY34zW \
      out/mine.txt.tmp.Ab12Cd out/tra-vinh-duk-60-KH-2022.pdf.tmp.short
pg build plans -o out 2>/dev/null
[ ! -e out/tra-vinh-duk-60-KH-2022.pdf.tmp.Ab12Cd ] && [ ! -e out/.plangen-cache.tmp.xY34zW ] \
    && ok || bad "stale temporary files of the build's outputs were left"
[ -e out/mine.txt.tmp.Ab12Cd ] && [ -e out/tra-vinh-duk-60-KH-2022.pdf.tmp.short ] \
    && ok || bad "files that are no temporary file of an output were removed"
for sh in 1/2x 1/99999999999 -1/2 ' 1/2' 0/2 1/; do
    pg build plans -o x --shard "$sh" 2>log; rc=$?
    [ $rc -eq 2 ] && ok || bad "--shard '$sh': exit $rc"
done
contains log 'plangen: --shard takes K/N, two whole numbers with 1 <= K <= N <= 100000, not "1/"' "--shard 1/"
pg build plans -o x -j 4294967297 2>/dev/null; [ $? -eq 2 ] && ok || bad "-j 4294967297 accepted"
pg check $plan --max-size 99999999999999999999 2>/dev/null; [ $? -eq 2 ] && ok || bad "--max-size overflow accepted"
SOURCE_DATE_EPOCH=253402300800 pg render $plan -o e.pdf 2>log; rc=$?
[ $rc -eq 2 ] && [ ! -e e.pdf ] && ok || bad "SOURCE_DATE_EPOCH past 9999: exit $rc"
contains log 'plangen: error: SOURCE_DATE_EPOCH="253402300800" lies past the year 9999; a PDF date has four digits of year: give at most 253402300799' "SOURCE_DATE_EPOCH past 9999"
SOURCE_DATE_EPOCH=253402300799 pg render $plan -o e.pdf 2>/dev/null && ok || bad "SOURCE_DATE_EPOCH at the end of 9999 refused"
for t in 2023-13-45 yesterday 2023-02-30 2023-1-1; do
    PLANGEN_TODAY=$t pg check $plan 2>log; rc=$?
    [ $rc -eq 2 ] && ok || bad "PLANGEN_TODAY=$t: exit $rc"
done
contains log 'plangen: error: PLANGEN_TODAY="2023-1-1" is not a date; give YYYY-MM-DD (a day that exists), or unset it for today' "PLANGEN_TODAY"
PLANGEN_TODAY=2024-01-01 pg check $plan 2>/dev/null && ok || bad "a good PLANGEN_TODAY refused"
long=$(printf 'b%.0s' $(seq 246))
pg render $plan -o "$long.pdf" 2>log && [ -s "$long.pdf" ] && ok || { bad "an output name of 250 bytes"; cat log; }
pg render $plan -o d.pdf --png png --dpi 1200 2>log; rc=$?
[ $rc -eq 2 ] && ok || bad "--dpi 1200: exit $rc"
contains log 'plangen: --dpi takes a number from 10 to 600 (PNG pages are for a look; the PDF is the document at any resolution)' "--dpi 1200"
pg derive $plan --issuer "ĐẢNG ỦY X" --date 9999-99-99 -o child.xml 2>log; rc=$?
[ $rc -eq 2 ] && [ ! -e child.xml ] && ok || bad "derive --date 9999-99-99: exit $rc"
contains log 'plangen: --date takes YYYY-MM-DD, a day that exists, not "9999-99-99"' "derive --date"

finish "hostile files"
