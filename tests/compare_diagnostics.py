#!/usr/bin/env python3
"""compare_diagnostics.py A B [--plans N] [--seed S] - two plangen programs
must find the same things: each of N plans, mutated at random from the plans
of plans/ and tests/ (an element or attribute dropped, doubled, renamed,
moved, emptied or given another value; text where none belongs; an unknown
element or attribute; elements swapped), is checked by both (`plangen check`)
and their exit status, standard output and diagnostics must be the same. For a
change that must lose no finding: the RELAX NG schema's (issue #19), which
plangen reports only when its own checks found nothing.
Exit status 1 with the first differences, else 0 with a summary of what the
mutants gave (how many passed, how many each code of diagnostic)."""
import argparse
import collections
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "urn:plangen:plan:1"
ET.register_namespace("", NS)
JUNK = ["", " ", "x", "0", "-1", "99999999", "2023-02-30", "abc def", "Đ", "true", "1*", "0mm",
        "../../etc/passwd", "a" * 300, "\u00a0", "yes", "no", "center", "party", "1.5"]


def mutate(rng, root):
    elems = list(root.iter())
    if len(elems) < 2:
        return "none"
    e = rng.choice(elems[1:])
    parent = next(p for p in root.iter() if e in list(p))
    kids = list(parent)
    kind = rng.choice(["drop", "double", "rename", "move", "empty", "attr_drop", "attr_value",
                       "attr_unknown", "attr_rename", "text", "unknown", "swap", "tail_text",
                       "attr_copy"])
    i = kids.index(e)
    if kind == "drop":
        parent.remove(e)
    elif kind == "double":
        import copy
        parent.insert(i, copy.deepcopy(e))
    elif kind == "rename":
        other = rng.choice(elems[1:])
        e.tag = other.tag if rng.random() < 0.8 else "{%s}%s" % (NS, rng.choice(["p", "x", "item", "cell", "b"]))
    elif kind == "move":
        parent.remove(e)
        target = rng.choice([x for x in root.iter()])
        target.insert(rng.randint(0, len(list(target))), e)
    elif kind == "empty":
        e.text = None
        for c in list(e):
            e.remove(c)
    elif kind == "attr_drop" and e.attrib:
        del e.attrib[rng.choice(list(e.attrib))]
    elif kind == "attr_value" and e.attrib:
        e.set(rng.choice(list(e.attrib)), rng.choice(JUNK))
    elif kind == "attr_unknown":
        e.set(rng.choice(["bogus", "style", "width", "name", "level", "id", "ref", "from"]), rng.choice(JUNK))
    elif kind == "attr_rename" and e.attrib:
        k = rng.choice(list(e.attrib))
        v = e.attrib.pop(k)
        e.set(k + "x", v)
    elif kind == "text":
        e.text = (e.text or "") + rng.choice(JUNK[1:])
    elif kind == "unknown":
        e.insert(rng.randint(0, len(list(e))), ET.Element("{%s}%s" % (NS, rng.choice(["foo", "p", "section", "note"]))))
    elif kind == "swap" and len(kids) > 1:
        j = rng.randrange(len(kids))
        kids[i], kids[j] = kids[j], kids[i]
        for c in list(parent):
            parent.remove(c)
        for c in kids:
            parent.append(c)
    elif kind == "tail_text":
        e.tail = (e.tail or "") + rng.choice(JUNK[1:])
    elif kind == "attr_copy":
        other = rng.choice(elems)
        for k, v in other.attrib.items():
            e.set(k, v)
    return kind


def seeds(root_dir):
    out = []
    for top in ("plans", "tests"):
        for d, _, files in os.walk(os.path.join(root_dir, top)):
            for f in files:
                if f.endswith(".xml") and not f.startswith("_"):
                    p = os.path.join(d, f)
                    try:
                        t = ET.parse(p)
                    except ET.ParseError:
                        continue
                    if t.getroot().tag == "{%s}plan" % NS:
                        out.append(p)
    return sorted(out)


def run(prog, path, env):
    p = subprocess.run([prog, "check", path], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    o = ap.parse_args()
    rng = random.Random(o.seed)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(repo)
    base = seeds(".")
    env = dict(os.environ, PLANGEN_TODAY="2024-01-01", LANG="C")
    codes = collections.Counter()
    passed = differ = 0
    with tempfile.TemporaryDirectory(dir=".") as tmp:
        for n in range(o.plans):
            src = rng.choice(base)
            tree = ET.parse(src)
            kinds = [mutate(rng, tree.getroot()) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
            # beside its seed, so that its parents and images are found
            path = os.path.join(os.path.dirname(src), "_mut%s-%d.xml" % (os.getpid(), n))
            try:
                tree.write(path, encoding="UTF-8", xml_declaration=True)
                ra, rb = run(o.a, path, env), run(o.b, path, env)
            finally:
                os.unlink(path)
            if ra != rb:
                differ += 1
                if differ <= 5:
                    print("DIFFERENT on a mutant of %s (%s):" % (src, ", ".join(kinds)))
                    print("  A: exit %d\n%s%s" % (ra[0], ra[1], ra[2]))
                    print("  B: exit %d\n%s%s" % (rb[0], rb[1], rb[2]))
                continue
            if ra[0] == 0:
                passed += 1
            for line in ra[2].splitlines():
                m = re.match(r".*?:\d+:\d+: (error|warning): ([^:]+)", line)
                if m:
                    codes[m.group(2)] += 1
    print("%d mutants: %d differ; %d passed both, %d failed both" % (o.plans, differ, passed, o.plans - passed - differ))
    print("findings: " + "; ".join("%s %d" % kv for kv in codes.most_common()))
    return 1 if differ else 0


sys.exit(main())
