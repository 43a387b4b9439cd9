/* Unit tests of the accounts of `plangen serve` (serve_auth.c): the users
 * file, logins and their throttling, sessions and CSRF tokens, the rate limit,
 * folder rights, the save log and the `plangen user` command. Times are given
 * explicitly: nothing sleeps. */
#include "serve_auth.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char hash_a[] =
    "$y$j9T$xwKKJ/Y/ZpKMVc5qLOXqP/$ueo9FO30Yc/vBfO.iGFaCYo38ZAPWjaIm9tXp6.oXs3";

/* The diagnostics of parsing text, one formatted line each, joined by '\n'. */
static char *parse_errors(const char *text, size_t len, pg_users *u)
{
    pg_diag_list d = {0};
    int ok = pg_users_parse(text, len, "users", u, &d);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < d.n; i++) {
        char *line = pg_diag_format(&d.items[i]);
        g_string_append_printf(s, "%s%s", i ? "\n" : "", line);
        free(line);
    }
    cr_assert_eq(ok, d.n == 0, "returns 1 exactly when there is no diagnostic");
    if (!ok)
        cr_assert(u->n == 0 && u->accounts == NULL, "a failed parse leaves no account");
    pg_diag_list_free(&d);
    return g_string_free(s, FALSE);
}

static void expect_error(const char *text, const char *want)
{
    pg_users u;
    char *got = parse_errors(text, strlen(text), &u);
    cr_assert_str_eq(got, want, "for %s", text);
    g_free(got);
    pg_users_free(&u);
}

Test(users, parse_good_file)
{
    GString *t = g_string_new("# tài khoản\n\n   \n");
    g_string_append_printf(t, "an:%s:./tinh-uy//huyen-a/,tinh-uy/huyen-a,tinh-uy/xã-c\r\n", hash_a);
    g_string_append_printf(t, "b.c_d-9:%s:.", hash_a); /* no newline at the end */
    pg_users u;
    char *errors = parse_errors(t->str, t->len, &u);
    cr_assert_str_eq(errors, "");
    cr_assert_eq(u.n, 2);
    cr_assert_str_eq(u.accounts[0].name, "an");
    cr_assert_str_eq(u.accounts[0].hash, hash_a);
    cr_assert_eq(u.accounts[0].n_write, 2, "normalised, then the same folder once");
    cr_assert_str_eq(u.accounts[0].write[0], "tinh-uy/huyen-a");
    cr_assert_str_eq(u.accounts[0].write[1], "tinh-uy/xã-c");
    cr_assert_str_eq(u.accounts[1].name, "b.c_d-9");
    cr_assert_eq(u.accounts[1].n_write, 1);
    cr_assert_str_eq(u.accounts[1].write[0], ".");
    g_free(errors);
    pg_users_free(&u);
    g_string_free(t, TRUE);
}

Test(users, parse_errors_name_file_line_col)
{
    expect_error("An:$y$abc:a\n",
                 "users:1:1: error: invalid value: account name \"An\" is not 1 to 32 of a-z 0-9 . "
                 "_ -: rename it");
    expect_error(
        "abcdefghijabcdefghijabcdefghijabc:$y$abc:a\n",
        "users:1:1: error: invalid value: account name "
        "\"abcdefghijabcdefghijabcdefghijabc\" is not 1 to 32 of a-z 0-9 . _ -: rename it");
    expect_error("# x\nan:$6$abc$def:a\n",
                 "users:2:4: error: invalid value: the password hash is not a yescrypt hash "
                 "(\"$y$...\"): set the password again with `plangen user add`");
    expect_error("an:$y$abc:\n",
                 "users:1:11: error: invalid value: no folder after the second ':': give at least "
                 "one folder the account writes (\".\" for all of the plans folder)");
    expect_error("an:$y$abc:a,/etc\n",
                 "users:1:13: error: invalid value: folder \"/etc\" is absolute: give it relative "
                 "to the plans folder (\".\" for all of it)");
    expect_error("an:$y$abc:a/../b\n",
                 "users:1:11: error: invalid value: folder \"a/../b\" contains \"..\": give the "
                 "folder inside the plans folder without \"..\"");
    expect_error("an:$y$abc:a,,b\n",
                 "users:1:13: error: invalid value: folder \"\" is empty: give a folder relative "
                 "to the plans folder (\".\" for all of it)");
    expect_error("an:$y$abc:a,\n",
                 "users:1:13: error: invalid value: empty folder after the last ',': remove the "
                 "','");
    expect_error(
        "an:$y$abc\n",
        "users:1:4: error: invalid value: an account line is NAME:HASH:FOLDER[,FOLDER...], "
        "with two ':'; this line has one: write it again with `plangen user add`");
    expect_error(
        "an\n", "users:1:3: error: invalid value: an account line is NAME:HASH:FOLDER[,FOLDER...], "
                "with two ':'; this line has none: write it again with `plangen user add`");
    expect_error("an:$y$abc:a\n\nan:$y$def:b\n",
                 "users:3:1: error: invalid value: account \"an\" is already defined on line 1: "
                 "remove one of the two lines");
    expect_error(
        "an:$y$abc:a\\b\n",
        "users:1:11: error: invalid value: folder \"a\\b\" contains '\\': separate folders "
        "with '/'");
    /* every error of the file, not only the first */
    expect_error("X:$y$abc:a\nb:$y$abc:/a\n",
                 "users:1:1: error: invalid value: account name \"X\" is not 1 to 32 of a-z 0-9 . "
                 "_ -: rename it\n"
                 "users:2:10: error: invalid value: folder \"/a\" is absolute: give it relative to "
                 "the plans folder (\".\" for all of it)");
}

Test(users, parse_limits_and_bytes)
{
    /* a line over 4 KiB */
    GString *t = g_string_new("an:$y$abc:");
    while (t->len <= 4096)
        g_string_append(t, "a");
    g_string_append(t, "\nb:$y$abc:a\n");
    pg_users u;
    char *got = parse_errors(t->str, t->len, &u);
    cr_assert_str_eq(got, "users:1:4097: error: invalid value: the line is longer than 4096 "
                          "bytes: an account line is NAME:HASH:FOLDER[,FOLDER...]");
    g_free(got);
    g_string_free(t, TRUE);
    /* exactly 4 KiB is fine */
    t = g_string_new("an:$y$abc:");
    while (t->len < 4096)
        g_string_append(t, "a");
    got = parse_errors(t->str, t->len, &u);
    cr_assert_str_eq(got, "");
    pg_users_free(&u);
    g_free(got);
    g_string_free(t, TRUE);
    /* over 1 MiB */
    size_t big = (1 << 20) + 1;
    char *text = malloc(big);
    memset(text, '\n', big);
    got = parse_errors(text, big, &u);
    cr_assert_str_eq(got, "users: error: file is too large: a users file holds at most 1048576 "
                          "bytes; this one has 1048577");
    g_free(got);
    free(text);
    /* a NUL byte */
    static const char nul[] = "an:$y$a\0c:a\n";
    got = parse_errors(nul, sizeof nul - 1, &u);
    cr_assert_str_eq(got, "users:1:8: error: invalid UTF-8: a NUL byte: the users file is text; "
                          "remove it");
    g_free(got);
}

/* A fresh folder for files of a test (the caller frees the string). */
static char *temp_dir(void)
{
    char *dir = g_dir_make_tmp("pg-auth-XXXXXX", NULL);
    cr_assert_not_null(dir);
    return dir;
}

Test(users, set_then_load_round_trip_mode_0600)
{
    char *dir = temp_dir();
    char *path = g_build_filename(dir, "users", NULL);
    pg_diag_list d = {0};
    const char *fa[] = {"tinh-uy/huyen-a", "./tinh-uy/huyen-a/"};
    const char *fb[] = {"."};
    cr_assert(pg_users_set(path, "an", "mat-khau-1", fa, 2, &d));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "created with mode %o", st.st_mode & 0777);
    /* a file others may read is rewritten for its owner only */
    chmod(path, 0644);
    cr_assert(pg_users_set(path, "binh", "mat-khau-2", fb, 1, &d));
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "rewritten with mode %o", st.st_mode & 0777);
    /* comments stay; a new password replaces the line in place */
    char *text;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL));
    char *with_comment = g_strconcat("# the clerks\n", text, NULL);
    cr_assert(g_file_set_contents(path, with_comment, -1, NULL));
    chmod(path, 0600);
    const char *fa2[] = {"tinh-uy/huyen-b"};
    cr_assert(pg_users_set(path, "an", "mat-khau-3", fa2, 1, &d));
    cr_assert_eq(d.n, 0);
    pg_users u;
    cr_assert(pg_users_load(path, &u, &d));
    cr_assert_eq(u.n, 2);
    cr_assert_str_eq(u.accounts[0].name, "an");
    cr_assert_eq(u.accounts[0].n_write, 1);
    cr_assert_str_eq(u.accounts[0].write[0], "tinh-uy/huyen-b");
    cr_assert_eq(strncmp(u.accounts[0].hash, "$y$", 3), 0);
    cr_assert_str_eq(u.accounts[1].name, "binh");
    cr_assert_str_eq(u.accounts[1].write[0], ".");
    char *after;
    cr_assert(g_file_get_contents(path, &after, NULL, NULL));
    cr_assert_eq(strncmp(after, "# the clerks\nan:$y$", 19), 0, "%s", after);
    /* the password checks */
    pg_auth_opts o = {.login_required = 1, .users = &u};
    pg_auth *a = pg_auth_new(&o);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-3", "10.0.0.1", 1000), PG_LOGIN_OK);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.0.1", 1000), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "10.0.0.1", 1000), PG_LOGIN_OK);
    pg_auth_free(a);
    /* refusals name what is wrong and leave the file alone */
    const char *bad[] = {"../x"};
    cr_assert_not(pg_users_set(path, "an", "mat-khau-4", bad, 1, &d));
    cr_assert_not(pg_users_set(path, "An", "mat-khau-4", fb, 1, &d));
    cr_assert_eq(d.n, 2);
    char *line = pg_diag_format(&d.items[0]);
    cr_assert(strstr(line, "folder \"../x\" contains \"..\""), "%s", line);
    free(line);
    char *same;
    cr_assert(g_file_get_contents(path, &same, NULL, NULL));
    cr_assert_str_eq(same, after);
    g_free(same);
    g_free(after);
    g_free(text);
    g_free(with_comment);
    pg_users_free(&u);
    pg_diag_list_free(&d);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

Test(users, load_refuses_what_is_no_file)
{
    char *dir = temp_dir();
    pg_users u;
    pg_diag_list d = {0};
    cr_assert_not(pg_users_load(dir, &u, &d));
    cr_assert_eq(d.n, 1);
    cr_assert_eq(d.items[0].code, PG_E_IO);
    pg_diag_list_free(&d);
    g_rmdir(dir);
    g_free(dir);
}

/* ---- logins ---- */

static pg_users users;

/* "an" writes tinh-uy/huyen-a with the password "mat-khau-1"; "binh" writes
 * everything with "mat-khau-2". */
static void load_users(void)
{
    char *dir = temp_dir();
    char *path = g_build_filename(dir, "users", NULL);
    pg_diag_list d = {0};
    const char *fa[] = {"tinh-uy/huyen-a"}, *fb[] = {"."};
    cr_assert(pg_users_set(path, "an", "mat-khau-1", fa, 1, &d));
    cr_assert(pg_users_set(path, "binh", "mat-khau-2", fb, 1, &d));
    cr_assert(pg_users_load(path, &users, &d));
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

static void free_users(void)
{
    pg_users_free(&users);
}

Test(login, ok_bad_unknown, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {.login_required = 1, .users = &users};
    pg_auth *a = pg_auth_new(&o);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.0.1", 0), PG_LOGIN_OK);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-2", "10.0.0.1", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "an", "", "10.0.0.1", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "an", NULL, "10.0.0.1", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "ai", "mat-khau-1", "10.0.0.2", 0), PG_LOGIN_BAD);
    /* the dummy hash's password opens no account */
    cr_assert_eq(pg_auth_login(a, "ai", "plangen-dummy-password", "10.0.0.2", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, NULL, "mat-khau-1", "10.0.0.2", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "10.0.0.3", 0), PG_LOGIN_OK);
    pg_auth_free(a);
}

Test(login, throttled_after_five_failures_per_account, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {.login_required = 1, .users = &users};
    pg_auth *a = pg_auth_new(&o);
    char addr[32];
    /* four failures, each from another address: the right password still works */
    for (int i = 0; i < 4; i++) {
        snprintf(addr, sizeof addr, "10.0.1.%d", i);
        cr_assert_eq(pg_auth_login(a, "an", "sai-mat-khau", addr, 100 + i), PG_LOGIN_BAD);
    }
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.2.1", 110), PG_LOGIN_OK);
    /* a success forgets the account's failures: five more are needed */
    for (int i = 0; i < 5; i++) {
        snprintf(addr, sizeof addr, "10.0.3.%d", i);
        cr_assert_eq(pg_auth_login(a, "an", "sai-mat-khau", addr, 200 + i), PG_LOGIN_BAD,
                     "failure %d", i + 1);
    }
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.2.2", 300), PG_LOGIN_THROTTLED);
    cr_assert_eq(pg_auth_login(a, "an", "sai", "10.0.2.3", 300), PG_LOGIN_THROTTLED);
    /* another account is not touched */
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "10.0.2.4", 300), PG_LOGIN_OK);
    /* the window (15 min) after the first of the five failures, one slot frees */
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.2.5", 200 + 899), PG_LOGIN_THROTTLED);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.0.2.6", 200 + 900), PG_LOGIN_OK);
    pg_auth_free(a);
}

Test(login, throttled_after_five_failures_per_address, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {.login_required = 1, .users = &users};
    pg_auth *a = pg_auth_new(&o);
    const char *names[] = {"an", "binh", "ai", "ba", "bon"};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(pg_auth_login(a, names[i], "sai-mat-khau", "192.0.2.7", 50), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "192.0.2.7", 60), PG_LOGIN_THROTTLED);
    /* another address is not */
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "192.0.2.8", 60), PG_LOGIN_OK);
    /* an IPv6 host counts by its /64 */
    for (int i = 0; i < 5; i++) {
        char addr[64];
        snprintf(addr, sizeof addr, "2001:db8:0:1::%x", i + 1);
        cr_assert_eq(pg_auth_login(a, names[i], "sai", addr, 70), PG_LOGIN_BAD);
    }
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "2001:db8:0:1:ffff::9", 70),
                 PG_LOGIN_THROTTLED);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "2001:db8:0:2::1", 70), PG_LOGIN_OK);
    /* the window passes */
    cr_assert_eq(pg_auth_login(a, "binh", "mat-khau-2", "192.0.2.7", 50 + 15 * 60), PG_LOGIN_OK);
    pg_auth_free(a);
}

Test(login, limits_from_options, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {
        .login_required = 1, .users = &users, .login_failures = 2, .login_window = 10};
    pg_auth *a = pg_auth_new(&o);
    cr_assert_eq(pg_auth_login(a, "an", "x", "10.1.0.1", 0), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "an", "x", "10.1.0.2", 1), PG_LOGIN_BAD);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.1.0.3", 9), PG_LOGIN_THROTTLED);
    /* 10 s after the first failure, it has left the window */
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "10.1.0.3", 10), PG_LOGIN_OK);
    pg_auth_free(a);
}

/* ---- sessions ---- */

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!strchr("0123456789abcdef", *s))
            return 0;
    return 1;
}

Test(session, new_lookup_expiry_end)
{
    pg_auth_opts o = {.login_required = 1};
    pg_auth *a = pg_auth_new(&o);
    pg_session s, t, u;
    pg_auth_session_new(a, "an", 1000, &s);
    cr_assert(is_hex64(s.id) && is_hex64(s.csrf));
    cr_assert_str_eq(s.user, "an");
    pg_auth_session_new(a, "", 1000, &u);
    cr_assert_str_neq(s.id, u.id);
    cr_assert_str_neq(s.csrf, u.csrf);
    cr_assert_str_eq(u.user, "");
    cr_assert(pg_auth_session(a, s.id, 1000, &t));
    cr_assert_str_eq(t.id, s.id);
    cr_assert_str_eq(t.csrf, s.csrf);
    cr_assert_str_eq(t.user, "an");
    cr_assert_not(pg_auth_session(a, NULL, 1000, &t));
    cr_assert_not(pg_auth_session(a, "", 1000, &t));
    cr_assert_str_eq(t.id, "", "nothing is handed out for an unknown id");
    char other[65];
    memcpy(other, s.id, 65);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    cr_assert_not(pg_auth_session(a, other, 1000, &t));
    /* idle for exactly 12 h: still there; a use restarts the idle clock */
    cr_assert(pg_auth_session(a, s.id, 1000 + 12 * 3600, &t));
    cr_assert(pg_auth_session(a, s.id, 1000 + 24 * 3600, &t));
    /* idle one second longer: gone, and stays gone */
    cr_assert_not(pg_auth_session(a, s.id, 1000 + 36 * 3600 + 1, &t));
    cr_assert_not(pg_auth_session(a, s.id, 1000 + 24 * 3600, &t));
    /* ended */
    cr_assert(pg_auth_session(a, u.id, 2000, &t));
    pg_auth_session_end(a, u.id);
    pg_auth_session_end(a, u.id);
    pg_auth_session_end(a, NULL);
    cr_assert_not(pg_auth_session(a, u.id, 2000, &t));
    pg_auth_free(a);
}

Test(session, idle_time_from_options)
{
    pg_auth_opts o = {.session_idle = 60};
    pg_auth *a = pg_auth_new(&o);
    pg_session s, t;
    pg_auth_session_new(a, "", 0, &s);
    cr_assert(pg_auth_session(a, s.id, 60, &t));
    cr_assert_not(pg_auth_session(a, s.id, 121, &t));
    pg_auth_free(a);
}

Test(session, table_is_bounded)
{
    pg_auth_opts o = {0};
    pg_auth *a = pg_auth_new(&o);
    pg_session first, second, s, t;
    pg_auth_session_new(a, "", 0, &first);
    pg_auth_session_new(a, "", 0, &second);
    cr_assert(pg_auth_session(a, first.id, 1, &t)); /* first is now the most recent */
    for (int i = 2; i < 10000; i++)
        pg_auth_session_new(a, "", 2, &s);
    pg_auth_session_new(a, "", 3, &s); /* the 10,001st: the least recently used goes */
    cr_assert_not(pg_auth_session(a, second.id, 3, &t));
    cr_assert(pg_auth_session(a, first.id, 3, &t));
    cr_assert(pg_auth_session(a, s.id, 3, &t));
    pg_auth_free(a);
}

Test(session, csrf_compare)
{
    pg_auth_opts o = {0};
    pg_auth *a = pg_auth_new(&o);
    pg_session s;
    pg_auth_session_new(a, "", 0, &s);
    char token[70];
    memcpy(token, s.csrf, 65);
    cr_assert(pg_auth_csrf_ok(&s, token));
    token[63] = token[63] == '0' ? '1' : '0';
    cr_assert_not(pg_auth_csrf_ok(&s, token));
    memcpy(token, s.csrf, 65);
    token[0] = token[0] == '0' ? '1' : '0';
    cr_assert_not(pg_auth_csrf_ok(&s, token));
    memcpy(token, s.csrf, 65);
    token[63] = '\0';
    cr_assert_not(pg_auth_csrf_ok(&s, token), "a prefix is not the token");
    memcpy(token, s.csrf, 65);
    strcpy(token + 64, "0");
    cr_assert_not(pg_auth_csrf_ok(&s, token), "nor a longer string");
    cr_assert_not(pg_auth_csrf_ok(&s, ""));
    cr_assert_not(pg_auth_csrf_ok(&s, NULL));
    pg_session empty = {0};
    cr_assert_not(pg_auth_csrf_ok(&empty, ""), "a session without a token accepts none");
    pg_auth_free(a);
}

/* ---- rate limit ---- */

Test(rate, bucket_defaults)
{
    pg_auth_opts o = {0};
    pg_auth *a = pg_auth_new(&o);
    for (int i = 0; i < 100; i++)
        cr_assert(pg_auth_rate_ok(a, "10.0.0.1", 5.0), "request %d of the burst", i + 1);
    cr_assert_not(pg_auth_rate_ok(a, "10.0.0.1", 5.0));
    cr_assert(pg_auth_rate_ok(a, "10.0.0.2", 5.0), "another address has its own bucket");
    /* 50 per second: half a token after 10 ms, one and a half after 30 ms */
    cr_assert_not(pg_auth_rate_ok(a, "10.0.0.1", 5.01));
    cr_assert(pg_auth_rate_ok(a, "10.0.0.1", 5.03));
    cr_assert_not(pg_auth_rate_ok(a, "10.0.0.1", 5.03));
    /* a second later: 50 more */
    for (int i = 0; i < 50; i++)
        cr_assert(pg_auth_rate_ok(a, "10.0.0.1", 6.03), "request %d", i + 1);
    cr_assert_not(pg_auth_rate_ok(a, "10.0.0.1", 6.03));
    /* long idle: full again, never more than the burst */
    for (int i = 0; i < 100; i++)
        cr_assert(pg_auth_rate_ok(a, "10.0.0.1", 1000.0));
    cr_assert_not(pg_auth_rate_ok(a, "10.0.0.1", 1000.0));
    pg_auth_free(a);
}

Test(rate, bucket_from_options_and_many_addresses)
{
    pg_auth_opts o = {.rate_per_s = 1, .rate_burst = 2};
    pg_auth *a = pg_auth_new(&o);
    cr_assert(pg_auth_rate_ok(a, "::1", 0));
    cr_assert(pg_auth_rate_ok(a, "::1", 0));
    cr_assert_not(pg_auth_rate_ok(a, "::1", 0.5));
    cr_assert(pg_auth_rate_ok(a, "::1", 1.0));
    cr_assert_not(pg_auth_rate_ok(a, "::1", 1.0));
    /* the table stays bounded: 20,000 addresses go through */
    char addr[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.1", i / 256, i % 256);
        cr_assert(pg_auth_rate_ok(a, addr, 1.5));
    }
    pg_auth_free(a);
}

/* ---- folder rights ---- */

Test(rights, write_inside_read_above, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {.login_required = 1, .users = &users};
    pg_auth *a = pg_auth_new(&o);
    pg_session an = {.user = "an"}, binh = {.user = "binh"}, nobody = {.user = ""},
               gone = {.user = "ghost"};
    static const struct {
        const char *folder;
        int read, write;
    } table[] = {
        {"", 1, 0},
        {".", 1, 0},
        {"tinh-uy", 1, 0},
        {"tinh-uy/", 1, 0},
        {"tinh-uy/huyen-a", 1, 1},
        {"./tinh-uy//huyen-a/", 1, 1},
        {"tinh-uy/huyen-a/xa-b", 1, 1},
        {"tinh-uy/huyen-b", 0, 0},
        {"tinh-uy/huyen-b/xa-b", 0, 0},
        {"tinh-uy2", 0, 0},
        {"tinh-uy2/huyen-a", 0, 0},
        {"tinh-uy/huyen-a2", 0, 0},
        {"tinh", 0, 0},
        {"khac", 0, 0},
        {"tinh-uy/huyen-a/../huyen-b", 0, 0},
        {"/tinh-uy/huyen-a", 0, 0},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        cr_assert_eq(pg_auth_may_read(a, &an, table[i].folder), table[i].read, "read \"%s\"",
                     table[i].folder);
        cr_assert_eq(pg_auth_may_write(a, &an, table[i].folder), table[i].write, "write \"%s\"",
                     table[i].folder);
    }
    /* "." writes everything */
    cr_assert(pg_auth_may_write(a, &binh, "tinh-uy/huyen-b"));
    cr_assert(pg_auth_may_write(a, &binh, ""));
    cr_assert_not(pg_auth_may_write(a, &binh, "../x"));
    /* no account: nothing */
    cr_assert_not(pg_auth_may_read(a, &nobody, ""));
    cr_assert_not(pg_auth_may_read(a, &gone, ""));
    cr_assert_not(pg_auth_may_write(a, NULL, "tinh-uy/huyen-a"));
    const char *const *f;
    cr_assert_eq(pg_auth_write_folders(a, &an, &f), 1);
    cr_assert_str_eq(f[0], "tinh-uy/huyen-a");
    cr_assert_eq(pg_auth_write_folders(a, &nobody, &f), 0);
    pg_auth_free(a);
}

Test(rights, anonymous_on_loopback_does_everything)
{
    pg_auth_opts o = {.login_required = 0};
    pg_auth *a = pg_auth_new(&o);
    pg_session s;
    pg_auth_session_new(a, "", 0, &s);
    cr_assert(pg_auth_may_write(a, &s, "tinh-uy/huyen-b"));
    cr_assert(pg_auth_may_read(a, &s, ""));
    const char *const *f;
    cr_assert_eq(pg_auth_write_folders(a, &s, &f), 1);
    cr_assert_str_eq(f[0], ".");
    pg_auth_free(a);
}

/* ---- save log ---- */

Test(log, one_line_per_save)
{
    FILE *f = tmpfile();
    pg_auth_opts o = {.log = f};
    pg_auth *a = pg_auth_new(&o);
    pg_session s = {.user = "an"};
    pg_auth_log_save(a, &s, "10.0.0.1", "tinh-uy/ke hoach\n.xml", NULL, "abc");
    pg_auth_log_save(a, NULL, "::1", "a.xml", "abc", "def");
    char buf[512];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    /* 2026-11-29T21:00:00Z: 20 characters of time */
    cr_assert_gt(n, 42);
    char *nl = strchr(buf, '\n');
    cr_assert_not_null(nl);
    cr_assert_eq(buf[10], 'T');
    cr_assert_eq(buf[19], 'Z');
    cr_assert_eq(strncmp(buf + 20, " an 10.0.0.1 tinh-uy/ke\\x20hoach\\x0a.xml - abc\n",
                         (size_t)(nl + 1 - (buf + 20))),
                 0, "%s", buf);
    cr_assert_str_eq(nl + 21, " - ::1 a.xml abc def\n");
    pg_auth_free(a);
    fclose(f);
}

/* ---- plangen user ---- */

/* Runs pg_user_main with stdin from the text and stdout into *out. */
static int run_user(const char *in, char **out, int argc, char **argv)
{
    char *inpath, *outpath;
    int fd = g_file_open_tmp("pg-auth-in-XXXXXX", &inpath, NULL);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, in, strlen(in)), (ssize_t)strlen(in));
    close(fd);
    fd = g_file_open_tmp("pg-auth-out-XXXXXX", &outpath, NULL);
    close(fd);
    fflush(stdout);
    cr_assert_not_null(freopen(inpath, "r", stdin));
    cr_assert_not_null(freopen(outpath, "w", stdout));
    int rc = pg_user_main(argc, argv);
    fflush(stdout);
    cr_assert(g_file_get_contents(outpath, out, NULL, NULL));
    g_unlink(inpath);
    g_unlink(outpath);
    g_free(inpath);
    g_free(outpath);
    return rc;
}

Test(user_command, add_list_remove)
{
    char *dir = temp_dir();
    char *path = g_build_filename(dir, "users", NULL);
    char *out;
    char *add_an[] = {
        "user", "add", path, "an", "tinh-uy/huyen-a", "tinh-uy/huyen-c/", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-1\n", &out, 7, add_an), 0);
    g_free(out);
    char *add_binh[] = {"user", "add", "--password-stdin", path, "binh", "."};
    cr_assert_eq(run_user("mật khẩu 2\r\n", &out, 6, add_binh), 0);
    g_free(out);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    char *list[] = {"user", "list", path};
    cr_assert_eq(run_user("", &out, 3, list), 0);
    cr_assert_str_eq(out, "an\ttinh-uy/huyen-a,tinh-uy/huyen-c\nbinh\t.\n");
    g_free(out);
    /* the passwords read are the ones stored */
    pg_users u;
    pg_diag_list d = {0};
    cr_assert(pg_users_load(path, &u, &d));
    pg_auth_opts o = {.login_required = 1, .users = &u};
    pg_auth *a = pg_auth_new(&o);
    cr_assert_eq(pg_auth_login(a, "an", "mat-khau-1", "::1", 0), PG_LOGIN_OK);
    cr_assert_eq(pg_auth_login(a, "binh", "mật khẩu 2", "::1", 0), PG_LOGIN_OK);
    pg_auth_free(a);
    pg_users_free(&u);
    /* refusals: exit 1, the file untouched */
    char *before;
    cr_assert(g_file_get_contents(path, &before, NULL, NULL));
    char *short_pw[] = {"user", "add", path, "chi", ".", "--password-stdin"};
    cr_assert_eq(run_user("ngan\n", &out, 6, short_pw), 1);
    g_free(out);
    cr_assert_eq(run_user("", &out, 6, short_pw), 1, "no password at all");
    g_free(out);
    char *bad_name[] = {"user", "add", path, "Chi", ".", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-dai\n", &out, 6, bad_name), 1);
    g_free(out);
    char *long_name[] = {
        "user", "add", path, "abcdefghijabcdefghijabcdefghijabc", ".", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-dai\n", &out, 6, long_name), 1);
    g_free(out);
    char *abs_folder[] = {"user", "add", path, "chi", "/etc", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-dai\n", &out, 6, abs_folder), 1);
    g_free(out);
    char *up_folder[] = {"user", "add", path, "chi", "a/../..", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-dai\n", &out, 6, up_folder), 1);
    g_free(out);
    char *no_tty[] = {"user", "add", path, "chi", "."};
    cr_assert_eq(run_user("mat-khau-dai\nmat-khau-dai\n", &out, 5, no_tty), 1,
                 "without a terminal the password is not asked");
    g_free(out);
    char *unknown[] = {"user", "remove", path, "chi"};
    cr_assert_eq(run_user("", &out, 4, unknown), 1);
    g_free(out);
    char *after;
    cr_assert(g_file_get_contents(path, &after, NULL, NULL));
    cr_assert_str_eq(after, before);
    g_free(after);
    g_free(before);
    /* remove */
    char *remove[] = {"user", "remove", path, "an"};
    cr_assert_eq(run_user("", &out, 4, remove), 0);
    g_free(out);
    cr_assert_eq(run_user("", &out, 3, list), 0);
    cr_assert_str_eq(out, "binh\t.\n");
    g_free(out);
    /* usage */
    char *help[] = {"user", "--help"};
    cr_assert_eq(run_user("", &out, 2, help), 0);
    cr_assert(strstr(out, "plangen user add FILE NAME FOLDER... [--password-stdin]"));
    g_free(out);
    char *none[] = {"user"};
    cr_assert_eq(run_user("", &out, 1, none), 2);
    g_free(out);
    char *few[] = {"user", "add", path, "an", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-1\n", &out, 5, few), 2);
    g_free(out);
    char *what[] = {"user", "rename", path};
    cr_assert_eq(run_user("", &out, 3, what), 2);
    g_free(out);
    char *opt[] = {"user", "add", path, "an", ".", "--pasword-stdin"};
    cr_assert_eq(run_user("", &out, 6, opt), 2);
    g_free(out);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

Test(user_command, refuses_a_broken_file)
{
    char *dir = temp_dir();
    char *path = g_build_filename(dir, "users", NULL);
    cr_assert(g_file_set_contents(path, "an:$6$x:a\n", -1, NULL));
    char *out;
    char *add[] = {"user", "add", path, "binh", ".", "--password-stdin"};
    cr_assert_eq(run_user("mat-khau-2\n", &out, 6, add), 1);
    g_free(out);
    char *list[] = {"user", "list", path};
    cr_assert_eq(run_user("", &out, 3, list), 1);
    g_free(out);
    char *text;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL));
    cr_assert_str_eq(text, "an:$6$x:a\n");
    g_free(text);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

/* ---- threads ---- */

typedef struct {
    pg_auth *a;
    int index;
    pg_login_result result;
    int sessions_ok;
} worker;

static void *login_worker(void *p)
{
    worker *w = p;
    char addr[32];
    snprintf(addr, sizeof addr, "10.9.0.%d", w->index);
    w->result = pg_auth_login(w->a, "an", "sai-mat-khau", addr, 500);
    return NULL;
}

static void *session_worker(void *p)
{
    worker *w = p;
    char addr[32];
    snprintf(addr, sizeof addr, "10.8.0.%d", w->index);
    for (int i = 0; i < 2000; i++) {
        pg_session s, t;
        pg_auth_session_new(w->a, "an", i, &s);
        w->sessions_ok += pg_auth_session(w->a, s.id, i, &t) && strcmp(t.csrf, s.csrf) == 0;
        if (i % 2)
            pg_auth_session_end(w->a, s.id);
        pg_auth_rate_ok(w->a, addr, i / 1000.0);
    }
    return NULL;
}

Test(threads, logins_at_once_try_no_more_than_the_limit, .init = load_users, .fini = free_users)
{
    pg_auth_opts o = {.login_required = 1, .users = &users};
    pg_auth *a = pg_auth_new(&o);
    enum { N = 8 };
    worker w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){.a = a, .index = i};
        cr_assert_eq(pthread_create(&t[i], NULL, login_worker, &w[i]), 0);
    }
    int bad = 0, throttled = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        bad += w[i].result == PG_LOGIN_BAD;
        throttled += w[i].result == PG_LOGIN_THROTTLED;
    }
    cr_assert_eq(bad, 5, "five passwords tried, not %d", bad);
    cr_assert_eq(throttled, N - 5);
    pg_auth_free(a);
}

Test(threads, sessions_and_rates_from_many_threads)
{
    pg_auth_opts o = {0};
    pg_auth *a = pg_auth_new(&o);
    enum { N = 4 };
    worker w[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){.a = a, .index = i};
        cr_assert_eq(pthread_create(&t[i], NULL, session_worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].sessions_ok, 2000);
    }
    pg_auth_free(a);
}
