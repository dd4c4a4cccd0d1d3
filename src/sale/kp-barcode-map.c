/* kp-barcode-map.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include "kp-barcode-map.h"

/*
 * The catalog's active products by barcode, in memory: what a scan is looked up in on
 * the main thread, without waiting for the disk. It is read whole in a worker thread
 * (kp_catalog_load_barcode_map_async()), then kept up to date product by product as
 * the catalog is edited. Not thread-safe: one thread uses it once it is loaded.
 */

struct _KpBarcodeMap
{
  gatomicrefcount  ref_count;
  GHashTable      *by_barcode;   /* barcode (the product's own string) → product */
  GHashTable      *by_id;        /* gint64 id → KpCatalogProduct, owned */
  gint64           data_version; /* of the catalog's file when it was read; -1 unknown */
};

G_DEFINE_BOXED_TYPE (KpBarcodeMap, kp_barcode_map, kp_barcode_map_ref, kp_barcode_map_unref)

/**
 * kp_barcode_map_new:
 *
 * Returns: (transfer full): an empty map
 */
KpBarcodeMap *
kp_barcode_map_new (void)
{
  KpBarcodeMap *self = g_new0 (KpBarcodeMap, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->data_version = -1;
  self->by_barcode = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) kp_catalog_product_free);
  return self;
}

KpBarcodeMap *
kp_barcode_map_ref (KpBarcodeMap *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kp_barcode_map_unref (KpBarcodeMap *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* The barcodes are the products' own strings: the index goes first. */
  g_hash_table_unref (self->by_barcode);
  g_hash_table_unref (self->by_id);
  g_free (self);
}

/**
 * kp_barcode_map_remove:
 * @self: a #KpBarcodeMap
 * @id: a product's id
 *
 * Forgets the product @id and its barcodes (it was removed or made inactive).
 */
void
kp_barcode_map_remove (KpBarcodeMap *self,
                       gint64        id)
{
  KpCatalogProduct *old;

  g_return_if_fail (self != NULL);

  old = g_hash_table_lookup (self->by_id, &id);
  if (old == NULL)
    return;
  for (guint i = 0; old->barcodes != NULL && old->barcodes[i] != NULL; i++)
    {
      /* Only while the barcode is still this product's. */
      if (g_hash_table_lookup (self->by_barcode, old->barcodes[i]) == old)
        g_hash_table_remove (self->by_barcode, old->barcodes[i]);
    }
  g_hash_table_remove (self->by_id, &id);
}

/**
 * kp_barcode_map_put:
 * @self: a #KpBarcodeMap
 * @product: a stored product (its id set), as it is now
 *
 * Replaces what the map knew of @product: its barcodes find it if it is active, and
 * those it no longer has find nothing. A barcode another product had before is this
 * one's now (the store allows one owner).
 */
void
kp_barcode_map_put (KpBarcodeMap           *self,
                    const KpCatalogProduct *product)
{
  KpCatalogProduct *copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (product != NULL && product->id > 0);

  kp_barcode_map_remove (self, product->id);
  if (!product->active)
    return;
  copy = kp_catalog_product_copy (product);
  g_hash_table_insert (self->by_id, &copy->id, copy);
  for (guint i = 0; copy->barcodes != NULL && copy->barcodes[i] != NULL; i++)
    g_hash_table_replace (self->by_barcode, copy->barcodes[i], copy);
}

/**
 * kp_barcode_map_lookup:
 * @self: a #KpBarcodeMap
 * @barcode: what the scanner typed
 *
 * Returns: (transfer none) (nullable): the active product with @barcode, valid until
 *   the map next changes
 */
const KpCatalogProduct *
kp_barcode_map_lookup (KpBarcodeMap *self,
                       const char   *barcode)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (barcode != NULL, NULL);

  return g_hash_table_lookup (self->by_barcode, barcode);
}

/**
 * kp_barcode_map_get_size:
 * @self: a #KpBarcodeMap
 *
 * Returns: how many active products it holds
 */
guint
kp_barcode_map_get_size (KpBarcodeMap *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->by_id);
}

/**
 * kp_barcode_map_get_data_version:
 * @self: a #KpBarcodeMap
 *
 * Returns: the catalog file's data version (kp_catalog_get_data_version_sync()) as it
 *   was read, -1 if unknown: another one means another process changed the catalog
 */
gint64
kp_barcode_map_get_data_version (KpBarcodeMap *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->data_version;
}

/**
 * kp_catalog_load_barcode_map_sync:
 * @catalog: a #KpCatalog
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the map of @catalog's active products, or %NULL with
 *   @error set
 */
KpBarcodeMap *
kp_catalog_load_barcode_map_sync (KpCatalog  *catalog,
                                  GError    **error)
{
  g_autoptr (GPtrArray) products = NULL;
  KpBarcodeMap *self;
  gint64 version;

  g_return_val_if_fail (KP_IS_CATALOG (catalog), NULL);

  /* Read first: a change made while the products are read shows as a newer version. */
  version = kp_catalog_get_data_version_sync (catalog);
  products = kp_catalog_list_products_sync (catalog, TRUE, error);
  if (products == NULL)
    return NULL;
  self = kp_barcode_map_new ();
  self->data_version = version;
  for (guint i = 0; i < products->len; i++)
    kp_barcode_map_put (self, g_ptr_array_index (products, i));
  return self;
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  KpBarcodeMap *map = kp_catalog_load_barcode_map_sync (source, &error);

  if (map == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, map, (GDestroyNotify) kp_barcode_map_unref);
}

/**
 * kp_catalog_load_barcode_map_async:
 * @catalog: a #KpCatalog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the map
 * @user_data: for @callback
 *
 * kp_catalog_load_barcode_map_sync() in a worker thread.
 */
void
kp_catalog_load_barcode_map_async (KpCatalog           *catalog,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_CATALOG (catalog));

  task = g_task_new (catalog, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_catalog_load_barcode_map_async);
  g_task_run_in_thread (task, load_thread);
}

/**
 * kp_catalog_load_barcode_map_finish:
 * @catalog: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the map, or %NULL with @error set
 */
KpBarcodeMap *
kp_catalog_load_barcode_map_finish (KpCatalog     *catalog,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, catalog), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
