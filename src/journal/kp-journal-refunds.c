/* kp-journal-refunds.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal.h"
#include "kp-journal-private.h"
#include "kp-vat.h"

/* Refunds (KakaoPay cancel, kakaopay-api.md §7), journaled like sales: a
 * refund is written (REFUND_SENT) before cancel is called, and its outcome
 * after; completing it moves the sale (refunded_amount, PARTIALLY_REFUNDED
 * or REFUNDED, a transitions row) in the same transaction. One refund of a
 * sale may be in flight at a time, and what is left is checked here, from the
 * journal: that cancel_available_amount is refused (-710) when it differs from
 * what KakaoPay has left is inferred, not documented, so nothing relies on it.
 *
 * This file journals refunds and reads them; their outcomes are in
 * kp-journal-refund-outcomes.c. */

/* The refund columns, in the order of the REFUND_* indices below. */
#define REFUND_COLUMNS \
  "r.id, r.refund_id, s.partner_order_id, r.seq, r.state, r.cancel_amount, " \
  "r.cancel_tax_free_amount, r.cancel_vat_amount, r.cancel_available_amount, r.lines_json, " \
  "r.aid, r.created_at, r.completed_at, r.canceled_at, r.detail"

enum {
  REFUND_ID,
  REFUND_REFUND_ID,
  REFUND_PARTNER_ORDER_ID,
  REFUND_SEQ,
  REFUND_STATE,
  REFUND_CANCEL_AMOUNT,
  REFUND_CANCEL_TAX_FREE_AMOUNT,
  REFUND_CANCEL_VAT_AMOUNT,
  REFUND_CANCEL_AVAILABLE_AMOUNT,
  REFUND_LINES_JSON,
  REFUND_AID,
  REFUND_CREATED_AT,
  REFUND_COMPLETED_AT,
  REFUND_CANCELED_AT,
  REFUND_DETAIL,
};

/* What is left to refund of a sale, split as KakaoPay needs it. */
typedef KpVatSplit Remaining;

typedef struct
{
  char                   *partner_order_id;
  KpJournalRefundRequest *request;
} BeginData;

static void
begin_data_free (BeginData *data)
{
  g_free (data->partner_order_id);
  g_clear_pointer (&data->request, kp_journal_refund_request_free);
  g_free (data);
}

static KpRefundState
column_refund_state (sqlite3_stmt *stmt,
                     int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  KpRefundState state = KP_REFUND_STATE_SENT;

  if (!kp_refund_state_from_string (text, &state))
    g_warning ("Journal holds an unknown refund state “%s”", text != NULL ? text : "(null)");

  return state;
}

static gpointer
refund_from_row (sqlite3       *db,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  KpJournalRefund *refund = g_new0 (KpJournalRefund, 1);

  refund->id = sqlite3_column_int64 (stmt, REFUND_ID);
  refund->refund_id = _kp_journal_dup_column_text (stmt, REFUND_REFUND_ID);
  refund->partner_order_id = _kp_journal_dup_column_text (stmt, REFUND_PARTNER_ORDER_ID);
  refund->seq = sqlite3_column_int (stmt, REFUND_SEQ);
  refund->state = column_refund_state (stmt, REFUND_STATE);
  refund->cancel_amount = sqlite3_column_int64 (stmt, REFUND_CANCEL_AMOUNT);
  refund->cancel_tax_free_amount = sqlite3_column_int64 (stmt, REFUND_CANCEL_TAX_FREE_AMOUNT);
  refund->cancel_vat_amount = sqlite3_column_int64 (stmt, REFUND_CANCEL_VAT_AMOUNT);
  refund->cancel_available_amount = sqlite3_column_int64 (stmt, REFUND_CANCEL_AVAILABLE_AMOUNT);
  refund->lines_json = _kp_journal_dup_column_text (stmt, REFUND_LINES_JSON);
  refund->aid = _kp_journal_dup_column_text (stmt, REFUND_AID);
  refund->created_at = _kp_journal_column_time (stmt, REFUND_CREATED_AT);
  refund->completed_at = _kp_journal_column_time (stmt, REFUND_COMPLETED_AT);
  refund->canceled_at = _kp_journal_column_time (stmt, REFUND_CANCELED_AT);
  refund->detail = _kp_journal_dup_column_text (stmt, REFUND_DETAIL);

  return refund;
}

static GPtrArray *
read_refunds (sqlite3       *db,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr (GPtrArray) refunds = NULL;

  refunds = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_refund_free);
  if (!_kp_journal_read_rows (db, stmt, refund_from_row, refunds,
                              "Could not read the journal's refunds", error))
    return NULL;

  return g_steal_pointer (&refunds);
}

KpJournalRefund *
_kp_journal_read_refund (sqlite3     *db,
                         const char  *refund_id,
                         GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT " REFUND_COLUMNS " FROM refunds r "
                              "JOIN sales s ON s.id = r.sale_id WHERE r.refund_id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (stmt, 1, refund_id);

  return _kp_journal_take_first (read_refunds (db, stmt, error), "refund", refund_id, error);
}

/* What is left of the sale: its amounts minus its completed refunds, plus
 * @unrecorded (refunded already in refunded_amount but without its row
 * yet). The total comes from the sale's refunded_amount, the authority; the
 * split from the refunds rows (every refund has one since schema 3). */
static gboolean
read_remaining (sqlite3    *db,
                gint64      sale_id,
                gint64      unrecorded,
                Remaining  *out,
                GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT s.total_amount - s.refunded_amount, "
                              "s.tax_free_amount - coalesce (sum (r.cancel_tax_free_amount), 0), "
                              "s.vat_amount - coalesce (sum (r.cancel_vat_amount), 0) "
                              "FROM sales s LEFT JOIN refunds r "
                              "ON r.sale_id = s.id AND r.state = 'REFUNDED' "
                              "WHERE s.id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sale_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, "Could not read what is left of a sale");

  out->total = sqlite3_column_int64 (stmt, 0) + unrecorded;
  /* Refunds edited by hand could make these negative; nothing is left then. */
  out->tax_free = CLAMP (sqlite3_column_int64 (stmt, 1), 0, out->total);
  out->vat = CLAMP (sqlite3_column_int64 (stmt, 2), 0, out->total - out->tax_free);

  return TRUE;
}

static gboolean
next_refund_seq (sqlite3  *db,
                 gint64    sale_id,
                 gint64   *out_seq,
                 GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT coalesce (max (seq), 0) + 1 FROM refunds WHERE sale_id = ?1",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sale_id);
  return _kp_journal_query_int64 (db, stmt, out_seq, error);
}

static gboolean
insert_refund (sqlite3     *db,
               gint64       sale_id,
               gint64       seq,
               const char  *refund_id,
               const char  *state,
               gint64       amount,
               gint64       tax_free,
               gint64       vat,
               gint64       available,
               const char  *lines_json,
               const char  *now_text,
               const char  *today,
               gboolean     completed,
               const char  *detail,
               GError     **error)
{
  g_autoptr (sqlite3_stmt) insert = NULL;

  insert = _kp_journal_prepare (db,
                                "INSERT INTO refunds (sale_id, seq, refund_id, state, "
                                "cancel_amount, cancel_tax_free_amount, cancel_vat_amount, "
                                "cancel_available_amount, lines_json, created_at, created_day, "
                                "completed_at, completed_day, detail) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                "iif (?12, ?10, NULL), iif (?12, ?11, NULL), ?13)",
                                error);
  if (insert == NULL)
    return FALSE;

  sqlite3_bind_int64 (insert, 1, sale_id);
  sqlite3_bind_int64 (insert, 2, seq);
  _kp_journal_bind_text (insert, 3, refund_id);
  _kp_journal_bind_text (insert, 4, state);
  sqlite3_bind_int64 (insert, 5, amount);
  sqlite3_bind_int64 (insert, 6, tax_free);
  sqlite3_bind_int64 (insert, 7, vat);
  sqlite3_bind_int64 (insert, 8, available);
  _kp_journal_bind_text (insert, 9, lines_json);
  _kp_journal_bind_text (insert, 10, now_text);
  _kp_journal_bind_text (insert, 11, today);
  sqlite3_bind_int (insert, 12, completed ? 1 : 0);
  _kp_journal_bind_text (insert, 13, detail != NULL && *detail != '\0' ? detail : NULL);

  return _kp_journal_step_done (db, insert, "Could not journal the refund", error);
}

gboolean
_kp_journal_check_no_refund_in_flight (sqlite3     *db,
                                       gint64       sale_id,
                                       const char  *partner_order_id,
                                       GError     **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT refund_id FROM refunds "
                              "WHERE sale_id = ?1 AND state = 'REFUND_SENT'",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sale_id);

  switch (sqlite3_step (stmt))
    {
    case SQLITE_DONE:
      return TRUE;

    case SQLITE_ROW:
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "Sale %s has a refund in flight (%s): its outcome must be known first",
                   partner_order_id, (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;

    default:
      return _kp_journal_set_sqlite_error (error, db, "Could not read the sale's refunds");
    }
}

gboolean
_kp_journal_record_transition_refund (sqlite3     *db,
                                      gint64       sale_id,
                                      const char  *partner_order_id,
                                      gint64       old_refunded,
                                      gint64       new_refunded,
                                      const char  *now_text,
                                      const char  *detail,
                                      GError     **error)
{
  g_autofree char *refund_id = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *today = NULL;
  Remaining left;
  KpVatSplit split;
  gint64 amount = new_refunded - old_refunded;
  gint64 seq;

  g_return_val_if_fail (amount > 0, FALSE);

  /* The sale already carries the new refunded amount: what was left before
   * is this refund more. */
  if (!read_remaining (db, sale_id, amount, &left, error))
    return FALSE;

  /* As KakaoPay would split it when the caller did not say. */
  kp_vat_estimate_refund (&left, amount, &split);

  if (!next_refund_seq (db, sale_id, &seq, error))
    return FALSE;

  refund_id = g_strdup_printf ("%s-R%" G_GINT64_FORMAT, partner_order_id, seq);
  now = _kp_journal_parse_time (now_text);
  today = _kp_journal_day_of (now);

  return insert_refund (db, sale_id, seq, refund_id, "REFUNDED", amount, split.tax_free, split.vat,
                        left.total, NULL, now_text, today, TRUE,
                        detail != NULL ? detail : "Journaled by a state transition", error);
}

static gboolean
check_request (const KpJournalRefundRequest  *request,
               GError                       **error)
{
  if (request->cancel_amount < 1)
    return _kp_journal_set_invalid (error, "A refund must be of at least 1 KRW");
  if (request->cancel_tax_free_amount < 0 ||
      request->cancel_tax_free_amount > request->cancel_amount)
    return _kp_journal_set_invalid (error, "A refund's tax-free amount must be between 0 and "
                                           "its amount");
  if (request->cancel_vat_amount != KP_JOURNAL_AUTO &&
      (request->cancel_vat_amount < 0 ||
       request->cancel_vat_amount > request->cancel_amount - request->cancel_tax_free_amount))
    return _kp_journal_set_invalid (error, "A refund's VAT must be between 0 and its taxable "
                                           "amount");
  if (request->cancel_available_amount != KP_JOURNAL_AUTO &&
      request->cancel_available_amount < request->cancel_amount)
    return _kp_journal_set_invalid (error, "A refund's available amount must include the "
                                           "refund");

  if ((request->lines_json != NULL && !g_utf8_validate (request->lines_json, -1, NULL)) ||
      (request->detail != NULL && !g_utf8_validate (request->detail, -1, NULL)))
    return _kp_journal_set_invalid (error, "A refund's lines or detail are not valid UTF-8");

  return TRUE;
}

static KpJournalRefund *
begin_refund_in_transaction (sqlite3                       *db,
                             const char                    *partner_order_id,
                             const KpJournalRefundRequest  *request,
                             GDateTime                     *now,
                             GError                       **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autofree char *now_text = _kp_journal_format_time (now);
  g_autofree char *today = _kp_journal_day_of (now);
  g_autofree char *refund_id = NULL;
  const char *days[1] = { today };
  KpSaleState state;
  Remaining left;
  gint64 sale_id;
  gint64 amount = request->cancel_amount;
  gint64 tax_free = request->cancel_tax_free_amount;
  gint64 taxable = amount - tax_free;
  gint64 vat = request->cancel_vat_amount;
  gboolean json_valid;
  gint64 seq;
  gint64 mark;

  select = _kp_journal_prepare (db, "SELECT id, state FROM sales WHERE partner_order_id = ?1",
                                error);
  if (select == NULL)
    return NULL;

  _kp_journal_bind_text (select, 1, partner_order_id);
  if (!_kp_journal_step_found (db, select, "sale", partner_order_id, error))
    return NULL;

  sale_id = sqlite3_column_int64 (select, 0);
  state = _kp_journal_column_state (select, 1);
  sqlite3_reset (select);

  if (!kp_sale_state_can_transition (state, KP_SALE_STATE_PARTIALLY_REFUNDED) &&
      !kp_sale_state_can_transition (state, KP_SALE_STATE_REFUNDED))
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION,
                   "Sale %s is %s: only an approved or partly refunded sale can be refunded",
                   partner_order_id, _kp_journal_state_name (state));
      return NULL;
    }

  if (!_kp_journal_check_no_refund_in_flight (db, sale_id, partner_order_id, error) ||
      !read_remaining (db, sale_id, 0, &left, error))
    return NULL;

  if (amount > left.total)
    {
      _kp_journal_set_invalid (error, "Sale %s has %" G_GINT64_FORMAT " KRW left to refund, "
                               "not %" G_GINT64_FORMAT, partner_order_id, left.total, amount);
      return NULL;
    }
  if (tax_free > left.tax_free || taxable > left.total - left.tax_free)
    {
      _kp_journal_set_invalid (error, "Sale %s has %" G_GINT64_FORMAT " KRW tax-free and %"
                               G_GINT64_FORMAT " KRW taxable left to refund: a refund of %"
                               G_GINT64_FORMAT " with %" G_GINT64_FORMAT " tax-free does not "
                               "fit", partner_order_id, left.tax_free,
                               left.total - left.tax_free, amount, tax_free);
      return NULL;
    }

  /* The VAT left must stay within the taxable amount left, so the last
   * refund can take the rest of both. */
  if (vat == KP_JOURNAL_AUTO)
    vat = kp_vat_of_refund (&left, amount, tax_free);
  if (vat > left.vat || left.vat - vat > left.total - left.tax_free - taxable ||
      (taxable == left.total - left.tax_free && vat != left.vat))
    {
      _kp_journal_set_invalid (error, "Sale %s has %" G_GINT64_FORMAT " KRW of VAT left on %"
                               G_GINT64_FORMAT " KRW taxable: a refund of %" G_GINT64_FORMAT
                               " taxable with %" G_GINT64_FORMAT " VAT leaves them "
                               "inconsistent", partner_order_id, left.vat,
                               left.total - left.tax_free, taxable, vat);
      return NULL;
    }

  if (request->cancel_available_amount != KP_JOURNAL_AUTO &&
      request->cancel_available_amount != left.total)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "Sale %s has %" G_GINT64_FORMAT " KRW left to refund, not %" G_GINT64_FORMAT,
                   partner_order_id, left.total, request->cancel_available_amount);
      return NULL;
    }

  if (!_kp_journal_json_valid (db, request->lines_json, "Could not check the refund's lines",
                               &json_valid, error))
    return NULL;
  if (!json_valid)
    {
      _kp_journal_set_invalid (error, "The refund's lines are not JSON");
      return NULL;
    }

  if (!next_refund_seq (db, sale_id, &seq, error))
    return NULL;

  refund_id = g_strdup_printf ("%s-R%" G_GINT64_FORMAT, partner_order_id, seq);

  if (!_kp_journal_amend_begin (db, days, G_N_ELEMENTS (days), now_text, &mark, error) ||
      !insert_refund (db, sale_id, seq, refund_id, "REFUND_SENT", amount, tax_free, vat,
                      left.total, request->lines_json, now_text, today, FALSE, request->detail,
                      error) ||
      !_kp_journal_amend_end (db, mark, now_text, error))
    return NULL;

  return _kp_journal_read_refund (db, refund_id, error);
}

static gboolean
check_begin_refund (gconstpointer   data,
                    GDateTime      *now,
                    GError        **error)
{
  const BeginData *input = data;

  return _kp_journal_check_text (input->partner_order_id, "partner_order_id", TRUE, error) &&
         check_request (input->request, error);
}

static gpointer
begin_refund (sqlite3        *db,
              gconstpointer   data,
              GDateTime      *now,
              GError        **error)
{
  const BeginData *input = data;
  KpJournalRefund *refund;

  refund = begin_refund_in_transaction (db, input->partner_order_id, input->request, now, error);
  if (refund != NULL)
    g_debug ("Journaled refund %s of %" G_GINT64_FORMAT, refund->refund_id,
             refund->cancel_amount);
  return refund;
}

static const KpJournalOp begin_refund_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_begin_refund,
  .run = begin_refund,
  .result_free = (GDestroyNotify) kp_journal_refund_free,
};

static gpointer
list_refunds (sqlite3        *db,
              gconstpointer   data,
              GDateTime      *now,
              GError        **error)
{
  const char *partner_order_id = data;
  g_autoptr (sqlite3_stmt) exists = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  exists = _kp_journal_prepare (db, "SELECT 1 FROM sales WHERE partner_order_id = ?1", error);
  stmt = exists == NULL ? NULL :
         _kp_journal_prepare (db,
                              "SELECT " REFUND_COLUMNS " FROM sales s "
                              "JOIN refunds r ON r.sale_id = s.id "
                              "WHERE s.partner_order_id = ?1 ORDER BY r.seq",
                              error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (exists, 1, partner_order_id);
  if (!_kp_journal_step_found (db, exists, "sale", partner_order_id, error))
    return NULL;

  _kp_journal_bind_text (stmt, 1, partner_order_id);
  return read_refunds (db, stmt, error);
}

static const KpJournalOp list_refunds_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_refunds,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

static gpointer
list_pending_refunds (sqlite3        *db,
                      gconstpointer   data,
                      GDateTime      *now,
                      GError        **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              "SELECT " REFUND_COLUMNS " FROM refunds r "
                              "JOIN sales s ON s.id = r.sale_id "
                              "WHERE r.state = 'REFUND_SENT' ORDER BY +r.id",
                              error);
  if (stmt == NULL)
    return NULL;

  return read_refunds (db, stmt, error);
}

static const KpJournalOp list_pending_refunds_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_pending_refunds,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/* Public API */

/**
 * kp_journal_begin_refund_async:
 * @self: a journal
 * @partner_order_id: the sale to refund
 * @request: what to refund; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Journals a refund in state REFUND_SENT, with a fresh refund_id
 * ("T1-20261125-0001-R1"), before cancel is called; send KakaoPay its
 * amounts and cancel_available_amount as returned. The sale does not change
 * until the refund completes.
 *
 * Fails, writing nothing, with %KP_JOURNAL_ERROR_NOT_FOUND;
 * %KP_JOURNAL_ERROR_BAD_TRANSITION if the sale is not APPROVED or
 * PARTIALLY_REFUNDED; %KP_JOURNAL_ERROR_STATE_CONFLICT if another refund of
 * the sale is in flight (REFUND_SENT; one at a time) or the request's
 * cancel_available_amount is not what is left; %KP_JOURNAL_ERROR_INVALID if
 * the amount is below 1, exceeds what is left (total − refunded), or its
 * tax-free/VAT split does not fit what is left of the sale's (a refund of
 * all the taxable amount left must take all the VAT left), or the lines are
 * not JSON.
 */
void
kp_journal_begin_refund_async (KpJournal                    *self,
                               const char                   *partner_order_id,
                               const KpJournalRefundRequest *request,
                               GCancellable                 *cancellable,
                               GAsyncReadyCallback           callback,
                               gpointer                      user_data)
{
  BeginData *data;

  g_return_if_fail (partner_order_id != NULL);
  g_return_if_fail (request != NULL);

  data = g_new0 (BeginData, 1);
  data->partner_order_id = g_strdup (partner_order_id);
  data->request = kp_journal_refund_request_copy (request);

  _kp_journal_run (self, kp_journal_begin_refund_async, &begin_refund_op,
                   data, (GDestroyNotify) begin_data_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_begin_refund_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the journaled refund, or %NULL with @error set
 */
KpJournalRefund *
kp_journal_begin_refund_finish (KpJournal     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_begin_refund_async, error);
}

/**
 * kp_journal_list_refunds_async:
 * @self: a journal
 * @partner_order_id: the sale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Reads a sale's refunds, oldest first, whatever their state.
 */
void
kp_journal_list_refunds_async (KpJournal           *self,
                               const char          *partner_order_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (partner_order_id != NULL);

  _kp_journal_run (self, kp_journal_list_refunds_async, &list_refunds_op,
                   g_strdup (partner_order_id), g_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_list_refunds_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalRefund): the refunds, or
 *   %NULL with @error set (%KP_JOURNAL_ERROR_NOT_FOUND if there is no such
 *   sale)
 */
GPtrArray *
kp_journal_list_refunds_finish (KpJournal     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_refunds_async, error);
}

/**
 * kp_journal_list_pending_refunds_async:
 * @self: a journal
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Lists the refunds the reconciler must resolve (REFUND_SENT), oldest first.
 */
void
kp_journal_list_pending_refunds_async (KpJournal           *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  _kp_journal_run (self, kp_journal_list_pending_refunds_async, &list_pending_refunds_op,
                   NULL, NULL,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_list_pending_refunds_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalRefund): the refunds, or
 *   %NULL with @error set
 */
GPtrArray *
kp_journal_list_pending_refunds_finish (KpJournal     *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_pending_refunds_async, error);
}
