/* kp-shop-pq.c: libpq, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <glib/gi18n.h>

/* The table's member types are libpq's own declarations. */
#include <libpq-fe.h>
#include "kp-module.h"
#include "kp-shop-pq.h"
#include "kp-shop-db.h"

/* libpq's soname: its ABI has been version 5 since PostgreSQL 8.0. */
#define LIBPQ_NAME "libpq.so.5"

/* A test hook: KP_SHOP_PQ_LIBRARY names another library to load instead, so that a
 * test can make the load fail the way a missing libpq5 package does (test-shop-pq.c).
 * The program itself never sets it. */
#define LIBRARY_VARIABLE "KP_SHOP_PQ_LIBRARY"

static KpShopPq table;
static const char *library_name;
static char *load_error;

#define SYMBOL(member, name) KP_MODULE_SYMBOL (KpShopPq, member, name)
static const KpModuleSymbol symbols[] = {
  SYMBOL (connectdb_params, "PQconnectdbParams"),
  SYMBOL (status, "PQstatus"),
  SYMBOL (error_message, "PQerrorMessage"),
  SYMBOL (set_notice_processor, "PQsetNoticeProcessor"),
  SYMBOL (finish, "PQfinish"),
  SYMBOL (exec, "PQexec"),
  SYMBOL (exec_params, "PQexecParams"),
  SYMBOL (result_status, "PQresultStatus"),
  SYMBOL (result_error_message, "PQresultErrorMessage"),
  SYMBOL (result_error_field, "PQresultErrorField"),
  SYMBOL (ntuples, "PQntuples"),
  SYMBOL (getvalue, "PQgetvalue"),
  SYMBOL (getisnull, "PQgetisnull"),
  SYMBOL (clear, "PQclear"),
  SYMBOL (conninfo_parse, "PQconninfoParse"),
  SYMBOL (conninfo_free, "PQconninfoFree"),
  SYMBOL (freemem, "PQfreemem"),
};
#undef SYMBOL

static gpointer
load_once (gpointer data)
{
  return GINT_TO_POINTER (kp_module_load (LIBPQ_NAME, LIBRARY_VARIABLE,
                                          symbols, G_N_ELEMENTS (symbols),
                                          &table, sizeof table,
                                          &library_name, &load_error));
}

/**
 * kp_shop_pq_load:
 * @error: return location for a #GError
 *
 * Loads libpq the first time; from any thread.
 *
 * Returns: %TRUE once libpq's functions are in kp_shop_pq(), or %FALSE with
 *   %KP_SHOP_ERROR_UNAVAILABLE (libpq is not installed)
 */
gboolean
kp_shop_pq_load (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (GPOINTER_TO_INT (g_once (&once, load_once, NULL)))
    return TRUE;

  g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_UNAVAILABLE,
               /* Translators: %s is libpq's file name, then the reason */
               _("The shop database needs PostgreSQL’s client library, %s, which could not be "
                 "loaded: %s. Install it (Debian: libpq5)."), library_name, load_error);
  return FALSE;
}

/**
 * kp_shop_pq:
 *
 * Returns: libpq's functions; only after kp_shop_pq_load() returned %TRUE
 */
const KpShopPq *
kp_shop_pq (void)
{
  if (G_UNLIKELY (table.connectdb_params == NULL))
    g_error ("libpq used before kp_shop_pq_load()");
  return &table;
}
