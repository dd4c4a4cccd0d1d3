/* kp-shop-report.c: the shop's day report, terminal by terminal
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "kp-shop-report.h"

G_DEFINE_BOXED_TYPE (KpShopDayReport, kp_shop_day_report,
                     kp_shop_day_report_copy, kp_shop_day_report_free)

static void
terminal_report_free (KpShopTerminalReport *terminal)
{
  g_free (terminal->terminal_id);
  g_clear_pointer (&terminal->last_seen, g_date_time_unref);
  g_clear_pointer (&terminal->report, kp_journal_day_report_free);
  g_free (terminal);
}

static KpShopTerminalReport *
terminal_report_copy (const KpShopTerminalReport *terminal)
{
  KpShopTerminalReport *copy = g_new0 (KpShopTerminalReport, 1);

  copy->terminal_id = g_strdup (terminal->terminal_id);
  copy->replicated_seq = terminal->replicated_seq;
  copy->journal_seq = terminal->journal_seq;
  copy->caught_up = terminal->caught_up;
  copy->last_seen = terminal->last_seen != NULL ? g_date_time_ref (terminal->last_seen) : NULL;
  copy->report = kp_journal_day_report_copy (terminal->report);

  return copy;
}

static KpJournalDayReport *
figures_new (const GDate *day)
{
  KpJournalDayReport *figures = kp_journal_day_report_new (day);

  /* As the journal's report: MONEY and CARD always there. */
  kp_journal_day_report_ensure_method (figures, "MONEY");
  kp_journal_day_report_ensure_method (figures, "CARD");
  return figures;
}

KpShopDayReport *
kp_shop_day_report_new (const GDate *day)
{
  KpShopDayReport *report = g_new0 (KpShopDayReport, 1);

  report->day = *day;
  report->total = figures_new (day);
  report->terminals = g_ptr_array_new_with_free_func ((GDestroyNotify) terminal_report_free);

  return report;
}

KpShopDayReport *
kp_shop_day_report_copy (const KpShopDayReport *report)
{
  KpShopDayReport *copy = g_new0 (KpShopDayReport, 1);

  copy->day = report->day;
  copy->total = kp_journal_day_report_copy (report->total);
  copy->terminals = g_ptr_array_new_with_free_func ((GDestroyNotify) terminal_report_free);
  for (guint i = 0; i < report->terminals->len; i++)
    g_ptr_array_add (copy->terminals,
                     terminal_report_copy (g_ptr_array_index (report->terminals, i)));
  copy->closed = report->closed;
  copy->closed_at = report->closed_at != NULL ? g_date_time_ref (report->closed_at) : NULL;
  copy->closed_by = g_strdup (report->closed_by);

  return copy;
}

void
kp_shop_day_report_free (KpShopDayReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->total, kp_journal_day_report_free);
  g_clear_pointer (&report->terminals, g_ptr_array_unref);
  g_clear_pointer (&report->closed_at, g_date_time_unref);
  g_free (report->closed_by);
  g_free (report);
}

/**
 * kp_shop_day_report_get_terminal:
 *
 * Returns: (nullable) (transfer none): @terminal_id's part of the report
 */
KpShopTerminalReport *
kp_shop_day_report_get_terminal (const KpShopDayReport *report,
                                 const char            *terminal_id)
{
  for (guint i = 0; i < report->terminals->len; i++)
    {
      KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);

      if (g_strcmp0 (terminal->terminal_id, terminal_id) == 0)
        return terminal;
    }
  return NULL;
}

/**
 * kp_shop_day_report_add_terminal:
 *
 * Returns: (transfer none): @terminal_id's part of the report, added with
 *   zero figures if missing
 */
KpShopTerminalReport *
kp_shop_day_report_add_terminal (KpShopDayReport *report,
                                 const char      *terminal_id)
{
  KpShopTerminalReport *terminal = kp_shop_day_report_get_terminal (report, terminal_id);

  if (terminal != NULL)
    return terminal;

  terminal = g_new0 (KpShopTerminalReport, 1);
  terminal->terminal_id = g_strdup (terminal_id);
  terminal->caught_up = TRUE;
  terminal->report = figures_new (&report->day);
  g_ptr_array_add (report->terminals, terminal);

  return terminal;
}

/* The terminals whose outbox had not caught up when they last sent. */
guint
kp_shop_day_report_count_behind (const KpShopDayReport *report)
{
  guint n = 0;

  for (guint i = 0; i < report->terminals->len; i++)
    n += !((KpShopTerminalReport *) g_ptr_array_index (report->terminals, i))->caught_up;

  return n;
}

static void
finish_figures (KpJournalDayReport *figures)
{
  figures->net = figures->gross - figures->refunds;
  /* As the journal: the taxable sales without their VAT (공급가액). */
  figures->supply = figures->net - figures->tax_free - figures->vat;
  for (guint i = 0; i < figures->methods->len; i++)
    {
      KpJournalMethodTotals *totals = g_ptr_array_index (figures->methods, i);

      totals->net = totals->gross - totals->refunds;
    }
  kp_journal_day_report_sort_methods (figures);
}

static int
compare_terminals (gconstpointer a,
                   gconstpointer b)
{
  const KpShopTerminalReport *x = *(KpShopTerminalReport * const *) a;
  const KpShopTerminalReport *y = *(KpShopTerminalReport * const *) b;

  return g_strcmp0 (x->terminal_id, y->terminal_id);
}

/**
 * kp_shop_day_report_finish:
 *
 * Once the terminals' figures are in: works out what follows from them
 * (nets, supply) and makes the total their sum.
 */
void
kp_shop_day_report_finish (KpShopDayReport *report)
{
  KpJournalDayReport *total;

  g_clear_pointer (&report->total, kp_journal_day_report_free);
  report->total = total = figures_new (&report->day);
  g_ptr_array_sort (report->terminals, compare_terminals);

  for (guint i = 0; i < report->terminals->len; i++)
    {
      KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);
      KpJournalDayReport *figures = terminal->report;

      finish_figures (figures);
      total->n_sales += figures->n_sales;
      total->gross += figures->gross;
      total->n_refunds += figures->n_refunds;
      total->refunds += figures->refunds;
      total->vat += figures->vat;
      total->tax_free += figures->tax_free;
      total->n_cancelled += figures->n_cancelled;
      total->n_expired += figures->n_expired;
      for (guint j = 0; j < figures->methods->len; j++)
        {
          KpJournalMethodTotals *from = g_ptr_array_index (figures->methods, j);
          KpJournalMethodTotals *to = kp_journal_day_report_ensure_method (total, from->method);

          to->count += from->count;
          to->gross += from->gross;
          to->n_refunds += from->n_refunds;
          to->refunds += from->refunds;
        }
    }
  finish_figures (total);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_figures (JsonBuilder              *builder,
             const KpJournalDayReport *figures)
{
  json_builder_begin_object (builder);
  add_int (builder, "n_sales", figures->n_sales);
  add_int (builder, "gross", figures->gross);
  add_int (builder, "n_refunds", figures->n_refunds);
  add_int (builder, "refunds", figures->refunds);
  add_int (builder, "net", figures->net);
  add_int (builder, "vat", figures->vat);
  add_int (builder, "tax_free", figures->tax_free);
  add_int (builder, "supply", figures->supply);
  add_int (builder, "n_cancelled", figures->n_cancelled);
  add_int (builder, "n_expired", figures->n_expired);
  json_builder_set_member_name (builder, "methods");
  json_builder_begin_array (builder);
  for (guint i = 0; i < figures->methods->len; i++)
    {
      KpJournalMethodTotals *totals = g_ptr_array_index (figures->methods, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "method");
      json_builder_add_string_value (builder, totals->method);
      add_int (builder, "count", totals->count);
      add_int (builder, "gross", totals->gross);
      add_int (builder, "n_refunds", totals->n_refunds);
      add_int (builder, "refunds", totals->refunds);
      add_int (builder, "net", totals->net);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/**
 * kp_shop_day_report_to_json:
 * @report: a finished report
 * @terminals_only: only the list of terminals and how far they had come
 *
 * Returns: (transfer full): the report as kept by the shop's day close:
 *   {"total": {…}, "terminals": {"T1": {…}, …}}, or with @terminals_only
 *   [{"terminal_id", "replicated_seq", "journal_seq", "caught_up"}, …]
 */
char *
kp_shop_day_report_to_json (const KpShopDayReport *report,
                            gboolean               terminals_only)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  if (terminals_only)
    {
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->terminals->len; i++)
        {
          KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "terminal_id");
          json_builder_add_string_value (builder, terminal->terminal_id);
          add_int (builder, "replicated_seq", terminal->replicated_seq);
          add_int (builder, "journal_seq", terminal->journal_seq);
          json_builder_set_member_name (builder, "caught_up");
          json_builder_add_boolean_value (builder, terminal->caught_up);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total");
      add_figures (builder, report->total);
      json_builder_set_member_name (builder, "terminals");
      json_builder_begin_object (builder);
      for (guint i = 0; i < report->terminals->len; i++)
        {
          KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);

          json_builder_set_member_name (builder, terminal->terminal_id);
          add_figures (builder, terminal->report);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
