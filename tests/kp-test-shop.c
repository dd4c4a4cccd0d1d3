/* kp-test-shop.c: a PostgreSQL of the test's own, and terminals that sell
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include "kp-journal-private.h"
#include "kp-test-shop.h"

/* PostgreSQL 15 from Debian's postgresql-15, run from its binaries into a
 * temporary folder: initdb, then pg_ctl, listening only on a socket in that
 * folder. initdb refuses to run as root (CI runs as root in a chroot): then
 * the binaries run as nobody, in a folder nobody owns. */

struct _KpTestPostgres
{
  char    *dir;
  char    *data;
  char    *log;
  char    *conninfo;
  gboolean running;
};

static const char *
bin_dir (void)
{
  const char *dir = g_getenv ("KP_TEST_PG_BINDIR");

  return dir != NULL ? dir : "/usr/lib/postgresql/15/bin";
}

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

static void
run (KpTestPostgres     *pg,
     const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (getuid () == 0)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("nobody"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (bin_dir (), args[0], NULL));
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_autofree char *log = NULL;

      g_file_get_contents (pg->log, &log, NULL, NULL);
      g_error ("%s failed: %s\n%s\n%s\n%s", args[0], error->message, out, err,
               log != NULL ? log : "");
    }
}

KpTestPostgres *
kp_test_postgres_new (void)
{
  KpTestPostgres *pg = g_new0 (KpTestPostgres, 1);
  g_autoptr (GError) error = NULL;

  pg->dir = g_dir_make_tmp ("kp-pg-XXXXXX", &error);
  g_assert_no_error (error);
  pg->data = g_build_filename (pg->dir, "data", NULL);
  pg->log = g_build_filename (pg->dir, "log", NULL);
  pg->conninfo = g_strdup_printf ("host=%s port=5432 dbname=postgres user=kp", pg->dir);

  if (getuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      g_assert_nonnull (nobody);
      g_assert_cmpint (chown (pg->dir, nobody->pw_uid, nobody->pw_gid), ==, 0);
    }

  run (pg, (const char * const []) {
    "initdb", "-D", pg->data, "-U", "kp", "-A", "trust", "-E", "UTF8", "--locale=C",
    "--no-sync", NULL });
  kp_test_postgres_start (pg);

  return pg;
}

const char *
kp_test_postgres_get_conninfo (KpTestPostgres *pg)
{
  return pg->conninfo;
}

void
kp_test_postgres_start (KpTestPostgres *pg)
{
  g_autofree char *options = g_strdup_printf ("-k %s -c listen_addresses='' -p 5432 "
                                              "-c fsync=off", pg->dir);

  g_assert_false (pg->running);
  run (pg, (const char * const []) {
    "pg_ctl", "-D", pg->data, "-l", pg->log, "-w", "-t", "120", "-o", options, "start", NULL });
  pg->running = TRUE;
}

void
kp_test_postgres_stop (KpTestPostgres *pg)
{
  g_assert_true (pg->running);
  run (pg, (const char * const []) {
    "pg_ctl", "-D", pg->data, "-w", "-t", "120", "-m", "fast", "stop", NULL });
  pg->running = FALSE;
}

/* A new database; returns its connection string. */
char *
kp_test_postgres_create_db (KpTestPostgres *pg,
                            const char     *name)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", name);

  g_free (kp_test_pg_query (pg->conninfo, sql));
  return g_strdup_printf ("host=%s port=5432 dbname=%s user=kp", pg->dir, name);
}

char *
kp_test_pg_query (const char *conninfo,
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
kp_test_pg_query_int (const char *conninfo,
                      const char *sql)
{
  g_autofree char *value = kp_test_pg_query (conninfo, sql);

  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

void
kp_test_postgres_free (KpTestPostgres *pg)
{
  const char *argv[] = { "rm", "-rf", pg->dir, NULL };

  if (pg->running)
    kp_test_postgres_stop (pg);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                NULL, NULL);
  g_free (pg->dir);
  g_free (pg->data);
  g_free (pg->log);
  g_free (pg->conninfo);
  g_free (pg);
}

/* Terminals */

/* One second a step from 2026-11-25 10:00 in Seoul, or from $KP_TEST_SHOP_START (an
 * ISO 8601 time: the window's tests sell on the day they run). */
static GDateTime *
step_clock (gpointer user_data)
{
  gint *tick = user_data;
  const char *from = g_getenv ("KP_TEST_SHOP_START");
  g_autoptr (GTimeZone) seoul = g_time_zone_new_identifier ("+09:00");
  g_autoptr (GDateTime) start = NULL;

  if (from != NULL)
    start = g_date_time_new_from_iso8601 (from, NULL);
  if (start == NULL)
    start = g_date_time_new (seoul, 2026, 11, 25, 10, 0, 0);
  return g_date_time_add_seconds (start, g_atomic_int_add (tick, 1));
}

KpJournal *
kp_test_shop_open_journal (const char *path)
{
  g_autoptr (GError) error = NULL;
  KpJournal *journal = kp_journal_open_sync (path, &error);
  gint *tick = g_new0 (gint, 1);

  g_assert_no_error (error);
  /* The counter lives as long as the journal. */
  kp_journal_set_clock (journal, step_clock, tick);
  g_object_set_data_full (G_OBJECT (journal), "kp-test-tick", tick, g_free);
  return journal;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
move (KpJournal             *journal,
      const char            *order,
      KpSaleState            from,
      KpSaleState            to,
      const KpJournalUpdate *update)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;

  kp_journal_transition_async (journal, order, from, to, update, NULL, store_result_cb,
                               &result);
  sale = kp_journal_transition_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
}

/* One sale: approved (MONEY or CARD, in turns), expired (one in five), and
 * one approved sale in four partly refunded. */
static void
sell_one (KpJournal  *journal,
          const char *terminal_id,
          guint       i)
{
  g_autoptr (KpJournalNewSale) input = kp_journal_new_sale_new ();
  g_autoptr (KpJournalUpdate) waiting = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approving = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (KpJournalRefundRequest) request = NULL;
  g_autoptr (KpJournalRefund) refund = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 price = 1000 + 100 * (i % 17);

  input->terminal_id = g_strdup (terminal_id);
  input->partner_user_id = g_strdup ("counter");
  input->cid = g_strdup ("TC0ONETIME");
  input->dialect = g_strdup ("online");
  input->item_name = g_strdup (i % 2 ? "아메리카노 외 1건" : "생수");
  input->nonce = g_strdup ("00ff00ff00ff00ff00ff00ff00ff00ff");
  kp_journal_new_sale_add_line (input, "아메리카노", 1, price, FALSE);
  kp_journal_new_sale_add_line (input, "생수", 1, 500, TRUE);
  input->quantity = 2;
  input->total_amount = price + 500;
  input->tax_free_amount = 500;
  input->vat_amount = (price + 5) / 11;

  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &result);
  sale = kp_journal_create_sale_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);

  waiting->tid = g_strdup_printf ("T%s%04u", terminal_id, i);
  move (journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
        KP_SALE_STATE_AWAITING_CUSTOMER, waiting);
  if (i % 5 == 4)
    {
      move (journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
            KP_SALE_STATE_EXPIRED, NULL);
      return;
    }
  approving->pg_token = g_strdup ("pgtoken");
  move (journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
        KP_SALE_STATE_APPROVING, approving);
  approved->aid = g_strdup_printf ("A%s%04u", terminal_id, i);
  approved->payment_method_type = g_strdup (i % 2 ? "CARD" : "MONEY");
  move (journal, sale->partner_order_id, KP_SALE_STATE_APPROVING, KP_SALE_STATE_APPROVED,
        approved);
  if (i % 4 != 1)
    return;

  request = kp_journal_refund_request_new ();
  request->cancel_amount = 500;
  request->cancel_tax_free_amount = 500;
  request->cancel_vat_amount = 0;
  g_clear_object (&result);
  kp_journal_begin_refund_async (journal, sale->partner_order_id, request, NULL,
                                 store_result_cb, &result);
  refund = kp_journal_begin_refund_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  kp_journal_complete_refund_async (journal, refund->refund_id, "A-refund", NULL, NULL,
                                    store_result_cb, &result);
  refunded = kp_journal_complete_refund_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
}

void
kp_test_shop_sell (KpJournal  *journal,
                   const char *terminal_id,
                   guint       n)
{
  for (guint i = 0; i < n; i++)
    sell_one (journal, terminal_id, i);
}

gint64
kp_test_shop_journal_int (KpJournal  *journal,
                          const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = _kp_journal_query_text (journal, sql, &error);

  g_assert_no_error (error);
  return g_ascii_strtoll (value, NULL, 10);
}

/* Until the replicator is idle, online, with nothing waiting. */
void
kp_test_shop_wait_synced (KpShopReplicator *replicator)
{
  while (kp_shop_replicator_get_busy (replicator) ||
         !kp_shop_replicator_get_online (replicator) ||
         kp_shop_replicator_get_waiting (replicator) > 0)
    g_main_context_iteration (NULL, TRUE);
}
