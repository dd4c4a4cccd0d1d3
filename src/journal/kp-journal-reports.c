/* kp-journal-reports.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

/* The day report (the X report, or the Z report when the day is closed by
 * kp-journal-days.c): what a day's sales and refunds come to, what is still
 * unfinished, and how the day was closed and amended. Read from one
 * snapshot. */

static gboolean
read_figures (sqlite3             *db,
              const char          *day,
              KpJournalDayReport  *report,
              GError             **error)
{
  g_autoptr (sqlite3_stmt) sales = NULL;
  g_autoptr (sqlite3_stmt) refunds = NULL;
  g_autoptr (sqlite3_stmt) ended = NULL;
  int rc;

  /* From sales_by_day_totals alone. */
  sales = _kp_journal_prepare (db,
                               "SELECT payment_method_type, count (*), sum (total_amount), "
                               "sum (vat_amount), sum (tax_free_amount) "
                               "FROM sales WHERE created_day = ?1 "
                               "AND state IN ('APPROVED', 'PARTIALLY_REFUNDED', 'REFUNDED') "
                               "GROUP BY payment_method_type",
                               error);
  refunds = sales == NULL ? NULL :
            _kp_journal_prepare (db,
                                 "SELECT s.payment_method_type, count (*), "
                                 "sum (r.cancel_amount), sum (r.cancel_vat_amount), "
                                 "sum (r.cancel_tax_free_amount) "
                                 "FROM refunds r JOIN sales s ON s.id = r.sale_id "
                                 "WHERE r.completed_day = ?1 AND r.state = 'REFUNDED' "
                                 "GROUP BY s.payment_method_type",
                                 error);
  /* Payments that ended without money: the customer or the cashier cancelled, or the
   * customer did not pay in time. */
  ended = refunds == NULL ? NULL :
          _kp_journal_prepare (db,
                               "SELECT state = 'EXPIRED', count (*) FROM sales "
                               "WHERE created_day = ?1 AND state IN ('CANCELLED_BY_CUSTOMER', "
                               "'ABORTED_BY_CASHIER', 'EXPIRED') GROUP BY 1",
                               error);
  if (ended == NULL)
    return FALSE;

  kp_journal_day_report_ensure_method (report, "MONEY");
  kp_journal_day_report_ensure_method (report, "CARD");

  _kp_journal_bind_text (sales, 1, day);
  while ((rc = sqlite3_step (sales)) == SQLITE_ROW)
    {
      KpJournalMethodTotals *totals;

      totals = kp_journal_day_report_ensure_method (report, (const char *) sqlite3_column_text (sales, 0));
      totals->count += sqlite3_column_int (sales, 1);
      totals->gross += sqlite3_column_int64 (sales, 2);
      report->n_sales += sqlite3_column_int (sales, 1);
      report->gross += sqlite3_column_int64 (sales, 2);
      report->vat += sqlite3_column_int64 (sales, 3);
      report->tax_free += sqlite3_column_int64 (sales, 4);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not add up the day's sales");

  _kp_journal_bind_text (refunds, 1, day);
  while ((rc = sqlite3_step (refunds)) == SQLITE_ROW)
    {
      KpJournalMethodTotals *totals;

      totals = kp_journal_day_report_ensure_method (report, (const char *) sqlite3_column_text (refunds, 0));
      totals->n_refunds += sqlite3_column_int (refunds, 1);
      totals->refunds += sqlite3_column_int64 (refunds, 2);
      report->n_refunds += sqlite3_column_int (refunds, 1);
      report->refunds += sqlite3_column_int64 (refunds, 2);
      report->vat -= sqlite3_column_int64 (refunds, 3);
      report->tax_free -= sqlite3_column_int64 (refunds, 4);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not add up the day's refunds");

  _kp_journal_bind_text (ended, 1, day);
  while ((rc = sqlite3_step (ended)) == SQLITE_ROW)
    {
      if (sqlite3_column_int (ended, 0))
        report->n_expired += sqlite3_column_int (ended, 1);
      else
        report->n_cancelled += sqlite3_column_int (ended, 1);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not count the day's cancellations");

  report->net = report->gross - report->refunds;
  /* What the taxable sales come to without their VAT (공급가액). */
  report->supply = report->net - report->tax_free - report->vat;
  for (guint i = 0; i < report->methods->len; i++)
    {
      KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);

      totals->net = totals->gross - totals->refunds;
    }
  kp_journal_day_report_sort_methods (report);

  return TRUE;
}

/* A sale's or a refund's row (its refund_id NULL for a sale). */
static gpointer
unfinished_from_row (sqlite3       *db,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  KpJournalUnfinished *item = g_new0 (KpJournalUnfinished, 1);

  item->partner_order_id = _kp_journal_dup_column_text (stmt, 0);
  item->state = _kp_journal_column_state (stmt, 1);
  item->refund_id = _kp_journal_dup_column_text (stmt, 2);
  item->amount = sqlite3_column_int64 (stmt, 3);
  item->since = _kp_journal_column_time (stmt, 4);

  return item;
}

static gpointer
amendment_from_row (sqlite3       *db,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  KpJournalAmendment *item = g_new0 (KpJournalAmendment, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->partner_order_id = _kp_journal_dup_column_text (stmt, 1);
  item->refund_id = _kp_journal_dup_column_text (stmt, 2);
  item->what = _kp_journal_dup_column_text (stmt, 3);
  item->at = _kp_journal_column_time (stmt, 4);
  item->by_journal = sqlite3_column_int (stmt, 5) != 0;

  return item;
}

static gboolean
read_unfinished (sqlite3             *db,
                 const char          *day,
                 const char          *now_text,
                 KpJournalDayReport  *report,
                 GError             **error)
{
  g_autoptr (sqlite3_stmt) sales = NULL;
  g_autoptr (sqlite3_stmt) refunds = NULL;

  /* As kp_journal_list_in_flight_async() sees them, found by day and state
   * in sales_by_day_totals. "+id": sorting the few found costs less than
   * walking the day's index in id order through every sale of the day. */
  sales = _kp_journal_prepare (db,
                               "SELECT partner_order_id, state, NULL, total_amount, created_at "
                               "FROM sales WHERE created_day = ?1 "
                               "AND state IN ('READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING', "
                               "'ABORTED_BY_CASHIER') "
                               "AND (state <> 'ABORTED_BY_CASHIER' "
                               "OR unixepoch (expires_at) > unixepoch (?2)) "
                               "ORDER BY +id",
                               error);
  refunds = sales == NULL ? NULL :
            _kp_journal_prepare (db,
                                 "SELECT s.partner_order_id, s.state, r.refund_id, "
                                 "r.cancel_amount, r.created_at "
                                 "FROM refunds r JOIN sales s ON s.id = r.sale_id "
                                 "WHERE r.state = 'REFUND_SENT' "
                                 "AND (r.created_day = ?1 OR s.created_day = ?1) "
                                 "ORDER BY +r.id",
                                 error);
  if (refunds == NULL)
    return FALSE;

  _kp_journal_bind_text (sales, 1, day);
  _kp_journal_bind_text (sales, 2, now_text);
  _kp_journal_bind_text (refunds, 1, day);

  return _kp_journal_read_rows (db, sales, unfinished_from_row, report->unfinished,
                                "Could not read the day's unfinished sales", error) &&
         _kp_journal_read_rows (db, refunds, unfinished_from_row, report->unfinished,
                                "Could not read the day's unfinished refunds", error);
}

static gboolean
read_close (sqlite3             *db,
            const char          *day,
            KpJournalDayReport  *report,
            GError             **error)
{
  g_autoptr (sqlite3_stmt) close = NULL;
  g_autoptr (sqlite3_stmt) amendments = NULL;
  int rc;

  close = _kp_journal_prepare (db,
                               "SELECT closed_at, terminal_id, hash FROM day_closes "
                               "WHERE day = ?1",
                               error);
  if (close == NULL)
    return FALSE;

  _kp_journal_bind_text (close, 1, day);
  rc = sqlite3_step (close);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the day's close");

  report->closed = TRUE;
  report->closed_at = _kp_journal_column_time (close, 0);
  report->closed_by = _kp_journal_dup_column_text (close, 1);
  report->hash = _kp_journal_dup_column_text (close, 2);

  amendments = _kp_journal_prepare (db,
                                    "SELECT id, partner_order_id, refund_id, what, at, "
                                    "by_journal FROM amendments WHERE day = ?1 ORDER BY id",
                                    error);
  if (amendments == NULL)
    return FALSE;

  _kp_journal_bind_text (amendments, 1, day);

  return _kp_journal_read_rows (db, amendments, amendment_from_row, report->amendments,
                                "Could not read the day's amendments", error);
}

KpJournalDayReport *
_kp_journal_build_report (sqlite3      *db,
                          const GDate  *day,
                          const char   *now_text,
                          GError      **error)
{
  g_autoptr (KpJournalDayReport) report = kp_journal_day_report_new (day);
  g_autofree char *day_text = _kp_journal_format_day (day);

  if (!read_figures (db, day_text, report, error) ||
      !read_unfinished (db, day_text, now_text, report, error) ||
      !read_close (db, day_text, report, error))
    return NULL;

  return g_steal_pointer (&report);
}

static void
append_json_string (GString    *json,
                    const char *text)
{
  if (text == NULL)
    {
      g_string_append (json, "null");
      return;
    }

  g_string_append_c (json, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (json, "\\\"");
          break;

        case '\\':
          g_string_append (json, "\\\\");
          break;

        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (json, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (json, *p);
          break;
        }
    }
  g_string_append_c (json, '"');
}

/* The figures as stored in day_closes.report. */
char *
_kp_journal_report_to_json (const KpJournalDayReport *report)
{
  g_autoptr (GString) json = g_string_new ("{\"day\":");
  g_autofree char *day = _kp_journal_format_day (&report->day);

  append_json_string (json, day);
  g_string_append_printf (json,
                          ",\"n_sales\":%u,\"gross\":%" G_GINT64_FORMAT
                          ",\"n_refunds\":%u,\"refunds\":%" G_GINT64_FORMAT
                          ",\"net\":%" G_GINT64_FORMAT ",\"vat\":%" G_GINT64_FORMAT
                          ",\"tax_free\":%" G_GINT64_FORMAT ",\"methods\":[",
                          report->n_sales, report->gross, report->n_refunds, report->refunds,
                          report->net, report->vat, report->tax_free);

  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);

      g_string_append (json, i > 0 ? ",{\"method\":" : "{\"method\":");
      append_json_string (json, totals->method);
      g_string_append_printf (json,
                              ",\"count\":%u,\"gross\":%" G_GINT64_FORMAT
                              ",\"n_refunds\":%u,\"refunds\":%" G_GINT64_FORMAT
                              ",\"net\":%" G_GINT64_FORMAT "}",
                              totals->count, totals->gross, totals->n_refunds, totals->refunds,
                              totals->net);
    }

  g_string_append (json, "],\"unfinished\":[");
  for (guint i = 0; i < report->unfinished->len; i++)
    {
      const KpJournalUnfinished *item = g_ptr_array_index (report->unfinished, i);
      g_autofree char *since = _kp_journal_format_time (item->since);

      g_string_append (json, i > 0 ? ",{\"partner_order_id\":" : "{\"partner_order_id\":");
      append_json_string (json, item->partner_order_id);
      g_string_append (json, ",\"state\":");
      append_json_string (json, kp_sale_state_to_string (item->state));
      g_string_append (json, ",\"refund_id\":");
      append_json_string (json, item->refund_id);
      g_string_append_printf (json, ",\"amount\":%" G_GINT64_FORMAT ",\"since\":", item->amount);
      append_json_string (json, since);
      g_string_append_c (json, '}');
    }
  g_string_append (json, "]}");

  return g_string_free (g_steal_pointer (&json), FALSE);
}

static gpointer
day_report (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  g_autofree char *now_text = _kp_journal_format_time (now);

  return _kp_journal_build_report (db, data, now_text, error);
}

static const KpJournalOp day_report_op = {
  .kind = KP_JOURNAL_OP_SNAPSHOT,
  .clock = TRUE,
  .check = _kp_journal_check_day,
  .run = day_report,
  .result_free = (GDestroyNotify) kp_journal_day_report_free,
};

/* Public API */

/**
 * kp_journal_day_report_sync:
 * @self: a journal
 * @day: a valid local date
 * @error: return location for a #GError
 *
 * Computes the report of @day (#KpJournalDayReport says what each figure
 * holds) from one snapshot of the journal. Blocks: for tools and tests; the
 * application uses kp_journal_day_report_async().
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_day_report_sync (KpJournal    *self,
                            const GDate  *day,
                            GError      **error)
{
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  return _kp_journal_execute (self, &day_report_op, day, NULL, error);
}

/**
 * kp_journal_day_report_async:
 * @self: a journal
 * @day: a valid local date; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_day_report_sync() in a worker thread.
 */
void
kp_journal_day_report_async (KpJournal           *self,
                             const GDate         *day,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (day != NULL && g_date_valid (day));

  _kp_journal_run (self, kp_journal_day_report_async, &day_report_op,
                   g_date_copy (day), (GDestroyNotify) g_date_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_day_report_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_day_report_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_day_report_async, error);
}

