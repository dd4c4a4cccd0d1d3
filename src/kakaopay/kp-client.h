/* kp-client.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-error.h"
#include "kp-payment.h"

G_BEGIN_DECLS

#define KP_CLIENT_DEFAULT_TIMEOUT 10
#define KP_ONLINE_BASE_URL "https://open-api.kakaopay.com"
#define KP_LEGACY_BASE_URL "https://kapi.kakao.com"

gboolean        kp_endpoint_is_loopback     (const char        *host);
gboolean        kp_endpoint_check_transport (const char        *url,
                                             GError           **error);

#define KP_TYPE_CLIENT (kp_client_get_type ())
G_DECLARE_FINAL_TYPE (KpClient, kp_client, KP, CLIENT, GObject)

KpClient       *kp_client_new               (const char        *base_url,
                                             KpDialect          dialect,
                                             const char        *secret_key);

const char     *kp_client_get_base_url      (KpClient          *self);
void            kp_client_set_base_url      (KpClient          *self,
                                             const char        *base_url);
KpDialect       kp_client_get_dialect       (KpClient          *self);
void            kp_client_set_dialect       (KpClient          *self,
                                             KpDialect          dialect);
void            kp_client_set_secret_key    (KpClient          *self,
                                             const char        *secret_key);
gboolean        kp_client_has_secret_key    (KpClient          *self);
guint           kp_client_get_timeout       (KpClient          *self);
void            kp_client_set_timeout       (KpClient          *self,
                                             guint              seconds);

void            kp_client_ready_async       (KpClient          *self,
                                             const KpReadyRequest *request,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
KpReadyReply   *kp_client_ready_finish      (KpClient          *self,
                                             GAsyncResult      *result,
                                             GError           **error);

void            kp_client_approve_async     (KpClient          *self,
                                             const KpApproveRequest *request,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
KpApproveReply *kp_client_approve_finish    (KpClient          *self,
                                             GAsyncResult      *result,
                                             GError           **error);

void            kp_client_order_async       (KpClient          *self,
                                             const KpOrderRequest *request,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
KpOrderReply   *kp_client_order_finish      (KpClient          *self,
                                             GAsyncResult      *result,
                                             GError           **error);

void            kp_client_cancel_async      (KpClient          *self,
                                             const KpCancelRequest *request,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
KpCancelReply  *kp_client_cancel_finish     (KpClient          *self,
                                             GAsyncResult      *result,
                                             GError           **error);

G_END_DECLS
