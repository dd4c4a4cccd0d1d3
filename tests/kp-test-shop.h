/* kp-test-shop.h: terminals that sell, for the tests of the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"
#include "kp-shop-replicator.h"
#include "kp-test-postgres.h"

G_BEGIN_DECLS

/* A journal whose clock starts at 2026-11-25 10:00 (+09:00) and moves one
 * second a call: every sale is of that day. */
KpJournal      *kp_test_shop_open_journal     (const char     *path);
void            kp_test_shop_sell             (KpJournal      *journal,
                                               const char     *terminal_id,
                                               guint           n);
gint64          kp_test_shop_journal_int      (KpJournal      *journal,
                                               const char     *sql);
void            kp_test_shop_wait_synced      (KpShopReplicator *replicator);

G_END_DECLS
