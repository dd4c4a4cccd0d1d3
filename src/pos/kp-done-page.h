/* kp-done-page.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-cart.h"
#include "kp-journal-sale.h"

G_BEGIN_DECLS

#define KP_TYPE_DONE_PAGE (kp_done_page_get_type ())

G_DECLARE_FINAL_TYPE (KpDonePage, kp_done_page, KP, DONE_PAGE, AdwBin)

void        kp_done_page_show_sale     (KpDonePage          *self,
                                        const KpJournalSale *sale,
                                        KpCart              *cart);
void        kp_done_page_show_refunded (KpDonePage          *self,
                                        const KpJournalSale *sale);
void        kp_done_page_clear         (KpDonePage          *self);
const char *kp_done_page_get_order_id  (KpDonePage          *self);
void        kp_done_page_focus         (KpDonePage          *self);

G_END_DECLS
