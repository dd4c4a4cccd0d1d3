/* kp-day-report-print.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kp-journal.h"

G_BEGIN_DECLS

GtkPrintOperation *kp_day_report_print_new         (const KpJournalDayReport *report,
                                                    const KpJournalDayCheck  *check);
void               kp_day_report_print_draw        (const KpJournalDayReport *report,
                                                    const KpJournalDayCheck  *check,
                                                    cairo_t                  *cr,
                                                    PangoLayout              *layout,
                                                    double                    width,
                                                    double                    height);
gboolean           kp_day_report_print_export_pdf  (const KpJournalDayReport *report,
                                                    const KpJournalDayCheck  *check,
                                                    const char               *pdf_path,
                                                    GError                  **error);

G_END_DECLS
