/* kp-journal-prints.c: the attempts to print each receipt, and the receipts
 * that are missing
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal-private.h"

G_DEFINE_BOXED_TYPE (KpJournalPrintAttempt, kp_journal_print_attempt,
                     kp_journal_print_attempt_copy, kp_journal_print_attempt_free)

/* Indexed by KpPrintKind; the names stored in the journal. */
static const char * const kind_names[] = { "SALE", "REFUND", "REPRINT" };

const char *
kp_print_kind_to_string (KpPrintKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

static KpPrintKind
kind_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      return i;

  return KP_PRINT_KIND_REPRINT;
}

KpJournalPrintAttempt *
kp_journal_print_attempt_copy (const KpJournalPrintAttempt *attempt)
{
  KpJournalPrintAttempt *copy = g_new0 (KpJournalPrintAttempt, 1);

  copy->id = attempt->id;
  copy->partner_order_id = g_strdup (attempt->partner_order_id);
  copy->refund_id = g_strdup (attempt->refund_id);
  copy->kind = attempt->kind;
  copy->printed = attempt->printed;
  copy->at = attempt->at != NULL ? g_date_time_ref (attempt->at) : NULL;
  copy->reason = g_strdup (attempt->reason);

  return copy;
}

void
kp_journal_print_attempt_free (KpJournalPrintAttempt *attempt)
{
  if (attempt == NULL)
    return;

  g_free (attempt->partner_order_id);
  g_free (attempt->refund_id);
  g_clear_pointer (&attempt->at, g_date_time_unref);
  g_free (attempt->reason);
  g_free (attempt);
}

#define ATTEMPT_COLUMNS \
  "p.id, s.partner_order_id, p.refund_id, p.kind, p.printed, p.at, p.reason"

enum {
  ATTEMPT_ID,
  ATTEMPT_PARTNER_ORDER_ID,
  ATTEMPT_REFUND_ID,
  ATTEMPT_KIND,
  ATTEMPT_PRINTED,
  ATTEMPT_AT,
  ATTEMPT_REASON,
};

static gpointer
attempt_from_row (sqlite3       *db,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  KpJournalPrintAttempt *attempt = g_new0 (KpJournalPrintAttempt, 1);
  g_autofree char *kind = _kp_journal_dup_column_text (stmt, ATTEMPT_KIND);

  attempt->id = sqlite3_column_int64 (stmt, ATTEMPT_ID);
  attempt->partner_order_id = _kp_journal_dup_column_text (stmt, ATTEMPT_PARTNER_ORDER_ID);
  attempt->refund_id = _kp_journal_dup_column_text (stmt, ATTEMPT_REFUND_ID);
  attempt->kind = kind_from_string (kind);
  attempt->printed = sqlite3_column_int (stmt, ATTEMPT_PRINTED) != 0;
  attempt->at = _kp_journal_column_time (stmt, ATTEMPT_AT);
  attempt->reason = _kp_journal_dup_column_text (stmt, ATTEMPT_REASON);

  return attempt;
}

static GPtrArray *
read_attempts (sqlite3       *db,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr (GPtrArray) attempts = NULL;

  attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_print_attempt_free);
  if (!_kp_journal_read_rows (db, stmt, attempt_from_row, attempts,
                              "Could not read the journal's print attempts", error))
    return NULL;

  return g_steal_pointer (&attempts);
}

typedef struct
{
  char        *partner_order_id;
  char        *refund_id;
  KpPrintKind  kind;
  gboolean     printed;
  char        *reason;
} AddData;

static void
add_data_free (AddData *data)
{
  g_free (data->partner_order_id);
  g_free (data->refund_id);
  g_free (data->reason);
  g_free (data);
}

static gboolean
check_add (gconstpointer   data,
           GDateTime      *now,
           GError        **error)
{
  const AddData *input = data;

  if ((guint) input->kind >= G_N_ELEMENTS (kind_names))
    return _kp_journal_set_invalid (error, "Unknown receipt kind %d", input->kind);

  return _kp_journal_check_text (input->partner_order_id, "partner_order_id", TRUE, error) &&
         _kp_journal_check_text (input->refund_id, "refund_id", FALSE, error) &&
         _kp_journal_check_text (input->reason, "reason", FALSE, error);
}

static gpointer
add_attempt (sqlite3        *db,
             gconstpointer   data,
             GDateTime      *now,
             GError        **error)
{
  const AddData *input = data;
  g_autoptr (sqlite3_stmt) sale = NULL;
  g_autoptr (sqlite3_stmt) refund = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autofree char *now_text = _kp_journal_format_time (now);
  gint64 sale_id;

  sale = _kp_journal_prepare (db, "SELECT id FROM sales WHERE partner_order_id = ?1", error);
  if (sale == NULL)
    return NULL;
  _kp_journal_bind_text (sale, 1, input->partner_order_id);
  if (!_kp_journal_step_found (db, sale, "sale", input->partner_order_id, error))
    return NULL;
  sale_id = sqlite3_column_int64 (sale, 0);

  if (input->refund_id != NULL)
    {
      refund = _kp_journal_prepare (db,
                                    "SELECT 1 FROM refunds WHERE sale_id = ?1 AND refund_id = ?2",
                                    error);
      if (refund == NULL)
        return NULL;
      sqlite3_bind_int64 (refund, 1, sale_id);
      _kp_journal_bind_text (refund, 2, input->refund_id);
      if (!_kp_journal_step_found (db, refund, "refund", input->refund_id, error))
        return NULL;
    }

  insert = _kp_journal_prepare (db,
                                "INSERT INTO print_attempts (sale_id, refund_id, kind, printed, "
                                "at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                error);
  if (insert == NULL)
    return NULL;
  sqlite3_bind_int64 (insert, 1, sale_id);
  _kp_journal_bind_text (insert, 2, input->refund_id);
  _kp_journal_bind_text (insert, 3, kind_names[input->kind]);
  sqlite3_bind_int (insert, 4, input->printed ? 1 : 0);
  _kp_journal_bind_text (insert, 5, now_text);
  _kp_journal_bind_text (insert, 6, input->reason != NULL && *input->reason != '\0' ?
                                    input->reason : NULL);
  if (!_kp_journal_step_done (db, insert, "Could not journal the print attempt", error))
    return NULL;

  select = _kp_journal_prepare (db,
                                "SELECT " ATTEMPT_COLUMNS " FROM print_attempts p "
                                "JOIN sales s ON s.id = p.sale_id WHERE p.id = ?1",
                                error);
  if (select == NULL)
    return NULL;
  sqlite3_bind_int64 (select, 1, sqlite3_last_insert_rowid (db));

  return _kp_journal_take_first (read_attempts (db, select, error), "print attempt", "",
                                 error);
}

static const KpJournalOp add_attempt_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_add,
  .run = add_attempt,
  .result_free = (GDestroyNotify) kp_journal_print_attempt_free,
};

static gpointer
list_attempts (sqlite3        *db,
               gconstpointer   data,
               GDateTime      *now,
               GError        **error)
{
  const char *partner_order_id = data;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT " ATTEMPT_COLUMNS " FROM print_attempts p "
                              "JOIN sales s ON s.id = p.sale_id "
                              "WHERE s.partner_order_id = ?1 ORDER BY p.id",
                              error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (stmt, 1, partner_order_id);
  return read_attempts (db, stmt, error);
}

static const KpJournalOp list_attempts_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_attempts,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/* A receipt is missing when no attempt to print it succeeded: the latest failed
 * attempt of each sale's or refund's receipt stands for it. */
static gpointer
list_missing (sqlite3        *db,
              gconstpointer   data,
              GDateTime      *now,
              GError        **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT " ATTEMPT_COLUMNS " FROM print_attempts p "
                              "JOIN sales s ON s.id = p.sale_id "
                              "WHERE p.printed = 0 "
                              "AND p.id = (SELECT max (l.id) FROM print_attempts l "
                              "            WHERE l.sale_id = p.sale_id "
                              "            AND l.refund_id IS p.refund_id) "
                              "AND NOT EXISTS (SELECT 1 FROM print_attempts o "
                              "                WHERE o.sale_id = p.sale_id "
                              "                AND o.refund_id IS p.refund_id "
                              "                AND o.printed = 1) "
                              "ORDER BY p.id",
                              error);
  if (stmt == NULL)
    return NULL;

  return read_attempts (db, stmt, error);
}

static const KpJournalOp list_missing_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_missing,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/**
 * kp_journal_add_print_attempt_async:
 * @self: a journal
 * @partner_order_id: the sale
 * @refund_id: (nullable): the refund, for its cancellation receipt
 * @kind: why the receipt was printed
 * @printed: whether the printer took it
 * @reason: (nullable): why it was not printed (shown to the cashier; no secret)
 *
 * Journals one attempt to print a receipt, at the journal's clock.
 * Fails with %KP_JOURNAL_ERROR_NOT_FOUND for an unknown sale or refund.
 */
void
kp_journal_add_print_attempt_async (KpJournal           *self,
                                    const char          *partner_order_id,
                                    const char          *refund_id,
                                    KpPrintKind          kind,
                                    gboolean             printed,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  AddData *data;

  g_return_if_fail (partner_order_id != NULL);

  data = g_new0 (AddData, 1);
  data->partner_order_id = g_strdup (partner_order_id);
  data->refund_id = g_strdup (refund_id);
  data->kind = kind;
  data->printed = printed;
  data->reason = g_strdup (reason);

  _kp_journal_run (self, kp_journal_add_print_attempt_async, &add_attempt_op,
                   data, (GDestroyNotify) add_data_free, cancellable, callback, user_data);
}

/**
 * kp_journal_add_print_attempt_finish:
 *
 * Returns: (transfer full): the attempt as journaled, or %NULL with @error set
 */
KpJournalPrintAttempt *
kp_journal_add_print_attempt_finish (KpJournal     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_add_print_attempt_async, error);
}

/**
 * kp_journal_list_print_attempts_async:
 * @self: a journal
 * @partner_order_id: the sale
 *
 * Reads the attempts to print a sale's receipts (its refunds' included), oldest
 * first.
 */
void
kp_journal_list_print_attempts_async (KpJournal           *self,
                                      const char          *partner_order_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (partner_order_id != NULL);

  _kp_journal_run (self, kp_journal_list_print_attempts_async, &list_attempts_op,
                   g_strdup (partner_order_id), g_free, cancellable, callback, user_data);
}

/**
 * kp_journal_list_print_attempts_finish:
 *
 * Returns: (transfer full) (element-type KpJournalPrintAttempt): the attempts, or
 *   %NULL with @error set
 */
GPtrArray *
kp_journal_list_print_attempts_finish (KpJournal     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_print_attempts_async, error);
}

/**
 * kp_journal_list_missing_receipts_async:
 * @self: a journal
 *
 * Lists the receipts no attempt printed: for each, its latest failed attempt,
 * oldest first.
 */
void
kp_journal_list_missing_receipts_async (KpJournal           *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  _kp_journal_run (self, kp_journal_list_missing_receipts_async, &list_missing_op,
                   NULL, NULL, cancellable, callback, user_data);
}

/**
 * kp_journal_list_missing_receipts_finish:
 *
 * Returns: (transfer full) (element-type KpJournalPrintAttempt): the latest failed
 *   attempt of each missing receipt, or %NULL with @error set
 */
GPtrArray *
kp_journal_list_missing_receipts_finish (KpJournal     *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_missing_receipts_async, error);
}
