/* kp-error.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KP_API_ERROR (kp_api_error_quark ())

/**
 * KpApiError:
 * @KP_API_ERROR_INVALID_REQUEST: the request failed validation; nothing was sent
 * @KP_API_ERROR_NOT_SENT: the request certainly did not reach KakaoPay
 *   (connection refused, name lookup, TLS handshake, or failed before the body was written)
 * @KP_API_ERROR_OUTCOME_UNKNOWN: the request was sent but no reply came
 *   (timeout or connection reset after sending): it may have been processed
 * @KP_API_ERROR_SERVER_ERROR: an HTTP error status without a KakaoPay error body
 *   (e.g. 500 from a proxy): it may have been processed
 * @KP_API_ERROR_MALFORMED_REPLY: a reply arrived but could not be read: it may have
 *   been processed
 * @KP_API_ERROR_UNAUTHORIZED: KakaoPay rejected the key (code -401)
 * @KP_API_ERROR_REJECTED: KakaoPay answered with an error code; nothing changed
 *   on its side. See kp_api_error_get_code().
 *
 * The error kinds a KakaoPay call can end with. The journal relies on the difference
 * between "not sent" and "outcome unknown": see kp_api_error_is_outcome_unknown().
 */
typedef enum
{
  KP_API_ERROR_INVALID_REQUEST,
  KP_API_ERROR_NOT_SENT,
  KP_API_ERROR_OUTCOME_UNKNOWN,
  KP_API_ERROR_SERVER_ERROR,
  KP_API_ERROR_MALFORMED_REPLY,
  KP_API_ERROR_UNAUTHORIZED,
  KP_API_ERROR_REJECTED,
} KpApiError;

/* KakaoPay's error codes (kakaopay-api.md §9). */
typedef enum
{
  KP_CODE_NONE = 0,
  KP_CODE_INTERNAL = -1,
  KP_CODE_INVALID_PARAMETER = -2,
  KP_CODE_NOT_ENABLED = -3,
  KP_CODE_NO_PERMISSION = -5,
  KP_CODE_UNAUTHORIZED = -401,
  KP_CODE_NOT_AUTHENTICATED = -701,
  KP_CODE_ALREADY_APPROVED = -702,
  KP_CODE_WRONG_POINT_AMOUNT = -703,
  KP_CODE_WRONG_AMOUNT = -704,
  KP_CODE_WRONG_METHOD = -705,
  KP_CODE_ORDER_ID_MISMATCH = -706,
  KP_CODE_USER_ID_MISMATCH = -707,
  KP_CODE_WRONG_PG_TOKEN = -708,
  KP_CODE_OVER_CANCEL = -710,
  KP_CODE_UNKNOWN_TID = -721,
  KP_CODE_WRONG_AMOUNT_INFO = -722,
  KP_CODE_EXPIRED = -723,
  KP_CODE_WRONG_SINGLE_AMOUNT = -724,
  KP_CODE_WRONG_TOTAL_AMOUNT = -725,
  KP_CODE_WRONG_ORDER_INFO = -726,
  KP_CODE_WRONG_APP_INFO = -730,
  KP_CODE_WRONG_CID = -731,
  KP_CODE_WRONG_GID = -732,
  KP_CODE_WRONG_CID_SECRET = -733,
  KP_CODE_APPROVE_FAILED = -780,
  KP_CODE_CANCEL_FAILED = -781,
  KP_CODE_NOT_APPROVABLE = -783,
  KP_CODE_NOT_CANCELLABLE = -784,
  KP_CODE_CONCURRENT = -785,
  KP_CODE_AMOUNT_LIMIT = -797,
  KP_CODE_IP_NOT_ALLOWED = -798,
  KP_CODE_DOMAIN_MISMATCH = -799,
  KP_CODE_MAINTENANCE = -9798,
} KpCode;

GQuark       kp_api_error_quark                 (void);

void         kp_api_error_set_reply             (GError     **error,
                                                 guint        http_status,
                                                 int          code,
                                                 const char  *message,
                                                 const char  *method_result_code,
                                                 const char  *method_result_message);

int          kp_api_error_get_code              (const GError *error);
guint        kp_api_error_get_http_status       (const GError *error);
const char  *kp_api_error_get_kakaopay_message  (const GError *error);
const char  *kp_api_error_get_method_result_code    (const GError *error);
const char  *kp_api_error_get_method_result_message (const GError *error);
const char  *kp_api_error_get_field             (const GError *error);

void         kp_api_error_set_invalid_field     (GError     **error,
                                                 const char  *field,
                                                 const char  *format,
                                                 ...) G_GNUC_PRINTF (3, 4);

gboolean     kp_api_error_is_outcome_unknown    (const GError *error);
gboolean     kp_api_error_is_not_sent           (const GError *error);

const char  *kp_code_describe                   (int          code);

G_END_DECLS
