/* kp-payment-page-loader.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kp-checkout.h"

G_BEGIN_DECLS

gboolean    kp_payment_page_loader_is_available (GError     **error);
char       *kp_payment_page_loader_find         (GError     **error);
gboolean    kp_payment_page_loader_load         (GError     **error);
GtkWidget  *kp_payment_page_loader_new_page     (KpCheckout  *checkout,
                                                 const char  *url,
                                                 GError     **error);
const char *kp_payment_page_loader_get_url      (GtkWidget   *page);
char       *kp_payment_page_loader_describe     (GtkWidget    *page,
                                                 const GError *error);

G_END_DECLS
