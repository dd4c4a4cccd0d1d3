/* kp-labels.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void kp_label_set_money (GtkLabel   *label,
                         gint64      amount);
void kp_label_show_text (GtkLabel   *label,
                         const char *text);

G_END_DECLS
