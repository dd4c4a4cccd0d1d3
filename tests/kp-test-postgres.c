/* kp-test-postgres.c: a PostgreSQL server of the test's own, in a temporary directory
 *
 * Debian's postgresql-15 binaries (initdb, pg_ctl; another directory in
 * KP_TEST_PG_BINDIR) make a cluster in a new temporary directory, reachable only
 * through a Unix socket in that directory, trusting local connections as user `kp`.
 * PostgreSQL refuses to run as root: as root (a CI chroot), the binaries run as
 * `nobody`, which owns the directory. A watcher process stops the server when the
 * test ends, however it ends.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kp-test-postgres.h"

#include <gio/gio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#define PORT "5432"

struct _KpTestPostgres
{
  char        *dir;
  char        *data;
  char        *log;
  char        *conninfo;
  char        *options;
  gboolean     running;
  GSubprocess *watcher;   /* stops the server when the test's end closes its stdin */
};

static const char *
bin_dir (void)
{
  const char *dir = g_getenv ("KP_TEST_PG_BINDIR");

  return dir != NULL ? dir : "/usr/lib/postgresql/15/bin";
}

/**
 * kp_test_postgres_available:
 *
 * Whether the server's binaries are installed (tests skip with 77 without them).
 */
gboolean
kp_test_postgres_available (void)
{
  static const char * const programs[] = { "initdb", "pg_ctl", "postgres" };

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *path = g_build_filename (bin_dir (), programs[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return FALSE;
    }
  return TRUE;
}

/* @argv (a program of bin_dir(), or an absolute path, then its arguments) in the
 * server's directory, as nobody when root. */
static GSubprocess *
spawn (KpTestPostgres     *pg,
       const char * const *argv,
       GSubprocessFlags    flags)
{
  g_autoptr (GPtrArray) full = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  if (getuid () == 0)
    {
      g_ptr_array_add (full, g_strdup ("setpriv"));
      g_ptr_array_add (full, g_strdup ("--reuid=nobody"));
      g_ptr_array_add (full, g_strdup ("--regid=nogroup"));
      g_ptr_array_add (full, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (full, g_path_is_absolute (argv[0]) ? g_strdup (argv[0]) :
                         g_build_filename (bin_dir (), argv[0], NULL));
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (full, g_strdup (argv[i]));
  g_ptr_array_add (full, NULL);

  g_subprocess_launcher_set_cwd (launcher, pg->dir);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static void
run (KpTestPostgres     *pg,
     const char * const *argv)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *log = NULL;

  process = spawn (pg, argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_successful (process))
    return;

  g_file_get_contents (pg->log, &log, NULL, NULL);
  g_error ("%s failed:\n%s\n%s", argv[0], output, log != NULL ? log : "");
}

static char *
conninfo_new (KpTestPostgres *pg,
              const char     *dbname)
{
  return g_strdup_printf ("host=%s port=" PORT " user=kp dbname=%s connect_timeout=5",
                          pg->dir, dbname);
}

/**
 * kp_test_postgres_new:
 * @options: (nullable): more server options for pg_ctl's -o, such as `-c fsync=off`
 *
 * Makes a cluster and starts it.
 */
KpTestPostgres *
kp_test_postgres_new (const char *options)
{
  KpTestPostgres *pg = g_new0 (KpTestPostgres, 1);
  g_autofree char *pg_ctl = g_build_filename (bin_dir (), "pg_ctl", NULL);
  g_autoptr (GError) error = NULL;

  pg->dir = g_dir_make_tmp ("kp-postgres-XXXXXX", &error);
  g_assert_no_error (error);
  pg->data = g_build_filename (pg->dir, "data", NULL);
  pg->log = g_build_filename (pg->dir, "server.log", NULL);
  if (getuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (chown (pg->dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }
  pg->options = g_strdup_printf ("-k %s -c listen_addresses= -p " PORT " %s", pg->dir,
                                 options != NULL ? options : "");
  pg->conninfo = conninfo_new (pg, "postgres");

  run (pg, (const char * const []) {
    "initdb", "--no-sync", "--auth=trust", "--username=kp", "--encoding=UTF8", "--locale=C",
    "-D", pg->data, NULL });
  kp_test_postgres_start (pg);

  pg->watcher = spawn (pg, (const char * const []) {
    "/bin/sh", "-c", "read _; exec \"$0\" stop -s -m immediate -D \"$1\"", pg_ctl, pg->data,
    NULL }, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
            G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  return pg;
}

/* The connection string of the database `postgres`. */
const char *
kp_test_postgres_conninfo (KpTestPostgres *pg)
{
  return pg->conninfo;
}

/* Starts the server and waits until it takes connections. */
void
kp_test_postgres_start (KpTestPostgres *pg)
{
  g_assert_false (pg->running);
  run (pg, (const char * const []) {
    "pg_ctl", "start", "-w", "-t", "120", "-s", "-D", pg->data, "-l", pg->log,
    "-o", pg->options, NULL });
  pg->running = TRUE;
}

/* Stops the server as an administrator would for a restart: sessions are ended. */
void
kp_test_postgres_stop (KpTestPostgres *pg)
{
  g_assert_true (pg->running);
  run (pg, (const char * const []) {
    "pg_ctl", "stop", "-w", "-t", "120", "-s", "-m", "fast", "-D", pg->data, NULL });
  pg->running = FALSE;
}

/* A new database; returns its connection string. */
char *
kp_test_postgres_create_db (KpTestPostgres *pg,
                            const char     *name)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);

  g_free (kp_test_postgres_query (pg->conninfo, sql));
  return conninfo_new (pg, name);
}

/* The first column of the first row @sql returns, or %NULL for none. */
char *
kp_test_postgres_query (const char *conninfo,
                        const char *sql)
{
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;
  char *value = NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Could not connect to the test's PostgreSQL: %s", PQerrorMessage (conn));

  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK && PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0 &&
      !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));

  PQclear (result);
  PQfinish (conn);
  return value;
}

gint64
kp_test_postgres_query_int (const char *conninfo,
                            const char *sql)
{
  g_autofree char *value = kp_test_postgres_query (conninfo, sql);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

void
kp_test_postgres_free (KpTestPostgres *pg)
{
  g_autoptr (GSubprocess) rm = NULL;

  if (pg->running)
    kp_test_postgres_stop (pg);
  g_output_stream_close (g_subprocess_get_stdin_pipe (pg->watcher), NULL, NULL);
  g_subprocess_wait (pg->watcher, NULL, NULL);
  g_clear_object (&pg->watcher);
  rm = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, NULL, "rm", "-rf", pg->dir, NULL);
  if (rm != NULL)
    g_subprocess_wait (rm, NULL, NULL);
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->log);
  g_free (pg->conninfo);
  g_free (pg->options);
  g_free (pg);
}
