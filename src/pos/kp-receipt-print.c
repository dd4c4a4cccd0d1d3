/* kp-receipt-print.c: a receipt on an ordinary printer, or as PDF
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-receipt-print"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-print-export.h"
#include "kp-receipt-print.h"

/* The receipt as the thermal printer has it, its rows of text at the paper's width
 * in columns, set in a monospace font sized so that a row fills the width. The page
 * is a strip of receipt paper (58 mm for 32 columns, 80 mm otherwise) as long as the
 * receipt: a printer of the system that takes rolls cuts it there, a sheet printer
 * prints it at the top of the sheet. */

#define MARGIN_MM 3.0
#define FONT_POINTS 10.0
/* A monospace font's advance, and its line height, in ems: for the page's length
 * before the font is measured on the printer's resolution. */
#define ADVANCE_EM 0.6
#define LINE_EM 1.25

typedef struct
{
  GPtrArray *rows;
  guint      columns;
} Job;

static void
job_free (gpointer  data,
          GClosure *closure)
{
  Job *job = data;

  g_ptr_array_unref (job->rows);
  g_free (job);
}

static double
paper_width_mm (guint columns)
{
  return columns <= KP_RECEIPT_COLUMNS_58MM ? 58.0 : 80.0;
}

static PangoFontDescription *
font_for (PangoLayout *layout,
          guint        columns,
          double       width)
{
  /* Coding fonts whose Hangul is exactly two columns wide, where installed. */
  PangoFontDescription *font =
    pango_font_description_from_string ("Noto Sans Mono CJK KR,D2Coding,NanumGothicCoding,"
                                        "Monospace");
  g_autofree char *sample = g_strnfill (columns, '0');
  int sample_width;

  /* Measured at a known size, then scaled to the width. */
  pango_font_description_set_size (font, (int) (FONT_POINTS * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, sample, -1);
  pango_layout_get_pixel_size (layout, &sample_width, NULL);
  if (sample_width > 0)
    pango_font_description_set_size (font,
                                     (int) (FONT_POINTS * width / sample_width * PANGO_SCALE));
  return font;
}

/**
 * kp_receipt_print_draw:
 * @rows: (element-type KpReceiptRow): the receipt laid out by kp_receipt_layout()
 * @columns: the width it was laid out for
 * @cr: where to draw
 * @layout: a layout for @cr (its resolution set)
 * @width: the printable width, in @cr's units
 *
 * Draws @rows one under the other, a row filling @width.
 *
 * Returns: the width of the widest row drawn, in @cr's units
 */
double
kp_receipt_print_draw (GPtrArray   *rows,
                       guint        columns,
                       cairo_t     *cr,
                       PangoLayout *layout,
                       double       width)
{
  PangoFontDescription *font = NULL;
  cairo_font_options_t *options;
  double y = 0;
  double widest = 0;

  g_return_val_if_fail (rows != NULL, 0);

  /* Advances as the font gives them: rounded to whole units, a small font's
   * columns would add up to less than the paper's width. */
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  pango_layout_context_changed (layout);

  font = font_for (layout, columns, width);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);
      gboolean strong = row->style != KP_RECEIPT_ROW_PLAIN;
      int row_width, height;

      pango_font_description_set_weight (font, strong ? PANGO_WEIGHT_BOLD
                                                      : PANGO_WEIGHT_NORMAL);
      pango_layout_set_font_description (layout, font);
      /* Rows are laid out to the width already: nothing wraps. */
      pango_layout_set_width (layout, -1);
      pango_layout_set_text (layout, row->text, -1);
      pango_layout_get_pixel_size (layout, &row_width, &height);
      cairo_save (cr);
      cairo_move_to (cr, 0, y);
      /* A font whose Hangul is not two columns wide: the row is narrowed to the
       * paper, its amount still at the right edge. */
      if (row_width > width)
        {
          cairo_scale (cr, width / row_width, 1.0);
          row_width = (int) width;
        }
      pango_cairo_show_layout (cr, layout);
      cairo_restore (cr);
      widest = MAX (widest, row_width);
      y += height;
    }
  pango_font_description_free (font);
  return widest;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              Job               *job)
{
  g_autoptr (PangoLayout) layout = gtk_print_context_create_pango_layout (context);

  kp_receipt_print_draw (job->rows, job->columns, gtk_print_context_get_cairo_context (context),
                         layout, gtk_print_context_get_width (context));
}

static GtkPageSetup *
page_setup_for (guint columns,
                guint n_rows)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  double width = paper_width_mm (columns);
  double text_width = width - 2 * MARGIN_MM;
  /* The font's size in millimetres that makes a row fill the width. */
  double em = text_width / (columns * ADVANCE_EM);
  double height = (n_rows + 1) * em * LINE_EM + 2 * MARGIN_MM;
  g_autoptr (GtkPaperSize) paper = NULL;

  /* Translators: the paper size of a receipt, in the print dialog */
  paper = gtk_paper_size_new_custom ("kp-receipt", _("Receipt roll"), width, height,
                                     GTK_UNIT_MM);
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_page_setup_set_top_margin (setup, MARGIN_MM, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, MARGIN_MM, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, MARGIN_MM, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, MARGIN_MM, GTK_UNIT_MM);
  return setup;
}

/**
 * kp_receipt_print_new:
 * @receipt: the receipt; laid out at once
 * @columns: the paper's width in columns (32, 42 or 48)
 *
 * Returns: (transfer full): an operation that prints @receipt on one page
 */
GtkPrintOperation *
kp_receipt_print_new (const KpReceipt *receipt,
                      guint            columns)
{
  GtkPrintOperation *operation;
  g_autoptr (GtkPageSetup) setup = NULL;
  g_autofree char *name = NULL;
  Job *job;

  g_return_val_if_fail (receipt != NULL, NULL);

  if (!kp_receipt_columns_are_valid (columns))
    columns = KP_RECEIPT_COLUMNS_80MM;
  job = g_new0 (Job, 1);
  job->rows = kp_receipt_layout (receipt, columns);
  job->columns = columns;

  operation = gtk_print_operation_new ();
  /* Translators: the print job's name; %s is the order number */
  name = g_strdup_printf (_("Receipt %s"), receipt->order_id != NULL ? receipt->order_id : "");
  gtk_print_operation_set_job_name (operation, name);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  setup = page_setup_for (columns, job->rows->len);
  gtk_print_operation_set_default_page_setup (operation, setup);
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb), job,
                         job_free, 0);
  return operation;
}

/**
 * kp_receipt_print_export_pdf:
 * @receipt: the receipt
 * @columns: the paper's width in columns
 * @pdf_path: the file to write
 * @error: return location for a #GError
 *
 * Writes @receipt as PDF, drawn exactly as it prints, readable by its owner alone.
 * GTK must be initialized.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_receipt_print_export_pdf (const KpReceipt  *receipt,
                             guint             columns,
                             const char       *pdf_path,
                             GError          **error)
{
  g_autoptr (GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (receipt != NULL, FALSE);
  g_return_val_if_fail (pdf_path != NULL, FALSE);

  operation = kp_receipt_print_new (receipt, columns);
  return kp_print_export_pdf (operation, pdf_path, error);
}
