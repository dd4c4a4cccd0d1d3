/* kp-application.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-terminal.h"

G_BEGIN_DECLS

#define KP_TYPE_APPLICATION (kp_application_get_type ())
G_DECLARE_FINAL_TYPE (KpApplication, kp_application, KP, APPLICATION, AdwApplication)

KpApplication      *kp_application_new                (void);
KpTerminal         *kp_application_get_terminal       (KpApplication *self);

KpJournal          *kp_application_get_journal        (KpApplication *self);
KpCheckout         *kp_application_get_checkout       (KpApplication *self);
KpReconciler       *kp_application_get_reconciler     (KpApplication *self);
KpRefunder         *kp_application_get_refunder       (KpApplication *self);
gboolean            kp_application_is_test_mode       (KpApplication *self);
gboolean            kp_application_uses_test_cid      (KpApplication *self);
const char         *kp_application_get_setup_error    (KpApplication *self);
int                 kp_application_get_relay_state    (KpApplication *self);

G_END_DECLS
