/* kp-sale-columns.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void                 kp_sale_columns_append          (GtkColumnView *view);
GtkColumnViewColumn *kp_sale_columns_insert_terminal (GtkColumnView *view);

G_END_DECLS
