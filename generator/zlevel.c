/* zlevel.c - the compression level of the PDF streams.
 *
 * cairo deflates every page's content stream and every font subset at zlib's
 * default level (6) and has no setting for it. Measured with bench/, that
 * deflating is a fifth of a batch worker's CPU time; level 1 halves it for
 * PDFs about 8 % larger (the Hưng Yên plan: 125 KB at level 6, 135 KB at
 * level 1), which no reader notices. This definition in the executable comes
 * before zlib's own in symbol lookup, so cairo's calls (and zlib's compress())
 * reach it; it asks for level 1 where the caller left the choice to zlib and
 * keeps an explicit level. The output stays byte-for-byte reproducible. */
#include <zlib.h>

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    if (level == Z_DEFAULT_COMPRESSION)
        level = Z_BEST_SPEED;
    return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version,
                         stream_size);
}
