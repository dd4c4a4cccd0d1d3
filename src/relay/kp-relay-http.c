/* kp-relay-http.c: kakaopay-relay's HTTP side
 *
 * Deciding the answer to a request (kp_relay_handle(), without the connection:
 * customers' callbacks, the terminals' long polls and WebSocket handshakes), carrying it
 * out on the server's main thread, and the long polls held until an event comes or
 * their wait is over.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-http-guard.h"
#include "kp-relay-private.h"

#define TERMINAL_PREFIX "/t/"

/* A request as the relay reads it, from a connection or from kp_relay_handle(). */
typedef struct
{
  const char         *method;
  const char         *path;
  GHashTable         *query;
  SoupMessageHeaders *headers;
  gboolean            websocket; /* a valid WebSocket handshake */
} Request;

/* Takes @body. */
static void
respond_json (SoupServerMessage *msg,
              guint              status,
              char              *body)
{
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

static void
reply_error (KpRelayReply *reply,
             guint         status,
             const char   *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply->kind = KP_RELAY_REPLY_JSON;
  reply->status = status;
  reply->body = _kp_relay_json_to_text (root);
}

/* Splits `/t/{terminal}/{rest}`; @out_rest keeps any further slashes. */
static KpRelayTerminal *
lookup_terminal (KpRelay     *self,
                 const char  *path,
                 const char **out_rest)
{
  g_autofree char *name = NULL;
  const char *start;
  const char *slash;

  if (path == NULL || !g_str_has_prefix (path, TERMINAL_PREFIX))
    return NULL;
  start = path + strlen (TERMINAL_PREFIX);
  slash = strchr (start, '/');
  if (slash == NULL || slash == start || slash - start > KP_RELAY_MAX_TERMINAL_LENGTH)
    return NULL;
  name = g_strndup (start, slash - start);
  *out_rest = slash + 1;
  return g_hash_table_lookup (self->terminals, name);
}

static gboolean
is_authorized (KpRelayTerminal    *terminal,
               SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (terminal == NULL || value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return FALSE;
  return kp_callback_nonce_equal (terminal->token, value + 7);
}

static gboolean
parse_int_param (GHashTable *query,
                 const char *name,
                 gint64      fallback,
                 gint64      max,
                 gint64     *out_value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  *out_value = fallback;
  if (text == NULL)
    return TRUE;
  return g_ascii_string_to_signed (text, 10, 0, max, out_value, NULL);
}

/* `GET /t/{terminal}/events`: a WebSocket upgrade, or a long poll. */
static void
handle_events (KpRelay         *self,
               KpRelayTerminal *terminal,
               const Request   *request,
               KpRelayReply    *reply)
{
  GHashTable *query = request->query;
  const char *epoch;
  gint64 after;
  gint64 wait;

  if (!is_authorized (terminal, request->headers))
    {
      self->n_rejected++;
      g_debug ("refused a terminal connection (401)");
      reply_error (reply, SOUP_STATUS_UNAUTHORIZED, "unauthorized");
      reply->authenticate = "Bearer realm=\"kakaopay-relay\"";
      return;
    }

  if (!_kp_relay_is_online (self))
    {
      reply_error (reply, SOUP_STATUS_SERVICE_UNAVAILABLE, "database offline");
      return;
    }

  if (request->websocket)
    {
      if (!self->websocket_enabled)
        {
          reply_error (reply, SOUP_STATUS_BAD_REQUEST, "WebSockets are turned off");
          return;
        }
      reply->kind = KP_RELAY_REPLY_UPGRADE;
      reply->status = SOUP_STATUS_SWITCHING_PROTOCOLS;
      reply->terminal = terminal;
      return;
    }

  if (!parse_int_param (query, "after", 0, G_MAXINT64, &after) ||
      !parse_int_param (query, "wait", KP_RELAY_DEFAULT_WAIT, G_MAXINT64, &wait))
    {
      reply_error (reply, SOUP_STATUS_BAD_REQUEST, "after and wait are whole numbers");
      return;
    }
  wait = MIN (wait, KP_RELAY_MAX_WAIT);
  /* Ids of another run say nothing about this one's: everything queued is new. */
  epoch = query != NULL ? g_hash_table_lookup (query, "epoch") : NULL;
  if (!_kp_relay_is_this_epoch (self, epoch))
    after = 0;

  _kp_relay_terminal_ack (terminal, after);
  _kp_relay_terminal_prune (terminal);
  /* With a database, the queue is fetched first (hold_poll ()). */
  if (self->store == NULL &&
      (wait == 0 || _kp_relay_terminal_has_events_after (terminal, after)))
    {
      reply->kind = KP_RELAY_REPLY_JSON;
      reply->status = SOUP_STATUS_OK;
      reply->body = _kp_relay_events_body (terminal, after);
      return;
    }

  reply->kind = KP_RELAY_REPLY_POLL;
  reply->status = SOUP_STATUS_OK;
  reply->terminal = terminal;
  reply->after = after;
  reply->wait = wait;
}

/* With the lock held. */
static void
handle_request (KpRelay       *self,
                const Request *request,
                KpRelayReply  *reply)
{
  const char *method = request->method;
  const char *rest = NULL;
  KpRelayTerminal *terminal;

  memset (reply, 0, sizeof *reply);

  if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0)
    {
      self->n_rejected++;
      reply->kind = KP_RELAY_REPLY_EMPTY;
      reply->status = SOUP_STATUS_METHOD_NOT_ALLOWED;
      reply->allow = "GET, HEAD";
      return;
    }

  terminal = lookup_terminal (self, request->path, &rest);
  if (rest != NULL && strcmp (rest, "events") == 0)
    handle_events (self, terminal, request, reply);
  else if (terminal == NULL)
    _kp_relay_refuse_callback (self, reply, SOUP_STATUS_NOT_FOUND, "unknown terminal");
  else
    _kp_relay_handle_callback (self, terminal, rest, request->query, reply);
}

void
_kp_relay_terminal_end_poll (KpRelayTerminal *terminal)
{
  g_clear_handle_id (&terminal->poll_timeout_id, g_source_remove);
  if (terminal->poll != NULL)
    g_clear_signal_handler (&terminal->poll_finished_id, terminal->poll);
  g_clear_object (&terminal->poll);
}

/* Answers the waiting long poll with what there is now (maybe nothing). */
void
_kp_relay_terminal_answer_poll (KpRelayTerminal *terminal)
{
  g_autoptr (SoupServerMessage) msg = NULL;

  if (terminal->poll == NULL)
    return;

  msg = g_object_ref (terminal->poll);
  _kp_relay_terminal_end_poll (terminal);
  respond_json (msg, SOUP_STATUS_OK, _kp_relay_events_body (terminal, terminal->poll_after));
  soup_server_message_unpause (msg);
}

static gboolean
on_poll_timeout_cb (gpointer user_data)
{
  KpRelayTerminal *terminal = user_data;

  terminal->poll_timeout_id = 0;
  g_mutex_lock (&terminal->relay->lock);
  _kp_relay_terminal_answer_poll (terminal);
  g_mutex_unlock (&terminal->relay->lock);
  return G_SOURCE_REMOVE;
}

static void
on_poll_finished_cb (SoupServerMessage *msg,
                     KpRelayTerminal   *terminal)
{
  /* The client went away (libsoup finished the message without us). */
  if (terminal->poll == msg)
    _kp_relay_terminal_end_poll (terminal);
}

/* Main thread: the long poll waits for an event, at most @wait seconds. */
static void
hold_poll (KpRelay           *self,
           SoupServerMessage *msg,
           KpRelayTerminal   *terminal,
           gint64             after,
           gint64             wait)
{
  /* One waiting poll per terminal: an older one is answered (empty) now. */
  _kp_relay_terminal_answer_poll (terminal);
  kp_http_guard_release (self->guard, msg);
  /* A status now keeps libsoup from treating the request as a WebSocket handshake. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  terminal->poll = g_object_ref (msg);
  terminal->poll_after = after;
  terminal->poll_timeout_id = g_timeout_add (MAX (wait, 1) * 1000, on_poll_timeout_cb,
                                             terminal);
  terminal->poll_finished_id = g_signal_connect (msg, "finished",
                                                 G_CALLBACK (on_poll_finished_cb), terminal);
  soup_server_message_pause (msg);
  /* With a database, terminal_cb () fetches the queue, then answers. */
  terminal->poll_on_fetch = wait == 0;
}

static void
terminal_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  KpRelay *self = user_data;
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  Request request = {
    .method = soup_server_message_get_method (msg),
    .path = path,
    .query = query,
    .headers = soup_server_message_get_request_headers (msg),
    .websocket = soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL),
  };
  KpRelayReply reply;

  g_mutex_lock (&self->lock);
  handle_request (self, &request, &reply);
  switch (reply.kind)
    {
    case KP_RELAY_REPLY_PAGE:
      kp_callback_page_respond (msg, reply.status, reply.callback);
      break;
    case KP_RELAY_REPLY_JSON:
      if (reply.authenticate != NULL)
        soup_message_headers_replace (response_headers, "WWW-Authenticate", reply.authenticate);
      respond_json (msg, reply.status, g_steal_pointer (&reply.body));
      break;
    case KP_RELAY_REPLY_EMPTY:
      soup_server_message_set_status (msg, reply.status, NULL);
      if (reply.allow != NULL)
        soup_message_headers_replace (response_headers, "Allow", reply.allow);
      break;
    case KP_RELAY_REPLY_UPGRADE:
      _kp_relay_accept_upgrade (self, msg, reply.terminal);
      break;
    case KP_RELAY_REPLY_POLL:
      hold_poll (self, msg, reply.terminal, reply.after, reply.wait);
      break;
    case KP_RELAY_REPLY_STORE:
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&self->lock);

  /* The database's calls, without the lock: a failure answers at once. */
  if (reply.kind == KP_RELAY_REPLY_STORE)
    _kp_relay_store_callback (self, msg, &reply);
  else if (reply.kind == KP_RELAY_REPLY_POLL && self->store != NULL)
    _kp_relay_terminal_fetch (reply.terminal);
  kp_relay_reply_clear (&reply);
}

static void
other_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  KpRelay *self = user_data;
  static const char ok[] = "ok\n";
  KpRelayReply reply = { 0 };

  if (g_strcmp0 (path, "/health") == 0 && !_kp_relay_is_online (self))
    {
      static const char offline[] = "database offline\n";

      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, offline,
                                        sizeof offline - 1);
      return;
    }
  if (g_strcmp0 (path, "/health") == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, ok,
                                        sizeof ok - 1);
      return;
    }
  _kp_relay_refuse_callback (self, &reply, SOUP_STATUS_NOT_FOUND, "unknown path");
  kp_callback_page_respond (msg, reply.status, reply.callback);
}

/* The terminal paths; anything else gets the 404 page and the same limits. */
void
_kp_relay_add_handlers (KpRelay *self)
{
  soup_server_add_handler (self->server, NULL, other_cb, self, NULL);
  soup_server_add_handler (self->server, "/t", terminal_cb, self, NULL);
}

/**
 * kp_relay_handle:
 * @method: the request's method
 * @path: its path under `/t/`, as libsoup gives it to a server handler
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
  Request request = { method, path, query, headers, websocket };

  g_return_if_fail (KP_IS_RELAY (self));
  g_return_if_fail (method != NULL && path != NULL && headers != NULL && reply != NULL);

  g_mutex_lock (&self->lock);
  handle_request (self, &request, reply);
  g_mutex_unlock (&self->lock);
}

void
kp_relay_reply_clear (KpRelayReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->order_id, g_free);
  g_clear_pointer (&reply->nonce, g_free);
  g_clear_pointer (&reply->pg_token, g_free);
}
