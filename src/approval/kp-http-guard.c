/* kp-http-guard.c: the socket side of a public SoupServer, with strict limits
 *
 * The limits documented in kp-approval-listener.h, for the terminal's listener
 * (kakaopay-relay holds the same ones in front of libwebsockets: kp-relay-door.c, both
 * screening heads with kp-http-head.c). The guard accepts the connections itself and reads each request head
 * (request line and headers) before libsoup sees any of it: libsoup 3.2 keeps memory for
 * good on some malformed requests (the request path of one whose body it cannot frame)
 * and on every connection its own listener accepts (the GSocket), so it only ever gets
 * heads that passed every check, over a stream the guard made
 * (soup_server_accept_iostream()). That stream replays the head, then ends (no request
 * carries a body and every answer closes its connection, so there is nothing more to
 * read) or, for a protocol upgrade, goes on with the socket's input.
 *
 * A head that breaks a rule gets a short answer from the guard (400, 405, 408, 413, 414,
 * 431 or 501) and the connection a lingering close. Connections are counted per remote
 * address and in all; the oldest one that has not sent a complete head makes room for a
 * new one when all are taken. A server hands a request it keeps on purpose (a WebSocket,
 * a long poll) out of the limits with kp_http_guard_release().
 *
 * This file holds the guard, its connections and their limits; the heads are read and
 * screened in kp-http-guard-head.c and handed to libsoup through the stream of
 * kp-http-guard-stream.c, sharing kp-http-guard-private.h.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "kp-address.h"
#include "kp-approval-listener.h"
#include "kp-http-guard-private.h"

#define MESSAGE_CONNECTION_KEY "kp-http-guard-connection"

/* Connections */

KpHttpGuardConnection *
_kp_http_guard_connection_ref (KpHttpGuardConnection *connection)
{
  return g_atomic_rc_box_acquire (connection);
}

static void
connection_clear (KpHttpGuardConnection *connection)
{
  g_assert (connection->guard == NULL);
  g_clear_object (&connection->cancellable);
  g_clear_pointer (&connection->head, g_byte_array_unref);
  g_clear_pointer (&connection->buffer, g_free);
  g_clear_object (&connection->socket);
  g_clear_object (&connection->base);
}

void
_kp_http_guard_connection_unref (KpHttpGuardConnection *connection)
{
  g_atomic_rc_box_release_full (connection, (GDestroyNotify) connection_clear);
}

/* No longer counted against any limit (ended, dropped or released); its address's next
 * waiting connection gets its turn. Drops the guard's reference. */
void
_kp_http_guard_connection_untrack (KpHttpGuardConnection *connection)
{
  KpHttpGuard *guard = connection->guard;

  if (guard == NULL)
    return;

  _kp_http_guard_connection_stop_reading (connection);
  g_clear_handle_id (&connection->deadline_id, g_source_remove);
  kp_admission_remove (guard->admission, &connection->admission);
  connection->guard = NULL;

  _kp_http_guard_connection_unref (connection);
}

/* Ends a connection that libsoup does not serve, at once and without an answer. */
void
_kp_http_guard_connection_drop (KpHttpGuardConnection *connection)
{
  g_autoptr (GSocketConnection) base = g_object_ref (connection->base);

  g_assert (connection->state != KP_HTTP_GUARD_SERVED);

  if (connection->state == KP_HTTP_GUARD_REFUSING)
    {
      /* Its pending write or read ends, and closes the stream. */
      g_cancellable_cancel (connection->cancellable);
      _kp_http_guard_connection_untrack (connection);
      return;
    }
  _kp_http_guard_connection_untrack (connection);
  g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
}

/* Accepting connections */

static gboolean
on_deadline_cb (gpointer user_data)
{
  KpHttpGuardConnection *connection = user_data;

  connection->deadline_id = 0;
  g_debug ("closing a connection after %u s", connection->guard->timeout_seconds);
  if (connection->state == KP_HTTP_GUARD_SERVED)
    {
      /* libsoup fails to write and closes the connection; it counts no longer, even if
       * libsoup were to keep it. */
      g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
      _kp_http_guard_connection_untrack (connection);
      return G_SOURCE_REMOVE;
    }
  _kp_http_guard_connection_drop (connection);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *base,
                GObject           *source_object,
                gpointer           user_data)
{
  KpHttpGuard *guard = user_data;
  GSocket *socket = g_socket_connection_get_socket (base);
  g_autoptr (GSocketAddress) remote = NULL;
  GInetSocketAddress *inet;
  g_autofree char *key = NULL;
  KpHttpGuardConnection *connection;
  KpHttpGuardConnection *idle;
  gboolean full;

  remote = g_socket_connection_get_remote_address (base, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
      return TRUE;
    }
  inet = G_INET_SOCKET_ADDRESS (remote);
  key = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  idle = kp_admission_make_room (guard->admission, &full);
  if (full)
    {
      guard->n_refused++;
      if (idle == NULL)
        {
          g_debug ("refused a connection: all places taken");
          g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
          return TRUE;
        }
      g_debug ("closed the oldest idle connection to make room");
      _kp_http_guard_connection_drop (idle);
    }

  /* Answers are small and time-critical: no waiting to coalesce them (Nagle). */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  connection = g_atomic_rc_box_new0 (KpHttpGuardConnection);
  connection->guard = guard;
  connection->base = g_object_ref (base);
  connection->socket = g_object_ref (socket);
  connection->deadline_id = g_timeout_add_seconds (guard->timeout_seconds, on_deadline_cb,
                                                   connection);
  connection->state = KP_HTTP_GUARD_WAITING;
  kp_admission_add (guard->admission, &connection->admission, connection, key);
  return TRUE;
}

/* Every answer closes its connection: libsoup 3.2 neither times out an idle kept-alive
 * connection nor closes one whose client has finished sending, and a second request on
 * it would not pass the guard. After a "100 Continue" libsoup clears the response
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
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       KpHttpGuard       *guard)
{
  close_after_response (msg);
  g_signal_connect (msg, "got-body", G_CALLBACK (close_after_response), NULL);
  /* The connection's first (and only) request, so it can be released. */
  if (guard->handing_over != NULL)
    g_object_set_data_full (G_OBJECT (msg), MESSAGE_CONNECTION_KEY,
                            _kp_http_guard_connection_ref (guard->handing_over),
                            (GDestroyNotify) _kp_http_guard_connection_unref);
}

/**
 * kp_http_guard_new:
 * @server: (transfer none): the server to guard; must outlive the guard, or the guard
 *   must be freed first. It gets its connections from the guard only
 *   (kp_http_guard_listen()), never listens itself.
 * @max_connections: connections counted at a time, at most
 * @timeout_seconds: how long a connection may last, from its start
 *
 * Returns: (transfer full): a guard
 */
KpHttpGuard *
kp_http_guard_new (SoupServer *server,
                   guint       max_connections,
                   guint       timeout_seconds)
{
  KpHttpGuard *guard;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (max_connections > 0 && timeout_seconds > 0, NULL);

  guard = g_new0 (KpHttpGuard, 1);
  guard->server = server;
  guard->admission = kp_admission_new (max_connections,
                                       KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS,
                                       _kp_http_guard_connection_start_reading);
  guard->timeout_seconds = timeout_seconds;
  guard->head_timeout_seconds = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS;
  guard->request_started_id = g_signal_connect (server, "request-started",
                                                G_CALLBACK (on_request_started_cb), guard);
  guard->service = g_socket_service_new ();
  guard->incoming_id = g_signal_connect (guard->service, "incoming",
                                         G_CALLBACK (on_incoming_cb), guard);
  return guard;
}

void
kp_http_guard_free (KpHttpGuard *guard)
{
  KpHttpGuardConnection *connection;

  if (guard == NULL)
    return;

  g_clear_signal_handler (&guard->request_started_id, guard->server);
  g_clear_signal_handler (&guard->incoming_id, guard->service);
  g_socket_service_stop (guard->service);
  g_socket_listener_close (G_SOCKET_LISTENER (guard->service));
  g_clear_object (&guard->service);

  /* Those libsoup serves go on without us (it finishes requests in progress). */
  while ((connection = kp_admission_peek_oldest (guard->admission)) != NULL)
    {
      if (connection->state == KP_HTTP_GUARD_SERVED)
        _kp_http_guard_connection_untrack (connection);
      else
        _kp_http_guard_connection_drop (connection);
    }
  g_clear_pointer (&guard->admission, kp_admission_free);
  g_clear_object (&guard->local_address);
  g_free (guard);
}

/**
 * kp_http_guard_set_head_timeout:
 *
 * How long a connection may take to send its request head, from when the guard starts
 * reading it (default %KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS). For connections
 * accepted from now on.
 */
void
kp_http_guard_set_head_timeout (KpHttpGuard *guard,
                                guint        seconds)
{
  g_return_if_fail (guard != NULL);
  g_return_if_fail (seconds > 0);

  guard->head_timeout_seconds = seconds;
}

/* Requests and connections refused or closed by the limits so far. */
guint
kp_http_guard_get_n_refused (KpHttpGuard *guard)
{
  g_return_val_if_fail (guard != NULL, 0);

  return guard->n_refused;
}

/* Connections that count against the connection limit now. */
guint
kp_http_guard_get_n_open (KpHttpGuard *guard)
{
  g_return_val_if_fail (guard != NULL, 0);

  return kp_admission_get_n (guard->admission);
}

/**
 * kp_http_guard_release:
 *
 * @msg stays open on purpose (an authenticated WebSocket or long poll): its connection
 * no longer counts against the limits and has no deadline. The caller bounds it. Call
 * it on the guard's thread, before the connection is stolen.
 */
void
kp_http_guard_release (KpHttpGuard       *guard,
                       SoupServerMessage *msg)
{
  KpHttpGuardConnection *connection;

  g_return_if_fail (guard != NULL);

  connection = g_object_get_data (G_OBJECT (msg), MESSAGE_CONNECTION_KEY);
  if (connection != NULL && connection->guard == guard)
    _kp_http_guard_connection_untrack (connection);
}

/**
 * kp_http_guard_listen:
 * @host: (nullable): an IP address to bind ("0.0.0.0" for every interface, "127.0.0.1"
 *   for loopback), as kp_address_new_listen() takes it
 * @port: the port, 0 for any free one
 * @backlog: how many connections may wait to be accepted (GSocket's default is 10,
 *   which overflows under a burst: each dropped SYN costs the client a second)
 */
gboolean
kp_http_guard_listen (KpHttpGuard  *guard,
                      const char   *host,
                      guint16       port,
                      int           backlog,
                      GError      **error)
{
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocketAddress) effective = NULL;

  g_return_val_if_fail (guard != NULL, FALSE);

  socket_address = kp_address_new_listen (host, port, error);
  if (socket_address == NULL)
    return FALSE;
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (guard->service), backlog);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (guard->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    return FALSE;
  if (guard->local_address == NULL)
    guard->local_address = g_steal_pointer (&effective);
  g_socket_service_start (guard->service);
  return TRUE;
}

/**
 * kp_http_guard_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first address listened
 *   on (an IPv6 host in brackets)
 */
char *
kp_http_guard_dup_url (KpHttpGuard *guard)
{
  g_return_val_if_fail (guard != NULL, NULL);

  return kp_address_dup_url (guard->local_address);
}
