/* kp-checkout-private.h: what KpCheckout's files share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-checkout.h"
#include "kp-sale-monitor.h"

G_BEGIN_DECLS

/* What a sale runs with. The setters change the next sale's; a charge copies it to
 * the sale's own, which stays as it is until the sale ends. */
typedef struct
{
  KpClient           *client;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  char               *cid;
  char               *cid_secret;
  char               *terminal_id;
  char               *partner_user_id;
  char               *callback_base;
  guint               poll_interval_ms;
  guint               tid_lifetime_s;
} Setup;

struct _KpCheckout
{
  GObject             parent_instance;

  KpJournal          *journal;
  KpReconciler       *reconciler;
  KpSaleMonitor      *monitor;
  GCancellable       *cancellable;

  Setup               next;
  Setup               now;
  char               *callback_nonce;
  char               *callback_urls[KP_CALLBACK_FAIL + 1];  /* the sale's, by kind */

  KpCheckoutStage     stage;
  KpJournalSale      *sale;
  KpReadyReply       *ready_reply;
  gboolean            abort_requested;
  KpJournalNewSale   *deferred;      /* waits for the start-up recovery's reading */
  gulong              recovered_id;
};

/* What follows a journal write once it is done. */
typedef void (*AfterWrite) (KpCheckout *self);

void              _kp_checkout_finish           (KpCheckout       *self,
                                                 KpCheckoutResult  result,
                                                 const GError     *error);
void              _kp_checkout_replace_sale     (KpCheckout       *self,
                                                 KpJournalSale    *sale);
void              _kp_checkout_write_transition (KpCheckout       *self,
                                                 KpSaleState       to,
                                                 KpJournalUpdate  *update,
                                                 AfterWrite        after);
void              _kp_checkout_write_final      (KpCheckout       *self,
                                                 KpSaleState       to,
                                                 KpJournalUpdate  *update,
                                                 KpCheckoutResult  result,
                                                 const GError     *error);
KpCheckoutResult  _kp_checkout_result_for_state (KpSaleState       state);

G_END_DECLS
