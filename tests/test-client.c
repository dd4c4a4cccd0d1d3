/* test-client.c: KpClient against the sandbox and a canned server, over loopback HTTP
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-client.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

#define KEY "DEVSECRET0123456789ABCDEF0123456789ABCD"

typedef struct
{
  KpSandbox *sandbox;
  char      *base_url;
  KpClient  *client;
  KpDialect  dialect;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dialect = GPOINTER_TO_INT (data);
  f->sandbox = kp_sandbox_new (KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->base_url = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (f->base_url, f->dialect, KEY);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->sandbox);
  g_free (f->base_url);
}

static KpReadyRequest *
make_ready (const char *order_id,
            gint64      total,
            gint64      tax_free)
{
  KpReadyRequest *r = kp_ready_request_new ();

  r->cid = g_strdup ("TC0ONETIME");
  r->partner_order_id = g_strdup (order_id);
  r->partner_user_id = g_strdup ("T1");
  r->item_name = g_strdup ("아메리카노 외 1건");
  r->quantity = 2;
  r->total_amount = total;
  r->tax_free_amount = tax_free;
  r->approval_url = g_strdup_printf ("http://127.0.0.1:9/kakaopay/approve/%s?n=00ff", order_id);
  r->cancel_url = g_strdup_printf ("http://127.0.0.1:9/kakaopay/cancel/%s?n=00ff", order_id);
  r->fail_url = g_strdup_printf ("http://127.0.0.1:9/kakaopay/fail/%s?n=00ff", order_id);
  return r;
}

static KpReadyReply *
ready (Fixture              *f,
       const KpReadyRequest *request,
       GError              **error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GAsyncResult) result = NULL;

  kp_client_ready_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_client_ready_finish (f->client, result, error);
}

static KpApproveReply *
approve (Fixture                *f,
         const KpApproveRequest *request,
         GError                **error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GAsyncResult) result = NULL;

  kp_client_approve_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_client_approve_finish (f->client, result, error);
}

static KpOrderReply *
order (Fixture     *f,
       const char  *tid,
       GError     **error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();

  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup (tid);
  kp_client_order_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_client_order_finish (f->client, result, error);
}

static KpCancelReply *
cancel (Fixture     *f,
        const char  *tid,
        gint64       amount,
        gint64       tax_free,
        gint64       available,
        GError     **error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KpCancelRequest) request = kp_cancel_request_new ();

  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup (tid);
  request->cancel_amount = amount;
  request->cancel_tax_free_amount = tax_free;
  request->cancel_available_amount = available;
  kp_client_cancel_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_client_cancel_finish (f->client, result, error);
}

/* The customer pays on the sandbox's page; returns the pg_token from the redirect. */
static char *
customer_pays (Fixture    *f,
               const char *tid,
               const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) params = NULL;

  redirect = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&redirect, g_free);
  redirect = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_PAY, method, &error);
  g_assert_no_error (error);
  g_assert_nonnull (redirect);
  g_assert_true (g_str_has_prefix (redirect, "http://127.0.0.1:9/kakaopay/approve/"));
  uri = g_uri_parse (redirect, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  /* Our own query survives; the token is appended with '&'. */
  g_assert_cmpstr (g_hash_table_lookup (params, "n"), ==, "00ff");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "pg_token")), ==, 20);
  return g_strdup (g_hash_table_lookup (params, "pg_token"));
}

static KpApproveRequest *
make_approve (const char *order_id,
              const char *tid,
              const char *pg_token)
{
  KpApproveRequest *r = kp_approve_request_new ();

  r->cid = g_strdup ("TC0ONETIME");
  r->tid = g_strdup (tid);
  r->partner_order_id = g_strdup (order_id);
  r->partner_user_id = g_strdup ("T1");
  r->pg_token = g_strdup (pg_token);
  return r;
}

static void
assert_id (const char *id,
           char        prefix)
{
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), ==, 20);
  g_assert_cmpint (id[0], ==, prefix);
  for (guint i = 1; i < 20; i++)
    g_assert_true (g_ascii_isxdigit (id[i]) && !g_ascii_isupper (id[i]));
}

static void
assert_code (const GError *error,
             int           code)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == KP_API_ERROR);
  g_assert_cmpint (kp_api_error_get_code (error), ==, code);
  g_assert_true (error->code == KP_API_ERROR_REJECTED || error->code == KP_API_ERROR_UNAUTHORIZED);
  g_assert_false (kp_api_error_is_outcome_unknown (error));
  g_assert_cmpuint (kp_api_error_get_http_status (error), >=, 400);
}

/* ready → customer pays → approve → order → partial cancel → cancel the rest */
static void
test_full_flow (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-20261125-0001", 3300, 1100);
  g_autoptr (KpReadyReply) ready_reply = NULL;
  g_autoptr (KpApproveRequest) ar = NULL;
  g_autoptr (KpApproveReply) approve_reply = NULL;
  g_autoptr (KpOrderReply) order_reply = NULL;
  g_autoptr (KpCancelReply) cancel1 = NULL;
  g_autoptr (KpCancelReply) cancel2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *pg_token = NULL;

  ready_reply = ready (f, rr, &error);
  g_assert_no_error (error);
  assert_id (ready_reply->tid, 'T');
  g_assert_true (g_str_has_prefix (ready_reply->next_redirect_pc_url, f->base_url));
  g_assert_true (g_str_has_prefix (ready_reply->next_redirect_mobile_url, f->base_url));
  g_assert_nonnull (ready_reply->next_redirect_app_url);
  g_assert_true (g_str_has_prefix (ready_reply->android_app_scheme, "kakaotalk://"));
  g_assert_nonnull (ready_reply->created_at);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, ready_reply->tid), ==, KP_STATUS_READY);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_READY);
  g_assert_cmpint (order_reply->amount.total, ==, 3300);
  g_assert_cmpint (order_reply->amount.vat, ==, 200);
  g_assert_null (order_reply->approved_at);
  g_clear_pointer (&order_reply, kp_order_reply_free);

  pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_AUTH_PASSWORD);
  g_clear_pointer (&order_reply, kp_order_reply_free);

  ar = make_approve ("T1-20261125-0001", ready_reply->tid, pg_token);
  ar->payload = g_strdup ("terminal T1");
  ar->total_amount = 3300;
  approve_reply = approve (f, ar, &error);
  g_assert_no_error (error);
  assert_id (approve_reply->aid, 'A');
  g_assert_cmpstr (approve_reply->tid, ==, ready_reply->tid);
  g_assert_cmpstr (approve_reply->cid, ==, "TC0ONETIME");
  g_assert_cmpstr (approve_reply->partner_order_id, ==, "T1-20261125-0001");
  g_assert_cmpstr (approve_reply->payment_method_type, ==, "MONEY");
  g_assert_null (approve_reply->card_info);
  g_assert_cmpint (approve_reply->amount.total, ==, 3300);
  g_assert_cmpint (approve_reply->amount.tax_free, ==, 1100);
  g_assert_cmpint (approve_reply->amount.vat, ==, 200);
  g_assert_cmpstr (approve_reply->item_name, ==, "아메리카노 외 1건");
  g_assert_cmpint (approve_reply->quantity, ==, 2);
  g_assert_cmpstr (approve_reply->payload, ==, "terminal T1");
  g_assert_nonnull (approve_reply->approved_at);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_SUCCESS_PAYMENT);
  g_assert_cmpstr (order_reply->payment_method_type, ==, "MONEY");
  g_assert_cmpint (order_reply->cancel_available_amount.total, ==, 3300);
  g_assert_cmpuint (order_reply->payment_action_details->len, ==, 1);
  g_assert_cmpstr (((KpPaymentAction *) order_reply->payment_action_details->pdata[0])->aid, ==,
                   approve_reply->aid);
  g_clear_pointer (&order_reply, kp_order_reply_free);

  /* Refund the taxable 1100 (VAT 100 by the default rule), guarded by the remaining
   * amount, then the rest. */
  cancel1 = cancel (f, ready_reply->tid, 1100, 0, 3300, &error);
  g_assert_no_error (error);
  assert_id (cancel1->aid, 'A');
  g_assert_cmpint (cancel1->status, ==, KP_STATUS_PART_CANCEL_PAYMENT);
  g_assert_cmpint (cancel1->approved_cancel_amount.total, ==, 1100);
  g_assert_cmpint (cancel1->approved_cancel_amount.vat, ==, 100);
  g_assert_cmpint (cancel1->canceled_amount.total, ==, 1100);
  g_assert_cmpint (cancel1->cancel_available_amount.total, ==, 2200);
  g_assert_cmpint (cancel1->cancel_available_amount.tax_free, ==, 1100);
  g_assert_cmpint (cancel1->cancel_available_amount.vat, ==, 100);

  cancel2 = cancel (f, ready_reply->tid, 2200, 1100, 2200, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancel2->status, ==, KP_STATUS_CANCEL_PAYMENT);
  g_assert_cmpint (cancel2->canceled_amount.total, ==, 3300);
  g_assert_cmpint (cancel2->canceled_amount.vat, ==, 200);
  g_assert_cmpint (cancel2->cancel_available_amount.total, ==, 0);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_CANCEL_PAYMENT);
  g_assert_cmpuint (order_reply->payment_action_details->len, ==, 3);
  g_assert_nonnull (order_reply->canceled_at);

  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL), ==, 2);
}

/* Every pre-approval status the sandbox can be driven through, as the client maps it. */
static void
test_statuses (Fixture       *f,
               gconstpointer  data)
{
  static const struct
  {
    KpSandboxAction action;
    const char     *method;
    KpStatus        status;
  } steps[] = {
    { KP_SANDBOX_ACTION_SEND_TMS, NULL, KP_STATUS_SEND_TMS },
    { KP_SANDBOX_ACTION_OPEN, NULL, KP_STATUS_OPEN_PAYMENT },
    { KP_SANDBOX_ACTION_SELECT_METHOD, "CARD", KP_STATUS_SELECT_METHOD },
    { KP_SANDBOX_ACTION_ARS, "CARD", KP_STATUS_ARS_WAITING },
    { KP_SANDBOX_ACTION_PAY, NULL, KP_STATUS_AUTH_PASSWORD },
  };
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-statuses", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = NULL;
  g_autoptr (GError) error = NULL;

  ready_reply = ready (f, rr, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *redirect = NULL;
      g_autoptr (KpOrderReply) reply = NULL;

      redirect = kp_sandbox_customer_act (f->sandbox, ready_reply->tid, steps[i].action,
                                          steps[i].method, &error);
      g_assert_no_error (error);
      reply = order (f, ready_reply->tid, &error);
      g_assert_no_error (error);
      g_assert_cmpint (reply->status, ==, steps[i].status);
      g_assert_cmpstr (reply->status_string, ==, kp_status_to_string (steps[i].status));
      g_assert_false (kp_status_is_final (reply->status));
      g_assert_null (reply->approved_at);
      g_assert_cmpuint (reply->payment_action_details->len, ==, 0);
      if (steps[i].method != NULL)
        g_assert_cmpstr (reply->payment_method_type, ==, steps[i].method);
      else if (i < 2)
        g_assert_null (reply->payment_method_type);
    }
}

/* What does not apply is null online and left out in legacy: either way the client reads
 * it as absent. */
static void
test_absent_members (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-absent", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = NULL;
  g_autoptr (KpOrderReply) before = NULL;
  g_autoptr (KpApproveRequest) ar = NULL;
  g_autoptr (KpApproveReply) approved = NULL;
  g_autoptr (KpCancelReply) cancelled = NULL;
  g_autoptr (KpOrderReply) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *pg_token = NULL;
  KpPaymentAction *action;

  ready_reply = ready (f, rr, &error);
  g_assert_no_error (error);
  before = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_null (before->payment_method_type);
  g_assert_null (before->item_code);
  g_assert_null (before->approved_at);
  g_assert_null (before->canceled_at);
  g_assert_null (before->selected_card_info);
  g_assert_nonnull (before->created_at);

  pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  ar = make_approve ("T1-absent", ready_reply->tid, pg_token);
  approved = approve (f, ar, &error);
  g_assert_no_error (error);
  g_assert_null (approved->sid);
  g_assert_null (approved->item_code);
  g_assert_null (approved->payload);
  g_assert_null (approved->card_info);
  g_assert_cmpstr (approved->payment_method_type, ==, "MONEY");
  g_assert_cmpint (approved->amount.total, ==, 2200);

  cancelled = cancel (f, ready_reply->tid, 1000, 0, KP_UNSET, &error);
  g_assert_no_error (error);
  g_assert_null (cancelled->payload);
  g_assert_null (cancelled->item_code);
  g_assert_nonnull (cancelled->canceled_at);

  after = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_null (after->selected_card_info);
  g_assert_cmpuint (after->payment_action_details->len, ==, 2);
  action = g_ptr_array_index (after->payment_action_details, 1);
  g_assert_cmpstr (action->payment_action_type, ==, "CANCEL");
  g_assert_null (action->payload);
  g_assert_true (action->amount.present);
  g_assert_cmpint (action->amount.value, ==, 1000);
}

/* Order entries as sparse as a real legacy reply's: no amount is not 0. */
static void
test_sparse_actions (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-sparse", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = NULL;
  g_autoptr (KpApproveRequest) ar = NULL;
  g_autoptr (KpApproveReply) approved = NULL;
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *pg_token = NULL;
  KpPaymentAction *action;
  gint64 amount = -1;

  ready_reply = ready (f, rr, &error);
  g_assert_no_error (error);
  pg_token = customer_pays (f, ready_reply->tid, "CARD");
  ar = make_approve ("T1-sparse", ready_reply->tid, pg_token);
  approved = approve (f, ar, &error);
  g_assert_no_error (error);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER,
                           KP_SANDBOX_FAULT_SPARSE_ACTIONS, 1, 0);
  reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reply->status, ==, KP_STATUS_SUCCESS_PAYMENT);
  g_assert_cmpstr (reply->payment_method_type, ==, "CARD");
  g_assert_cmpuint (reply->payment_action_details->len, ==, 1);
  action = g_ptr_array_index (reply->payment_action_details, 0);
  g_assert_cmpstr (action->aid, ==, approved->aid);
  g_assert_nonnull (action->approved_at);
  g_assert_cmpstr (action->payment_action_type, ==, "PAYMENT");
  g_assert_false (kp_optional_int_get (&action->amount, &amount));
  g_assert_cmpint (amount, ==, -1);
  g_assert_false (kp_optional_int_get (&action->green_deposit, NULL));
  g_assert_true (kp_optional_int_get (&action->point_amount, &amount));
  g_assert_cmpint (amount, ==, 0);
  g_assert_null (action->payment_method_type);
  g_assert_null (action->payload);
}

static void
test_card (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-card", 50000, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = customer_pays (f, ready_reply->tid, "CARD");
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-card", ready_reply->tid, pg_token);
  g_autoptr (GError) error = NULL;
  g_autoptr (KpApproveReply) reply = approve (f, ar, &error);
  g_autoptr (KpOrderReply) order_reply = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (reply->payment_method_type, ==, "CARD");
  g_assert_nonnull (reply->card_info);
  g_assert_nonnull (reply->card_info->kakaopay_issuer_corp);
  g_assert_nonnull (reply->card_info->install_month);
  g_assert_cmpint (reply->amount.vat, ==, 4545);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (order_reply->selected_card_info);
  g_assert_cmpstr (order_reply->payment_method_type, ==, "CARD");
}

static void
test_approve_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-err", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-err", ready_reply->tid, "0123456789abcdef0123");
  g_autoptr (KpApproveReply) ok = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *good_order = NULL;

  /* Before the customer authenticated. */
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_NOT_AUTHENTICATED);
  g_assert_nonnull (kp_api_error_get_kakaopay_message (error));
  g_clear_error (&error);

  pg_token = customer_pays (f, ready_reply->tid, "MONEY");

  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_WRONG_PG_TOKEN);
  g_clear_error (&error);

  g_free (ar->pg_token);
  ar->pg_token = g_strdup (pg_token);
  good_order = g_steal_pointer (&ar->partner_order_id);
  ar->partner_order_id = g_strdup ("T1-other");
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_ORDER_ID_MISMATCH);
  g_clear_error (&error);
  g_free (ar->partner_order_id);
  ar->partner_order_id = g_strdup (good_order);

  g_free (ar->partner_user_id);
  ar->partner_user_id = g_strdup ("T2");
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_USER_ID_MISMATCH);
  g_clear_error (&error);
  g_free (ar->partner_user_id);
  ar->partner_user_id = g_strdup ("T1");

  ar->total_amount = 2300;
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_WRONG_AMOUNT);
  g_clear_error (&error);
  ar->total_amount = KP_UNSET;

  g_free (ar->tid);
  ar->tid = g_strdup ("T0000000000000000000");
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_UNKNOWN_TID);
  g_clear_error (&error);
  g_free (ar->tid);
  ar->tid = g_strdup (ready_reply->tid);

  ok = approve (f, ar, &error);
  g_assert_no_error (error);

  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_ALREADY_APPROVED);
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-exp", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-exp", ready_reply->tid, pg_token);
  g_autoptr (KpOrderReply) order_reply = NULL;
  g_autoptr (GError) error = NULL;

  kp_sandbox_advance_clock (f->sandbox, KP_SANDBOX_DEFAULT_TID_TTL + 1);
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_EXPIRED);
  g_clear_error (&error);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_true (kp_status_is_final (order_reply->status));
}

static void
test_decline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-dec", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = customer_pays (f, ready_reply->tid, "CARD");
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-dec", ready_reply->tid, pg_token);
  g_autoptr (KpApproveReply) ok = NULL;
  g_autoptr (KpOrderReply) order_reply = NULL;
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DECLINE, 1, 0);
  g_assert_null (approve (f, ar, &error));
  assert_code (error, KP_CODE_APPROVE_FAILED);
  g_assert_cmpuint (kp_api_error_get_http_status (error), ==, 400);
  g_assert_cmpstr (kp_api_error_get_method_result_code (error), ==, "USER_LOCKED");
  g_assert_nonnull (kp_api_error_get_method_result_message (error));
  /* The card company's reason reaches the cashier. */
  g_assert_nonnull (strstr (error->message, kp_api_error_get_method_result_message (error)));
  g_clear_error (&error);

  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_FAIL_PAYMENT);
}

static void
test_cancel_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-can", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = NULL;
  g_autoptr (KpApproveRequest) ar = NULL;
  g_autoptr (KpApproveReply) ok = NULL;
  g_autoptr (KpCancelReply) cancelled = NULL;
  g_autoptr (GError) error = NULL;

  /* Not approved yet. */
  g_assert_null (cancel (f, ready_reply->tid, 1000, 0, KP_UNSET, &error));
  assert_code (error, KP_CODE_NOT_CANCELLABLE);
  g_clear_error (&error);

  pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  ar = make_approve ("T1-can", ready_reply->tid, pg_token);
  ok = approve (f, ar, &error);
  g_assert_no_error (error);

  g_assert_null (cancel (f, ready_reply->tid, 2300, 0, KP_UNSET, &error));
  assert_code (error, KP_CODE_OVER_CANCEL);
  g_clear_error (&error);

  /* The merchant's idea of what is left is wrong: refused rather than guessed. */
  g_assert_null (cancel (f, ready_reply->tid, 1000, 0, 2000, &error));
  assert_code (error, KP_CODE_OVER_CANCEL);
  g_clear_error (&error);

  g_assert_null (cancel (f, "T0000000000000000000", 1000, 0, KP_UNSET, &error));
  assert_code (error, KP_CODE_UNKNOWN_TID);
  g_clear_error (&error);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_DECLINE, 1, 0);
  g_assert_null (cancel (f, ready_reply->tid, 1000, 0, 2200, &error));
  assert_code (error, KP_CODE_CANCEL_FAILED);
  g_assert_cmpstr (kp_api_error_get_method_result_code (error), ==, "6666");
  g_clear_error (&error);

  cancelled = cancel (f, ready_reply->tid, 1000, 0, 2200, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cancelled->cancel_available_amount.total, ==, 1200);
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-key", 2200, 0);
  g_autoptr (GError) error = NULL;

  kp_client_set_secret_key (f->client, "DEVWRONGKEY");
  g_assert_null (ready (f, rr, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (kp_api_error_get_code (error), ==, KP_CODE_UNAUTHORIZED);
  g_assert_cmpuint (kp_api_error_get_http_status (error), ==, 401);
  g_assert_null (strstr (error->message, "DEVWRONGKEY"));
  g_clear_error (&error);

  /* No key at all: refused before sending. */
  kp_client_set_secret_key (f->client, "  ");
  g_assert_false (kp_client_has_secret_key (f->client));
  g_assert_null (ready (f, rr, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);
}

static void
test_invalid_not_sent (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-inv", 0, 0);
  g_autoptr (GError) error = NULL;

  g_assert_null (ready (f, rr, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (kp_api_error_get_field (error), ==, "total_amount");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 0);
}

static void
test_fault_http_500 (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-500", 2200, 0);
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_HTTP_500, 1, 0);
  g_assert_null (ready (f, rr, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_SERVER_ERROR);
  g_assert_true (kp_api_error_is_outcome_unknown (error));
  g_clear_error (&error);

  /* Only the next call was faulty. */
  reply = ready (f, rr, &error);
  g_assert_no_error (error);
}

static void
test_fault_malformed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-bad", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-bad", ready_reply->tid, pg_token);
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE,
                           KP_SANDBOX_FAULT_MALFORMED_JSON, 1, 0);
  g_assert_null (approve (f, ar, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
  g_assert_true (kp_api_error_is_outcome_unknown (error));
  /* It was processed: that is why the outcome is "unknown", not "failed". */
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, ready_reply->tid), ==,
                   KP_STATUS_SUCCESS_PAYMENT);
}

static void
test_fault_lost_reply (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-lost", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autofree char *pg_token = customer_pays (f, ready_reply->tid, "MONEY");
  g_autoptr (KpApproveRequest) ar = make_approve ("T1-lost", ready_reply->tid, pg_token);
  g_autoptr (KpOrderReply) order_reply = NULL;
  g_autoptr (GError) error = NULL;

  /* Keep a connection alive first, so a re-send on a fresh connection would be
   * possible: the client must not do it for approve. */
  order_reply = order (f, ready_reply->tid, NULL);
  g_clear_pointer (&order_reply, kp_order_reply_free);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  g_assert_null (approve (f, ar, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_OUTCOME_UNKNOWN);
  g_assert_true (kp_api_error_is_outcome_unknown (error));
  g_assert_false (kp_api_error_is_not_sent (error));
  g_clear_error (&error);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);

  /* The order API tells what happened. */
  order_reply = order (f, ready_reply->tid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (order_reply->status, ==, KP_STATUS_SUCCESS_PAYMENT);
}

static void
test_fault_lost_reply_order (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-lost-order", 2200, 0);
  g_autoptr (KpReadyReply) ready_reply = ready (f, rr, NULL);
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_DROP_REPLY, 5, 0);
  g_assert_null (order (f, ready_reply->tid, &error));
  g_assert_true (kp_api_error_is_outcome_unknown (error));
}

static void
test_fault_timeout (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-slow", 2200, 0);
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  gint64 start;

  /* The reply is held far longer than the timeout: an error means the client gave up. */
  kp_client_set_timeout (f->client, 1);
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_DELAY, 1,
                           60000);
  g_assert_null (ready (f, rr, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_OUTCOME_UNKNOWN);
  g_clear_error (&error);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);

  /* A delay shorter than the timeout is only a slow reply (a timeout with room to spare
   * for a loaded machine). */
  kp_client_set_timeout (f->client, 30);
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_DELAY, 1, 300);
  start = g_get_monotonic_time ();
  reply = ready (f, rr, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
}

static void
test_not_sent (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (KpClient) client = NULL;
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  KpTestAsync async = { NULL };
  guint16 port;

  /* A port that was free a moment ago: nothing listens there now. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);

  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup ("T0000000000000000000");
  client = kp_client_new (url, KP_DIALECT_ONLINE, KEY);
  kp_client_order_async (client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_order_finish (client, result, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_NOT_SENT);
  g_assert_true (kp_api_error_is_not_sent (error));
  g_assert_false (kp_api_error_is_outcome_unknown (error));
  g_clear_error (&error);
  g_clear_object (&result);

  /* An address that cannot resolve. */
  kp_client_set_base_url (client, "http://kakaopay-pos-test.invalid");
  kp_client_set_timeout (client, 3);
  kp_client_order_async (client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_order_finish (client, result, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_NOT_SENT);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Cancelled before anything was sent: a plain cancellation. */
  g_cancellable_cancel (cancellable);
  kp_client_order_async (client, request, cancellable, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_order_finish (client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A cancel reply without aid (or with a null one) is still a processed refund. */
static void
test_cancel_without_aid (void)
{
  static const char * const bodies[] = {
    "{\"tid\":\"T0000000000000000001\",\"cid\":\"TC0ONETIME\",\"status\":\"CANCEL_PAYMENT\","
    "\"approved_cancel_amount\":{\"total\":2200,\"tax_free\":0,\"vat\":200},"
    "\"canceled_amount\":{\"total\":2200,\"tax_free\":0,\"vat\":200},"
    "\"canceled_at\":\"2026-11-25T14:00:00\"}",
    "{\"aid\":null,\"tid\":\"T0000000000000000001\",\"cid\":\"TC0ONETIME\","
    "\"status\":\"CANCEL_PAYMENT\",\"item_code\":null,\"payload\":null,"
    "\"approved_cancel_amount\":{\"total\":2200,\"tax_free\":0,\"vat\":200},"
    "\"canceled_amount\":{\"total\":2200,\"tax_free\":0,\"vat\":200},"
    "\"canceled_at\":\"2026-11-25T14:00:00\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (KpTestServer) server = kp_test_server_new ();
      g_autofree char *url = kp_test_server_dup_url (server);
      g_autoptr (KpClient) client = kp_client_new (url, KP_DIALECT_ONLINE, KEY);
      g_autoptr (KpCancelRequest) request = kp_cancel_request_new ();
      g_autoptr (KpCancelReply) reply = NULL;
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      KpTestAsync async = { NULL };

      kp_test_server_set_reply (server, 200, "application/json;charset=UTF-8", bodies[i]);
      request->cid = g_strdup ("TC0ONETIME");
      request->tid = g_strdup ("T0000000000000000001");
      request->cancel_amount = 2200;
      request->cancel_tax_free_amount = 0;
      kp_client_cancel_async (client, request, NULL, kp_test_async_cb, &async);
      result = kp_test_async_wait (&async);
      reply = kp_client_cancel_finish (client, result, &error);
      g_assert_no_error (error);
      g_assert_nonnull (reply);
      g_assert_null (reply->aid);
      g_assert_null (reply->payload);
      g_assert_cmpint (reply->status, ==, KP_STATUS_CANCEL_PAYMENT);
      g_assert_cmpint (reply->approved_cancel_amount.total, ==, 2200);
      g_assert_nonnull (reply->canceled_at);
    }
}

/* The exact wire form of each dialect, seen by a plain server. */
static void
test_wire (gconstpointer data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (KpTestServer) server = kp_test_server_new ();
  g_autofree char *url = kp_test_server_dup_url (server);
  g_autoptr (KpClient) client = kp_client_new (url, dialect, "  " KEY "\n");
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-wire", 2200, 0);
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_auth = NULL;
  KpTestAsync async = { NULL };

  /* A reply with numbers as strings and an unknown field. */
  kp_test_server_set_reply (server, 200, "application/json;charset=UTF-8",
                            "{\"tid\":\"T1234567890123456789\",\"next_redirect_pc_url\":"
                            "\"https://x/info\",\"created_at\":\"2026-11-25T10:00:00\","
                            "\"tms_result\":\"false\",\"extra\":{\"a\":1}}");
  kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_ready_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply->tid, ==, "T1234567890123456789");

  expected_auth = g_strconcat (dialect == KP_DIALECT_LEGACY ? "KakaoAK " : "SECRET_KEY ", KEY, NULL);
  g_assert_cmpstr (kp_test_server_get_last_authorization (server), ==, expected_auth);
  if (dialect == KP_DIALECT_LEGACY)
    {
      g_autoptr (GHashTable) form = soup_form_decode (kp_test_server_get_last_body (server));

      g_assert_cmpstr (kp_test_server_get_last_path (server), ==, "/v1/payment/ready");
      g_assert_true (g_str_has_prefix (kp_test_server_get_last_content_type (server),
                                       "application/x-www-form-urlencoded"));
      g_assert_cmpstr (g_hash_table_lookup (form, "total_amount"), ==, "2200");
      g_assert_cmpstr (g_hash_table_lookup (form, "item_name"), ==, "아메리카노 외 1건");
    }
  else
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *body;

      g_assert_cmpstr (kp_test_server_get_last_path (server), ==, "/online/v1/payment/ready");
      g_assert_cmpstr (kp_test_server_get_last_content_type (server), ==, "application/json");
      g_assert_true (json_parser_load_from_data (parser, kp_test_server_get_last_body (server),
                                                 -1, NULL));
      body = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_int_member (body, "total_amount"), ==, 2200);
      g_assert_cmpstr (json_object_get_string_member (body, "item_name"), ==, "아메리카노 외 1건");
    }
  g_clear_object (&result);
  g_clear_pointer (&reply, kp_ready_reply_free);

  /* An error body in the other dialect's shape is still understood. */
  kp_test_server_set_reply (server, 400, "application/json",
                            dialect == KP_DIALECT_LEGACY ? "{\"error_code\":-731,\"error_message\":\"x\"}"
                                                         : "{\"code\":-731,\"msg\":\"x\"}");
  kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_ready_finish (client, result, &error));
  g_assert_cmpint (kp_api_error_get_code (error), ==, KP_CODE_WRONG_CID);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A proxy's 502 page: the outcome is unknown. A 404 page: not processed. */
  kp_test_server_set_reply (server, 502, "text/html", "<h1>Bad gateway</h1>");
  kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_ready_finish (client, result, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_SERVER_ERROR);
  g_clear_error (&error);
  g_clear_object (&result);

  kp_test_server_set_reply (server, 404, "text/html", "<h1>Not found</h1>");
  kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_ready_finish (client, result, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_REJECTED);
  g_assert_cmpuint (kp_api_error_get_http_status (error), ==, 404);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A 200 with a reply missing its tid. */
  kp_test_server_set_reply (server, 200, "application/json", "{\"next_redirect_pc_url\":\"x\"}");
  kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  g_assert_null (kp_client_ready_finish (client, result, &error));
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
}

static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log == NULL)
    return g_log_writer_default (level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (captured_log, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
    }
  return G_LOG_WRITER_HANDLED;
}

/* With every debug message on, the key appears in no log line and no error. */
static void
test_redaction (void)
{
  g_autoptr (KpSandbox) sandbox = kp_sandbox_new (KEY);
  g_autoptr (KpTestServer) server = kp_test_server_new ();
  g_autofree char *server_url = kp_test_server_dup_url (server);
  g_autofree char *base = NULL;
  g_autoptr (KpClient) client = NULL;
  g_autoptr (KpReadyRequest) rr = make_ready ("T1-log", 2200, 0);
  g_autoptr (GOutputStream) sandbox_log = g_memory_output_stream_new_resizable ();
  GString *errors = g_string_new (NULL);
  g_autofree char *sandbox_text = NULL;

  captured_log = g_string_new (NULL);
  g_assert_true (kp_sandbox_listen (sandbox, "127.0.0.1", 0, NULL));
  kp_sandbox_set_log_stream (sandbox, sandbox_log);
  base = kp_sandbox_dup_base_url (sandbox);
  client = kp_client_new (base, KP_DIALECT_LEGACY, KEY);
  g_log_set_debug_enabled (TRUE);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (KpReadyReply) reply = NULL;
      KpTestAsync async = { NULL };

      if (i == 1)
        kp_sandbox_inject_fault (sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_DROP_REPLY, 1, 0);
      if (i == 2)
        kp_client_set_dialect (client, KP_DIALECT_ONLINE);
      if (i == 3)
        {
          kp_client_set_base_url (client, server_url);
          kp_test_server_set_reply (server, 401, "text/plain", "no");
        }
      kp_client_ready_async (client, rr, NULL, kp_test_async_cb, &async);
      result = kp_test_async_wait (&async);
      reply = kp_client_ready_finish (client, result, &error);
      if (error != NULL)
        g_string_append_printf (errors, "%s\n", error->message);
    }

  g_log_set_debug_enabled (FALSE);

  /* The key did travel, and was logged nowhere. */
  g_assert_nonnull (strstr (kp_test_server_get_last_authorization (server), KEY));
  g_assert_cmpuint (captured_log->len, >, 0);
  g_assert_nonnull (strstr (captured_log->str, "ready"));
  g_assert_null (strstr (captured_log->str, KEY));
  g_assert_cmpuint (errors->len, >, 0);
  g_assert_null (strstr (errors->str, KEY));

  g_output_stream_close (sandbox_log, NULL, NULL);
  sandbox_text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (sandbox_log)),
                            g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (sandbox_log)));
  g_assert_nonnull (strstr (sandbox_text, "KakaoAK"));
  g_assert_null (strstr (sandbox_text, KEY));

  g_string_free (errors, TRUE);
  g_string_free (captured_log, TRUE);
  captured_log = NULL;
}

static void
add (const char *name,
     void (*func) (Fixture *, gconstpointer))
{
  for (KpDialect d = KP_DIALECT_ONLINE; d <= KP_DIALECT_LEGACY; d++)
    {
      g_autofree char *path = g_strdup_printf ("/kp/client/%s/%s", kp_dialect_to_string (d), name);

      g_test_add (path, Fixture, GINT_TO_POINTER (d), fixture_set_up, func, fixture_tear_down);
    }
}

/* Where the secret key and a relay token may go when payments are real. */
static void
test_endpoint_transport (void)
{
  static const struct
  {
    const char *url;
    gboolean    ok;
  } cases[] = {
    { "https://open-api.kakaopay.com", TRUE },
    { "HTTPS://pay.example.com:8443", TRUE },
    { "https://192.168.0.20", TRUE },
    { "http://127.0.0.1:8790", TRUE },
    { "http://127.3.2.1", TRUE },
    { "http://localhost:9", TRUE },
    { "http://LOCALHOST", TRUE },
    { "http://[::1]:9", TRUE },
    { "http://192.168.0.20:8790", FALSE },
    { "http://pay.example.com", FALSE },
    { "http://localhost.example.com", FALSE },
    { "http://128.0.0.1", FALSE },
    { "http://[::2]", FALSE },
    { "http://0.0.0.0:9", FALSE },
  };
  static const char * const invalid[] = { "", "pay.example.com", "ftp://127.0.0.1",
                                          "ws://pay.example.com", "http://" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = kp_endpoint_check_transport (cases[i].url, &error);

      if (ok != cases[i].ok)
        g_error ("%s: %s", cases[i].url, ok ? "allowed" : error->message);
      if (!ok)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
          g_assert_nonnull (strstr (error->message, cases[i].url));
          g_assert_nonnull (strstr (error->message, "https://"));
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (kp_endpoint_check_transport (invalid[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  g_assert_true (kp_endpoint_is_loopback ("::1"));
  g_assert_true (kp_endpoint_is_loopback ("[::1]"));
  g_assert_false (kp_endpoint_is_loopback (NULL));
  g_assert_false (kp_endpoint_is_loopback (""));

  g_assert_true (kp_cid_is_test ("TC0ONETIME"));
  g_assert_true (kp_cid_is_test ("TCSUBSCRIP"));
  g_assert_false (kp_cid_is_test ("CKPOS00001"));
  g_assert_false (kp_cid_is_test ("tc0onetime"));
  g_assert_false (kp_cid_is_test (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  add ("full-flow", test_full_flow);
  add ("card", test_card);
  add ("statuses", test_statuses);
  add ("absent-members", test_absent_members);
  add ("sparse-actions", test_sparse_actions);
  add ("approve-errors", test_approve_errors);
  add ("expired", test_expired);
  add ("decline", test_decline);
  add ("cancel-errors", test_cancel_errors);
  add ("wrong-key", test_wrong_key);
  add ("invalid-not-sent", test_invalid_not_sent);
  add ("fault-http-500", test_fault_http_500);
  add ("fault-malformed", test_fault_malformed);
  add ("fault-lost-reply", test_fault_lost_reply);
  add ("fault-lost-reply-order", test_fault_lost_reply_order);
  add ("fault-timeout", test_fault_timeout);
  g_test_add_data_func ("/kp/client/online/wire", GINT_TO_POINTER (KP_DIALECT_ONLINE), test_wire);
  g_test_add_data_func ("/kp/client/legacy/wire", GINT_TO_POINTER (KP_DIALECT_LEGACY), test_wire);
  g_test_add_func ("/kp/client/not-sent", test_not_sent);
  g_test_add_func ("/kp/client/endpoint-transport", test_endpoint_transport);
  g_test_add_func ("/kp/client/cancel-without-aid", test_cancel_without_aid);
  g_test_add_func ("/kp/client/redaction", test_redaction);

  return g_test_run ();
}
