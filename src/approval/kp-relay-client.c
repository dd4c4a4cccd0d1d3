/* kp-relay-client.c: the terminal's side of kakaopay-relay
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay-client"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-codec.h"
#include "kp-relay-client.h"

#define BACKOFF_FIRST_MS      250
#define BACKOFF_MAX_MS        5000
#define LONG_POLL_WAIT        25
/* Above the long poll's wait, so a quiet poll is not taken for a dead relay. */
#define SESSION_TIMEOUT       (LONG_POLL_WAIT + 15)
#define KEEPALIVE_SECONDS     20
#define MAX_MESSAGE_BYTES     (64 * 1024)
/* The application's heartbeat: a ping every 10 s; two without an answer (nor anything
 * else heard) and the WebSocket counts as dead. TCP alone would take many minutes to
 * notice a dropped connection, longer than the relay keeps an event. */
#define HEARTBEAT_MS          10000
#define HEARTBEAT_MISSES      2

struct _KpRelayClient
{
  GObject                  parent_instance;

  SoupSession             *session;
  KpApprovalListener      *listener;
  SoupWebsocketConnection *websocket;
  SoupMessage             *connect_msg;
  GCancellable            *cancellable;
  GMainContext            *context;
  GSource                 *retry;
  GSource                 *heartbeat;
  GSource                 *websocket_retry; /* while long-polling for a dead WebSocket */
  GCancellable            *poll_cancellable;

  char                    *relay_url;
  char                    *terminal_id;
  char                    *token;
  KpRelayState             state;
  char                    *epoch;           /* the relay run last_id counts in */
  gint64                   last_id;
  guint                    backoff_ms;
  guint                    n_duplicates;
  gboolean                 use_websocket;
  /* The WebSocket died: long-poll until a new one is up. */
  gboolean                 fallback;
  guint                    websocket_backoff_ms;
  guint                    heartbeat_ms;
  guint                    heartbeat_misses;
  gint64                   last_heard;      /* monotonic µs: anything on the WebSocket */
  gint64                   last_tick;       /* monotonic µs: the heartbeat's last turn */
  guint                    missed;          /* turns in a row with nothing heard */
  gboolean                 asked;           /* a ping went out in the last turn */
  gint64                   n_pings;
};

G_DEFINE_FINAL_TYPE (KpRelayClient, kp_relay_client, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (KpRelayState, kp_relay_state,
  G_DEFINE_ENUM_VALUE (KP_RELAY_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (KP_RELAY_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (KP_RELAY_STATE_WEBSOCKET, "websocket"),
  G_DEFINE_ENUM_VALUE (KP_RELAY_STATE_LONG_POLL, "long-poll"),
  G_DEFINE_ENUM_VALUE (KP_RELAY_STATE_REJECTED, "rejected"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_TERMINAL_ID,
  PROP_USE_WEBSOCKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_websocket (KpRelayClient *self);
static void long_poll (KpRelayClient *self);

/**
 * kp_relay_nonce:
 * @token: the terminal's secret token
 * @partner_order_id: the sale
 *
 * Returns: (transfer full): the first %KP_RELAY_NONCE_LENGTH lowercase hex digits of
 *   HMAC-SHA256 keyed by @token over @partner_order_id
 */
char *
kp_relay_nonce (const char *token,
                const char *partner_order_id)
{
  g_autoptr (GHmac) hmac = NULL;
  char *hex;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (partner_order_id != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) token, strlen (token));
  g_hmac_update (hmac, (const guchar *) partner_order_id, strlen (partner_order_id));
  hex = g_strdup (g_hmac_get_string (hmac));
  hex[KP_RELAY_NONCE_LENGTH] = '\0';
  return hex;
}

const char *
kp_relay_state_to_string (KpRelayState state)
{
  switch (state)
    {
    case KP_RELAY_STATE_STOPPED:
      return "stopped";
    case KP_RELAY_STATE_CONNECTING:
      return "connecting";
    case KP_RELAY_STATE_WEBSOCKET:
      return "websocket";
    case KP_RELAY_STATE_LONG_POLL:
      return "long-poll";
    case KP_RELAY_STATE_REJECTED:
      return "rejected";
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
set_state (KpRelayClient *self,
           KpRelayState   state)
{
  if (self->state == state)
    return;

  g_debug ("terminal %s: %s → %s", self->terminal_id, kp_relay_state_to_string (self->state),
           kp_relay_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static char *
events_url (KpRelayClient *self)
{
  g_autofree char *terminal = g_uri_escape_string (self->terminal_id, NULL, FALSE);

  return g_strdup_printf ("%s/t/%s/events", self->relay_url, terminal);
}

static void
add_authorization (KpRelayClient *self,
                   SoupMessage   *msg)
{
  g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
  memset (value, 0, strlen (value));
}

static gboolean
on_retry_cb (gpointer user_data)
{
  KpRelayClient *self = user_data;

  g_clear_pointer (&self->retry, g_source_unref);
  if (self->use_websocket && !self->fallback)
    connect_websocket (self);
  else
    long_poll (self);
  return G_SOURCE_REMOVE;
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static GSource *
add_timeout (KpRelayClient *self,
             guint          ms,
             GSourceFunc    func)
{
  GSource *source = g_timeout_source_new (ms);

  /* On the context the client was made in, like its session. */
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static gboolean
on_websocket_retry_cb (gpointer user_data)
{
  KpRelayClient *self = user_data;

  g_clear_pointer (&self->websocket_retry, g_source_unref);
  connect_websocket (self);
  return G_SOURCE_REMOVE;
}

/* Long-polling for a dead WebSocket: tries a new one now and then (250 ms, doubling up
 * to 5 s), the poll going on meanwhile. */
static void
schedule_websocket_retry (KpRelayClient *self)
{
  self->websocket_backoff_ms = self->websocket_backoff_ms == 0
                               ? BACKOFF_FIRST_MS
                               : MIN (self->websocket_backoff_ms * 2, BACKOFF_MAX_MS);
  destroy_source (&self->websocket_retry);
  self->websocket_retry = add_timeout (self, self->websocket_backoff_ms, on_websocket_retry_cb);
}

static void
cancel_retry (KpRelayClient *self)
{
  if (self->retry != NULL)
    g_source_destroy (self->retry);
  g_clear_pointer (&self->retry, g_source_unref);
}

/* Waits before the next attempt: 250 ms, doubling up to 5 s. */
static void
schedule_retry (KpRelayClient *self)
{
  set_state (self, KP_RELAY_STATE_CONNECTING);
  self->backoff_ms = self->backoff_ms == 0 ? BACKOFF_FIRST_MS
                                           : MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
  cancel_retry (self);
  /* On the context the client was made in, like its session. */
  self->retry = g_timeout_source_new (self->backoff_ms);
  g_source_set_callback (self->retry, on_retry_cb, self, NULL);
  g_source_attach (self->retry, self->context);
}

static gboolean
parse_kind (const char     *text,
            KpCallbackKind *out_kind)
{
  for (KpCallbackKind kind = KP_CALLBACK_APPROVE; kind <= KP_CALLBACK_FAIL; kind++)
    {
      if (g_strcmp0 (text, kp_callback_kind_to_string (kind)) == 0)
        {
          *out_kind = kind;
          return TRUE;
        }
    }
  return FALSE;
}

/* One event from the relay: handed to the listener unless it came before. Returns its
 * id (to acknowledge), or 0 for something that is not an event. */
static gint64
handle_event (KpRelayClient *self,
              JsonObject    *event)
{
  const char *kind_text = json_object_get_string_member_with_default (event, "kind", NULL);
  const char *order_id = json_object_get_string_member_with_default (event, "partner_order_id",
                                                                     NULL);
  const char *nonce = json_object_get_string_member_with_default (event, "nonce", NULL);
  const char *pg_token = json_object_get_string_member_with_default (event, "pg_token", NULL);
  const char *epoch = json_object_get_string_member_with_default (event, "epoch", "");
  gint64 id = json_object_get_int_member_with_default (event, "id", 0);
  KpCallbackKind kind;

  if (id <= 0 || order_id == NULL || !parse_kind (kind_text, &kind))
    {
      g_debug ("terminal %s: ignored a malformed event", self->terminal_id);
      return 0;
    }

  /* A new run of the relay counts from 1 again: what we saw before says nothing. */
  if (g_strcmp0 (epoch, self->epoch) != 0)
    {
      g_debug ("terminal %s: the relay started a new epoch", self->terminal_id);
      g_free (self->epoch);
      self->epoch = g_strdup (epoch);
      self->last_id = 0;
    }

  /* Ids only grow within an epoch: one at or below the last is a copy sent again after a
   * reconnect. */
  if (id <= self->last_id)
    {
      self->n_duplicates++;
      return id;
    }
  self->last_id = id;

  if (self->listener != NULL)
    kp_approval_listener_deliver (self->listener, kind, order_id, nonce, pg_token);
  return id;
}

static void
close_websocket (KpRelayClient *self)
{
  destroy_source (&self->heartbeat);
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
  id = handle_event (self, json_node_get_object (root));
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
  close_websocket (self);
  self->fallback = TRUE;
  self->websocket_backoff_ms = 0;
  self->backoff_ms = 0;
  schedule_websocket_retry (self);
  long_poll (self);
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

static void
start_heartbeat (KpRelayClient *self)
{
  self->missed = 0;
  self->asked = FALSE;
  self->last_tick = g_get_monotonic_time ();
  destroy_source (&self->heartbeat);
  self->heartbeat = add_timeout (self, self->heartbeat_ms, on_heartbeat_cb);
}

static void
on_websocket_closed_cb (SoupWebsocketConnection *websocket,
                        KpRelayClient           *self)
{
  g_debug ("terminal %s: WebSocket closed (%u)", self->terminal_id,
           soup_websocket_connection_get_close_code (websocket));
  close_websocket (self);
  schedule_retry (self);
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
          if (self->fallback)
            {
              g_cancellable_cancel (self->poll_cancellable);
              g_clear_object (&self->poll_cancellable);
              self->poll_cancellable = g_cancellable_new ();
              cancel_retry (self);
              self->fallback = FALSE;
            }
          set_state (self, KP_RELAY_STATE_REJECTED);
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
            schedule_retry (self);
          return;
        }

      /* An answer, but no upgrade: something between us strips WebSockets. */
      g_debug ("terminal %s: no WebSocket (%u), long-polling", self->terminal_id, status);
      if (!self->fallback)
        long_poll (self);
      self->fallback = FALSE;
      return;
    }

  /* A new WebSocket: the long poll that stood in for it ends. */
  if (self->fallback)
    {
      g_cancellable_cancel (self->poll_cancellable);
      g_clear_object (&self->poll_cancellable);
      self->poll_cancellable = g_cancellable_new ();
      cancel_retry (self);
      self->fallback = FALSE;
    }
  self->websocket = websocket;
  self->backoff_ms = 0;
  self->websocket_backoff_ms = 0;
  self->last_heard = g_get_monotonic_time ();
  start_heartbeat (self);
  soup_websocket_connection_set_keepalive_interval (websocket, KEEPALIVE_SECONDS);
  soup_websocket_connection_set_max_incoming_payload_size (websocket, MAX_MESSAGE_BYTES);
  g_signal_connect (websocket, "message", G_CALLBACK (on_websocket_message_cb), self);
  g_signal_connect (websocket, "closed", G_CALLBACK (on_websocket_closed_cb), self);
  set_state (self, KP_RELAY_STATE_WEBSOCKET);
}

static void
connect_websocket (KpRelayClient *self)
{
  g_autofree char *url = events_url (self);

  g_clear_object (&self->connect_msg);
  self->connect_msg = soup_message_new (SOUP_METHOD_GET, url);
  if (self->connect_msg == NULL)
    {
      g_warning ("terminal %s: the relay URL is not usable", self->terminal_id);
      set_state (self, KP_RELAY_STATE_REJECTED);
      return;
    }
  add_authorization (self, self->connect_msg);
  /* While long-polling for a dead WebSocket, the poll goes on meanwhile. */
  if (!self->fallback)
    set_state (self, KP_RELAY_STATE_CONNECTING);
  soup_session_websocket_connect_async (self->session, self->connect_msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable,
                                        on_websocket_connected_cb, g_object_ref (self));
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
      schedule_retry (self);
      return;
    }

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_message ("terminal %s: the relay refused the token (%u)", self->terminal_id, status);
      destroy_source (&self->websocket_retry);
      self->fallback = FALSE;
      set_state (self, KP_RELAY_STATE_REJECTED);
      return;
    }
  if (status == SOUP_STATUS_OK)
    root = kp_codec_parse_json (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (member = json_object_get_member (json_node_get_object (root), "events")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_debug ("terminal %s: unexpected long-poll answer (%u)", self->terminal_id, status);
      schedule_retry (self);
      return;
    }

  events = json_node_get_array (member);
  self->backoff_ms = 0;
  set_state (self, KP_RELAY_STATE_LONG_POLL);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        handle_event (self, json_node_get_object (node));
      if (self->state != KP_RELAY_STATE_LONG_POLL)
        return;  /* stopped by a handler */
    }

  /* The next poll acknowledges these (after = the last id). */
  long_poll (self);
}

static void
long_poll (KpRelayClient *self)
{
  g_autofree char *base = events_url (self);
  g_autofree char *url = NULL;
  g_autofree char *epoch = NULL;
  g_autoptr (SoupMessage) msg = NULL;

  /* The first poll returns at once: it tells whether the relay takes us at all. `after`
   * counts in our epoch; a relay in another one sends everything it holds. */
  if (self->epoch != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (self->epoch, NULL, FALSE);

      epoch = g_strconcat ("&epoch=", escaped, NULL);
    }
  url = g_strdup_printf ("%s?after=%" G_GINT64_FORMAT "&wait=%d%s", base, self->last_id,
                         self->state == KP_RELAY_STATE_LONG_POLL ? LONG_POLL_WAIT : 0,
                         epoch != NULL ? epoch : "");
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_warning ("terminal %s: the relay URL is not usable", self->terminal_id);
      set_state (self, KP_RELAY_STATE_REJECTED);
      return;
    }
  add_authorization (self, msg);
  if (self->state != KP_RELAY_STATE_LONG_POLL)
    set_state (self, KP_RELAY_STATE_CONNECTING);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    self->poll_cancellable, on_long_poll_cb, g_object_ref (self));
}

static void
kp_relay_client_dispose (GObject *object)
{
  KpRelayClient *self = KP_RELAY_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->poll_cancellable);
  cancel_retry (self);
  destroy_source (&self->websocket_retry);
  close_websocket (self);
  g_clear_object (&self->connect_msg);
  g_clear_object (&self->session);
  g_clear_object (&self->listener);

  G_OBJECT_CLASS (kp_relay_client_parent_class)->dispose (object);
}

static void
kp_relay_client_finalize (GObject *object)
{
  KpRelayClient *self = KP_RELAY_CLIENT (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->poll_cancellable);
  g_main_context_unref (self->context);
  g_free (self->relay_url);
  g_free (self->terminal_id);
  g_free (self->epoch);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (kp_relay_client_parent_class)->finalize (object);
}

static void
kp_relay_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KpRelayClient *self = KP_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_TERMINAL_ID:
      g_value_set_string (value, self->terminal_id);
      break;
    case PROP_USE_WEBSOCKET:
      g_value_set_boolean (value, self->use_websocket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_relay_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KpRelayClient *self = KP_RELAY_CLIENT (object);

  switch (prop_id)
    {
    case PROP_USE_WEBSOCKET:
      kp_relay_client_set_use_websocket (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_relay_client_class_init (KpRelayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_relay_client_dispose;
  object_class->finalize = kp_relay_client_finalize;
  object_class->get_property = kp_relay_client_get_property;
  object_class->set_property = kp_relay_client_set_property;

  /**
   * KpRelayClient:state:
   *
   * How events reach the terminal now (notified on every change).
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, KP_TYPE_RELAY_STATE, KP_RELAY_STATE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TERMINAL_ID] =
    g_param_spec_string ("terminal-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KpRelayClient:use-websocket:
   *
   * Whether to try a WebSocket first (the default). Tests turn it off to long-poll.
   */
  properties[PROP_USE_WEBSOCKET] =
    g_param_spec_boolean ("use-websocket", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_relay_client_init (KpRelayClient *self)
{
  self->use_websocket = TRUE;
  self->heartbeat_ms = HEARTBEAT_MS;
  self->heartbeat_misses = HEARTBEAT_MISSES;
  self->cancellable = g_cancellable_new ();
  self->poll_cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->session = soup_session_new_with_options ("timeout", SESSION_TIMEOUT,
                                                 "user-agent", "kakaopay-pos ",
                                                 NULL);
}

/**
 * kp_relay_client_new:
 * @relay_url: the relay's base URL (`https://relay.example.com`, optionally with a path)
 * @terminal_id: this terminal's name in the relay's configuration
 * @token: (transfer none): the terminal's secret token; copied, never logged
 * @listener: (nullable): where events go
 */
KpRelayClient *
kp_relay_client_new (const char         *relay_url,
                     const char         *terminal_id,
                     const char         *token,
                     KpApprovalListener *listener)
{
  KpRelayClient *self;

  g_return_val_if_fail (relay_url != NULL, NULL);
  g_return_val_if_fail (terminal_id != NULL && *terminal_id != '\0', NULL);
  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (listener == NULL || KP_IS_APPROVAL_LISTENER (listener), NULL);

  self = g_object_new (KP_TYPE_RELAY_CLIENT, NULL);
  self->relay_url = g_strdup (relay_url);
  while (g_str_has_suffix (self->relay_url, "/"))
    self->relay_url[strlen (self->relay_url) - 1] = '\0';
  self->terminal_id = g_strdup (terminal_id);
  self->token = g_strdup (token);
  if (listener != NULL)
    self->listener = g_object_ref (listener);
  return self;
}

/**
 * kp_relay_client_start:
 *
 * Connects (or reconnects, also after %KP_RELAY_STATE_REJECTED) and keeps connected
 * until kp_relay_client_stop().
 */
void
kp_relay_client_start (KpRelayClient *self)
{
  g_return_if_fail (KP_IS_RELAY_CLIENT (self));

  kp_relay_client_stop (self);
  self->backoff_ms = 0;
  if (self->use_websocket)
    connect_websocket (self);
  else
    long_poll (self);
}

void
kp_relay_client_stop (KpRelayClient *self)
{
  g_return_if_fail (KP_IS_RELAY_CLIENT (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->poll_cancellable);
  g_clear_object (&self->poll_cancellable);
  self->poll_cancellable = g_cancellable_new ();
  cancel_retry (self);
  destroy_source (&self->websocket_retry);
  close_websocket (self);
  g_clear_object (&self->connect_msg);
  self->fallback = FALSE;
  set_state (self, KP_RELAY_STATE_STOPPED);
}

KpRelayState
kp_relay_client_get_state (KpRelayClient *self)
{
  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), KP_RELAY_STATE_STOPPED);

  return self->state;
}

const char *
kp_relay_client_get_terminal_id (KpRelayClient *self)
{
  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), NULL);

  return self->terminal_id;
}

void
kp_relay_client_set_use_websocket (KpRelayClient *self,
                                   gboolean       use_websocket)
{
  g_return_if_fail (KP_IS_RELAY_CLIENT (self));

  use_websocket = !!use_websocket;
  if (self->use_websocket == use_websocket)
    return;
  self->use_websocket = use_websocket;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_WEBSOCKET]);
}

gboolean
kp_relay_client_get_use_websocket (KpRelayClient *self)
{
  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), TRUE);

  return self->use_websocket;
}

/**
 * kp_relay_client_set_heartbeat:
 * @interval_ms: how often to ping the relay over the WebSocket (10 s by default)
 * @misses: how many intervals in a row may pass without hearing anything (2 by default)
 *
 * Tests shorten the heartbeat; takes effect at once.
 */
void
kp_relay_client_set_heartbeat (KpRelayClient *self,
                               guint          interval_ms,
                               guint          misses)
{
  g_return_if_fail (KP_IS_RELAY_CLIENT (self));
  g_return_if_fail (interval_ms > 0 && misses > 0);

  self->heartbeat_ms = interval_ms;
  self->heartbeat_misses = misses;
  if (self->heartbeat != NULL)
    start_heartbeat (self);
}

guint
kp_relay_client_get_n_duplicates (KpRelayClient *self)
{
  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), 0);

  return self->n_duplicates;
}

/**
 * kp_relay_client_make_nonce:
 *
 * Returns: (transfer full): kp_relay_nonce() with this terminal's token
 */
char *
kp_relay_client_make_nonce (KpRelayClient *self,
                            const char    *partner_order_id)
{
  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), NULL);

  return kp_relay_nonce (self->token, partner_order_id);
}

/**
 * kp_relay_client_callback_url:
 * @secret: kp_relay_client_make_nonce() of the order
 * @expires: Unix time after which the link is refused
 *
 * Returns: (transfer full):
 *   `{relay_url}/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={link}`
 */
char *
kp_relay_client_callback_url (KpRelayClient  *self,
                              KpCallbackKind  kind,
                              const char     *partner_order_id,
                              const char     *secret,
                              gint64          expires)
{
  g_autofree char *terminal = NULL;
  g_autofree char *order = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *escaped_nonce = NULL;

  g_return_val_if_fail (KP_IS_RELAY_CLIENT (self), NULL);
  g_return_val_if_fail (partner_order_id != NULL && secret != NULL, NULL);

  nonce = kp_callback_link_nonce (secret, kind, partner_order_id, expires);
  terminal = g_uri_escape_string (self->terminal_id, NULL, FALSE);
  order = g_uri_escape_string (partner_order_id, NULL, FALSE);
  escaped_nonce = g_uri_escape_string (nonce, NULL, FALSE);
  return g_strdup_printf ("%s/t/%s/%s/%s?n=%s", self->relay_url, terminal,
                          kp_callback_kind_to_string (kind), order, escaped_nonce);
}
