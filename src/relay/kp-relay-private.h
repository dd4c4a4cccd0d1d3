/* kp-relay-private.h: the relay's request handling without a connection
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-relay.h"

G_BEGIN_DECLS

typedef enum
{
  KP_RELAY_REPLY_PAGE,     /* the callback page for status and callback */
  KP_RELAY_REPLY_JSON,     /* status and body */
  KP_RELAY_REPLY_EMPTY,    /* status alone */
  KP_RELAY_REPLY_UPGRADE,  /* accept the WebSocket handshake */
  KP_RELAY_REPLY_POLL,     /* hold the long poll for an event after after, wait seconds */
} KpRelayReplyKind;

typedef struct
{
  KpRelayReplyKind  kind;
  guint             status;
  KpCallbackKind    callback;
  char             *body;          /* JSON */
  const char       *allow;         /* the headers to add, if not NULL */
  const char       *authenticate;
  gpointer          terminal;      /* UPGRADE and POLL: the relay's own */
  gint64            after;
  gint64            wait;
} KpRelayReply;

void     kp_relay_handle              (KpRelay               *self,
                                       const char            *method,
                                       const char            *path,
                                       GHashTable            *query,
                                       SoupMessageHeaders    *headers,
                                       gboolean               websocket,
                                       KpRelayReply          *reply);
void     kp_relay_reply_clear         (KpRelayReply          *reply);
gboolean kp_relay_take_socket_message (KpRelay               *self,
                                       const char            *terminal,
                                       SoupWebsocketDataType  type,
                                       GBytes                *message);

G_END_DECLS
