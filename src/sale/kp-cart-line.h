/* kp-cart-line.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KP_TYPE_CART_LINE (kp_cart_line_get_type ())

G_DECLARE_FINAL_TYPE (KpCartLine, kp_cart_line, KP, CART_LINE, GObject)

KpCartLine *kp_cart_line_new             (const char *name,
                                          gint64      quantity,
                                          gint64      unit_price,
                                          gboolean    tax_free);

const char *kp_cart_line_get_name        (KpCartLine *self);
void        kp_cart_line_set_name        (KpCartLine *self,
                                          const char *name);
gint64      kp_cart_line_get_quantity    (KpCartLine *self);
void        kp_cart_line_set_quantity    (KpCartLine *self,
                                          gint64      quantity);
gint64      kp_cart_line_get_unit_price  (KpCartLine *self);
void        kp_cart_line_set_unit_price  (KpCartLine *self,
                                          gint64      unit_price);
gboolean    kp_cart_line_get_tax_free    (KpCartLine *self);
void        kp_cart_line_set_tax_free    (KpCartLine *self,
                                          gboolean    tax_free);
gint64      kp_cart_line_get_amount      (KpCartLine *self);

G_END_DECLS
