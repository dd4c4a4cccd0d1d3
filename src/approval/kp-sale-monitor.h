/* kp-sale-monitor.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-approval-listener.h"
#include "kp-client.h"

G_BEGIN_DECLS

/**
 * KpSaleOutcome:
 * @KP_SALE_OUTCOME_AUTHORIZED: the customer authenticated; the pg_token came by redirect
 *   and approve can be called
 * @KP_SALE_OUTCOME_PAID: KakaoPay already reports the payment approved
 * @KP_SALE_OUTCOME_CANCELLED: the customer cancelled (redirect or QUIT_PAYMENT)
 * @KP_SALE_OUTCOME_FAILED: authentication or payment failed (redirect or FAIL_*)
 * @KP_SALE_OUTCOME_EXPIRED: the tid's time ran out before the customer finished
 */
typedef enum
{
  KP_SALE_OUTCOME_AUTHORIZED,
  KP_SALE_OUTCOME_PAID,
  KP_SALE_OUTCOME_CANCELLED,
  KP_SALE_OUTCOME_FAILED,
  KP_SALE_OUTCOME_EXPIRED,
} KpSaleOutcome;

/**
 * KpSaleMonitorClockFunc:
 * @user_data: the data given to kp_sale_monitor_set_clock()
 *
 * Returns: (transfer full): the current time
 */
typedef GDateTime *(*KpSaleMonitorClockFunc) (gpointer user_data);

#define KP_TYPE_SALE_MONITOR (kp_sale_monitor_get_type ())
G_DECLARE_FINAL_TYPE (KpSaleMonitor, kp_sale_monitor, KP, SALE_MONITOR, GObject)

KpSaleMonitor *kp_sale_monitor_new          (KpClient           *client,
                                             KpApprovalListener *listener,
                                             const char         *cid,
                                             const char         *partner_order_id,
                                             const char         *nonce,
                                             const char         *tid,
                                             GDateTime          *expires_at,
                                             guint               poll_interval_ms);
void           kp_sale_monitor_set_clock    (KpSaleMonitor      *self,
                                             KpSaleMonitorClockFunc now_func,
                                             gpointer            user_data);
void           kp_sale_monitor_start        (KpSaleMonitor      *self);
void           kp_sale_monitor_stop         (KpSaleMonitor      *self);
void           kp_sale_monitor_deliver      (KpSaleMonitor      *self,
                                             KpCallbackKind      kind,
                                             const char         *pg_token);
gboolean       kp_sale_monitor_is_decided   (KpSaleMonitor      *self);
gboolean       kp_sale_monitor_is_polling   (KpSaleMonitor      *self);
KpStatus       kp_sale_monitor_get_status   (KpSaleMonitor      *self);
const char    *kp_sale_outcome_to_string    (KpSaleOutcome       outcome);

G_END_DECLS
