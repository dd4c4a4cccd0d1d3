/* kp-checkout.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-approval-listener.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-reconciler.h"
#include "kp-relay-client.h"

G_BEGIN_DECLS

/**
 * KpCheckoutResult:
 * @KP_CHECKOUT_APPROVED: paid
 * @KP_CHECKOUT_READY_FAILED: KakaoPay refused to start the payment (or could not be reached)
 * @KP_CHECKOUT_CANCELLED: the customer cancelled
 * @KP_CHECKOUT_FAILED: the customer's authentication or payment failed
 * @KP_CHECKOUT_EXPIRED: the customer did not finish in time
 * @KP_CHECKOUT_ABORTED: the cashier cancelled
 * @KP_CHECKOUT_APPROVE_FAILED: approve was refused (card declined, …)
 */
typedef enum
{
  KP_CHECKOUT_APPROVED,
  KP_CHECKOUT_READY_FAILED,
  KP_CHECKOUT_CANCELLED,
  KP_CHECKOUT_FAILED,
  KP_CHECKOUT_EXPIRED,
  KP_CHECKOUT_ABORTED,
  KP_CHECKOUT_APPROVE_FAILED,
} KpCheckoutResult;

typedef enum
{
  KP_CHECKOUT_STAGE_IDLE,
  KP_CHECKOUT_STAGE_STARTING,
  KP_CHECKOUT_STAGE_WAITING,
  KP_CHECKOUT_STAGE_APPROVING,
} KpCheckoutStage;

#define KP_TYPE_CHECKOUT (kp_checkout_get_type ())
G_DECLARE_FINAL_TYPE (KpCheckout, kp_checkout, KP, CHECKOUT, GObject)

KpCheckout      *kp_checkout_new                  (KpClient           *client,
                                                   KpJournal          *journal,
                                                   KpApprovalListener *listener,
                                                   KpReconciler       *reconciler);
void             kp_checkout_set_merchant         (KpCheckout         *self,
                                                   const char         *cid,
                                                   const char         *terminal_id,
                                                   const char         *partner_user_id);
void             kp_checkout_set_services         (KpCheckout         *self,
                                                   KpClient           *client,
                                                   KpApprovalListener *listener,
                                                   KpRelayClient      *relay,
                                                   const char         *cid_secret);
void             kp_checkout_set_callback_base    (KpCheckout         *self,
                                                   const char         *callback_base);
void             kp_checkout_set_timing           (KpCheckout         *self,
                                                   guint               poll_interval_ms,
                                                   guint               tid_lifetime_s);

gboolean         kp_checkout_charge               (KpCheckout         *self,
                                                   const KpJournalNewSale *sale,
                                                   GError            **error);
gboolean         kp_checkout_abort                (KpCheckout         *self);
void             kp_checkout_deliver              (KpCheckout         *self,
                                                   KpCallbackKind      kind,
                                                   const char         *pg_token);
gboolean         kp_checkout_take_redirect        (KpCheckout         *self,
                                                   const char         *uri,
                                                   KpCallbackKind     *out_kind);

KpCheckoutStage  kp_checkout_get_stage            (KpCheckout         *self);
const KpJournalSale *kp_checkout_get_sale         (KpCheckout         *self);
const KpReadyReply *kp_checkout_get_ready_reply  (KpCheckout         *self);
const char      *kp_checkout_result_to_string     (KpCheckoutResult    result);

G_END_DECLS
