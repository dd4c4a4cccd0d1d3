/* kp-relay-client.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-approval-listener.h"

G_BEGIN_DECLS

/**
 * KpRelayState:
 * @KP_RELAY_STATE_STOPPED: not started, or stopped
 * @KP_RELAY_STATE_CONNECTING: trying to reach the relay (or waiting to try again)
 * @KP_RELAY_STATE_WEBSOCKET: events arrive over a WebSocket
 * @KP_RELAY_STATE_LONG_POLL: WebSockets are blocked; events arrive by long-polling
 * @KP_RELAY_STATE_REJECTED: the relay refused the terminal token (401/403); no retry
 *   until the client is started again
 */
typedef enum
{
  KP_RELAY_STATE_STOPPED,
  KP_RELAY_STATE_CONNECTING,
  KP_RELAY_STATE_WEBSOCKET,
  KP_RELAY_STATE_LONG_POLL,
  KP_RELAY_STATE_REJECTED,
} KpRelayState;

#define KP_TYPE_RELAY_STATE (kp_relay_state_get_type ())
GType kp_relay_state_get_type (void) G_GNUC_CONST;

/* How many hex digits kp_relay_nonce() returns. */
#define KP_RELAY_NONCE_LENGTH 32

#define KP_TYPE_RELAY_CLIENT (kp_relay_client_get_type ())
G_DECLARE_FINAL_TYPE (KpRelayClient, kp_relay_client, KP, RELAY_CLIENT, GObject)

/* The terminal's side of kakaopay-relay.  Every event the relay pushes is handed to
 * @listener with kp_approval_listener_deliver(), so the listener stays the one place
 * where a callback is checked against the sales this terminal expects, and the sale
 * monitor sees relay and listener callbacks alike. */
KpRelayClient *kp_relay_client_new          (const char          *relay_url,
                                             const char          *terminal_id,
                                             const char          *token,
                                             KpApprovalListener  *listener);
void           kp_relay_client_start        (KpRelayClient       *self);
void           kp_relay_client_stop         (KpRelayClient       *self);
KpRelayState   kp_relay_client_get_state    (KpRelayClient       *self);
const char    *kp_relay_client_get_terminal_id (KpRelayClient    *self);
/* Test-only: with %FALSE the client never tries a WebSocket and long-polls at once. */
void           kp_relay_client_set_use_websocket (KpRelayClient  *self,
                                                  gboolean        use_websocket);
gboolean       kp_relay_client_get_use_websocket (KpRelayClient  *self);
/* Test-only: ping every @interval_ms; nothing heard for @misses intervals and the
 * WebSocket is dead (the client long-polls and reconnects). */
void           kp_relay_client_set_heartbeat     (KpRelayClient  *self,
                                                  guint           interval_ms,
                                                  guint           misses);
/* Events received twice (same id) and not handed to the listener again. */
guint          kp_relay_client_get_n_duplicates  (KpRelayClient  *self);

/* The secret a sale's callback links are made with in relay mode: derived from the
 * terminal token and the order id, so the relay can check a link without knowing the
 * sale. */
char          *kp_relay_client_make_nonce   (KpRelayClient       *self,
                                             const char          *partner_order_id);
/* `{relay_url}/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={link}`, the link
 * nonce made from @secret (kp_callback_link_nonce()) */
char          *kp_relay_client_callback_url (KpRelayClient       *self,
                                             KpCallbackKind       kind,
                                             const char          *partner_order_id,
                                             const char          *secret,
                                             gint64               expires);

/* Shared by the relay server and the client. */
char          *kp_relay_nonce               (const char          *token,
                                             const char          *partner_order_id);
const char    *kp_relay_state_to_string     (KpRelayState         state);

G_END_DECLS
