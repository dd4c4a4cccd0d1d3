/* test-shop.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kp-shop-client.h"
#include "kp-shop-db.h"
#include "kp-shop-replicator-private.h"
#include "kp-test-server.h"
#include "kp-test-shop.h"

/* A real PostgreSQL 15 (kp-test-shop.c), one database per test; real
 * journals in the per-test folders; terminals in this process or in
 * processes of their own (kp-test-shop-terminal). */

static KpTestPostgres *postgres;

static char *
journal_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);

  return g_build_filename (g_get_user_data_dir (), file, NULL);
}

/* @template with each "%s" replaced by @terminal_id. */
static char *
pg_sql (const char *template,
        const char *terminal_id)
{
  g_auto (GStrv) parts = g_strsplit (template, "%s", -1);

  return g_strjoinv (terminal_id, parts);
}

/* The terminal's journal and what the shop database has of it agree: every
 * change once, every sale, line, transition and refund, the same sums. */
static void
assert_replicated (const char *conninfo,
                   const char *terminal_id,
                   KpJournal  *journal)
{
  static const struct { const char *journal; const char *shop; } pairs[] = {
    { "SELECT count (*) FROM outbox", "SELECT count (*) FROM changes WHERE terminal_id = '%s'" },
    { "SELECT max (seq) FROM outbox",
      "SELECT max (seq) FROM changes WHERE terminal_id = '%s'" },
    { "SELECT count (*) FROM sales", "SELECT count (*) FROM sales WHERE terminal_id = '%s'" },
    { "SELECT sum (total_amount) FROM sales",
      "SELECT sum (total_amount) FROM sales WHERE terminal_id = '%s'" },
    { "SELECT count (*) FROM sales WHERE state = 'APPROVED'",
      "SELECT count (*) FROM sales WHERE terminal_id = '%s' AND state = 'APPROVED'" },
    { "SELECT count (*) FROM sale_lines",
      "SELECT count (*) FROM sale_lines WHERE terminal_id = '%s'" },
    { "SELECT count (*) FROM transitions",
      "SELECT count (*) FROM transitions WHERE terminal_id = '%s'" },
    { "SELECT count (*) FROM refunds WHERE state = 'REFUNDED'",
      "SELECT count (*) FROM refunds WHERE terminal_id = '%s' AND state = 'REFUNDED'" },
    { "SELECT sum (cancel_amount) FROM refunds",
      "SELECT sum (cancel_amount) FROM refunds WHERE terminal_id = '%s'" },
  };

  g_assert_cmpint (kp_test_shop_journal_int (journal, "SELECT count (*) FROM outbox "
                                                      "WHERE sent_at IS NULL"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *sql = pg_sql (pairs[i].shop, terminal_id);
      gint64 expected = kp_test_shop_journal_int (journal, pairs[i].journal);

      g_test_message ("%s: %s = %" G_GINT64_FORMAT, terminal_id, pairs[i].journal, expected);
      g_assert_cmpint (expected, >, 0);
      g_assert_cmpint (kp_test_postgres_query_int (conninfo, sql), ==, expected);
    }
}

static GSubprocess *
spawn_terminal (const char  *journal,
                const char  *terminal_id,
                const char  *conninfo,
                const char  *n_sales,
                const char  *pause_at)
{
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "kp-test-shop-terminal", NULL);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program, journal,
                              terminal_id, conninfo, n_sales, pause_at, NULL);
  g_assert_no_error (error);
  return process;
}

static char *
read_line (GSubprocess *process)
{
  g_autoptr (GDataInputStream) input = NULL;
  g_autoptr (GError) error = NULL;
  char *line;

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  line = g_data_input_stream_read_line (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
finish_terminal (GSubprocess *process)
{
  g_autofree char *line = read_line (process);
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (line, ==, "synced");
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

static void
test_conninfo (void)
{
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;
  g_autofree char *described = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (kp_shop_conninfo_split ("host=db.shop dbname=shop user=pos "
                                         "password='s3 cr\\'et'",
                                         &conninfo, &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3 cr'et");
  g_assert_null (strstr (conninfo, "s3"));
  g_assert_nonnull (strstr (conninfo, "host='db.shop'"));
  g_clear_pointer (&conninfo, g_free);
  g_clear_pointer (&password, g_free);

  g_assert_true (kp_shop_conninfo_split ("postgresql://pos:hunter2@db.shop:5433/shop",
                                         &conninfo, &password, &error));
  g_assert_cmpstr (password, ==, "hunter2");
  g_assert_null (strstr (conninfo, "hunter2"));
  described = kp_shop_conninfo_describe (conninfo);
  g_assert_cmpstr (described, ==, "shop on db.shop");
  g_clear_pointer (&conninfo, g_free);
  g_clear_pointer (&password, g_free);

  /* Without a password: none. */
  g_assert_true (kp_shop_conninfo_split ("dbname=shop", &conninfo, &password, &error));
  g_assert_null (password);

  /* Not readable: the message does not quote it. */
  g_assert_false (kp_shop_conninfo_split ("password=hunter2 nonsense", NULL, NULL, &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNINFO);
  g_assert_null (strstr (error->message, "hunter2"));
}

/* kp_shop_conninfo_split_async(): its result, which never comes during the call. */
static gboolean
split_async (const char    *text,
             GCancellable  *cancellable,
             char         **out_conninfo,
             char         **out_password,
             GError       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_shop_conninfo_split_async (text, cancellable, kp_test_result_cb, &result);
  g_assert_null (result);
  return kp_shop_conninfo_split_finish (kp_test_result_wait (&result), out_conninfo,
                                        out_password, error);
}

/* The same split in a worker thread, for a window: the result comes back to the
 * caller's main context, an unreadable string fails the same way, and a cancelled
 * split gives nothing. */
static void
test_conninfo_async (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;

  g_assert_true (split_async ("postgresql://pos:hunter2@db.shop:5433/shop", NULL, &conninfo,
                              &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "hunter2");
  g_assert_null (strstr (conninfo, "hunter2"));
  g_assert_nonnull (strstr (conninfo, "host='db.shop'"));
  g_assert_nonnull (strstr (conninfo, "port='5433'"));
  g_clear_pointer (&conninfo, g_free);
  g_clear_pointer (&password, g_free);

  g_assert_true (split_async ("dbname=shop", NULL, &conninfo, &password, &error));
  g_assert_cmpstr (conninfo, ==, "dbname='shop'");
  g_assert_null (password);
  g_clear_pointer (&conninfo, g_free);

  g_assert_false (split_async ("password=hunter2 nonsense", NULL, &conninfo, &password, &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNINFO);
  g_assert_null (strstr (error->message, "hunter2"));
  g_assert_null (conninfo);
  g_assert_null (password);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (split_async ("dbname=shop password=hunter2", cancellable, &conninfo,
                               &password, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (conninfo);
  g_assert_null (password);
}

static void
test_schema (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "schema");
  g_autoptr (GError) error = NULL;
  int version = 0;

  g_assert_true (kp_shop_db_init (conninfo, NULL, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, KP_SHOP_SCHEMA_VERSION);
  /* Again: nothing to do. */
  g_assert_true (kp_shop_db_init (conninfo, NULL, &version, &error));
  g_assert_cmpint (kp_test_postgres_query_int (conninfo,
                                               "SELECT count (*) FROM shop_schema_version"),
                   ==, 1);

  g_free (kp_test_postgres_query (conninfo, "UPDATE shop_schema_version SET version = 99"));
  g_assert_false (kp_shop_db_init (conninfo, NULL, NULL, &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_TOO_NEW);
  g_clear_error (&error);

  /* A server that is not there. */
  g_assert_false (kp_shop_db_init ("host=/nonexistent dbname=x", "hunter2", NULL, &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNECT);
  g_assert_null (strstr (error->message, "hunter2"));
}

/* Two terminals, two processes, selling and replicating at once. */
static void
test_two_terminals (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "two");
  g_autofree char *path1 = journal_path ("t1");
  g_autofree char *path2 = journal_path ("t2");
  g_autoptr (GSubprocess) first = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (KpJournal) journal1 = NULL;
  g_autoptr (KpJournal) journal2 = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  first = spawn_terminal (path1, "T1", conninfo, "40", NULL);
  second = spawn_terminal (path2, "T2", conninfo, "40", NULL);
  finish_terminal (first);
  finish_terminal (second);

  journal1 = kp_test_shop_open_journal (path1);
  journal2 = kp_test_shop_open_journal (path2);
  assert_replicated (conninfo, "T1", journal1);
  assert_replicated (conninfo, "T2", journal2);
  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM sales"), ==, 80);
  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM terminals "
                                                         "WHERE replicated_seq = journal_seq"),
                   ==, 2);
}

/* Killed with SIGKILL while a batch is between the journal and the shop
 * database (read, not sent), or between the shop database's commit and the
 * journal's: started again, every change is there exactly once. */
static void
test_killed (gconstpointer data)
{
  const char *stage = data;
  g_autofree char *db = g_strconcat ("killed_", stage, NULL);
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, db);
  g_autofree char *path = journal_path (db);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autofree char *line = NULL;
  g_autofree char *sql = NULL;
  gint64 paused_at;
  gint64 in_shop;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  process = spawn_terminal (path, "K1", conninfo, "6", stage);
  line = read_line (process);
  g_assert_true (g_str_has_prefix (line, "paused "));
  paused_at = g_ascii_strtoll (line + strlen ("paused "), NULL, 10);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  g_clear_object (&process);

  /* The batch is still unsent in the journal; the shop database has it or not. */
  journal = kp_test_shop_open_journal (path);
  sql = g_strdup_printf ("SELECT count (*) FROM outbox WHERE sent_at IS NULL AND seq <= %"
                         G_GINT64_FORMAT, paused_at);
  g_assert_cmpint (kp_test_shop_journal_int (journal, sql), >, 0);
  in_shop = kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM changes");
  if (g_str_equal (stage, "committed"))
    g_assert_cmpint (in_shop, ==, paused_at);
  else
    g_assert_cmpint (in_shop, <, paused_at);
  g_clear_object (&journal);

  process = spawn_terminal (path, "K1", conninfo, "0", NULL);
  finish_terminal (process);

  journal = kp_test_shop_open_journal (path);
  assert_replicated (conninfo, "K1", journal);
  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM sales"), ==, 6);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/shop/conninfo", test_conninfo);
  g_test_add_func ("/kp/shop/conninfo-async", test_conninfo_async);
  if (!kp_test_postgres_available ())
    {
      /* CI installs postgresql-15; a machine without it skips the rest. */
      printf ("1..0 # SKIP PostgreSQL 15's programs are not installed\n");
      return 77;
    }

  g_test_add_func ("/kp/shop/schema", test_schema);
  g_test_add_func ("/kp/shop/two-terminals", test_two_terminals);
  g_test_add_data_func ("/kp/shop/killed/read", "read", test_killed);
  g_test_add_data_func ("/kp/shop/killed/committed", "committed", test_killed);

  postgres = kp_test_postgres_new ("-c fsync=off");
  status = g_test_run ();
  g_clear_pointer (&postgres, kp_test_postgres_free);

  return status;
}
