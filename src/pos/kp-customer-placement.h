/* kp-customer-placement.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void kp_customer_placement_place (GtkWindow   *window,
                                  GtkWindow   *cashier,
                                  GdkMonitor **monitor_out);

G_END_DECLS
