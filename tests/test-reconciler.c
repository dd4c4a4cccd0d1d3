/* test-reconciler.c: unfinished sales brought to KakaoPay's final word
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case builds a sale in an in-flight state the way the terminal would have left it
 * (a real journal file, real ready/approve calls to an in-process sandbox, the customer
 * played with kp_sandbox_customer_act ()), then hands it to the reconciler and checks
 * three things: the journal's final state and transitions, and the exact list of calls
 * the sandbox received while the reconciler worked. The rules under test are in the
 * comment at the top of kp-reconciler.c: ready is never sent twice for an order, and
 * approve is never sent again without asking order first.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-reconciler.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

#define KEY            "DEVRECONCILERTEST0011223344556677889900AA"
#define POLL_MS        100
/* Longer than any test runs: after its first order, a job never polls. */
#define NO_POLL_MS     (10 * 60 * 1000)
#define LIFETIME_S     900
/* Only a safety net: every wait is for an event. */
#define WAIT_MS        30000
/* A call's reply on a loaded machine, with room to spare… */
#define CALL_TIMEOUT_S 5
/* …and a held reply that always comes after the client gave up on it. */
#define HELD_MS        60000

typedef struct
{
  char        *partner_order_id;
  KpSaleState  state;
  KpSaleState  previous;
  int          code;      /* the KakaoPay code of the error that ended it, 0 if none */
  gboolean     has_error;
} Resolved;

typedef struct
{
  char               *dir;
  KpSandbox          *sandbox;
  KpClient           *client;
  KpJournal          *journal;
  KpApprovalListener *listener;
  KpReconciler       *reconciler;
  SoupSession        *session;
  char               *callback_base;
  GPtrArray          *resolved;          /* Resolved */
  gint64              clock_offset_s;    /* the journal's clock against the real one */
} Fixture;

static void
resolved_free (Resolved *resolved)
{
  g_free (resolved->partner_order_id);
  g_free (resolved);
}

static void
on_resolved_cb (KpReconciler        *reconciler,
                const KpJournalSale *sale,
                int                  previous,
                const GError        *error,
                Fixture             *f)
{
  Resolved *resolved = g_new0 (Resolved, 1);

  resolved->partner_order_id = g_strdup (sale->partner_order_id);
  resolved->state = sale->state;
  resolved->previous = previous;
  resolved->has_error = error != NULL;
  resolved->code = error != NULL ? kp_api_error_get_code (error) : 0;
  g_ptr_array_add (f->resolved, resolved);
}

/* Tid expiry on the terminal's side is measured on KakaoPay's clock, so
 * kp_sandbox_advance_clock () moves both and no test waits for a tid to run out. */
static GDateTime *
sandbox_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return kp_sandbox_now (f->sandbox);
}

/* Runs in the journal's worker threads: only reads the offset. */
static GDateTime *
journal_clock (gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_add_seconds (now, (gdouble) f->clock_offset_s);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;

  f->dir = g_dir_make_tmp ("kp-reconciler-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "journal.sqlite3", NULL);
  f->journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);
  kp_journal_set_clock (f->journal, journal_clock, f);

  f->sandbox = kp_sandbox_new (KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  base = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (base, KP_DIALECT_ONLINE, KEY);
  kp_client_set_timeout (f->client, CALL_TIMEOUT_S);

  f->listener = kp_approval_listener_new ();
  g_assert_true (kp_approval_listener_listen (f->listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->callback_base = kp_approval_listener_dup_url (f->listener);

  f->reconciler = kp_reconciler_new (f->client, f->journal, f->listener);
  kp_reconciler_set_timing (f->reconciler, POLL_MS, LIFETIME_S);
  kp_reconciler_set_clock (f->reconciler, sandbox_clock, f);
  f->resolved = g_ptr_array_new_with_free_func ((GDestroyNotify) resolved_free);
  g_signal_connect (f->reconciler, "resolved", G_CALLBACK (on_resolved_cb), f);
  f->session = kp_test_session_new ();
}

static gboolean
on_spin_done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets the main loop run (the reconciler, the sandbox, the listener) for @ms. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_spin_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_signal_handlers_disconnect_by_data (f->reconciler, f);
  g_clear_object (&f->reconciler);
  /* Cancelled calls and held sandbox replies finish on the main loop. */
  spin (50);
  g_clear_object (&f->session);
  g_clear_object (&f->listener);
  g_clear_object (&f->client);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->journal);
  g_clear_pointer (&f->resolved, g_ptr_array_unref);
  g_free (f->callback_base);

  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Waiting */

static const Resolved *
find_resolved (Fixture    *f,
               const char *partner_order_id)
{
  for (guint i = 0; i < f->resolved->len; i++)
    {
      const Resolved *resolved = g_ptr_array_index (f->resolved, i);

      if (g_str_equal (resolved->partner_order_id, partner_order_id))
        return resolved;
    }
  return NULL;
}

static guint
count_resolved (Fixture    *f,
                const char *partner_order_id)
{
  guint n = 0;

  for (guint i = 0; i < f->resolved->len; i++)
    {
      const Resolved *resolved = g_ptr_array_index (f->resolved, i);

      if (g_str_equal (resolved->partner_order_id, partner_order_id))
        n++;
    }
  return n;
}

/* Until the reconciler let go of the sale; fails the test after WAIT_MS. */
static const Resolved *
wait_resolved (Fixture    *f,
               const char *partner_order_id)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (kp_reconciler_is_resolving (f->reconciler, partner_order_id) ||
         kp_reconciler_get_recovering (f->reconciler))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s was not resolved in time", partner_order_id);
      spin (10);
    }
  /* A job that ends emits "resolved" as it leaves the table. */
  spin (20);
  return find_resolved (f, partner_order_id);
}

/* Until the sandbox received @n order calls since its requests were last cleared. */
static void
wait_orders (Fixture *f,
             guint    n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER) < n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the sandbox got %u order calls, not %u",
                 kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), n);
      spin (10);
    }
}

/* Until the listener takes @sale's redirects again: its job is watching it. */
static void
wait_listening (Fixture             *f,
                const KpJournalSale *sale)
{
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_strdup_printf ("/kakaopay/cancel/%s", sale->partner_order_id);
  g_autofree char *link = kp_callback_link_nonce (sale->nonce, KP_CALLBACK_CANCEL,
                                                  sale->partner_order_id, G_MAXINT32);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  g_hash_table_insert (query, (gpointer) "n", link);
  for (;;)
    {
      g_autofree char *order_id = NULL;
      const char *pg_token = NULL;
      KpCallbackKind kind;

      if (kp_approval_listener_check_request (f->listener, "GET", path, query, &kind,
                                              &order_id, &pg_token) == SOUP_STATUS_OK)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s is not listened for", sale->partner_order_id);
      spin (10);
    }
}

/* Until recovery read the journal and took what it found. */
static void
wait_recovered (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (kp_reconciler_get_recovering (f->reconciler))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("recovery did not end");
      spin (10);
    }
}

/* The journal */

static KpJournalSale *
journal_create (Fixture *f)
{
  g_autoptr (KpJournalNewSale) input = kp_journal_new_sale_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpJournalSale *sale;

  input->terminal_id = g_strdup ("T1");
  input->partner_user_id = g_strdup ("T1");
  input->cid = g_strdup ("TC0ONETIME");
  input->dialect = g_strdup ("online");
  input->item_name = g_strdup ("Americano and 1 more");
  input->quantity = 3;
  input->total_amount = 10500;
  input->tax_free_amount = 0;
  input->vat_amount = 955;
  input->nonce = kp_random_hex (16);
  kp_journal_new_sale_add_line (input, "Americano", 2, 4500, FALSE);
  kp_journal_new_sale_add_line (input, "Cookie", 1, 1500, FALSE);

  kp_journal_create_sale_async (f->journal, input, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  sale = kp_journal_create_sale_finish (f->journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_READY_SENT);
  return sale;
}

/* Moves @sale (replaced by the journal's new copy) to @to. */
static void
journal_move (Fixture          *f,
              KpJournalSale   **sale,
              KpSaleState       to,
              KpJournalUpdate  *update)
{
  g_autoptr (KpJournalUpdate) empty = kp_journal_update_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpJournalSale *moved;

  kp_journal_transition_async (f->journal, (*sale)->partner_order_id, (*sale)->state, to,
                               update != NULL ? update : empty, NULL, kp_test_async_cb,
                               &async);
  result = kp_test_async_wait (&async);
  moved = kp_journal_transition_finish (f->journal, result, &error);
  g_assert_no_error (error);
  kp_journal_sale_free (*sale);
  *sale = moved;
}

static KpJournalSale *
journal_get (Fixture    *f,
             const char *partner_order_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpJournalSale *sale;

  kp_journal_get_sale_async (f->journal, partner_order_id, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  sale = kp_journal_get_sale_finish (f->journal, result, &error);
  g_assert_no_error (error);
  return sale;
}

/* "READY_SENT AWAITING_CUSTOMER …": the sale's history, oldest first. */
static char *
journal_history (Fixture    *f,
                 const char *partner_order_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  KpTestAsync async = { NULL };

  kp_journal_list_transitions_async (f->journal, partner_order_id, NULL, kp_test_async_cb,
                                     &async);
  result = kp_test_async_wait (&async);
  transitions = kp_journal_list_transitions_finish (f->journal, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < transitions->len; i++)
    {
      const KpJournalTransition *transition = g_ptr_array_index (transitions, i);

      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, kp_sale_state_to_string (transition->to_state));
    }
  return g_strdup (text->str);
}

/* KakaoPay */

/* What the sandbox received since the last call (then forgotten): "order approve!drop-reply
 * order", a fault after '!', a KakaoPay error code after ':'. Every call but ready must be
 * about @tid. */
static char *
take_requests (Fixture    *f,
               const char *tid)
{
  g_autoptr (GPtrArray) requests = kp_sandbox_get_requests (f->sandbox);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < requests->len; i++)
    {
      const KpSandboxRequest *request = g_ptr_array_index (requests, i);

      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, kp_sandbox_endpoint_to_string (request->endpoint));
      if (request->fault != KP_SANDBOX_FAULT_NONE)
        g_string_append_printf (text, "!%s", kp_sandbox_fault_to_string (request->fault));
      if (request->code != 0)
        g_string_append_printf (text, ":%d", request->code);
      if (tid != NULL && request->endpoint != KP_SANDBOX_ENDPOINT_READY)
        g_assert_cmpstr (request->tid, ==, tid);
    }
  kp_sandbox_clear_requests (f->sandbox);
  return g_strdup (text->str);
}

#define assert_requests(f, tid, expected) \
  G_STMT_START { \
    g_autofree char *_requests = take_requests ((f), (tid)); \
    g_assert_cmpstr (_requests, ==, (expected)); \
  } G_STMT_END

/* Sends ready as the checkout does, without journaling its reply. */
static KpReadyReply *
send_ready (Fixture             *f,
            const KpJournalSale *sale,
            GError             **error)
{
  g_autoptr (KpReadyRequest) request = kp_ready_request_new ();
  g_autoptr (GAsyncResult) result = NULL;
  KpTestAsync async = { NULL };

  request->cid = g_strdup (sale->cid);
  request->partner_order_id = g_strdup (sale->partner_order_id);
  request->partner_user_id = g_strdup (sale->partner_user_id);
  request->item_name = g_strdup (sale->item_name);
  request->quantity = sale->quantity;
  request->total_amount = sale->total_amount;
  request->tax_free_amount = sale->tax_free_amount;
  request->vat_amount = sale->vat_amount;
  request->approval_url = kp_callback_url (f->callback_base, KP_CALLBACK_APPROVE,
                                           sale->partner_order_id, sale->nonce, G_MAXINT32);
  request->cancel_url = kp_callback_url (f->callback_base, KP_CALLBACK_CANCEL,
                                         sale->partner_order_id, sale->nonce, G_MAXINT32);
  request->fail_url = kp_callback_url (f->callback_base, KP_CALLBACK_FAIL,
                                       sale->partner_order_id, sale->nonce, G_MAXINT32);
  kp_client_ready_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_client_ready_finish (f->client, result, error);
}

/* A sale whose ready was answered and journaled: the QR was on screen. @lifetime_s
 * gives expires_at (negative: none journaled). */
static KpJournalSale *
sale_awaiting (Fixture *f,
               int      lifetime_s)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale = journal_create (f);

  reply = send_ready (f, sale, &error);
  g_assert_no_error (error);
  update->tid = g_strdup (reply->tid);
  if (lifetime_s >= 0)
    update->expires_at = g_date_time_add_seconds (sale->created_at, lifetime_s);
  journal_move (f, &sale, KP_SALE_STATE_AWAITING_CUSTOMER, update);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_READY);
  return sale;
}

/* The customer on the payment page, paying with @method ("MONEY" or "CARD"); returns
 * where the phone is sent next. */
static char *
customer_with (Fixture         *f,
               const char      *tid,
               KpSandboxAction  action,
               const char      *method)
{
  g_autoptr (GError) error = NULL;
  char *redirect;

  kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  redirect = kp_sandbox_customer_act (f->sandbox, tid, action, method, &error);
  g_assert_no_error (error);
  return redirect;
}

static char *
customer (Fixture         *f,
          const char      *tid,
          KpSandboxAction  action)
{
  return customer_with (f, tid, action, "MONEY");
}

static char *
pg_token_of (const char *redirect)
{
  const char *token = strstr (redirect, "pg_token=");

  g_assert_nonnull (token);
  return g_strndup (token + strlen ("pg_token="), strcspn (token + strlen ("pg_token="), "&"));
}

/* The customer authenticated and the redirect reached the terminal: APPROVING with
 * the pg_token journaled, approve not yet answered. */
static KpJournalSale *
sale_approving_with (Fixture    *f,
                     int         lifetime_s,
                     const char *method)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autofree char *redirect = NULL;
  KpJournalSale *sale = sale_awaiting (f, lifetime_s);

  redirect = customer_with (f, sale->tid, KP_SANDBOX_ACTION_PAY, method);
  update->pg_token = pg_token_of (redirect);
  journal_move (f, &sale, KP_SALE_STATE_APPROVING, update);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_AUTH_PASSWORD);
  return sale;
}

static KpJournalSale *
sale_approving (Fixture *f,
                int      lifetime_s)
{
  return sale_approving_with (f, lifetime_s, "MONEY");
}

/* Approve as it reached KakaoPay from a terminal that died before journaling the reply
 * (or from anywhere else): the payment is complete at KakaoPay. Returns the aid. */
static char *
approve_at_kakaopay (Fixture             *f,
                     const KpJournalSale *sale,
                     const char          *pg_token)
{
  g_autoptr (KpApproveRequest) request = kp_approve_request_new ();
  g_autoptr (KpApproveReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };

  request->cid = g_strdup (sale->cid);
  request->tid = g_strdup (sale->tid);
  request->partner_order_id = g_strdup (sale->partner_order_id);
  request->partner_user_id = g_strdup (sale->partner_user_id);
  request->pg_token = g_strdup (pg_token);
  request->total_amount = sale->total_amount;
  kp_client_approve_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_approve_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==,
                   KP_STATUS_SUCCESS_PAYMENT);
  return g_strdup (reply->aid);
}

/* The aid of the payment at KakaoPay (order's payment_action_details), without
 * leaving a trace in the request log. */
static char *
aid_at_kakaopay (Fixture    *f,
                 const char *tid)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) before = kp_sandbox_get_requests (f->sandbox);
  KpTestAsync async = { NULL };
  char *aid = NULL;

  g_assert_cmpuint (before->len, ==, 0);
  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup (tid);
  kp_client_order_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_order_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (reply->status, ==, KP_STATUS_SUCCESS_PAYMENT);
  for (guint i = 0; i < reply->payment_action_details->len; i++)
    {
      KpPaymentAction *action = g_ptr_array_index (reply->payment_action_details, i);

      if (g_strcmp0 (action->payment_action_type, "PAYMENT") == 0)
        {
          g_assert_null (aid);
          aid = g_strdup (action->aid);
        }
    }
  g_assert_nonnull (aid);
  kp_sandbox_clear_requests (f->sandbox);
  return aid;
}

/* The phone follows a redirect to the terminal's listener. */
static guint
follow_redirect (Fixture    *f,
                 const char *url)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  body = kp_test_http_send (f->session, msg, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

static void
assert_final (Fixture             *f,
              const KpJournalSale *before,
              KpSaleState          state,
              const char          *history)
{
  g_autoptr (KpJournalSale) sale = journal_get (f, before->partner_order_id);
  g_autofree char *transitions = journal_history (f, before->partner_order_id);
  const Resolved *resolved = find_resolved (f, before->partner_order_id);

  g_assert_cmpstr (kp_sale_state_to_string (sale->state), ==, kp_sale_state_to_string (state));
  g_assert_cmpstr (transitions, ==, history);
  g_assert_nonnull (resolved);
  g_assert_cmpint (resolved->state, ==, state);
  g_assert_cmpint (resolved->previous, ==, before->state);
  g_assert_cmpuint (count_resolved (f, before->partner_order_id), ==, 1);
  g_assert_false (kp_reconciler_is_resolving (f->reconciler, before->partner_order_id));
}

static void
assert_approved (Fixture             *f,
                 const KpJournalSale *before,
                 const char          *history)
{
  g_autoptr (KpJournalSale) sale = journal_get (f, before->partner_order_id);
  g_autofree char *aid = aid_at_kakaopay (f, before->tid);

  assert_final (f, before, KP_SALE_STATE_APPROVED, history);
  g_assert_cmpstr (sale->aid, ==, aid);
  g_assert_cmpstr (sale->payment_method_type, ==, "MONEY");
  g_assert_nonnull (sale->approved_at);
}

/* READY_SENT: no tid was journaled, so no QR was shown: READY_FAILED, and no call at
 * all (ready is never sent twice for an order, and there is no tid to ask about). */

static void
test_ready_sent_never_sent (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = journal_create (f);

  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_READY_FAILED, "READY_SENT READY_FAILED");
  assert_requests (f, NULL, "");
}

static void
test_ready_sent_reply_lost (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = journal_create (f);
  g_autoptr (KpReadyReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* Ready reached KakaoPay (a payment exists there) but its reply was lost. */
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  reply = send_ready (f, sale, &error);
  g_assert_null (reply);
  g_assert_true (kp_api_error_is_outcome_unknown (error));
  assert_requests (f, NULL, "ready!drop-reply");

  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_READY_FAILED, "READY_SENT READY_FAILED");
  assert_requests (f, NULL, "");
}

/* AWAITING_CUSTOMER */

static void
test_awaiting_watched_until_expiry (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *requests = NULL;
  g_auto (GStrv) calls = NULL;

  kp_sandbox_set_tid_ttl (f->sandbox, LIFETIME_S);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);

  /* Nothing paid yet: still open at KakaoPay, so still watched (asked again). */
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 1);
  g_assert_null (find_resolved (f, sale->partner_order_id));

  /* The tid's lifetime passes: KakaoPay reports QUIT_PAYMENT, which past expires_at
   * means expired, not a customer who walked away. */
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_EXPIRED, "READY_SENT AWAITING_CUSTOMER EXPIRED");

  /* Only ever asked: never ready, never approve. */
  requests = take_requests (f, sale->tid);
  calls = g_strsplit (requests, " ", -1);
  g_assert_cmpuint (g_strv_length (calls), >=, 3);
  for (guint i = 0; calls[i] != NULL; i++)
    g_assert_cmpstr (calls[i], ==, "order");
}

static void
test_awaiting_expired_while_down (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = NULL;

  /* The terminal died 20 minutes ago with the QR on screen; KakaoPay's clock says the
   * same. */
  f->clock_offset_s = -1200;
  sale = sale_awaiting (f, LIFETIME_S);
  f->clock_offset_s = 0;
  kp_sandbox_advance_clock (f->sandbox, 1200);
  kp_sandbox_clear_requests (f->sandbox);

  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_EXPIRED, "READY_SENT AWAITING_CUSTOMER EXPIRED");
  assert_requests (f, sale->tid, "order");
}

/* No expires_at in the journal: the reconciler's own tid lifetime decides. */
static void
test_awaiting_lifetime_from_settings (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, -1);

  g_assert_null (sale->expires_at);
  kp_reconciler_set_timing (f->reconciler, POLL_MS, 300);
  kp_sandbox_set_tid_ttl (f->sandbox, 300);
  kp_sandbox_clear_requests (f->sandbox);

  kp_reconciler_recover (f->reconciler);
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  /* Past the configured 300 s, well within the default lifetime: only the setting
   * makes this QUIT_PAYMENT an expiry. */
  kp_sandbox_advance_clock (f->sandbox, 360);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_EXPIRED, "READY_SENT AWAITING_CUSTOMER EXPIRED");
}

/* KakaoPay's lifetime (30 s) is shorter than the one journaled (900 s): its
 * QUIT_PAYMENT comes early, with nobody seen on the payment page and no cancel
 * redirect, so the tid expired; the customer did not cancel. */
static void
test_awaiting_shorter_lifetime_at_kakaopay (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);

  kp_sandbox_set_tid_ttl (f->sandbox, 30);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));

  kp_sandbox_advance_clock (f->sandbox, 40);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_EXPIRED, "READY_SENT AWAITING_CUSTOMER EXPIRED");
}

/* The same short lifetime, but the customer opens the page and cancels in time: the
 * cancel redirect still ends it as cancelled by the customer. */
static void
test_awaiting_cancelled_before_short_lifetime (Fixture       *f,
                                               gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *opened = NULL;
  g_autofree char *redirect = NULL;

  kp_sandbox_set_tid_ttl (f->sandbox, 30);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_listening (f, sale);
  opened = customer (f, sale->tid, KP_SANDBOX_ACTION_OPEN);
  kp_sandbox_advance_clock (f->sandbox, 20);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_CANCEL);
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_resolved (f, sale->partner_order_id);
  assert_final (f, sale, KP_SALE_STATE_CANCELLED_BY_CUSTOMER,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
}

/* The customer pays after the restart: the listener was armed again, so the redirect
 * is heard and approve is sent once. */
static void
test_awaiting_paid_after_restart (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *redirect = NULL;

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_listening (f, sale);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));

  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_assert_true (g_str_has_prefix (redirect, f->callback_base));
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_resolved (f, sale->partner_order_id);

  /* The polls before the redirect, then exactly one approve. */
  {
    g_autofree char *requests = take_requests (f, sale->tid);
    g_autofree char *tail = NULL;

    g_assert_true (g_str_has_prefix (requests, "order"));
    g_assert_true (g_str_has_suffix (requests, " approve"));
    tail = g_strndup (requests, strlen (requests) - strlen (" approve"));
    g_assert_null (strstr (tail, "approve"));
    g_assert_null (strstr (requests, "ready"));
  }
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  /* A reload of the redirect after the end: gone. */
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 410);
}

/* KakaoPay already completed it (approve happened elsewhere): APPROVED from the order
 * reply, aid from payment_action_details, nothing sent but order. */
static void
test_awaiting_already_approved (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);
  g_autofree char *aid = approve_at_kakaopay (f, sale, pg_token);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVED");
  {
    g_autoptr (KpJournalSale) now = journal_get (f, sale->partner_order_id);

    g_assert_cmpstr (now->aid, ==, aid);
    g_assert_null (now->pg_token);
  }
}

static void
test_awaiting_ended_at_kakaopay (Fixture       *f,
                                 gconstpointer  data)
{
  gboolean cancelled = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *redirect = customer (f, sale->tid, cancelled ? KP_SANDBOX_ACTION_CANCEL
                                                                 : KP_SANDBOX_ACTION_FAIL);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  if (cancelled)
    assert_final (f, sale, KP_SALE_STATE_CANCELLED_BY_CUSTOMER,
                  "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
  else
    assert_final (f, sale, KP_SALE_STATE_FAILED, "READY_SENT AWAITING_CUSTOMER FAILED");
}

/* The customer cancels on the page after the restart: the redirect ends it. */
static void
test_awaiting_cancel_redirect (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autofree char *redirect = NULL;

  kp_reconciler_set_timing (f->reconciler, NO_POLL_MS, LIFETIME_S);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_listening (f, sale);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_CANCEL);
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  assert_final (f, sale, KP_SALE_STATE_CANCELLED_BY_CUSTOMER,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
}

/* KakaoPay never heard of the tid: nothing can have been charged. */
static void
test_awaiting_unknown_tid (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpJournalSale) sale = journal_create (f);
  const Resolved *resolved;

  update->tid = g_strdup ("T0000000000000000000");
  update->expires_at = g_date_time_add_seconds (sale->created_at, LIFETIME_S);
  journal_move (f, &sale, KP_SALE_STATE_AWAITING_CUSTOMER, update);

  kp_reconciler_recover (f->reconciler);
  resolved = wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order:-721");
  assert_final (f, sale, KP_SALE_STATE_FAILED, "READY_SENT AWAITING_CUSTOMER FAILED");
  g_assert_true (resolved->has_error);
  g_assert_cmpint (resolved->code, ==, -721);
}

/* The cashier's abort wins over a late redirect: the reconciler loses the
 * compare-and-set and stops without sending approve. */
static void
test_awaiting_lost_race (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_awaiting (f, LIFETIME_S);
  g_autoptr (KpJournalSale) aborted = kp_journal_sale_copy (sale);
  g_autoptr (KpJournalSale) now = NULL;
  g_autofree char *redirect = NULL;

  kp_reconciler_set_timing (f->reconciler, NO_POLL_MS, LIFETIME_S);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_listening (f, sale);
  journal_move (f, &aborted, KP_SALE_STATE_ABORTED_BY_CASHIER, NULL);

  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  follow_redirect (f, redirect);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_ABORTED_BY_CASHIER);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_AUTH_PASSWORD);
}

/* APPROVING: order first, never a blind second approve. */

static void
test_approving_authenticated (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order approve");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

static void
test_approving_already_paid (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);
  g_autofree char *aid = approve_at_kakaopay (f, sale, sale->pg_token);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* A card payment journals its card details: from approve's card_info, or, when the
 * payment completed elsewhere, from order's selected_card_info under the same names. */
static void
test_approving_card (Fixture       *f,
                     gconstpointer  data)
{
  gboolean paid_elsewhere = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = sale_approving_with (f, LIFETIME_S, "CARD");
  g_autoptr (KpJournalSale) now = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *aid = NULL;
  g_autofree char *expected = NULL;

  if (paid_elsewhere)
    aid = approve_at_kakaopay (f, sale, sale->pg_token);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (now->payment_method_type, ==, "CARD");
  g_assert_nonnull (now->card_info_json);
  g_test_message ("card_info_json: %s", now->card_info_json);

  if (paid_elsewhere)
    {
      expected = g_strdup ("{\"kakaopay_issuer_corp\":\"비씨카드\",\"bin\":\"621640\","
                           "\"install_month\":\"00\",\"interest_free_install\":\"N\","
                           "\"installment_type\":\"CARD_INSTALLMENT\"}");
    }
  else
    {
      /* The approval number is the sandbox's own, different each time. */
      node = json_from_string (now->card_info_json, &error);
      g_assert_no_error (error);
      expected = g_strdup_printf ("{\"kakaopay_purchase_corp\":\"비씨카드\","
                                  "\"kakaopay_purchase_corp_code\":\"104\","
                                  "\"kakaopay_issuer_corp\":\"수협은행\","
                                  "\"kakaopay_issuer_corp_code\":\"212\","
                                  "\"bin\":\"621640\",\"card_type\":\"체크\","
                                  "\"install_month\":\"00\",\"approved_id\":\"%s\","
                                  "\"card_mid\":\"123456789\","
                                  "\"interest_free_install\":\"N\","
                                  "\"installment_type\":\"CARD_INSTALLMENT\"}",
                                  json_object_get_string_member (json_node_get_object (node),
                                                                 "approved_id"));
    }
  g_assert_cmpstr (now->card_info_json, ==, expected);
}

static void
test_approving_expired (Fixture       *f,
                        gconstpointer  data)
{
  gboolean approve_now = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);

  /* KakaoPay's tid ran out before approve came. */
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  kp_sandbox_clear_requests (f->sandbox);
  if (approve_now)
    kp_reconciler_approve (f->reconciler, sale);
  else
    kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, approve_now ? "approve:-723" : "order");
  assert_final (f, sale, KP_SALE_STATE_EXPIRED,
                "READY_SENT AWAITING_CUSTOMER APPROVING EXPIRED");
}

/* kp_reconciler_approve (): the foreground's approve, and every way its reply can go
 * missing. */

typedef struct
{
  KpSandboxFault  fault;
  const char     *requests;
  KpSaleState     state;
} ApproveCase;

static const ApproveCase approve_cases[] = {
  { KP_SANDBOX_FAULT_NONE, "approve", KP_SALE_STATE_APPROVED },
  /* Processed, reply lost / late / unreadable: order says it is paid. */
  { KP_SANDBOX_FAULT_DROP_REPLY, "approve!drop-reply order", KP_SALE_STATE_APPROVED },
  { KP_SANDBOX_FAULT_DELAY, "approve!delay order", KP_SALE_STATE_APPROVED },
  { KP_SANDBOX_FAULT_MALFORMED_JSON, "approve!malformed-json order", KP_SALE_STATE_APPROVED },
  /* Not processed: order says AUTH_PASSWORD, so approve again, once. */
  { KP_SANDBOX_FAULT_HTTP_500, "approve!http-500 order approve", KP_SALE_STATE_APPROVED },
  /* Refused by the card company: final, and nothing was charged. */
  { KP_SANDBOX_FAULT_DECLINE, "approve!decline:-780", KP_SALE_STATE_APPROVE_FAILED },
};

static void
test_approve_fault (Fixture       *f,
                    gconstpointer  data)
{
  const ApproveCase *c = data;
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);
  const Resolved *resolved;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, c->fault, 1, HELD_MS);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_approve (f->reconciler, sale);
  resolved = wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, c->requests);

  if (c->state == KP_SALE_STATE_APPROVED)
    {
      assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
      g_assert_false (resolved->has_error);
    }
  else
    {
      g_autoptr (KpJournalSale) now = journal_get (f, sale->partner_order_id);

      assert_final (f, sale, c->state, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVE_FAILED");
      g_assert_cmpint (resolved->code, ==, -780);
      g_assert_null (now->aid);
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==,
                       KP_STATUS_FAIL_PAYMENT);
    }
}

/* Approve answered -702: someone approved it already; order gives the aid. */
static void
test_approve_already_approved (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);
  g_autofree char *aid = approve_at_kakaopay (f, sale, sale->pg_token);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_approve (f->reconciler, sale);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "approve:-702 order");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* The same, with order's payment_action_details as sparse as a real legacy reply's (no
 * amount, no payment_method_type): the sale is approved from what the entry has. */
static void
test_approve_already_approved_sparse (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);
  g_autofree char *aid = approve_at_kakaopay (f, sale, sale->pg_token);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER,
                           KP_SANDBOX_FAULT_SPARSE_ACTIONS, 1, 0);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_approve (f->reconciler, sale);
  wait_resolved (f, sale->partner_order_id);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 1);
  kp_sandbox_clear_requests (f->sandbox);
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* One job per sale, however many times it is handed over. */
static void
test_approve_one_job (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);

  /* Approve's reply is held while recovery reads the journal (a few milliseconds),
   * and comes well before the client's timeout. */
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DELAY, 1,
                           2000);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_approve (f->reconciler, sale);
  kp_reconciler_approve (f->reconciler, sale);
  kp_reconciler_resolve (f->reconciler, sale);
  kp_reconciler_recover (f->reconciler);
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 1);
  wait_recovered (f);
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 1);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "approve!delay");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* order itself failing for a while: asked again with a growing delay, then resolved. */
static void
test_order_faults (Fixture       *f,
                   gconstpointer  data)
{
  KpSandboxFault fault = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);
  g_autofree char *expected = NULL;
  const char *name = kp_sandbox_fault_to_string (fault);
  gint64 start;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, fault, 3, HELD_MS);
  kp_sandbox_clear_requests (f->sandbox);
  start = g_get_monotonic_time ();
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);

  /* Backoff: 100, 200 and 400 ms between the four orders. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 700 * G_TIME_SPAN_MILLISECOND);
  expected = g_strdup_printf ("order!%s order!%s order!%s order approve", name, name, name);
  assert_requests (f, sale->tid, expected);
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* approve's reply lost, and the order check after it failing too: still one approve. */
static void
test_approve_lost_then_order_fails (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_approving (f, LIFETIME_S);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_HTTP_500, 2,
                           0);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_approve (f->reconciler, sale);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "approve!drop-reply order!http-500 order!http-500 order");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* ABORTED_BY_CASHIER: watched until the tid expires, KakaoPay's word wins. */

static KpJournalSale *
sale_aborted (Fixture *f,
              int      lifetime_s)
{
  KpJournalSale *sale = sale_awaiting (f, lifetime_s);

  journal_move (f, &sale, KP_SALE_STATE_ABORTED_BY_CASHIER, NULL);
  return sale;
}

static void
test_aborted_but_paid (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_aborted (f, LIFETIME_S);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);
  g_autofree char *aid = approve_at_kakaopay (f, sale, pg_token);

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  assert_requests (f, sale->tid, "order");
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER APPROVED");
}

/* Paid while it was being watched (the poller sees SUCCESS_PAYMENT). */
static void
test_aborted_paid_while_watched (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_aborted (f, LIFETIME_S);
  g_autofree char *redirect = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *aid = NULL;

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  /* Watched, but not an unfinished sale. */
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  pg_token = pg_token_of (redirect);
  /* Two more polls: the second is sent once the first, after the payment, was seen. */
  wait_orders (f, kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER) + 2);
  /* Authenticated only: nothing charged, nothing sent. */
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  aid = approve_at_kakaopay (f, sale, pg_token);
  wait_resolved (f, sale->partner_order_id);
  {
    g_autofree char *requests = take_requests (f, sale->tid);
    const char *approve = strstr (requests, "approve");

    /* Polls, the one approve made elsewhere, then the reconciler's orders only. */
    g_assert_nonnull (approve);
    g_assert_null (strstr (approve + 1, "approve"));
    g_assert_true (g_str_has_suffix (requests, " order"));
  }
  assert_approved (f, sale, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER APPROVED");
}

/* Authenticated after the abort, but nobody approves: nothing is charged, the sale
 * stays aborted once the tid expires. */
static void
test_aborted_authenticated_only (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = sale_aborted (f, LIFETIME_S);
  g_autoptr (KpJournalSale) now = NULL;
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *requests = NULL;
  const Resolved *resolved;

  kp_sandbox_set_tid_ttl (f->sandbox, LIFETIME_S);
  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  /* The redirect reaches a terminal that no longer expects it. */
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 404);

  /* Watched while the tid lives: nothing charged, nothing sent. */
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  g_assert_null (find_resolved (f, sale->partner_order_id));
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_AUTH_PASSWORD);

  /* KakaoPay's clock ends it. */
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  resolved = wait_resolved (f, sale->partner_order_id);

  requests = take_requests (f, sale->tid);
  g_assert_null (strstr (requests, "approve"));
  g_assert_null (strstr (requests, "ready"));
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_ABORTED_BY_CASHIER);
  g_assert_null (now->aid);
  {
    g_autofree char *history = journal_history (f, sale->partner_order_id);

    g_assert_cmpstr (history, ==, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  }
  g_assert_nonnull (resolved);
  g_assert_cmpint (resolved->state, ==, resolved->previous);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_QUIT_PAYMENT);
}

/* The customer cancels (or fails) on the page after the cashier gave up: the sale stays
 * aborted, the job just ends. */
static void
test_aborted_then_customer_ends (Fixture       *f,
                                 gconstpointer  data)
{
  KpSandboxAction action = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = sale_aborted (f, LIFETIME_S);
  g_autoptr (KpJournalSale) now = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *requests = NULL;

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_orders (f, 2);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, sale->partner_order_id));
  redirect = customer (f, sale->tid, action);
  wait_resolved (f, sale->partner_order_id);

  requests = take_requests (f, sale->tid);
  g_assert_null (strstr (requests, "approve"));
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_ABORTED_BY_CASHIER);
}

/* An aborted sale whose tid has expired is no longer anyone's business. */
static void
test_aborted_expired_ignored (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = NULL;

  f->clock_offset_s = -1200;
  sale = sale_aborted (f, LIFETIME_S);
  f->clock_offset_s = 0;
  kp_sandbox_clear_requests (f->sandbox);

  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, sale->partner_order_id);
  g_assert_null (find_resolved (f, sale->partner_order_id));
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  assert_requests (f, NULL, "");
}

/* Start-up with several unfinished sales at once, each to its own end. */
static void
test_recover_many (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (KpJournalSale) ready_sent = journal_create (f);
  g_autoptr (KpJournalSale) approving = sale_approving (f, LIFETIME_S);
  g_autoptr (KpJournalSale) paid = sale_approving (f, LIFETIME_S);
  g_autoptr (KpJournalSale) cancelled = sale_awaiting (f, LIFETIME_S);
  g_autofree char *aid = approve_at_kakaopay (f, paid, paid->pg_token);
  g_autofree char *redirect = customer (f, cancelled->tid, KP_SANDBOX_ACTION_CANCEL);
  guint n_approve;

  kp_sandbox_clear_requests (f->sandbox);
  kp_reconciler_recover (f->reconciler);
  wait_resolved (f, ready_sent->partner_order_id);
  wait_resolved (f, approving->partner_order_id);
  wait_resolved (f, paid->partner_order_id);
  wait_resolved (f, cancelled->partner_order_id);
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  g_assert_false (kp_reconciler_get_recovering (f->reconciler));

  n_approve = kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE);
  g_assert_cmpuint (n_approve, ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 0);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 3);
  kp_sandbox_clear_requests (f->sandbox);

  assert_final (f, ready_sent, KP_SALE_STATE_READY_FAILED, "READY_SENT READY_FAILED");
  assert_approved (f, approving, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  assert_approved (f, paid, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  assert_final (f, cancelled, KP_SALE_STATE_CANCELLED_BY_CUSTOMER,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
}

static void
add (const char    *path,
     gconstpointer  data,
     void         (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/kp/reconciler/ready-sent/never-sent", NULL, test_ready_sent_never_sent);
  add ("/kp/reconciler/ready-sent/reply-lost", NULL, test_ready_sent_reply_lost);

  add ("/kp/reconciler/awaiting/watched-until-expiry", NULL, test_awaiting_watched_until_expiry);
  add ("/kp/reconciler/awaiting/expired-while-down", NULL, test_awaiting_expired_while_down);
  add ("/kp/reconciler/awaiting/lifetime-from-settings", NULL,
       test_awaiting_lifetime_from_settings);
  add ("/kp/reconciler/awaiting/paid-after-restart", NULL, test_awaiting_paid_after_restart);
  add ("/kp/reconciler/awaiting/already-approved", NULL, test_awaiting_already_approved);
  add ("/kp/reconciler/awaiting/cancelled-at-kakaopay", GINT_TO_POINTER (TRUE),
       test_awaiting_ended_at_kakaopay);
  add ("/kp/reconciler/awaiting/failed-at-kakaopay", GINT_TO_POINTER (FALSE),
       test_awaiting_ended_at_kakaopay);
  add ("/kp/reconciler/awaiting/cancel-redirect", NULL, test_awaiting_cancel_redirect);
  add ("/kp/reconciler/awaiting/shorter-lifetime-at-kakaopay", NULL,
       test_awaiting_shorter_lifetime_at_kakaopay);
  add ("/kp/reconciler/awaiting/cancelled-before-short-lifetime", NULL,
       test_awaiting_cancelled_before_short_lifetime);
  add ("/kp/reconciler/awaiting/unknown-tid", NULL, test_awaiting_unknown_tid);
  add ("/kp/reconciler/awaiting/lost-race", NULL, test_awaiting_lost_race);

  add ("/kp/reconciler/approving/authenticated", NULL, test_approving_authenticated);
  add ("/kp/reconciler/approving/already-paid", NULL, test_approving_already_paid);
  add ("/kp/reconciler/approving/card", GINT_TO_POINTER (FALSE), test_approving_card);
  add ("/kp/reconciler/approving/card-paid-elsewhere", GINT_TO_POINTER (TRUE),
       test_approving_card);
  add ("/kp/reconciler/approving/expired", GINT_TO_POINTER (FALSE), test_approving_expired);
  add ("/kp/reconciler/approve/expired", GINT_TO_POINTER (TRUE), test_approving_expired);

  for (guint i = 0; i < G_N_ELEMENTS (approve_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kp/reconciler/approve/%s",
                                               kp_sandbox_fault_to_string (approve_cases[i].fault));

      add (path, &approve_cases[i], test_approve_fault);
    }
  add ("/kp/reconciler/approve/already-approved", NULL, test_approve_already_approved);
  add ("/kp/reconciler/approve/already-approved-sparse", NULL,
       test_approve_already_approved_sparse);
  add ("/kp/reconciler/approve/one-job", NULL, test_approve_one_job);
  add ("/kp/reconciler/approve/lost-then-order-fails", NULL, test_approve_lost_then_order_fails);

  add ("/kp/reconciler/order/delay", GINT_TO_POINTER (KP_SANDBOX_FAULT_DELAY), test_order_faults);
  add ("/kp/reconciler/order/http-500", GINT_TO_POINTER (KP_SANDBOX_FAULT_HTTP_500),
       test_order_faults);
  add ("/kp/reconciler/order/malformed-json", GINT_TO_POINTER (KP_SANDBOX_FAULT_MALFORMED_JSON),
       test_order_faults);
  add ("/kp/reconciler/order/drop-reply", GINT_TO_POINTER (KP_SANDBOX_FAULT_DROP_REPLY),
       test_order_faults);

  add ("/kp/reconciler/aborted/paid", NULL, test_aborted_but_paid);
  add ("/kp/reconciler/aborted/paid-while-watched", NULL, test_aborted_paid_while_watched);
  add ("/kp/reconciler/aborted/authenticated-only", NULL, test_aborted_authenticated_only);
  add ("/kp/reconciler/aborted/customer-cancels", GINT_TO_POINTER (KP_SANDBOX_ACTION_CANCEL),
       test_aborted_then_customer_ends);
  add ("/kp/reconciler/aborted/customer-fails", GINT_TO_POINTER (KP_SANDBOX_ACTION_FAIL),
       test_aborted_then_customer_ends);
  add ("/kp/reconciler/aborted/expired-ignored", NULL, test_aborted_expired_ignored);

  add ("/kp/reconciler/recover/many", NULL, test_recover_many);

  return g_test_run ();
}
