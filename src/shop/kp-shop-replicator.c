/* kp-shop-replicator.c: the journal's outbox, sent to the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "kp-shop-db.h"
#include "kp-shop-replicator-private.h"

/**
 * KpShopReplicator:
 *
 * Sends the journal's outbox (kp-journal-schema-6.sql) to the shop
 * database, in seq order, in batches: each batch is one PostgreSQL
 * statement, so one transaction, which applies only the changes the shop
 * database does not have yet (keyed by terminal id and seq); then the batch
 * is marked sent in the journal. A terminal that dies between the two
 * commits sends the batch again, and nothing is applied twice.
 *
 * Each pass (read a batch, connect if needed, send, mark) runs in a worker
 * thread (GTask) with libpq's blocking calls, one pass at a time. Not
 * libpq's asynchronous API on the main loop: its connection start still
 * resolves host names synchronously, the journal's reads and writes block
 * anyway (they are SQLite), and a pass that only blocks its own thread
 * keeps the code straight: the main loop only sees a pass's outcome.
 * Timeouts (connect_timeout, keepalives, statement_timeout; see
 * kp_shop_db_connect()) bound a pass when the server goes silent.
 *
 * A pass runs when started, when the journal changes (KpJournal::changed),
 * and again at once while changes wait. When the server cannot be reached
 * it is tried again after a delay that doubles up to a maximum; meanwhile
 * journal changes only recount the outbox (#KpShopReplicator:waiting).
 */

struct _KpShopReplicator
{
  GObject       parent_instance;

  /* owned */
  KpJournal    *journal;
  GCancellable *cancellable;
  gpointer      link;           /* Link, shared with the pass in flight */
  char         *last_error;

  gulong        changed_id;
  guint         retry_id;
  guint         retry_ms;
  guint         first_retry_ms;
  guint         max_retry_ms;
  int           pending;        /* a Want to run after the pass in flight */
  gboolean      running;
  gboolean      started;
  gboolean      online;
  guint         waiting;
};

G_DEFINE_FINAL_TYPE (KpShopReplicator, kp_shop_replicator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ONLINE,
  PROP_WAITING,
  PROP_BUSY,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  WANT_NOTHING,
  WANT_COUNT,     /* only recount the outbox */
  WANT_SEND,      /* connect if needed and send */
} Want;

#define DEFAULT_BATCH_SIZE 200
#define DEFAULT_FIRST_RETRY_MS 1000
#define DEFAULT_MAX_RETRY_MS 60000

/* What a pass needs, kept alive by the pass in flight (g_atomic_rc_box). The
 * connection is only ever used by the one pass that runs. */
typedef struct
{
  KpJournal            *journal;
  char                 *terminal_id;
  char                 *conninfo;
  char                 *password;
  PGconn               *conn;
  gboolean              schema_ready;
  guint                 batch_size;
  KpShopReplicatorHook  hook;
  gpointer              hook_data;
} Link;

static void
link_clear (Link *link)
{
  g_clear_object (&link->journal);
  g_free (link->terminal_id);
  g_free (link->conninfo);
  if (link->password != NULL)
    memset (link->password, 0, strlen (link->password));
  g_free (link->password);
  g_clear_pointer (&link->conn, PQfinish);
}

static void
link_unref (Link *link)
{
  g_atomic_rc_box_release_full (link, (GDestroyNotify) link_clear);
}

/* What a pass found. */
typedef struct
{
  Want      want;
  gboolean  counted;
  guint     waiting;
  gboolean  sent;
  GError   *error;
} Pass;

static void
pass_free (Pass *pass)
{
  g_clear_error (&pass->error);
  g_free (pass);
}

/* [{"seq":…,"kind":…,"payload":{…}}, …] */
static char *
batch_to_json (KpJournalOutboxBatch  *batch,
               GError               **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < batch->rows->len; i++)
    {
      KpJournalOutboxRow *row = g_ptr_array_index (batch->rows, i);
      JsonNode *payload = json_from_string (row->payload, error);

      if (payload == NULL)
        return NULL;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, row->seq);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, row->kind);
      json_builder_set_member_name (builder, "payload");
      json_builder_add_value (builder, payload);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
ensure_connection (Link    *link,
                   GError **error)
{
  if (link->conn != NULL && PQstatus (link->conn) == CONNECTION_OK)
    return TRUE;

  g_clear_pointer (&link->conn, PQfinish);
  link->conn = kp_shop_db_connect (link->conninfo, link->password, error);
  if (link->conn == NULL)
    return FALSE;

  if (!link->schema_ready && !kp_shop_db_ensure_schema (link->conn, NULL, error))
    return FALSE;
  link->schema_ready = TRUE;
  return TRUE;
}

static gboolean
send_batch (Link                  *link,
            KpJournalOutboxBatch  *batch,
            GError               **error)
{
  g_autofree char *json = NULL;
  g_autofree char *journal_seq = NULL;
  g_autoptr (PGresult) result = NULL;
  const char *values[4];

  json = batch_to_json (batch, error);
  if (json == NULL)
    return FALSE;

  journal_seq = g_strdup_printf ("%" G_GINT64_FORMAT, batch->max_seq);
  values[0] = link->terminal_id;
  values[1] = batch->origin;
  values[2] = journal_seq;
  values[3] = json;
  result = kp_shop_db_exec (link->conn, "SELECT shop_apply_batch ($1, $2, $3::bigint, $4::jsonb)",
                            G_N_ELEMENTS (values), values, link->password, error);
  if (result == NULL)
    {
      /* A lost connection is made again on the next pass. */
      if (PQstatus (link->conn) != CONNECTION_OK)
        g_clear_pointer (&link->conn, PQfinish);
      return FALSE;
    }

  g_debug ("Sent %u changes to the shop database, %s new", batch->rows->len,
           PQgetvalue (result, 0, 0));
  return TRUE;
}

static void
run_pass (Link *link,
          Pass *pass)
{
  g_autoptr (KpJournalOutboxBatch) batch = NULL;
  KpJournalOutboxRow *last;

  batch = kp_journal_outbox_read_sync (link->journal, link->batch_size, &pass->error);
  if (batch == NULL)
    return;

  pass->counted = TRUE;
  pass->waiting = batch->n_unsent;
  if (pass->want != WANT_SEND)
    return;

  if (!ensure_connection (link, &pass->error))
    return;
  if (batch->rows->len == 0)
    return;

  last = g_ptr_array_index (batch->rows, batch->rows->len - 1);
  if (link->hook != NULL)
    link->hook (KP_SHOP_STAGE_READ, last->seq, link->hook_data);

  if (!send_batch (link, batch, &pass->error))
    return;

  if (link->hook != NULL)
    link->hook (KP_SHOP_STAGE_COMMITTED, last->seq, link->hook_data);

  /* If this fails the batch is sent again, and skipped there. */
  if (!kp_journal_outbox_mark_sent_sync (link->journal, last->seq, &pass->error))
    return;

  pass->sent = TRUE;
  pass->waiting = batch->n_unsent - batch->rows->len;
}

static void
pass_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Link *link = task_data;
  Pass *pass = g_new0 (Pass, 1);

  pass->want = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "want"));
  run_pass (link, pass);
  g_task_return_pointer (task, pass, (GDestroyNotify) pass_free);
}

static void start_pass (KpShopReplicator *self,
                        Want              want);

static void
set_online (KpShopReplicator *self,
            gboolean          online)
{
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static void
set_waiting (KpShopReplicator *self,
             guint             waiting)
{
  if (self->waiting == waiting)
    return;
  self->waiting = waiting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING]);
}

static void
set_last_error (KpShopReplicator *self,
                const char       *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_running (KpShopReplicator *self,
             gboolean          running)
{
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
retry_cb (gpointer user_data)
{
  KpShopReplicator *self = user_data;

  self->retry_id = 0;
  start_pass (self, WANT_SEND);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (KpShopReplicator *self)
{
  if (self->retry_id != 0)
    return;
  self->retry_id = g_timeout_add (self->retry_ms, retry_cb, self);
  self->retry_ms = MIN (self->retry_ms * 2, self->max_retry_ms);
}

static void
pass_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (KpShopReplicator) self = user_data;
  g_autoptr (GError) error = NULL;
  Pass *pass;
  Want next;

  pass = g_task_propagate_pointer (G_TASK (result), &error);
  set_running (self, FALSE);
  if (pass == NULL || !self->started)
    {
      g_clear_pointer (&pass, pass_free);
      return;
    }

  if (pass->counted)
    set_waiting (self, pass->waiting);

  next = self->pending;
  self->pending = WANT_NOTHING;

  if (pass->error != NULL)
    {
      g_debug ("Shop database: %s", pass->error->message);
      set_last_error (self, pass->error->message);
      if (pass->want == WANT_SEND)
        set_online (self, FALSE);
      schedule_retry (self);
      /* While the retry waits, changes only recount. */
      next = MIN (next, WANT_COUNT);
    }
  else if (pass->want == WANT_SEND)
    {
      set_online (self, TRUE);
      set_last_error (self, NULL);
      self->retry_ms = self->first_retry_ms;
      if (pass->sent && pass->waiting > 0)
        next = WANT_SEND;
    }
  else if (self->retry_id == 0)
    {
      /* A recount that found the server's retry no longer pending. */
      next = MAX (next, WANT_SEND);
    }
  pass_free (pass);

  if (next != WANT_NOTHING)
    start_pass (self, next);
}

static void
start_pass (KpShopReplicator *self,
            Want              want)
{
  g_autoptr (GTask) task = NULL;

  if (!self->started)
    return;

  if (self->running)
    {
      self->pending = MAX (self->pending, (int) want);
      return;
    }

  /* Waiting for the server: only count, unless this is the retry itself. */
  if (want == WANT_SEND && self->retry_id != 0)
    want = WANT_COUNT;

  set_running (self, TRUE);
  task = g_task_new (NULL, self->cancellable, pass_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_pass);
  g_object_set_data (G_OBJECT (task), "want", GINT_TO_POINTER (want));
  g_task_set_task_data (task, g_atomic_rc_box_acquire (self->link),
                        (GDestroyNotify) link_unref);
  g_task_run_in_thread (task, pass_in_thread);
}

static void
on_journal_changed_cb (KpJournal        *journal,
                       KpShopReplicator *self)
{
  start_pass (self, WANT_SEND);
}

static void
kp_shop_replicator_dispose (GObject *object)
{
  KpShopReplicator *self = KP_SHOP_REPLICATOR (object);

  kp_shop_replicator_stop (self);

  G_OBJECT_CLASS (kp_shop_replicator_parent_class)->dispose (object);
}

static void
kp_shop_replicator_finalize (GObject *object)
{
  KpShopReplicator *self = KP_SHOP_REPLICATOR (object);

  g_clear_object (&self->journal);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->link, link_unref);
  g_free (self->last_error);

  G_OBJECT_CLASS (kp_shop_replicator_parent_class)->finalize (object);
}

static void
kp_shop_replicator_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KpShopReplicator *self = KP_SHOP_REPLICATOR (object);

  switch (prop_id)
    {
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    case PROP_WAITING:
      g_value_set_uint (value, self->waiting);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_shop_replicator_class_init (KpShopReplicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_shop_replicator_dispose;
  object_class->finalize = kp_shop_replicator_finalize;
  object_class->get_property = kp_shop_replicator_get_property;

  /* Whether the last attempt to reach the shop database succeeded. */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The journal's changes not sent yet. */
  properties[PROP_WAITING] =
    g_param_spec_uint ("waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether a pass is running; notified at its start and end. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why the last pass failed, translated, without the password; NULL once one succeeds. */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_shop_replicator_init (KpShopReplicator *self)
{
  self->first_retry_ms = DEFAULT_FIRST_RETRY_MS;
  self->max_retry_ms = DEFAULT_MAX_RETRY_MS;
  self->retry_ms = self->first_retry_ms;
}

/**
 * kp_shop_replicator_new:
 * @journal: the terminal's journal
 * @terminal_id: the terminal's id, its key in the shop database
 * @conninfo: a libpq connection string, without its password
 * @password: (nullable): the password, from the keyring
 *
 * Returns: (transfer full): a replicator, not started
 */
KpShopReplicator *
kp_shop_replicator_new (KpJournal  *journal,
                        const char *terminal_id,
                        const char *conninfo,
                        const char *password)
{
  KpShopReplicator *self;
  Link *link;

  g_return_val_if_fail (KP_IS_JOURNAL (journal), NULL);
  g_return_val_if_fail (terminal_id != NULL && *terminal_id != '\0', NULL);
  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (KP_TYPE_SHOP_REPLICATOR, NULL);
  self->journal = g_object_ref (journal);

  link = g_atomic_rc_box_new0 (Link);
  link->journal = g_object_ref (journal);
  link->terminal_id = g_strdup (terminal_id);
  link->conninfo = g_strdup (conninfo);
  link->password = g_strdup (password);
  link->batch_size = DEFAULT_BATCH_SIZE;
  self->link = link;

  return self;
}

/**
 * kp_shop_replicator_start:
 *
 * Sends what waits, then follows the journal's changes.
 */
void
kp_shop_replicator_start (KpShopReplicator *self)
{
  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->cancellable = g_cancellable_new ();
  self->changed_id = g_signal_connect_object (self->journal, "changed",
                                              G_CALLBACK (on_journal_changed_cb), self, 0);
  start_pass (self, WANT_SEND);
}

/**
 * kp_shop_replicator_stop:
 *
 * Stops following the journal. A pass in flight ends in its thread (its
 * batch sent or not: either way it is sent once, later).
 */
void
kp_shop_replicator_stop (KpShopReplicator *self)
{
  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));

  self->started = FALSE;
  g_clear_signal_handler (&self->changed_id, self->journal);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/**
 * kp_shop_replicator_kick:
 *
 * Tries now, without waiting for the next retry.
 */
void
kp_shop_replicator_kick (KpShopReplicator *self)
{
  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));

  g_clear_handle_id (&self->retry_id, g_source_remove);
  start_pass (self, WANT_SEND);
}

gboolean
kp_shop_replicator_get_online (KpShopReplicator *self)
{
  g_return_val_if_fail (KP_IS_SHOP_REPLICATOR (self), FALSE);
  return self->online;
}

guint
kp_shop_replicator_get_waiting (KpShopReplicator *self)
{
  g_return_val_if_fail (KP_IS_SHOP_REPLICATOR (self), 0);
  return self->waiting;
}

gboolean
kp_shop_replicator_get_busy (KpShopReplicator *self)
{
  g_return_val_if_fail (KP_IS_SHOP_REPLICATOR (self), FALSE);
  return self->running;
}

/**
 * kp_shop_replicator_get_last_error:
 *
 * Returns: (nullable): why the last pass failed, without the password
 */
const char *
kp_shop_replicator_get_last_error (KpShopReplicator *self)
{
  g_return_val_if_fail (KP_IS_SHOP_REPLICATOR (self), NULL);
  return self->last_error;
}

const char *
kp_shop_replicator_get_terminal_id (KpShopReplicator *self)
{
  g_return_val_if_fail (KP_IS_SHOP_REPLICATOR (self), NULL);
  return ((Link *) self->link)->terminal_id;
}

/**
 * kp_shop_replicator_set_retry_interval:
 * @first_ms: the delay before the first retry
 * @max_ms: the longest delay, which doubling reaches
 */
void
kp_shop_replicator_set_retry_interval (KpShopReplicator *self,
                                       guint             first_ms,
                                       guint             max_ms)
{
  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));
  g_return_if_fail (first_ms > 0 && first_ms <= max_ms);

  self->first_retry_ms = first_ms;
  self->max_retry_ms = max_ms;
  self->retry_ms = first_ms;
}

/* Before start only: the pass in flight reads it. */
void
kp_shop_replicator_set_batch_size (KpShopReplicator *self,
                                   guint             batch_size)
{
  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));
  g_return_if_fail (batch_size > 0);
  g_return_if_fail (!self->started);

  ((Link *) self->link)->batch_size = batch_size;
}

void
_kp_shop_replicator_set_hook (KpShopReplicator     *self,
                              KpShopReplicatorHook  hook,
                              gpointer              user_data)
{
  Link *link;

  g_return_if_fail (KP_IS_SHOP_REPLICATOR (self));
  g_return_if_fail (!self->started);

  link = self->link;
  link->hook = hook;
  link->hook_data = user_data;
}
