/* kp-catalog-search.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <string.h>

#include "kp-catalog-private.h"

/* Finding products: by barcode through the index, by name as the cashier types
 * (prefix through the index, substring and 초성 through the keys kept in memory), and
 * the lists of quick keys and of every product. */

static void
search_entry_clear (SearchEntry *entry)
{
  g_free (entry->name_key);
  g_free (entry->initials);
}

/* After a change through this connection. With the lock held. */
void
_kp_catalog_forget_search (KpCatalog *self)
{
  g_clear_pointer (&self->search_entries, g_array_unref);
}

static gint64
read_data_version (KpCatalog *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/**
 * kp_catalog_get_data_version_sync:
 * @self: a #KpCatalog
 *
 * SQLite's data version of the file: it changes when another connection (another
 * process) commits a change, not with this one's own.
 *
 * Returns: the version, or -1 if it cannot be read
 */
gint64
kp_catalog_get_data_version_sync (KpCatalog *self)
{
  gint64 version;

  g_return_val_if_fail (KP_IS_CATALOG (self), -1);

  _kp_catalog_lock (self);
  version = read_data_version (self);
  _kp_catalog_unlock (self);
  return version;
}

/* With the lock held. */
static gboolean
load_search_entries (KpCatalog  *self,
                     GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = read_data_version (self);
  int rc;

  if (self->search_entries != NULL && version == self->data_version)
    return TRUE;
  _kp_catalog_forget_search (self);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, name_key, initials, active FROM products ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return _kp_catalog_set_sqlite_error (error, self->db);
  self->search_entries = g_array_new (FALSE, FALSE, sizeof (SearchEntry));
  g_array_set_clear_func (self->search_entries, (GDestroyNotify) search_entry_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SearchEntry entry = {
        sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
        sqlite3_column_int (stmt, 3) != 0,
      };

      g_array_append_val (self->search_entries, entry);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _kp_catalog_forget_search (self);
      return _kp_catalog_set_sqlite_error (error, self->db);
    }
  self->data_version = version;
  return TRUE;
}

/**
 * kp_catalog_lookup_barcode_sync:
 * @self: a #KpCatalog
 * @barcode: what the scanner typed
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the active product with @barcode; %NULL with
 *   no error when there is none
 */
KpCatalogProduct *
kp_catalog_lookup_barcode_sync (KpCatalog   *self,
                                const char  *barcode,
                                GError     **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  KpCatalogProduct *product = NULL;
  int rc;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);
  g_return_val_if_fail (barcode != NULL, NULL);

  _kp_catalog_lock (self);
  stmt = _kp_catalog_prepare (self,
                  "SELECT p.id, p.name, p.price, p.tax_free, p.category, p.quick_key, p.active"
                  " FROM barcodes b JOIN products p ON p.id = b.product_id"
                  " WHERE b.barcode = ? AND p.active", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, barcode, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        product = _kp_catalog_read_product (self, stmt, error);
      else if (rc != SQLITE_DONE)
        _kp_catalog_set_sqlite_error (error, self->db);
    }
  _kp_catalog_unlock (self);
  return product;
}

/* The smallest text greater than every text that starts with @prefix. */
static char *
prefix_end (const char *prefix)
{
  return g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);
}

/**
 * kp_catalog_search_sync:
 * @self: a #KpCatalog
 * @text: what the cashier typed
 * @limit: the most products to return (1 or more)
 * @error: return location for a #GError
 *
 * Active products whose name starts with @text, then those whose initial consonants
 * start with it (ㅇㅁㄹ finds 아메리카노), each by name, then those whose name or
 * initials contain it, in the order they were added; up to @limit. Initial consonants
 * are compared only when @text has no whole syllable.
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_sync (KpCatalog   *self,
                        const char  *text,
                        guint        limit,
                        GError     **error)
{
  return kp_catalog_search_full_sync (self, text, limit, KP_CATALOG_SEARCH_ACTIVE, error);
}

/**
 * kp_catalog_search_full_sync:
 * @self: a #KpCatalog
 * @text: what was typed
 * @limit: the most products to return (1 or more)
 * @flags: which products
 * @error: return location for a #GError
 *
 * kp_catalog_search_sync(), among the inactive products too when @flags say so.
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_full_sync (KpCatalog             *self,
                             const char            *text,
                             guint                  limit,
                             KpCatalogSearchFlags   flags,
                             GError               **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  g_autofree char *initials = NULL;
  g_autofree char *key_end = NULL;
  g_autofree char *initials_end = NULL;
  /* ?6 is 1 when inactive products are wanted too. */
  static const char * const queries[] = {
    "SELECT " PRODUCT_COLUMNS " FROM products WHERE name_key >= ?1 AND name_key < ?2"
    " AND (active OR ?6) ORDER BY name_key, id LIMIT ?5",
    "SELECT " PRODUCT_COLUMNS " FROM products WHERE initials >= ?3 AND initials < ?4"
    " AND (active OR ?6) ORDER BY initials, name_key, id LIMIT ?5",
  };
  gboolean inactive_too = (flags & KP_CATALOG_SEARCH_INACTIVE) != 0;
  gboolean ok = TRUE;
  gboolean by_initials;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);
  g_return_val_if_fail (text != NULL && limit > 0, NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return g_steal_pointer (&found);
  key = _kp_catalog_name_key (trimmed);
  initials = _kp_catalog_initials_key (trimmed);
  key_end = prefix_end (key);
  initials_end = prefix_end (initials);

  /* Initial consonants are matched only when that is all the cashier typed: "아" finds
   * 아메리카노, not 오렌지. */
  by_initials = g_str_equal (initials, key);

  _kp_catalog_lock (self);
  for (guint i = 0; ok && i < G_N_ELEMENTS (queries) && found->len < limit; i++)
    {
      g_autoptr (CachedStmt) stmt = NULL;

      if (i == 1 && !by_initials)
        continue;
      stmt = _kp_catalog_prepare (self, queries[i], error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, key_end, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, initials, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, initials_end, -1, SQLITE_STATIC);
      /* Rows found by an earlier query may come again. */
      sqlite3_bind_int (stmt, 5, limit * 2);
      sqlite3_bind_int (stmt, 6, inactive_too ? 1 : 0);
      ok = _kp_catalog_read_products (self, stmt, found, limit, error) != NULL;
    }

  /* Any part of the name, or of its initial consonants. */
  if (ok && found->len < limit)
    ok = load_search_entries (self, error);
  for (guint i = 0; ok && found->len < limit && i < self->search_entries->len; i++)
    {
      SearchEntry *entry = &g_array_index (self->search_entries, SearchEntry, i);
      g_autoptr (CachedStmt) stmt = NULL;
      gboolean seen = FALSE;

      if (!entry->active && !inactive_too)
        continue;
      if (strstr (entry->name_key, key) == NULL &&
          !(by_initials && strstr (entry->initials, initials) != NULL))
        continue;
      for (guint j = 0; j < found->len && !seen; j++)
        seen = ((KpCatalogProduct *) g_ptr_array_index (found, j))->id == entry->id;
      if (seen)
        continue;
      stmt = _kp_catalog_prepare (self, "SELECT " PRODUCT_COLUMNS " FROM products WHERE id = ?",
                      error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int64 (stmt, 1, entry->id);
      ok = _kp_catalog_read_products (self, stmt, found, limit, error) != NULL;
    }
  _kp_catalog_unlock (self);

  if (!ok)
    return NULL;
  return g_steal_pointer (&found);
}

/**
 * kp_catalog_list_quick_keys_sync:
 * @self: a #KpCatalog
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the active products
 *   with a quick key, by category and position
 */
GPtrArray *
kp_catalog_list_quick_keys_sync (KpCatalog  *self,
                                 GError    **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autoptr (CachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  stmt = _kp_catalog_prepare (self,
                  "SELECT " PRODUCT_COLUMNS " FROM products WHERE quick_key IS NOT NULL"
                  " AND active ORDER BY coalesce (category, ''), quick_key, name_key, id",
                  error);
  if (stmt != NULL)
    ok = _kp_catalog_read_products (self, stmt, found, 0, error) != NULL;
  _kp_catalog_unlock (self);
  return ok ? g_steal_pointer (&found) : NULL;
}

GPtrArray *
_kp_catalog_list_products_locked (KpCatalog  *self,
                                  gboolean    only_active,
                                  GError    **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autoptr (CachedStmt) stmt = NULL;
  int rc;

  stmt = _kp_catalog_prepare (self,
                  only_active ? "SELECT " PRODUCT_COLUMNS " FROM products WHERE active ORDER BY id"
                              : "SELECT " PRODUCT_COLUMNS " FROM products ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  /* Not read_products(): no need to look for repeats among thousands. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpCatalogProduct *product = _kp_catalog_read_product (self, stmt, error);

      if (product == NULL)
        return NULL;
      g_ptr_array_add (found, product);
    }
  if (rc != SQLITE_DONE)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/**
 * kp_catalog_list_products_sync:
 * @self: a #KpCatalog
 * @only_active: leave out the inactive products
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products, in the
 *   order they were added
 */
GPtrArray *
kp_catalog_list_products_sync (KpCatalog  *self,
                               gboolean    only_active,
                               GError    **error)
{
  GPtrArray *found;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  found = _kp_catalog_list_products_locked (self, only_active, error);
  _kp_catalog_unlock (self);
  return found;
}
