/* relay-lws.c: kakaopay-relay's two endpoints on libwebsockets, for the comparison
 *
 *   relay-lws --config PATH --listen HOST:PORT
 *
 * A prototype, not shipped: the customer's callback (`GET /t/{terminal}/{kind}/{order}`,
 * the same link check as kakaopay-relay, an in-memory queue, a page of the same size)
 * and the terminal's WebSocket at `/t/{terminal}/events` (Bearer token, events as
 * kakaopay-relay sends them, `{"ack"…}` and `{"ping"…}` taken), and `GET /health`; on one
 * event loop with libwebsockets' per-connection timeouts: its own poll() loop, or with
 * KP_LWS_LOOP=ev libev's (epoll), with KP_LWS_LOOP=glib GLib's, with KP_LWS_LOOP=ev-glib
 * libev's with GLib's main context driven from it. Reads the relay's key file
 * and prints the same "listening on" line, so benchmarks/relay-compare runs relay-bench
 * against both. No long poll, no database, no bounds beyond the queue's count.
 *
 * Admission as kakaopay-relay's (src/approval/kp-http-guard.c), so that the two compare
 * like for like under a flood: at most KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS
 * connections of one address are read at a time, the others wait unread (their reading
 * turned off) in arrival order until one of those ends or becomes a WebSocket; a head
 * or a write that takes longer than KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS ends its
 * connection (libwebsockets' own timeouts).
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <ev.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-relay-client.h"
#include "kp-relay-door.h"
#include "kp-relay.h"

#define MAX_EVENTS  256
#define MAX_SOCKETS 4

typedef struct
{
  char     *name;
  char     *token;
  gint64    last_id;
  GQueue    events;            /* Event * */
  struct lws *sockets[MAX_SOCKETS];
} Terminal;

typedef struct
{
  gint64  id;
  char   *text;
} Event;

/* Per connection. */
typedef struct
{
  Terminal *terminal;
  gint64    sent_up_to;
  char     *pong;
} Session;

/* The connections of one peer address. */
typedef struct
{
  char   *key;
  guint   n_open;              /* its connections, WebSockets included */
  guint   n_active;            /* read now */
  GQueue  waiting;             /* struct lws *, unread */
} Address;

/* What admission knows of a connection, from its start to its end. */
typedef struct
{
  Address *address;
  GList    link;               /* in address->waiting while it waits */
  gboolean waiting;
  gboolean active;
} Admission;

static GHashTable *terminals;
static GHashTable *addresses;  /* key → Address */
static GHashTable *admissions; /* struct lws * → Admission */
static char *epoch;
static volatile sig_atomic_t stopping;
static gboolean event_loop;
static struct lws_context *context;
/* On libev's loop: the relay's front door (kp-relay-door.c) accepts and screens the
 * connections, and admits them in place of the code below. */
static KpRelayDoor *door;

static const char page[] =
  "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
  "<title>결제가 완료되었습니다 · Payment received</title>"
  "<style>body{font-family:sans-serif;margin:0;padding:2em 1.2em;text-align:center;"
  "background:#fafafa;color:#191919}h1{font-size:1.6em;margin:.2em 0}"
  "h2{font-size:1.2em;font-weight:normal;color:#555;margin:.2em 0 1.2em}"
  "p{font-size:1.1em}</style></head><body>"
  "<h1>결제가 완료되었습니다</h1><h2 lang=\"en\">Payment received</h2>"
  "<p>계산대로 돌아가 주세요.</p><p lang=\"en\">Please return to the counter.</p></body></html>\n";

static int
respond (struct lws *wsi,
         guint       status,
         const char *type,
         const char *body)
{
  gsize length = strlen (body);
  g_autofree guchar *buffer = g_malloc (LWS_PRE + 1024 + length);
  guchar *start = buffer + LWS_PRE;
  guchar *p = start;
  guchar *end = start + 1024;

  if (lws_add_http_common_headers (wsi, status, type, length, &p, end) ||
      lws_add_http_header_by_token (wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                    (const guchar *) "no-store", 8, &p, end) ||
      lws_finalize_write_http_header (wsi, start, &p, end))
    return 1;
  memcpy (start, body, length);
  if (lws_write (wsi, start, length, LWS_WRITE_HTTP_FINAL) != (int) length)
    return 1;
  /* One request per connection, as kakaopay-relay. */
  return 1;
}

static void
kick (Terminal *terminal)
{
  for (guint i = 0; i < MAX_SOCKETS; i++)
    {
      if (terminal->sockets[i] != NULL)
        lws_callback_on_writable (terminal->sockets[i]);
    }
}

static void
enqueue (Terminal       *terminal,
         KpCallbackKind  kind,
         const char     *order_id,
         const char     *nonce,
         const char     *pg_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  Event *event = g_new0 (Event, 1);

  event->id = ++terminal->last_id;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, epoch);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, event->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kp_callback_kind_to_string (kind));
  json_builder_set_member_name (builder, "partner_order_id");
  json_builder_add_string_value (builder, order_id);
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, nonce);
  if (pg_token != NULL)
    {
      json_builder_set_member_name (builder, "pg_token");
      json_builder_add_string_value (builder, pg_token);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  event->text = json_generator_to_data (generator, NULL);
  g_queue_push_tail (&terminal->events, event);
  while (g_queue_get_length (&terminal->events) > MAX_EVENTS)
    {
      Event *old = g_queue_pop_head (&terminal->events);

      g_free (old->text);
      g_free (old);
    }
  kick (terminal);
}

static void
admit (struct lws *wsi,
       Admission  *admission)
{
  admission->waiting = FALSE;
  admission->active = TRUE;
  admission->address->n_active++;
  lws_rx_flow_control (wsi, 1 | LWS_RXFLOW_REASON_FLAG_PROCESS_NOW);
}

static void
on_connection_opened (struct lws *wsi)
{
  char key[64];
  Admission *admission = g_new0 (Admission, 1);
  Address *address;

  if (lws_get_peer_simple (wsi, key, sizeof key) == NULL)
    g_strlcpy (key, "?", sizeof key);
  address = g_hash_table_lookup (addresses, key);
  if (address == NULL)
    {
      address = g_new0 (Address, 1);
      address->key = g_strdup (key);
      g_queue_init (&address->waiting);
      g_hash_table_insert (addresses, address->key, address);
    }
  address->n_open++;
  admission->address = address;
  admission->link.data = wsi;
  g_hash_table_insert (admissions, wsi, admission);
  if (address->n_active < KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS)
    {
      admission->active = TRUE;
      address->n_active++;
    }
  else
    {
      lws_rx_flow_control (wsi, 0);
      admission->waiting = TRUE;
      g_queue_push_tail_link (&address->waiting, &admission->link);
    }
}

/* The connection no longer counts against its address (it ended, or it is a WebSocket
 * now): the next one waiting is read. */
static void
release (Admission *admission)
{
  Address *address = admission->address;
  GList *next;

  if (!admission->active)
    return;
  admission->active = FALSE;
  address->n_active--;
  next = g_queue_pop_head_link (&address->waiting);
  if (next != NULL)
    admit (next->data, g_hash_table_lookup (admissions, next->data));
}

static void
on_connection_closed (struct lws *wsi)
{
  Admission *admission = g_hash_table_lookup (admissions, wsi);
  Address *address;

  if (admission == NULL)
    return;
  address = admission->address;
  if (admission->waiting)
    g_queue_unlink (&address->waiting, &admission->link);
  release (admission);
  g_hash_table_remove (admissions, wsi);
  /* An address without connections is forgotten: the table holds the open ones only. */
  if (--address->n_open == 0)
    {
      g_hash_table_remove (addresses, address->key);
      g_free (address->key);
      g_free (address);
    }
}

/* `/t/{terminal}/{rest}`. */
static Terminal *
lookup (const char  *path,
        const char **out_rest)
{
  g_autofree char *name = NULL;
  const char *slash;

  if (!g_str_has_prefix (path, "/t/"))
    return NULL;
  slash = strchr (path + 3, '/');
  if (slash == NULL)
    return NULL;
  name = g_strndup (path + 3, slash - path - 3);
  *out_rest = slash + 1;
  return g_hash_table_lookup (terminals, name);
}

static int
handle_http (struct lws *wsi,
             const char *path)
{
  char nonce_arg[128] = "", pg_token_arg[160] = "";
  const char *nonce, *pg_token;
  const char *rest = NULL;
  const char *slash;
  g_autofree char *secret = NULL;
  g_autofree char *order_id = NULL;
  Terminal *terminal;
  KpCallbackKind kind;
  gint64 expires;

  if (lws_hdr_total_length (wsi, WSI_TOKEN_GET_URI) == 0)
    return respond (wsi, 405, "text/plain", "");
  if (strcmp (path, "/health") == 0)
    return respond (wsi, 200, "text/plain", "ok\n");
  terminal = lookup (path, &rest);
  if (terminal == NULL || (slash = strchr (rest, '/')) == NULL ||
      !kp_callback_kind_from_string (rest, slash - rest, &kind))
    return respond (wsi, 404, "text/html; charset=utf-8", page);
  order_id = g_strdup (slash + 1);
  if (*order_id == '\0' || strlen (order_id) > KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH ||
      strchr (order_id, '/') != NULL || !g_utf8_validate (order_id, -1, NULL))
    return respond (wsi, 404, "text/html; charset=utf-8", page);
  /* Each points into its buffer, past "name=". */
  nonce = lws_get_urlarg_by_name (wsi, "n=", nonce_arg, sizeof nonce_arg);
  pg_token = lws_get_urlarg_by_name (wsi, "pg_token=", pg_token_arg, sizeof pg_token_arg);
  secret = kp_relay_nonce (terminal->token, order_id);
  if (kp_callback_link_check (secret, kind, order_id, nonce, g_get_real_time () / G_USEC_PER_SEC,
                              &expires) != KP_CALLBACK_LINK_VALID)
    return respond (wsi, 404, "text/html; charset=utf-8", page);
  if (kind == KP_CALLBACK_APPROVE && !kp_callback_pg_token_is_valid (pg_token))
    return respond (wsi, 400, "text/html; charset=utf-8", page);
  enqueue (terminal, kind, order_id, nonce, kind == KP_CALLBACK_APPROVE ? pg_token : NULL);
  return respond (wsi, 200, "text/html; charset=utf-8", page);
}

/* The upgrade: `/t/{terminal}/events` with the terminal's token. */
static Terminal *
accept_socket (struct lws *wsi)
{
  char path[256], authorization[512];
  const char *rest = NULL;
  Terminal *terminal;

  if (lws_hdr_copy (wsi, path, sizeof path, WSI_TOKEN_GET_URI) <= 0 ||
      (terminal = lookup (path, &rest)) == NULL || strcmp (rest, "events") != 0)
    return NULL;
  if (lws_hdr_copy (wsi, authorization, sizeof authorization,
                    WSI_TOKEN_HTTP_AUTHORIZATION) <= 0 ||
      g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0 ||
      !kp_callback_nonce_equal (terminal->token, authorization + 7))
    return NULL;
  return terminal;
}

static void
take_message (Session    *session,
              const char *in,
              gsize       length)
{
  g_autoptr (GBytes) bytes = g_bytes_new (in, length);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  Event *event;

  if (!json_parser_load_from_data (parser, in, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (object, "ping"))
    {
      g_free (session->pong);
      session->pong = g_strdup_printf ("{\"pong\":%" G_GINT64_FORMAT "}",
                                       json_object_get_int_member (object, "ping"));
      return;
    }
  if (json_object_has_member (object, "ack"))
    {
      gint64 ack = json_object_get_int_member (object, "ack");

      while ((event = g_queue_peek_head (&session->terminal->events)) != NULL && event->id <= ack)
        {
          g_free (event->text);
          g_free (g_queue_pop_head (&session->terminal->events));
        }
    }
}

static int
send_text (struct lws *wsi,
           const char *text)
{
  gsize length = strlen (text);
  g_autofree guchar *buffer = g_malloc (LWS_PRE + length);

  memcpy (buffer + LWS_PRE, text, length);
  return lws_write (wsi, buffer + LWS_PRE, length, LWS_WRITE_TEXT) < (int) length ? -1 : 0;
}

static int
on_event_cb (struct lws                *wsi,
             enum lws_callback_reasons  reason,
             void                      *user,
             void                      *in,
             size_t                     length)
{
  Session *session = user;

  switch (reason)
    {
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
      if (door == NULL)
        on_connection_opened (wsi);
      return 0;

    case LWS_CALLBACK_WSI_DESTROY:
      if (door != NULL)
        kp_relay_door_release (door, wsi);
      else
        on_connection_closed (wsi);
      return 0;

    case LWS_CALLBACK_HTTP:
      return handle_http (wsi, in);

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      return accept_socket (wsi) == NULL;

    case LWS_CALLBACK_ESTABLISHED:
      memset (session, 0, sizeof *session);
      session->terminal = accept_socket (wsi);
      if (session->terminal == NULL)
        return -1;
      if (session->terminal->sockets[MAX_SOCKETS - 1] != NULL)
        lws_set_timeout (session->terminal->sockets[0], PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
      for (guint i = 0; i < MAX_SOCKETS; i++)
        {
          if (session->terminal->sockets[i] == NULL)
            {
              session->terminal->sockets[i] = wsi;
              break;
            }
        }
      /* A WebSocket lasts: no longer one of its address's slots. */
      if (door != NULL)
        kp_relay_door_release (door, wsi);
      else if (g_hash_table_lookup (admissions, wsi) != NULL)
        release (g_hash_table_lookup (admissions, wsi));
      lws_callback_on_writable (wsi);
      return 0;

    case LWS_CALLBACK_RECEIVE:
      if (session->terminal != NULL && length <= 1024)
        take_message (session, in, length);
      if (session->pong != NULL)
        lws_callback_on_writable (wsi);
      return 0;

    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (session->pong != NULL)
        {
          g_autofree char *pong = g_steal_pointer (&session->pong);

          if (send_text (wsi, pong) < 0)
            return -1;
          lws_callback_on_writable (wsi);
          return 0;
        }
      for (GList *l = session->terminal->events.head; l != NULL; l = l->next)
        {
          Event *event = l->data;

          if (event->id <= session->sent_up_to)
            continue;
          if (send_text (wsi, event->text) < 0)
            return -1;
          session->sent_up_to = event->id;
          /* One frame per writable turn: ask for the next. */
          if (l->next != NULL)
            lws_callback_on_writable (wsi);
          break;
        }
      return 0;

    case LWS_CALLBACK_CLOSED:
      if (session->terminal != NULL)
        {
          for (guint i = 0; i < MAX_SOCKETS; i++)
            {
              if (session->terminal->sockets[i] == wsi)
                session->terminal->sockets[i] = NULL;
            }
        }
      g_clear_pointer (&session->pong, g_free);
      return 0;

    default:
      return lws_callback_http_dummy (wsi, reason, user, in, length);
    }
}

/* KP_LWS_LOOP=ev-glib: libev's loop runs, libwebsockets on it as a foreign loop, and
 * GLib's main context is driven from it (its few descriptors watched by libev, its
 * sources dispatched after each wake-up), as kakaopay-relay's own work — libpq's
 * sockets, its timers — would run if the relay moved to libwebsockets. A timeout
 * every 100 ms stands for the relay's timers. */

#define MAX_GLIB_FDS 64

static struct
{
  struct ev_loop *loop;
  GMainContext   *context;
  ev_prepare      prepare;
  ev_check        check;
  ev_timer        timer;
  ev_io           ios[MAX_GLIB_FDS];
  GPollFD         fds[MAX_GLIB_FDS];
  int             n_fds;
  int             priority;
  guint           ticks;
} glib_on_ev;

static void
on_glib_io_cb (struct ev_loop *loop,
               ev_io          *io,
               int             revents)
{
}

static void
on_glib_timer_cb (struct ev_loop *loop,
                  ev_timer       *timer,
                  int             revents)
{
}

/* Before libev waits: GLib says which descriptors and how long. */
static void
on_prepare_cb (struct ev_loop *loop,
               ev_prepare     *prepare,
               int             revents)
{
  int timeout_ms;

  g_main_context_prepare (glib_on_ev.context, &glib_on_ev.priority);
  glib_on_ev.n_fds = g_main_context_query (glib_on_ev.context, glib_on_ev.priority, &timeout_ms,
                                           glib_on_ev.fds, MAX_GLIB_FDS);
  if (glib_on_ev.n_fds > MAX_GLIB_FDS)
    g_error ("GLib watches more than %d descriptors", MAX_GLIB_FDS);
  for (int i = 0; i < glib_on_ev.n_fds; i++)
    {
      GPollFD *fd = &glib_on_ev.fds[i];

      fd->revents = 0;
      ev_io_init (&glib_on_ev.ios[i], on_glib_io_cb, fd->fd,
                  ((fd->events & G_IO_IN) ? EV_READ : 0) | ((fd->events & G_IO_OUT) ? EV_WRITE : 0));
      ev_io_start (loop, &glib_on_ev.ios[i]);
    }
  if (timeout_ms >= 0)
    {
      ev_timer_set (&glib_on_ev.timer, timeout_ms / 1000.0, 0.);
      ev_timer_start (loop, &glib_on_ev.timer);
    }
}

/* After it woke: GLib learns what is ready, and dispatches. */
static void
on_check_cb (struct ev_loop *loop,
             ev_check       *check,
             int             revents)
{
  for (int i = 0; i < glib_on_ev.n_fds; i++)
    {
      ev_io *io = &glib_on_ev.ios[i];

      if (ev_is_pending (io))
        {
          int got = ev_clear_pending (loop, io);

          glib_on_ev.fds[i].revents = ((got & EV_READ) ? G_IO_IN : 0) |
                                      ((got & EV_WRITE) ? G_IO_OUT : 0);
        }
      ev_io_stop (loop, io);
    }
  ev_timer_stop (loop, &glib_on_ev.timer);
  if (g_main_context_check (glib_on_ev.context, glib_on_ev.priority, glib_on_ev.fds,
                            glib_on_ev.n_fds))
    g_main_context_dispatch (glib_on_ev.context);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  glib_on_ev.ticks++;
  return G_SOURCE_CONTINUE;
}

static struct ev_loop *
glib_on_ev_new (void)
{
  glib_on_ev.loop = ev_loop_new (EVFLAG_AUTO);
  glib_on_ev.context = g_main_context_default ();
  g_main_context_acquire (glib_on_ev.context);
  ev_prepare_init (&glib_on_ev.prepare, on_prepare_cb);
  ev_prepare_start (glib_on_ev.loop, &glib_on_ev.prepare);
  ev_check_init (&glib_on_ev.check, on_check_cb);
  ev_check_start (glib_on_ev.loop, &glib_on_ev.check);
  ev_init (&glib_on_ev.timer, on_glib_timer_cb);
  g_timeout_add (100, on_tick_cb, NULL);
  return glib_on_ev.loop;
}

static void
on_signal (int signal)
{
  /* On an event library's loop lws_service() does not return: nothing to tidy up. */
  if (event_loop)
    _exit (0);
  stopping = 1;
  if (context != NULL)
    lws_cancel_service (context);
}

int
main (int   argc,
      char *argv[])
{
  static const struct lws_protocols protocols[] = {
    { "kakaopay-relay", on_event_cb, sizeof (Session), 1024, 0, NULL, 0 },
    { NULL, NULL, 0, 0, 0, NULL, 0 }
  };
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) groups = NULL;
  g_autofree char *host = NULL;
  struct lws_context_creation_info info;
  struct lws_vhost *vhost;
  struct ev_loop *loop = NULL;
  const char *config = NULL;
  const char *listen = "127.0.0.1:0";
  const char *colon;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (strcmp (argv[i], "--config") == 0)
        config = argv[i + 1];
      else if (strcmp (argv[i], "--listen") == 0)
        listen = argv[i + 1];
    }
  if (config == NULL || !g_key_file_load_from_file (key_file, config, G_KEY_FILE_NONE, &error))
    {
      g_printerr ("usage: relay-lws --config PATH [--listen HOST:PORT]\n");
      return 2;
    }
  terminals = g_hash_table_new (g_str_hash, g_str_equal);
  addresses = g_hash_table_new (g_str_hash, g_str_equal);
  admissions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      Terminal *terminal;

      if (!g_str_has_prefix (groups[i], "terminal "))
        continue;
      terminal = g_new0 (Terminal, 1);
      terminal->name = g_strdup (groups[i] + strlen ("terminal "));
      terminal->token = g_key_file_get_string (key_file, groups[i], "token", NULL);
      g_queue_init (&terminal->events);
      g_hash_table_insert (terminals, terminal->name, terminal);
    }
  epoch = g_strdup_printf ("%08x", g_random_int ());

  colon = strrchr (listen, ':');
  host = g_strndup (listen, colon - listen);
  lws_set_log_level (LLL_ERR, kp_relay_door_log);
  memset (&info, 0, sizeof info);
  info.port = atoi (colon + 1);
  info.iface = host;
  info.protocols = protocols;
  info.timeout_secs = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS; /* its head, its writes */
  info.keepalive_timeout = 5;
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
  /* KP_LWS_LOOP=ev: libev's loop (epoll), with the relay's front door; ev-glib: the
   * same, GLib's main context driven from it; glib: GLib's main loop (poll(), as
   * libsoup's); otherwise lws' own poll() loop. */
  if (g_strcmp0 (g_getenv ("KP_LWS_LOOP"), "ev") == 0)
    loop = ev_loop_new (EVFLAG_AUTO);
  else if (g_strcmp0 (g_getenv ("KP_LWS_LOOP"), "ev-glib") == 0)
    loop = glib_on_ev_new ();
  else if (g_strcmp0 (g_getenv ("KP_LWS_LOOP"), "glib") == 0)
    info.options |= LWS_SERVER_OPTION_GLIB;
  if (loop != NULL)
    {
      static void *foreign_loops[1];

      foreign_loops[0] = loop;
      info.foreign_loops = foreign_loops;
      info.options |= LWS_SERVER_OPTION_LIBEV;
      /* The door listens, reads and screens each head, then hands it over: every head
       * it passes must fit libwebsockets' header space. */
      info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
      info.max_http_header_data = KP_APPROVAL_LISTENER_MAX_HEADER_BYTES + 1024;
      info.timeout_secs = KP_APPROVAL_LISTENER_TIMEOUT_SECONDS;
    }
  event_loop = (info.options & (LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_GLIB)) != 0;
  context = lws_create_context (&info);
  if (context == NULL)
    return 1;
  vhost = lws_get_vhost_by_name (context, "default");
  if (loop != NULL)
    {
      g_autofree char *url = NULL;

      door = kp_relay_door_new (loop, vhost, KP_RELAY_DEFAULT_MAX_CONNECTIONS,
                                KP_APPROVAL_LISTENER_TIMEOUT_SECONDS);
      if (!kp_relay_door_listen (door, host, atoi (colon + 1), 1024, &error))
        {
          g_printerr ("relay-lws: %s\n", error->message);
          return 1;
        }
      url = kp_relay_door_dup_url (door);
      g_print ("listening on %s\n", url);
    }
  else
    g_print ("listening on http://%s:%d\n", host, lws_get_vhost_listen_port (vhost));
  fflush (stdout);

  signal (SIGTERM, on_signal);
  signal (SIGINT, on_signal);
  if (loop != NULL)
    ev_run (loop, 0);
  while (!stopping)
    {
      if (lws_service (context, 0) < 0)
        break;
    }
  lws_context_destroy (context);
  return 0;
}
