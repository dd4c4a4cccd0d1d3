/* kp-day-report-window.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_DAY_REPORT_WINDOW (kp_day_report_window_get_type ())

G_DECLARE_FINAL_TYPE (KpDayReportWindow, kp_day_report_window, KP, DAY_REPORT_WINDOW, AdwWindow)

KpDayReportWindow *kp_day_report_window_new     (GtkApplication    *application,
                                                 KpTerminal        *terminal,
                                                 const GDate       *day);
const GDate       *kp_day_report_window_get_day (KpDayReportWindow *self);

G_END_DECLS
