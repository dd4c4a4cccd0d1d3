/* kp-sandbox-api.c: the KakaoPay API the sandbox serves
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * kp_sandbox_handle(): a request's way to its reply. A path of the API is one of the
 * four calls of a single payment, ready, approve, order and cancel, in either dialect
 * (kakaopay-api.md §1): its method, key and injected fault, then what each call
 * checks, changes and answers, and its request record. Any other path is the
 * customer's page (kp-sandbox-page.c).
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <string.h>

#include "kp-error.h"
#include "kp-money.h"
#include "kp-sandbox-private.h"

#define JSON_CONTENT_TYPE  "application/json;charset=UTF-8"

/* The test card every CARD payment uses (kakaopay-api.md §5 doc sample). */
#define CARD_BIN               "621640"
#define CARD_PURCHASE_CORP     "비씨카드"
#define CARD_PURCHASE_CODE     "104"
#define CARD_ISSUER_CORP       "수협은행"
#define CARD_ISSUER_CODE       "212"
#define CARD_MID               "123456789"
#define CARD_INSTALLMENT_TYPE  "CARD_INSTALLMENT"

/* Reply members */

static void
add_card_info (JsonBuilder      *builder,
               KpSandboxPayment *payment)
{
  int months = MAX (payment->install_month, 0);
  g_autofree char *install_month = g_strdup_printf ("%02d", months);

  json_builder_set_member_name (builder, "card_info");
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "kakaopay_purchase_corp", CARD_PURCHASE_CORP);
  _kp_sandbox_add_string (builder, "kakaopay_purchase_corp_code", CARD_PURCHASE_CODE);
  _kp_sandbox_add_string (builder, "kakaopay_issuer_corp", CARD_ISSUER_CORP);
  _kp_sandbox_add_string (builder, "kakaopay_issuer_corp_code", CARD_ISSUER_CODE);
  _kp_sandbox_add_string (builder, "bin", CARD_BIN);
  /* Instalments only exist on credit cards. */
  _kp_sandbox_add_string (builder, "card_type", months > 0 ? "신용" : "체크");
  _kp_sandbox_add_string (builder, "install_month", install_month);
  _kp_sandbox_add_string (builder, "approved_id", payment->approved_id);
  _kp_sandbox_add_string (builder, "card_mid", CARD_MID);
  _kp_sandbox_add_string (builder, "interest_free_install", "N");
  _kp_sandbox_add_string (builder, "installment_type", CARD_INSTALLMENT_TYPE);
  json_builder_end_object (builder);
}

static void
add_selected_card_info (JsonBuilder      *builder,
                        KpSandboxPayment *payment)
{
  json_builder_set_member_name (builder, "selected_card_info");
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "card_bin", CARD_BIN);
  _kp_sandbox_add_int (builder, "install_month", MAX (payment->install_month, 0));
  _kp_sandbox_add_string (builder, "installment_type", CARD_INSTALLMENT_TYPE);
  _kp_sandbox_add_string (builder, "card_corp_name", CARD_PURCHASE_CORP);
  _kp_sandbox_add_string (builder, "interest_free_install", "N");
  json_builder_end_object (builder);
}

static void
add_payment_ids (JsonBuilder      *builder,
                 KpSandboxPayment *payment)
{
  _kp_sandbox_add_string (builder, "tid", payment->tid);
  _kp_sandbox_add_string (builder, "cid", payment->cid);
}

/* What order and cancel start with: from tid to the payment's amount. The method is
 * there once approved, so cancel always has it. */
static void
add_payment_state (JsonBuilder      *builder,
                   KpDialect         dialect,
                   KpSandboxPayment *payment)
{
  add_payment_ids (builder, payment);
  _kp_sandbox_add_string (builder, "status", kp_status_to_string (payment->status));
  _kp_sandbox_add_string (builder, "partner_order_id", payment->partner_order_id);
  _kp_sandbox_add_string (builder, "partner_user_id", payment->partner_user_id);
  _kp_sandbox_add_optional_string (builder, dialect, "payment_method_type", payment->method);
  _kp_sandbox_add_amount (builder, "amount", &payment->amount);
}

static void
add_payment_item (JsonBuilder      *builder,
                  KpDialect         dialect,
                  KpSandboxPayment *payment)
{
  _kp_sandbox_add_string (builder, "item_name", payment->item_name);
  _kp_sandbox_add_optional_string (builder, dialect, "item_code", payment->item_code);
  _kp_sandbox_add_int (builder, "quantity", payment->quantity);
  _kp_sandbox_add_datetime (builder, "created_at", payment->created_at);
}

static void
add_action (JsonBuilder     *builder,
            KpDialect        dialect,
            KpPaymentAction *action,
            gboolean         sparse)
{
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "aid", action->aid);
  _kp_sandbox_add_datetime (builder, "approved_at", action->approved_at);
  if (sparse)
    {
      /* Only what a real 2023 legacy entry carried (kakaopay-api.md §6, S14). */
      _kp_sandbox_add_optional_int (builder, KP_DIALECT_LEGACY, "point_amount",
                                    &action->point_amount);
      _kp_sandbox_add_optional_int (builder, KP_DIALECT_LEGACY, "discount_amount",
                                    &action->discount_amount);
      _kp_sandbox_add_string (builder, "payment_action_type", action->payment_action_type);
      json_builder_end_object (builder);
      return;
    }
  _kp_sandbox_add_optional_int (builder, dialect, "amount", &action->amount);
  _kp_sandbox_add_optional_int (builder, dialect, "point_amount", &action->point_amount);
  _kp_sandbox_add_optional_int (builder, dialect, "discount_amount", &action->discount_amount);
  _kp_sandbox_add_optional_int (builder, dialect, "green_deposit", &action->green_deposit);
  _kp_sandbox_add_string (builder, "payment_action_type", action->payment_action_type);
  _kp_sandbox_add_optional_string (builder, dialect, "payment_method_type",
                                   action->payment_method_type);
  _kp_sandbox_add_optional_string (builder, dialect, "payload", action->payload);
  json_builder_end_object (builder);
}

/* The four endpoints: each answers FALSE with the call's error reply set, or TRUE with
 * its success body. */

/* A positive total, a tax-free part within it and, when sent, a VAT within what is
 * taxed: ready's amounts and cancel's alike, each under its own field names. */
static gboolean
check_amounts (KpSandboxCall *call,
               const char    *total_field,
               const char    *tax_free_field,
               const char    *vat_field,
               gint64         total,
               gint64         tax_free,
               gboolean       has_vat,
               gint64         vat)
{
  if (total <= 0)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s must be greater than 0", total_field);
  if (tax_free < 0 || tax_free > total)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s must be between 0 and %s", tax_free_field, total_field);
  if (has_vat && (vat < 0 || vat > total - tax_free))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s must be between 0 and %s - %s",
                                  vat_field, total_field, tax_free_field);
  return TRUE;
}

/* cid and cid_secret, which every call starts with. */
static gboolean
call_get_cid (KpSandboxCall  *call,
              const char    **out_cid,
              const char    **out_cid_secret)
{
  return _kp_sandbox_call_get_string (call, "cid", TRUE, 0, out_cid) &&
         _kp_sandbox_call_get_string (call, "cid_secret", FALSE, 0, out_cid_secret);
}

/* partner_order_id and partner_user_id, which ready sets and approve repeats. */
static gboolean
call_get_partner_ids (KpSandboxCall  *call,
                      const char    **out_order_id,
                      const char    **out_user_id)
{
  return _kp_sandbox_call_get_string (call, "partner_order_id", TRUE, KP_MAX_ID_LENGTH,
                                      out_order_id) &&
         _kp_sandbox_call_get_string (call, "partner_user_id", TRUE, KP_MAX_ID_LENGTH,
                                      out_user_id);
}

static gboolean
handle_ready (KpSandboxCall *call)
{
  const char *cid, *cid_secret, *order_id, *user_id, *item_name, *item_code;
  const char *approval_url, *cancel_url, *fail_url, *method_type, *share;
  gint64 quantity, total, tax_free, vat, green_deposit, install_month;
  gboolean has_vat, has_install_month;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autofree char *pc_url = NULL;
  g_autofree char *mobile_url = NULL;
  g_autofree char *app_url = NULL;
  g_autofree char *app_scheme = NULL;
  KpSandboxPayment *payment;

  if (!call_get_cid (call, &cid, &cid_secret) ||
      !call_get_partner_ids (call, &order_id, &user_id) ||
      !_kp_sandbox_call_get_string (call, "item_name", TRUE, KP_MAX_ITEM_LENGTH, &item_name) ||
      !_kp_sandbox_call_get_string (call, "item_code", FALSE, KP_MAX_ITEM_LENGTH, &item_code) ||
      !_kp_sandbox_call_get_int (call, "quantity", TRUE, &quantity, NULL) ||
      !_kp_sandbox_call_get_int (call, "total_amount", TRUE, &total, NULL) ||
      !_kp_sandbox_call_get_int (call, "tax_free_amount", TRUE, &tax_free, NULL) ||
      !_kp_sandbox_call_get_int (call, "vat_amount", FALSE, &vat, &has_vat) ||
      !_kp_sandbox_call_get_int (call, "green_deposit", FALSE, &green_deposit, NULL) ||
      !_kp_sandbox_call_get_url (call, "approval_url", &approval_url) ||
      !_kp_sandbox_call_get_url (call, "cancel_url", &cancel_url) ||
      !_kp_sandbox_call_get_url (call, "fail_url", &fail_url) ||
      !_kp_sandbox_call_check_json (call, "available_cards", JSON_NODE_ARRAY) ||
      !_kp_sandbox_call_get_string (call, "payment_method_type", FALSE, 0, &method_type) ||
      !_kp_sandbox_call_get_int (call, "install_month", FALSE, &install_month,
                                 &has_install_month) ||
      !_kp_sandbox_call_get_string (call, "use_share_installment", FALSE, 0, &share) ||
      !_kp_sandbox_call_check_json (call, "custom_json", JSON_NODE_OBJECT))
    return FALSE;

  /* INF (kakaopay-api.md §4): the checks the real service surely does, undocumented. */
  if (strlen (cid) != KP_CID_LENGTH)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "cid must be %d characters", KP_CID_LENGTH);
  if (quantity < 1)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "quantity must be at least 1");
  if (!check_amounts (call, "total_amount", "tax_free_amount", "vat_amount",
                      total, tax_free, has_vat, vat))
    return FALSE;
  if (green_deposit < 0)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "green_deposit must not be negative");
  if (method_type != NULL && !g_str_equal (method_type, "CARD") &&
      !g_str_equal (method_type, "MONEY"))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "payment_method_type must be CARD or MONEY");
  if (has_install_month && (install_month < 0 || install_month > 12))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "install_month must be between 0 and 12");
  if (share != NULL && !g_str_equal (share, "Y") && !g_str_equal (share, "N"))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "use_share_installment must be Y or N");
  if (!_kp_sandbox_call_check_cid (call, cid, cid_secret, NULL))
    return FALSE;

  payment = _kp_sandbox_payment_new (call->sandbox, call->dialect);
  payment->cid = g_strdup (cid);
  payment->partner_order_id = g_strdup (order_id);
  payment->partner_user_id = g_strdup (user_id);
  payment->item_name = g_strdup (item_name);
  payment->item_code = g_strdup (item_code);
  payment->quantity = quantity;
  payment->amount.total = total;
  payment->amount.tax_free = tax_free;
  payment->amount.vat = has_vat ? vat : kp_vat_default (total, tax_free);
  payment->amount.green_deposit = green_deposit;
  payment->approval_url = g_strdup (approval_url);
  payment->cancel_url = g_strdup (cancel_url);
  payment->fail_url = g_strdup (fail_url);
  payment->allowed_method = g_strdup (method_type);
  if (has_install_month)
    payment->install_month = (int) install_month;

  _kp_sandbox_page_urls (call->sandbox, payment, &pc_url, &mobile_url, &app_url, &app_scheme);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "tid", payment->tid);
  _kp_sandbox_add_string (builder, "next_redirect_app_url", app_url);
  _kp_sandbox_add_string (builder, "next_redirect_mobile_url", mobile_url);
  _kp_sandbox_add_string (builder, "next_redirect_pc_url", pc_url);
  _kp_sandbox_add_string (builder, "android_app_scheme", app_scheme);
  _kp_sandbox_add_string (builder, "ios_app_scheme", app_scheme);
  _kp_sandbox_add_datetime (builder, "created_at", payment->created_at);
  /* Undocumented but present in real replies (kakaopay-api.md §4, S14). */
  json_builder_set_member_name (builder, "tms_result");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  return _kp_sandbox_call_succeed (call, builder);
}

static gboolean
handle_approve (KpSandboxCall *call)
{
  KpSandbox *self = call->sandbox;
  const char *cid, *cid_secret, *tid, *order_id, *user_id, *pg_token, *payload;
  gint64 total;
  gboolean has_total;
  KpSandboxPayment *payment;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_cid (call, &cid, &cid_secret) ||
      !_kp_sandbox_call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid) ||
      !call_get_partner_ids (call, &order_id, &user_id) ||
      !_kp_sandbox_call_get_string (call, "pg_token", TRUE, KP_MAX_ID_LENGTH, &pg_token) ||
      !_kp_sandbox_call_get_string (call, "payload", FALSE, KP_MAX_PAYLOAD_LENGTH, &payload) ||
      !_kp_sandbox_call_get_int (call, "total_amount", FALSE, &total, &has_total))
    return FALSE;

  payment = _kp_sandbox_call_find_payment (call, tid);
  if (payment == NULL || !_kp_sandbox_call_check_cid (call, cid, cid_secret, payment))
    return FALSE;

  if (payment->approved_at != NULL)
    return _kp_sandbox_call_fail (call, KP_CODE_ALREADY_APPROVED, "payment already approved");
  if (_kp_sandbox_payment_is_past_ttl (self, payment))
    {
      _kp_sandbox_payment_check_expiry (self, payment);
      return _kp_sandbox_call_fail (call, KP_CODE_EXPIRED, "payment expiry time passed");
    }
  if (!g_str_equal (order_id, payment->partner_order_id))
    return _kp_sandbox_call_fail (call, KP_CODE_ORDER_ID_MISMATCH,
                                  "partner_order_id does not match ready");
  if (!g_str_equal (user_id, payment->partner_user_id))
    return _kp_sandbox_call_fail (call, KP_CODE_USER_ID_MISMATCH,
                                  "partner_user_id does not match ready");
  if (_kp_sandbox_status_is_before_auth (payment->status))
    return _kp_sandbox_call_fail (call, KP_CODE_NOT_AUTHENTICATED,
                                  "the user has not authenticated the payment");
  if (payment->status != KP_STATUS_AUTH_PASSWORD)
    return _kp_sandbox_call_fail (call, KP_CODE_NOT_APPROVABLE,
                                  "payment in state %s cannot be approved",
                                  kp_status_to_string (payment->status));
  if (g_strcmp0 (pg_token, payment->pg_token) != 0)
    return _kp_sandbox_call_fail (call, KP_CODE_WRONG_PG_TOKEN, "wrong pg_token");
  /* The legacy doc has the check (S7); open-api shares the table (INF). */
  if (has_total && total != payment->amount.total)
    return _kp_sandbox_call_fail (call, KP_CODE_WRONG_AMOUNT,
                                  "total_amount does not match ready");
  if (call->fault == KP_SANDBOX_FAULT_DECLINE)
    {
      payment->status = KP_STATUS_FAIL_PAYMENT;
      return _kp_sandbox_call_fail_full (call, 400, KP_CODE_APPROVE_FAILED, "USER_LOCKED",
                                         "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.",
                                         "approval failure!");
    }

  _kp_sandbox_payment_approve (self, payment, payload);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "aid", payment->aid);
  add_payment_ids (builder, payment);
  /* Only a subscription CID has one (kakaopay-api.md §5). */
  _kp_sandbox_add_absent (builder, call->dialect, "sid");
  _kp_sandbox_add_string (builder, "partner_order_id", payment->partner_order_id);
  _kp_sandbox_add_string (builder, "partner_user_id", payment->partner_user_id);
  _kp_sandbox_add_string (builder, "payment_method_type", payment->method);
  _kp_sandbox_add_amount (builder, "amount", &payment->amount);
  if (g_str_equal (payment->method, "CARD"))
    add_card_info (builder, payment);
  else
    _kp_sandbox_add_absent (builder, call->dialect, "card_info");
  /* Not in kakaopay-api.md; a real open-api approve reply has it, null (3P). */
  _kp_sandbox_add_absent (builder, call->dialect, "sequential_payment_methods");
  add_payment_item (builder, call->dialect, payment);
  _kp_sandbox_add_datetime (builder, "approved_at", payment->approved_at);
  _kp_sandbox_add_optional_string (builder, call->dialect, "payload", payment->payload);
  json_builder_end_object (builder);
  return _kp_sandbox_call_succeed (call, builder);
}

static gboolean
handle_order (KpSandboxCall *call)
{
  const char *cid, *cid_secret, *tid;
  KpSandboxPayment *payment;
  KpAmount remaining;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_cid (call, &cid, &cid_secret) ||
      !_kp_sandbox_call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid))
    return FALSE;

  payment = _kp_sandbox_call_find_payment (call, tid);
  if (payment == NULL || !_kp_sandbox_call_check_cid (call, cid, cid_secret, payment))
    return FALSE;

  _kp_sandbox_payment_check_expiry (call->sandbox, payment);
  _kp_sandbox_payment_get_remaining (payment, &remaining);

  /* Fields that do not apply are left out, as real replies do (kakaopay-api.md §6). */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_payment_state (builder, call->dialect, payment);
  _kp_sandbox_add_amount (builder, "canceled_amount", &payment->canceled);
  _kp_sandbox_add_amount (builder, "cancel_available_amount", &remaining);
  add_payment_item (builder, call->dialect, payment);
  _kp_sandbox_add_optional_datetime (builder, call->dialect, "approved_at",
                                     payment->approved_at);
  _kp_sandbox_add_optional_datetime (builder, call->dialect, "canceled_at",
                                     payment->canceled_at);
  if (g_strcmp0 (payment->method, "CARD") == 0)
    add_selected_card_info (builder, payment);
  else
    _kp_sandbox_add_absent (builder, call->dialect, "selected_card_info");

  json_builder_set_member_name (builder, "payment_action_details");
  json_builder_begin_array (builder);
  for (guint i = 0; i < payment->actions->len; i++)
    add_action (builder, call->dialect, g_ptr_array_index (payment->actions, i),
                call->fault == KP_SANDBOX_FAULT_SPARSE_ACTIONS);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return _kp_sandbox_call_succeed (call, builder);
}

/* A part of a cancel within what is left of it (kakaopay-api.md §7). */
static gboolean
check_not_over (KpSandboxCall *call,
                const char    *field,
                gint64         value,
                gint64         left,
                const char    *what)
{
  if (value > left)
    return _kp_sandbox_call_fail (call, KP_CODE_OVER_CANCEL,
                                  "%s is more than the cancellable %s", field, what);
  return TRUE;
}

static gboolean
handle_cancel (KpSandboxCall *call)
{
  const char *cid, *cid_secret, *tid, *payload;
  gint64 amount, tax_free, vat, available;
  gboolean has_vat, has_available;
  KpSandboxPayment *payment;
  KpAmount remaining;
  KpAmount this_cancel;
  g_autofree char *aid = NULL;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_cid (call, &cid, &cid_secret) ||
      !_kp_sandbox_call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid) ||
      !_kp_sandbox_call_get_int (call, "cancel_amount", TRUE, &amount, NULL) ||
      !_kp_sandbox_call_get_int (call, "cancel_tax_free_amount", TRUE, &tax_free, NULL) ||
      !_kp_sandbox_call_get_int (call, "cancel_vat_amount", FALSE, &vat, &has_vat) ||
      !_kp_sandbox_call_get_int (call, "cancel_available_amount", FALSE, &available,
                                 &has_available) ||
      !_kp_sandbox_call_get_string (call, "payload", FALSE, KP_MAX_PAYLOAD_LENGTH, &payload))
    return FALSE;

  payment = _kp_sandbox_call_find_payment (call, tid);
  if (payment == NULL || !_kp_sandbox_call_check_cid (call, cid, cid_secret, payment))
    return FALSE;

  if (payment->status != KP_STATUS_SUCCESS_PAYMENT &&
      payment->status != KP_STATUS_PART_CANCEL_PAYMENT)
    return _kp_sandbox_call_fail (call, KP_CODE_NOT_CANCELLABLE,
                                  "payment in state %s cannot be cancelled",
                                  kp_status_to_string (payment->status));
  if (!check_amounts (call, "cancel_amount", "cancel_tax_free_amount", "cancel_vat_amount",
                      amount, tax_free, has_vat, vat))
    return FALSE;
  if (!has_vat)
    vat = kp_vat_default (amount, tax_free);

  _kp_sandbox_payment_get_remaining (payment, &remaining);
  /* INF (kakaopay-api.md §7, §9): no source says what KakaoPay does with a
   * cancel_available_amount that differs from what is left. The simulator's choice: take
   * it as a guard against concurrent cancels and refuse a mismatch with -710, like an
   * over-cancel. Clients must not count on this refusal. */
  if (has_available && available != remaining.total)
    return _kp_sandbox_call_fail (call, KP_CODE_OVER_CANCEL,
                                  "cancel_available_amount does not match the cancellable "
                                  "amount");
  if (!check_not_over (call, "cancel_amount", amount, remaining.total, "amount") ||
      !check_not_over (call, "cancel_tax_free_amount", tax_free, remaining.tax_free,
                       "tax-free amount") ||
      !check_not_over (call, "cancel_vat_amount", vat, remaining.vat, "VAT"))
    return FALSE;
  /* S6 forbids a partial cancel with a cup deposit; the code is INF. */
  if (payment->amount.green_deposit > 0 && amount < remaining.total)
    return _kp_sandbox_call_fail (call, KP_CODE_NOT_CANCELLABLE,
                                  "a payment with green_deposit can only be cancelled in full");
  if (call->fault == KP_SANDBOX_FAULT_DECLINE)
    return _kp_sandbox_call_fail_full (call, 400, KP_CODE_CANCEL_FAILED, "6666", "원거래없음",
                                       "cancel failure!");

  aid = _kp_sandbox_payment_cancel (call->sandbox, payment, amount, tax_free, vat, payload,
                                    &this_cancel);
  _kp_sandbox_payment_get_remaining (payment, &remaining);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "aid", aid);
  add_payment_state (builder, call->dialect, payment);
  _kp_sandbox_add_amount (builder, "approved_cancel_amount", &this_cancel);
  _kp_sandbox_add_amount (builder, "canceled_amount", &payment->canceled);
  _kp_sandbox_add_amount (builder, "cancel_available_amount", &remaining);
  add_payment_item (builder, call->dialect, payment);
  _kp_sandbox_add_datetime (builder, "approved_at", payment->approved_at);
  _kp_sandbox_add_datetime (builder, "canceled_at", payment->canceled_at);
  _kp_sandbox_add_optional_string (builder, call->dialect, "payload", payload);
  json_builder_end_object (builder);
  return _kp_sandbox_call_succeed (call, builder);
}

/* Routing and a call's life */

static gboolean
match_api (const char        *path,
           KpDialect         *out_dialect,
           KpSandboxEndpoint *out_endpoint)
{
  const char *rest;

  if (g_str_has_prefix (path, "/online/v1/payment/"))
    {
      *out_dialect = KP_DIALECT_ONLINE;
      rest = path + strlen ("/online/v1/payment/");
    }
  else if (g_str_has_prefix (path, "/v1/payment/"))
    {
      *out_dialect = KP_DIALECT_LEGACY;
      rest = path + strlen ("/v1/payment/");
    }
  else
    return FALSE;

  for (guint i = 0; i < KP_SANDBOX_N_ENDPOINTS; i++)
    if (g_str_equal (rest, kp_sandbox_endpoint_to_string (i)))
      {
        *out_endpoint = i;
        return TRUE;
      }

  return FALSE;
}

static KpSandboxReply *
answer_call (KpSandboxCall *call,
             GHashTable    *query)
{
  KpSandboxReply *reply;
  const char *allow = NULL;
  gboolean method_ok;
  guint http_status;

  /* The early legacy order also took GET with the fields in the query (S12). */
  method_ok = g_str_equal (call->method, "POST") ||
              (call->dialect == KP_DIALECT_LEGACY &&
               call->endpoint == KP_SANDBOX_ENDPOINT_ORDER && g_str_equal (call->method, "GET"));

  if (!method_ok)
    {
      _kp_sandbox_call_fail_full (call, 405, KP_CODE_INVALID_PARAMETER, NULL, NULL,
                                  "method not allowed");
      allow = call->dialect == KP_DIALECT_LEGACY && call->endpoint == KP_SANDBOX_ENDPOINT_ORDER
                ? "GET, POST" : "POST";
    }
  else
    {
      _kp_sandbox_call_parse (call, query);

      if (_kp_sandbox_call_check_auth (call))
        {
          call->fault = _kp_sandbox_take_fault (call->sandbox, call->endpoint, &call->delay_ms);

          if (call->fault == KP_SANDBOX_FAULT_HTTP_500)
            {
              /* As a proxy in front of KakaoPay would answer: not processed. */
              static const char page[] =
                "<html><head><title>500 Internal Server Error</title></head>"
                "<body><h1>500 Internal Server Error</h1></body></html>";

              reply = _kp_sandbox_reply_new (500, KP_SANDBOX_HTML_CONTENT_TYPE,
                                             g_strdup (page));
              reply->fault = call->fault;
              _kp_sandbox_call_record (call, 500);
              return reply;
            }

          if (call->parse_error != NULL)
            _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s", call->parse_error);
          else if (call->endpoint == KP_SANDBOX_ENDPOINT_READY)
            handle_ready (call);
          else if (call->endpoint == KP_SANDBOX_ENDPOINT_APPROVE)
            handle_approve (call);
          else if (call->endpoint == KP_SANDBOX_ENDPOINT_ORDER)
            handle_order (call);
          else
            handle_cancel (call);
        }
    }

  g_assert (call->body != NULL);

  if (call->fault == KP_SANDBOX_FAULT_MALFORMED_JSON)
    /* Cut the reply in half: an object without its end never parses. */
    call->body[strlen (call->body) / 2] = '\0';

  reply = _kp_sandbox_reply_new (call->http_status, JSON_CONTENT_TYPE,
                                 g_steal_pointer (&call->body));
  if (allow != NULL)
    soup_message_headers_replace (reply->headers, "Allow", allow);
  reply->fault = call->fault;
  reply->delay_ms = call->delay_ms;

  /* The server holds a DELAY reply and loses a DROP_REPLY one (kp-sandbox-server.c). */
  http_status = call->fault == KP_SANDBOX_FAULT_DROP_REPLY ? 0 : call->http_status;
  _kp_sandbox_call_record (call, http_status);
  return reply;
}

/**
 * kp_sandbox_handle:
 * @method: the request's method
 * @path: its path, as libsoup gives it to a server handler
 * @query: (nullable): its query's fields, as libsoup decodes them
 * @headers: its headers
 * @body: (nullable): its body
 *
 * Answers one request as the server does, without a connection: the API in both
 * dialects and the customer page. A DELAY or DROP_REPLY fault is in the reply's @fault;
 * the server holds or loses such a reply, here that is up to the caller. Without
 * kp_sandbox_listen() and a public URL, page URLs start with http://127.0.0.1.
 *
 * Returns: (transfer full): the reply
 */
KpSandboxReply *
kp_sandbox_handle (KpSandbox          *self,
                   const char         *method,
                   const char         *path,
                   GHashTable         *query,
                   SoupMessageHeaders *headers,
                   GBytes             *body)
{
  g_autoptr (GBytes) empty = NULL;
  KpSandboxCall call = { 0 };
  KpSandboxReply *reply;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL && headers != NULL, NULL);

  if (body == NULL)
    body = empty = g_bytes_new (NULL, 0);

  if (!match_api (path, &call.dialect, &call.endpoint))
    return _kp_sandbox_handle_page (self, method, path, body);

  call.sandbox = self;
  call.method = method;
  call.path = path;
  call.headers = headers;
  call.request_body = body;
  call.strings = g_ptr_array_new_with_free_func (g_free);
  reply = answer_call (&call, query);
  _kp_sandbox_call_clear (&call);
  return reply;
}
