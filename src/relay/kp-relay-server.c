/* kp-relay-server.c: kakaopay-relay's network thread
 *
 * Every connection lives here: libwebsockets 4.1 on libev's loop (epoll), behind the
 * relay's front door (kp-relay-door.c), which accepts the connections, holds them to
 * the limits a public server needs and hands the screened ones over. This thread
 * carries out the answers the relay decides (kp-relay-http.c): a page or JSON at once,
 * a long poll held until an event comes or its wait is over, a WebSocket
 * (kp-relay-socket.c), a callback held while the main thread stores it in the database.
 *
 * The main thread keeps the rest (the database, the timers, the acknowledgements): it
 * reaches this thread through jobs and libev's async watcher (a kick when a terminal
 * has something new, the answer to a stored callback), and this thread reaches it
 * through GLib's default main context.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <ev.h>
#include <libsoup/soup.h>
#include <libwebsockets.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-relay-door.h"
#include "kp-relay-private.h"

#define LISTEN_BACKLOG    1024
#define KEEPALIVE_SECONDS 25
/* libwebsockets' header space per connection: any head the door passes fits. */
#define HEADER_SPACE (KP_APPROVAL_LISTENER_MAX_HEADER_BYTES + 1024)

typedef enum
{
  JOB_KICK,
  JOB_ANSWER_STORED,
  JOB_LISTEN,
  JOB_STOP,
} JobKind;

typedef struct
{
  JobKind          kind;
  KpRelayTerminal *terminal;     /* KICK */
  guint64          session;      /* ANSWER_STORED */
  guint            status;
  KpCallbackKind   callback;
  const char      *host;         /* LISTEN, waited for */
  guint16          port;
  GError         **error;
  gboolean         ok;
  gboolean         done;
} Job;

struct _KpRelayServer
{
  KpRelay            *relay;
  GThread            *thread;
  struct ev_loop     *loop;
  struct lws_context *context;
  struct lws_vhost   *vhost;
  KpRelayDoor        *door;
  ev_async            wake;
  GHashTable         *sessions;     /* session id → struct lws *: callbacks being stored */
  GHashTable         *upgrades;     /* struct lws * → KpRelayTerminal *: handshakes accepted */
  guint64             last_session;

  GMutex              lock;         /* jobs and the start */
  GCond               cond;
  GQueue              jobs;         /* Job * */
  gboolean            started;
  gboolean            running;
  GError             *start_error;
};

/* What libwebsockets keeps per connection (zeroed). */
typedef enum
{
  SESSION_HTTP,
  SESSION_POLL,
  SESSION_STORING,
  SESSION_SOCKET,
} SessionRole;

typedef struct
{
  SessionRole      role;
  KpRelayTerminal *terminal;       /* POLL and SOCKET */
  guint64          id;             /* STORING */
  ev_timer         poll_timer;
  gboolean         poll_timer_set;
  gint64           sent_up_to;     /* SOCKET */
  GQueue           answers;        /* SOCKET: char * */
  /* An answer waiting for its turn to be written */
  gboolean         head;           /* HEAD: no body */
  guint            status;
  const char      *content_type;
  char            *body;
  const char      *header_name;
  const char      *header_value;
} Session;

/* Answers */

static int
write_answer (struct lws *wsi,
              gboolean    head,
              guint       status,
              const char *content_type,
              const char *body,
              const char *header_name,
              const char *header_value)
{
  gsize length = body != NULL ? strlen (body) : 0;
  g_autofree guchar *buffer = g_malloc (LWS_PRE + 1024 + length);
  guchar *start = buffer + LWS_PRE;
  guchar *p = start;
  guchar *end = start + 1024;
  g_autofree char *content_length = g_strdup_printf ("%zu", length);

#define ADD(name, value) \
  (value != NULL && lws_add_http_header_by_name (wsi, (const guchar *) name, \
                                                 (const guchar *) value, strlen (value), \
                                                 &p, end) != 0)
  if (lws_add_http_header_status (wsi, status, &p, end) != 0 ||
      ADD ("Content-Type:", content_type) ||
      ADD ("Content-Length:", content_length) ||
      ADD ("Cache-Control:", "no-store") ||
      (header_name != NULL && ADD (header_name, header_value)) ||
      /* One request per connection, as a head that passed the door is all it reads. */
      ADD ("Connection:", "close") ||
      lws_finalize_write_http_header (wsi, start, &p, end) != 0)
    return -1;
#undef ADD
  if (!head && length > 0)
    {
      memcpy (start, body, length);
      if (lws_write (wsi, start, length, LWS_WRITE_HTTP_FINAL) != (int) length)
        return -1;
    }
  /* Closed once what is buffered is out. */
  return 1;
}

static int
write_page (struct lws     *wsi,
            gboolean        head,
            guint           status,
            KpCallbackKind  kind,
            const char     *header_name,
            const char     *header_value)
{
  g_autofree char *page = kp_callback_page_dup (status, kind);

  return write_answer (wsi, head, status, "text/html; charset=utf-8", page, header_name,
                       header_value);
}

/* Later, when the connection can take it (%LWS_CALLBACK_HTTP_WRITEABLE). Takes @body. */
static void
schedule_answer (struct lws *wsi,
                 Session    *session,
                 guint       status,
                 const char *content_type,
                 char       *body,
                 const char *header_name,
                 const char *header_value)
{
  session->role = SESSION_HTTP;
  session->status = status;
  session->content_type = content_type;
  g_free (session->body);
  session->body = body;
  session->header_name = header_name;
  session->header_value = header_value;
  lws_callback_on_writable (wsi);
}

/* Long polls */

static void
poll_timer_stop (KpRelayServer *server,
                 Session       *session)
{
  if (session->poll_timer_set)
    ev_timer_stop (server->loop, &session->poll_timer);
  session->poll_timer_set = FALSE;
}

static void
terminal_end_poll (KpRelayServer   *server,
                   KpRelayTerminal *terminal)
{
  Session *session = lws_wsi_user (terminal->poll);

  poll_timer_stop (server, session);
  terminal->poll = NULL;
  g_atomic_int_set (&terminal->polling, FALSE);
}

/* Answers the waiting long poll with what there is now (maybe nothing). */
static void
terminal_answer_poll (KpRelayServer   *server,
                      KpRelayTerminal *terminal)
{
  struct lws *wsi = terminal->poll;
  KpRelay *self = server->relay;
  char *body;

  if (wsi == NULL)
    return;
  terminal_end_poll (server, terminal);
  g_mutex_lock (&self->lock);
  body = _kp_relay_events_body (terminal, terminal->poll_after);
  g_mutex_unlock (&self->lock);
  schedule_answer (wsi, lws_wsi_user (wsi), SOUP_STATUS_OK, "application/json", body, NULL,
                   NULL);
}

static void
on_poll_timeout_cb (struct ev_loop *loop,
                    ev_timer       *timer,
                    int             revents)
{
  struct lws *wsi = timer->data;
  Session *session = lws_wsi_user (wsi);

  session->poll_timer_set = FALSE;
  if (session->terminal != NULL && session->terminal->poll == wsi)
    terminal_answer_poll (lws_context_user (lws_get_context (wsi)), session->terminal);
}

typedef struct
{
  KpRelay         *relay;
  KpRelayTerminal *terminal;
  gboolean         answer_on_fetch;
} PollFetch;

static void
poll_fetch_free (PollFetch *fetch)
{
  g_object_unref (fetch->relay);
  g_free (fetch);
}

/* Main thread: with a database, the held poll's terminal fetches its queue, then the
 * poll is answered (at once after the fetch, for a poll that does not wait). */
static gboolean
poll_fetch_cb (gpointer user_data)
{
  PollFetch *fetch = user_data;

  if (fetch->relay->store == NULL)
    return G_SOURCE_REMOVE;
  if (fetch->answer_on_fetch)
    fetch->terminal->poll_on_fetch = TRUE;
  _kp_relay_terminal_fetch (fetch->terminal);
  return G_SOURCE_REMOVE;
}

static void
hold_poll (KpRelayServer *server,
           struct lws    *wsi,
           Session       *session,
           KpRelayReply  *reply)
{
  KpRelay *self = server->relay;
  KpRelayTerminal *terminal = reply->terminal;

  /* One waiting poll per terminal: an older one is answered (empty) now. */
  terminal_answer_poll (server, terminal);
  /* Kept on purpose: no longer one of the door's, and no time limit of libwebsockets'. */
  kp_relay_door_release (server->door, wsi);
  lws_set_timeout (wsi, NO_PENDING_TIMEOUT, 0);

  session->role = SESSION_POLL;
  session->terminal = terminal;
  terminal->poll = wsi;
  terminal->poll_after = reply->after;
  g_atomic_int_set (&terminal->polling, TRUE);
  ev_timer_init (&session->poll_timer, on_poll_timeout_cb, MAX (reply->wait, 1), 0.);
  session->poll_timer.data = wsi;
  ev_timer_start (server->loop, &session->poll_timer);
  session->poll_timer_set = TRUE;

  if (self->store != NULL)
    {
      PollFetch *fetch = g_new0 (PollFetch, 1);

      fetch->relay = g_object_ref (self);
      fetch->terminal = terminal;
      fetch->answer_on_fetch = reply->wait == 0;
      g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, poll_fetch_cb, fetch,
                                  (GDestroyNotify) poll_fetch_free);
    }
}

/* Stored callbacks */

typedef struct
{
  KpRelay      *relay;
  guint64       session;
  KpRelayReply  reply;
} Store;

static void
store_free (Store *store)
{
  kp_relay_reply_clear (&store->reply);
  g_object_unref (store->relay);
  g_free (store);
}

static gboolean
store_cb (gpointer user_data)
{
  Store *store = user_data;

  if (store->relay->store != NULL)
    _kp_relay_store_callback (store->relay, store->session, &store->reply);
  return G_SOURCE_REMOVE;
}

/* The callback waits for the main thread to store it; its connection stays one of the
 * door's, under its deadline. Takes @reply's contents. */
static void
hold_storing (KpRelayServer *server,
              struct lws    *wsi,
              Session       *session,
              KpRelayReply  *reply)
{
  Store *store = g_new0 (Store, 1);

  session->role = SESSION_STORING;
  session->id = ++server->last_session;
  g_hash_table_insert (server->sessions, GSIZE_TO_POINTER (session->id), wsi);

  store->relay = g_object_ref (server->relay);
  store->session = session->id;
  store->reply = *reply;
  memset (reply, 0, sizeof *reply);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, store_cb, store,
                              (GDestroyNotify) store_free);
}

static void
answer_stored (KpRelayServer  *server,
               guint64         id,
               guint           status,
               KpCallbackKind  kind)
{
  struct lws *wsi = g_hash_table_lookup (server->sessions, GSIZE_TO_POINTER (id));
  Session *session;

  /* The phone went away: nobody to answer. */
  if (wsi == NULL)
    return;
  session = lws_wsi_user (wsi);
  g_hash_table_remove (server->sessions, GSIZE_TO_POINTER (id));
  session->id = 0;
  schedule_answer (wsi, session, status, "text/html; charset=utf-8",
                   kp_callback_page_dup (status, kind),
                   status == SOUP_STATUS_SERVICE_UNAVAILABLE ? "Retry-After:" : NULL,
                   status == SOUP_STATUS_SERVICE_UNAVAILABLE ? "2" : NULL);
}

/* Requests */

static char *
dup_header (struct lws             *wsi,
            enum lws_token_indexes  token)
{
  int length = lws_hdr_total_length (wsi, token);
  char *value;

  if (length <= 0)
    return NULL;
  value = g_malloc (length + 1);
  if (lws_hdr_copy (wsi, value, length + 1, token) < 0)
    g_clear_pointer (&value, g_free);
  return value;
}

/* Decides the request's answer; FALSE if the connection is to close without one. */
static gboolean
decide (KpRelayServer *server,
        struct lws    *wsi,
        gboolean       websocket,
        gboolean      *out_head,
        KpRelayReply  *reply)
{
  KpRelay *self = server->relay;
  g_autofree char *path = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autofree char *authorization = NULL;
  const char *method;
  const char *target;

  memset (reply, 0, sizeof *reply);
  if (!kp_relay_door_get_request (server->door, wsi, &method, &target))
    return FALSE;
  *out_head = strcmp (method, "HEAD") == 0;
  if (!_kp_relay_parse_target (target, &path, &query))
    {
      reply->kind = KP_RELAY_REPLY_EMPTY;
      reply->status = SOUP_STATUS_BAD_REQUEST;
      return TRUE;
    }
  if (strcmp (path, "/health") == 0)
    {
      const char *text;

      _kp_relay_health (self, &reply->status, &text);
      reply->kind = KP_RELAY_REPLY_TEXT;
      reply->body = g_strdup (text);
      return TRUE;
    }
  if (!g_str_has_prefix (path, "/t/") && strcmp (path, "/t") != 0)
    {
      g_mutex_lock (&self->lock);
      _kp_relay_refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "unknown path");
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  authorization = dup_header (wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  _kp_relay_handle_request (self, method, path, query, authorization, websocket, reply);
  return TRUE;
}

/* Carries out an answer that needs no waiting. Returns libwebsockets' verdict. */
static int
answer_now (struct lws   *wsi,
            gboolean      head,
            KpRelayReply *reply)
{
  switch (reply->kind)
    {
    case KP_RELAY_REPLY_PAGE:
      return write_page (wsi, head, reply->status, reply->callback, NULL, NULL);
    case KP_RELAY_REPLY_TEXT:
      return write_answer (wsi, head, reply->status, "text/plain", reply->body, NULL, NULL);
    case KP_RELAY_REPLY_JSON:
      return write_answer (wsi, head, reply->status, "application/json", reply->body,
                           reply->authenticate != NULL ? "WWW-Authenticate:" : NULL,
                           reply->authenticate);
    case KP_RELAY_REPLY_EMPTY:
      return write_answer (wsi, head, reply->status, NULL, NULL,
                           reply->allow != NULL ? "Allow:" : NULL, reply->allow);
    default:
      /* Not one to carry out here (an upgrade without a handshake): refused. */
      return write_answer (wsi, head, SOUP_STATUS_BAD_REQUEST, NULL, NULL, NULL, NULL);
    }
}

static int
on_http (KpRelayServer *server,
         struct lws    *wsi,
         Session       *session)
{
  KpRelayReply reply;
  gboolean head = FALSE;
  int verdict;

  if (session == NULL || !decide (server, wsi, FALSE, &head, &reply))
    return -1;
  session->head = head;
  switch (reply.kind)
    {
    case KP_RELAY_REPLY_POLL:
      hold_poll (server, wsi, session, &reply);
      verdict = 0;
      break;
    case KP_RELAY_REPLY_STORE:
      hold_storing (server, wsi, session, &reply);
      verdict = 0;
      break;
    default:
      verdict = answer_now (wsi, head, &reply);
      break;
    }
  kp_relay_reply_clear (&reply);
  return verdict;
}

/* A WebSocket handshake: accepted for an authorized terminal, else answered as a
 * request (401, 503…) and closed. */
static int
on_handshake (KpRelayServer *server,
              struct lws    *wsi)
{
  KpRelayReply reply;
  gboolean head = FALSE;

  if (!decide (server, wsi, TRUE, &head, &reply))
    return -1;
  if (reply.kind == KP_RELAY_REPLY_UPGRADE)
    {
      g_hash_table_insert (server->upgrades, wsi, reply.terminal);
      kp_relay_reply_clear (&reply);
      return 0;
    }
  answer_now (wsi, head, &reply);
  kp_relay_reply_clear (&reply);
  return 1;
}

static void
session_clear (KpRelayServer *server,
               struct lws    *wsi,
               Session       *session)
{
  switch (session->role)
    {
    case SESSION_POLL:
      poll_timer_stop (server, session);
      if (session->terminal->poll == wsi)
        terminal_end_poll (server, session->terminal);
      break;
    case SESSION_STORING:
      if (session->id != 0)
        g_hash_table_remove (server->sessions, GSIZE_TO_POINTER (session->id));
      break;
    case SESSION_SOCKET:
      _kp_relay_socket_closed (session->terminal, wsi);
      g_queue_clear_full (&session->answers, g_free);
      break;
    case SESSION_HTTP:
    default:
      break;
    }
  g_clear_pointer (&session->body, g_free);
  session->role = SESSION_HTTP;
}

static int
on_lws_cb (struct lws                *wsi,
           enum lws_callback_reasons  reason,
           void                      *user,
           void                      *in,
           size_t                     length)
{
  KpRelayServer *server = lws_context_user (lws_get_context (wsi));
  Session *session = user;
  KpRelayTerminal *terminal;

  switch (reason)
    {
    case LWS_CALLBACK_HTTP:
      return on_http (server, wsi, session);

    case LWS_CALLBACK_HTTP_WRITEABLE:
      if (session == NULL || session->role != SESSION_HTTP || session->status == 0)
        return 0;
      return write_answer (wsi, session->head, session->status, session->content_type,
                           session->body, session->header_name, session->header_value) != 0
             ? -1 : 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return on_handshake (server, wsi);

    case LWS_CALLBACK_ESTABLISHED:
      terminal = g_hash_table_lookup (server->upgrades, wsi);
      g_hash_table_remove (server->upgrades, wsi);
      if (terminal == NULL || session == NULL)
        return -1;
      /* Kept on purpose, bounded per terminal: no longer one of the door's. */
      kp_relay_door_release (server->door, wsi);
      session->role = SESSION_SOCKET;
      session->terminal = terminal;
      session->sent_up_to = 0;
      g_queue_init (&session->answers);
      _kp_relay_socket_opened (terminal, wsi);
      return 0;

    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (session == NULL || session->role != SESSION_SOCKET)
        return 0;
      return _kp_relay_socket_writable (session->terminal, wsi, &session->sent_up_to,
                                        &session->answers);

    case LWS_CALLBACK_RECEIVE:
      if (session == NULL || session->role != SESSION_SOCKET)
        return -1;
      return _kp_relay_socket_received (session->terminal, wsi, in, length, &session->answers);

    case LWS_CALLBACK_WSI_DESTROY:
      g_hash_table_remove (server->upgrades, wsi);
      if (session != NULL)
        session_clear (server, wsi, session);
      kp_relay_door_release (server->door, wsi);
      return 0;

    default:
      return lws_callback_http_dummy (wsi, reason, user, in, length);
    }
}

/* Jobs */

static void
kick (KpRelayServer   *server,
      KpRelayTerminal *terminal)
{
  KpRelay *self = server->relay;
  gboolean answer;

  g_atomic_int_set (&terminal->kick_pending, FALSE);
  answer = g_atomic_int_exchange (&terminal->kick_answers_poll, FALSE);
  for (guint i = 0; i < terminal->sockets->len; i++)
    lws_callback_on_writable (g_ptr_array_index (terminal->sockets, i));
  if (terminal->poll == NULL)
    return;
  if (!answer)
    {
      g_mutex_lock (&self->lock);
      answer = _kp_relay_terminal_has_events_after (terminal, terminal->poll_after);
      g_mutex_unlock (&self->lock);
    }
  if (answer)
    terminal_answer_poll (server, terminal);
}

static void
push_job (KpRelayServer *server,
          Job           *job)
{
  g_mutex_lock (&server->lock);
  g_queue_push_tail (&server->jobs, job);
  g_mutex_unlock (&server->lock);
  ev_async_send (server->loop, &server->wake);
}

/* Pushes @job and waits until the network thread did it. */
static void
run_job (KpRelayServer *server,
         Job           *job)
{
  push_job (server, job);
  g_mutex_lock (&server->lock);
  while (!job->done)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
}

static void
on_wake_cb (struct ev_loop *loop,
            ev_async       *async,
            int             revents)
{
  KpRelayServer *server = async->data;
  GQueue jobs = G_QUEUE_INIT;
  Job *job;

  g_mutex_lock (&server->lock);
  jobs = server->jobs;
  g_queue_init (&server->jobs);
  g_mutex_unlock (&server->lock);

  while ((job = g_queue_pop_head (&jobs)) != NULL)
    {
      switch (job->kind)
        {
        case JOB_KICK:
          kick (server, job->terminal);
          g_free (job);
          break;
        case JOB_ANSWER_STORED:
          answer_stored (server, job->session, job->status, job->callback);
          g_free (job);
          break;
        case JOB_LISTEN:
          job->ok = kp_relay_door_listen (server->door, job->host, job->port, LISTEN_BACKLOG,
                                          job->error);
          g_mutex_lock (&server->lock);
          job->done = TRUE;
          g_cond_broadcast (&server->cond);
          g_mutex_unlock (&server->lock);
          break;
        case JOB_STOP:
          ev_break (loop, EVBREAK_ALL);
          g_free (job);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* The thread */

static gboolean
server_start (KpRelayServer  *server,
              GError        **error)
{
  static const struct lws_protocols protocols[] = {
    { "kakaopay-relay", on_lws_cb, sizeof (Session), 1024, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
  };
  /* A WebSocket idle this long gets a ping; a connection silent for longer than a long
   * poll's wait and two pings ends. */
  static const lws_retry_bo_t keepalive = {
    .secs_since_valid_ping = KEEPALIVE_SECONDS,
    .secs_since_valid_hangup = KP_RELAY_MAX_WAIT + 2 * KEEPALIVE_SECONDS,
  };
  KpRelay *self = server->relay;
  struct lws_context_creation_info info;
  void *foreign_loops[1];

  server->loop = ev_loop_new (EVFLAG_AUTO | EVFLAG_NOSIGMASK);
  if (server->loop == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libev could not start a loop");
      return FALSE;
    }
  ev_async_init (&server->wake, on_wake_cb);
  server->wake.data = server;
  ev_async_start (server->loop, &server->wake);

  lws_set_log_level (LLL_ERR | LLL_WARN, kp_relay_door_log);
  memset (&info, 0, sizeof info);
  foreign_loops[0] = server->loop;
  info.foreign_loops = foreign_loops;
  info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
  /* The door listens and screens; libwebsockets serves what it hands over. */
  info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
  info.protocols = protocols;
  info.user = server;
  info.server_string = "kakaopay-relay";
  info.max_http_header_data = HEADER_SPACE;
  /* Every held long poll keeps its headers' space: room for one per terminal. */
  info.max_http_header_pool = MIN (self->max_connections + 2 * g_hash_table_size (self->terminals),
                                   8192);
  info.timeout_secs = KP_APPROVAL_LISTENER_TIMEOUT_SECONDS;
  info.retry_and_idle_policy = &keepalive;
  server->context = lws_create_context (&info);
  if (server->context == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "libwebsockets could not start (is libwebsockets-evlib-ev installed?)");
      return FALSE;
    }
  server->vhost = lws_get_vhost_by_name (server->context, "default");
  server->door = kp_relay_door_new (server->loop, server->vhost, self->max_connections,
                                    KP_APPROVAL_LISTENER_TIMEOUT_SECONDS);
  kp_relay_door_set_head_timeout (server->door, self->head_timeout);
  return TRUE;
}

static gpointer
server_thread_main (gpointer user_data)
{
  KpRelayServer *server = user_data;
  GError *error = NULL;
  gboolean ok = server_start (server, &error);

  g_mutex_lock (&server->lock);
  server->start_error = error;
  server->running = ok;
  server->started = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);

  if (ok)
    ev_run (server->loop, 0);

  /* Stopping: every connection ends with the thread that serves it. */
  if (server->context != NULL)
    lws_context_destroy (server->context);
  server->context = NULL;
  g_clear_pointer (&server->door, kp_relay_door_free);
  if (server->loop != NULL)
    {
      ev_async_stop (server->loop, &server->wake);
      ev_loop_destroy (server->loop);
    }
  return NULL;
}

/**
 * _kp_relay_server_new:
 *
 * Starts the network thread, listening nowhere yet.
 */
KpRelayServer *
_kp_relay_server_new (KpRelay  *self,
                      GError  **error)
{
  KpRelayServer *server = g_new0 (KpRelayServer, 1);

  server->relay = self;
  server->sessions = g_hash_table_new (NULL, NULL);
  server->upgrades = g_hash_table_new (NULL, NULL);
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  g_queue_init (&server->jobs);
  server->thread = g_thread_new ("relay-network", server_thread_main, server);

  g_mutex_lock (&server->lock);
  while (!server->started)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
  if (server->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&server->start_error));
      _kp_relay_server_free (server);
      return NULL;
    }
  return server;
}

gboolean
_kp_relay_server_listen (KpRelayServer  *server,
                         const char     *host,
                         guint16         port,
                         GError        **error)
{
  Job job = { .kind = JOB_LISTEN, .host = host, .port = port, .error = error };

  run_job (server, &job);
  return job.ok;
}

char *
_kp_relay_server_dup_url (KpRelayServer *server)
{
  return kp_relay_door_dup_url (server->door);
}

void
_kp_relay_server_free (KpRelayServer *server)
{
  if (server->thread != NULL)
    {
      if (server->running)
        {
          Job *job = g_new0 (Job, 1);

          job->kind = JOB_STOP;
          push_job (server, job);
        }
      g_thread_join (server->thread);
    }
  g_queue_clear_full (&server->jobs, g_free);
  g_hash_table_unref (server->sessions);
  g_hash_table_unref (server->upgrades);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
  g_free (server);
}

/* Main thread: the stored callback's answer (200, or 503 if it could not be stored). */
void
_kp_relay_server_answer_stored (KpRelayServer  *server,
                                guint64         session,
                                guint           status,
                                KpCallbackKind  kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_ANSWER_STORED;
  job->session = session;
  job->status = status;
  job->callback = kind;
  push_job (server, job);
}

/**
 * _kp_relay_terminal_kick:
 * @answer_poll: answer a waiting long poll even with nothing new
 *
 * Any thread: tells the network thread the terminal has something new for its
 * WebSockets and its waiting poll (once, however many events came).
 */
void
_kp_relay_terminal_kick (KpRelayTerminal *terminal,
                         gboolean         answer_poll)
{
  KpRelayServer *server = terminal->relay->server;
  Job *job;

  if (server == NULL)
    return;
  if (answer_poll)
    g_atomic_int_set (&terminal->kick_answers_poll, TRUE);
  if (!g_atomic_int_compare_and_exchange (&terminal->kick_pending, FALSE, TRUE))
    return;
  job = g_new0 (Job, 1);
  job->kind = JOB_KICK;
  job->terminal = terminal;
  push_job (server, job);
}
