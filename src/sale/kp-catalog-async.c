/* kp-catalog-async.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include "kp-catalog-private.h"

/* The async calls: the same work in a worker thread, on copied inputs. */

void
_kp_catalog_job_free (CatalogJob *job)
{
  g_free (job->text);
  g_clear_pointer (&job->product, kp_catalog_product_free);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_object (&job->file);
  g_free (job);
}

GTask *
_kp_catalog_job_task (gpointer             source,
                      gpointer             source_tag,
                      CatalogJob          *job,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) _kp_catalog_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  return task;
}

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  KpCatalog *catalog = kp_catalog_open_sync (job->text, &error);

  if (catalog == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, catalog, g_object_unref);
}

/**
 * kp_catalog_open_async:
 * @path: the catalog's file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the catalog
 * @user_data: for @callback
 *
 * kp_catalog_open_sync() in a worker thread.
 */
void
kp_catalog_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (path != NULL);

  job->text = g_strdup (path);
  task = _kp_catalog_job_task (NULL, kp_catalog_open_async, job, cancellable, callback,
                               user_data);
  g_task_run_in_thread (task, open_thread);
}

/**
 * kp_catalog_open_finish:
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the catalog, or %NULL with @error set
 */
KpCatalog *
kp_catalog_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookup_barcode_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  KpCatalogProduct *product = kp_catalog_lookup_barcode_sync (source, job->text, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, product, (GDestroyNotify) kp_catalog_product_free);
}

void
kp_catalog_lookup_barcode_async (KpCatalog           *self,
                                 const char          *barcode,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (barcode != NULL);

  job->text = g_strdup (barcode);
  task = _kp_catalog_job_task (self, kp_catalog_lookup_barcode_async, job, cancellable,
                               callback, user_data);
  g_task_run_in_thread (task, lookup_barcode_thread);
}

/**
 * kp_catalog_lookup_barcode_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the product, or %NULL (no error) for an
 *   unknown barcode
 */
KpCatalogProduct *
kp_catalog_lookup_barcode_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  GPtrArray *found = kp_catalog_search_full_sync (source, job->text, job->limit,
                                                  job->search_flags, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

void
kp_catalog_search_async (KpCatalog           *self,
                         const char          *text,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (text != NULL && limit > 0);

  job->text = g_strdup (text);
  job->limit = limit;
  task = _kp_catalog_job_task (self, kp_catalog_search_async, job, cancellable, callback,
                               user_data);
  g_task_run_in_thread (task, search_thread);
}

/**
 * kp_catalog_search_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_finish (KpCatalog     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
quick_keys_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *found = kp_catalog_list_quick_keys_sync (source, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

void
kp_catalog_list_quick_keys_async (KpCatalog           *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_CATALOG (self));

  task = _kp_catalog_job_task (self, kp_catalog_list_quick_keys_async, g_new0 (CatalogJob, 1),
                               cancellable, callback, user_data);
  g_task_run_in_thread (task, quick_keys_thread);
}

/**
 * kp_catalog_list_quick_keys_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_list_quick_keys_finish (KpCatalog     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;

  if (!_kp_catalog_write_in_transaction (source, job->product, job->flags, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kp_catalog_product_copy (job->product),
                           (GDestroyNotify) kp_catalog_product_free);
}

void
kp_catalog_add_product_async (KpCatalog              *self,
                              const KpCatalogProduct *product,
                              KpCatalogFlags          flags,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id == 0);

  job->product = kp_catalog_product_copy (product);
  job->flags = flags;
  task = _kp_catalog_job_task (self, kp_catalog_add_product_async, job, cancellable, callback,
                               user_data);
  g_task_run_in_thread (task, write_thread);
}

/**
 * kp_catalog_add_product_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored product, with its id
 */
KpCatalogProduct *
kp_catalog_add_product_finish (KpCatalog     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kp_catalog_update_product_async (KpCatalog              *self,
                                 const KpCatalogProduct *product,
                                 KpCatalogFlags          flags,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id > 0);

  job->product = kp_catalog_product_copy (product);
  job->flags = flags;
  task = _kp_catalog_job_task (self, kp_catalog_update_product_async, job, cancellable,
                               callback, user_data);
  g_task_run_in_thread (task, write_thread);
}

gboolean
kp_catalog_update_product_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr (KpCatalogProduct) product = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  product = g_task_propagate_pointer (G_TASK (result), error);
  return product != NULL;
}

/* Imports: reading the file and the preview in a worker thread, then the import
 * applied in one. */

typedef struct
{
  GFile           *file;
  char            *encoding;
  gboolean         replace;
  KpCatalogImport *import;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->file);
  g_free (job->encoding);
  g_free (job);
}

static void
preview_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr (GBytes) data = NULL;
  GError *error = NULL;
  KpCatalogImport *import;

  data = g_file_load_bytes (job->file, cancellable, NULL, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  import = kp_catalog_preview_import_sync (source, data, job->encoding, job->replace, &error);
  if (import == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, import, (GDestroyNotify) kp_catalog_import_free);
}

/**
 * kp_catalog_preview_import_async:
 * @self: a #KpCatalog
 * @file: the CSV file
 * @encoding: (nullable): its encoding, or %NULL to detect it
 * @replace: whether it replaces the whole catalog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the preview
 * @user_data: for @callback
 *
 * kp_catalog_preview_import_sync() in a worker thread.
 */
void
kp_catalog_preview_import_async (KpCatalog           *self,
                                 GFile               *file,
                                 const char          *encoding,
                                 gboolean             replace,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ImportJob *job = g_new0 (ImportJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job->file = g_object_ref (file);
  job->encoding = g_strdup (encoding);
  job->replace = replace;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_catalog_preview_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, preview_thread);
}

/**
 * kp_catalog_preview_import_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the preview
 */
KpCatalogImport *
kp_catalog_preview_import_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ImportJob *job = task_data;
  GError *error = NULL;

  if (kp_catalog_apply_import_sync (source, job->import, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * kp_catalog_apply_import_async:
 * @self: a #KpCatalog
 * @import: (transfer none): the preview; it must stay alive until @callback
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once it is applied or not
 * @user_data: for @callback
 *
 * kp_catalog_apply_import_sync() in a worker thread.
 */
void
kp_catalog_apply_import_async (KpCatalog           *self,
                               KpCatalogImport     *import,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  ImportJob *job = g_new0 (ImportJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (import != NULL);

  job->import = import;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_catalog_apply_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, apply_thread);
}

gboolean
kp_catalog_apply_import_finish (KpCatalog     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
