/* cli.c - the command line: argv -> render | check | dump | fonts, the
 * pipeline driver, and the help texts. Diagnostics are collected per plan and
 * printed together, sorted by position. */
#include "cli.h"

#include "cli_internal.h"
#include "datadir.h"
#include "i18n.h"
#include "import.h"
#include "serve_module.h"
#include "sign.h"
#include "timing.h"

#include <errno.h>
#include <glib.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef PG_VERSION
#define PG_VERSION "0.0.0"
#endif


static const char usage_main[] =
    "usage: plangen COMMAND [OPTIONS] ...\n"
    "\n"
    "plangen turns plans written in XML into Vietnamese official plan documents\n"
    "(\"KẾ HOẠCH\") as PDF, laid out to the Party standard (Hướng dẫn 36-HD/VPTW,\n"
    "style party) or the state standard (Nghị định 30/2020/NĐ-CP, style state).\n"
    "\n"
    "commands:\n"
    "  render PLAN.xml... [-o OUT]   render plans to PDF (and PNG pages with --png);\n"
    "                                - reads a plan from standard input, -o - writes the PDF\n"
    "                                to standard output\n"
    "  watch PLAN.xml... [-o OUT]    render, and again whenever a file it read changes\n"
    "  check PLAN.xml...             validate plans without rendering\n"
    "  dump --stage=STAGE PLAN.xml   print a pipeline stage: parse, resolve, number, layout\n"
    "  diff CHILD.xml                what a derived plan inherits, replaces, removes, adds\n"
    "  derive PARENT.xml --issuer NAME -o CHILD.xml   start a plan implementing PARENT\n"
    "  new --style party|state -o X.xml               start a blank plan\n"
    "  new --from TEMPLATE --set key=value... -o X.xml   fill a plan template\n"
    "  build [DIR] -o OUT [--units UNITS.xml]         render every plan of DIR (or each unit)\n"
    "  import OLD.docx -o PLAN.xml   bring an old plan in (DOCX, ODT or plain text)\n"
    "  sign IN.pdf -o OUT.pdf --p12 FILE   add a digital signature (PAdES), keeping earlier ones\n"
    "  verify PDF                    list a PDF's signatures and check that each is intact\n"
    "  fonts                         show which font files serve the styles' fonts\n"
    "  serve [PLANS_DIR] [--listen ADDR:PORT] [--users FILE]   the web editor\n"
    "  user add|list|remove FILE ...  the accounts of 'serve --users FILE'\n"
    "\n"
    "options for every command:\n"
    "  --data-dir DIR   folder holding templates/ and fonts/ (default: $PLANGEN_DATADIR,\n"
    "                   else the installation's share/plangen beside its bin/, else\n"
    "                   the source tree of the build; 'plangen --version' shows it)\n"
    "  --root DIR       the plans root: parents and images stay inside it (default: the\n"
    "                   nearest folder named plans above the plan, else its folder)\n"
    "  --max-size N     refuse a plan over N bytes (10 MiB); --max-depth N nesting (64);\n"
    "  --max-nodes N    elements (100,000); --max-text N bytes in one text (1 MiB)\n"
    "  --max-image-pixels N   pixels in one image (40,000,000), read from its header\n"
    "  --max-image-bytes N    an image decoded, 4 bytes a pixel (256 MiB)\n"
    "  --lang vi|en     the language of messages and help (default: from LANG,\n"
    "                   LC_MESSAGES, LC_ALL, LANGUAGE; Vietnamese for vi_VN)\n"
    "  -h, --help       help; 'plangen COMMAND --help' for a command\n"
    "  --version        print the version\n"
    "\n"
    "exit status: 0 done (warnings may have been printed), 1 a plan has errors,\n"
    "2 usage error, 3 output could not be written.\n";

static const char usage_render[] =
    "usage: plangen render PLAN.xml... [-o OUT] [--format pdf|docx|odt] [--png DIR] [--dpi N]\n"
    "                      [--appendices inline|files] [--style NAME] [--strict]\n"
    "                      [--signature-image FILE] [--seal FILE] [--seal-diameter MM]\n"
    "                      [--no-pdfa] [--diagnostics-format human|json|sarif]\n"
    "\n"
    "Renders each plan to PDF (or DOCX, ODT). Every problem is reported as file:line:col; a plan\n"
    "with errors writes nothing, and an existing output is left as it was. PLAN.xml may be -:\n"
    "the plan is read from standard input (named <stdin> in findings; its parents and images\n"
    "are found from the current folder), and needs -o.\n"
    "\n"
    "  -o OUT         output PDF for one plan; a folder (existing, or ending in '/')\n"
    "                 receives NAME.pdf for each plan. Default: NAME.pdf here.\n"
    "                 -o -: the PDF of one plan to standard output (not a terminal);\n"
    "                 nothing is written there when the plan has errors\n"
    "  --format F     pdf (default); docx: an editable Word file laid out per the\n"
    "                 style, which Word or LibreOffice reflow (NAME.docx); odt: the\n"
    "                 same as an OpenDocument text for LibreOffice Writer (NAME.odt).\n"
    "                 render only, not build\n"
    "  --png DIR      also write each page as DIR/NAME-N.png for a quick look\n"
    "  --dpi N        PNG resolution, 10 to 600 (default 60)\n"
    "  --appendices inline|files   inline (default): the appendices follow the plan\n"
    "                 in its PDF. files: each appendix is a PDF of its own beside the\n"
    "                 plan's, as NĐ 30 allows an attachment to be sent (the body's\n"
    "                 signature line then goes at the top right of its first page,\n"
    "                 written by 'plangen sign --as organisation'): OUT.pdf holds the\n"
    "                 plan without them, OUT.phu-luc-N.pdf the N-th appendix (N = 1,\n"
    "                 2, ... in the plan's order, whatever its label: Phụ lục II is\n"
    "                 phu-luc-2; OUT is -o less .pdf). Each is a complete document:\n"
    "                 pages numbered from 1 (page 1 shows no number, as a document's\n"
    "                 first page), its own title (\"Phụ lục I: TITLE\"), author and\n"
    "                 keywords (the plan's number and symbol), bookmarks, footnotes\n"
    "                 and tags. All are written, or none. PNG pages of an appendix:\n"
    "                 DIR/NAME.phu-luc-N-K.png. A plan without appendices writes its\n"
    "                 PDF alone (and says so). PDF only: --format docx and odt keep\n"
    "                 the appendices inline and refuse files\n"
    "  --style NAME   style to use instead of the plan's style attribute\n"
    "                 (templates/styles/NAME.xml, or a path containing '/')\n"
    "  --strict       treat warnings as errors\n"
    "  --signature-image FILE   the signer's handwritten signature (PNG, transparent),\n"
    "                 shown centred in the signature space (NĐ 30); over the plan's\n"
    "                 <signature image=\"...\">\n"
    "  --seal FILE    the body's seal (PNG, transparent) at its real size over the left\n"
    "                 third of the signature image; over <signature seal=\"...\">\n"
    "  --seal-diameter MM   the seal's real diameter, 20 to 60 (default: the plan's\n"
    "                 seal-diameter, else 40). FILEs are relative to the current folder\n"
    "                 and stay inside the plans root\n"
    "  --no-pdfa      a plain PDF: no PDF/A-2 (XMP metadata, sRGB output intent) and no\n"
    "                 tags (structure tree). Every PDF is PDF/A-2a with tags by\n"
    "                 default, as archives and screen readers need; a plain one is for\n"
    "                 a proof that is thrown away, or a machine without the sRGB profile\n"
    "  --diagnostics-format F   human (default): file:line:col lines on standard\n"
    "                 error; json: one JSON document of every diagnostic on standard\n"
    "                 output; sarif: a SARIF 2.1.0 log there (README, Diagnostics).\n"
    "                 Not with -o -, which writes the PDF there\n"
    "\n"
    "The PDF's creation date is $SOURCE_DATE_EPOCH when set, else the plan's own\n"
    "date, so that rendering twice gives identical bytes.\n";

static const char usage_watch[] =
    "usage: plangen watch PLAN.xml... [-o OUT] [--format pdf|docx|odt] [--png DIR] [--dpi N]\n"
    "                     [--appendices inline|files] [--style NAME] [--strict]\n"
    "                     [--signature-image FILE] [--seal FILE] [--seal-diameter MM]\n"
    "                     [--no-pdfa]\n"
    "\n"
    "Renders each plan as render does (the same options and outputs), then watches\n"
    "every file the render read: the plan, its parents and the plans it uses, the\n"
    "style and what it extends, images, the schema, fonts.conf. When one changes\n"
    "(an editor's save, a rename over it), the plans it feeds are rendered again,\n"
    "a fresh read of everything; a save of the same bytes renders nothing. Each\n"
    "render prints its findings, then one line: rendered OUT (N pages), or not\n"
    "rendered: OUT keeps its last good version (outputs are replaced only when whole).\n"
    "Ctrl+C (SIGINT) or SIGTERM stops it, exit status 0.\n";

static const char usage_check[] =
    "usage: plangen check PLAN.xml... [--style NAME] [--strict] [--fix --force]\n"
    "                     [--diagnostics-format human|json|sarif]\n"
    "\n"
    "Parses, validates (structure and RELAX NG schema), numbers, lints against the\n"
    "plan's standard and lays out each plan without writing anything, and lists\n"
    "every problem as file:line:col. Findings of the standard's rules end with the\n"
    "rule id in brackets (see docs/rules.md); render runs the same checks.\n"
    "\n"
    "  --fix --force  correct what can be corrected mechanically (typed punctuation,\n"
    "             typed numbers, the case of the summary and symbol) by rewriting the\n"
    "             plan file in place, atomically, keeping comments and layout; then\n"
    "             report what is left (--force: the plan file is replaced)\n"
    "  --diagnostics-format F   human (default): file:line:col lines on standard\n"
    "             error; json: one JSON document of every diagnostic on standard\n"
    "             output (\"fixable\": true when --fix has a correction for it);\n"
    "             sarif: a SARIF 2.1.0 log there (README, Diagnostics)\n"
    "\n"
    "$PLANGEN_TODAY (YYYY-MM-DD) replaces today's date for the future-date rule.\n";

static const char usage_dump[] =
    "usage: plangen dump --stage=parse|resolve|number|layout PLAN.xml [--style NAME]\n"
    "                    [--appendices inline|files]\n"
    "\n"
    "Prints the document after a pipeline stage: the parsed tree with source\n"
    "positions (parse), the plan merged with its parents (resolve: inherited nodes\n"
    "say which file they come from), the tree with section numbers and computed\n"
    "header, basis, recipient and signature lines (number), or every placed line,\n"
    "rule and brace with its position in pt (layout). With --stage=layout\n"
    "--appendices files, the layout of each file render --appendices files writes,\n"
    "each after a line \"file N main\" or \"file N appendix-K\" and its metadata.\n";

static const char usage_diff[] =
    "usage: plangen diff CHILD.xml\n"
    "\n"
    "Lists what a derived plan does with its parent: the plans it uses (content\n"
    "taken without citing them), the documents it implements, and each section,\n"
    "paragraph or item it inherits (with its wording changes, indented), replaces,\n"
    "removes, appends to or adds.\n";

static const char usage_derive[] =
    "usage: plangen derive PARENT.xml --issuer NAME [--parent-body NAME] [--symbol SYM]\n"
    "                      [--style NAME] [--date YYYY-MM-DD] -o CHILD.xml [--force]\n"
    "\n"
    "Writes a plan implementing PARENT that renders at once: derives-from, the basis\n"
    "sentence generated from the parent, every top-level section of the parent with an\n"
    "id inherited except the last (the implementation part, which the child writes),\n"
    "recipients with the parent \"(để báo cáo)\" and a signature to complete. The\n"
    "issuer's cited-as is NAME in sentence case with the place name after xã, phường,\n"
    "huyện, tỉnh... in title case (\"Đảng ủy xã Tân Phúc\"), said on stderr; the place\n"
    "is left as [Địa danh] to fill in. When CHILD's plans root (--root, else the\n"
    "nearest plans folder above it) does not hold PARENT, the --root that makes it\n"
    "render is said on stderr. An existing CHILD.xml is kept unless --force.\n";

static const char usage_new[] =
    "usage: plangen new --style party|state -o X.xml [--force]\n"
    "       plangen new --from TEMPLATE.xml --set key=value... -o X.xml [--force]\n"
    "\n"
    "Writes a blank plan with every part present and a comment saying what goes there,\n"
    "or fills a plan template (templates/plans/): each ${key} takes its --set value,\n"
    "parts between <?plangen-if key?> and <?plangen-end?> stay only when key is set\n"
    "(and not \"no\"). A placeholder without a value is an error naming it and its\n"
    "line; a value no placeholder uses is a warning.\n";

static const char usage_import[] =
    "usage: plangen import OLD.docx|OLD.odt|OLD.txt -o PLAN.xml [--force]\n"
    "\n"
    "Brings an old plan in: reads a Word document (.docx), an OpenDocument text\n"
    "(.odt, or flat .fodt; LibreOffice Writer) or plain text (.txt, .md; UTF-8, or\n"
    "UTF-16 with a byte-order mark; **bold**, *italic*, __underline__ and pipe\n"
    "tables as Markdown) and writes plan XML: header, summary, basis, sections\n"
    "(their typed numbers are dropped: plangen numbers), items, recipients,\n"
    "signature. From DOCX and ODT it keeps bold, italic and underline (from styles\n"
    "too), list numbers as shown, footnotes, tables, the text of text boxes, and a\n"
    "brace drawn beside recipients with its purpose. Nothing is lost: a line it\n"
    "cannot place is kept as a paragraph with a warning at its line (DOCX, ODT:\n"
    "paragraph number). It prints \"N words in (M numbering marks dropped), N words\n"
    "out\" and what is left to fill in. A damaged or hostile file (not a ZIP, a ZIP\n"
    "bomb, a DTD) is refused with one error and nothing written. An existing\n"
    "PLAN.xml is kept unless --force.\n";

static const char usage_build[] =
    "usage: plangen build [DIR] -o OUT [-j N] [--units UNITS.xml] [--prune] [--check-only]\n"
    "                     [--junit FILE] [--report json] [--shard K/N] [--strict] [--no-pdfa]\n"
    "                     [--diagnostics-format human|json|sarif]\n"
    "\n"
    "Renders every plan under DIR (default plans/) to OUT, mirroring the folders;\n"
    "folders named templates and files whose name starts with '_' are left out. With\n"
    "--units, renders the template named in UNITS.xml once per <unit>.\n"
    "\n"
    "  -j N           N workers (default: the number of cores)\n"
    "  --prune        remove outputs whose plan is gone\n"
    "  --check-only   validate and lint, write nothing\n"
    "  --junit FILE   a JUnit report: one testcase per plan, failures with diagnostics\n"
    "  --report json  a JSON report on standard output; each diagnostic is an\n"
    "                 object, as --diagnostics-format json writes it\n"
    "  --shard K/N    only the K-th of N shards (by a hash of each output's path, so a\n"
    "                 plan keeps its shard when others come and go)\n"
    "  --no-pdfa      plain PDFs, without PDF/A and tags (see 'plangen render --help')\n"
    "  --diagnostics-format F   human (default): file:line:col lines on standard\n"
    "                 error; json: one JSON document of every diagnostic on standard\n"
    "                 output (with --report json: in the report, nothing apart);\n"
    "                 sarif: a SARIF 2.1.0 log there (not with --report json)\n"
    "\n"
    "An output is rebuilt only when something it was made from changed: any file the\n"
    "render read (the plan, its parents and used plans, the style and what it extends,\n"
    "the images, the schema, fonts.conf, the fonts folder and the font files chosen),\n"
    "an option that changes the output (--style, --root, the limits, --no-pdfa,\n"
    "SOURCE_DATE_EPOCH) or plangen itself; OUT/.plangen-cache records them with the\n"
    "hashes of the bytes read.\n"
    "A plan that is up to date reports its diagnostics again. The same inputs give the\n"
    "same bytes with any -j. Every failure is listed. Exit status: 0 all built, 1 a plan\n"
    "failed (or a worker died), 2 usage error; SIGINT or SIGTERM stops the workers and\n"
    "leaves every output either old or new.\n";

static const char usage_fonts[] =
    "usage: plangen fonts [--style NAME]\n"
    "\n"
    "Shows which font file serves each face (regular, bold, italic, bold italic) of\n"
    "the style's font family, through plangen's private fonts/fonts.conf.\n";

/* ---- helpers ---------------------------------------------------------------- */

static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *s = pg_xmalloc(n + 1);
    memcpy(s, base, n);
    s[n] = '\0';
    return s;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ensure_dir(const char *path)
{
    if (is_dir(path))
        return 1;
    return g_mkdir_with_parents(path, 0777) == 0;
}

void pg_cli_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = g_strdup_vprintf(_(fmt), ap);
    va_end(ap);
    char *shown = pg_printable(line);
    fprintf(stderr, "%s\n", shown);
    free(shown);
    g_free(line);
}

int pg_cli_print_diags(pg_diag_list *d, int strict)
{
    pg_diag_sort(d);
    pg_diag_print(d, stderr);
    pg_level worst = pg_diag_worst(d);
    return worst == PG_LEVEL_ERROR || (strict && worst == PG_LEVEL_WARNING);
}

void pg_cli_emit_diags(session *s, const pg_diag_list *d)
{
    if (s->o->diag_out == PG_DIAG_OUT_HUMAN) {
        pg_diag_print(d, stderr);
        return;
    }
    for (size_t i = 0; i < d->n; i++)
        pg_diag_copy(&s->emitted, &d->items[i]);
}

int pg_cli_report_diags(session *s, pg_diag_list *d, int strict)
{
    pg_diag_sort(d);
    pg_cli_emit_diags(s, d);
    pg_level worst = pg_diag_worst(d);
    return worst == PG_LEVEL_ERROR || (strict && worst == PG_LEVEL_WARNING);
}

static char *iso_date_from_epoch(const char *sde)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (errno || !*sde || *end || v < 0)
        return NULL;
    time_t t = (time_t)v;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return NULL;
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return pg_xstrdup(buf);
}

/* 1 for "YYYY-MM-DD" naming a day that exists. */
static int date_ok(const char *s)
{
    int y, m, d;
    return strlen(s) == 10 && strspn(s, "0123456789-") == 10 && s[4] == '-' && s[7] == '-' &&
           sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 && pg_date_valid(y, m, d);
}

/* 1 when a and b name one existing file (device and inode: links and other
 * spellings of the path included). */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The file of reads that target is, or NULL. */
static const char *read_as(const char *target, const pg_reads *reads)
{
    for (size_t i = 0; i < reads->n; i++)
        if (reads->items[i].path[0] != '@' && same_file(target, reads->items[i].path))
            return reads->items[i].path;
    return NULL;
}

/* ---- the pipeline ---------------------------------------------------------------- */

/* What --appendices files did that the files alone would not say: a plan
 * without appendices gave one file; a file of an appendix the plan no longer
 * has is left from an earlier render (plangen removes no file it did not
 * write now). */
static void say_appendix_files(const pg_result *r, const char *path, const char *target)
{
    if (!r->n_appendix_pages)
        pg_cli_say("plangen: %s has no appendix: wrote %s alone (--appendices files)", path,
                   target);
    char *next = pg_appendix_file_name(target, r->n_appendix_pages + 1);
    struct stat st;
    if (lstat(next, &st) == 0)
        pg_cli_say(ngettext("plangen: %s is left from an earlier render: %s has %zu appendix; "
                            "remove it",
                            "plangen: %s is left from an earlier render: %s has %zu appendices; "
                            "remove it",
                            r->n_appendix_pages),
                   next, path, r->n_appendix_pages);
    g_free(next);
}

/* -o -: the PDF whole to standard output (made in memory first, so that a
 * failure writes nothing there). Returns 1, else 0 with a diagnostic in d. */
static int write_stdout(session *s, const pg_result *r, pg_diag_list *d)
{
    unsigned char *pdf = NULL;
    size_t n = 0;
    const char *file = r->doc ? r->doc->file : "<stdin>";
    if (!pg_result_pdf_memory(s->engine, r, &pdf, &n)) {
        const char *why = pg_result_pdf_error(r);
        if (why)
            pg_diag_add(d, PG_E_OUTPUT, file, 0, 0,
                        "cannot make the PDF for standard output: %s", why);
        else
            pg_diag_add(d, PG_E_OUTPUT, file, 0, 0, "cannot make the PDF for standard output");
        return 0;
    }
    int ok = fwrite(pdf, 1, n, stdout) == n && fflush(stdout) == 0;
    free(pdf);
    if (!ok)
        pg_diag_add(d, PG_E_OUTPUT, file, 0, 0, "cannot write the PDF to standard output: %s",
                    strerror(errno));
    return ok;
}

int pg_cli_render_one(session *s, const char *path, const char *text, size_t len,
                      const char *target, const char *png_dir, pg_diag_list *collect,
                      pg_reads *reads)
{
    pg_result r;
    /* a PDF alone is written page by page as layout makes them (memory stays
     * that of a few pages); the other outputs need the pages whole */
    const char *format = s->o->format ? s->o->format : "pdf";
    pg_stage stage = png_dir || strcmp(format, "pdf") != 0 ? PG_STAGE_LAYOUT
                     : target                              ? PG_STAGE_PDF
                                                           : PG_STAGE_CHECK;
    pg_run(s->engine, path, text, len, stage, &r);
    int failed = pg_result_failed(&r, s->o->strict);
    if (collect)
        pg_diag_take(collect, &r.diags);
    else
        pg_cli_emit_diags(s, &r.diags);
    int rc = EXIT_OK;
    const char *input = target && !failed ? read_as(target, &r.reads) : NULL;
    char *read_target = NULL; /* an appendix's file that the render reads */
    for (size_t i = 0; target && !failed && !input && i < r.n_appendix_pages; i++) {
        char *name = pg_appendix_file_name(target, i + 1);
        if ((input = read_as(name, &r.reads)))
            read_target = name;
        else
            g_free(name);
    }
    if (failed || !target) {
        rc = failed ? EXIT_PLAN : EXIT_OK;
    } else if (input) {
        /* render p.xml -o p.xml would replace the plan by its PDF */
        pg_diag_list wd = {0};
        pg_diag_add(&wd, PG_E_OUTPUT, read_target ? read_target : target, 0, 0,
                    "it is %s, which this render reads; choose another output", input);
        if (collect)
            pg_diag_take(collect, &wd);
        else
            pg_cli_emit_diags(s, &wd);
        pg_diag_list_free(&wd);
        rc = EXIT_SYSTEM;
    } else {
        pg_diag_list wd = {0};
        const char *f = s->o->format ? s->o->format : "pdf";
        int ok = strcmp(target, "-") == 0 ? write_stdout(s, &r, &wd)
                 : strcmp(f, "docx") == 0  ? pg_result_write_docx(&r, target, &wd)
                 : strcmp(f, "odt") == 0   ? pg_result_write_odt(&r, target, &wd)
                                           : pg_result_write_pdf(s->engine, &r, target, &wd);
        pg_timing_mark("write the PDF (DOCX, ODT)");
        if (ok && png_dir) {
            char *stem = stem_of(target);
            ok = pg_result_write_png(&r, png_dir, stem, s->o->dpi, &wd);
            free(stem);
            pg_timing_mark("write the PNG pages");
        }
        if (collect)
            pg_diag_take(collect, &wd);
        else
            pg_cli_emit_diags(s, &wd);
        pg_diag_list_free(&wd);
        if (!ok)
            rc = EXIT_SYSTEM;
        else if (s->o->appendix_files == 1)
            say_appendix_files(&r, path, target);
    }
    g_free(read_target);
    s->last_pages = (int)r.n_pages;
    if (reads)
        pg_reads_merge(reads, &r.reads);
    pg_result_free(&r);
    return rc;
}

/* The output of each input of render and watch (-o a file, a folder, or none:
 * NAME.EXT here; "-" for standard output), checked: no two plans to one file,
 * no plan to another's appendix file, standard output for one PDF only. Returns
 * them (g_strfreev()), or NULL with *rc set and the reason printed. */
static char **render_targets(session *s, int *rc)
{
    options *o = s->o;
    int to_stdout = o->out && strcmp(o->out, "-") == 0;
    if (to_stdout) {
        const char *why = o->n_inputs > 1                              ? N_("one plan")
                          : o->format && strcmp(o->format, "pdf") != 0 ? N_("a PDF")
                          : o->appendix_files == 1       ? N_("one PDF (not --appendices files)")
                          : strcmp(o->cmd, "watch") == 0 ? N_("render, not watch")
                                                         : NULL;
        if (why) {
            pg_cli_say("plangen: -o - (standard output) takes %s", _(why));
            *rc = EXIT_USAGE;
            return NULL;
        }
        if (isatty(STDOUT_FILENO)) {
            pg_cli_say("plangen: -o - would write the PDF to the terminal; redirect it: "
                       "plangen render ... -o - > plan.pdf");
            *rc = EXIT_USAGE;
            return NULL;
        }
    }
    for (int i = 0; i < o->n_inputs; i++)
        if (strcmp(o->inputs[i], "-") == 0 && !o->out) {
            pg_cli_say("plangen: a plan from standard input (-) has no name to write it as; "
                       "give -o FILE, or -o - for standard output");
            *rc = EXIT_USAGE;
            return NULL;
        }
    int dir_mode = o->out && !to_stdout &&
                   (o->n_inputs > 1 || is_dir(o->out) || o->out[strlen(o->out) - 1] == '/');
    if (o->n_inputs > 1 && o->out && !dir_mode) {
        fprintf(stderr, _("plangen: -o must name a folder when rendering several plans\n"));
        *rc = EXIT_USAGE;
        return NULL;
    }
    if (dir_mode && !ensure_dir(o->out)) {
        pg_cli_say("plangen: cannot create folder %s: %s", o->out, strerror(errno));
        *rc = EXIT_SYSTEM;
        return NULL;
    }
    if (o->png_dir && !ensure_dir(o->png_dir)) {
        pg_cli_say("plangen: cannot create folder %s: %s", o->png_dir, strerror(errno));
        *rc = EXIT_SYSTEM;
        return NULL;
    }
    char **targets = g_new0(char *, (size_t)o->n_inputs + 1);
    const char *ext = o->format ? o->format : "pdf";
    for (int i = 0; i < o->n_inputs; i++) {
        char *stem = stem_of(o->inputs[i]);
        targets[i] = dir_mode ? g_strdup_printf("%s/%s.%s", o->out, stem, ext)
                     : o->out ? g_strdup(o->out)
                              : g_strdup_printf("%s.%s", stem, ext);
        free(stem);
    }
    /* two plans of one file name would write one PDF (and PNG pages): the
     * second would silently replace the first */
    for (int i = 0; i < o->n_inputs; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(targets[i], targets[k]) == 0) {
                pg_cli_say("plangen: %s and %s would both be written to %s; render them into "
                           "separate folders (-o)",
                           o->inputs[k], o->inputs[i], targets[i]);
                *rc = EXIT_USAGE;
                g_strfreev(targets);
                return NULL;
            }
    /* nor may a plan's PDF be the file of another plan's appendix */
    for (int i = 0; i < o->n_inputs && o->appendix_files == 1; i++)
        for (int k = 0; k < o->n_inputs; k++) {
            char *first = pg_appendix_file_name(targets[k], 1);
            size_t prefix = strlen(first) - strlen("1.pdf"); /* "out/plan.phu-luc-" */
            int clash = k != i && strncmp(targets[i], first, prefix) == 0;
            g_free(first);
            if (clash) {
                pg_cli_say("plangen: %s would be written to %s, the name of an appendix of %s "
                           "(--appendices files); render them into separate folders (-o)",
                           o->inputs[i], targets[i], o->inputs[k]);
                *rc = EXIT_USAGE;
                g_strfreev(targets);
                return NULL;
            }
        }
    return targets;
}

/* The plan of standard input, whole, under the --max-size limit (10 MiB):
 * *text heap. Returns 1, else 0 with the reason printed. */
static int read_stdin(session *s, char **text, size_t *len)
{
    long long max = s->o->max_size ? s->o->max_size : 10LL << 20;
    GString *g = g_string_new(NULL);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        g_string_append_len(g, buf, (gssize)n);
        if ((long long)g->len > max) {
            pg_diag_list d = {0};
            pg_diag_add(&d, PG_E_TOO_LARGE, "<stdin>", 0, 0, "over %lld bytes (--max-size)", max);
            pg_cli_emit_diags(s, &d);
            pg_diag_list_free(&d);
            g_string_free(g, TRUE);
            return 0;
        }
    }
    if (ferror(stdin)) {
        pg_diag_list d = {0};
        pg_diag_add(&d, PG_E_IO, "<stdin>", 0, 0, "%s", strerror(errno));
        pg_cli_emit_diags(s, &d);
        pg_diag_list_free(&d);
        g_string_free(g, TRUE);
        return 0;
    }
    *len = g->len;
    *text = g_string_free(g, FALSE);
    return 1;
}

static int cmd_render(session *s)
{
    pg_output_cleanup_on_signal(); /* SIGINT/SIGTERM: no half-written file stays */
    options *o = s->o;
    int rc = EXIT_OK;
    char **targets = render_targets(s, &rc);
    for (int i = 0; targets && i < o->n_inputs; i++) {
        char *text = NULL;
        size_t len = 0;
        int from_stdin = strcmp(o->inputs[i], "-") == 0;
        if (from_stdin && !read_stdin(s, &text, &len)) {
            rc = EXIT_PLAN;
            continue;
        }
        /* a plan from standard input is named <stdin> in its findings; its
         * parents and images are found from the current folder */
        int r = pg_cli_render_one(s, from_stdin ? "<stdin>" : o->inputs[i], text, len, targets[i],
                                  o->png_dir, NULL, NULL);
        g_free(text);
        if (r > rc)
            rc = r;
    }
    g_strfreev(targets);
    return rc;
}

static int cmd_watch(session *s)
{
    for (int i = 0; i < s->o->n_inputs; i++)
        if (strcmp(s->o->inputs[i], "-") == 0) {
            pg_cli_say("plangen: watch reads plan files; standard input (-) cannot change");
            return EXIT_USAGE;
        }
    int rc = EXIT_OK;
    char **targets = render_targets(s, &rc);
    if (!targets)
        return rc;
    rc = pg_cmd_watch(s, targets);
    g_strfreev(targets);
    return rc;
}

static int cmd_check(session *s)
{
    int rc = EXIT_OK;
    pg_engine *again = NULL; /* checks a corrected plan: the same options, no --fix */
    for (int i = 0; i < s->o->n_inputs; i++) {
        const char *path = s->o->inputs[i];
        pg_result r;
        pg_run(s->engine, path, NULL, 0, PG_STAGE_CHECK, &r);
        int unfixed = 0; /* the plan could not be rewritten: exit 3 */
        if (r.edits.n) {
            /* --fix: correct the plan, then report what is left, from the new file */
            if (pg_fix_apply(path, &r.edits, &r.diags))
                pg_cli_say(ngettext("%s: fixed %zu finding; checking again",
                                    "%s: fixed %zu findings; checking again", r.edits.n),
                           path, r.edits.n);
            else
                unfixed = 1;
            pg_diag_list kept = {0};
            for (size_t k = 0; k < r.diags.n; k++)
                if (r.diags.items[k].code == PG_E_OUTPUT || r.diags.items[k].code == PG_E_IO)
                    pg_diag_copy(&kept, &r.diags.items[k]);
            pg_result_free(&r);
            if (!again) {
                pg_options o = *pg_engine_options(s->engine);
                o.fix = 0;
                again = pg_engine_new(&o);
            }
            pg_run(again, path, NULL, 0, PG_STAGE_CHECK, &r);
            pg_diag_take(&r.diags, &kept);
        }
        if (pg_cli_report_diags(s, &r.diags, s->o->strict) || !r.laid_out)
            rc = rc == EXIT_SYSTEM ? rc : EXIT_PLAN;
        if (unfixed)
            rc = EXIT_SYSTEM;
        pg_result_free(&r);
    }
    pg_engine_free(again);
    return rc;
}

static int cmd_dump(session *s)
{
    pg_stage stage;
    if (!pg_stage_from_name(s->o->stage, &stage) || stage == PG_STAGE_LINT) {
        fprintf(stderr, _("plangen: dump needs --stage=parse, resolve, number or layout\n"));
        return EXIT_USAGE;
    }
    if (s->o->n_inputs != 1) {
        fprintf(stderr, _("plangen: dump takes one plan\n"));
        return EXIT_USAGE;
    }
    if (s->o->appendix_files == 1 && stage != PG_STAGE_LAYOUT) {
        fprintf(stderr, _("plangen: --appendices files splits the layout: give --stage=layout\n"));
        return EXIT_USAGE;
    }
    pg_result r;
    pg_run(s->engine, s->o->inputs[0], NULL, 0, stage, &r);
    int failed = pg_cli_print_diags(&r.diags, s->o->strict) || !r.ok;
    if (!failed)
        pg_result_dump(&r, stage, stdout);
    pg_result_free(&r);
    return failed ? EXIT_PLAN : EXIT_OK;
}

static int cmd_fonts(session *s)
{
    pg_diag_list d = {0};
    int ok = pg_engine_fonts_report(s->engine, s->o->style, stdout, &d);
    pg_diag_print(&d, stderr);
    pg_diag_list_free(&d);
    return ok ? EXIT_OK : EXIT_PLAN;
}

/* Writes text to path atomically; refuses an existing file without --force. */
/* Writes a plan that new, derive or import made, its <?xml-model?> line naming
 * the schema of the data folder in use (--data-dir, PLANGEN_DATADIR...). */
static int write_new_file(session *s, const char *path, const char *text)
{
    if (!s->o->force && g_file_test(path, G_FILE_TEST_EXISTS)) {
        pg_cli_say("plangen: %s exists; give --force to replace it", path);
        return EXIT_USAGE;
    }
    char *plan = pg_plan_set_model(g_strdup(text), pg_engine_options(s->engine)->data_dir);
    pg_diag_list d = {0};
    pg_output o;
    int ok = pg_output_open(&o, path, &d);
    if (ok) {
        fputs(plan, o.f);
        ok = pg_output_commit(&o, &d);
    }
    g_free(plan);
    pg_diag_print(&d, stderr);
    pg_diag_list_free(&d);
    return ok ? EXIT_OK : EXIT_SYSTEM;
}

static int cmd_diff(session *s)
{
    if (s->o->n_inputs != 1) {
        fprintf(stderr, _("plangen: diff takes one plan\n"));
        return EXIT_USAGE;
    }
    pg_result r;
    pg_run(s->engine, s->o->inputs[0], NULL, 0, PG_STAGE_PARSE, &r);
    int failed = pg_cli_print_diags(&r.diags, 0);
    if (!failed)
        pg_result_diff(&r, stdout);
    pg_result_free(&r);
    return failed ? EXIT_PLAN : EXIT_OK;
}

/* The path of file as seen from folder dir ("../tinh-uy/179.xml"); g_free. */
static char *relative_path(const char *dir, const char *file)
{
    char *a = g_canonicalize_filename(dir, NULL), *b = g_canonicalize_filename(file, NULL);
    char **da = g_strsplit(a, "/", -1), **db = g_strsplit(b, "/", -1);
    guint na = g_strv_length(da), nb = g_strv_length(db), k = 0;
    while (k < na && k + 1 < nb && strcmp(da[k], db[k]) == 0)
        k++;
    GString *rel = g_string_new(NULL);
    for (guint i = k; i < na; i++)
        if (*da[i])
            g_string_append(rel, "../");
    for (guint i = k; i < nb; i++) {
        g_string_append(rel, db[i]);
        if (i + 1 < nb)
            g_string_append_c(rel, '/');
    }
    g_strfreev(da);
    g_strfreev(db);
    g_free(a);
    g_free(b);
    return g_string_free(rel, FALSE);
}

static char *today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[16];
    strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return pg_xstrdup(buf);
}

/* After derive or new --from wrote child naming parent_rel (relative to the
 * child's folder): when the plans root the child renders with (--root, else
 * the nearest plans folder above it, else its folder) does not hold the
 * parent, says the --root that makes it render. */
static void say_root_for(const options *o, const char *child, const char *parent_rel)
{
    char *child_dir = g_path_get_dirname(child);
    char *joined = g_build_filename(child_dir, parent_rel, NULL);
    char *parent = realpath(joined, NULL);
    char *dir = realpath(child_dir, NULL);
    char *root = o->root ? realpath(o->root, NULL) : pg_plans_root(child);
    if (parent && dir && root) {
        size_t n = strlen(root);
        if (!(strncmp(parent, root, n) == 0 && (parent[n] == '/' || parent[n] == '\0')) ||
            strcmp(root, "/") == 0) {
            /* the deepest folder holding both the child and its parent */
            size_t i = 0;
            while (dir[i] && dir[i] == parent[i])
                i++;
            size_t common = i;
            if (!(dir[i] == '\0' && parent[i] == '/'))
                while (common > 0 && dir[common] != '/')
                    common--;
            char *both = common ? g_strndup(dir, common) : g_strdup("/");
            pg_cli_say("plangen: %s and its parent %s are not in one plans folder: render it "
                       "with --root %s (or move both under a folder named plans)",
                       child, parent_rel, both);
            g_free(both);
        }
    }
    free(parent);
    free(dir);
    if (o->root)
        free(root);
    else
        g_free(root);
    g_free(joined);
    g_free(child_dir);
}

static int cmd_derive(session *s)
{
    options *o = s->o;
    if (o->n_inputs != 1 || !o->out || !o->issuer) {
        fprintf(stderr, _("plangen: derive needs PARENT.xml, --issuer NAME and -o CHILD.xml\n"));
        return EXIT_USAGE;
    }
    if (o->date && !date_ok(o->date)) {
        pg_cli_say("plangen: --date takes YYYY-MM-DD, a day that exists, not \"%s\"", o->date);
        return EXIT_USAGE;
    }
    pg_result r;
    pg_run(s->engine, o->inputs[0], NULL, 0, PG_STAGE_RESOLVE, &r);
    int failed = pg_cli_print_diags(&r.diags, 0) || !r.ok;
    pg_doc *parent = r.doc;
    int rc = EXIT_PLAN;
    const char *input = failed ? NULL : read_as(o->out, &r.reads);
    if (input) {
        /* derive P -o P --force: the parent would derive from itself */
        pg_cli_say("plangen: -o %s is %s, which the child derives from; write the child to a "
                   "file of its own", o->out, input);
        rc = EXIT_USAGE;
    } else if (!failed) {
        /* the child names its parent relative to its own folder */
        char *child_dir = g_path_get_dirname(o->out);
        char *rel_path = relative_path(child_dir, o->inputs[0]);
        GString *rel = g_string_new(rel_path);
        g_free(rel_path);
        char *date = o->date ? pg_xstrdup(o->date) : today();
        /* the generic part in sentence case, the place name kept in title case */
        char *cited = pg_name_case(o->issuer);
        for (char *c = cited; *c; c++)
            if (*c == '\n')
                *c = ' ';
        pg_derive_opts dopts = {.parent_path = rel->str, .issuer = o->issuer,
                                .parent_body = o->parent_body, .symbol = o->symbol,
                                .style = o->style, .date = date, .cited_as = cited};
        char *text = pg_plan_derived(parent, &dopts);
        rc = write_new_file(s, o->out, text);
        if (rc == EXIT_OK) {
            pg_cli_say("plangen: wrote %s (derives from %s)", o->out, rel->str);
            pg_cli_say("plangen: citations name its issuer \"%s\" (cited-as in %s: correct it "
                       "there if the name is cased otherwise); its <place> is left to fill in",
                       cited, o->out);
            say_root_for(o, o->out, rel->str);
        }
        g_free(cited);
        g_free(text);
        free(date);
        g_string_free(rel, TRUE);
        g_free(child_dir);
    }
    pg_result_free(&r);
    return rc;
}

/* Splits the --set pairs into keys and values (heap arrays of pointers into argv). */
static int split_sets(options *o, const char ***keys, const char ***values)
{
    *keys = pg_xcalloc((size_t)o->n_sets + 1, sizeof **keys);
    *values = pg_xcalloc((size_t)o->n_sets + 1, sizeof **values);
    for (int i = 0; i < o->n_sets; i++) {
        const char *eq = strchr(o->sets[i], '=');
        if (!eq || eq == o->sets[i]) {
            pg_cli_say("plangen: --set takes key=value, not \"%s\"", o->sets[i]);
            return 0;
        }
        (*keys)[i] = g_strndup(o->sets[i], (gsize)(eq - o->sets[i]));
        (*values)[i] = eq + 1;
    }
    return 1;
}

/* A filled template's derives-from names the parent from the template's folder:
 * name it from the output's folder instead. Takes and returns a g_malloc'd text. */
static char *rebase_parent(char *text, const char *template_path, const char *out_path)
{
    const char *key = "derives-from=\"";
    char *at = strstr(text, key);
    if (!at)
        return text;
    char *start = at + strlen(key), *end = strchr(start, '"');
    if (!end || *start == '/')
        return text;
    char *rel = g_strndup(start, (gsize)(end - start));
    char *tdir = g_path_get_dirname(template_path);
    char *parent = g_build_filename(tdir, rel, NULL);
    char *odir = g_path_get_dirname(out_path);
    char *fixed = relative_path(odir, parent);
    GString *out = g_string_new_len(text, start - text);
    g_string_append(out, fixed);
    g_string_append(out, end);
    g_free(fixed);
    g_free(odir);
    g_free(parent);
    g_free(tdir);
    g_free(rel);
    g_free(text);
    return g_string_free(out, FALSE);
}

static int cmd_new(session *s)
{
    options *o = s->o;
    if (!o->out || o->n_inputs) {
        fprintf(stderr, _("plangen: new needs -o X.xml and no plan\n\n%s"), _(usage_new));
        return EXIT_USAGE;
    }
    if (!o->from) {
        const char *style = o->style ? o->style : "party";
        if (strcmp(style, "party") && strcmp(style, "state")) {
            fprintf(stderr, _("plangen: new --style takes party or state\n"));
            return EXIT_USAGE;
        }
        char *text = pg_plan_blank(style);
        int rc = write_new_file(s, o->out, text);
        g_free(text);
        return rc;
    }
    char *tpl = NULL, why[PG_WHY_MAX];
    size_t tlen = 0;
    if (pg_read_regular_file(o->from, (size_t)10 << 20, &tpl, &tlen, why) != PG_INPUT_OK) {
        pg_cli_say("plangen: cannot read the template %s: %s", o->from, why);
        return EXIT_USAGE;
    }
    const char **keys, **values;
    int rc = EXIT_USAGE;
    if (split_sets(o, &keys, &values)) {
        pg_diag_list d = {0};
        char *text = pg_template_fill(tpl, o->from, keys, values, (size_t)o->n_sets, &d);
        pg_cli_print_diags(&d, 0);
        pg_diag_list_free(&d);
        if (text)
            text = rebase_parent(text, o->from, o->out);
        rc = text ? write_new_file(s, o->out, text) : EXIT_PLAN;
        const char *from = text ? strstr(text, "derives-from=\"") : NULL;
        if (rc == EXIT_OK && from) {
            from += strlen("derives-from=\"");
            const char *end = strchr(from, '"');
            char *rel = end ? g_strndup(from, (gsize)(end - from)) : NULL;
            if (rel && *rel && !strchr(rel, '&'))
                say_root_for(o, o->out, rel);
            g_free(rel);
        }
        g_free(text);
    }
    for (int i = 0; i < o->n_sets; i++)
        g_free((char *)keys[i]);
    free(keys);
    free(values);
    free(tpl);
    return rc;
}

/* import OLD -o PLAN.xml: reader, recogniser, atomic write (import.h). */
static int cmd_import(session *s)
{
    options *o = s->o;
    if (!o->out || o->n_inputs != 1) {
        fprintf(stderr, _("plangen: import needs one old plan and -o PLAN.xml\n\n%s"),
                _(usage_import));
        return EXIT_USAGE;
    }
    if (!o->force && g_file_test(o->out, G_FILE_TEST_EXISTS)) {
        pg_cli_say("plangen: %s exists; give --force to replace it", o->out);
        return EXIT_USAGE;
    }
    char *bytes = NULL, why[PG_WHY_MAX];
    size_t len = 0;
    if (pg_read_regular_file(o->inputs[0], (size_t)10 << 20, &bytes, &len, why) != PG_INPUT_OK) {
        pg_cli_say("plangen: cannot read %s: %s", o->inputs[0], why);
        return EXIT_USAGE;
    }
    pg_diag_list d = {0};
    pg_import_doc doc;
    int rc = EXIT_PLAN;
    int ok = pg_import_read(bytes, len, o->inputs[0], &doc, &d);
    if (ok) {
        pg_import_stats st;
        char *left = NULL;
        char *xml = pg_import_recognise(&doc, o->inputs[0], &d, &st, &left);
        pg_cli_print_diags(&d, 0);
        pg_diag_list_free(&d);
        fprintf(stderr, _("plangen: %zu words in (%zu numbering marks dropped), %zu words out\n"),
                st.words_in, st.marks, st.words_out);
        if (st.words_in != st.words_out)
            fprintf(stderr, _("plangen: warning: the word counts differ: compare %s with %s\n"),
                    o->inputs[0], o->out);
        rc = write_new_file(s, o->out, xml);
        if (rc == EXIT_OK && *left)
            fprintf(stderr, _("plangen: left to fill in %s:\n%s"), o->out, left);
        free(xml);
        free(left);
        pg_import_doc_free(&doc);
    } else {
        pg_cli_print_diags(&d, 0);
        pg_diag_list_free(&d);
    }
    free(bytes);
    return rc;
}

/* ---- arguments ----------------------------------------------------------------- */

static const char *command_usage(const char *cmd)
{
    if (!cmd)
        return usage_main;
    if (strcmp(cmd, "render") == 0)
        return usage_render;
    if (strcmp(cmd, "watch") == 0)
        return usage_watch;
    if (strcmp(cmd, "check") == 0)
        return usage_check;
    if (strcmp(cmd, "dump") == 0)
        return usage_dump;
    if (strcmp(cmd, "fonts") == 0)
        return usage_fonts;
    if (strcmp(cmd, "diff") == 0)
        return usage_diff;
    if (strcmp(cmd, "derive") == 0)
        return usage_derive;
    if (strcmp(cmd, "new") == 0)
        return usage_new;
    if (strcmp(cmd, "build") == 0)
        return usage_build;
    if (strcmp(cmd, "import") == 0)
        return usage_import;
    return NULL;
}

/* Value of an option given as "--opt VALUE" or "--opt=VALUE"; advances *i. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (strcmp(name, "-j") == 0 && strncmp(a, "-j", 2) == 0 && a[2] >= '0' && a[2] <= '9')
        return a + 2; /* -j2, as make writes it */
    if (strcmp(a, name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, _("plangen: %s needs a value\n"), name);
            *bad = 1;
            return NULL;
        }
        return argv[++*i];
    }
    return NULL;
}

/* What a command prints is part of its output: a failed write to standard
 * output (a full disk, /dev/full) or to standard error makes the exit status
 * EXIT_SYSTEM, with a message on standard error when that still works. Checks
 * once per process; later calls return rc as it is. */
static int streams_written(int rc)
{
    static int checked;
    if (checked)
        return rc;
    checked = 1;
    errno = 0;
    int failed = fflush(stdout) != 0;
    int err = errno;
    if (failed || ferror(stdout)) {
        fprintf(stderr, _("plangen: error: cannot write to standard output%s%s\n"), err ? ": " : "",
                err ? strerror(err) : "");
        rc = EXIT_SYSTEM;
    }
    if (fflush(stderr) != 0 || ferror(stderr))
        rc = EXIT_SYSTEM;
    return rc;
}

/* One of the limit options at argv[*i]: returns the field it sets and its value
 * in *v, or NULL when argv[*i] is none of them. */
static long long *limit_option(options *o, int argc, char **argv, int *i, const char **v, int *bad)
{
    struct {
        const char *name;
        long long *field;
    } limits[] = {{"--max-size", &o->max_size},
                  {"--max-depth", &o->max_depth},
                  {"--max-nodes", &o->max_nodes},
                  {"--max-text", &o->max_text},
                  {"--max-image-pixels", &o->max_image_pixels},
                  {"--max-image-bytes", &o->max_image_bytes}};
    for (size_t k = 0; k < sizeof limits / sizeof *limits; k++)
        if ((*v = opt_value(argc, argv, i, limits[k].name, bad)))
            return limits[k].field;
    return NULL;
}

/* An option given to a command that does not take it is a usage error naming the
 * option and the commands that take it (a --report json that check ignored would
 * leave a CI job without its report, silently). Options for every command (the
 * data folder, root, style, strictness, limits) are not listed. Returns 1 when
 * it refused. */
static int refuse_foreign_options(const options *o, int dpi_given)
{
    const struct {
        const char *name;
        int given;
        const char *takers[6]; /* the commands that take it */
    } table[] = {
        {"-o", o->out != NULL, {"render", "build", "derive", "new", "import", "watch"}},
        {"--png", o->png_dir != NULL, {"render", "watch"}},
        {"--format", o->format != NULL, {"render", "watch"}},
        {"--dpi", dpi_given, {"render", "watch"}},
        {"--appendices", o->appendix_files >= 0, {"render", "dump", "watch"}},
        {"--stage", o->stage != NULL, {"dump"}},
        {"--fix", o->fix, {"check"}},
        {"--force", o->force, {"check", "derive", "new", "import"}},
        {"--set", o->n_sets > 0, {"new"}},
        {"--from", o->from != NULL, {"new"}},
        {"--issuer", o->issuer != NULL, {"derive"}},
        {"--parent-body", o->parent_body != NULL, {"derive"}},
        {"--symbol", o->symbol != NULL, {"derive"}},
        {"--date", o->date != NULL, {"derive"}},
        {"--units", o->units != NULL, {"build"}},
        {"-j", o->jobs != 0, {"build"}},
        {"--junit", o->junit != NULL, {"build"}},
        {"--report", o->report != NULL, {"build"}},
        {"--shard", o->shard != NULL, {"build"}},
        {"--check-only", o->check_only, {"build"}},
        {"--prune", o->prune, {"build"}},
        {"--diagnostics-format", o->diag_out_given, {"check", "render", "build"}},
    };
    for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
        if (!table[k].given)
            continue;
        size_t n = 0;
        int taken = 0;
        while (n < 6 && table[k].takers[n]) {
            taken |= strcmp(table[k].takers[n], o->cmd) == 0;
            n++;
        }
        if (taken)
            continue;
        char list[128] = "";
        for (size_t t = 0; t < n; t++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     t == 0 ? "" : t + 1 == n ? " and " : ", ", table[k].takers[t]);
        fprintf(stderr, _("plangen: %s belongs to %s, not to %s (see plangen %s --help)\n"),
                table[k].name, list, o->cmd, o->cmd);
        return 1;
    }
    return 0;
}

static const char usage_sign[] =
    "usage: plangen sign IN.pdf -o OUT.pdf --p12 FILE|--pkcs11 URI [--pass-fd N]\n"
    "                    [--as signer|organisation] [--page N --rect X1,Y1,X2,Y2]\n"
    "                    [--number TEXT] [--reason TEXT] [--location TEXT] [--data-dir DIR]\n"
    "\n"
    "Adds a digital signature to a PDF: PAdES baseline B-B (ETSI EN 319 142-1), a CMS\n"
    "SignedData (ETSI.CAdES.detached, SHA-256, signing-certificate-v2) made by OpenSSL\n"
    "with the key and certificate of a PKCS#12 file or a PKCS#11 token (the USB tokens\n"
    "of certificate authorities). The signature is appended to the bytes of IN.pdf as\n"
    "an incremental update, so that signatures already there stay valid: sign as the\n"
    "signer first, then as the issuing body (NĐ 30/2020/NĐ-CP).\n"
    "IN.pdf itself is never changed; OUT.pdf is written atomically.\n"
    "\n"
    "  --p12 FILE       the signing key and certificate (.p12 or .pfx, with its chain)\n"
    "  --pkcs11 URI     the key on a token, an RFC 7512 URI (pkcs11:token=NAME;object=LABEL);\n"
    "                   the certificate is the token's object of the same URI, type=cert.\n"
    "                   Through OpenSSL's pkcs11 engine (Debian: libengine-pkcs11-openssl)\n"
    "  --pkcs11-module LIB   the token's PKCS#11 library (default: $PLANGEN_PKCS11_MODULE,\n"
    "                   else p11-kit's proxy, which reaches the tokens p11-kit knows)\n"
    "  --pass-fd N      read the passphrase (a token's PIN) as one line from file\n"
    "                   descriptor N; without it, the environment variable\n"
    "                   PLANGEN_PASSPHRASE holds it. Never on the command line.\n"
    "  --as ROLE        signer (default) or organisation: the signature field it fills\n"
    "                   (see below)\n"
    "  --rect X1,Y1,X2,Y2   a visible signature widget over this rectangle (pt from the\n"
    "                   page's lower left corner), on page N of --page (default 1);\n"
    "                   without it the widget is invisible\n"
    "  --reason TEXT, --location TEXT   shown by PDF readers with the signature\n"
    "  --number TEXT    the number and symbol the organisation-line shows, e.g.\n"
    "                   123/KH-UBND (default: the PDF's Info /Keywords, as rendered)\n"
    "  --data-dir DIR   where fonts/fonts.conf is (default: as render finds it)\n"
    "  SOURCE_DATE_EPOCH   sign at this time (seconds since 1970) instead of now; with an\n"
    "                   RSA key the output is then the same bytes on every run\n"
    "\n"
    "Signature fields (NĐ 30/2020/NĐ-CP): a plan rendered with --signature-image or\n"
    "--seal keeps an unsigned signature field over each image: \"signer\" over the\n"
    "signer's image (or the signature space), \"organisation\" over the seal; an\n"
    "appendix rendered as a file of its own (render --appendices files) keeps\n"
    "\"organisation-line\" at the top right of its first page. --as signer fills\n"
    "\"signer\"; --as organisation fills \"organisation\", else \"organisation-line\",\n"
    "writing the line there: the number and symbol and the signing time in Vietnam's\n"
    "time zone (ISO 8601, 2023-04-18T09:15:02+07:00), Times New Roman 10 pt. A field\n"
    "signed already is refused. Without such a field the signature is invisible (a\n"
    "note says how to get one); --page --rect places a new widget instead.\n"
    "\n"
    "exit status: 0 signed, 1 refused (a bad PDF, key or passphrase), 2 usage error,\n"
    "3 the output could not be written.\n";

static const char usage_verify[] =
    "usage: plangen verify PDF [--ca FILE]\n"
    "\n"
    "Lists each signature of PDF: the signer (subject CN), the signing time (/M), the\n"
    "certificate's issuer and validity, whether the bytes it covers are intact (the\n"
    "digest in the signature matches them), and whether the file was changed after it\n"
    "(bytes after its revision: later signatures, or edits that no signature covers,\n"
    "reported at the end). The certificate is checked against no trust store unless\n"
    "--ca FILE (PEM certificates to trust) is given.\n"
    "\n"
    "exit status: 0 every signature intact (and trusted, with --ca), 1 otherwise or no\n"
    "signature, 2 usage error.\n";

static const char usage_user[] =
    "usage: plangen user add FILE NAME FOLDER... [--password-stdin]\n"
    "       plangen user list FILE\n"
    "       plangen user remove FILE NAME\n"
    "\n"
    "Keeps the accounts of 'plangen serve --users FILE'. FILE is text, one account a\n"
    "line: NAME:HASH:FOLDERS, HASH a yescrypt password hash, FOLDERS the folders the\n"
    "account may write, comma-separated, relative to the plans root ('.' for all);\n"
    "an account reads those folders and the folders above them.\n"
    "\n"
    "  add     adds NAME, or replaces its password and folders; asks for the password\n"
    "          twice on the terminal, or reads one line from standard input with\n"
    "          --password-stdin. The file is written atomically, created with mode 0600.\n"
    "  list    prints each account and the folders it may write\n"
    "  remove  removes NAME\n"
    "\n"
    "exit status: 0 done, 1 refused (a bad name or folder, passwords that differ),\n"
    "2 usage error.\n";

static int cmd_sign(int argc, char **argv)
{
    return pg_sign_main(argc, argv, usage_sign);
}

static int cmd_verify(int argc, char **argv)
{
    return pg_verify_main(argc, argv, usage_verify);
}

/* --lang vi|en, given anywhere (every command takes it, sign, verify, serve and
 * user included): taken out of argv so that no command's own option loop sees
 * it. Without it the environment chooses (LANG...), but for serve: the web
 * editor is the clerks' tool, so a server speaks Vietnamese (the findings'
 * details in the editor, its help and its messages) unless --lang en is given.
 * Returns 0 (after a message) for a bad or missing value. */
static int take_lang(int *argc, char **argv)
{
    const char *lang = NULL;
    int n = 1, ok = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[n++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--lang") == 0 || strncmp(argv[i], "--lang=", 7) == 0) {
            const char *v = argv[i][6] == '=' ? argv[i] + 7 : i + 1 < *argc ? argv[++i] : NULL;
            if (!v || (strcmp(v, "vi") != 0 && strcmp(v, "en") != 0)) {
                ok = 0;
                lang = lang ? lang : v ? v : "";
            } else if (ok) {
                lang = v;
            }
            continue;
        }
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    *argc = n;
    if (ok && !lang && n >= 2 && strcmp(argv[1], "serve") == 0)
        lang = "vi";
    pg_i18n_init(ok ? lang : NULL);
    if (!ok)
        pg_cli_say("plangen: --lang takes vi (Vietnamese) or en (English), not \"%s\"", lang);
    return ok;
}

int pg_cli_main(int argc, char **argv)
{
    if (!take_lang(&argc, argv))
        return EXIT_USAGE;
    pg_timing_mark("language of messages");
    /* serve and user take options of their own */
    if (argc >= 2 && strcmp(argv[1], "serve") == 0) {
        const pg_serve_api *serve = pg_serve_module();
        return serve ? serve->serve_main(argc - 1, argv + 1, pg_data_dir_default(NULL))
                     : EXIT_SYSTEM;
    }
    if (argc >= 2 && strcmp(argv[1], "user") == 0) {
        for (int i = 2; i < argc; i++)
            if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
                fputs(_(usage_user), stdout);
                return EXIT_OK;
            }
        const pg_serve_api *serve = pg_serve_module();
        return serve ? serve->user_main(argc - 1, argv + 1) : EXIT_SYSTEM;
    }
    /* sign and verify take options of their own (sign.c) */
    if (argc >= 2 && strcmp(argv[1], "sign") == 0)
        return cmd_sign(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    options o = {.dpi = 60, .appendix_files = -1}; /* -1: --appendices not given */
    int bad = 0, dpi_given = 0;
    o.inputs = pg_xcalloc((size_t)argc + 1, sizeof *o.inputs);
    o.sets = pg_xcalloc((size_t)argc + 1, sizeof *o.sets);
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc && !bad; i++) {
        const char *a = argv[i];
        const char *v;
        long long *limit;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(_(command_usage(o.cmd)), stdout);
            rc = EXIT_OK;
            goto done;
        } else if (strcmp(a, "--version") == 0) {
            const char *how = NULL;
            const char *dir = o.data_dir ? o.data_dir : pg_data_dir_default(&how);
            /* how: a variable's name, or words of datadir.c marked N_ */
            printf(_("plangen %s\ndata folder: %s (%s)\n"), PG_VERSION, dir,
                   how ? _(how) : "--data-dir");
            rc = EXIT_OK;
            goto done;
        } else if ((v = opt_value(argc, argv, &i, "-o", &bad))) {
            o.out = v;
        } else if ((v = opt_value(argc, argv, &i, "--png", &bad))) {
            o.png_dir = v;
        } else if ((v = opt_value(argc, argv, &i, "--format", &bad))) {
            o.format = v;
            if (strcmp(v, "pdf") != 0 && strcmp(v, "docx") != 0 && strcmp(v, "odt") != 0) {
                fprintf(stderr, _("plangen: --format takes pdf, docx or odt\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--appendices", &bad))) {
            o.appendix_files = strcmp(v, "files") == 0 ? 1 : strcmp(v, "inline") == 0 ? 0 : -2;
            if (o.appendix_files < 0) {
                fprintf(stderr, _("plangen: --appendices takes inline (the default: after the "
                                  "plan, in its PDF) or files (a PDF for each appendix)\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--dpi", &bad))) {
            char *end = NULL;
            dpi_given = 1;
            o.dpi = strtod(v, &end);
            /* 600 dpi is a print proof; 1200 took 37 s for 7 pages, for nothing seen */
            if (*end || end == v || !(o.dpi >= 10 && o.dpi <= 600)) {
                fprintf(stderr, _("plangen: --dpi takes a number from 10 to 600 (PNG pages are "
                                  "for a look; the PDF is the document at any resolution)\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--style", &bad))) {
            o.style = v;
        } else if ((v = opt_value(argc, argv, &i, "--signature-image", &bad))) {
            o.signature_image = v;
        } else if ((v = opt_value(argc, argv, &i, "--seal", &bad))) {
            o.seal = v;
        } else if ((v = opt_value(argc, argv, &i, "--seal-diameter", &bad))) {
            char *end = NULL;
            o.seal_diameter = strtod(v, &end);
            if (*end || end == v || !(o.seal_diameter >= 20 && o.seal_diameter <= 60)) {
                fprintf(stderr, _("plangen: --seal-diameter takes the seal's real diameter in mm, "
                                  "20 to 60 (default: the plan's seal-diameter, else 40)\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--stage", &bad))) {
            o.stage = v;
        } else if ((v = opt_value(argc, argv, &i, "--data-dir", &bad))) {
            o.data_dir = v;
        } else if (strcmp(a, "--strict") == 0) {
            o.strict = 1;
        } else if (strcmp(a, "--no-pdfa") == 0) {
            o.no_pdfa = 1;
        } else if (strcmp(a, "--fix") == 0) {
            o.fix = 1;
        } else if (strcmp(a, "--force") == 0) {
            o.force = 1;
        } else if ((v = opt_value(argc, argv, &i, "--set", &bad))) {
            o.sets[o.n_sets++] = v;
        } else if ((v = opt_value(argc, argv, &i, "--from", &bad))) {
            o.from = v;
        } else if ((v = opt_value(argc, argv, &i, "--units", &bad))) {
            o.units = v;
        } else if ((v = opt_value(argc, argv, &i, "--issuer", &bad))) {
            o.issuer = v;
        } else if ((v = opt_value(argc, argv, &i, "--parent-body", &bad))) {
            o.parent_body = v;
        } else if ((v = opt_value(argc, argv, &i, "--symbol", &bad))) {
            o.symbol = v;
        } else if ((v = opt_value(argc, argv, &i, "--date", &bad))) {
            o.date = v;
        } else if ((v = opt_value(argc, argv, &i, "--root", &bad))) {
            o.root = v;
        } else if ((v = opt_value(argc, argv, &i, "-j", &bad))) {
            char *end = NULL;
            errno = 0;
            long n = strtol(v, &end, 10);
            o.jobs = errno || *end || end == v || n < 1 || n > 256 ? 0 : (int)n;
            if (!o.jobs) {
                fprintf(stderr, _("plangen: -j takes a number of workers from 1 to 256\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--junit", &bad))) {
            o.junit = v;
        } else if ((v = opt_value(argc, argv, &i, "--report", &bad))) {
            o.report = v;
            if (strcmp(v, "json") != 0) {
                fprintf(stderr, _("plangen: --report takes json\n"));
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--diagnostics-format", &bad))) {
            o.diag_out_given = 1;
            if (!pg_diag_out_from_name(v, &o.diag_out)) {
                pg_cli_say("plangen: --diagnostics-format takes human (the default), json or "
                           "sarif, not \"%s\"",
                           v);
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--shard", &bad))) {
            o.shard = v;
        } else if ((limit = limit_option(&o, argc, argv, &i, &v, &bad))) {
            /* the limits: a positive number up to 2^40 (--max-depth capped at 10,000) */
            char *end = NULL;
            errno = 0;
            long long n = strtoll(v, &end, 10);
            if (errno || *end || end == v || n < 1 || n > (1LL << 40)) {
                fprintf(stderr, _("plangen: %s takes a positive number\n"), a);
                bad = 1;
            } else {
                *limit = limit == &o.max_depth && n > 10000 ? 10000 : n;
            }
        } else if (strcmp(a, "--check-only") == 0) {
            o.check_only = 1;
        } else if (strcmp(a, "--prune") == 0) {
            o.prune = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            if (!bad)
                pg_cli_say("plangen: unknown option %s (see plangen %s%s--help)", a,
                        o.cmd ? o.cmd : "", o.cmd ? " " : "");
            bad = 1;
        } else if (!o.cmd) {
            o.cmd = a;
            if (!command_usage(a)) {
                pg_cli_say("plangen: unknown command '%s' (see plangen --help)", a);
                bad = 1;
            }
        } else {
            o.inputs[o.n_inputs++] = a;
        }
    }
    if (bad)
        goto done;
    /* json and sarif are read by programs: their diagnostics stay English (the
     * details are formatted as they are found, so the whole run is English) */
    if (o.diag_out != PG_DIAG_OUT_HUMAN)
        pg_i18n_init("en");
    if (!o.cmd) {
        fputs(_(usage_main), stderr);
        goto done;
    }
    if (strcmp(o.cmd, "fonts") != 0 && strcmp(o.cmd, "new") != 0 && strcmp(o.cmd, "build") != 0 &&
        o.n_inputs == 0) {
        fprintf(stderr, _("plangen: %s needs a plan file\n\n%s"), o.cmd, _(command_usage(o.cmd)));
        goto done;
    }
    if (refuse_foreign_options(&o, dpi_given))
        goto done;
    if (o.appendix_files == 1 && o.format && strcmp(o.format, "pdf") != 0) {
        fprintf(stderr,
                _("plangen: --appendices files writes PDF files; a %s file keeps its "
                  "appendices inline (leave out --appendices, or use --format pdf)\n"),
                strcmp(o.format, "docx") == 0 ? "DOCX" : "ODT");
        goto done;
    }
    /* json and sarif are written to standard output, which holds nothing else */
    if (o.diag_out != PG_DIAG_OUT_HUMAN && o.out && strcmp(o.out, "-") == 0 &&
        strcmp(o.cmd, "render") == 0) {
        fprintf(stderr,
                _("plangen: --diagnostics-format %s writes to standard output, where -o - "
                  "writes the PDF; give -o FILE\n"),
                o.diag_out == PG_DIAG_OUT_JSON ? "json" : "sarif");
        goto done;
    }
    if (o.diag_out == PG_DIAG_OUT_SARIF && o.report) {
        fprintf(stderr, _("plangen: --report json and --diagnostics-format sarif both write to "
                          "standard output; give one of them (--diagnostics-format json puts "
                          "the diagnostics in the report)\n"));
        goto done;
    }
    if (o.fix && !o.force) {
        fprintf(stderr,
                _("plangen: --fix rewrites the plan files in place; give --force as well\n"));
        goto done;
    }

    const char *how = NULL;
    const char *data = o.data_dir ? o.data_dir : pg_data_dir_default(&how);
    if (!pg_data_dir_check(data, how))
        goto done;
    session s = {.o = &o};
    snprintf(s.creator, sizeof s.creator, "plangen %s", PG_VERSION);
    char *create_date = NULL;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        create_date = iso_date_from_epoch(sde);
        if (!create_date)
            pg_cli_say("plangen: warning: SOURCE_DATE_EPOCH=\"%s\" is not a number of "
                       "seconds; using each plan's date", sde);
        else if (strlen(create_date) != 20) { /* "YYYY-MM-DDTHH:MM:SSZ": past 9999 */
            pg_cli_say("plangen: error: SOURCE_DATE_EPOCH=\"%s\" lies past the year 9999; a "
                       "PDF date has four digits of year: give at most 253402300799", sde);
            free(create_date);
            goto done;
        }
    }
    const char *today_env = getenv("PLANGEN_TODAY");
    if (today_env && !date_ok(today_env)) {
        pg_cli_say("plangen: error: PLANGEN_TODAY=\"%s\" is not a date; give YYYY-MM-DD "
                   "(a day that exists), or unset it for today", today_env);
        free(create_date);
        goto done;
    }
    pg_options eo = {.data_dir = data,
                     .style = o.style,
                     .root = o.root,
                     .create_date = create_date,
                     .today = today_env,
                     .creator = s.creator,
                     .max_size = o.max_size,
                     .max_depth = o.max_depth,
                     .max_nodes = o.max_nodes,
                     .max_text = o.max_text,
                     .max_image_pixels = o.max_image_pixels,
                     .max_image_bytes = o.max_image_bytes,
                     .signature_image = o.signature_image,
                     .seal = o.seal,
                     .no_pdfa = o.no_pdfa,
                     .seal_diameter = o.seal_diameter,
                     .appendix_files = o.appendix_files == 1,
                     /* one plan laid out once: no layout is laid out again */
                     .layout_cache_bytes = (strcmp(o.cmd, "render") == 0 ||
                                            strcmp(o.cmd, "check") == 0) && o.n_inputs == 1
                                               ? (size_t)1 << 20
                                               : 0,
                     /* only build (its cache) and watch (what changed) use the
                        hashes of what a run read */
                     .unhashed_reads = strcmp(o.cmd, "build") != 0 && strcmp(o.cmd, "watch") != 0,
                     .fix = o.fix};
    s.engine = pg_engine_new(&eo);
    free(create_date);
    pg_timing_mark("command line, engine");
    if (strcmp(o.cmd, "render") == 0)
        rc = cmd_render(&s);
    else if (strcmp(o.cmd, "watch") == 0)
        rc = cmd_watch(&s);
    else if (strcmp(o.cmd, "check") == 0)
        rc = cmd_check(&s);
    else if (strcmp(o.cmd, "dump") == 0)
        rc = cmd_dump(&s);
    else if (strcmp(o.cmd, "diff") == 0)
        rc = cmd_diff(&s);
    else if (strcmp(o.cmd, "derive") == 0)
        rc = cmd_derive(&s);
    else if (strcmp(o.cmd, "new") == 0)
        rc = cmd_new(&s);
    else if (strcmp(o.cmd, "import") == 0)
        rc = cmd_import(&s);
    else if (strcmp(o.cmd, "build") == 0)
        rc = pg_cmd_build(&s);
    else
        rc = cmd_fonts(&s);
    /* the one document of --diagnostics-format (a build's --report json holds them) */
    if (o.diag_out == PG_DIAG_OUT_JSON && rc != EXIT_USAGE && !o.report)
        pg_diag_json_write(&s.emitted, stdout);
    else if (o.diag_out == PG_DIAG_OUT_SARIF && rc != EXIT_USAGE)
        pg_diag_sarif_write(&s.emitted, PG_VERSION, stdout);
    rc = streams_written(rc);
    pg_timing_mark("diagnostics, streams closed");
    pg_timing_report();
#ifndef PG_FULL_TEARDOWN
    /* Everything is written and closed: the kernel takes back the memory, the
     * font map and the caches faster than freeing them piece by piece (5 % of a
     * one-plan run, measured with bench/). Memory still reachable here is not
     * a leak; valgrind still finds what was lost on the way (.ci/valgrind), and
     * the sanitised build frees everything so that LeakSanitizer checks it. */
    fflush(NULL);
    _Exit(rc);
#endif
    pg_forget_process_caches();
    pg_engine_free(s.engine);
    pg_diag_list_free(&s.emitted);
done:
    rc = streams_written(rc);
    free(o.inputs);
    free(o.sets);
    xmlCleanupParser();
    return rc;
}
