/* kp-relay-client-poll.c: the relay client's long poll, retries and backoff
 *
 * Without a WebSocket (turned off, stripped by a proxy, or dead meanwhile) the client
 * asks `/t/{terminal}/events?after={last id}&wait=25[&epoch=…]` again and again: each
 * poll acknowledges what the one before brought. A failed attempt is tried again after
 * 250 ms, doubling up to 5 s; a refused token (401, 403) stops the client.
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

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS   5000

static gboolean
on_retry_cb (gpointer user_data)
{
  KpRelayClient *self = user_data;

  g_clear_pointer (&self->retry, g_source_unref);
  if (self->use_websocket && !self->fallback)
    _kp_relay_client_connect_websocket (self);
  else
    _kp_relay_client_long_poll (self);
  return G_SOURCE_REMOVE;
}

void
_kp_relay_client_cancel_retry (KpRelayClient *self)
{
  _kp_relay_client_destroy_source (&self->retry);
}

/* The wait before the next attempt: 250 ms, doubling up to 5 s. */
guint
_kp_relay_client_next_backoff (guint backoff_ms)
{
  return backoff_ms == 0 ? BACKOFF_FIRST_MS : MIN (backoff_ms * 2, BACKOFF_MAX_MS);
}

/* Waits before the next attempt (_kp_relay_client_next_backoff()). */
void
_kp_relay_client_schedule_retry (KpRelayClient *self)
{
  _kp_relay_client_set_state (self, KP_RELAY_STATE_CONNECTING);
  self->backoff_ms = _kp_relay_client_next_backoff (self->backoff_ms);
  _kp_relay_client_cancel_retry (self);
  self->retry = _kp_relay_client_add_timeout (self, self->backoff_ms, on_retry_cb);
}

static void
on_long_poll_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (KpRelayClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonNode) root = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  JsonNode *member;
  JsonArray *events;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("terminal %s: long poll failed: %s", self->terminal_id, error->message);
      _kp_relay_client_schedule_retry (self);
      return;
    }

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_message ("terminal %s: the relay refused the token (%u)", self->terminal_id, status);
      _kp_relay_client_destroy_source (&self->websocket_retry);
      self->fallback = FALSE;
      _kp_relay_client_set_state (self, KP_RELAY_STATE_REJECTED);
      return;
    }
  if (status == SOUP_STATUS_OK)
    root = kp_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (member = json_object_get_member (json_node_get_object (root), "events")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_debug ("terminal %s: unexpected long-poll answer (%u)", self->terminal_id, status);
      _kp_relay_client_schedule_retry (self);
      return;
    }

  events = json_node_get_array (member);
  self->backoff_ms = 0;
  _kp_relay_client_set_state (self, KP_RELAY_STATE_LONG_POLL);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        _kp_relay_client_handle_event (self, json_node_get_object (node));
      if (self->state != KP_RELAY_STATE_LONG_POLL)
        return;  /* stopped by a handler */
    }

  /* The next poll acknowledges these (after = the last id). */
  _kp_relay_client_long_poll (self);
}

void
_kp_relay_client_long_poll (KpRelayClient *self)
{
  g_autofree char *base = _kp_relay_client_events_url (self);
  g_autofree char *url = NULL;
  g_autofree char *epoch = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  int wait;

  /* The first poll returns at once: it tells whether the relay takes us at all. `after`
   * counts in our epoch; a relay in another one sends everything it holds. */
  if (self->epoch != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->epoch, NULL, FALSE);

      epoch = g_strconcat ("&epoch=", escaped, NULL);
    }
  wait = self->state == KP_RELAY_STATE_LONG_POLL ? KP_RELAY_CLIENT_LONG_POLL_WAIT : 0;
  url = g_strdup_printf ("%s?after=%" G_GINT64_FORMAT "&wait=%d%s", base, self->last_id, wait,
                         epoch != NULL ? epoch : "");
  msg = _kp_relay_client_new_request (self, url);
  if (msg == NULL)
    return;
  if (self->state != KP_RELAY_STATE_LONG_POLL)
    _kp_relay_client_set_state (self, KP_RELAY_STATE_CONNECTING);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    self->poll_cancellable, on_long_poll_cb, g_object_ref (self));
}

