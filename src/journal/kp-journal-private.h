/* kp-journal-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kp-journal.h"

G_BEGIN_DECLS

/* The journal's core, shared by the kp-journal*.c files and
 * tests/test-journal.c; not installed and not for the rest of the
 * application. Every concern (sales, transitions, refunds, days, reports,
 * search, CSV) includes this header and the public ones it needs, never
 * another concern's; what one concern offers another is declared here,
 * under the file that defines it. */

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

/* kp-journal.c: the runner. Every operation is a KpJournalOp, run on the
 * journal's one connection with its mutex held, so operations never
 * overlap: in a worker thread by _kp_journal_run(), or in the caller's
 * thread by _kp_journal_execute() for a _sync function. In order:
 *
 * 1. a cancelled operation stops (only here: a write that committed is
 *    reported as done, see KpJournal);
 * 2. for a write or if @clock is set, the journal's clock is read once, as
 *    @now for @check and @run (%NULL otherwise);
 * 3. @check: validates the input, before any transaction;
 * 4. @run, in the transaction of @kind, which is committed if @run returns
 *    a value and rolled back otherwise;
 * 5. @then_unlocked, with the mutex released: what must not hold up the
 *    next operation (writing a file). It takes @run's value and returns
 *    the operation's. Not for a write, whose value @result_free must free
 *    if the commit fails.
 *
 * Each step returns %NULL (%FALSE) with the error set to fail. @result_free
 * frees the operation's value; a value that only says success is
 * GINT_TO_POINTER (TRUE). */
typedef enum
{
  KP_JOURNAL_OP_READ,       /* no transaction: each statement is its own */
  KP_JOURNAL_OP_SNAPSHOT,   /* a read transaction: one snapshot for all */
  KP_JOURNAL_OP_WRITE,      /* BEGIN IMMEDIATE … COMMIT */
} KpJournalOpKind;

typedef struct
{
  KpJournalOpKind   kind;
  gboolean          clock;
  gboolean        (*check)         (gconstpointer  data,
                                    GDateTime     *now,
                                    GError       **error);
  gpointer        (*run)           (sqlite3       *db,
                                    gconstpointer  data,
                                    GDateTime     *now,
                                    GError       **error);
  gpointer        (*then_unlocked) (gpointer       value,
                                    gconstpointer  data,
                                    GError       **error);
  GDestroyNotify    result_free;
} KpJournalOp;

gpointer      _kp_journal_execute          (KpJournal          *self,
                                            const KpJournalOp  *op,
                                            gconstpointer       data,
                                            GCancellable       *cancellable,
                                            GError            **error);
void          _kp_journal_run              (KpJournal          *self,
                                            gpointer            source_tag,
                                            const KpJournalOp  *op,
                                            gpointer            data,
                                            GDestroyNotify      data_free,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gpointer      _kp_journal_finish           (KpJournal          *self,
                                            GAsyncResult       *result,
                                            gpointer            source_tag,
                                            GError            **error);

/* kp-journal.c: checks of the input, before any SQL. */
gboolean      _kp_journal_set_invalid      (GError       **error,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (2, 3);
gboolean      _kp_journal_set_not_found    (GError       **error,
                                            const char    *what,
                                            const char    *name);
gboolean      _kp_journal_check_text       (const char    *value,
                                            const char    *field,
                                            gboolean       required,
                                            GError       **error);
gboolean      _kp_journal_check_day        (gconstpointer  day,
                                            GDateTime     *now,
                                            GError       **error);
const char   *_kp_journal_state_name       (KpSaleState    state);

/* kp-journal.c, for tests: the first column of the first row of @sql, run
 * on the journal's own connection (so per-connection pragmas show). */
char         *_kp_journal_query_text       (KpJournal     *self,
                                            const char    *sql,
                                            GError       **error);

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
gboolean      _kp_journal_query_int64      (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            gint64        *out_value,
                                            GError       **error);
/* Makes an item of @stmt's current row, or returns %NULL with @error set. */
typedef gpointer (*KpJournalRowFunc)       (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            GError       **error);
gboolean      _kp_journal_read_rows        (sqlite3          *db,
                                            sqlite3_stmt     *stmt,
                                            KpJournalRowFunc  from_row,
                                            GPtrArray        *items,
                                            const char       *what,
                                            GError          **error);
gpointer      _kp_journal_take_first       (GPtrArray     *rows,
                                            const char    *what,
                                            const char    *name,
                                            GError       **error);
gboolean      _kp_journal_step_found       (sqlite3       *db,
                                            sqlite3_stmt  *stmt,
                                            const char    *what,
                                            const char    *name,
                                            GError       **error);
gboolean      _kp_journal_json_valid       (sqlite3       *db,
                                            const char    *json,
                                            const char    *what,
                                            gboolean      *out_valid,
                                            GError       **error);
void          _kp_journal_bind_text        (sqlite3_stmt  *stmt,
                                            int            index,
                                            const char    *text);
char         *_kp_journal_dup_column_text  (sqlite3_stmt  *stmt,
                                            int            column);
GDateTime    *_kp_journal_column_time      (sqlite3_stmt  *stmt,
                                            int            column);
KpSaleState   _kp_journal_column_state     (sqlite3_stmt  *stmt,
                                            int            column);
gboolean      _kp_journal_begin            (sqlite3       *db,
                                            GError       **error);
gboolean      _kp_journal_begin_read       (sqlite3       *db,
                                            GError       **error);
gboolean      _kp_journal_commit           (sqlite3       *db,
                                            GError       **error);
void          _kp_journal_rollback         (sqlite3       *db);

/* kp-journal-sqlite.c: times as stored, and days as local dates in text,
 * "2026-11-25". */
char         *_kp_journal_format_time      (GDateTime     *datetime);
GDateTime    *_kp_journal_parse_time       (const char    *text);
char         *_kp_journal_format_day       (const GDate   *day);
char         *_kp_journal_day_of           (GDateTime     *datetime);

/* kp-journal-schema.c */
sqlite3      *_kp_journal_schema_open      (const char    *path,
                                            GError       **error);
GBytes       *_kp_journal_schema_get_step  (guint          version,
                                            GError       **error);

/* kp-journal-sales.c: reading sales. */

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

/* kp-journal-refunds.c: refunds' rows, for kp-journal-transitions.c (a
 * refund made by a state transition, the API of schema 2, gets its refunds
 * row too) and kp-journal-refund-outcomes.c. */
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
KpJournalRefund *_kp_journal_read_refund            (sqlite3     *db,
                                                     const char  *refund_id,
                                                     GError     **error);

/* kp-journal-reports.c: the day report, for closing a day
 * (kp-journal-days.c). */
KpJournalDayReport *_kp_journal_build_report (sqlite3      *db,
                                              const GDate  *day,
                                              const char   *now_text,
                                              GError      **error);
char         *_kp_journal_report_to_json   (const KpJournalDayReport *report);

/* kp-journal-csv.c: RFC 4180 fields. */
void          _kp_journal_csv_append_text  (GString       *csv,
                                            const char    *field);

G_END_DECLS
