/* i18n.c - chooses the language of messages and binds gettext's catalogue. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "i18n.h"

#include "datadir.h"

#include <locale.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *chosen = "en";

/* The first of the variables gettext reads that is set and not empty. */
static const char *env_first(const char *const *names)
{
    for (; *names; names++) {
        const char *v = getenv(*names);
        if (v && *v)
            return v;
    }
    return NULL;
}

/* 1 when the messages locale of the environment (LC_ALL, LC_MESSAGES, LANG,
 * the first set and not empty) is one under which gettext translates: not C or
 * POSIX, where it ignores LANGUAGE too. */
static int env_localised(void)
{
    static const char *const locale_vars[] = {"LC_ALL", "LC_MESSAGES", "LANG", NULL};
    const char *loc = env_first(locale_vars);
    return loc && strcmp(loc, "C") != 0 && strcmp(loc, "POSIX") != 0;
}

/* 1 when the locale name is Vietnamese (vi, vi_VN.UTF-8, vi@...). */
static int is_vi(const char *loc)
{
    return strncmp(loc, "vi", 2) == 0 && (loc[2] == '\0' || strchr("_.@", loc[2]));
}

int pg_i18n_init(const char *lang)
{
    if (lang && strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
        return 0;
    static const char *const locale_vars[] = {"LC_ALL", "LC_MESSAGES", "LANG", NULL};
    if (lang ? strcmp(lang, "en") == 0 : !env_localised()) {
        /* the "C" messages locale: every message is its English msgid */
        setlocale(LC_MESSAGES, "C");
    } else {
        /* glibc's gettext ignores LANGUAGE under the "C" messages locale, and a
         * fresh system has no vi_VN locale: C.UTF-8 takes LANGUAGE, which then
         * chooses the catalogue as gettext reads it (a LANGUAGE of the
         * environment wins over LANG, as always); a Vietnamese locale or --lang
         * vi sets it when it is not set. */
        setlocale(LC_CTYPE, "C.UTF-8");
        setlocale(LC_MESSAGES, "C.UTF-8");
        static const char *const language[] = {"LANGUAGE", NULL};
        if (lang || (is_vi(env_first(locale_vars)) && !env_first(language)))
            setenv("LANGUAGE", "vi", 1); /* an empty LANGUAGE counts as unset */
    }
    bindtextdomain(PG_TEXT_DOMAIN, pg_locale_dir());
    textdomain(PG_TEXT_DOMAIN); /* the domain of ngettext */
    bind_textdomain_codeset(PG_TEXT_DOMAIN, "UTF-8");
    /* what gettext chose: a message of the catalogue, translated or not */
    chosen = strcmp(dgettext(PG_TEXT_DOMAIN, "error"), "error") != 0 ? "vi" : "en";
    /* Vietnamese asked for and not found (a damaged installation): say so once,
     * rather than answer in English as if nothing were wrong */
    static const char *const language_var[] = {"LANGUAGE", NULL};
    const char *loc = env_first(locale_vars), *language = env_first(language_var);
    int asked_vi = lang ? strcmp(lang, "vi") == 0
                        : env_localised() && ((language && is_vi(language)) ||
                                              (!language && loc && is_vi(loc)));
    if (asked_vi && strcmp(chosen, "en") == 0)
        fprintf(stderr,
                "plangen: warning: the Vietnamese messages (%s/vi/LC_MESSAGES/%s.mo) cannot be "
                "read; messages are in English\n",
                pg_locale_dir(), PG_TEXT_DOMAIN);
    return 1;
}

const char *pg_i18n_lang(void)
{
    return chosen;
}
