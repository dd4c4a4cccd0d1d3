/* kp-catalog-async-edit.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-catalog-private.h"

/* The async calls of the catalog editor: listing every product, removing one,
 * reordering quick keys and exporting, each in a worker thread; and the check for
 * changes made by another process. */

static void
remove_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  gboolean removed = kp_catalog_remove_product_sync (source, job->id, &error);

  _kp_catalog_return_boolean (task, removed, error);
}

/**
 * kp_catalog_remove_product_async:
 * @self: a #KpCatalog
 * @id: the product's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once it is removed or not
 * @user_data: for @callback
 *
 * kp_catalog_remove_product_sync() in a worker thread.
 */
void
kp_catalog_remove_product_async (KpCatalog           *self,
                                 gint64               id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CatalogJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (id > 0);

  job = g_new0 (CatalogJob, 1);
  job->id = id;
  _kp_catalog_run_job (self, kp_catalog_remove_product_async, remove_thread, job,
                       _kp_catalog_job_free, cancellable, callback, user_data);
}

gboolean
kp_catalog_remove_product_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _kp_catalog_finish_boolean (self, result, error);
}

static void
list_products_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  GPtrArray *found = kp_catalog_list_products_sync (source, job->flags != 0, &error);

  _kp_catalog_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref, error);
}

/**
 * kp_catalog_list_products_async:
 * @self: a #KpCatalog
 * @only_active: leave out the inactive products
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the products
 * @user_data: for @callback
 *
 * kp_catalog_list_products_sync() in a worker thread.
 */
void
kp_catalog_list_products_async (KpCatalog           *self,
                                gboolean             only_active,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CatalogJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));

  job = g_new0 (CatalogJob, 1);
  job->flags = only_active ? 1 : 0;
  _kp_catalog_run_job (self, kp_catalog_list_products_async, list_products_thread, job,
                       _kp_catalog_job_free, cancellable, callback, user_data);
}

/**
 * kp_catalog_list_products_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products, in the
 *   order they were added
 */
GPtrArray *
kp_catalog_list_products_finish (KpCatalog     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return _kp_catalog_finish_pointer (self, result, error);
}

static void
set_quick_keys_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  gboolean stored = kp_catalog_set_quick_keys_sync (source, (const gint64 *) job->ids->data,
                                                    job->ids->len, &error);

  _kp_catalog_return_boolean (task, stored, error);
}

/**
 * kp_catalog_set_quick_keys_async:
 * @self: a #KpCatalog
 * @ids: (array length=n_ids): products, in their new order (copied)
 * @n_ids: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once they are stored or not
 * @user_data: for @callback
 *
 * kp_catalog_set_quick_keys_sync() in a worker thread.
 */
void
kp_catalog_set_quick_keys_async (KpCatalog           *self,
                                 const gint64        *ids,
                                 guint                n_ids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CatalogJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  job = g_new0 (CatalogJob, 1);
  job->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (job->ids, ids, n_ids);
  _kp_catalog_run_job (self, kp_catalog_set_quick_keys_async, set_quick_keys_thread, job,
                       _kp_catalog_job_free, cancellable, callback, user_data);
}

gboolean
kp_catalog_set_quick_keys_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _kp_catalog_finish_boolean (self, result, error);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  g_autofree char *csv = NULL;
  g_autoptr (GError) local_error = NULL;
  GError *error = NULL;

  csv = kp_catalog_export_csv_text (source, &error);
  if (csv == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_file_replace_contents (job->file, csv, strlen (csv), NULL, FALSE,
                                G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable,
                                &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&local_error));
      else
        g_task_return_new_error (task, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                                 /* Translators: %s is the reason */
                                 _("Could not write the file: %s"), local_error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * kp_catalog_export_csv_async:
 * @self: a #KpCatalog
 * @file: the file to write (replaced)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once it is written or not
 * @user_data: for @callback
 *
 * The active products as CSV (kp_catalog_export_csv_text()) written to @file, in a
 * worker thread.
 */
void
kp_catalog_export_csv_async (KpCatalog           *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CatalogJob *job;

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (CatalogJob, 1);
  job->file = g_object_ref (file);
  _kp_catalog_run_job (self, kp_catalog_export_csv_async, export_thread, job,
                       _kp_catalog_job_free, cancellable, callback, user_data);
}

gboolean
kp_catalog_export_csv_finish (KpCatalog     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_catalog_finish_boolean (self, result, error);
}

static void
data_version_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_task_return_int (task, kp_catalog_get_data_version_sync (source));
}

/**
 * kp_catalog_get_data_version_async:
 * @self: a #KpCatalog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the version
 * @user_data: for @callback
 *
 * kp_catalog_get_data_version_sync() in a worker thread.
 */
void
kp_catalog_get_data_version_async (KpCatalog           *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (KP_IS_CATALOG (self));

  _kp_catalog_run_job (self, kp_catalog_get_data_version_async, data_version_thread, NULL, NULL,
                       cancellable, callback, user_data);
}

/**
 * kp_catalog_get_data_version_finish:
 * @self: a #KpCatalog
 * @result: the result
 *
 * Returns: the version, or -1 if it could not be read (or the call was cancelled)
 */
gint64
kp_catalog_get_data_version_finish (KpCatalog    *self,
                                    GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  gssize version = _kp_catalog_finish_int (self, result, &error);

  return error != NULL ? -1 : version;
}
