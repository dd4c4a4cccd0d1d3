/* kp-sale-format.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"
#include "kp-payment.h"
#include "kp-settings.h"

G_BEGIN_DECLS

/* How sales, refunds and their states read on screen and on paper: translated. */

const char *kp_sale_state_label         (KpSaleState    state);
const char *kp_refund_state_label       (KpRefundState  state);
const char *kp_payment_method_label     (const char    *method);
char       *kp_transition_detail_label  (const char    *detail);
char       *kp_format_time              (GDateTime     *time);
char       *kp_format_date_time         (GDateTime     *time);
char       *kp_format_day               (const GDate   *day);

const char *kp_ready_reply_qr_url       (const KpReadyReply *reply,
                                         KpQrTarget          target);

G_END_DECLS
