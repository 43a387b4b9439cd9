#!/usr/bin/env python3
"""make_pngs.py DIR [SEED] - PNG files of every kind cairo's reader met in
plangen (tests/run_png.sh): each colour type at each bit depth, palettes
with and without transparency, transparent colours, Adam7 interlacing, odd
sizes, sides at cairo's limit, ancillary chunks; and damaged ones (flipped
bytes, bad checksums, cut short, trailing junk). Deterministic for a seed."""
import os
import random
import struct
import sys
import zlib


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """samples: ints of depth bits each -> bytes"""
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = acc << depth | s
        n += depth
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def image(rng, w, h, ctype, depth):
    top = (1 << depth) - 1
    ch = CHANNELS[ctype]
    kind = rng.choice(["random", "flat", "gradient"])
    px = []
    for y in range(h):
        row = []
        for x in range(w):
            for c in range(ch):
                if kind == "random":
                    v = rng.randint(0, top)
                elif kind == "flat":
                    v = (top * (c + 1)) // (ch + 1)
                else:
                    v = (top * (x + y + c)) // max(1, w + h + ch)
                row.append(v)
        px.append(row)
    if ctype in (4, 6):  # some alpha extremes
        for y in range(h):
            for x in range(w):
                r = rng.random()
                if r < 0.2:
                    px[y][x * ch + ch - 1] = 0
                elif r < 0.5:
                    px[y][x * ch + ch - 1] = top
    return px


def encode(rng, w, h, ctype, depth, interlace, px, extra):
    ch = CHANNELS[ctype]
    raw = bytearray()
    bpp = max(1, ch * depth // 8)

    def rows_of(sub):
        out = bytearray()
        prev = None
        for r in sub:
            line = pack_row(r, depth)
            f = rng.randint(0, 4)
            fl = bytearray(line)
            if f == 1:
                fl = bytearray((line[i] - (line[i - bpp] if i >= bpp else 0)) & 255 for i in range(len(line)))
            elif f == 2 and prev is not None:
                fl = bytearray((line[i] - prev[i]) & 255 for i in range(len(line)))
            else:
                f = 0
            out.append(f)
            out += fl
            prev = line
        return out

    if not interlace:
        raw += rows_of(px)
    else:
        for (x0, y0, dx, dy) in ADAM7:
            sub = [[v for x in range(x0, w, dx) for v in px[y][x * ch:(x + 1) * ch]] for y in range(y0, h, dy)]
            sub = [r for r in sub if r]
            if sub:
                raw += rows_of(sub)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace))
    data += extra
    z = zlib.compress(bytes(raw), rng.choice([0, 1, 6, 9]))
    cut = rng.randint(1, max(1, len(z)))
    data += chunk(b"IDAT", z[:cut]) + (chunk(b"IDAT", z[cut:]) if cut < len(z) else b"")
    data += chunk(b"IEND", b"")
    return data


def one(rng):
    ctype = rng.choice([0, 2, 3, 4, 6])
    depth = rng.choice({0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]}[ctype])
    w, h = rng.choice([1, 2, 3, 7, 8, 9, 17, 33]), rng.choice([1, 2, 3, 5, 8, 13, 31])
    interlace = rng.random() < 0.3
    extra = b""
    if ctype == 3:
        n = rng.randint(1, 1 << depth)
        extra += chunk(b"PLTE", bytes(rng.randint(0, 255) for _ in range(3 * n)))
        if rng.random() < 0.5:
            extra += chunk(b"tRNS", bytes(rng.randint(0, 255) for _ in range(rng.randint(1, n))))
        px = [[rng.randint(0, n - 1) for _ in range(w)] for _ in range(h)]
    else:
        px = image(rng, w, h, ctype, depth)
        if ctype in (0, 2) and rng.random() < 0.4:
            top = (1 << depth) - 1
            if ctype == 0:
                key = px[0][0] if rng.random() < 0.7 else rng.randint(0, top)
                extra += chunk(b"tRNS", struct.pack(">H", key))
            else:
                key = px[0][:3] if rng.random() < 0.7 else [rng.randint(0, top) for _ in range(3)]
                extra += chunk(b"tRNS", struct.pack(">HHH", *key))
    if rng.random() < 0.3:
        extra = chunk(b"gAMA", struct.pack(">I", rng.choice([45455, 100000, 22000]))) + extra
    if rng.random() < 0.2:
        extra = chunk(b"sRGB", bytes([rng.randint(0, 3)])) + extra
    if rng.random() < 0.2:
        extra += chunk(b"tEXt", b"Comment\x00plangen")
    return encode(rng, w, h, ctype, depth, 1 if interlace else 0, px, extra)


def damage(rng, data):
    kind = rng.choice(["flip", "cut", "crc", "junk", "flip"])
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(8, len(b) - 1)
            b[i] ^= 1 << rng.randint(0, 7)
    elif kind == "cut":
        b = b[:rng.randint(8, len(b) - 1)]
    elif kind == "crc":
        i = len(b) - 12 - rng.randint(0, 20)
        b[max(i, 8)] ^= 0x55
    else:
        b += bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 40)))
    return bytes(b)


def main():
    out = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    os.makedirs(out, exist_ok=True)
    for i in range(400):
        data = one(rng)
        if i % 3 == 2:
            data = damage(rng, data)
        with open(os.path.join(out, "%03d.png" % i), "wb") as f:
            f.write(data)
    # sides about cairo's limit of 32767 pixels (over it cairo decodes, then
    # refuses the surface): grey, one bit a pixel, cheap to decode
    for w, h in ((32767, 2), (32768, 1), (3, 32767), (1, 40000)):
        px = [[(x + y) % 2 for x in range(w)] for y in range(h)]
        with open(os.path.join(out, "side-%dx%d.png" % (w, h)), "wb") as f:
            f.write(encode(rng, w, h, 0, 1, 0, px, b""))


main()
