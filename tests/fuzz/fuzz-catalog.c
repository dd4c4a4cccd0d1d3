/* fuzz-catalog.c: libFuzzer target for the catalog's CSV import
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a file handed to the import: decoded (UTF-8, BOM or CP949), read as
 * RFC 4180 records, and previewed against an in-memory catalog, then applied when no
 * row is rejected. The records, written again with kp_catalog_csv_append_record() and
 * read back, must be the same records; an applied import, exported and previewed
 * again, must add nothing and change nothing. Anything else, or a warning, is a
 * finding.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "kp-catalog-csv.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

static KpCatalog *catalog;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kp_fuzz_abort_on_warnings ();
  catalog = kp_catalog_open_sync (":memory:", NULL);
  if (catalog == NULL)
    FAIL ("could not open an in-memory catalog");
  return 0;
}

static void
check_records (const char *text)
{
  g_autoptr (GPtrArray) records = kp_catalog_csv_parse (text, strlen (text), NULL);
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GString) csv = g_string_new (NULL);

  if (records == NULL)
    return;
  for (guint i = 0; i < records->len; i++)
    kp_catalog_csv_append_record (csv, g_ptr_array_index (records, i));
  again = kp_catalog_csv_parse (csv->str, csv->len, NULL);
  if (again == NULL)
    FAIL ("the written records cannot be read back");
  if (again->len != records->len)
    FAIL ("%u records read back as %u", records->len, again->len);
  for (guint i = 0; i < records->len; i++)
    {
      if (!g_strv_equal (g_ptr_array_index (records, i), g_ptr_array_index (again, i)))
        FAIL ("record %u read back differently", i);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (KpCatalogImport) import = NULL;
  g_autoptr (KpCatalogImport) again = NULL;
  g_autoptr (GBytes) exported_bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *exported = NULL;

  text = kp_catalog_csv_decode ((const char *) data, size, NULL, NULL, NULL);
  if (text != NULL)
    check_records (text);

  import = kp_catalog_preview_import_sync (catalog, bytes, NULL, TRUE, NULL);
  if (import == NULL || import->n_reject > 0)
    return 0;
  if (!kp_catalog_apply_import_sync (catalog, import, NULL))
    FAIL ("a preview without rejected rows could not be applied");

  exported = kp_catalog_export_csv_text (catalog, NULL);
  if (exported == NULL)
    FAIL ("the catalog could not be exported");
  exported_bytes = g_bytes_new (exported, strlen (exported));
  again = kp_catalog_preview_import_sync (catalog, exported_bytes, NULL, FALSE, NULL);
  if (again == NULL)
    FAIL ("the export cannot be imported");
  if (again->n_add != 0 || again->n_change != 0 || again->n_reject != 0)
    FAIL ("the export, imported again, adds %u, changes %u, rejects %u",
          again->n_add, again->n_change, again->n_reject);
  return 0;
}
