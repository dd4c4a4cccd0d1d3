/* kp-sandbox-server.c: the sandbox on the network
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The libsoup server that answers each request with kp_sandbox_handle(): listening,
 * the extra handlers of the kakaopay-sandbox program, and the faults that only a
 * connection can show: a DELAY reply held back, a DROP_REPLY one lost.
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include "kp-address.h"
#include "kp-sandbox-private.h"

/* A reply held back by DELAY or DROP_REPLY. */
typedef struct
{
  KpSandbox         *sandbox;   /* borrowed: dispose finishes every pending reply */
  SoupServerMessage *msg;
  guint              source_id;
  gboolean           drop;
} PendingReply;

static void
pending_reply_free (PendingReply *pending)
{
  g_signal_handlers_disconnect_by_data (pending->msg, pending);
  g_clear_handle_id (&pending->source_id, g_source_remove);
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
pending_reply_finish (PendingReply *pending)
{
  g_signal_handlers_disconnect_by_data (pending->msg, pending);
  g_clear_handle_id (&pending->source_id, g_source_remove);

  if (pending->drop)
    {
      g_autoptr (GIOStream) stream = soup_server_message_steal_connection (pending->msg);

      /* The reply is lost: the client sees the connection close without an answer. */
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
    }
  else
    soup_server_message_unpause (pending->msg);

  pending_reply_free (pending);
}

static gboolean
on_pending_reply_cb (gpointer user_data)
{
  PendingReply *pending = user_data;
  KpSandbox *self = pending->sandbox;

  pending->source_id = 0;
  self->pending = g_list_remove (self->pending, pending);
  pending_reply_finish (pending);

  return G_SOURCE_REMOVE;
}

/* The client went away first (a timeout shorter than the delay): nothing left to do. */
static void
on_pending_message_gone_cb (SoupServerMessage *msg,
                            gpointer           user_data)
{
  PendingReply *pending = user_data;
  KpSandbox *self = pending->sandbox;

  self->pending = g_list_remove (self->pending, pending);
  pending_reply_free (pending);
}

static void
hold_reply (KpSandbox         *self,
            SoupServerMessage *msg,
            guint              delay_ms,
            gboolean           drop)
{
  PendingReply *pending = g_new0 (PendingReply, 1);

  pending->sandbox = self;
  pending->msg = g_object_ref (msg);
  pending->drop = drop;
  soup_server_message_pause (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_pending_message_gone_cb), pending);
  g_signal_connect (msg, "finished", G_CALLBACK (on_pending_message_gone_cb), pending);
  /* The connection is stolen from a main-loop callback, not from inside the handler. */
  pending->source_id = drop ? g_idle_add (on_pending_reply_cb, pending)
                            : g_timeout_add (delay_ms, on_pending_reply_cb, pending);
  self->pending = g_list_prepend (self->pending, pending);
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  SoupMessageHeaders *headers = user_data;

  /* soup_server_message_set_redirect () made the Location absolute. */
  if (g_ascii_strcasecmp (name, "Location") != 0)
    soup_message_headers_append (headers, name, value);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  KpSandbox *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  g_autoptr (KpSandboxReply) reply = NULL;
  const char *location;

  reply = kp_sandbox_handle (self, soup_server_message_get_method (msg), path, query,
                             soup_server_message_get_request_headers (msg), body);

  location = soup_message_headers_get_one (reply->headers, "Location");
  if (location != NULL)
    soup_server_message_set_redirect (msg, reply->status, location);
  else
    soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_foreach (reply->headers, copy_header_cb,
                                soup_server_message_get_response_headers (msg));
  if (g_bytes_get_size (reply->body) > 0)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), reply->body);

  if (reply->fault == KP_SANDBOX_FAULT_DELAY)
    hold_reply (self, msg, reply->delay_ms, FALSE);
  else if (reply->fault == KP_SANDBOX_FAULT_DROP_REPLY)
    hold_reply (self, msg, 0, TRUE);
}

/* A server, not yet listening, whose every path is the sandbox's. */
SoupServer *
_kp_sandbox_server_new (KpSandbox *self)
{
  SoupServer *server = soup_server_new ("server-header", "kakaopay-sandbox ", NULL);

  soup_server_add_handler (server, NULL, server_cb, self, NULL);
  return server;
}

/* For dispose: held replies are lost with the server, so their connections close now. */
void
_kp_sandbox_server_close (KpSandbox *self)
{
  while (self->pending != NULL)
    {
      PendingReply *pending = self->pending->data;

      self->pending = g_list_delete_link (self->pending, self->pending);
      pending->drop = TRUE;
      pending_reply_finish (pending);
    }

  if (self->server != NULL)
    {
      soup_server_remove_handler (self->server, NULL);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

/**
 * kp_sandbox_listen:
 * @host: (nullable): an IP address ("127.0.0.1", "0.0.0.0", "::1"…) or "localhost";
 *   %NULL for 127.0.0.1
 * @port: the port, or 0 to pick a free one
 *
 * Serves the sandbox on the thread-default main context. Call it once.
 */
gboolean
kp_sandbox_listen (KpSandbox   *self,
                   const char  *host,
                   guint16      port,
                   GError     **error)
{
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  GSList *listeners;

  g_return_val_if_fail (KP_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->base_url != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "The sandbox is already listening");
      return FALSE;
    }

  socket_address = kp_address_new_listen (host, port, error);
  if (socket_address == NULL || !soup_server_listen (self->server, socket_address, 0, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    local = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);

  /* The URL of this machine's clients and of the pages: a wildcard address is reached
   * through loopback. */
  self->base_url = kp_address_dup_local_url (local != NULL ? local : socket_address);
  g_debug ("Listening on %s", self->base_url);

  return TRUE;
}

/**
 * kp_sandbox_dup_base_url:
 *
 * Returns: (transfer full) (nullable): "http://HOST:PORT" (no trailing slash) once
 *   listening, else %NULL
 */
char *
kp_sandbox_dup_base_url (KpSandbox *self)
{
  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  return g_strdup (self->base_url);
}

/**
 * kp_sandbox_add_handler:
 * @path: a path prefix such as "/_sandbox"; it must not overlap the API or page paths
 * @callback: serves the requests under @path
 *
 * Serves more paths on the sandbox's own address (the kakaopay-sandbox program's
 * test-only control interface). The sandbox's own paths are unchanged.
 */
void
kp_sandbox_add_handler (KpSandbox          *self,
                        const char         *path,
                        SoupServerCallback  callback,
                        gpointer            user_data,
                        GDestroyNotify      destroy)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (path != NULL && path[0] == '/' && path[1] != '\0');
  g_return_if_fail (callback != NULL);

  soup_server_add_handler (self->server, path, callback, user_data, destroy);
}
