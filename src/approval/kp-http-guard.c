/* kp-http-guard.c: size, connection and time limits for a public SoupServer
 *
 * The limits documented in kp-approval-listener.h, shared by the listener and
 * kakaopay-relay: 413 for any request body (before it is read), 414 for a long target,
 * 431 for big headers, `Connection: close` on every answer but a WebSocket upgrade, at
 * most max_connections requests in progress (more are closed at once), each closed
 * timeout_seconds after it opened. A server hands a request it keeps on purpose (a
 * WebSocket, a long poll) out of the limits with kp_http_guard_release().
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-http-guard.h"

/* After a 413 the rest of the body is read and dropped for a moment before the socket
 * closes: closing with unread input makes the kernel send a reset, which can destroy
 * the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2

struct _KpHttpGuard
{
  SoupServer *server;       /* borrowed: the server owns nothing of ours */
  GHashTable *connections;  /* SoupServerMessage (weak) → Connection */
  guint       max_connections;
  guint       timeout_seconds;
  guint       n_refused;
  gulong      request_started_id;
};

/* A connection being served: its request, until the message is finalized. */
typedef struct
{
  GSocket *socket;
  guint    deadline_id;
  guint    timeout_seconds;
} Connection;

/* A 413 written on a connection taken over from libsoup, then a lingering close. */
typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GCancellable *cancellable;
  guint         timeout_id;
  gsize         drained;
  guint8        buffer[4096];
} Refusal;

static void
guard_clear (KpHttpGuard *guard)
{
  g_hash_table_unref (guard->connections);
}

static void
guard_release (gpointer  data,
               GClosure *closure)
{
  g_rc_box_release_full (data, (GDestroyNotify) guard_clear);
}

static void
connection_free (Connection *connection)
{
  g_clear_handle_id (&connection->deadline_id, g_source_remove);
  g_clear_object (&connection->socket);
  g_free (connection);
}

static void
refusal_free (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_clear_object (&refusal->stream);
  g_clear_object (&refusal->socket);
  g_clear_object (&refusal->cancellable);
  g_free (refusal);
}

static void
on_refusal_closed_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Refusal *refusal = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  refusal_free (refusal);
}

static void
refusal_close (Refusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL,
                           on_refusal_closed_cb, refusal);
}

static void
on_refusal_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && refusal->drained + n < DRAIN_MAX_BYTES &&
      !g_cancellable_is_cancelled (refusal->cancellable))
    {
      refusal->drained += n;
      g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer,
                                 sizeof refusal->buffer, G_PRIORITY_DEFAULT,
                                 refusal->cancellable, on_refusal_read_cb, refusal);
      return;
    }
  refusal_close (refusal);
}

static gboolean
on_refusal_timeout_cb (gpointer user_data)
{
  Refusal *refusal = user_data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }

  /* The answer is out: tell the client so, then drop what it still sends. */
  if (refusal->socket != NULL)
    g_socket_shutdown (refusal->socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream), refusal->buffer,
                             sizeof refusal->buffer, G_PRIORITY_DEFAULT, refusal->cancellable,
                             on_refusal_read_cb, refusal);
}

/* libsoup 3.2 reads a request's whole body into memory before any handler runs, even
 * when an early handler has set a status; only taking the connection over stops it. */
static void
refuse_body (KpHttpGuard       *guard,
             SoupServerMessage *msg)
{
  static const char answer[] =
    "HTTP/1.1 413 Payload Too Large\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Length: 22\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: close\r\n"
    "\r\n"
    "Requests carry no body";
  GSocket *socket = soup_server_message_get_socket (msg);
  GIOStream *stream;
  Refusal *refusal;

  guard->n_refused++;
  g_debug ("rejected a request (413): it has a body");

  refusal = g_new0 (Refusal, 1);
  refusal->socket = socket != NULL ? g_object_ref (socket) : NULL;
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      /* Not ours to take (cannot happen in got-headers): let libsoup answer. */
      refusal_free (refusal);
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      return;
    }
  refusal->stream = stream;
  refusal->cancellable = g_cancellable_new ();
  refusal->timeout_id = g_timeout_add_seconds (DRAIN_SECONDS, on_refusal_timeout_cb, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), answer,
                                   sizeof answer - 1, G_PRIORITY_DEFAULT, refusal->cancellable,
                                   on_refusal_written_cb, refusal);
}

static void
refuse_headers (KpHttpGuard       *guard,
                SoupServerMessage *msg,
                guint              status,
                const char        *reason)
{
  static const char body[] = "Request too large";

  guard->n_refused++;
  g_debug ("rejected a request (%u): %s", status, reason);
  soup_server_message_set_status (msg, status, reason);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

static void
add_header_size (const char *name,
                 const char *value,
                 gpointer    user_data)
{
  gsize *total = user_data;

  /* "Name: value\r\n" */
  *total += strlen (name) + strlen (value) + 4;
}

/* Runs after libsoup parsed the request line and headers, before it reads a body. */
static void
on_message_got_headers_cb (SoupServerMessage *msg,
                           KpHttpGuard       *guard)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  gsize uri_length = 0;
  gsize header_bytes = 0;

  /* Any length but 0: libsoup 3.2 reads a Content-Length beyond G_MAXINT64 as a
   * negative one (and then warns, creating the body stream). */
  if (encoding == SOUP_ENCODING_CHUNKED ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (headers) != 0))
    {
      refuse_body (guard, msg);
      return;
    }

  if (path != NULL)
    uri_length += strlen (path);
  if (query != NULL)
    uri_length += 1 + strlen (query);
  if (uri_length > KP_APPROVAL_LISTENER_MAX_URI_LENGTH)
    {
      refuse_headers (guard, msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, "URI Too Long");
      return;
    }

  soup_message_headers_foreach (headers, add_header_size, &header_bytes);
  if (header_bytes > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
    refuse_headers (guard, msg, 431, "Request Header Fields Too Large");
}

/* Every answer closes its connection: libsoup 3.2 neither times out an idle kept-alive
 * connection nor closes one whose client has finished sending, and leaks its socket
 * when the client finally goes. After a "100 Continue" libsoup clears the response
 * headers, so this runs again once the request is read; by then a handler may have
 * accepted a WebSocket upgrade, whose `Connection: Upgrade` stays. */
static void
close_after_response (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (soup_message_headers_header_contains (headers, "Connection", "Upgrade"))
    return;
  soup_message_headers_replace (headers, "Connection", "close");
}

static void
on_message_finalized (gpointer  user_data,
                      GObject  *where_the_message_was)
{
  KpHttpGuard *guard = user_data;

  g_hash_table_remove (guard->connections, where_the_message_was);
}

static gboolean
on_deadline_cb (gpointer user_data)
{
  Connection *connection = user_data;

  /* libsoup reads end of input (or fails to write) and closes the connection. */
  connection->deadline_id = 0;
  g_debug ("closing a connection after %u s", connection->timeout_seconds);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* A new connection (each carries one request: every answer closes it). */
static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       KpHttpGuard       *guard)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *connection;

  close_after_response (msg);
  g_signal_connect (msg, "got-body", G_CALLBACK (close_after_response), NULL);
  /* The message may outlive the guard's owner: it keeps the guard's memory alive. */
  g_signal_connect_data (msg, "got-headers", G_CALLBACK (on_message_got_headers_cb),
                         g_rc_box_acquire (guard), (GClosureNotify) guard_release, 0);
  if (socket == NULL)
    return;

  if (g_hash_table_size (guard->connections) >= guard->max_connections)
    {
      guard->n_refused++;
      g_debug ("refused a connection: %u open", guard->max_connections);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
      return;
    }

  connection = g_new0 (Connection, 1);
  connection->socket = g_object_ref (socket);
  connection->timeout_seconds = guard->timeout_seconds;
  connection->deadline_id = g_timeout_add_seconds (guard->timeout_seconds, on_deadline_cb,
                                                   connection);
  g_hash_table_insert (guard->connections, msg, connection);
  g_object_weak_ref (G_OBJECT (msg), on_message_finalized, guard);
}

/**
 * kp_http_guard_new:
 * @server: (transfer none): the server to guard; must outlive the guard, or the guard
 *   must be freed first
 *
 * Returns: (transfer full): a guard watching every request @server starts from now on
 */
KpHttpGuard *
kp_http_guard_new (SoupServer *server,
                   guint       max_connections,
                   guint       timeout_seconds)
{
  KpHttpGuard *guard;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (max_connections > 0 && timeout_seconds > 0, NULL);

  guard = g_rc_box_new0 (KpHttpGuard);
  guard->server = server;
  guard->max_connections = max_connections;
  guard->timeout_seconds = timeout_seconds;
  guard->connections = g_hash_table_new_full (NULL, NULL, NULL,
                                              (GDestroyNotify) connection_free);
  guard->request_started_id = g_signal_connect (server, "request-started",
                                                G_CALLBACK (on_request_started_cb), guard);
  return guard;
}

void
kp_http_guard_free (KpHttpGuard *guard)
{
  GHashTableIter iter;
  gpointer msg;

  if (guard == NULL)
    return;

  g_clear_signal_handler (&guard->request_started_id, guard->server);
  guard->server = NULL;
  /* Messages may outlive us (libsoup finishes requests in progress). */
  g_hash_table_iter_init (&iter, guard->connections);
  while (g_hash_table_iter_next (&iter, &msg, NULL))
    g_object_weak_unref (msg, on_message_finalized, guard);
  g_hash_table_remove_all (guard->connections);
  g_rc_box_release_full (guard, (GDestroyNotify) guard_clear);
}

/* Requests refused by the limits (413, 414, 431, connection limit) so far. */
guint
kp_http_guard_get_n_refused (KpHttpGuard *guard)
{
  g_return_val_if_fail (guard != NULL, 0);

  return guard->n_refused;
}

/* Requests in progress that count against the connection limit. */
guint
kp_http_guard_get_n_open (KpHttpGuard *guard)
{
  g_return_val_if_fail (guard != NULL, 0);

  return g_hash_table_size (guard->connections);
}

/**
 * kp_http_guard_release:
 *
 * @msg stays open on purpose (an authenticated WebSocket or long poll): it no longer
 * counts against the connection limit and has no deadline. The caller bounds it.
 */
void
kp_http_guard_release (KpHttpGuard       *guard,
                       SoupServerMessage *msg)
{
  g_return_if_fail (guard != NULL);

  if (g_hash_table_remove (guard->connections, msg))
    g_object_weak_unref (G_OBJECT (msg), on_message_finalized, guard);
}

/**
 * kp_http_server_listen:
 * @host: an IP address to bind ("0.0.0.0" for every interface, "127.0.0.1" for loopback)
 * @port: the port, 0 for any free one
 * @backlog: how many connections may wait to be accepted (GSocket's default is 10,
 *   which overflows under a burst: each dropped SYN costs the client a second)
 */
gboolean
kp_http_server_listen (SoupServer  *server,
                       const char  *host,
                       guint16      port,
                       int          backlog,
                       GError     **error)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocket) socket = NULL;

  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is a network address */
                   _("“%s” is not an IP address to listen on."), host);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (address, port);
  socket = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, backlog);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  return soup_server_listen_socket (server, socket, 0, error);
}

/**
 * kp_http_server_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the server's first listening
 *   socket (an IPv6 host in brackets)
 */
char *
kp_http_server_dup_url (SoupServer *server)
{
  GSList *uris;
  GUri *uri;
  char *text;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);

  uris = soup_server_get_uris (server);
  if (uris == NULL)
    return NULL;
  uri = uris->data;
  if (strchr (g_uri_get_host (uri), ':') != NULL)
    text = g_strdup_printf ("http://[%s]:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  else
    text = g_strdup_printf ("http://%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return text;
}
