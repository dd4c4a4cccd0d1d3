/* kp-relay.c: kakaopay-relay, the shop's public callback host
 *
 * The customer's phone follows KakaoPay's redirect to
 * `/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={link}[&pg_token=…]`; the
 * relay checks the link (kp_callback_link_check() with the order's secret,
 * kp_relay_nonce() of the terminal's token and the order id: made for this kind, not
 * expired), answers the phone with the listener's page, and queues the event for the
 * terminal once per order and kind (a replayed link is answered, not queued again; at
 * most %MAX_EVENTS_PER_ORDER wait per order, so one order never pushes out another's),
 * which takes it over a WebSocket or a long poll at `/t/{terminal}/events` and
 * acknowledges it. Queues live in memory: a restarted relay has lost what it held
 * (the terminal's status poller still learns the outcome, without pg_token).
 *
 * Event ids count 1, 2, 3… per terminal within one run of the relay, its epoch: a random
 * name every event, poll answer and acknowledgement carries. A terminal keeps its
 * duplicate filter per epoch, so a restarted relay's new events are never taken for
 * copies of old ones, and an acknowledgement naming another epoch deletes nothing.
 *
 * Threads: the main one runs the HTTP server (callbacks, long polls, handshakes); the
 * upgraded WebSockets are handed to socket threads, each with its own main context.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-address.h"
#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-codec.h"
#include "kp-http-guard.h"
#include "kp-relay-client.h"
#include "kp-relay-private.h"

#define TERMINAL_PREFIX    "/t/"
#define TERMINAL_GROUP     "terminal "
#define PRUNE_SECONDS      10
#define KEEPALIVE_SECONDS  25
#define MAX_ACK_BYTES      1024
#define MAX_EVENTS_PER_ORDER 4
#define LISTEN_BACKLOG     1024
/* GLib polls every descriptor of a context on each iteration: a dozen or so sockets per
 * thread keep an iteration cheap, also with a thousand terminals. */
#define TERMINALS_PER_SOCKET_THREAD 16
#define MAX_SOCKET_THREADS          64

typedef struct _Terminal Terminal;

/* A socket thread, with the WebSockets of its share of the terminals. */
typedef struct
{
  KpRelay      *relay;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} Shard;

typedef struct
{
  gint64    id;
  char     *order_id;
  char     *pg_token;
  KpCallbackKind kind;
  gint64    created;       /* monotonic µs */
  JsonNode *node;
  char     *text;          /* node as sent on a WebSocket */
} Event;

typedef struct
{
  Terminal                *terminal;      /* borrowed: the terminal owns the socket */
  SoupWebsocketConnection *connection;
  gint64                   sent_up_to;
} Socket;

struct _Terminal
{
  KpRelay           *relay;               /* borrowed */
  char              *name;
  char              *token;
  gint64             last_id;
  GQueue             events;              /* Event *, oldest first, unacknowledged */
  GHashTable        *taken;               /* "kind order" → gint64 *: link expiry (s) */
  GPtrArray         *sockets;             /* Socket *, oldest first; socket thread only */
  gint               kick_pending;        /* atomic: a kick_cb is on its way */
  Shard             *shard;               /* the thread of its sockets */
  SoupServerMessage *poll;                /* a long poll waiting for an event */
  gint64             poll_after;
  guint              poll_timeout_id;
  gulong             poll_finished_id;
  guint64            n_dropped;
};

struct _KpRelay
{
  GObject      parent_instance;

  SoupServer  *server;
  KpHttpGuard *guard;
  GHashTable  *terminals;                 /* name → Terminal */
  char        *listen;
  char        *public_url;
  guint        max_event_age;
  guint        max_events;
  guint        max_connections;
  guint        head_timeout;
  guint        prune_id;
  guint        n_rejected;
  gboolean     websocket_enabled;
  gint64       clock_offset;              /* µs, kp_relay_advance_clock () */
  char        *epoch;                     /* this run's name, random */

  /* The terminals' WebSockets live on socket threads (16 terminals each, at most 64):
   * GLib polls every descriptor of a context on each iteration, so a thousand idle
   * sockets beside the HTTP server would slow every customer's request. The lock guards
   * the terminals' event queues (and ids), shared by the threads; a terminal's sockets
   * belong to its socket thread, long polls and everything else to the main thread. */
  GMutex        lock;
  Shard        *shards;
  guint         n_shards;
};

/* A WebSocket accepted on the main thread, on its way to the socket thread. */
typedef struct
{
  Terminal  *terminal;
  GIOStream *stream;
  GUri      *uri;
} Upgrade;

G_DEFINE_FINAL_TYPE (KpRelay, kp_relay, G_TYPE_OBJECT)

/* The clock of the events' ages; called with the lock held. */
static gint64
relay_now (KpRelay *self)
{
  return g_get_monotonic_time () + self->clock_offset;
}

static void
event_free (Event *event)
{
  g_free (event->order_id);
  g_free (event->pg_token);
  g_clear_pointer (&event->node, json_node_unref);
  g_free (event->text);
  g_free (event);
}

static Event *
event_new (Terminal       *terminal,
           KpCallbackKind  kind,
           const char     *order_id,
           const char     *nonce,
           const char     *pg_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  Event *event = g_new0 (Event, 1);

  /* One more than the last, within this epoch; no clock involved. */
  event->id = ++terminal->last_id;
  event->kind = kind;
  event->order_id = g_strdup (order_id);
  event->pg_token = g_strdup (pg_token);
  event->created = relay_now (terminal->relay);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, terminal->relay->epoch);
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
  event->node = json_builder_get_root (builder);
  json_generator_set_root (generator, event->node);
  event->text = json_generator_to_data (generator, NULL);
  return event;
}

static void
socket_free (Socket *socket)
{
  g_signal_handlers_disconnect_by_data (socket->connection, socket);
  if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&socket->connection);
  g_free (socket);
}

static void
terminal_end_poll (Terminal *terminal)
{
  g_clear_handle_id (&terminal->poll_timeout_id, g_source_remove);
  if (terminal->poll != NULL)
    g_clear_signal_handler (&terminal->poll_finished_id, terminal->poll);
  g_clear_object (&terminal->poll);
}

static void
terminal_free (Terminal *terminal)
{
  /* A waiting poll's connection went with the server. */
  terminal_end_poll (terminal);
  g_ptr_array_unref (terminal->sockets);
  g_queue_clear_full (&terminal->events, (GDestroyNotify) event_free);
  g_clear_pointer (&terminal->taken, g_hash_table_unref);
  g_free (terminal->name);
  if (terminal->token != NULL)
    memset (terminal->token, 0, strlen (terminal->token));
  g_free (terminal->token);
  g_free (terminal);
}

/* Drops what waited too long, then the oldest beyond the count. */
static void
terminal_prune (Terminal *terminal)
{
  KpRelay *self = terminal->relay;
  gint64 oldest = relay_now (self) - (gint64) self->max_event_age * G_USEC_PER_SEC;
  Event *event;

  while ((event = g_queue_peek_head (&terminal->events)) != NULL &&
         (event->created < oldest || g_queue_get_length (&terminal->events) > self->max_events))
    {
      g_debug ("terminal %s: dropped event %" G_GINT64_FORMAT " (%s)", terminal->name,
               event->id, event->created < oldest ? "too old" : "queue full");
      terminal->n_dropped++;
      event_free (g_queue_pop_head (&terminal->events));
    }
}

/* The terminal has everything up to @id: cumulative, as it takes events in order. */
static void
terminal_ack (Terminal *terminal,
              gint64    id)
{
  Event *event;

  while ((event = g_queue_peek_head (&terminal->events)) != NULL && event->id <= id)
    event_free (g_queue_pop_head (&terminal->events));
}

static void
socket_send_pending (Socket *socket)
{
  if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  for (GList *l = socket->terminal->events.head; l != NULL; l = l->next)
    {
      Event *event = l->data;

      if (event->id <= socket->sent_up_to)
        continue;
      soup_websocket_connection_send_text (socket->connection, event->text);
      socket->sent_up_to = event->id;
    }
}

/* Takes @body. */
static void
respond_json (SoupServerMessage *msg,
              guint              status,
              char              *body)
{
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

static char *
json_to_text (JsonNode *root)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
reply_error (KpRelayReply *reply,
             guint         status,
             const char   *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply->kind = KP_RELAY_REPLY_JSON;
  reply->status = status;
  reply->body = json_to_text (root);
}

/* `{"epoch":…,"events":[…]}`: the queued events after @after, oldest first. */
static char *
events_body (Terminal *terminal,
             gint64    after)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, terminal->relay->epoch);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (GList *l = terminal->events.head; l != NULL; l = l->next)
    {
      Event *event = l->data;

      if (event->id > after)
        json_builder_add_value (builder, json_node_copy (event->node));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_text (root);
}

static gboolean
terminal_has_events_after (Terminal *terminal,
                           gint64    after)
{
  Event *event = g_queue_peek_tail (&terminal->events);

  return event != NULL && event->id > after;
}

/* Answers the waiting long poll with what there is now (maybe nothing). */
static void
terminal_answer_poll (Terminal *terminal)
{
  g_autoptr (SoupServerMessage) msg = NULL;

  if (terminal->poll == NULL)
    return;

  msg = g_object_ref (terminal->poll);
  terminal_end_poll (terminal);
  respond_json (msg, SOUP_STATUS_OK, events_body (terminal, terminal->poll_after));
  soup_server_message_unpause (msg);
}

static gboolean
on_poll_timeout_cb (gpointer user_data)
{
  Terminal *terminal = user_data;

  terminal->poll_timeout_id = 0;
  g_mutex_lock (&terminal->relay->lock);
  terminal_answer_poll (terminal);
  g_mutex_unlock (&terminal->relay->lock);
  return G_SOURCE_REMOVE;
}

static void
on_poll_finished_cb (SoupServerMessage *msg,
                     Terminal          *terminal)
{
  /* The client went away (libsoup finished the message without us). */
  if (terminal->poll == msg)
    terminal_end_poll (terminal);
}

/* Socket thread: sends what the terminal's sockets have not had yet. */
static gboolean
kick_cb (gpointer user_data)
{
  Terminal *terminal = user_data;
  KpRelay *self = terminal->relay;

  g_atomic_int_set (&terminal->kick_pending, FALSE);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < terminal->sockets->len; i++)
    socket_send_pending (g_ptr_array_index (terminal->sockets, i));
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/* Tells the socket thread there is something new (once, however many events came). */
static void
terminal_kick (Terminal *terminal)
{
  if (terminal->shard == NULL ||
      !g_atomic_int_compare_and_exchange (&terminal->kick_pending, FALSE, TRUE))
    return;
  g_main_context_invoke (terminal->shard->context, kick_cb, terminal);
}

/* The wall clock links expire by, in seconds. */
static gint64
relay_wall_now (KpRelay *self)
{
  return (g_get_real_time () + self->clock_offset) / G_USEC_PER_SEC;
}

/* Forgets the callbacks taken whose links have expired: they cannot come again. */
static void
terminal_prune_taken (Terminal *terminal)
{
  gint64 now = relay_wall_now (terminal->relay);
  GHashTableIter iter;
  gpointer expires;

  g_hash_table_iter_init (&iter, terminal->taken);
  while (g_hash_table_iter_next (&iter, NULL, &expires))
    {
      if (*(gint64 *) expires < now)
        g_hash_table_iter_remove (&iter);
    }
}

/* Queues the callback unless this order's callback of this kind came before: a reload
 * of the page the phone landed on, or a replayed link (whatever its pg_token). */
static void
terminal_enqueue (Terminal       *terminal,
                  KpCallbackKind  kind,
                  const char     *order_id,
                  const char     *nonce,
                  const char     *pg_token,
                  gint64          expires)
{
  g_autofree char *key = g_strdup_printf ("%s %s", kp_callback_kind_to_string (kind), order_id);
  gint64 *value;
  guint n_of_order = 0;
  Event *event;

  terminal_prune (terminal);

  if (g_hash_table_contains (terminal->taken, key))
    {
      g_debug ("terminal %s: %s for %s came before", terminal->name,
               kp_callback_kind_to_string (kind), order_id);
      return;
    }
  for (GList *l = terminal->events.head; l != NULL; l = l->next)
    {
      if (strcmp (((Event *) l->data)->order_id, order_id) == 0)
        n_of_order++;
    }
  if (n_of_order >= MAX_EVENTS_PER_ORDER)
    {
      g_debug ("terminal %s: %u events for %s wait already", terminal->name, n_of_order,
               order_id);
      return;
    }
  value = g_new (gint64, 1);
  *value = expires;
  g_hash_table_replace (terminal->taken, g_steal_pointer (&key), value);

  event = event_new (terminal, kind, order_id, nonce, pg_token);
  g_queue_push_tail (&terminal->events, event);
  terminal_prune (terminal);
  g_debug ("terminal %s: queued event %" G_GINT64_FORMAT ", %s for %s", terminal->name,
           event->id, kp_callback_kind_to_string (kind), order_id);

  terminal_kick (terminal);
  terminal_answer_poll (terminal);
}

/* Splits `/t/{terminal}/{rest}`; @out_rest keeps any further slashes. */
static Terminal *
lookup_terminal (KpRelay     *self,
                 const char  *path,
                 const char **out_rest)
{
  g_autofree char *name = NULL;
  const char *start;
  const char *slash;

  if (path == NULL || !g_str_has_prefix (path, TERMINAL_PREFIX))
    return NULL;
  start = path + strlen (TERMINAL_PREFIX);
  slash = strchr (start, '/');
  if (slash == NULL || slash == start || slash - start > KP_RELAY_MAX_TERMINAL_LENGTH)
    return NULL;
  name = g_strndup (start, slash - start);
  *out_rest = slash + 1;
  return g_hash_table_lookup (self->terminals, name);
}

static gboolean
parse_kind (const char     *text,
            gsize           length,
            KpCallbackKind *out_kind)
{
  for (KpCallbackKind kind = KP_CALLBACK_APPROVE; kind <= KP_CALLBACK_FAIL; kind++)
    {
      const char *name = kp_callback_kind_to_string (kind);

      if (strlen (name) == length && strncmp (text, name, length) == 0)
        {
          *out_kind = kind;
          return TRUE;
        }
    }
  return FALSE;
}

static void
reply_page (KpRelayReply   *reply,
            guint           status,
            KpCallbackKind  kind)
{
  reply->kind = KP_RELAY_REPLY_PAGE;
  reply->status = status;
  reply->callback = kind;
}

static void
refuse_callback (KpRelay      *self,
                 KpRelayReply *reply,
                 guint         status,
                 const char   *why)
{
  self->n_rejected++;
  g_debug ("rejected a callback (%u): %s", status, why);
  reply_page (reply, status, KP_CALLBACK_FAIL);
}

/* `/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={nonce}[&pg_token=…]`, as
 * the listener checks `/kakaopay/…`, but with the stateless nonce. */
static void
handle_callback (KpRelay      *self,
                 Terminal     *terminal,
                 const char   *rest,
                 GHashTable   *query,
                 KpRelayReply *reply)
{
  const char *nonce = query != NULL ? g_hash_table_lookup (query, "n") : NULL;
  const char *pg_token = query != NULL ? g_hash_table_lookup (query, "pg_token") : NULL;
  g_autofree char *secret = NULL;
  const char *slash = strchr (rest, '/');
  const char *order_id;
  KpCallbackKind kind;
  gsize order_length;
  gint64 expires = 0;

  if (slash == NULL || !parse_kind (rest, slash - rest, &kind))
    {
      refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "unknown path");
      return;
    }
  order_id = slash + 1;
  order_length = strnlen (order_id, KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH + 1);
  /* Not UTF-8: no terminal sent it, and it would break the events' JSON. */
  if (order_length == 0 || order_length > KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH ||
      memchr (order_id, '/', order_length) != NULL ||
      !g_utf8_validate (order_id, order_length, NULL))
    {
      refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "bad order id");
      return;
    }

  secret = kp_relay_nonce (terminal->token, order_id);
  if (nonce != NULL && strnlen (nonce, KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH + 1) >
                       KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH)
    nonce = NULL;
  switch (kp_callback_link_check (secret, kind, order_id, nonce, relay_wall_now (self),
                                  &expires))
    {
    case KP_CALLBACK_LINK_VALID:
      break;
    case KP_CALLBACK_LINK_EXPIRED:
      refuse_callback (self, reply, SOUP_STATUS_GONE, "link expired");
      return;
    case KP_CALLBACK_LINK_FORGED:
    default:
      refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "wrong nonce");
      return;
    }

  if (kind == KP_CALLBACK_APPROVE && !kp_callback_pg_token_is_valid (pg_token))
    {
      self->n_rejected++;
      g_debug ("rejected a callback (400): no usable pg_token");
      reply_page (reply, SOUP_STATUS_BAD_REQUEST, KP_CALLBACK_APPROVE);
      return;
    }

  terminal_enqueue (terminal, kind, order_id, nonce,
                    kind == KP_CALLBACK_APPROVE ? pg_token : NULL, expires);
  reply_page (reply, SOUP_STATUS_OK, kind);
}

static gboolean
is_authorized (Terminal           *terminal,
               SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (terminal == NULL || value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return FALSE;
  return kp_callback_nonce_equal (terminal->token, value + 7);
}

static gboolean
parse_int_param (GHashTable *query,
                 const char *name,
                 gint64      fallback,
                 gint64      max,
                 gint64     *out_value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  *out_value = fallback;
  if (text == NULL)
    return TRUE;
  return g_ascii_string_to_signed (text, 10, 0, max, out_value, NULL);
}

/* Whether an acknowledgement or a poll's `after` counts in this run: one naming no
 * epoch (a terminal that has seen no event yet) or this one. */
static gboolean
is_this_epoch (KpRelay    *self,
               const char *epoch)
{
  return epoch == NULL || strcmp (epoch, self->epoch) == 0;
}

/* `{"ack": ID, "epoch": E}` from the terminal: it has everything up to ID of epoch E;
 * or `{"ping": N}`, the terminal's heartbeat. Read as a KakaoPay reply is: one object and
 * nothing after it (json-glib 1.6 would take the last of `{…}{…}` and leak the others).
 *
 * Returns: (transfer full) (nullable): the answer to send back, `{"pong": N}` */
static char *
terminal_take_message (Terminal              *terminal,
                       SoupWebsocketDataType  type,
                       GBytes                *message)
{
  g_autoptr (JsonObject) object = NULL;
  JsonNode *node;
  gint64 ack;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return NULL;
  object = kp_codec_parse_object (message, NULL);
  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, "ping");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("{\"pong\":%" G_GINT64_FORMAT "}", json_node_get_int (node));
  /* {"ack": N}; anything else in "ack" (an object, a string, null) acknowledges nothing. */
  node = json_object_get_member (object, "ack");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return NULL;
  ack = json_node_get_int (node);
  node = json_object_get_member (object, "epoch");
  if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node) ||
                       json_node_get_value_type (node) != G_TYPE_STRING ||
                       !is_this_epoch (terminal->relay, json_node_get_string (node))))
    return NULL;
  if (ack > 0)
    {
      g_mutex_lock (&terminal->relay->lock);
      terminal_ack (terminal, ack);
      g_mutex_unlock (&terminal->relay->lock);
    }
  return NULL;
}

static void
on_socket_message_cb (SoupWebsocketConnection *connection,
                      SoupWebsocketDataType    type,
                      GBytes                  *message,
                      Socket                  *socket)
{
  g_autofree char *answer = terminal_take_message (socket->terminal, type, message);

  if (answer != NULL &&
      soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (connection, answer);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *connection,
                     Socket                  *socket)
{
  Terminal *terminal = socket->terminal;

  g_debug ("terminal %s: WebSocket closed", terminal->name);
  g_ptr_array_remove (terminal->sockets, socket);
}

static void
upgrade_free (Upgrade *upgrade)
{
  g_clear_object (&upgrade->stream);
  g_clear_pointer (&upgrade->uri, g_uri_unref);
  g_free (upgrade);
}

static void
upgrade_closure_free (gpointer  data,
                      GClosure *closure)
{
  upgrade_free (data);
}

/* Socket thread: the terminal's new WebSocket. */
static gboolean
socket_open_cb (gpointer user_data)
{
  Upgrade *upgrade = user_data;
  Terminal *terminal = upgrade->terminal;
  KpRelay *self = terminal->relay;
  Socket *socket;

  if (terminal->sockets->len >= KP_RELAY_MAX_SOCKETS_PER_TERMINAL)
    g_ptr_array_remove_index (terminal->sockets, 0);

  socket = g_new0 (Socket, 1);
  socket->terminal = terminal;
  socket->connection = g_object_new (SOUP_TYPE_WEBSOCKET_CONNECTION,
                                     "io-stream", upgrade->stream,
                                     "uri", upgrade->uri,
                                     "connection-type", SOUP_WEBSOCKET_CONNECTION_SERVER,
                                     NULL);
  soup_websocket_connection_set_keepalive_interval (socket->connection, KEEPALIVE_SECONDS);
  soup_websocket_connection_set_max_incoming_payload_size (socket->connection, MAX_ACK_BYTES);
  g_signal_connect (socket->connection, "message", G_CALLBACK (on_socket_message_cb), socket);
  g_signal_connect (socket->connection, "closed", G_CALLBACK (on_socket_closed_cb), socket);
  g_ptr_array_add (terminal->sockets, socket);
  g_debug ("terminal %s: WebSocket open", terminal->name);

  g_mutex_lock (&self->lock);
  terminal_prune (terminal);
  socket_send_pending (socket);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/* Main thread: the 101 is out; the connection leaves libsoup's server for the socket
 * thread. */
static void
on_upgrade_written_cb (SoupServerMessage *msg,
                       Upgrade           *upgrade)
{
  Shard *shard = upgrade->terminal->shard;
  Upgrade *moved;
  GIOStream *stream;

  /* The guard turned Nagle off on every connection: events go out at once. */
  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS || shard == NULL)
    return;
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  moved = g_new0 (Upgrade, 1);
  moved->terminal = upgrade->terminal;
  moved->stream = stream;
  moved->uri = g_uri_ref (soup_server_message_get_uri (msg));
  g_main_context_invoke_full (shard->context, G_PRIORITY_DEFAULT, socket_open_cb, moved,
                              (GDestroyNotify) upgrade_free);
}

static gpointer
socket_thread_main (gpointer user_data)
{
  Shard *shard = user_data;
  GHashTableIter iter;
  gpointer value;

  g_main_context_push_thread_default (shard->context);
  g_main_loop_run (shard->loop);

  /* Stopping: the sockets go with the thread that serves them. */
  g_hash_table_iter_init (&iter, shard->relay->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Terminal *terminal = value;

      if (terminal->shard == shard)
        g_ptr_array_set_size (terminal->sockets, 0);
    }
  g_main_context_pop_thread_default (shard->context);
  return NULL;
}

/* `GET /t/{terminal}/events`: a WebSocket upgrade, or a long poll. */
static void
handle_events (KpRelay            *self,
               Terminal           *terminal,
               SoupMessageHeaders *headers,
               GHashTable         *query,
               gboolean            websocket,
               KpRelayReply       *reply)
{
  gint64 after;
  gint64 wait;

  if (!is_authorized (terminal, headers))
    {
      self->n_rejected++;
      g_debug ("refused a terminal connection (401)");
      reply_error (reply, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
      reply->authenticate = "Bearer realm=\"kakaopay-relay\"";
      return;
    }

  if (websocket)
    {
      if (!self->websocket_enabled)
        {
          reply_error (reply, SOUP_STATUS_BAD_REQUEST, "WebSockets are turned off");
          return;
        }
      reply->kind = KP_RELAY_REPLY_UPGRADE;
      reply->status = SOUP_STATUS_SWITCHING_PROTOCOLS;
      reply->terminal = terminal;
      return;
    }

  if (!parse_int_param (query, "after", 0, G_MAXINT64, &after) ||
      !parse_int_param (query, "wait", KP_RELAY_DEFAULT_WAIT, G_MAXINT64, &wait))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "after and wait are whole numbers");
      return;
    }
  wait = MIN (wait, KP_RELAY_MAX_WAIT);
  /* Ids of another run say nothing about this one's: everything queued is new. */
  if (!is_this_epoch (self, query != NULL ? g_hash_table_lookup (query, "epoch") : NULL))
    after = 0;

  terminal_ack (terminal, after);
  terminal_prune (terminal);
  if (wait == 0 || terminal_has_events_after (terminal, after))
    {
      reply->kind = KP_RELAY_REPLY_JSON;
      reply->status = SOUP_STATUS_OK;
      reply->body = events_body (terminal, after);
      return;
    }

  reply->kind = KP_RELAY_REPLY_POLL;
  reply->status = SOUP_STATUS_OK;
  reply->terminal = terminal;
  reply->after = after;
  reply->wait = wait;
}

/* With the lock held. */
static void
handle_request (KpRelay            *self,
                const char         *method,
                const char         *path,
                GHashTable         *query,
                SoupMessageHeaders *headers,
                gboolean            websocket,
                KpRelayReply       *reply)
{
  const char *rest = NULL;
  Terminal *terminal;

  memset (reply, 0, sizeof *reply);

  if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    {
      self->n_rejected++;
      reply->kind = KP_RELAY_REPLY_EMPTY;
      reply->status = SOUP_STATUS_METHOD_NOT_ALLOWED;
      reply->allow = "GET, HEAD";
      return;
    }

  terminal = lookup_terminal (self, path, &rest);
  if (rest != NULL && strcmp (rest, "events") == 0)
    handle_events (self, terminal, headers, query, websocket, reply);
  else if (terminal == NULL)
    refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "unknown terminal");
  else
    handle_callback (self, terminal, rest, query, reply);
}

/* Main thread: the 101 goes out with libsoup's handshake answer; the connection is then
 * bounded per terminal, not by the guard. */
static void
accept_upgrade (KpRelay           *self,
                SoupServerMessage *msg,
                Terminal          *terminal)
{
  Upgrade *upgrade;

  /* Answered 101 here, not by a libsoup WebSocket handler, so the connection can be
   * taken over to the socket thread; it is bounded per terminal from now on. */
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;
  kp_http_guard_release (self->guard, msg);
  upgrade = g_new0 (Upgrade, 1);
  upgrade->terminal = terminal;
  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (on_upgrade_written_cb),
                         upgrade, upgrade_closure_free, 0);
}

/* Main thread: the long poll waits for an event, at most @wait seconds. */
static void
hold_poll (KpRelay           *self,
           SoupServerMessage *msg,
           Terminal          *terminal,
           gint64             after,
           gint64             wait)
{
  /* One waiting poll per terminal: an older one is answered (empty) now. */
  terminal_answer_poll (terminal);
  kp_http_guard_release (self->guard, msg);
  /* A status now keeps libsoup from treating the request as a WebSocket handshake. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  terminal->poll = g_object_ref (msg);
  terminal->poll_after = after;
  terminal->poll_timeout_id = g_timeout_add (wait * 1000, on_poll_timeout_cb, terminal);
  terminal->poll_finished_id = g_signal_connect (msg, "finished",
                                                 G_CALLBACK (on_poll_finished_cb), terminal);
  soup_server_message_pause (msg);
}

static void
terminal_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  KpRelay *self = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  gboolean websocket = soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL);
  KpRelayReply reply;

  g_mutex_lock (&self->lock);
  handle_request (self, soup_server_message_get_method (msg), path, query,
                  soup_server_message_get_request_headers (msg), websocket, &reply);
  switch (reply.kind)
    {
    case KP_RELAY_REPLY_PAGE:
      kp_callback_page_respond (msg, reply.status, reply.callback);
      break;
    case KP_RELAY_REPLY_JSON:
      if (reply.authenticate != NULL)
        soup_message_headers_replace (response_headers, "WWW-Authenticate", reply.authenticate);
      respond_json (msg, reply.status, g_steal_pointer (&reply.body));
      break;
    case KP_RELAY_REPLY_EMPTY:
      soup_server_message_set_status (msg, reply.status, NULL);
      if (reply.allow != NULL)
        soup_message_headers_replace (response_headers, "Allow", reply.allow);
      break;
    case KP_RELAY_REPLY_UPGRADE:
      accept_upgrade (self, msg, reply.terminal);
      break;
    case KP_RELAY_REPLY_POLL:
      hold_poll (self, msg, reply.terminal, reply.after, reply.wait);
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&self->lock);
  kp_relay_reply_clear (&reply);
}

static void
other_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  KpRelay *self = user_data;
  static const char ok[] = "ok\n";
  KpRelayReply reply = { 0 };

  if (g_strcmp0 (path, "/health") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, ok,
                                        sizeof ok - 1);
      return;
    }
  refuse_callback (self, &reply, SOUP_STATUS_NOT_FOUND, "unknown path");
  kp_callback_page_respond (msg, reply.status, reply.callback);
}

static gboolean
on_prune_cb (gpointer user_data)
{
  KpRelay *self = user_data;
  GHashTableIter iter;
  gpointer terminal;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &terminal))
    {
      terminal_prune (terminal);
      terminal_prune_taken (terminal);
    }
  g_mutex_unlock (&self->lock);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
kp_relay_dispose (GObject *object)
{
  KpRelay *self = KP_RELAY (object);

  g_clear_handle_id (&self->prune_id, g_source_remove);
  for (guint i = 0; i < self->n_shards; i++)
    {
      if (self->shards[i].thread != NULL)
        {
          g_autoptr (GSource) source = g_idle_source_new ();

          /* From the thread's own context: a loop that has not started running yet
           * would miss a plain quit and run for ever. */
          g_source_set_callback (source, quit_loop_cb, self->shards[i].loop, NULL);
          g_source_attach (source, self->shards[i].context);
          g_clear_pointer (&self->shards[i].thread, g_thread_join);
        }
    }
  g_clear_pointer (&self->guard, kp_http_guard_free);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_hash_table_remove_all (self->terminals);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (kp_relay_parent_class)->dispose (object);
}

static void
kp_relay_finalize (GObject *object)
{
  KpRelay *self = KP_RELAY (object);

  g_hash_table_unref (self->terminals);
  for (guint i = 0; i < self->n_shards; i++)
    {
      g_clear_pointer (&self->shards[i].loop, g_main_loop_unref);
      g_clear_pointer (&self->shards[i].context, g_main_context_unref);
    }
  g_free (self->shards);
  g_mutex_clear (&self->lock);
  g_free (self->listen);
  g_free (self->public_url);
  g_free (self->epoch);

  G_OBJECT_CLASS (kp_relay_parent_class)->finalize (object);
}

static void
kp_relay_class_init (KpRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_relay_dispose;
  object_class->finalize = kp_relay_finalize;
}

static void
kp_relay_init (KpRelay *self)
{
  self->terminals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) terminal_free);
  self->listen = g_strdup (KP_RELAY_DEFAULT_LISTEN);
  self->max_event_age = KP_RELAY_DEFAULT_MAX_EVENT_AGE;
  self->max_events = KP_RELAY_DEFAULT_MAX_EVENTS;
  self->max_connections = KP_RELAY_DEFAULT_MAX_CONNECTIONS;
  self->head_timeout = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS;
  self->websocket_enabled = TRUE;
  self->epoch = kp_random_hex (8);
  g_mutex_init (&self->lock);
}

KpRelay *
kp_relay_new (void)
{
  return g_object_new (KP_TYPE_RELAY, NULL);
}

static gboolean
terminal_name_is_valid (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > KP_RELAY_MAX_TERMINAL_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
        return FALSE;
    }
  return TRUE;
}

/* The placeholders data/kakaopay-relay.conf.sample ships with (the relay test checks that
 * the sample as shipped is refused): anyone can read them. */
static const char * const sample_tokens[] = {
  "REPLACE-WITH-A-RANDOM-TOKEN-1",
  "REPLACE-WITH-A-RANDOM-TOKEN-2",
};

/**
 * kp_relay_token_is_strong:
 * @token: a terminal's token
 *
 * Whether @token is worth at least 128 bits as a random one would be: 32 hex digits, 22
 * base64 characters or the like, not a published placeholder, not a repetition of a
 * shorter part, not mostly runs (`aaaa`, `abcd`, `4321`), with at least 8 different
 * characters. Strict enough to catch what people type, lax enough to pass every output of
 * `openssl rand -base64 32` or `openssl rand -hex 16`.
 */
gboolean
kp_relay_token_is_strong (const char *token)
{
  gsize length;
  gboolean hex = TRUE;
  gboolean base64 = TRUE;
  gboolean seen[256] = { FALSE };
  guint n_distinct = 0;
  guint n_runs = 0;
  double bits_per_char;

  g_return_val_if_fail (token != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (sample_tokens); i++)
    {
      if (g_ascii_strcasecmp (token, sample_tokens[i]) == 0)
        return FALSE;
    }

  /* base64 padding adds nothing */
  length = strlen (token);
  while (length > 0 && token[length - 1] == '=')
    length--;
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = token[i];

      if (!seen[c])
        {
          seen[c] = TRUE;
          n_distinct++;
        }
      if (!g_ascii_isxdigit (c))
        hex = FALSE;
      if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '+' && c != '/')
        base64 = FALSE;
      if (i > 0 && ABS ((int) c - (int) (guchar) token[i - 1]) <= 1)
        n_runs++;
    }
  bits_per_char = hex ? 4.0 : base64 ? 6.0 : 6.5;
  if (length * bits_per_char < 128.0 || n_distinct < 8 || n_runs * 2 > length)
    return FALSE;

  /* A shorter part repeated: "abcdefgh" four times is no stronger than once. */
  for (gsize period = 1; period <= length / 2; period++)
    {
      gsize i;

      for (i = period; i < length && token[i] == token[i - period]; i++)
        ;
      if (i == length)
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_limit (GKeyFile    *key_file,
            const char  *key,
            guint        min,
            guint        max,
            guint       *out_value,
            GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  guint64 value;

  if (!g_key_file_has_key (key_file, "relay", key, NULL))
    return TRUE;
  value = g_key_file_get_uint64 (key_file, "relay", key, &local_error);
  if (local_error != NULL || value < min || value > max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   /* Translators: %s is a setting's name, the numbers its bounds */
                   _("[relay] %s must be a whole number from %u to %u."), key, min, max);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

/**
 * kp_relay_load_key_file:
 *
 * Reads `[relay]` (listen, public-url, max-event-age, max-events, max-connections,
 * head-timeout) and one `[terminal NAME]` group with `token=` per terminal. Call before listening.
 */
gboolean
kp_relay_load_key_file (KpRelay   *self,
                        GKeyFile  *key_file,
                        GError   **error)
{
  g_auto (GStrv) groups = NULL;
  g_autoptr (GHashTable) terminals = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *host = NULL;
  guint max_event_age = self->max_event_age;
  guint max_events = self->max_events;
  guint max_connections = self->max_connections;
  guint head_timeout = self->head_timeout;
  guint16 port;

  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  listen = g_key_file_get_string (key_file, "relay", "listen", NULL);
  if (listen != NULL && !kp_address_parse_host_port (listen, "0.0.0.0", &host, &port, error))
    return FALSE;
  public_url = g_key_file_get_string (key_file, "relay", "public-url", NULL);
  if (public_url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is what the configuration file says */
                       _("[relay] public-url “%s” is not an absolute URL."), public_url);
          return FALSE;
        }
    }
  if (!read_limit (key_file, "max-event-age", 1, 7 * 24 * 3600, &max_event_age, error) ||
      !read_limit (key_file, "max-events", 1, 100000, &max_events, error) ||
      !read_limit (key_file, "max-connections", 1, 100000, &max_connections, error) ||
      !read_limit (key_file, "head-timeout", 1, 60, &head_timeout, error))
    return FALSE;

  terminals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) terminal_free);
  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *name;
      g_autofree char *token = NULL;
      Terminal *terminal;

      if (!g_str_has_prefix (groups[i], TERMINAL_GROUP))
        continue;
      name = groups[i] + strlen (TERMINAL_GROUP);
      if (!terminal_name_is_valid (name))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is a terminal name from the configuration file */
                       _("Terminal name “%s” may only have letters, digits, “-”, “_” and "
                         "“.” (at most 64)."), name);
          return FALSE;
        }
      token = g_key_file_get_string (key_file, groups[i], "token", NULL);
      if (token != NULL)
        g_strstrip (token);
      if (token == NULL || strlen (token) < KP_RELAY_MIN_TOKEN_LENGTH ||
          strlen (token) > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES / 4 ||
          !kp_relay_token_is_strong (token))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       /* Translators: %s is a terminal name; the token itself is never
                        * shown. Keep the commands as they are. */
                       _("Terminal “%s” needs a random token: the sample’s placeholders and "
                         "short or patterned tokens can be guessed. Make one with "
                         "“openssl rand -base64 32” or “head -c 32 /dev/urandom | base64”, "
                         "and enter it in the terminal’s preferences too."), name);
          return FALSE;
        }

      terminal = g_new0 (Terminal, 1);
      terminal->relay = self;
      terminal->name = g_strdup (name);
      terminal->token = g_steal_pointer (&token);
      terminal->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
      terminal->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_queue_init (&terminal->events);
      g_hash_table_replace (terminals, terminal->name, terminal);
    }

  if (listen != NULL)
    {
      g_free (self->listen);
      self->listen = g_steal_pointer (&listen);
    }
  g_free (self->public_url);
  self->public_url = g_steal_pointer (&public_url);
  self->max_event_age = max_event_age;
  self->max_events = max_events;
  self->max_connections = max_connections;
  self->head_timeout = head_timeout;
  g_hash_table_unref (self->terminals);
  self->terminals = g_steal_pointer (&terminals);
  return TRUE;
}

const char *
kp_relay_get_listen (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  return self->listen;
}

const char *
kp_relay_get_public_url (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  return self->public_url;
}

guint
kp_relay_get_n_terminals (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), 0);

  return g_hash_table_size (self->terminals);
}

/**
 * kp_relay_set_websocket_enabled:
 *
 * With %FALSE a WebSocket upgrade gets 400, as behind a proxy that cannot pass it on:
 * terminals long-poll instead.
 */
void
kp_relay_set_websocket_enabled (KpRelay  *self,
                                gboolean  enabled)
{
  g_return_if_fail (KP_IS_RELAY (self));

  self->websocket_enabled = !!enabled;
}

static void
start_socket_threads (KpRelay *self)
{
  GHashTableIter iter;
  gpointer value;
  guint i = 0;

  self->n_shards = CLAMP (g_hash_table_size (self->terminals) / TERMINALS_PER_SOCKET_THREAD, 1,
                          MAX_SOCKET_THREADS);
  self->shards = g_new0 (Shard, self->n_shards);
  for (guint j = 0; j < self->n_shards; j++)
    {
      Shard *shard = &self->shards[j];

      shard->relay = self;
      shard->context = g_main_context_new ();
      shard->loop = g_main_loop_new (shard->context, FALSE);
    }
  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Terminal *) value)->shard = &self->shards[i++ % self->n_shards];
  for (guint j = 0; j < self->n_shards; j++)
    self->shards[j].thread = g_thread_new ("relay-sockets", socket_thread_main,
                                           &self->shards[j]);
}

gboolean
kp_relay_listen (KpRelay     *self,
                 const char  *host,
                 guint16      port,
                 GError     **error)
{
  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);

  if (self->server == NULL)
    {
      self->server = soup_server_new ("server-header", "kakaopay-relay ", NULL);
      self->guard = kp_http_guard_new (self->server, self->max_connections,
                                       KP_APPROVAL_LISTENER_TIMEOUT_SECONDS);
      kp_http_guard_set_head_timeout (self->guard, self->head_timeout);
      /* The terminal paths; anything else gets the 404 page and the same limits. */
      soup_server_add_handler (self->server, NULL, other_cb, self, NULL);
      soup_server_add_handler (self->server, "/t", terminal_cb, self, NULL);
      self->prune_id = g_timeout_add_seconds (PRUNE_SECONDS, on_prune_cb, self);
      start_socket_threads (self);
    }

  return kp_http_guard_listen (self->guard, host, port, LISTEN_BACKLOG, error);
}

/**
 * kp_relay_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first listening socket
 */
char *
kp_relay_dup_url (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  if (self->server == NULL)
    return NULL;
  return kp_http_guard_dup_url (self->guard);
}

/**
 * kp_relay_advance_clock:
 *
 * Moves the clock the events' ages are measured with by @seconds. For tests, which
 * move it instead of waiting.
 */
void
kp_relay_advance_clock (KpRelay *self,
                        gint64   seconds)
{
  g_return_if_fail (KP_IS_RELAY (self));

  g_mutex_lock (&self->lock);
  self->clock_offset += seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&self->lock);
}

/**
 * kp_relay_handle:
 * @method: the request's method
 * @path: its path under `/t/`, as libsoup gives it to a server handler
 * @query: (nullable): its query's fields
 * @headers: its headers
 * @websocket: whether it is a valid WebSocket handshake (soup_websocket_server_check_handshake())
 * @reply: (out caller-allocates): the answer; kp_relay_reply_clear() it
 *
 * Decides the answer to a request as the server does, without the connection: the
 * customer's callbacks and the terminals' long polls and handshakes. A POLL or UPGRADE
 * answer is carried out by the server only; here a poll is not held.
 */
void
kp_relay_handle (KpRelay            *self,
                 const char         *method,
                 const char         *path,
                 GHashTable         *query,
                 SoupMessageHeaders *headers,
                 gboolean            websocket,
                 KpRelayReply       *reply)
{
  g_return_if_fail (KP_IS_RELAY (self));
  g_return_if_fail (method != NULL && path != NULL && headers != NULL && reply != NULL);

  g_mutex_lock (&self->lock);
  handle_request (self, method, path, query, headers, websocket, reply);
  g_mutex_unlock (&self->lock);
}

void
kp_relay_reply_clear (KpRelayReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
}

/**
 * kp_relay_take_socket_message:
 * @terminal: the terminal's name
 *
 * Takes a message from the terminal's WebSocket as its socket thread does.
 *
 * Returns: %FALSE if there is no such terminal
 */
gboolean
kp_relay_take_socket_message (KpRelay               *self,
                              const char            *terminal,
                              SoupWebsocketDataType  type,
                              GBytes                *message)
{
  Terminal *found;

  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);
  g_return_val_if_fail (terminal != NULL && message != NULL, FALSE);

  found = g_hash_table_lookup (self->terminals, terminal);
  if (found == NULL)
    return FALSE;
  g_free (terminal_take_message (found, type, message));
  return TRUE;
}
