/* kp-money.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *kp_money_format        (gint64 amount);
char *kp_money_format_plain  (gint64 amount);

G_END_DECLS
