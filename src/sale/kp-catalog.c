/* kp-catalog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "kp-catalog-private.h"
#include "kp-money.h"

/*
 * The product catalog: one SQLite file (catalog.db beside the journal), private to
 * its owner, in WAL mode. The journal keeps what each sale sold and at what price, so
 * a product's price may change here without touching any past sale. One connection,
 * used by one thread at a time (the lock): the async calls run the same code in a
 * worker thread.
 */

G_DEFINE_FINAL_TYPE (KpCatalog, kp_catalog, G_TYPE_OBJECT)
G_DEFINE_QUARK (kp-catalog-error-quark, kp_catalog_error)


/* Step N takes a file from user_version N-1 to N. */
static const char * const schema_steps[] = {
  "CREATE TABLE products ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  initials TEXT NOT NULL,"
  "  price INTEGER NOT NULL CHECK (price > 0),"
  "  tax_free INTEGER NOT NULL DEFAULT 0,"
  "  category TEXT,"
  "  quick_key INTEGER CHECK (quick_key IS NULL OR quick_key > 0),"
  "  active INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX products_name_key ON products (name_key);"
  "CREATE INDEX products_initials ON products (initials);"
  "CREATE INDEX products_quick_key ON products (category, quick_key)"
  "  WHERE quick_key IS NOT NULL;"
  "CREATE TABLE barcodes ("
  "  barcode TEXT PRIMARY KEY,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX barcodes_product ON barcodes (product_id, position);",
};

#define SCHEMA_VERSION ((int) G_N_ELEMENTS (schema_steps))

/**
 * kp_catalog_path_for_journal:
 * @journal_path: the journal's file
 *
 * Returns: (transfer full): catalog.db in the journal's folder
 */
char *
kp_catalog_path_for_journal (const char *journal_path)
{
  g_autofree char *dir = g_path_get_dirname (journal_path);

  return g_build_filename (dir, "catalog.db", NULL);
}

/* SQLite's own words stay untranslated: they go with a translated lead. */
gboolean
_kp_catalog_set_sqlite_error (GError  **error,
                  sqlite3  *db)
{
  g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
               /* Translators: %s is the database's own message */
               _("The catalog could not be read or written: %s"),
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

gboolean
_kp_catalog_exec (KpCatalog   *self,
                  const char  *sql,
                  GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _kp_catalog_set_sqlite_error (error, self->db);
  return TRUE;
}

/* The statement for @sql, prepared once per connection; _kp_catalog_release_stmt()
 * (g_autoptr (CachedStmt)) gives it back. With the lock held. */
CachedStmt *
_kp_catalog_prepare (KpCatalog   *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
      SQLITE_OK)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
_kp_catalog_lock (KpCatalog *self)
{
  g_mutex_lock (&self->lock);
}

void
_kp_catalog_unlock (KpCatalog *self)
{
  g_mutex_unlock (&self->lock);
}

static gboolean
create_private (const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                   /* Translators: the first %s is a folder, the second the reason */
                   _("Could not create the catalog’s folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* SQLite creates files 0644 less the umask; the -wal and -shm files take the mode of
   * the database file, so the file is made here first, private. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                   /* Translators: the first %s is a file, the second the reason */
                   _("Could not open the catalog “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
migrate (KpCatalog  *self,
         GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  int version;

  stmt = _kp_catalog_prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt == NULL ? FALSE : _kp_catalog_set_sqlite_error (error, self->db);
  version = sqlite3_column_int (stmt, 0);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_TOO_NEW,
                   /* Translators: %s is a file */
                   _("The catalog “%s” was written by a newer version of KakaoPay POS; it "
                     "was left untouched."), self->path);
      return FALSE;
    }

  for (int step = version + 1; step <= SCHEMA_VERSION; step++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", step);

      if (!_kp_catalog_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_kp_catalog_exec (self, schema_steps[step - 1], error) ||
          !_kp_catalog_exec (self, set_version, error) ||
          !_kp_catalog_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * kp_catalog_open_sync:
 * @path: the catalog's file (see kp_catalog_path_for_journal()), or ":memory:"
 * @error: return location for a #GError
 *
 * Opens the catalog, creating it (0600) and bringing its schema up to date.
 *
 * Returns: (transfer full): the catalog, or %NULL
 */
KpCatalog *
kp_catalog_open_sync (const char  *path,
                      GError     **error)
{
  g_autoptr (KpCatalog) self = NULL;
  gboolean in_memory;

  g_return_val_if_fail (path != NULL, NULL);

  in_memory = g_str_equal (path, ":memory:");
  if (!in_memory && !create_private (path, error))
    return NULL;

  self = g_object_new (KP_TYPE_CATALOG, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if ((!in_memory && !_kp_catalog_exec (self, "PRAGMA journal_mode = WAL", error)) ||
      !_kp_catalog_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
kp_catalog_get_path (KpCatalog *self)
{
  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  return self->path;
}

static GStrv
read_barcodes (KpCatalog  *self,
               gint64      id,
               GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  stmt = _kp_catalog_prepare (self,
                  "SELECT barcode FROM barcodes WHERE product_id = ? ORDER BY position",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* A row of PRODUCT_COLUMNS, with its barcodes. */
KpCatalogProduct *
_kp_catalog_read_product (KpCatalog     *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr (KpCatalogProduct) product = g_new0 (KpCatalogProduct, 1);

  product->id = sqlite3_column_int64 (stmt, 0);
  product->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  product->price = sqlite3_column_int64 (stmt, 2);
  product->tax_free = sqlite3_column_int (stmt, 3) != 0;
  product->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  product->quick_key = sqlite3_column_type (stmt, 5) == SQLITE_NULL
                       ? 0 : (guint) sqlite3_column_int (stmt, 5);
  product->active = sqlite3_column_int (stmt, 6) != 0;
  product->barcodes = read_barcodes (self, product->id, error);
  if (product->barcodes == NULL)
    return NULL;
  return g_steal_pointer (&product);
}

GPtrArray *
_kp_catalog_read_products (KpCatalog     *self,
               sqlite3_stmt  *stmt,
               GPtrArray     *into,
               guint          limit,
               GError       **error)
{
  int rc;

  while ((limit == 0 || into->len < limit) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpCatalogProduct *product = _kp_catalog_read_product (self, stmt, error);
      gboolean seen = FALSE;

      if (product == NULL)
        return NULL;
      for (guint i = 0; i < into->len && !seen; i++)
        seen = ((KpCatalogProduct *) g_ptr_array_index (into, i))->id == product->id;
      if (seen)
        kp_catalog_product_free (product);
      else
        g_ptr_array_add (into, product);
    }
  if ((limit == 0 || into->len < limit) && rc != SQLITE_DONE)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return NULL;
    }
  return into;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Who has @barcode, other than @except_id: 0 for nobody, -1 on error. */
static gint64
barcode_owner (KpCatalog   *self,
               const char  *barcode,
               gint64       except_id,
               GError     **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  int rc;

  stmt = _kp_catalog_prepare (self, "SELECT product_id FROM barcodes WHERE barcode = ? AND product_id != ?",
                  error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, barcode, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      _kp_catalog_set_sqlite_error (error, self->db);
      return -1;
    }
  return 0;
}

/* Writes @product (inserting when its id is 0) with the lock held, inside a
 * transaction the caller opened. */
gboolean
_kp_catalog_write_product (KpCatalog         *self,
                           KpCatalogProduct  *product,
                           KpCatalogFlags     flags,
                           GError           **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;
  g_autofree char *initials = NULL;

  if (!kp_catalog_validate_product (product, flags, error))
    return FALSE;

  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      gint64 owner = barcode_owner (self, product->barcodes[i], product->id, error);

      if (owner < 0)
        return FALSE;
      if (owner > 0)
        {
          g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_DUPLICATE_BARCODE,
                       /* Translators: %s is a barcode */
                       _("Another product already has the barcode %s."),
                       product->barcodes[i]);
          return FALSE;
        }
    }

  name = g_strstrip (g_strdup (product->name));
  key = _kp_catalog_name_key (name);
  initials = _kp_catalog_initials_key (name);

  if (product->id == 0)
    stmt = _kp_catalog_prepare (self,
                    "INSERT INTO products (name, name_key, initials, price, tax_free, category,"
                    " quick_key, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  else
    stmt = _kp_catalog_prepare (self,
                    "UPDATE products SET name = ?1, name_key = ?2, initials = ?3, price = ?4,"
                    " tax_free = ?5, category = ?6, quick_key = ?7, active = ?8 WHERE id = ?9",
                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, initials, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, product->price);
  sqlite3_bind_int (stmt, 5, product->tax_free ? 1 : 0);
  bind_text_or_null (stmt, 6, product->category);
  if (product->quick_key > 0)
    sqlite3_bind_int (stmt, 7, product->quick_key);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int (stmt, 8, product->active ? 1 : 0);
  if (product->id != 0)
    sqlite3_bind_int64 (stmt, 9, product->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _kp_catalog_set_sqlite_error (error, self->db);
  if (product->id != 0 && sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                           _("The product is no longer in the catalog."));
      return FALSE;
    }
  if (product->id == 0)
    product->id = sqlite3_last_insert_rowid (self->db);
  g_free (product->name);
  product->name = g_steal_pointer (&name);

  g_clear_pointer (&stmt, _kp_catalog_release_stmt);
  stmt = _kp_catalog_prepare (self, "DELETE FROM barcodes WHERE product_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _kp_catalog_set_sqlite_error (error, self->db);

  g_clear_pointer (&stmt, _kp_catalog_release_stmt);
  stmt = _kp_catalog_prepare (self, "INSERT INTO barcodes (barcode, product_id, position) VALUES (?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, product->barcodes[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, product->id);
      sqlite3_bind_int (stmt, 3, i);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return _kp_catalog_set_sqlite_error (error, self->db);
    }
  return TRUE;
}

gboolean
_kp_catalog_write_in_transaction (KpCatalog         *self,
                                  KpCatalogProduct  *product,
                                  KpCatalogFlags     flags,
                                  GError           **error)
{
  gboolean ok;

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = _kp_catalog_write_product (self, product, flags, error) &&
           _kp_catalog_exec (self, "COMMIT", error);
      _kp_catalog_forget_search (self);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  _kp_catalog_unlock (self);
  return ok;
}

/**
 * kp_catalog_add_product_sync:
 * @self: a #KpCatalog
 * @product: the product, its id 0; set to the new id
 * @flags: what the caller accepts
 * @error: return location for a #GError
 *
 * Returns: whether the product was stored
 */
gboolean
kp_catalog_add_product_sync (KpCatalog         *self,
                             KpCatalogProduct  *product,
                             KpCatalogFlags     flags,
                             GError           **error)
{
  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (product != NULL && product->id == 0, FALSE);

  return _kp_catalog_write_in_transaction (self, product, flags, error);
}

/**
 * kp_catalog_update_product_sync:
 * @self: a #KpCatalog
 * @product: the product as it is to be, with its id
 * @flags: what the caller accepts
 * @error: return location for a #GError
 *
 * Replaces a product's fields and barcodes. Past sales keep what they sold.
 *
 * Returns: whether the product was stored
 */
gboolean
kp_catalog_update_product_sync (KpCatalog               *self,
                                const KpCatalogProduct  *product,
                                KpCatalogFlags           flags,
                                GError                 **error)
{
  g_autoptr (KpCatalogProduct) copy = NULL;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (product != NULL && product->id > 0, FALSE);

  copy = kp_catalog_product_copy (product);
  return _kp_catalog_write_in_transaction (self, copy, flags, error);
}

gboolean
kp_catalog_remove_product_sync (KpCatalog  *self,
                                gint64      id,
                                GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);

  _kp_catalog_lock (self);
  stmt = _kp_catalog_prepare (self, "DELETE FROM products WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        _kp_catalog_set_sqlite_error (error, self->db);
      else if (sqlite3_changes (self->db) == 0)
        g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                             _("The product is no longer in the catalog."));
      else
        ok = TRUE;
    }
  _kp_catalog_forget_search (self);
  _kp_catalog_unlock (self);
  return ok;
}

/**
 * kp_catalog_set_quick_keys_sync:
 * @self: a #KpCatalog
 * @ids: (array length=n_ids): products, in the order their quick keys are to have
 * @n_ids: how many
 * @error: return location for a #GError
 *
 * Gives the products @ids the quick-key positions 1, 2, 3… in that order (one
 * category's keys, reordered), in one transaction: all of them or none.
 *
 * Returns: whether the positions were stored
 */
gboolean
kp_catalog_set_quick_keys_sync (KpCatalog     *self,
                                const gint64  *ids,
                                guint          n_ids,
                                GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "BEGIN IMMEDIATE", error);
  for (guint i = 0; ok && i < n_ids; i++)
    {
      g_autoptr (CachedStmt) stmt = _kp_catalog_prepare (self,
                                        "UPDATE products SET quick_key = ? WHERE id = ?",
                                        error);

      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int (stmt, 1, i + 1);
      sqlite3_bind_int64 (stmt, 2, ids[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        ok = _kp_catalog_set_sqlite_error (error, self->db);
      else if (sqlite3_changes (self->db) == 0)
        {
          g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                               _("The product is no longer in the catalog."));
          ok = FALSE;
        }
    }
  if (ok)
    ok = _kp_catalog_exec (self, "COMMIT", error);
  if (!ok && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  _kp_catalog_unlock (self);
  return ok;
}

KpCatalogProduct *
kp_catalog_get_product_sync (KpCatalog  *self,
                             gint64      id,
                             GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  KpCatalogProduct *product = NULL;
  int rc;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  stmt = _kp_catalog_prepare (self, "SELECT " PRODUCT_COLUMNS " FROM products WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        product = _kp_catalog_read_product (self, stmt, error);
      else if (rc == SQLITE_DONE)
        g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                             _("The product is no longer in the catalog."));
      else
        _kp_catalog_set_sqlite_error (error, self->db);
    }
  _kp_catalog_unlock (self);
  return product;
}

gboolean
kp_catalog_clear_sync (KpCatalog  *self,
                       GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "DELETE FROM products", error);
  _kp_catalog_forget_search (self);
  _kp_catalog_unlock (self);
  return ok;
}

static void
kp_catalog_finalize (GObject *object)
{
  KpCatalog *self = KP_CATALOG (object);

  g_clear_pointer (&self->search_entries, g_array_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kp_catalog_parent_class)->finalize (object);
}

static void
kp_catalog_class_init (KpCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_catalog_finalize;
}

static void
kp_catalog_init (KpCatalog *self)
{
  g_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}
