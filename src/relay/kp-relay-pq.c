/* kp-relay-pq.c: libpq, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <glib/gi18n.h>

/* The table's member types are libpq's own declarations. */
#include <libpq-fe.h>

#include "kp-module.h"
#include "kp-relay-pq.h"

/* libpq's soname: its ABI has been version 5 since PostgreSQL 8.0. */
#define LIBPQ_NAME "libpq.so.5"

/* A test hook: KP_RELAY_PQ_LIBRARY names another library to load instead, so that a
 * test can make the load fail the way a missing libpq5 package does. The program itself
 * never sets it. */
#define LIBRARY_VARIABLE "KP_RELAY_PQ_LIBRARY"

static KpRelayPq table;
static const char *library_name;
static char *load_error;

#define SYMBOL(member, name) KP_MODULE_SYMBOL (KpRelayPq, member, name)
static const KpModuleSymbol symbols[] = {
  SYMBOL (connect_start, "PQconnectStart"),
  SYMBOL (connect_poll, "PQconnectPoll"),
  SYMBOL (status, "PQstatus"),
  SYMBOL (error_message, "PQerrorMessage"),
  SYMBOL (socket, "PQsocket"),
  SYMBOL (set_nonblocking, "PQsetnonblocking"),
  SYMBOL (set_notice_processor, "PQsetNoticeProcessor"),
  SYMBOL (finish, "PQfinish"),
  SYMBOL (flush, "PQflush"),
  SYMBOL (send_query, "PQsendQuery"),
  SYMBOL (send_query_params, "PQsendQueryParams"),
  SYMBOL (consume_input, "PQconsumeInput"),
  SYMBOL (is_busy, "PQisBusy"),
  SYMBOL (get_result, "PQgetResult"),
  SYMBOL (notifies, "PQnotifies"),
  SYMBOL (freemem, "PQfreemem"),
  SYMBOL (result_status, "PQresultStatus"),
  SYMBOL (result_error_message, "PQresultErrorMessage"),
  SYMBOL (ntuples, "PQntuples"),
  SYMBOL (nfields, "PQnfields"),
  SYMBOL (getvalue, "PQgetvalue"),
  SYMBOL (getisnull, "PQgetisnull"),
  SYMBOL (clear, "PQclear"),
  SYMBOL (conninfo_parse, "PQconninfoParse"),
  SYMBOL (conninfo_free, "PQconninfoFree"),
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
 * _kp_relay_pq_load:
 * @error: return location for a #GError
 *
 * Loads libpq the first time; from any thread.
 *
 * Returns: %TRUE once libpq's functions are in _kp_relay_pq(), or %FALSE with
 *   %G_KEY_FILE_ERROR_INVALID_VALUE (the configuration names a database the relay
 *   cannot reach: libpq is not installed)
 */
gboolean
_kp_relay_pq_load (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (GPOINTER_TO_INT (g_once (&once, load_once, NULL)))
    return TRUE;

  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
               /* Translators: %s is libpq's file name, then the reason */
               _("[relay] database needs PostgreSQL’s client library, %s, which could not "
                 "be loaded: %s. Install it (Debian: libpq5)."), library_name, load_error);
  return FALSE;
}

/**
 * _kp_relay_pq:
 *
 * Returns: libpq's functions; only after _kp_relay_pq_load() returned %TRUE
 */
const KpRelayPq *
_kp_relay_pq (void)
{
  if (G_UNLIKELY (table.connect_start == NULL))
    g_error ("libpq used before _kp_relay_pq_load()");
  return &table;
}
