/* kp-reconciler.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-approval-listener.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-relay-client.h"
#include "kp-sale-monitor.h"

G_BEGIN_DECLS

#define KP_TYPE_RECONCILER (kp_reconciler_get_type ())
G_DECLARE_FINAL_TYPE (KpReconciler, kp_reconciler, KP, RECONCILER, GObject)

KpReconciler *kp_reconciler_new             (KpClient            *client,
                                             KpJournal           *journal,
                                             KpApprovalListener  *listener);
void          kp_reconciler_set_services    (KpReconciler        *self,
                                             KpClient            *client,
                                             KpApprovalListener  *listener,
                                             KpRelayClient       *relay,
                                             const char          *cid_secret);
void          kp_reconciler_set_timing      (KpReconciler        *self,
                                             guint                poll_interval_ms,
                                             guint                tid_lifetime_s);
void          kp_reconciler_set_clock       (KpReconciler        *self,
                                             KpSaleMonitorClockFunc now_func,
                                             gpointer             user_data);
void          kp_reconciler_recover         (KpReconciler        *self);
void          kp_reconciler_resolve         (KpReconciler        *self,
                                             const KpJournalSale *sale);
void          kp_reconciler_approve         (KpReconciler        *self,
                                             const KpJournalSale *sale);
void          kp_reconciler_resolve_using   (KpReconciler        *self,
                                             const KpJournalSale *sale,
                                             KpClient            *client,
                                             const char          *cid_secret);
void          kp_reconciler_approve_using   (KpReconciler        *self,
                                             const KpJournalSale *sale,
                                             KpClient            *client,
                                             const char          *cid_secret);
gboolean      kp_reconciler_is_resolving    (KpReconciler        *self,
                                             const char          *partner_order_id);
guint         kp_reconciler_get_n_pending   (KpReconciler        *self);
gboolean      kp_reconciler_get_recovering  (KpReconciler        *self);

G_END_DECLS
