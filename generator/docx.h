/* docx.h - the DOCX writer: a numbered document and its style -> an editable
 * Word file (WordprocessingML in a zip). Works from the model (Word and
 * LibreOffice reflow the text themselves), taking from plangen's layout only
 * where brace groups stand and how large pictures are. */
#ifndef PG_DOCX_H
#define PG_DOCX_H

#include "diag.h"
#include "model.h"
#include "pages.h"
#include "style.h"

/* Writes doc (after the number stage) laid out per style to target, atomically
 * (pg_output); pages is plangen's layout of doc. Same document and style give
 * the same bytes (fixed zip times). Returns 1, else 0 with a diagnostic in d. */
int pg_docx_write(const pg_doc *doc, const pg_style *style, const pg_pages *pages,
                  const char *target, pg_diag_list *d);

#endif
