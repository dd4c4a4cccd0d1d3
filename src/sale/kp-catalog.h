/* kp-catalog.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-cart.h"

G_BEGIN_DECLS

#define KP_CATALOG_ERROR (kp_catalog_error_quark ())

/**
 * KpCatalogError:
 * @KP_CATALOG_ERROR_FAILED: the store could not be read or written
 * @KP_CATALOG_ERROR_TOO_NEW: the file was written by a newer version
 * @KP_CATALOG_ERROR_NOT_FOUND: no such product
 * @KP_CATALOG_ERROR_INVALID_NAME: an empty or too long name
 * @KP_CATALOG_ERROR_INVALID_PRICE: a price that is not positive or too large
 * @KP_CATALOG_ERROR_INVALID_BARCODE: an empty barcode, or one with characters a
 *   scanner does not send
 * @KP_CATALOG_ERROR_DUPLICATE_BARCODE: a barcode that another product already has
 * @KP_CATALOG_ERROR_CHECK_DIGIT: an EAN/UPC barcode whose check digit is wrong; the
 *   caller may accept it with %KP_CATALOG_ACCEPT_CHECK_DIGIT
 * @KP_CATALOG_ERROR_INVALID_QUICK_KEY: a quick-key position below 1
 * @KP_CATALOG_ERROR_INVALID_CSV: a CSV file that cannot be read
 * @KP_CATALOG_ERROR_REJECTED_ROWS: an import with rows that were rejected
 */
typedef enum
{
  KP_CATALOG_ERROR_FAILED,
  KP_CATALOG_ERROR_TOO_NEW,
  KP_CATALOG_ERROR_NOT_FOUND,
  KP_CATALOG_ERROR_INVALID_NAME,
  KP_CATALOG_ERROR_INVALID_PRICE,
  KP_CATALOG_ERROR_INVALID_BARCODE,
  KP_CATALOG_ERROR_DUPLICATE_BARCODE,
  KP_CATALOG_ERROR_CHECK_DIGIT,
  KP_CATALOG_ERROR_INVALID_QUICK_KEY,
  KP_CATALOG_ERROR_INVALID_CSV,
  KP_CATALOG_ERROR_REJECTED_ROWS,
} KpCatalogError;

/**
 * KpCatalogFlags:
 * @KP_CATALOG_NONE: refuse anything doubtful
 * @KP_CATALOG_ACCEPT_CHECK_DIGIT: store EAN/UPC barcodes whose check digit is wrong
 *   (the cashier confirmed them)
 */
typedef enum
{
  KP_CATALOG_NONE = 0,
  KP_CATALOG_ACCEPT_CHECK_DIGIT = 1 << 0,
} KpCatalogFlags;

/**
 * KpCatalogSearchFlags:
 * @KP_CATALOG_SEARCH_ACTIVE: the products for sale
 * @KP_CATALOG_SEARCH_INACTIVE: the inactive products too
 */
typedef enum
{
  KP_CATALOG_SEARCH_ACTIVE = 0,
  KP_CATALOG_SEARCH_INACTIVE = 1 << 0,
} KpCatalogSearchFlags;

/**
 * KpBarcodeKind:
 * @KP_BARCODE_TEXT: anything else a scanner sends (Code 128 text)
 * @KP_BARCODE_EAN_13: 13 digits with a right check digit
 * @KP_BARCODE_EAN_8: 8 digits with a right check digit
 * @KP_BARCODE_UPC_A: 12 digits with a right check digit
 * @KP_BARCODE_BAD_CHECK_DIGIT: 8, 12 or 13 digits whose check digit is wrong
 * @KP_BARCODE_INVALID: empty, too long, or with characters a scanner does not send
 */
typedef enum
{
  KP_BARCODE_TEXT,
  KP_BARCODE_EAN_13,
  KP_BARCODE_EAN_8,
  KP_BARCODE_UPC_A,
  KP_BARCODE_BAD_CHECK_DIGIT,
  KP_BARCODE_INVALID,
} KpBarcodeKind;

/* A product's price, in KRW: what one item in the cart may cost. */
#define KP_CATALOG_MAX_PRICE        KP_CART_MAX_UNIT_PRICE
/* A product's name, in characters: what a cart item's name may hold. */
#define KP_CATALOG_MAX_NAME_LENGTH  KP_CART_MAX_NAME_LENGTH
#define KP_CATALOG_MAX_BARCODE_LENGTH  48
#define KP_CATALOG_MAX_CATEGORY_LENGTH 100

#define KP_TYPE_CATALOG_PRODUCT (kp_catalog_product_get_type ())

/**
 * KpCatalogProduct:
 * @id: the store's id, 0 before it is stored
 * @name: the name, as the cart shows it
 * @price: KRW, VAT included
 * @tax_free: whether the product is exempt from VAT
 * @category: (nullable): the quick-key group
 * @quick_key: the position among its category's quick keys, 0 for none
 * @active: whether it can be sold
 * @barcodes: (array zero-terminated=1): its barcodes, maybe none
 */
typedef struct
{
  gint64    id;
  char     *name;
  gint64    price;
  gboolean  tax_free;
  char     *category;
  guint     quick_key;
  gboolean  active;
  GStrv     barcodes;
} KpCatalogProduct;

GType              kp_catalog_product_get_type   (void) G_GNUC_CONST;
KpCatalogProduct  *kp_catalog_product_new        (const char             *name,
                                                  gint64                  price);
KpCatalogProduct  *kp_catalog_product_copy       (const KpCatalogProduct *product);
void               kp_catalog_product_free       (KpCatalogProduct       *product);
gboolean           kp_catalog_product_equal      (const KpCatalogProduct *a,
                                                  const KpCatalogProduct *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpCatalogProduct, kp_catalog_product_free)

#define KP_TYPE_CATALOG (kp_catalog_get_type ())

G_DECLARE_FINAL_TYPE (KpCatalog, kp_catalog, KP, CATALOG, GObject)

GQuark             kp_catalog_error_quark        (void);

KpBarcodeKind      kp_catalog_barcode_kind       (const char             *barcode);
char              *kp_catalog_initials           (const char             *text);
gboolean           kp_catalog_validate_product   (const KpCatalogProduct *product,
                                                  KpCatalogFlags          flags,
                                                  GError                **error);
char              *kp_catalog_path_for_journal   (const char             *journal_path);

KpCatalog         *kp_catalog_open_sync          (const char             *path,
                                                  GError                **error);
const char        *kp_catalog_get_path           (KpCatalog              *self);

gboolean           kp_catalog_add_product_sync   (KpCatalog              *self,
                                                  KpCatalogProduct       *product,
                                                  KpCatalogFlags          flags,
                                                  GError                **error);
gboolean           kp_catalog_update_product_sync (KpCatalog             *self,
                                                  const KpCatalogProduct *product,
                                                  KpCatalogFlags          flags,
                                                  GError                **error);
gboolean           kp_catalog_remove_product_sync (KpCatalog             *self,
                                                  gint64                  id,
                                                  GError                **error);
KpCatalogProduct  *kp_catalog_get_product_sync   (KpCatalog              *self,
                                                  gint64                  id,
                                                  GError                **error);
KpCatalogProduct  *kp_catalog_lookup_barcode_sync (KpCatalog             *self,
                                                  const char             *barcode,
                                                  GError                **error);
GPtrArray         *kp_catalog_search_sync        (KpCatalog              *self,
                                                  const char             *text,
                                                  guint                   limit,
                                                  GError                **error);
GPtrArray         *kp_catalog_search_full_sync   (KpCatalog              *self,
                                                  const char             *text,
                                                  guint                   limit,
                                                  KpCatalogSearchFlags    flags,
                                                  GError                **error);
GPtrArray         *kp_catalog_list_quick_keys_sync (KpCatalog            *self,
                                                  GError                **error);
gboolean           kp_catalog_set_quick_keys_sync (KpCatalog             *self,
                                                  const gint64           *ids,
                                                  guint                   n_ids,
                                                  GError                **error);
GPtrArray         *kp_catalog_list_products_sync (KpCatalog              *self,
                                                  gboolean                only_active,
                                                  GError                **error);
gboolean           kp_catalog_clear_sync         (KpCatalog              *self,
                                                  GError                **error);
gint64             kp_catalog_get_data_version_sync (KpCatalog           *self);

void               kp_catalog_open_async            (const char          *path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
KpCatalog         *kp_catalog_open_finish           (GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_lookup_barcode_async  (KpCatalog           *self,
                                                     const char          *barcode,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
KpCatalogProduct  *kp_catalog_lookup_barcode_finish (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_search_async          (KpCatalog           *self,
                                                     const char          *text,
                                                     guint                limit,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray         *kp_catalog_search_finish         (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_list_quick_keys_async (KpCatalog           *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray         *kp_catalog_list_quick_keys_finish (KpCatalog          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_add_product_async     (KpCatalog           *self,
                                                     const KpCatalogProduct *product,
                                                     KpCatalogFlags       flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
KpCatalogProduct  *kp_catalog_add_product_finish    (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_update_product_async  (KpCatalog           *self,
                                                     const KpCatalogProduct *product,
                                                     KpCatalogFlags       flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           kp_catalog_update_product_finish (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_remove_product_async  (KpCatalog           *self,
                                                     gint64               id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           kp_catalog_remove_product_finish (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_search_full_async     (KpCatalog           *self,
                                                     const char          *text,
                                                     guint                limit,
                                                     KpCatalogSearchFlags flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray         *kp_catalog_search_full_finish    (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_list_products_async   (KpCatalog           *self,
                                                     gboolean             only_active,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray         *kp_catalog_list_products_finish  (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_set_quick_keys_async  (KpCatalog           *self,
                                                     const gint64        *ids,
                                                     guint                n_ids,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           kp_catalog_set_quick_keys_finish (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void               kp_catalog_get_data_version_async (KpCatalog          *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gint64             kp_catalog_get_data_version_finish (KpCatalog         *self,
                                                     GAsyncResult        *result);
void               kp_catalog_export_csv_async      (KpCatalog           *self,
                                                     GFile               *file,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           kp_catalog_export_csv_finish     (KpCatalog           *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
