/* kp-cart-totals.c: what the cart comes to, recomputed from its lines
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include "kp-cart-line.h"
#include "kp-cart-private.h"
#include "kp-vat.h"

/* The amounts KakaoPay's ready call needs: total, tax-free part, VAT (by the rule in
 * kp-vat.c, never computed here) and supply value, plus the quantity and the number of
 * lines. They are summed from the lines after every change, never adjusted by
 * difference, and every property that moved is notified once the others are set. */

static void
set_total_field (KpCart     *self,
                 gint64     *field,
                 gint64      value,
                 KpCartProp  prop)
{
  if (*field == value)
    return;

  *field = value;
  _kp_cart_notify (self, prop);
}

void
_kp_cart_update_totals (KpCart *self)
{
  gint64 total = 0;
  gint64 tax_free = 0;
  gint64 quantity = 0;
  gint64 vat;

  for (guint i = 0; i < self->lines->len; i++)
    {
      KpCartLine *line = g_ptr_array_index (self->lines, i);
      gint64 amount = kp_cart_line_get_amount (line);

      total += amount;
      quantity += kp_cart_line_get_quantity (line);
      if (kp_cart_line_get_tax_free (line))
        tax_free += amount;
    }

  vat = kp_vat_default (total, tax_free);

  /* Listeners of any one notification see every total already updated. */
  g_object_freeze_notify (G_OBJECT (self));
  set_total_field (self, &self->total, total, KP_CART_PROP_TOTAL);
  set_total_field (self, &self->tax_free, tax_free, KP_CART_PROP_TAX_FREE);
  set_total_field (self, &self->vat, vat, KP_CART_PROP_VAT);
  set_total_field (self, &self->supply, total - tax_free - vat, KP_CART_PROP_SUPPLY);
  set_total_field (self, &self->quantity, quantity, KP_CART_PROP_QUANTITY);
  if (self->n_lines != self->lines->len)
    {
      self->n_lines = self->lines->len;
      _kp_cart_notify (self, KP_CART_PROP_N_LINES);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
kp_cart_get_total (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->total;
}

gint64
kp_cart_get_tax_free (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->tax_free;
}

gint64
kp_cart_get_vat (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->vat;
}

gint64
kp_cart_get_supply (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->supply;
}

gint64
kp_cart_get_quantity (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->quantity;
}

guint
kp_cart_get_n_lines (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->n_lines;
}
