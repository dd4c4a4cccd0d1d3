/* kp-test-postgres.c: a PostgreSQL server of the test's own, in a temporary directory
 *
 * Debian's postgresql-15 binaries (initdb, pg_ctl) make a cluster in a new temporary
 * directory, reachable only through a Unix socket in that directory, trusting local
 * connections as user `kp`. PostgreSQL refuses to run as root: as root (a CI chroot),
 * the binaries run as `nobody`, which owns the directory. A watcher process stops the
 * server when the test ends, however it ends.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kp-test-postgres.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <unistd.h>

#define BINDIR "/usr/lib/postgresql/15/bin"
#define PORT   "5432"

struct _KpTestPostgres
{
  char *dir;
  char *data;
  char *conninfo;
  char *options;
  gboolean running;
  GSubprocess *watcher;   /* stops the server when the test's end closes its stdin */
};

/**
 * kp_test_postgres_available:
 *
 * Whether the server's binaries are installed (tests skip with 77 without them).
 */
gboolean
kp_test_postgres_available (void)
{
  return g_file_test (BINDIR "/initdb", G_FILE_TEST_IS_EXECUTABLE) &&
         g_file_test (BINDIR "/pg_ctl", G_FILE_TEST_IS_EXECUTABLE);
}

/* @argv (a binary of BINDIR, then its arguments), as nobody when root. */
static GPtrArray *
command_new (const char * const *argv)
{
  GPtrArray *full = g_ptr_array_new_with_free_func (g_free);

  if (getuid () == 0)
    {
      g_ptr_array_add (full, g_strdup ("setpriv"));
      g_ptr_array_add (full, g_strdup ("--reuid=nobody"));
      g_ptr_array_add (full, g_strdup ("--regid=nogroup"));
      g_ptr_array_add (full, g_strdup ("--clear-groups"));
    }
  g_ptr_array_add (full, g_path_is_absolute (argv[0]) ? g_strdup (argv[0]) :
                         g_build_filename (BINDIR, argv[0], NULL));
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (full, g_strdup (argv[i]));
  g_ptr_array_add (full, NULL);
  return full;
}

static void
run (const char * const *argv)
{
  g_autoptr (GPtrArray) full = command_new (argv);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;

  process = g_subprocess_newv ((const char * const *) full->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed:\n%s", argv[0], output);
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
  g_autoptr (GError) error = NULL;

  pg->dir = g_dir_make_tmp ("kp-postgres-XXXXXX", &error);
  g_assert_no_error (error);
  pg->data = g_build_filename (pg->dir, "data", NULL);
  if (getuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (chown (pg->dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }
  pg->options = g_strdup_printf ("-k %s -c listen_addresses= -p " PORT " %s", pg->dir,
                                 options != NULL ? options : "");
  pg->conninfo = g_strdup_printf ("host=%s port=" PORT " user=kp dbname=postgres "
                                  "connect_timeout=5", pg->dir);

  {
    const char *argv[] = { "initdb", "--no-sync", "--auth=trust", "--username=kp",
                           "--encoding=UTF8", "--locale=C", "-D", pg->data, NULL };
    run (argv);
  }
  kp_test_postgres_start (pg);

  {
    g_autoptr (GPtrArray) watcher = NULL;
    const char *argv[] = { "/bin/sh", "-c",
                           "read _; exec " BINDIR "/pg_ctl stop -s -m immediate -D \"$0\"",
                           pg->data, NULL };

    watcher = command_new (argv);
    pg->watcher = g_subprocess_newv ((const char * const *) watcher->pdata,
                                     G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                     G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    g_assert_no_error (error);
  }
  return pg;
}

const char *
kp_test_postgres_conninfo (KpTestPostgres *pg)
{
  return pg->conninfo;
}

/* Starts the server and waits until it takes connections. */
void
kp_test_postgres_start (KpTestPostgres *pg)
{
  g_autofree char *log = g_build_filename (pg->dir, "server.log", NULL);
  const char *argv[] = { "pg_ctl", "start", "-w", "-t", "60", "-s", "-D", pg->data, "-l", log,
                         "-o", pg->options, NULL };

  run (argv);
  pg->running = TRUE;
}

/* Stops the server as an administrator would for a restart: sessions are ended. */
void
kp_test_postgres_stop (KpTestPostgres *pg)
{
  const char *argv[] = { "pg_ctl", "stop", "-w", "-t", "60", "-s", "-m", "fast", "-D", pg->data,
                         NULL };

  run (argv);
  pg->running = FALSE;
}

static void
remove_tree (GFile *dir)
{
  g_autoptr (GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) &&
         info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (dir, NULL, NULL);
}

void
kp_test_postgres_free (KpTestPostgres *pg)
{
  g_autoptr (GFile) dir = NULL;

  if (pg->running)
    kp_test_postgres_stop (pg);
  g_output_stream_close (g_subprocess_get_stdin_pipe (pg->watcher), NULL, NULL);
  g_subprocess_wait (pg->watcher, NULL, NULL);
  g_clear_object (&pg->watcher);
  dir = g_file_new_for_path (pg->dir);
  remove_tree (dir);
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->conninfo);
  g_free (pg->options);
  g_free (pg);
}
