/* kp-callback-page.h: what a customer's phone sees after a callback redirect
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kp-approval-listener.h"

G_BEGIN_DECLS

char    *kp_callback_page_dup           (guint              status,
                                         KpCallbackKind     kind);
char    *kp_callback_page_dup_check     (void);
void     kp_callback_page_respond       (SoupServerMessage *msg,
                                         guint              status,
                                         KpCallbackKind     kind);
void     kp_callback_page_respond_check (SoupServerMessage *msg);
gboolean kp_callback_pg_token_is_valid  (const char        *pg_token);
gboolean kp_callback_nonce_equal        (const char        *expected,
                                         const char        *given);

G_END_DECLS
