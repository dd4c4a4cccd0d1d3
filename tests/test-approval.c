/* test-approval.c: approval listener, status poller and the outcome merger
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-sale-monitor.h"
#include "kp-sandbox.h"
#include "kp-status-poller.h"
#include "kp-test-server.h"

#define NONCE "0123456789abcdef0123456789abcdef"

typedef struct
{
  char          *order_id;
  KpCallbackKind kind;
  char          *pg_token;
  guint          n;
} Received;

static void
on_callback_cb (KpApprovalListener *listener,
                const char         *order_id,
                KpCallbackKind      kind,
                const char         *pg_token,
                Received           *received)
{
  received->n++;
  g_free (received->order_id);
  received->order_id = g_strdup (order_id);
  received->kind = kind;
  g_free (received->pg_token);
  received->pg_token = g_strdup (pg_token);
}

static guint
get (SoupSession *session,
     const char  *method,
     const char  *url,
     char       **out_body)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = kp_test_http_send (session, msg, &error);

  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return soup_message_get_status (msg);
}

static void
test_listener (void)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (SoupSession) session = kp_test_session_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  Received received = { NULL };

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  base = kp_approval_listener_dup_url (listener);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), &received);
  kp_approval_listener_expect (listener, "T1-20261125-0001", NONCE);

  /* The URL shape the sale sends to KakaoPay. */
  url = kp_callback_url (base, KP_CALLBACK_APPROVE, "T1-20261125-0001", NONCE);
  g_assert_cmpstr (url + strlen (base), ==, "/kakaopay/approve/T1-20261125-0001?n=" NONCE);

  /* Forged: wrong nonce, unknown order, no token, wrong method, wrong path. */
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=ffff&pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0002?n=" NONCE "&pg_token=abc", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" NONCE, base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 400);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" NONCE "&pg_token=abc", base);
  g_assert_cmpuint (get (session, "POST", url, NULL), ==, 405);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/refund/T1-20261125-0001?n=" NONCE, base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_assert_cmpuint (received.n, ==, 0);
  g_assert_cmpuint (kp_approval_listener_get_n_rejected (listener), ==, 6);

  /* The real redirect: KakaoPay appended the token to our query. */
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/approve/T1-20261125-0001?n=" NONCE "&pg_token=0123456789abcdef0123",
                         base);
  g_assert_cmpuint (get (session, "GET", url, &body), ==, 200);
  g_assert_nonnull (strstr (body, "결제가 완료되었습니다"));
  g_assert_nonnull (strstr (body, "Payment received"));
  g_assert_nonnull (strstr (body, "return to the counter"));
  g_assert_cmpuint (received.n, ==, 1);
  g_assert_cmpstr (received.order_id, ==, "T1-20261125-0001");
  g_assert_cmpint (received.kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpstr (received.pg_token, ==, "0123456789abcdef0123");

  /* After the sale ended, its real link is gone (410), a forged one unknown (404). */
  kp_approval_listener_forget (listener, "T1-20261125-0001");
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 410);
  g_clear_pointer (&url, g_free);
  url = g_strdup_printf ("%s/kakaopay/cancel/T1-20261125-0001?n=00", base);
  g_assert_cmpuint (get (session, "GET", url, NULL), ==, 404);
  g_assert_cmpuint (received.n, ==, 1);

  g_free (received.order_id);
  g_free (received.pg_token);
}

static void
test_helpers (void)
{
  g_autofree char *a = kp_random_hex (16);
  g_autofree char *b = kp_random_hex (16);
  g_autofree char *host = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = 0;

  g_assert_cmpuint (strlen (a), ==, 32);
  g_assert_cmpstr (a, !=, b);

  g_assert_true (kp_parse_host_port ("0.0.0.0:8790", &host, &port, NULL));
  g_assert_cmpstr (host, ==, "0.0.0.0");
  g_assert_cmpuint (port, ==, 8790);
  g_clear_pointer (&host, g_free);
  g_assert_true (kp_parse_host_port (":8791", &host, &port, NULL));
  g_assert_cmpstr (host, ==, "0.0.0.0");
  g_assert_cmpuint (port, ==, 8791);
  g_clear_pointer (&host, g_free);
  g_assert_true (kp_parse_host_port ("[::1]:80", &host, &port, NULL));
  g_assert_cmpstr (host, ==, "::1");
  g_clear_pointer (&host, g_free);
  g_assert_false (kp_parse_host_port ("localhost", &host, &port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (kp_parse_host_port ("1.2.3.4:99999", &host, &port, &error));
  g_clear_error (&error);
  g_assert_false (kp_parse_host_port ("1.2.3.4:80/x", &host, &port, &error));
}

/* A sale waiting in the sandbox, watched by a listener-equipped monitor. */
typedef struct
{
  KpSandbox          *sandbox;
  KpClient           *client;
  KpApprovalListener *listener;
  SoupSession        *session;
  char               *listener_url;
  char               *tid;
  char               *pc_url;
  GArray             *statuses;
  int                 outcome;
  char               *pg_token;
  guint               n_outcomes;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpReadyRequest) rr = kp_ready_request_new ();
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *base = NULL;
  KpTestAsync async = { NULL };

  f->sandbox = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  base = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (base, KP_DIALECT_ONLINE, KP_SANDBOX_DEFAULT_KEY);
  f->listener = kp_approval_listener_new ();
  g_assert_true (kp_approval_listener_listen (f->listener, "127.0.0.1", 0, &error));
  f->listener_url = kp_approval_listener_dup_url (f->listener);
  f->session = kp_test_session_new ();
  f->statuses = g_array_new (FALSE, FALSE, sizeof (int));
  f->outcome = -1;

  rr->cid = g_strdup ("TC0ONETIME");
  rr->partner_order_id = g_strdup ("T1-1");
  rr->partner_user_id = g_strdup ("T1");
  rr->item_name = g_strdup ("라떼");
  rr->total_amount = 4500;
  rr->approval_url = kp_callback_url (f->listener_url, KP_CALLBACK_APPROVE, "T1-1", NONCE);
  rr->cancel_url = kp_callback_url (f->listener_url, KP_CALLBACK_CANCEL, "T1-1", NONCE);
  rr->fail_url = kp_callback_url (f->listener_url, KP_CALLBACK_FAIL, "T1-1", NONCE);
  kp_client_ready_async (f->client, rr, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_ready_finish (f->client, result, &error);
  g_assert_no_error (error);
  f->tid = g_strdup (reply->tid);
  f->pc_url = g_strdup (reply->next_redirect_pc_url);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_object_unref (f->session);
  g_assert_finalize_object (f->listener);
  g_assert_finalize_object (f->client);
  g_assert_finalize_object (f->sandbox);
  g_array_unref (f->statuses);
  g_free (f->listener_url);
  g_free (f->tid);
  g_free (f->pc_url);
  g_free (f->pg_token);
}

static void
on_status_cb (KpSaleMonitor *monitor,
              int            status,
              Fixture       *f)
{
  g_array_append_val (f->statuses, status);
}

static void
on_outcome_cb (KpSaleMonitor *monitor,
               int            outcome,
               const char    *pg_token,
               Fixture       *f)
{
  f->n_outcomes++;
  f->outcome = outcome;
  g_free (f->pg_token);
  f->pg_token = g_strdup (pg_token);
}

static KpSaleMonitor *
watch (Fixture *f,
       gint64   seconds_left)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) expires = g_date_time_add_seconds (now, seconds_left);
  KpSaleMonitor *monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1",
                                                NONCE, f->tid, expires, 100);

  g_signal_connect (monitor, "status-changed", G_CALLBACK (on_status_cb), f);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);
  return monitor;
}

static void
iterate_until (gboolean (*done) (Fixture *), Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (f))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
has_outcome (Fixture *f)
{
  return f->n_outcomes > 0;
}

static gboolean
saw_open (Fixture *f)
{
  for (guint i = 0; i < f->statuses->len; i++)
    if (g_array_index (f->statuses, int, i) == KP_STATUS_OPEN_PAYMENT)
      return TRUE;
  return FALSE;
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
}

/* The customer's phone follows the redirect to our listener: approval wins, the
 * duplicate reload and a later cancel are ignored, and the poller stops. */
static void
test_monitor_approve (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;
  g_autofree char *page = NULL;
  g_autoptr (GError) error = NULL;
  guint polls;

  kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  iterate_until (saw_open, f);
  g_assert_false (kp_sale_monitor_is_decided (monitor));

  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_PAY, "MONEY", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (get (f->session, "GET", redirect, &page), ==, 200);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_AUTHORIZED);
  g_assert_cmpuint (strlen (f->pg_token), ==, 20);
  g_assert_false (kp_sale_monitor_is_polling (monitor));

  /* A reload, then a forged cancel: nothing changes. */
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 200);
  kp_sale_monitor_deliver (monitor, KP_CALLBACK_CANCEL, NULL);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_AUTHORIZED);

  /* No timers keep running once decided. */
  polls = kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER);
  settle (400);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, polls);

  /* Once the sale is over, its link answers 410. */
  kp_sale_monitor_stop (monitor);
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 410);
}

/* The customer cancels but the phone never comes back to us: the poller sees it. */
static void
test_monitor_quit_by_poll (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;

  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_CANCEL, NULL, NULL);
  g_assert_nonnull (redirect);
  iterate_until (has_outcome, f);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_CANCELLED);
  g_assert_cmpint (kp_sale_monitor_get_status (monitor), ==, KP_STATUS_QUIT_PAYMENT);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

static void
test_monitor_fail_redirect (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *redirect = NULL;

  redirect = kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_FAIL, NULL, NULL);
  g_assert_true (g_str_has_prefix (redirect, f->listener_url));
  g_assert_cmpuint (get (f->session, "GET", redirect, NULL), ==, 200);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_FAILED);
  g_assert_cmpuint (f->n_outcomes, ==, 1);
}

static void
test_monitor_forged (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 600);
  g_autofree char *url = g_strdup_printf ("%s/kakaopay/approve/T1-1?n=%s&pg_token=forged",
                                          f->listener_url, "ffffffffffffffffffffffffffffffff");

  g_assert_cmpuint (get (f->session, "GET", url, NULL), ==, 404);
  settle (250);
  g_assert_cmpuint (f->n_outcomes, ==, 0);
  g_assert_true (kp_sale_monitor_is_polling (monitor));
}

static void
test_monitor_expiry (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpSaleMonitor) monitor = watch (f, 1);

  iterate_until (has_outcome, f);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_false (kp_sale_monitor_is_polling (monitor));
}

/* A sale whose tid ran out while nobody watched (say, across a restart) ends as
 * expired at once, without a poll. */
static void
test_monitor_expired_by_poll (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (GDateTime) past = g_date_time_new_now_utc ();
  g_autoptr (KpSaleMonitor) monitor = NULL;

  monitor = kp_sale_monitor_new (f->client, f->listener, "TC0ONETIME", "T1-1", NONCE, f->tid,
                                 past, 100);
  g_signal_connect (monitor, "outcome", G_CALLBACK (on_outcome_cb), f);
  kp_sale_monitor_start (monitor);
  g_assert_cmpint (f->outcome, ==, KP_SALE_OUTCOME_EXPIRED);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 0);
}

static void
test_poller_stops (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (KpStatusPoller) poller = kp_status_poller_new (f->client, "TC0ONETIME", f->tid, 50);
  guint n;

  g_assert_false (kp_status_poller_is_running (poller));
  settle (200);
  g_assert_cmpuint (kp_status_poller_get_n_polls (poller), ==, 0);

  kp_status_poller_start (poller);
  settle (400);
  n = kp_status_poller_get_n_polls (poller);
  g_assert_cmpuint (n, >=, 2);
  kp_status_poller_stop (poller);
  settle (300);
  g_assert_cmpuint (kp_status_poller_get_n_polls (poller), ==, n);

  /* A final status stops it by itself. */
  kp_sandbox_customer_act (f->sandbox, f->tid, KP_SANDBOX_ACTION_CANCEL, NULL, NULL);
  kp_status_poller_start (poller);
  while (kp_status_poller_is_running (poller))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (kp_status_poller_get_status (poller), ==, KP_STATUS_QUIT_PAYMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/approval/listener", test_listener);
  g_test_add_func ("/kp/approval/helpers", test_helpers);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kp/approval/monitor-approve", test_monitor_approve);
  ADD ("/kp/approval/monitor-quit-by-poll", test_monitor_quit_by_poll);
  ADD ("/kp/approval/monitor-fail-redirect", test_monitor_fail_redirect);
  ADD ("/kp/approval/monitor-forged", test_monitor_forged);
  ADD ("/kp/approval/monitor-expiry", test_monitor_expiry);
  ADD ("/kp/approval/monitor-expired-by-poll", test_monitor_expired_by_poll);
  ADD ("/kp/approval/poller-stops", test_poller_stops);
#undef ADD

  return g_test_run ();
}
