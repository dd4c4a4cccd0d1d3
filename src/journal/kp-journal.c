/* kp-journal.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal.h"
#include "kp-journal-private.h"

/**
 * KpJournal:
 *
 * The sales journal: one SQLite connection (WAL, synchronous=FULL) to which
 * every sale and every state transition is committed before the network call
 * that depends on it.
 *
 * Every operation runs in a worker thread (g_task_run_in_thread()) on copies
 * of its inputs, under one mutex, so operations never overlap; a caller that
 * waits for each _finish gets them in order. Callbacks run on the
 * thread-default main context of the caller of the _async function. When an
 * operation's _finish returns, what it wrote is on disk.
 *
 * A #GCancellable stops an operation only before it starts writing: a write
 * that committed is reported as done even if the cancellable fired meanwhile,
 * because the caller must know the state that is on disk.
 *
 * A pending operation holds a reference to the journal, and its worker
 * thread may drop it just after the callback ran: the last reference, and
 * with it the closing of the file, can go in a worker thread.
 *
 * This file is the core: the connection, the clock and the one runner every
 * operation goes through (_kp_journal_run()), with kp-journal-sqlite.c and
 * kp-journal-schema.c. The operations are in one file per concern: sales
 * (kp-journal-sales.c) and their transitions (kp-journal-transitions.c),
 * refunds (kp-journal-refunds.c, kp-journal-refund-outcomes.c), history
 * search (kp-journal-search.c), the day report (kp-journal-reports.c),
 * closing and verifying days (kp-journal-days.c), and the exports
 * (kp-journal-csv.c). Every write transaction records, and seals, its
 * changes to days already closed (_kp_journal_amend_begin() and
 * _kp_journal_amend_end()).
 */

struct _KpJournal
{
  GObject             parent_instance;

  /* owned */
  char               *path;
  sqlite3            *db;
  GMutex              mutex;

  /* borrowed; guarded by mutex */
  KpJournalClockFunc  clock_func;
  gpointer            clock_data;
};

G_DEFINE_FINAL_TYPE (KpJournal, kp_journal, G_TYPE_OBJECT)

G_DEFINE_QUARK (kp-journal-error-quark, kp_journal_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* An operation on its way to a worker thread. */
typedef struct
{
  const KpJournalOp *op;
  gpointer           data;
  GDestroyNotify     data_free;
} Job;

static Job *
job_new (const KpJournalOp *op,
         gpointer           data,
         GDestroyNotify     data_free)
{
  Job *job = g_new0 (Job, 1);

  job->op = op;
  job->data = data;
  job->data_free = data_free;

  return job;
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  g_free (job);
}

/* Checks of the input */

/* Always returns FALSE, like _kp_journal_set_sqlite_error(). */
gboolean
_kp_journal_set_invalid (GError     **error,
                         const char  *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID, message);
  return FALSE;
}

/* "No sale “T1-20261125-0001” in the journal"; always returns FALSE. */
gboolean
_kp_journal_set_not_found (GError     **error,
                           const char  *what,
                           const char  *name)
{
  g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
               "No %s “%s” in the journal", what, name);
  return FALSE;
}

const char *
_kp_journal_state_name (KpSaleState state)
{
  const char *name = kp_sale_state_to_string (state);

  return name != NULL ? name : "(none)";
}

gboolean
_kp_journal_check_text (const char  *value,
                        const char  *field,
                        gboolean     required,
                        GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      if (required)
        return _kp_journal_set_invalid (error, "The sale has no %s", field);
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    return _kp_journal_set_invalid (error, "The sale's %s is not valid UTF-8", field);

  return TRUE;
}

/* A KpJournalOp check of a GDate. */
gboolean
_kp_journal_check_day (gconstpointer   data,
                       GDateTime      *now,
                       GError        **error)
{
  const GDate *day = data;

  if (day == NULL || !g_date_valid (day))
    return _kp_journal_set_invalid (error, "Not a valid day");

  return TRUE;
}

/* The runner */

static GDateTime *
now_locked (KpJournal *self)
{
  GDateTime *now = NULL;

  if (self->clock_func != NULL)
    now = self->clock_func (self->clock_data);
  if (now == NULL)
    now = g_date_time_new_now_local ();

  return now;
}

static gboolean
begin (sqlite3          *db,
       KpJournalOpKind   kind,
       GError          **error)
{
  switch (kind)
    {
    case KP_JOURNAL_OP_WRITE:
      return _kp_journal_begin (db, error);

    case KP_JOURNAL_OP_SNAPSHOT:
      return _kp_journal_begin_read (db, error);

    case KP_JOURNAL_OP_READ:
    default:
      return TRUE;
    }
}

/* Ends the transaction begin() started: a write's is committed if @value
 * is set, every other one rolled back. Returns @value, or %NULL with
 * @error set if the commit failed (and @value is freed). */
static gpointer
end (sqlite3            *db,
     const KpJournalOp  *op,
     gpointer            value,
     GError            **error)
{
  if (op->kind == KP_JOURNAL_OP_READ)
    return value;

  if (op->kind != KP_JOURNAL_OP_WRITE || value == NULL)
    {
      _kp_journal_rollback (db);
      return value;
    }

  if (!_kp_journal_commit (db, error))
    {
      if (op->result_free != NULL)
        op->result_free (value);
      return NULL;
    }

  return value;
}

/* The body of every operation, as kp-journal-private.h says. @self is
 * %NULL only for opening a journal: then @op runs on no connection,
 * without the clock, @check or a transaction. */
static gpointer
execute (KpJournal          *self,
         const KpJournalOp  *op,
         gconstpointer       data,
         GCancellable       *cancellable,
         GError            **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GDateTime) now = NULL;
  gpointer value;

  if (self == NULL)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      return op->run (NULL, data, NULL, error);
    }

  locker = g_mutex_locker_new (&self->mutex);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (op->clock || op->kind == KP_JOURNAL_OP_WRITE)
    now = now_locked (self);

  if ((op->check != NULL && !op->check (data, now, error)) ||
      !begin (self->db, op->kind, error))
    return NULL;

  value = end (self->db, op, op->run (self->db, data, now, error), error);

  g_clear_pointer (&locker, g_mutex_locker_free);

  if (value != NULL && op->then_unlocked != NULL)
    value = op->then_unlocked (value, data, error);

  return value;
}

/**
 * _kp_journal_execute:
 * @self: a journal
 * @op: the operation
 * @data: its input
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs @op in the calling thread: the _sync functions.
 *
 * Returns: (transfer full): the operation's value, or %NULL with @error set
 */
gpointer
_kp_journal_execute (KpJournal          *self,
                     const KpJournalOp  *op,
                     gconstpointer       data,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return execute (self, op, data, cancellable, error);
}

static void
run_in_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  Job *job = task_data;
  gpointer value;

  value = execute (source_object, job->op, job->data, cancellable, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, job->op->result_free);
}

/* The caller's callback of a write, which then tells KpJournal::changed. */
typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} WriteDone;

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (KpJournal) self = g_object_ref (KP_JOURNAL (source));
  g_autofree WriteDone *done = user_data;

  if (done->callback != NULL)
    done->callback (source, result, done->user_data);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A write reports what it committed even if @cancellable fired meanwhile
 * (see KpJournal); anything else reports the cancellation. */
static void
run_task (KpJournal           *self,
          gpointer             source_tag,
          Job                 *job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  if (self != NULL && job->op->kind == KP_JOURNAL_OP_WRITE)
    {
      WriteDone *done = g_new0 (WriteDone, 1);

      done->callback = callback;
      done->user_data = user_data;
      callback = write_done_cb;
      user_data = done;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if (job->op->kind == KP_JOURNAL_OP_WRITE)
    g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_in_worker);
}

static gboolean
check_call (KpJournal    *self,
            GCancellable *cancellable)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  return TRUE;
}

/**
 * _kp_journal_run:
 * @self: a journal
 * @source_tag: the public _async function, which its _finish checks
 * @op: the operation
 * @data: (transfer full): its input, freed with @data_free
 * @data_free: (nullable): frees @data
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * The one way an async function of the journal works: @op in a worker
 * thread, its value for _kp_journal_finish(). It checks what every call
 * shares (@self, @cancellable); the _async function checks the rest.
 */
void
_kp_journal_run (KpJournal           *self,
                 gpointer             source_tag,
                 const KpJournalOp   *op,
                 gpointer             data,
                 GDestroyNotify       data_free,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  Job *job = job_new (op, data, data_free);

  if (!check_call (self, cancellable))
    {
      job_free (job);
      return;
    }

  run_task (self, source_tag, job, cancellable, callback, user_data);
}

/* What _kp_journal_run()'s operation returned: a new value, or %NULL with
 * @error set. An operation whose value is only success returns TRUE as a
 * pointer. */
gpointer
_kp_journal_finish (KpJournal     *self,
                    GAsyncResult  *result,
                    gpointer       source_tag,
                    GError       **error)
{
  g_return_val_if_fail (self == NULL || KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
open_journal (sqlite3        *db,
              gconstpointer   data,
              GDateTime      *now,
              GError        **error)
{
  return kp_journal_open_sync (data, error);
}

static const KpJournalOp open_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = open_journal,
  .result_free = g_object_unref,
};

static gpointer
query_text (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db, data, error);
  if (stmt == NULL)
    return NULL;

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      return g_strdup ((const char *) sqlite3_column_text (stmt, 0));

    case SQLITE_DONE:
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND, "No row");
      return NULL;

    default:
      _kp_journal_set_sqlite_error (error, db, "Query failed");
      return NULL;
    }
}

static const KpJournalOp query_text_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = query_text,
  .result_free = g_free,
};

char *
_kp_journal_query_text (KpJournal   *self,
                        const char  *sql,
                        GError     **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);

  return _kp_journal_execute (self, &query_text_op, sql, NULL, error);
}

/* GObject */

static void
kp_journal_finalize (GObject *object)
{
  KpJournal *self = (KpJournal *) object;

  /* With WAL, closing the last connection checkpoints and removes the -wal. */
  if (self->db != NULL)
    _kp_journal_forget_cached (self->db);
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Could not close the journal “%s”: %s", self->path, sqlite3_errmsg (self->db));
  self->db = NULL;

  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (kp_journal_parent_class)->finalize (object);
}

static void
kp_journal_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KpJournal *self = KP_JOURNAL (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_journal_class_init (KpJournalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_journal_finalize;
  object_class->get_property = kp_journal_get_property;

  /**
   * KpJournal:path:
   *
   * The journal's file name, as given to kp_journal_open_sync().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KpJournal::changed:
   *
   * Emitted on the caller's main context after an asynchronous write
   * finished (committed or not), once its callback ran: the shop
   * replicator's cue that the outbox may have grown.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kp_journal_init (KpJournal *self)
{
  g_mutex_init (&self->mutex);
}

/* Public API */

/**
 * kp_journal_open_sync:
 * @path: the journal's file name (its parent folders are created), or
 *   ":memory:" for a journal that lives only as long as the object
 * @error: return location for a #GError
 *
 * Opens the journal, creating it or migrating it to
 * %KP_JOURNAL_SCHEMA_VERSION. Blocks: use kp_journal_open_async() from a
 * main loop. A file from a newer version fails with
 * %KP_JOURNAL_ERROR_TOO_NEW and is left as it was.
 *
 * Returns: (transfer full): the journal, or %NULL with @error set
 */
KpJournal *
kp_journal_open_sync (const char  *path,
                      GError     **error)
{
  g_autoptr (KpJournal) self = NULL;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (KP_TYPE_JOURNAL, NULL);
  self->path = g_strdup (path);
  self->db = _kp_journal_schema_open (path, error);
  if (self->db == NULL)
    return NULL;

  g_debug ("Opened the journal %s", path);
  return g_steal_pointer (&self);
}

/**
 * kp_journal_open_async:
 * @path: as for kp_journal_open_sync()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Opens the journal in a worker thread.
 */
void
kp_journal_open_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (path != NULL && *path != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  run_task (NULL, kp_journal_open_async, job_new (&open_op, g_strdup (path), g_free),
            cancellable, callback, user_data);
}

/**
 * kp_journal_open_finish:
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the journal, or %NULL with @error set
 */
KpJournal *
kp_journal_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  return _kp_journal_finish (NULL, result, kp_journal_open_async, error);
}

const char *
kp_journal_get_path (KpJournal *self)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);

  return self->path;
}

/**
 * kp_journal_set_clock:
 * @self: a journal
 * @now_func: (nullable): returns the current time; %NULL for the system's
 *   local time
 * @user_data: data for @now_func; it must outlive the journal or the next
 *   call to this function
 *
 * Replaces the clock behind created_at, updated_at, transition, refund,
 * close and amendment times (and so the day a refund counts on), the date
 * in new order ids, the expiry checks of kp_journal_list_in_flight_async()
 * and of the day report, and what "today" is when closing a day. For
 * tests. @now_func runs in worker threads, or in the caller's thread for
 * the _sync functions.
 */
void
kp_journal_set_clock (KpJournal          *self,
                      KpJournalClockFunc  now_func,
                      gpointer            user_data)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));

  locker = g_mutex_locker_new (&self->mutex);
  self->clock_func = now_func;
  self->clock_data = user_data;
}
