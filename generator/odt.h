/* odt.h - the ODT writer: a numbered document and its style -> an editable
 * OpenDocument text (LibreOffice Writer), laid out as the DOCX writer lays it
 * out (both walk the document through writer.h). */
#ifndef PG_ODT_H
#define PG_ODT_H

#include "diag.h"
#include "model.h"
#include "pages.h"
#include "style.h"

/* Writes doc (after the number stage) laid out per style to target, atomically
 * (pg_output); pages is plangen's layout of doc. Same document and style give
 * the same bytes (fixed zip times, the plan's date in meta.xml). Returns 1,
 * else 0 with a diagnostic in d. */
int pg_odt_write(const pg_doc *doc, const pg_style *style, const pg_pages *pages,
                 const char *target, pg_diag_list *d);

#endif
