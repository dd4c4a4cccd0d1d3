/* kp-journal.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

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
 * Sales and their transitions are here; refunds are in
 * kp-journal-refunds.c, history search in kp-journal-search.c, the day
 * report, closing and verifying days in kp-journal-days.c. Every write
 * transaction records, and seals, its changes to days already closed
 * (_kp_journal_amend_begin() and _kp_journal_amend_end()).
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

/* Helpers. Those named *_locked run with self->mutex held. */

sqlite3 *
_kp_journal_lock (KpJournal *self)
{
  g_mutex_lock (&self->mutex);
  return self->db;
}

void
_kp_journal_unlock (KpJournal *self)
{
  g_mutex_unlock (&self->mutex);
}

GDateTime *
_kp_journal_now_locked (KpJournal *self)
{
  GDateTime *now = NULL;

  if (self->clock_func != NULL)
    now = self->clock_func (self->clock_data);
  if (now == NULL)
    now = g_date_time_new_now_local ();

  return now;
}

char *
_kp_journal_dup_column_text (sqlite3_stmt *stmt,
                             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GDateTime *
_kp_journal_column_time (sqlite3_stmt *stmt,
                         int           column)
{
  return _kp_journal_parse_time ((const char *) sqlite3_column_text (stmt, column));
}

KpSaleState
_kp_journal_column_state (sqlite3_stmt *stmt,
                          int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  KpSaleState state = KP_SALE_STATE_NONE;

  if (text != NULL && !kp_sale_state_from_string (text, &state))
    g_warning ("Journal holds an unknown sale state “%s”", text);

  return state;
}

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
check_new_sale (const KpJournalNewSale  *input,
                GError                 **error)
{
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

/* Reads every row of @stmt (a SELECT of KP_JOURNAL_SALE_COLUMNS), with the lines. */
static GPtrArray *
read_sales (sqlite3       *db,
            sqlite3_stmt  *stmt,
            GError       **error)
{
  g_autoptr (GPtrArray) sales = NULL;
  int rc;

  sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpJournalSale *sale = _kp_journal_sale_from_row (stmt);

      g_ptr_array_add (sales, sale);
      if (!load_lines (db, sale, error))
        return NULL;
    }

  if (rc != SQLITE_DONE)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not read the journal's sales");
      return NULL;
    }

  return g_steal_pointer (&sales);
}

KpJournalSale *
_kp_journal_read_sale (sqlite3     *db,
                       const char  *partner_order_id,
                       GError     **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;
  g_autoptr (GPtrArray) sales = NULL;

  stmt = _kp_journal_prepare_cached (db,
                                     "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                                     "WHERE partner_order_id = ?1",
                                     error);
  if (stmt == NULL)
    return NULL;

  _kp_journal_bind_text (stmt, 1, partner_order_id);

  sales = read_sales (db, stmt, error);
  if (sales == NULL)
    return NULL;

  if (sales->len == 0)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                   "No sale “%s” in the journal", partner_order_id);
      return NULL;
    }

  return g_ptr_array_steal_index (sales, 0);
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

static KpJournalSale *
create_sale (KpJournal               *self,
             const KpJournalNewSale  *input,
             GCancellable            *cancellable,
             GError                 **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (GDateTime) now = NULL;
  KpJournalSale *sale;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!check_new_sale (input, error))
    return NULL;

  now = _kp_journal_now_locked (self);

  if (!_kp_journal_begin (self->db, error))
    return NULL;

  sale = create_sale_in_transaction (self->db, input, now, error);
  if (sale == NULL)
    {
      _kp_journal_rollback (self->db);
      return NULL;
    }

  if (!_kp_journal_commit (self->db, error))
    {
      kp_journal_sale_free (sale);
      return NULL;
    }

  g_debug ("Journaled sale %s", sale->partner_order_id);
  return sale;
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

  switch (sqlite3_step (select))
    {
    case SQLITE_ROW:
      break;

    case SQLITE_DONE:
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                   "No sale “%s” in the journal", data->partner_order_id);
      return NULL;

    default:
      _kp_journal_set_sqlite_error (error, db, "Could not read the sale");
      return NULL;
    }

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

  if (changes->card_info_json != NULL)
    {
      g_autoptr (sqlite3_stmt) valid = NULL;

      valid = _kp_journal_prepare (db, "SELECT json_valid (?1)", error);
      if (valid == NULL)
        return NULL;

      _kp_journal_bind_text (valid, 1, changes->card_info_json);
      if (sqlite3_step (valid) != SQLITE_ROW)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not check the card info");
          return NULL;
        }
      if (sqlite3_column_int (valid, 0) == 0)
        {
          _kp_journal_set_invalid (error, "The card info of sale %s is not JSON",
                                   data->partner_order_id);
          return NULL;
        }
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

static KpJournalSale *
transition (KpJournal             *self,
            const TransitionData  *data,
            GCancellable          *cancellable,
            GError               **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (GDateTime) now = NULL;
  KpJournalSale *sale;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!kp_sale_state_can_transition (data->from, data->to))
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION,
                   "A sale cannot move from %s to %s",
                   _kp_journal_state_name (data->from), _kp_journal_state_name (data->to));
      return NULL;
    }

  if (!_kp_journal_check_text (data->partner_order_id, "partner_order_id", TRUE, error) ||
      !check_update (data->update, data->to, error))
    return NULL;

  now = _kp_journal_now_locked (self);

  if (!_kp_journal_begin (self->db, error))
    return NULL;

  sale = transition_in_transaction (self->db, data, now, error);
  if (sale == NULL)
    {
      _kp_journal_rollback (self->db);
      return NULL;
    }

  if (!_kp_journal_commit (self->db, error))
    {
      kp_journal_sale_free (sale);
      return NULL;
    }

  g_debug ("Sale %s: %s → %s", data->partner_order_id,
           _kp_journal_state_name (data->from), _kp_journal_state_name (data->to));
  return sale;
}

static KpJournalSale *
get_sale (KpJournal     *self,
          const char    *partner_order_id,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return _kp_journal_read_sale (self->db, partner_order_id, error);
}

static GPtrArray *
list_in_flight (KpJournal     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *now_text = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* A sale the cashier gave up on can still be paid until its tid expires
   * (KakaoPay's word wins), so the reconciler must see it until then. */
  stmt = _kp_journal_prepare (self->db,
                              "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                              "WHERE state IN ('READY_SENT', 'AWAITING_CUSTOMER', 'APPROVING') "
                              "OR (state = 'ABORTED_BY_CASHIER' "
                              "AND unixepoch (expires_at) > unixepoch (?1)) "
                              "ORDER BY id",
                              error);
  if (stmt == NULL)
    return NULL;

  now = _kp_journal_now_locked (self);
  now_text = _kp_journal_format_time (now);
  _kp_journal_bind_text (stmt, 1, now_text);

  return read_sales (self->db, stmt, error);
}

static GPtrArray *
list_sales (KpJournal     *self,
            const GDate   *day,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (day != NULL)
    {
      g_autofree char *day_text = NULL;

      stmt = _kp_journal_prepare (self->db,
                                  "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales "
                                  "WHERE created_day = ?1 ORDER BY id",
                                  error);
      if (stmt == NULL)
        return NULL;

      day_text = g_strdup_printf ("%04u-%02u-%02u", (guint) g_date_get_year (day),
                                  (guint) g_date_get_month (day), (guint) g_date_get_day (day));
      _kp_journal_bind_text (stmt, 1, day_text);
    }
  else
    {
      stmt = _kp_journal_prepare (self->db,
                                  "SELECT " KP_JOURNAL_SALE_COLUMNS " FROM sales ORDER BY id",
                                  error);
      if (stmt == NULL)
        return NULL;
    }

  return read_sales (self->db, stmt, error);
}

static GPtrArray *
list_transitions (KpJournal     *self,
                  const char    *partner_order_id,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  gboolean found = FALSE;
  int rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The LEFT JOIN yields one row with a NULL transition id for a sale
   * without history, and none for an unknown sale. */
  stmt = _kp_journal_prepare (self->db,
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
      _kp_journal_set_sqlite_error (error, self->db, "Could not read the sale's history");
      return NULL;
    }

  if (!found)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                   "No sale “%s” in the journal", partner_order_id);
      return NULL;
    }

  return g_steal_pointer (&transitions);
}

static gboolean
export_csv (KpJournal     *self,
            const char    *csv_path,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr (GBytes) csv = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Hold the lock only while reading: one statement, one snapshot. */
  g_mutex_lock (&self->mutex);
  csv = _kp_journal_csv_build (self->db, error);
  g_mutex_unlock (&self->mutex);

  if (csv == NULL)
    return FALSE;

  /* A temporary file in the same folder, synced, then renamed over the
   * target: a reader never sees half an export. */
  return g_file_set_contents_full (csv_path, g_bytes_get_data (csv, NULL), g_bytes_get_size (csv),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* Worker threads */

typedef struct
{
  KpJournalOpFunc func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} OpData;

static void
op_data_free (OpData *op)
{
  if (op->data_free != NULL)
    g_clear_pointer (&op->data, op->data_free);
  g_free (op);
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  OpData *op = task_data;
  gpointer result;

  result = op->func (source_object, op->data, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, op->result_free);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  KpJournal *journal;

  if (g_task_return_error_if_cancelled (task))
    return;

  journal = kp_journal_open_sync (task_data, &error);
  if (journal == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, journal, g_object_unref);
}

static void
create_sale_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = create_sale (source_object, task_data, cancellable, &error);
  if (sale == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sale, (GDestroyNotify) kp_journal_sale_free);
}

static void
transition_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = transition (source_object, task_data, cancellable, &error);
  if (sale == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sale, (GDestroyNotify) kp_journal_sale_free);
}

static void
get_sale_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = get_sale (source_object, task_data, cancellable, &error);
  if (sale == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sale, (GDestroyNotify) kp_journal_sale_free);
}

static void
list_in_flight_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  sales = list_in_flight (source_object, cancellable, &error);
  if (sales == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sales, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_sales_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  sales = list_sales (source_object, task_data, cancellable, &error);
  if (sales == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sales, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_transitions_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *transitions;

  transitions = list_transitions (source_object, task_data, cancellable, &error);
  if (transitions == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, transitions, (GDestroyNotify) g_ptr_array_unref);
}

static void
export_csv_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (!export_csv (source_object, task_data, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (path != NULL && *path != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
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
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kp_journal_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (sale != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_create_sale_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, kp_journal_new_sale_copy (sale),
                        (GDestroyNotify) kp_journal_new_sale_free);
  g_task_run_in_thread (task, create_sale_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kp_journal_create_sale_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

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
  g_autoptr (GTask) task = NULL;
  g_autoptr (TransitionData) data = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (partner_order_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (TransitionData, 1);
  data->partner_order_id = g_strdup (partner_order_id);
  data->from = from;
  data->to = to;
  data->update = update != NULL ? kp_journal_update_copy (update) : kp_journal_update_new ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_transition_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) transition_data_free);
  g_task_run_in_thread (task, transition_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kp_journal_transition_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (partner_order_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_get_sale_async);
  g_task_set_task_data (task, g_strdup (partner_order_id), g_free);
  g_task_run_in_thread (task, get_sale_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kp_journal_get_sale_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_list_in_flight_async);
  g_task_run_in_thread (task, list_in_flight_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kp_journal_list_in_flight_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (day == NULL || g_date_valid (day));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_list_sales_async);
  if (day != NULL)
    g_task_set_task_data (task, g_date_copy (day), (GDestroyNotify) g_date_free);
  g_task_run_in_thread (task, list_sales_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kp_journal_list_sales_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (partner_order_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_list_transitions_async);
  g_task_set_task_data (task, g_strdup (partner_order_id), g_free);
  g_task_run_in_thread (task, list_transitions_thread);
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
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        kp_journal_list_transitions_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * kp_journal_export_csv_sync:
 * @self: a journal
 * @csv_path: the file to write; replaced atomically
 * @error: return location for a #GError
 *
 * Writes every sale as CSV (DESIGN.md): UTF-8 without a BOM, RFC 4180
 * quoting, CRLF after every record, the header `partner_order_id,tid,aid,
 * state,item_name,quantity,total_amount,tax_free_amount,vat_amount,
 * payment_method_type,created_at,approved_at,refunded_amount` (one line),
 * one record per sale in creation order, empty fields for absent values,
 * times as stored (ISO 8601 with the local offset).
 * Blocks; for --export-journal. Failing to write fails with a #GFileError.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_journal_export_csv_sync (KpJournal   *self,
                            const char  *csv_path,
                            GError     **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (csv_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return export_csv (self, csv_path, NULL, error);
}

/**
 * kp_journal_export_csv_async:
 * @self: a journal
 * @csv_path: the file to write; replaced atomically
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_export_csv_sync() in a worker thread.
 */
void
kp_journal_export_csv_async (KpJournal           *self,
                             const char          *csv_path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_JOURNAL (self));
  g_return_if_fail (csv_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_journal_export_csv_async);
  g_task_set_task_data (task, g_strdup (csv_path), g_free);
  g_task_run_in_thread (task, export_csv_thread);
}

gboolean
kp_journal_export_csv_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kp_journal_export_csv_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The async half of the operations of kp-journal-refunds.c, -search.c and
 * -days.c: @func runs in a worker thread on @data (owned; freed with
 * @data_free) and its result goes to _kp_journal_run_finish(). */
void
_kp_journal_run_async (KpJournal           *self,
                       gpointer             source_tag,
                       KpJournalOpFunc      func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       gboolean             writes,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  OpData *op;

  op = g_new0 (OpData, 1);
  op->func = func;
  op->data = data;
  op->data_free = data_free;
  op->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if (writes)
    g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, op, (GDestroyNotify) op_data_free);
  g_task_run_in_thread (task, op_thread);
}

gpointer
_kp_journal_run_finish (KpJournal     *self,
                        GAsyncResult  *result,
                        gpointer       source_tag,
                        GError       **error)
{
  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
_kp_journal_query_text (KpJournal   *self,
                        const char  *sql,
                        GError     **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (KP_IS_JOURNAL (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);

  stmt = _kp_journal_prepare (self->db, sql, error);
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
      _kp_journal_set_sqlite_error (error, self->db, "Query failed");
      return NULL;
    }
}
