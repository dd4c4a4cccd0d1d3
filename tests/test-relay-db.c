/* test-relay-db.c: kakaopay-relay processes sharing one PostgreSQL
 *
 * Real parts: a PostgreSQL server in a temporary directory (kp-test-postgres.c), the
 * kakaopay-relay program as separate processes on loopback ports, and the terminal's
 * relay client (WebSocket or long poll). Exits 77 without PostgreSQL's binaries.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-relay-client.h"
#include "kp-test-postgres.h"
#include "kp-test-relay.h"
#include "kp-test-server.h"

/* The expiry of the test's callback links: 2100-01-01 */
#define LINK_EXPIRES 4102444800
/* Only a safety net: every wait is for an event. */
#define WAIT_S 60
#define N_TERMINALS 2

static KpTestPostgres *postgres;

typedef struct
{
  GSubprocess *process;
  char        *config;
  char        *url;
  guint16      port;         /* after the first start: the same again */
} Relay;

typedef struct
{
  char        *dir;
  SoupSession *session;
  Relay        a;
  Relay        b;
} Fixture;

static char *
terminal_name (guint i)
{
  return g_strdup_printf ("D%u", i);
}

static char *
terminal_token (guint i)
{
  g_autofree char *seed = g_strdup_printf ("db terminal %u", i);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
}

/* Starts kakaopay-relay @name on 127.0.0.1 (any port the first time) with the database,
 * @arg after --config. */
static void
relay_start (Fixture    *f,
             Relay      *relay,
             const char *name,
             const char *arg)
{
  g_autofree char *relay_section = g_strdup_printf ("[relay]\ndatabase=%s\n"
                                                    "database-connections=2\n",
                                                    kp_test_postgres_conninfo (postgres));

  if (relay->config == NULL)
    relay->config = g_strdup_printf ("%s/relay-%s.conf", f->dir, name);
  kp_test_relay_write_config (relay->config, relay_section, N_TERMINALS, terminal_name,
                              terminal_token);
  relay->process = kp_test_relay_spawn (relay->config, relay->port, arg, &relay->url);
  relay->port = g_ascii_strtoull (strrchr (relay->url, ':') + 1, NULL, 10);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("kp-relay-db-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  Relay *relays[] = { &f->a, &f->b };

  for (guint i = 0; i < G_N_ELEMENTS (relays); i++)
    {
      kp_test_relay_stop (&relays[i]->process, &relays[i]->url);
      if (relays[i]->config != NULL)
        g_unlink (relays[i]->config);
      g_free (relays[i]->config);
    }
  g_clear_object (&f->session);
  g_rmdir (f->dir);
  g_free (f->dir);
}

typedef struct
{
  Fixture *f;
  Relay   *relay;
  guint    status;
} HealthWait;

static gboolean
health_is (gpointer data)
{
  HealthWait *wait = data;
  g_autofree char *url = g_strdup_printf ("%s/health", wait->relay->url);

  return kp_test_http_get (wait->f->session, url, NULL, NULL) == wait->status;
}

/* Until the relay's /health answers @status: 200 online, 503 offline. */
static void
assert_health (Fixture *f,
               Relay   *relay,
               guint    status)
{
  HealthWait wait = { f, relay, status };

  if (!kp_test_wait_for (health_is, &wait, WAIT_S))
    g_error ("%s/health never answered %u", relay->url, status);
}

/* The customer's phone, arriving at @relay from KakaoPay's redirect. */
static guint
customer (Fixture    *f,
          Relay      *relay,
          guint       terminal,
          const char *order_id)
{
  g_autofree char *name = terminal_name (terminal);
  g_autofree char *token = terminal_token (terminal);
  g_autofree char *secret = kp_relay_nonce (token, order_id);
  g_autofree char *nonce = kp_callback_link_nonce (secret, KP_CALLBACK_APPROVE, order_id,
                                                   LINK_EXPIRES);
  g_autofree char *url = g_strdup_printf ("%s/t/%s/approve/%s?n=%s&pg_token=pg-%s", relay->url,
                                          name, order_id, nonce, order_id);

  return kp_test_http_get (f->session, url, NULL, NULL);
}

/* The relay's answer to a poll that waits for nothing: `{"epoch":…,"events":[…]}`. */
static JsonObject *
poll_now (Fixture *f,
          Relay   *relay,
          guint    terminal)
{
  g_autofree char *name = terminal_name (terminal);
  g_autofree char *token = terminal_token (terminal);

  return kp_test_relay_poll_now (f->session, relay->url, name, token);
}

/* Each of @orders exactly once, and nothing else. */
static void
assert_each_once (KpTestReceived     *received,
                  const char * const *orders)
{
  g_assert_cmpuint (g_hash_table_size (received->seen), ==, g_strv_length ((char **) orders));
  for (guint i = 0; orders[i] != NULL; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s approve pg-%s", orders[i], orders[i]);

      g_assert_cmpuint (kp_test_received_count (received, key), ==, 1);
    }
}

typedef struct
{
  KpApprovalListener *listener;
  KpRelayClient      *client;
  KpTestReceived      received;
} Terminal;

static void
terminal_start (Terminal   *terminal,
                Relay      *relay,
                guint       index,
                const char *const *orders)
{
  g_autofree char *name = terminal_name (index);
  g_autofree char *token = terminal_token (index);

  memset (terminal, 0, sizeof *terminal);
  terminal->listener = kp_approval_listener_new ();
  kp_test_received_init (&terminal->received, terminal->listener);
  terminal->client = kp_relay_client_new (relay->url, name, token, terminal->listener);
  for (guint i = 0; orders[i] != NULL; i++)
    {
      g_autofree char *nonce = kp_relay_client_make_nonce (terminal->client, orders[i]);

      kp_approval_listener_expect (terminal->listener, orders[i], nonce);
    }
  kp_relay_client_start (terminal->client);
}

static void
terminal_clear (Terminal *terminal)
{
  if (terminal->client != NULL)
    kp_relay_client_stop (terminal->client);
  g_clear_object (&terminal->client);
  g_clear_object (&terminal->listener);
  kp_test_received_clear (&terminal->received);
}

typedef struct
{
  Fixture *f;
  Relay   *relay;
  guint    terminal;
} QueueWait;

static gboolean
queue_empty (gpointer data)
{
  QueueWait *wait = data;
  g_autoptr (JsonObject) answer = poll_now (wait->f, wait->relay, wait->terminal);

  return json_array_get_length (json_object_get_array_member (answer, "events")) == 0;
}

/* Until the database holds nothing for the terminal: everything was acknowledged. */
static void
assert_drained (Fixture *f,
                Relay   *relay,
                guint    terminal)
{
  QueueWait wait = { f, relay, terminal };

  if (!kp_test_wait_for (queue_empty, &wait, WAIT_S))
    g_error ("the database still holds events of terminal %u", terminal);
}

/* A callback taken by one relay reaches the terminal connected to the other: over a
 * WebSocket (to A) and over a long poll (to B, which refuses WebSockets). */
static void
test_across (Fixture       *f,
             gconstpointer  data)
{
  const char * const orders_0[] = { "D0-0001", "D0-0002", NULL };
  const char * const orders_1[] = { "D1-0001", "D1-0002", NULL };
  Terminal t0, t1;

  relay_start (f, &f->a, "a", NULL);
  relay_start (f, &f->b, "b", "--no-websocket");
  assert_health (f, &f->a, 200);
  assert_health (f, &f->b, 200);
  terminal_start (&t0, &f->a, 0, orders_0);
  terminal_start (&t1, &f->b, 1, orders_1);
  kp_test_relay_assert_state (t0.client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  kp_test_relay_assert_state (t1.client, KP_RELAY_STATE_LONG_POLL, WAIT_S);

  g_assert_cmpuint (customer (f, &f->b, 0, "D0-0001"), ==, 200);
  g_assert_cmpuint (customer (f, &f->a, 1, "D1-0001"), ==, 200);
  kp_test_received_wait (&t0.received, 1, WAIT_S);
  kp_test_received_wait (&t1.received, 1, WAIT_S);
  g_assert_cmpuint (customer (f, &f->a, 0, "D0-0002"), ==, 200);
  g_assert_cmpuint (customer (f, &f->b, 1, "D1-0002"), ==, 200);
  kp_test_received_wait (&t0.received, 2, WAIT_S);
  kp_test_received_wait (&t1.received, 2, WAIT_S);

  /* The phone reloads its page at the other relay: answered, not queued again. */
  g_assert_cmpuint (customer (f, &f->a, 0, "D0-0001"), ==, 200);
  g_assert_cmpuint (customer (f, &f->b, 1, "D1-0002"), ==, 200);
  assert_drained (f, &f->a, 0);
  assert_drained (f, &f->a, 1);
  kp_test_spin (200);
  assert_each_once (&t0.received, orders_0);
  assert_each_once (&t1.received, orders_1);

  terminal_clear (&t0);
  terminal_clear (&t1);
}

/* Events taken while the terminal is away outlive the relay, and come exactly once from
 * the next one, with the same epoch and ids that go on growing. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  const char * const orders[] = { "D0-0101", "D0-0102", "D0-0103", "D0-0104", NULL };
  g_autoptr (JsonObject) before = NULL;
  g_autoptr (JsonObject) after = NULL;
  g_autofree char *epoch = NULL;
  JsonArray *events;
  gint64 last_id;
  Terminal t0;

  relay_start (f, &f->a, "a", NULL);
  assert_health (f, &f->a, 200);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (customer (f, &f->a, 0, orders[i]), ==, 200);
  before = poll_now (f, &f->a, 0);
  events = json_object_get_array_member (before, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 3);
  epoch = g_strdup (json_object_get_string_member (before, "epoch"));
  last_id = json_object_get_int_member (json_array_get_object_element (events, 2), "id");

  kp_test_relay_stop (&f->a.process, &f->a.url);
  relay_start (f, &f->a, "a", NULL);
  assert_health (f, &f->a, 200);
  terminal_start (&t0, &f->a, 0, orders);
  kp_test_received_wait (&t0.received, 3, WAIT_S);
  assert_drained (f, &f->a, 0);

  /* Once more, the terminal's acknowledgement in: nothing comes again. */
  kp_test_relay_stop (&f->a.process, &f->a.url);
  relay_start (f, &f->a, "a", NULL);
  assert_health (f, &f->a, 200);
  g_assert_cmpuint (customer (f, &f->a, 0, orders[3]), ==, 200);
  after = poll_now (f, &f->a, 0);
  g_assert_cmpstr (json_object_get_string_member (after, "epoch"), ==, epoch);
  events = json_object_get_array_member (after, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (events, 0), "id"),
                   ==, last_id + 1);
  kp_test_received_wait (&t0.received, 4, WAIT_S);
  assert_drained (f, &f->a, 0);
  kp_test_spin (200);
  assert_each_once (&t0.received, orders);

  terminal_clear (&t0);
}

/* PostgreSQL restarted under running relays: 503 while it is away, then they connect
 * again, listen again, and deliver across processes. */
static void
test_postgres_restart (Fixture       *f,
                       gconstpointer  data)
{
  const char * const orders[] = { "D0-0201", "D0-0202", NULL };
  Terminal t0;

  relay_start (f, &f->a, "a", NULL);
  relay_start (f, &f->b, "b", NULL);
  assert_health (f, &f->a, 200);
  assert_health (f, &f->b, 200);
  terminal_start (&t0, &f->b, 0, orders);
  kp_test_relay_assert_state (t0.client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  g_assert_cmpuint (customer (f, &f->a, 0, orders[0]), ==, 200);
  kp_test_received_wait (&t0.received, 1, WAIT_S);

  kp_test_postgres_stop (postgres);
  assert_health (f, &f->a, 503);
  assert_health (f, &f->b, 503);
  g_assert_cmpuint (customer (f, &f->a, 0, orders[1]), ==, 503);

  kp_test_postgres_start (postgres);
  assert_health (f, &f->a, 200);
  assert_health (f, &f->b, 200);
  /* The page reloaded once the database is back. */
  g_assert_cmpuint (customer (f, &f->a, 0, orders[1]), ==, 200);
  kp_test_received_wait (&t0.received, 2, WAIT_S);
  assert_drained (f, &f->a, 0);
  kp_test_spin (200);
  assert_each_once (&t0.received, orders);

  terminal_clear (&t0);
}

/* Starts a relay on the configuration @text (terminal D0's token after it), with
 * @library for the libpq test hook (if not %NULL), and waits for it to end.
 * Returns: its exit status; @err: what it said */
static int
relay_run (const char  *text,
           const char  *library,
           char       **err)
{
  g_autofree char *dir = g_dir_make_tmp ("kp-relay-db-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "relay.conf", NULL);
  g_autofree char *token = terminal_token (0);
  g_autofree char *contents = g_strdup_printf ("%s\n[terminal D0]\ntoken=%s\n", text, token);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) relay = NULL;
  g_autoptr (GError) error = NULL;

  g_file_set_contents_full (config, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (library != NULL)
    g_subprocess_launcher_setenv (launcher, "KP_PQ_LIBRARY", library, TRUE);
  relay = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KP_RELAY"), "--config",
                                       config, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (relay, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (relay));
  g_unlink (config);
  g_rmdir (dir);
  return g_subprocess_get_exit_status (relay);
}

/* A connection string libpq cannot read is refused, and not shown: it may hold a
 * password. */
static void
test_bad_database (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (relay_run ("[relay]\ndatabase=host=x password='s3cret\n", NULL, &err),
                   ==, 2);
  g_assert_nonnull (strstr (err, "database"));
  g_assert_null (strstr (err, "s3cret"));
}

/* libpq is loaded when the configuration names a database: where it cannot be (a
 * missing libpq5 package; here the test hook names a library that is not there), the
 * relay says what to install and starts not, its password unsaid. */
static void
test_library_missing (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (relay_run ("[relay]\ndatabase=host=/tmp dbname=relay password=s3cret\n",
                              "/nonexistent/kp-test/libpq.so.5", &err), ==, 2);
  g_assert_nonnull (strstr (err, "/nonexistent/kp-test/libpq.so.5"));
  g_assert_nonnull (strstr (err, "libpq5"));
  g_assert_null (strstr (err, "s3cret"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!kp_test_postgres_available ())
    {
      g_printerr ("PostgreSQL 15's binaries are missing: skipped\n");
      return 77;
    }
  /* The tests wait for events, not for disks. */
  postgres = kp_test_postgres_new ("-c fsync=off -c synchronous_commit=off");

  g_test_add_func ("/kp/relay-db/bad-database", test_bad_database);
  g_test_add_func ("/kp/relay-db/library-missing", test_library_missing);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kp/relay-db/across", test_across);
  ADD ("/kp/relay-db/restart", test_restart);
  ADD ("/kp/relay-db/postgres-restart", test_postgres_restart);
#undef ADD

  status = g_test_run ();
  kp_test_postgres_free (postgres);
  return status;
}
