# tests/sig_pngs.py DIR: the signature appearance's test images, written with
# the standard library (zlib, struct): DIR/sig.png, a blue stroke (the signer's
# handwritten signature, 300 x 100) and DIR/seal.png, a red ring (the body's
# seal, 200 x 200), both on a transparent background. Used by run_pdfa.sh and
# run_sign.sh.
import math, struct, sys, zlib


def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)


def png(path, w, h, px):
    raw = b''.join(b'\0' + b''.join(bytes(px(x, y)) for x in range(w)) for y in range(h))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


d = sys.argv[1]
png(d + '/sig.png', 300, 100,
    lambda x, y: (20, 40, 200, 255) if abs(y - 50 - 30 * math.sin(x / 18.0)) < 3 else (0, 0, 0, 0))
png(d + '/seal.png', 200, 200,
    lambda x, y: (220, 20, 30, 255) if 90 <= math.hypot(x - 99.5, y - 99.5) <= 99.5 else (0, 0, 0, 0))
