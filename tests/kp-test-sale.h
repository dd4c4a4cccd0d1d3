/* kp-test-sale.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal-sale.h"

G_BEGIN_DECLS

KpJournalSale *kp_test_sale_new_korean (void);

G_END_DECLS
