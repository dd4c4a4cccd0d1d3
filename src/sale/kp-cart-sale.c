/* kp-cart-sale.c: the cart as the sale KakaoPay is asked to charge
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-cart-line.h"
#include "kp-cart-private.h"

/* What the journal creates when the cashier charges: the lines as they are, the
 * totals, the quantity and the item_name KakaoPay shows the customer ("Coffee and 2
 * more", Korean "Coffee 외 2건"). Whose terminal and merchant, and the callback nonce,
 * are the checkout's: it fills them in when the payment starts. */

/* "%s and %d more", cut to KP_CART_MAX_NAME_LENGTH characters. */
static char *
format_item_name (const char *first,
                  guint       others)
{
  /* Translators: the name of a sale of several items, sent to KakaoPay and shown to
   * the customer on their phone. %s is the first item's name, %d how many more items
   * (cart lines) the sale has. Korean: "%s 외 %d건". */
  return g_strdup_printf (ngettext ("%s and %d more", "%s and %d more", others),
                          first, (int) others);
}

/**
 * kp_cart_dup_item_name:
 * @self: a cart
 *
 * The sale's name for KakaoPay's item_name: the first line's name as it is when the
 * cart has one line; with more, the first name and how many more lines there are
 * ("Coffee and 2 more", Korean "Coffee 외 2건"). The result is at most
 * %KP_CART_MAX_NAME_LENGTH characters: a long first name is shortened, the count never.
 *
 * Returns: (transfer full) (nullable): the item name, or %NULL for an empty cart
 */
char *
kp_cart_dup_item_name (KpCart *self)
{
  const char *first;
  guint others;
  g_autofree char *name = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *cut = NULL;
  glong available;

  g_return_val_if_fail (KP_IS_CART (self), NULL);

  if (self->lines->len == 0)
    return NULL;

  first = kp_cart_line_get_name (g_ptr_array_index (self->lines, 0));
  if (first == NULL)
    first = "";

  others = self->lines->len - 1;
  if (others == 0)
    return _kp_cart_dup_cut (first, KP_CART_MAX_NAME_LENGTH);

  name = format_item_name (first, others);
  if (g_utf8_strlen (name, -1) <= KP_CART_MAX_NAME_LENGTH)
    return g_steal_pointer (&name);

  /* The translation decides where the name goes; formatting an empty one measures
   * the rest. */
  suffix = format_item_name ("", others);
  available = MAX (0, KP_CART_MAX_NAME_LENGTH - g_utf8_strlen (suffix, -1));
  cut = _kp_cart_dup_cut (first, available);

  return format_item_name (cut, others);
}

/**
 * kp_cart_to_new_sale:
 * @self: a cart
 *
 * The cart as the journal's new sale: its lines in order, its total, tax-free and VAT
 * amounts and quantity, and kp_cart_dup_item_name() as the item_name. The terminal,
 * merchant, dialect and nonce are left unset: kp_checkout_charge() sets them.
 *
 * Returns: (transfer full): a new sale, for kp_checkout_charge()
 */
KpJournalNewSale *
kp_cart_to_new_sale (KpCart *self)
{
  KpJournalNewSale *sale;

  g_return_val_if_fail (KP_IS_CART (self), NULL);

  sale = kp_journal_new_sale_new ();
  sale->item_name = kp_cart_dup_item_name (self);
  sale->quantity = self->quantity;
  sale->total_amount = self->total;
  sale->tax_free_amount = self->tax_free;
  sale->vat_amount = self->vat;
  for (guint i = 0; i < self->lines->len; i++)
    {
      KpCartLine *line = g_ptr_array_index (self->lines, i);

      kp_journal_new_sale_add_line (sale, kp_cart_line_get_name (line),
                                    kp_cart_line_get_quantity (line),
                                    kp_cart_line_get_unit_price (line),
                                    kp_cart_line_get_tax_free (line));
    }

  return sale;
}
