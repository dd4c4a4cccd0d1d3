/* kp-day-report-print.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-day-report-print"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-day-report-print.h"
#include "kp-money.h"
#include "kp-print-export.h"
#include "kp-sale-format.h"

/* The day report on paper (Print…) and as PDF (--export-day-report x.pdf): one
 * GtkPrintOperation, one page drawn with Pango and cairo. What does not fit the page
 * (a long list of amendments) ends with "… and N more". */

#define MARGIN_LINES 0.6

typedef struct
{
  cairo_t     *cr;
  PangoLayout *layout;
  double       width;
  double       height;
  double       y;
} Page;

static double
draw_cell (Page           *page,
           const char     *text,
           double          x,
           double          width,
           PangoAlignment  alignment,
           const char     *font)
{
  PangoFontDescription *description = pango_font_description_from_string (font);
  int text_width, text_height;

  pango_layout_set_font_description (page->layout, description);
  pango_font_description_free (description);
  pango_layout_set_width (page->layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (page->layout, alignment);
  pango_layout_set_wrap (page->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (page->layout, text != NULL ? text : "", -1);
  pango_layout_get_pixel_size (page->layout, &text_width, &text_height);

  cairo_move_to (page->cr, x, page->y);
  pango_cairo_show_layout (page->cr, page->layout);
  return text_height;
}

/* One line of cells; @columns are the cells' left edges as fractions of the width. */
static void
draw_row (Page                 *page,
          const char * const   *cells,
          const double         *columns,
          const PangoAlignment *alignments,
          guint                 n,
          const char           *font)
{
  double height = 0;

  for (guint i = 0; i < n; i++)
    {
      double x = columns[i] * page->width;
      double end = (i + 1 < n ? columns[i + 1] : 1.0) * page->width;

      height = MAX (height, draw_cell (page, cells[i], x, end - x - 6, alignments[i], font));
    }
  page->y += height;
}

static void
draw_line (Page       *page,
           const char *text,
           const char *font)
{
  page->y += draw_cell (page, text, 0, page->width, PANGO_ALIGN_LEFT, font);
}

static void
draw_gap (Page   *page,
          double  lines)
{
  page->y += lines * 12;
}

static void
draw_rule (Page *page)
{
  cairo_set_line_width (page->cr, 0.5);
  cairo_move_to (page->cr, 0, page->y + 2);
  cairo_line_to (page->cr, page->width, page->y + 2);
  cairo_stroke (page->cr);
  page->y += 6;
}

static void
draw_figure (Page       *page,
             const char *name,
             const char *value)
{
  static const double columns[] = { 0.0, 0.5 };
  static const PangoAlignment alignments[] = { PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT };
  const char *cells[] = { name, value };

  draw_row (page, cells, columns, alignments, 2, "Sans 11");
}

static void
draw_money_figure (Page       *page,
                   const char *name,
                   gint64      amount)
{
  g_autofree char *money = kp_money_format (amount);

  draw_figure (page, name, money);
}

static gboolean
room_for (Page   *page,
          double  lines)
{
  return page->y + lines * 16 < page->height;
}

/**
 * kp_day_report_print_draw:
 * @report: the day's report
 * @check: (nullable): the closed day's verification
 * @cr: where to draw
 * @layout: a layout for @cr (its resolution set)
 * @width: the page's printable width, in @cr's units
 * @height: its printable height
 *
 * Draws the report on one page.
 */
void
kp_day_report_print_draw (const KpJournalDayReport *report,
                          const KpJournalDayCheck  *check,
                          cairo_t                  *cr,
                          PangoLayout              *layout,
                          double                    width,
                          double                    height)
{
  static const double method_columns[] = { 0.0, 0.34, 0.46, 0.64, 0.82 };
  static const PangoAlignment method_alignments[] = {
    PANGO_ALIGN_LEFT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT, PANGO_ALIGN_RIGHT
  };
  g_autofree char *day = kp_format_day (&report->day);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *printed = kp_format_date_time (now);
  g_autofree char *text = NULL;
  g_autofree char *n_sales = g_strdup_printf ("%u", report->n_sales);
  g_autofree char *n_refunds = g_strdup_printf ("%u", report->n_refunds);
  g_autofree char *n_cancelled = g_strdup_printf ("%u", report->n_cancelled);
  g_autofree char *n_expired = g_strdup_printf ("%u", report->n_expired);
  const char *method_header[] = {
    C_("day report column", "Method"), C_("day report column", "Sales"),
    C_("day report column", "Gross"), C_("day report column", "Refunds"),
    C_("day report column", "Net"),
  };
  Page page = { cr, layout, width, height, 0 };

  cairo_set_source_rgb (cr, 0, 0, 0);

  /* Translators: the title of the printed report; %s is the day, 2026-11-25 */
  text = g_strdup_printf (report->closed ? _("Day Close %s")
                                         : _("Day Report %s (day not closed)"), day);
  draw_line (&page, text, "Sans Bold 16");
  g_clear_pointer (&text, g_free);
  if (g_strcmp0 (report->mode, "test") == 0)
    draw_line (&page, _("TEST MODE — sandbox: no real payments"), "Sans Bold 14");
  if (report->shop_name != NULL)
    draw_line (&page, report->shop_name, "Sans Bold 11");
  if (report->business_number != NULL)
    {
      /* Translators: %s is the business registration number, 220-81-62517 */
      text = g_strdup_printf (_("Business number %s"), report->business_number);
      draw_line (&page, text, "Sans 10");
      g_clear_pointer (&text, g_free);
    }

  if (report->closed)
    {
      g_autofree char *closed_at = kp_format_date_time (report->closed_at);

      /* Translators: when the day was closed, and by which terminal */
      text = g_strdup_printf (_("Closed %s by terminal %s"), closed_at,
                              report->closed_by != NULL ? report->closed_by : "—");
    }
  else
    text = g_strdup (_("The day is not closed: these figures may still change."));
  draw_line (&page, text, "Sans 10");
  g_clear_pointer (&text, g_free);
  /* Translators: when the report was printed */
  text = g_strdup_printf (_("KakaoPay POS · printed %s"), printed);
  draw_line (&page, text, "Sans 9");
  g_clear_pointer (&text, g_free);
  draw_gap (&page, MARGIN_LINES);
  draw_rule (&page);

  draw_figure (&page, _("Sales"), n_sales);
  draw_money_figure (&page, _("Gross"), report->gross);
  draw_figure (&page, _("Refunds made"), n_refunds);
  draw_money_figure (&page, _("Refunded"), report->refunds);
  draw_money_figure (&page, _("Net"), report->net);
  draw_money_figure (&page, _("VAT"), report->vat);
  draw_money_figure (&page, _("Tax free"), report->tax_free);
  draw_money_figure (&page, _("Supply value (before VAT)"), report->supply);
  draw_figure (&page, _("Cancelled payments"), n_cancelled);
  draw_figure (&page, _("Expired payments"), n_expired);
  draw_gap (&page, MARGIN_LINES);

  draw_line (&page, _("By payment method"), "Sans Bold 12");
  draw_row (&page, method_header, method_columns, method_alignments, 5, "Sans Bold 10");
  draw_rule (&page);
  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);
      g_autofree char *count = g_strdup_printf ("%u", totals->count);
      g_autofree char *gross = kp_money_format (totals->gross);
      g_autofree char *refunds = kp_money_format (totals->refunds);
      g_autofree char *net = kp_money_format (totals->net);
      const char *cells[] = {
        kp_payment_method_label (totals->method), count, gross, refunds, net
      };

      draw_row (&page, cells, method_columns, method_alignments, 5, "Sans 10");
    }
  draw_gap (&page, MARGIN_LINES);

  if (report->unfinished->len > 0)
    {
      draw_line (&page, _("Warning: unfinished, not in the figures"), "Sans Bold 12");
      for (guint i = 0; i < report->unfinished->len; i++)
        {
          const KpJournalUnfinished *item = g_ptr_array_index (report->unfinished, i);
          g_autofree char *amount = kp_money_format (item->amount);
          g_autofree char *since = kp_format_date_time (item->since);
          g_autofree char *line = NULL;

          if (!room_for (&page, 3))
            {
              g_autofree char *more = g_strdup_printf (_("… and %u more"),
                                                       report->unfinished->len - i);

              draw_line (&page, more, "Sans 10");
              break;
            }
          if (item->refund_id != NULL)
            /* Translators: an unfinished refund: order, amount, since when */
            line = g_strdup_printf (_("Order %s: refund of %s waiting for KakaoPay since %s"),
                                    item->partner_order_id, amount, since);
          else
            /* Translators: an unfinished sale: order, amount, state, since when */
            line = g_strdup_printf (_("Order %s: %s, %s since %s"), item->partner_order_id,
                                    amount, kp_sale_state_label (item->state), since);
          draw_line (&page, line, "Sans 10");
        }
      draw_gap (&page, MARGIN_LINES);
    }

  if (report->closed)
    {
      if (report->amendments->len > 0)
        {
          draw_line (&page, _("Changes after closing"), "Sans Bold 12");
          for (guint i = 0; i < report->amendments->len; i++)
            {
              const KpJournalAmendment *item = g_ptr_array_index (report->amendments, i);
              g_autofree char *at = kp_format_date_time (item->at);
              g_autofree char *line = NULL;

              if (!room_for (&page, 3))
                {
                  g_autofree char *more = g_strdup_printf (_("… and %u more"),
                                                           report->amendments->len - i);

                  draw_line (&page, more, "Sans 10");
                  break;
                }
              /* Translators: an amendment: when, who made it, what changed */
              line = g_strdup_printf (_("%s · %s · %s"), at,
                                      item->by_journal ? _("by the journal")
                                                       : _("outside the journal"),
                                      item->what);
              draw_line (&page, line, "Sans 9");
            }
          draw_gap (&page, MARGIN_LINES);
        }
      if (check != NULL && room_for (&page, 2))
        draw_line (&page, check->intact ? _("Verified: the closed day is intact.")
                                        : _("Warning: the closed day was changed outside the "
                                            "journal."),
                   "Sans Bold 11");
    }
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  gtk_print_operation_set_n_pages (operation, 1);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  const KpJournalDayReport *report = g_object_get_data (G_OBJECT (operation), "kp-report");
  const KpJournalDayCheck *check = g_object_get_data (G_OBJECT (operation), "kp-check");
  g_autoptr (PangoLayout) layout = gtk_print_context_create_pango_layout (context);

  kp_day_report_print_draw (report, check, gtk_print_context_get_cairo_context (context),
                            layout, gtk_print_context_get_width (context),
                            gtk_print_context_get_height (context));
}

/**
 * kp_day_report_print_new:
 * @report: the report; copied
 * @check: (nullable): the closed day's verification; copied
 *
 * Returns: (transfer full): an operation that prints @report on one page
 */
GtkPrintOperation *
kp_day_report_print_new (const KpJournalDayReport *report,
                         const KpJournalDayCheck  *check)
{
  GtkPrintOperation *operation;
  g_autofree char *day = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  day = kp_format_day (&report->day);
  operation = gtk_print_operation_new ();
  /* Translators: the print job's name; %s is the day */
  name = g_strdup_printf (_("Day report %s"), day);
  gtk_print_operation_set_job_name (operation, name);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_object_set_data_full (G_OBJECT (operation), "kp-report",
                          kp_journal_day_report_copy (report),
                          (GDestroyNotify) kp_journal_day_report_free);
  if (check != NULL)
    g_object_set_data_full (G_OBJECT (operation), "kp-check", kp_journal_day_check_copy (check),
                            (GDestroyNotify) kp_journal_day_check_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), NULL);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), NULL);
  return operation;
}

/**
 * kp_day_report_print_export_pdf:
 * @report: the report
 * @check: (nullable): the closed day's verification
 * @pdf_path: the file to write
 * @error: return location for a #GError
 *
 * Writes @report as PDF, drawn exactly as it prints, readable by its owner alone
 * (kp_print_export_pdf()). GTK must be initialized.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_day_report_print_export_pdf (const KpJournalDayReport  *report,
                                const KpJournalDayCheck   *check,
                                const char                *pdf_path,
                                GError                   **error)
{
  g_autoptr (GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (pdf_path != NULL, FALSE);

  operation = kp_day_report_print_new (report, check);
  return kp_print_export_pdf (operation, pdf_path, error);
}
