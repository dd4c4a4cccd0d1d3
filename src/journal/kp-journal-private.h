/* kp-journal-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kp-journal.h"

G_BEGIN_DECLS

/* Shared by the kp-journal*.c files and tests/test-journal.c; not installed
 * and not for the rest of the application. */

#define KP_JOURNAL_RESOURCE_PREFIX "/io/github/kppos/KakaoPayPos/journal/"

/* How long a statement waits for another connection's lock. */
#define KP_JOURNAL_BUSY_TIMEOUT_MS 5000

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* kp-journal-sqlite.c: thin helpers over SQLite. SQL text is always a
 * constant of this library; values only ever travel as bound parameters. */
gboolean      _kp_journal_set_sqlite_error (GError       **error,
                                            sqlite3       *db,
                                            const char    *what);
sqlite3_stmt *_kp_journal_prepare          (sqlite3       *db,
                                            const char    *sql,
                                            GError       **error);
gboolean      _kp_journal_exec             (sqlite3       *db,
                                            const char    *sql,
                                            GError       **error);
gboolean      _kp_journal_step_done        (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            const char    *what,
                                            GError       **error);
void          _kp_journal_bind_text        (sqlite3_stmt  *stmt,
                                            int            index,
                                            const char    *text);
gboolean      _kp_journal_begin            (sqlite3       *db,
                                            GError       **error);
gboolean      _kp_journal_commit           (sqlite3       *db,
                                            GError       **error);
void          _kp_journal_rollback         (sqlite3       *db);
char         *_kp_journal_format_time      (GDateTime     *datetime);
GDateTime    *_kp_journal_parse_time       (const char    *text);

/* kp-journal-schema.c */
sqlite3      *_kp_journal_schema_open      (const char    *path,
                                            GError       **error);
GBytes       *_kp_journal_schema_get_step  (guint          version,
                                            GError       **error);

/* kp-journal-csv.c */
void          _kp_journal_csv_append_field (GString       *csv,
                                            const char    *field);
GBytes       *_kp_journal_csv_build        (sqlite3       *db,
                                            GError       **error);

/* kp-journal.c, for tests: the first column of the first row of @sql, run
 * on the journal's own connection (so per-connection pragmas show). */
char         *_kp_journal_query_text       (KpJournal     *self,
                                            const char    *sql,
                                            GError       **error);

G_END_DECLS
