/* kp-sale-format.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sale-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-money.h"
#include "kp-payment.h"
#include "kp-sale-format.h"

/**
 * kp_sale_state_label:
 *
 * Returns: the state's name for people, translated
 */
const char *
kp_sale_state_label (KpSaleState state)
{
  switch (state)
    {
    case KP_SALE_STATE_NONE:
      return C_("sale state", "New");
    case KP_SALE_STATE_READY_SENT:
      return C_("sale state", "Starting");
    case KP_SALE_STATE_AWAITING_CUSTOMER:
      return C_("sale state", "Waiting for customer");
    case KP_SALE_STATE_APPROVING:
      return C_("sale state", "Approving");
    case KP_SALE_STATE_APPROVED:
      return C_("sale state", "Paid");
    case KP_SALE_STATE_READY_FAILED:
      return C_("sale state", "Could not start");
    case KP_SALE_STATE_CANCELLED_BY_CUSTOMER:
      return C_("sale state", "Cancelled by customer");
    case KP_SALE_STATE_FAILED:
      return C_("sale state", "Payment failed");
    case KP_SALE_STATE_EXPIRED:
      return C_("sale state", "Expired");
    case KP_SALE_STATE_ABORTED_BY_CASHIER:
      return C_("sale state", "Cancelled at counter");
    case KP_SALE_STATE_APPROVE_FAILED:
      return C_("sale state", "Declined");
    case KP_SALE_STATE_PARTIALLY_REFUNDED:
      return C_("sale state", "Partly refunded");
    case KP_SALE_STATE_REFUNDED:
      return C_("sale state", "Refunded");
    default:
      return kp_sale_state_to_string (state);
    }
}

/**
 * kp_refund_state_label:
 *
 * Returns: the refund state's name for people, translated
 */
const char *
kp_refund_state_label (KpRefundState state)
{
  switch (state)
    {
    case KP_REFUND_STATE_SENT:
      return C_("refund state", "In progress");
    case KP_REFUND_STATE_REFUNDED:
      return C_("refund state", "Refunded");
    case KP_REFUND_STATE_FAILED:
      return C_("refund state", "Refused");
    default:
      return kp_refund_state_to_string (state);
    }
}

/* KakaoPay's word on a payment, as the journal notes it ("order: QUIT_PAYMENT"). */
static const char *
order_status_label (const char *status)
{
  switch (kp_status_from_string (status))
    {
    case KP_STATUS_READY:
    case KP_STATUS_SEND_TMS:
      return _("KakaoPay: the customer has not opened the payment");
    case KP_STATUS_OPEN_PAYMENT:
    case KP_STATUS_SELECT_METHOD:
    case KP_STATUS_ARS_WAITING:
      return _("KakaoPay: the customer is paying");
    case KP_STATUS_AUTH_PASSWORD:
    case KP_STATUS_ISSUED_SID:
      return _("KakaoPay: the customer approved");
    case KP_STATUS_SUCCESS_PAYMENT:
      return _("KakaoPay: paid");
    case KP_STATUS_PART_CANCEL_PAYMENT:
      return _("KakaoPay: partly refunded");
    case KP_STATUS_CANCEL_PAYMENT:
      return _("KakaoPay: refunded or cancelled");
    case KP_STATUS_FAIL_AUTH_PASSWORD:
      return _("KakaoPay: the customer’s password check failed");
    case KP_STATUS_QUIT_PAYMENT:
      return _("KakaoPay: the customer cancelled");
    case KP_STATUS_FAIL_PAYMENT:
      return _("KakaoPay: the payment failed");
    case KP_STATUS_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * kp_transition_detail_label:
 * @detail: a state change's note, as the journal keeps it
 *
 * The journal notes some changes in its own terms: KakaoPay's status names, the
 * refund's id and amount in KRW. The cashier reads them in words.
 *
 * Returns: (transfer full): the note for people, translated where it is known
 */
char *
kp_transition_detail_label (const char *detail)
{
  gint64 amount = 0;
  const char *colon;

  g_return_val_if_fail (detail != NULL, NULL);

  if (g_str_has_prefix (detail, "order: "))
    {
      const char *label = order_status_label (detail + strlen ("order: "));

      if (label != NULL)
        return g_strdup (label);
    }
  if (g_str_has_prefix (detail, "retry of "))
    /* Translators: a note in a sale's history: the cashier charged again after the
     * payment of this order number could not start */
    return g_strdup_printf (_("Charged again after order %s could not start"),
                            detail + strlen ("retry of "));
  if (g_str_equal (detail, "cancelled by the cashier"))
    return g_strdup (_("Cancelled at the counter"));
  /* "Refund T1-20261125-0001-R1: 2000 KRW, aid A…" */
  if (g_str_has_prefix (detail, "Refund ") && (colon = strstr (detail, ": ")) != NULL)
    {
      g_autofree char *digits = g_strndup (colon + 2, strspn (colon + 2, "0123456789"));

      if (*digits != '\0' && g_ascii_string_to_signed (digits, 10, 0, G_MAXINT64, &amount, NULL))
        {
          g_autofree char *money = kp_money_format (amount);

          /* Translators: a note in a sale's history: a refund of this amount was made */
          return g_strdup_printf (_("Refund of %s"), money);
        }
    }
  return g_strdup (detail);
}

/**
 * kp_payment_method_label:
 * @method: (nullable): payment_method_type as KakaoPay returned it
 *
 * Returns: the method for people, translated; "" when there is none
 */
const char *
kp_payment_method_label (const char *method)
{
  if (method == NULL || *method == '\0')
    return "";
  if (g_str_equal (method, "MONEY"))
    return _("KakaoPay Money");
  if (g_str_equal (method, "CARD"))
    return _("Card");
  if (g_str_equal (method, "UNKNOWN"))
    return C_("payment method", "Unknown");
  return method;
}

/**
 * kp_format_time:
 * @time: (nullable): a time
 *
 * Returns: (transfer full): its local time of day, "14:05:09"; "" for %NULL
 */
char *
kp_format_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%H:%M:%S");
}

/**
 * kp_format_date_time:
 * @time: (nullable): a time
 *
 * Returns: (transfer full): its local date and time, "2026-11-25 14:05:09"; "" for %NULL
 */
char *
kp_format_date_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/**
 * kp_format_day:
 * @day: a valid date
 *
 * Returns: (transfer full): "2026-11-25"
 */
char *
kp_format_day (const GDate *day)
{
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", day);
  return g_strdup (text);
}

/**
 * kp_ready_reply_qr_url:
 * @reply: KakaoPay's answer to ready
 * @target: what the QR code opens, as the qr-target setting says (the payment page in
 *   the app shows the pc page, and its QR code when the page cannot load)
 *
 * Every screen that shows the payment's QR code asks here, so that the cashier's and
 * the customer's codes always open the same page.
 *
 * Returns: (nullable): the page @target names, or the other one when KakaoPay sent
 *   only that
 */
const char *
kp_ready_reply_qr_url (const KpReadyReply *reply,
                       KpQrTarget          target)
{
  const char *url;

  g_return_val_if_fail (reply != NULL, NULL);

  url = target == KP_QR_TARGET_MOBILE ? reply->next_redirect_mobile_url
                                      : reply->next_redirect_pc_url;
  if (url == NULL)
    url = reply->next_redirect_pc_url != NULL ? reply->next_redirect_pc_url
                                              : reply->next_redirect_mobile_url;
  return url;
}
