/* test-receipt-print.c: a receipt drawn for an ordinary printer, read back from PDF
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

#include "kp-receipt-print.h"
#include "kp-test-sale.h"

#define MM_TO_POINTS(mm) ((mm) / 25.4 * 72.0)

/* The text of @pdf_path's first page, as pdftotext reads it; NULL without pdftotext. */
static char *
pdf_text (const char *pdf_path)
{
  const char *argv[] = { "pdftotext", "-layout", "-l", "1", pdf_path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    return NULL;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* The first page of @pdf_path is a strip of receipt paper @width_mm wide. */
static void
check_page_width (const char *pdf_path,
                  double      width_mm)
{
  const char *argv[] = { "pdfinfo", pdf_path, NULL };
  g_autofree char *out = NULL;
  const char *size;
  double width, height;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL))
    return;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  size = strstr (out, "Page size:");
  g_assert_nonnull (size);
  g_assert_cmpint (sscanf (size, "Page size: %lf x %lf", &width, &height), ==, 2);
  g_test_message ("page: %.1f x %.1f points", width, height);
  g_assert_cmpfloat_with_epsilon (width, MM_TO_POINTS (width_mm), 1.0);
  g_assert_cmpfloat (height, >, width);
}

/* The first page of @pdf_path as pdftoppm renders it at 100 dpi: a strip @width_mm
 * wide, with many rows of ink (one per line of text) from the top down. Skipped
 * without pdftoppm. */
static void
check_rendered (const char *pdf_path,
                const char *dir,
                double      width_mm)
{
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1",
                         "-singlefile", pdf_path, prefix, NULL };
  g_autoptr (GdkPixbuf) page = NULL;
  g_autoptr (GError) error = NULL;
  const guchar *pixels;
  int width, height, stride, channels;
  int inked_rows = 0, first_ink = -1, last_ink = -1;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  page = gdk_pixbuf_new_from_file (png, &error);
  g_assert_no_error (error);
  width = gdk_pixbuf_get_width (page);
  height = gdk_pixbuf_get_height (page);
  g_assert_cmpfloat_with_epsilon (width, width_mm / 25.4 * 100.0, 2.0);

  pixels = gdk_pixbuf_read_pixels (page);
  stride = gdk_pixbuf_get_rowstride (page);
  channels = gdk_pixbuf_get_n_channels (page);
  for (int y = 0; y < height; y++)
    {
      gboolean ink = FALSE;

      for (int x = 0; x < width && !ink; x++)
        ink = pixels[y * stride + x * channels] < 128;
      if (!ink)
        continue;
      inked_rows++;
      if (first_ink < 0)
        first_ink = y;
      last_ink = y;
    }
  g_test_message ("rendered %d x %d px, ink on %d rows from %d to %d", width, height,
                  inked_rows, first_ink, last_ink);
  /* The shop's name at the top, some thirty lines of text below it. */
  g_assert_cmpint (first_ink, >=, 0);
  g_assert_cmpint (first_ink, <, height / 10);
  g_assert_cmpint (inked_rows, >, 30 * 3);
  g_assert_cmpint (last_ink - first_ink, >, 30 * 8);
  g_unlink (png);
}

static void
check_drawn (guint    columns,
             gboolean reprint)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
  g_autoptr (KpReceiptShop) shop = kp_receipt_shop_new ("카카오 카페", "2208162517", NULL,
                                                        NULL, NULL);
  g_autoptr (KpReceipt) receipt = kp_receipt_new_for_sale (sale, shop, reprint);
  g_autoptr (GPtrArray) rows = kp_receipt_layout (receipt, columns);
  g_autofree char *dir = g_dir_make_tmp ("kp-receipt-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autofree char *text = NULL;
  double width = MM_TO_POINTS (columns == 32 ? 52.0 : 74.0);
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoLayout *layout;
  double widest;

  surface = cairo_pdf_surface_create (path, width, MM_TO_POINTS (300));
  cr = cairo_create (surface);
  layout = pango_cairo_create_layout (cr);
  widest = kp_receipt_print_draw (rows, columns, cr, layout, width);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  /* A row fills the paper's width, and no row is wider (Hangul takes two columns). */
  g_test_message ("%u columns: widest row %.1f of %.1f points", columns, widest, width);
  g_assert_cmpfloat (widest, <=, width * 1.01);
  g_assert_cmpfloat (widest, >=, width * 0.9);

  text = pdf_text (path);
  if (text == NULL)
    {
      g_test_skip ("pdftotext is not installed");
    }
  else
    {
      g_test_message ("%s", text);
      g_assert_nonnull (strstr (text, "21,600"));
      g_assert_nonnull (strstr (text, "POS-01-20261206-0007"));
      g_assert_nonnull (strstr (text, "A9876543210987654321"));
      g_assert_nonnull (strstr (text, "220-81-62517"));
      g_assert_true ((strstr (text, "REPRINT") != NULL) == reprint);
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_draw_32 (void)
{
  check_drawn (32, FALSE);
}

static void
test_draw_42_reprint (void)
{
  check_drawn (42, TRUE);
}

/* Through GtkPrintOperation, as "Save as PDF" writes it: needs a display. */
static void
test_export (void)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
  g_autoptr (KpReceipt) receipt = kp_receipt_new_for_sale (sale, NULL, FALSE);
  g_autofree char *dir = g_dir_make_tmp ("kp-receipt-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      g_rmdir (dir);
      return;
    }
  g_assert_true (kp_receipt_print_export_pdf (receipt, 42, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  text = pdf_text (path);
  if (text != NULL)
    {
      g_assert_nonnull (strstr (text, "21,600"));
      g_assert_nonnull (strstr (text, "POS-01-20261206-0007"));
    }
  check_page_width (path, 80.0);
  check_rendered (path, dir, 80.0);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/receipt-print/draw-32", test_draw_32);
  g_test_add_func ("/receipt-print/draw-42-reprint", test_draw_42_reprint);
  g_test_add_func ("/receipt-print/export", test_export);

  return g_test_run ();
}
