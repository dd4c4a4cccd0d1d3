/* kp-journal-report.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

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

/**
 * kp_journal_day_report_ensure_method:
 * @report: a report being added up
 * @method: a payment method; %NULL or empty for "UNKNOWN"
 *
 * Returns: (transfer none): the figures of @method in @report, added (all zero)
 *   if it had none
 */
KpJournalMethodTotals *
kp_journal_day_report_ensure_method (KpJournalDayReport *report,
                                     const char         *method)
{
  KpJournalMethodTotals *totals;

  g_return_val_if_fail (report != NULL, NULL);

  if (method == NULL || *method == '\0')
    method = "UNKNOWN";

  totals = (KpJournalMethodTotals *) kp_journal_day_report_get_method (report, method);
  if (totals != NULL)
    return totals;

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

/**
 * kp_journal_day_report_sort_methods:
 * @report: a report added up
 *
 * Puts the payment methods in the order a report shows them: MONEY, CARD, then
 * any other by name.
 */
void
kp_journal_day_report_sort_methods (KpJournalDayReport *report)
{
  g_return_if_fail (report != NULL);

  g_ptr_array_sort (report->methods, compare_methods);
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
