/* kp-journal-days.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

/* Days: the day report, closing a day (the Z report), and keeping a closed
 * day from changing silently.
 *
 * A day's rows are the sales created that day with their lines, and the
 * refunds asked for or completed that day. At closing, the journal stores
 * the report and the SHA-256 of a canonical dump of those rows. Triggers
 * (kp-journal-schema-3.sql) record every later change to them in
 * amendments, whoever makes it; the journal claims the ones its own writes
 * cause and seals the day's new hash after each. A change made outside the
 * journal is thus either recorded as such, or (triggers dropped) seen as a
 * hash that no longer matches the seal. */

/* The dump's format version; a change to what is hashed is a new one. */
#define HASH_HEADER "kp-journal day hash 1\n"

static const char * const hash_queries[] = {
  "SELECT id, partner_order_id, partner_user_id, terminal_id, cid, dialect, state, item_name, "
  "quantity, total_amount, tax_free_amount, vat_amount, tid, aid, pg_token, nonce, "
  "payment_method_type, card_info, created_at, updated_at, approved_at, expires_at, "
  "refunded_amount, created_day "
  "FROM sales WHERE created_day = ?1 ORDER BY id",

  /* The day's sales first, then their lines: never all the lines. */
  "SELECT l.sale_id, l.position, l.name, l.quantity, l.unit_price, l.tax_free, l.amount "
  "FROM sales s CROSS JOIN sale_lines l ON l.sale_id = s.id "
  "WHERE s.created_day = ?1 ORDER BY s.id, l.position",

  "SELECT id, sale_id, seq, refund_id, state, cancel_amount, cancel_tax_free_amount, "
  "cancel_vat_amount, cancel_available_amount, lines_json, aid, created_at, created_day, "
  "completed_at, completed_day, canceled_at, detail "
  "FROM refunds WHERE created_day = ?1 OR completed_day = ?1 ORDER BY id",
};

typedef struct
{
  GDate  day;
  char  *terminal_id;
} CloseData;

static void
close_data_free (CloseData *data)
{
  g_free (data->terminal_id);
  g_free (data);
}

/* Appends one value so that no two different rows dump the same: a type
 * letter, then a fixed-size number or a length and the bytes. Through
 * sqlite3_value, which, unlike sqlite3_column_*, does not take the
 * connection's mutex on every call. */
static void
dump_value (GByteArray    *dump,
            sqlite3_value *value)
{
  guint8 tag;

  switch (sqlite3_value_type (value))
    {
    case SQLITE_NULL:
      tag = 'N';
      g_byte_array_append (dump, &tag, 1);
      break;

    case SQLITE_INTEGER:
      {
        guint64 number = GUINT64_TO_LE ((guint64) sqlite3_value_int64 (value));

        tag = 'I';
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &number, sizeof number);
      }
      break;

    case SQLITE_FLOAT:
      {
        double real = sqlite3_value_double (value);
        guint64 bits;

        memcpy (&bits, &real, sizeof bits);
        bits = GUINT64_TO_LE (bits);
        tag = 'F';
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &bits, sizeof bits);
      }
      break;

    default:
      {
        const guint8 *bytes;
        guint32 length;

        tag = sqlite3_value_type (value) == SQLITE_TEXT ? 'T' : 'B';
        bytes = sqlite3_value_blob (value);
        length = GUINT32_TO_LE ((guint32) sqlite3_value_bytes (value));
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &length, sizeof length);
        if (bytes != NULL)
          g_byte_array_append (dump, bytes, GUINT32_FROM_LE (length));
      }
      break;
    }
}

/**
 * _kp_journal_day_hash:
 * @db: the connection, in a transaction (one snapshot)
 * @day: "2026-11-25"
 * @error: return location for a #GError
 *
 * Returns: (transfer full): "sha256:" and the hex digest of the day's rows
 */
char *
_kp_journal_day_hash (sqlite3     *db,
                      const char  *day,
                      GError     **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GByteArray) dump = g_byte_array_sized_new (64 * 1024);

  g_checksum_update (checksum, (const guchar *) HASH_HEADER, -1);
  g_checksum_update (checksum, (const guchar *) day, -1);

  for (guint i = 0; i < G_N_ELEMENTS (hash_queries); i++)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      int n_columns;
      int rc;

      stmt = _kp_journal_prepare (db, hash_queries[i], error);
      if (stmt == NULL)
        return NULL;

      _kp_journal_bind_text (stmt, 1, day);
      n_columns = sqlite3_column_count (stmt);
      g_byte_array_append (dump, (const guint8 *) "#", 1);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          for (int column = 0; column < n_columns; column++)
            dump_value (dump, sqlite3_column_value (stmt, column));
          g_byte_array_append (dump, (const guint8 *) "\n", 1);

          if (dump->len >= 60 * 1024)
            {
              g_checksum_update (checksum, dump->data, dump->len);
              g_byte_array_set_size (dump, 0);
            }
        }

      if (rc != SQLITE_DONE)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not read the day's rows");
          return NULL;
        }
    }

  g_checksum_update (checksum, dump->data, dump->len);
  return g_strconcat ("sha256:", g_checksum_get_string (checksum), NULL);
}

/* The hash last sealed for a closed @day: after the journal's latest
 * amendment, or at closing. NULL (no error) if the day is not closed. */
static gboolean
read_seal (sqlite3     *db,
           const char  *day,
           char       **out_seal,
           GError     **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;

  stmt = _kp_journal_prepare_cached (db,
                                     "SELECT coalesce ((SELECT hash FROM amendments "
                                     "                  WHERE day = ?1 AND hash IS NOT NULL "
                                     "                  ORDER BY id DESC LIMIT 1), hash) "
                                     "FROM day_closes WHERE day = ?1",
                                     error);
  if (stmt == NULL)
    return FALSE;

  _kp_journal_bind_text (stmt, 1, day);

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      *out_seal = _kp_journal_dup_column_text (stmt, 0);
      return TRUE;

    case SQLITE_DONE:
      *out_seal = NULL;
      return TRUE;

    default:
      return _kp_journal_set_sqlite_error (error, db, "Could not read the day's close");
    }
}

gboolean
_kp_journal_amend_begin (sqlite3            *db,
                         const char * const *days,
                         guint               n_days,
                         const char         *now_text,
                         gint64             *out_mark,
                         GError            **error)
{
  g_autoptr (KpJournalCachedStmt) max_id = NULL;

  for (guint i = 0; i < n_days; i++)
    {
      g_autoptr (sqlite3_stmt) insert = NULL;
      g_autofree char *seal = NULL;
      g_autofree char *actual = NULL;
      g_autofree char *what = NULL;
      gboolean seen = FALSE;

      if (days[i] == NULL)
        continue;
      for (guint j = 0; j < i; j++)
        seen = seen || g_strcmp0 (days[i], days[j]) == 0;
      if (seen)
        continue;

      if (!read_seal (db, days[i], &seal, error))
        return FALSE;
      if (seal == NULL)
        continue;

      actual = _kp_journal_day_hash (db, days[i], error);
      if (actual == NULL)
        return FALSE;
      if (g_str_equal (seal, actual))
        continue;

      /* Sealing again would hide it: say so first, as a change not made by
       * the journal. */
      g_warning ("The rows of the closed day %s changed outside the journal", days[i]);
      what = g_strdup_printf ("The day's rows changed outside the journal: sealed %s, found %s",
                              seal, actual);
      insert = _kp_journal_prepare (db,
                                    "INSERT INTO amendments (day, what, at, by_journal) "
                                    "VALUES (?1, ?2, ?3, 0)",
                                    error);
      if (insert == NULL)
        return FALSE;

      _kp_journal_bind_text (insert, 1, days[i]);
      _kp_journal_bind_text (insert, 2, what);
      _kp_journal_bind_text (insert, 3, now_text);
      if (!_kp_journal_step_done (db, insert, "Could not record an amendment", error))
        return FALSE;
    }

  max_id = _kp_journal_prepare_cached (db, "SELECT coalesce (max (id), 0) FROM amendments",
                                       error);
  if (max_id == NULL)
    return FALSE;

  return _kp_journal_query_int64 (db, max_id, out_mark, error);
}

gboolean
_kp_journal_amend_end (sqlite3     *db,
                       gint64       mark,
                       const char  *now_text,
                       GError     **error)
{
  g_autoptr (KpJournalCachedStmt) days = NULL;
  g_autoptr (sqlite3_stmt) claim = NULL;
  g_autoptr (sqlite3_stmt) seal = NULL;
  g_autoptr (GPtrArray) touched = g_ptr_array_new_with_free_func (g_free);
  int rc;

  days = _kp_journal_prepare_cached (db, "SELECT DISTINCT day FROM amendments WHERE id > ?1",
                                     error);
  if (days == NULL)
    return FALSE;

  sqlite3_bind_int64 (days, 1, mark);
  while ((rc = sqlite3_step (days)) == SQLITE_ROW)
    g_ptr_array_add (touched, _kp_journal_dup_column_text (days, 0));
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the new amendments");

  /* The common case: no closed day was touched. */
  if (touched->len == 0)
    return TRUE;

  claim = _kp_journal_prepare (db,
                               "UPDATE amendments SET by_journal = 1, at = ?2 "
                               "WHERE id > ?1 AND by_journal = 0",
                               error);
  seal = claim == NULL ? NULL :
         _kp_journal_prepare (db,
                              "UPDATE amendments SET hash = ?1 "
                              "WHERE id = (SELECT max (id) FROM amendments "
                              "            WHERE day = ?2 AND id > ?3)",
                              error);
  if (seal == NULL)
    return FALSE;

  sqlite3_bind_int64 (claim, 1, mark);
  _kp_journal_bind_text (claim, 2, now_text);
  if (!_kp_journal_step_done (db, claim, "Could not record an amendment", error))
    return FALSE;

  for (guint i = 0; i < touched->len; i++)
    {
      const char *day = g_ptr_array_index (touched, i);
      g_autofree char *hash = _kp_journal_day_hash (db, day, error);

      if (hash == NULL)
        return FALSE;

      _kp_journal_bind_text (seal, 1, hash);
      _kp_journal_bind_text (seal, 2, day);
      sqlite3_bind_int64 (seal, 3, mark);
      if (!_kp_journal_step_done (db, seal, "Could not seal an amended day", error))
        return FALSE;

      g_debug ("Closed day %s amended", day);
    }

  return TRUE;
}

/* A read transaction: the statements of a report see one snapshot. */
static gboolean
begin_read (sqlite3  *db,
            GError  **error)
{
  if (sqlite3_exec (db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
    return _kp_journal_set_sqlite_error (error, db, "Could not start reading the journal");

  return TRUE;
}

static KpJournalMethodTotals *
get_method (KpJournalDayReport *report,
            const char         *method)
{
  KpJournalMethodTotals *totals;

  if (method == NULL || *method == '\0')
    method = "UNKNOWN";

  for (guint i = 0; i < report->methods->len; i++)
    {
      totals = g_ptr_array_index (report->methods, i);
      if (g_str_equal (totals->method, method))
        return totals;
    }

  totals = g_new0 (KpJournalMethodTotals, 1);
  totals->method = g_strdup (method);
  g_ptr_array_add (report->methods, totals);

  return totals;
}

static int
compare_methods (gconstpointer a,
                 gconstpointer b)
{
  const KpJournalMethodTotals *x = *(KpJournalMethodTotals * const *) a;
  const KpJournalMethodTotals *y = *(KpJournalMethodTotals * const *) b;
  int rank_x = g_str_equal (x->method, "MONEY") ? 0 : g_str_equal (x->method, "CARD") ? 1 : 2;
  int rank_y = g_str_equal (y->method, "MONEY") ? 0 : g_str_equal (y->method, "CARD") ? 1 : 2;

  if (rank_x != rank_y)
    return rank_x - rank_y;

  return strcmp (x->method, y->method);
}

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

  get_method (report, "MONEY");
  get_method (report, "CARD");

  _kp_journal_bind_text (sales, 1, day);
  while ((rc = sqlite3_step (sales)) == SQLITE_ROW)
    {
      KpJournalMethodTotals *totals;

      totals = get_method (report, (const char *) sqlite3_column_text (sales, 0));
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

      totals = get_method (report, (const char *) sqlite3_column_text (refunds, 0));
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
  g_ptr_array_sort (report->methods, compare_methods);

  return TRUE;
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
  int rc;

  /* As kp_journal_list_in_flight_async() sees them, found by day and state
   * in sales_by_day_totals. "+id": sorting the few found costs less than
   * walking the day's index in id order through every sale of the day. */
  sales = _kp_journal_prepare (db,
                               "SELECT partner_order_id, state, total_amount, created_at "
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
  while ((rc = sqlite3_step (sales)) == SQLITE_ROW)
    {
      KpJournalUnfinished *item = g_new0 (KpJournalUnfinished, 1);

      item->partner_order_id = _kp_journal_dup_column_text (sales, 0);
      item->state = _kp_journal_column_state (sales, 1);
      item->amount = sqlite3_column_int64 (sales, 2);
      item->since = _kp_journal_column_time (sales, 3);
      g_ptr_array_add (report->unfinished, item);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the day's unfinished sales");

  _kp_journal_bind_text (refunds, 1, day);
  while ((rc = sqlite3_step (refunds)) == SQLITE_ROW)
    {
      KpJournalUnfinished *item = g_new0 (KpJournalUnfinished, 1);

      item->partner_order_id = _kp_journal_dup_column_text (refunds, 0);
      item->state = _kp_journal_column_state (refunds, 1);
      item->refund_id = _kp_journal_dup_column_text (refunds, 2);
      item->amount = sqlite3_column_int64 (refunds, 3);
      item->since = _kp_journal_column_time (refunds, 4);
      g_ptr_array_add (report->unfinished, item);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the day's unfinished refunds");

  return TRUE;
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
  while ((rc = sqlite3_step (amendments)) == SQLITE_ROW)
    {
      KpJournalAmendment *item = g_new0 (KpJournalAmendment, 1);

      item->id = sqlite3_column_int64 (amendments, 0);
      item->partner_order_id = _kp_journal_dup_column_text (amendments, 1);
      item->refund_id = _kp_journal_dup_column_text (amendments, 2);
      item->what = _kp_journal_dup_column_text (amendments, 3);
      item->at = _kp_journal_column_time (amendments, 4);
      item->by_journal = sqlite3_column_int (amendments, 5) != 0;
      g_ptr_array_add (report->amendments, item);
    }
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the day's amendments");

  return TRUE;
}

static KpJournalDayReport *
build_report (sqlite3      *db,
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
static char *
report_to_json (const KpJournalDayReport *report)
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

static gboolean
check_day (const GDate  *day,
           GError      **error)
{
  if (day == NULL || !g_date_valid (day))
    return _kp_journal_set_invalid (error, "Not a valid day");

  return TRUE;
}

static gpointer
day_report (KpJournal     *self,
            gconstpointer  data,
            GCancellable  *cancellable,
            GError       **error)
{
  const GDate *day = data;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *now_text = NULL;
  KpJournalDayReport *report;
  sqlite3 *db;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !check_day (day, error))
    return NULL;

  db = _kp_journal_lock (self);
  now = _kp_journal_now_locked (self);
  now_text = _kp_journal_format_time (now);

  if (!begin_read (db, error))
    {
      _kp_journal_unlock (self);
      return NULL;
    }

  report = build_report (db, day, now_text, error);
  _kp_journal_rollback (db);
  _kp_journal_unlock (self);

  return report;
}

static KpJournalDayReport *
close_day_in_transaction (sqlite3          *db,
                          const CloseData  *input,
                          GDateTime        *now,
                          GError          **error)
{
  g_autoptr (sqlite3_stmt) exists = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autofree char *day = _kp_journal_format_day (&input->day);
  g_autofree char *now_text = _kp_journal_format_time (now);
  g_autofree char *json = NULL;
  g_autofree char *hash = NULL;

  exists = _kp_journal_prepare (db, "SELECT closed_at FROM day_closes WHERE day = ?1", error);
  if (exists == NULL)
    return NULL;

  _kp_journal_bind_text (exists, 1, day);
  switch (sqlite3_step (exists))
    {
    case SQLITE_DONE:
      break;

    case SQLITE_ROW:
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "The day %s was closed already, at %s", day,
                   (const char *) sqlite3_column_text (exists, 0));
      return NULL;

    default:
      _kp_journal_set_sqlite_error (error, db, "Could not read the day's close");
      return NULL;
    }

  report = build_report (db, &input->day, now_text, error);
  hash = report == NULL ? NULL : _kp_journal_day_hash (db, day, error);
  if (hash == NULL)
    return NULL;

  json = report_to_json (report);

  insert = _kp_journal_prepare (db,
                                "INSERT INTO day_closes (day, closed_at, terminal_id, report, "
                                "hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                                error);
  if (insert == NULL)
    return NULL;

  _kp_journal_bind_text (insert, 1, day);
  _kp_journal_bind_text (insert, 2, now_text);
  _kp_journal_bind_text (insert, 3, input->terminal_id);
  _kp_journal_bind_text (insert, 4, json);
  _kp_journal_bind_text (insert, 5, hash);
  if (!_kp_journal_step_done (db, insert, "Could not close the day", error))
    return NULL;

  report->closed = TRUE;
  report->closed_at = _kp_journal_parse_time (now_text);
  report->closed_by = g_strdup (input->terminal_id);
  report->hash = g_steal_pointer (&hash);

  return g_steal_pointer (&report);
}

static gpointer
close_day (KpJournal     *self,
           gconstpointer  data,
           GCancellable  *cancellable,
           GError       **error)
{
  const CloseData *input = data;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *today = NULL;
  g_autofree char *day = NULL;
  KpJournalDayReport *report;
  sqlite3 *db;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !check_day (&input->day, error))
    return NULL;

  if (input->terminal_id == NULL || *input->terminal_id == '\0' ||
      !g_utf8_validate (input->terminal_id, -1, NULL))
    {
      _kp_journal_set_invalid (error, "A day is closed by a terminal: its id is missing");
      return NULL;
    }

  db = _kp_journal_lock (self);
  now = _kp_journal_now_locked (self);
  today = _kp_journal_day_of (now);
  day = _kp_journal_format_day (&input->day);

  /* A day still to come would only collect amendments. */
  if (strcmp (day, today) > 0)
    {
      _kp_journal_unlock (self);
      _kp_journal_set_invalid (error, "The day %s has not come yet (today is %s)", day, today);
      return NULL;
    }

  if (!_kp_journal_begin (db, error))
    {
      _kp_journal_unlock (self);
      return NULL;
    }

  report = close_day_in_transaction (db, input, now, error);
  if (report == NULL)
    _kp_journal_rollback (db);
  else if (!_kp_journal_commit (db, error))
    g_clear_pointer (&report, kp_journal_day_report_free);

  _kp_journal_unlock (self);

  if (report != NULL)
    g_debug ("Closed the day %s", day);
  return report;
}

static KpJournalDayCheck *
verify_day_in_transaction (sqlite3      *db,
                           const GDate  *day,
                           GError      **error)
{
  g_autoptr (sqlite3_stmt) counts = NULL;
  g_autoptr (KpJournalDayCheck) check = g_new0 (KpJournalDayCheck, 1);
  g_autofree char *day_text = _kp_journal_format_day (day);

  check->day = *day;

  if (!read_seal (db, day_text, &check->sealed_hash, error))
    return NULL;
  if (check->sealed_hash == NULL)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                   "The day %s is not closed", day_text);
      return NULL;
    }

  check->actual_hash = _kp_journal_day_hash (db, day_text, error);
  if (check->actual_hash == NULL)
    return NULL;

  counts = _kp_journal_prepare (db,
                                "SELECT count (*), count (*) FILTER (WHERE by_journal = 0) "
                                "FROM amendments WHERE day = ?1",
                                error);
  if (counts == NULL)
    return NULL;

  _kp_journal_bind_text (counts, 1, day_text);
  if (sqlite3_step (counts) != SQLITE_ROW)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not count the day's amendments");
      return NULL;
    }

  check->n_amendments = sqlite3_column_int (counts, 0);
  check->n_outside = sqlite3_column_int (counts, 1);
  check->intact = g_str_equal (check->sealed_hash, check->actual_hash) && check->n_outside == 0;

  return g_steal_pointer (&check);
}

static gpointer
verify_day (KpJournal     *self,
            gconstpointer  data,
            GCancellable  *cancellable,
            GError       **error)
{
  const GDate *day = data;
  KpJournalDayCheck *check;
  sqlite3 *db;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !check_day (day, error))
    return NULL;

  db = _kp_journal_lock (self);

  if (!begin_read (db, error))
    {
      _kp_journal_unlock (self);
      return NULL;
    }

  check = verify_day_in_transaction (db, day, error);
  _kp_journal_rollback (db);
  _kp_journal_unlock (self);

  return check;
}

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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return day_report (self, day, NULL, error);
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
  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (day != NULL && g_date_valid (day));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _kp_journal_run_async (self, kp_journal_day_report_async, day_report, g_date_copy (day),
                         (GDestroyNotify) g_date_free,
                         (GDestroyNotify) kp_journal_day_report_free, FALSE,
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
  return _kp_journal_run_finish (self, result, kp_journal_day_report_async, error);
}

/**
 * kp_journal_close_day_sync:
 * @self: a journal
 * @day: a valid local date, today or before
 * @terminal_id: the terminal that closes it
 * @error: return location for a #GError
 *
 * Closes @day: stores its report (the Z report) and the hash of its rows,
 * in one transaction. From then on every change to the day's rows is
 * recorded as an amendment (a sale of the day may still be refunded; the
 * refund counts on the day it completes) and kp_journal_verify_day_async()
 * tells whether the rows changed behind the journal's back. Unfinished
 * sales do not prevent closing; they are in the report. Blocks.
 *
 * Fails, writing nothing, with %KP_JOURNAL_ERROR_STATE_CONFLICT if the day
 * was closed already, or %KP_JOURNAL_ERROR_INVALID for a day after today.
 *
 * Returns: (transfer full): the report as closed, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_close_day_sync (KpJournal    *self,
                           const GDate  *day,
                           const char   *terminal_id,
                           GError      **error)
{
  CloseData input = { { 0 }, NULL };

  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  input.day = *day;
  input.terminal_id = (char *) terminal_id;

  return close_day (self, &input, NULL, error);
}

/**
 * kp_journal_close_day_async:
 * @self: a journal
 * @day: a valid local date, today or before; copied
 * @terminal_id: the terminal that closes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_close_day_sync() in a worker thread.
 */
void
kp_journal_close_day_async (KpJournal           *self,
                            const GDate         *day,
                            const char          *terminal_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CloseData *data;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (day != NULL && g_date_valid (day));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (CloseData, 1);
  data->day = *day;
  data->terminal_id = g_strdup (terminal_id);

  _kp_journal_run_async (self, kp_journal_close_day_async, close_day, data,
                         (GDestroyNotify) close_data_free,
                         (GDestroyNotify) kp_journal_day_report_free, TRUE,
                         cancellable, callback, user_data);
}

/**
 * kp_journal_close_day_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the report as closed, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_close_day_finish (KpJournal     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return _kp_journal_run_finish (self, result, kp_journal_close_day_async, error);
}

/**
 * kp_journal_verify_day_sync:
 * @self: a journal
 * @day: a closed day
 * @error: return location for a #GError
 *
 * Hashes the rows of a closed day again and compares with the seal. The
 * check is not intact if they differ or if any amendment of the day was
 * made outside the journal. Blocks.
 *
 * Returns: (transfer full): the outcome, or %NULL with @error set
 *   (%KP_JOURNAL_ERROR_NOT_FOUND if the day is not closed)
 */
KpJournalDayCheck *
kp_journal_verify_day_sync (KpJournal    *self,
                            const GDate  *day,
                            GError      **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return verify_day (self, day, NULL, error);
}

/**
 * kp_journal_verify_day_async:
 * @self: a journal
 * @day: a closed day; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_verify_day_sync() in a worker thread.
 */
void
kp_journal_verify_day_async (KpJournal           *self,
                             const GDate         *day,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (day != NULL && g_date_valid (day));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  _kp_journal_run_async (self, kp_journal_verify_day_async, verify_day, g_date_copy (day),
                         (GDestroyNotify) g_date_free,
                         (GDestroyNotify) kp_journal_day_check_free, FALSE,
                         cancellable, callback, user_data);
}

/**
 * kp_journal_verify_day_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the outcome, or %NULL with @error set
 */
KpJournalDayCheck *
kp_journal_verify_day_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_run_finish (self, result, kp_journal_verify_day_async, error);
}
