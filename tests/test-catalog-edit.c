/* test-catalog-edit.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kp-barcode-map.h"
#include "kp-catalog-csv.h"
#include "kp-scan-queue.h"
#include "kp-test-catalog.h"
#include "kp-test-server.h"

/* What the catalog editor and the scan path use: the barcode map, the search among
 * every product, reordered quick keys, and the async calls behind the editor. */

static KpCatalogProduct *
product_new (const char *name,
             gint64      price,
             const char *category,
             guint       quick_key,
             const char *barcodes)
{
  KpCatalogProduct *product = kp_catalog_product_new (name, price);

  product->category = g_strdup (category);
  product->quick_key = quick_key;
  g_strfreev (product->barcodes);
  product->barcodes = barcodes != NULL ? g_strsplit (barcodes, "|", -1) : g_new0 (char *, 1);
  return product;
}

static void
test_barcode_map (void)
{
  g_autoptr (KpBarcodeMap) map = kp_barcode_map_new ();
  g_autoptr (KpCatalogProduct) coffee = product_new ("Coffee", 4500, NULL, 0,
                                                     "8801234567893|ABC-1");
  g_autoptr (KpCatalogProduct) tea = product_new ("Tea", 3000, NULL, 0, "96385074");

  coffee->id = 1;
  tea->id = 2;
  kp_barcode_map_put (map, coffee);
  kp_barcode_map_put (map, tea);
  g_assert_cmpuint (kp_barcode_map_get_size (map), ==, 2);
  g_assert_cmpstr (kp_barcode_map_lookup (map, "8801234567893")->name, ==, "Coffee");
  g_assert_cmpstr (kp_barcode_map_lookup (map, "ABC-1")->name, ==, "Coffee");
  g_assert_cmpint (kp_barcode_map_lookup (map, "96385074")->price, ==, 3000);
  g_assert_null (kp_barcode_map_lookup (map, "0000"));

  /* A new price, one barcode less. */
  coffee->price = 5000;
  g_strfreev (coffee->barcodes);
  coffee->barcodes = g_strsplit ("8801234567893", "|", -1);
  kp_barcode_map_put (map, coffee);
  g_assert_cmpint (kp_barcode_map_lookup (map, "8801234567893")->price, ==, 5000);
  g_assert_null (kp_barcode_map_lookup (map, "ABC-1"));

  /* A barcode passed to another product; the one that had it keeps the rest. */
  g_strfreev (tea->barcodes);
  tea->barcodes = g_strsplit ("96385074|ABC-1", "|", -1);
  kp_barcode_map_put (map, tea);
  coffee->barcodes[0][0] = '9';
  kp_barcode_map_put (map, coffee);
  g_assert_cmpstr (kp_barcode_map_lookup (map, "ABC-1")->name, ==, "Tea");
  g_assert_null (kp_barcode_map_lookup (map, "8801234567893"));
  g_assert_cmpstr (kp_barcode_map_lookup (map, "9801234567893")->name, ==, "Coffee");
  kp_barcode_map_remove (map, coffee->id);
  g_assert_null (kp_barcode_map_lookup (map, "9801234567893"));
  g_assert_cmpstr (kp_barcode_map_lookup (map, "ABC-1")->name, ==, "Tea");

  /* Inactive: not for sale, so not found. */
  tea->active = FALSE;
  kp_barcode_map_put (map, tea);
  g_assert_null (kp_barcode_map_lookup (map, "96385074"));
  g_assert_cmpuint (kp_barcode_map_get_size (map), ==, 0);
  kp_barcode_map_remove (map, 42);
}

/* The map read from the store finds what kp_catalog_lookup_barcode_sync() finds. */
static void
test_load_barcode_map (KpTestCatalog *fixture,
                       gconstpointer  data)
{
  g_autoptr (KpBarcodeMap) map = NULL;
  g_autoptr (KpCatalog) other = NULL;
  g_autoptr (KpCatalogProduct) hidden = product_new ("Old", 1000, NULL, 0, "OLD-1");
  g_autoptr (GError) error = NULL;
  const char *codes[] = { "8801234567893", "96385074", "ABC-1", "OLD-1", "NONE" };
  GAsyncResult *result = NULL;

  kp_test_catalog_add (fixture->catalog,
                       product_new ("Coffee", 4500, NULL, 0, "8801234567893|ABC-1"));
  kp_test_catalog_add (fixture->catalog, product_new ("Tea", 3000, NULL, 0, "96385074"));
  kp_test_catalog_add (fixture->catalog, product_new ("Water", 1000, NULL, 0, NULL));
  hidden->active = FALSE;
  g_assert_true (kp_catalog_add_product_sync (fixture->catalog, hidden, 0, &error));

  kp_catalog_load_barcode_map_async (fixture->catalog, NULL, kp_test_result_cb, &result);
  map = kp_catalog_load_barcode_map_finish (fixture->catalog, kp_test_result_wait (&result),
                                            &error);
  g_assert_no_error (error);
  kp_test_result_drop (&result);

  g_assert_cmpuint (kp_barcode_map_get_size (map), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (KpCatalogProduct) stored = NULL;
      const KpCatalogProduct *mapped = kp_barcode_map_lookup (map, codes[i]);

      stored = kp_catalog_lookup_barcode_sync (fixture->catalog, codes[i], &error);
      g_assert_no_error (error);
      g_assert_true ((stored == NULL) == (mapped == NULL));
      if (stored != NULL)
        g_assert_true (kp_catalog_product_equal (stored, mapped));
    }

  /* This connection's own changes leave the version; another process's change it. */
  g_assert_cmpint (kp_barcode_map_get_data_version (map), ==,
                   kp_catalog_get_data_version_sync (fixture->catalog));
  kp_test_catalog_add (fixture->catalog, product_new ("Juice", 2500, NULL, 0, "JUICE-1"));
  g_assert_cmpint (kp_barcode_map_get_data_version (map), ==,
                   kp_catalog_get_data_version_sync (fixture->catalog));
  other = kp_catalog_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  kp_test_catalog_add (other, product_new ("Milk", 2900, NULL, 0, "MILK-1"));
  kp_catalog_get_data_version_async (fixture->catalog, NULL, kp_test_result_cb, &result);
  g_assert_cmpint (kp_barcode_map_get_data_version (map), !=,
                   kp_catalog_get_data_version_finish (fixture->catalog,
                                                       kp_test_result_wait (&result)));
  kp_test_result_drop (&result);
  g_assert_finalize_object (g_steal_pointer (&other));
}

static char *
names (GPtrArray *products)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) all = NULL;

  for (guint i = 0; i < products->len; i++)
    g_strv_builder_add (builder, ((KpCatalogProduct *) g_ptr_array_index (products, i))->name);
  all = g_strv_builder_end (builder);
  return g_strjoinv (",", all);
}

static void
assert_search (KpCatalog            *catalog,
               const char           *text,
               KpCatalogSearchFlags  flags,
               const char           *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = kp_catalog_search_full_sync (catalog, text, 10, flags, &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  joined = names (found);
  g_assert_cmpstr (joined, ==, expected);
}

/* The editor finds the inactive products too; the Sale page never does. */
static void
test_search_inactive (KpTestCatalog *fixture,
                      gconstpointer  data)
{
  g_autoptr (KpCatalogProduct) hidden = product_new ("아메리카노 (단종)", 4000, NULL, 0, NULL);
  g_autoptr (GError) error = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("아메리카노", 4500, NULL, 0, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("아이스 아메리카노", 5000, NULL, 0, NULL));
  hidden->active = FALSE;
  g_assert_true (kp_catalog_add_product_sync (fixture->catalog, hidden, 0, &error));

  assert_search (fixture->catalog, "아메", KP_CATALOG_SEARCH_ACTIVE,
                 "아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "아메", KP_CATALOG_SEARCH_INACTIVE,
                 "아메리카노,아메리카노 (단종),아이스 아메리카노");
  assert_search (fixture->catalog, "단종", KP_CATALOG_SEARCH_ACTIVE, "");
  assert_search (fixture->catalog, "단종", KP_CATALOG_SEARCH_INACTIVE, "아메리카노 (단종)");
  assert_search (fixture->catalog, "ㄷㅈ", KP_CATALOG_SEARCH_INACTIVE, "아메리카노 (단종)");
}

static char *
quick_key_names (KpCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = kp_catalog_list_quick_keys_sync (catalog, &error);

  g_assert_no_error (error);
  return names (keys);
}

static void
test_set_quick_keys (KpTestCatalog *fixture,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 americano = kp_test_catalog_add (fixture->catalog,
                                          product_new ("Americano", 4500, "커피", 1, NULL));
  gint64 latte = kp_test_catalog_add (fixture->catalog,
                                      product_new ("Latte", 5000, "커피", 2, NULL));
  gint64 mocha = kp_test_catalog_add (fixture->catalog,
                                      product_new ("Mocha", 5500, "커피", 3, NULL));
  gint64 order[] = { mocha, americano, latte };
  gint64 bad[] = { latte, 999 };
  GAsyncResult *result = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("Bagel", 3500, "빵", 1, NULL));
  before = quick_key_names (fixture->catalog);
  g_assert_cmpstr (before, ==, "Bagel,Americano,Latte,Mocha");

  kp_catalog_set_quick_keys_async (fixture->catalog, order, G_N_ELEMENTS (order), NULL,
                                   kp_test_result_cb, &result);
  g_assert_true (kp_catalog_set_quick_keys_finish (fixture->catalog, kp_test_result_wait (&result),
                                                   &error));
  g_assert_no_error (error);
  kp_test_result_drop (&result);
  after = quick_key_names (fixture->catalog);
  g_assert_cmpstr (after, ==, "Bagel,Mocha,Americano,Latte");

  /* A product that is gone: nothing changes. */
  g_assert_false (kp_catalog_set_quick_keys_sync (fixture->catalog, bad, G_N_ELEMENTS (bad),
                                                  &error));
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND);
  g_clear_pointer (&after, g_free);
  after = quick_key_names (fixture->catalog);
  g_assert_cmpstr (after, ==, "Bagel,Mocha,Americano,Latte");
}

static void
test_async_edit (KpTestCatalog *fixture,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *export_path = g_build_filename (fixture->dir, "out.csv", NULL);
  g_autofree char *written = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *listed = NULL;
  g_autoptr (KpCatalog) other = NULL;
  gint64 tea;
  GAsyncResult *result = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("Coffee", 4500, "커피", 1, "8801234567893"));
  tea = kp_test_catalog_add (fixture->catalog, product_new ("Tea", 3000, NULL, 0, "96385074"));

  kp_catalog_search_full_async (fixture->catalog, "t", 5, KP_CATALOG_SEARCH_INACTIVE, NULL,
                                kp_test_result_cb, &result);
  found = kp_catalog_search_full_finish (fixture->catalog, kp_test_result_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  kp_test_result_drop (&result);

  kp_catalog_remove_product_async (fixture->catalog, tea, NULL, kp_test_result_cb, &result);
  g_assert_true (kp_catalog_remove_product_finish (fixture->catalog, kp_test_result_wait (&result),
                                                   &error));
  g_assert_no_error (error);
  kp_test_result_drop (&result);

  kp_catalog_remove_product_async (fixture->catalog, tea, NULL, kp_test_result_cb, &result);
  g_assert_false (kp_catalog_remove_product_finish (fixture->catalog, kp_test_result_wait (&result),
                                                    &error));
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  kp_test_result_drop (&result);

  kp_catalog_list_products_async (fixture->catalog, FALSE, NULL, kp_test_result_cb, &result);
  all = kp_catalog_list_products_finish (fixture->catalog, kp_test_result_wait (&result), &error);
  g_assert_no_error (error);
  listed = names (all);
  g_assert_cmpstr (listed, ==, "Coffee");
  kp_test_result_drop (&result);

  file = g_file_new_for_path (export_path);
  kp_catalog_export_csv_async (fixture->catalog, file, NULL, kp_test_result_cb, &result);
  g_assert_true (kp_catalog_export_csv_finish (fixture->catalog, kp_test_result_wait (&result),
                                               &error));
  g_assert_no_error (error);
  kp_test_result_drop (&result);
  g_assert_true (g_file_get_contents (export_path, &written, NULL, &error));
  expected = kp_catalog_export_csv_text (fixture->catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (written, ==, expected);
  g_assert_nonnull (strstr (written, "Coffee,4500,0,8801234567893,커피,1"));
  g_unlink (export_path);

  kp_catalog_open_async (fixture->path, NULL, kp_test_result_cb, &result);
  other = kp_catalog_open_finish (kp_test_result_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kp_catalog_get_path (other), ==, fixture->path);
  kp_test_result_drop (&result);
  g_assert_finalize_object (g_steal_pointer (&other));
}

/* Each scan resolved, as "code=name" or "code?" for an unknown one. */
static void
on_scan_cb (const char             *code,
            const KpCatalogProduct *product,
            gpointer                user_data)
{
  GPtrArray *resolved = user_data;

  g_ptr_array_add (resolved, product != NULL ? g_strdup_printf ("%s=%s", code, product->name)
                                             : g_strdup_printf ("%s?", code));
}

/* The scans resolved so far, and none left in @resolved. */
static char *
joined (GPtrArray *resolved)
{
  g_auto (GStrv) codes = NULL;

  g_ptr_array_add (resolved, NULL);
  codes = (GStrv) g_ptr_array_steal (resolved, NULL);
  return g_strjoinv (",", codes);
}

/* Scans that come while the barcodes are read wait, and are resolved in the order
 * they came; none is lost or merged, the same code twice is two scans. */
static void
test_scan_queue (void)
{
  g_autoptr (GPtrArray) resolved = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (KpScanQueue) queue = kp_scan_queue_new (on_scan_cb, resolved);
  g_autoptr (KpBarcodeMap) map = kp_barcode_map_new ();
  g_autoptr (KpCatalogProduct) coffee = product_new ("Coffee", 4500, NULL, 0, "111");
  g_autoptr (KpCatalogProduct) tea = product_new ("Tea", 3000, NULL, 0, "222");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *burst = NULL;

  coffee->id = 1;
  tea->id = 2;
  kp_barcode_map_put (map, coffee);

  /* No catalog yet, not waiting: every code unknown at once. */
  kp_scan_queue_push (queue, "111");
  g_assert_cmpuint (resolved->len, ==, 1);

  /* The barcodes on their way: nothing is resolved until they are there. */
  kp_scan_queue_wait (queue);
  g_assert_true (kp_scan_queue_is_waiting (queue));
  kp_scan_queue_push (queue, "222");
  kp_scan_queue_push (queue, "111");
  kp_scan_queue_push (queue, "111");
  kp_scan_queue_push (queue, "999");
  g_assert_cmpuint (resolved->len, ==, 1);
  kp_scan_queue_set_map (queue, map);
  g_assert_false (kp_scan_queue_is_waiting (queue));
  first = joined (resolved);
  g_assert_cmpstr (first, ==, "111?,222?,111=Coffee,111=Coffee,999?");

  /* A change to the map shows in the next scan. */
  kp_barcode_map_put (kp_scan_queue_get_map (queue), tea);
  kp_scan_queue_push (queue, "222");
  second = joined (resolved);
  g_assert_cmpstr (second, ==, "222=Tea");

  /* Read again (an import): a burst of 200 waits, then comes in order. */
  kp_scan_queue_wait (queue);
  for (guint i = 0; i < 200; i++)
    {
      const char *code = i % 3 == 0 ? "111" : i % 3 == 1 ? "222" : "333";

      kp_scan_queue_push (queue, code);
      g_string_append_printf (expected, "%s%s", i > 0 ? "," : "",
                              i % 3 == 0 ? "111=Coffee" : i % 3 == 1 ? "222=Tea" : "333?");
    }
  g_assert_cmpuint (resolved->len, ==, 0);
  kp_scan_queue_set_map (queue, kp_scan_queue_get_map (queue));
  burst = joined (resolved);
  g_assert_cmpstr (burst, ==, expected->str);

  /* The catalog could not be read: the waiting scans are unknown, not lost. */
  kp_scan_queue_wait (queue);
  kp_scan_queue_push (queue, "111");
  kp_scan_queue_set_map (queue, NULL);
  third = joined (resolved);
  g_assert_cmpstr (third, ==, "111?");
  g_assert_null (kp_scan_queue_get_map (queue));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/kp/catalog-edit/" path, KpTestCatalog, NULL, kp_test_catalog_set_up, func, \
              kp_test_catalog_tear_down)

  g_test_add_func ("/kp/catalog-edit/barcode-map", test_barcode_map);
  g_test_add_func ("/kp/catalog-edit/scan-queue", test_scan_queue);
  ADD ("load-barcode-map", test_load_barcode_map);
  ADD ("search-inactive", test_search_inactive);
  ADD ("set-quick-keys", test_set_quick_keys);
  ADD ("async-edit", test_async_edit);

  return g_test_run ();
}
