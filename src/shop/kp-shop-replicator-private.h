/* kp-shop-replicator-private.h: test hooks
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-shop-replicator.h"

G_BEGIN_DECLS

/* Where a batch is when the hook runs, in the replicator's worker thread. */
typedef enum
{
  KP_SHOP_STAGE_READ,       /* read from the outbox, not sent */
  KP_SHOP_STAGE_COMMITTED,  /* committed in PostgreSQL, not marked sent */
} KpShopStage;

typedef void (*KpShopReplicatorHook) (KpShopStage stage,
                                      gint64      last_seq,
                                      gpointer    user_data);

void _kp_shop_replicator_set_hook (KpShopReplicator     *self,
                                   KpShopReplicatorHook  hook,
                                   gpointer              user_data);

G_END_DECLS
