/* kp-journal-outbox.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KP_TYPE_JOURNAL_OUTBOX_BATCH (kp_journal_outbox_batch_get_type ())

/**
 * KpJournalOutboxRow:
 * @seq: the change's number in this journal, increasing, never reused
 * @kind: what changed: "sale", "line", "transition", "refund", "print",
 *   "day-close", or a removal ("sale-delete", "line-delete", …)
 * @payload: the row after the change, as JSON text (see
 *   kp-journal-schema-6.sql)
 */
typedef struct
{
  gint64  seq;
  char   *kind;
  char   *payload;
} KpJournalOutboxRow;

/**
 * KpJournalOutboxBatch:
 * @origin: the journal file's identity (32 hex digits), the same for the
 *   file's whole life
 * @max_seq: the last change's seq (0 if none)
 * @n_unsent: the changes not marked sent, @rows included
 * @rows: (element-type KpJournalOutboxRow): the first unsent changes, in
 *   order
 *
 * What kp_journal_outbox_read_sync() read, in one snapshot.
 */
typedef struct
{
  char      *origin;
  gint64     max_seq;
  guint      n_unsent;
  GPtrArray *rows;
} KpJournalOutboxBatch;

GType kp_journal_outbox_batch_get_type (void);
KpJournalOutboxBatch *kp_journal_outbox_batch_copy (const KpJournalOutboxBatch *batch);
void kp_journal_outbox_batch_free (KpJournalOutboxBatch *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalOutboxBatch, kp_journal_outbox_batch_free)

G_END_DECLS
