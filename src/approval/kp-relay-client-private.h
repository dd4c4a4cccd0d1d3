/* kp-relay-client-private.h: what the relay client's files share
 *
 * The client object (kp-relay-client.c), its WebSocket with the heartbeat
 * (kp-relay-client-websocket.c) and the long poll with the retries and their backoff
 * (kp-relay-client-poll.c). Not for the rest of the application.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-relay-client.h"

G_BEGIN_DECLS

/* How long a long poll asks the relay to wait for an event, in seconds. */
#define KP_RELAY_CLIENT_LONG_POLL_WAIT 25

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

/* kp-relay-client.c: state, requests and events */
void         _kp_relay_client_set_state         (KpRelayClient *self,
                                                 KpRelayState   state);
char        *_kp_relay_client_events_url        (KpRelayClient *self);
SoupMessage *_kp_relay_client_new_request       (KpRelayClient *self,
                                                 const char    *url);
void         _kp_relay_client_renew_cancellable (GCancellable **cancellable);
void         _kp_relay_client_destroy_source    (GSource      **source);
GSource     *_kp_relay_client_add_timeout       (KpRelayClient *self,
                                                 guint          ms,
                                                 GSourceFunc    func);
gint64       _kp_relay_client_handle_event      (KpRelayClient *self,
                                                 JsonObject    *event);

/* kp-relay-client-websocket.c: the WebSocket and its heartbeat */
void         _kp_relay_client_connect_websocket (KpRelayClient *self);
void         _kp_relay_client_close_websocket   (KpRelayClient *self);
void         _kp_relay_client_start_heartbeat   (KpRelayClient *self);

/* kp-relay-client-poll.c: the long poll, retries and backoff */
void         _kp_relay_client_long_poll         (KpRelayClient *self);
guint        _kp_relay_client_next_backoff      (guint          backoff_ms);
void         _kp_relay_client_schedule_retry    (KpRelayClient *self);
void         _kp_relay_client_cancel_retry      (KpRelayClient *self);

G_END_DECLS
