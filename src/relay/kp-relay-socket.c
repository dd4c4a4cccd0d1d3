/* kp-relay-socket.c: the terminals' WebSockets at kakaopay-relay
 *
 * On the network thread (kp-relay-server.c), a terminal's sockets (at most
 * %KP_RELAY_MAX_SOCKETS_PER_TERMINAL, a newer one closing the oldest) get every event it
 * has not had yet, one frame per turn, and send back acknowledgements
 * (`{"ack": ID, "epoch": E}`) and their heartbeat's pings (`{"ping": N}`, answered
 * `{"pong": N}`). libwebsockets pings them in turn.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libwebsockets.h>
#include <string.h>

#include "kp-codec.h"
#include "kp-relay-private.h"

/* The longest message a terminal sends: an acknowledgement or a ping. */
#define MAX_MESSAGE_BYTES 1024

void
_kp_relay_socket_opened (KpRelayTerminal *terminal,
                         struct lws      *wsi)
{
  KpRelay *self = terminal->relay;

  if (terminal->sockets->len >= KP_RELAY_MAX_SOCKETS_PER_TERMINAL)
    {
      /* No longer the terminal's: its next turn closes it (1001, going away). */
      struct lws *oldest = g_ptr_array_steal_index (terminal->sockets, 0);

      g_debug ("terminal %s: closing its oldest WebSocket for a new one", terminal->name);
      g_atomic_int_dec_and_test (&terminal->n_sockets);
      lws_callback_on_writable (oldest);
    }
  g_ptr_array_add (terminal->sockets, wsi);
  g_atomic_int_inc (&terminal->n_sockets);
  g_debug ("terminal %s: WebSocket open", terminal->name);

  g_mutex_lock (&self->lock);
  _kp_relay_terminal_prune (terminal);
  g_mutex_unlock (&self->lock);
  /* With a database, what is here may be out of date: the fetch brings the rest (and
   * kicks). */
  if (self->store != NULL)
    _kp_relay_terminal_socket_opened (terminal);
  else
    lws_callback_on_writable (wsi);
}

void
_kp_relay_socket_closed (KpRelayTerminal *terminal,
                         struct lws      *wsi)
{
  if (g_ptr_array_remove (terminal->sockets, wsi))
    {
      g_atomic_int_dec_and_test (&terminal->n_sockets);
      g_debug ("terminal %s: WebSocket closed", terminal->name);
    }
}

static int
send_text (struct lws *wsi,
           const char *text)
{
  gsize length = strlen (text);
  g_autofree guchar *buffer = g_malloc (LWS_PRE + length);

  memcpy (buffer + LWS_PRE, text, length);
  return lws_write (wsi, buffer + LWS_PRE, length, LWS_WRITE_TEXT) < (int) length ? -1 : 0;
}

/**
 * _kp_relay_socket_writable:
 * @sent_up_to: (inout): the id of the last event this socket sent
 * @answers: (element-type utf8): answers to the terminal's messages, waiting
 *
 * One frame: an answer, else the oldest event not sent yet; asks for another turn if
 * there is more. A socket replaced by a newer one closes instead.
 *
 * Returns: -1 to close the socket, else 0
 */
int
_kp_relay_socket_writable (KpRelayTerminal *terminal,
                           struct lws      *wsi,
                           gint64          *sent_up_to,
                           GQueue          *answers)
{
  KpRelay *self = terminal->relay;
  g_autofree char *text = NULL;
  gboolean more = FALSE;

  /* Replaced by a newer one (_kp_relay_socket_opened()). */
  if (!g_ptr_array_find (terminal->sockets, wsi, NULL))
    {
      lws_close_reason (wsi, LWS_CLOSE_STATUS_GOINGAWAY, NULL, 0);
      return -1;
    }
  text = g_queue_pop_head (answers);

  g_mutex_lock (&self->lock);
  /* With a database, the copy is sent once it is up to date. */
  if (text == NULL && (self->store == NULL || terminal->synced))
    {
      for (GList *l = terminal->events.head; l != NULL; l = l->next)
        {
          KpRelayEvent *event = l->data;

          if (event->id <= *sent_up_to)
            continue;
          text = g_strdup (event->text);
          *sent_up_to = event->id;
          more = l->next != NULL;
          break;
        }
    }
  g_mutex_unlock (&self->lock);

  if (text == NULL)
    return 0;
  if (send_text (wsi, text) < 0)
    return -1;
  if (more || answers->length > 0)
    lws_callback_on_writable (wsi);
  return 0;
}

/* `{"ack": ID, "epoch": E}` from the terminal: it has everything up to ID of epoch E;
 * or `{"ping": N}`, the terminal's heartbeat. Read as a KakaoPay reply is: one object and
 * nothing after it (json-glib 1.6 would take the last of `{…}{…}` and leak the others).
 *
 * Returns: (transfer full) (nullable): the answer to send back, `{"pong": N}` */
char *
_kp_relay_socket_take_message (KpRelayTerminal *terminal,
                               GBytes          *message)
{
  g_autoptr (JsonObject) object = NULL;
  JsonNode *node;
  gint64 ack;

  object = kp_codec_parse_object (message, NULL);
  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, "ping");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("{\"pong\":%" G_GINT64_FORMAT "}", json_node_get_int (node));
  /* {"ack": N}; anything else in "ack" (an object, a string, null) acknowledges nothing. */
  node = json_object_get_member (object, "ack");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return NULL;
  ack = json_node_get_int (node);
  node = json_object_get_member (object, "epoch");
  if (node != NULL && (!JSON_NODE_HOLDS_VALUE (node) ||
                       json_node_get_value_type (node) != G_TYPE_STRING))
    return NULL;
  if (ack > 0)
    {
      /* The lock also keeps the epoch, which a database may set. */
      g_mutex_lock (&terminal->relay->lock);
      if (node == NULL || _kp_relay_is_this_epoch (terminal->relay, json_node_get_string (node)))
        _kp_relay_terminal_ack (terminal, ack);
      g_mutex_unlock (&terminal->relay->lock);
    }
  return NULL;
}

/**
 * _kp_relay_socket_received:
 * @data: a piece of a message (libwebsockets' %LWS_CALLBACK_RECEIVE)
 * @answers: (element-type utf8): where an answer goes
 *
 * Returns: -1 to close the socket (a message too big), else 0
 */
int
_kp_relay_socket_received (KpRelayTerminal *terminal,
                           struct lws      *wsi,
                           const char      *data,
                           gsize            length,
                           GQueue          *answers)
{
  g_autoptr (GBytes) message = NULL;
  char *answer;

  /* Only whole messages of a frame, at most MAX_MESSAGE_BYTES: a terminal sends
   * nothing bigger. */
  if (!lws_is_first_fragment (wsi) || !lws_is_final_fragment (wsi) ||
      lws_remaining_packet_payload (wsi) > 0 || length > MAX_MESSAGE_BYTES)
    {
      g_debug ("terminal %s: a message too big", terminal->name);
      lws_close_reason (wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
      return -1;
    }
  if (lws_frame_is_binary (wsi))
    return 0;

  message = g_bytes_new (data, length);
  answer = _kp_relay_socket_take_message (terminal, message);
  if (answer != NULL)
    {
      g_queue_push_tail (answers, answer);
      lws_callback_on_writable (wsi);
    }
  return 0;
}
