/* style.h - style stage: templates/styles/NAME.xml -> pg_style. A style holds
 * everything visual (page, margins, font, per-role size/weight/alignment/
 * spacing, numbering scheme, header texts and forms); a plan holds none of it.
 * A style may extend another ("extends" attribute). Styles are shared by
 * reference count, so one loaded style can serve many documents. */
#ifndef PG_STYLE_H
#define PG_STYLE_H

#include "diag.h"
#include "model.h"

typedef enum { PG_ALIGN_LEFT, PG_ALIGN_CENTER, PG_ALIGN_RIGHT, PG_ALIGN_JUSTIFY } pg_align;

typedef struct {
    double size;         /* pt */
    int bold, italic, underline, upper;
    pg_align align;
    double indent;       /* pt, first line (negative: hanging) */
    double pitch;        /* pt, baseline to baseline; 0 = 1.2 x size */
    double space_before; /* pt */
    double space_after;  /* pt */
    unsigned color;      /* 0xRRGGBB; 0 = black */
} pg_textstyle;

typedef enum {
    PG_ROLE_BODY,
    PG_ROLE_BASIS,
    PG_ROLE_ITEM,
    PG_ROLE_HEADING1,
    PG_ROLE_HEADING2,
    PG_ROLE_HEADING3,
    PG_ROLE_HEADING4, /* and deeper */
    PG_ROLE_PARENT_BODY,
    PG_ROLE_ISSUER,
    PG_ROLE_ISSUER_MARK,
    PG_ROLE_NUMBER,
    PG_ROLE_NATION,
    PG_ROLE_MOTTO,
    PG_ROLE_DATE,
    PG_ROLE_DOCTYPE,
    PG_ROLE_SUMMARY,
    PG_ROLE_SEPARATOR,
    PG_ROLE_RECIPIENTS_HEADING,
    PG_ROLE_RECIPIENT,
    PG_ROLE_SIGN_AUTHORITY,
    PG_ROLE_SIGN_TITLE,
    PG_ROLE_SIGN_NAME,
    PG_ROLE_PAGE_NUMBER,
    PG_ROLE_FOOTNOTE,
    PG_ROLE_TABLE,
    PG_ROLE_TABLE_HEADER,
    PG_ROLE_APPENDIX_LABEL,
    PG_ROLE_APPENDIX_TITLE,
    PG_ROLE_APPENDIX_ATTACHMENT,
    PG_ROLE_QR_CAPTION,
    PG_ROLE_MARK,    /* circulation (LƯU HÀNH NỘI BỘ), in a box */
    PG_ROLE_URGENCY, /* KHẨN, THƯỢNG KHẨN, HỎA TỐC, in a box */
    PG_ROLE_DRAFT,  /* the draft mark */
    PG_ROLE_TYPIST, /* typist initials and copies */
    PG_ROLE__COUNT
} pg_role;

enum { PG_STYLE_MAX_EXTENDS = 8, PG_STYLE_FILES = 2 * (PG_STYLE_MAX_EXTENDS + 1) };

typedef struct pg_style {
    int refs;
    pg_arena *arena;
    const char *name;     /* "party" */
    const char *standard; /* "Hướng dẫn 36-HD/VPTW" */
    const char *rules;    /* the lint rules' family: "hd36" or "nd30" */
    const char *file;     /* the file it was loaded from */
    /* every file it was built from: itself and what it extends (at most 9 deep), and
     * each base looked for beside a house style and not found there ("missing") */
    const char *files[PG_STYLE_FILES];
    const char *hashes[PG_STYLE_FILES]; /* SHA-256 (hex) of the bytes read, or "missing" */
    int n_files;

    double page_w, page_h;                     /* pt */
    double margin_top, margin_bottom, margin_left, margin_right; /* pt */
    const char *page_file; /* the style file whose <page> set them last; NULL: defaults */
    int page_line;
    const char *font_family;
    const char *in_force_from, *in_force_until; /* YYYY-MM-DD; NULL: open */

    pg_textstyle text[PG_ROLE__COUNT];

    /* first-page header */
    double left_block;         /* fraction of the text width taken by the left block */
    const char *nation;        /* "ĐẢNG CỘNG SẢN VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" */
    const char *motto;         /* "Độc lập - Tự do - Hạnh phúc"; NULL: none */
    const char *issuer_mark;   /* "*"; NULL: none */
    double issuer_rule;        /* rule under the issuing body, fraction of its width; 0: none */
    double summary_rule;       /* rule under the summary, fraction of its longest line; 0: none */
    int date_on_number_line;   /* the date shares the number line's baseline */
    const char *number_format; /* "Số {number}-{type}/{symbol}" */
    const char *date_format;   /* "{place}, ngày {day} tháng {month} năm {year}" */
    const char *separator;     /* "-----" under the summary; NULL: none */
    int summary_case;          /* first letter of the summary: -1 lower, 1 upper, 0 as written */
    double header_gap;         /* pt between the header blocks and the document type */
    double rule_width;         /* pt, stroke of drawn rules */

    /* body */
    const char *level_format[PG_MAX_LEVELS + 1]; /* [1..8] "I-", "1-", "1.1.", ... */
    const char *bullet_dash, *bullet_plus, *bullet_star;

    /* recipients and signature */
    const char *authority[PG_AUTH__COUNT]; /* "T/M" ...; NULL: not in this standard */
    double signature_column;   /* fraction of the text width for the recipients column */
    double signature_space;    /* pt between the title line and the name */
    double closing_gap;        /* pt between the body and the recipients/signature row */
    const char *recipients_heading; /* "Nơi nhận:" */
    const char *recipient_end;      /* "," */
    const char *archive_format;     /* "- Lưu {archive}." */
    const char *purpose_format;     /* "({purpose})" */
    int purpose_after_end;          /* 1: "- X, (b/c)"; 0: "- X (b/c)," */

    /* the generated basis sentence: lead + citations joined + close */
    const char *basis_lead;  /* "Thực hiện " */
    const char *basis_cite;  /* "{type} số {ref}, ngày {d}/{m}/{yyyy} của {issuer}" */
    const char *basis_about; /* " về {summary}" */
    const char *basis_join;  /* "; " */
    const char *basis_close; /* ", {own} xây dựng {type} triển khai thực hiện như sau:" */

    /* marks */
    const char *draft_text;     /* "DỰ THẢO" / "Dự thảo" ("{n}" appended when numbered) */
    const char *typist_format;  /* "{typist}.({copies})" */

    /* page numbers */
    double page_number_top; /* pt from the top edge to the top of the number */
    int page_number_from;   /* first page that shows its number */

    /* footnotes */
    double footnote_rule;   /* pt, length of the short rule above the notes */
    double footnote_gap;    /* pt between the body and that rule */
    double mark_scale;      /* size of a note mark relative to its text */
    double mark_rise;       /* pt a note mark is raised */

    /* tables */
    double cell_padding;    /* pt inside each cell */
    double border_width;    /* pt */

    /* QR codes */
    double qr_size;         /* pt, side of the code */
    pg_align qr_align;

    /* appendices */
    const char *reference_format; /* "{number}-{type}/{symbol}" */
    const char *appendix_label;   /* "PHỤ LỤC" */
    int appendix_roman;           /* number several appendices I, II (else 1, 2) */
    const char *attachment_format; /* "(kèm theo {type} số {ref}, ngày {d}/{m}/{yyyy} của {cited})" */
    int appendix_restart;         /* page numbers restart in each appendix */
} pg_style;

/* Name of a role as written in style files ("body", "heading1" ...). */
const char *pg_role_name(pg_role r);

/* Loads the style file at path (following "extends" within dir of path).
 * Returns NULL on error, with diagnostics appended. The caller releases it
 * with pg_style_unref(). */
pg_style *pg_style_load(const char *path, pg_diag_list *diags);
/* Loads style NAME from styles_dir/NAME.xml, or path itself when name holds a '/'
 * (a house style kept anywhere: a base it extends that is not beside it is taken
 * from styles_dir, so extends="party" finds the installed party.xml). */
pg_style *pg_style_load_named(const char *styles_dir, const char *name, pg_diag_list *diags);
pg_style *pg_style_ref(pg_style *s);
void pg_style_unref(pg_style *s);

/* Parses a length: "14pt", "10mm", "1cm", "0.5in", or a bare number in pt.
 * Returns 1 and sets *pt on success. */
int pg_length_parse(const char *s, double *pt);

#endif
