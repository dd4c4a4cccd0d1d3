/* kp-checkout-page.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-checkout.h"
#include "kp-journal-sale.h"

G_BEGIN_DECLS

#define KP_TYPE_CHECKOUT_PAGE (kp_checkout_page_get_type ())

G_DECLARE_FINAL_TYPE (KpCheckoutPage, kp_checkout_page, KP, CHECKOUT_PAGE, AdwBin)

void        kp_checkout_page_show_ready           (KpCheckoutPage      *self,
                                                   const KpJournalSale *sale,
                                                   const char          *qr_url,
                                                   gboolean             show_link);
void        kp_checkout_page_set_status           (KpCheckoutPage      *self,
                                                   KpStatus             status);
void        kp_checkout_page_set_status_text      (KpCheckoutPage      *self,
                                                   const char          *text);
const char *kp_checkout_page_get_status_text      (KpCheckoutPage      *self);
const char *kp_checkout_page_get_qr_text          (KpCheckoutPage      *self);
gboolean    kp_checkout_page_is_qr_mapped         (KpCheckoutPage      *self);
void        kp_checkout_page_set_customer_display (KpCheckoutPage      *self,
                                                   gboolean             shown);
gboolean    kp_checkout_page_get_customer_display (KpCheckoutPage      *self);
void        kp_checkout_page_show_payment_page    (KpCheckoutPage      *self,
                                                   KpCheckout          *checkout,
                                                   const char          *url,
                                                   gboolean             page_mode);
void        kp_checkout_page_clear                (KpCheckoutPage      *self);
void        kp_checkout_page_focus                (KpCheckoutPage      *self);

G_END_DECLS
