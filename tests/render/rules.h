/* rules.h - the checkable rules of shared/spec/standards.md §7 for the Party
 * standard (HD 36), evaluated on a PDF read back with pdfread. */
#ifndef PG_TEST_RULES_H
#define PG_TEST_RULES_H

#include "pdfread.h"

/* Evaluates rule id ("R1", "R15" ...) on d. Returns NULL when it holds, else a
 * heap string (g_free) saying what is wrong. Unknown ids return an error. */
char *rule_check(pr_doc *d, const char *id);

/* Ids of every rule this file implements, NULL-terminated. */
extern const char *const rule_ids[];

/* The same for the state standard (NĐ 30): rule ids R5, R8-R14, ... */
char *rule_check_state(pr_doc *d, const char *id);
extern const char *const rule_ids_state[];

#endif
