/* kp-sale-state.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KpSaleState:
 * @KP_SALE_STATE_NONE: no state; only the "from" of the row that records a sale's creation
 * @KP_SALE_STATE_READY_SENT: journaled, ready is being (or was) sent
 * @KP_SALE_STATE_AWAITING_CUSTOMER: ready answered with a tid; the QR is shown
 * @KP_SALE_STATE_APPROVING: the customer approved (pg_token), approve is being sent
 * @KP_SALE_STATE_APPROVED: paid
 * @KP_SALE_STATE_READY_FAILED: ready was refused; nothing to pay
 * @KP_SALE_STATE_CANCELLED_BY_CUSTOMER: the customer cancelled on the payment page
 * @KP_SALE_STATE_FAILED: the payment failed
 * @KP_SALE_STATE_EXPIRED: the tid expired before the payment completed
 * @KP_SALE_STATE_ABORTED_BY_CASHIER: the cashier gave up waiting
 * @KP_SALE_STATE_APPROVE_FAILED: approve was refused
 * @KP_SALE_STATE_PARTIALLY_REFUNDED: part of the amount was refunded
 * @KP_SALE_STATE_REFUNDED: the whole amount was refunded
 *
 * The states of a sale (DESIGN.md, "A sale, as data"). The names returned by
 * kp_sale_state_to_string() are the ones stored in the journal and exported.
 */
typedef enum
{
  KP_SALE_STATE_NONE,
  KP_SALE_STATE_READY_SENT,
  KP_SALE_STATE_AWAITING_CUSTOMER,
  KP_SALE_STATE_APPROVING,
  KP_SALE_STATE_APPROVED,
  KP_SALE_STATE_READY_FAILED,
  KP_SALE_STATE_CANCELLED_BY_CUSTOMER,
  KP_SALE_STATE_FAILED,
  KP_SALE_STATE_EXPIRED,
  KP_SALE_STATE_ABORTED_BY_CASHIER,
  KP_SALE_STATE_APPROVE_FAILED,
  KP_SALE_STATE_PARTIALLY_REFUNDED,
  KP_SALE_STATE_REFUNDED,
} KpSaleState;

#define KP_SALE_STATE_LAST KP_SALE_STATE_REFUNDED

const char *kp_sale_state_to_string      (KpSaleState  state);
gboolean    kp_sale_state_from_string    (const char  *str,
                                          KpSaleState *out_state);
gboolean    kp_sale_state_is_in_flight   (KpSaleState  state);
gboolean    kp_sale_state_can_transition (KpSaleState  from,
                                          KpSaleState  to);

G_END_DECLS
