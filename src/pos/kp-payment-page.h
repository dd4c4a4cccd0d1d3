/* kp-payment-page.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kp-checkout.h"

G_BEGIN_DECLS

#define KP_TYPE_PAYMENT_PAGE (kp_payment_page_get_type ())
G_DECLARE_FINAL_TYPE (KpPaymentPage, kp_payment_page, KP, PAYMENT_PAGE, GtkWidget)

KpPaymentPage *kp_payment_page_new        (KpCheckout    *checkout,
                                           const char    *url);
const char    *kp_payment_page_get_url    (KpPaymentPage *self);

G_END_DECLS
