/* kp-relay-door.c: the relay's front door, in front of libwebsockets
 *
 * libwebsockets 4.1 (Debian 12) does not hold the limits the relay promises a hostile
 * network on its own: a request line or head too long ends the connection without an
 * answer (no 414 or 431), a request it cannot frame (`Transfer-Encoding: gzip,
 * identity`, `Content-Length: twelve`) is served as if it had no body, and a head sent
 * half-way is cut after 10 s on its own loop and after about 30 s on libev's, not after
 * the head time limit. So the door accepts the connections itself, on the same libev
 * loop: it counts them per remote address and in all (at most
 * %KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS of one address are read at a time,
 * the others wait unread in arrival order; when all are taken, the oldest one that has
 * not sent a complete head makes room), reads each request head under its time limit,
 * screens it (kp-http-head.c), refuses a bad one with a short answer and a lingering
 * close, and hands a good one to libwebsockets with the bytes already read
 * (lws_adopt_socket_vhost_readbuf()). A connection stays counted, under the deadline
 * for a whole exchange, until it ends or the server keeps it on purpose (a WebSocket,
 * a long poll): kp_relay_door_release().
 *
 * All of it runs on the loop's thread.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"
/* accept4() */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <ev.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kp-address.h"
#include "kp-admission.h"
#include "kp-approval-listener.h"
#include "kp-http-head.h"
#include "kp-relay-door.h"

/* After a refusal the rest of the request is read and dropped for a moment before the
 * socket closes: closing with unread input makes the kernel send a reset, which can
 * destroy the answer before the client reads it. */
#define DRAIN_MAX_BYTES (256 * 1024)
#define DRAIN_SECONDS   2
#define READ_CHUNK      4096
/* Out of descriptors: accepting pauses this long. */
#define ACCEPT_PAUSE_SECONDS 0.1

typedef enum
{
  VISITOR_WAITING,   /* accepted; its address has no free turn yet */
  VISITOR_READING,   /* its head is being read */
  VISITOR_REFUSING,  /* answered with an error; draining before the close */
  VISITOR_SERVED,    /* handed to libwebsockets */
} VisitorState;

typedef struct
{
  KpRelayDoor      *door;
  KpAdmissionEntry  admission;
  int               fd;
  VisitorState      state;
  ev_io         io;            /* reading its head, or draining */
  ev_timer      timer;         /* the head's time limit, or the drain's */
  ev_timer      deadline;      /* the whole exchange's */
  guint8       *buffer;
  gsize         length;
  gsize         drained;
  struct lws   *wsi;
  char         *request;       /* "METHOD target", once the head passed */
  gboolean      gone;          /* released while being handed over */
} Visitor;

typedef struct
{
  GSocket *socket;
  ev_io    io;
} Listener;

struct _KpRelayDoor
{
  struct ev_loop   *loop;
  struct lws_vhost *vhost;
  GPtrArray        *listeners;       /* Listener * */
  ev_timer          accept_pause;
  GSocketAddress   *local_address;
  KpAdmission      *admission;       /* every visitor counted */
  GHashTable       *served;          /* struct lws * → Visitor */
  Visitor          *handing_over;
  guint             timeout_seconds;
  guint             head_timeout_seconds;
};

static void
visitor_stop_watching (Visitor *visitor)
{
  ev_io_stop (visitor->door->loop, &visitor->io);
  ev_timer_stop (visitor->door->loop, &visitor->timer);
}

/* No longer counted against any limit; its address's next waiting connection gets
 * its turn. Frees @visitor, not its descriptor. */
static void
visitor_untrack (Visitor *visitor)
{
  KpRelayDoor *door = visitor->door;

  visitor_stop_watching (visitor);
  ev_timer_stop (door->loop, &visitor->deadline);
  if (visitor->wsi != NULL)
    g_hash_table_remove (door->served, visitor->wsi);
  kp_admission_remove (door->admission, &visitor->admission);

  g_free (visitor->buffer);
  g_free (visitor->request);
  g_free (visitor);
}

/* Ends a connection libwebsockets does not have, at once and without an answer. */
static void
visitor_drop (Visitor *visitor)
{
  g_assert (visitor->state != VISITOR_SERVED);

  close (visitor->fd);
  visitor_untrack (visitor);
}

/* Refusals: a short answer, then a lingering close. */

static void
on_drain_cb (struct ev_loop *loop,
             ev_io          *io,
             int             revents)
{
  Visitor *visitor = io->data;
  guint8 buffer[READ_CHUNK];
  gssize n = recv (visitor->fd, buffer, sizeof buffer, 0);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n > 0 && visitor->drained + n < DRAIN_MAX_BYTES)
    {
      visitor->drained += n;
      return;
    }
  visitor_drop (visitor);
}

static void
visitor_refuse (Visitor    *visitor,
                guint       status,
                const char *why)
{
  KpRelayDoor *door = visitor->door;
  g_autofree char *answer = NULL;
  gsize length;

  g_debug ("rejected a request (%u): %s", status, why);
  visitor_stop_watching (visitor);
  g_clear_pointer (&visitor->buffer, g_free);
  visitor->state = VISITOR_REFUSING;

  /* A few hundred bytes into an empty socket buffer: one send. */
  answer = kp_http_head_refusal (status, &length);
  if (send (visitor->fd, answer, length, MSG_NOSIGNAL) != (gssize) length)
    {
      visitor_drop (visitor);
      return;
    }
  shutdown (visitor->fd, SHUT_WR);
  ev_io_init (&visitor->io, on_drain_cb, visitor->fd, EV_READ);
  ev_io_start (door->loop, &visitor->io);
  ev_timer_set (&visitor->timer, DRAIN_SECONDS, 0.);
  ev_timer_start (door->loop, &visitor->timer);
}

/* Handing a head over to libwebsockets */

static void
visitor_hand_over (Visitor *visitor,
                   gsize    length)
{
  KpRelayDoor *door = visitor->door;
  struct lws *wsi;

  visitor_stop_watching (visitor);
  visitor->state = VISITOR_SERVED;
  visitor->admission.idle = FALSE;
  door->handing_over = visitor;
  /* libwebsockets reads these bytes first, as if it had read them itself; on failure
   * it closes the descriptor. */
  wsi = lws_adopt_socket_vhost_readbuf (door->vhost, visitor->fd, (const char *) visitor->buffer,
                                        length);
  door->handing_over = NULL;
  g_clear_pointer (&visitor->buffer, g_free);
  /* NULL also when libwebsockets served the bytes at once and closed (an answer that
   * needed no waiting). */
  if (wsi == NULL || visitor->gone)
    {
      visitor_untrack (visitor);
      return;
    }
  visitor->wsi = wsi;
  g_hash_table_insert (door->served, wsi, visitor);
}

/* Reading a head */

static void
on_readable_cb (struct ev_loop *loop,
                ev_io          *io,
                int             revents)
{
  Visitor *visitor = io->data;
  gsize old_length = visitor->length;
  gsize head_length = 0;
  gboolean upgrade = FALSE;
  const char *why = NULL;
  gssize n;
  int status;

  /* Never more than one byte beyond the biggest head allowed. */
  n = recv (visitor->fd, visitor->buffer + old_length,
            MIN (old_length + READ_CHUNK, KP_HTTP_HEAD_MAX_READ) - old_length, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n < 0 || (n == 0 && old_length == 0))
    {
      /* Gone (or never said anything). */
      visitor_drop (visitor);
      return;
    }
  if (n == 0)
    {
      visitor_refuse (visitor, 400, "incomplete request head");
      return;
    }

  visitor->length += n;
  status = kp_http_head_scan (visitor->buffer, old_length, visitor->length, &head_length,
                              &upgrade, &why);
  if (status == KP_HTTP_HEAD_MORE)
    return;
  if (status != 0)
    {
      visitor_refuse (visitor, status, why);
      return;
    }
  /* The request line passed: "METHOD SP target SP HTTP/1.x". */
  visitor->request = g_strndup ((const char *) visitor->buffer,
                                (const guint8 *) strstr ((const char *) visitor->buffer,
                                                         " HTTP/1.") - visitor->buffer);
  /* Anything after the head: frames of an upgraded protocol, or bytes no one reads. */
  visitor_hand_over (visitor, upgrade ? visitor->length : head_length);
}

static void
on_timer_cb (struct ev_loop *loop,
             ev_timer       *timer,
             int             revents)
{
  Visitor *visitor = timer->data;

  if (visitor->state == VISITOR_READING && visitor->length > 0)
    visitor_refuse (visitor, 408, "request head too slow");
  else
    visitor_drop (visitor);
}

static void
on_deadline_cb (struct ev_loop *loop,
                ev_timer       *timer,
                int             revents)
{
  Visitor *visitor = timer->data;

  g_debug ("closing a connection after %u s", visitor->door->timeout_seconds);
  if (visitor->state != VISITOR_SERVED)
    {
      visitor_drop (visitor);
      return;
    }
  /* libwebsockets closes it on its next turn; it counts no longer from now on. */
  lws_set_timeout (visitor->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
  visitor_untrack (visitor);
}

/* Its address's turn (kp_admission_add(), kp_admission_remove()): drops nothing. */
static void
visitor_start_reading (gpointer owner)
{
  Visitor *visitor = owner;
  KpRelayDoor *door = visitor->door;

  visitor->state = VISITOR_READING;
  visitor->buffer = g_malloc (KP_HTTP_HEAD_MAX_READ);
  ev_io_init (&visitor->io, on_readable_cb, visitor->fd, EV_READ);
  ev_io_start (door->loop, &visitor->io);
  ev_timer_set (&visitor->timer, door->head_timeout_seconds, 0.);
  ev_timer_start (door->loop, &visitor->timer);
}

/* Accepting connections */

static char *
dup_remote_key (int fd)
{
  struct sockaddr_storage storage;
  socklen_t length = sizeof storage;
  g_autoptr (GSocketAddress) remote = NULL;

  if (getpeername (fd, (struct sockaddr *) &storage, &length) != 0)
    return NULL;
  remote = g_socket_address_new_from_native (&storage, length);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
}

static void
accept_one (KpRelayDoor *door,
            int          fd)
{
  g_autofree char *key = dup_remote_key (fd);
  Visitor *visitor;
  Visitor *idle;
  gboolean full;
  int on = 1;

  if (key == NULL)
    {
      close (fd);
      return;
    }
  idle = kp_admission_make_room (door->admission, &full);
  if (full)
    {
      if (idle == NULL)
        {
          g_debug ("refused a connection: all places taken");
          close (fd);
          return;
        }
      g_debug ("closed the oldest idle connection to make room");
      visitor_drop (idle);
    }

  /* Answers are small and time-critical: no waiting to coalesce them (Nagle). */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);

  visitor = g_new0 (Visitor, 1);
  visitor->door = door;
  visitor->fd = fd;
  visitor->io.data = visitor;
  ev_init (&visitor->timer, on_timer_cb);
  visitor->timer.data = visitor;
  ev_timer_init (&visitor->deadline, on_deadline_cb, door->timeout_seconds, 0.);
  visitor->deadline.data = visitor;
  ev_timer_start (door->loop, &visitor->deadline);
  visitor->state = VISITOR_WAITING;
  kp_admission_add (door->admission, &visitor->admission, visitor, key);
}

static void
on_accept_pause_cb (struct ev_loop *loop,
                    ev_timer       *timer,
                    int             revents)
{
  KpRelayDoor *door = timer->data;

  for (guint i = 0; i < door->listeners->len; i++)
    ev_io_start (loop, &((Listener *) g_ptr_array_index (door->listeners, i))->io);
}

static void
on_acceptable_cb (struct ev_loop *loop,
                  ev_io          *io,
                  int             revents)
{
  KpRelayDoor *door = io->data;

  for (;;)
    {
      int fd = accept4 (io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd >= 0)
        {
          accept_one (door, fd);
          continue;
        }
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        {
          /* The listening socket stays readable: pause rather than spin. */
          g_warning ("cannot accept connections: %s", g_strerror (errno));
          for (guint i = 0; i < door->listeners->len; i++)
            ev_io_stop (loop, &((Listener *) g_ptr_array_index (door->listeners, i))->io);
          ev_timer_stop (loop, &door->accept_pause);
          ev_timer_set (&door->accept_pause, ACCEPT_PAUSE_SECONDS, 0.);
          ev_timer_start (loop, &door->accept_pause);
        }
      return;
    }
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  g_socket_close (listener->socket, NULL);
  g_object_unref (listener->socket);
  g_free (listener);
}

/**
 * kp_relay_door_new:
 * @loop: libev's loop, the one @vhost's context runs on
 * @vhost: where the connections go
 * @max_connections: how many connections are counted at most
 * @timeout_seconds: the time limit of a whole exchange, until released
 *
 * Returns: (transfer full): a door that listens nowhere yet
 */
KpRelayDoor *
kp_relay_door_new (struct ev_loop   *loop,
                   struct lws_vhost *vhost,
                   guint             max_connections,
                   guint             timeout_seconds)
{
  KpRelayDoor *door = g_new0 (KpRelayDoor, 1);

  g_return_val_if_fail (loop != NULL && vhost != NULL, NULL);

  door->loop = loop;
  door->vhost = vhost;
  door->listeners = g_ptr_array_new_with_free_func (listener_free);
  ev_init (&door->accept_pause, on_accept_pause_cb);
  door->accept_pause.data = door;
  door->admission = kp_admission_new (max_connections,
                                      KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS,
                                      visitor_start_reading);
  door->served = g_hash_table_new (NULL, NULL);
  door->timeout_seconds = MAX (timeout_seconds, 1);
  door->head_timeout_seconds = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS;
  return door;
}

/* Ends every connection not handed over; the ones libwebsockets has are its own. */
void
kp_relay_door_free (KpRelayDoor *door)
{
  Visitor *visitor;

  if (door == NULL)
    return;

  ev_timer_stop (door->loop, &door->accept_pause);
  for (guint i = 0; i < door->listeners->len; i++)
    ev_io_stop (door->loop, &((Listener *) g_ptr_array_index (door->listeners, i))->io);
  while ((visitor = kp_admission_peek_oldest (door->admission)) != NULL)
    {
      if (visitor->state == VISITOR_SERVED)
        visitor_untrack (visitor);
      else
        visitor_drop (visitor);
    }
  g_ptr_array_unref (door->listeners);
  kp_admission_free (door->admission);
  g_hash_table_unref (door->served);
  g_clear_object (&door->local_address);
  g_free (door);
}

void
kp_relay_door_set_head_timeout (KpRelayDoor *door,
                                guint        seconds)
{
  g_return_if_fail (door != NULL);

  door->head_timeout_seconds = MAX (seconds, 1);
}

/**
 * kp_relay_door_listen:
 * @host: (nullable): an IP address to bind, as kp_address_new_listen() takes it
 * @port: the port, 0 for any free one
 * @backlog: how many connections may wait to be accepted
 *
 * Listens on one more address. On the loop's thread, or before the loop runs.
 */
gboolean
kp_relay_door_listen (KpRelayDoor  *door,
                      const char   *host,
                      guint16       port,
                      int           backlog,
                      GError      **error)
{
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GSocket) socket = NULL;
  Listener *listener;

  g_return_val_if_fail (door != NULL, FALSE);

  address = kp_address_new_listen (host, port, error);
  if (address == NULL)
    return FALSE;
  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, backlog);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  if (door->local_address == NULL)
    {
      door->local_address = g_socket_get_local_address (socket, error);
      if (door->local_address == NULL)
        return FALSE;
    }

  listener = g_new0 (Listener, 1);
  listener->socket = g_steal_pointer (&socket);
  ev_io_init (&listener->io, on_acceptable_cb, g_socket_get_fd (listener->socket), EV_READ);
  listener->io.data = door;
  ev_io_start (door->loop, &listener->io);
  g_ptr_array_add (door->listeners, listener);
  return TRUE;
}

/**
 * kp_relay_door_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first address listened
 *   on
 */
char *
kp_relay_door_dup_url (KpRelayDoor *door)
{
  g_return_val_if_fail (door != NULL, NULL);

  return door->local_address != NULL ? kp_address_dup_url (door->local_address) : NULL;
}

static Visitor *
find_served (KpRelayDoor *door,
             struct lws  *wsi)
{
  Visitor *visitor = g_hash_table_lookup (door->served, wsi);

  if (visitor == NULL && door->handing_over != NULL &&
      lws_get_socket_fd (wsi) == door->handing_over->fd)
    visitor = door->handing_over;
  return visitor;
}

/**
 * kp_relay_door_release:
 * @wsi: a connection libwebsockets got from the door
 *
 * @wsi no longer counts against the limits and has no deadline: it ended
 * (%LWS_CALLBACK_WSI_DESTROY), or it stays open on purpose (an authenticated WebSocket
 * or long poll), bounded by its caller. Harmless for a connection the door does not
 * know (any more).
 */
void
kp_relay_door_release (KpRelayDoor *door,
                       struct lws  *wsi)
{
  Visitor *visitor;

  g_return_if_fail (door != NULL);

  visitor = find_served (door, wsi);
  /* libwebsockets may serve the bytes handed over before the adoption returns. */
  if (visitor != NULL && visitor == door->handing_over)
    visitor->gone = TRUE;
  else if (visitor != NULL)
    visitor_untrack (visitor);
}

/**
 * kp_relay_door_get_request:
 * @wsi: a connection libwebsockets got from the door, not released
 * @out_method: (out): its request's method, GET or HEAD
 * @out_target: (out): its request target, as sent
 *
 * The request line as the door read it: libwebsockets unescapes the path and keeps
 * the query apart, the relay reads it as libsoup did.
 *
 * Returns: %FALSE if the door does not know @wsi (any more)
 */
gboolean
kp_relay_door_get_request (KpRelayDoor  *door,
                           struct lws   *wsi,
                           const char  **out_method,
                           const char  **out_target)
{
  Visitor *visitor;
  const char *space;

  g_return_val_if_fail (door != NULL, FALSE);

  visitor = find_served (door, wsi);
  if (visitor == NULL || visitor->request == NULL)
    return FALSE;
  space = strchr (visitor->request, ' ');
  *out_method = g_str_has_prefix (visitor->request, "HEAD ") ? "HEAD" : "GET";
  *out_target = space + 1;
  return TRUE;
}

/**
 * kp_relay_door_log:
 * @level: libwebsockets' level (%LLL_ERR…)
 * @line: its message, ending in a newline
 *
 * libwebsockets' log, for lws_set_log_level(), into GLib's: its errors as warnings, its
 * warnings as messages, the rest as debug messages. Drops what libwebsockets 4.1 logs
 * as an error at every adoption with bytes already read ("adopt_socket_readbuf: calling
 * service"), which is not one.
 */
void
kp_relay_door_log (int         level,
                   const char *line)
{
  gsize length = strlen (line);

  if (strstr (line, "adopt_socket_readbuf: calling service") != NULL)
    return;
  while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r'))
    length--;
  if (level & LLL_ERR)
    g_warning ("libwebsockets: %.*s", (int) length, line);
  else if (level & LLL_WARN)
    g_message ("libwebsockets: %.*s", (int) length, line);
  else
    g_debug ("libwebsockets: %.*s", (int) length, line);
}
