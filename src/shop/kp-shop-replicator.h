/* kp-shop-replicator.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"

G_BEGIN_DECLS

#define KP_TYPE_SHOP_REPLICATOR (kp_shop_replicator_get_type ())
G_DECLARE_FINAL_TYPE (KpShopReplicator, kp_shop_replicator, KP, SHOP_REPLICATOR, GObject)

KpShopReplicator *kp_shop_replicator_new                (KpJournal        *journal,
                                                         const char       *terminal_id,
                                                         const char       *conninfo,
                                                         const char       *password);
void              kp_shop_replicator_start              (KpShopReplicator *self);
void              kp_shop_replicator_stop               (KpShopReplicator *self);
void              kp_shop_replicator_kick               (KpShopReplicator *self);

gboolean          kp_shop_replicator_get_online         (KpShopReplicator *self);
guint             kp_shop_replicator_get_waiting        (KpShopReplicator *self);
gboolean          kp_shop_replicator_get_busy           (KpShopReplicator *self);
const char       *kp_shop_replicator_get_last_error     (KpShopReplicator *self);
const char       *kp_shop_replicator_get_terminal_id    (KpShopReplicator *self);

void              kp_shop_replicator_set_retry_interval (KpShopReplicator *self,
                                                         guint             first_ms,
                                                         guint             max_ms);
void              kp_shop_replicator_set_batch_size     (KpShopReplicator *self,
                                                         guint             batch_size);

G_END_DECLS
