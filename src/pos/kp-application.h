/* kp-application.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-approval-listener.h"
#include "kp-checkout.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-refunder.h"
#include "kp-secret-store.h"
#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_APPLICATION (kp_application_get_type ())
G_DECLARE_FINAL_TYPE (KpApplication, kp_application, KP, APPLICATION, AdwApplication)

KpApplication      *kp_application_new                (void);
KpTerminal         *kp_application_get_terminal       (KpApplication *self);

GSettings          *kp_application_get_settings       (KpApplication *self);
KpClient           *kp_application_get_client         (KpApplication *self);
KpJournal          *kp_application_get_journal        (KpApplication *self);
KpCheckout         *kp_application_get_checkout       (KpApplication *self);
KpApprovalListener *kp_application_get_listener       (KpApplication *self);
KpReconciler       *kp_application_get_reconciler     (KpApplication *self);
KpRefunder         *kp_application_get_refunder       (KpApplication *self);
gboolean            kp_application_is_test_mode       (KpApplication *self);
gboolean            kp_application_uses_test_cid      (KpApplication *self);
const char         *kp_application_get_journal_path   (KpApplication *self);
const char         *kp_application_get_callback_base  (KpApplication *self);
const char         *kp_application_get_setup_error    (KpApplication *self);
gpointer            kp_application_get_sandbox        (KpApplication *self);
KpSecretStore      *kp_application_get_secret_store   (KpApplication *self);
void                kp_application_reload_services    (KpApplication *self);
int                 kp_application_get_relay_state    (KpApplication *self);

G_END_DECLS
