"""styles.py - what the DOCX tests read from plangen's style files."""
import os
import xml.etree.ElementTree as ET


def role_size(style_path, role):
    """The size (pt) of role in the style file, following extends=."""
    while style_path:
        root = ET.parse(style_path).getroot()
        for t in root.iter("{urn:plangen:style:1}text"):
            if t.get("role") == role and t.get("size"):
                return float(t.get("size"))
        base = root.get("extends")
        style_path = os.path.join(os.path.dirname(style_path), base + ".xml") if base else None
    return None


def _mm(value):
    if value.endswith("mm"):
        return float(value[:-2]) * 72 / 25.4
    if value.endswith("pt"):
        return float(value[:-2])
    if value.endswith("cm"):
        return float(value[:-2]) * 72 / 2.54
    raise ValueError("unknown length %r" % value)


def page_box(style_path):
    """The style's margins (pt): {"top", "bottom", "left", "right"}, following extends=."""
    while style_path:
        root = ET.parse(style_path).getroot()
        page = root.find("{urn:plangen:style:1}page")
        if page is not None and page.get("top"):
            return {k: _mm(page.get(k)) for k in ("top", "bottom", "left", "right")}
        base = root.get("extends")
        style_path = os.path.join(os.path.dirname(style_path), base + ".xml") if base else None
    return None


def appendix_restart(style_path):
    """Whether the style's page numbers start again in each appendix."""
    while style_path:
        root = ET.parse(style_path).getroot()
        a = root.find("{urn:plangen:style:1}appendix")
        if a is not None and a.get("restart-pages"):
            return a.get("restart-pages") == "yes"
        base = root.get("extends")
        style_path = os.path.join(os.path.dirname(style_path), base + ".xml") if base else None
    return False
