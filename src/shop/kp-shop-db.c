/* kp-shop-db.c: connecting to the shop database and setting up its schema
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-shop-db.h"
#include "kp-shop-resources.h"

/* Every function here blocks: they run in worker threads (the replicator's,
 * the shop queries'), or in `kakaopay-pos --init-shop-db`, which has no
 * window; a window splits a connection string with
 * kp_shop_conninfo_split_async(). A password never appears in a message:
 * libpq's are scrubbed of it, and a connection string that does not parse is
 * not quoted. */

#define RESOURCE_PREFIX "/io/github/kppos/KakaoPayPos/shop/"

/* Any constant shared by every terminal: the schema is set up by one at a time. */
#define SCHEMA_LOCK "7236351093"

G_DEFINE_QUARK (kp-shop-error-quark, kp_shop_error)

/**
 * kp_shop_pq_load:
 * @error: return location for a #GError
 *
 * Loads libpq the first time (kp-pq.c); from any thread.
 *
 * Returns: %TRUE once libpq can be called, or %FALSE with %KP_SHOP_ERROR_UNAVAILABLE
 *   (libpq is not installed)
 */
gboolean
kp_shop_pq_load (GError **error)
{
  const char *library_name;
  const char *reason;

  if (kp_pq_load (&library_name, &reason))
    return TRUE;
  g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_UNAVAILABLE,
               /* Translators: %s is libpq's file name, then the reason */
               _("The shop database needs PostgreSQL’s client library, %s, which could not be "
                 "loaded: %s. Install it (Debian: libpq5)."), library_name, reason);
  return FALSE;
}

static void
append_quoted (GString    *out,
               const char *value)
{
  /* libpq's conninfo quoting: single quotes, with \ and ' escaped by \. */
  g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/**
 * kp_shop_conninfo_split:
 * @conninfo: a libpq connection string (key=value or URI form)
 * @out_conninfo: (out) (optional): the same without its password, in
 *   key=value form
 * @out_password: (out) (optional) (nullable): its password, or %NULL
 * @error: return location for a #GError
 *
 * Takes the password out of a connection string, to keep it in the keyring
 * rather than in the settings.
 *
 * Returns: %TRUE, or %FALSE with %KP_SHOP_ERROR_CONNINFO
 */
gboolean
kp_shop_conninfo_split (const char  *conninfo,
                        char       **out_conninfo,
                        char       **out_password,
                        GError     **error)
{
  g_autoptr (GString) rest = g_string_new (NULL);
  g_autofree char *password = NULL;
  PQconninfoOption *options;
  char *message = NULL;

  g_return_val_if_fail (conninfo != NULL, FALSE);

  if (!kp_shop_pq_load (error))
    return FALSE;
  options = PQconninfoParse (conninfo, &message);
  if (options == NULL)
    {
      /* libpq's message may quote the string, password and all. */
      PQfreemem (message);
      g_set_error_literal (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNINFO,
                           _("The shop database’s connection string is not one PostgreSQL "
                             "can read"));
      return FALSE;
    }

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        {
          g_free (password);
          password = *o->val != '\0' ? g_strdup (o->val) : NULL;
          continue;
        }
      if (rest->len > 0)
        g_string_append_c (rest, ' ');
      g_string_append_printf (rest, "%s=", o->keyword);
      append_quoted (rest, o->val);
    }
  PQconninfoFree (options);

  if (out_conninfo != NULL)
    *out_conninfo = g_string_free (g_steal_pointer (&rest), FALSE);
  if (out_password != NULL)
    *out_password = g_steal_pointer (&password);
  if (password != NULL)
    memset (password, 0, strlen (password));

  return TRUE;
}

typedef struct
{
  char *conninfo;
  char *password;
} Split;

static void
wipe_free (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

static void
split_free (Split *split)
{
  g_free (split->conninfo);
  wipe_free (split->password);
  g_free (split);
}

static void
split_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const char *conninfo = task_data;
  Split *split = g_new0 (Split, 1);
  GError *error = NULL;

  if (!kp_shop_conninfo_split (conninfo, &split->conninfo, &split->password, &error))
    {
      split_free (split);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, split, (GDestroyNotify) split_free);
}

/**
 * kp_shop_conninfo_split_async:
 * @conninfo: a libpq connection string (key=value or URI form)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result, in the thread-default main context of
 *   the caller
 * @user_data: for @callback
 *
 * kp_shop_conninfo_split() in a worker thread: the first use of libpq loads
 * it, and the TLS, Kerberos and LDAP libraries it brings, which must not hold
 * up a window.
 */
void
kp_shop_conninfo_split_async (const char          *conninfo,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (conninfo != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_shop_conninfo_split_async);
  /* A copy of the string, password and all: wiped when the task goes. */
  g_task_set_task_data (task, g_strdup (conninfo), (GDestroyNotify) wipe_free);
  g_task_run_in_thread (task, split_in_thread);
}

/**
 * kp_shop_conninfo_split_finish:
 * @result: the result given to the callback of kp_shop_conninfo_split_async()
 * @out_conninfo: (out) (optional): the connection string without its
 *   password, in key=value form
 * @out_password: (out) (optional) (nullable): its password, or %NULL
 * @error: return location for a #GError
 *
 * Returns: %TRUE, or %FALSE with %KP_SHOP_ERROR_CONNINFO,
 *   %KP_SHOP_ERROR_UNAVAILABLE or %G_IO_ERROR_CANCELLED
 */
gboolean
kp_shop_conninfo_split_finish (GAsyncResult  *result,
                               char         **out_conninfo,
                               char         **out_password,
                               GError       **error)
{
  Split *split;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kp_shop_conninfo_split_async, FALSE);

  split = g_task_propagate_pointer (G_TASK (result), error);
  if (split == NULL)
    return FALSE;

  if (out_conninfo != NULL)
    *out_conninfo = g_steal_pointer (&split->conninfo);
  if (out_password != NULL)
    *out_password = g_steal_pointer (&split->password);
  split_free (split);
  return TRUE;
}

/**
 * kp_shop_conninfo_describe:
 * @conninfo: a libpq connection string
 *
 * Returns: (transfer full): "dbname on host" for messages (never the
 *   password), or a copy of nothing useful: "?"
 */
char *
kp_shop_conninfo_describe (const char *conninfo)
{
  PQconninfoOption *options;
  const char *dbname = NULL;
  const char *host = NULL;
  char *text;

  if (!kp_shop_pq_load (NULL))
    return g_strdup ("?");
  options = PQconninfoParse (conninfo != NULL ? conninfo : "", NULL);
  if (options == NULL)
    return g_strdup ("?");

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "host"))
        host = o->val;
    }
  /* Translators: a PostgreSQL database, then the host it is on */
  text = g_strdup_printf (_("%s on %s"), dbname != NULL ? dbname : "postgres",
                          host != NULL ? host : "localhost");
  PQconninfoFree (options);

  return text;
}

/* libpq's own text, its password replaced and its last newline dropped. */
static char *
scrub (const char *message,
       const char *password)
{
  g_autofree char *copy = g_strstrip (g_strdup (message != NULL ? message : ""));
  g_auto (GStrv) parts = NULL;

  if (password == NULL || *password == '\0')
    return g_steal_pointer (&copy);

  parts = g_strsplit (copy, password, -1);
  return g_strjoinv ("***", parts);
}

static void
discard_notice (void       *arg,
                const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

/**
 * kp_shop_db_connect:
 * @conninfo: a libpq connection string, without its password
 * @password: (nullable): the password, from the keyring
 * @error: return location for a #GError
 *
 * Connects, blocking for at most the connection string's connect_timeout
 * (10 s unless it says otherwise). TCP keepalives and a statement timeout
 * are set so that a server gone silent fails a call instead of hanging it.
 *
 * Returns: (transfer full): the connection, or %NULL with
 *   %KP_SHOP_ERROR_CONNECT (or %KP_SHOP_ERROR_UNAVAILABLE without libpq)
 */
PGconn *
kp_shop_db_connect (const char  *conninfo,
                    const char  *password,
                    GError     **error)
{
  /* Defaults first: the connection string, expanded from dbname, overrides them. */
  const char * const keywords[] = {
    "connect_timeout", "application_name", "keepalives_idle", "keepalives_interval",
    "keepalives_count", "options", "dbname", "password", NULL,
  };
  const char * const values[] = {
    "10", "kakaopay-pos", "30", "10", "3", "-c statement_timeout=60000", conninfo,
    password, NULL,
  };
  g_autoptr (PGconn) conn = NULL;

  g_return_val_if_fail (conninfo != NULL, NULL);

  if (!kp_shop_pq_load (error))
    return NULL;
  conn = PQconnectdbParams (keywords, values, TRUE);
  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *why = scrub (conn != NULL ? PQerrorMessage (conn) : "out of memory",
                                    password);

      g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNECT,
                   /* Translators: %s is PostgreSQL's reason */
                   _("Could not connect to the shop database: %s"), why);
      return NULL;
    }

  PQsetNoticeProcessor (conn, discard_notice, NULL);
  return g_steal_pointer (&conn);
}

/**
 * kp_shop_db_exec:
 * @conn: a connection
 * @sql: one statement, with $1… parameters
 * @n_params: how many
 * @values: (array length=n_params) (nullable): the parameters as text
 * @password: (nullable): the connection's password, scrubbed from messages
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the result of a statement that succeeded, or
 *   %NULL with %KP_SHOP_ERROR_CONNECT when the connection is lost,
 *   %KP_SHOP_ERROR_CONFLICT for a unique violation, %KP_SHOP_ERROR_QUERY
 *   otherwise
 */
PGresult *
kp_shop_db_exec (PGconn             *conn,
                 const char         *sql,
                 int                 n_params,
                 const char * const *values,
                 const char         *password,
                 GError            **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autofree char *why = NULL;
  const char *state;
  ExecStatusType status;

  result = PQexecParams (conn, sql, n_params, NULL, values, NULL, NULL, 0);
  status = PQresultStatus (result);
  if (result != NULL && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK))
    return g_steal_pointer (&result);

  state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  if (g_strcmp0 (state, "23505") == 0)
    {
      why = scrub (PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY), password);
      g_set_error_literal (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT, why);
      return NULL;
    }

  why = scrub (result != NULL ? PQresultErrorMessage (result) : PQerrorMessage (conn),
               password);
  if (PQstatus (conn) != CONNECTION_OK)
    g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNECT,
                 /* Translators: %s is PostgreSQL's reason */
                 _("The connection to the shop database was lost: %s"), why);
  else
    g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_QUERY,
                 /* Translators: %s is PostgreSQL's reason */
                 _("The shop database refused a request: %s"), why);
  return NULL;
}

/**
 * kp_shop_db_exec_simple:
 * @conn: a connection
 * @sql: one statement without parameters (BEGIN, COMMIT…)
 * @error: return location for a #GError
 *
 * Returns: whether it succeeded (see kp_shop_db_exec())
 */
gboolean
kp_shop_db_exec_simple (PGconn      *conn,
                        const char  *sql,
                        GError     **error)
{
  g_autoptr (PGresult) result = kp_shop_db_exec (conn, sql, 0, NULL, NULL, error);

  return result != NULL;
}

static gboolean
apply_steps (PGconn  *conn,
             int     *out_version,
             GError **error)
{
  g_autoptr (PGresult) result = NULL;
  int version;

  if (!kp_shop_db_exec_simple (conn, "SELECT pg_advisory_xact_lock (" SCHEMA_LOCK ")", error) ||
      !kp_shop_db_exec_simple (conn, "CREATE TABLE IF NOT EXISTS shop_schema_version "
                                     "(version integer NOT NULL)", error))
    return FALSE;

  result = kp_shop_db_exec (conn, "SELECT coalesce (max (version), 0) FROM shop_schema_version",
                            0, NULL, NULL, error);
  if (result == NULL)
    return FALSE;
  version = atoi (PQgetvalue (result, 0, 0));

  if (version > KP_SHOP_SCHEMA_VERSION)
    {
      g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_TOO_NEW,
                   _("The shop database was set up by a newer version of KakaoPay POS "
                     "(schema %d; this version knows up to %d)"),
                   version, KP_SHOP_SCHEMA_VERSION);
      return FALSE;
    }

  for (int step = version + 1; step <= KP_SHOP_SCHEMA_VERSION; step++)
    {
      g_autofree char *path = g_strdup_printf (RESOURCE_PREFIX "schema-%d.sql", step);
      g_autofree char *number = g_strdup_printf ("%d", step);
      const char * const values[] = { number };
      g_autoptr (GBytes) sql = NULL;
      g_autoptr (PGresult) done = NULL;

      sql = g_resource_lookup_data (kp_shop_get_resource (), path,
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (sql == NULL)
        return FALSE;

      /* Several statements: the simple query protocol. */
      done = PQexec (conn, g_bytes_get_data (sql, NULL));
      if (PQresultStatus (done) != PGRES_COMMAND_OK)
        {
          g_autofree char *why = scrub (PQresultErrorMessage (done), NULL);

          g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_QUERY,
                       _("Could not bring the shop database to schema %d: %s"), step, why);
          return FALSE;
        }

      g_clear_pointer (&result, PQclear);
      if (!kp_shop_db_exec_simple (conn, "DELETE FROM shop_schema_version", error))
        return FALSE;
      result = kp_shop_db_exec (conn, "INSERT INTO shop_schema_version (version) VALUES ($1)",
                                1, values, NULL, error);
      if (result == NULL)
        return FALSE;
      g_debug ("Shop database migrated to schema %d", step);
      version = step;
    }

  if (out_version != NULL)
    *out_version = version;
  return TRUE;
}

/**
 * kp_shop_db_ensure_schema:
 * @conn: a connection
 * @out_version: (out) (optional): the schema version now
 * @error: return location for a #GError
 *
 * Creates the shop's tables, or brings them to %KP_SHOP_SCHEMA_VERSION, in
 * one transaction; terminals starting together take turns.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
kp_shop_db_ensure_schema (PGconn  *conn,
                          int     *out_version,
                          GError **error)
{
  g_return_val_if_fail (conn != NULL, FALSE);

  if (!kp_shop_db_exec_simple (conn, "BEGIN", error))
    return FALSE;

  if (!apply_steps (conn, out_version, error))
    {
      g_autoptr (PGresult) rollback = PQexec (conn, "ROLLBACK");

      return FALSE;
    }

  return kp_shop_db_exec_simple (conn, "COMMIT", error);
}

/**
 * kp_shop_db_init:
 * @conninfo: a libpq connection string, without its password
 * @password: (nullable): its password
 * @out_version: (out) (optional): the schema version now
 * @error: return location for a #GError
 *
 * Connects, sets the schema up and disconnects: `--init-shop-db`.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
kp_shop_db_init (const char  *conninfo,
                 const char  *password,
                 int         *out_version,
                 GError     **error)
{
  g_autoptr (PGconn) conn = kp_shop_db_connect (conninfo, password, error);

  return conn != NULL && kp_shop_db_ensure_schema (conn, out_version, error);
}
