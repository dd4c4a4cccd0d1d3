/* kp-catalog-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "kp-catalog.h"
#include "kp-catalog-csv.h"

G_BEGIN_DECLS

#define PRODUCT_COLUMNS "id, name, price, tax_free, category, quick_key, active"

/* What the substring search scans: every product's keys, in memory. */
typedef struct
{
  gint64    id;
  char     *name_key;
  char     *initials;
  gboolean  active;
} SearchEntry;

struct _KpCatalog
{
  GObject  parent_instance;

  GMutex   lock;
  sqlite3 *db;
  char    *path;
  GHashTable *statements;   /* SQL text → its prepared statement */
  GArray  *search_entries;   /* of SearchEntry; NULL until needed or after a change */
  gint64   data_version;     /* of the file when search_entries was read */
};

/* A statement from the connection's cache (_kp_catalog_prepare()): given back, not
 * finalized. */
typedef sqlite3_stmt CachedStmt;

static inline void
_kp_catalog_release_stmt (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, _kp_catalog_release_stmt)

/* What an async call hands its worker thread: copies of its inputs. */
typedef struct
{
  char                 *text;
  guint                 limit;
  KpCatalogProduct     *product;
  KpCatalogFlags        flags;
  KpCatalogSearchFlags  search_flags;
  gint64                id;
  GArray               *ids;
  GFile                *file;
} CatalogJob;

void        _kp_catalog_job_free             (gpointer             job);

/* The job runner of the async calls (kp-catalog-async.c). */
void        _kp_catalog_run_job              (gpointer             source,
                                              gpointer             source_tag,
                                              GTaskThreadFunc      thread,
                                              gpointer             task_data,
                                              GDestroyNotify       task_data_free,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void        _kp_catalog_return_pointer       (GTask               *task,
                                              gpointer             value,
                                              GDestroyNotify       value_free,
                                              GError              *error);
void        _kp_catalog_return_boolean       (GTask               *task,
                                              gboolean             ok,
                                              GError              *error);
gpointer    _kp_catalog_finish_pointer       (gpointer             source,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean    _kp_catalog_finish_boolean       (gpointer             source,
                                              GAsyncResult        *result,
                                              GError             **error);
gssize      _kp_catalog_finish_int           (gpointer             source,
                                              GAsyncResult        *result,
                                              GError             **error);

void        _kp_catalog_lock                 (KpCatalog         *self);
void        _kp_catalog_unlock               (KpCatalog         *self);
void        _kp_catalog_forget_search        (KpCatalog         *self);
gboolean    _kp_catalog_exec                 (KpCatalog         *self,
                                              const char        *sql,
                                              GError           **error);
gboolean    _kp_catalog_write_product        (KpCatalog         *self,
                                              KpCatalogProduct  *product,
                                              KpCatalogFlags     flags,
                                              GError           **error);
GPtrArray  *_kp_catalog_list_products_locked (KpCatalog         *self,
                                              gboolean           only_active,
                                              GError           **error);
gboolean    _kp_catalog_validate_barcode     (const char        *barcode,
                                              KpCatalogFlags     flags,
                                              GError           **error);
char       *_kp_catalog_initials_key         (const char        *text);
char       *_kp_catalog_name_key             (const char        *text);
gboolean    _kp_catalog_write_in_transaction (KpCatalog         *self,
                                              KpCatalogProduct  *product,
                                              KpCatalogFlags     flags,
                                              GError           **error);

CachedStmt *_kp_catalog_prepare              (KpCatalog         *self,
                                              const char        *sql,
                                              GError           **error);
gboolean    _kp_catalog_set_sqlite_error     (GError           **error,
                                              sqlite3           *db);
KpCatalogProduct *_kp_catalog_read_product   (KpCatalog         *self,
                                              sqlite3_stmt      *stmt,
                                              GError           **error);
GPtrArray  *_kp_catalog_read_products        (KpCatalog         *self,
                                              sqlite3_stmt      *stmt,
                                              GPtrArray         *into,
                                              guint              limit,
                                              GError           **error);

G_END_DECLS
