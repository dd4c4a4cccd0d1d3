/* kp-shop-scope.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

gboolean kp_shop_scope_update (KpTerminal      *terminal,
                               GtkWidget       *scope_box,
                               GtkToggleButton *whole_shop_button);

G_END_DECLS
