/* kp-customer-window.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-cart.h"
#include "kp-checkout.h"

G_BEGIN_DECLS

#define KP_TYPE_CUSTOMER_WINDOW (kp_customer_window_get_type ())
G_DECLARE_FINAL_TYPE (KpCustomerWindow, kp_customer_window, KP, CUSTOMER_WINDOW, AdwWindow)

KpCustomerWindow *kp_customer_window_new           (GtkWindow        *cashier,
                                                    KpCart           *cart,
                                                    KpCheckout       *checkout);
void              kp_customer_window_set_checkout  (KpCustomerWindow *self,
                                                    KpCheckout       *checkout);
KpCheckout       *kp_customer_window_get_checkout  (KpCustomerWindow *self);
const char       *kp_customer_window_get_view      (KpCustomerWindow *self);
const char       *kp_customer_window_get_qr_text   (KpCustomerWindow *self);
void              kp_customer_window_show          (KpCustomerWindow *self);

G_END_DECLS
