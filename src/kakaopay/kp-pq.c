/* kp-pq.c: libpq, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-pq"

#include "config.h"

#include "kp-module.h"
#include "kp-pq.h"

/* libpq is mapped only by a program that uses a PostgreSQL database (a terminal with a
 * shop database, a relay that names one), not at every start: it brings TLS, Kerberos
 * and LDAP, a dozen libraries. */

/* libpq's soname: its ABI has been version 5 since PostgreSQL 8.0. */
#define LIBPQ_NAME "libpq.so.5"

/* A test hook: KP_PQ_LIBRARY names another library to load instead, so that a test can
 * make the load fail the way a missing libpq5 package does. The programs never set it. */
#define LIBRARY_VARIABLE "KP_PQ_LIBRARY"

static KpPq table;

#define SYMBOL(member, name) KP_MODULE_SYMBOL (KpPq, member, name)
static const KpModuleSymbol symbols[] = {
  SYMBOL (connectdb_params, "PQconnectdbParams"),
  SYMBOL (connect_start, "PQconnectStart"),
  SYMBOL (connect_poll, "PQconnectPoll"),
  SYMBOL (status, "PQstatus"),
  SYMBOL (error_message, "PQerrorMessage"),
  SYMBOL (socket, "PQsocket"),
  SYMBOL (set_nonblocking, "PQsetnonblocking"),
  SYMBOL (set_notice_processor, "PQsetNoticeProcessor"),
  SYMBOL (finish, "PQfinish"),
  SYMBOL (flush, "PQflush"),
  SYMBOL (exec, "PQexec"),
  SYMBOL (exec_params, "PQexecParams"),
  SYMBOL (send_query, "PQsendQuery"),
  SYMBOL (send_query_params, "PQsendQueryParams"),
  SYMBOL (consume_input, "PQconsumeInput"),
  SYMBOL (is_busy, "PQisBusy"),
  SYMBOL (get_result, "PQgetResult"),
  SYMBOL (notifies, "PQnotifies"),
  SYMBOL (result_status, "PQresultStatus"),
  SYMBOL (result_error_message, "PQresultErrorMessage"),
  SYMBOL (result_error_field, "PQresultErrorField"),
  SYMBOL (ntuples, "PQntuples"),
  SYMBOL (nfields, "PQnfields"),
  SYMBOL (getvalue, "PQgetvalue"),
  SYMBOL (getisnull, "PQgetisnull"),
  SYMBOL (clear, "PQclear"),
  SYMBOL (conninfo_parse, "PQconninfoParse"),
  SYMBOL (conninfo_free, "PQconninfoFree"),
  SYMBOL (freemem, "PQfreemem"),
};
#undef SYMBOL

static KpModule module = KP_MODULE_INIT (LIBPQ_NAME, LIBRARY_VARIABLE, symbols, table);

/**
 * kp_pq_load:
 * @library_name: (out) (optional): the file it loads, for a message
 * @reason: (out) (optional): why it could not, translated, when it could not
 *
 * Loads libpq the first time; from any thread. Each caller says in its own words what
 * needed it.
 *
 * Returns: %TRUE once libpq's functions are in kp_pq()
 */
gboolean
kp_pq_load (const char **library_name,
            const char **reason)
{
  return kp_module_ensure (&module, library_name, reason);
}

/**
 * kp_pq:
 *
 * Returns: libpq's functions; only after kp_pq_load() returned %TRUE
 */
const KpPq *
kp_pq (void)
{
  if (G_UNLIKELY (table.finish == NULL))
    g_error ("libpq used before kp_pq_load()");
  return &table;
}
