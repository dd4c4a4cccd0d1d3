/* kp-shop-db.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-pq.h"

G_BEGIN_DECLS

#define KP_SHOP_ERROR (kp_shop_error_quark ())

/**
 * KpShopError:
 * @KP_SHOP_ERROR_CONNINFO: the connection string is not one libpq reads
 * @KP_SHOP_ERROR_CONNECT: the server could not be reached, or refused us
 * @KP_SHOP_ERROR_QUERY: a statement failed (the connection may still be good)
 * @KP_SHOP_ERROR_TOO_NEW: the database was set up by a newer version
 * @KP_SHOP_ERROR_CONFLICT: another journal already sends as this terminal, or
 *   the shop's day is closed already
 * @KP_SHOP_ERROR_UNAVAILABLE: libpq could not be loaded
 */
typedef enum
{
  KP_SHOP_ERROR_CONNINFO,
  KP_SHOP_ERROR_CONNECT,
  KP_SHOP_ERROR_QUERY,
  KP_SHOP_ERROR_TOO_NEW,
  KP_SHOP_ERROR_CONFLICT,
  KP_SHOP_ERROR_UNAVAILABLE,
} KpShopError;

/* The schema step this code brings a shop database to. */
#define KP_SHOP_SCHEMA_VERSION 1

gboolean kp_shop_pq_load (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

GQuark    kp_shop_error_quark          (void);

gboolean  kp_shop_conninfo_split      (const char   *conninfo,
                                        char        **out_conninfo,
                                        char        **out_password,
                                        GError      **error);
void      kp_shop_conninfo_split_async (const char          *conninfo,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  kp_shop_conninfo_split_finish (GAsyncResult  *result,
                                         char         **out_conninfo,
                                         char         **out_password,
                                         GError       **error);
char     *kp_shop_conninfo_describe   (const char   *conninfo);

PGconn   *kp_shop_db_connect          (const char   *conninfo,
                                        const char   *password,
                                        GError      **error);
PGresult *kp_shop_db_exec             (PGconn       *conn,
                                        const char   *sql,
                                        int           n_params,
                                        const char * const *values,
                                        const char   *password,
                                        GError      **error);
gboolean  kp_shop_db_exec_simple      (PGconn       *conn,
                                        const char   *sql,
                                        GError      **error);
gboolean  kp_shop_db_ensure_schema    (PGconn       *conn,
                                        int          *out_version,
                                        GError      **error);
gboolean  kp_shop_db_init             (const char   *conninfo,
                                        const char   *password,
                                        int          *out_version,
                                        GError      **error);

G_END_DECLS
