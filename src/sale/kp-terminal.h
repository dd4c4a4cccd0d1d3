/* kp-terminal.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-approval-listener.h"
#include "kp-checkout.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-receipt.h"
#include "kp-reconciler.h"
#include "kp-refunder.h"
#include "kp-relay-client.h"
#include "kp-secret-store.h"
#include "kp-settings.h"

G_BEGIN_DECLS

#define KP_TYPE_TERMINAL (kp_terminal_get_type ())
G_DECLARE_FINAL_TYPE (KpTerminal, kp_terminal, KP, TERMINAL, GObject)

KpTerminal         *kp_terminal_new                (KpSettings    *settings,
                                                    KpSecretStore *secrets,
                                                    const char    *journal_path);
void                kp_terminal_start              (KpTerminal    *self);
void                kp_terminal_reload             (KpTerminal    *self);
void                kp_terminal_shutdown           (KpTerminal    *self);

KpSettings         *kp_terminal_get_settings       (KpTerminal    *self);
KpSecretStore      *kp_terminal_get_secret_store   (KpTerminal    *self);
KpClient           *kp_terminal_get_client         (KpTerminal    *self);
KpJournal          *kp_terminal_get_journal        (KpTerminal    *self);
KpCheckout         *kp_terminal_get_checkout       (KpTerminal    *self);
KpReconciler       *kp_terminal_get_reconciler     (KpTerminal    *self);
KpRefunder         *kp_terminal_get_refunder       (KpTerminal    *self);
KpApprovalListener *kp_terminal_get_listener       (KpTerminal    *self);
gpointer            kp_terminal_get_sandbox        (KpTerminal    *self);
gboolean            kp_terminal_is_test_mode       (KpTerminal    *self);
gboolean            kp_terminal_uses_test_cid      (KpTerminal    *self);
const char         *kp_terminal_get_journal_path   (KpTerminal    *self);
const char         *kp_terminal_get_callback_base  (KpTerminal    *self);
const char         *kp_terminal_get_setup_error    (KpTerminal    *self);
int                 kp_terminal_get_relay_state    (KpTerminal    *self);

void                kp_terminal_print_receipt_async  (KpTerminal          *self,
                                                      const char          *partner_order_id,
                                                      const char          *refund_id,
                                                      gboolean             reprint,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean            kp_terminal_print_receipt_finish (KpTerminal          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
KpReceiptShop      *kp_terminal_dup_receipt_shop     (KpTerminal          *self);

gpointer            kp_terminal_get_shop_replicator    (KpTerminal          *self);
void                kp_terminal_set_shop_db_password   (KpTerminal          *self,
                                                        const char          *password);
gpointer            kp_terminal_new_shop_client        (KpTerminal          *self);

G_END_DECLS
