/* kp-history-view.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_HISTORY_VIEW (kp_history_view_get_type ())

G_DECLARE_FINAL_TYPE (KpHistoryView, kp_history_view, KP, HISTORY_VIEW, GtkWidget)

void         kp_history_view_refresh       (KpHistoryView *self);
void         kp_history_view_focus_search  (KpHistoryView *self);
void         kp_history_view_focus         (KpHistoryView *self);
const GDate *kp_history_view_get_day       (KpHistoryView *self);

G_END_DECLS
