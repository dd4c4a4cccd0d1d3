/* kp-catalog-csv.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-catalog.h"

G_BEGIN_DECLS

#define KP_CATALOG_CSV_HEADER "name,price,tax_free,barcodes,category,quick_key"

/**
 * KpCatalogRowAction:
 * @KP_CATALOG_ROW_ADD: a new product
 * @KP_CATALOG_ROW_CHANGE: a product of the catalog (same barcode, or same name
 *   without barcodes) that changes
 * @KP_CATALOG_ROW_SAME: a product of the catalog as it is
 * @KP_CATALOG_ROW_REJECT: a row that cannot be imported; see its reason
 */
typedef enum
{
  KP_CATALOG_ROW_ADD,
  KP_CATALOG_ROW_CHANGE,
  KP_CATALOG_ROW_SAME,
  KP_CATALOG_ROW_REJECT,
} KpCatalogRowAction;

/**
 * KpCatalogImportRow:
 * @row: the row's number in the file, the header being row 1
 * @action: what the import does with it
 * @product: (nullable): the product as it will be (with the id of the one it
 *   changes); %NULL for a rejected row
 * @reason: (nullable): why the row is rejected, or what to confirm
 * @check_digit_warning: a barcode's check digit is wrong (imported as it is)
 */
typedef struct
{
  guint               row;
  KpCatalogRowAction  action;
  KpCatalogProduct   *product;
  char               *reason;
  gboolean            check_digit_warning;
} KpCatalogImportRow;

/**
 * KpCatalogImport:
 * @rows: (element-type KpCatalogImportRow): the rows, in the file's order
 * @replace: whether the import replaces the whole catalog
 * @encoding: the file's encoding, as read
 * @n_add: rows that add a product
 * @n_change: rows that change one
 * @n_same: rows that change nothing
 * @n_reject: rows rejected: while there is one, the import cannot be applied
 * @n_warnings: rows with a wrong check digit
 *
 * An import's preview: what applying it will do, row by row.
 */
typedef struct
{
  GPtrArray *rows;
  gboolean   replace;
  char      *encoding;
  guint      n_add;
  guint      n_change;
  guint      n_same;
  guint      n_reject;
  guint      n_warnings;
} KpCatalogImport;

void              kp_catalog_import_free          (KpCatalogImport  *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpCatalogImport, kp_catalog_import_free)

char             *kp_catalog_csv_decode           (const char       *data,
                                                   gsize             length,
                                                   const char       *encoding,
                                                   char            **out_encoding,
                                                   GError          **error);
GPtrArray        *kp_catalog_csv_parse            (const char       *text,
                                                   gsize             length,
                                                   GError          **error);
void              kp_catalog_csv_append_record    (GString          *csv,
                                                   const char * const *fields);
char             *kp_catalog_export_csv_text      (KpCatalog        *self,
                                                   GError          **error);
gboolean          kp_catalog_export_csv_sync      (KpCatalog        *self,
                                                   const char       *path,
                                                   GError          **error);

KpCatalogImport  *kp_catalog_preview_import_sync  (KpCatalog        *self,
                                                   GBytes           *data,
                                                   const char       *encoding,
                                                   gboolean          replace,
                                                   GError          **error);
gboolean          kp_catalog_apply_import_sync    (KpCatalog        *self,
                                                   KpCatalogImport  *import,
                                                   GError          **error);

void              kp_catalog_preview_import_async (KpCatalog           *self,
                                                   GFile               *file,
                                                   const char          *encoding,
                                                   gboolean             replace,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
KpCatalogImport  *kp_catalog_preview_import_finish (KpCatalog          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
void              kp_catalog_apply_import_async   (KpCatalog           *self,
                                                   KpCatalogImport     *import,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          kp_catalog_apply_import_finish  (KpCatalog           *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
