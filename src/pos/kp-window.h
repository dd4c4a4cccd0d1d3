/* kp-window.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-application.h"
#include "kp-cart.h"

G_BEGIN_DECLS

#define KP_TYPE_WINDOW (kp_window_get_type ())
G_DECLARE_FINAL_TYPE (KpWindow, kp_window, KP, WINDOW, AdwApplicationWindow)

KpWindow   *kp_window_new                   (KpApplication *application,
                                             KpTerminal    *terminal);
KpCart     *kp_window_get_cart              (KpWindow      *self);
void        kp_window_set_customer_display  (KpWindow      *self,
                                             gboolean       shown);
const char *kp_window_get_page              (KpWindow      *self);
const char *kp_window_get_qr_text           (KpWindow      *self);
const char *kp_window_get_message           (KpWindow      *self);
const char *kp_window_get_status_text       (KpWindow      *self);

gboolean    kp_window_ask_quit              (KpWindow      *self);


G_END_DECLS
