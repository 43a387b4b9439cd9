#!/usr/bin/env python3
"""Writes the PNGs of the image-limit cases of tests/bad/: a signature and an
IHDR claiming a size, no pixel data (a few dozen bytes). Each must be refused
from its header: were it decoded, the message would be "the PNG data is
damaged" instead of the limit's.
Run from the repository root: python3 tests/bad/make-header-pngs.py"""
import struct
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def header_only(path, w, h, depth, colour, palette=False):
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0))
    if palette:
        png += chunk(b"PLTE", b"\0\0\0\xff\xff\xff")
    with open(path, "wb") as f:
        f.write(png + chunk(b"IEND", b""))


header_only("tests/bad/header-60000.png", 60000, 60000, 8, 6)  # RGBA, 14.4 GB decoded
header_only("tests/bad/header-palette.png", 20000, 20000, 1, 3, True)  # 1-bit palette
header_only("tests/bad/header-6000.png", 6000, 6000, 1, 0)  # allowed alone: 144 MB decoded
