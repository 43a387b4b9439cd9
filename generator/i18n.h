/* i18n.h - the language of plangen's messages: English (the msgids) or
 * Vietnamese (generator/po/vi.po, compiled to plangen.mo), through GNU gettext.
 * The language is chosen once per process, before the first message. */
#ifndef PG_I18N_H
#define PG_I18N_H

#include <libintl.h>

#define PG_TEXT_DOMAIN "plangen"
/* a message in the chosen language; N_ marks a string translated where used */
#define _(s) dgettext(PG_TEXT_DOMAIN, s)
#define N_(s) (s)

/* Chooses the language of messages: lang "vi" or "en", or NULL for the
 * environment as gettext reads it (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE
 * when the locale is not C/POSIX). Binds the text domain to the catalogue
 * folder (pg_locale_dir). Vietnamese needs no vi_VN locale: LC_MESSAGES and
 * LC_CTYPE become C.UTF-8 and LANGUAGE "vi" (for --lang vi, or a Vietnamese
 * locale when LANGUAGE is unset or empty); LC_NUMERIC is never touched, so
 * numbers in outputs never change. Returns 0 when lang is neither "vi" nor "en". */
int pg_i18n_init(const char *lang);

/* "vi" or "en": the language gettext chose at pg_i18n_init, "en" also when the
 * catalogue is missing (a static string). */
const char *pg_i18n_lang(void);

#endif
