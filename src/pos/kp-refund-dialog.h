/* kp-refund-dialog.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_REFUND_DIALOG (kp_refund_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KpRefundDialog, kp_refund_dialog, KP, REFUND_DIALOG, AdwWindow)

KpRefundDialog *kp_refund_dialog_new (GtkWindow  *parent,
                                      KpTerminal *terminal,
                                      const char *partner_order_id);

G_END_DECLS
