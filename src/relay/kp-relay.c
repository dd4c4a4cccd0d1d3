/* kp-relay.c: kakaopay-relay, the shop's public callback host
 *
 * The customer's phone follows KakaoPay's redirect to
 * `/t/{terminal}/{approve|cancel|fail}/{partner_order_id}?n={link}[&pg_token=…]`; the
 * relay checks the link (kp_callback_link_check() with the order's secret,
 * kp_relay_nonce() of the terminal's token and the order id: made for this kind, not
 * expired), answers the phone with the listener's page, and queues the event for the
 * terminal once per order and kind (a replayed link is answered, not queued again; at
 * most four wait per order, so one order never pushes out another's),
 * which takes it over a WebSocket or a long poll at `/t/{terminal}/events` and
 * acknowledges it. Queues live in memory: a restarted relay has lost what it held
 * (the terminal's status poller still learns the outcome, without pg_token). With
 * `database=` they live in PostgreSQL instead (kp-relay-store.c, kp-relay-sync.c):
 * several processes share them, and a restart loses nothing.
 *
 * Event ids count 1, 2, 3… per terminal within one run of the relay, its epoch: a random
 * name every event, poll answer and acknowledgement carries. A terminal keeps its
 * duplicate filter per epoch, so a restarted relay's new events are never taken for
 * copies of old ones, and an acknowledgement naming another epoch deletes nothing.
 * With a database, ids grow per terminal across processes and restarts, and the epoch
 * is the database's, made once.
 *
 * Threads: the network thread serves every connection (kp-relay-server.c: libwebsockets
 * on libev, behind the door of kp-relay-door.c); the main one runs the database, the
 * timers and the acknowledgements on GLib's main loop.
 *
 * This file holds the object, its life and its public settings; the rest is in
 * kp-relay-config.c (key file, tokens), kp-relay-queue.c (event queues, epochs),
 * kp-relay-callback.c (the customers' callbacks), kp-relay-http.c (deciding answers),
 * kp-relay-server.c (the network thread, long polls) and kp-relay-socket.c
 * (WebSockets), sharing kp-relay-private.h.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-codec.h"
#include "kp-relay-private.h"

#define PRUNE_SECONDS  10

G_DEFINE_FINAL_TYPE (KpRelay, kp_relay, G_TYPE_OBJECT)

static gboolean
on_prune_cb (gpointer user_data)
{
  KpRelay *self = user_data;
  GHashTableIter iter;
  gpointer terminal;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &terminal))
    {
      _kp_relay_terminal_prune (terminal);
      _kp_relay_terminal_prune_taken (terminal);
    }
  g_mutex_unlock (&self->lock);
  if (self->store != NULL)
    _kp_relay_store_prune (self->store);
  return G_SOURCE_CONTINUE;
}

static void
kp_relay_dispose (GObject *object)
{
  KpRelay *self = KP_RELAY (object);

  g_clear_handle_id (&self->prune_id, g_source_remove);
  /* Its connections first: nothing reaches a terminal from the network after this. */
  g_clear_pointer (&self->server, _kp_relay_server_free);
  g_clear_handle_id (&self->acks_id, g_source_remove);
  g_clear_pointer (&self->store, _kp_relay_store_free);
  g_hash_table_remove_all (self->terminals);

  G_OBJECT_CLASS (kp_relay_parent_class)->dispose (object);
}

static void
kp_relay_finalize (GObject *object)
{
  KpRelay *self = KP_RELAY (object);

  g_hash_table_unref (self->terminals);
  g_ptr_array_unref (self->acks);
  g_mutex_clear (&self->lock);
  g_free (self->listen);
  g_free (self->public_url);
  g_free (self->epoch);
  if (self->database != NULL)
    memset (self->database, 0, strlen (self->database));
  g_free (self->database);

  G_OBJECT_CLASS (kp_relay_parent_class)->finalize (object);
}

static void
kp_relay_class_init (KpRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_relay_dispose;
  object_class->finalize = kp_relay_finalize;
}

static void
kp_relay_init (KpRelay *self)
{
  self->terminals = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) _kp_relay_terminal_free);
  self->listen = g_strdup (KP_RELAY_DEFAULT_LISTEN);
  self->max_event_age = KP_RELAY_DEFAULT_MAX_EVENT_AGE;
  self->max_events = KP_RELAY_DEFAULT_MAX_EVENTS;
  self->max_connections = KP_RELAY_DEFAULT_MAX_CONNECTIONS;
  self->head_timeout = KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS;
  self->websocket_enabled = TRUE;
  self->epoch = kp_random_hex (8);
  self->database_connections = KP_RELAY_DEFAULT_DATABASE_CONNECTIONS;
  self->acks = g_ptr_array_new ();
  g_mutex_init (&self->lock);
}

KpRelay *
kp_relay_new (void)
{
  return g_object_new (KP_TYPE_RELAY, NULL);
}

const char *
kp_relay_get_listen (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  return self->listen;
}

const char *
kp_relay_get_public_url (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  return self->public_url;
}

guint
kp_relay_get_n_terminals (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), 0);

  return g_hash_table_size (self->terminals);
}

/**
 * kp_relay_set_websocket_enabled:
 *
 * With %FALSE a WebSocket upgrade gets 400, as behind a proxy that cannot pass it on:
 * terminals long-poll instead.
 */
void
kp_relay_set_websocket_enabled (KpRelay  *self,
                                gboolean  enabled)
{
  g_return_if_fail (KP_IS_RELAY (self));

  self->websocket_enabled = !!enabled;
}

gboolean
kp_relay_listen (KpRelay     *self,
                 const char  *host,
                 guint16      port,
                 GError     **error)
{
  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);

  if (self->server == NULL)
    {
      self->server = _kp_relay_server_new (self, error);
      if (self->server == NULL)
        return FALSE;
      self->prune_id = g_timeout_add_seconds (PRUNE_SECONDS, on_prune_cb, self);
      if (self->database != NULL)
        {
          self->store = _kp_relay_store_new (self, self->database,
                                             self->database_connections);
          _kp_relay_store_start (self->store);
        }
    }

  return _kp_relay_server_listen (self->server, host, port, error);
}

/**
 * kp_relay_dup_url:
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` of the first listening socket
 */
char *
kp_relay_dup_url (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), NULL);

  if (self->server == NULL)
    return NULL;
  return _kp_relay_server_dup_url (self->server);
}

/**
 * kp_relay_advance_clock:
 *
 * Moves the clock the events' ages are measured with by @seconds. For tests, which
 * move it instead of waiting.
 */
void
kp_relay_advance_clock (KpRelay *self,
                        gint64   seconds)
{
  g_return_if_fail (KP_IS_RELAY (self));

  g_mutex_lock (&self->lock);
  self->clock_offset += seconds * G_USEC_PER_SEC;
  g_mutex_unlock (&self->lock);
}


/**
 * kp_relay_is_online:
 *
 * Whether the relay takes callbacks: always without a database, and with one while its
 * connection is up.
 */
gboolean
kp_relay_is_online (KpRelay *self)
{
  g_return_val_if_fail (KP_IS_RELAY (self), FALSE);

  return _kp_relay_is_online (self);
}
