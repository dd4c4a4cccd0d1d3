/* kp-relay-client.c: the terminal's side of kakaopay-relay
 *
 * The client object: its state, the requests' URL and authorization, and the events the
 * relay sends, filtered for copies (ids grow within one run of the relay, its epoch)
 * before they go to the listener. The WebSocket with its heartbeat is in
 * kp-relay-client-websocket.c, the long poll with the retries in kp-relay-client-poll.c,
 * sharing kp-relay-client-private.h.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay-client"

#include "config.h"

#include <string.h>

#include "kp-relay-client-private.h"

/* Above the long poll's wait, so a quiet poll is not taken for a dead relay. */
#define SESSION_TIMEOUT  (KP_RELAY_CLIENT_LONG_POLL_WAIT + 15)
/* The application's heartbeat: a ping every 10 s; two without an answer (nor anything
 * else heard) and the WebSocket counts as dead. TCP alone would take many minutes to
 * notice a dropped connection, longer than the relay keeps an event. */
#define HEARTBEAT_MS     10000
#define HEARTBEAT_MISSES 2

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

void
_kp_relay_client_set_state (KpRelayClient *self,
                            KpRelayState   state)
{
  if (self->state == state)
    return;

  g_debug ("terminal %s: %s → %s", self->terminal_id, kp_relay_state_to_string (self->state),
           kp_relay_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

char *
_kp_relay_client_events_url (KpRelayClient *self)
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

/* A GET of @url with the terminal's token; %NULL (and no retries) if @url is unusable. */
SoupMessage *
_kp_relay_client_new_request (KpRelayClient *self,
                              const char    *url)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

  if (msg == NULL)
    {
      g_warning ("terminal %s: the relay URL is not usable", self->terminal_id);
      _kp_relay_client_set_state (self, KP_RELAY_STATE_REJECTED);
      return NULL;
    }
  add_authorization (self, msg);
  return msg;
}

/* Cancels what runs with *@cancellable and puts a new one in its place. */
void
_kp_relay_client_renew_cancellable (GCancellable **cancellable)
{
  g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
  *cancellable = g_cancellable_new ();
}

void
_kp_relay_client_destroy_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

GSource *
_kp_relay_client_add_timeout (KpRelayClient *self,
                              guint          ms,
                              GSourceFunc    func)
{
  GSource *source = g_timeout_source_new (ms);

  /* On the context the client was made in, like its session. */
  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

/* One event from the relay: handed to the listener unless it came before. Returns its
 * id (to acknowledge), or 0 for something that is not an event. */
gint64
_kp_relay_client_handle_event (KpRelayClient *self,
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

  if (id <= 0 || order_id == NULL || !kp_callback_kind_from_string (kind_text, -1, &kind))
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
kp_relay_client_dispose (GObject *object)
{
  KpRelayClient *self = KP_RELAY_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->poll_cancellable);
  _kp_relay_client_cancel_retry (self);
  _kp_relay_client_destroy_source (&self->websocket_retry);
  _kp_relay_client_close_websocket (self);
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
    _kp_relay_client_connect_websocket (self);
  else
    _kp_relay_client_long_poll (self);
}

void
kp_relay_client_stop (KpRelayClient *self)
{
  g_return_if_fail (KP_IS_RELAY_CLIENT (self));

  _kp_relay_client_renew_cancellable (&self->cancellable);
  _kp_relay_client_renew_cancellable (&self->poll_cancellable);
  _kp_relay_client_cancel_retry (self);
  _kp_relay_client_destroy_source (&self->websocket_retry);
  _kp_relay_client_close_websocket (self);
  g_clear_object (&self->connect_msg);
  self->fallback = FALSE;
  _kp_relay_client_set_state (self, KP_RELAY_STATE_STOPPED);
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
    _kp_relay_client_start_heartbeat (self);
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
