/* kp-sale-item.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kp-journal.h"

G_BEGIN_DECLS

#define KP_TYPE_SALE_ITEM (kp_sale_item_get_type ())

G_DECLARE_FINAL_TYPE (KpSaleItem, kp_sale_item, KP, SALE_ITEM, GObject)

KpSaleItem          *kp_sale_item_new       (const KpJournalSale *sale);
const KpJournalSale *kp_sale_item_get_sale  (KpSaleItem          *self);
void                 kp_sale_item_set_sale  (KpSaleItem          *self,
                                             const KpJournalSale *sale);

G_END_DECLS
