/* kp-relay-store-sql.c: the relay's tables in PostgreSQL, and its queries
 *
 * The schema the listening connection creates (kp-relay-store.c), kp_relay_enqueue()
 * storing one callback in one transaction, and the queries the relay's copies of the
 * queues need (kp-relay-sync.c): fetch, acknowledge, prune.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#include "kp-relay-private.h"

#ifdef HAVE_SHOPDB

#include <string.h>

#include "kp-relay-store-private.h"

/* One transaction, under an advisory lock, so relays starting together do not race. */
const char _kp_relay_store_schema_sql[] =
  "SET client_min_messages TO warning;"
  "BEGIN;"
  "SELECT pg_advisory_xact_lock (7235867);"
  "CREATE TABLE IF NOT EXISTS kp_relay_meta ("
  "  one boolean PRIMARY KEY DEFAULT TRUE CHECK (one),"
  "  version integer NOT NULL,"
  "  epoch text NOT NULL);"
  "INSERT INTO kp_relay_meta (version, epoch)"
  "  VALUES (1, substr (replace (gen_random_uuid ()::text, '-', ''), 1, 16))"
  "  ON CONFLICT DO NOTHING;"
  "CREATE TABLE IF NOT EXISTS kp_relay_terminals ("
  "  terminal text PRIMARY KEY,"
  "  last_id bigint NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS kp_relay_events ("
  "  terminal text NOT NULL,"
  "  id bigint NOT NULL,"
  "  kind text NOT NULL,"
  "  order_id text NOT NULL,"
  "  nonce text NOT NULL,"
  "  pg_token text,"
  "  created timestamptz NOT NULL DEFAULT now (),"
  "  PRIMARY KEY (terminal, id));"
  "CREATE TABLE IF NOT EXISTS kp_relay_taken ("
  "  terminal text NOT NULL,"
  "  kind text NOT NULL,"
  "  order_id text NOT NULL,"
  "  expires bigint NOT NULL,"
  "  PRIMARY KEY (terminal, kind, order_id));"
  "CREATE INDEX IF NOT EXISTS kp_relay_taken_expires ON kp_relay_taken (expires);"
  "CREATE OR REPLACE FUNCTION kp_relay_enqueue (p_terminal text, p_kind text, p_order text,"
  "    p_nonce text, p_pg_token text, p_expires bigint, p_max_events integer,"
  "    p_max_age integer) RETURNS bigint LANGUAGE plpgsql AS $$\n"
  "DECLARE\n"
  "  v_id bigint;\n"
  "BEGIN\n"
  "  PERFORM 1 FROM kp_relay_terminals WHERE terminal = p_terminal FOR UPDATE;\n"
  "  IF NOT FOUND THEN\n"
  "    INSERT INTO kp_relay_terminals (terminal) VALUES (p_terminal) ON CONFLICT DO NOTHING;\n"
  "    PERFORM 1 FROM kp_relay_terminals WHERE terminal = p_terminal FOR UPDATE;\n"
  "  END IF;\n"
  "  IF EXISTS (SELECT 1 FROM kp_relay_taken WHERE terminal = p_terminal\n"
  "             AND kind = p_kind AND order_id = p_order) THEN\n"
  "    RETURN 0;\n"
  "  END IF;\n"
  "  IF (SELECT count (*) FROM kp_relay_events WHERE terminal = p_terminal\n"
  "      AND order_id = p_order\n"
  "      AND created >= now () - p_max_age * interval '1 second') >= 4 THEN\n"
  "    RETURN 0;\n"
  "  END IF;\n"
  "  INSERT INTO kp_relay_taken VALUES (p_terminal, p_kind, p_order, p_expires);\n"
  "  UPDATE kp_relay_terminals SET last_id = last_id + 1 WHERE terminal = p_terminal\n"
  "    RETURNING last_id INTO v_id;\n"
  "  INSERT INTO kp_relay_events (terminal, id, kind, order_id, nonce, pg_token)\n"
  "    VALUES (p_terminal, v_id, p_kind, p_order, p_nonce, p_pg_token);\n"
  "  DELETE FROM kp_relay_events WHERE terminal = p_terminal AND id <= v_id - p_max_events;\n"
  "  PERFORM pg_notify ('" KP_RELAY_STORE_CHANNEL "', json_strip_nulls (json_build_object ('terminal',\n"
  "    p_terminal, 'id', v_id, 'kind', p_kind, 'partner_order_id', p_order, 'nonce',\n"
  "    p_nonce, 'pg_token', p_pg_token))::text);\n"
  "  RETURN v_id;\n"
  "END $$;"
  "COMMIT;";

const char _kp_relay_store_terminals_sql[] =
  "INSERT INTO kp_relay_terminals (terminal) SELECT unnest ($1::text[]) ON CONFLICT DO NOTHING";
const char _kp_relay_store_epoch_sql[] = "SELECT epoch, version FROM kp_relay_meta";
const char _kp_relay_store_listen_sql[] = "LISTEN " KP_RELAY_STORE_CHANNEL;
const char _kp_relay_store_enqueue_sql[] = "SELECT kp_relay_enqueue ($1, $2, $3, $4, $5, $6, $7, $8)";
/* Several at once, by terminal (every transaction locks counter rows in one order: no
 * deadlock), answered by their place in the arrays. OFFSET 0 keeps the sort first. */
const char _kp_relay_store_enqueue_batch_sql[] =
  "SELECT c.i, kp_relay_enqueue (c.t, c.k, c.o, c.n, c.p, c.e, $7, $8) FROM"
  " (SELECT * FROM unnest ($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
  "  $6::bigint[]) WITH ORDINALITY AS u (t, k, o, n, p, e, i) ORDER BY t, i OFFSET 0) c";
/* The counter and the events of one snapshot: ids known up to last_id. */
static const char fetch_sql[] =
  "SELECT t.last_id, e.id, e.kind, e.order_id, e.nonce, e.pg_token"
  " FROM kp_relay_terminals t LEFT JOIN kp_relay_events e ON e.terminal = t.terminal"
  "  AND e.created >= now () - $2 * interval '1 second'"
  " WHERE t.terminal = $1 ORDER BY e.id";
/* Several terminals' acknowledgements at once. */
static const char ack_sql[] =
  "DELETE FROM kp_relay_events e USING unnest ($1::text[], $2::bigint[]) AS a (t, i)"
  " WHERE e.terminal = a.t AND e.id <= a.i";
static const char prune_events_sql[] =
  "DELETE FROM kp_relay_events WHERE created < now () - $1 * interval '1 second'";
static const char prune_taken_sql[] =
  "DELETE FROM kp_relay_taken WHERE expires < extract (epoch FROM now ())";


typedef struct
{
  KpRelayStoreDone done;
  gpointer         user_data;
  GDestroyNotify   destroy;
} Call;

static void
call_free (Call *call)
{
  if (call->destroy != NULL)
    call->destroy (call->user_data);
  g_free (call);
}

static void
on_enqueued_cb (KpRelayStore *store,
                PGresult     *result,
                gpointer      user_data)
{
  Call *call = user_data;
  gint64 id = -1;

  if (result != NULL && PQntuples (result) == 1)
    id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  call->done (id, call->user_data);
}

/* An op of a batch (kp-relay-store.c) is done. */
void
_kp_relay_store_stored (KpRelayStoreOp *op,
                        gint64          id)
{
  Call *call = op->user_data;

  call->done (id, call->user_data);
}

/* `{"a","b\\"c",NULL}`: a PostgreSQL array literal of @n strings (NULL: SQL NULL). */
char *
_kp_relay_store_array_literal (GPtrArray *batch,
                               guint      param)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < batch->len; i++)
    {
      const char *value = ((KpRelayStoreOp *) batch->pdata[i])->params[param];

      if (i > 0)
        g_string_append_c (text, ',');
      if (value == NULL)
        {
          g_string_append (text, "NULL");
          continue;
        }
      g_string_append_c (text, '"');
      for (const char *c = value; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* Stores the callback; @done gets its id, 0 for one that came before, -1 on failure. */
void
_kp_relay_store_enqueue (KpRelayStore     *store,
                         const char       *terminal,
                         KpCallbackKind    kind,
                         const char       *order_id,
                         const char       *nonce,
                         const char       *pg_token,
                         gint64            expires,
                         KpRelayStoreDone  done,
                         gpointer          user_data,
                         GDestroyNotify    destroy)
{
  KpRelay *relay = _kp_relay_store_get_relay (store);
  Call *call = g_new0 (Call, 1);
  char expires_text[24], max_events[16], max_age[16];

  call->done = done;
  call->user_data = user_data;
  call->destroy = destroy;
  g_snprintf (expires_text, sizeof expires_text, "%" G_GINT64_FORMAT, expires);
  g_snprintf (max_events, sizeof max_events, "%u", relay->max_events);
  g_snprintf (max_age, sizeof max_age, "%u", relay->max_event_age);
  _kp_relay_store_push (store, _kp_relay_store_enqueue_sql, on_enqueued_cb, call, (GDestroyNotify) call_free, 8, terminal,
              kp_callback_kind_to_string (kind), order_id, nonce, pg_token, expires_text,
              max_events, max_age);
}

/* Rows of (last_id, id, kind, order_id, nonce, pg_token), id NULL for a terminal with
 * nothing queued. */
static void
on_fetched_cb (KpRelayStore *store,
               PGresult     *result,
               gpointer      user_data)
{
  KpRelayTerminal *terminal = user_data;
  g_autoptr (GPtrArray) events = NULL;
  gint64 last_id = 0;
  int n = result != NULL ? PQntuples (result) : 0;

  if (result == NULL || n == 0 || PQnfields (result) != 6)
    {
      _kp_relay_terminal_take_fetched (terminal, 0, NULL);
      return;
    }
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) _kp_relay_event_free);
  g_mutex_lock (&_kp_relay_store_get_relay (store)->lock);
  for (int i = 0; i < n; i++)
    {
      KpCallbackKind kind;

      last_id = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10);
      if (PQgetisnull (result, i, 1) ||
          !kp_callback_kind_from_string (PQgetvalue (result, i, 2), -1, &kind))
        continue;
      g_ptr_array_add (events,
                       _kp_relay_event_new (terminal,
                                            g_ascii_strtoll (PQgetvalue (result, i, 1), NULL, 10),
                                            kind, PQgetvalue (result, i, 3),
                                            PQgetvalue (result, i, 4),
                                            PQgetisnull (result, i, 5) ? NULL :
                                            PQgetvalue (result, i, 5)));
    }
  g_mutex_unlock (&_kp_relay_store_get_relay (store)->lock);
  _kp_relay_terminal_take_fetched (terminal, last_id, events);
}

/* The terminal's queue as the database has it, to _kp_relay_store_take_fetch(). */
void
_kp_relay_store_fetch (KpRelayStore    *store,
                       KpRelayTerminal *terminal)
{
  char max_age[16];

  g_snprintf (max_age, sizeof max_age, "%u", _kp_relay_store_get_relay (store)->max_event_age);
  _kp_relay_store_push (store, fetch_sql, on_fetched_cb, terminal, NULL, 2, terminal->name, max_age);
}

/* Deletes each terminal's events up to its id; a lost acknowledgement only means an
 * event sent again, which the terminal knows by its id. Terminal names are letters,
 * digits, - _ and . (kp-relay-config.c): the array needs no escaping. */
void
_kp_relay_store_ack (KpRelayStore *store,
                     GPtrArray    *terminals,
                     GArray       *ids)
{
  g_autoptr (GString) names = g_string_new ("{");
  g_autoptr (GString) values = g_string_new ("{");

  for (guint i = 0; i < terminals->len; i++)
    {
      g_string_append_printf (names, "%s\"%s\"", i > 0 ? "," : "",
                              ((KpRelayTerminal *) terminals->pdata[i])->name);
      g_string_append_printf (values, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                              g_array_index (ids, gint64, i));
    }
  g_string_append_c (names, '}');
  g_string_append_c (values, '}');
  _kp_relay_store_push (store, ack_sql, NULL, NULL, NULL, 2, names->str, values->str);
}

/* Drops events older than the bound and replay records of expired links, whichever
 * relay process asked for them. */
void
_kp_relay_store_prune (KpRelayStore *store)
{
  char max_age[16];

  if (!_kp_relay_store_is_online (store))
    return;
  g_snprintf (max_age, sizeof max_age, "%u", _kp_relay_store_get_relay (store)->max_event_age);
  _kp_relay_store_push (store, prune_events_sql, NULL, NULL, NULL, 1, max_age);
  _kp_relay_store_push (store, prune_taken_sql, NULL, NULL, NULL, 0);
}

#else /* !HAVE_SHOPDB: kp-relay-config.c refuses `database`, so there is never a store. */

gboolean
_kp_relay_store_check_conninfo (const char *conninfo)
{
  return FALSE;
}

KpRelayStore *
_kp_relay_store_new (KpRelay    *relay,
                     const char *conninfo,
                     guint       n_connections)
{
  g_return_val_if_reached (NULL);
}

void
_kp_relay_store_start (KpRelayStore *store)
{
}

void
_kp_relay_store_free (KpRelayStore *store)
{
}

gboolean
_kp_relay_store_is_online (KpRelayStore *store)
{
  return FALSE;
}

void
_kp_relay_store_enqueue (KpRelayStore     *store,
                         const char       *terminal,
                         KpCallbackKind    kind,
                         const char       *order_id,
                         const char       *nonce,
                         const char       *pg_token,
                         gint64            expires,
                         KpRelayStoreDone  done,
                         gpointer          user_data,
                         GDestroyNotify    destroy)
{
  done (-1, user_data);
  if (destroy != NULL)
    destroy (user_data);
}

void
_kp_relay_store_fetch (KpRelayStore    *store,
                       KpRelayTerminal *terminal)
{
}

void
_kp_relay_store_ack (KpRelayStore *store,
                     GPtrArray    *terminals,
                     GArray       *ids)
{
}

void
_kp_relay_store_prune (KpRelayStore *store)
{
}

#endif

