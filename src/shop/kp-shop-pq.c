/* kp-shop-pq.c: libpq, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

/* The table's member types are libpq's own declarations. */
#include <libpq-fe.h>
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

static gboolean
take (GModule     *module,
      const char  *name,
      gpointer    *slot,
      GString     *missing)
{
  if (g_module_symbol (module, name, slot) && *slot != NULL)
    return TRUE;
  if (missing->len > 0)
    g_string_append (missing, ", ");
  g_string_append (missing, name);
  return FALSE;
}

static gpointer
load_once (gpointer data)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  GModule *module;
  gboolean ok = TRUE;

  library_name = g_getenv (LIBRARY_VARIABLE);
  if (library_name == NULL || *library_name == '\0')
    library_name = LIBPQ_NAME;
  else
    library_name = g_intern_string (library_name);

  module = g_module_open (library_name, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      load_error = g_strdup (g_module_error ());
      return GINT_TO_POINTER (FALSE);
    }

#define TAKE(member, name) ok &= take (module, name, (gpointer *) &table.member, missing)
  TAKE (connectdb_params, "PQconnectdbParams");
  TAKE (status, "PQstatus");
  TAKE (error_message, "PQerrorMessage");
  TAKE (set_notice_processor, "PQsetNoticeProcessor");
  TAKE (finish, "PQfinish");
  TAKE (exec, "PQexec");
  TAKE (exec_params, "PQexecParams");
  TAKE (result_status, "PQresultStatus");
  TAKE (result_error_message, "PQresultErrorMessage");
  TAKE (result_error_field, "PQresultErrorField");
  TAKE (ntuples, "PQntuples");
  TAKE (getvalue, "PQgetvalue");
  TAKE (getisnull, "PQgetisnull");
  TAKE (clear, "PQclear");
  TAKE (conninfo_parse, "PQconninfoParse");
  TAKE (conninfo_free, "PQconninfoFree");
  TAKE (freemem, "PQfreemem");
#undef TAKE

  if (!ok)
    {
      /* Translators: %s lists function names */
      load_error = g_strdup_printf (_("it lacks %s"), missing->str);
      g_module_close (module);
      return GINT_TO_POINTER (FALSE);
    }

  /* Loaded for good: its functions are in use until the program exits. */
  g_module_make_resident (module);
  return GINT_TO_POINTER (TRUE);
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
