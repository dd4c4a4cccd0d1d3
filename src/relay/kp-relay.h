/* kp-relay.h: kakaopay-relay, the shop's public callback host
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Defaults of the key file's [relay] group (see data/kakaopay-relay.conf.sample). */
#define KP_RELAY_DEFAULT_LISTEN          "127.0.0.1:8790"
#define KP_RELAY_DEFAULT_MAX_EVENT_AGE   600
#define KP_RELAY_DEFAULT_MAX_EVENTS      256
#define KP_RELAY_DEFAULT_MAX_CONNECTIONS 256
/* Connections to PostgreSQL running queries, beside the one listening. */
#define KP_RELAY_DEFAULT_DATABASE_CONNECTIONS 4
/* A long poll waits 25 s unless it asks otherwise, never more than 60 s. */
#define KP_RELAY_DEFAULT_WAIT            25
#define KP_RELAY_MAX_WAIT                60
/* WebSockets one terminal may hold at once; a newer one closes the oldest. */
#define KP_RELAY_MAX_SOCKETS_PER_TERMINAL 4
#define KP_RELAY_MIN_TOKEN_LENGTH        16
#define KP_RELAY_MAX_TERMINAL_LENGTH     64

#define KP_TYPE_RELAY (kp_relay_get_type ())
G_DECLARE_FINAL_TYPE (KpRelay, kp_relay, KP, RELAY, GObject)

KpRelay    *kp_relay_new                  (void);
gboolean    kp_relay_load_key_file        (KpRelay     *self,
                                           GKeyFile    *key_file,
                                           GError     **error);
const char *kp_relay_get_listen           (KpRelay     *self);
const char *kp_relay_get_public_url       (KpRelay     *self);
guint       kp_relay_get_n_terminals      (KpRelay     *self);
void        kp_relay_set_websocket_enabled (KpRelay    *self,
                                            gboolean    enabled);
gboolean    kp_relay_listen               (KpRelay     *self,
                                           const char  *host,
                                           guint16      port,
                                           GError     **error);
char       *kp_relay_dup_url              (KpRelay     *self);
gboolean    kp_relay_token_is_strong      (const char  *token);
gboolean    kp_relay_is_online            (KpRelay     *self);
void        kp_relay_advance_clock        (KpRelay     *self,
                                           gint64       seconds);

G_END_DECLS
