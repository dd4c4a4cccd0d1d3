/* kp-shop-status.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

char *kp_shop_status_dup_indicator (GObject    *replicator);
char *kp_shop_status_dup_summary   (GObject    *replicator,
                                    const char *conninfo);
char *kp_shop_status_scrub         (const char *message);

G_END_DECLS
