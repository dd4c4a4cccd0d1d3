/* kp-journal-sale.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal-sale.h"

G_DEFINE_BOXED_TYPE (KpJournalLine, kp_journal_line, kp_journal_line_copy, kp_journal_line_free)
G_DEFINE_BOXED_TYPE (KpJournalNewSale, kp_journal_new_sale,
                     kp_journal_new_sale_copy, kp_journal_new_sale_free)
G_DEFINE_BOXED_TYPE (KpJournalSale, kp_journal_sale, kp_journal_sale_copy, kp_journal_sale_free)
G_DEFINE_BOXED_TYPE (KpJournalUpdate, kp_journal_update,
                     kp_journal_update_copy, kp_journal_update_free)
G_DEFINE_BOXED_TYPE (KpJournalTransition, kp_journal_transition,
                     kp_journal_transition_copy, kp_journal_transition_free)
G_DEFINE_BOXED_TYPE (KpJournalQuery, kp_journal_query, kp_journal_query_copy, kp_journal_query_free)

static gpointer
copy_line_func (gconstpointer src,
                gpointer      user_data)
{
  return kp_journal_line_copy (src);
}

static GPtrArray *
copy_lines (GPtrArray *lines)
{
  if (lines == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);

  return g_ptr_array_copy (lines, copy_line_func, NULL);
}

static GDateTime *
ref_nullable (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_ref (datetime) : NULL;
}

/**
 * kp_journal_line_new:
 * @name: the item's name
 * @quantity: how many
 * @unit_price: KRW
 * @tax_free: whether the line is VAT-exempt
 *
 * Returns: (transfer full): a line at position 0 whose amount is
 *   @quantity × @unit_price (0 if that overflows; the journal refuses it)
 */
KpJournalLine *
kp_journal_line_new (const char *name,
                     gint64      quantity,
                     gint64      unit_price,
                     gboolean    tax_free)
{
  KpJournalLine *line = g_new0 (KpJournalLine, 1);

  line->name = g_strdup (name);
  line->quantity = quantity;
  line->unit_price = unit_price;
  line->tax_free = !!tax_free;
  if (quantity >= 0 && unit_price >= 0 &&
      (unit_price == 0 || quantity <= G_MAXINT64 / unit_price))
    line->amount = quantity * unit_price;

  return line;
}

KpJournalLine *
kp_journal_line_copy (const KpJournalLine *line)
{
  KpJournalLine *copy;

  g_return_val_if_fail (line != NULL, NULL);

  copy = g_memdup2 (line, sizeof *line);
  copy->name = g_strdup (line->name);

  return copy;
}

void
kp_journal_line_free (KpJournalLine *line)
{
  if (line == NULL)
    return;

  g_free (line->name);
  g_free (line);
}

/**
 * kp_journal_new_sale_new:
 *
 * Returns: (transfer full): an empty input with no lines
 */
KpJournalNewSale *
kp_journal_new_sale_new (void)
{
  KpJournalNewSale *sale = g_new0 (KpJournalNewSale, 1);

  sale->lines = copy_lines (NULL);

  return sale;
}

/**
 * kp_journal_new_sale_add_line:
 * @sale: a new sale
 * @name: the item's name
 * @quantity: how many
 * @unit_price: KRW
 * @tax_free: whether the line is VAT-exempt
 *
 * Appends a line. This does not update the sale's totals: they are the
 * caller's (the cart's), and the journal checks that they agree.
 */
void
kp_journal_new_sale_add_line (KpJournalNewSale *sale,
                              const char       *name,
                              gint64            quantity,
                              gint64            unit_price,
                              gboolean          tax_free)
{
  KpJournalLine *line;

  g_return_if_fail (sale != NULL);

  line = kp_journal_line_new (name, quantity, unit_price, tax_free);
  line->position = sale->lines->len;
  g_ptr_array_add (sale->lines, line);
}

KpJournalNewSale *
kp_journal_new_sale_copy (const KpJournalNewSale *sale)
{
  KpJournalNewSale *copy;

  g_return_val_if_fail (sale != NULL, NULL);

  copy = g_memdup2 (sale, sizeof *sale);
  copy->terminal_id = g_strdup (sale->terminal_id);
  copy->partner_user_id = g_strdup (sale->partner_user_id);
  copy->cid = g_strdup (sale->cid);
  copy->dialect = g_strdup (sale->dialect);
  copy->item_name = g_strdup (sale->item_name);
  copy->nonce = g_strdup (sale->nonce);
  copy->lines = copy_lines (sale->lines);
  copy->retry_of = g_strdup (sale->retry_of);

  return copy;
}

void
kp_journal_new_sale_free (KpJournalNewSale *sale)
{
  if (sale == NULL)
    return;

  g_free (sale->terminal_id);
  g_free (sale->partner_user_id);
  g_free (sale->cid);
  g_free (sale->dialect);
  g_free (sale->item_name);
  g_free (sale->nonce);
  g_clear_pointer (&sale->lines, g_ptr_array_unref);
  g_free (sale->retry_of);
  g_free (sale);
}

KpJournalSale *
kp_journal_sale_copy (const KpJournalSale *sale)
{
  KpJournalSale *copy;

  g_return_val_if_fail (sale != NULL, NULL);

  copy = g_memdup2 (sale, sizeof *sale);
  copy->partner_order_id = g_strdup (sale->partner_order_id);
  copy->partner_user_id = g_strdup (sale->partner_user_id);
  copy->terminal_id = g_strdup (sale->terminal_id);
  copy->cid = g_strdup (sale->cid);
  copy->dialect = g_strdup (sale->dialect);
  copy->item_name = g_strdup (sale->item_name);
  copy->tid = g_strdup (sale->tid);
  copy->aid = g_strdup (sale->aid);
  copy->pg_token = g_strdup (sale->pg_token);
  copy->nonce = g_strdup (sale->nonce);
  copy->payment_method_type = g_strdup (sale->payment_method_type);
  copy->card_info_json = g_strdup (sale->card_info_json);
  copy->created_at = ref_nullable (sale->created_at);
  copy->updated_at = ref_nullable (sale->updated_at);
  copy->approved_at = ref_nullable (sale->approved_at);
  copy->expires_at = ref_nullable (sale->expires_at);
  copy->lines = copy_lines (sale->lines);

  return copy;
}

void
kp_journal_sale_free (KpJournalSale *sale)
{
  if (sale == NULL)
    return;

  g_free (sale->partner_order_id);
  g_free (sale->partner_user_id);
  g_free (sale->terminal_id);
  g_free (sale->cid);
  g_free (sale->dialect);
  g_free (sale->item_name);
  g_free (sale->tid);
  g_free (sale->aid);
  g_free (sale->pg_token);
  g_free (sale->nonce);
  g_free (sale->payment_method_type);
  g_free (sale->card_info_json);
  g_clear_pointer (&sale->created_at, g_date_time_unref);
  g_clear_pointer (&sale->updated_at, g_date_time_unref);
  g_clear_pointer (&sale->approved_at, g_date_time_unref);
  g_clear_pointer (&sale->expires_at, g_date_time_unref);
  g_clear_pointer (&sale->lines, g_ptr_array_unref);
  g_free (sale);
}

/**
 * kp_journal_update_new:
 *
 * Returns: (transfer full): an update that changes nothing
 */
KpJournalUpdate *
kp_journal_update_new (void)
{
  KpJournalUpdate *update = g_new0 (KpJournalUpdate, 1);

  update->refunded_amount = KP_JOURNAL_UNCHANGED;

  return update;
}

KpJournalUpdate *
kp_journal_update_copy (const KpJournalUpdate *update)
{
  KpJournalUpdate *copy;

  g_return_val_if_fail (update != NULL, NULL);

  copy = g_memdup2 (update, sizeof *update);
  copy->tid = g_strdup (update->tid);
  copy->expires_at = ref_nullable (update->expires_at);
  copy->pg_token = g_strdup (update->pg_token);
  copy->aid = g_strdup (update->aid);
  copy->payment_method_type = g_strdup (update->payment_method_type);
  copy->card_info_json = g_strdup (update->card_info_json);
  copy->approved_at = ref_nullable (update->approved_at);
  copy->detail = g_strdup (update->detail);

  return copy;
}

void
kp_journal_update_free (KpJournalUpdate *update)
{
  if (update == NULL)
    return;

  g_free (update->tid);
  g_clear_pointer (&update->expires_at, g_date_time_unref);
  g_free (update->pg_token);
  g_free (update->aid);
  g_free (update->payment_method_type);
  g_free (update->card_info_json);
  g_clear_pointer (&update->approved_at, g_date_time_unref);
  g_free (update->detail);
  g_free (update);
}

KpJournalTransition *
kp_journal_transition_copy (const KpJournalTransition *transition)
{
  KpJournalTransition *copy;

  g_return_val_if_fail (transition != NULL, NULL);

  copy = g_memdup2 (transition, sizeof *transition);
  copy->at = ref_nullable (transition->at);
  copy->detail = g_strdup (transition->detail);

  return copy;
}

void
kp_journal_transition_free (KpJournalTransition *transition)
{
  if (transition == NULL)
    return;

  g_clear_pointer (&transition->at, g_date_time_unref);
  g_free (transition->detail);
  g_free (transition);
}

/**
 * kp_journal_query_new:
 * @day: (nullable): the day to search, copied; %NULL for every day
 * @text: (nullable): what to look for
 *
 * Returns: (transfer full): a query for the first page (offset 0, the
 *   default limit)
 */
KpJournalQuery *
kp_journal_query_new (const GDate *day,
                      const char  *text)
{
  KpJournalQuery *query = g_new0 (KpJournalQuery, 1);

  g_return_val_if_fail (day == NULL || g_date_valid (day), query);

  query->day = day != NULL ? g_date_copy (day) : NULL;
  query->text = g_strdup (text);

  return query;
}

KpJournalQuery *
kp_journal_query_copy (const KpJournalQuery *query)
{
  KpJournalQuery *copy;

  g_return_val_if_fail (query != NULL, NULL);

  copy = g_memdup2 (query, sizeof *query);
  copy->day = query->day != NULL ? g_date_copy (query->day) : NULL;
  copy->text = g_strdup (query->text);

  return copy;
}

void
kp_journal_query_free (KpJournalQuery *query)
{
  if (query == NULL)
    return;

  g_clear_pointer (&query->day, g_date_free);
  g_free (query->text);
  g_free (query);
}
