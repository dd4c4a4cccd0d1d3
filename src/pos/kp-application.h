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

G_END_DECLS
