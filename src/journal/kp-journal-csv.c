/* kp-journal-csv.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-csv.h"
#include "kp-journal.h"
#include "kp-journal-private.h"

/* The CSV exports: the journal's sales, and a day report.
 *
 * The sales export contract (DESIGN.md, "Contracts others rely on"): UTF-8 without
 * a byte order mark, RFC 4180 quoting, CRLF after every record (RFC 4180
 * §2.1; a line break inside a quoted field is kept as it is), this exact
 * header, one record per sale in creation order, empty fields for absent
 * values. Times are written as stored: ISO 8601 with the local offset.
 *
 * A spreadsheet runs a cell that starts with =, +, -, @, a tab or a CR as a
 * formula (an item name typed as =HYPERLINK(…) would become a live link):
 * every text cell starting so gets a leading single quote (OWASP's rule).
 * Integer columns are written as digits and stay numbers (a refund's -5000
 * too). */

#define CSV_EOL "\r\n"

static const char sales_header[] =
  "partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount,"
  "vat_amount,payment_method_type,created_at,approved_at,refunded_amount";

/* The columns in CSV order. */
static const char sales_query[] =
  "SELECT partner_order_id, tid, aid, state, item_name, quantity, total_amount, "
  "tax_free_amount, vat_amount, payment_method_type, created_at, approved_at, "
  "refunded_amount "
  "FROM sales ORDER BY id";

enum {
  COL_PARTNER_ORDER_ID,
  COL_TID,
  COL_AID,
  COL_STATE,
  COL_ITEM_NAME,
  COL_QUANTITY,
  COL_TOTAL_AMOUNT,
  COL_TAX_FREE_AMOUNT,
  COL_VAT_AMOUNT,
  COL_PAYMENT_METHOD_TYPE,
  COL_CREATED_AT,
  COL_APPROVED_AT,
  COL_REFUNDED_AMOUNT,
  N_COLUMNS
};

static gboolean
column_is_integer (int column)
{
  switch (column)
    {
    case COL_QUANTITY:
    case COL_TOTAL_AMOUNT:
    case COL_TAX_FREE_AMOUNT:
    case COL_VAT_AMOUNT:
    case COL_REFUNDED_AMOUNT:
      return TRUE;

    default:
      return FALSE;
    }
}

/**
 * _kp_journal_csv_append_text:
 * @csv: where to append
 * @field: (nullable): a text value; %NULL appends an empty field
 *
 * Like kp_csv_append_field(), for a text cell: a value a spreadsheet
 * would read as a formula (starting with =, +, -, @, tab or CR) is prefixed
 * with a single quote first. Numbers go through kp_csv_append_field().
 */
void
_kp_journal_csv_append_text (GString    *csv,
                             const char *field)
{
  g_autofree char *neutral = NULL;

  if (field != NULL && *field != '\0' && strchr ("=+-@\t\r", *field) != NULL)
    field = neutral = g_strconcat ("'", field, NULL);
  kp_csv_append_field (csv, field);
}

/* The sales export, read with the journal's lock held: one statement,
 * one snapshot. */
static gpointer
build_sales_csv (sqlite3        *db,
                 gconstpointer   data,
                 GDateTime      *now,
                 GError        **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) csv = NULL;
  int rc;

  stmt = _kp_journal_prepare (db, sales_query, error);
  if (stmt == NULL)
    return NULL;

  g_assert (sqlite3_column_count (stmt) == N_COLUMNS);

  csv = g_string_new (sales_header);
  g_string_append (csv, CSV_EOL);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < N_COLUMNS; i++)
        {
          if (i > 0)
            g_string_append_c (csv, ',');

          if (column_is_integer (i))
            g_string_append_printf (csv, "%" G_GINT64_FORMAT,
                                    (gint64) sqlite3_column_int64 (stmt, i));
          else
            _kp_journal_csv_append_text (csv, (const char *) sqlite3_column_text (stmt, i));
        }
      g_string_append (csv, CSV_EOL);
    }

  if (rc != SQLITE_DONE)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not read the journal for the export");
      return NULL;
    }

  return g_string_free_to_bytes (g_steal_pointer (&csv));
}

/* A temporary file in the same folder, synced, then renamed over the
 * target: a reader never sees half an export. */
static gboolean
write_export (const char  *csv_path,
              GBytes      *csv,
              GError     **error)
{
  return g_file_set_contents_full (csv_path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* Writes the file with the lock released: the next operation need not
 * wait for the disk. */
static gpointer
write_sales_csv (gpointer        value,
                 gconstpointer   data,
                 GError        **error)
{
  g_autoptr (GBytes) csv = value;

  return write_export (data, csv, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static const KpJournalOp export_csv_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = build_sales_csv,
  .then_unlocked = write_sales_csv,
};

/* The day report export */

static const char report_header[] =
  "section,name,value,count,gross,refund_count,refunds,net,state,at,detail";

enum {
  CSV_SECTION,
  CSV_NAME,
  CSV_VALUE,
  CSV_COUNT,
  CSV_GROSS,
  CSV_REFUND_COUNT,
  CSV_REFUNDS,
  CSV_NET,
  CSV_STATE,
  CSV_AT,
  CSV_DETAIL,
  N_CSV_COLUMNS
};

#define NUMBER(column) (1u << (column))

/* One CSV record: @fields holds N_CSV_COLUMNS nullable strings; the columns in
 * @numbers (NUMBER() bits) hold integers, written as they are; every other cell
 * is text, kept from reading as a formula. */
static void
append_record (GString     *csv,
               const char **fields,
               guint        numbers)
{
  for (guint i = 0; i < N_CSV_COLUMNS; i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      if (numbers & NUMBER (i))
        kp_csv_append_field (csv, fields[i]);
      else
        _kp_journal_csv_append_text (csv, fields[i]);
    }
  g_string_append (csv, CSV_EOL);
}

static void
append_figure_full (GString    *csv,
                    const char *name,
                    const char *value,
                    gboolean    number)
{
  const char *fields[N_CSV_COLUMNS] = { NULL };

  fields[CSV_SECTION] = "figure";
  fields[CSV_NAME] = name;
  fields[CSV_VALUE] = value;
  append_record (csv, fields, number ? NUMBER (CSV_VALUE) : 0);
}

static void
append_figure (GString    *csv,
               const char *name,
               const char *value)
{
  append_figure_full (csv, name, value, FALSE);
}

static void
append_amount (GString    *csv,
               const char *name,
               gint64      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  append_figure_full (csv, name, text, TRUE);
}

/* Builds the export described at kp_journal_export_day_report_csv_sync(). */
static GBytes *
build_report_csv (const KpJournalDayReport *report)
{
  g_autoptr (GString) csv = g_string_new (report_header);
  g_autofree char *closed_at = _kp_journal_format_time (report->closed_at);
  char day[16];

  g_string_append (csv, CSV_EOL);

  g_date_strftime (day, sizeof day, "%Y-%m-%d", &report->day);
  append_figure (csv, "day", day);
  append_figure (csv, "closed", report->closed ? "true" : "false");
  append_figure (csv, "closed_at", closed_at);
  append_figure (csv, "closed_by", report->closed_by);
  append_figure (csv, "hash", report->hash);
  append_amount (csv, "n_sales", report->n_sales);
  append_amount (csv, "gross", report->gross);
  append_amount (csv, "n_refunds", report->n_refunds);
  append_amount (csv, "refunds", report->refunds);
  append_amount (csv, "net", report->net);
  append_amount (csv, "vat", report->vat);
  append_amount (csv, "tax_free", report->tax_free);
  append_amount (csv, "supply", report->supply);
  append_amount (csv, "n_cancelled", report->n_cancelled);
  append_amount (csv, "n_expired", report->n_expired);
  if (report->mode != NULL)
    append_figure (csv, "mode", report->mode);
  if (report->shop_name != NULL)
    append_figure (csv, "shop_name", report->shop_name);
  if (report->business_number != NULL)
    append_figure (csv, "business_number", report->business_number);

  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);
      g_autofree char *count = g_strdup_printf ("%u", totals->count);
      g_autofree char *gross = g_strdup_printf ("%" G_GINT64_FORMAT, totals->gross);
      g_autofree char *n_refunds = g_strdup_printf ("%u", totals->n_refunds);
      g_autofree char *refunds = g_strdup_printf ("%" G_GINT64_FORMAT, totals->refunds);
      g_autofree char *net = g_strdup_printf ("%" G_GINT64_FORMAT, totals->net);
      const char *fields[N_CSV_COLUMNS] = { NULL };

      fields[CSV_SECTION] = "method";
      fields[CSV_NAME] = totals->method;
      fields[CSV_COUNT] = count;
      fields[CSV_GROSS] = gross;
      fields[CSV_REFUND_COUNT] = n_refunds;
      fields[CSV_REFUNDS] = refunds;
      fields[CSV_NET] = net;
      append_record (csv, fields,
                     NUMBER (CSV_COUNT) | NUMBER (CSV_GROSS) | NUMBER (CSV_REFUND_COUNT) |
                     NUMBER (CSV_REFUNDS) | NUMBER (CSV_NET));
    }

  for (guint i = 0; i < report->unfinished->len; i++)
    {
      const KpJournalUnfinished *item = g_ptr_array_index (report->unfinished, i);
      g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT, item->amount);
      g_autofree char *since = _kp_journal_format_time (item->since);
      const char *fields[N_CSV_COLUMNS] = { NULL };

      fields[CSV_SECTION] = "unfinished";
      fields[CSV_NAME] = item->partner_order_id;
      fields[CSV_VALUE] = amount;
      fields[CSV_STATE] = item->refund_id != NULL ? "REFUND_SENT" :
                          kp_sale_state_to_string (item->state);
      fields[CSV_AT] = since;
      fields[CSV_DETAIL] = item->refund_id;
      append_record (csv, fields, NUMBER (CSV_VALUE));
    }

  for (guint i = 0; i < report->amendments->len; i++)
    {
      const KpJournalAmendment *item = g_ptr_array_index (report->amendments, i);
      g_autofree char *at = _kp_journal_format_time (item->at);
      const char *fields[N_CSV_COLUMNS] = { NULL };

      fields[CSV_SECTION] = "amendment";
      fields[CSV_NAME] = item->partner_order_id;
      fields[CSV_VALUE] = item->refund_id;
      fields[CSV_STATE] = item->by_journal ? "journal" : "outside";
      fields[CSV_AT] = at;
      fields[CSV_DETAIL] = item->what;
      append_record (csv, fields, 0);
    }

  return g_string_free_to_bytes (g_steal_pointer (&csv));
}

/* Public API */

/**
 * kp_journal_export_csv_sync:
 * @self: a journal
 * @csv_path: the file to write; replaced atomically
 * @error: return location for a #GError
 *
 * Writes every sale as CSV (DESIGN.md): UTF-8 without a BOM, RFC 4180
 * quoting, CRLF after every record, the header `partner_order_id,tid,aid,
 * state,item_name,quantity,total_amount,tax_free_amount,vat_amount,
 * payment_method_type,created_at,approved_at,refunded_amount` (one line),
 * one record per sale in creation order, empty fields for absent values,
 * times as stored (ISO 8601 with the local offset).
 * Blocks; for --export-journal. Failing to write fails with a #GFileError.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_journal_export_csv_sync (KpJournal   *self,
                            const char  *csv_path,
                            GError     **error)
{
  g_return_val_if_fail (csv_path != NULL, FALSE);

  return _kp_journal_execute (self, &export_csv_op, csv_path, NULL, error) != NULL;
}

/**
 * kp_journal_export_csv_async:
 * @self: a journal
 * @csv_path: the file to write; replaced atomically
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_export_csv_sync() in a worker thread.
 */
void
kp_journal_export_csv_async (KpJournal           *self,
                             const char          *csv_path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (csv_path != NULL);

  _kp_journal_run (self, kp_journal_export_csv_async, &export_csv_op,
                   g_strdup (csv_path), g_free, cancellable, callback, user_data);
}

gboolean
kp_journal_export_csv_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_export_csv_async, error) != NULL;
}


/**
 * kp_journal_export_day_report_csv_sync:
 * @report: a report from kp_journal_day_report_async() or
 *   kp_journal_close_day_async()
 * @csv_path: the file to write; replaced atomically
 * @error: return location for a #GError
 *
 * Writes @report as CSV: UTF-8 without a BOM, RFC 4180 quoting, CRLF after
 * every record, amounts as plain KRW digits, times ISO 8601 with the local
 * offset, empty fields where a column does not apply. The header is
 * `section,name,value,count,gross,refund_count,refunds,net,state,at,detail`;
 * then, in this order:
 *
 * - `figure` records, one per figure, in `name` and `value`: `day`
 *   (YYYY-MM-DD), `closed` (`true`/`false`), `closed_at`, `closed_by`,
 *   `hash` (empty unless closed), `n_sales`, `gross`, `n_refunds`,
 *   `refunds`, `net`, `vat`, `tax_free`, `supply`, `n_cancelled`, `n_expired` (as
 *   in #KpJournalDayReport); then, when the caller set them, `mode` (`test` or
 *   `live`), `shop_name` and `business_number`;
 * - `method` records, one per payment method: `name` is the method,
 *   `count`, `gross`, `refund_count`, `refunds`, `net` its figures;
 * - `unfinished` records: `name` is the partner_order_id, `value` the
 *   amount at stake, `state` the sale's state or `REFUND_SENT`, `at` since
 *   when, `detail` the refund_id for a refund;
 * - `amendment` records (closed days): `name` the partner_order_id, `value`
 *   the refund_id if any, `state` `journal` or `outside` (who made the
 *   change), `at` when, `detail` what changed.
 *
 * A text cell starting with =, +, -, @, a tab or a CR gets a leading single
 * quote, so a spreadsheet never reads it as a formula; amounts stay numbers.
 *
 * Blocks (it only writes a file). Failing to write fails with a #GFileError.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_journal_export_day_report_csv_sync (const KpJournalDayReport  *report,
                                       const char                *csv_path,
                                       GError                   **error)
{
  g_autoptr (GBytes) csv = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (csv_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  csv = build_report_csv (report);

  return write_export (csv_path, csv, error);
}
