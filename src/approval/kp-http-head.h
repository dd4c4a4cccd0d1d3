/* kp-http-head.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kp-approval-listener.h"

G_BEGIN_DECLS

/* kp_http_head_scan(): the head is not complete yet; read on. */
#define KP_HTTP_HEAD_MORE (-1)

/* The most a head reader ever holds: one byte beyond the biggest head allowed. */
#define KP_HTTP_HEAD_MAX_READ (KP_APPROVAL_LISTENER_MAX_HEADER_BYTES + 1)

int         kp_http_head_scan        (const guint8  *data,
                                      gsize          scanned,
                                      gsize          length,
                                      gsize         *out_head_length,
                                      gboolean      *out_upgrade,
                                      const char   **out_why);
const char *kp_http_head_status_text (guint          status);
char       *kp_http_head_refusal     (guint          status,
                                      gsize         *out_length);

G_END_DECLS
