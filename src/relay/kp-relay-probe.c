/* kp-relay-probe.c: the relay's request handling without a connection
 *
 * What the fuzzer (tests/fuzz/fuzz-relay.c) and the tests drive: the answer to a
 * request, and a message from a terminal's WebSocket, in libsoup's terms as the tests'
 * clients speak them. Apart from the server's files, so that kakaopay-relay itself does
 * not bring libsoup along.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <libsoup/soup.h>

#include "kp-relay-private.h"

/**
 * kp_relay_handle:
 * @method: the request's method
 * @path: its path, unescaped (_kp_relay_parse_target())
 * @query: (nullable): its query's fields
 * @headers: its headers
 * @websocket: whether it is a valid WebSocket handshake (soup_websocket_server_check_handshake())
 * @reply: (out caller-allocates): the answer; kp_relay_reply_clear() it
 *
 * Decides the answer to a request as the server does, without the connection: the
 * customer's callbacks and the terminals' long polls and handshakes. A POLL or UPGRADE
 * answer is carried out by the server only; here a poll is not held.
 */
void
kp_relay_handle (KpRelay            *self,
                 const char         *method,
                 const char         *path,
                 GHashTable         *query,
                 SoupMessageHeaders *headers,
                 gboolean            websocket,
                 KpRelayReply       *reply)
{
  g_return_if_fail (KP_IS_RELAY (self));
  g_return_if_fail (method != NULL && path != NULL && headers != NULL && reply != NULL);

  _kp_relay_handle_request (self, method, path, query,
                            soup_message_headers_get_one (headers, "Authorization"), websocket,
                            reply);
}

/**
 * kp_relay_take_socket_message:
 * @terminal: the terminal's name
 *
 * Takes a message from the terminal's WebSocket as the network thread does.
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
  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    g_free (_kp_relay_socket_take_message (found, message));
  return TRUE;
}
