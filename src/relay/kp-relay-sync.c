/* kp-relay-sync.c: the relay's copies of the queues kept in PostgreSQL
 *
 * With a database (kp-relay-store.c), a terminal's event queue here (kp-relay-queue.c)
 * is a copy of the database's, kept while the terminal holds a WebSocket or a long poll
 * at this process: fetched whole when it connects or polls, then followed by the
 * notifications (an event whose id follows the last one known is added as it comes;
 * any other id asks for a fetch, which the copy is merged with). A terminal connected
 * elsewhere has no copy here. Acknowledgements, from the network thread or a poll's
 * `after`, are gathered per terminal and deleted from the database on the main thread.
 *
 * Unless said otherwise, on the main thread.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "kp-callback-page.h"
#include "kp-relay-private.h"

gboolean
_kp_relay_is_online (KpRelay *self)
{
  return self->store == NULL || _kp_relay_store_is_online (self->store);
}

static gboolean
terminal_is_here (KpRelayTerminal *terminal)
{
  return g_atomic_int_get (&terminal->n_sockets) > 0 || g_atomic_int_get (&terminal->polling);
}

/* `{"T1","T2"}`: the terminals' names as a PostgreSQL array. */
char *
_kp_relay_dup_terminal_array (KpRelay *self)
{
  GString *text = g_string_new ("{");
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    /* Names are letters, digits, - _ and . (kp-relay-config.c): nothing to escape. */
    g_string_append_printf (text, "%s\"%s\"", text->len > 1 ? "," : "", (const char *) name);
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

void
_kp_relay_set_epoch (KpRelay    *self,
                     const char *epoch)
{
  g_mutex_lock (&self->lock);
  if (g_strcmp0 (self->epoch, epoch) != 0)
    {
      g_free (self->epoch);
      self->epoch = g_strdup (epoch);
    }
  g_mutex_unlock (&self->lock);
}

/* The database is back: notifications may have been missed while it was away. */
void
_kp_relay_store_resync (KpRelay *self)
{
  GHashTableIter iter;
  gpointer terminal;

  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &terminal))
    {
      if (terminal_is_here (terminal))
        _kp_relay_terminal_fetch (terminal);
    }
}

void
_kp_relay_store_desync (KpRelay *self)
{
  GHashTableIter iter;
  gpointer terminal;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->terminals);
  while (g_hash_table_iter_next (&iter, NULL, &terminal))
    ((KpRelayTerminal *) terminal)->synced = FALSE;
  g_mutex_unlock (&self->lock);
}

/* What changed in the copy goes out: to the WebSockets, and to a poll that waits (with
 * @answer_poll, even with nothing new). */
static void
terminal_changed (KpRelayTerminal *terminal,
                  gboolean         answer_poll)
{
  _kp_relay_terminal_kick (terminal, answer_poll);
}

void
_kp_relay_terminal_fetch (KpRelayTerminal *terminal)
{
  KpRelay *self = terminal->relay;

  if (terminal->fetching)
    {
      terminal->refetch = TRUE;
      return;
    }
  terminal->fetching = TRUE;
  terminal->refetch = FALSE;
  _kp_relay_store_fetch (self->store, terminal);
}

/* The database's queue of one snapshot, ids known up to @last_id (@events %NULL: the
 * fetch failed). Events of the copy past @last_id came by notification after the
 * snapshot, in order: they stay. */
void
_kp_relay_terminal_take_fetched (KpRelayTerminal *terminal,
                                 gint64           last_id,
                                 GPtrArray       *events)
{
  KpRelay *self = terminal->relay;
  gboolean answer_poll = terminal->poll_on_fetch;
  KpRelayEvent *event;
  GQueue later = G_QUEUE_INIT;

  terminal->fetching = FALSE;
  terminal->poll_on_fetch = FALSE;
  g_mutex_lock (&self->lock);
  if (events == NULL)
    terminal->synced = FALSE;
  else
    {
      while ((event = g_queue_pop_tail (&terminal->events)) != NULL)
        {
          if (terminal->synced && event->id > last_id)
            g_queue_push_head (&later, event);
          else
            _kp_relay_event_free (event);
        }
      for (guint i = 0; i < events->len; i++)
        {
          event = events->pdata[i];
          /* Acknowledged here, its deletion not yet done. */
          if (event->id > terminal->acked)
            g_queue_push_tail (&terminal->events, g_steal_pointer (&events->pdata[i]));
        }
      while ((event = g_queue_pop_head (&later)) != NULL)
        g_queue_push_tail (&terminal->events, event);
      terminal->last_id = MAX (last_id, terminal->synced ? terminal->last_id : 0);
      terminal->synced = TRUE;
      _kp_relay_terminal_prune (terminal);
    }
  g_mutex_unlock (&self->lock);

  terminal_changed (terminal, answer_poll);
  if (terminal->refetch && _kp_relay_is_online (self))
    _kp_relay_terminal_fetch (terminal);
}

/* `{"terminal":…,"id":…,"kind":…,"partner_order_id":…,"nonce":…[,"pg_token":…]}`, the
 * NOTIFY of kp_relay_enqueue(). */
void
_kp_relay_store_take_notice (KpRelay    *self,
                             JsonObject *notice)
{
  const char *name = json_object_get_string_member_with_default (notice, "terminal", NULL);
  gint64 id = json_object_get_int_member_with_default (notice, "id", 0);
  const char *kind_text = json_object_get_string_member_with_default (notice, "kind", NULL);
  const char *order_id = json_object_get_string_member_with_default (notice, "partner_order_id",
                                                                     NULL);
  const char *nonce = json_object_get_string_member_with_default (notice, "nonce", NULL);
  const char *pg_token = json_object_get_string_member_with_default (notice, "pg_token", NULL);
  KpRelayTerminal *terminal = name != NULL ? g_hash_table_lookup (self->terminals, name) : NULL;
  KpCallbackKind kind;

  if (terminal == NULL || id <= 0 || order_id == NULL || nonce == NULL ||
      !kp_callback_kind_from_string (kind_text, -1, &kind))
    return;

  g_mutex_lock (&self->lock);
  if (!terminal_is_here (terminal))
    {
      /* Connected elsewhere (or nowhere): no copy to keep. */
      if (terminal->synced)
        {
          g_queue_clear_full (&terminal->events, (GDestroyNotify) _kp_relay_event_free);
          terminal->synced = FALSE;
        }
      g_mutex_unlock (&self->lock);
      return;
    }
  if (terminal->synced && id <= terminal->last_id)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  if (terminal->synced && id == terminal->last_id + 1)
    {
      g_queue_push_tail (&terminal->events,
                         _kp_relay_event_new (terminal, id, kind, order_id, nonce, pg_token));
      terminal->last_id = id;
      _kp_relay_terminal_prune (terminal);
      g_mutex_unlock (&self->lock);
      terminal_changed (terminal, FALSE);
      return;
    }
  g_mutex_unlock (&self->lock);
  /* A gap, or no copy yet: the database knows. */
  _kp_relay_terminal_fetch (terminal);
}

static gboolean
store_acks_cb (gpointer user_data)
{
  KpRelay *self = user_data;
  g_autoptr (GPtrArray) terminals = g_ptr_array_new ();
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_mutex_lock (&self->lock);
  self->acks_id = 0;
  for (guint i = 0; i < self->acks->len; i++)
    {
      KpRelayTerminal *terminal = self->acks->pdata[i];

      terminal->ack_scheduled = FALSE;
      if (terminal->acked > terminal->ack_stored)
        {
          terminal->ack_stored = terminal->acked;
          g_ptr_array_add (terminals, terminal);
          g_array_append_val (ids, terminal->acked);
        }
    }
  g_ptr_array_set_size (self->acks, 0);
  g_mutex_unlock (&self->lock);
  if (terminals->len > 0 && self->store != NULL)
    _kp_relay_store_ack (self->store, terminals, ids);
  return G_SOURCE_REMOVE;
}

/* Any thread, with the lock held: the terminal has everything up to @id. The
 * acknowledgements of every terminal before the main thread's turn make one deletion. */
void
_kp_relay_terminal_schedule_ack (KpRelayTerminal *terminal,
                                 gint64           id)
{
  KpRelay *self = terminal->relay;

  if (id <= terminal->acked)
    return;
  terminal->acked = id;
  if (terminal->ack_scheduled)
    return;
  terminal->ack_scheduled = TRUE;
  g_ptr_array_add (self->acks, terminal);
  if (self->acks_id == 0)
    self->acks_id = g_idle_add (store_acks_cb, self);
}

static gboolean
socket_fetch_cb (gpointer user_data)
{
  KpRelayTerminal *terminal = user_data;

  if (terminal->relay->store != NULL)
    _kp_relay_terminal_fetch (terminal);
  return G_SOURCE_REMOVE;
}

/* The network thread: the terminal has a new WebSocket here, which needs its queue. */
void
_kp_relay_terminal_socket_opened (KpRelayTerminal *terminal)
{
  g_idle_add (socket_fetch_cb, terminal);
}

typedef struct
{
  KpRelay        *relay;
  guint64         session;
  KpCallbackKind  kind;
} Storing;

static void
on_stored_cb (gint64   id,
              gpointer user_data)
{
  Storing *storing = user_data;
  KpRelay *self = storing->relay;

  if (id < 0)
    g_debug ("a callback could not be stored: 503");
  if (self->server != NULL)
    _kp_relay_server_answer_stored (self->server, storing->session,
                                    id < 0 ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK,
                                    storing->kind);
}

/* Main thread: a good callback, stored before the phone gets its page: 200 once it is
 * in the database (or came before), 503 if it could not be stored. The network thread
 * holds @session's connection until then. */
void
_kp_relay_store_callback (KpRelay      *self,
                          guint64       session,
                          KpRelayReply *reply)
{
  KpRelayTerminal *terminal = reply->terminal;
  Storing *storing = g_new0 (Storing, 1);

  storing->relay = self;
  storing->session = session;
  storing->kind = reply->callback;
  _kp_relay_store_enqueue (self->store, terminal->name, reply->callback, reply->order_id,
                           reply->nonce, reply->pg_token, reply->expires, on_stored_cb, storing,
                           g_free);
}
