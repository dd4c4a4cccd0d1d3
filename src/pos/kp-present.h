/* kp-present.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void kp_present_now        (GtkWindow  *window);
void kp_present_stack_page (GtkStack   *stack,
                            const char *name);

G_END_DECLS
