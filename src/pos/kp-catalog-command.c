/* kp-catalog-command.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-catalog-command.h"
#include "kp-catalog-csv.h"

/*
 * --import-catalog, --export-catalog and --catalog: the catalog beside the journal,
 * read or written from the command line, without a window. An import with a rejected
 * row changes nothing and lists every rejected row with its reason.
 */

/**
 * kp_catalog_command_import:
 * @journal_path: the journal's file (the catalog is beside it)
 * @csv_path: the CSV file
 * @replace: whether the file replaces the whole catalog (--catalog)
 *
 * Returns: the exit status: 0 once imported, 1 otherwise
 */
int
kp_catalog_command_import (const char *journal_path,
                           const char *csv_path,
                           gboolean    replace)
{
  g_autofree char *catalog_path = kp_catalog_path_for_journal (journal_path);
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (KpCatalogImport) import = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (csv_path);

  data = g_file_load_bytes (file, NULL, NULL, &error);
  if (data != NULL)
    catalog = kp_catalog_open_sync (catalog_path, &error);
  if (catalog != NULL)
    import = kp_catalog_preview_import_sync (catalog, data, NULL, replace, &error);
  if (import == NULL)
    {
      /* Translators: the first %s is a file, the second the reason */
      g_printerr (_("Could not import the catalog from “%s”: %s\n"), csv_path, error->message);
      return 1;
    }

  for (guint i = 0; i < import->rows->len; i++)
    {
      KpCatalogImportRow *row = g_ptr_array_index (import->rows, i);

      if (row->action == KP_CATALOG_ROW_REJECT)
        /* Translators: %u is a row number in the file, %s why it was rejected */
        g_printerr (_("Row %u rejected: %s\n"), row->row, row->reason);
      else if (row->check_digit_warning)
        /* Translators: %u is a row number in the file, %s the warning */
        g_printerr (_("Row %u: %s\n"), row->row, row->reason);
    }
  if (import->n_reject > 0)
    {
      g_printerr (ngettext ("Nothing was imported: %u row was rejected.\n",
                            "Nothing was imported: %u rows were rejected.\n",
                            import->n_reject),
                  import->n_reject);
      return 1;
    }

  if (!kp_catalog_apply_import_sync (catalog, import, &error))
    {
      /* Translators: the first %s is a file, the second the reason */
      g_printerr (_("Could not import the catalog from “%s”: %s\n"), csv_path, error->message);
      return 1;
    }

  /* Translators: %s is the file's encoding (UTF-8 or CP949); the counts follow */
  g_print (_("Imported the catalog (%s): %u added, %u changed, %u unchanged.\n"),
           import->encoding, import->n_add, import->n_change, import->n_same);
  return 0;
}

/**
 * kp_catalog_command_export:
 * @journal_path: the journal's file (the catalog is beside it)
 * @csv_path: the CSV file to write
 *
 * Returns: the exit status: 0 once written, 1 otherwise
 */
int
kp_catalog_command_export (const char *journal_path,
                           const char *csv_path)
{
  g_autofree char *catalog_path = kp_catalog_path_for_journal (journal_path);
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (GError) error = NULL;

  catalog = kp_catalog_open_sync (catalog_path, &error);
  if (catalog == NULL || !kp_catalog_export_csv_sync (catalog, csv_path, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not export the catalog: %s\n"), error->message);
      return 1;
    }
  return 0;
}
