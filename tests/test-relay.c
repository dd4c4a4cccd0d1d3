/* test-relay.c: kakaopay-relay (the real program) and the terminal's relay client
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
#include "kp-relay-private.h"
#include "kp-relay.h"
#include "kp-test-relay.h"
#include "kp-test-server.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define TOKEN "tbYydokh4bpLKBGeMP2JkXX01KmOdvVH"
/* terminal_token (1) */
#define TOKEN_001 "2d63e8c36bdead30f6d02025744b199992dacd9c601e57a32b7ab37ed54a3eb9"
#define TOKEN_A "AlVVENahkmaPrH8fXqoZ5hlVKvOZVhs9"
#define TOKEN_B "Msmm_3AXq__gfL-B5_p49W_cyZBrW2Wo"
/* The expiry of the test's callback links: 2100-01-01 */
#define LINK_EXPIRES 4102444800
/* Only a safety net: every wait is for an event. */
#define WAIT_S 30

typedef struct
{
  GSubprocess *relay;
  char        *dir;
  char        *config;
  char        *url;
  SoupSession *session;
  guint16      port;         /* where relay_start() listens; 0: any free port */
} Fixture;

static char *
terminal_token (guint i)
{
  g_autofree char *seed = NULL;

  if (i == 0)
    return g_strdup (TOKEN);
  /* 64 hex digits of no pattern, another for each terminal */
  seed = g_strdup_printf ("terminal %u", i);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
}

/* The `n` of a callback link through the relay, as the terminal makes it. */
static char *
relay_link (const char     *token,
            KpCallbackKind  kind,
            const char     *order_id,
            gint64          expires)
{
  g_autofree char *secret = kp_relay_nonce (token, order_id);

  return kp_callback_link_nonce (secret, kind, order_id, expires);
}

static char *
terminal_name (guint i)
{
  return i == 0 ? g_strdup ("T1") : g_strdup_printf ("T%03u", i);
}

/* Starts kakaopay-relay on 127.0.0.1:0 with @n_terminals terminals (T1 with TOKEN,
 * then T001…), @extra_relay lines in [relay], and @args after --config. */
static void
relay_start (Fixture     *f,
             guint        n_terminals,
             const char  *extra_relay,
             const char  *arg)
{
  g_autofree char *relay_section = g_strconcat ("[relay]\nlisten=127.0.0.1:9\n", extra_relay,
                                                NULL);

  kp_test_relay_write_config (f->config, relay_section, n_terminals, terminal_name,
                              terminal_token);
  f->relay = kp_test_relay_spawn (f->config, f->port, arg, &f->url);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("kp-relay-XXXXXX", &error);
  g_assert_no_error (error);
  f->config = g_build_filename (f->dir, "relay.conf", NULL);
  f->session = soup_session_new_with_options ("timeout", 20, "max-conns", 64,
                                              "max-conns-per-host", 32, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kp_test_relay_stop (&f->relay, &f->url);
  g_clear_object (&f->session);
  g_unlink (f->config);
  g_rmdir (f->dir);
  g_free (f->config);
  g_free (f->dir);
}

/* The customer's phone arriving from KakaoPay's redirect. */
static guint
customer (Fixture        *f,
          guint           terminal,
          KpCallbackKind  kind,
          const char     *order_id,
          const char     *pg_token,
          char          **out_body)
{
  g_autofree char *name = terminal_name (terminal);
  g_autofree char *token = terminal_token (terminal);
  g_autofree char *nonce = relay_link (token, kind, order_id, LINK_EXPIRES);
  g_autofree char *url = NULL;

  url = g_strdup_printf ("%s/t/%s/%s/%s?n=%s%s%s", f->url, name, kp_callback_kind_to_string (kind),
                         order_id, nonce, pg_token != NULL ? "&pg_token=" : "",
                         pg_token != NULL ? pg_token : "");
  return kp_test_http_get (f->session, url, NULL, out_body);
}

/* The events a long poll with after=0, wait=0 returns now (and acknowledges nothing). */
static guint
n_queued (Fixture *f,
          guint    terminal)
{
  g_autofree char *name = terminal_name (terminal);
  g_autofree char *token = terminal_token (terminal);
  g_autoptr (JsonObject) answer = kp_test_relay_poll_now (f->session, f->url, name, token);

  return json_array_get_length (json_object_get_array_member (answer, "events"));
}

typedef struct
{
  Fixture *f;
  guint    terminal;
} QueueWait;

static gboolean
queue_empty (gpointer data)
{
  QueueWait *wait = data;

  return n_queued (wait->f, wait->terminal) == 0;
}

/* Until the terminal acknowledged everything the relay queued for it. */
static void
assert_queue_drained (Fixture *f,
                      guint    terminal)
{
  QueueWait wait = { f, terminal };

  if (!kp_test_wait_for (queue_empty, &wait, WAIT_S))
    g_error ("the relay still holds %u events", n_queued (f, terminal));
}

static KpRelayClient *
client_new (Fixture            *f,
            guint               terminal,
            const char         *token,
            KpApprovalListener *listener)
{
  g_autofree char *name = terminal_name (terminal);
  g_autofree char *default_token = terminal_token (terminal);

  return kp_relay_client_new (f->url, name, token != NULL ? token : default_token, listener);
}

/* A sale the terminal waits for, with its relay nonce. */
static void
expect (KpApprovalListener *listener,
        KpRelayClient      *client,
        const char         *order_id)
{
  g_autofree char *nonce = kp_relay_client_make_nonce (client, order_id);

  kp_approval_listener_expect (listener, order_id, nonce);
}

static void
test_nonce (void)
{
  g_autoptr (KpRelayClient) client = kp_relay_client_new ("https://relay.example.com/", "T1",
                                                          TOKEN, NULL);
  g_autofree char *nonce = kp_relay_nonce (TOKEN, "O1");
  g_autofree char *client_nonce = kp_relay_client_make_nonce (client, "O1");
  g_autofree char *other = kp_relay_nonce (TOKEN, "O2");
  g_autofree char *url = kp_relay_client_callback_url (client, KP_CALLBACK_CANCEL, "O 1", "ab",
                                                      1800000000);

  /* HMAC-SHA256 (key TOKEN, message "O1"), first 32 hex digits (Python's hmac module). */
  g_assert_cmpstr (nonce, ==, "d1c9230ca7e71412b79ced2fde092da5");
  g_assert_cmpstr (client_nonce, ==, nonce);
  g_assert_cmpuint (strlen (other), ==, KP_RELAY_NONCE_LENGTH);
  g_assert_cmpstr (other, !=, nonce);
  /* hmac.new (b"ab", b"cancel\nO 1\n1800000000", "sha256").hexdigest ()[:32] */
  g_assert_cmpstr (url, ==, "https://relay.example.com/t/T1/cancel/O%201?n=1800000000."
                   "483f96d8b2ea852e4205e916c45c57db");
  g_assert_cmpstr (kp_relay_client_get_terminal_id (client), ==, "T1");
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_STOPPED);
}

static void
on_state_notify_cb (KpRelayClient *client,
                    GParamSpec    *pspec,
                    GPtrArray     *states)
{
  KpRelayState state = kp_relay_client_get_state (client);

  g_ptr_array_add (states, (gpointer) kp_relay_state_to_string (state));
}

static void
test_websocket (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autoptr (GPtrArray) states = g_ptr_array_new ();
  g_autofree char *body = NULL;
  KpTestReceived received;

  relay_start (f, 1, NULL, NULL);
  client = client_new (f, 0, NULL, listener);
  kp_test_received_init (&received, listener);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state_notify_cb), states);
  expect (listener, client, "T1-20261126-0001");

  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpstr (states->pdata[0], ==, "connecting");
  g_assert_cmpstr (states->pdata[1], ==, "websocket");

  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-20261126-0001", "pgtoken0001",
                              &body), ==, 200);
  g_assert_nonnull (strstr (body, "결제가 완료되었습니다"));
  g_assert_nonnull (strstr (body, "Payment received"));
  kp_test_received_wait (&received, 1, WAIT_S);
  g_assert_cmpstr (received.last_order_id, ==, "T1-20261126-0001");
  g_assert_cmpint (received.last_kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpstr (received.last_pg_token, ==, "pgtoken0001");

  /* Acknowledged: nothing stays queued. */
  assert_queue_drained (f, 0);
  g_assert_cmpuint (received.n, ==, 1);

  kp_relay_client_stop (client);
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_STOPPED);
  kp_test_received_clear (&received);
}

/* T1's WebSocket, with the right token; @status: the handshake's HTTP status. */
static SoupWebsocketConnection *
socket_connect (Fixture  *f,
                guint    *status,
                GError  **error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = g_strdup_printf ("%s/t/T1/events", f->url);
  SoupWebsocketConnection *websocket;
  KpTestAsync async = { NULL };

  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " TOKEN);
  soup_session_websocket_connect_async (f->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  websocket = soup_session_websocket_connect_finish (f->session, result, error);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  return websocket;
}

/* A relay behind a proxy that does not pass WebSockets: the upgrade gets 400. */
static void
test_long_poll (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupWebsocketConnection) websocket = NULL;
  KpTestReceived received;
  guint status = 0;

  relay_start (f, 1, NULL, "--no-websocket");

  /* A correct upgrade with the right token: refused. */
  websocket = socket_connect (f, &status, &error);
  g_assert_null (websocket);
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, 400);

  client = client_new (f, 0, NULL, listener);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-1");
  expect (listener, client, "T1-2");
  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_LONG_POLL, WAIT_S);

  /* While the poll waits. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-1", NULL, NULL), ==, 200);
  kp_test_received_wait (&received, 1, WAIT_S);
  g_assert_cmpstr (received.last_order_id, ==, "T1-1");
  g_assert_cmpint (received.last_kind, ==, KP_CALLBACK_CANCEL);
  g_assert_null (received.last_pg_token);

  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_FAIL, "T1-2", NULL, NULL), ==, 200);
  kp_test_received_wait (&received, 2, WAIT_S);
  g_assert_cmpstr (received.last_order_id, ==, "T1-2");
  g_assert_cmpint (received.last_kind, ==, KP_CALLBACK_FAIL);
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_LONG_POLL);

  /* The next poll (after = the last id) acknowledged both. */
  assert_queue_drained (f, 0);

  kp_relay_client_stop (client);
  kp_test_received_clear (&received);
}

/* The same with the client told not to try WebSockets at all. */
static void
test_long_poll_only (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  KpTestReceived received;

  relay_start (f, 1, NULL, NULL);
  client = client_new (f, 0, NULL, listener);
  g_object_set (client, "use-websocket", FALSE, NULL);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-1");

  /* Queued before the terminal polls. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-1", "tok", NULL), ==, 200);
  kp_relay_client_start (client);
  kp_test_received_wait (&received, 1, WAIT_S);
  g_assert_cmpstr (received.last_pg_token, ==, "tok");
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_LONG_POLL);
  kp_relay_client_stop (client);
  kp_test_received_clear (&received);
}

static void
on_raw_message_cb (SoupWebsocketConnection *websocket,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   GPtrArray               *messages)
{
  g_ptr_array_add (messages, g_strndup (g_bytes_get_data (message, NULL),
                                        g_bytes_get_size (message)));
}

static gboolean
array_not_empty (gpointer data)
{
  return ((GPtrArray *) data)->len > 0;
}

/* A bare WebSocket of terminal T1. */
static SoupWebsocketConnection *
socket_open (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  SoupWebsocketConnection *websocket = socket_connect (f, NULL, &error);

  g_assert_no_error (error);
  return websocket;
}

/* A terminal that took an event and went away before acknowledging gets it again. */
static void
test_reconnect (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (SoupWebsocketConnection) websocket = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *nonce = relay_link (TOKEN, KP_CALLBACK_APPROVE, "T1-9", LINK_EXPIRES);
  JsonObject *event;
  KpTestReceived received;
  gint port = 0;

  relay_start (f, 1, NULL, NULL);

  /* Queued while no terminal is connected. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-9", "pg9", NULL), ==, 200);
  g_assert_cmpuint (n_queued (f, 0), ==, 1);

  /* A bare WebSocket takes it and never acknowledges. */
  websocket = socket_open (f);
  g_signal_connect (websocket, "message", G_CALLBACK (on_raw_message_cb), messages);
  g_assert_true (kp_test_wait_for (array_not_empty, messages, WAIT_S));
  g_assert_cmpuint (messages->len, ==, 1);
  json_parser_load_from_data (parser, messages->pdata[0], -1, &error);
  g_assert_no_error (error);
  event = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (event, "id"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "approve");
  g_assert_cmpstr (json_object_get_string_member (event, "partner_order_id"), ==, "T1-9");
  g_assert_cmpstr (json_object_get_string_member (event, "nonce"), ==, nonce);
  g_assert_cmpstr (json_object_get_string_member (event, "pg_token"), ==, "pg9");
  soup_websocket_connection_close (websocket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  kp_test_spin (100);
  g_assert_cmpuint (n_queued (f, 0), ==, 1);

  /* The terminal proper connects: the event is delivered once. */
  client = client_new (f, 0, NULL, listener);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-9");
  expect (listener, client, "T1-10");
  kp_relay_client_start (client);
  kp_test_received_wait (&received, 1, WAIT_S);
  g_assert_cmpstr (received.last_pg_token, ==, "pg9");
  assert_queue_drained (f, 0);

  /* Stopped while handling the next event, before acknowledging it: on the next start
   * the relay sends it again and the client does not hand it on twice. */
  received.stop_on_callback = client;
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-10", NULL, NULL), ==, 200);
  kp_test_received_wait (&received, 2, WAIT_S);
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_STOPPED);
  g_assert_cmpuint (n_queued (f, 0), ==, 1);
  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  assert_queue_drained (f, 0);
  g_assert_cmpuint (kp_relay_client_get_n_duplicates (client), ==, 1);
  g_assert_cmpuint (received.n, ==, 2);

  /* Stopped while an event arrives: it waits, then comes. */
  kp_relay_client_stop (client);
  kp_approval_listener_forget (listener, "T1-9");
  expect (listener, client, "T1-11");
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_FAIL, "T1-11", NULL, NULL), ==, 200);
  kp_test_spin (200);
  g_assert_cmpuint (received.n, ==, 2);
  kp_relay_client_start (client);
  kp_test_received_wait (&received, 3, WAIT_S);
  g_assert_cmpstr (received.last_order_id, ==, "T1-11");

  /* The relay restarts on the same port: the client retries with backoff, reconnects,
   * and takes the new relay's events, whose ids count from 1 again in a new epoch: not
   * taken for copies of the old ones. */
  g_assert_true (g_uri_split_network (f->url, G_URI_FLAGS_NONE, NULL, NULL, &port, NULL));
  kp_test_relay_stop (&f->relay, &f->url);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_CONNECTING, WAIT_S);
  f->port = port;
  relay_start (f, 1, NULL, NULL);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  expect (listener, client, "T1-12");
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-12", "pg12", NULL), ==, 200);
  kp_test_received_wait (&received, 4, WAIT_S);
  g_assert_cmpstr (received.last_order_id, ==, "T1-12");
  g_assert_cmpstr (received.last_pg_token, ==, "pg12");
  assert_queue_drained (f, 0);
  g_assert_cmpuint (kp_relay_client_get_n_duplicates (client), ==, 1);
  kp_relay_client_stop (client);
  kp_test_received_clear (&received);
}

static void
test_rejected (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autoptr (KpRelayClient) poller = NULL;
  g_autofree char *url = NULL;
  g_autofree char *unknown = NULL;

  relay_start (f, 2, NULL, NULL);
  url = g_strdup_printf ("%s/t/T1/events?wait=0", f->url);
  unknown = g_strdup_printf ("%s/t/NOPE/events?wait=0", f->url);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 401);
  g_assert_cmpuint (kp_test_http_get (f->session, url, "Bearer wrong-token-0123456789", NULL),
                    ==, 401);
  g_assert_cmpuint (kp_test_http_get (f->session, url, "Bearer " TOKEN "x", NULL), ==, 401);
  g_assert_cmpuint (kp_test_http_get (f->session, url, "Basic " TOKEN, NULL), ==, 401);
  /* Another terminal's token. */
  g_assert_cmpuint (kp_test_http_get (f->session, url, "Bearer " TOKEN_001, NULL), ==, 401);
  g_assert_cmpuint (kp_test_http_get (f->session, unknown, "Bearer " TOKEN, NULL), ==, 401);
  g_assert_cmpuint (kp_test_http_get (f->session, url, "Bearer " TOKEN, NULL), ==, 200);

  client = client_new (f, 0, "Fs462H_lTLXgrhFI01SI0V9NrpvbxeVd", listener);
  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_REJECTED, WAIT_S);
  /* No retry. */
  kp_test_spin (600);
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_REJECTED);

  poller = client_new (f, 0, "Fs462H_lTLXgrhFI01SI0V9NrpvbxeVd", listener);
  kp_relay_client_set_use_websocket (poller, FALSE);
  kp_relay_client_start (poller);
  kp_test_relay_assert_state (poller, KP_RELAY_STATE_REJECTED, WAIT_S);
}

static gboolean
listener_rejected (gpointer data)
{
  return kp_approval_listener_get_n_rejected (data) > 0;
}

static void
test_forged (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *nonce = relay_link (TOKEN, KP_CALLBACK_APPROVE, "T1-1", LINK_EXPIRES);
  g_autofree char *other_nonce = relay_link (TOKEN_001, KP_CALLBACK_APPROVE, "T1-1", LINK_EXPIRES);
  g_autofree char *secret = kp_relay_nonce (TOKEN, "T1-1");
  g_autofree char *expired = relay_link (TOKEN, KP_CALLBACK_CANCEL, "T1-1",
                                         g_get_real_time () / G_USEC_PER_SEC - 1);
  KpTestReceived received;

  relay_start (f, 2, NULL, NULL);
  client = client_new (f, 0, NULL, listener);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-1");
  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);

  /* Wrong nonce, none, another terminal's, another order's, unknown terminal. */
  url = g_strdup_printf ("%s/t/T1/approve/T1-1?n=0123456789abcdef0123456789abcdef&pg_token=x",
                         f->url);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, &body), ==, 404);
  g_assert_nonnull (strstr (body, "알 수 없는 결제입니다"));
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/approve/T1-1?pg_token=x", f->url);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/approve/T1-1?n=%s&pg_token=x", f->url, other_nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/approve/T1-2?n=%s&pg_token=x", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T9/approve/T1-1?n=%s&pg_token=x", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/refund/T1-1?n=%s", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-1?n=%s&pg_token=x", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  /* The approve link for cancel or fail, the order's secret as it was, an expired link. */
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/cancel/T1-1?n=%s", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/fail/T1-1?n=%s", f->url, nonce);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/cancel/T1-1?n=%s", f->url, secret);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/t/T1/cancel/T1-1?n=%s", f->url, expired);
  g_assert_cmpuint (kp_test_http_get (f->session, url, NULL, NULL), ==, 410);

  /* Approve without a usable pg_token. */
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-1", NULL, &body), ==, 400);
  g_assert_nonnull (strstr (body, "결제 정보가 없습니다"));
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-1", "%01", NULL), ==, 400);

  /* Nothing was queued, nothing delivered. */
  kp_test_spin (300);
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_cmpuint (n_queued (f, 0), ==, 0);

  /* A valid nonce for an order this terminal does not expect: the relay passes it,
   * the listener refuses it. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-77", NULL, NULL), ==, 200);
  g_assert_true (kp_test_wait_for (listener_rejected, listener, WAIT_S));
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 1);

  kp_relay_client_stop (client);
  kp_test_received_clear (&received);
}

/* One customer's link replayed with ever new pg_tokens: queued once, and the other
 * order's approval waiting beside it stays and is delivered. */
static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  KpTestReceived received;

  /* The smallest queue a replay could flood. */
  relay_start (f, 1, "max-events=4\n", NULL);

  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-OTHER", "pg-other", NULL), ==, 200);
  for (guint i = 0; i < 256; i++)
    {
      g_autofree char *pg_token = g_strdup_printf ("pg-replay-%u", i);

      g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-MINE", pg_token, NULL), ==,
                        200);
    }
  /* Its cancel and fail links come once each, and then no more. */
  for (guint i = 0; i < 8; i++)
    {
      g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-MINE", NULL, NULL), ==, 200);
      g_assert_cmpuint (customer (f, 0, KP_CALLBACK_FAIL, "T1-MINE", NULL, NULL), ==, 200);
    }
  g_assert_cmpuint (n_queued (f, 0), ==, 4);

  client = client_new (f, 0, NULL, listener);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-OTHER");
  expect (listener, client, "T1-MINE");
  kp_relay_client_start (client);
  kp_test_received_wait (&received, 4, WAIT_S);
  assert_queue_drained (f, 0);
  g_assert_cmpuint (kp_test_received_count (&received, "T1-OTHER approve pg-other"), ==, 1);
  g_assert_cmpuint (kp_test_received_count (&received, "T1-MINE approve pg-replay-0"), ==, 1);
  g_assert_cmpuint (received.n, ==, 4);

  /* Delivered and acknowledged: a replay now is still no new event. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-MINE", "pg-late", NULL), ==, 200);
  g_assert_cmpuint (n_queued (f, 0), ==, 0);
  kp_relay_client_stop (client);
  kp_test_received_clear (&received);
}

/* A TCP proxy in front of the relay whose connections can go silent, as after a dropped
 * network: nothing forwarded either way, nothing closed. New connections pass. */
typedef struct
{
  GSocketService *service;
  GSocketClient  *client;
  char           *target;   /* host:port */
  GPtrArray      *pairs;
  GCancellable   *cancellable;
  guint           n_directions;   /* reading or writing now */
  guint64         n_down;         /* bytes forwarded from the relay to the terminal */
  guint16         port;
} Proxy;

typedef struct
{
  GIOStream *downstream;    /* the terminal's */
  GIOStream *upstream;      /* to the relay */
  gboolean   silent;
  gboolean   closed;
} Pair;

typedef struct
{
  Proxy         *proxy;
  Pair          *pair;
  GInputStream  *in;
  GOutputStream *out;
  guint8         buffer[16384];
} Direction;

static void
pair_free (Pair *pair)
{
  g_io_stream_close (pair->downstream, NULL, NULL);
  g_io_stream_close (pair->upstream, NULL, NULL);
  g_object_unref (pair->downstream);
  g_object_unref (pair->upstream);
  g_free (pair);
}

static void direction_read (Direction *direction);

static void
direction_free (Direction *direction)
{
  direction->proxy->n_directions--;
  g_free (direction);
}

static void
on_direction_written_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Direction *direction = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      direction_free (direction);
      return;
    }
  direction_read (direction);
}

static void
on_direction_read_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Direction *direction = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  /* Silent: what came is lost and nothing more is read; neither side hears a close. */
  if (n < 0 || direction->pair->silent)
    {
      direction_free (direction);
      return;
    }
  if (n == 0)
    {
      g_output_stream_close (direction->out, NULL, NULL);
      direction_free (direction);
      return;
    }
  if (direction->in == g_io_stream_get_input_stream (direction->pair->upstream))
    direction->proxy->n_down += n;
  g_output_stream_write_all_async (direction->out, direction->buffer, n, G_PRIORITY_DEFAULT,
                                   direction->proxy->cancellable, on_direction_written_cb,
                                   direction);
}

static void
direction_read (Direction *direction)
{
  g_input_stream_read_async (direction->in, direction->buffer, sizeof direction->buffer,
                             G_PRIORITY_DEFAULT, direction->proxy->cancellable,
                             on_direction_read_cb, direction);
}

static void
forward (Proxy     *proxy,
         Pair      *pair,
         GIOStream *from,
         GIOStream *to)
{
  Direction *direction = g_new0 (Direction, 1);

  proxy->n_directions++;
  direction->proxy = proxy;
  direction->pair = pair;
  direction->in = g_io_stream_get_input_stream (from);
  direction->out = g_io_stream_get_output_stream (to);
  direction_read (direction);
}

static gboolean
on_proxy_incoming_cb (GSocketService     *service,
                      GSocketConnection  *connection,
                      GObject            *source_object,
                      Proxy              *proxy)
{
  g_autoptr (GError) error = NULL;
  GSocketConnection *upstream;
  Pair *pair;

  upstream = g_socket_client_connect_to_host (proxy->client, proxy->target, 0, NULL, &error);
  g_assert_no_error (error);
  pair = g_new0 (Pair, 1);
  pair->downstream = G_IO_STREAM (g_object_ref (connection));
  pair->upstream = G_IO_STREAM (upstream);
  g_ptr_array_add (proxy->pairs, pair);
  forward (proxy, pair, pair->downstream, pair->upstream);
  forward (proxy, pair, pair->upstream, pair->downstream);
  return TRUE;
}

static void
proxy_start (Proxy      *proxy,
             const char *relay_url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (relay_url, G_URI_FLAGS_NONE, NULL);

  proxy->target = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uri));
  proxy->client = g_socket_client_new ();
  proxy->cancellable = g_cancellable_new ();
  proxy->pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) pair_free);
  proxy->service = g_socket_service_new ();
  proxy->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (proxy->service), NULL,
                                                     &error);
  g_assert_no_error (error);
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_proxy_incoming_cb), proxy);
  g_socket_service_start (proxy->service);
}

/* Every connection through the proxy so far goes silent. */
static void
proxy_silence (Proxy *proxy)
{
  for (guint i = 0; i < proxy->pairs->len; i++)
    ((Pair *) proxy->pairs->pdata[i])->silent = TRUE;
}

static void
proxy_stop (Proxy *proxy)
{
  /* Every read and write ends before the connections go. */
  g_cancellable_cancel (proxy->cancellable);
  while (proxy->n_directions > 0)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&proxy->cancellable);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_clear_object (&proxy->service);
  g_clear_pointer (&proxy->pairs, g_ptr_array_unref);
  g_clear_object (&proxy->client);
  g_clear_pointer (&proxy->target, g_free);
}

typedef struct
{
  Proxy   *proxy;
  guint64  n_down;
} Forwarded;

static gboolean
proxy_forwarded (gpointer data)
{
  const Forwarded *forwarded = data;

  return forwarded->proxy->n_down >= forwarded->n_down;
}

static gboolean
state_left_websocket (gpointer data)
{
  return kp_relay_client_get_state (data) != KP_RELAY_STATE_WEBSOCKET;
}

/* The network drops the WebSocket silently: the heartbeat notices within its timeout,
 * the client long-polls, takes the event the relay held, and gets a new WebSocket. */
static void
test_heartbeat (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (KpRelayClient) client = NULL;
  g_autoptr (GPtrArray) states = g_ptr_array_new ();
  g_autofree char *proxy_url = NULL;
  Proxy proxy = { NULL };
  KpTestReceived received;
  Forwarded pongs;
  gint64 silenced, noticed;
  const guint interval_ms = 100;
  const guint misses = 2;

  relay_start (f, 1, NULL, NULL);
  proxy_start (&proxy, f->url);
  proxy_url = g_strdup_printf ("http://127.0.0.1:%u", proxy.port);

  client = kp_relay_client_new (proxy_url, "T1", TOKEN, listener);
  /* Lenient while the test watches pings answered, whatever the machine's load. */
  kp_relay_client_set_heartbeat (client, interval_ms, 1000);
  kp_test_received_init (&received, listener);
  expect (listener, client, "T1-1");
  expect (listener, client, "T1-2");
  kp_relay_client_start (client);
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);

  /* Alive: pings are answered ({"pong":N} is at least 12 bytes framed), and the
   * WebSocket stays. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-1", "pg1", NULL), ==, 200);
  kp_test_received_wait (&received, 1, WAIT_S);
  pongs.proxy = &proxy;
  pongs.n_down = proxy.n_down + 5 * 12;
  if (!kp_test_wait_for (proxy_forwarded, &pongs, WAIT_S))
    g_error ("the relay did not answer the pings");
  g_assert_cmpint (kp_relay_client_get_state (client), ==, KP_RELAY_STATE_WEBSOCKET);

  /* Dropped: the relay queues an event it cannot get through. Misses count in turns of
   * the heartbeat, so a stalled machine cannot notice before the timeout. */
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state_notify_cb), states);
  kp_relay_client_set_heartbeat (client, interval_ms, misses);
  proxy_silence (&proxy);
  silenced = g_get_monotonic_time ();
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_APPROVE, "T1-2", "pg2", NULL), ==, 200);
  if (!kp_test_wait_for (state_left_websocket, client, WAIT_S))
    g_error ("the client did not notice the dead WebSocket");
  noticed = g_get_monotonic_time ();
  g_test_message ("noticed a silent WebSocket after %" G_GINT64_FORMAT " ms (timeout %u ms)",
                  (noticed - silenced) / 1000, interval_ms * misses);
  /* Not before the timeout; and within it, a few intervals allowed for a loaded machine. */
  g_assert_cmpint (noticed - silenced, >=, (gint64) interval_ms * (misses - 1) * 1000);
  g_assert_cmpint (noticed - silenced, <, 5 * G_USEC_PER_SEC);

  /* The held event comes, once, and the client is on a new WebSocket. */
  kp_test_received_wait (&received, 2, WAIT_S);
  g_assert_cmpstr (received.last_pg_token, ==, "pg2");
  kp_test_relay_assert_state (client, KP_RELAY_STATE_WEBSOCKET, WAIT_S);
  assert_queue_drained (f, 0);
  g_assert_cmpuint (received.n, ==, 2);
  /* Long-polling while the new WebSocket comes (which comes first is the machine's). */
  g_assert_cmpstr (states->pdata[0], ==, "connecting");
  g_assert_cmpstr (states->pdata[states->len - 1], ==, "websocket");
  for (guint i = 0; i < states->len; i++)
    g_test_message ("state %s", (const char *) states->pdata[i]);

  kp_relay_client_stop (client);
  proxy_stop (&proxy);
  kp_test_received_clear (&received);
}

static void
test_bounds (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (KpRelay) relay = kp_relay_new ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;
  JsonArray *events;

  /* In this process, so the test moves the relay's clock instead of waiting for events
   * to age. */
  g_assert_true (g_key_file_load_from_data (key_file,
                                            "[relay]\nmax-events=3\nmax-event-age=600\n"
                                            "[terminal T1]\ntoken=" TOKEN "\n", -1,
                                            G_KEY_FILE_NONE, NULL));
  g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_no_error (error);
  g_assert_true (kp_relay_listen (relay, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->url = kp_relay_dup_url (relay);

  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *order = g_strdup_printf ("T1-%u", i);

      g_assert_cmpuint (customer (f, 0, KP_CALLBACK_FAIL, order, NULL, NULL), ==, 200);
    }
  /* A reload of the same page adds nothing. */
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_FAIL, "T1-5", NULL, NULL), ==, 200);

  /* The oldest beyond the count were dropped. */
  g_assert_cmpuint (kp_test_http_get (f->session, f->url, NULL, NULL), ==, 404);
  name = g_strdup_printf ("%s/t/T1/events?after=0&wait=0", f->url);
  g_assert_cmpuint (kp_test_http_get (f->session, name, "Bearer " TOKEN, &body), ==, 200);
  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      g_autofree char *order = g_strdup_printf ("T1-%u", i + 3);

      g_assert_cmpstr (json_object_get_string_member (event, "partner_order_id"), ==, order);
      if (i > 0)
        g_assert_cmpint (json_object_get_int_member (event, "id"), >,
                         json_object_get_int_member (json_array_get_object_element (events,
                                                                                    i - 1),
                                                     "id"));
    }

  /* …and the rest after max-event-age. */
  kp_relay_advance_clock (relay, 590);
  g_assert_cmpuint (n_queued (f, 0), ==, 3);
  kp_relay_advance_clock (relay, 11);
  g_assert_cmpuint (n_queued (f, 0), ==, 0);

  /* A long poll with nothing to say answers after its wait, empty. */
  {
    g_autofree char *poll = g_strdup_printf ("%s/t/T1/events?after=0&wait=1", f->url);
    g_autofree char *poll_body = NULL;
    gint64 start = g_get_monotonic_time ();

    g_assert_cmpuint (kp_test_http_get (f->session, poll, "Bearer " TOKEN, &poll_body), ==, 200);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
    g_assert_true (g_str_has_suffix (poll_body, "\"events\":[]}"));
  }
  g_clear_pointer (&f->url, g_free);
}

/* What a hostile client can send, on a raw socket (the relay is another process). */
static char *
raw_exchange (Fixture    *f,
              const char *request,
              gsize       length)
{
  g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) reply = g_string_new (NULL);
  GSocket *socket;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_timeout (socket, 10);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             length, NULL, NULL, NULL);
  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (reply, buffer, n);
  return g_string_free (g_steal_pointer (&reply), FALSE);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *nonce = relay_link (TOKEN, KP_CALLBACK_CANCEL, "T1-1", LINK_EXPIRES);
  g_autofree char *request = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *long_path = g_strnfill (KP_APPROVAL_LISTENER_MAX_URI_LENGTH + 10, 'a');
  g_autofree char *big_header = g_strnfill (KP_APPROVAL_LISTENER_MAX_HEADER_BYTES, 'h');

  relay_start (f, 1, NULL, NULL);

  request = g_strdup_printf ("GET /t/T1/cancel/T1-1?n=%s HTTP/1.1\r\nHost: x\r\n\r\n", nonce);
  reply = raw_exchange (f, request, strlen (request));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200 "));
  g_assert_nonnull (strstr (reply, "Connection: close\r\n"));
  g_assert_nonnull (strstr (reply, "결제가 취소되었습니다"));

  g_clear_pointer (&request, g_free);
  g_clear_pointer (&reply, g_free);
  request = g_strdup_printf ("POST /t/T1/cancel/T1-1?n=%s HTTP/1.1\r\nHost: x\r\n"
                             "Content-Length: 5\r\n\r\nhello", nonce);
  reply = raw_exchange (f, request, strlen (request));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 413 "));

  g_clear_pointer (&request, g_free);
  g_clear_pointer (&reply, g_free);
  request = g_strdup_printf ("GET /t/T1/cancel/%s?n=%s HTTP/1.1\r\nHost: x\r\n\r\n", long_path,
                             nonce);
  reply = raw_exchange (f, request, strlen (request));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 414 "));

  g_clear_pointer (&request, g_free);
  g_clear_pointer (&reply, g_free);
  request = g_strdup_printf ("GET /t/T1/cancel/T1-1?n=%s HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n",
                             nonce, big_header);
  reply = raw_exchange (f, request, strlen (request));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 431 "));

  g_clear_pointer (&request, g_free);
  g_clear_pointer (&reply, g_free);
  request = g_strdup ("DELETE /t/T1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  reply = raw_exchange (f, request, strlen (request));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 405 "));

  /* Only the first, valid one was queued. */
  g_assert_cmpuint (n_queued (f, 0), ==, 1);
}

/* The relay process's resident memory, in KiB. */
static guint64
relay_rss_kib (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (f->relay));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* A connection from @source that sends @text (may be NULL) and stays. */
static GSocketConnection *
raw_open (Fixture    *f,
          const char *source,
          const char *text)
{
  g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (source);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (address, 0);
  g_autoptr (GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_local_address (socket_client, local);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                                g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  if (text != NULL)
    g_socket_send (g_socket_connection_get_socket (connection), text, strlen (text), NULL,
                   NULL);
  return connection;
}

/* Requests libsoup 3.2 cannot frame (each kept ~60 KB for good), and connections that
 * come and go: the relay's memory stays put. */
static void
test_flood (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *target = g_strnfill (60 * 1024, 'a');
  const char *framing[] = {
    "Transfer-Encoding: gzip, identity",
    "Content-Length: twelve",
    "Content-Length: -1",
    "Transfer-Encoding: chunked, gzip",
  };
  guint64 before = 0, after = 0;

  relay_start (f, 1, NULL, NULL);

  for (guint round = 0; round < 2; round++)
    {
      /* The first round settles the allocator; the second is measured. */
      guint n = round == 0 ? 100 : 2000;

      before = relay_rss_kib (f);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *request = NULL;
          g_autofree char *reply = NULL;

          request = g_strdup_printf ("GET /%s HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n",
                                     i % 2 == 0 ? target : "t/T1/cancel/T1-1",
                                     framing[i % G_N_ELEMENTS (framing)]);
          reply = raw_exchange (f, request, strlen (request));
          g_assert_false (g_str_has_prefix (reply, "HTTP/1.1 200 "));
        }
      for (guint i = 0; i < n; i++)
        g_object_unref (raw_open (f, "127.0.0.1", NULL));
      /* The relay has taken every one of them once it answers. */
      g_assert_cmpuint (kp_test_http_get (f->session, f->url, NULL, NULL), ==, 404);
      after = relay_rss_kib (f);
    }

  g_test_message ("relay RSS: %" G_GUINT64_FORMAT " KiB before 2,000 unframeable requests and "
                  "2,000 empty connections, %" G_GUINT64_FORMAT " KiB after (%+" G_GINT64_FORMAT
                  " KiB)", before, after, (gint64) (after - before));
  /* AddressSanitizer keeps freed memory in quarantine: there, its leak check at exit
   * (with no suppression for libsoup's parser or accepted sockets) stands in. */
#ifndef UNDER_ASAN
  g_assert_cmpint ((gint64) (after - before), <, 4 * 1024);
#endif
  g_assert_cmpuint (n_queued (f, 0), ==, 0);
}

/* More idle connections than the relay serves at once, from one address: a customer's
 * callback and a terminal's long poll from another are still answered, at once. */
static void
test_slowloris (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start;

  relay_start (f, 1, "max-connections=32\n", NULL);

  for (guint i = 0; i < 32 + 16; i++)
    g_ptr_array_add (idle, raw_open (f, "127.0.0.2", i % 2 == 0 ? "GET /t/T1/ev" : NULL));

  start = g_get_monotonic_time ();
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-1", NULL, NULL), ==, 200);
  g_assert_cmpuint (n_queued (f, 0), ==, 1);
  g_test_message ("answered in %" G_GINT64_FORMAT " ms beside %u idle connections",
                  (g_get_monotonic_time () - start) / 1000, idle->len);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* A request head must be complete soon after the relay starts reading it. */
static void
test_head_timeout (Fixture       *f,
                   gconstpointer  data)
{
  relay_start (f, 1, "head-timeout=1\n", NULL);

  for (guint i = 0; i < 2; i++)
    {
      const char *half = i == 0 ? "GET /t/T1/events HTTP/1.1\r\nHo" : NULL;
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GSocketConnection) connection = raw_open (f, "127.0.0.1", half);
      GSocket *socket = g_socket_connection_get_socket (connection);
      g_autoptr (GString) reply = g_string_new (NULL);
      char buffer[4096];
      gssize n;

      /* Only a safety net: the relay closes the connection. */
      g_socket_set_timeout (socket, WAIT_S);
      while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL)) > 0)
        g_string_append_len (reply, buffer, n);
      g_test_message ("closed after %" G_GINT64_FORMAT " ms: %.30s",
                      (g_get_monotonic_time () - start) / 1000, reply->str);
      g_assert_cmpint (n, ==, 0);
      g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
      /* Half a head gets 408; nothing at all, just the end of the connection. */
      if (i == 0)
        g_assert_true (g_str_has_prefix (reply->str, "HTTP/1.1 408 "));
      else
        g_assert_cmpstr (reply->str, ==, "");
    }
  g_assert_cmpuint (customer (f, 0, KP_CALLBACK_CANCEL, "T1-1", NULL, NULL), ==, 200);
}

static gboolean
socket_is_closed (gpointer data)
{
  return soup_websocket_connection_get_state (data) == SOUP_WEBSOCKET_STATE_CLOSED;
}

/* A terminal's WebSockets: one beyond KP_RELAY_MAX_SOCKETS_PER_TERMINAL closes the
 * oldest (1001, going away), a ping is answered, a message bigger than a terminal ever
 * sends closes its socket (1009); and HEAD gets an answer's headers alone. */
static void
test_socket_limits (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *big = g_strnfill (2000, ' ');
  g_autofree char *reply = NULL;
  const char *head = "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n";
  SoupWebsocketConnection *newest;

  relay_start (f, 1, NULL, NULL);

  for (guint i = 0; i <= KP_RELAY_MAX_SOCKETS_PER_TERMINAL; i++)
    g_ptr_array_add (sockets, socket_open (f));
  if (!kp_test_wait_for (socket_is_closed, sockets->pdata[0], WAIT_S))
    g_error ("the oldest WebSocket stayed open");
  g_assert_cmpint (soup_websocket_connection_get_close_code (sockets->pdata[0]), ==,
                   SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  for (guint i = 1; i < sockets->len; i++)
    g_assert_cmpint (soup_websocket_connection_get_state (sockets->pdata[i]), ==,
                     SOUP_WEBSOCKET_STATE_OPEN);

  newest = sockets->pdata[sockets->len - 1];
  g_signal_connect (newest, "message", G_CALLBACK (on_raw_message_cb), messages);
  soup_websocket_connection_send_text (newest, "{\"ping\":5}");
  g_assert_true (kp_test_wait_for (array_not_empty, messages, WAIT_S));
  g_assert_cmpstr (messages->pdata[0], ==, "{\"pong\":5}");

  soup_websocket_connection_send_text (newest, big);
  if (!kp_test_wait_for (socket_is_closed, newest, WAIT_S))
    g_error ("a message too big left its WebSocket open");
  g_assert_cmpint (soup_websocket_connection_get_close_code (newest), ==,
                   SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  /* The others are the terminal's still. */
  g_assert_cmpint (soup_websocket_connection_get_state (sockets->pdata[1]), ==,
                   SOUP_WEBSOCKET_STATE_OPEN);

  reply = raw_exchange (f, head, strlen (head));
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200 "));
  g_assert_nonnull (strstr (reply, "Content-Length: 3\r\n"));
  g_assert_true (g_str_has_suffix (reply, "\r\n\r\n"));
}

typedef struct
{
  Fixture *f;
  guint    in_flight;
  guint    n_sent;
  guint    n_ok;
} Firing;

static void
on_fired_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Firing *firing = user_data;
  g_autoptr (GBytes) body = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  if (body != NULL && soup_message_get_status (msg) == 200)
    firing->n_ok++;
  firing->in_flight--;
}

static gboolean
firing_done (gpointer data)
{
  Firing *firing = data;

  return firing->in_flight == 0;
}

/* 1,000 callbacks across 100 terminals: each reaches the listener exactly once. */
static void
test_many (Fixture       *f,
           gconstpointer  data)
{
  const guint n_terminals = 100;
  const guint per_terminal = 10;
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  Firing firing = { f, 0, 0, 0 };
  KpTestReceived received;
  guint n_duplicates = 0;

  /* Terminals 1…100 (T001…T100). */
  relay_start (f, n_terminals + 1, NULL, NULL);
  kp_test_received_init (&received, listener);
  for (guint t = 1; t <= n_terminals; t++)
    {
      KpRelayClient *client = client_new (f, t, NULL, listener);

      /* A few terminals long-poll. */
      kp_relay_client_set_use_websocket (client, t % 10 != 0);
      for (guint i = 0; i < per_terminal; i++)
        {
          g_autofree char *order = g_strdup_printf ("T%03u-%u", t, i);

          expect (listener, client, order);
        }
      kp_relay_client_start (client);
      g_ptr_array_add (clients, client);
    }
  for (guint t = 1; t <= n_terminals; t++)
    kp_test_relay_assert_state (clients->pdata[t - 1],
                          t % 10 != 0 ? KP_RELAY_STATE_WEBSOCKET : KP_RELAY_STATE_LONG_POLL, WAIT_S);

  /* Interleaved across terminals, 32 at a time. */
  for (guint i = 0; i < per_terminal; i++)
    for (guint t = 1; t <= n_terminals; t++)
      {
        g_autofree char *name = terminal_name (t);
        g_autofree char *order = g_strdup_printf ("T%03u-%u", t, i);
        g_autofree char *secret = kp_relay_client_make_nonce (clients->pdata[t - 1], order);
        g_autofree char *url = kp_relay_client_callback_url (clients->pdata[t - 1],
                                                             KP_CALLBACK_APPROVE, order, secret,
                                                             LINK_EXPIRES);
        g_autofree char *full = NULL;
        g_autoptr (SoupMessage) msg = NULL;

        full = g_strdup_printf ("%s&pg_token=pg-%s", url, order);
        g_free (url);
        url = g_steal_pointer (&full);
        msg = soup_message_new ("GET", url);
        while (firing.in_flight >= 32)
          g_main_context_iteration (NULL, TRUE);
        firing.in_flight++;
        firing.n_sent++;
        soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                          on_fired_cb, &firing);
      }
  g_assert_true (kp_test_wait_for (firing_done, &firing, 60));
  g_assert_cmpuint (firing.n_ok, ==, n_terminals * per_terminal);

  kp_test_received_wait (&received, n_terminals * per_terminal, WAIT_S);
  kp_test_spin (500);
  g_assert_cmpuint (received.n, ==, n_terminals * per_terminal);
  g_assert_cmpuint (g_hash_table_size (received.seen), ==, n_terminals * per_terminal);
  for (guint t = 1; t <= n_terminals; t++)
    for (guint i = 0; i < per_terminal; i++)
      {
        g_autofree char *key = g_strdup_printf ("T%03u-%u approve pg-T%03u-%u", t, i, t, i);

        g_assert_cmpuint (kp_test_received_count (&received, key), ==, 1);
      }
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 0);
  for (guint t = 1; t <= n_terminals; t++)
    n_duplicates += kp_relay_client_get_n_duplicates (clients->pdata[t - 1]);
  g_test_message ("%u duplicates ignored by the clients", n_duplicates);

  for (guint t = 1; t <= n_terminals; t++)
    kp_relay_client_stop (clients->pdata[t - 1]);
  kp_test_received_clear (&received);
}

static void
test_config (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (KpRelay) relay = kp_relay_new ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *relay_exe = g_getenv ("KP_RELAY");

  g_assert_true (g_key_file_load_from_data (key_file,
                                            "[relay]\nlisten=0.0.0.0:8790\n"
                                            "public-url=https://pay.example.com\n"
                                            "max-events=9\n"
                                            "[terminal A]\ntoken=" TOKEN_A "\n"
                                            "[terminal B]\ntoken=" TOKEN_B "\n",
                                            -1, G_KEY_FILE_NONE, NULL));
  g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kp_relay_get_n_terminals (relay), ==, 2);
  g_assert_cmpstr (kp_relay_get_listen (relay), ==, "0.0.0.0:8790");
  g_assert_cmpstr (kp_relay_get_public_url (relay), ==, "https://pay.example.com");

  g_assert_true (g_key_file_load_from_data (key_file, "[terminal A]\ntoken=qwerty\n", -1,
                                            G_KEY_FILE_NONE, NULL));
  g_assert_false (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
  g_assert_null (strstr (error->message, "qwerty"));
  g_clear_error (&error);
  g_assert_true (g_key_file_load_from_data (key_file,
                                            "[terminal a/b]\ntoken=" TOKEN_A "\n", -1,
                                            G_KEY_FILE_NONE, NULL));
  g_assert_false (kp_relay_load_key_file (relay, key_file, &error));
  g_clear_error (&error);
  g_assert_true (g_key_file_load_from_data (key_file,
                                            "[relay]\nmax-events=0\n"
                                            "[terminal A]\ntoken=" TOKEN_A "\n", -1,
                                            G_KEY_FILE_NONE, NULL));
  g_assert_false (kp_relay_load_key_file (relay, key_file, &error));
  g_clear_error (&error);
  /* A failed load changed nothing. */
  g_assert_cmpuint (kp_relay_get_n_terminals (relay), ==, 2);

  /* The program: a bad file is refused, and the token never shows. */
  g_assert_true (g_file_set_contents_full (f->config, "[terminal A]\ntoken=tiny-secret\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, relay_exe, "--config", f->config, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_null (strstr (out, "tiny-secret"));
  g_assert_null (strstr (err, "tiny-secret"));
  g_assert_nonnull (strstr (err, "“A”"));
  g_assert_nonnull (strstr (err, "openssl rand -base64 32"));
}

/* Tokens anyone could guess are refused, by the loader and by the program. */
static void
test_weak_tokens (Fixture       *f,
                  gconstpointer  data)
{
  const char * const weak[] = {
    "REPLACE-WITH-A-RANDOM-TOKEN-1",       /* the sample's, as shipped */
    "replace-with-a-random-token-2",
    "0123456789abcdef0123456789abcdef",    /* a repetition */
    "abcdefghijklmnopqrstuvwxyz012345",    /* a run */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "deadbeefcafe1234",                    /* 64 bits */
    "Fs462H_lTLXgrhFI01SI0",               /* 21 base64 characters: 126 bits */
    "abababababababababababababababab",
    "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f1",
  };
  const char * const strong[] = {
    TOKEN, TOKEN_A, TOKEN_B, TOKEN_001,
    "k8cX0f2h7Q9rVwq1T3b5Lz4Y6n8J0m2Pa4C6e8G0i2k=",   /* openssl rand -base64 32 */
    "3f9c1e7a5b2d8064c1a9e7f3b5d20846",               /* openssl rand -hex 16 */
    "xCZtQ6mph-c5nXx7qL-fgpd5KL",
    "Fs462H_lTLXgrhFI01SI0V9",                        /* 23 base64 characters */
  };
  const char *sample = g_getenv ("KP_RELAY_SAMPLE");
  const char *relay_exe = g_getenv ("KP_RELAY");
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *sample_text = NULL;
  g_autofree char *private_copy = NULL;
  gsize sample_length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autoptr (KpRelay) relay = kp_relay_new ();
      g_autoptr (GKeyFile) key_file = g_key_file_new ();
      const char *token = weak[i];

      g_key_file_set_string (key_file, "terminal counter-1", "token", token);
      g_assert_false (kp_relay_token_is_strong (token));
      g_assert_false (kp_relay_load_key_file (relay, key_file, &error));
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, "“counter-1”"));
      g_assert_null (strstr (error->message, token));
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (strong); i++)
    {
      g_autoptr (KpRelay) relay = kp_relay_new ();
      g_autoptr (GKeyFile) key_file = g_key_file_new ();

      g_key_file_set_string (key_file, "terminal counter-1", "token", strong[i]);
      if (!kp_relay_token_is_strong (strong[i]))
        g_error ("refused %s", strong[i]);
      g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
      g_assert_no_error (error);
    }

  /* Whatever random base64 or hex comes out, it passes. */
  for (guint i = 0; i < 2000; i++)
    {
      guint8 bytes[32];
      g_autofree char *base64 = NULL;
      g_autofree char *hex = NULL;

      for (guint j = 0; j < sizeof bytes; j++)
        bytes[j] = g_random_int_range (0, 256);
      base64 = g_base64_encode (bytes, sizeof bytes);
      hex = kp_random_hex (16);
      if (!kp_relay_token_is_strong (base64) || !kp_relay_token_is_strong (hex))
        g_error ("refused a random token");
    }

  /* The sample configuration as shipped does not start, even when it is made private
   * (the relay refuses a configuration other users can read before it reads a token). */
  g_assert_nonnull (sample);
  g_assert_true (g_file_get_contents (sample, &sample_text, &sample_length, &error));
  g_assert_no_error (error);
  private_copy = g_build_filename (g_get_tmp_dir (), "relay-sample.conf", NULL);
  g_assert_true (g_file_set_contents_full (private_copy, sample_text, sample_length,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, relay_exe, "--config", private_copy, "--listen",
                              "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_null (strstr (out, "listening"));
  g_assert_null (strstr (err, "REPLACE-WITH"));
  g_assert_nonnull (strstr (err, "“counter-1”"));
  g_assert_nonnull (strstr (err, "openssl rand -base64 32"));
  g_assert_nonnull (strstr (err, "head -c 32 /dev/urandom | base64"));
}

/* A configuration other users can read is refused, naming the file and the fix. */
static void
test_config_mode (void)
{
  static const guint modes[] = { 0644, 0640, 0604 };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kp-relay-mode-XXXXXX", &error);
  g_autofree char *config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *token = terminal_token (0);
  const char *relay_exe = g_getenv ("KP_RELAY");

  g_assert_no_error (error);
  g_assert_nonnull (relay_exe);
  config = g_build_filename (dir, "relay.conf", NULL);
  text = g_strdup_printf ("[relay]\nlisten=127.0.0.1:0\n[terminal T1]\ntoken=%s\n", token);
  g_assert_true (g_file_set_contents_full (config, text, -1, G_FILE_SET_CONTENTS_NONE, 0600,
                                           NULL));

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr (GSubprocess) process = NULL;
      g_autoptr (GDataInputStream) out = NULL;
      g_autoptr (GString) output = g_string_new (NULL);
      g_autofree char *fix = g_strdup_printf ("chmod 600 %s", config);
      char *line;

      g_assert_cmpint (g_chmod (config, modes[i]), ==, 0);
      process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_MERGE,
                                  &error, relay_exe, "--config", config, NULL);
      g_assert_no_error (error);
      /* Until the end of its output: a relay that started says so first, and is ended. */
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
      while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
        {
          if (g_str_has_prefix (line, "listening on "))
            g_subprocess_force_exit (process);
          g_string_append_printf (output, "%s\n", line);
          g_free (line);
        }
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (process, NULL, &error));
      g_assert_no_error (error);
      g_assert_null (strstr (output->str, "listening on "));
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
      g_assert_nonnull (strstr (output->str, fix));
      g_assert_null (strstr (output->str, token));
    }

  g_unlink (config);
  g_rmdir (dir);
}

/* What a terminal sends on its WebSocket, taken as the socket thread takes it. */
static void
test_socket_message (void)
{
  g_autoptr (KpRelay) relay = kp_relay_new ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *token = terminal_token (0);
  g_autofree char *group = g_strdup_printf ("terminal %s", "t0");
  g_autofree char *nonce = relay_link (token, KP_CALLBACK_CANCEL, "T1-1", LINK_EXPIRES);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autofree char *ack = NULL;
  const char * const messages[] = { "", " ", "\n", "null", "[]", "{\"ack\":\"1\"}", "{\"ack\":{}}",
                                    "{\"ack\":[1]}", "{\"ack\":null}", "{",
                                    "1{\"ack\":1}",
                                    "11111111111111111111111111111111{\"ack\":1}" };
  JsonArray *events;
  KpRelayReply reply;

  g_key_file_set_string (key_file, group, "token", token);
  g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_no_error (error);

  g_hash_table_insert (query, (char *) "n", nonce);
  kp_relay_handle (relay, "GET", "/t/t0/cancel/T1-1", query, headers, FALSE, &reply);
  g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_PAGE);
  g_assert_cmpuint (reply.status, ==, 200);
  kp_relay_reply_clear (&reply);

  /* Not an acknowledgement (an empty one has no data at all): ignored, quietly. */
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_autoptr (GBytes) message = g_bytes_new (messages[i], strlen (messages[i]));

      g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                   message));
    }

  g_hash_table_remove_all (query);
  g_hash_table_insert (query, (char *) "wait", (char *) "0");
  soup_message_headers_replace (headers, "Authorization", authorization);
  kp_relay_handle (relay, "GET", "/t/t0/events", query, headers, FALSE, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, reply.body, -1, &error));
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  ack = g_strdup_printf ("{\"ack\":%" G_GINT64_FORMAT "}",
                         json_object_get_int_member (json_array_get_object_element (events, 0),
                                                     "id"));
  kp_relay_reply_clear (&reply);

  {
    g_autofree char *two = g_strconcat ("{\"ack\":0}", ack, NULL);
    g_autoptr (GBytes) message = g_bytes_new (two, strlen (two));

    /* Two objects are not one acknowledgement (nor a leak). */
    g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                 message));
    kp_relay_handle (relay, "GET", "/t/t0/events", query, headers, FALSE, &reply);
    g_assert_false (g_str_has_suffix (reply.body, "\"events\":[]}"));
    kp_relay_reply_clear (&reply);
  }
  {
    g_autoptr (GBytes) message = g_bytes_new (ack, strlen (ack));

    g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                 message));
    g_assert_false (kp_relay_take_socket_message (relay, "t9", SOUP_WEBSOCKET_DATA_TEXT,
                                                  message));
  }
  kp_relay_handle (relay, "GET", "/t/t0/events", query, headers, FALSE, &reply);
  g_assert_true (g_str_has_suffix (reply.body, "\"events\":[]}"));
  kp_relay_reply_clear (&reply);
}

static char *
poll_events (KpRelay            *relay,
             SoupMessageHeaders *headers,
             const char         *after,
             const char         *epoch)
{
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  KpRelayReply reply;
  char *body;

  g_hash_table_insert (query, (char *) "wait", (char *) "0");
  if (after != NULL)
    g_hash_table_insert (query, (char *) "after", (char *) after);
  if (epoch != NULL)
    g_hash_table_insert (query, (char *) "epoch", (char *) epoch);
  kp_relay_handle (relay, "GET", "/t/t0/events", query, headers, FALSE, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  body = g_steal_pointer (&reply.body);
  kp_relay_reply_clear (&reply);
  return body;
}

/* Ids count per run of the relay (its epoch): an acknowledgement or a poll naming
 * another epoch deletes nothing, and every run has its own epoch. */
static void
test_epoch (void)
{
  g_autoptr (KpRelay) relay = kp_relay_new ();
  g_autoptr (KpRelay) other = kp_relay_new ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *token = terminal_token (0);
  g_autofree char *nonce = relay_link (token, KP_CALLBACK_APPROVE, "T1-1", LINK_EXPIRES);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  g_autofree char *body = NULL;
  g_autofree char *other_body = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *stale_ack = NULL;
  g_autofree char *ack = NULL;
  JsonObject *root;
  JsonObject *event;
  KpRelayReply reply;

  g_key_file_set_string (key_file, "terminal t0", "token", token);
  g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_true (kp_relay_load_key_file (other, key_file, &error));
  g_assert_no_error (error);
  soup_message_headers_replace (headers, "Authorization", authorization);

  g_hash_table_insert (query, (char *) "n", nonce);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "pg1");
  kp_relay_handle (relay, "GET", "/t/t0/approve/T1-1", query, headers, FALSE, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  kp_relay_reply_clear (&reply);

  body = poll_events (relay, headers, NULL, NULL);
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  epoch = g_strdup (json_object_get_string_member (root, "epoch"));
  g_assert_cmpuint (strlen (epoch), >=, 16);
  event = json_array_get_object_element (json_object_get_array_member (root, "events"), 0);
  g_assert_cmpint (json_object_get_int_member (event, "id"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (event, "epoch"), ==, epoch);

  /* Another run has another epoch, and counts from 1 too. */
  other_body = poll_events (other, headers, NULL, NULL);
  g_assert_null (strstr (other_body, epoch));

  /* A terminal still counting in an earlier run: its "ack 1" is not this run's. */
  stale_ack = g_strdup ("{\"ack\":1,\"epoch\":\"0123456789abcdef\"}");
  {
    g_autoptr (GBytes) message = g_bytes_new (stale_ack, strlen (stale_ack));
    g_autofree char *after = NULL;

    g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                 message));
    g_free (body);
    body = poll_events (relay, headers, "1", "0123456789abcdef");
    g_assert_nonnull (strstr (body, "\"pg1\""));
    /* Nor an epoch that is not a string. */
    g_free (after);
    after = g_strdup ("{\"ack\":1,\"epoch\":1}");
    g_bytes_unref (message);
    message = g_bytes_new (after, strlen (after));
    g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                 message));
    g_free (body);
    body = poll_events (relay, headers, NULL, NULL);
    g_assert_nonnull (strstr (body, "\"pg1\""));
  }

  /* The acknowledgement of this epoch deletes it. */
  ack = g_strdup_printf ("{\"ack\":1,\"epoch\":\"%s\"}", epoch);
  {
    g_autoptr (GBytes) message = g_bytes_new (ack, strlen (ack));

    g_assert_true (kp_relay_take_socket_message (relay, "t0", SOUP_WEBSOCKET_DATA_TEXT,
                                                 message));
  }
  g_free (body);
  body = poll_events (relay, headers, NULL, NULL);
  g_assert_null (strstr (body, "\"pg1\""));
}

/* An order id the terminal could not have sent: events must stay JSON (UTF-8). */
static void
test_order_id_utf8 (void)
{
  g_autoptr (KpRelay) relay = kp_relay_new ();
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = terminal_token (0);
  g_autofree char *nonce = relay_link (token, KP_CALLBACK_CANCEL, "T1-\xff-1", LINK_EXPIRES);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);
  KpRelayReply reply;

  g_key_file_set_string (key_file, "terminal t0", "token", token);
  g_assert_true (kp_relay_load_key_file (relay, key_file, &error));
  g_assert_no_error (error);

  g_hash_table_insert (query, (char *) "n", nonce);
  kp_relay_handle (relay, "GET", "/t/t0/cancel/T1-\xff-1", query, headers, FALSE, &reply);
  g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_PAGE);
  g_assert_cmpuint (reply.status, ==, 404);
  kp_relay_reply_clear (&reply);

  g_hash_table_remove_all (query);
  g_hash_table_insert (query, (char *) "wait", (char *) "0");
  soup_message_headers_replace (headers, "Authorization", authorization);
  kp_relay_handle (relay, "GET", "/t/t0/events", query, headers, FALSE, &reply);
  g_assert_true (g_str_has_suffix (reply.body, "\"events\":[]}"));
  kp_relay_reply_clear (&reply);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/relay/nonce", test_nonce);
  g_test_add_func ("/kp/relay/socket-message", test_socket_message);
  g_test_add_func ("/kp/relay/order-id-utf8", test_order_id_utf8);
  g_test_add_func ("/kp/relay/epoch", test_epoch);
  g_test_add_func ("/kp/relay/config-mode", test_config_mode);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kp/relay/config", test_config);
  ADD ("/kp/relay/weak-tokens", test_weak_tokens);
  ADD ("/kp/relay/websocket", test_websocket);
  ADD ("/kp/relay/long-poll", test_long_poll);
  ADD ("/kp/relay/long-poll-only", test_long_poll_only);
  ADD ("/kp/relay/reconnect", test_reconnect);
  ADD ("/kp/relay/rejected", test_rejected);
  ADD ("/kp/relay/forged", test_forged);
  ADD ("/kp/relay/replay", test_replay);
  ADD ("/kp/relay/heartbeat", test_heartbeat);
  ADD ("/kp/relay/bounds", test_bounds);
  ADD ("/kp/relay/limits", test_limits);
  ADD ("/kp/relay/flood", test_flood);
  ADD ("/kp/relay/slowloris", test_slowloris);
  ADD ("/kp/relay/head-timeout", test_head_timeout);
  ADD ("/kp/relay/socket-limits", test_socket_limits);
  ADD ("/kp/relay/many", test_many);
#undef ADD

  return g_test_run ();
}
