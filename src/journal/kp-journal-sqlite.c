/* kp-journal-sqlite.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal-private.h"

/* Always returns FALSE, so callers can "return _kp_journal_set_sqlite_error (…)". */
gboolean
_kp_journal_set_sqlite_error (GError     **error,
                              sqlite3     *db,
                              const char  *what)
{
  g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
               "%s: %s (SQLite error %d)",
               what,
               db != NULL ? sqlite3_errmsg (db) : "out of memory",
               db != NULL ? sqlite3_extended_errcode (db) : SQLITE_NOMEM);
  return FALSE;
}

sqlite3_stmt *
_kp_journal_prepare (sqlite3     *db,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not prepare a journal query");
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* The statements of every sale's creation and transition, prepared once per
 * connection: compiling one (with the triggers and indexes of the tables it writes)
 * costs more than running it, and it happens on the way to the QR. Keyed by the
 * connection, then by the SQL text, which is always a constant; a connection is used
 * by one thread at a time (its journal's mutex), so only the map needs a lock. */
static GMutex cache_lock;
static GHashTable *caches;   /* sqlite3 * → (const char *sql → sqlite3_stmt *) */

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* A statement for @sql that stays prepared, reset and without bindings. Not to be
 * finalized: g_autoptr (KpJournalCachedStmt) resets it when done. A statement cannot
 * be in use twice at once, so a function must not nest a use of the same SQL. */
KpJournalCachedStmt *
_kp_journal_prepare_cached (sqlite3     *db,
                            const char  *sql,
                            GError     **error)
{
  GHashTable *statements;
  sqlite3_stmt *stmt;

  g_mutex_lock (&cache_lock);
  if (caches == NULL)
    caches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  statements = g_hash_table_lookup (caches, db);
  if (statements == NULL)
    {
      statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          finalize_statement);
      g_hash_table_insert (caches, db, statements);
    }
  stmt = g_hash_table_lookup (statements, sql);
  g_mutex_unlock (&cache_lock);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not prepare a journal query");
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_mutex_lock (&cache_lock);
  g_hash_table_insert (statements, (gpointer) sql, stmt);
  g_mutex_unlock (&cache_lock);
  return stmt;
}

void
_kp_journal_release (KpJournalCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Finalizes the cached statements of @db, which can then be closed. */
void
_kp_journal_forget_cached (sqlite3 *db)
{
  g_mutex_lock (&cache_lock);
  if (caches != NULL)
    g_hash_table_remove (caches, db);
  g_mutex_unlock (&cache_lock);
}

/* For constant SQL without parameters (schema steps, pragmas, BEGIN/COMMIT). */
gboolean
_kp_journal_exec (sqlite3     *db,
                  const char  *sql,
                  GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _kp_journal_set_sqlite_error (error, db, "Journal statement failed");

  return TRUE;
}

/* Runs a statement that returns no rows, leaving it reset for reuse. */
gboolean
_kp_journal_step_done (sqlite3       *db,
                       sqlite3_stmt  *stmt,
                       const char    *what,
                       GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      _kp_journal_set_sqlite_error (error, db, what);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

void
_kp_journal_bind_text (sqlite3_stmt *stmt,
                       int           index,
                       const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
_kp_journal_dup_column_text (sqlite3_stmt *stmt,
                             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GDateTime *
_kp_journal_column_time (sqlite3_stmt *stmt,
                         int           column)
{
  return _kp_journal_parse_time ((const char *) sqlite3_column_text (stmt, column));
}

KpSaleState
_kp_journal_column_state (sqlite3_stmt *stmt,
                          int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  KpSaleState state = KP_SALE_STATE_NONE;

  if (text != NULL && !kp_sale_state_from_string (text, &state))
    g_warning ("Journal holds an unknown sale state “%s”", text);

  return state;
}

/* IMMEDIATE takes the write lock at once, so the reads that decide a write
 * (the compare of compare-and-set, the next sequence number) cannot be
 * overtaken by another connection. */
gboolean
_kp_journal_begin (sqlite3  *db,
                   GError  **error)
{
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return _kp_journal_set_sqlite_error (error, db, "Could not start a journal transaction");

  return TRUE;
}

/* A read transaction: the statements of a report or a search see one
 * snapshot. */
gboolean
_kp_journal_begin_read (sqlite3  *db,
                        GError  **error)
{
  if (sqlite3_exec (db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
    return _kp_journal_set_sqlite_error (error, db, "Could not start reading the journal");

  return TRUE;
}

/* On failure the transaction is rolled back: nothing of it is kept. */
gboolean
_kp_journal_commit (sqlite3  *db,
                    GError  **error)
{
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not commit to the journal");
      _kp_journal_rollback (db);
      return FALSE;
    }

  return TRUE;
}

void
_kp_journal_rollback (sqlite3 *db)
{
  /* SQLite may already have rolled back by itself (e.g. on SQLITE_FULL). */
  if (sqlite3_get_autocommit (db))
    return;

  if (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Could not roll back a journal transaction: %s", sqlite3_errmsg (db));
}

/* "2026-11-25T10:15:00+09:00": local time, whole seconds, always a numeric
 * offset (never "Z"), so every stored and exported time looks the same and
 * its first ten characters are the local date. */
char *
_kp_journal_format_time (GDateTime *datetime)
{
  g_autoptr (GDateTime) local = NULL;

  if (datetime == NULL)
    return NULL;

  local = g_date_time_to_local (datetime);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

GDateTime *
_kp_journal_parse_time (const char *text)
{
  GDateTime *datetime;

  if (text == NULL)
    return NULL;

  datetime = g_date_time_new_from_iso8601 (text, NULL);
  if (datetime == NULL)
    g_warning ("Journal holds an unreadable time “%s”", text);

  return datetime;
}

/* "2026-11-25", the form of sales.created_day. */
char *
_kp_journal_format_day (const GDate *day)
{
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  return g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (day),
                          (guint) g_date_get_month (day), (guint) g_date_get_day (day));
}

/* The local date of @datetime, as _kp_journal_format_day() writes it. */
char *
_kp_journal_day_of (GDateTime *datetime)
{
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  local = g_date_time_to_local (datetime);
  return g_date_time_format (local, "%Y-%m-%d");
}

/* Runs @stmt and reads the first column of its one row (0 when NULL),
 * leaving it reset. */
gboolean
_kp_journal_query_int64 (sqlite3       *db,
                         sqlite3_stmt  *stmt,
                         gint64        *out_value,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED,
                     "A journal query returned no row");
      else
        _kp_journal_set_sqlite_error (error, db, "A journal query failed");
      sqlite3_reset (stmt);
      return FALSE;
    }

  *out_value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

/* Appends every row of @stmt, made an item by @from_row, to @items; @what
 * says what failed if SQLite did. On failure @items may hold some of them. */
gboolean
_kp_journal_read_rows (sqlite3           *db,
                       sqlite3_stmt      *stmt,
                       KpJournalRowFunc   from_row,
                       GPtrArray         *items,
                       const char        *what,
                       GError           **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = from_row (db, stmt, error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }

  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, what);

  return TRUE;
}

/* The first of @rows, which it takes (%NULL passes an error on), or %NULL
 * with %KP_JOURNAL_ERROR_NOT_FOUND for the @what named @name if there is
 * none. */
gpointer
_kp_journal_take_first (GPtrArray   *rows,
                        const char  *what,
                        const char  *name,
                        GError     **error)
{
  g_autoptr (GPtrArray) owned G_GNUC_UNUSED = rows;

  if (rows == NULL)
    return NULL;

  if (rows->len == 0)
    {
      _kp_journal_set_not_found (error, what, name);
      return NULL;
    }

  return g_ptr_array_steal_index (rows, 0);
}

/* Steps @stmt, which looks up the @what named @name ("sale", "T1-…"):
 * TRUE on its row, or FALSE with %KP_JOURNAL_ERROR_NOT_FOUND if there is
 * none, or SQLite's error. */
gboolean
_kp_journal_step_found (sqlite3       *db,
                        sqlite3_stmt  *stmt,
                        const char    *what,
                        const char    *name,
                        GError       **error)
{
  g_autofree char *failed = NULL;

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return TRUE;

    case SQLITE_DONE:
      return _kp_journal_set_not_found (error, what, name);

    default:
      failed = g_strdup_printf ("Could not read the %s", what);
      return _kp_journal_set_sqlite_error (error, db, failed);
    }
}

/* Whether @json (%NULL counts as valid) is JSON as SQLite reads it; @what
 * says what failed if SQLite did. */
gboolean
_kp_journal_json_valid (sqlite3     *db,
                        const char  *json,
                        const char  *what,
                        gboolean    *out_valid,
                        GError     **error)
{
  g_autoptr (sqlite3_stmt) valid = NULL;

  *out_valid = TRUE;
  if (json == NULL)
    return TRUE;

  valid = _kp_journal_prepare (db, "SELECT json_valid (?1)", error);
  if (valid == NULL)
    return FALSE;

  _kp_journal_bind_text (valid, 1, json);
  if (sqlite3_step (valid) != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, what);

  *out_valid = sqlite3_column_int (valid, 0) != 0;
  return TRUE;
}
