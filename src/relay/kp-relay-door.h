/* kp-relay-door.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* libev's loop and libwebsockets' connection and vhost, without their headers here. */
struct ev_loop;
struct lws;
struct lws_vhost;

typedef struct _KpRelayDoor KpRelayDoor;

KpRelayDoor *kp_relay_door_new              (struct ev_loop    *loop,
                                             struct lws_vhost  *vhost,
                                             guint              max_connections,
                                             guint              timeout_seconds);
void         kp_relay_door_free             (KpRelayDoor       *door);
void         kp_relay_door_set_head_timeout (KpRelayDoor       *door,
                                             guint              seconds);
gboolean     kp_relay_door_listen           (KpRelayDoor       *door,
                                             const char        *host,
                                             guint16            port,
                                             int                backlog,
                                             GError           **error);
char        *kp_relay_door_dup_url          (KpRelayDoor       *door);
void         kp_relay_door_release          (KpRelayDoor       *door,
                                             struct lws        *wsi);
gboolean     kp_relay_door_get_request      (KpRelayDoor       *door,
                                             struct lws        *wsi,
                                             const char       **out_method,
                                             const char       **out_target);
void         kp_relay_door_log              (int                level,
                                             const char        *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpRelayDoor, kp_relay_door_free)

G_END_DECLS
