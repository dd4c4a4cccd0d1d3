/* kp-payment.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-payment"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kp-error.h"
#include "kp-payment.h"

static const char * const status_names[] = {
  [KP_STATUS_UNKNOWN] = "UNKNOWN",
  [KP_STATUS_READY] = "READY",
  [KP_STATUS_SEND_TMS] = "SEND_TMS",
  [KP_STATUS_OPEN_PAYMENT] = "OPEN_PAYMENT",
  [KP_STATUS_SELECT_METHOD] = "SELECT_METHOD",
  [KP_STATUS_ARS_WAITING] = "ARS_WAITING",
  [KP_STATUS_AUTH_PASSWORD] = "AUTH_PASSWORD",
  [KP_STATUS_ISSUED_SID] = "ISSUED_SID",
  [KP_STATUS_SUCCESS_PAYMENT] = "SUCCESS_PAYMENT",
  [KP_STATUS_PART_CANCEL_PAYMENT] = "PART_CANCEL_PAYMENT",
  [KP_STATUS_CANCEL_PAYMENT] = "CANCEL_PAYMENT",
  [KP_STATUS_FAIL_AUTH_PASSWORD] = "FAIL_AUTH_PASSWORD",
  [KP_STATUS_QUIT_PAYMENT] = "QUIT_PAYMENT",
  [KP_STATUS_FAIL_PAYMENT] = "FAIL_PAYMENT",
};

const char *
kp_dialect_to_string (KpDialect dialect)
{
  return dialect == KP_DIALECT_LEGACY ? "legacy" : "online";
}

gboolean
kp_dialect_from_string (const char *str,
                        KpDialect  *out_dialect)
{
  if (g_strcmp0 (str, "online") == 0)
    *out_dialect = KP_DIALECT_ONLINE;
  else if (g_strcmp0 (str, "legacy") == 0)
    *out_dialect = KP_DIALECT_LEGACY;
  else
    return FALSE;
  return TRUE;
}

/**
 * kp_cid_is_test:
 * @cid: (nullable): a merchant code
 *
 * KakaoPay's test merchant codes (TC0ONETIME, TCSUBSCRIP, …) start with "TC": a
 * payment with one of them moves no money.
 *
 * Returns: whether @cid is a test CID
 */
gboolean
kp_cid_is_test (const char *cid)
{
  return cid != NULL && g_str_has_prefix (cid, "TC");
}

const char *
kp_status_to_string (KpStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (status_names))
    return status_names[KP_STATUS_UNKNOWN];
  return status_names[status];
}

KpStatus
kp_status_from_string (const char *str)
{
  for (guint i = 1; str != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (str, status_names[i]))
        return i;
    }
  return KP_STATUS_UNKNOWN;
}

/**
 * kp_status_is_final:
 *
 * Returns: %TRUE when no customer action can change @status any more (a refund still
 * can move an approved payment).
 */
gboolean
kp_status_is_final (KpStatus status)
{
  switch (status)
    {
    case KP_STATUS_ISSUED_SID:
    case KP_STATUS_SUCCESS_PAYMENT:
    case KP_STATUS_PART_CANCEL_PAYMENT:
    case KP_STATUS_CANCEL_PAYMENT:
    case KP_STATUS_FAIL_AUTH_PASSWORD:
    case KP_STATUS_QUIT_PAYMENT:
    case KP_STATUS_FAIL_PAYMENT:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * kp_optional_int_get:
 * @number: a number from a reply
 * @out_value: (out) (optional): its value, untouched when it is absent
 *
 * Returns: %TRUE when the reply carried @number
 */
gboolean
kp_optional_int_get (const KpOptionalInt *number,
                     gint64              *out_value)
{
  g_return_val_if_fail (number != NULL, FALSE);

  if (!number->present)
    return FALSE;
  if (out_value != NULL)
    *out_value = number->value;
  return TRUE;
}

GTimeZone *
kp_kst (void)
{
  static gsize kst;

  /* Korea keeps +09:00 all year; a fixed offset needs no tz database. */
  if (g_once_init_enter (&kst))
    g_once_init_leave (&kst, (gsize) g_time_zone_new_offset (9 * 3600));
  return (GTimeZone *) kst;
}

/**
 * kp_datetime_parse:
 * @str: a KakaoPay timestamp, `yyyy-MM-ddTHH:mm:ss` in KST (an explicit offset is
 *   honoured too)
 *
 * Returns: (transfer full) (nullable): the time, or %NULL if @str is not one
 */
GDateTime *
kp_datetime_parse (const char *str)
{
  if (str == NULL || *str == '\0')
    return NULL;
  return g_date_time_new_from_iso8601 (str, kp_kst ());
}

/**
 * kp_datetime_format:
 *
 * Returns: (transfer full): @datetime in KST as KakaoPay writes it, without offset
 */
char *
kp_datetime_format (GDateTime *datetime)
{
  g_autoptr (GDateTime) local = g_date_time_to_timezone (datetime, kp_kst ());

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S");
}

/* Validation */

static gboolean
check_string (const char  *field,
              const char  *value,
              gboolean     required,
              guint        max_chars,
              GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      if (!required)
        return TRUE;
      /* Translators: %s is a KakaoPay request field name such as item_name */
      kp_api_error_set_invalid_field (error, field, _("%s is required."), field);
      return FALSE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      kp_api_error_set_invalid_field (error, field, _("%s is not valid UTF-8 text."), field);
      return FALSE;
    }

  if (max_chars > 0 && g_utf8_strlen (value, -1) > max_chars)
    {
      /* Translators: %s is a field name, %u the most characters it may have */
      kp_api_error_set_invalid_field (error, field, _("%s is longer than %u characters."),
                                      field, max_chars);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_url (const char  *field,
           const char  *value,
           GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (!check_string (field, value, TRUE, KP_MAX_URL_LENGTH, error))
    return FALSE;

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      kp_api_error_set_invalid_field (error, field, _("%s is not an http or https address."),
                                      field);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_cid (const char  *cid,
           const char  *cid_secret,
           GError     **error)
{
  if (!check_string ("cid", cid, TRUE, 0, error))
    return FALSE;
  if (strlen (cid) != KP_CID_LENGTH)
    {
      kp_api_error_set_invalid_field (error, "cid", _("cid must be %d characters."),
                                      KP_CID_LENGTH);
      return FALSE;
    }
  if (cid_secret != NULL && *cid_secret != '\0')
    {
      gboolean ok = strlen (cid_secret) == KP_CID_SECRET_LENGTH;

      for (const char *p = cid_secret; ok && *p; p++)
        ok = g_ascii_isdigit (*p) || g_ascii_islower (*p);
      if (!ok)
        {
          kp_api_error_set_invalid_field (error, "cid_secret",
                                          _("cid_secret must be %d digits or lowercase letters."),
                                          KP_CID_SECRET_LENGTH);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_tid (const char  *tid,
           GError     **error)
{
  return check_string ("tid", tid, TRUE, KP_MAX_ID_LENGTH, error);
}

/* Card-side settings that are only sent when set. */
static gboolean
check_ready_options (const KpReadyRequest  *request,
                     GError               **error)
{
  if (request->payment_method_type != NULL &&
      g_strcmp0 (request->payment_method_type, "CARD") != 0 &&
      g_strcmp0 (request->payment_method_type, "MONEY") != 0)
    {
      kp_api_error_set_invalid_field (error, "payment_method_type",
                                      _("payment_method_type must be CARD or MONEY."));
      return FALSE;
    }
  if (request->install_month != KP_UNSET &&
      (request->install_month < 0 || request->install_month > 12))
    {
      kp_api_error_set_invalid_field (error, "install_month",
                                      _("install_month must be between 0 and 12."));
      return FALSE;
    }
  if (request->use_share_installment != NULL &&
      g_strcmp0 (request->use_share_installment, "Y") != 0 &&
      g_strcmp0 (request->use_share_installment, "N") != 0)
    {
      kp_api_error_set_invalid_field (error, "use_share_installment",
                                      _("use_share_installment must be Y or N."));
      return FALSE;
    }
  if (request->green_deposit != KP_UNSET &&
      (request->green_deposit < 0 || request->green_deposit > request->total_amount))
    {
      kp_api_error_set_invalid_field (error, "green_deposit",
                                      _("green_deposit must be between 0 and the total."));
      return FALSE;
    }
  return TRUE;
}

gboolean
kp_ready_request_validate (const KpReadyRequest  *request,
                           GError               **error)
{
  g_return_val_if_fail (request != NULL, FALSE);

  if (!check_cid (request->cid, request->cid_secret, error) ||
      !check_string ("partner_order_id", request->partner_order_id, TRUE, KP_MAX_ID_LENGTH, error) ||
      !check_string ("partner_user_id", request->partner_user_id, TRUE, KP_MAX_ID_LENGTH, error) ||
      !check_string ("item_name", request->item_name, TRUE, KP_MAX_ITEM_LENGTH, error) ||
      !check_string ("item_code", request->item_code, FALSE, KP_MAX_ITEM_LENGTH, error))
    return FALSE;

  if (request->quantity < 1)
    {
      kp_api_error_set_invalid_field (error, "quantity", _("quantity must be at least 1."));
      return FALSE;
    }
  if (request->total_amount <= 0)
    {
      kp_api_error_set_invalid_field (error, "total_amount",
                                      _("total_amount must be more than 0."));
      return FALSE;
    }
  if (request->tax_free_amount < 0 || request->tax_free_amount > request->total_amount)
    {
      kp_api_error_set_invalid_field (error, "tax_free_amount",
                                      _("tax_free_amount must be between 0 and the total."));
      return FALSE;
    }
  if (request->vat_amount != KP_UNSET &&
      (request->vat_amount < 0 ||
       request->vat_amount > request->total_amount - request->tax_free_amount))
    {
      kp_api_error_set_invalid_field (error, "vat_amount",
                                      _("vat_amount must be between 0 and the taxable amount."));
      return FALSE;
    }

  if (!check_url ("approval_url", request->approval_url, error) ||
      !check_url ("cancel_url", request->cancel_url, error) ||
      !check_url ("fail_url", request->fail_url, error))
    return FALSE;

  return check_ready_options (request, error);
}

/**
 * kp_ready_request_get_vat:
 *
 * Returns: the VAT KakaoPay will use: the one set, or the default rule's
 */
gint64
kp_ready_request_get_vat (const KpReadyRequest *request)
{
  if (request->vat_amount != KP_UNSET)
    return request->vat_amount;
  return kp_vat_default (request->total_amount, request->tax_free_amount);
}

gboolean
kp_approve_request_validate (const KpApproveRequest  *request,
                             GError                 **error)
{
  g_return_val_if_fail (request != NULL, FALSE);

  if (!check_cid (request->cid, request->cid_secret, error) ||
      !check_tid (request->tid, error) ||
      !check_string ("partner_order_id", request->partner_order_id, TRUE, KP_MAX_ID_LENGTH, error) ||
      !check_string ("partner_user_id", request->partner_user_id, TRUE, KP_MAX_ID_LENGTH, error) ||
      !check_string ("pg_token", request->pg_token, TRUE, KP_MAX_ID_LENGTH, error) ||
      !check_string ("payload", request->payload, FALSE, KP_MAX_PAYLOAD_LENGTH, error))
    return FALSE;

  if (request->total_amount != KP_UNSET && request->total_amount <= 0)
    {
      kp_api_error_set_invalid_field (error, "total_amount",
                                      _("total_amount must be more than 0."));
      return FALSE;
    }

  return TRUE;
}

gboolean
kp_order_request_validate (const KpOrderRequest  *request,
                           GError               **error)
{
  g_return_val_if_fail (request != NULL, FALSE);

  return check_cid (request->cid, request->cid_secret, error) && check_tid (request->tid, error);
}

gboolean
kp_cancel_request_validate (const KpCancelRequest  *request,
                            GError                **error)
{
  g_return_val_if_fail (request != NULL, FALSE);

  if (!check_cid (request->cid, request->cid_secret, error) ||
      !check_tid (request->tid, error) ||
      !check_string ("payload", request->payload, FALSE, KP_MAX_PAYLOAD_LENGTH, error))
    return FALSE;

  if (request->cancel_amount <= 0)
    {
      kp_api_error_set_invalid_field (error, "cancel_amount",
                                      _("cancel_amount must be more than 0."));
      return FALSE;
    }
  if (request->cancel_tax_free_amount < 0 ||
      request->cancel_tax_free_amount > request->cancel_amount)
    {
      kp_api_error_set_invalid_field (error, "cancel_tax_free_amount",
                                      _("cancel_tax_free_amount must be between 0 and the refund."));
      return FALSE;
    }
  if (request->cancel_vat_amount != KP_UNSET &&
      (request->cancel_vat_amount < 0 ||
       request->cancel_vat_amount > request->cancel_amount - request->cancel_tax_free_amount))
    {
      kp_api_error_set_invalid_field (error, "cancel_vat_amount",
                                      _("cancel_vat_amount must be between 0 and the taxable refund."));
      return FALSE;
    }
  if (request->cancel_available_amount != KP_UNSET &&
      request->cancel_available_amount < request->cancel_amount)
    {
      kp_api_error_set_invalid_field (error, "cancel_available_amount",
                                      _("The refund is larger than what can still be refunded."));
      return FALSE;
    }

  return TRUE;
}

gint64
kp_cancel_request_get_vat (const KpCancelRequest *request)
{
  if (request->cancel_vat_amount != KP_UNSET)
    return request->cancel_vat_amount;
  return kp_vat_default (request->cancel_amount, request->cancel_tax_free_amount);
}

/* Construction and freeing */

KpCardInfo *
kp_card_info_copy (const KpCardInfo *info)
{
  KpCardInfo *copy;

  if (info == NULL)
    return NULL;

  copy = g_new0 (KpCardInfo, 1);
  copy->kakaopay_purchase_corp = g_strdup (info->kakaopay_purchase_corp);
  copy->kakaopay_purchase_corp_code = g_strdup (info->kakaopay_purchase_corp_code);
  copy->kakaopay_issuer_corp = g_strdup (info->kakaopay_issuer_corp);
  copy->kakaopay_issuer_corp_code = g_strdup (info->kakaopay_issuer_corp_code);
  copy->purchase_corp = g_strdup (info->purchase_corp);
  copy->purchase_corp_code = g_strdup (info->purchase_corp_code);
  copy->issuer_corp = g_strdup (info->issuer_corp);
  copy->issuer_corp_code = g_strdup (info->issuer_corp_code);
  copy->bin = g_strdup (info->bin);
  copy->card_type = g_strdup (info->card_type);
  copy->install_month = g_strdup (info->install_month);
  copy->approved_id = g_strdup (info->approved_id);
  copy->card_mid = g_strdup (info->card_mid);
  copy->interest_free_install = g_strdup (info->interest_free_install);
  copy->installment_type = g_strdup (info->installment_type);
  copy->card_item_code = g_strdup (info->card_item_code);
  return copy;
}

void
kp_card_info_free (KpCardInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kakaopay_purchase_corp);
  g_free (info->kakaopay_purchase_corp_code);
  g_free (info->kakaopay_issuer_corp);
  g_free (info->kakaopay_issuer_corp_code);
  g_free (info->purchase_corp);
  g_free (info->purchase_corp_code);
  g_free (info->issuer_corp);
  g_free (info->issuer_corp_code);
  g_free (info->bin);
  g_free (info->card_type);
  g_free (info->install_month);
  g_free (info->approved_id);
  g_free (info->card_mid);
  g_free (info->interest_free_install);
  g_free (info->installment_type);
  g_free (info->card_item_code);
  g_free (info);
}

void
kp_selected_card_info_free (KpSelectedCardInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->card_bin);
  g_free (info->installment_type);
  g_free (info->card_corp_name);
  g_free (info->interest_free_install);
  g_free (info);
}

void
kp_payment_action_free (KpPaymentAction *action)
{
  if (action == NULL)
    return;
  g_free (action->aid);
  g_clear_pointer (&action->approved_at, g_date_time_unref);
  g_free (action->payment_action_type);
  g_free (action->payment_method_type);
  g_free (action->payload);
  g_free (action);
}

KpReadyRequest *
kp_ready_request_new (void)
{
  KpReadyRequest *request = g_new0 (KpReadyRequest, 1);

  request->quantity = 1;
  request->vat_amount = KP_UNSET;
  request->green_deposit = KP_UNSET;
  request->install_month = KP_UNSET;
  return request;
}

void
kp_ready_request_free (KpReadyRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->cid);
  g_free (request->cid_secret);
  g_free (request->partner_order_id);
  g_free (request->partner_user_id);
  g_free (request->item_name);
  g_free (request->item_code);
  g_free (request->approval_url);
  g_free (request->cancel_url);
  g_free (request->fail_url);
  g_strfreev (request->available_cards);
  g_free (request->payment_method_type);
  g_free (request->use_share_installment);
  g_clear_pointer (&request->custom_json, g_hash_table_unref);
  g_free (request);
}

void
kp_ready_reply_free (KpReadyReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->tid);
  g_free (reply->next_redirect_app_url);
  g_free (reply->next_redirect_mobile_url);
  g_free (reply->next_redirect_pc_url);
  g_free (reply->android_app_scheme);
  g_free (reply->ios_app_scheme);
  g_clear_pointer (&reply->created_at, g_date_time_unref);
  g_free (reply);
}

KpApproveRequest *
kp_approve_request_new (void)
{
  KpApproveRequest *request = g_new0 (KpApproveRequest, 1);

  request->total_amount = KP_UNSET;
  return request;
}

void
kp_approve_request_free (KpApproveRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->cid);
  g_free (request->cid_secret);
  g_free (request->tid);
  g_free (request->partner_order_id);
  g_free (request->partner_user_id);
  g_free (request->pg_token);
  g_free (request->payload);
  g_free (request);
}

void
kp_approve_reply_free (KpApproveReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->aid);
  g_free (reply->tid);
  g_free (reply->cid);
  g_free (reply->sid);
  g_free (reply->partner_order_id);
  g_free (reply->partner_user_id);
  g_free (reply->payment_method_type);
  kp_card_info_free (reply->card_info);
  g_free (reply->item_name);
  g_free (reply->item_code);
  g_clear_pointer (&reply->created_at, g_date_time_unref);
  g_clear_pointer (&reply->approved_at, g_date_time_unref);
  g_free (reply->payload);
  g_free (reply);
}

KpOrderRequest *
kp_order_request_new (void)
{
  return g_new0 (KpOrderRequest, 1);
}

void
kp_order_request_free (KpOrderRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->cid);
  g_free (request->cid_secret);
  g_free (request->tid);
  g_free (request);
}

void
kp_order_reply_free (KpOrderReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->tid);
  g_free (reply->cid);
  g_free (reply->status_string);
  g_free (reply->partner_order_id);
  g_free (reply->partner_user_id);
  g_free (reply->payment_method_type);
  g_free (reply->item_name);
  g_free (reply->item_code);
  g_clear_pointer (&reply->created_at, g_date_time_unref);
  g_clear_pointer (&reply->approved_at, g_date_time_unref);
  g_clear_pointer (&reply->canceled_at, g_date_time_unref);
  kp_selected_card_info_free (reply->selected_card_info);
  g_clear_pointer (&reply->payment_action_details, g_ptr_array_unref);
  g_free (reply);
}

KpCancelRequest *
kp_cancel_request_new (void)
{
  KpCancelRequest *request = g_new0 (KpCancelRequest, 1);

  request->cancel_vat_amount = KP_UNSET;
  request->cancel_available_amount = KP_UNSET;
  return request;
}

void
kp_cancel_request_free (KpCancelRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->cid);
  g_free (request->cid_secret);
  g_free (request->tid);
  g_free (request->payload);
  g_free (request);
}

void
kp_cancel_reply_free (KpCancelReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->aid);
  g_free (reply->tid);
  g_free (reply->cid);
  g_free (reply->status_string);
  g_free (reply->partner_order_id);
  g_free (reply->partner_user_id);
  g_free (reply->payment_method_type);
  g_free (reply->item_name);
  g_free (reply->item_code);
  g_clear_pointer (&reply->created_at, g_date_time_unref);
  g_clear_pointer (&reply->approved_at, g_date_time_unref);
  g_clear_pointer (&reply->canceled_at, g_date_time_unref);
  g_free (reply->payload);
  g_free (reply);
}
