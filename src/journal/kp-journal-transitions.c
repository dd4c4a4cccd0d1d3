/* kp-journal-transitions.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal.h"
#include "kp-journal-private.h"

/* Transitions: a sale moves from state to state by compare-and-set, each
 * move appended to its history in the same transaction. */

typedef struct
{
  char            *partner_order_id;
  KpSaleState      from;
  KpSaleState      to;
  KpJournalUpdate *update;
} TransitionData;

static void
transition_data_free (TransitionData *data)
{
  g_free (data->partner_order_id);
  g_clear_pointer (&data->update, kp_journal_update_free);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TransitionData, transition_data_free)

static gboolean
check_update (const KpJournalUpdate  *update,
              KpSaleState             to,
              GError                **error)
{
  if (!_kp_journal_check_text (update->tid, "tid", FALSE, error) ||
      !_kp_journal_check_text (update->pg_token, "pg_token", FALSE, error) ||
      !_kp_journal_check_text (update->aid, "aid", FALSE, error) ||
      !_kp_journal_check_text (update->payment_method_type, "payment method type", FALSE, error) ||
      !_kp_journal_check_text (update->card_info_json, "card info", FALSE, error) ||
      !_kp_journal_check_text (update->detail, "detail", FALSE, error))
    return FALSE;

  if (update->refunded_amount != KP_JOURNAL_UNCHANGED)
    {
      if (to != KP_SALE_STATE_PARTIALLY_REFUNDED && to != KP_SALE_STATE_REFUNDED)
        return _kp_journal_set_invalid (error,
                                        "Only a refund sets the refunded amount, not a move to %s",
                                        _kp_journal_state_name (to));
      if (update->refunded_amount < 0)
        return _kp_journal_set_invalid (error, "The refunded amount is negative");
    }
  else if (to == KP_SALE_STATE_PARTIALLY_REFUNDED)
    {
      return _kp_journal_set_invalid (error, "A partial refund needs the refunded amount");
    }

  return TRUE;
}

static KpJournalSale *
transition_in_transaction (sqlite3                *db,
                           const TransitionData   *data,
                           GDateTime              *now,
                           GError                **error)
{
  g_autoptr (KpJournalCachedStmt) select = NULL;
  g_autoptr (KpJournalCachedStmt) update = NULL;
  g_autoptr (KpJournalCachedStmt) insert_transition = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *approved_at = NULL;
  const KpJournalUpdate *changes = data->update;
  KpSaleState stored_state;
  gint64 sale_id;
  gint64 total_amount;
  gint64 old_refunded;
  gint64 new_refunded = changes->refunded_amount;
  gboolean has_approved_at;
  gboolean json_valid;
  gboolean is_refund;
  g_autofree char *sale_day = NULL;
  g_autofree char *today = NULL;
  const char *days[2];
  gint64 mark;

  select = _kp_journal_prepare_cached (db,
                                       "SELECT id, state, total_amount, refunded_amount, "
                                       "approved_at IS NOT NULL, created_day "
                                       "FROM sales WHERE partner_order_id = ?1",
                                       error);
  if (select == NULL)
    return NULL;

  _kp_journal_bind_text (select, 1, data->partner_order_id);

  if (!_kp_journal_step_found (db, select, "sale", data->partner_order_id, error))
    return NULL;

  sale_id = sqlite3_column_int64 (select, 0);
  stored_state = _kp_journal_column_state (select, 1);
  total_amount = sqlite3_column_int64 (select, 2);
  old_refunded = sqlite3_column_int64 (select, 3);
  has_approved_at = sqlite3_column_int (select, 4) != 0;
  sale_day = _kp_journal_dup_column_text (select, 5);
  sqlite3_reset (select);

  /* The compare of compare-and-set: under BEGIN IMMEDIATE nobody can change
   * the row between this read and the update. */
  if (stored_state != data->from)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "Sale %s is %s, not %s: it cannot move to %s",
                   data->partner_order_id, _kp_journal_state_name (stored_state),
                   _kp_journal_state_name (data->from), _kp_journal_state_name (data->to));
      return NULL;
    }

  if (data->to == KP_SALE_STATE_REFUNDED)
    {
      if (new_refunded == KP_JOURNAL_UNCHANGED)
        new_refunded = total_amount;
      if (new_refunded != total_amount)
        {
          _kp_journal_set_invalid (error, "A full refund of sale %s refunds %" G_GINT64_FORMAT
                                   ", not %" G_GINT64_FORMAT, data->partner_order_id, total_amount,
                                   new_refunded);
          return NULL;
        }
    }
  else if (data->to == KP_SALE_STATE_PARTIALLY_REFUNDED)
    {
      if (new_refunded <= old_refunded || new_refunded >= total_amount)
        {
          _kp_journal_set_invalid (error,
                                   "A partial refund of sale %s must bring the refunded amount "
                                   "above %" G_GINT64_FORMAT " and below %" G_GINT64_FORMAT
                                   ", not to %" G_GINT64_FORMAT, data->partner_order_id,
                                   old_refunded, total_amount, new_refunded);
          return NULL;
        }
    }

  if (!_kp_journal_json_valid (db, changes->card_info_json, "Could not check the card info",
                               &json_valid, error))
    return NULL;
  if (!json_valid)
    {
      _kp_journal_set_invalid (error, "The card info of sale %s is not JSON",
                               data->partner_order_id);
      return NULL;
    }

  /* A refund by a transition (the API of schema 2) is journaled as a
   * completed refund too, so refunds and day reports see it; it cannot
   * overtake a refund in flight. */
  is_refund = data->to == KP_SALE_STATE_PARTIALLY_REFUNDED || data->to == KP_SALE_STATE_REFUNDED;
  if (is_refund &&
      !_kp_journal_check_no_refund_in_flight (db, sale_id, data->partner_order_id, error))
    return NULL;

  now_text = _kp_journal_format_time (now);
  today = _kp_journal_day_of (now);
  days[0] = sale_day;
  days[1] = today;
  if (!_kp_journal_amend_begin (db, days, G_N_ELEMENTS (days), now_text, &mark, error))
    return NULL;

  expires_at = _kp_journal_format_time (changes->expires_at);
  approved_at = _kp_journal_format_time (changes->approved_at);
  /* approved_at appears in the export of every paid sale: without
   * KakaoPay's, the journal's own time is the best there is. */
  if (approved_at == NULL && data->to == KP_SALE_STATE_APPROVED && !has_approved_at)
    approved_at = g_strdup (now_text);

  update = _kp_journal_prepare_cached (db,
                                       "UPDATE sales SET state = ?1, updated_at = ?2, "
                                       "tid = coalesce (?3, tid), "
                                       "expires_at = coalesce (?4, expires_at), "
                                       "pg_token = coalesce (?5, pg_token), "
                                       "aid = coalesce (?6, aid), "
                                       "payment_method_type = coalesce (?7, payment_method_type), "
                                       "card_info = coalesce (?8, card_info), "
                                       "approved_at = coalesce (?9, approved_at), "
                                       "refunded_amount = coalesce (?10, refunded_amount) "
                                       "WHERE id = ?11 AND state = ?12",
                                       error);
  if (update == NULL)
    return NULL;

  _kp_journal_bind_text (update, 1, kp_sale_state_to_string (data->to));
  _kp_journal_bind_text (update, 2, now_text);
  _kp_journal_bind_text (update, 3, changes->tid);
  _kp_journal_bind_text (update, 4, expires_at);
  _kp_journal_bind_text (update, 5, changes->pg_token);
  _kp_journal_bind_text (update, 6, changes->aid);
  _kp_journal_bind_text (update, 7, changes->payment_method_type);
  _kp_journal_bind_text (update, 8, changes->card_info_json);
  _kp_journal_bind_text (update, 9, approved_at);
  if (new_refunded == KP_JOURNAL_UNCHANGED)
    sqlite3_bind_null (update, 10);
  else
    sqlite3_bind_int64 (update, 10, new_refunded);
  sqlite3_bind_int64 (update, 11, sale_id);
  _kp_journal_bind_text (update, 12, kp_sale_state_to_string (data->from));

  if (!_kp_journal_step_done (db, update, "Could not journal the sale's new state", error))
    return NULL;

  g_assert (sqlite3_changes (db) == 1);

  insert_transition = _kp_journal_prepare_cached (db,
                                                  "INSERT INTO transitions (sale_id, from_state, "
                                                  "to_state, at, detail) "
                                                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                                                  error);
  if (insert_transition == NULL)
    return NULL;

  sqlite3_bind_int64 (insert_transition, 1, sale_id);
  _kp_journal_bind_text (insert_transition, 2, kp_sale_state_to_string (data->from));
  _kp_journal_bind_text (insert_transition, 3, kp_sale_state_to_string (data->to));
  _kp_journal_bind_text (insert_transition, 4, now_text);
  _kp_journal_bind_text (insert_transition, 5,
                         changes->detail != NULL && *changes->detail != '\0' ?
                         changes->detail : NULL);

  if (!_kp_journal_step_done (db, insert_transition, "Could not journal the transition", error))
    return NULL;

  if (is_refund &&
      !_kp_journal_record_transition_refund (db, sale_id, data->partner_order_id, old_refunded,
                                             new_refunded, now_text, changes->detail, error))
    return NULL;

  if (!_kp_journal_amend_end (db, mark, now_text, error))
    return NULL;

  return _kp_journal_read_sale (db, data->partner_order_id, error);
}

static gboolean
check_transition (gconstpointer   data,
                  GDateTime      *now,
                  GError        **error)
{
  const TransitionData *input = data;

  if (!kp_sale_state_can_transition (input->from, input->to))
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION,
                   "A sale cannot move from %s to %s",
                   _kp_journal_state_name (input->from), _kp_journal_state_name (input->to));
      return FALSE;
    }

  return _kp_journal_check_text (input->partner_order_id, "partner_order_id", TRUE, error) &&
         check_update (input->update, input->to, error);
}

static gpointer
transition (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  const TransitionData *input = data;
  KpJournalSale *sale = transition_in_transaction (db, input, now, error);

  if (sale != NULL)
    g_debug ("Sale %s: %s → %s", input->partner_order_id,
             _kp_journal_state_name (input->from), _kp_journal_state_name (input->to));
  return sale;
}

static const KpJournalOp transition_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_transition,
  .run = transition,
  .result_free = (GDestroyNotify) kp_journal_sale_free,
};

static gpointer
list_transitions (sqlite3        *db,
                  gconstpointer   data,
                  GDateTime      *now,
                  GError        **error)
{
  const char *partner_order_id = data;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  gboolean found = FALSE;
  int rc;

  /* The LEFT JOIN yields one row with a NULL transition id for a sale
   * without history, and none for an unknown sale. */
  stmt = _kp_journal_prepare (db,
                              "SELECT t.id, t.from_state, t.to_state, t.at, t.detail "
                              "FROM sales s LEFT JOIN transitions t ON t.sale_id = s.id "
                              "WHERE s.partner_order_id = ?1 ORDER BY t.id",
                              error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (stmt, 1, partner_order_id);

  transitions = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_transition_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpJournalTransition *item;

      found = TRUE;
      if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        continue;

      item = g_new0 (KpJournalTransition, 1);
      item->id = sqlite3_column_int64 (stmt, 0);
      item->from_state = _kp_journal_column_state (stmt, 1);
      item->to_state = _kp_journal_column_state (stmt, 2);
      item->at = _kp_journal_column_time (stmt, 3);
      item->detail = _kp_journal_dup_column_text (stmt, 4);
      g_ptr_array_add (transitions, item);
    }

  if (rc != SQLITE_DONE)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not read the sale's history");
      return NULL;
    }

  if (!found)
    {
      _kp_journal_set_not_found (error, "sale", partner_order_id);
      return NULL;
    }

  return g_steal_pointer (&transitions);
}

static const KpJournalOp list_transitions_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_transitions,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/* Public API */

/**
 * kp_journal_transition_async:
 * @self: a journal
 * @partner_order_id: the sale
 * @from: the state the caller believes the sale is in
 * @to: the new state
 * @update: (nullable): fields to set in the same transaction; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Moves a sale from @from to @to (compare-and-set) and appends the move to
 * its history, in one transaction. Fails, writing nothing, with
 * %KP_JOURNAL_ERROR_BAD_TRANSITION if the move is not allowed,
 * %KP_JOURNAL_ERROR_NOT_FOUND, %KP_JOURNAL_ERROR_STATE_CONFLICT if the sale
 * is not in @from (a duplicate or late outcome), or %KP_JOURNAL_ERROR_INVALID.
 */
void
kp_journal_transition_async (KpJournal             *self,
                             const char            *partner_order_id,
                             KpSaleState            from,
                             KpSaleState            to,
                             const KpJournalUpdate *update,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  TransitionData *data;

  g_return_if_fail (partner_order_id != NULL);

  data = g_new0 (TransitionData, 1);
  data->partner_order_id = g_strdup (partner_order_id);
  data->from = from;
  data->to = to;
  data->update = update != NULL ? kp_journal_update_copy (update) : kp_journal_update_new ();

  _kp_journal_run (self, kp_journal_transition_async, &transition_op,
                   data, (GDestroyNotify) transition_data_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_transition_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the sale as stored after the move, or %NULL with
 *   @error set
 */
KpJournalSale *
kp_journal_transition_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_transition_async, error);
}

/**
 * kp_journal_list_transitions_async:
 * @self: a journal
 * @partner_order_id: the sale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Reads a sale's history, oldest first; the first entry is its creation
 * (from %KP_SALE_STATE_NONE to READY_SENT).
 */
void
kp_journal_list_transitions_async (KpJournal           *self,
                                   const char          *partner_order_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (partner_order_id != NULL);

  _kp_journal_run (self, kp_journal_list_transitions_async, &list_transitions_op,
                   g_strdup (partner_order_id), g_free, cancellable, callback, user_data);
}

/**
 * kp_journal_list_transitions_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalTransition): the history,
 *   or %NULL with @error set (%KP_JOURNAL_ERROR_NOT_FOUND if there is no
 *   such sale)
 */
GPtrArray *
kp_journal_list_transitions_finish (KpJournal     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_transitions_async, error);
}
