/* kp-approval-listener.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  KP_CALLBACK_APPROVE,
  KP_CALLBACK_CANCEL,
  KP_CALLBACK_FAIL,
} KpCallbackKind;

#define KP_TYPE_APPROVAL_LISTENER (kp_approval_listener_get_type ())
G_DECLARE_FINAL_TYPE (KpApprovalListener, kp_approval_listener, KP, APPROVAL_LISTENER, GObject)

KpApprovalListener *kp_approval_listener_new          (void);
gboolean            kp_approval_listener_listen       (KpApprovalListener  *self,
                                                       const char          *host,
                                                       guint16              port,
                                                       GError             **error);
char               *kp_approval_listener_dup_url      (KpApprovalListener  *self);

void                kp_approval_listener_expect       (KpApprovalListener  *self,
                                                       const char          *partner_order_id,
                                                       const char          *nonce);
void                kp_approval_listener_forget       (KpApprovalListener  *self,
                                                       const char          *partner_order_id);
guint               kp_approval_listener_get_n_rejected (KpApprovalListener *self);

char               *kp_callback_url                   (const char          *callback_base,
                                                       KpCallbackKind       kind,
                                                       const char          *partner_order_id,
                                                       const char          *nonce);
const char         *kp_callback_kind_to_string        (KpCallbackKind       kind);
char               *kp_random_hex                     (gsize                n_bytes);
gboolean            kp_parse_host_port                (const char          *text,
                                                       char               **out_host,
                                                       guint16             *out_port,
                                                       GError             **error);

G_END_DECLS
