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

/* A statement of the connection's cache (_kp_journal_prepare_cached()): going out
 * of scope resets it for the next use rather than finalizing it. */
typedef sqlite3_stmt KpJournalCachedStmt;
void          _kp_journal_release          (KpJournalCachedStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalCachedStmt, _kp_journal_release)

/* kp-journal-sqlite.c: thin helpers over SQLite. SQL text is always a
 * constant of this library; values only ever travel as bound parameters. */
gboolean      _kp_journal_set_sqlite_error (GError       **error,
                                            sqlite3       *db,
                                            const char    *what);
sqlite3_stmt *_kp_journal_prepare          (sqlite3       *db,
                                            const char    *sql,
                                            GError       **error);
KpJournalCachedStmt *_kp_journal_prepare_cached (sqlite3     *db,
                                                 const char  *sql,
                                                 GError     **error);
void          _kp_journal_forget_cached    (sqlite3       *db);
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

/* kp-journal.c: the connection, the clock and the helpers the other
 * kp-journal-*.c files share. _kp_journal_lock() takes the journal's mutex
 * (operations never overlap) and returns its connection. */
sqlite3      *_kp_journal_lock             (KpJournal     *self);
void          _kp_journal_unlock           (KpJournal     *self);
GDateTime    *_kp_journal_now_locked       (KpJournal     *self);

/* The sale columns, in the order _kp_journal_sale_from_row() reads them. */
#define KP_JOURNAL_SALE_COLUMNS \
  "id, partner_order_id, partner_user_id, terminal_id, cid, dialect, state, item_name, " \
  "quantity, total_amount, tax_free_amount, vat_amount, tid, aid, pg_token, nonce, " \
  "payment_method_type, card_info, created_at, updated_at, approved_at, expires_at, " \
  "refunded_amount"

KpJournalSale *_kp_journal_sale_from_row   (sqlite3_stmt  *stmt);
KpJournalSale *_kp_journal_read_sale       (sqlite3       *db,
                                            const char    *partner_order_id,
                                            GError       **error);
char         *_kp_journal_dup_column_text  (sqlite3_stmt  *stmt,
                                            int            column);
GDateTime    *_kp_journal_column_time      (sqlite3_stmt  *stmt,
                                            int            column);
KpSaleState   _kp_journal_column_state     (sqlite3_stmt  *stmt,
                                            int            column);
gboolean      _kp_journal_set_invalid      (GError       **error,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (2, 3);
gboolean      _kp_journal_check_text       (const char    *value,
                                            const char    *field,
                                            gboolean       required,
                                            GError       **error);
const char   *_kp_journal_state_name       (KpSaleState    state);

/* An operation run with the mutex held (it takes it itself), in a worker
 * thread for _kp_journal_run_async() or in the caller's for a _sync
 * variant. Returns a new value, or %NULL with @error set. */
typedef gpointer (*KpJournalOpFunc)        (KpJournal     *self,
                                            gconstpointer  data,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* @writes: a write reports what it committed even if @cancellable fired
 * meanwhile (see KpJournal); a read reports the cancellation. */
void          _kp_journal_run_async        (KpJournal          *self,
                                            gpointer            source_tag,
                                            KpJournalOpFunc     func,
                                            gpointer            data,
                                            GDestroyNotify      data_free,
                                            GDestroyNotify      result_free,
                                            gboolean            writes,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gpointer      _kp_journal_run_finish       (KpJournal     *self,
                                            GAsyncResult  *result,
                                            gpointer       source_tag,
                                            GError       **error);

/* kp-journal-sqlite.c: days are local dates as text, "2026-11-25". */
char         *_kp_journal_format_day       (const GDate   *day);
char         *_kp_journal_day_of           (GDateTime     *datetime);
gboolean      _kp_journal_query_int64      (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            gint64        *out_value,
                                            GError       **error);

/* kp-journal-days.c: the amendments of closed days. Around every write
 * transaction: _kp_journal_amend_begin() before the first write, with the
 * days the write may touch (NULL entries skipped), checks that those of
 * them that are closed still match their seal (recording an outside
 * amendment if not) and returns a mark; _kp_journal_amend_end() claims the
 * amendments the triggers recorded since the mark as the journal's and
 * seals the new hash of each day they touched. */
gboolean      _kp_journal_amend_begin      (sqlite3            *db,
                                            const char * const *days,
                                            guint               n_days,
                                            const char         *now_text,
                                            gint64             *out_mark,
                                            GError            **error);
gboolean      _kp_journal_amend_end        (sqlite3       *db,
                                            gint64         mark,
                                            const char    *now_text,
                                            GError       **error);
char         *_kp_journal_day_hash         (sqlite3       *db,
                                            const char    *day,
                                            GError       **error);

/* kp-journal-refunds.c, for kp_journal_transition_async(): a refund made by
 * a state transition (the API of schema 2) gets its refunds row too. */
gboolean      _kp_journal_check_no_refund_in_flight (sqlite3     *db,
                                                     gint64       sale_id,
                                                     const char  *partner_order_id,
                                                     GError     **error);
gboolean      _kp_journal_record_transition_refund  (sqlite3     *db,
                                                     gint64       sale_id,
                                                     const char  *partner_order_id,
                                                     gint64       old_refunded,
                                                     gint64       new_refunded,
                                                     const char  *now_text,
                                                     const char  *detail,
                                                     GError     **error);

/* kp-journal-schema.c */
sqlite3      *_kp_journal_schema_open      (const char    *path,
                                            GError       **error);
GBytes       *_kp_journal_schema_get_step  (guint          version,
                                            GError       **error);

/* kp-journal-csv.c */
void          _kp_journal_csv_append_field (GString       *csv,
                                            const char    *field);
void          _kp_journal_csv_append_text  (GString       *csv,
                                            const char    *field);
GBytes       *_kp_journal_csv_build        (sqlite3       *db,
                                            GError       **error);

/* kp-journal.c, for tests: the first column of the first row of @sql, run
 * on the journal's own connection (so per-connection pragmas show). */
char         *_kp_journal_query_text       (KpJournal     *self,
                                            const char    *sql,
                                            GError       **error);

G_END_DECLS
