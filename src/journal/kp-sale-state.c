/* kp-sale-state.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-sale-state.h"

#define BIT(state) (1u << (state))

/* Indexed by KpSaleState; NONE has no name. */
static const char * const state_names[] = {
  NULL,
  "READY_SENT",
  "AWAITING_CUSTOMER",
  "APPROVING",
  "APPROVED",
  "READY_FAILED",
  "CANCELLED_BY_CUSTOMER",
  "FAILED",
  "EXPIRED",
  "ABORTED_BY_CASHIER",
  "APPROVE_FAILED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
};

G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == KP_SALE_STATE_LAST + 1);

/* The states each state may move to. A reconciler may find a sale paid from
 * any in-flight state, and KakaoPay's word wins over a cashier who gave up
 * waiting, hence the edges into APPROVING/APPROVED from ABORTED_BY_CASHIER. */
static const guint allowed[] = {
  [KP_SALE_STATE_NONE] = 0,
  [KP_SALE_STATE_READY_SENT] = BIT (KP_SALE_STATE_AWAITING_CUSTOMER) |
                               BIT (KP_SALE_STATE_READY_FAILED) |
                               BIT (KP_SALE_STATE_CANCELLED_BY_CUSTOMER) |
                               BIT (KP_SALE_STATE_FAILED) |
                               BIT (KP_SALE_STATE_EXPIRED) |
                               BIT (KP_SALE_STATE_ABORTED_BY_CASHIER) |
                               BIT (KP_SALE_STATE_APPROVED),
  [KP_SALE_STATE_AWAITING_CUSTOMER] = BIT (KP_SALE_STATE_APPROVING) |
                                      BIT (KP_SALE_STATE_CANCELLED_BY_CUSTOMER) |
                                      BIT (KP_SALE_STATE_FAILED) |
                                      BIT (KP_SALE_STATE_EXPIRED) |
                                      BIT (KP_SALE_STATE_ABORTED_BY_CASHIER) |
                                      BIT (KP_SALE_STATE_APPROVED),
  [KP_SALE_STATE_APPROVING] = BIT (KP_SALE_STATE_APPROVED) |
                              BIT (KP_SALE_STATE_APPROVE_FAILED) |
                              BIT (KP_SALE_STATE_EXPIRED) |
                              BIT (KP_SALE_STATE_FAILED),
  [KP_SALE_STATE_APPROVED] = BIT (KP_SALE_STATE_PARTIALLY_REFUNDED) |
                             BIT (KP_SALE_STATE_REFUNDED),
  [KP_SALE_STATE_READY_FAILED] = 0,
  [KP_SALE_STATE_CANCELLED_BY_CUSTOMER] = 0,
  [KP_SALE_STATE_FAILED] = 0,
  [KP_SALE_STATE_EXPIRED] = 0,
  [KP_SALE_STATE_ABORTED_BY_CASHIER] = BIT (KP_SALE_STATE_APPROVING) |
                                       BIT (KP_SALE_STATE_APPROVED),
  [KP_SALE_STATE_APPROVE_FAILED] = 0,
  [KP_SALE_STATE_PARTIALLY_REFUNDED] = BIT (KP_SALE_STATE_PARTIALLY_REFUNDED) |
                                       BIT (KP_SALE_STATE_REFUNDED),
  [KP_SALE_STATE_REFUNDED] = 0,
};

G_STATIC_ASSERT (G_N_ELEMENTS (allowed) == KP_SALE_STATE_LAST + 1);

static gboolean
state_is_valid (KpSaleState state)
{
  return state > KP_SALE_STATE_NONE && state <= KP_SALE_STATE_LAST;
}

/**
 * kp_sale_state_to_string:
 * @state: a state
 *
 * Returns: (nullable): the state's name as in DESIGN.md (e.g. "READY_SENT"),
 *   or %NULL for %KP_SALE_STATE_NONE and values out of range
 */
const char *
kp_sale_state_to_string (KpSaleState state)
{
  if (!state_is_valid (state))
    return NULL;

  return state_names[state];
}

/**
 * kp_sale_state_from_string:
 * @str: (nullable): a state name, exactly as kp_sale_state_to_string() returns it
 * @out_state: (out) (optional): where to store the state
 *
 * Returns: %TRUE if @str names a state
 */
gboolean
kp_sale_state_from_string (const char  *str,
                           KpSaleState *out_state)
{
  if (str == NULL)
    return FALSE;

  for (guint i = KP_SALE_STATE_NONE + 1; i <= KP_SALE_STATE_LAST; i++)
    {
      if (g_str_equal (str, state_names[i]))
        {
          if (out_state != NULL)
            *out_state = (KpSaleState) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * kp_sale_state_is_in_flight:
 * @state: a state
 *
 * Returns: %TRUE for the states in which a call to KakaoPay may be pending:
 *   READY_SENT, AWAITING_CUSTOMER and APPROVING
 */
gboolean
kp_sale_state_is_in_flight (KpSaleState state)
{
  return state == KP_SALE_STATE_READY_SENT ||
         state == KP_SALE_STATE_AWAITING_CUSTOMER ||
         state == KP_SALE_STATE_APPROVING;
}

/**
 * kp_sale_state_can_transition:
 * @from: the current state
 * @to: the next state
 *
 * Returns: %TRUE if the journal accepts a transition from @from to @to
 */
gboolean
kp_sale_state_can_transition (KpSaleState from,
                              KpSaleState to)
{
  if (!state_is_valid (from) || !state_is_valid (to))
    return FALSE;

  return (allowed[from] & BIT (to)) != 0;
}
