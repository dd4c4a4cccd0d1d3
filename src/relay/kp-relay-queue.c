/* kp-relay-queue.c: the terminals' event queues and the relay's epoch
 *
 * A terminal's record: its queue of events not yet acknowledged, pruned by age and
 * count; the callbacks already taken (so a replayed link is answered, not queued
 * again); the event ids that count 1, 2, 3… within this run of the relay, its epoch;
 * and the JSON the events travel in. Called with the relay's lock held.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "kp-relay-private.h"

#define MAX_EVENTS_PER_ORDER 4

/* The clock of the events' ages; called with the lock held. */
gint64
_kp_relay_now (KpRelay *self)
{
  return g_get_monotonic_time () + self->clock_offset;
}

/* The wall clock links expire by, in seconds. */
gint64
_kp_relay_wall_now (KpRelay *self)
{
  return (g_get_real_time () + self->clock_offset) / G_USEC_PER_SEC;
}

/* Whether an acknowledgement or a poll's `after` counts in this run: one naming no
 * epoch (a terminal that has seen no event yet) or this one. */
gboolean
_kp_relay_is_this_epoch (KpRelay    *self,
                         const char *epoch)
{
  return epoch == NULL || g_strcmp0 (epoch, self->epoch) == 0;
}

char *
_kp_relay_json_to_text (JsonNode *root)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

void
_kp_relay_event_free (KpRelayEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->order_id);
  g_free (event->pg_token);
  g_clear_pointer (&event->node, json_node_unref);
  g_free (event->text);
  g_free (event);
}

/* The event @id of @terminal, as it travels; with the lock held (for the epoch). */
KpRelayEvent *
_kp_relay_event_new (KpRelayTerminal *terminal,
                     gint64           id,
                     KpCallbackKind   kind,
                     const char      *order_id,
                     const char      *nonce,
                     const char      *pg_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  KpRelayEvent *event = g_new0 (KpRelayEvent, 1);

  event->id = id;
  event->kind = kind;
  event->order_id = g_strdup (order_id);
  event->pg_token = g_strdup (pg_token);
  event->created = _kp_relay_now (terminal->relay);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, terminal->relay->epoch);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, event->id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kp_callback_kind_to_string (kind));
  json_builder_set_member_name (builder, "partner_order_id");
  json_builder_add_string_value (builder, order_id);
  json_builder_set_member_name (builder, "nonce");
  json_builder_add_string_value (builder, nonce);
  if (pg_token != NULL)
    {
      json_builder_set_member_name (builder, "pg_token");
      json_builder_add_string_value (builder, pg_token);
    }
  json_builder_end_object (builder);
  event->node = json_builder_get_root (builder);
  event->text = _kp_relay_json_to_text (event->node);
  return event;
}

/* Takes @token. */
KpRelayTerminal *
_kp_relay_terminal_new (KpRelay    *self,
                        const char *name,
                        char       *token)
{
  KpRelayTerminal *terminal = g_new0 (KpRelayTerminal, 1);

  terminal->relay = self;
  terminal->name = g_strdup (name);
  terminal->token = token;
  terminal->sockets = g_ptr_array_new ();
  terminal->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&terminal->events);
  return terminal;
}

void
_kp_relay_terminal_free (KpRelayTerminal *terminal)
{
  /* Its connections went with the server, before. */
  g_ptr_array_unref (terminal->sockets);
  g_queue_clear_full (&terminal->events, (GDestroyNotify) _kp_relay_event_free);
  g_clear_pointer (&terminal->taken, g_hash_table_unref);
  g_free (terminal->name);
  if (terminal->token != NULL)
    memset (terminal->token, 0, strlen (terminal->token));
  g_free (terminal->token);
  g_free (terminal);
}

/* Drops what waited too long, then the oldest beyond the count. */
void
_kp_relay_terminal_prune (KpRelayTerminal *terminal)
{
  KpRelay *self = terminal->relay;
  gint64 oldest = _kp_relay_now (self) - (gint64) self->max_event_age * G_USEC_PER_SEC;
  KpRelayEvent *event;

  while ((event = g_queue_peek_head (&terminal->events)) != NULL &&
         (event->created < oldest || g_queue_get_length (&terminal->events) > self->max_events))
    {
      g_debug ("terminal %s: dropped event %" G_GINT64_FORMAT " (%s)", terminal->name,
               event->id, event->created < oldest ? "too old" : "queue full");
      terminal->n_dropped++;
      _kp_relay_event_free (g_queue_pop_head (&terminal->events));
    }
}

/* Forgets the callbacks taken whose links have expired: they cannot come again. */
void
_kp_relay_terminal_prune_taken (KpRelayTerminal *terminal)
{
  gint64 now = _kp_relay_wall_now (terminal->relay);
  GHashTableIter iter;
  gpointer expires;

  g_hash_table_iter_init (&iter, terminal->taken);
  while (g_hash_table_iter_next (&iter, NULL, &expires))
    {
      if (*(gint64 *) expires < now)
        g_hash_table_iter_remove (&iter);
    }
}

/* The terminal has everything up to @id: cumulative, as it takes events in order. */
void
_kp_relay_terminal_ack (KpRelayTerminal *terminal,
                        gint64           id)
{
  KpRelayEvent *event;

  while ((event = g_queue_peek_head (&terminal->events)) != NULL && event->id <= id)
    _kp_relay_event_free (g_queue_pop_head (&terminal->events));
  if (terminal->relay->store != NULL)
    _kp_relay_terminal_schedule_ack (terminal, id);
}

/* Queues the callback unless this order's callback of this kind came before: a reload
 * of the page the phone landed on, or a replayed link (whatever its pg_token). At most
 * %MAX_EVENTS_PER_ORDER wait per order, so one order never pushes out another's. */
void
_kp_relay_terminal_enqueue (KpRelayTerminal *terminal,
                            KpCallbackKind   kind,
                            const char      *order_id,
                            const char      *nonce,
                            const char      *pg_token,
                            gint64           expires)
{
  g_autofree char *key = g_strdup_printf ("%s %s", kp_callback_kind_to_string (kind), order_id);
  gint64 *value;
  guint n_of_order = 0;
  KpRelayEvent *event;

  _kp_relay_terminal_prune (terminal);

  if (g_hash_table_contains (terminal->taken, key))
    {
      g_debug ("terminal %s: %s for %s came before", terminal->name,
               kp_callback_kind_to_string (kind), order_id);
      return;
    }
  for (GList *l = terminal->events.head; l != NULL; l = l->next)
    {
      if (strcmp (((KpRelayEvent *) l->data)->order_id, order_id) == 0)
        n_of_order++;
    }
  if (n_of_order >= MAX_EVENTS_PER_ORDER)
    {
      g_debug ("terminal %s: %u events for %s wait already", terminal->name, n_of_order,
               order_id);
      return;
    }
  value = g_new (gint64, 1);
  *value = expires;
  g_hash_table_replace (terminal->taken, g_steal_pointer (&key), value);

  /* One more than the last, within this epoch; no clock involved. */
  event = _kp_relay_event_new (terminal, ++terminal->last_id, kind, order_id, nonce, pg_token);
  g_queue_push_tail (&terminal->events, event);
  _kp_relay_terminal_prune (terminal);
  g_debug ("terminal %s: queued event %" G_GINT64_FORMAT ", %s for %s", terminal->name,
           event->id, kp_callback_kind_to_string (kind), order_id);

  /* Its WebSockets, and a poll that waits, get it. */
  _kp_relay_terminal_kick (terminal, FALSE);
}

gboolean
_kp_relay_terminal_has_events_after (KpRelayTerminal *terminal,
                                     gint64           after)
{
  KpRelayEvent *event = g_queue_peek_tail (&terminal->events);

  return event != NULL && event->id > after;
}

/* `{"epoch":…,"events":[…]}`: the queued events after @after, oldest first. */
char *
_kp_relay_events_body (KpRelayTerminal *terminal,
                       gint64           after)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, terminal->relay->epoch);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (GList *l = terminal->events.head; l != NULL; l = l->next)
    {
      KpRelayEvent *event = l->data;

      if (event->id > after)
        json_builder_add_value (builder, json_node_copy (event->node));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return _kp_relay_json_to_text (root);
}
