/* test-payment.c: VAT rule, validation, statuses, timestamps
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kp-error.h"
#include "kp-payment.h"

static void
test_vat_rule (void)
{
  struct { gint64 total, tax_free, vat; } cases[] = {
    { 1, 0, 0 },           /* 0.09 → 0 */
    { 5, 0, 0 },           /* 0.45 → 0 */
    { 6, 0, 1 },           /* 0.545 → 1: half up */
    { 10, 0, 1 },          /* 0.909 → 1 */
    { 11, 0, 1 },
    { 30, 0, 3 },          /* 2.73 → 3 (kakaopay-api.md §3) */
    { 2200, 0, 200 },
    { 270600, 0, 24600 },  /* a real reply */
    { 2200, 2200, 0 },     /* all tax free */
    { 3300, 1100, 200 },   /* mixed */
    { 1000, 500, 45 },     /* 45.45 → 45 */
    { 1000, 995, 0 },      /* 0.45 → 0 */
    { 1000, 993, 1 },      /* 0.636 → 1 */
    { 5000000000, 0, 454545455 },  /* 454545454.5... → 454545455 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("total %" G_GINT64_FORMAT " tax free %" G_GINT64_FORMAT,
                      cases[i].total, cases[i].tax_free);
      g_assert_cmpint (kp_vat_default (cases[i].total, cases[i].tax_free), ==, cases[i].vat);
    }

  /* The rule really is round half up of x/11 for every x in a wide range. */
  for (gint64 x = 0; x < 100000; x++)
    {
      gint64 expected = (gint64) ((double) x / 11.0 + 0.5);

      g_assert_cmpint (kp_vat_default (x, 0), ==, expected);
    }
}

static KpReadyRequest *
valid_ready (void)
{
  KpReadyRequest *request = kp_ready_request_new ();

  request->cid = g_strdup ("TC0ONETIME");
  request->partner_order_id = g_strdup ("T1-20261125-0001");
  request->partner_user_id = g_strdup ("T1");
  request->item_name = g_strdup ("아메리카노");
  request->quantity = 1;
  request->total_amount = 2200;
  request->tax_free_amount = 0;
  request->approval_url = g_strdup ("http://127.0.0.1:1/kakaopay/approve/T1?n=abc");
  request->cancel_url = g_strdup ("http://127.0.0.1:1/kakaopay/cancel/T1?n=abc");
  request->fail_url = g_strdup ("http://127.0.0.1:1/kakaopay/fail/T1?n=abc");
  return request;
}

static void
assert_invalid_ready (KpReadyRequest *request,
                      const char     *field)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (kp_ready_request_validate (request, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (kp_api_error_get_field (error), ==, field);
  g_assert_nonnull (strstr (error->message, field));
  g_assert_true (kp_api_error_is_not_sent (error));
  g_assert_false (kp_api_error_is_outcome_unknown (error));
}

static void
test_ready_validation (void)
{
  g_autoptr (KpReadyRequest) ok = valid_ready ();
  g_autoptr (GError) error = NULL;
  g_autofree char *long_name = g_strnfill (101, 'x');
  g_autofree char *hangul_100 = NULL;
  g_autofree char *long_url = NULL;
  GString *hangul = g_string_new (NULL);

  g_assert_true (kp_ready_request_validate (ok, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kp_ready_request_get_vat (ok), ==, 200);

  /* Lengths count characters, not bytes: 100 Hangul syllables are fine. */
  for (guint i = 0; i < 100; i++)
    g_string_append (hangul, "가");
  hangul_100 = g_string_free (hangul, FALSE);
  g_free (ok->item_name);
  ok->item_name = g_strdup (hangul_100);
  g_assert_true (kp_ready_request_validate (ok, NULL));

#define CHECK(field, mutate) \
  G_STMT_START { \
    g_autoptr (KpReadyRequest) r = valid_ready (); \
    mutate; \
    assert_invalid_ready (r, field); \
  } G_STMT_END

  CHECK ("cid", g_clear_pointer (&r->cid, g_free));
  CHECK ("cid", (g_free (r->cid), r->cid = g_strdup ("TC0")));
  CHECK ("cid_secret", r->cid_secret = g_strdup ("UPPERCASE000000000000000"));
  CHECK ("partner_order_id", g_clear_pointer (&r->partner_order_id, g_free));
  CHECK ("partner_order_id", (g_free (r->partner_order_id), r->partner_order_id = g_strdup (long_name)));
  CHECK ("partner_user_id", (g_free (r->partner_user_id), r->partner_user_id = g_strdup ("")));
  CHECK ("partner_user_id", (g_free (r->partner_user_id), r->partner_user_id = g_strdup (long_name)));
  CHECK ("item_name", g_clear_pointer (&r->item_name, g_free));
  CHECK ("item_name", (g_free (r->item_name), r->item_name = g_strdup (long_name)));
  CHECK ("item_name", (g_free (r->item_name), r->item_name = g_strdup ("\xff\xfe")));
  CHECK ("item_code", r->item_code = g_strdup (long_name));
  CHECK ("quantity", r->quantity = 0);
  CHECK ("total_amount", r->total_amount = 0);
  CHECK ("total_amount", r->total_amount = -5);
  CHECK ("tax_free_amount", r->tax_free_amount = -1);
  CHECK ("tax_free_amount", r->tax_free_amount = 2201);
  CHECK ("vat_amount", r->vat_amount = 2201);
  CHECK ("vat_amount", (r->tax_free_amount = 2000, r->vat_amount = 201));
  CHECK ("vat_amount", r->vat_amount = -2);
  CHECK ("approval_url", g_clear_pointer (&r->approval_url, g_free));
  CHECK ("cancel_url", (g_free (r->cancel_url), r->cancel_url = g_strdup ("ftp://x/y")));
  CHECK ("fail_url", (g_free (r->fail_url), r->fail_url = g_strdup ("not a url")));
  CHECK ("payment_method_type", r->payment_method_type = g_strdup ("CASH"));
  CHECK ("install_month", r->install_month = 13);
  CHECK ("use_share_installment", r->use_share_installment = g_strdup ("yes"));

  long_url = g_strconcat ("http://127.0.0.1/", long_name, long_name, long_name, NULL);
  CHECK ("approval_url", (g_free (r->approval_url), r->approval_url = g_strdup (long_url)));
#undef CHECK

  /* The boundaries themselves are fine. */
  {
    g_autoptr (KpReadyRequest) r = valid_ready ();

    r->tax_free_amount = 2200;
    r->vat_amount = 0;
    g_assert_true (kp_ready_request_validate (r, NULL));
    r->tax_free_amount = 0;
    r->vat_amount = 2200;
    g_assert_true (kp_ready_request_validate (r, NULL));
    r->install_month = 12;
    r->payment_method_type = g_strdup ("CARD");
    g_assert_true (kp_ready_request_validate (r, NULL));
  }
}

static void
test_approve_validation (void)
{
  g_autoptr (KpApproveRequest) r = kp_approve_request_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *long_payload = g_strnfill (201, 'p');

  r->cid = g_strdup ("TC0ONETIME");
  r->tid = g_strdup ("T0123456789abcdef012");
  r->partner_order_id = g_strdup ("o");
  r->partner_user_id = g_strdup ("u");
  r->pg_token = g_strdup ("0123456789abcdef0123");
  g_assert_true (kp_approve_request_validate (r, NULL));

  r->payload = g_strdup (long_payload);
  g_assert_false (kp_approve_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "payload");
  g_clear_error (&error);
  g_clear_pointer (&r->payload, g_free);

  g_clear_pointer (&r->pg_token, g_free);
  g_assert_false (kp_approve_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "pg_token");
}

static void
test_cancel_validation (void)
{
  g_autoptr (KpCancelRequest) r = kp_cancel_request_new ();
  g_autoptr (GError) error = NULL;

  r->cid = g_strdup ("TC0ONETIME");
  r->tid = g_strdup ("T0123456789abcdef012");
  r->cancel_amount = 1100;
  r->cancel_tax_free_amount = 0;
  g_assert_true (kp_cancel_request_validate (r, NULL));
  g_assert_cmpint (kp_cancel_request_get_vat (r), ==, 100);

  r->cancel_tax_free_amount = 1101;
  g_assert_false (kp_cancel_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "cancel_tax_free_amount");
  g_clear_error (&error);

  r->cancel_tax_free_amount = 550;
  g_assert_cmpint (kp_cancel_request_get_vat (r), ==, 50);
  r->cancel_vat_amount = 551;
  g_assert_false (kp_cancel_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "cancel_vat_amount");
  g_clear_error (&error);
  r->cancel_vat_amount = KP_UNSET;

  r->cancel_available_amount = 1000;
  g_assert_false (kp_cancel_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "cancel_available_amount");
  g_clear_error (&error);
  r->cancel_available_amount = 1100;
  g_assert_true (kp_cancel_request_validate (r, NULL));

  r->cancel_amount = 0;
  g_assert_false (kp_cancel_request_validate (r, &error));
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "cancel_amount");
}

static void
test_status_strings (void)
{
  const char *names[] = {
    "READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD", "ARS_WAITING", "AUTH_PASSWORD",
    "ISSUED_SID", "SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT", "CANCEL_PAYMENT",
    "FAIL_AUTH_PASSWORD", "QUIT_PAYMENT", "FAIL_PAYMENT",
  };
  KpDialect dialect;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      KpStatus status = kp_status_from_string (names[i]);

      g_assert_cmpint (status, !=, KP_STATUS_UNKNOWN);
      g_assert_cmpstr (kp_status_to_string (status), ==, names[i]);
    }
  g_assert_cmpint (kp_status_from_string ("SOMETHING_NEW"), ==, KP_STATUS_UNKNOWN);
  g_assert_cmpint (kp_status_from_string (NULL), ==, KP_STATUS_UNKNOWN);
  g_assert_false (kp_status_is_final (KP_STATUS_AUTH_PASSWORD));
  g_assert_true (kp_status_is_final (KP_STATUS_QUIT_PAYMENT));

  g_assert_true (kp_dialect_from_string ("legacy", &dialect));
  g_assert_cmpint (dialect, ==, KP_DIALECT_LEGACY);
  g_assert_false (kp_dialect_from_string ("v2", &dialect));
}

static void
test_datetime (void)
{
  g_autoptr (GDateTime) t = kp_datetime_parse ("2023-07-15T21:18:22");
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *again = NULL;

  g_assert_nonnull (t);
  utc = g_date_time_to_utc (t);
  /* KakaoPay's times are KST (+09:00). */
  g_assert_cmpint (g_date_time_get_hour (utc), ==, 12);
  again = kp_datetime_format (utc);
  g_assert_cmpstr (again, ==, "2023-07-15T21:18:22");

  g_assert_null (kp_datetime_parse ("yesterday"));
  g_assert_null (kp_datetime_parse (""));
  g_assert_null (kp_datetime_parse (NULL));
}

static void
test_error_reply (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) copy = NULL;

  kp_api_error_set_reply (&error, 400, KP_CODE_APPROVE_FAILED, "approval failure!",
                          "USER_LOCKED", "진행중인 거래가 있습니다.");
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_REJECTED);
  g_assert_cmpint (kp_api_error_get_code (error), ==, -780);
  g_assert_cmpuint (kp_api_error_get_http_status (error), ==, 400);
  g_assert_cmpstr (kp_api_error_get_kakaopay_message (error), ==, "approval failure!");
  g_assert_cmpstr (kp_api_error_get_method_result_code (error), ==, "USER_LOCKED");
  g_assert_nonnull (strstr (error->message, "진행중인 거래가 있습니다."));

  /* The extended data survives a copy (errors are copied into GTasks). */
  copy = g_error_copy (error);
  g_assert_cmpint (kp_api_error_get_code (copy), ==, -780);
  g_assert_cmpstr (kp_api_error_get_method_result_message (copy), ==, "진행중인 거래가 있습니다.");

  g_clear_error (&error);
  kp_api_error_set_reply (&error, 401, KP_CODE_UNAUTHORIZED, "unauthorized", NULL, NULL);
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_UNAUTHORIZED);

  g_clear_error (&error);
  kp_api_error_set_reply (&error, 400, -7777, "brand new failure", NULL, NULL);
  g_assert_nonnull (strstr (error->message, "-7777"));
  g_assert_nonnull (strstr (error->message, "brand new failure"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/payment/vat-rule", test_vat_rule);
  g_test_add_func ("/kp/payment/ready-validation", test_ready_validation);
  g_test_add_func ("/kp/payment/approve-validation", test_approve_validation);
  g_test_add_func ("/kp/payment/cancel-validation", test_cancel_validation);
  g_test_add_func ("/kp/payment/status-strings", test_status_strings);
  g_test_add_func ("/kp/payment/datetime", test_datetime);
  g_test_add_func ("/kp/payment/error-reply", test_error_reply);

  return g_test_run ();
}
