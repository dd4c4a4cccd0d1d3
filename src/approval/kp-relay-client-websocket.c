/* kp-relay-client-websocket.c: the relay client's WebSocket and heartbeat
 *
 * Events arrive over a WebSocket at `/t/{terminal}/events`, each acknowledged at once
 * (`{"ack": ID, "epoch": E}`). The application's own heartbeat pings the relay; a
 * WebSocket that stays silent for too many turns counts as dead, whatever TCP thinks:
 * the client long-polls meanwhile and tries a new WebSocket now and then. A handshake
 * that gets an answer but no upgrade (a proxy that strips WebSockets) turns the client
 * to long-polling for good.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay-client"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-codec.h"
#include "kp-relay-client-private.h"

#define KEEPALIVE_SECONDS 20
#define MAX_MESSAGE_BYTES (64 * 1024)

static gboolean
on_websocket_retry_cb (gpointer user_data)
{
  KpRelayClient *self = user_data;

  g_clear_pointer (&self->websocket_retry, g_source_unref);
  _kp_relay_client_connect_websocket (self);
  return G_SOURCE_REMOVE;
}

/* Long-polling for a dead WebSocket: tries a new one now and then (250 ms, doubling up
 * to 5 s), the poll going on meanwhile. */
static void
schedule_websocket_retry (KpRelayClient *self)
{
  self->websocket_backoff_ms = _kp_relay_client_next_backoff (self->websocket_backoff_ms);
  _kp_relay_client_destroy_source (&self->websocket_retry);
  self->websocket_retry = _kp_relay_client_add_timeout (self, self->websocket_backoff_ms,
                                                        on_websocket_retry_cb);
}

void
_kp_relay_client_close_websocket (KpRelayClient *self)
{
  _kp_relay_client_destroy_source (&self->heartbeat);
  if (self->websocket == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->websocket, self);
  if (soup_websocket_connection_get_state (self->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->websocket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->websocket);
}

static void
on_websocket_message_cb (SoupWebsocketConnection *websocket,
                         SoupWebsocketDataType    type,
                         GBytes                  *message,
                         KpRelayClient           *self)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *ack = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  gint64 id;

  /* Anything at all says the connection lives. */
  self->last_heard = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  root = kp_codec_parse_json (data, size);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      json_object_has_member (json_node_get_object (root), "pong"))
    return;

  /* The listener's handlers may stop us; keep the object until we are done. */
  g_object_ref (self);
  id = _kp_relay_client_handle_event (self, json_node_get_object (root));
  if (id > 0 && self->websocket == websocket &&
      soup_websocket_connection_get_state (websocket) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) node = NULL;

      /* {"ack":ID,"epoch":E}: the epoch the id counts in */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ack");
      json_builder_add_int_value (builder, id);
      json_builder_set_member_name (builder, "epoch");
      json_builder_add_string_value (builder, self->epoch != NULL ? self->epoch : "");
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      json_generator_set_root (generator, node);
      ack = json_generator_to_data (generator, NULL);
      soup_websocket_connection_send_text (websocket, ack);
    }
  g_object_unref (self);
}

/* Nothing heard for too long: the connection is gone, whatever TCP thinks. Long-poll
 * at once, and try a new WebSocket meanwhile. */
static void
websocket_dead (KpRelayClient *self)
{
  g_debug ("terminal %s: no answer on the WebSocket for %u ms, long-polling",
           self->terminal_id, self->heartbeat_ms * self->heartbeat_misses);
  _kp_relay_client_close_websocket (self);
  self->fallback = TRUE;
  self->websocket_backoff_ms = 0;
  self->backoff_ms = 0;
  schedule_websocket_retry (self);
  _kp_relay_client_long_poll (self);
}

static gboolean
on_heartbeat_cb (gpointer user_data)
{
  KpRelayClient *self = user_data;
  g_autofree char *ping = NULL;

  if (self->websocket == NULL)
    return G_SOURCE_CONTINUE;
  /* Misses count in turns of the heartbeat, not in time: a till whose own main loop
   * stalled has not read the answers waiting for it, and that is no dead relay. */
  if (!self->asked || self->last_heard > self->last_tick)
    self->missed = 0;
  else
    self->missed++;
  self->last_tick = g_get_monotonic_time ();
  if (self->missed >= self->heartbeat_misses)
    {
      g_clear_pointer (&self->heartbeat, g_source_unref);
      websocket_dead (self);
      return G_SOURCE_REMOVE;
    }
  if (soup_websocket_connection_get_state (self->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      /* {"ping":N}: the relay answers {"pong":N} */
      ping = g_strdup_printf ("{\"ping\":%" G_GINT64_FORMAT "}", ++self->n_pings);
      soup_websocket_connection_send_text (self->websocket, ping);
      self->asked = TRUE;
    }
  return G_SOURCE_CONTINUE;
}

void
_kp_relay_client_start_heartbeat (KpRelayClient *self)
{
  self->missed = 0;
  self->asked = FALSE;
  self->last_tick = g_get_monotonic_time ();
  _kp_relay_client_destroy_source (&self->heartbeat);
  self->heartbeat = _kp_relay_client_add_timeout (self, self->heartbeat_ms, on_heartbeat_cb);
}

static void
on_websocket_closed_cb (SoupWebsocketConnection *websocket,
                        KpRelayClient           *self)
{
  g_debug ("terminal %s: WebSocket closed (%u)", self->terminal_id,
           soup_websocket_connection_get_close_code (websocket));
  _kp_relay_client_close_websocket (self);
  _kp_relay_client_schedule_retry (self);
}

/* Ends the long poll that stood in for a dead WebSocket, if there is one. */
static void
end_fallback (KpRelayClient *self)
{
  if (!self->fallback)
    return;
  _kp_relay_client_renew_cancellable (&self->poll_cancellable);
  _kp_relay_client_cancel_retry (self);
  self->fallback = FALSE;
}

static void
on_websocket_connected_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (KpRelayClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) msg = g_steal_pointer (&self->connect_msg);
  SoupWebsocketConnection *websocket;
  guint status;

  websocket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (websocket == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      status = msg != NULL ? soup_message_get_status (msg) : 0;
      if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
        {
          g_message ("terminal %s: the relay refused the token (%u)", self->terminal_id, status);
          end_fallback (self);
          _kp_relay_client_set_state (self, KP_RELAY_STATE_REJECTED);
          return;
        }
      if (SOUP_STATUS_IS_INFORMATIONAL (status) || status == 0 ||
          status >= SOUP_STATUS_INTERNAL_SERVER_ERROR)
        {
          /* No answer, or the relay (or its proxy) is down: try again later. */
          g_debug ("terminal %s: cannot reach the relay: %s", self->terminal_id,
                   error->message);
          if (self->fallback)
            schedule_websocket_retry (self);
          else
            _kp_relay_client_schedule_retry (self);
          return;
        }

      /* An answer, but no upgrade: something between us strips WebSockets. */
      g_debug ("terminal %s: no WebSocket (%u), long-polling", self->terminal_id, status);
      if (!self->fallback)
        _kp_relay_client_long_poll (self);
      self->fallback = FALSE;
      return;
    }

  /* A new WebSocket: the long poll that stood in for it ends. */
  end_fallback (self);
  self->websocket = websocket;
  self->backoff_ms = 0;
  self->websocket_backoff_ms = 0;
  self->last_heard = g_get_monotonic_time ();
  _kp_relay_client_start_heartbeat (self);
  soup_websocket_connection_set_keepalive_interval (websocket, KEEPALIVE_SECONDS);
  soup_websocket_connection_set_max_incoming_payload_size (websocket, MAX_MESSAGE_BYTES);
  g_signal_connect (websocket, "message", G_CALLBACK (on_websocket_message_cb), self);
  g_signal_connect (websocket, "closed", G_CALLBACK (on_websocket_closed_cb), self);
  _kp_relay_client_set_state (self, KP_RELAY_STATE_WEBSOCKET);
}

void
_kp_relay_client_connect_websocket (KpRelayClient *self)
{
  g_autofree char *url = _kp_relay_client_events_url (self);

  g_clear_object (&self->connect_msg);
  self->connect_msg = _kp_relay_client_new_request (self, url);
  if (self->connect_msg == NULL)
    return;
  /* While long-polling for a dead WebSocket, the poll goes on meanwhile. */
  if (!self->fallback)
    _kp_relay_client_set_state (self, KP_RELAY_STATE_CONNECTING);
  soup_session_websocket_connect_async (self->session, self->connect_msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable,
                                        on_websocket_connected_cb, g_object_ref (self));
}
