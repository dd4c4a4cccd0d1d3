/* kp-relay-store.c: the terminals' events in PostgreSQL
 *
 * With `database = CONNINFO` the relay keeps its events in PostgreSQL, so that several
 * relay processes serve one set of terminals and a restart loses nothing: any process
 * takes a customer's callback (kp_relay_enqueue(), one transaction: the per-order and
 * replay checks, the next id of the terminal's counter row, the bounds, a NOTIFY), and
 * the process holding the terminal's WebSocket or long poll hears the NOTIFY on channel
 * `kp_relay` and pushes the event. Ids grow per terminal across processes and restarts:
 * the counter row is locked until the commit, so a terminal's events commit, and are
 * notified, in id order. The epoch is the database's, made once.
 *
 * Each process keeps, for the terminals connected to it, a copy of their queue (the
 * event queue of kp-relay-queue.c): filled by a fetch when a terminal connects or polls,
 * then by the notifications, an id that does not follow the last one known asking for
 * another fetch. Acknowledgements delete from the table.
 *
 * Nothing waits for PostgreSQL on the main loop: libpq's asynchronous API, each
 * connection's socket watched by the loop. One connection listens (and creates the
 * schema); a few more run the queries, one at a time each, from one queue. A lost
 * connection is made again with a growing delay; while the listening one is down the
 * relay is offline: callbacks and terminals get 503 (the phone's page can be reloaded,
 * the terminal tries again), and once it is back every connected terminal's queue is
 * fetched again, as notifications may have been missed.
 *
 * The schema and the queries are in kp-relay-store-sql.c.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-relay"

#include "config.h"

#ifdef HAVE_SHOPDB

#include <glib-unix.h>
#include <string.h>

#include "kp-codec.h"
#include "kp-relay-store-private.h"

#define MIN_BACKOFF_MS   100
#define MAX_BACKOFF_MS   5000
#define MAX_QUEUED_OPS   8192
/* Callbacks stored in one transaction, one flush of the log: what lets a few
 * connections take thousands a second on a disk that flushes in milliseconds. */
#define MAX_BATCH        64

typedef enum
{
  CONN_DOWN,
  CONN_CONNECTING,
  CONN_SETUP,          /* the listening connection: schema, terminals, epoch, LISTEN */
  CONN_READY,
} ConnState;

typedef struct
{
  KpRelayStore *store;
  PGconn       *pg;
  ConnState     state;
  gboolean      listener;
  guint         watch_id;
  GIOCondition  watching;
  guint         retry_id;
  guint         backoff_ms;
  guint         setup_step;
  KpRelayStoreOp           *op;             /* in flight */
  GPtrArray    *batch;          /* or these enqueue ops, in flight together */
  PGresult     *result;         /* the op's result so far */
  gboolean      failed;
} Conn;

struct _KpRelayStore
{
  KpRelay  *relay;              /* borrowed: it owns the store */
  char     *conninfo;
  Conn     *conns;              /* [0] listens */
  guint     n_conns;
  GQueue    ops;
  gboolean  online;
  gboolean  was_online;
};

static void conn_connect (Conn *conn);
static void batch_finish (KpRelayStore *store, GPtrArray *batch, PGresult *result);
static gboolean batch_send (Conn *conn);
static void conn_watch (Conn *conn, GIOCondition condition);
static void store_dispatch (KpRelayStore *store);

static void
op_free (KpRelayStoreOp *op)
{
  for (int i = 0; i < op->n_params; i++)
    g_free (op->params[i]);
  if (op->destroy != NULL)
    op->destroy (op->user_data);
  g_free (op);
}

static void
op_finish (KpRelayStore *store,
           KpRelayStoreOp           *op,
           PGresult     *result)
{
  if (op->done != NULL)
    op->done (store, result, op->user_data);
  op_free (op);
}

static gboolean
conn_send (Conn       *conn,
           const char *sql,
           int         n_params,
           char      **params)
{
  int sent;

  if (n_params < 0)
    sent = PQsendQuery (conn->pg, sql);
  else
    sent = PQsendQueryParams (conn->pg, sql, n_params, NULL, (const char * const *) params,
                              NULL, NULL, 0);
  if (!sent)
    return FALSE;
  conn->failed = FALSE;
  conn_watch (conn, PQflush (conn->pg) == 1 ? G_IO_IN | G_IO_OUT : G_IO_IN);
  return TRUE;
}

static void
store_set_online (KpRelayStore *store,
                  gboolean      online)
{
  if (store->online == online)
    return;
  store->online = online;
  if (online)
    {
      g_message ("database online");
      store->was_online = TRUE;
      _kp_relay_store_resync (store->relay);
      store_dispatch (store);
    }
  else
    {
      g_message ("database offline: callbacks get 503 until it is back");
      _kp_relay_store_desync (store->relay);
    }
}

static gboolean
on_retry_cb (gpointer user_data)
{
  Conn *conn = user_data;

  conn->retry_id = 0;
  conn_connect (conn);
  return G_SOURCE_REMOVE;
}

/* Gives up the connection (and fails its query); tries again after a while. */
static void
conn_lost (Conn       *conn,
           const char *why)
{
  KpRelayStore *store = conn->store;
  KpRelayStoreOp *op = g_steal_pointer (&conn->op);
  g_autoptr (GPtrArray) batch = g_steal_pointer (&conn->batch);

  if (conn->state == CONN_READY || conn->backoff_ms == 0)
    g_message ("database connection %s: %s", conn->state == CONN_READY ? "lost" : "failed",
               why);
  g_clear_handle_id (&conn->watch_id, g_source_remove);
  conn->watching = 0;
  g_clear_pointer (&conn->result, PQclear);
  g_clear_pointer (&conn->pg, PQfinish);
  conn->state = CONN_DOWN;
  conn->backoff_ms = CLAMP (conn->backoff_ms * 2, MIN_BACKOFF_MS, MAX_BACKOFF_MS);
  conn->retry_id = g_timeout_add (conn->backoff_ms, on_retry_cb, conn);
  if (conn->listener)
    store_set_online (store, FALSE);
  if (op != NULL)
    op_finish (store, op, NULL);
  if (batch != NULL)
    batch_finish (store, batch, NULL);
}

static void
conn_lost_pg (Conn *conn)
{
  g_autofree char *why = g_strdup (PQerrorMessage (conn->pg));

  conn_lost (conn, g_strchomp (why));
}

/* The listening connection's set-up, one step per result. */
static void
listener_step (Conn *conn)
{
  KpRelay *relay = conn->store->relay;
  gboolean sent = FALSE;

  switch (conn->setup_step++)
    {
    case 0:
      sent = conn_send (conn, _kp_relay_store_schema_sql, -1, NULL);
      break;
    case 1:
      {
        g_autofree char *names = _kp_relay_dup_terminal_array (relay);
        char *params[] = { names };

        sent = conn_send (conn, _kp_relay_store_terminals_sql, 1, params);
        break;
      }
    case 2:
      sent = conn_send (conn, _kp_relay_store_epoch_sql, 0, NULL);
      break;
    case 3:
      sent = conn_send (conn, _kp_relay_store_listen_sql, -1, NULL);
      break;
    default:
      conn->state = CONN_READY;
      conn->backoff_ms = 0;
      conn_watch (conn, G_IO_IN);
      store_set_online (conn->store, TRUE);
      return;
    }
  if (!sent)
    conn_lost_pg (conn);
}

static void
listener_take_result (Conn     *conn,
                      PGresult *result)
{
  /* The epoch comes with step 2's answer. */
  if (conn->setup_step == 3 && PQresultStatus (result) == PGRES_TUPLES_OK &&
      PQntuples (result) == 1)
    {
      if (g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10) > KP_RELAY_STORE_SCHEMA_VERSION)
        g_message ("the database's relay schema is newer than this relay's");
      _kp_relay_set_epoch (conn->store->relay, PQgetvalue (result, 0, 0));
    }
}

static void
conn_take_notifications (Conn *conn)
{
  PGnotify *notify;

  while ((notify = PQnotifies (conn->pg)) != NULL)
    {
      g_autoptr (GBytes) payload = g_bytes_new (notify->extra, strlen (notify->extra));
      g_autoptr (JsonObject) object = kp_codec_parse_object (payload, NULL);

      if (object != NULL)
        _kp_relay_store_take_notice (conn->store->relay, object);
      PQfreemem (notify);
    }
}

/* The results of the query in flight, as they come; the last says how it went. */
static void
conn_take_results (Conn *conn)
{
  KpRelayStore *store = conn->store;

  while (conn->pg != NULL && !PQisBusy (conn->pg))
    {
      PGresult *result = PQgetResult (conn->pg);
      ExecStatusType status;

      if (result != NULL)
        {
          status = PQresultStatus (result);
          if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            {
              g_debug ("database query failed: %s", PQresultErrorMessage (result));
              conn->failed = TRUE;
            }
          if (conn->state == CONN_SETUP)
            listener_take_result (conn, result);
          g_clear_pointer (&conn->result, PQclear);
          conn->result = result;
          continue;
        }

      /* The query is over. */
      if (conn->state == CONN_SETUP)
        {
          if (conn->failed)
            {
              conn_lost (conn, "could not set up the relay's tables");
              return;
            }
          g_clear_pointer (&conn->result, PQclear);
          listener_step (conn);
          return;
        }
      if (conn->batch != NULL)
        {
          g_autoptr (GPtrArray) batch = g_steal_pointer (&conn->batch);
          PGresult *done = g_steal_pointer (&conn->result);

          batch_finish (store, batch, conn->failed ? NULL : done);
          g_clear_pointer (&done, PQclear);
          store_dispatch (store);
        }
      else if (conn->op != NULL)
        {
          KpRelayStoreOp *op = g_steal_pointer (&conn->op);
          PGresult *done = g_steal_pointer (&conn->result);

          op_finish (store, op, conn->failed ? NULL : done);
          g_clear_pointer (&done, PQclear);
          store_dispatch (store);
        }
      return;
    }
}

static void
on_notice_cb (void       *user_data,
              const char *message)
{
  g_debug ("database: %s", message);
}

static void
conn_connected (Conn *conn)
{
  PQsetnonblocking (conn->pg, 1);
  PQsetNoticeProcessor (conn->pg, on_notice_cb, NULL);
  if (conn->listener)
    {
      conn->state = CONN_SETUP;
      conn->setup_step = 0;
      listener_step (conn);
      return;
    }
  conn->state = CONN_READY;
  conn->backoff_ms = 0;
  conn_watch (conn, G_IO_IN);
  store_dispatch (conn->store);
}

static void
conn_poll_connect (Conn *conn)
{
  switch (PQconnectPoll (conn->pg))
    {
    case PGRES_POLLING_READING:
      conn_watch (conn, G_IO_IN);
      break;
    case PGRES_POLLING_WRITING:
      conn_watch (conn, G_IO_OUT);
      break;
    case PGRES_POLLING_OK:
      conn_connected (conn);
      break;
    case PGRES_POLLING_FAILED:
    default:
      conn_lost_pg (conn);
      break;
    }
}

static gboolean
on_conn_ready_cb (int           fd,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  Conn *conn = user_data;

  if (conn->state == CONN_CONNECTING)
    {
      /* The socket may change while connecting (another address): watch again. */
      conn->watch_id = 0;
      conn->watching = 0;
      conn_poll_connect (conn);
      return G_SOURCE_REMOVE;
    }

  if ((condition & G_IO_OUT) != 0)
    {
      int flushed = PQflush (conn->pg);

      if (flushed < 0)
        {
          conn_lost_pg (conn);
          return G_SOURCE_REMOVE;
        }
      if (flushed == 0)
        {
          conn_watch (conn, G_IO_IN);
          return G_SOURCE_REMOVE;
        }
    }
  if ((condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) != 0)
    {
      if (!PQconsumeInput (conn->pg))
        {
          conn_lost_pg (conn);
          return G_SOURCE_REMOVE;
        }
      if (conn->listener)
        conn_take_notifications (conn);
      conn_take_results (conn);
      if (conn->pg != NULL && PQstatus (conn->pg) == CONNECTION_BAD)
        {
          conn_lost_pg (conn);
          return G_SOURCE_REMOVE;
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
conn_watch (Conn         *conn,
            GIOCondition  condition)
{
  if (conn->watch_id != 0 && conn->watching == condition)
    return;
  g_clear_handle_id (&conn->watch_id, g_source_remove);
  conn->watching = condition;
  conn->watch_id = g_unix_fd_add (PQsocket (conn->pg), condition, on_conn_ready_cb, conn);
}

static void
conn_connect (Conn *conn)
{
  conn->pg = PQconnectStart (conn->store->conninfo);
  if (conn->pg == NULL)
    {
      conn_lost (conn, "out of memory");
      return;
    }
  if (PQstatus (conn->pg) == CONNECTION_BAD)
    {
      conn_lost_pg (conn);
      return;
    }
  conn->state = CONN_CONNECTING;
  conn_poll_connect (conn);
}

/* Hands queued queries to idle connections. */
static void
store_dispatch (KpRelayStore *store)
{
  if (!store->online)
    return;
  for (guint i = 1; i < store->n_conns && !g_queue_is_empty (&store->ops); i++)
    {
      Conn *conn = &store->conns[i];
      KpRelayStoreOp *op;

      if (conn->state != CONN_READY || conn->op != NULL || conn->batch != NULL)
        continue;
      op = g_queue_peek_head (&store->ops);
      if (op->sql == _kp_relay_store_enqueue_sql && op->next_is_enqueue)
        {
          if (!batch_send (conn))
            {
              conn_lost_pg (conn);
              continue;
            }
          continue;
        }
      op = g_queue_pop_head (&store->ops);
      if (!conn_send (conn, op->sql, op->n_params, op->params))
        {
          /* For another connection, or this one once it is back. */
          g_queue_push_head (&store->ops, op);
          conn_lost_pg (conn);
          continue;
        }
      conn->op = op;
    }
}

void
_kp_relay_store_push (KpRelayStore   *store,
            const char     *sql,
            KpRelayStoreOpDone          done,
            gpointer        user_data,
            GDestroyNotify  destroy,
            int             n_params,
            ...)
{
  KpRelayStoreOp *op = g_new0 (KpRelayStoreOp, 1);
  va_list args;

  op->sql = sql;
  op->done = done;
  op->user_data = user_data;
  op->destroy = destroy;
  op->n_params = n_params;
  va_start (args, n_params);
  for (int i = 0; i < n_params; i++)
    op->params[i] = g_strdup (va_arg (args, const char *));
  va_end (args);

  if (g_queue_get_length (&store->ops) >= MAX_QUEUED_OPS)
    {
      g_debug ("database queue full: a query fails");
      op_finish (store, op, NULL);
      return;
    }
  if (op->sql == _kp_relay_store_enqueue_sql && !g_queue_is_empty (&store->ops) &&
      ((KpRelayStoreOp *) g_queue_peek_tail (&store->ops))->sql == _kp_relay_store_enqueue_sql)
    ((KpRelayStoreOp *) g_queue_peek_tail (&store->ops))->next_is_enqueue = TRUE;
  g_queue_push_tail (&store->ops, op);
  store_dispatch (store);
}

KpRelayStore *
_kp_relay_store_new (KpRelay    *relay,
                     const char *conninfo,
                     guint       n_connections)
{
  KpRelayStore *store = g_new0 (KpRelayStore, 1);

  store->relay = relay;
  store->conninfo = g_strdup (conninfo);
  store->n_conns = n_connections + 1;
  store->conns = g_new0 (Conn, store->n_conns);
  for (guint i = 0; i < store->n_conns; i++)
    {
      store->conns[i].store = store;
      store->conns[i].listener = i == 0;
    }
  g_queue_init (&store->ops);
  return store;
}

void
_kp_relay_store_start (KpRelayStore *store)
{
  for (guint i = 0; i < store->n_conns; i++)
    {
      if (store->conns[i].state == CONN_DOWN && store->conns[i].retry_id == 0)
        conn_connect (&store->conns[i]);
    }
}

/* Queries not yet answered go unanswered: their requests went with the server. */
void
_kp_relay_store_free (KpRelayStore *store)
{
  for (guint i = 0; i < store->n_conns; i++)
    {
      Conn *conn = &store->conns[i];

      g_clear_handle_id (&conn->watch_id, g_source_remove);
      g_clear_handle_id (&conn->retry_id, g_source_remove);
      g_clear_pointer (&conn->result, PQclear);
      g_clear_pointer (&conn->op, op_free);
      g_clear_pointer (&conn->batch, g_ptr_array_unref);
      g_clear_pointer (&conn->pg, PQfinish);
    }
  g_queue_clear_full (&store->ops, (GDestroyNotify) op_free);
  g_free (store->conns);
  if (store->conninfo != NULL)
    memset (store->conninfo, 0, strlen (store->conninfo));
  g_free (store->conninfo);
  g_free (store);
}

gboolean
_kp_relay_store_is_online (KpRelayStore *store)
{
  return store->online;
}

/**
 * _kp_relay_store_check_conninfo:
 *
 * Whether libpq reads @conninfo. Its message is not passed on: it may quote the string,
 * password and all.
 */
gboolean
_kp_relay_store_check_conninfo (const char *conninfo)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);

  if (options == NULL)
    return FALSE;
  PQconninfoFree (options);
  return TRUE;
}

/* Takes the enqueue ops at the head of the queue (two at least) and sends them as one. */
static gboolean
batch_send (Conn *conn)
{
  KpRelayStore *store = conn->store;
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  char *params[8];
  gboolean sent;
  KpRelayStoreOp *op;

  do
    {
      op = g_queue_pop_head (&store->ops);
      g_ptr_array_add (batch, op);
    }
  while (op->next_is_enqueue && batch->len < MAX_BATCH &&
         !g_queue_is_empty (&store->ops));
  for (guint p = 0; p < 6; p++)
    params[p] = _kp_relay_store_array_literal (batch, p);
  params[6] = op->params[6];
  params[7] = op->params[7];
  sent = conn_send (conn, _kp_relay_store_enqueue_batch_sql, 8, params);
  for (guint p = 0; p < 6; p++)
    g_free (params[p]);
  if (!sent)
    {
      /* Back at the head, in order, for another connection. */
      for (guint i = batch->len; i > 0; i--)
        g_queue_push_head (&store->ops, batch->pdata[i - 1]);
      return FALSE;
    }
  g_ptr_array_set_free_func (batch, (GDestroyNotify) op_free);
  conn->batch = g_steal_pointer (&batch);
  return TRUE;
}

/* Rows of (place from 1, id). */
static void
batch_finish (KpRelayStore *store,
              GPtrArray    *batch,
              PGresult     *result)
{
  g_autofree gint64 *ids = g_new (gint64, batch->len);
  int n = result != NULL ? PQntuples (result) : 0;

  for (guint i = 0; i < batch->len; i++)
    ids[i] = -1;
  for (int row = 0; row < n; row++)
    {
      guint64 place = g_ascii_strtoull (PQgetvalue (result, row, 0), NULL, 10);

      if (place >= 1 && place <= batch->len)
        ids[place - 1] = g_ascii_strtoll (PQgetvalue (result, row, 1), NULL, 10);
    }
  for (guint i = 0; i < batch->len; i++)
    {
      _kp_relay_store_stored (batch->pdata[i], ids[i]);
    }
}

KpRelay *
_kp_relay_store_get_relay (KpRelayStore *store)
{
  return store->relay;
}

#endif
