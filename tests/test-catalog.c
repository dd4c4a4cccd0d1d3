/* test-catalog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kp-catalog-csv.h"
#include "kp-test-catalog.h"
#include "kp-test-server.h"

static KpCatalogProduct *
product_new (const char *name,
             gint64      price,
             const char *category,
             guint       quick_key,
             ...)
{
  KpCatalogProduct *product = kp_catalog_product_new (name, price);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const char *barcode;
  va_list args;

  product->category = g_strdup (category);
  product->quick_key = quick_key;
  va_start (args, quick_key);
  while ((barcode = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, barcode);
  va_end (args);
  g_strfreev (product->barcodes);
  product->barcodes = g_strv_builder_end (builder);
  return product;
}

static guint
count_products (KpCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = kp_catalog_list_products_sync (catalog, FALSE, &error);

  g_assert_no_error (error);
  return all->len;
}

static void
test_crud (KpTestCatalog *fixture,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) read = NULL;
  g_autoptr (KpCatalogProduct) found = NULL;
  g_autoptr (KpCatalogProduct) changed = NULL;
  GStatBuf st;
  gint64 id;

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  id = kp_test_catalog_add (fixture->catalog,
                            product_new ("  아메리카노 ", 4500, "커피", 1, "8801234567893",
                                         "ABC-128", NULL));
  read = kp_catalog_get_product_sync (fixture->catalog, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, "아메리카노");
  g_assert_cmpint (read->price, ==, 4500);
  g_assert_cmpstr (read->category, ==, "커피");
  g_assert_cmpuint (read->quick_key, ==, 1);
  g_assert_true (read->active);
  g_assert_cmpuint (g_strv_length (read->barcodes), ==, 2);
  g_assert_cmpstr (read->barcodes[0], ==, "8801234567893");
  g_assert_cmpstr (read->barcodes[1], ==, "ABC-128");

  /* A new price, a barcode less. */
  changed = kp_catalog_product_copy (read);
  changed->price = 4800;
  changed->tax_free = TRUE;
  g_clear_pointer (&changed->barcodes[1], g_free);
  g_assert_true (kp_catalog_update_product_sync (fixture->catalog, changed, KP_CATALOG_NONE,
                                                 &error));
  g_assert_no_error (error);
  found = kp_catalog_lookup_barcode_sync (fixture->catalog, "8801234567893", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpint (found->id, ==, id);
  g_assert_cmpint (found->price, ==, 4800);
  g_assert_true (found->tax_free);
  g_assert_true (kp_catalog_product_equal (found, changed));
  g_clear_pointer (&found, kp_catalog_product_free);
  found = kp_catalog_lookup_barcode_sync (fixture->catalog, "ABC-128", &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Inactive: not sold, still listed. */
  changed->active = FALSE;
  g_assert_true (kp_catalog_update_product_sync (fixture->catalog, changed, KP_CATALOG_NONE,
                                                 &error));
  found = kp_catalog_lookup_barcode_sync (fixture->catalog, "8801234567893", &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_cmpuint (count_products (fixture->catalog), ==, 1);

  g_assert_true (kp_catalog_remove_product_sync (fixture->catalog, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_products (fixture->catalog), ==, 0);
  g_assert_false (kp_catalog_remove_product_sync (fixture->catalog, id, &error));
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  read = (kp_catalog_product_free (read), NULL);
  read = kp_catalog_get_product_sync (fixture->catalog, id, &error);
  g_assert_null (read);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND);
}

static void
test_reopen (KpTestCatalog *fixture,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) found = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("Latte", 5000, NULL, 0, "12345670", NULL));
  g_assert_finalize_object (fixture->catalog);
  fixture->catalog = kp_catalog_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  found = kp_catalog_lookup_barcode_sync (fixture->catalog, "12345670", &error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->name, ==, "Latte");
}

static void
assert_refused (KpCatalog        *catalog,
                KpCatalogProduct *product,
                KpCatalogError    code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) owned = product;
  guint before = count_products (catalog);

  g_assert_false (kp_catalog_add_product_sync (catalog, owned, KP_CATALOG_NONE, &error));
  g_assert_error (error, KP_CATALOG_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpuint (count_products (catalog), ==, before);
}

static void
test_validation (KpTestCatalog *fixture,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) confirmed = NULL;
  g_autofree char *longest = NULL;
  g_autofree char *too_long = NULL;
  GString *name = g_string_new (NULL);

  for (guint i = 0; i < KP_CATALOG_MAX_NAME_LENGTH; i++)
    g_string_append (name, "가");
  longest = g_strdup (name->str);
  g_string_append (name, "가");
  too_long = g_string_free (name, FALSE);

  kp_test_catalog_add (fixture->catalog, product_new ("Tea", 3000, NULL, 0, "8801234567893", NULL));
  assert_refused (fixture->catalog, product_new ("Other", 1000, NULL, 0, "8801234567893", NULL),
                  KP_CATALOG_ERROR_DUPLICATE_BARCODE);
  assert_refused (fixture->catalog, product_new ("Twice", 1000, NULL, 0, "X1", "X1", NULL),
                  KP_CATALOG_ERROR_DUPLICATE_BARCODE);
  assert_refused (fixture->catalog, product_new ("Free", 0, NULL, 0, NULL),
                  KP_CATALOG_ERROR_INVALID_PRICE);
  assert_refused (fixture->catalog, product_new ("Minus", -100, NULL, 0, NULL),
                  KP_CATALOG_ERROR_INVALID_PRICE);
  assert_refused (fixture->catalog,
                  product_new ("Dear", KP_CATALOG_MAX_PRICE + 1, NULL, 0, NULL),
                  KP_CATALOG_ERROR_INVALID_PRICE);
  assert_refused (fixture->catalog, product_new ("   ", 1000, NULL, 0, NULL),
                  KP_CATALOG_ERROR_INVALID_NAME);
  assert_refused (fixture->catalog, product_new (too_long, 1000, NULL, 0, NULL),
                  KP_CATALOG_ERROR_INVALID_NAME);
  assert_refused (fixture->catalog, product_new ("Space", 1000, NULL, 0, "12 34", NULL),
                  KP_CATALOG_ERROR_INVALID_BARCODE);
  assert_refused (fixture->catalog, product_new ("Pipe", 1000, NULL, 0, "A|B", NULL),
                  KP_CATALOG_ERROR_INVALID_BARCODE);
  assert_refused (fixture->catalog, product_new ("Check", 1000, NULL, 0, "8801234567890", NULL),
                  KP_CATALOG_ERROR_CHECK_DIGIT);

  /* The limits themselves are fine. */
  kp_test_catalog_add (fixture->catalog,
                       product_new (longest, KP_CATALOG_MAX_PRICE, NULL, 0, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Cheap", 1, NULL, 0, NULL));

  /* A wrong check digit, confirmed. */
  confirmed = product_new ("Check", 1000, NULL, 0, "8801234567890", NULL);
  g_assert_true (kp_catalog_add_product_sync (fixture->catalog, confirmed,
                                              KP_CATALOG_ACCEPT_CHECK_DIGIT, &error));
  g_assert_no_error (error);
}

static void
test_check_digits (void)
{
  /* EAN-13 */
  g_assert_cmpint (kp_catalog_barcode_kind ("8801234567893"), ==, KP_BARCODE_EAN_13);
  g_assert_cmpint (kp_catalog_barcode_kind ("4006381333931"), ==, KP_BARCODE_EAN_13);
  g_assert_cmpint (kp_catalog_barcode_kind ("4006381333932"), ==, KP_BARCODE_BAD_CHECK_DIGIT);
  g_assert_cmpint (kp_catalog_barcode_kind ("8801234567890"), ==, KP_BARCODE_BAD_CHECK_DIGIT);
  /* EAN-8 */
  g_assert_cmpint (kp_catalog_barcode_kind ("96385074"), ==, KP_BARCODE_EAN_8);
  g_assert_cmpint (kp_catalog_barcode_kind ("12345670"), ==, KP_BARCODE_EAN_8);
  g_assert_cmpint (kp_catalog_barcode_kind ("96385075"), ==, KP_BARCODE_BAD_CHECK_DIGIT);
  /* UPC-A */
  g_assert_cmpint (kp_catalog_barcode_kind ("036000291452"), ==, KP_BARCODE_UPC_A);
  g_assert_cmpint (kp_catalog_barcode_kind ("036000291453"), ==, KP_BARCODE_BAD_CHECK_DIGIT);
  /* Code 128 text, and what no scanner sends. */
  g_assert_cmpint (kp_catalog_barcode_kind ("ABC-12345"), ==, KP_BARCODE_TEXT);
  g_assert_cmpint (kp_catalog_barcode_kind ("123456789"), ==, KP_BARCODE_TEXT);
  g_assert_cmpint (kp_catalog_barcode_kind (""), ==, KP_BARCODE_INVALID);
  g_assert_cmpint (kp_catalog_barcode_kind ("12 3"), ==, KP_BARCODE_INVALID);
  g_assert_cmpint (kp_catalog_barcode_kind ("커피"), ==, KP_BARCODE_INVALID);
}

static void
test_initials (void)
{
  g_autofree char *americano = kp_catalog_initials ("아메리카노");
  g_autofree char *mixed = kp_catalog_initials ("Café 라떼 2");
  g_autofree char *edges = kp_catalog_initials ("가힣");

  g_assert_cmpstr (americano, ==, "ㅇㅁㄹㅋㄴ");
  g_assert_cmpstr (mixed, ==, "café ㄹㄸ 2");
  g_assert_cmpstr (edges, ==, "ㄱㅎ");
}

static GStrv
search_names (KpCatalog  *catalog,
              const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = kp_catalog_search_sync (catalog, text, 10, &error);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_strv_builder_add (builder, ((KpCatalogProduct *) g_ptr_array_index (found, i))->name);
  return g_strv_builder_end (builder);
}

static void
assert_search (KpCatalog  *catalog,
               const char *text,
               const char *expected)
{
  g_auto (GStrv) names = search_names (catalog, text);
  g_autofree char *joined = g_strjoinv (",", names);

  g_assert_cmpstr (joined, ==, expected);
}

static void
test_search (KpTestCatalog *fixture,
             gconstpointer  data)
{
  g_autoptr (KpCatalogProduct) hidden = NULL;
  g_autoptr (GError) error = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("아메리카노", 4500, "커피", 1, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("아이스 아메리카노", 5000, "커피", 2, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("카페라떼", 5000, "커피", 3, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Croissant", 3500, "빵", 1, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Bread 100%", 3000, NULL, 0, NULL));
  hidden = product_new ("아메리카노 (단종)", 4000, NULL, 0, NULL);
  hidden->active = FALSE;
  g_assert_true (kp_catalog_add_product_sync (fixture->catalog, hidden, 0, &error));

  /* Prefix first, then substring. */
  assert_search (fixture->catalog, "아메", "아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "카노", "아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "croi", "Croissant");
  assert_search (fixture->catalog, "SSANT", "Croissant");
  assert_search (fixture->catalog, "100%", "Bread 100%");
  assert_search (fixture->catalog, "%", "Bread 100%");
  /* Initial consonants. */
  assert_search (fixture->catalog, "ㅇㅁㄹ", "아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "ㅋㅍ", "카페라떼");
  assert_search (fixture->catalog, "ㄹㄸ", "카페라떼");
  assert_search (fixture->catalog, "ㅎ", "");
  kp_test_catalog_add (fixture->catalog, product_new ("오렌지", 3000, NULL, 0, NULL));
  assert_search (fixture->catalog, "아", "아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "ㅇ", "오렌지,아메리카노,아이스 아메리카노");
  assert_search (fixture->catalog, "녹차", "");
  assert_search (fixture->catalog, "  ", "");
}

/* What another connection (another process) writes is found too. */
static void
test_search_other_writer (KpTestCatalog *fixture,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalog) other = NULL;

  kp_test_catalog_add (fixture->catalog, product_new ("카페모카", 5500, NULL, 0, NULL));
  assert_search (fixture->catalog, "모카", "카페모카");

  other = kp_catalog_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  kp_test_catalog_add (other, product_new ("민트모카", 5800, NULL, 0, NULL));
  assert_search (fixture->catalog, "모카", "카페모카,민트모카");
  g_assert_finalize_object (g_steal_pointer (&other));

  kp_test_catalog_add (fixture->catalog, product_new ("화이트모카", 5800, NULL, 0, NULL));
  assert_search (fixture->catalog, "모카", "카페모카,민트모카,화이트모카");
}

static void
test_quick_keys (KpTestCatalog *fixture,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  const char *expected[] = { "Croissant", "Bagel", "Latte", "Americano" };

  kp_test_catalog_add (fixture->catalog, product_new ("Americano", 4500, "커피", 2, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Latte", 5000, "커피", 1, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("No key", 5000, "커피", 0, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Bagel", 3500, "빵", 2, NULL));
  kp_test_catalog_add (fixture->catalog, product_new ("Croissant", 3500, "빵", 1, NULL));

  keys = kp_catalog_list_quick_keys_sync (fixture->catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (((KpCatalogProduct *) g_ptr_array_index (keys, i))->name, ==, expected[i]);
}

static void
test_async (KpTestCatalog *fixture,
            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) product = product_new ("Mocha", 5500, "커피", 4, "96385074", NULL);
  g_autoptr (KpCatalogProduct) added = NULL;
  g_autoptr (KpCatalogProduct) found = NULL;
  g_autoptr (GPtrArray) matches = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  GAsyncResult *result = NULL;

  kp_catalog_add_product_async (fixture->catalog, product, KP_CATALOG_NONE, NULL,
                                kp_test_result_cb, &result);
  added = kp_catalog_add_product_finish (fixture->catalog, kp_test_result_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (added->id, >, 0);
  kp_test_result_drop (&result);

  kp_catalog_add_product_async (fixture->catalog, product, KP_CATALOG_NONE, NULL,
                                kp_test_result_cb, &result);
  g_assert_null (kp_catalog_add_product_finish (fixture->catalog, kp_test_result_wait (&result),
                                                &error));
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_DUPLICATE_BARCODE);
  g_clear_error (&error);
  kp_test_result_drop (&result);

  added->price = 6000;
  kp_catalog_update_product_async (fixture->catalog, added, KP_CATALOG_NONE, NULL,
                                   kp_test_result_cb, &result);
  g_assert_true (kp_catalog_update_product_finish (fixture->catalog, kp_test_result_wait (&result),
                                                   &error));
  g_assert_no_error (error);
  kp_test_result_drop (&result);

  kp_catalog_lookup_barcode_async (fixture->catalog, "96385074", NULL, kp_test_result_cb, &result);
  found = kp_catalog_lookup_barcode_finish (fixture->catalog, kp_test_result_wait (&result),
                                            &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->price, ==, 6000);
  kp_test_result_drop (&result);

  kp_catalog_lookup_barcode_async (fixture->catalog, "00000000", NULL, kp_test_result_cb, &result);
  g_assert_null (kp_catalog_lookup_barcode_finish (fixture->catalog,
                                                   kp_test_result_wait (&result), &error));
  g_assert_no_error (error);
  kp_test_result_drop (&result);

  kp_catalog_search_async (fixture->catalog, "ㅁㅋ", 5, NULL, kp_test_result_cb, &result);
  matches = kp_catalog_search_finish (fixture->catalog, kp_test_result_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 0);
  kp_test_result_drop (&result);

  kp_catalog_list_quick_keys_async (fixture->catalog, NULL, kp_test_result_cb, &result);
  keys = kp_catalog_list_quick_keys_finish (fixture->catalog, kp_test_result_wait (&result),
                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  kp_test_result_drop (&result);
}

#define HEADER "name,price,tax_free,barcodes,category,quick_key\r\n"

static const char sample_csv[] =
  HEADER
  "아메리카노,4500,0,8801234567893|96385074,커피,1\r\n"
  "\"Milk, \"\"fresh\"\" 1L\",2900,1,,우유,\r\n"
  "\"Two\r\nlines\",1000,0,ABC-128,,\r\n"
  "카페라떼,5000,0,,커피,2\r\n";

static KpCatalogImport *
preview (KpCatalog  *catalog,
         const char *data,
         gssize      length,
         const char *encoding,
         gboolean    replace,
         GError    **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, length < 0 ? strlen (data) : (gsize) length);

  return kp_catalog_preview_import_sync (catalog, bytes, encoding, replace, error);
}

static void
import_all (KpCatalog  *catalog,
            const char *data,
            gssize      length,
            const char *encoding,
            guint       n_add)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogImport) import = preview (catalog, data, length, encoding, TRUE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (import->n_reject, ==, 0);
  g_assert_cmpuint (import->n_add, ==, n_add);
  g_assert_true (kp_catalog_apply_import_sync (catalog, import, &error));
  g_assert_no_error (error);
}

static char *
export (KpCatalog *catalog)
{
  g_autoptr (GError) error = NULL;
  char *csv = kp_catalog_export_csv_text (catalog, &error);

  g_assert_no_error (error);
  return csv;
}

static void
test_csv_round_trip (KpTestCatalog *fixture,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *again = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "out.csv", NULL);
  g_autofree char *written = NULL;
  g_autoptr (KpCatalogProduct) milk = NULL;
  g_autoptr (GPtrArray) all = NULL;

  import_all (fixture->catalog, sample_csv, -1, NULL, 4);
  exported = export (fixture->catalog);
  g_assert_cmpstr (exported, ==, sample_csv);

  all = kp_catalog_list_products_sync (fixture->catalog, TRUE, &error);
  milk = kp_catalog_product_copy (g_ptr_array_index (all, 1));
  g_assert_cmpstr (milk->name, ==, "Milk, \"fresh\" 1L");
  g_assert_true (milk->tax_free);
  g_assert_cmpuint (g_strv_length (milk->barcodes), ==, 0);

  /* Again into an emptied catalog: the same text. */
  g_assert_true (kp_catalog_clear_sync (fixture->catalog, &error));
  g_assert_cmpuint (count_products (fixture->catalog), ==, 0);
  import_all (fixture->catalog, exported, -1, NULL, 4);
  again = export (fixture->catalog);
  g_assert_cmpstr (again, ==, sample_csv);

  g_assert_true (kp_catalog_export_csv_sync (fixture->catalog, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (file, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, sample_csv);
  g_unlink (file);
}

static void
test_csv_bom (KpTestCatalog *fixture,
              gconstpointer  data)
{
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", sample_csv, NULL);
  g_autofree char *exported = NULL;

  import_all (fixture->catalog, with_bom, -1, NULL, 4);
  exported = export (fixture->catalog);
  g_assert_cmpstr (exported, ==, sample_csv);
}

static void
test_csv_cp949 (KpTestCatalog *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cp949 = NULL;
  g_autofree char *exported = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  gsize length = 0;

  cp949 = g_convert (sample_csv, -1, "CP949", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (cp949, length, NULL));

  import = preview (fixture->catalog, cp949, length, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (import->encoding, ==, "CP949");
  g_assert_cmpuint (import->n_add, ==, 4);
  g_assert_true (kp_catalog_apply_import_sync (fixture->catalog, import, &error));
  exported = export (fixture->catalog);
  g_assert_cmpstr (exported, ==, sample_csv);

  /* Chosen by the caller. */
  g_clear_pointer (&import, kp_catalog_import_free);
  import = preview (fixture->catalog, cp949, length, "CP949", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->n_add, ==, 4);
  g_clear_pointer (&import, kp_catalog_import_free);
  import = preview (fixture->catalog, cp949, length, "UTF-8", TRUE, &error);
  g_assert_null (import);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
  g_clear_error (&error);

  /* Neither UTF-8 nor CP949. */
  import = preview (fixture->catalog, HEADER "\xff\xff,1,0,,,\r\n", -1, NULL, TRUE, &error);
  g_assert_null (import);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
}

static void
test_csv_preview (KpTestCatalog *fixture,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  KpCatalogImportRow *row;
  const char *changes =
    HEADER
    "아메리카노,4800,0,8801234567893|96385074,커피,1\r\n"  /* new price */
    "\"Milk, \"\"fresh\"\" 1L\",2900,1,,우유,\r\n"        /* the same, by name */
    "녹차,4000,0,12345670,차,1\r\n"                       /* new */
    "Bad check,1000,0,8801234567890,,\r\n";               /* warned */

  import_all (fixture->catalog, sample_csv, -1, NULL, 4);
  import = preview (fixture->catalog, changes, -1, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rows->len, ==, 4);
  g_assert_cmpuint (import->n_change, ==, 1);
  g_assert_cmpuint (import->n_same, ==, 1);
  g_assert_cmpuint (import->n_add, ==, 2);
  g_assert_cmpuint (import->n_reject, ==, 0);
  g_assert_cmpuint (import->n_warnings, ==, 1);
  row = g_ptr_array_index (import->rows, 3);
  g_assert_cmpuint (row->row, ==, 5);
  g_assert_true (row->check_digit_warning);
  g_assert_nonnull (row->reason);

  /* The preview changed nothing. */
  before = export (fixture->catalog);
  g_assert_cmpstr (before, ==, sample_csv);

  g_assert_true (kp_catalog_apply_import_sync (fixture->catalog, import, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_products (fixture->catalog), ==, 6);
  after = export (fixture->catalog);
  g_assert_nonnull (strstr (after, "아메리카노,4800,"));
  g_assert_nonnull (strstr (after, "Bad check,1000,0,8801234567890,,\r\n"));
}

static void
assert_rejected (KpCatalog  *catalog,
                 const char *bad_row,
                 guint       row_number,
                 const char *reason_part,
                 guint       n_modes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  g_autofree char *csv = g_strconcat (HEADER "녹차,4000,0,,차,\r\n", bad_row, NULL);
  g_autofree char *before = export (catalog);
  g_autofree char *after = NULL;
  KpCatalogImportRow *row = NULL;

  /* Adding to the catalog, then (with @n_modes 2) replacing it. */
  for (guint mode = 0; mode < n_modes; mode++)
    {
      g_clear_pointer (&import, kp_catalog_import_free);
      import = preview (catalog, csv, -1, NULL, mode == 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (import->n_reject, ==, 1);
      for (guint i = 0; i < import->rows->len; i++)
        {
          KpCatalogImportRow *candidate = g_ptr_array_index (import->rows, i);

          if (candidate->action == KP_CATALOG_ROW_REJECT)
            row = candidate;
        }
      g_assert_nonnull (row);
      g_assert_cmpuint (row->row, ==, row_number);
      g_assert_nonnull (strstr (row->reason, reason_part));

      g_assert_false (kp_catalog_apply_import_sync (catalog, import, &error));
      g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_REJECTED_ROWS);
      g_clear_error (&error);
      after = (g_free (after), export (catalog));
      g_assert_cmpstr (after, ==, before);
    }
}

/* A product without barcodes is known by its name, even beside one with barcodes
 * and the same name: the catalog's export, imported again, is the same catalog. */
static void
test_csv_same_name (KpTestCatalog *fixture,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  g_autofree char *exported = NULL;

  import_all (fixture->catalog,
              HEADER
              "Tea,1000,0,,차,\r\n"
              "Tea,1200,0,12345670,차,\r\n",
              -1, NULL, 2);
  exported = export (fixture->catalog);
  import = preview (fixture->catalog, exported, -1, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->n_add, ==, 0);
  g_assert_cmpuint (import->n_change, ==, 0);
  g_assert_cmpuint (import->n_reject, ==, 0);
  g_assert_cmpuint (import->n_same, ==, 2);
}

static void
test_csv_rejects (KpTestCatalog *fixture,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogImport) import = NULL;

  import_all (fixture->catalog, sample_csv, -1, NULL, 4);

  assert_rejected (fixture->catalog, "Free,0,0,,,\r\n", 3, "0", 2);
  assert_rejected (fixture->catalog, "Words,cheap,0,,,\r\n", 3, "cheap", 2);
  assert_rejected (fixture->catalog, ",1000,0,,,\r\n", 3, "name", 2);
  assert_rejected (fixture->catalog, "Short,1000\r\n", 3, "2", 2);
  assert_rejected (fixture->catalog, "Flag,1000,maybe,,,\r\n", 3, "maybe", 2);
  assert_rejected (fixture->catalog, "Key,1000,0,,,first\r\n", 3, "first", 2);
  assert_rejected (fixture->catalog, "Twice,1000,0,X1|X1,,\r\n", 3, "X1", 2);
  assert_rejected (fixture->catalog, "A,1000,0,Q7,,\r\nB,1000,0,Q7,,\r\n", 4, "row 3", 2);
  assert_rejected (fixture->catalog, "Same,1000,0,,,\r\nsame,1200,0,,,\r\n", 4, "row 3", 2);
  assert_rejected (fixture->catalog, "Mixed,1000,0,8801234567893|ABC-128,,\r\n", 3,
                   "ABC-128", 1);

  /* Files that are no catalog at all. */
  import = preview (fixture->catalog, "", -1, NULL, FALSE, &error);
  g_assert_null (import);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
  g_clear_error (&error);
  import = preview (fixture->catalog, "name,cost\r\nA,1\r\n", -1, NULL, FALSE, &error);
  g_assert_null (import);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
  g_clear_error (&error);
  import = preview (fixture->catalog, HEADER "\"open,1,0,,,\r\n", -1, NULL, FALSE, &error);
  g_assert_null (import);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
  g_clear_error (&error);
}

static void
test_csv_parse (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;
  const char text[] = "a,\"b,\"\"c\"\"\",\n,\r\nlast";
  char **record;

  records = kp_catalog_csv_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpuint (g_strv_length (record), ==, 3);
  g_assert_cmpstr (record[0], ==, "a");
  g_assert_cmpstr (record[1], ==, "b,\"c\"");
  g_assert_cmpstr (record[2], ==, "");
  record = g_ptr_array_index (records, 1);
  g_assert_cmpuint (g_strv_length (record), ==, 2);
  record = g_ptr_array_index (records, 2);
  g_assert_cmpstr (record[0], ==, "last");

  g_clear_pointer (&records, g_ptr_array_unref);
  records = kp_catalog_csv_parse ("a\"b", 3, &error);
  g_assert_null (records);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
  g_clear_error (&error);
  records = kp_catalog_csv_parse ("\"a\"b", 4, &error);
  g_assert_null (records);
  g_assert_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV);
}

static void
test_path_for_journal (void)
{
  g_autofree char *path = kp_catalog_path_for_journal ("/var/lib/pos/journal.sqlite3");

  g_assert_cmpstr (path, ==, "/var/lib/pos/catalog.db");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/kp/catalog/" path, KpTestCatalog, NULL, kp_test_catalog_set_up, func, \
              kp_test_catalog_tear_down)

  ADD ("crud", test_crud);
  ADD ("reopen", test_reopen);
  ADD ("validation", test_validation);
  ADD ("search", test_search);
  ADD ("search-other-writer", test_search_other_writer);
  ADD ("quick-keys", test_quick_keys);
  ADD ("async", test_async);
  ADD ("csv-round-trip", test_csv_round_trip);
  ADD ("csv-bom", test_csv_bom);
  ADD ("csv-cp949", test_csv_cp949);
  ADD ("csv-preview", test_csv_preview);
  ADD ("csv-rejects", test_csv_rejects);
  ADD ("csv-same-name", test_csv_same_name);
  g_test_add_func ("/kp/catalog/check-digits", test_check_digits);
  g_test_add_func ("/kp/catalog/initials", test_initials);
  g_test_add_func ("/kp/catalog/csv-parse", test_csv_parse);
  g_test_add_func ("/kp/catalog/path-for-journal", test_path_for_journal);

  return g_test_run ();
}
