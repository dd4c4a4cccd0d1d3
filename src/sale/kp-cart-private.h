/* kp-cart-private.h: what KpCart's files share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-cart.h"

G_BEGIN_DECLS

/* The sale being rung up: a list of KpCartLine and the amounts KakaoPay's ready call
 * needs. Every change is validated against the limits in kp-cart.h first, so a
 * refused change leaves the cart exactly as it was. The totals are recomputed from
 * the lines after every change (at most KP_CART_MAX_LINES of them), so they can never
 * drift from the lines. */
struct _KpCart
{
  GObject    parent_instance;

  GPtrArray *lines;
  gint64     total;
  gint64     tax_free;
  gint64     vat;
  gint64     supply;
  gint64     quantity;
  guint      n_lines;
  gboolean   frozen;
};

/* KpCart's properties, for the files that notify them. */
typedef enum
{
  KP_CART_PROP_0,
  KP_CART_PROP_TOTAL,
  KP_CART_PROP_TAX_FREE,
  KP_CART_PROP_VAT,
  KP_CART_PROP_SUPPLY,
  KP_CART_PROP_QUANTITY,
  KP_CART_PROP_N_LINES,
  KP_CART_PROP_FROZEN,
  KP_CART_N_PROPS
} KpCartProp;

/* kp-cart.c */
void      _kp_cart_notify              (KpCart      *self,
                                        KpCartProp   prop);
gboolean  _kp_cart_check_not_frozen    (KpCart      *self,
                                        GError     **error);

/* kp-cart-input.c */
char     *_kp_cart_dup_cut             (const char  *str,
                                        glong        max_chars);
gboolean  _kp_cart_check_new_line      (KpCart      *self,
                                        const char  *name,
                                        gint64       quantity,
                                        gint64       unit_price,
                                        char       **out_name,
                                        GError     **error);
gboolean  _kp_cart_check_line_change   (KpCart      *self,
                                        guint        position,
                                        gint64       quantity,
                                        gint64       unit_price,
                                        GError     **error);

/* kp-cart-totals.c */
void      _kp_cart_update_totals       (KpCart      *self);

G_END_DECLS
