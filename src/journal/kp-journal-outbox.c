/* kp-journal-outbox.c: the changes waiting for the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal.h"
#include "kp-journal-private.h"

/* The outbox is written by the triggers of kp-journal-schema-6.sql; this
 * file only reads it and marks what the shop database has taken. Both run
 * in the caller's thread (the replicator's worker), under the journal's
 * mutex like every other operation. */

G_DEFINE_BOXED_TYPE (KpJournalOutboxBatch, kp_journal_outbox_batch,
                     kp_journal_outbox_batch_copy, kp_journal_outbox_batch_free)

static void
row_free (KpJournalOutboxRow *row)
{
  g_free (row->kind);
  g_free (row->payload);
  g_free (row);
}

static KpJournalOutboxRow *
row_copy (const KpJournalOutboxRow *row)
{
  KpJournalOutboxRow *copy = g_new0 (KpJournalOutboxRow, 1);

  copy->seq = row->seq;
  copy->kind = g_strdup (row->kind);
  copy->payload = g_strdup (row->payload);

  return copy;
}

static KpJournalOutboxBatch *
batch_new (void)
{
  KpJournalOutboxBatch *batch = g_new0 (KpJournalOutboxBatch, 1);

  batch->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  return batch;
}

KpJournalOutboxBatch *
kp_journal_outbox_batch_copy (const KpJournalOutboxBatch *batch)
{
  KpJournalOutboxBatch *copy = batch_new ();

  copy->origin = g_strdup (batch->origin);
  copy->max_seq = batch->max_seq;
  copy->n_unsent = batch->n_unsent;
  for (guint i = 0; i < batch->rows->len; i++)
    g_ptr_array_add (copy->rows, row_copy (g_ptr_array_index (batch->rows, i)));

  return copy;
}

void
kp_journal_outbox_batch_free (KpJournalOutboxBatch *batch)
{
  if (batch == NULL)
    return;

  g_free (batch->origin);
  g_clear_pointer (&batch->rows, g_ptr_array_unref);
  g_free (batch);
}

static gpointer
row_from_stmt (sqlite3       *db,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  KpJournalOutboxRow *row = g_new0 (KpJournalOutboxRow, 1);

  row->seq = sqlite3_column_int64 (stmt, 0);
  row->kind = _kp_journal_dup_column_text (stmt, 1);
  row->payload = _kp_journal_dup_column_text (stmt, 2);

  return row;
}

static gpointer
read_batch (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  g_autoptr (KpJournalOutboxBatch) batch = batch_new ();
  g_autoptr (KpJournalCachedStmt) origin = NULL;
  g_autoptr (KpJournalCachedStmt) counts = NULL;
  g_autoptr (KpJournalCachedStmt) rows = NULL;
  guint limit = GPOINTER_TO_UINT (data);

  origin = _kp_journal_prepare_cached (db, "SELECT id FROM outbox_origin", error);
  if (origin == NULL)
    return NULL;
  if (sqlite3_step (origin) != SQLITE_ROW)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not read the journal's identity");
      return NULL;
    }
  batch->origin = _kp_journal_dup_column_text (origin, 0);

  counts = _kp_journal_prepare_cached (db,
                                       "SELECT coalesce ((SELECT max (seq) FROM outbox), 0), "
                                       "(SELECT count (*) FROM outbox WHERE sent_at IS NULL)",
                                       error);
  if (counts == NULL)
    return NULL;
  if (sqlite3_step (counts) != SQLITE_ROW)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not count the outbox");
      return NULL;
    }
  batch->max_seq = sqlite3_column_int64 (counts, 0);
  batch->n_unsent = sqlite3_column_int (counts, 1);

  rows = _kp_journal_prepare_cached (db,
                                     "SELECT seq, kind, payload FROM outbox "
                                     "WHERE sent_at IS NULL ORDER BY seq LIMIT ?1",
                                     error);
  if (rows == NULL)
    return NULL;
  sqlite3_bind_int64 (rows, 1, limit);
  if (!_kp_journal_read_rows (db, rows, row_from_stmt, batch->rows,
                              "Could not read the outbox", error))
    return NULL;

  return g_steal_pointer (&batch);
}

static const KpJournalOp read_batch_op = {
  .kind = KP_JOURNAL_OP_SNAPSHOT,
  .run = read_batch,
  .result_free = (GDestroyNotify) kp_journal_outbox_batch_free,
};

static gpointer
mark_sent (sqlite3        *db,
           gconstpointer   data,
           GDateTime      *now,
           GError        **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;
  g_autofree char *now_text = _kp_journal_format_time (now);
  const gint64 *up_to = data;

  stmt = _kp_journal_prepare_cached (db,
                                     "UPDATE outbox SET sent_at = ?2 "
                                     "WHERE sent_at IS NULL AND seq <= ?1",
                                     error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, *up_to);
  _kp_journal_bind_text (stmt, 2, now_text);
  if (!_kp_journal_step_done (db, stmt, "Could not mark the outbox sent", error))
    return NULL;

  return GINT_TO_POINTER (TRUE);
}

static const KpJournalOp mark_sent_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .run = mark_sent,
};

/**
 * kp_journal_outbox_read_sync:
 * @self: a journal
 * @limit: at most this many rows
 * @error: return location for a #GError
 *
 * Reads the first unsent changes of the outbox, with its counts. Blocks:
 * for a worker thread.
 *
 * Returns: (transfer full): the batch, or %NULL with @error set
 */
KpJournalOutboxBatch *
kp_journal_outbox_read_sync (KpJournal  *self,
                             guint       limit,
                             GError    **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  return _kp_journal_execute (self, &read_batch_op, GUINT_TO_POINTER (limit), NULL, error);
}

/**
 * kp_journal_outbox_mark_sent_sync:
 * @self: a journal
 * @up_to_seq: the last change the shop database committed
 * @error: return location for a #GError
 *
 * Marks every change up to @up_to_seq as sent. Blocks: for a worker thread.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
kp_journal_outbox_mark_sent_sync (KpJournal  *self,
                                  gint64      up_to_seq,
                                  GError    **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), FALSE);

  return _kp_journal_execute (self, &mark_sent_op, &up_to_seq, NULL, error) != NULL;
}
