/* kp-relay-http.c: kakaopay-relay's requests
 *
 * Deciding the answer to a request, without the connection: customers' callbacks, the
 * terminals' long polls and WebSocket handshakes (kp_relay_handle()), the health check,
 * and reading a request target as libsoup's server did (the path unescaped, the query's
 * fields decoded). The network thread (kp-relay-server.c) carries the answers out.
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
#include "kp-relay-private.h"

#define TERMINAL_PREFIX "/t/"

/* A request as the relay reads it, from a connection or from kp_relay_handle(). */
typedef struct
{
  const char         *method;
  const char         *path;
  GHashTable         *query;
  const char         *authorization;
  gboolean            websocket; /* a valid WebSocket handshake */
} Request;

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
is_authorized (KpRelayTerminal *terminal,
               const char      *value)
{
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

  if (!is_authorized (terminal, request->authorization))
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

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
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

/**
 * _kp_relay_handle_request:
 * @authorization: (nullable): the Authorization header's value
 *
 * kp_relay_handle(), for the server: takes the lock.
 */
void
_kp_relay_handle_request (KpRelay      *self,
                          const char   *method,
                          const char   *path,
                          GHashTable   *query,
                          const char   *authorization,
                          gboolean      websocket,
                          KpRelayReply *reply)
{
  Request request = { method, path, query, authorization, websocket };

  g_mutex_lock (&self->lock);
  handle_request (self, &request, reply);
  g_mutex_unlock (&self->lock);
}

/**
 * _kp_relay_parse_target:
 * @target: a request target in origin form, `/path?query`, as the door read it
 * @out_path: (out): its path, unescaped
 * @out_query: (out) (nullable): its query's fields, decoded as a form; %NULL if none
 *
 * Returns: %FALSE if the path cannot be unescaped (it holds `%00`, or a `%` not
 *   followed by two hex digits): a bad request
 */
gboolean
_kp_relay_parse_target (const char  *target,
                        char       **out_path,
                        GHashTable **out_query)
{
  const char *question = strchr (target, '?');
  g_autofree char *raw_path = g_strndup (target, question != NULL ? question - target
                                                                   : (gssize) strlen (target));
  const char *hash;

  *out_query = NULL;
  *out_path = g_uri_unescape_string (raw_path, NULL);
  if (*out_path == NULL)
    return FALSE;
  if (question != NULL)
    {
      g_autofree char *query = NULL;

      /* A fragment is not sent; if it were, it is no part of the query. */
      hash = strchr (question + 1, '#');
      query = g_strndup (question + 1, hash != NULL ? hash - question - 1
                                                    : (gssize) strlen (question + 1));
      *out_query = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
    }
  return TRUE;
}

/**
 * _kp_relay_health:
 *
 * `GET /health`: 200 "ok", or 503 while the database is away.
 */
void
_kp_relay_health (KpRelay     *self,
                  guint       *out_status,
                  const char **out_text)
{
  if (_kp_relay_is_online (self))
    {
      *out_status = SOUP_STATUS_OK;
      *out_text = "ok\n";
    }
  else
    {
      *out_status = SOUP_STATUS_SERVICE_UNAVAILABLE;
      *out_text = "database offline\n";
    }
}

void
kp_relay_reply_clear (KpRelayReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  g_clear_pointer (&reply->order_id, g_free);
  g_clear_pointer (&reply->nonce, g_free);
  g_clear_pointer (&reply->pg_token, g_free);
}
