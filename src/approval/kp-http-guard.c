/* kp-http-guard.c: the socket side of a public SoupServer, with strict limits
 *
 * The limits documented in kp-approval-listener.h, shared by the listener and
 * kakaopay-relay. The guard accepts the connections itself and reads each request head
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
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "kp-address.h"
#include "kp-approval-listener.h"
#include "kp-http-guard.h"

/* After a refusal the rest of the request is read and dropped for a moment before the
 * socket closes: closing with unread input makes the kernel send a reset, which can
 * destroy the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2

#define MAX_METHOD_LENGTH 16
/* "METHOD SP target SP HTTP/1.1 CR LF" */
#define MAX_REQUEST_LINE (MAX_METHOD_LENGTH + 1 + KP_APPROVAL_LISTENER_MAX_URI_LENGTH + 11)
#define READ_CHUNK       4096

#define MESSAGE_CONNECTION_KEY "kp-http-guard-connection"

typedef enum
{
  STATE_WAITING,   /* accepted; its address has no free turn yet */
  STATE_READING,   /* its head is being read */
  STATE_REFUSING,  /* answered with an error; draining before the close */
  STATE_SERVED,    /* handed to libsoup */
} State;

typedef struct _Address Address;
typedef struct _Connection Connection;

struct _KpHttpGuard
{
  SoupServer     *server;       /* borrowed: the server owns nothing of ours */
  GSocketService *service;
  GSocketAddress *local_address;
  GQueue          connections;  /* Connection *, oldest first: every one counted */
  GHashTable     *addresses;    /* remote address text → Address */
  guint           max_connections;
  guint           max_per_address;
  guint           timeout_seconds;
  guint           head_timeout_seconds;
  guint           n_refused;
  gulong          request_started_id;
  gulong          incoming_id;
  Connection     *handing_over; /* while soup_server_accept_iostream () runs */
};

struct _Address
{
  char   *key;
  guint   n_active;             /* reading, refusing or served */
  GQueue  waiting;              /* Connection *, in arrival order */
};

/* Atomically reference-counted: a served connection's stream (which may end on another
 * thread once released) and its message hold references. */
struct _Connection
{
  KpHttpGuard       *guard;     /* NULL once no longer counted */
  Address           *address;
  GSocketConnection *base;
  GSocket           *socket;
  State              state;
  GList              link;      /* in guard->connections */
  GList              waiting_link;
  guint              deadline_id;
  guint              head_timeout_id;
  GSource           *read_source;
  GByteArray        *head;
  gsize              head_length; /* of a complete head, CR LF CR LF included */

  /* Refusing */
  GCancellable      *cancellable;
  guint              drain_timeout_id;
  gsize              drained;
  guint8            *buffer;
};

static void connection_untrack (Connection *connection);
static void connection_start_reading (Connection *connection);

/* The stream libsoup reads: the head again, then end of input or the socket's input. */

#define KP_TYPE_REPLAY_INPUT_STREAM (kp_replay_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (KpReplayInputStream, kp_replay_input_stream, KP, REPLAY_INPUT_STREAM,
                      GInputStream)

struct _KpReplayInputStream
{
  GInputStream  parent_instance;

  GInputStream *base;
  GBytes       *prefix;
  gsize         offset;
  gboolean      pass_through;
};

static void kp_replay_input_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KpReplayInputStream, kp_replay_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      kp_replay_input_stream_pollable_init))

/* Copies what is left of the prefix; -1 when there is none. */
static gssize
replay_take_prefix (KpReplayInputStream *self,
                    void                *buffer,
                    gsize                count)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (self->prefix, &size);
  gsize n;

  if (self->offset >= size)
    return -1;
  n = MIN (count, size - self->offset);
  memcpy (buffer, data + self->offset, n);
  self->offset += n;
  return n;
}

static gboolean
replay_has_own_data (KpReplayInputStream *self)
{
  return self->offset < g_bytes_get_size (self->prefix) || !self->pass_through;
}

static gssize
kp_replay_input_stream_read (GInputStream  *stream,
                             void          *buffer,
                             gsize          count,
                             GCancellable  *cancellable,
                             GError       **error)
{
  KpReplayInputStream *self = KP_REPLAY_INPUT_STREAM (stream);
  gssize n = replay_take_prefix (self, buffer, count);

  if (n >= 0)
    return n;
  if (!self->pass_through)
    return 0;
  return g_input_stream_read (self->base, buffer, count, cancellable, error);
}

static gboolean
kp_replay_input_stream_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
kp_replay_input_stream_is_readable (GPollableInputStream *stream)
{
  KpReplayInputStream *self = KP_REPLAY_INPUT_STREAM (stream);

  return replay_has_own_data (self) ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
kp_replay_input_stream_create_source (GPollableInputStream *stream,
                                      GCancellable         *cancellable)
{
  KpReplayInputStream *self = KP_REPLAY_INPUT_STREAM (stream);
  g_autoptr (GSource) child = NULL;

  if (replay_has_own_data (self))
    child = g_timeout_source_new (0);
  else
    child = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base),
                                                   cancellable);
  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
kp_replay_input_stream_read_nonblocking (GPollableInputStream  *stream,
                                         void                  *buffer,
                                         gsize                  count,
                                         GError               **error)
{
  KpReplayInputStream *self = KP_REPLAY_INPUT_STREAM (stream);
  gssize n = replay_take_prefix (self, buffer, count);

  if (n >= 0)
    return n;
  if (!self->pass_through)
    return 0;
  return g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base), buffer,
                                                   count, NULL, error);
}

static void
kp_replay_input_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = kp_replay_input_stream_can_poll;
  iface->is_readable = kp_replay_input_stream_is_readable;
  iface->create_source = kp_replay_input_stream_create_source;
  iface->read_nonblocking = kp_replay_input_stream_read_nonblocking;
}

static gboolean
kp_replay_input_stream_close (GInputStream  *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  /* The socket closes with its connection (kp_guarded_stream_close). */
  return TRUE;
}

static void
kp_replay_input_stream_finalize (GObject *object)
{
  KpReplayInputStream *self = KP_REPLAY_INPUT_STREAM (object);

  g_clear_object (&self->base);
  g_clear_pointer (&self->prefix, g_bytes_unref);

  G_OBJECT_CLASS (kp_replay_input_stream_parent_class)->finalize (object);
}

static void
kp_replay_input_stream_class_init (KpReplayInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = kp_replay_input_stream_finalize;
  stream_class->read_fn = kp_replay_input_stream_read;
  stream_class->close_fn = kp_replay_input_stream_close;
}

static void
kp_replay_input_stream_init (KpReplayInputStream *self)
{
}

#define KP_TYPE_GUARDED_STREAM (kp_guarded_stream_get_type ())
G_DECLARE_FINAL_TYPE (KpGuardedStream, kp_guarded_stream, KP, GUARDED_STREAM, GIOStream)

struct _KpGuardedStream
{
  GIOStream   parent_instance;

  GIOStream  *base;
  GInputStream *input;
  Connection *connection;
};

G_DEFINE_FINAL_TYPE (KpGuardedStream, kp_guarded_stream, G_TYPE_IO_STREAM)

static void
connection_unref (Connection *connection);

static GInputStream *
kp_guarded_stream_get_input_stream (GIOStream *stream)
{
  return KP_GUARDED_STREAM (stream)->input;
}

static GOutputStream *
kp_guarded_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (KP_GUARDED_STREAM (stream)->base);
}

static gboolean
kp_guarded_stream_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  KpGuardedStream *self = KP_GUARDED_STREAM (stream);

  /* Still counted only while libsoup serves it, on the guard's thread. */
  if (self->connection != NULL && self->connection->guard != NULL)
    connection_untrack (self->connection);
  g_input_stream_close (self->input, NULL, NULL);
  return g_io_stream_close (self->base, cancellable, error);
}

/* At once, in the caller's thread (GIOStream's default would use a worker thread). */
static void
kp_guarded_stream_close_async (GIOStream           *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, kp_guarded_stream_close_async);
  if (kp_guarded_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
kp_guarded_stream_close_finish (GIOStream     *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
kp_guarded_stream_finalize (GObject *object)
{
  KpGuardedStream *self = KP_GUARDED_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);
  g_clear_pointer (&self->connection, connection_unref);

  G_OBJECT_CLASS (kp_guarded_stream_parent_class)->finalize (object);
}

static void
kp_guarded_stream_class_init (KpGuardedStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = kp_guarded_stream_finalize;
  stream_class->get_input_stream = kp_guarded_stream_get_input_stream;
  stream_class->get_output_stream = kp_guarded_stream_get_output_stream;
  stream_class->close_fn = kp_guarded_stream_close;
  stream_class->close_async = kp_guarded_stream_close_async;
  stream_class->close_finish = kp_guarded_stream_close_finish;
}

static void
kp_guarded_stream_init (KpGuardedStream *self)
{
}

/* Connections */

static Connection *
connection_ref (Connection *connection)
{
  return g_atomic_rc_box_acquire (connection);
}

static void
connection_clear (Connection *connection)
{
  g_assert (connection->guard == NULL);
  g_clear_object (&connection->cancellable);
  g_clear_pointer (&connection->head, g_byte_array_unref);
  g_clear_pointer (&connection->buffer, g_free);
  g_clear_object (&connection->socket);
  g_clear_object (&connection->base);
}

static void
connection_unref (Connection *connection)
{
  g_atomic_rc_box_release_full (connection, (GDestroyNotify) connection_clear);
}

static void
address_free (Address *address)
{
  g_free (address->key);
  g_free (address);
}

static void
connection_stop_reading (Connection *connection)
{
  g_clear_handle_id (&connection->head_timeout_id, g_source_remove);
  if (connection->read_source != NULL)
    {
      g_source_destroy (connection->read_source);
      g_clear_pointer (&connection->read_source, g_source_unref);
    }
}

/* No longer counted against any limit (ended, dropped or released); its address's next
 * waiting connection gets its turn. Drops the guard's reference. */
static void
connection_untrack (Connection *connection)
{
  KpHttpGuard *guard = connection->guard;
  Address *address = connection->address;

  if (guard == NULL)
    return;

  connection_stop_reading (connection);
  g_clear_handle_id (&connection->deadline_id, g_source_remove);
  g_queue_unlink (&guard->connections, &connection->link);
  connection->guard = NULL;
  connection->address = NULL;

  if (connection->state == STATE_WAITING)
    g_queue_unlink (&address->waiting, &connection->waiting_link);
  else
    address->n_active--;

  while (address->n_active < guard->max_per_address && address->waiting.head != NULL)
    {
      Connection *next = address->waiting.head->data;

      g_queue_unlink (&address->waiting, &next->waiting_link);
      connection_start_reading (next);
    }
  if (address->n_active == 0 && address->waiting.head == NULL)
    g_hash_table_remove (guard->addresses, address->key);

  connection_unref (connection);
}

/* Ends a connection that libsoup does not serve, at once and without an answer. */
static void
connection_drop (Connection *connection)
{
  g_autoptr (GSocketConnection) base = g_object_ref (connection->base);

  g_assert (connection->state != STATE_SERVED);

  if (connection->state == STATE_REFUSING)
    {
      /* Its pending write or read ends, and closes the stream. */
      g_cancellable_cancel (connection->cancellable);
      connection_untrack (connection);
      return;
    }
  connection_untrack (connection);
  g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
}

/* Refusals: a short answer, then a lingering close. */

/* Closes at once (closing a socket does not block), so nothing is left pending. */
static void
refusal_close (Connection *connection)
{
  g_clear_handle_id (&connection->drain_timeout_id, g_source_remove);
  g_io_stream_close (G_IO_STREAM (connection->base), NULL, NULL);
  connection_untrack (connection);
  /* The reference of the asynchronous chain (connection_refuse). */
  connection_unref (connection);
}

static void
on_refusal_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Connection *connection = user_data;
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
  Connection *connection = user_data;

  connection->drain_timeout_id = 0;
  g_cancellable_cancel (connection->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_refusal_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Connection *connection = user_data;

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
connection_refuse (Connection *connection,
                   guint       status,
                   const char *why)
{
  KpHttpGuard *guard = connection->guard;
  const char *reason = status_text (status);
  g_autofree char *answer = NULL;
  GBytes *bytes;
  gsize length;

  guard->n_refused++;
  g_debug ("rejected a request (%u): %s", status, why);

  connection_stop_reading (connection);
  g_clear_pointer (&connection->head, g_byte_array_unref);
  connection->state = STATE_REFUSING;
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
  connection_ref (connection);
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
connection_hand_over (Connection *connection,
                      gboolean    upgrade)
{
  KpHttpGuard *guard = connection->guard;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (KpGuardedStream) stream = NULL;
  KpReplayInputStream *input;
  GByteArray *head = g_steal_pointer (&connection->head);
  g_autoptr (GError) error = NULL;

  connection_stop_reading (connection);
  local = g_socket_connection_get_local_address (connection->base, NULL);
  remote = g_socket_connection_get_remote_address (connection->base, NULL);
  if (local == NULL || remote == NULL)
    {
      g_byte_array_unref (head);
      connection_drop (connection);
      return;
    }

  /* Anything after the head: frames of an upgraded protocol, or bytes no one reads. */
  if (!upgrade)
    g_byte_array_set_size (head, connection->head_length);
  input = g_object_new (KP_TYPE_REPLAY_INPUT_STREAM, NULL);
  input->base = g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (connection->base)));
  input->prefix = g_byte_array_free_to_bytes (head);
  input->pass_through = upgrade;

  stream = g_object_new (KP_TYPE_GUARDED_STREAM, NULL);
  stream->base = G_IO_STREAM (g_object_ref (connection->base));
  stream->input = G_INPUT_STREAM (input);
  stream->connection = connection_ref (connection);

  connection->state = STATE_SERVED;
  guard->handing_over = connection;
  if (!soup_server_accept_iostream (guard->server, G_IO_STREAM (stream), local, remote, &error))
    g_debug ("libsoup refused a connection: %s", error->message);
  guard->handing_over = NULL;
}

static gboolean
on_readable_cb (GObject  *stream,
                gpointer  user_data)
{
  Connection *connection = user_data;
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
      connection_drop (connection);
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
  Connection *connection = user_data;

  connection->head_timeout_id = 0;
  if (connection->head != NULL && connection->head->len > 0)
    connection_refuse (connection, 408, "request head too slow");
  else
    {
      g_debug ("closing a connection that sent nothing");
      connection_drop (connection);
    }
  return G_SOURCE_REMOVE;
}

static void
connection_start_reading (Connection *connection)
{
  KpHttpGuard *guard = connection->guard;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection->base));

  connection->state = STATE_READING;
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

static gboolean
on_deadline_cb (gpointer user_data)
{
  Connection *connection = user_data;

  connection->deadline_id = 0;
  g_debug ("closing a connection after %u s", connection->guard->timeout_seconds);
  if (connection->state == STATE_SERVED)
    {
      /* libsoup fails to write and closes the connection; it counts no longer, even if
       * libsoup were to keep it. */
      g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
      connection_untrack (connection);
      return G_SOURCE_REMOVE;
    }
  connection_drop (connection);
  return G_SOURCE_REMOVE;
}

/* The oldest connection that has not sent a complete head, if any. */
static Connection *
find_idle (KpHttpGuard *guard)
{
  for (GList *l = guard->connections.head; l != NULL; l = l->next)
    {
      Connection *connection = l->data;

      if (connection->state != STATE_SERVED)
        return connection;
    }
  return NULL;
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
  Connection *connection;
  Address *address;

  remote = g_socket_connection_get_remote_address (base, NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
      return TRUE;
    }
  inet = G_INET_SOCKET_ADDRESS (remote);
  key = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

  if (guard->connections.length >= guard->max_connections)
    {
      Connection *idle = find_idle (guard);

      guard->n_refused++;
      if (idle == NULL)
        {
          g_debug ("refused a connection: %u open", guard->max_connections);
          g_io_stream_close (G_IO_STREAM (base), NULL, NULL);
          return TRUE;
        }
      g_debug ("closed the oldest idle connection to make room");
      connection_drop (idle);
    }

  /* Answers are small and time-critical: no waiting to coalesce them (Nagle). */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  connection = g_atomic_rc_box_new0 (Connection);
  connection->guard = guard;
  connection->base = g_object_ref (base);
  connection->socket = g_object_ref (socket);
  connection->link.data = connection;
  connection->waiting_link.data = connection;
  g_queue_push_tail_link (&guard->connections, &connection->link);
  connection->deadline_id = g_timeout_add_seconds (guard->timeout_seconds, on_deadline_cb,
                                                   connection);

  address = g_hash_table_lookup (guard->addresses, key);
  if (address == NULL)
    {
      address = g_new0 (Address, 1);
      address->key = g_steal_pointer (&key);
      g_queue_init (&address->waiting);
      g_hash_table_insert (guard->addresses, address->key, address);
    }
  connection->address = address;
  connection->state = STATE_WAITING;
  if (address->n_active < guard->max_per_address)
    connection_start_reading (connection);
  else
    g_queue_push_tail_link (&address->waiting, &connection->waiting_link);
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
                            connection_ref (guard->handing_over),
                            (GDestroyNotify) connection_unref);
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
  guard->max_connections = max_connections;
  guard->max_per_address = KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS;
  guard->timeout_seconds = timeout_seconds;
  guard->head_timeout_seconds = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS;
  g_queue_init (&guard->connections);
  guard->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) address_free);
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
  if (guard == NULL)
    return;

  g_clear_signal_handler (&guard->request_started_id, guard->server);
  g_clear_signal_handler (&guard->incoming_id, guard->service);
  g_socket_service_stop (guard->service);
  g_socket_listener_close (G_SOCKET_LISTENER (guard->service));
  g_clear_object (&guard->service);

  /* Those libsoup serves go on without us (it finishes requests in progress). */
  while (guard->connections.head != NULL)
    {
      Connection *connection = guard->connections.head->data;

      if (connection->state == STATE_SERVED)
        connection_untrack (connection);
      else
        connection_drop (connection);
    }
  g_hash_table_unref (guard->addresses);
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

  return guard->connections.length;
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
  Connection *connection;

  g_return_if_fail (guard != NULL);

  connection = g_object_get_data (G_OBJECT (msg), MESSAGE_CONNECTION_KEY);
  if (connection != NULL && connection->guard == guard)
    connection_untrack (connection);
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
