/* test-shop-replicator.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kp-shop-client.h"
#include "kp-shop-db.h"
#include "kp-shop-replicator-private.h"
#include "kp-test-shop.h"

/* KpShopReplicator and KpShopClient in this process, against a real
 * PostgreSQL 15 (kp-test-shop.c), one database per test. */

static KpTestPostgres *postgres;

static char *
journal_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".db", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), file, NULL);
}

static KpShopReplicator *
new_replicator (KpJournal  *journal,
                const char *terminal_id,
                const char *conninfo,
                guint       batch_size)
{
  KpShopReplicator *replicator = kp_shop_replicator_new (journal, terminal_id, conninfo, NULL);

  kp_shop_replicator_set_retry_interval (replicator, 10, 100);
  kp_shop_replicator_set_batch_size (replicator, batch_size);
  return replicator;
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
stop_replicator (KpShopReplicator *replicator)
{
  /* The pass in flight holds a reference until it ends. */
  while (kp_shop_replicator_get_busy (replicator))
    g_main_context_iteration (NULL, TRUE);
  kp_shop_replicator_stop (replicator);
}

/* PostgreSQL stopped mid-stream */

typedef struct
{
  gboolean  stop_on_read;
  GArray   *online;    /* gboolean, each change */
  GArray   *waiting;   /* guint, each change while catching up */
  gboolean  catching_up;
} Restart;

static void
stop_server_hook (KpShopStage stage,
                  gint64      last_seq,
                  gpointer    user_data)
{
  Restart *restart = user_data;

  /* In the replicator's thread, between reading a batch and sending it. */
  if (stage == KP_SHOP_STAGE_READ && g_atomic_int_compare_and_exchange (&restart->stop_on_read,
                                                                         TRUE, FALSE))
    kp_test_postgres_stop (postgres);
}

static void
on_online_cb (KpShopReplicator *replicator,
              GParamSpec       *pspec,
              Restart          *restart)
{
  gboolean online = kp_shop_replicator_get_online (replicator);

  g_array_append_val (restart->online, online);
}

static void
on_waiting_cb (KpShopReplicator *replicator,
               GParamSpec       *pspec,
               Restart          *restart)
{
  guint waiting = kp_shop_replicator_get_waiting (replicator);

  if (restart->catching_up)
    g_array_append_val (restart->waiting, waiting);
}

static void
test_restart (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "restart");
  g_autofree char *path = journal_path ("restart");
  g_autoptr (KpJournal) journal = kp_test_shop_open_journal (path);
  g_autoptr (KpShopReplicator) replicator = new_replicator (journal, "R1", conninfo, 4);
  Restart restart = { 0, };
  gint64 unsent;

  restart.online = g_array_new (FALSE, FALSE, sizeof (gboolean));
  restart.waiting = g_array_new (FALSE, FALSE, sizeof (guint));
  _kp_shop_replicator_set_hook (replicator, stop_server_hook, &restart);
  g_signal_connect (replicator, "notify::online", G_CALLBACK (on_online_cb), &restart);
  g_signal_connect (replicator, "notify::waiting", G_CALLBACK (on_waiting_cb), &restart);
  kp_shop_replicator_start (replicator);

  kp_test_shop_sell (journal, "R1", 3);
  kp_test_shop_wait_synced (replicator);
  g_assert_cmpuint (restart.online->len, ==, 1);

  /* The next batch finds the server gone. */
  g_atomic_int_set (&restart.stop_on_read, TRUE);
  kp_test_shop_sell (journal, "R1", 5);
  while (kp_shop_replicator_get_online (replicator))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (g_atomic_int_get (&restart.stop_on_read));
  g_assert_nonnull (kp_shop_replicator_get_last_error (replicator));

  /* Sales go on offline; the outbox grows and is counted. */
  kp_test_shop_sell (journal, "R1", 2);
  while (kp_shop_replicator_get_busy (replicator))
    g_main_context_iteration (NULL, TRUE);
  unsent = kp_test_shop_journal_int (journal, "SELECT count (*) FROM outbox "
                                              "WHERE sent_at IS NULL");
  g_assert_cmpint (unsent, >, 8);
  g_assert_cmpuint (kp_shop_replicator_get_waiting (replicator), ==, unsent);
  g_assert_false (kp_shop_replicator_get_online (replicator));

  /* Back: the retry finds it and catches up, batch by batch. */
  restart.catching_up = TRUE;
  kp_test_postgres_start (postgres);
  kp_test_shop_wait_synced (replicator);

  g_assert_cmpuint (restart.online->len, ==, 3);
  g_assert_true (g_array_index (restart.online, gboolean, 0));
  g_assert_false (g_array_index (restart.online, gboolean, 1));
  g_assert_true (g_array_index (restart.online, gboolean, 2));
  g_assert_null (kp_shop_replicator_get_last_error (replicator));
  g_assert_cmpuint (restart.waiting->len, >=, unsent / 4);
  for (guint i = 1; i < restart.waiting->len; i++)
    g_assert_cmpuint (g_array_index (restart.waiting, guint, i), <,
                      g_array_index (restart.waiting, guint, i - 1));
  g_assert_cmpuint (g_array_index (restart.waiting, guint, restart.waiting->len - 1), ==, 0);

  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM changes"), ==,
                   kp_test_shop_journal_int (journal, "SELECT count (*) FROM outbox"));
  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM sales"), ==, 10);

  stop_replicator (replicator);
  g_array_unref (restart.online);
  g_array_unref (restart.waiting);
}

/* The shop's day */

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean reached;
  gboolean open;
} Gate;

/* Holds the first committed batch until the test opens the gate. */
static void
gate_hook (KpShopStage stage,
           gint64      last_seq,
           gpointer    user_data)
{
  Gate *gate = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&gate->mutex);

  if (stage != KP_SHOP_STAGE_COMMITTED || gate->reached)
    return;
  gate->reached = TRUE;
  /* The test's main loop, which must keep running the other passes. */
  g_main_context_wakeup (NULL);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->mutex);
}

static gboolean
gate_reached (Gate *gate)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&gate->mutex);

  return gate->reached;
}

static void
assert_same_figures (const KpJournalDayReport *shop,
                     const KpJournalDayReport *own)
{
  g_assert_cmpuint (shop->n_sales, ==, own->n_sales);
  g_assert_cmpint (shop->gross, ==, own->gross);
  g_assert_cmpuint (shop->n_refunds, ==, own->n_refunds);
  g_assert_cmpint (shop->refunds, ==, own->refunds);
  g_assert_cmpint (shop->net, ==, own->net);
  g_assert_cmpint (shop->vat, ==, own->vat);
  g_assert_cmpint (shop->tax_free, ==, own->tax_free);
  g_assert_cmpint (shop->supply, ==, own->supply);
  g_assert_cmpuint (shop->n_cancelled, ==, own->n_cancelled);
  g_assert_cmpuint (shop->n_expired, ==, own->n_expired);
  g_assert_cmpuint (shop->methods->len, ==, own->methods->len);
  for (guint i = 0; i < own->methods->len; i++)
    {
      const KpJournalMethodTotals *a = g_ptr_array_index (shop->methods, i);
      const KpJournalMethodTotals *b = g_ptr_array_index (own->methods, i);

      g_assert_cmpstr (a->method, ==, b->method);
      g_assert_cmpuint (a->count, ==, b->count);
      g_assert_cmpint (a->gross, ==, b->gross);
      g_assert_cmpuint (a->n_refunds, ==, b->n_refunds);
      g_assert_cmpint (a->refunds, ==, b->refunds);
      g_assert_cmpint (a->net, ==, b->net);
    }
}

static KpShopDayReport *
shop_report (KpShopClient *client,
             const GDate  *day)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpShopDayReport *report;

  kp_shop_client_day_report_async (client, day, NULL, store_result_cb, &result);
  report = kp_shop_client_day_report_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  return report;
}

static GPtrArray *
shop_search (KpShopClient *client,
             const char   *text)
{
  g_autoptr (KpJournalQuery) query = kp_journal_query_new (NULL, text);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  query->limit = 1000;
  kp_shop_client_search_async (client, query, NULL, store_result_cb, &result);
  sales = kp_shop_client_search_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  return sales;
}

static void
test_day (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "day");
  g_autofree char *path1 = journal_path ("d1");
  g_autofree char *path2 = journal_path ("d2");
  g_autofree char *path3 = journal_path ("d3");
  g_autoptr (KpJournal) journal1 = kp_test_shop_open_journal (path1);
  g_autoptr (KpJournal) journal2 = kp_test_shop_open_journal (path2);
  g_autoptr (KpJournal) journal3 = kp_test_shop_open_journal (path3);
  g_autoptr (KpShopReplicator) replicator1 = new_replicator (journal1, "D1", conninfo, 50);
  g_autoptr (KpShopReplicator) replicator2 = new_replicator (journal2, "D2", conninfo, 50);
  g_autoptr (KpShopReplicator) replicator3 = new_replicator (journal3, "D3", conninfo, 3);
  g_autoptr (KpShopClient) client = kp_shop_client_new (conninfo, NULL);
  g_autoptr (KpJournalDayReport) own1 = NULL;
  g_autoptr (KpJournalDayReport) own2 = NULL;
  g_autoptr (KpShopDayReport) report = NULL;
  g_autoptr (KpShopDayReport) closed = NULL;
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *included = NULL;
  Gate gate = { 0, };
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 25, G_DATE_NOVEMBER, 2026);

  /* Two terminals selling at once. */
  kp_shop_replicator_start (replicator1);
  kp_shop_replicator_start (replicator2);
  kp_test_shop_sell (journal1, "D1", 12);
  kp_test_shop_sell (journal2, "D2", 9);
  kp_test_shop_wait_synced (replicator1);
  kp_test_shop_wait_synced (replicator2);

  own1 = kp_journal_day_report_sync (journal1, &day, &error);
  g_assert_no_error (error);
  own2 = kp_journal_day_report_sync (journal2, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (own1->n_refunds, >, 0);
  g_assert_cmpuint (own2->n_expired, >, 0);

  /* Each terminal's figures are its own report's; the shop's, their sum. */
  report = shop_report (client, &day);
  g_assert_cmpuint (report->terminals->len, ==, 2);
  g_assert_false (report->closed);
  assert_same_figures (kp_shop_day_report_get_terminal (report, "D1")->report, own1);
  assert_same_figures (kp_shop_day_report_get_terminal (report, "D2")->report, own2);
  g_assert_cmpuint (report->total->n_sales, ==, own1->n_sales + own2->n_sales);
  g_assert_cmpint (report->total->gross, ==, own1->gross + own2->gross);
  g_assert_cmpint (report->total->refunds, ==, own1->refunds + own2->refunds);
  g_assert_cmpint (report->total->net, ==, own1->net + own2->net);
  g_assert_cmpint (report->total->vat, ==, own1->vat + own2->vat);
  g_assert_cmpint (report->total->tax_free, ==, own1->tax_free + own2->tax_free);
  g_assert_cmpuint (report->total->n_expired, ==, own1->n_expired + own2->n_expired);
  g_assert_cmpuint (kp_shop_day_report_count_behind (report), ==, 0);

  /* The whole shop's history, and a search in it. */
  sales = shop_search (client, NULL);
  g_assert_cmpuint (sales->len, ==, 21);
  g_clear_pointer (&sales, g_ptr_array_unref);
  sales = shop_search (client, "D2-");
  g_assert_cmpuint (sales->len, ==, 9);
  for (guint i = 0; i < sales->len; i++)
    g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (sales, i))->terminal_id, ==, "D2");
  g_clear_pointer (&sales, g_ptr_array_unref);
  sales = shop_search (client, "1,600원");
  g_assert_cmpuint (sales->len, >, 0);
  for (guint i = 0; i < sales->len; i++)
    g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (sales, i))->total_amount, ==, 1600);
  g_clear_pointer (&sales, g_ptr_array_unref);

  /* A third terminal whose outbox is held after its first batch. */
  g_mutex_init (&gate.mutex);
  g_cond_init (&gate.cond);
  _kp_shop_replicator_set_hook (replicator3, gate_hook, &gate);
  kp_shop_replicator_start (replicator3);
  kp_test_shop_sell (journal3, "D3", 2);
  while (!gate_reached (&gate))
    g_main_context_iteration (NULL, TRUE);

  /* The close includes it and says it had not caught up. */
  kp_shop_client_close_day_async (client, &day, "D1", NULL, store_result_cb, &result);
  closed = kp_shop_client_close_day_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (closed->closed);
  g_assert_nonnull (closed->closed_at);
  g_assert_cmpstr (closed->closed_by, ==, "D1");
  g_assert_cmpuint (closed->terminals->len, ==, 3);
  g_assert_cmpuint (kp_shop_day_report_count_behind (closed), ==, 1);
  g_assert_false (kp_shop_day_report_get_terminal (closed, "D3")->caught_up);
  g_assert_true (kp_shop_day_report_get_terminal (closed, "D1")->caught_up);
  included = kp_test_postgres_query (conninfo,
                                     "SELECT string_agg ((t->>'terminal_id') || ':' || "
                                     "(t->>'caught_up'), ',' ORDER BY t->>'terminal_id') "
                                     "FROM shop_day_closes, jsonb_array_elements (terminals) t");
  g_assert_cmpstr (included, ==, "D1:true,D2:true,D3:false");
  g_assert_cmpint (kp_test_postgres_query_int (conninfo,
                                               "SELECT (report->'total'->>'gross')::bigint "
                                               "FROM shop_day_closes"),
                   ==, closed->total->gross);

  /* Once. */
  g_clear_object (&result);
  kp_shop_client_close_day_async (client, &day, "D2", NULL, store_result_cb, &result);
  g_assert_null (kp_shop_client_close_day_finish (client, wait_result (&result), &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT);

  g_mutex_lock (&gate.mutex);
  gate.open = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.mutex);
  kp_test_shop_wait_synced (replicator3);
  g_clear_pointer (&report, kp_shop_day_report_free);
  report = shop_report (client, &day);
  g_assert_true (report->closed);
  g_assert_cmpuint (kp_shop_day_report_count_behind (report), ==, 0);

  stop_replicator (replicator1);
  stop_replicator (replicator2);
  stop_replicator (replicator3);
  g_mutex_clear (&gate.mutex);
  g_cond_clear (&gate.cond);
}

/* Two journals, one terminal id: the second is refused, nothing mixed. */
static void
test_same_id (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "same");
  g_autofree char *path1 = journal_path ("s1");
  g_autofree char *path2 = journal_path ("s2");
  g_autoptr (KpJournal) journal1 = kp_test_shop_open_journal (path1);
  g_autoptr (KpJournal) journal2 = kp_test_shop_open_journal (path2);
  g_autoptr (KpShopReplicator) replicator1 = new_replicator (journal1, "S1", conninfo, 50);
  g_autoptr (KpShopReplicator) replicator2 = new_replicator (journal2, "S1", conninfo, 50);

  kp_shop_replicator_start (replicator1);
  kp_test_shop_sell (journal1, "S1", 2);
  kp_test_shop_wait_synced (replicator1);

  kp_shop_replicator_start (replicator2);
  kp_test_shop_sell (journal2, "S1", 1);
  while (kp_shop_replicator_get_last_error (replicator2) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (kp_shop_replicator_get_last_error (replicator2), "S1"));
  g_assert_false (kp_shop_replicator_get_online (replicator2));
  g_assert_cmpuint (kp_shop_replicator_get_waiting (replicator2), >, 0);
  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM sales"), ==, 2);

  stop_replicator (replicator1);
  stop_replicator (replicator2);
}

/* The shop database out of reach */

/* A TCP port on loopback that nothing listens on: taken, then given back. */
static char *
closed_port_conninfo (void)
{
  g_autoptr (GSocket) listener = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener, any, FALSE, &error));
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (listener, &error));

  return g_strdup_printf ("host=127.0.0.1 port=%u dbname=shop user=kp connect_timeout=10", port);
}

/* The whole shop's day report and its close, asked of @client: both fail with a
 * connection error that says so, and never quotes @password. */
static void
assert_unreachable (KpShopClient *client,
                    const GDate  *day,
                    const char   *password)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  kp_shop_client_day_report_async (client, day, NULL, store_result_cb, &result);
  g_assert_null (kp_shop_client_day_report_finish (client, wait_result (&result), &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNECT);
  g_assert_true (g_str_has_prefix (error->message, "Could not connect to the shop database: "));
  g_assert_cmpuint (strlen (error->message), >, strlen ("Could not connect to the shop "
                                                        "database: "));
  if (password != NULL)
    g_assert_null (strstr (error->message, password));
  g_clear_error (&error);
  g_clear_object (&result);

  kp_shop_client_close_day_async (client, day, "U1", NULL, store_result_cb, &result);
  g_assert_null (kp_shop_client_close_day_finish (client, wait_result (&result), &error));
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONNECT);
  g_assert_true (g_str_has_prefix (error->message, "Could not connect to the shop database: "));
  if (password != NULL)
    g_assert_null (strstr (error->message, password));
}

/* A shop database that cannot be reached: a port nobody listens on, then the shop's
 * own server stopped. The shop's day report and Close Day fail with an error, nothing
 * crashes, and nothing reaches the database: once it is back, its day is as it was. */
static void
test_unreachable (void)
{
  g_autofree char *conninfo = kp_test_postgres_create_db (postgres, "unreachable");
  g_autofree char *closed = closed_port_conninfo ();
  g_autofree char *path = journal_path ("u1");
  g_autoptr (KpJournal) journal = kp_test_shop_open_journal (path);
  g_autoptr (KpShopReplicator) replicator = new_replicator (journal, "U1", conninfo, 50);
  g_autoptr (KpShopClient) nowhere = kp_shop_client_new (closed, "hunter2");
  g_autoptr (KpShopClient) client = kp_shop_client_new (conninfo, NULL);
  g_autoptr (KpShopDayReport) before = NULL;
  g_autoptr (KpShopDayReport) after = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *changes_after = NULL;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 25, G_DATE_NOVEMBER, 2026);

  kp_shop_replicator_start (replicator);
  kp_test_shop_sell (journal, "U1", 4);
  kp_test_shop_wait_synced (replicator);
  stop_replicator (replicator);
  before = shop_report (client, &day);
  g_assert_false (before->closed);
  changes = kp_test_postgres_query (conninfo, "SELECT count (*) || ' ' || max (seq) "
                                              "FROM changes");

  assert_unreachable (nowhere, &day, "hunter2");

  kp_test_postgres_stop (postgres);
  assert_unreachable (client, &day, NULL);
  kp_test_postgres_start (postgres);

  g_assert_cmpint (kp_test_postgres_query_int (conninfo, "SELECT count (*) FROM shop_day_closes"),
                   ==, 0);
  changes_after = kp_test_postgres_query (conninfo, "SELECT count (*) || ' ' || max (seq) "
                                                    "FROM changes");
  g_assert_cmpstr (changes_after, ==, changes);
  after = shop_report (client, &day);
  g_assert_false (after->closed);
  g_assert_cmpuint (after->terminals->len, ==, 1);
  g_assert_cmpuint (after->total->n_sales, ==, before->total->n_sales);
  g_assert_cmpint (after->total->net, ==, before->total->net);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!kp_test_postgres_available ())
    {
      /* CI installs postgresql-15; a machine without it skips. */
      printf ("1..0 # SKIP PostgreSQL 15's programs are not installed\n");
      return 77;
    }

  g_test_add_func ("/kp/shop-replicator/restart", test_restart);
  g_test_add_func ("/kp/shop-replicator/day", test_day);
  g_test_add_func ("/kp/shop-replicator/same-id", test_same_id);
  g_test_add_func ("/kp/shop-replicator/unreachable", test_unreachable);

  postgres = kp_test_postgres_new ("-c fsync=off");
  status = g_test_run ();
  g_clear_pointer (&postgres, kp_test_postgres_free);

  return status;
}
