/* kp-admission.c: connections counted per remote address and in all
 *
 * The admission rules of a server facing the internet, shared by the terminal's
 * listener (kp-http-guard.c, on GLib's loop) and kakaopay-relay's door
 * (kp-relay-door.c, on libev's): at most @max_per_address connections of one address
 * have their turn (are read) at a time, the others wait unread in arrival order; at most
 * @max_connections are counted in all, and when all are taken the oldest one that has
 * not sent a complete request head makes room for a new one. A connection stops
 * counting when it ends or its server keeps it on purpose (a WebSocket, a long poll).
 * No sockets here: each server does its own reading and closing.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-admission"

#include "config.h"

#include "kp-admission.h"

struct _KpAdmissionAddress
{
  char   *key;
  guint   n_active;   /* connections that have their turn */
  GQueue  waiting;    /* KpAdmissionEntry *, in arrival order */
};

struct _KpAdmission
{
  GQueue            entries;     /* KpAdmissionEntry *, oldest first: every one counted */
  GHashTable       *addresses;   /* remote address text → KpAdmissionAddress */
  guint             max_connections;
  guint             max_per_address;
  KpAdmissionStart  start;
};

static void
address_free (KpAdmissionAddress *address)
{
  g_free (address->key);
  g_free (address);
}

KpAdmission *
kp_admission_new (guint            max_connections,
                  guint            max_per_address,
                  KpAdmissionStart start)
{
  KpAdmission *admission = g_new0 (KpAdmission, 1);

  g_return_val_if_fail (start != NULL, NULL);

  g_queue_init (&admission->entries);
  admission->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) address_free);
  admission->max_connections = MAX (max_connections, 1);
  admission->max_per_address = CLAMP (max_per_address, 1, admission->max_connections);
  admission->start = start;
  return admission;
}

/* Every connection must have been removed. */
void
kp_admission_free (KpAdmission *admission)
{
  if (admission == NULL)
    return;

  g_warn_if_fail (admission->entries.length == 0);
  g_hash_table_unref (admission->addresses);
  g_free (admission);
}

/**
 * kp_admission_make_room:
 * @out_full: (out): whether all places are taken
 *
 * Before a new connection is added: when all places are taken, the oldest idle one
 * (not sent a complete head yet) is to be dropped by its server (which removes it).
 *
 * Returns: (nullable): the owner of the connection to drop; %NULL with @out_full set
 *   if none is idle: the new connection is to be refused
 */
gpointer
kp_admission_make_room (KpAdmission *admission,
                        gboolean    *out_full)
{
  *out_full = admission->entries.length >= admission->max_connections;
  if (!*out_full)
    return NULL;
  for (GList *l = admission->entries.head; l != NULL; l = l->next)
    {
      KpAdmissionEntry *entry = l->data;

      if (entry->idle)
        return entry->owner;
    }
  return NULL;
}

/**
 * kp_admission_add:
 * @entry: the connection's, zeroed
 * @owner: the connection, given to the start function
 * @address: its remote address, as text
 *
 * Counts a new connection (idle); it starts now (the start function is called) if its
 * address has a free turn, or waits for one.
 */
void
kp_admission_add (KpAdmission      *admission,
                  KpAdmissionEntry *entry,
                  gpointer          owner,
                  const char       *address)
{
  KpAdmissionAddress *found = g_hash_table_lookup (admission->addresses, address);

  if (found == NULL)
    {
      found = g_new0 (KpAdmissionAddress, 1);
      found->key = g_strdup (address);
      g_queue_init (&found->waiting);
      g_hash_table_insert (admission->addresses, found->key, found);
    }
  entry->owner = owner;
  entry->address = found;
  entry->idle = TRUE;
  entry->link.data = entry;
  entry->waiting_link.data = entry;
  g_queue_push_tail_link (&admission->entries, &entry->link);

  if (found->n_active < admission->max_per_address)
    {
      entry->active = TRUE;
      found->n_active++;
      admission->start (owner);
    }
  else
    g_queue_push_tail_link (&found->waiting, &entry->waiting_link);
}

/**
 * kp_admission_remove:
 *
 * The connection no longer counts (it ended, was dropped, or is kept on purpose); the
 * next waiting connection of its address gets its turn. Harmless for one not counted.
 */
void
kp_admission_remove (KpAdmission      *admission,
                     KpAdmissionEntry *entry)
{
  KpAdmissionAddress *address = entry->address;

  if (address == NULL)
    return;

  g_queue_unlink (&admission->entries, &entry->link);
  entry->address = NULL;
  if (entry->active)
    address->n_active--;
  else
    g_queue_unlink (&address->waiting, &entry->waiting_link);
  entry->active = FALSE;

  while (address->n_active < admission->max_per_address && address->waiting.head != NULL)
    {
      KpAdmissionEntry *next = address->waiting.head->data;

      g_queue_unlink (&address->waiting, &next->waiting_link);
      next->active = TRUE;
      address->n_active++;
      admission->start (next->owner);
    }
  if (address->n_active == 0 && address->waiting.head == NULL)
    g_hash_table_remove (admission->addresses, address->key);
}

/* Returns: (nullable): the owner of the oldest connection counted */
gpointer
kp_admission_peek_oldest (KpAdmission *admission)
{
  KpAdmissionEntry *entry = g_queue_peek_head (&admission->entries);

  return entry != NULL ? entry->owner : NULL;
}

guint
kp_admission_get_n (KpAdmission *admission)
{
  return admission->entries.length;
}
