/* kp-codec.h: requests to bytes, reply bodies to typed replies
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kp-payment.h"

G_BEGIN_DECLS

JsonObject     *kp_codec_ready_params      (const KpReadyRequest   *request);
JsonObject     *kp_codec_approve_params    (const KpApproveRequest *request);
JsonObject     *kp_codec_order_params      (const KpOrderRequest   *request);
JsonObject     *kp_codec_cancel_params     (const KpCancelRequest  *request);

GBytes         *kp_codec_encode            (KpDialect               dialect,
                                            JsonObject             *params,
                                            const char            **out_content_type);

JsonNode       *kp_codec_parse_json        (const char             *data,
                                            gssize                  size);
JsonObject     *kp_codec_parse_object      (GBytes                 *body,
                                            GError                **error);
gboolean        kp_codec_parse_error       (JsonObject             *object,
                                            int                    *out_code,
                                            char                  **out_message,
                                            char                  **out_method_result_code,
                                            char                  **out_method_result_message);

KpReadyReply   *kp_codec_ready_reply       (JsonObject             *object,
                                            GError                **error);
KpApproveReply *kp_codec_approve_reply     (JsonObject             *object,
                                            GError                **error);
KpOrderReply   *kp_codec_order_reply       (JsonObject             *object,
                                            GError                **error);
KpCancelReply  *kp_codec_cancel_reply      (JsonObject             *object,
                                            GError                **error);

G_END_DECLS
