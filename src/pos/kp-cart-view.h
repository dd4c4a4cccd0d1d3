/* kp-cart-view.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-cart.h"

G_BEGIN_DECLS

#define KP_TYPE_CART_VIEW (kp_cart_view_get_type ())

G_DECLARE_FINAL_TYPE (KpCartView, kp_cart_view, KP, CART_VIEW, AdwBin)

KpCart             *kp_cart_view_get_cart      (KpCartView *self);
void                kp_cart_view_set_cart      (KpCartView *self,
                                                KpCart     *cart);
GtkSingleSelection *kp_cart_view_get_selection (KpCartView *self);
void                kp_cart_view_select_line   (KpCartView *self,
                                                guint       position);
void                kp_cart_view_prepare       (KpCartView *self);

G_END_DECLS
