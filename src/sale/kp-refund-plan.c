/* kp-refund-plan.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-refund-plan"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kp-money.h"
#include "kp-refund-plan.h"
#include "kp-refunder.h"

/* The split of a refund, worked out the way the journal (and KakaoPay) will, so the
 * confirmation shows exactly what is sent: the tax-free part in proportion to what is
 * left (by amount) or the tax-free lines' amounts (by lines), and the VAT by the
 * journal's rule, which makes the last refund take exactly what is left. */

G_DEFINE_QUARK (kp-refund-plan-error-quark, kp_refund_plan_error)

/**
 * kp_refund_left_of_sale:
 * @sale: the sale as journaled
 * @refunds: (element-type KpJournalRefund) (nullable): its refunds
 * @out_left: (out): what is left
 *
 * What is left to refund: the total from the sale's refunded amount (the journal's
 * authority), the split from its completed refunds.
 */
void
kp_refund_left_of_sale (const KpJournalSale *sale,
                        GPtrArray           *refunds,
                        KpRefundLeft        *out_left)
{
  gint64 tax_free = sale->tax_free_amount;
  gint64 vat = sale->vat_amount;

  for (guint i = 0; refunds != NULL && i < refunds->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (refunds, i);

      if (refund->state != KP_REFUND_STATE_REFUNDED)
        continue;
      tax_free -= refund->cancel_tax_free_amount;
      vat -= refund->cancel_vat_amount;
    }

  out_left->total = MAX (sale->total_amount - sale->refunded_amount, 0);
  out_left->tax_free = CLAMP (tax_free, 0, out_left->total);
  out_left->vat = CLAMP (vat, 0, out_left->total - out_left->tax_free);
}

/**
 * kp_refund_lines_left:
 * @sale: the sale, with its lines
 * @refunds: (element-type KpJournalRefund) (nullable): its refunds
 *
 * How many of each line can still be refunded by lines: the line's quantity less what
 * the refunds that are done or in flight took (their lines_json).
 *
 * Returns: (transfer full) (array): one count per line of @sale
 */
gint64 *
kp_refund_lines_left (const KpJournalSale *sale,
                      GPtrArray           *refunds)
{
  guint n = sale->lines != NULL ? sale->lines->len : 0;
  gint64 *left = g_new0 (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    left[i] = ((const KpJournalLine *) g_ptr_array_index (sale->lines, i))->quantity;

  for (guint i = 0; refunds != NULL && i < refunds->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (refunds, i);
      g_autoptr (JsonParser) parser = NULL;
      JsonArray *array;

      if (refund->state == KP_REFUND_STATE_FAILED || refund->lines_json == NULL)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, refund->lines_json, -1, NULL) ||
          !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        continue;
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint j = 0; j < json_array_get_length (array); j++)
        {
          JsonNode *node = json_array_get_element (array, j);
          JsonObject *object;
          gint64 position, quantity;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          object = json_node_get_object (node);
          position = json_object_get_int_member_with_default (object, "position", -1);
          quantity = json_object_get_int_member_with_default (object, "quantity", 0);
          if (position >= 0 && position < n && quantity > 0)
            left[position] = MAX (left[position] - quantity, 0);
        }
    }

  return left;
}

static gboolean
finish_plan (const KpRefundLeft *left,
             gint64              amount,
             gint64              tax_free,
             KpRefundPlan       *out_plan)
{
  /* The journal's rule (KP_JOURNAL_AUTO), from its one home. */
  gint64 vat = kp_vat_of_refund (left, amount, tax_free);

  out_plan->amount = amount;
  out_plan->tax_free = tax_free;
  out_plan->vat = vat;
  out_plan->left.total = left->total - amount;
  out_plan->left.tax_free = left->tax_free - tax_free;
  out_plan->left.vat = left->vat - vat;
  return TRUE;
}

static gboolean
set_too_much (const KpRefundLeft  *left,
              GError             **error)
{
  g_autofree char *money = kp_money_format (left->total);

  if (left->total == 0)
    g_set_error_literal (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_TOO_MUCH,
                         _("Nothing is left to refund of this sale."));
  else
    /* Translators: %s is an amount of money */
    g_set_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_TOO_MUCH,
                 _("Only %s is left to refund of this sale."), money);
  return FALSE;
}

/**
 * kp_refund_plan_by_amount:
 * @left: what is left of the sale
 * @amount: what to refund, KRW
 * @out_plan: (out): the refund
 * @error: return location for a #GError in %KP_REFUND_PLAN_ERROR
 *
 * A refund of @amount: its tax-free part in proportion to what is left
 * (kp_vat_estimate_refund()), all that is left for the rest.
 *
 * Returns: %FALSE if @amount is not between 1 and what is left
 */
gboolean
kp_refund_plan_by_amount (const KpRefundLeft  *left,
                          gint64               amount,
                          KpRefundPlan        *out_plan,
                          GError             **error)
{
  KpVatSplit split;

  g_return_val_if_fail (left != NULL && out_plan != NULL, FALSE);

  if (amount < 1)
    {
      g_set_error_literal (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_NOTHING,
                           _("Enter the amount to refund."));
      return FALSE;
    }
  if (amount > left->total)
    return set_too_much (left, error);

  kp_vat_estimate_refund (left, amount, &split);
  return finish_plan (left, amount, split.tax_free, out_plan);
}

/**
 * kp_refund_plan_by_lines:
 * @left: what is left of the sale
 * @sale: the sale, with its lines
 * @quantities: (array): how many of each line of @sale to refund
 * @out_plan: (out): the refund
 * @error: return location for a #GError in %KP_REFUND_PLAN_ERROR
 *
 * A refund of whole items: the amount is what they cost, the tax-free part what the
 * tax-free ones cost.
 *
 * Returns: %FALSE if no item is chosen, or the items are more than what is left
 */
gboolean
kp_refund_plan_by_lines (const KpRefundLeft   *left,
                         const KpJournalSale  *sale,
                         const gint64         *quantities,
                         KpRefundPlan         *out_plan,
                         GError              **error)
{
  gint64 amount = 0;
  gint64 tax_free = 0;

  g_return_val_if_fail (left != NULL && sale != NULL && out_plan != NULL, FALSE);

  for (guint i = 0; sale->lines != NULL && i < sale->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (sale->lines, i);
      gint64 quantity = quantities[i];

      if (quantity < 0 || quantity > line->quantity)
        {
          /* Translators: %s is an item's name */
          g_set_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_TOO_MUCH,
                       _("The sale has fewer of “%s” than that."), line->name);
          return FALSE;
        }
      amount += quantity * line->unit_price;
      if (line->tax_free)
        tax_free += quantity * line->unit_price;
    }

  if (amount == 0)
    {
      g_set_error_literal (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_NOTHING,
                           _("Choose how many of which items to refund."));
      return FALSE;
    }
  if (amount > left->total)
    return set_too_much (left, error);
  if (tax_free > left->tax_free || amount - tax_free > left->total - left->tax_free)
    {
      g_autofree char *tax_free_left = kp_money_format (left->tax_free);
      g_autofree char *taxable_left = kp_money_format (left->total - left->tax_free);

      /* Translators: both %s are amounts of money */
      g_set_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_DOES_NOT_FIT,
                   _("These items do not fit what is left of the sale (%s tax free, %s "
                     "taxable): refund by amount instead."), tax_free_left, taxable_left);
      return FALSE;
    }

  return finish_plan (left, amount, tax_free, out_plan);
}

/**
 * kp_refund_lines_to_json:
 * @sale: the sale, with its lines
 * @quantities: (array): how many of each line
 *
 * Which lines a refund takes, for the journal: `[{"position":0,"quantity":1}, …]`.
 *
 * Returns: (transfer full): JSON text
 */
char *
kp_refund_lines_to_json (const KpJournalSale *sale,
                         const gint64        *quantities)
{
  GString *json = g_string_new ("[");

  for (guint i = 0; sale->lines != NULL && i < sale->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (sale->lines, i);

      if (quantities[i] <= 0)
        continue;
      if (json->len > 1)
        g_string_append_c (json, ',');
      g_string_append_printf (json, "{\"position\":%u,\"quantity\":%" G_GINT64_FORMAT "}",
                              line->position, quantities[i]);
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}
