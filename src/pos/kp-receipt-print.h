/* kp-receipt-print.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "kp-receipt.h"

G_BEGIN_DECLS

GtkPrintOperation *kp_receipt_print_new        (const KpReceipt  *receipt,
                                                guint             columns);
double             kp_receipt_print_draw       (GPtrArray        *rows,
                                                guint             columns,
                                                cairo_t          *cr,
                                                PangoLayout      *layout,
                                                double            width);
gboolean           kp_receipt_print_export_pdf (const KpReceipt  *receipt,
                                                guint             columns,
                                                const char       *pdf_path,
                                                GError          **error);

G_END_DECLS
