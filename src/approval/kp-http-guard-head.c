/* kp-http-guard-head.c: reading and screening request heads
 *
 * A connection's request head (request line and headers) is read here, byte for byte
 * checked against the limits of kp-approval-listener.h and the rules of HTTP/1.1 that
 * libsoup 3.2 is lax or leaky about, before libsoup sees any of it. A head that passes
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

/* After a refusal the rest of the request is read and dropped for a moment before the
 * socket closes: closing with unread input makes the kernel send a reset, which can
 * destroy the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2

#define MAX_METHOD_LENGTH 16
/* "METHOD SP target SP HTTP/1.1 CR LF" */
#define MAX_REQUEST_LINE (MAX_METHOD_LENGTH + 1 + KP_APPROVAL_LISTENER_MAX_URI_LENGTH + 11)
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

static const char *
status_text (guint status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Bad Request";
    }
}

static void
connection_refuse (KpHttpGuardConnection *connection,
                   guint                  status,
                   const char            *why)
{
  KpHttpGuard *guard = connection->guard;
  const char *reason = status_text (status);
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

  answer = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: %zu\r\n"
                            "Cache-Control: no-store\r\n"
                            "%s"
                            "Connection: close\r\n"
                            "\r\n"
                            "%s\n",
                            status, reason, strlen (reason) + 1,
                            status == 405 ? "Allow: GET, HEAD\r\n" : "", reason);
  length = strlen (answer);
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

/* Checking a head */

static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != 0 && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Bytes no head may contain: controls (but tab), a CR not before LF, an LF not after CR. */
static gboolean
bytes_are_valid (const guint8 *data,
                 gsize         from,
                 gsize         length)
{
  for (gsize i = from; i < length; i++)
    {
      guint8 c = data[i];

      if (c == '\r')
        {
          if (i + 1 < length && data[i + 1] != '\n')
            return FALSE;
        }
      else if (c == '\n')
        {
          if (i == 0 || data[i - 1] != '\r')
            return FALSE;
        }
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static guint
head_error (const char **out_why,
            const char  *why,
            guint        status)
{
  *out_why = why;
  return status;
}

/* Checks a complete head (@length bytes, ending in CR LF CR LF).
 *
 * Returns: 0 if libsoup may have it, otherwise the status to refuse it with */
static guint
check_head (const char  *head,
            gsize        length,
            gboolean    *out_upgrade,
            const char **out_why)
{
  static const char * const standard_methods[] = {
    "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
  };
  const char *end = head + length;
  const char *line_end = memchr (head, '\r', length);
  const char *method = head;
  const char *p = head;
  gsize method_length;
  const char *target;
  gsize target_length;
  const char *content_length = NULL;
  gsize content_length_length = 0;
  const char *transfer_encoding = NULL;
  gsize transfer_encoding_length = 0;
  guint n_content_length = 0;
  guint n_transfer_encoding = 0;
  guint n_host = 0;
  guint n_fields = 0;

  *out_upgrade = FALSE;

  /* METHOD SP /target SP HTTP/1.x CR LF */
  while (p < line_end && is_tchar (*p))
    p++;
  method_length = p - method;
  if (method_length == 0 || method_length > MAX_METHOD_LENGTH || p >= line_end || *p != ' ')
    return head_error (out_why, "request line", 400);
  target = ++p;
  while (p < line_end && *p > ' ' && *p < 0x7f)
    p++;
  target_length = p - target;
  if (target_length > KP_APPROVAL_LISTENER_MAX_URI_LENGTH)
    return head_error (out_why, "request target too long", 414);
  if (target_length == 0 || target[0] != '/' || p >= line_end || *p != ' ')
    return head_error (out_why, "request target", 400);
  p++;
  if (line_end - p != 8 ||
      (memcmp (p, "HTTP/1.1", 8) != 0 && memcmp (p, "HTTP/1.0", 8) != 0))
    return head_error (out_why, "HTTP version", 400);

  /* Name: value CR LF, until an empty line */
  for (p = line_end + 2; p < end; p = line_end + 2)
    {
      const char *name = p;
      const char *value;
      const char *value_end;
      gsize name_length;

      line_end = memchr (p, '\r', end - p);
      if (line_end == p)
        break;
      if (++n_fields > KP_APPROVAL_LISTENER_MAX_HEADER_FIELDS)
        return head_error (out_why, "too many header fields", 431);
      while (p < line_end && is_tchar (*p))
        p++;
      name_length = p - name;
      if (name_length == 0 || p >= line_end || *p != ':')
        return head_error (out_why, "header line", 400);
      value = p + 1;
      while (value < line_end && (*value == ' ' || *value == '\t'))
        value++;
      value_end = line_end;
      while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
        value_end--;

#define NAME_IS(text) \
  (name_length == strlen (text) && g_ascii_strncasecmp (name, text, name_length) == 0)
      if (NAME_IS ("Content-Length"))
        {
          n_content_length++;
          content_length = value;
          content_length_length = value_end - value;
        }
      else if (NAME_IS ("Transfer-Encoding"))
        {
          n_transfer_encoding++;
          transfer_encoding = value;
          transfer_encoding_length = value_end - value;
        }
      else if (NAME_IS ("Host"))
        n_host++;
      else if (NAME_IS ("Upgrade"))
        *out_upgrade = TRUE;
#undef NAME_IS
    }

  if (n_host > 1)
    return head_error (out_why, "more than one Host", 400);

  /* No body, ever: neither server takes one. */
  if (n_transfer_encoding > 0 && n_content_length > 0)
    return head_error (out_why, "both Content-Length and Transfer-Encoding", 400);
  if (n_transfer_encoding > 0)
    {
      if (n_transfer_encoding == 1 && transfer_encoding_length == strlen ("chunked") &&
          g_ascii_strncasecmp (transfer_encoding, "chunked", transfer_encoding_length) == 0)
        return head_error (out_why, "it has a body", 413);
      return head_error (out_why, "unknown Transfer-Encoding", 501);
    }
  if (n_content_length > 1 || (n_content_length == 1 &&
                               !is_digits (content_length, content_length_length)))
    return head_error (out_why, "bad Content-Length", 400);
  if (n_content_length == 1)
    {
      for (gsize i = 0; i < content_length_length; i++)
        if (content_length[i] != '0')
          return head_error (out_why, "it has a body", 413);
    }

  if ((method_length == 3 && memcmp (method, "GET", 3) == 0) ||
      (method_length == 4 && memcmp (method, "HEAD", 4) == 0))
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (standard_methods); i++)
    if (method_length == strlen (standard_methods[i]) &&
        memcmp (method, standard_methods[i], method_length) == 0)
      return head_error (out_why, "method", 405);
  return head_error (out_why, "unknown method", 501);
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
  gsize scan_from;
  const guint8 *end_of_head;
  gboolean upgrade = FALSE;
  const char *why = NULL;
  guint status;
  gssize n;

  /* Never more than one byte beyond the biggest head allowed. */
  g_byte_array_set_size (head, MIN (old_length + READ_CHUNK,
                                    KP_APPROVAL_LISTENER_MAX_HEADER_BYTES + 1));
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
  /* A CR at the old end may only now be followed by its LF. */
  scan_from = old_length > 0 ? old_length - 1 : 0;
  if (!bytes_are_valid (head->data, scan_from, head->len))
    {
      connection_refuse (connection, 400, "bytes no request head has");
      return G_SOURCE_REMOVE;
    }

  end_of_head = NULL;
  for (gsize i = old_length >= 3 ? old_length - 3 : 0; i + 4 <= head->len; i++)
    if (memcmp (head->data + i, "\r\n\r\n", 4) == 0)
      {
        end_of_head = head->data + i + 4;
        break;
      }

  if (end_of_head == NULL)
    {
      if (memchr (head->data, '\n', MIN (head->len, MAX_REQUEST_LINE)) == NULL &&
          head->len >= MAX_REQUEST_LINE)
        connection_refuse (connection, 414, "request line too long");
      else if (head->len > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
        connection_refuse (connection, 431, "request head too big");
      else
        return G_SOURCE_CONTINUE;
      return G_SOURCE_REMOVE;
    }

  connection->head_length = end_of_head - head->data;
  if (connection->head_length > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
    {
      connection_refuse (connection, 431, "request head too big");
      return G_SOURCE_REMOVE;
    }
  status = check_head ((const char *) head->data, connection->head_length, &upgrade, &why);
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

void
_kp_http_guard_connection_start_reading (KpHttpGuardConnection *connection)
{
  KpHttpGuard *guard = connection->guard;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection->base));

  connection->state = KP_HTTP_GUARD_READING;
  connection->address->n_active++;
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
