/* fuzz-listener.c: libFuzzer target for the approval listener's request handling
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One KpApprovalListener listens on 127.0.0.1 for the whole run. Each input is written
 * as raw bytes on a new connection (then the sending side is closed), so it meets the
 * listener's request screening (kp-http-guard-head.c) before libsoup, as a phone's would. The
 * main context is iterated until the listener has answered and closed the connection; a
 * listener that neither answers nor closes within a few seconds is a finding. The same
 * input is also read as a request target and given to
 * kp_approval_listener_check_request() directly, which sees paths and queries no
 * HTTP parser lets through.
 *
 * So that inputs get past the link check, the secret of an expected sale (NONCE or
 * NONCE_ENDED) anywhere in an input stands for the link of the kind and order in the
 * first `/kakaopay/{kind}/{order}` of it (valid until 2100).
 */

#include <libsoup/soup.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "kp-approval-listener.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define NONCE       "0123456789abcdef0123456789abcdef"
#define NONCE_ENDED "fedcba9876543210fedcba9876543210"

/* How long one input may take before the listener counts as hung. */
#define ANSWER_SECONDS 5

/* A finding outside an assertion: abort, so libFuzzer saves the input. */
#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

static KpApprovalListener *listener;
static GSocketClient *client;
static GSocketAddress *address;
static guint n_callbacks;

static void
on_callback_cb (KpApprovalListener *self,
                const char         *order_id,
                KpCallbackKind      kind,
                const char         *pg_token,
                gpointer            user_data)
{
  g_assert_true (g_str_equal (order_id, "T1-20261125-0001") || g_str_equal (order_id, "T1-1"));
  g_assert_cmpint (kind, <=, KP_CALLBACK_FAIL);
  if (kind == KP_CALLBACK_APPROVE)
    g_assert_true (pg_token != NULL && *pg_token != '\0' &&
                   strlen (pg_token) <= KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH);
  else
    g_assert_null (pg_token);
  n_callbacks++;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *url = NULL;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  kp_fuzz_abort_on_warnings ();

  listener = kp_approval_listener_new ();
  if (!kp_approval_listener_listen (listener, "127.0.0.1", 0, &error))
    FAIL ("cannot listen: %s", error->message);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), NULL);

  /* Orders the corpus knows: two waiting, one ended (its real link answers 410). */
  kp_approval_listener_expect (listener, "T1-20261125-0001", NONCE);
  kp_approval_listener_expect (listener, "T1-1", NONCE);
  kp_approval_listener_expect (listener, "T1-20261125-0002", NONCE_ENDED);
  kp_approval_listener_forget (listener, "T1-20261125-0002");

  url = kp_approval_listener_dup_url (listener);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, g_uri_get_port (uri));
  client = g_socket_client_new ();
  return 0;
}

static gboolean
on_wake_cb (gpointer user_data)
{
  gboolean *woken = user_data;

  *woken = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
on_readable_cb (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  return on_wake_cb (user_data);
}

/* Runs the listener until @socket has something for us, or @deadline (µs) passed. */
static void
wait_for (GSocket *socket,
          gint64   deadline)
{
  g_autoptr (GSource) readable = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                                         NULL);
  g_autoptr (GSource) timeout = NULL;
  gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
  gboolean woken = FALSE;

  timeout = g_timeout_source_new (MAX (left_ms, 0) + 1);
  g_source_set_callback (readable, G_SOURCE_FUNC (on_readable_cb), &woken, NULL);
  g_source_set_callback (timeout, on_wake_cb, &woken, NULL);
  g_source_attach (readable, NULL);
  g_source_attach (timeout, NULL);
  while (!woken)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (readable);
  g_source_destroy (timeout);
}

static void
exchange (const uint8_t *data,
          size_t         size)
{
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) reply = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + ANSWER_SECONDS * G_USEC_PER_SEC;
  guint callbacks_before = n_callbacks;
  const char *final;
  GSocket *socket;
  gsize sent = 0;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  if (connection == NULL)
    FAIL ("cannot connect to the listener: %s", error->message);
  socket = g_socket_connection_get_socket (connection);
  g_socket_set_blocking (socket, FALSE);

  while (sent < size)
    {
      g_autoptr (GError) send_error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + sent, size - sent, NULL,
                                &send_error);

      if (n >= 0)
        sent += n;
      else if (g_error_matches (send_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_main_context_iteration (NULL, FALSE);
      else
        break;  /* refused and closed early */
      if (g_get_monotonic_time () > deadline)
        FAIL ("the listener stopped reading for %d s", ANSWER_SECONDS);
    }
  g_socket_shutdown (socket, FALSE, TRUE, NULL);

  for (;;)
    {
      g_autoptr (GError) receive_error = NULL;
      char buffer[4096];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &receive_error);

      if (n > 0)
        g_string_append_len (reply, buffer, n);
      else if (n == 0 || !g_error_matches (receive_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      else if (g_get_monotonic_time () > deadline)
        FAIL ("the listener neither answered nor closed within %d s (%" G_GSIZE_FORMAT
              " bytes came: %.60s)", ANSWER_SECONDS, reply->len, reply->str);
      else
        wait_for (socket, deadline);
    }

  /* Whatever came is HTTP; a callback was answered 200 (after any 1xx). */
  final = reply->str;
  while ((g_str_has_prefix (final, "HTTP/1.1 1") || g_str_has_prefix (final, "HTTP/1.0 1")) &&
         strstr (final, "\r\n\r\n") != NULL)
    final = strstr (final, "\r\n\r\n") + 4;
  if (reply->len > 0)
    g_assert_true (g_str_has_prefix (reply->str, "HTTP/1."));
  if (n_callbacks != callbacks_before &&
      !g_str_has_prefix (final, "HTTP/1.1 200 ") && !g_str_has_prefix (final, "HTTP/1.0 200 "))
    FAIL ("a callback was answered with: %.200s", reply->str);
}

/* The input's first line as a request target, parsed the way libsoup does. */
static void
check_directly (const uint8_t *data,
                size_t         size)
{
  g_autofree char *target = g_strndup ((const char *) data, size);
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autofree char *path = NULL;
  g_autofree char *order_id = NULL;
  const char *pg_token = NULL;
  KpCallbackKind kind = KP_CALLBACK_FAIL;
  char *end = strpbrk (target, " \r\n");
  guint status;

  if (end != NULL)
    *end = '\0';
  uri = g_uri_parse_relative (NULL, target, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_autofree char *absolute = g_strconcat ("http://127.0.0.1", target, NULL);

      uri = g_uri_parse (absolute, SOUP_HTTP_URI_FLAGS, NULL);
      if (uri == NULL)
        return;
    }
  path = g_uri_unescape_string (g_uri_get_path (uri), NULL);
  if (g_uri_get_query (uri) != NULL)
    query = soup_form_decode (g_uri_get_query (uri));

  status = kp_approval_listener_check_request (listener, "GET", path, query, &kind, &order_id,
                                               &pg_token);
  switch (status)
    {
    case SOUP_STATUS_OK:
      g_assert_nonnull (order_id);
      g_assert_cmpint (kind, <=, KP_CALLBACK_FAIL);
      g_assert_true (kind != KP_CALLBACK_APPROVE || pg_token != NULL);
      break;
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_GONE:
    case SOUP_STATUS_BAD_REQUEST:
      g_assert_null (order_id);
      break;
    default:
      FAIL ("unexpected status %u", status);
    }
}

#define LINK_EXPIRES 4102444800

/* NONCE and NONCE_ENDED → the links made with them for the kind and order in the path. */
static GString *
with_links (const uint8_t *data,
            size_t         size)
{
  GString *text = g_string_new_len ((const char *) data, size);
  const char *start = strstr (text->str, "/kakaopay/");
  const char *slash;
  g_autofree char *order_id = NULL;
  KpCallbackKind kind;

  if (start == NULL)
    return text;
  start += strlen ("/kakaopay/");
  slash = memchr (start, '/', text->str + text->len - start);
  if (slash == NULL)
    return text;
  for (kind = KP_CALLBACK_APPROVE; kind <= KP_CALLBACK_FAIL; kind++)
    {
      const char *name = kp_callback_kind_to_string (kind);

      if ((size_t) (slash - start) == strlen (name) && strncmp (start, name, slash - start) == 0)
        break;
    }
  if (kind > KP_CALLBACK_FAIL)
    return text;
  order_id = g_strndup (slash + 1, strcspn (slash + 1, "? \r\n"));
  {
    g_autofree char *link = kp_callback_link_nonce (NONCE, kind, order_id, LINK_EXPIRES);
    g_autofree char *ended = kp_callback_link_nonce (NONCE_ENDED, kind, order_id, LINK_EXPIRES);

    g_string_replace (text, NONCE, link, 0);
    g_string_replace (text, NONCE_ENDED, ended, 0);
  }
  return text;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GString) text = with_links (data, size);

  check_directly ((const uint8_t *) text->str, text->len);
  exchange ((const uint8_t *) text->str, text->len);
  return 0;
}
