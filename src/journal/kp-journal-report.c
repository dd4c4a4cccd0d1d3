/* kp-journal-report.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal-private.h"
#include "kp-journal-report.h"

G_DEFINE_BOXED_TYPE (KpJournalMethodTotals, kp_journal_method_totals,
                     kp_journal_method_totals_copy, kp_journal_method_totals_free)
G_DEFINE_BOXED_TYPE (KpJournalUnfinished, kp_journal_unfinished,
                     kp_journal_unfinished_copy, kp_journal_unfinished_free)
G_DEFINE_BOXED_TYPE (KpJournalAmendment, kp_journal_amendment,
                     kp_journal_amendment_copy, kp_journal_amendment_free)
G_DEFINE_BOXED_TYPE (KpJournalDayReport, kp_journal_day_report,
                     kp_journal_day_report_copy, kp_journal_day_report_free)
G_DEFINE_BOXED_TYPE (KpJournalDayCheck, kp_journal_day_check,
                     kp_journal_day_check_copy, kp_journal_day_check_free)

#define CSV_EOL "\r\n"

static const char csv_header[] =
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

static GDateTime *
ref_nullable (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_ref (datetime) : NULL;
}

static gpointer
copy_boxed_func (gconstpointer src,
                 gpointer      user_data)
{
  return g_boxed_copy (GPOINTER_TO_SIZE (user_data), src);
}

static GPtrArray *
copy_array (GPtrArray      *array,
            GType           type,
            GDestroyNotify  free_func)
{
  if (array == NULL)
    return g_ptr_array_new_with_free_func (free_func);

  return g_ptr_array_copy (array, copy_boxed_func, GSIZE_TO_POINTER (type));
}

KpJournalMethodTotals *
kp_journal_method_totals_copy (const KpJournalMethodTotals *totals)
{
  KpJournalMethodTotals *copy;

  g_return_val_if_fail (totals != NULL, NULL);

  copy = g_memdup2 (totals, sizeof *totals);
  copy->method = g_strdup (totals->method);

  return copy;
}

void
kp_journal_method_totals_free (KpJournalMethodTotals *totals)
{
  if (totals == NULL)
    return;

  g_free (totals->method);
  g_free (totals);
}

KpJournalUnfinished *
kp_journal_unfinished_copy (const KpJournalUnfinished *unfinished)
{
  KpJournalUnfinished *copy;

  g_return_val_if_fail (unfinished != NULL, NULL);

  copy = g_memdup2 (unfinished, sizeof *unfinished);
  copy->partner_order_id = g_strdup (unfinished->partner_order_id);
  copy->refund_id = g_strdup (unfinished->refund_id);
  copy->since = ref_nullable (unfinished->since);

  return copy;
}

void
kp_journal_unfinished_free (KpJournalUnfinished *unfinished)
{
  if (unfinished == NULL)
    return;

  g_free (unfinished->partner_order_id);
  g_free (unfinished->refund_id);
  g_clear_pointer (&unfinished->since, g_date_time_unref);
  g_free (unfinished);
}

KpJournalAmendment *
kp_journal_amendment_copy (const KpJournalAmendment *amendment)
{
  KpJournalAmendment *copy;

  g_return_val_if_fail (amendment != NULL, NULL);

  copy = g_memdup2 (amendment, sizeof *amendment);
  copy->partner_order_id = g_strdup (amendment->partner_order_id);
  copy->refund_id = g_strdup (amendment->refund_id);
  copy->what = g_strdup (amendment->what);
  copy->at = ref_nullable (amendment->at);

  return copy;
}

void
kp_journal_amendment_free (KpJournalAmendment *amendment)
{
  if (amendment == NULL)
    return;

  g_free (amendment->partner_order_id);
  g_free (amendment->refund_id);
  g_free (amendment->what);
  g_clear_pointer (&amendment->at, g_date_time_unref);
  g_free (amendment);
}

/**
 * kp_journal_day_report_new:
 * @day: a valid date
 *
 * Returns: (transfer full): a report of nothing on @day, with empty arrays
 */
KpJournalDayReport *
kp_journal_day_report_new (const GDate *day)
{
  KpJournalDayReport *report;

  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  report = g_new0 (KpJournalDayReport, 1);
  report->day = *day;
  report->methods = copy_array (NULL, KP_TYPE_JOURNAL_METHOD_TOTALS,
                                (GDestroyNotify) kp_journal_method_totals_free);
  report->unfinished = copy_array (NULL, KP_TYPE_JOURNAL_UNFINISHED,
                                   (GDestroyNotify) kp_journal_unfinished_free);
  report->amendments = copy_array (NULL, KP_TYPE_JOURNAL_AMENDMENT,
                                   (GDestroyNotify) kp_journal_amendment_free);

  return report;
}

KpJournalDayReport *
kp_journal_day_report_copy (const KpJournalDayReport *report)
{
  KpJournalDayReport *copy;

  g_return_val_if_fail (report != NULL, NULL);

  copy = g_memdup2 (report, sizeof *report);
  copy->methods = copy_array (report->methods, KP_TYPE_JOURNAL_METHOD_TOTALS,
                              (GDestroyNotify) kp_journal_method_totals_free);
  copy->unfinished = copy_array (report->unfinished, KP_TYPE_JOURNAL_UNFINISHED,
                                 (GDestroyNotify) kp_journal_unfinished_free);
  copy->amendments = copy_array (report->amendments, KP_TYPE_JOURNAL_AMENDMENT,
                                 (GDestroyNotify) kp_journal_amendment_free);
  copy->closed_at = ref_nullable (report->closed_at);
  copy->closed_by = g_strdup (report->closed_by);
  copy->hash = g_strdup (report->hash);
  copy->mode = g_strdup (report->mode);
  copy->shop_name = g_strdup (report->shop_name);
  copy->business_number = g_strdup (report->business_number);

  return copy;
}

void
kp_journal_day_report_free (KpJournalDayReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->methods, g_ptr_array_unref);
  g_clear_pointer (&report->unfinished, g_ptr_array_unref);
  g_clear_pointer (&report->amendments, g_ptr_array_unref);
  g_clear_pointer (&report->closed_at, g_date_time_unref);
  g_free (report->closed_by);
  g_free (report->hash);
  g_free (report->mode);
  g_free (report->shop_name);
  g_free (report->business_number);
  g_free (report);
}

/**
 * kp_journal_day_report_get_method:
 * @report: a report
 * @method: "MONEY", "CARD", …
 *
 * Returns: (nullable) (transfer none): the figures of @method, or %NULL if
 *   the report has none (MONEY and CARD are always there)
 */
const KpJournalMethodTotals *
kp_journal_day_report_get_method (const KpJournalDayReport *report,
                                  const char               *method)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (method != NULL, NULL);

  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);

      if (g_str_equal (totals->method, method))
        return totals;
    }

  return NULL;
}

KpJournalDayCheck *
kp_journal_day_check_copy (const KpJournalDayCheck *check)
{
  KpJournalDayCheck *copy;

  g_return_val_if_fail (check != NULL, NULL);

  copy = g_memdup2 (check, sizeof *check);
  copy->sealed_hash = g_strdup (check->sealed_hash);
  copy->actual_hash = g_strdup (check->actual_hash);

  return copy;
}

void
kp_journal_day_check_free (KpJournalDayCheck *check)
{
  if (check == NULL)
    return;

  g_free (check->sealed_hash);
  g_free (check->actual_hash);
  g_free (check);
}

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
        _kp_journal_csv_append_field (csv, fields[i]);
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
build_csv (const KpJournalDayReport *report)
{
  g_autoptr (GString) csv = g_string_new (csv_header);
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

  csv = build_csv (report);

  return g_file_set_contents_full (csv_path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}
