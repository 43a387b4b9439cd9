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
