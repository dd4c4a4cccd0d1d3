/* test-codec.c: request encoding and reply decoding in both dialects
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsoup/soup.h>

#include "kp-codec.h"
#include "kp-error.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  JsonObject *object = kp_codec_parse_object (bytes, &error);

  g_assert_no_error (error);
  return object;
}

static KpReadyRequest *
sample_ready (void)
{
  KpReadyRequest *r = kp_ready_request_new ();

  r->cid = g_strdup ("TC0ONETIME");
  r->partner_order_id = g_strdup ("T1-1");
  r->partner_user_id = g_strdup ("T1");
  r->item_name = g_strdup ("초코파이 & 우유 외 2건");
  r->quantity = 3;
  r->total_amount = 3300;
  r->tax_free_amount = 1100;
  r->approval_url = g_strdup ("http://127.0.0.1:9/a?x=1");
  r->cancel_url = g_strdup ("http://127.0.0.1:9/c");
  r->fail_url = g_strdup ("http://127.0.0.1:9/f");
  r->available_cards = g_strsplit ("HANA,BC", ",", -1);
  r->custom_json = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (r->custom_json, (char *) "return_custom_url", (char *) "app://x");
  return r;
}

static void
test_encode_online (void)
{
  g_autoptr (KpReadyRequest) r = sample_ready ();
  g_autoptr (JsonObject) params = kp_codec_ready_params (r);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonObject) sent = NULL;
  const char *content_type = NULL;
  JsonArray *cards;

  body = kp_codec_encode (KP_DIALECT_ONLINE, params, &content_type);
  g_assert_cmpstr (content_type, ==, "application/json");
  sent = kp_codec_parse_object (body, NULL);
  g_assert_nonnull (sent);
  g_assert_cmpstr (json_object_get_string_member (sent, "item_name"), ==, r->item_name);
  g_assert_cmpint (json_object_get_int_member (sent, "total_amount"), ==, 3300);
  g_assert_cmpint (json_object_get_int_member (sent, "tax_free_amount"), ==, 1100);
  /* Unset optional values are not sent: KakaoPay applies its defaults. */
  g_assert_false (json_object_has_member (sent, "vat_amount"));
  g_assert_false (json_object_has_member (sent, "install_month"));
  g_assert_false (json_object_has_member (sent, "cid_secret"));
  cards = json_object_get_array_member (sent, "available_cards");
  g_assert_cmpuint (json_array_get_length (cards), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (cards, 1), ==, "BC");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sent, "custom_json"),
                                                  "return_custom_url"), ==, "app://x");
}

static void
test_encode_legacy (void)
{
  g_autoptr (KpReadyRequest) r = sample_ready ();
  g_autoptr (JsonObject) params = kp_codec_ready_params (r);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *text = NULL;
  const char *content_type = NULL;
  JsonObject *custom;

  body = kp_codec_encode (KP_DIALECT_LEGACY, params, &content_type);
  g_assert_cmpstr (content_type, ==, "application/x-www-form-urlencoded;charset=utf-8");
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  /* Reserved characters are escaped; the body decodes back to what was set. */
  g_assert_null (strstr (text, "& "));
  form = soup_form_decode (text);
  g_assert_cmpstr (g_hash_table_lookup (form, "item_name"), ==, "초코파이 & 우유 외 2건");
  g_assert_cmpstr (g_hash_table_lookup (form, "quantity"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (form, "approval_url"), ==, "http://127.0.0.1:9/a?x=1");
  g_assert_cmpstr (g_hash_table_lookup (form, "available_cards"), ==, "[\"HANA\",\"BC\"]");
  custom = parse (g_hash_table_lookup (form, "custom_json"));
  g_assert_cmpstr (json_object_get_string_member (custom, "return_custom_url"), ==, "app://x");
  json_object_unref (custom);
  g_assert_false (g_hash_table_contains (form, "vat_amount"));
}

static void
test_ready_reply (void)
{
  g_autoptr (JsonObject) object = parse (
    "{\"tid\":\"T1234567890123456789\",\"next_redirect_app_url\":\"https://x/aInfo\","
    "\"next_redirect_mobile_url\":\"https://x/mInfo\",\"next_redirect_pc_url\":\"https://x/info\","
    "\"android_app_scheme\":\"kakaotalk://kakaopay/pg?url=https://x/order\","
    "\"ios_app_scheme\":\"kakaotalk://kakaopay/pg?url=https://x/order\","
    "\"created_at\":\"2023-07-15T21:18:22\",\"tms_result\":false,\"something_new\":[1,2]}");
  g_autoptr (KpReadyReply) reply = kp_codec_ready_reply (object, NULL);

  g_assert_nonnull (reply);
  g_assert_cmpstr (reply->tid, ==, "T1234567890123456789");
  g_assert_cmpstr (reply->next_redirect_pc_url, ==, "https://x/info");
  g_assert_cmpstr (reply->next_redirect_mobile_url, ==, "https://x/mInfo");
  g_assert_true (reply->has_tms_result);
  g_assert_false (reply->tms_result);
  g_assert_cmpint (g_date_time_get_minute (reply->created_at), ==, 18);
}

static void
test_ready_reply_missing (void)
{
  g_autoptr (JsonObject) no_tid = parse ("{\"next_redirect_pc_url\":\"https://x/info\"}");
  g_autoptr (JsonObject) no_url = parse ("{\"tid\":\"T1\"}");
  g_autoptr (JsonObject) minimal = parse ("{\"tid\":\"T1\",\"next_redirect_pc_url\":\"https://x\"}");
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (kp_codec_ready_reply (no_tid, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
  g_assert_true (kp_api_error_is_outcome_unknown (error));
  g_clear_error (&error);
  g_assert_null (kp_codec_ready_reply (no_url, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);

  reply = kp_codec_ready_reply (minimal, NULL);
  g_assert_nonnull (reply);
  g_assert_null (reply->created_at);
  g_assert_null (reply->next_redirect_mobile_url);
  g_assert_false (reply->has_tms_result);
}

static void
test_approve_reply_strings (void)
{
  /* Numbers as strings, card_info with the older corp fields, a missing item_code. */
  g_autoptr (JsonObject) object = parse (
    "{\"aid\":\"A5678901234567890123\",\"tid\":\"T1234567890123456789\",\"cid\":\"TC0ONETIME\","
    "\"partner_order_id\":\"o\",\"partner_user_id\":\"u\",\"payment_method_type\":\"CARD\","
    "\"item_name\":\"초코파이\",\"quantity\":\"2\","
    "\"amount\":{\"total\":\"2200\",\"tax_free\":0,\"vat\":\"200\",\"point\":0,\"discount\":0},"
    "\"card_info\":{\"interest_free_install\":\"N\",\"bin\":\"621640\",\"card_type\":\"체크\","
    "\"card_mid\":\"123456789\",\"approved_id\":\"12345678\",\"install_month\":\"00\","
    "\"installment_type\":\"CARD_INSTALLMENT\",\"kakaopay_purchase_corp\":\"비씨카드\","
    "\"kakaopay_purchase_corp_code\":\"104\",\"kakaopay_issuer_corp\":\"수협은행\","
    "\"kakaopay_issuer_corp_code\":212,\"purchase_corp\":\"비씨카드\"},"
    "\"created_at\":\"2023-07-15T21:18:22\",\"approved_at\":\"2023-07-15T21:18:40\"}");
  g_autoptr (KpApproveReply) reply = kp_codec_approve_reply (object, NULL);

  g_assert_nonnull (reply);
  g_assert_cmpint (reply->quantity, ==, 2);
  g_assert_cmpint (reply->amount.total, ==, 2200);
  g_assert_cmpint (reply->amount.vat, ==, 200);
  g_assert_cmpint (reply->amount.green_deposit, ==, 0);
  g_assert_null (reply->item_code);
  g_assert_nonnull (reply->card_info);
  g_assert_cmpstr (reply->card_info->kakaopay_issuer_corp, ==, "수협은행");
  g_assert_cmpstr (reply->card_info->kakaopay_issuer_corp_code, ==, "212");
  g_assert_cmpstr (reply->card_info->install_month, ==, "00");
  g_assert_cmpstr (reply->card_info->purchase_corp, ==, "비씨카드");
  g_assert_null (reply->card_info->card_item_code);
  g_assert_cmpint (g_date_time_get_second (reply->approved_at), ==, 40);
}

static void
test_order_reply_sparse (void)
{
  /* A 2023 legacy SUCCESS_PAYMENT/MONEY reply: no item_code, selected_card_info,
   * canceled_at; the action entry has only a few fields. */
  g_autoptr (JsonObject) object = parse (
    "{\"tid\":\"T53d1b2051b66fd43573\",\"cid\":\"TC0ONETIME\",\"status\":\"SUCCESS_PAYMENT\","
    "\"partner_order_id\":\"o\",\"partner_user_id\":\"u\",\"payment_method_type\":\"MONEY\","
    "\"item_name\":\"x\",\"quantity\":1,\"amount\":{\"total\":270600,\"tax_free\":0,\"vat\":24600,"
    "\"point\":0,\"discount\":0},\"canceled_amount\":{\"total\":0,\"tax_free\":0,\"vat\":0,"
    "\"point\":0,\"discount\":0},\"cancel_available_amount\":{\"total\":270600,\"tax_free\":0,"
    "\"vat\":24600,\"point\":0,\"discount\":0},\"created_at\":\"2023-01-02T03:04:05\","
    "\"approved_at\":\"2023-01-02T03:05:00\",\"payment_action_details\":[{\"aid\":"
    "\"A53d1b2060f9a3e5b123\",\"approved_at\":\"2023-01-02T03:05:00\",\"point_amount\":0,"
    "\"discount_amount\":0,\"payment_action_type\":\"PAYMENT\"}]}");
  g_autoptr (KpOrderReply) reply = kp_codec_order_reply (object, NULL);
  KpPaymentAction *action;
  gint64 value = -5;

  g_assert_nonnull (reply);
  g_assert_cmpint (reply->status, ==, KP_STATUS_SUCCESS_PAYMENT);
  g_assert_cmpint (reply->cancel_available_amount.total, ==, 270600);
  g_assert_cmpint (reply->cancel_available_amount.vat, ==, 24600);
  g_assert_null (reply->selected_card_info);
  g_assert_null (reply->canceled_at);
  g_assert_cmpuint (reply->payment_action_details->len, ==, 1);
  action = g_ptr_array_index (reply->payment_action_details, 0);
  g_assert_cmpstr (action->payment_action_type, ==, "PAYMENT");
  /* Left out is absent, not 0; 0 sent is 0. */
  g_assert_false (action->amount.present);
  g_assert_false (kp_optional_int_get (&action->amount, &value));
  g_assert_cmpint (value, ==, -5);
  g_assert_false (kp_optional_int_get (&action->green_deposit, NULL));
  g_assert_true (kp_optional_int_get (&action->point_amount, &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (kp_optional_int_get (&action->discount_amount, NULL));
  g_assert_null (action->payment_method_type);
  g_assert_null (action->payload);
}

/* The online dialect sends an optional member that does not apply as null (a real
 * 2024 open-api approve reply: sid, item_code, payload, sequential_payment_methods). */
static void
test_approve_reply_nulls (void)
{
  g_autoptr (JsonObject) object = parse (
    "{\"aid\":\"A6a8d3a301d33ed2dc3c\",\"tid\":\"T6a8d38329fd342cdd38\",\"cid\":null,"
    "\"sid\":null,\"partner_order_id\":null,\"partner_user_id\":null,\"item_name\":null,"
    "\"item_code\":null,\"payload\":null,\"quantity\":null,\"amount\":null,"
    "\"payment_method_type\":null,\"card_info\":null,\"sequential_payment_methods\":null,"
    "\"created_at\":null,\"approved_at\":null}");
  g_autoptr (JsonObject) card_nulls = parse (
    "{\"aid\":\"A1\",\"tid\":\"T1\",\"payment_method_type\":\"CARD\","
    "\"amount\":{\"total\":null,\"tax_free\":null,\"vat\":null,\"point\":null,"
    "\"discount\":null,\"green_deposit\":null},"
    "\"card_info\":{\"kakaopay_purchase_corp\":null,\"kakaopay_purchase_corp_code\":null,"
    "\"kakaopay_issuer_corp\":null,\"kakaopay_issuer_corp_code\":null,\"purchase_corp\":null,"
    "\"purchase_corp_code\":null,\"issuer_corp\":null,\"issuer_corp_code\":null,\"bin\":null,"
    "\"card_type\":null,\"install_month\":null,\"approved_id\":null,\"card_mid\":null,"
    "\"interest_free_install\":null,\"installment_type\":null,\"card_item_code\":null}}");
  g_autoptr (JsonObject) no_aid = parse ("{\"aid\":null,\"tid\":\"T1\"}");
  g_autoptr (KpApproveReply) reply = kp_codec_approve_reply (object, NULL);
  g_autoptr (KpApproveReply) card = kp_codec_approve_reply (card_nulls, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (reply);
  g_assert_cmpstr (reply->aid, ==, "A6a8d3a301d33ed2dc3c");
  g_assert_null (reply->cid);
  g_assert_null (reply->sid);
  g_assert_null (reply->partner_order_id);
  g_assert_null (reply->partner_user_id);
  g_assert_null (reply->item_name);
  g_assert_null (reply->item_code);
  g_assert_null (reply->payload);
  g_assert_cmpint (reply->quantity, ==, 0);
  g_assert_cmpint (reply->amount.total, ==, 0);
  g_assert_null (reply->payment_method_type);
  g_assert_null (reply->card_info);
  g_assert_null (reply->created_at);
  g_assert_null (reply->approved_at);

  g_assert_nonnull (card);
  g_assert_cmpint (card->amount.total, ==, 0);
  g_assert_cmpint (card->amount.green_deposit, ==, 0);
  g_assert_nonnull (card->card_info);
  g_assert_null (card->card_info->kakaopay_purchase_corp);
  g_assert_null (card->card_info->kakaopay_issuer_corp_code);
  g_assert_null (card->card_info->purchase_corp);
  g_assert_null (card->card_info->bin);
  g_assert_null (card->card_info->install_month);
  g_assert_null (card->card_info->approved_id);
  g_assert_null (card->card_info->installment_type);
  g_assert_null (card->card_info->card_item_code);

  /* aid is what approve is for: a null one is no approval. */
  g_assert_null (kp_codec_approve_reply (no_aid, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
}

static void
test_order_reply_nulls (void)
{
  g_autoptr (JsonObject) object = parse (
    "{\"tid\":\"T1\",\"cid\":null,\"status\":\"READY\",\"partner_order_id\":null,"
    "\"partner_user_id\":null,\"payment_method_type\":null,\"amount\":null,"
    "\"canceled_amount\":null,\"cancel_available_amount\":null,\"item_name\":null,"
    "\"item_code\":null,\"quantity\":null,\"created_at\":null,\"approved_at\":null,"
    "\"canceled_at\":null,\"selected_card_info\":null,\"payment_action_details\":null}");
  g_autoptr (JsonObject) entries = parse (
    "{\"tid\":\"T1\",\"status\":\"SUCCESS_PAYMENT\",\"selected_card_info\":{\"card_bin\":null,"
    "\"install_month\":null,\"installment_type\":null,\"card_corp_name\":null,"
    "\"interest_free_install\":null},\"payment_action_details\":[null,{\"aid\":null,"
    "\"approved_at\":null,\"amount\":null,\"point_amount\":null,\"discount_amount\":null,"
    "\"green_deposit\":null,\"payment_action_type\":null,\"payment_method_type\":null,"
    "\"payload\":null},{\"aid\":\"A2\",\"amount\":0,\"payment_action_type\":\"PAYMENT\"}]}");
  g_autoptr (KpOrderReply) reply = kp_codec_order_reply (object, NULL);
  g_autoptr (KpOrderReply) with_entries = kp_codec_order_reply (entries, NULL);
  KpPaymentAction *action;
  gint64 value = -5;

  g_assert_nonnull (reply);
  g_assert_cmpint (reply->status, ==, KP_STATUS_READY);
  g_assert_null (reply->cid);
  g_assert_null (reply->partner_order_id);
  g_assert_null (reply->partner_user_id);
  g_assert_null (reply->payment_method_type);
  g_assert_cmpint (reply->amount.total, ==, 0);
  g_assert_cmpint (reply->canceled_amount.total, ==, 0);
  g_assert_cmpint (reply->cancel_available_amount.total, ==, 0);
  g_assert_null (reply->item_name);
  g_assert_null (reply->item_code);
  g_assert_cmpint (reply->quantity, ==, 0);
  g_assert_null (reply->created_at);
  g_assert_null (reply->approved_at);
  g_assert_null (reply->canceled_at);
  g_assert_null (reply->selected_card_info);
  g_assert_nonnull (reply->payment_action_details);
  g_assert_cmpuint (reply->payment_action_details->len, ==, 0);

  g_assert_nonnull (with_entries->selected_card_info);
  g_assert_null (with_entries->selected_card_info->card_bin);
  g_assert_cmpint (with_entries->selected_card_info->install_month, ==, 0);
  g_assert_null (with_entries->selected_card_info->installment_type);
  g_assert_null (with_entries->selected_card_info->card_corp_name);
  g_assert_null (with_entries->selected_card_info->interest_free_install);
  /* A null entry is no entry; a null number is absent. */
  g_assert_cmpuint (with_entries->payment_action_details->len, ==, 2);
  action = g_ptr_array_index (with_entries->payment_action_details, 0);
  g_assert_null (action->aid);
  g_assert_null (action->approved_at);
  g_assert_false (kp_optional_int_get (&action->amount, &value));
  g_assert_false (kp_optional_int_get (&action->point_amount, &value));
  g_assert_false (kp_optional_int_get (&action->discount_amount, &value));
  g_assert_false (kp_optional_int_get (&action->green_deposit, &value));
  g_assert_cmpint (value, ==, -5);
  g_assert_null (action->payment_action_type);
  g_assert_null (action->payment_method_type);
  g_assert_null (action->payload);
  action = g_ptr_array_index (with_entries->payment_action_details, 1);
  g_assert_true (kp_optional_int_get (&action->amount, &value));
  g_assert_cmpint (value, ==, 0);
}

static void
test_cancel_reply_nulls (void)
{
  /* No aid at all: the refund still reads (the refunder goes by the amounts). */
  g_autoptr (JsonObject) no_aid = parse (
    "{\"tid\":\"T1\",\"cid\":\"TC0ONETIME\",\"status\":\"CANCEL_PAYMENT\","
    "\"approved_cancel_amount\":{\"total\":2200,\"tax_free\":0,\"vat\":200},"
    "\"canceled_at\":\"2023-01-02T03:05:00\"}");
  g_autoptr (JsonObject) nulls = parse (
    "{\"aid\":null,\"tid\":\"T1\",\"cid\":null,\"status\":\"PART_CANCEL_PAYMENT\","
    "\"partner_order_id\":null,\"partner_user_id\":null,\"payment_method_type\":null,"
    "\"amount\":null,\"approved_cancel_amount\":null,\"canceled_amount\":null,"
    "\"cancel_available_amount\":null,\"item_name\":null,\"item_code\":null,"
    "\"quantity\":null,\"created_at\":null,\"approved_at\":null,\"canceled_at\":null,"
    "\"payload\":null}");
  g_autoptr (KpCancelReply) reply = kp_codec_cancel_reply (no_aid, NULL);
  g_autoptr (KpCancelReply) null_reply = kp_codec_cancel_reply (nulls, NULL);

  g_assert_nonnull (reply);
  g_assert_null (reply->aid);
  g_assert_cmpint (reply->status, ==, KP_STATUS_CANCEL_PAYMENT);
  g_assert_cmpint (reply->approved_cancel_amount.total, ==, 2200);
  g_assert_nonnull (reply->canceled_at);
  g_assert_null (reply->payload);

  g_assert_nonnull (null_reply);
  g_assert_null (null_reply->aid);
  g_assert_null (null_reply->cid);
  g_assert_cmpint (null_reply->status, ==, KP_STATUS_PART_CANCEL_PAYMENT);
  g_assert_null (null_reply->partner_order_id);
  g_assert_null (null_reply->partner_user_id);
  g_assert_null (null_reply->payment_method_type);
  g_assert_cmpint (null_reply->amount.total, ==, 0);
  g_assert_cmpint (null_reply->approved_cancel_amount.total, ==, 0);
  g_assert_cmpint (null_reply->canceled_amount.total, ==, 0);
  g_assert_cmpint (null_reply->cancel_available_amount.total, ==, 0);
  g_assert_null (null_reply->item_name);
  g_assert_null (null_reply->item_code);
  g_assert_cmpint (null_reply->quantity, ==, 0);
  g_assert_null (null_reply->created_at);
  g_assert_null (null_reply->approved_at);
  g_assert_null (null_reply->canceled_at);
  g_assert_null (null_reply->payload);
}

static void
test_ready_reply_nulls (void)
{
  g_autoptr (JsonObject) object = parse (
    "{\"tid\":\"T1\",\"next_redirect_app_url\":null,\"next_redirect_mobile_url\":null,"
    "\"next_redirect_pc_url\":\"https://x/info\",\"android_app_scheme\":null,"
    "\"ios_app_scheme\":null,\"created_at\":null,\"tms_result\":null}");
  g_autoptr (JsonObject) no_page = parse (
    "{\"tid\":\"T1\",\"next_redirect_mobile_url\":null,\"next_redirect_pc_url\":null}");
  g_autoptr (KpReadyReply) reply = kp_codec_ready_reply (object, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (reply);
  g_assert_null (reply->next_redirect_app_url);
  g_assert_null (reply->next_redirect_mobile_url);
  g_assert_cmpstr (reply->next_redirect_pc_url, ==, "https://x/info");
  g_assert_null (reply->android_app_scheme);
  g_assert_null (reply->ios_app_scheme);
  g_assert_null (reply->created_at);
  g_assert_false (reply->has_tms_result);
  g_assert_null (kp_codec_ready_reply (no_page, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
}

static void
test_order_reply_status_only (void)
{
  g_autoptr (JsonObject) object = parse ("{\"tid\":\"T1\",\"status\":\"SELECT_METHOD\","
                                         "\"selected_card_info\":{\"card_bin\":\"621640\","
                                         "\"install_month\":\"3\",\"card_corp_name\":\"비씨\"}}");
  g_autoptr (JsonObject) unknown = parse ("{\"tid\":\"T1\",\"status\":\"NEW_STATUS\"}");
  g_autoptr (JsonObject) none = parse ("{\"tid\":\"T1\"}");
  g_autoptr (KpOrderReply) reply = kp_codec_order_reply (object, NULL);
  g_autoptr (KpOrderReply) reply2 = kp_codec_order_reply (unknown, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (reply->status, ==, KP_STATUS_SELECT_METHOD);
  g_assert_cmpint (reply->selected_card_info->install_month, ==, 3);
  g_assert_cmpuint (reply->payment_action_details->len, ==, 0);
  g_assert_null (reply->payment_method_type);
  /* Left out is not zero: a reader must be able to tell. */
  g_assert_false (reply->canceled_amount.present);
  g_assert_false (reply->amount.present);
  g_assert_cmpint (reply2->status, ==, KP_STATUS_UNKNOWN);
  g_assert_cmpstr (reply2->status_string, ==, "NEW_STATUS");
  g_assert_null (kp_codec_order_reply (none, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
}

static void
test_cancel_reply (void)
{
  g_autoptr (JsonObject) object = parse (
    "{\"aid\":\"A1\",\"tid\":\"T1\",\"cid\":\"TC0ONETIME\",\"status\":\"PART_CANCEL_PAYMENT\","
    "\"amount\":{\"total\":3300,\"tax_free\":1100,\"vat\":200},"
    "\"approved_cancel_amount\":{\"total\":\"1100\",\"tax_free\":\"0\",\"vat\":\"100\"},"
    "\"canceled_amount\":{\"total\":1100,\"tax_free\":0,\"vat\":100},"
    "\"cancel_available_amount\":{\"total\":2200,\"tax_free\":1100,\"vat\":100},"
    "\"canceled_at\":\"2023-01-02T03:05:00\"}");
  g_autoptr (KpCancelReply) reply = kp_codec_cancel_reply (object, NULL);

  g_assert_cmpint (reply->status, ==, KP_STATUS_PART_CANCEL_PAYMENT);
  g_assert_true (reply->canceled_amount.present);
  g_assert_true (reply->approved_cancel_amount.present);
  g_assert_cmpint (reply->approved_cancel_amount.total, ==, 1100);
  g_assert_cmpint (reply->approved_cancel_amount.vat, ==, 100);
  g_assert_cmpint (reply->cancel_available_amount.tax_free, ==, 1100);
  g_assert_nonnull (reply->canceled_at);
  g_assert_null (reply->approved_at);
}

static void
test_error_shapes (void)
{
  g_autoptr (JsonObject) legacy = parse ("{\"code\":-780,\"msg\":\"approval failure!\",\"extras\":"
                                         "{\"method_result_code\":\"USER_LOCKED\","
                                         "\"method_result_message\":\"잠시 후\"}}");
  g_autoptr (JsonObject) online = parse ("{\"error_code\":\"-781\",\"error_message\":\"cancel failure!\","
                                         "\"extras\":{\"method_result_code\":6666}}");
  g_autoptr (JsonObject) plain = parse ("{\"tid\":\"T1\"}");
  g_autofree char *message = NULL, *rc = NULL, *rm = NULL;
  g_autofree char *message2 = NULL, *rc2 = NULL, *rm2 = NULL;
  char *m3 = NULL, *rc3 = NULL, *rm3 = NULL;
  int code = 0;

  g_assert_true (kp_codec_parse_error (legacy, &code, &message, &rc, &rm));
  g_assert_cmpint (code, ==, -780);
  g_assert_cmpstr (message, ==, "approval failure!");
  g_assert_cmpstr (rc, ==, "USER_LOCKED");
  g_assert_cmpstr (rm, ==, "잠시 후");

  g_assert_true (kp_codec_parse_error (online, &code, &message2, &rc2, &rm2));
  g_assert_cmpint (code, ==, -781);
  g_assert_cmpstr (rc2, ==, "6666");
  g_assert_null (rm2);

  g_assert_false (kp_codec_parse_error (plain, &code, &m3, &rc3, &rm3));
}

static void
test_malformed (void)
{
  const char *bodies[] = { "", "{", "[1,2]", "\"tid\"", "<html>500</html>", "{\"tid\":",
                           "{\"tid\":\"T1\"}{\"tid\":\"T2\"}", "{\"a\":1} 5" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (bodies[i], strlen (bodies[i]));
      g_autoptr (GError) error = NULL;

      g_assert_null (kp_codec_parse_object (bytes, &error));
      g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
    }
}

/* One object or array and nothing after it: json-glib 1.6 alone would accept `{…}{…}`
 * (and leak the second value), so a peer could grow our memory with every message. */
static void
test_parse_json_single (void)
{
  const char *refused[] = { "{\"a\":1}{\"b\":2}", "[1][2]", "{} {}", "{\"a\":1}x", "5", "\"s\"",
                            "", "   ", "{\"a\":\"}\"", "null" };
  g_autoptr (JsonNode) object = NULL;
  g_autoptr (JsonNode) array = NULL;
  g_autoptr (JsonNode) bom = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_null (kp_codec_parse_json (refused[i], -1));

  object = kp_codec_parse_json ("{\"a\":\"}{\\\"\", \"b\":[1]}\n", -1);
  g_assert_nonnull (object);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (object));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (object), "a"), ==, "}{\"");

  array = kp_codec_parse_json ("[\"x\", {\"y\": []}] ", -1);
  g_assert_nonnull (array);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (array)), ==, 2);

  bom = kp_codec_parse_json ("\xef\xbb\xbf{\"a\":1}", -1);
  g_assert_nonnull (bom);
  g_assert_null (kp_codec_parse_json ("{\"a\":1}{", 9));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/codec/encode-online", test_encode_online);
  g_test_add_func ("/kp/codec/encode-legacy", test_encode_legacy);
  g_test_add_func ("/kp/codec/ready-reply", test_ready_reply);
  g_test_add_func ("/kp/codec/ready-reply-missing", test_ready_reply_missing);
  g_test_add_func ("/kp/codec/approve-reply-strings", test_approve_reply_strings);
  g_test_add_func ("/kp/codec/order-reply-sparse", test_order_reply_sparse);
  g_test_add_func ("/kp/codec/order-reply-status-only", test_order_reply_status_only);
  g_test_add_func ("/kp/codec/cancel-reply", test_cancel_reply);
  g_test_add_func ("/kp/codec/ready-reply-nulls", test_ready_reply_nulls);
  g_test_add_func ("/kp/codec/approve-reply-nulls", test_approve_reply_nulls);
  g_test_add_func ("/kp/codec/order-reply-nulls", test_order_reply_nulls);
  g_test_add_func ("/kp/codec/cancel-reply-nulls", test_cancel_reply_nulls);
  g_test_add_func ("/kp/codec/error-shapes", test_error_shapes);
  g_test_add_func ("/kp/codec/malformed", test_malformed);
  g_test_add_func ("/kp/codec/parse-json-single", test_parse_json_single);

  return g_test_run ();
}
