#!/usr/bin/python3
"""Fills what `plangen import` left to fill in the header of an imported seed
with the values of the plan of plans/ made from the same seed (the seed texts
lack them: see the comments at the top of those plans), as a clerk would.

usage: fill_header.py IMPORTED.xml PLAN.xml  (IMPORTED.xml is rewritten)"""
import sys
import xml.etree.ElementTree as ET

NS = "urn:plangen:plan:1"
ET.register_namespace("", NS)


def q(name):
    return "{%s}%s" % (NS, name)


def main():
    imported, plan = ET.parse(sys.argv[1]), ET.parse(sys.argv[2])
    a, b = imported.getroot(), plan.getroot()
    a.set("style", b.get("style"))
    issuer = a.find(q("issuer"))
    if issuer.text and issuer.text.startswith("["):
        index = list(a).index(issuer)
        a.remove(issuer)
        a.insert(index, b.find(q("issuer")))
    if a.find(q("number")) is None and b.find(q("number")) is not None:
        a.insert(list(a).index(a.find(q("issuer"))) + 1, b.find(q("number")))
    for name in ("place", "date"):
        mine, theirs = a.find(q(name)), b.find(q(name))
        if mine.text.startswith("[") or mine.text != theirs.text and len(mine.text) == 7:
            mine.text = theirs.text
    imported.write(sys.argv[1], encoding="UTF-8", xml_declaration=True)


main()
