/* kp-sale-detail.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_SALE_DETAIL (kp_sale_detail_get_type ())

G_DECLARE_FINAL_TYPE (KpSaleDetail, kp_sale_detail, KP, SALE_DETAIL, GtkWidget)

void                 kp_sale_detail_set_terminal  (KpSaleDetail *self,
                                                   KpTerminal   *terminal);
void                 kp_sale_detail_show_sale     (KpSaleDetail *self,
                                                   const char   *partner_order_id);
void                 kp_sale_detail_reload        (KpSaleDetail *self);
const char          *kp_sale_detail_get_order_id  (KpSaleDetail *self);
const KpJournalSale *kp_sale_detail_get_sale      (KpSaleDetail *self);
gboolean             kp_sale_detail_focus_refund  (KpSaleDetail *self);

G_END_DECLS
