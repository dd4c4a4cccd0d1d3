/* test-approval.c: approval listener, status poller and the outcome merger
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-sale-monitor.h"
#include "kp-sandbox.h"
#include "kp-status-poller.h"
#include "kp-test-server.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define NONCE "0123456789abcdef0123456789abcdef"
/* The links kp_callback_link_nonce() makes with NONCE, valid until 2100-01-01 (Python:
 * hmac.new (NONCE, b"approve\nT1-1\n4102444800", "sha256").hexdigest ()[:32]). */
#define LINK_EXPIRES 4102444800
#define LINK_APPROVE_T1_1 "4102444800.2ee9ef9c38e4c1aa44001c3628eb40ac"
#define LINK_APPROVE_0001 "4102444800.8645ac9e9885e95da475aaf46a4be272"
#define LINK_APPROVE_0002 "4102444800.1e9628ebd1c3049f1be2e8cb576045df"
#define LINK_CANCEL_T1_1 "4102444800.3e1cc0ff55defb62a59ffdb26fea01bf"
#define LINK_CANCEL_0001 "4102444800.79819e36f29ef2f2de3a681a25dc5f21"
#define LINK_CANCEL_0002 "4102444800.ddfdd1f0873e974a442fb2a67322d344"
#define LINK_FAIL_T1_1 "4102444800.4b08268caa64255f178d281127f8751d"
#define LINK_FAIL_0001 "4102444800.9c4ea5b4514ed4583d2af111d1645d95"
#define LINK_FAIL_0002 "4102444800.343d26a69bf6d42207fc947a737977b9"
/* Only a safety net: every wait is for an event. */
#define WAIT_US (30 * G_USEC_PER_SEC)

typedef struct
{
  char          *order_id;
  KpCallbackKind kind;
  char          *pg_token;
  guint          n;
} Received;

static void
on_callback_cb (KpApprovalListener *listener,
                const char         *order_id,
                KpCallbackKind      kind,
                const char         *pg_token,
                Received           *received)
{
  received->n++;
  g_free (received->order_id);
  received->order_id = g_strdup (order_id);
  received->kind = kind;
  g_free (received->pg_token);
  received->pg_token = g_strdup (pg_token);
}

static guint
get (SoupSession *session,
     const char  *method,
     const char  *url,
     char       **out_body)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = kp_test_http_send (session, msg, &error);

  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

static void
test_listener (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (SoupSession) session = kp_test_session_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  Received received = { NULL };

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  base = kp_approval_listener_dup_url (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-20261125-0001", NONCE);

  /* The URL shape the sale sends to KakaoPay. */
  url = kp_callback_url (base, KP_CALLBACK_APPROVE, "T1-20261125-0001", NONCE, LINK_EXPIRES);
  g_assert_cmpstr (url + strlen (base), ==,
                   "/kakaopay/approve/T1-20261125-0001?n=" LINK_APPROVE_0001);

  /* Forged: wrong nonce, unknown order, no token, wrong method, wrong path. */
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=ffff&pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0002?n=" LINK_APPROVE_0002 "&pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" LINK_APPROVE_0001, base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 400);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" LINK_APPROVE_0001 "&pg_token=abc", base);
  g_assert_cmpuint (get (session, "POST", url, NULL), ==, 405);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/refund/T1-20261125-0001?n=" NONCE, base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 6);

  /* The real redirect: KakaoPay appended the token to our query. */
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" LINK_APPROVE_0001 "&pg_token=0123456789abcdef0123",
                         base);
  g_assert_cmpuint (get (session, "GET", url, &body), ==, 200);
  g_assert_nonnull (strstr (body, "결제가 완료되었습니다"));
  g_assert_nonnull (strstr (body, "Payment received"));
  g_assert_nonnull (strstr (body, "return to the counter"));
  g_assert_cmpuint (received.n, ==, 1);
  g_assert_cmpstr (received.order_id, ==, "T1-20261125-0001");
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpstr (received.pg_token, ==, "0123456789abcdef0123");

  /* After the sale ended, its real link is gone (410), a forged one unknown (404). */
  kp_approval_listener_forget (listener, "T1-20261125-0001");
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 410);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/cancel/T1-20261125-0001?n=00", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_assert_cmpuint (received.n, ==, 1);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* A link works for its own kind and order, with the sale's secret, until it expires. */
static void
test_link (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autofree char *expired = kp_callback_link_nonce (NONCE, KP_CALLBACK_APPROVE, "T1-1",
                                                     g_get_real_time () / G_USEC_PER_SEC - 1);
  g_autofree char *other_secret = kp_callback_link_nonce ("fedcba9876543210fedcba9876543210",
                                                          KP_CALLBACK_APPROVE, "T1-1",
                                                          LINK_EXPIRES);
  g_autofree char *later = g_strdup (LINK_APPROVE_T1_1);
  g_autofree char *link = kp_callback_link_nonce (NONCE, KP_CALLBACK_APPROVE, "T1-1",
                                                  LINK_EXPIRES);
  const char * const bad[] = { "", ".", "1.", "x.0123", &LINK_APPROVE_T1_1[11], "-1.00" };
  Received received = { NULL };
  gint64 expires = 0;

  g_assert_cmpstr (link, ==, LINK_APPROVE_T1_1);
  g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_APPROVE, "T1-1", link, 0,
                                           &expires), ==, KP_CALLBACK_LINK_VALID);
  g_assert_cmpint (expires, ==, LINK_EXPIRES);
  g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_APPROVE, "T1-1", link,
                                           LINK_EXPIRES + 1, NULL), ==, KP_CALLBACK_LINK_EXPIRED);
  g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_CANCEL, "T1-1", link, 0, NULL), ==,
                   KP_CALLBACK_LINK_FORGED);
  g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_APPROVE, "T1-2", link, 0, NULL), ==,
                   KP_CALLBACK_LINK_FORGED);
  /* A later expiry under the same MAC: forged. */
  later[0] = '5';
  g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_APPROVE, "T1-1", later, 0, NULL),
                   ==, KP_CALLBACK_LINK_FORGED);
  /* Not links at all; the MAC alone without its expiry. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpint (kp_callback_link_check (NONCE, KP_CALLBACK_APPROVE, "T1-1", bad[i], 0,
                                               NULL), ==, KP_CALLBACK_LINK_FORGED);
    }

  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);
  /* The approve link used for cancel or fail, an expired one, one of another secret. */
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_CANCEL, "T1-1",
                                                LINK_APPROVE_T1_1, NULL));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_FAIL, "T1-1",
                                                LINK_APPROVE_T1_1, NULL));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", expired,
                                                "pg"));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1",
                                                other_secret, "pg"));
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_true (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1",
                                               LINK_APPROVE_T1_1, "pg"));
  g_assert_cmpuint (received.n, ==, 1);
  {
    g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
    g_autofree char *order_id = NULL;
    const char *pg_token = NULL;
    KpCallbackKind kind;

    g_hash_table_insert (query, (char *) "n", expired);
    g_hash_table_insert (query, (char *) "pg_token", (char *) "pg");
    g_assert_cmpuint (kp_approval_listener_check_request (listener, "GET",
                                                          "/kakaopay/approve/T1-1", query,
                                                          &kind, &order_id, &pg_token), ==, 410);
  }
  g_free (received.order_id);
  g_free (received.pg_token);
}

/* The page the owner opens from a phone to see that the terminal is reachable. */
static void
test_check_page (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (SoupSession) session = kp_test_session_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  Received received = { NULL };

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  base = kp_approval_listener_dup_url (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);

  url = g_strdup_printf ("%s/check", base);
  g_assert_cmpuint (get (session, "GET", url, &body), ==, 200);
  g_assert_nonnull (strstr (body, "This terminal is reachable"));
  g_assert_nonnull (strstr (body, "이 단말기에 연결되었습니다"));
  g_assert_nonnull (strstr (body, "<meta charset=\"utf-8\">"));
  g_assert_cmpuint (get (session, "HEAD", url, NULL), ==, 200);
  /* Only a look: no other method, no other path, nothing signalled or refused. */
  g_assert_cmpuint (get (session, "POST", url, NULL), ==, 405);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/check/more", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_assert_cmpuint (received.n, ==, 0);
}

/* A callback handed over by the relay client: the socket's rules, the same signal. */
static void
test_deliver (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  Received received = { NULL };

  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", "ffff",
                                                "pg"));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", NULL,
                                                "pg"));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-2", NONCE,
                                                "pg"));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", LINK_APPROVE_T1_1,
                                                NULL));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", LINK_APPROVE_T1_1,
                                                "pg token"));
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_CANCEL, "T1-1/x", NONCE,
                                                NULL));
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 6);

  g_assert_true (kp_approval_listener_deliver (listener, KP_CALLBACK_APPROVE, "T1-1", LINK_APPROVE_T1_1,
                                               "pg-0001"));
  g_assert_cmpuint (received.n, ==, 1);
  g_assert_cmpstr (received.order_id, ==, "T1-1");
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpstr (received.pg_token, ==, "pg-0001");

  /* A cancel carries no token, even if one came along. */
  g_assert_true (kp_approval_listener_deliver (listener, KP_CALLBACK_CANCEL, "T1-1", LINK_CANCEL_T1_1,
                                               "pg-0001"));
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_CANCEL);
  g_assert_null (received.pg_token);

  /* Ended: refused like a replay on the socket. */
  kp_approval_listener_forget (listener, "T1-1");
  g_assert_false (kp_approval_listener_deliver (listener, KP_CALLBACK_FAIL, "T1-1", LINK_FAIL_T1_1, NULL));
  g_assert_cmpuint (received.n, ==, 2);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 7);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* Raw sockets: what a hostile client can send, byte for byte. */

static gboolean
on_raw_wake_cb (gpointer user_data)
{
  gboolean *woken = user_data;

  *woken = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_raw_readable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  return on_raw_wake_cb (user_data);
}

/* Iterates the main context (so the in-process listener runs) until @socket has input
 * or an error, or 100 ms passed. */
static void
raw_wait (GSocket *socket)
{
  g_autoptr (GSource) readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                                         NULL);
  g_autoptr (GSource) timeout = g_timeout_source_new (100);
  gboolean woken = FALSE;

  g_source_set_callback (readable, G_SOURCE_FUNC (on_raw_readable_cb), &woken, NULL);
  g_source_set_callback (timeout, on_raw_wake_cb, &woken, NULL);
  g_source_attach (readable, NULL);
  g_source_attach (timeout, NULL);
  while (!woken)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (readable);
  g_source_destroy (timeout);
}

static guint16
listener_port (KpApprovalListener *listener)
{
  g_autofree char *url = kp_approval_listener_dup_url (listener);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return g_uri_get_port (uri);
}

static GSocketConnection *
raw_connect (guint16 port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (g_socket_connection_get_socket (connection), FALSE);
  return connection;
}

/* Reads until the listener closes the connection; "" when it said nothing (or reset). */
static char *
raw_read_all (GSocket *socket)
{
  GString *reply = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      char buffer[4096];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (n > 0)
        g_string_append_len (reply, buffer, n);
      else if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      else
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          raw_wait (socket);
        }
    }
  return g_string_free (reply, FALSE);
}

/* Sends @length bytes on a new connection, with @half_close ends the sending side, and
 * returns the whole answer. */
static char *
raw_exchange (guint16     port,
              const char *data,
              gsize       length,
              gboolean    half_close)
{
  g_autoptr (GSocketConnection) connection = raw_connect (port);
  GSocket *socket = g_socket_connection_get_socket (connection);
  gint64 deadline = g_get_monotonic_time () + WAIT_US;
  gsize sent = 0;

  while (sent < length)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_send (socket, data + sent, length - sent, NULL, &error);

      if (n >= 0)
        sent += n;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, FALSE);
        }
      else
        break;  /* the listener hung up on us */
    }
  if (half_close)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  return raw_read_all (socket);
}

static char *
raw_text (guint16     port,
          const char *text)
{
  return raw_exchange (port, text, strlen (text), FALSE);
}

static guint
status_of (const char *reply)
{
  char digits[4] = { 0 };
  guint64 status = 0;

  if (!g_str_has_prefix (reply, "HTTP/1.1 ") && !g_str_has_prefix (reply, "HTTP/1.0 "))
    return 0;
  memcpy (digits, reply + 9, 3);
  g_ascii_string_to_unsigned (digits, 10, 100, 599, &status, NULL);
  return status;
}

static guint
raw_status (guint16     port,
            const char *text)
{
  g_autofree char *reply = raw_text (port, text);

  return status_of (reply);
}

#define GOOD_APPROVE \
  "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=0123456789abcdef0123 HTTP/1.1\r\n" \
  "Host: 127.0.0.1\r\n\r\n"

/* The listener still answers a real redirect. */
static void
assert_still_answers (KpApprovalListener *listener,
                      guint16             port,
                      Received           *received)
{
  guint n = received->n;
  g_autofree char *reply = raw_text (port, GOOD_APPROVE);

  g_assert_cmpuint (status_of (reply), ==, 200);
  g_assert_nonnull (strstr (reply, "Connection: close\r\n"));
  g_assert_cmpuint (received->n, ==, n + 1);
  g_assert_cmpstr (received->order_id, ==, "T1-1");
}

static void
test_limits_size (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) request = g_string_new (NULL);
  g_autofree char *reply = NULL;
  Received received = { NULL };
  guint16 port;

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);
  assert_still_answers (listener, port, &received);

  /* A request target over the limit: 414; just under it: an ordinary 404. */
  g_string_assign (request, "GET /kakaopay/approve/");
  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_URI_LENGTH; i++)
    g_string_append_c (request, 'a');
  g_string_append (request, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_cmpuint (raw_status (port, request->str), ==, 414);
  g_string_assign (request, "GET /kakaopay/approve/x?n=");
  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_URI_LENGTH - 40; i++)
    g_string_append_c (request, 'b');
  g_string_append (request, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_cmpuint (raw_status (port, request->str), ==, 404);

  /* Percent-encoding counts as what it decodes to; the query as sent. */
  g_string_assign (request, "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=t&x=");
  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_URI_LENGTH; i++)
    g_string_append (request, "%41");
  g_string_append (request, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  g_assert_cmpuint (raw_status (port, request->str), ==, 414);

  /* Headers over 8 KiB: 431, whether many small ones or one big one. */
  g_string_assign (request, "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=t HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\n");
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (request, "X-Filler-%03u: %090u\r\n", i, i);
  g_string_append (request, "\r\n");
  g_assert_cmpuint (raw_status (port, request->str), ==, 431);
  g_string_assign (request, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ");
  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_HEADER_BYTES; i++)
    g_string_append_c (request, 'c');
  g_string_append (request, "\r\n\r\n");
  g_assert_cmpuint (raw_status (port, request->str), ==, 431);

  /* Far beyond the limit: 431 once 8 KiB came (or a reset while the rest still comes). */
  g_string_assign (request, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (request, "X-Filler-%04u: %090u\r\n", i, i);
  g_string_append (request, "\r\n");
  reply = raw_exchange (port, request->str, request->len, TRUE);
  g_assert_cmpuint (status_of (reply), !=, 200);
  g_assert_cmpuint (received.n, ==, 1);

  assert_still_answers (listener, port, &received);
  g_assert_cmpuint (received.n, ==, 2);

  g_free (received.order_id);
  g_free (received.pg_token);
}

static void
test_limits_body (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  Received received = { NULL };
  guint16 port;
  const char *requests[] = {
    /* A small body on a real callback URL: no callback. */
    "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=t HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Length: 10\r\n\r\n0123456789",
    "POST /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=t HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\na=b&c=d",
    /* Announced big, sent small: refused before the body, not after 10 MB. */
    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n0123456789",
    "PUT /kakaopay/cancel/T1-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Length: 9223372036854775807\r\n\r\n",
    /* Beyond G_MAXINT64: libsoup reads it as a negative length. */
    "P / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 17777777777777777777777\r\n\r\n",
    "GET /kakaopay/fail/T1-1?n=" LINK_FAIL_T1_1 " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
    /* No 100 Continue: the refusal comes instead. */
    "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
    /* A path libsoup itself refuses still gets no body read. */
    "POST /%00 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\nxx",
  };

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *reply = raw_exchange (port, requests[i], strlen (requests[i]), TRUE);

      g_test_message ("request %u: %.40s", i, reply);
      g_assert_cmpuint (status_of (reply), ==, 413);
      g_assert_nonnull (strstr (reply, "Connection: close\r\n"));
    }

  /* A big body actually sent: the answer is still 413 (or a reset once the listener
   * stopped reading), never a callback, and the connection ends. */
  {
    g_autoptr (GString) request = g_string_new ("GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1
                                                "&pg_token=t HTTP/1.1\r\nHost: x\r\n"
                                                "Content-Length: 1048576\r\n\r\n");
    g_autofree char *reply = NULL;
    gsize headers_length = request->len;

    g_string_set_size (request, headers_length + 1048576);
    memset (request->str + headers_length, 'x', 1048576);
    reply = raw_exchange (port, request->str, request->len, TRUE);
    g_assert_true (status_of (reply) == 413 || status_of (reply) == 0);
  }

  /* An empty body is no body. */
  g_assert_cmpuint (raw_status (port, "GET /kakaopay/fail/T1-1?n=" LINK_FAIL_T1_1 " HTTP/1.1\r\n"
                                      "Host: x\r\nContent-Length: 0\r\n\r\n"), ==, 200);
  g_assert_cmpuint (received.n, ==, 1);
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_FAIL);
  assert_still_answers (listener, port, &received);

  g_free (received.order_id);
  g_free (received.pg_token);
}

static void
test_limits_garbage (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) binary = g_string_new (NULL);
  Received received = { NULL };
  guint16 port;
  const char *texts[] = {
    "\r\n\r\n",
    "GET\r\n\r\n",
    "GET / HTTP/9.9\r\n\r\n",
    "GET /kakaopay/approve/T1-1 HTTP/1.1\r\n\r\n",                    /* no Host */
    "GET http://evil/kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 " HTTP/1.1\r\nHost: a/b\r\n\r\n",
    "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=a%20b HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token=%ff HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1 "&pg_token= HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/T1-1/../../x?n=" NONCE " HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/T1%2D1?n=" LINK_APPROVE_T1_1 "&pg_token=t HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/T1%00-1?n=" NONCE " HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay/approve/%%%?n=%%%&&&=== HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /kakaopay//T1-1?n=" NONCE " HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET * HTTP/1.1\r\nHost: x\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n: novalue\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
    "GET /kakaopay/cancel/T1-1?n=" LINK_CANCEL_T1_1 " HTTP/1.0\r\n\r\n",
  };

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  /* Binary garbage, a NUL in the request line, a lone request line: refused or dropped. */
  for (guint i = 0; i < 1024; i++)
    g_string_append_c (binary, (char) ((i * 7919) & 0xff));
  for (guint half_close = 0; half_close < 2; half_close++)
    {
      /* Without an end of headers the listener waits for more: end the input. */
      g_autofree char *reply = raw_exchange (port, binary->str, binary->len, TRUE);
      static const char with_nul[] = "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n";
      g_autofree char *nul = raw_exchange (port, with_nul, sizeof with_nul - 1, half_close);

      g_assert_cmpuint (status_of (reply), !=, 200);
      g_assert_cmpuint (status_of (nul), !=, 200);
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *reply = raw_exchange (port, texts[i], strlen (texts[i]), TRUE);

      g_test_message ("request %u: %.40s", i, reply);
      /* The %2D order id is a real callback. (libsoup 3.2 keeps the query in the path of
       * an HTTP/1.0 request without Host, so that cancel is an unknown order.) */
      if (i == 9)
        g_assert_cmpuint (status_of (reply), ==, 200);
      else
        g_assert_cmpuint (status_of (reply), !=, 200);
    }
  g_assert_cmpuint (received.n, ==, 1);

  /* Expect: 100-continue without a body: "100 Continue", the answer, and the end of the
   * connection (libsoup drops the Connection header after a 100 Continue). */
  {
    g_autofree char *reply = raw_text (port, "GET /kakaopay/cancel/T1-1?n=" LINK_CANCEL_T1_1 " HTTP/1.1\r\n"
                                             "Host: x\r\nExpect: 100-continue\r\n\r\n");

    g_assert_cmpuint (status_of (reply), ==, 100);
    g_assert_nonnull (strstr (reply, "\r\n\r\nHTTP/1.1 200 OK\r\n"));
    g_assert_cmpuint (received.n, ==, 2);
    g_assert_cmpint (received.kind, ==, KP_CALLBACK_CANCEL);
  }

  assert_still_answers (listener, port, &received);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* Connects from @source (a loopback address other than 127.0.0.1 plays another phone). */
static GSocketConnection *
raw_connect_from (guint16     port,
                  const char *source)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (source);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (address, 0);
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_local_address (client, local);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (g_socket_connection_get_socket (connection), FALSE);
  return connection;
}

/* Lets the in-process listener take every connection that is waiting. */
static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Connections that send half a request, or nothing, then hang up or just stay. */
static void
test_limits_connections (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *reply = NULL;
  Received received = { NULL };
  guint16 port;
  guint rejected;
  gint64 deadline;

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  /* Half a request, then the client goes away without reading. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (GSocketConnection) connection = raw_connect (port);

      g_socket_send (g_socket_connection_get_socket (connection), "GET /kakaopay/appr", 18,
                     NULL, NULL);
      g_main_context_iteration (NULL, FALSE);
    }
  assert_still_answers (listener, port, &received);

  /* Half a request, then the sending side closes: the listener answers 400 and closes. */
  g_clear_pointer (&reply, g_free);
  reply = raw_exchange (port, "GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1,
                       strlen ("GET /kakaopay/approve/T1-1?n=" LINK_APPROVE_T1_1), TRUE);
  g_assert_cmpuint (status_of (reply), ==, 400);

  /* Another phone's idle connections up to the limit: a real redirect still gets
   * through. */
  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_CONNECTIONS - 1; i++)
    {
      g_ptr_array_add (idle, raw_connect_from (port, "127.0.0.2"));
      drain_main_context ();
    }
  assert_still_answers (listener, port, &received);

  /* One more idle one fills the table; the next connection closes the oldest idle one
   * (unanswered) and is served. */
  g_ptr_array_add (idle, raw_connect_from (port, "127.0.0.2"));
  drain_main_context ();
  rejected = kp_approval_listener_get_n_rejected (listener);
  assert_still_answers (listener, port, &received);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, rejected + 1);
  g_clear_pointer (&reply, g_free);
  reply = raw_read_all (g_socket_connection_get_socket (idle->pdata[0]));
  g_assert_cmpstr (reply, ==, "");

  /* The idle ones leave: the listener serves again. */
  g_ptr_array_set_size (idle, 0);
  deadline = g_get_monotonic_time () + WAIT_US;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;

      g_main_context_iteration (NULL, FALSE);
      text = raw_text (port, "GET /kakaopay/fail/T1-1?n=" LINK_FAIL_T1_1 " HTTP/1.1\r\nHost: x\r\n\r\n");
      if (status_of (text) == 200)
        break;
      g_usleep (10000);
    }
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_FAIL);
  assert_still_answers (listener, port, &received);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* This process's resident memory, in KiB. */
static guint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* A burst from one address beyond its share: the rest wait their turn, none is lost. */
static void
test_limits_burst (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) burst = g_ptr_array_new_with_free_func (g_object_unref);
  Received received = { NULL };
  guint16 port;

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  for (guint i = 0; i < 3 * KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS; i++)
    {
      GSocketConnection *connection = raw_connect (port);

      g_socket_send (g_socket_connection_get_socket (connection), GOOD_APPROVE,
                     strlen (GOOD_APPROVE), NULL, NULL);
      g_ptr_array_add (burst, connection);
      drain_main_context ();
    }
  for (guint i = 0; i < burst->len; i++)
    {
      g_autofree char *reply = raw_read_all (g_socket_connection_get_socket (burst->pdata[i]));

      g_assert_cmpuint (status_of (reply), ==, 200);
    }
  g_assert_cmpuint (received.n, ==, burst->len);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* A request head must be complete soon after the listener starts reading it. */
static void
test_limits_head_timeout (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  Received received = { NULL };
  guint16 port;

  kp_approval_listener_set_head_timeout (listener, 1);
  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  for (guint i = 0; i < 2; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GSocketConnection) connection = raw_connect (port);
      GSocket *socket = g_socket_connection_get_socket (connection);
      g_autofree char *reply = NULL;
      static const char half[] = "GET /kakaopay/approve/T1-1?n=" NONCE " HTTP/1.1\r\nHo";

      /* Half a head gets 408; nothing at all, just the end of the connection. */
      if (i == 0)
        g_socket_send (socket, half, sizeof half - 1, NULL, NULL);
      reply = raw_read_all (socket);
      g_test_message ("closed after %" G_GINT64_FORMAT " ms: %.30s",
                      (g_get_monotonic_time () - start) / 1000, reply);
      g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
      if (i == 0)
        g_assert_cmpuint (status_of (reply), ==, 408);
      else
        g_assert_cmpstr (reply, ==, "");
    }
  g_assert_cmpuint (received.n, ==, 0);
  assert_still_answers (listener, port, &received);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* Requests libsoup 3.2 cannot frame (each kept ~60 KB for good), and connections that
 * come and go: the listener's memory stays put. */
static void
test_limits_flood (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *target = g_strnfill (60 * 1024, 'a');
  Received received = { NULL };
  const char *framing[] = {
    "Transfer-Encoding: gzip, identity",
    "Content-Length: twelve",
    "Content-Length: -1",
    "Transfer-Encoding: chunked, gzip",
  };
  guint64 before, after;
  guint16 port;

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  for (guint round = 0; round < 2; round++)
    {
      /* The first round settles the allocator; the second is measured. */
      guint n = round == 0 ? 100 : 2000;

      before = rss_kib ();
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *request = NULL;
          g_autofree char *reply = NULL;

          request = g_strdup_printf ("GET /%s HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n",
                                     i % 2 == 0 ? target : "kakaopay/approve/T1-1",
                                     framing[i % G_N_ELEMENTS (framing)]);
          reply = raw_exchange (port, request, strlen (request), TRUE);
          g_assert_cmpuint (status_of (reply), !=, 200);
        }
      for (guint i = 0; i < n; i++)
        {
          g_object_unref (raw_connect (port));
          drain_main_context ();
        }
      drain_main_context ();
      after = rss_kib ();
    }

  g_test_message ("listener RSS: %" G_GUINT64_FORMAT " KiB before 2,000 unframeable requests "
                  "and 2,000 empty connections, %" G_GUINT64_FORMAT " KiB after (%+"
                  G_GINT64_FORMAT " KiB)", before, after, (gint64) (after - before));
  /* AddressSanitizer keeps freed memory in quarantine: there, its leak check at exit
   * (with no suppression for libsoup's parser or accepted sockets) stands in. */
#ifndef UNDER_ASAN
  g_assert_cmpint ((gint64) (after - before), <, 4 * 1024);
#endif
  g_assert_cmpuint (received.n, ==, 0);
  assert_still_answers (listener, port, &received);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* More idle connections than the listener serves at once, from one phone: another
 * phone's redirect is still answered, at once. */
static void
test_limits_slowloris (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  Received received = { NULL };
  gint64 start;
  guint16 port;

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  port = listener_port (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-1", NONCE);

  for (guint i = 0; i < KP_APPROVAL_LISTENER_MAX_CONNECTIONS + 16; i++)
    {
      GSocketConnection *connection = raw_connect_from (port, "127.0.0.2");

      /* Half of them send half a request line, the others nothing. */
      if (i % 2 == 0)
        g_socket_send (g_socket_connection_get_socket (connection), "GET /kakaopay/appr", 18,
                       NULL, NULL);
      g_ptr_array_add (idle, connection);
      drain_main_context ();
    }

  start = g_get_monotonic_time ();
  assert_still_answers (listener, port, &received);
  g_test_message ("answered in %" G_GINT64_FORMAT " ms beside %u idle connections",
                  (g_get_monotonic_time () - start) / 1000, idle->len);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  g_free (received.order_id);
  g_free (received.pg_token);
}

/* The validation alone, without a server round trip. */
static void
test_check_request (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *long_order = g_strnfill (KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH + 1, 'o');
  g_autofree char *max_order = g_strnfill (KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH, 'o');
  g_autofree char *long_nonce = g_strnfill (KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH + 1, 'f');
  g_autofree char *long_token = g_strnfill (KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH + 1, 't');
  g_autofree char *max_token = g_strnfill (KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH, 't');
  g_autofree char *path = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *max_link = NULL;
  const char *pg_token = NULL;
  KpCallbackKind kind = KP_CALLBACK_FAIL;

#define CHECK(method, p) \
  kp_approval_listener_check_request (listener, method, p, query, &kind, &order_id, &pg_token)

  kp_approval_listener_expect (listener, "T1-1", NONCE);
  kp_approval_listener_expect (listener, max_order, NONCE);
  g_hash_table_insert (query, (char *) "n", (char *) LINK_APPROVE_T1_1);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "0123456789abcdef0123");

  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 200);
  g_assert_cmpint (kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpstr (order_id, ==, "T1-1");
  g_assert_cmpstr (pg_token, ==, "0123456789abcdef0123");
  g_clear_pointer (&order_id, g_free);
  /* The approve link is no cancel link. */
  g_assert_cmpuint (CHECK ("HEAD", "/kakaopay/cancel/T1-1"), ==, 404);
  g_hash_table_insert (query, (char *) "n", (char *) LINK_CANCEL_T1_1);
  g_assert_cmpuint (CHECK ("HEAD", "/kakaopay/cancel/T1-1"), ==, 200);
  g_assert_cmpint (kind, ==, KP_CALLBACK_CANCEL);
  g_assert_null (pg_token);
  g_clear_pointer (&order_id, g_free);
  g_hash_table_insert (query, (char *) "n", (char *) LINK_APPROVE_T1_1);

  g_assert_cmpuint (CHECK ("POST", "/kakaopay/approve/T1-1"), ==, 405);
  g_assert_cmpuint (CHECK (NULL, "/kakaopay/approve/T1-1"), ==, 405);
  g_assert_cmpuint (CHECK ("get", "/kakaopay/approve/T1-1"), ==, 405);
  g_assert_cmpuint (CHECK ("GET", NULL), ==, 404);
  g_assert_cmpuint (CHECK ("GET", ""), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approv/T1-1"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approvee/T1-1"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1/"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1/x"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "//kakaopay/approve/T1-1"), ==, 404);
  g_assert_cmpuint (CHECK ("GET", "/KakaoPay/approve/T1-1"), ==, 404);

  /* Lengths: the longest order id still works, one more is never looked up. */
  path = g_strconcat ("/kakaopay/fail/", max_order, NULL);
  max_link = kp_callback_link_nonce (NONCE, KP_CALLBACK_FAIL, max_order, LINK_EXPIRES);
  g_hash_table_insert (query, (char *) "n", max_link);
  g_assert_cmpuint (CHECK ("GET", path), ==, 200);
  g_clear_pointer (&order_id, g_free);
  g_clear_pointer (&path, g_free);
  path = g_strconcat ("/kakaopay/fail/", long_order, NULL);
  g_assert_cmpuint (CHECK ("GET", path), ==, 404);
  g_hash_table_insert (query, (char *) "n", long_nonce);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/fail/T1-1"), ==, 404);
  g_hash_table_remove (query, "n");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/fail/T1-1"), ==, 404);
  g_hash_table_insert (query, (char *) "n", (char *) "");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/fail/T1-1"), ==, 404);
  g_hash_table_insert (query, (char *) "n", (char *) LINK_FAIL_T1_1 "0");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/fail/T1-1"), ==, 404);
  /* The sale's secret itself is no link. */
  g_hash_table_insert (query, (char *) "n", (char *) NONCE);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/fail/T1-1"), ==, 404);
  g_hash_table_insert (query, (char *) "n", (char *) LINK_APPROVE_T1_1);

  /* pg_token: present, at most 100 bytes, printable ASCII. */
  g_hash_table_insert (query, (char *) "pg_token", max_token);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 200);
  g_clear_pointer (&order_id, g_free);
  g_hash_table_insert (query, (char *) "pg_token", long_token);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "a b");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "토큰");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  g_hash_table_insert (query, (char *) "pg_token", (char *) "a\nb");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  g_hash_table_remove (query, "pg_token");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/approve/T1-1"), ==, 400);
  /* ... but a cancel needs none and ignores a bad one. */
  g_hash_table_insert (query, (char *) "pg_token", (char *) "a b");
  g_hash_table_insert (query, (char *) "n", (char *) LINK_CANCEL_T1_1);
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/cancel/T1-1"), ==, 200);
  g_assert_null (pg_token);
  g_clear_pointer (&order_id, g_free);

  /* Ended: the real nonce gets 410, anything else 404; no query at all is fine. */
  kp_approval_listener_forget (listener, "T1-1");
  g_assert_cmpuint (CHECK ("GET", "/kakaopay/cancel/T1-1"), ==, 410);
  g_assert_cmpuint (kp_approval_listener_check_request (listener, "GET",
                                                        "/kakaopay/cancel/T1-1", NULL, &kind,
                                                        &order_id, &pg_token), ==, 404);
  g_assert_null (order_id);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 0);
#undef CHECK
}

static void
test_helpers (void)
{
  g_autofree char *a = kp_random_hex (16);
  g_autofree char *b = kp_random_hex (16);

  g_assert_cmpuint (strlen (a), ==, 32);
  g_assert_cmpstr (a, !=, b);
}

/* A sale waiting in the sandbox, watched by a listener-equipped monitor. */
typedef struct
{
  KpSandbox          *sandbox;
  KpClient           *client;
  KpApprovalListener *listener;
  SoupSession        *session;
  char               *listener_url;
  char               *tid;
  char               *pc_url;
  GArray             *statuses;
  int                 outcome;
  char               *pg_token;
  guint               n_outcomes;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpReadyRequest) rr = kp_ready_request_new ();
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *base = NULL;
  KpTestAsync async = { NULL };

  f->sandbox = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  base = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (base, KP_DIALECT_ONLINE, KP_SANDBOX_DEFAULT_KEY);
  f->listener = kp_approval_listener_new ();
  g_assert_true (kp_approval_listener_listen (f->listener, "127.0.0.1", 0, &error));
  f->listener_url = kp_approval_listener_dup_url (f->listener);
  f->session = kp_test_session_new ();
  f->statuses = g_array_new (FALSE, FALSE, sizeof (int));
  f->outcome = -1;

  rr->cid = g_strdup ("TC0ONETIME");
  rr->partner_order_id = g_strdup ("T1-1");
  rr->partner_user_id = g_strdup ("T1");
  rr->item_name = g_strdup ("라떼");
  rr->total_amount = 4500;
  rr->approval_url = kp_callback_url (f->listener_url, KP_CALLBACK_APPROVE, "T1-1", NONCE,
                                      LINK_EXPIRES);
  rr->cancel_url = kp_callback_url (f->listener_url, KP_CALLBACK_CANCEL, "T1-1", NONCE,
                                    LINK_EXPIRES);
  rr->fail_url = kp_callback_url (f->listener_url, KP_CALLBACK_FAIL, "T1-1", NONCE,
                                  LINK_EXPIRES);
  kp_client_ready_async (f->client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_ready_finish (f->client, result, &error);
  g_assert_no_error (error);
  f->tid = g_strdup (reply->tid);
  f->pc_url = g_strdup (reply->next_redirect_pc_url);
}

/* g_assert_finalize_object (), allowing a moment: a poll cancelled as its sale ended
 * holds the client until its callback has run, which on a loaded machine (or under
 * ASan) can still be pending when the test ends. */
static void
assert_finalized_soon (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (weak);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_object_unref (f->session);
  assert_finalized_soon (f->listener);
  assert_finalized_soon (f->client);
  assert_finalized_soon (f->sandbox);
  g_array_unref (f->statuses);
  g_free (f->listener_url);
  g_free (f->tid);
  g_free (f->pc_url);
  g_free (f->pg_token);
}

static void
on_status_cb (KpSaleMonitor *monitor,
              int            status,
              Fixture       *f)
{
  g_array_append_val (f->statuses, status);
}

static void
on_outcome_cb (KpSaleMonitor *monitor,
               int            outcome,
               const char    *pg_token,
               Fixture       *f)
{
  f->n_outcomes++;
  f->outcome = outcome;
  g_free (f->pg_token);
  f->pg_token = g_strdup (pg_token);
}

static KpSaleMonitor *
watch (Fixture *f,
       gint64   seconds_left)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) expires = g_date_time_add_seconds (now, seconds_left);
  KpSaleMonitor *monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1",
                                                NONCE, f->tid, expires, 100);

  g_signal_connect (monitor, "status-changed", G_CALLBACK (on_status_cb), f);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);
  return monitor;
}

static void
iterate_until (gboolean (*done) (Fixture *), Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_outcome (Fixture *f)
{
  return f->n_outcomes > 0;
}

static gboolean
saw_open (Fixture *f)
{
  for (guint i = 0; i < f->statuses->len; i++)
    if (g_array_index (f->statuses, int, i) == KP_STATUS_OPEN_PAYMENT)
      return TRUE;
  return FALSE;
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

/* The customer's phone follows the redirect to our listener: approval wins, the
 * duplicate reload and a later cancel are ignored, and the poller stops. */
static void
test_monitor_approve (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;
  g_autofree char *page = NULL;
  g_autoptr (GError) error = NULL;
  guint polls;

  kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  iterate_until (saw_open, f);
  g_assert_false (kp_sale_monitor_is_decided (monitor));

  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_PAY, "MONEY", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get (f->session, "GET", redirect, &page), ==, 200);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_AUTHORIZED);
  g_assert_cmpuint (strlen (f->pg_token), ==, 20);
  g_assert_false (kp_sale_monitor_is_polling (monitor));

  /* A reload, then a forged cancel: nothing changes. */
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 200);
  kp_sale_monitor_deliver (monitor, KP_CALLBACK_CANCEL, NULL);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_AUTHORIZED);

  /* No timers keep running once decided. */
  polls = kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER);
  settle (400);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, polls);

  /* Once the sale is over, its link answers 410. */
  kp_sale_monitor_stop (monitor);
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 410);
}

/* The customer cancels but the phone never comes back to us: the poller sees it. */
static void
test_monitor_quit_by_poll (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;

  g_free (kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_OPEN, NULL, NULL));
  iterate_until (saw_open, f);
  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_CANCEL, NULL, NULL);
  g_assert_nonnull (redirect);
  iterate_until (has_outcome, f);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_CANCELLED);
  g_assert_cmpint (kp_sale_monitor_get_status (monitor), ==, KP_STATUS_QUIT_PAYMENT);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

static void
test_monitor_fail_redirect (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;

  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_FAIL, NULL, NULL);
  g_assert_true (g_str_has_prefix (redirect, f->listener_url));
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 200);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_FAILED);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
}

static void
test_monitor_forged (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *url = g_strdup_printf ("%s/kakaopay/approve/T1-1?n=%s&pg_token=forged",
                                          f->listener_url, "ffffffffffffffffffffffffffffffff");

  g_assert_cmpuint (get (f->session, "GET", url, NULL), ==, 404);
  settle (250);
  g_assert_cmpuint (f->n_outcomes, ==, 0);
  g_assert_true (kp_sale_monitor_is_polling (monitor));
}

/* The expiry timer: nothing else can end this sale (the sandbox's tid lives 900 s), so
 * the outcome does not depend on how long the second below takes. */
static void
test_monitor_expiry (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 1);

  iterate_until (has_outcome, f);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

static GDateTime *
sandbox_clock (gpointer user_data)
{
  return kp_sandbox_now (user_data);
}

/* KakaoPay's QUIT_PAYMENT past the tid's lifetime is an expiry, not a customer who
 * walked away (monitor-quit-by-poll); the monitor measures the lifetime on its clock,
 * here the sandbox's, which the test moves past both lifetimes (600 s and 900 s). */
static void
test_monitor_expired_at_kakaopay (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr (GDateTime) now = kp_sandbox_now (f->sandbox);
  g_autoptr (GDateTime) expires = g_date_time_add_seconds (now, 600);
  g_autoptr (KpSaleMonitor) monitor = NULL;

  monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1", NONCE, f->tid,
                                 expires, 100);
  kp_sale_monitor_set_clock (monitor, sandbox_clock, f->sandbox);
  g_signal_connect (monitor, "status-changed", G_CALLBACK (on_status_cb), f);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);

  kp_sandbox_advance_clock (f->sandbox, 960);
  iterate_until (has_outcome, f);
  g_assert_cmpuint (f->statuses->len, ==, 1);
  g_assert_cmpint (g_array_index (f->statuses, int, 0), ==, KP_STATUS_QUIT_PAYMENT);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

static KpSaleMonitor *
watch_on_sandbox_clock (Fixture *f,
                        gint64   seconds_left,
                        guint    poll_interval_ms)
{
  g_autoptr (GDateTime) now = kp_sandbox_now (f->sandbox);
  g_autoptr (GDateTime) expires = g_date_time_add_seconds (now, seconds_left);
  KpSaleMonitor *monitor = NULL;

  monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1", NONCE, f->tid,
                                 expires, poll_interval_ms);
  kp_sale_monitor_set_clock (monitor, sandbox_clock, f->sandbox);
  g_signal_connect (monitor, "status-changed", G_CALLBACK (on_status_cb), f);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);
  return monitor;
}

/* KakaoPay keeps the tid 20 s, the terminal was told 900 s: its QUIT_PAYMENT comes
 * long before our expiry, with nobody seen on the page and no cancel redirect. That
 * is the tid expiring, not the customer cancelling. */
static void
test_monitor_expired_shorter_lifetime (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = NULL;

  kp_sandbox_set_tid_ttl (f->sandbox, 20);
  monitor = watch_on_sandbox_clock (f, 900, 100);
  kp_sandbox_advance_clock (f->sandbox, 25);
  iterate_until (has_outcome, f);
  g_assert_cmpint (kp_sale_monitor_get_status (monitor), ==, KP_STATUS_QUIT_PAYMENT);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

/* Same lifetimes; the customer cancels within them and the phone comes back to us:
 * cancelled, also when the poller sees QUIT_PAYMENT before the redirect arrives. */
static void
test_monitor_cancel_redirect_short_lifetime (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = NULL;
  g_autofree char *redirect = NULL;

  kp_sandbox_set_tid_ttl (f->sandbox, 20);
  /* Polls a second apart leave the redirect two to arrive after a QUIT_PAYMENT. */
  monitor = watch_on_sandbox_clock (f, 900, 1000);
  kp_sandbox_advance_clock (f->sandbox, 10);
  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_CANCEL, NULL, NULL);
  g_assert_true (g_str_has_prefix (redirect, f->listener_url));
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 200);
  iterate_until (has_outcome, f);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_CANCELLED);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
}

/* A sale whose tid ran out while nobody watched (say, across a restart) ends as
 * expired at once, without a poll. */
static void
test_monitor_expired_by_poll (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (GDateTime) past = g_date_time_new_now_utc ();
  g_autoptr (KpSaleMonitor) monitor = NULL;

  monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1", NONCE, f->tid,
                                 past, 100);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 0);
}

static void
iterate_until_polls (KpStatusPoller *poller,
                     guint           n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (kp_status_poller_get_n_polls (poller) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_poller_stops (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (KpStatusPoller) poller = kp_status_poller_new (f->client, "TC0ONETIME", f->tid, 50);
  guint n;

  g_assert_false (kp_status_poller_is_running (poller));
  settle (200);
  g_assert_cmpuint (kp_status_poller_get_n_polls (poller), ==, 0);

  kp_status_poller_start (poller);
  iterate_until_polls (poller, 2);
  kp_status_poller_stop (poller);
  n = kp_status_poller_get_n_polls (poller);
  settle (300);
  g_assert_cmpuint (kp_status_poller_get_n_polls (poller), ==, n);

  /* A final status stops it by itself. */
  g_free (kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_CANCEL, NULL, NULL));
  kp_status_poller_start (poller);
  while (kp_status_poller_is_running (poller))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (kp_status_poller_get_status (poller), ==, KP_STATUS_QUIT_PAYMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/approval/listener", test_listener);
  g_test_add_func ("/kp/approval/check-page", test_check_page);
  g_test_add_func ("/kp/approval/helpers", test_helpers);
  g_test_add_func ("/kp/approval/deliver", test_deliver);
  g_test_add_func ("/kp/approval/link", test_link);
  g_test_add_func ("/kp/approval/check-request", test_check_request);
  g_test_add_func ("/kp/approval/limits-size", test_limits_size);
  g_test_add_func ("/kp/approval/limits-body", test_limits_body);
  g_test_add_func ("/kp/approval/limits-garbage", test_limits_garbage);
  g_test_add_func ("/kp/approval/limits-connections", test_limits_connections);
  g_test_add_func ("/kp/approval/limits-burst", test_limits_burst);
  g_test_add_func ("/kp/approval/limits-head-timeout", test_limits_head_timeout);
  g_test_add_func ("/kp/approval/limits-flood", test_limits_flood);
  g_test_add_func ("/kp/approval/limits-slowloris", test_limits_slowloris);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kp/approval/monitor-approve", test_monitor_approve);
  ADD ("/kp/approval/monitor-quit-by-poll", test_monitor_quit_by_poll);
  ADD ("/kp/approval/monitor-fail-redirect", test_monitor_fail_redirect);
  ADD ("/kp/approval/monitor-forged", test_monitor_forged);
  ADD ("/kp/approval/monitor-expiry", test_monitor_expiry);
  ADD ("/kp/approval/monitor-expired-at-kakaopay", test_monitor_expired_at_kakaopay);
  ADD ("/kp/approval/monitor-expired-by-poll", test_monitor_expired_by_poll);
  ADD ("/kp/approval/monitor-expired-shorter-lifetime", test_monitor_expired_shorter_lifetime);
  ADD ("/kp/approval/monitor-cancel-redirect-short-lifetime",
       test_monitor_cancel_redirect_short_lifetime);
  ADD ("/kp/approval/poller-stops", test_poller_stops);
#undef ADD

  return g_test_run ();
}
