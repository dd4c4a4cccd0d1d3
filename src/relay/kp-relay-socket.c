/* kp-relay-socket.c: the terminals' WebSockets at kakaopay-relay
 *
 * An accepted handshake leaves libsoup's server on the main thread for one of the
 * socket threads (16 terminals each, at most 64), each with its own main context. There
 * a terminal's sockets (at most %KP_RELAY_MAX_SOCKETS_PER_TERMINAL, a newer one closing
 * the oldest) get every event it has not had yet, and send back acknowledgements
 * (`{"ack": ID, "epoch": E}`) and the heartbeat's pings.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-codec.h"
#include "kp-http-guard.h"
#include "kp-relay-private.h"

#define KEEPALIVE_SECONDS  25
#define MAX_ACK_BYTES      1024
/* GLib polls every descriptor of a context on each iteration: a dozen or so sockets per
 * thread keep an iteration cheap, also with a thousand terminals. */
#define TERMINALS_PER_SOCKET_THREAD 16
#define MAX_SOCKET_THREADS          64

struct _KpRelayShard
{
  KpRelay      *relay;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
};

struct _KpRelaySocket
{
  KpRelayTerminal         *terminal;      /* borrowed: the terminal owns the socket */
  SoupWebsocketConnection *connection;
  gint64                   sent_up_to;
};

/* A WebSocket accepted on the main thread, on its way to the socket thread. */
typedef struct
{
  KpRelayTerminal *terminal;
  GIOStream       *stream;
  GUri            *uri;
} Upgrade;

void
_kp_relay_socket_free (KpRelaySocket *socket)
{
  g_atomic_int_dec_and_test (&socket->terminal->n_sockets);
  g_signal_handlers_disconnect_by_data (socket->connection, socket);
  if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&socket->connection);
  g_free (socket);
}

static void
socket_send_pending (KpRelaySocket *socket)
{
  if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  for (GList *l = socket->terminal->events.head; l != NULL; l = l->next)
    {
      KpRelayEvent *event = l->data;

      if (event->id <= socket->sent_up_to)
        continue;
      soup_websocket_connection_send_text (socket->connection, event->text);
      socket->sent_up_to = event->id;
    }
}

/* Socket thread: sends what the terminal's sockets have not had yet. */
static gboolean
kick_cb (gpointer user_data)
{
  KpRelayTerminal *terminal = user_data;
  KpRelay *self = terminal->relay;

  g_atomic_int_set (&terminal->kick_pending, FALSE);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < terminal->sockets->len; i++)
    socket_send_pending (g_ptr_array_index (terminal->sockets, i));
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/* Tells the socket thread there is something new (once, however many events came). */
void
_kp_relay_terminal_kick (KpRelayTerminal *terminal)
{
  if (terminal->shard == NULL ||
      !g_atomic_int_compare_and_exchange (&terminal->kick_pending, FALSE, TRUE))
    return;
  g_main_context_invoke (terminal->shard->context, kick_cb, terminal);
}

/* `{"ack": ID, "epoch": E}` from the terminal: it has everything up to ID of epoch E;
 * or `{"ping": N}`, the terminal's heartbeat. Read as a KakaoPay reply is: one object and
 * nothing after it (json-glib 1.6 would take the last of `{…}{…}` and leak the others).
 *
 * Returns: (transfer full) (nullable): the answer to send back, `{"pong": N}` */
static char *
terminal_take_message (KpRelayTerminal       *terminal,
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
                       json_node_get_value_type (node) != G_TYPE_STRING))
    return NULL;
  if (ack > 0)
    {
      /* The lock also keeps the epoch, which a database may set. */
      g_mutex_lock (&terminal->relay->lock);
      if (node == NULL || _kp_relay_is_this_epoch (terminal->relay, json_node_get_string (node)))
        _kp_relay_terminal_ack (terminal, ack);
      g_mutex_unlock (&terminal->relay->lock);
    }
  return NULL;
}

static void
on_socket_message_cb (SoupWebsocketConnection *connection,
                      SoupWebsocketDataType    type,
                      GBytes                  *message,
                      KpRelaySocket           *socket)
{
  g_autofree char *answer = terminal_take_message (socket->terminal, type, message);

  if (answer != NULL &&
      soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (connection, answer);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *connection,
                     KpRelaySocket           *socket)
{
  KpRelayTerminal *terminal = socket->terminal;

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
  KpRelayTerminal *terminal = upgrade->terminal;
  KpRelay *self = terminal->relay;
  KpRelaySocket *socket;

  if (terminal->sockets->len >= KP_RELAY_MAX_SOCKETS_PER_TERMINAL)
    g_ptr_array_remove_index (terminal->sockets, 0);

  socket = g_new0 (KpRelaySocket, 1);
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
  g_atomic_int_inc (&terminal->n_sockets);
  g_debug ("terminal %s: WebSocket open", terminal->name);

  g_mutex_lock (&self->lock);
  _kp_relay_terminal_prune (terminal);
  /* With a database, what is here may be out of date: the fetch brings the rest. */
  if (self->store == NULL || terminal->synced)
    socket_send_pending (socket);
  g_mutex_unlock (&self->lock);
  if (self->store != NULL)
    _kp_relay_terminal_socket_opened (terminal);
  return G_SOURCE_REMOVE;
}

/* Main thread: the 101 is out; the connection leaves libsoup's server for the socket
 * thread. */
static void
on_upgrade_written_cb (SoupServerMessage *msg,
                       Upgrade           *upgrade)
{
  KpRelayShard *shard = upgrade->terminal->shard;
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
  KpRelayShard *shard = user_data;
  GHashTableIter iter;
  gpointer value;

  g_main_context_push_thread_default (shard->context);
  g_main_loop_run (shard->loop);

  /* Stopping: the sockets go with the thread that serves them. */
  g_hash_table_iter_init (&iter, shard->relay->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KpRelayTerminal *terminal = value;

      if (terminal->shard == shard)
        g_ptr_array_set_size (terminal->sockets, 0);
    }
  g_main_context_pop_thread_default (shard->context);
  return NULL;
}

/* Main thread: the 101 goes out with libsoup's handshake answer; the connection is then
 * bounded per terminal, not by the guard. */
void
_kp_relay_accept_upgrade (KpRelay           *self,
                          SoupServerMessage *msg,
                          KpRelayTerminal   *terminal)
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

void
_kp_relay_start_socket_threads (KpRelay *self)
{
  GHashTableIter iter;
  gpointer value;
  guint i = 0;

  self->n_shards = CLAMP (g_hash_table_size (self->terminals) / TERMINALS_PER_SOCKET_THREAD, 1,
                          MAX_SOCKET_THREADS);
  self->shards = g_new0 (KpRelayShard, self->n_shards);
  for (guint j = 0; j < self->n_shards; j++)
    {
      KpRelayShard *shard = &self->shards[j];

      shard->relay = self;
      shard->context = g_main_context_new ();
      shard->loop = g_main_loop_new (shard->context, FALSE);
    }
  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((KpRelayTerminal *) value)->shard = &self->shards[i++ % self->n_shards];
  for (guint j = 0; j < self->n_shards; j++)
    self->shards[j].thread = g_thread_new ("relay-sockets", socket_thread_main,
                                           &self->shards[j]);
}

static gboolean
quit_loop_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Ends the socket threads, and with them the terminals' sockets. */
void
_kp_relay_stop_socket_threads (KpRelay *self)
{
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
}

void
_kp_relay_free_socket_threads (KpRelay *self)
{
  for (guint i = 0; i < self->n_shards; i++)
    {
      g_clear_pointer (&self->shards[i].loop, g_main_loop_unref);
      g_clear_pointer (&self->shards[i].context, g_main_context_unref);
    }
  g_free (self->shards);
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
  KpRelayTerminal *found;

  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);
  g_return_val_if_fail (terminal != NULL && message != NULL, FALSE);

  found = g_hash_table_lookup (self->terminals, terminal);
  if (found == NULL)
    return FALSE;
  g_free (terminal_take_message (found, type, message));
  return TRUE;
}
