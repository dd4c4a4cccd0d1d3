/* kp-http-guard-stream.c: the stream a screened connection reaches libsoup through
 *
 * libsoup reads the request head the guard has already read and checked, then end of
 * input (no request carries a body, and every answer closes its connection), or for a
 * protocol upgrade the socket's input after it. Closing the stream ends the
 * connection's count against the guard's limits.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <string.h>

#include "kp-http-guard-private.h"

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
  GIOStream              parent_instance;

  GIOStream             *base;
  GInputStream          *input;
  KpHttpGuardConnection *connection;
};

G_DEFINE_FINAL_TYPE (KpGuardedStream, kp_guarded_stream, G_TYPE_IO_STREAM)

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
    _kp_http_guard_connection_untrack (self->connection);
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
  g_clear_pointer (&self->connection, _kp_http_guard_connection_unref);

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

/* Takes @head: what libsoup reads first. */
GIOStream *
_kp_http_guard_stream_new (KpHttpGuardConnection *connection,
                           GBytes                *head,
                           gboolean               upgrade)
{
  KpReplayInputStream *input;
  KpGuardedStream *stream;

  input = g_object_new (KP_TYPE_REPLAY_INPUT_STREAM, NULL);
  input->base = g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (connection->base)));
  input->prefix = head;
  input->pass_through = upgrade;

  stream = g_object_new (KP_TYPE_GUARDED_STREAM, NULL);
  stream->base = G_IO_STREAM (g_object_ref (connection->base));
  stream->input = G_INPUT_STREAM (input);
  stream->connection = _kp_http_guard_connection_ref (connection);
  return G_IO_STREAM (stream);
}
