/* kp-test-catalog.c: a catalog of the test's own, in a temporary directory
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "kp-test-catalog.h"

/* For g_test_add(): a new catalog file, in a folder it makes itself. */
void
kp_test_catalog_set_up (KpTestCatalog *fixture,
                        gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kp-catalog-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "shop", "catalog.db", NULL);
  fixture->catalog = kp_catalog_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->catalog);
}

/* The catalog must be finalized, its files gone: a test leaves nothing else in the
 * directory. */
void
kp_test_catalog_tear_down (KpTestCatalog *fixture,
                           gconstpointer  data)
{
  g_autofree char *shop = g_path_get_dirname (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_assert_finalize_object (fixture->catalog);
  g_unlink (fixture->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (shop);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Stores @product (taken) and returns its new id. */
gint64
kp_test_catalog_add (KpCatalog        *catalog,
                     KpCatalogProduct *product)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) owned = product;

  g_assert_true (kp_catalog_add_product_sync (catalog, owned, KP_CATALOG_NONE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (owned->id, >, 0);
  return owned->id;
}
