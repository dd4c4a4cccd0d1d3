/* kp-journal-sales.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

/* Sales: journaling a new one (before ready is called) and reading them
 * back. Moving a sale from state to state is in kp-journal-transitions.c. */

/* The indices of KP_JOURNAL_SALE_COLUMNS (kp-journal-private.h). */
enum {
  SALE_ID,
  SALE_PARTNER_ORDER_ID,
  SALE_PARTNER_USER_ID,
  SALE_TERMINAL_ID,
  SALE_CID,
  SALE_DIALECT,
  SALE_STATE,
  SALE_ITEM_NAME,
  SALE_QUANTITY,
  SALE_TOTAL_AMOUNT,
  SALE_TAX_FREE_AMOUNT,
  SALE_VAT_AMOUNT,
  SALE_TID,
  SALE_AID,
  SALE_PG_TOKEN,
  SALE_NONCE,
  SALE_PAYMENT_METHOD_TYPE,
  SALE_CARD_INFO,
  SALE_CREATED_AT,
  SALE_UPDATED_AT,
  SALE_APPROVED_AT,
  SALE_EXPIRES_AT,
  SALE_REFUNDED_AMOUNT,
};

/* A partner_order_id is at most 100 characters (kakaopay-api.md §4):
 * terminal id, "-YYYYMMDD-", a sequence of at least four digits. */
#define MAX_TERMINAL_ID_LENGTH 64

static gboolean
check_terminal_id (const char  *terminal_id,
                   GError     **error)
{
  if (terminal_id == NULL || *terminal_id == '\0')
    return _kp_journal_set_invalid (error, "The sale has no terminal id");

  if (strlen (terminal_id) > MAX_TERMINAL_ID_LENGTH)
    return _kp_journal_set_invalid (error, "The terminal id is longer than %d characters",
                                    MAX_TERMINAL_ID_LENGTH);

  for (const char *p = terminal_id; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        return _kp_journal_set_invalid (error,
                                        "The terminal id “%s” may only hold ASCII letters, "
                                        "digits, “-”, “_” and “.”", terminal_id);
    }

  return TRUE;
}

static gboolean
check_nonce (const char  *nonce,
             GError     **error)
{
  if (nonce == NULL || *nonce == '\0')
    return _kp_journal_set_invalid (error, "The sale has no nonce");

  for (const char *p = nonce; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p))
        return _kp_journal_set_invalid (error, "The sale's nonce is not hexadecimal");
    }

  return TRUE;
}

/* Adds @value ≥ 0 to @sum ≥ 0, refusing overflow. */
static gboolean
add_amount (gint64 *sum,
            gint64  value)
{
  if (value > G_MAXINT64 - *sum)
    return FALSE;

  *sum += value;
  return TRUE;
}

static gboolean
check_new_sale (gconstpointer   data,
                GDateTime      *now,
                GError        **error)
{
  const KpJournalNewSale *input = data;
  gint64 quantity = 0;
  gint64 total = 0;
  gint64 tax_free = 0;

  if (!check_terminal_id (input->terminal_id, error) ||
      !_kp_journal_check_text (input->partner_user_id, "partner_user_id", TRUE, error) ||
      !_kp_journal_check_text (input->cid, "CID", TRUE, error) ||
      !_kp_journal_check_text (input->item_name, "item name", TRUE, error) ||
      !check_nonce (input->nonce, error))
    return FALSE;

  if (g_strcmp0 (input->dialect, "online") != 0 && g_strcmp0 (input->dialect, "legacy") != 0)
    return _kp_journal_set_invalid (error,
                                    "The sale's dialect must be “online” or “legacy”");

  if (input->quantity < 1)
    return _kp_journal_set_invalid (error, "The sale's quantity must be at least 1");
  if (input->total_amount < 1)
    return _kp_journal_set_invalid (error, "The sale's total amount must be at least 1");
  if (input->tax_free_amount < 0 || input->tax_free_amount > input->total_amount)
    return _kp_journal_set_invalid (error,
                                    "The sale's tax-free amount must be between 0 and the total");
  if (input->vat_amount < 0 || input->vat_amount > input->total_amount - input->tax_free_amount)
    return _kp_journal_set_invalid (error,
                                    "The sale's VAT must be between 0 and the taxable amount");

  if (input->lines == NULL || input->lines->len == 0)
    return TRUE;

  for (guint i = 0; i < input->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (input->lines, i);

      if (!_kp_journal_check_text (line->name, "line name", TRUE, error))
        return FALSE;
      if (line->quantity < 1 || line->unit_price < 0)
        return _kp_journal_set_invalid (error,
                                        "Line %u has a quantity below 1 or a negative price",
                                        i + 1);
      if (line->unit_price != 0 && line->quantity > G_MAXINT64 / line->unit_price)
        return _kp_journal_set_invalid (error, "Line %u's amount is out of range", i + 1);

      if (!add_amount (&quantity, line->quantity) ||
          !add_amount (&total, line->quantity * line->unit_price) ||
          (line->tax_free && !add_amount (&tax_free, line->quantity * line->unit_price)))
        return _kp_journal_set_invalid (error, "The lines' totals are out of range");
    }

  /* The cart computes the totals from its lines (DESIGN.md); a mismatch is a
   * bug that must not reach KakaoPay or the books. */
  if (quantity != input->quantity || total != input->total_amount ||
      tax_free != input->tax_free_amount)
    return _kp_journal_set_invalid (error,
                                    "The sale's quantity and amounts (%" G_GINT64_FORMAT
                                    ", %" G_GINT64_FORMAT ", tax-free %" G_GINT64_FORMAT
                                    ") do not match its lines (%" G_GINT64_FORMAT
                                    ", %" G_GINT64_FORMAT ", tax-free %" G_GINT64_FORMAT ")",
                                    input->quantity, input->total_amount, input->tax_free_amount,
                                    quantity, total, tax_free);

  return TRUE;
}

KpJournalSale *
_kp_journal_sale_from_row (sqlite3_stmt *stmt)
{
  KpJournalSale *sale = g_new0 (KpJournalSale, 1);

  sale->id = sqlite3_column_int64 (stmt, SALE_ID);
  sale->partner_order_id = _kp_journal_dup_column_text (stmt, SALE_PARTNER_ORDER_ID);
  sale->partner_user_id = _kp_journal_dup_column_text (stmt, SALE_PARTNER_USER_ID);
  sale->terminal_id = _kp_journal_dup_column_text (stmt, SALE_TERMINAL_ID);
  sale->cid = _kp_journal_dup_column_text (stmt, SALE_CID);
  sale->dialect = _kp_journal_dup_column_text (stmt, SALE_DIALECT);
  sale->state = _kp_journal_column_state (stmt, SALE_STATE);
  sale->item_name = _kp_journal_dup_column_text (stmt, SALE_ITEM_NAME);
  sale->quantity = sqlite3_column_int64 (stmt, SALE_QUANTITY);
  sale->total_amount = sqlite3_column_int64 (stmt, SALE_TOTAL_AMOUNT);
  sale->tax_free_amount = sqlite3_column_int64 (stmt, SALE_TAX_FREE_AMOUNT);
  sale->vat_amount = sqlite3_column_int64 (stmt, SALE_VAT_AMOUNT);
  sale->tid = _kp_journal_dup_column_text (stmt, SALE_TID);
  sale->aid = _kp_journal_dup_column_text (stmt, SALE_AID);
  sale->pg_token = _kp_journal_dup_column_text (stmt, SALE_PG_TOKEN);
  sale->nonce = _kp_journal_dup_column_text (stmt, SALE_NONCE);
  sale->payment_method_type = _kp_journal_dup_column_text (stmt, SALE_PAYMENT_METHOD_TYPE);
  sale->card_info_json = _kp_journal_dup_column_text (stmt, SALE_CARD_INFO);
  sale->created_at = _kp_journal_column_time (stmt, SALE_CREATED_AT);
  sale->updated_at = _kp_journal_column_time (stmt, SALE_UPDATED_AT);
  sale->approved_at = _kp_journal_column_time (stmt, SALE_APPROVED_AT);
  sale->expires_at = _kp_journal_column_time (stmt, SALE_EXPIRES_AT);
  sale->refunded_amount = sqlite3_column_int64 (stmt, SALE_REFUNDED_AMOUNT);
  sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);

  return sale;
}

static gboolean
load_lines (sqlite3        *db,
            KpJournalSale  *sale,
            GError        **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;
  int rc;

  stmt = _kp_journal_prepare_cached (db,
                                     "SELECT position, name, quantity, unit_price, tax_free, "
                                     "amount FROM sale_lines WHERE sale_id = ?1 "
                                     "ORDER BY position",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sale->id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpJournalLine *line = g_new0 (KpJournalLine, 1);

      line->position = sqlite3_column_int (stmt, 0);
      line->name = _kp_journal_dup_column_text (stmt, 1);
      line->quantity = sqlite3_column_int64 (stmt, 2);
      line->unit_price = sqlite3_column_int64 (stmt, 3);
      line->tax_free = sqlite3_column_int (stmt, 4) != 0;
      line->amount = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (sale->lines, line);
    }

  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read a sale's lines");

  return TRUE;
}

static gpointer
sale_with_lines_from_row (sqlite3       *db,
                          sqlite3_stmt  *stmt,
                          GError       **error)
{
  g_autoptr (KpJournalSale) sale = _kp_journal_sale_from_row (stmt);

  if (!load_lines (db, sale, error))
    return NULL;

  return g_steal_pointer (&sale);
}

/* Reads every row of @stmt (a SELECT of KP_JOURNAL_SALE_COLUMNS), with the lines. */
static GPtrArray *
read_sales (sqlite3       *db,
            sqlite3_stmt  *stmt,
            GError       **error)
{
  g_autoptr (GPtrArray) sales = NULL;

  sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);
  if (!_kp_journal_read_rows (db, stmt, sale_with_lines_from_row, sales,
                              "Could not read the journal's sales", error))
    return NULL;

  return g_steal_pointer (&sales);
}

KpJournalSale *
_kp_journal_read_sale (sqlite3     *db,
                       const char  *partner_order_id,
                       GError     **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;

  stmt = _kp_journal_prepare_cached (db,
                                     "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                                     "WHERE partner_order_id = ?1",
                                     error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (stmt, 1, partner_order_id);

  return _kp_journal_take_first (read_sales (db, stmt, error), "sale", partner_order_id, error);
}

/* Bumps the terminal's sequence for @day and returns a partner_order_id no
 * sale has. The sequence row outlives the sales, so a number is never handed
 * out twice; the check against the sales covers a sequence table edited by
 * hand. */
static char *
next_order_id (sqlite3     *db,
               const char  *terminal_id,
               const char  *day,
               GError     **error)
{
  g_autoptr (KpJournalCachedStmt) bump = NULL;
  g_autoptr (KpJournalCachedStmt) exists = NULL;

  bump = _kp_journal_prepare_cached (db,
                                     "INSERT INTO order_sequences (terminal_id, day, last) "
                                     "VALUES (?1, ?2, 1) "
                                     "ON CONFLICT (terminal_id, day) DO UPDATE SET last = last + 1 "
                                     "RETURNING last",
                                     error);
  if (bump == NULL)
    return NULL;

  exists = _kp_journal_prepare_cached (db, "SELECT 1 FROM sales WHERE partner_order_id = ?1",
                                       error);
  if (exists == NULL)
    return NULL;

  _kp_journal_bind_text (bump, 1, terminal_id);
  _kp_journal_bind_text (bump, 2, day);

  for (;;)
    {
      g_autofree char *order_id = NULL;
      gint64 sequence;
      int rc;

      if (sqlite3_step (bump) != SQLITE_ROW)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not take the next order number");
          return NULL;
        }
      sequence = sqlite3_column_int64 (bump, 0);
      sqlite3_reset (bump);

      order_id = g_strdup_printf ("%s-%s-%04" G_GINT64_FORMAT, terminal_id, day, sequence);

      _kp_journal_bind_text (exists, 1, order_id);
      rc = sqlite3_step (exists);
      sqlite3_reset (exists);

      if (rc == SQLITE_DONE)
        return g_steal_pointer (&order_id);
      if (rc != SQLITE_ROW)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not check an order number");
          return NULL;
        }

      g_warning ("Order number %s is already taken; the sequence table was edited", order_id);
    }
}

static KpJournalSale *
create_sale_in_transaction (sqlite3                 *db,
                            const KpJournalNewSale  *input,
                            GDateTime               *now,
                            GError                 **error)
{
  g_autoptr (KpJournalCachedStmt) insert = NULL;
  g_autoptr (KpJournalCachedStmt) insert_line = NULL;
  g_autoptr (KpJournalCachedStmt) insert_transition = NULL;
  g_autoptr (GDateTime) local_now = NULL;
  g_autofree char *now_text = NULL;
  g_autofree char *day = NULL;
  g_autofree char *created_day = NULL;
  g_autofree char *order_id = NULL;
  gint64 sale_id;
  gint64 mark;

  local_now = g_date_time_to_local (now);
  now_text = _kp_journal_format_time (local_now);
  day = g_date_time_format (local_now, "%Y%m%d");
  created_day = g_date_time_format (local_now, "%Y-%m-%d");

  if (!_kp_journal_amend_begin (db, (const char * const *) &created_day, 1, now_text, &mark,
                                error))
    return NULL;

  order_id = next_order_id (db, input->terminal_id, day, error);
  if (order_id == NULL)
    return NULL;

  insert = _kp_journal_prepare_cached (db,
                                       "INSERT INTO sales (partner_order_id, partner_user_id, "
                                       "terminal_id, cid, dialect, state, item_name, "
                                       "quantity, total_amount, tax_free_amount, vat_amount, "
                                       "nonce, created_at, updated_at, created_day, "
                                       "refunded_amount, retry_of) "
                                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                       "?12, ?13, ?13, ?14, 0, "
                                       /* Only an attempt that could not start is repeated. */
                                       "(SELECT partner_order_id FROM sales "
                                       "WHERE partner_order_id = ?15 "
                                       "AND state = 'READY_FAILED'))",
                                       error);
  if (insert == NULL)
    return NULL;

  _kp_journal_bind_text (insert, 1, order_id);
  _kp_journal_bind_text (insert, 2, input->partner_user_id);
  _kp_journal_bind_text (insert, 3, input->terminal_id);
  _kp_journal_bind_text (insert, 4, input->cid);
  _kp_journal_bind_text (insert, 5, input->dialect);
  _kp_journal_bind_text (insert, 6, kp_sale_state_to_string (KP_SALE_STATE_READY_SENT));
  _kp_journal_bind_text (insert, 7, input->item_name);
  sqlite3_bind_int64 (insert, 8, input->quantity);
  sqlite3_bind_int64 (insert, 9, input->total_amount);
  sqlite3_bind_int64 (insert, 10, input->tax_free_amount);
  sqlite3_bind_int64 (insert, 11, input->vat_amount);
  _kp_journal_bind_text (insert, 12, input->nonce);
  _kp_journal_bind_text (insert, 13, now_text);
  _kp_journal_bind_text (insert, 14, created_day);
  _kp_journal_bind_text (insert, 15, input->retry_of);

  if (!_kp_journal_step_done (db, insert, "Could not journal the sale", error))
    return NULL;

  sale_id = sqlite3_last_insert_rowid (db);

  insert_line = _kp_journal_prepare_cached (db,
                                            "INSERT INTO sale_lines (sale_id, position, name, "
                                            "quantity, unit_price, tax_free, amount) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                            error);
  if (insert_line == NULL)
    return NULL;

  for (guint i = 0; input->lines != NULL && i < input->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (input->lines, i);

      sqlite3_bind_int64 (insert_line, 1, sale_id);
      sqlite3_bind_int (insert_line, 2, i);
      _kp_journal_bind_text (insert_line, 3, line->name);
      sqlite3_bind_int64 (insert_line, 4, line->quantity);
      sqlite3_bind_int64 (insert_line, 5, line->unit_price);
      sqlite3_bind_int (insert_line, 6, line->tax_free ? 1 : 0);
      sqlite3_bind_int64 (insert_line, 7, line->quantity * line->unit_price);

      if (!_kp_journal_step_done (db, insert_line, "Could not journal a sale's line", error))
        return NULL;
    }

  insert_transition = _kp_journal_prepare_cached (db,
                                                  "INSERT INTO transitions (sale_id, from_state, "
                                                  "to_state, at, detail) "
                                                  "VALUES (?1, NULL, ?2, ?3, "
                                                  "(SELECT 'retry of ' || retry_of FROM sales "
                                                  "WHERE id = ?1))",
                                                  error);
  if (insert_transition == NULL)
    return NULL;

  sqlite3_bind_int64 (insert_transition, 1, sale_id);
  _kp_journal_bind_text (insert_transition, 2,
                         kp_sale_state_to_string (KP_SALE_STATE_READY_SENT));
  _kp_journal_bind_text (insert_transition, 3, now_text);

  if (!_kp_journal_step_done (db, insert_transition, "Could not journal the sale's creation",
                              error))
    return NULL;

  if (!_kp_journal_amend_end (db, mark, now_text, error))
    return NULL;

  return _kp_journal_read_sale (db, order_id, error);
}

static gpointer
create_sale (sqlite3        *db,
             gconstpointer   data,
             GDateTime      *now,
             GError        **error)
{
  KpJournalSale *sale = create_sale_in_transaction (db, data, now, error);

  if (sale != NULL)
    g_debug ("Journaled sale %s", sale->partner_order_id);
  return sale;
}

static const KpJournalOp create_sale_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_new_sale,
  .run = create_sale,
  .result_free = (GDestroyNotify) kp_journal_sale_free,
};

static gpointer
get_sale (sqlite3        *db,
          gconstpointer   data,
          GDateTime      *now,
          GError        **error)
{
  return _kp_journal_read_sale (db, data, error);
}

static const KpJournalOp get_sale_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = get_sale,
  .result_free = (GDestroyNotify) kp_journal_sale_free,
};

static gpointer
list_in_flight (sqlite3        *db,
                gconstpointer   data,
                GDateTime      *now,
                GError        **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *now_text = NULL;

  /* A sale the cashier gave up on can still be paid until its tid expires
   * (KakaoPay's word wins), so the reconciler must see it until then. */
  stmt = _kp_journal_prepare (db,
                              "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                              "WHERE state IN ('READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING') "
                              "OR (state = 'ABORTED_BY_CASHIER' "
                              "AND unixepoch (expires_at) > unixepoch (?1)) "
                              "ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;

  now_text = _kp_journal_format_time (now);
  _kp_journal_bind_text (stmt, 1, now_text);

  return read_sales (db, stmt, error);
}

static const KpJournalOp list_in_flight_op = {
  .kind = KP_JOURNAL_OP_READ,
  .clock = TRUE,
  .run = list_in_flight,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

static gpointer
list_sales (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  const GDate *day = data;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = _kp_journal_prepare (db,
                              day != NULL ?
                              "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                              "WHERE created_day = ?1 ORDER BY id" :
                              "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;

  if (day != NULL)
    {
      g_autofree char *day_text = _kp_journal_format_day (day);

      _kp_journal_bind_text (stmt, 1, day_text);
    }

  return read_sales (db, stmt, error);
}

static const KpJournalOp list_sales_op = {
  .kind = KP_JOURNAL_OP_READ,
  .run = list_sales,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/* Public API */

/**
 * kp_journal_create_sale_async:
 * @self: a journal
 * @sale: what to journal; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Journals a new sale in state READY_SENT with a fresh partner_order_id
 * (terminal id, local date, sequence: "T1-20261125-0001") and its lines. Call
 * it before ready: ready needs the order id, and a crash after ready must
 * find the sale.
 */
void
kp_journal_create_sale_async (KpJournal              *self,
                              const KpJournalNewSale *sale,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_return_if_fail (sale != NULL);

  _kp_journal_run (self, kp_journal_create_sale_async, &create_sale_op,
                   kp_journal_new_sale_copy (sale), (GDestroyNotify) kp_journal_new_sale_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_create_sale_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored sale, or %NULL with @error set
 */
KpJournalSale *
kp_journal_create_sale_finish (KpJournal     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_create_sale_async, error);
}

/**
 * kp_journal_get_sale_async:
 * @self: a journal
 * @partner_order_id: the sale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Reads one sale with its lines.
 */
void
kp_journal_get_sale_async (KpJournal           *self,
                           const char          *partner_order_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (partner_order_id != NULL);

  _kp_journal_run (self, kp_journal_get_sale_async, &get_sale_op,
                   g_strdup (partner_order_id), g_free, cancellable, callback, user_data);
}

/**
 * kp_journal_get_sale_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the sale, or %NULL with @error set
 *   (%KP_JOURNAL_ERROR_NOT_FOUND if there is no such sale)
 */
KpJournalSale *
kp_journal_get_sale_finish (KpJournal     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_get_sale_async, error);
}

/**
 * kp_journal_list_in_flight_async:
 * @self: a journal
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Lists the sales the reconciler must resolve: every sale in READY_SENT,
 * AWAITING_CUSTOMER or APPROVING, and every ABORTED_BY_CASHIER sale whose
 * tid has not expired yet (the customer may still pay it). An aborted sale
 * without a known expiry is not listed: without a tid there is nothing to
 * ask KakaoPay.
 */
void
kp_journal_list_in_flight_async (KpJournal           *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  _kp_journal_run (self, kp_journal_list_in_flight_async, &list_in_flight_op,
                   NULL, NULL, cancellable, callback, user_data);
}

/**
 * kp_journal_list_in_flight_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalSale): the sales in
 *   creation order, or %NULL with @error set
 */
GPtrArray *
kp_journal_list_in_flight_finish (KpJournal     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_in_flight_async, error);
}

/**
 * kp_journal_list_sales_async:
 * @self: a journal
 * @day: (nullable): a valid local date, or %NULL for every sale
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * Lists the sales created on @day (local time), for the history.
 */
void
kp_journal_list_sales_async (KpJournal           *self,
                             const GDate         *day,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (day == NULL || g_date_valid (day));

  _kp_journal_run (self, kp_journal_list_sales_async, &list_sales_op,
                   day != NULL ? g_date_copy (day) : NULL, (GDestroyNotify) g_date_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_list_sales_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalSale): the sales in
 *   creation order, or %NULL with @error set
 */
GPtrArray *
kp_journal_list_sales_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_list_sales_async, error);
}

