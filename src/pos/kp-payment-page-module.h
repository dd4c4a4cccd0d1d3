/* kp-payment-page-module.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmodule.h>
#include <gtk/gtk.h>

#include "kp-checkout.h"

G_BEGIN_DECLS

/* What the payment page module (PAYMENT_PAGE_MODULE, built with WebKit) and the
 * program that loads it on first use (kp-payment-page-loader.c) agree on: one entry
 * point, returning this table. The module takes the few symbols it needs of the
 * program's own (kp-payment-page-imports.in) from the program at load; it links no
 * static library of the program, so every type (KpCheckout, KpQrPaintable) is the
 * program's one. */

/* Raised whenever the table changes: an older module is refused, not called. */
#define KP_PAYMENT_PAGE_MODULE_ABI 1

#define KP_PAYMENT_PAGE_MODULE_ENTRY "kp_payment_page_module_get"

typedef struct
{
  guint        abi;

  /* A page that loads @url (next_redirect_pc_url) at once and hands the redirect
   * that ends the payment to @checkout. Returns: (transfer floating) */
  GtkWidget  *(*new_page) (KpCheckout *checkout,
                           const char *url);

  /* The URL that @page (one of new_page's) shows. */
  const char *(*get_url)  (GtkWidget  *page);
} KpPaymentPageModule;

G_MODULE_EXPORT const KpPaymentPageModule *kp_payment_page_module_get (void);

typedef const KpPaymentPageModule *(*KpPaymentPageModuleEntry) (void);

G_END_DECLS
