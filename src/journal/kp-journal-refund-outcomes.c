/* kp-journal-refund-outcomes.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal.h"
#include "kp-journal-private.h"

/* The outcome of a refund in flight (kp-journal-refunds.c journals it
 * before cancel is called): KakaoPay refunded it, which moves its sale in
 * the same transaction, or refused it. */

typedef struct
{
  char      *refund_id;
  char      *aid;
  GDateTime *canceled_at;
  char      *detail;
} OutcomeData;

static OutcomeData *
outcome_data_new (const char *refund_id,
                  const char *aid,
                  GDateTime  *canceled_at,
                  const char *detail)
{
  OutcomeData *data = g_new0 (OutcomeData, 1);

  data->refund_id = g_strdup (refund_id);
  data->aid = g_strdup (aid);
  data->canceled_at = canceled_at != NULL ? g_date_time_ref (canceled_at) : NULL;
  data->detail = g_strdup (detail);

  return data;
}

static void
outcome_data_free (OutcomeData *data)
{
  g_free (data->refund_id);
  g_free (data->aid);
  g_clear_pointer (&data->canceled_at, g_date_time_unref);
  g_free (data->detail);
  g_free (data);
}

/* A completed refund has no detail and a failed one no aid. */
static gboolean
check_outcome (gconstpointer   data,
               GDateTime      *now,
               GError        **error)
{
  const OutcomeData *input = data;

  return _kp_journal_check_text (input->refund_id, "refund id", TRUE, error) &&
         _kp_journal_check_text (input->aid, "aid", FALSE, error) &&
         _kp_journal_check_text (input->detail, "detail", FALSE, error);
}

/* The refund's row and its sale's, read together; the refund must be in
 * flight. */
typedef struct
{
  gint64       id;
  gint64       amount;
  char        *created_day;
  gint64       sale_id;
  char        *partner_order_id;
  KpSaleState  sale_state;
  gint64       total;
  gint64       refunded;
  char        *sale_day;
} InFlight;

static void
in_flight_clear (InFlight *row)
{
  g_clear_pointer (&row->created_day, g_free);
  g_clear_pointer (&row->partner_order_id, g_free);
  g_clear_pointer (&row->sale_day, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InFlight, in_flight_clear)

static gboolean
read_in_flight (sqlite3     *db,
                const char  *refund_id,
                InFlight    *out,
                GError     **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  const char *state;

  select = _kp_journal_prepare (db,
                                "SELECT r.id, r.state, r.cancel_amount, r.created_day, s.id, "
                                "s.partner_order_id, s.state, s.total_amount, "
                                "s.refunded_amount, s.created_day "
                                "FROM refunds r JOIN sales s ON s.id = r.sale_id "
                                "WHERE r.refund_id = ?1",
                                error);
  if (select == NULL)
    return FALSE;

  _kp_journal_bind_text (select, 1, refund_id);
  if (!_kp_journal_step_found (db, select, "refund", refund_id, error))
    return FALSE;

  state = (const char *) sqlite3_column_text (select, 1);
  if (g_strcmp0 (state, "REFUND_SENT") != 0)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "Refund %s is %s already", refund_id, state != NULL ? state : "(none)");
      return FALSE;
    }

  out->id = sqlite3_column_int64 (select, 0);
  out->amount = sqlite3_column_int64 (select, 2);
  out->created_day = _kp_journal_dup_column_text (select, 3);
  out->sale_id = sqlite3_column_int64 (select, 4);
  out->partner_order_id = _kp_journal_dup_column_text (select, 5);
  out->sale_state = _kp_journal_column_state (select, 6);
  out->total = sqlite3_column_int64 (select, 7);
  out->refunded = sqlite3_column_int64 (select, 8);
  out->sale_day = _kp_journal_dup_column_text (select, 9);

  return TRUE;
}

static KpJournalSale *
complete_refund_in_transaction (sqlite3            *db,
                                const OutcomeData  *input,
                                GDateTime          *now,
                                GError            **error)
{
  g_auto (InFlight) row = { 0 };
  g_autoptr (sqlite3_stmt) update_refund = NULL;
  g_autoptr (sqlite3_stmt) update_sale = NULL;
  g_autoptr (sqlite3_stmt) insert_transition = NULL;
  g_autofree char *now_text = _kp_journal_format_time (now);
  g_autofree char *today = _kp_journal_day_of (now);
  g_autofree char *canceled_at = _kp_journal_format_time (input->canceled_at);
  g_autofree char *detail = NULL;
  const char *days[3];
  KpSaleState to;
  gint64 refunded;
  gint64 mark;

  if (!read_in_flight (db, input->refund_id, &row, error))
    return NULL;

  if (row.amount > row.total - row.refunded)
    {
      /* Only a sale changed behind the refund's back gets here (the
       * transition API, or a hand edit): KakaoPay's word cannot be stored
       * against it. The refund stays in flight for a person to look at. */
      _kp_journal_set_invalid (error, "Refund %s of %" G_GINT64_FORMAT " KRW exceeds what is left "
                               "of sale %s (%" G_GINT64_FORMAT " KRW)", input->refund_id,
                               row.amount, row.partner_order_id, row.total - row.refunded);
      return NULL;
    }

  refunded = row.refunded + row.amount;
  to = refunded == row.total ? KP_SALE_STATE_REFUNDED : KP_SALE_STATE_PARTIALLY_REFUNDED;
  if (!kp_sale_state_can_transition (row.sale_state, to))
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION,
                   "Refund %s cannot complete: sale %s cannot move from %s to %s",
                   input->refund_id, row.partner_order_id,
                   _kp_journal_state_name (row.sale_state), _kp_journal_state_name (to));
      return NULL;
    }

  days[0] = row.created_day;
  days[1] = row.sale_day;
  days[2] = today;
  if (!_kp_journal_amend_begin (db, days, G_N_ELEMENTS (days), now_text, &mark, error))
    return NULL;

  update_refund = _kp_journal_prepare (db,
                                       "UPDATE refunds SET state = 'REFUNDED', "
                                       "aid = coalesce (?1, aid), "
                                       "canceled_at = coalesce (?2, canceled_at), "
                                       "completed_at = ?3, completed_day = ?4 "
                                       "WHERE id = ?5 AND state = 'REFUND_SENT'",
                                       error);
  if (update_refund == NULL)
    return NULL;

  _kp_journal_bind_text (update_refund, 1, input->aid);
  _kp_journal_bind_text (update_refund, 2, canceled_at);
  _kp_journal_bind_text (update_refund, 3, now_text);
  _kp_journal_bind_text (update_refund, 4, today);
  sqlite3_bind_int64 (update_refund, 5, row.id);
  if (!_kp_journal_step_done (db, update_refund, "Could not journal the refund's outcome", error))
    return NULL;

  update_sale = _kp_journal_prepare (db,
                                     "UPDATE sales SET state = ?1, refunded_amount = ?2, "
                                     "updated_at = ?3 WHERE id = ?4 AND state = ?5",
                                     error);
  if (update_sale == NULL)
    return NULL;

  _kp_journal_bind_text (update_sale, 1, kp_sale_state_to_string (to));
  sqlite3_bind_int64 (update_sale, 2, refunded);
  _kp_journal_bind_text (update_sale, 3, now_text);
  sqlite3_bind_int64 (update_sale, 4, row.sale_id);
  _kp_journal_bind_text (update_sale, 5, kp_sale_state_to_string (row.sale_state));
  if (!_kp_journal_step_done (db, update_sale, "Could not journal the refunded sale", error))
    return NULL;

  g_assert (sqlite3_changes (db) == 1);

  insert_transition = _kp_journal_prepare (db,
                                           "INSERT INTO transitions (sale_id, from_state, "
                                           "to_state, at, detail) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                                           error);
  if (insert_transition == NULL)
    return NULL;

  detail = g_strdup_printf ("Refund %s: %" G_GINT64_FORMAT " KRW%s%s", input->refund_id,
                            row.amount, input->aid != NULL ? ", aid " : "",
                            input->aid != NULL ? input->aid : "");
  sqlite3_bind_int64 (insert_transition, 1, row.sale_id);
  _kp_journal_bind_text (insert_transition, 2, kp_sale_state_to_string (row.sale_state));
  _kp_journal_bind_text (insert_transition, 3, kp_sale_state_to_string (to));
  _kp_journal_bind_text (insert_transition, 4, now_text);
  _kp_journal_bind_text (insert_transition, 5, detail);
  if (!_kp_journal_step_done (db, insert_transition, "Could not journal the transition", error))
    return NULL;

  if (!_kp_journal_amend_end (db, mark, now_text, error))
    return NULL;

  return _kp_journal_read_sale (db, row.partner_order_id, error);
}

static gpointer
complete_refund (sqlite3        *db,
                 gconstpointer   data,
                 GDateTime      *now,
                 GError        **error)
{
  const OutcomeData *input = data;
  KpJournalSale *sale = complete_refund_in_transaction (db, input, now, error);

  if (sale != NULL)
    g_debug ("Refund %s completed: sale %s is %s", input->refund_id, sale->partner_order_id,
             _kp_journal_state_name (sale->state));
  return sale;
}

static const KpJournalOp complete_refund_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_outcome,
  .run = complete_refund,
  .result_free = (GDestroyNotify) kp_journal_sale_free,
};

static KpJournalRefund *
fail_refund_in_transaction (sqlite3            *db,
                            const OutcomeData  *input,
                            GDateTime          *now,
                            GError            **error)
{
  g_auto (InFlight) row = { 0 };
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autofree char *now_text = _kp_journal_format_time (now);
  g_autofree char *today = _kp_journal_day_of (now);
  const char *days[2];
  gint64 mark;

  if (!read_in_flight (db, input->refund_id, &row, error))
    return NULL;

  days[0] = row.created_day;
  days[1] = today;
  if (!_kp_journal_amend_begin (db, days, G_N_ELEMENTS (days), now_text, &mark, error))
    return NULL;

  update = _kp_journal_prepare (db,
                                "UPDATE refunds SET state = 'REFUND_FAILED', "
                                "detail = coalesce (?1, detail), "
                                "completed_at = ?2, completed_day = ?3 "
                                "WHERE id = ?4 AND state = 'REFUND_SENT'",
                                error);
  if (update == NULL)
    return NULL;

  _kp_journal_bind_text (update, 1,
                         input->detail != NULL && *input->detail != '\0' ? input->detail : NULL);
  _kp_journal_bind_text (update, 2, now_text);
  _kp_journal_bind_text (update, 3, today);
  sqlite3_bind_int64 (update, 4, row.id);
  if (!_kp_journal_step_done (db, update, "Could not journal the refund's failure", error) ||
      !_kp_journal_amend_end (db, mark, now_text, error))
    return NULL;

  return _kp_journal_read_refund (db, input->refund_id, error);
}

static gpointer
fail_refund (sqlite3        *db,
             gconstpointer   data,
             GDateTime      *now,
             GError        **error)
{
  KpJournalRefund *refund = fail_refund_in_transaction (db, data, now, error);

  if (refund != NULL)
    g_debug ("Refund %s failed", refund->refund_id);
  return refund;
}

static const KpJournalOp fail_refund_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_outcome,
  .run = fail_refund,
  .result_free = (GDestroyNotify) kp_journal_refund_free,
};

/* Public API */

/**
 * kp_journal_complete_refund_async:
 * @self: a journal
 * @refund_id: a refund in flight
 * @aid: (nullable): the cancel's aid, exactly as KakaoPay returned it
 * @canceled_at: (nullable): KakaoPay's canceled_at
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Records that KakaoPay refunded it, in one transaction: the refund becomes
 * REFUNDED (completed now: it belongs to today's report, whatever day its
 * sale was), the sale's refunded_amount grows by its amount and the sale
 * moves to PARTIALLY_REFUNDED, or REFUNDED when nothing is left, with a
 * transitions row naming the refund.
 *
 * Fails, writing nothing, with %KP_JOURNAL_ERROR_NOT_FOUND,
 * %KP_JOURNAL_ERROR_STATE_CONFLICT if the refund is not in flight (a
 * duplicate or late outcome), or %KP_JOURNAL_ERROR_BAD_TRANSITION /
 * %KP_JOURNAL_ERROR_INVALID if the sale changed behind the refund's back.
 */
void
kp_journal_complete_refund_async (KpJournal           *self,
                                  const char          *refund_id,
                                  const char          *aid,
                                  GDateTime           *canceled_at,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (refund_id != NULL);

  _kp_journal_run (self, kp_journal_complete_refund_async, &complete_refund_op,
                   outcome_data_new (refund_id, aid, canceled_at, NULL),
                   (GDestroyNotify) outcome_data_free, cancellable, callback, user_data);
}

/**
 * kp_journal_complete_refund_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the refunded sale as stored, or %NULL with
 *   @error set
 */
KpJournalSale *
kp_journal_complete_refund_finish (KpJournal     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_complete_refund_async, error);
}

/**
 * kp_journal_fail_refund_async:
 * @self: a journal
 * @refund_id: a refund in flight
 * @detail: (nullable): why (KakaoPay's error); replaces the request's
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Records that KakaoPay refused the refund: it becomes REFUND_FAILED and
 * the sale stays as it was. Only for a definite refusal: an unknown outcome
 * (timeout, reset) leaves the refund REFUND_SENT for the reconciler.
 * Fails like kp_journal_complete_refund_async().
 */
void
kp_journal_fail_refund_async (KpJournal           *self,
                              const char          *refund_id,
                              const char          *detail,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (refund_id != NULL);

  _kp_journal_run (self, kp_journal_fail_refund_async, &fail_refund_op,
                   outcome_data_new (refund_id, NULL, NULL, detail),
                   (GDestroyNotify) outcome_data_free, cancellable, callback, user_data);
}

/**
 * kp_journal_fail_refund_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the failed refund, or %NULL with @error set
 */
KpJournalRefund *
kp_journal_fail_refund_finish (KpJournal     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_fail_refund_async, error);
}

