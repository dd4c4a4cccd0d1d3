/* kp-error.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kp-error.h"

typedef struct
{
  int   code;
  guint http_status;
  char *kakaopay_message;
  char *method_result_code;
  char *method_result_message;
  char *field;
} KpApiErrorPrivate;

static void
kp_api_error_private_init (KpApiErrorPrivate *priv)
{
}

static void
kp_api_error_private_copy (const KpApiErrorPrivate *src,
                           KpApiErrorPrivate       *dest)
{
  dest->code = src->code;
  dest->http_status = src->http_status;
  dest->kakaopay_message = g_strdup (src->kakaopay_message);
  dest->method_result_code = g_strdup (src->method_result_code);
  dest->method_result_message = g_strdup (src->method_result_message);
  dest->field = g_strdup (src->field);
}

static void
kp_api_error_private_clear (KpApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->kakaopay_message, g_free);
  g_clear_pointer (&priv->method_result_code, g_free);
  g_clear_pointer (&priv->method_result_message, g_free);
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (KpApiError, kp_api_error)

static KpApiErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != KP_API_ERROR)
    return NULL;
  return kp_api_error_get_private (error);
}

/**
 * kp_code_describe:
 * @code: a KakaoPay error code
 *
 * Returns: (nullable): a translated, actionable description of @code, or %NULL when the
 * code is not one we know.
 */
const char *
kp_code_describe (int code)
{
  switch (code)
    {
    case KP_CODE_INTERNAL:
      return _("KakaoPay had an internal error. Try again in a moment.");
    case KP_CODE_INVALID_PARAMETER:
      return _("KakaoPay refused a value in the request.");
    case KP_CODE_NOT_ENABLED:
    case KP_CODE_NO_PERMISSION:
      return _("This KakaoPay account may not use the payment API. Check the shop’s KakaoPay contract.");
    case KP_CODE_UNAUTHORIZED:
      return _("KakaoPay did not accept the secret key. Check the key this terminal uses.");
    case KP_CODE_NOT_AUTHENTICATED:
      return _("The customer has not finished paying yet.");
    case KP_CODE_ALREADY_APPROVED:
      return _("This payment was already approved.");
    case KP_CODE_WRONG_POINT_AMOUNT:
    case KP_CODE_WRONG_AMOUNT:
    case KP_CODE_WRONG_AMOUNT_INFO:
    case KP_CODE_WRONG_SINGLE_AMOUNT:
    case KP_CODE_WRONG_TOTAL_AMOUNT:
      return _("KakaoPay refused the amount of this payment.");
    case KP_CODE_WRONG_METHOD:
      return _("KakaoPay refused the payment method.");
    case KP_CODE_ORDER_ID_MISMATCH:
    case KP_CODE_USER_ID_MISMATCH:
    case KP_CODE_WRONG_ORDER_INFO:
      return _("KakaoPay says the order details do not match the payment.");
    case KP_CODE_WRONG_PG_TOKEN:
      return _("KakaoPay did not accept the approval token.");
    case KP_CODE_OVER_CANCEL:
      return _("The refund is larger than what can still be refunded.");
    case KP_CODE_UNKNOWN_TID:
      return _("KakaoPay does not know this payment.");
    case KP_CODE_EXPIRED:
      return _("The payment expired before the customer finished. Charge again.");
    case KP_CODE_WRONG_APP_INFO:
      return _("KakaoPay refused the shop’s app settings.");
    case KP_CODE_WRONG_CID:
      return _("KakaoPay does not know this CID. Check the CID this terminal uses.");
    case KP_CODE_WRONG_GID:
      return _("KakaoPay does not know this GID.");
    case KP_CODE_WRONG_CID_SECRET:
      return _("KakaoPay refused the CID secret. Check the CID secret this terminal uses.");
    case KP_CODE_APPROVE_FAILED:
      return _("The customer’s card or KakaoPay Money declined the payment.");
    case KP_CODE_CANCEL_FAILED:
      return _("The card company refused the refund.");
    case KP_CODE_NOT_APPROVABLE:
      return _("This payment can no longer be approved.");
    case KP_CODE_NOT_CANCELLABLE:
      return _("This payment cannot be refunded in its current state.");
    case KP_CODE_CONCURRENT:
      return _("Another request for this payment is in progress. Try again in a moment.");
    case KP_CODE_AMOUNT_LIMIT:
      return _("The amount is over KakaoPay’s limit for one payment.");
    case KP_CODE_IP_NOT_ALLOWED:
      return _("KakaoPay does not allow requests from this network address.");
    case KP_CODE_DOMAIN_MISMATCH:
      return _("KakaoPay refused the request’s site domain. Check the registered domain.");
    case KP_CODE_MAINTENANCE:
      return _("KakaoPay is under maintenance. Try again later.");
    default:
      return NULL;
    }
}

/**
 * kp_api_error_set_reply:
 *
 * Sets @error from a KakaoPay error reply. The message is our translated description of
 * the code where we know it, else KakaoPay's own message; KakaoPay's text and the
 * extras stay available through the accessors.
 */
void
kp_api_error_set_reply (GError     **error,
                        guint        http_status,
                        int          code,
                        const char  *message,
                        const char  *method_result_code,
                        const char  *method_result_message)
{
  KpApiErrorPrivate *priv;
  const char *description = kp_code_describe (code);
  g_autofree char *text = NULL;
  KpApiError kind = code == KP_CODE_UNAUTHORIZED ? KP_API_ERROR_UNAUTHORIZED
                                                 : KP_API_ERROR_REJECTED;

  if (error == NULL)
    return;

  if (description != NULL && method_result_message != NULL && *method_result_message)
    /* Translators: a KakaoPay error, then the card company's own reason */
    text = g_strdup_printf (_("%s (%s)"), description, method_result_message);
  else if (description != NULL)
    text = g_strdup (description);
  else
    /* Translators: %d is KakaoPay's error code, %s its message */
    text = g_strdup_printf (_("KakaoPay refused the request (%d): %s"), code,
                            message != NULL ? message : "");

  g_set_error_literal (error, KP_API_ERROR, kind, text);
  priv = kp_api_error_get_private (*error);
  priv->code = code;
  priv->http_status = http_status;
  priv->kakaopay_message = g_strdup (message);
  priv->method_result_code = g_strdup (method_result_code);
  priv->method_result_message = g_strdup (method_result_message);
}

void
kp_api_error_set_invalid_field (GError     **error,
                                const char  *field,
                                const char  *format,
                                ...)
{
  va_list args;
  g_autofree char *text = NULL;

  if (error == NULL)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST, text);
  get_private (*error)->field = g_strdup (field);
}

int
kp_api_error_get_code (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->code : KP_CODE_NONE;
}

guint
kp_api_error_get_http_status (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->http_status : 0;
}

const char *
kp_api_error_get_kakaopay_message (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->kakaopay_message : NULL;
}

const char *
kp_api_error_get_method_result_code (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->method_result_code : NULL;
}

const char *
kp_api_error_get_method_result_message (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->method_result_message : NULL;
}

/**
 * kp_api_error_get_field:
 *
 * Returns: (nullable): the request field a %KP_API_ERROR_INVALID_REQUEST is about.
 */
const char *
kp_api_error_get_field (const GError *error)
{
  KpApiErrorPrivate *priv = get_private (error);

  return priv != NULL ? priv->field : NULL;
}

/**
 * kp_api_error_is_outcome_unknown:
 *
 * Returns: %TRUE when the request may have been processed by KakaoPay although no
 * usable reply came back: the caller must check the payment's status (order) before
 * anything else. A cancelled call counts too when it was already sent, which the
 * client reports as %KP_API_ERROR_OUTCOME_UNKNOWN rather than %G_IO_ERROR_CANCELLED.
 */
gboolean
kp_api_error_is_outcome_unknown (const GError *error)
{
  return g_error_matches (error, KP_API_ERROR, KP_API_ERROR_OUTCOME_UNKNOWN) ||
         g_error_matches (error, KP_API_ERROR, KP_API_ERROR_SERVER_ERROR) ||
         g_error_matches (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
}

/**
 * kp_api_error_is_not_sent:
 *
 * Returns: %TRUE when the request certainly did not reach KakaoPay (or failed
 * validation before sending), so nothing changed there and it is safe to send again.
 */
gboolean
kp_api_error_is_not_sent (const GError *error)
{
  return g_error_matches (error, KP_API_ERROR, KP_API_ERROR_NOT_SENT) ||
         g_error_matches (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST);
}
