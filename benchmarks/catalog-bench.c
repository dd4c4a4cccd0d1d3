/* catalog-bench.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The product catalog at the size of a large shop: a CSV of 100,000 products (each with
 * an EAN-13 barcode, a few with two), imported through the real preview and apply into
 * a catalog.db on disk; then barcode lookups (a scan) and searches as the cashier types
 * them, character by character (prefix, substring, initial consonants, nothing found),
 * each timed, the barcodes read into memory as the window reads them for its scans (the
 * time in the worker thread, and a scan's lookup then), and the export. Prints figures;
 * never fails on speed. Run it through benchmarks/catalog. */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "kp-barcode-map.h"
#include "kp-catalog-csv.h"

#define N_LOOKUPS 2000
#define SEARCH_LIMIT 10

static const char * const bases[] = {
  "아메리카노", "카페라떼", "바닐라라떼", "카푸치노", "카라멜마키아토", "콜드브루", "녹차라떼",
  "초코라떼", "딸기스무디", "망고스무디", "자몽에이드", "레몬에이드", "크루아상", "베이글",
  "치즈케이크", "티라미수", "마카롱", "스콘", "샌드위치", "샐러드", "생수", "우유", "두유",
  "오렌지주스", "사과주스", "컵라면", "삼각김밥", "도시락", "과자", "초콜릿", "껌", "사탕",
  "Croissant", "Bagel", "Muffin", "Cookie", "Brownie", "Espresso", "Latte", "Mocha",
};
static const char * const kinds[] = {
  "", "아이스 ", "따뜻한 ", "디카페인 ", "유기농 ", "저지방 ", "미니 ", "대용량 ", "Big ", "Light ",
};
static const char * const sizes[] = { "S", "M", "L", "XL", "250ml", "500ml", "1L", "2L" };
static const char * const categories[] = { "커피", "음료", "빵", "디저트", "식품", "과자" };

static char *
ean13 (guint64 number)
{
  char digits[14];
  guint sum = 0;

  g_snprintf (digits, sizeof digits, "880%09" G_GUINT64_FORMAT "0", number);
  for (guint i = 0; i < 12; i++)
    sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
  digits[12] = '0' + (10 - sum % 10) % 10;
  return g_strdup (digits);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *times)
{
  double sum = 0;

  g_array_sort (times, compare_doubles);
  for (guint i = 0; i < times->len; i++)
    sum += g_array_index (times, double, i);
  g_print ("%-44s %7u runs  median %7.3f ms  mean %7.3f ms  p99 %7.3f ms  max %7.3f ms\n",
           what, times->len, g_array_index (times, double, times->len / 2), sum / times->len,
           g_array_index (times, double, MIN (times->len - 1, times->len * 99 / 100)),
           g_array_index (times, double, times->len - 1));
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GString) csv = g_string_new (KP_CATALOG_CSV_HEADER "\r\n");
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *exported = NULL;
  int n_products = 100000;
  gboolean keep = FALSE;
  char *dir_option = NULL;
  const GOptionEntry entries[] = {
    { "products", 0, 0, G_OPTION_ARG_INT, &n_products, "How many products", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_option, "Where to write", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the files", NULL },
    { NULL }
  };
  /* What a cashier types, one character more each time. */
  const char * const typed[] = {
    "아메리카노", "카페라떼", "ㅇㅁㄹㅋㄴ", "ㄴㅊㄹㄸ", "라떼", "스무디", "croissant", "LATTE",
    "우유 1L", "zzzz", "없는상품",
  };
  gint64 start;
  double import_ms, preview_ms;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- time the product catalog");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  dir = dir_option != NULL ? g_strdup (dir_option)
                           : g_dir_make_tmp ("kp-catalog-bench-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, "catalog.db", NULL);
  csv_path = g_build_filename (dir, "catalog.csv", NULL);
  g_unlink (path);

  for (int i = 0; i < n_products; i++)
    {
      g_autofree char *name = g_strdup_printf (
        "%s%s %s %d", kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))],
        bases[g_rand_int_range (rand, 0, G_N_ELEMENTS (bases))],
        sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))], i);
      g_autofree char *price = g_strdup_printf ("%d", 100 * g_rand_int_range (rand, 5, 500));
      g_autofree char *barcodes = ean13 (i);
      g_autofree char *quick_key = i < 60 ? g_strdup_printf ("%d", i % 10 + 1) : g_strdup ("");
      const char *fields[7];

      if (i % 10 == 0)
        {
          g_autofree char *second = ean13 (n_products + i);
          char *both = g_strconcat (barcodes, "|", second, NULL);

          g_free (barcodes);
          barcodes = both;
        }
      fields[0] = name;
      fields[1] = price;
      fields[2] = i % 7 == 0 ? "1" : "0";
      fields[3] = barcodes;
      fields[4] = categories[i % G_N_ELEMENTS (categories)];
      fields[5] = quick_key;
      fields[6] = NULL;
      kp_catalog_csv_append_record (csv, fields);
    }
  if (!g_file_set_contents (csv_path, csv->str, csv->len, &error))
    g_error ("%s", error->message);
  g_print ("catalog: %d products, CSV %.1f MB, in %s\n", n_products, csv->len / 1e6, dir);

  catalog = kp_catalog_open_sync (path, &error);
  if (catalog == NULL)
    g_error ("%s", error->message);

  start = g_get_monotonic_time ();
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    if (!g_file_get_contents (csv_path, &contents, &length, &error))
      g_error ("%s", error->message);
    bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  }
  import = kp_catalog_preview_import_sync (catalog, bytes, NULL, TRUE, &error);
  if (import == NULL)
    g_error ("%s", error->message);
  preview_ms = ms_since (start);
  if (import->n_reject > 0)
    g_error ("%u rows rejected", import->n_reject);
  if (!kp_catalog_apply_import_sync (catalog, import, &error))
    g_error ("%s", error->message);
  import_ms = ms_since (start);
  g_print ("import (read, preview, apply in one transaction): %.0f ms (preview %.0f ms)\n",
           import_ms, preview_ms);

  /* Again, as an update: every row the same. */
  g_clear_pointer (&import, kp_catalog_import_free);
  start = g_get_monotonic_time ();
  import = kp_catalog_preview_import_sync (catalog, bytes, NULL, FALSE, &error);
  if (import == NULL)
    g_error ("%s", error->message);
  g_print ("preview of the same file against the full catalog: %.0f ms (%u unchanged)\n",
           ms_since (start), import->n_same);

  for (guint i = 0; i < N_LOOKUPS; i++)
    {
      guint64 number = g_rand_int_range (rand, 0, n_products);
      g_autofree char *barcode = ean13 (number);
      g_autoptr (KpCatalogProduct) product = NULL;
      double ms;

      start = g_get_monotonic_time ();
      product = kp_catalog_lookup_barcode_sync (catalog, barcode, &error);
      ms = ms_since (start);
      if (product == NULL)
        g_error ("barcode %s not found", barcode);
      g_array_append_val (times, ms);
    }
  report ("barcode lookup (target <= 1 ms)", times);
  g_array_set_size (times, 0);
  for (guint i = 0; i < N_LOOKUPS; i++)
    {
      g_autofree char *barcode = ean13 (3 * (guint64) n_products + i);
      g_autoptr (KpCatalogProduct) product = NULL;
      double ms;

      start = g_get_monotonic_time ();
      product = kp_catalog_lookup_barcode_sync (catalog, barcode, &error);
      ms = ms_since (start);
      if (product != NULL || error != NULL)
        g_error ("unknown barcode %s found", barcode);
      g_array_append_val (times, ms);
    }
  report ("unknown barcode lookup", times);

  /* What the window does: every barcode read into memory in a worker thread, then each
   * scan looked up there on the main thread. */
  {
    g_autoptr (KpBarcodeMap) map = NULL;

    start = g_get_monotonic_time ();
    map = kp_catalog_load_barcode_map_sync (catalog, &error);
    if (map == NULL)
      g_error ("%s", error->message);
    g_print ("barcodes read into memory (in the worker thread): %.0f ms, %u products\n",
             ms_since (start), kp_barcode_map_get_size (map));
    g_array_set_size (times, 0);
    for (guint i = 0; i < N_LOOKUPS; i++)
      {
        guint64 number = g_rand_int_range (rand, 0, n_products);
        g_autofree char *barcode = ean13 (number);
        const KpCatalogProduct *product;
        double ms;

        start = g_get_monotonic_time ();
        product = kp_barcode_map_lookup (map, barcode);
        ms = ms_since (start);
        if (product == NULL)
          g_error ("barcode %s not in the map", barcode);
        g_array_append_val (times, ms);
      }
    report ("scan looked up in memory (target <= 1 ms)", times);
  }

  /* The first substring search after a change reads every product's keys. */
  {
    g_autoptr (GPtrArray) found = NULL;

    start = g_get_monotonic_time ();
    found = kp_catalog_search_sync (catalog, "zzzz", SEARCH_LIMIT, &error);
    if (found == NULL)
      g_error ("%s", error->message);
    g_print ("first substring search after the import (reads the search keys): %.1f ms\n",
             ms_since (start));
  }

  {
    g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint w = 0; w < G_N_ELEMENTS (typed); w++)
      {
        g_autoptr (GArray) word_times = g_array_new (FALSE, FALSE, sizeof (double));
        g_autofree char *label = NULL;
        guint found_last = 0;

        for (const char *end = g_utf8_next_char (typed[w]);; end = g_utf8_next_char (end))
          {
            g_autofree char *prefix = g_strndup (typed[w], end - typed[w]);

            for (guint r = 0; r < 5; r++)
              {
                g_autoptr (GPtrArray) found = NULL;
                double ms;

                start = g_get_monotonic_time ();
                found = kp_catalog_search_sync (catalog, prefix, SEARCH_LIMIT, &error);
                ms = ms_since (start);
                if (found == NULL)
                  g_error ("%s", error->message);
                found_last = found->len;
                g_array_append_val (word_times, ms);
                g_array_append_val (all, ms);
              }
            if (*end == '\0')
              break;
          }
        label = g_strdup_printf ("search “%s” (%u shown)", typed[w], found_last);
        report (label, word_times);
      }
    report ("search as you type, all (target <= 10 ms)", all);
  }

  start = g_get_monotonic_time ();
  exported = kp_catalog_export_csv_text (catalog, &error);
  if (exported == NULL)
    g_error ("%s", error->message);
  g_print ("export: %.0f ms, %s the imported file\n", ms_since (start),
           strcmp (exported, g_bytes_get_data (bytes, NULL)) == 0 ? "identical to"
                                                                  : "DIFFERENT from");

  g_clear_object (&catalog);
  if (!keep && dir_option == NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (csv_path);
      g_rmdir (dir);
    }
  g_free (dir_option);
  return 0;
}
