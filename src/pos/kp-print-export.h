/* kp-print-export.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean kp_print_export_pdf (GtkPrintOperation  *operation,
                              const char         *pdf_path,
                              GError            **error);

G_END_DECLS
