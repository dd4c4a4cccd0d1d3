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
_kp_catalog_job_free (gpointer data)
{
  CatalogJob *job = data;

  g_free (job->text);
  g_clear_pointer (&job->product, kp_catalog_product_free);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_object (&job->file);
  g_free (job);
}

/* @thread in a worker thread with @task_data (nullable, freed with @task_data_free),
 * the task tagged with @source_tag. @thread returns with _kp_catalog_return_*(), the
 * _finish function propagates with _kp_catalog_finish_*(). */
void
_kp_catalog_run_job (gpointer             source,
                     gpointer             source_tag,
                     GTaskThreadFunc      thread,
                     gpointer             task_data,
                     GDestroyNotify       task_data_free,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, task_data, task_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, thread);
}

/* In @thread: @error (taken) if set, otherwise @value (taken, nullable). */
void
_kp_catalog_return_pointer (GTask          *task,
                            gpointer        value,
                            GDestroyNotify  value_free,
                            GError         *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, value_free);
}

/* In @thread: TRUE if @ok, otherwise @error (taken). */
void
_kp_catalog_return_boolean (GTask    *task,
                            gboolean  ok,
                            GError   *error)
{
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

gpointer
_kp_catalog_finish_pointer (gpointer       source,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
_kp_catalog_finish_boolean (gpointer       source,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gssize
_kp_catalog_finish_int (gpointer       source,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), -1);

  return g_task_propagate_int (G_TASK (result), error);
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

  _kp_catalog_return_pointer (task, catalog, g_object_unref, error);
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
  CatalogJob *job;

  g_return_if_fail (path != NULL);

  job = g_new0 (CatalogJob, 1);
  job->text = g_strdup (path);
  _kp_catalog_run_job (NULL, kp_catalog_open_async, open_thread, job, _kp_catalog_job_free,
                       cancellable, callback, user_data);
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
  return _kp_catalog_finish_pointer (NULL, result, error);
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

  _kp_catalog_return_pointer (task, product, (GDestroyNotify) kp_catalog_product_free, error);
}

void
kp_catalog_lookup_barcode_async (KpCatalog           *self,
                                 const char          *barcode,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CatalogJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (barcode != NULL);

  job = g_new0 (CatalogJob, 1);
  job->text = g_strdup (barcode);
  _kp_catalog_run_job (self, kp_catalog_lookup_barcode_async, lookup_barcode_thread, job,
                       _kp_catalog_job_free, cancellable, callback, user_data);
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
  return _kp_catalog_finish_pointer (self, result, error);
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

  _kp_catalog_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref, error);
}

static CatalogJob *
search_job_new (const char           *text,
                guint                 limit,
                KpCatalogSearchFlags  flags)
{
  CatalogJob job = { .text = g_strdup (text), .limit = limit, .search_flags = flags };

  return g_memdup2 (&job, sizeof job);
}

void
kp_catalog_search_async (KpCatalog           *self,
                         const char          *text,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (text != NULL && limit > 0);

  _kp_catalog_run_job (self, kp_catalog_search_async, search_thread,
                       search_job_new (text, limit, KP_CATALOG_SEARCH_ACTIVE),
                       _kp_catalog_job_free, cancellable, callback, user_data);
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
  return _kp_catalog_finish_pointer (self, result, error);
}

/**
 * kp_catalog_search_full_async:
 * @self: a #KpCatalog
 * @text: what was typed
 * @limit: the most products to return (1 or more)
 * @flags: which products
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the products
 * @user_data: for @callback
 *
 * kp_catalog_search_full_sync() in a worker thread.
 */
void
kp_catalog_search_full_async (KpCatalog            *self,
                              const char           *text,
                              guint                 limit,
                              KpCatalogSearchFlags  flags,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (text != NULL && limit > 0);

  _kp_catalog_run_job (self, kp_catalog_search_full_async, search_thread,
                       search_job_new (text, limit, flags), _kp_catalog_job_free, cancellable,
                       callback, user_data);
}

/**
 * kp_catalog_search_full_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_full_finish (KpCatalog     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _kp_catalog_finish_pointer (self, result, error);
}

static void
quick_keys_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *found = kp_catalog_list_quick_keys_sync (source, &error);

  _kp_catalog_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref, error);
}

void
kp_catalog_list_quick_keys_async (KpCatalog           *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));

  _kp_catalog_run_job (self, kp_catalog_list_quick_keys_async, quick_keys_thread, NULL, NULL,
                       cancellable, callback, user_data);
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
  return _kp_catalog_finish_pointer (self, result, error);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  KpCatalogProduct *stored = NULL;

  if (_kp_catalog_write_in_transaction (source, job->product, job->flags, &error))
    stored = kp_catalog_product_copy (job->product);
  _kp_catalog_return_pointer (task, stored, (GDestroyNotify) kp_catalog_product_free, error);
}

static CatalogJob *
write_job_new (const KpCatalogProduct *product,
               KpCatalogFlags          flags)
{
  CatalogJob job = { .product = kp_catalog_product_copy (product), .flags = flags };

  return g_memdup2 (&job, sizeof job);
}

void
kp_catalog_add_product_async (KpCatalog              *self,
                              const KpCatalogProduct *product,
                              KpCatalogFlags          flags,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id == 0);

  _kp_catalog_run_job (self, kp_catalog_add_product_async, write_thread,
                       write_job_new (product, flags), _kp_catalog_job_free, cancellable,
                       callback, user_data);
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
  return _kp_catalog_finish_pointer (self, result, error);
}

void
kp_catalog_update_product_async (KpCatalog              *self,
                                 const KpCatalogProduct *product,
                                 KpCatalogFlags          flags,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id > 0);

  _kp_catalog_run_job (self, kp_catalog_update_product_async, write_thread,
                       write_job_new (product, flags), _kp_catalog_job_free, cancellable,
                       callback, user_data);
}

gboolean
kp_catalog_update_product_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr (KpCatalogProduct) product = _kp_catalog_finish_pointer (self, result, error);

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
import_job_free (gpointer data)
{
  ImportJob *job = data;

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
  KpCatalogImport *import = NULL;

  data = g_file_load_bytes (job->file, cancellable, NULL, &error);
  if (data != NULL)
    import = kp_catalog_preview_import_sync (source, data, job->encoding, job->replace, &error);
  _kp_catalog_return_pointer (task, import, (GDestroyNotify) kp_catalog_import_free, error);
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
  ImportJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ImportJob, 1);
  job->file = g_object_ref (file);
  job->encoding = g_strdup (encoding);
  job->replace = replace;
  _kp_catalog_run_job (self, kp_catalog_preview_import_async, preview_thread, job,
                       import_job_free, cancellable, callback, user_data);
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
  return _kp_catalog_finish_pointer (self, result, error);
}

static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ImportJob *job = task_data;
  GError *error = NULL;
  gboolean applied = kp_catalog_apply_import_sync (source, job->import, &error);

  _kp_catalog_return_boolean (task, applied, error);
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
  ImportJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (import != NULL);

  job = g_new0 (ImportJob, 1);
  job->import = import;
  _kp_catalog_run_job (self, kp_catalog_apply_import_async, apply_thread, job, import_job_free,
                       cancellable, callback, user_data);
}

gboolean
kp_catalog_apply_import_finish (KpCatalog     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return _kp_catalog_finish_boolean (self, result, error);
}
