/* kp-http-guard-head.c: reading and screening request heads
 *
 * A connection's request head (request line and headers) is read here and screened as
 * it comes in (kp-http-head.c: the limits of kp-approval-listener.h and the rules of
 * HTTP/1.1 that libsoup 3.2 is lax or leaky about), before libsoup sees any of it; a
 * head not complete in time gets 408. A head that passes
 * is handed to libsoup (kp-http-guard-stream.c); one that breaks a rule gets a short
 * answer (400, 405, 408, 413, 414, 431 or 501) and the connection a lingering close.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-http-guard-private.h"
#include "kp-http-head.h"

/* After a refusal the rest of the request is read and dropped for a moment before the
 * socket closes: closing with unread input makes the kernel send a reset, which can
 * destroy the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2

#define READ_CHUNK       4096

/* Refusals: a short answer, then a lingering close. */

/* Closes at once (closing a socket does not block), so nothing is left pending. */
static void
refusal_close (KpHttpGuardConnection *connection)
{
  g_clear_handle_id (&connection->drain_timeout_id, g_source_remove);
  g_io_stream_close (G_IO_STREAM (connection->base), NULL, NULL);
  _kp_http_guard_connection_untrack (connection);
  /* The reference of the asynchronous chain (connection_refuse). */
  _kp_http_guard_connection_unref (connection);
}

static void
on_refusal_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KpHttpGuardConnection *connection = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && connection->drained + n < DRAIN_MAX_BYTES &&
      !g_cancellable_is_cancelled (connection->cancellable))
    {
      connection->drained += n;
      g_input_stream_read_async (G_INPUT_STREAM (source), connection->buffer, READ_CHUNK,
                                 G_PRIORITY_DEFAULT, connection->cancellable,
                                 on_refusal_read_cb, connection);
      return;
    }
  refusal_close (connection);
}

static gboolean
on_drain_timeout_cb (gpointer user_data)
{
  KpHttpGuardConnection *connection = user_data;

  connection->drain_timeout_id = 0;
  g_cancellable_cancel (connection->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  KpHttpGuardConnection *connection = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL) ||
      g_cancellable_is_cancelled (connection->cancellable))
    {
      refusal_close (connection);
      return;
    }

  /* The answer is out: tell the client so, then drop what it still sends. */
  g_socket_shutdown (connection->socket, FALSE, TRUE, NULL);
  connection->buffer = g_malloc (READ_CHUNK);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection->base)),
                             connection->buffer, READ_CHUNK, G_PRIORITY_DEFAULT,
                             connection->cancellable, on_refusal_read_cb, connection);
}

static void
connection_refuse (KpHttpGuardConnection *connection,
                   guint                  status,
                   const char            *why)
{
  KpHttpGuard *guard = connection->guard;
  g_autofree char *answer = NULL;
  GBytes *bytes;
  gsize length;

  guard->n_refused++;
  g_debug ("rejected a request (%u): %s", status, why);

  _kp_http_guard_connection_stop_reading (connection);
  g_clear_pointer (&connection->head, g_byte_array_unref);
  connection->state = KP_HTTP_GUARD_REFUSING;
  connection->cancellable = g_cancellable_new ();
  connection->drain_timeout_id = g_timeout_add_seconds (DRAIN_SECONDS, on_drain_timeout_cb,
                                                        connection);

  answer = kp_http_head_refusal (status, &length);
  bytes = g_bytes_new_take (g_steal_pointer (&answer), length);
  /* The asynchronous chain holds a reference until the stream is closed. */
  _kp_http_guard_connection_ref (connection);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection->base)),
                                   g_bytes_get_data (bytes, NULL), length, G_PRIORITY_DEFAULT,
                                   connection->cancellable, on_refusal_written_cb, connection);
  /* The data stays alive with the write's task. */
  g_object_set_data_full (G_OBJECT (connection->cancellable), "kp-answer", bytes,
                          (GDestroyNotify) g_bytes_unref);
}

/* Handing a head over to libsoup */

static void
connection_hand_over (KpHttpGuardConnection *connection,
                      gboolean               upgrade)
{
  KpHttpGuard *guard = connection->guard;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GIOStream) stream = NULL;
  GByteArray *head = g_steal_pointer (&connection->head);
  g_autoptr (GError) error = NULL;

  _kp_http_guard_connection_stop_reading (connection);
  local = g_socket_connection_get_local_address (connection->base, NULL);
  remote = g_socket_connection_get_remote_address (connection->base, NULL);
  if (local == NULL || remote == NULL)
    {
      g_byte_array_unref (head);
      _kp_http_guard_connection_drop (connection);
      return;
    }

  /* Anything after the head: frames of an upgraded protocol, or bytes no one reads. */
  if (!upgrade)
    g_byte_array_set_size (head, connection->head_length);
  stream = _kp_http_guard_stream_new (connection, g_byte_array_free_to_bytes (head), upgrade);

  connection->state = KP_HTTP_GUARD_SERVED;
  connection->admission.idle = FALSE;
  guard->handing_over = connection;
  if (!soup_server_accept_iostream (guard->server, stream, local, remote, &error))
    g_debug ("libsoup refused a connection: %s", error->message);
  guard->handing_over = NULL;
}

/* Reading a head */

static gboolean
on_readable_cb (GObject  *stream,
                gpointer  user_data)
{
  KpHttpGuardConnection *connection = user_data;
  GByteArray *head = connection->head;
  g_autoptr (GError) error = NULL;
  gsize old_length = head->len;
  gboolean upgrade = FALSE;
  const char *why = NULL;
  int status;
  gssize n;

  /* Never more than one byte beyond the biggest head allowed. */
  g_byte_array_set_size (head, MIN (old_length + READ_CHUNK,
                                    KP_HTTP_HEAD_MAX_READ));
  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                head->data + old_length, head->len - old_length,
                                                NULL, &error);
  g_byte_array_set_size (head, old_length + MAX (n, 0));
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n < 0 || (n == 0 && old_length == 0))
    {
      /* Gone (or never said anything). */
      g_clear_pointer (&connection->read_source, g_source_unref);
      _kp_http_guard_connection_drop (connection);
      return G_SOURCE_REMOVE;
    }

  /* From here on the source goes (the connection is refused, handed over or read on). */
  if (n == 0)
    {
      connection_refuse (connection, 400, "incomplete request head");
      return G_SOURCE_REMOVE;
    }
  status = kp_http_head_scan (head->data, old_length, head->len, &connection->head_length,
                              &upgrade, &why);
  if (status == KP_HTTP_HEAD_MORE)
    return G_SOURCE_CONTINUE;
  if (status != 0)
    {
      connection_refuse (connection, status, why);
      return G_SOURCE_REMOVE;
    }
  connection_hand_over (connection, upgrade);
  return G_SOURCE_REMOVE;
}

static gboolean
on_head_timeout_cb (gpointer user_data)
{
  KpHttpGuardConnection *connection = user_data;

  connection->head_timeout_id = 0;
  if (connection->head != NULL && connection->head->len > 0)
    connection_refuse (connection, 408, "request head too slow");
  else
    {
      g_debug ("closing a connection that sent nothing");
      _kp_http_guard_connection_drop (connection);
    }
  return G_SOURCE_REMOVE;
}

/* Its address's turn (kp_admission_add(), kp_admission_remove()): drops nothing. */
void
_kp_http_guard_connection_start_reading (gpointer owner)
{
  KpHttpGuardConnection *connection = owner;
  KpHttpGuard *guard = connection->guard;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection->base));

  connection->state = KP_HTTP_GUARD_READING;
  connection->head = g_byte_array_sized_new (512);
  connection->head_timeout_id = g_timeout_add (guard->head_timeout_seconds * 1000,
                                               on_head_timeout_cb, connection);
  connection->read_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input),
                                                                   NULL);
  g_source_set_callback (connection->read_source, G_SOURCE_FUNC (on_readable_cb), connection,
                         NULL);
  g_source_attach (connection->read_source, NULL);
}

void
_kp_http_guard_connection_stop_reading (KpHttpGuardConnection *connection)
{
  g_clear_handle_id (&connection->head_timeout_id, g_source_remove);
  if (connection->read_source != NULL)
    {
      g_source_destroy (connection->read_source);
      g_clear_pointer (&connection->read_source, g_source_unref);
    }
}
