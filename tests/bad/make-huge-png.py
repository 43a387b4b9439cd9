#!/usr/bin/env python3
"""Writes tests/bad/huge.png: a valid PNG of 20000 x 20000 black pixels (1-bit
grey) in about 50 KB, 1.6 GB once decoded to cairo's 4 bytes a pixel. The
image limits must refuse it from its header, before decoding.
Run from the repository root: python3 tests/bad/make-huge-png.py"""
import struct
import zlib

W = H = 20000


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


row = b"\0" * (1 + (W + 7) // 8)  # filter byte, then W bits
z = zlib.compressobj(9)
idat = b"".join(z.compress(row) for _ in range(H)) + z.flush()
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 1, 0, 0, 0, 0))
       + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
with open("tests/bad/huge.png", "wb") as f:
    f.write(png)
