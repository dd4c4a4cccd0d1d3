/* test-checkout.c: a sale through KpCheckout, stage by stage
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case rings up a sale with a real KpCheckout on a real journal file, against an
 * in-process sandbox over loopback HTTP; the customer is played with
 * kp_sandbox_customer_act (), and their phone's redirects go to the real approval
 * listener (or are handed in with kp_checkout_deliver (), as the relay does). Three
 * records are compared with what the case expects:
 *
 * - what the checkout emitted, in order: each stage with the journal's state of the
 *   sale when it was entered, "ready", the statuses the poller reported, the result;
 * - what the sandbox received: each ready, approve and cancel with the journal's state
 *   of the sale at the moment it arrived (read from the request log as the sandbox
 *   writes it, before it replies), which shows that a journal write always comes before
 *   the call that depends on it; the status polls are counted apart, as their number
 *   depends on the machine's speed;
 * - the sale's history in the journal.
 *
 * Nothing waits for time to pass: every wait is for an event, with a generous deadline;
 * tid expiry is driven with the sandbox's clock.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-checkout.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-reconciler.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

#define POLL_MS        100
/* Longer than any test runs: a sale with it is never polled. */
#define NO_POLL_MS     (10 * 60 * 1000)
#define LIFETIME_S     900
/* Only a safety net: every wait is for an event. */
#define WAIT_MS        30000
/* A call's reply on a loaded machine, with room to spare. */
#define CALL_TIMEOUT_S 10
/* How long a held approve reply waits: well within CALL_TIMEOUT_S. */
#define HELD_MS        1000
/* A cid_secret of the right form (24 digits or lowercase letters). */
#define CID_SECRET     "0123456789abcdefghijklmn"

typedef struct _Fixture Fixture;

/* One sandbox's request log, as a list of "endpoint[!fault][#code][+secret]=STATE". */
typedef struct
{
  Fixture   *f;
  GPtrArray *calls;
  guint      n_polls;
} Tap;

struct _Fixture
{
  char               *dir;
  KpSandbox          *sandbox;
  KpClient           *client;
  KpJournal          *journal;
  KpApprovalListener *listener;
  KpReconciler       *reconciler;
  KpCheckout         *checkout;
  SoupSession        *session;
  char               *callback_base;
  Tap                 tap;

  GPtrArray          *events;          /* what the checkout emitted */
  guint               n_finished;
  KpCheckoutResult    result;
  KpJournalSale      *finished_sale;
  GError             *finished_error;
  KpJournalSale      *ready_sale;
  char               *pc_url;

  guint               n_resolved;      /* the reconciler's "resolved" */
  KpJournalSale      *resolved_sale;
  KpSaleState         resolved_previous;
};

/* The journal, read synchronously: also from signal handlers and the sandbox's log. */
static KpJournalSale *
journal_find (Fixture    *f,
              const char *partner_order_id,
              const char *tid)
{
  g_autoptr (KpJournalQuery) query = NULL;
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GError) error = NULL;

  if (partner_order_id == NULL && tid == NULL)
    return NULL;
  query = kp_journal_query_new (NULL, partner_order_id != NULL ? partner_order_id : tid);
  sales = kp_journal_search_sync (f->journal, query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (sales, i);

      if (partner_order_id != NULL ? g_strcmp0 (sale->partner_order_id, partner_order_id) == 0
                                   : g_strcmp0 (sale->tid, tid) == 0)
        return kp_journal_sale_copy (sale);
    }
  return NULL;
}

static const char *
state_name (const KpJournalSale *sale)
{
  return sale != NULL ? kp_sale_state_to_string (sale->state) : "-";
}

static void
on_sandbox_line_cb (const char *line,
                    gpointer    user_data)
{
  Tap *tap = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *object;
  JsonObject *request = NULL;
  const char *endpoint;
  const char *fault;
  gint64 code;
  GString *text;

  node = json_from_string (line, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  endpoint = json_object_get_string_member (object, "endpoint");
  if (g_str_equal (endpoint, "order"))
    {
      tap->n_polls++;
      return;
    }

  if (json_object_has_member (object, "request"))
    request = json_object_get_object_member (object, "request");
  fault = json_object_get_string_member_with_default (object, "fault", NULL);
  code = json_object_get_int_member_with_default (object, "code", 0);
  if (request != NULL)
    sale = journal_find (tap->f,
                         json_object_get_string_member_with_default (request, "partner_order_id",
                                                                     NULL),
                         json_object_get_string_member_with_default (request, "tid", NULL));

  text = g_string_new (endpoint);
  if (fault != NULL)
    g_string_append_printf (text, "!%s", fault);
  if (code != 0)
    g_string_append_printf (text, "#%" G_GINT64_FORMAT, code);
  if (request != NULL && json_object_has_member (request, "cid_secret"))
    g_string_append (text, "+secret");
  g_string_append_printf (text, "=%s", state_name (sale));
  /* Approve carries the pg_token the journal holds, never another. */
  if (g_str_equal (endpoint, "approve") && sale != NULL && sale->pg_token != NULL)
    g_assert_cmpstr (json_object_get_string_member (request, "pg_token"), ==, sale->pg_token);
  g_ptr_array_add (tap->calls, g_string_free (text, FALSE));
}

static void
tap_init (Tap       *tap,
          Fixture   *f,
          KpSandbox *sandbox)
{
  g_autoptr (GOutputStream) stream = kp_test_line_stream_new (on_sandbox_line_cb, tap);

  tap->f = f;
  tap->calls = g_ptr_array_new_with_free_func (g_free);
  kp_sandbox_set_log_stream (sandbox, stream);
}

/* "ready=READY_SENT approve=APPROVING": what the sandbox received since the last call. */
static char *
take_calls (Tap *tap)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (tap->calls, NULL);
  text = g_strjoinv (" ", (char **) tap->calls->pdata);
  g_ptr_array_set_size (tap->calls, 0);
  return g_steal_pointer (&text);
}

#define assert_calls(tap, expected) \
  G_STMT_START { \
    g_autofree char *_calls = take_calls (tap); \
    g_assert_cmpstr (_calls, ==, (expected)); \
  } G_STMT_END

/* The checkout's signals */

static const char *
stage_name (KpCheckoutStage stage)
{
  static const char * const names[] = { "idle", "starting", "waiting", "approving" };

  g_assert_cmpint (stage, <, G_N_ELEMENTS (names));
  return names[stage];
}

static void
on_stage_changed_cb (KpCheckout *checkout,
                     int         stage,
                     Fixture    *f)
{
  const KpJournalSale *current = kp_checkout_get_sale (checkout);
  g_autoptr (KpJournalSale) journaled = NULL;

  g_assert_cmpint (kp_checkout_get_stage (checkout), ==, stage);
  if (current != NULL)
    journaled = journal_find (f, current->partner_order_id, NULL);
  g_ptr_array_add (f->events, g_strdup_printf ("stage:%s=%s", stage_name (stage),
                                               state_name (journaled)));
}

static void
on_ready_cb (KpCheckout          *checkout,
             const KpJournalSale *sale,
             const KpReadyReply  *reply,
             Fixture             *f)
{
  g_autoptr (KpJournalSale) journaled = journal_find (f, sale->partner_order_id, NULL);

  /* The QR is shown only once its tid is in the journal. */
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
  g_assert_cmpstr (sale->tid, ==, reply->tid);
  g_assert_nonnull (journaled);
  g_assert_cmpint (journaled->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
  g_assert_cmpstr (journaled->tid, ==, reply->tid);
  g_assert_true (kp_checkout_get_sale (checkout) == sale);

  g_clear_pointer (&f->ready_sale, kp_journal_sale_free);
  f->ready_sale = kp_journal_sale_copy (sale);
  g_free (f->pc_url);
  f->pc_url = g_strdup (reply->next_redirect_pc_url);
  g_ptr_array_add (f->events, g_strdup ("ready"));
}

static void
on_status_changed_cb (KpCheckout *checkout,
                      int         status,
                      Fixture    *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("status:%s", kp_status_to_string (status)));
}

static void
on_finished_cb (KpCheckout          *checkout,
                int                  result,
                const KpJournalSale *sale,
                const GError        *error,
                Fixture             *f)
{
  g_assert_cmpint (kp_checkout_get_stage (checkout), ==, KP_CHECKOUT_STAGE_IDLE);
  f->n_finished++;
  f->result = result;
  g_clear_pointer (&f->finished_sale, kp_journal_sale_free);
  f->finished_sale = sale != NULL ? kp_journal_sale_copy (sale) : NULL;
  g_clear_error (&f->finished_error);
  f->finished_error = error != NULL ? g_error_copy (error) : NULL;
  g_ptr_array_add (f->events, g_strdup_printf ("finished:%s",
                                               kp_checkout_result_to_string (result)));
}

static void
on_resolved_cb (KpReconciler        *reconciler,
                const KpJournalSale *sale,
                int                  previous,
                const GError        *error,
                Fixture             *f)
{
  f->n_resolved++;
  g_clear_pointer (&f->resolved_sale, kp_journal_sale_free);
  f->resolved_sale = kp_journal_sale_copy (sale);
  f->resolved_previous = previous;
}

static char *
take_events (Fixture *f)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (f->events, NULL);
  text = g_strjoinv (" ", (char **) f->events->pdata);
  g_ptr_array_set_size (f->events, 0);
  return g_steal_pointer (&text);
}

#define assert_events(f, expected) \
  G_STMT_START { \
    g_autofree char *_events = take_events (f); \
    g_assert_cmpstr (_events, ==, (expected)); \
  } G_STMT_END

/* Set-up */

static GDateTime *
sandbox_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return kp_sandbox_now (f->sandbox);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;

  f->dir = g_dir_make_tmp ("kp-checkout-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "journal.sqlite3", NULL);
  f->journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);

  f->sandbox = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  kp_sandbox_set_tid_ttl (f->sandbox, LIFETIME_S);
  tap_init (&f->tap, f, f->sandbox);
  base = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (base, KP_DIALECT_ONLINE, KP_SANDBOX_DEFAULT_KEY);
  kp_client_set_timeout (f->client, CALL_TIMEOUT_S);

  f->listener = kp_approval_listener_new ();
  g_assert_true (kp_approval_listener_listen (f->listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->callback_base = kp_approval_listener_dup_url (f->listener);

  f->reconciler = kp_reconciler_new (f->client, f->journal, f->listener);
  kp_reconciler_set_timing (f->reconciler, POLL_MS, LIFETIME_S);
  kp_reconciler_set_clock (f->reconciler, sandbox_clock, f);
  g_signal_connect (f->reconciler, "resolved", G_CALLBACK (on_resolved_cb), f);

  f->checkout = kp_checkout_new (f->client, f->journal, f->listener, f->reconciler);
  kp_checkout_set_callback_base (f->checkout, f->callback_base);
  kp_checkout_set_timing (f->checkout, POLL_MS, LIFETIME_S);
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->result = -1;
  g_signal_connect (f->checkout, "stage-changed", G_CALLBACK (on_stage_changed_cb), f);
  g_signal_connect (f->checkout, "ready", G_CALLBACK (on_ready_cb), f);
  g_signal_connect (f->checkout, "status-changed", G_CALLBACK (on_status_changed_cb), f);
  g_signal_connect (f->checkout, "finished", G_CALLBACK (on_finished_cb), f);

  f->session = kp_test_session_new ();
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @done says so; fails the test after WAIT_MS. */
static void
wait_until (gboolean     (*done) (Fixture *f, gconstpointer data),
            Fixture       *f,
            gconstpointer  data,
            const char    *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (WAIT_MS, on_timeout_cb, &timed_out);

  while (!done (f, data))
    {
      if (timed_out)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
}

static gboolean
object_gone (Fixture       *f,
             gconstpointer  data)
{
  return *(gpointer *) data == NULL;
}

/* Drops the last reference the test holds on @object and waits for it to go: calls
 * cancelled as their sale ended hold their client until their callbacks have run. */
static void
assert_finalized (Fixture  *f,
                  gpointer  object)
{
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  wait_until (object_gone, f, &weak, "an object to be finalized");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_signal_handlers_disconnect_by_data (f->checkout, f);
  g_signal_handlers_disconnect_by_data (f->reconciler, f);
  assert_finalized (f, g_steal_pointer (&f->checkout));
  assert_finalized (f, g_steal_pointer (&f->reconciler));
  assert_finalized (f, g_steal_pointer (&f->client));
  g_clear_object (&f->session);
  g_clear_object (&f->listener);
  kp_sandbox_set_log_stream (f->sandbox, NULL);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->journal);
  g_ptr_array_unref (f->tap.calls);
  g_ptr_array_unref (f->events);
  g_clear_pointer (&f->finished_sale, kp_journal_sale_free);
  g_clear_error (&f->finished_error);
  g_clear_pointer (&f->ready_sale, kp_journal_sale_free);
  g_clear_pointer (&f->resolved_sale, kp_journal_sale_free);
  g_free (f->pc_url);
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

/* Waiting for events */

static gboolean
has_event (Fixture       *f,
           gconstpointer  data)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal (g_ptr_array_index (f->events, i), data))
      return TRUE;
  return FALSE;
}

static void
wait_event (Fixture    *f,
            const char *event)
{
  wait_until (has_event, f, event, event);
}

static gboolean
is_finished (Fixture       *f,
             gconstpointer  data)
{
  return f->n_finished > 0;
}

static void
wait_finished (Fixture *f)
{
  wait_until (is_finished, f, NULL, "the sale to finish");
  g_assert_cmpuint (f->n_finished, ==, 1);
}

static gboolean
got_approve (Fixture       *f,
             gconstpointer  data)
{
  return kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE) > 0;
}

static gboolean
not_resolving (Fixture       *f,
               gconstpointer  data)
{
  return !kp_reconciler_is_resolving (f->reconciler, data);
}

static gboolean
has_polled (Fixture       *f,
            gconstpointer  data)
{
  const Tap *tap = data;

  return tap->n_polls > 0;
}

/* The sale */

static KpJournalNewSale *
new_sale (gint64 unit_price)
{
  KpJournalNewSale *sale = kp_journal_new_sale_new ();

  sale->item_name = g_strdup ("Americano and 1 more");
  sale->quantity = 3;
  sale->total_amount = 2 * unit_price + 1500;
  sale->tax_free_amount = 0;
  sale->vat_amount = kp_vat_default (sale->total_amount, 0);
  kp_journal_new_sale_add_line (sale, "Americano", 2, unit_price, FALSE);
  kp_journal_new_sale_add_line (sale, "Cookie", 1, 1500, FALSE);
  return sale;
}

static void
charge (Fixture *f)
{
  g_autoptr (KpJournalNewSale) sale = new_sale (4500);
  g_autoptr (GError) error = NULL;

  g_assert_true (kp_checkout_charge (f->checkout, sale, &error));
  g_assert_no_error (error);
  /* STARTING at once, before the journal has the sale. */
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_STARTING);
  g_assert_null (kp_checkout_get_sale (f->checkout));
}

/* Charges and waits until the QR is up. */
static const KpJournalSale *
charge_and_wait (Fixture *f)
{
  charge (f);
  wait_event (f, "ready");
  assert_events (f, "stage:starting=- stage:waiting=AWAITING_CUSTOMER ready");
  assert_calls (&f->tap, "ready=READY_SENT");
  return f->ready_sale;
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

/* The detail journaled with the sale's last transition. */
static char *
journal_last_detail (Fixture    *f,
                     const char *partner_order_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  KpTestAsync async = { NULL };
  const KpJournalTransition *last;

  kp_journal_list_transitions_async (f->journal, partner_order_id, NULL, kp_test_async_cb,
                                     &async);
  result = kp_test_async_wait (&async);
  transitions = kp_journal_list_transitions_finish (f->journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (transitions->len, >, 0);
  last = g_ptr_array_index (transitions, transitions->len - 1);
  return g_strdup (last->detail);
}

#define assert_history(f, order_id, expected) \
  G_STMT_START { \
    g_autofree char *_history = journal_history ((f), (order_id)); \
    g_assert_cmpstr (_history, ==, (expected)); \
  } G_STMT_END

/* KakaoPay */

/* The customer on the payment page; returns where their phone is sent next. */
static char *
customer (Fixture         *f,
          const char      *tid,
          KpSandboxAction  action)
{
  g_autoptr (GError) error = NULL;
  char *redirect;

  redirect = kp_sandbox_customer_act (f->sandbox, tid, action, "MONEY", &error);
  g_assert_no_error (error);
  return redirect;
}

static char *
pg_token_of (const char *redirect)
{
  const char *token = strstr (redirect, "pg_token=");

  g_assert_nonnull (token);
  token += strlen ("pg_token=");
  return g_strndup (token, strcspn (token, "&"));
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

/* The customer presses a button on the payment page; returns where the page sends
 * their phone. */
static char *
page_post (Fixture    *f,
           const char *page_url,
           const char *action)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  msg = soup_message_new_from_encoded_form ("POST", page_url,
                                            soup_form_encode ("action", action,
                                                              "method", "MONEY", NULL));
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = kp_test_http_send (f->session, msg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 303);
  return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Location"));
}

/* Approve as it reaches KakaoPay from elsewhere than this checkout. Returns the aid. */
static char *
approve_elsewhere (Fixture             *f,
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
  return g_strdup (reply->aid);
}

/* The aid of the payment at KakaoPay, from order's payment_action_details. */
static char *
aid_at_kakaopay (Fixture    *f,
                 const char *tid)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  char *aid = NULL;

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
  return aid;
}

/* The sale ended approved: in the journal, with KakaoPay's aid, and at KakaoPay. */
static void
assert_approved (Fixture    *f,
                 const char *partner_order_id,
                 const char *history)
{
  g_autoptr (KpJournalSale) sale = journal_get (f, partner_order_id);
  g_autofree char *aid = aid_at_kakaopay (f, sale->tid);

  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);
  g_assert_no_error (f->finished_error);
  g_assert_nonnull (f->finished_sale);
  g_assert_cmpint (f->finished_sale->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (f->finished_sale->aid, ==, aid);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (sale->aid, ==, aid);
  g_assert_cmpstr (sale->payment_method_type, ==, "MONEY");
  g_assert_nonnull (sale->approved_at);
  assert_history (f, partner_order_id, history);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_IDLE);
  g_assert_cmpstr (kp_checkout_get_sale (f->checkout)->partner_order_id, ==, partner_order_id);
}

/* The sale ended in @state, with the checkout's @result. */
static void
assert_ended (Fixture          *f,
              const char       *partner_order_id,
              KpCheckoutResult  result,
              const char       *history)
{
  g_autoptr (KpJournalSale) sale = journal_get (f, partner_order_id);

  g_assert_cmpstr (kp_checkout_result_to_string (f->result), ==,
                   kp_checkout_result_to_string (result));
  g_assert_nonnull (f->finished_sale);
  g_assert_cmpint (f->finished_sale->state, ==, sale->state);
  g_assert_null (sale->aid);
  g_assert_null (sale->approved_at);
  assert_history (f, partner_order_id, history);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_IDLE);
}

/* Approved */

/* The whole way, with the customer's phone coming back to the listener: every stage
 * in order, each journaled before the call that follows it. */
static void
test_approved_redirect (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) again = new_sale (4500);
  g_autoptr (KpJournalSale) awaiting = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *page = NULL;
  const KpJournalSale *sale;
  gint64 lifetime;

  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_IDLE);
  charge (f);
  /* One payment at a time on a terminal. */
  g_assert_false (kp_checkout_charge (f->checkout, again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  /* STARTING → WAITING: ready was sent with the sale journaled READY_SENT, and the QR
   * is offered once the tid is journaled (AWAITING_CUSTOMER, with its expiry). */
  wait_event (f, "ready");
  assert_events (f, "stage:starting=- stage:waiting=AWAITING_CUSTOMER ready");
  assert_calls (&f->tap, "ready=READY_SENT");
  sale = f->ready_sale;
  order_id = g_strdup (sale->partner_order_id);
  g_assert_true (g_str_has_prefix (order_id, "T1-"));
  g_assert_cmpstr (sale->terminal_id, ==, "T1");
  g_assert_cmpstr (sale->partner_user_id, ==, "T1");
  g_assert_cmpstr (sale->cid, ==, "TC0ONETIME");
  g_assert_cmpint (sale->total_amount, ==, 10500);
  awaiting = journal_get (f, order_id);
  g_assert_cmpint (awaiting->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
  g_assert_cmpstr (awaiting->tid, ==, sale->tid);
  g_assert_nonnull (awaiting->expires_at);
  lifetime = g_date_time_difference (awaiting->expires_at, awaiting->created_at);
  g_assert_cmpint (lifetime, ==, LIFETIME_S * G_TIME_SPAN_SECOND);
  assert_history (f, order_id, "READY_SENT AWAITING_CUSTOMER");
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_WAITING);
  g_assert_false (kp_checkout_charge (f->checkout, again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  /* The customer scans the QR: its URL opens the payment page, and the poller reports
   * them at work. */
  g_assert_nonnull (f->pc_url);
  {
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", f->pc_url);
    g_autoptr (GBytes) body = kp_test_http_send (f->session, msg, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_assert_nonnull (strstr (page, sale->item_name));
  }
  wait_event (f, "status:OPEN_PAYMENT");
  redirect = page_post (f, f->pc_url, "pay");
  g_assert_true (g_str_has_prefix (redirect, f->callback_base));
  wait_event (f, "status:AUTH_PASSWORD");
  assert_events (f, "status:OPEN_PAYMENT status:AUTH_PASSWORD");
  g_assert_cmpint (f->n_finished, ==, 0);

  /* WAITING → APPROVING → APPROVED: the redirect's pg_token is journaled, then approve
   * carries it. */
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve=APPROVING");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  {
    g_autoptr (KpJournalSale) approved = journal_get (f, order_id);
    g_autofree char *pg_token = pg_token_of (redirect);

    g_assert_cmpstr (approved->pg_token, ==, pg_token);
  }

  /* Over: a reload of the redirect is refused, and cancelling does nothing. */
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 410);
  g_assert_false (kp_checkout_abort (f->checkout));
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_cmpuint (f->events->len, ==, 0);
}

/* The redirect handed in by the relay (kp_checkout_deliver ()). */
static void
test_approved_deliver (Fixture       *f,
                       gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);

  /* An approval without its token is no approval. */
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, NULL);
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, "");
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_WAITING);

  /* At once: APPROVING, before anything is written. */
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, pg_token);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_APPROVING);
  /* A cancel that comes second is ignored. */
  kp_checkout_deliver (f->checkout, KP_CALLBACK_CANCEL, NULL);
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve=APPROVING");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");

  /* After the end, a late redirect changes nothing. */
  kp_checkout_deliver (f->checkout, KP_CALLBACK_CANCEL, NULL);
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_cmpuint (f->events->len, ==, 0);
}

/* Counts the journal's sales when the recovery has read the unfinished ones. */
static void
on_recovering_cb (KpReconciler *reconciler,
                  GParamSpec   *pspec,
                  gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr (KpJournalQuery) everything = kp_journal_query_new (NULL, NULL);
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GError) error = NULL;

  if (kp_reconciler_get_recovering (reconciler))
    return;
  sales = kp_journal_search_sync (f->journal, everything, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->events, g_strdup_printf ("recovered:%u", sales->len));
}

/* Charged at start-up, before the recovery has read the unfinished sales: the sale is
 * journaled only once that reading is done, so the reconciler never takes it over while
 * the customer pays. */
static void
test_charge_during_recovery (Fixture       *f,
                             gconstpointer  data)
{
  const KpJournalSale *sale;
  g_autofree char *order_id = NULL;
  g_autofree char *redirect = NULL;

  g_signal_connect (f->reconciler, "notify::recovering", G_CALLBACK (on_recovering_cb), f);
  kp_reconciler_recover (f->reconciler);
  g_assert_true (kp_reconciler_get_recovering (f->reconciler));
  charge (f);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_STARTING);

  /* The sale was written after the reading: nothing was there when it ended. */
  wait_event (f, "ready");
  assert_events (f, "stage:starting=- recovered:0 stage:waiting=AWAITING_CUSTOMER ready");
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  sale = f->ready_sale;
  order_id = g_strdup (sale->partner_order_id);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
}

/* The payment was approved without this terminal's approve (the redirect went
 * elsewhere): the poller sees SUCCESS_PAYMENT, the order API's record is journaled, and
 * the checkout never sends approve. */
static void
test_approved_poll (Fixture       *f,
                    gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);
  g_autofree char *aid = NULL;

  wait_event (f, "status:AUTH_PASSWORD");
  aid = approve_elsewhere (f, sale, pg_token);
  wait_finished (f);
  assert_events (f, "status:AUTH_PASSWORD status:SUCCESS_PAYMENT "
                    "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve=AWAITING_CUSTOMER");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVED");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  {
    g_autoptr (KpJournalSale) approved = journal_get (f, order_id);

    g_assert_cmpstr (approved->aid, ==, aid);
    g_assert_null (approved->pg_token);
  }
}

/* Other outcomes */

/* The customer walks away from the page: the poller sees them there, then
 * QUIT_PAYMENT. */
static void
test_cancelled_poll (Fixture       *f,
                     gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);

  g_free (customer (f, sale->tid, KP_SANDBOX_ACTION_OPEN));
  wait_event (f, "status:OPEN_PAYMENT");
  g_free (customer (f, sale->tid, KP_SANDBOX_ACTION_CANCEL));
  wait_finished (f);
  assert_events (f, "status:OPEN_PAYMENT status:QUIT_PAYMENT "
                    "stage:idle=CANCELLED_BY_CUSTOMER finished:cancelled");
  assert_calls (&f->tap, "");
  assert_ended (f, order_id, KP_CHECKOUT_CANCELLED,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
  g_assert_no_error (f->finished_error);
}

/* The cancel redirect reaches the listener. */
static void
test_cancelled_redirect (Fixture       *f,
                         gconstpointer  data)
{
  const KpJournalSale *sale = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *redirect = NULL;

  /* No polls: the redirect alone decides (a QUIT_PAYMENT seen first would wait for it
   * a while). */
  kp_checkout_set_timing (f->checkout, NO_POLL_MS, LIFETIME_S);
  sale = charge_and_wait (f);
  order_id = g_strdup (sale->partner_order_id);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_CANCEL);

  g_assert_true (g_str_has_prefix (redirect, f->callback_base));
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_events (f, "stage:idle=CANCELLED_BY_CUSTOMER finished:cancelled");
  assert_ended (f, order_id, KP_CHECKOUT_CANCELLED,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 410);
}

/* A copy of @url with the query parameter @name's value replaced by @value. */
static char *
with_param (const char *url,
            const char *name,
            const char *value)
{
  g_autofree char *key = g_strconcat (name, "=", NULL);
  const char *start = strstr (url, key);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (key);
  end = start + strcspn (start, "&");
  return g_strdup_printf ("%.*s%s%s", (int) (start - url), url, value, end);
}

/* KakaoPay's page shown in the app (qr-target "page"): the web view hands the redirect
 * in (kp_checkout_take_redirect ()) instead of loading it. Only the sale's own links
 * are taken, KakaoPay's pg_token added; the listener's checks apply. */
static void
test_page_approved (Fixture       *f,
                    gconstpointer  data)
{
  const KpJournalSale *sale = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *no_token = NULL;
  g_autofree char *other_port = NULL;
  g_autofree char *other_kind = NULL;
  g_autoptr (KpJournalSale) approved = NULL;
  KpCallbackKind kind = KP_CALLBACK_FAIL;
  const char *path;

  kp_checkout_set_timing (f->checkout, NO_POLL_MS, LIFETIME_S);
  /* Nothing to take before a sale. */
  g_assert_false (kp_checkout_take_redirect (f->checkout, f->callback_base, NULL));
  sale = charge_and_wait (f);
  order_id = g_strdup (sale->partner_order_id);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  pg_token = pg_token_of (redirect);

  /* Not the sale's links: the payment page itself, another nonce, another kind with
   * this nonce, another port. */
  g_assert_false (kp_checkout_take_redirect (f->checkout, f->pc_url, NULL));
  forged = with_param (redirect, "n", "1.0123456789abcdef0123456789abcdef");
  g_assert_false (kp_checkout_take_redirect (f->checkout, forged, NULL));
  path = strstr (redirect, "/kakaopay/approve/");
  g_assert_nonnull (path);
  other_kind = g_strdup_printf ("%.*s/kakaopay/cancel/%s", (int) (path - redirect), redirect,
                                path + strlen ("/kakaopay/approve/"));
  g_assert_false (kp_checkout_take_redirect (f->checkout, other_kind, NULL));
  other_port = g_strdup_printf ("http://127.0.0.1:1%s", strstr (redirect, "/kakaopay/"));
  g_assert_false (kp_checkout_take_redirect (f->checkout, other_port, NULL));
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_WAITING);

  /* The link, but no usable token: taken (not loaded), and refused as the listener
   * refuses it. */
  no_token = with_param (redirect, "pg_token", "");
  g_assert_true (kp_checkout_take_redirect (f->checkout, no_token, &kind));
  g_assert_cmpint (kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_WAITING);

  /* The redirect itself: APPROVING at once, then approved with its token. */
  kind = KP_CALLBACK_FAIL;
  g_assert_true (kp_checkout_take_redirect (f->checkout, redirect, &kind));
  g_assert_cmpint (kind, ==, KP_CALLBACK_APPROVE);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_APPROVING);
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve=APPROVING");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  approved = journal_get (f, order_id);
  g_assert_cmpstr (approved->pg_token, ==, pg_token);

  /* Still the sale's link after its end: not to be loaded, and it changes nothing. */
  g_assert_true (kp_checkout_take_redirect (f->checkout, redirect, NULL));
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_cmpuint (f->events->len, ==, 0);
}

static void
test_page_cancelled (Fixture       *f,
                     gconstpointer  data)
{
  const KpJournalSale *sale = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *redirect = NULL;
  KpCallbackKind kind = KP_CALLBACK_APPROVE;

  kp_checkout_set_timing (f->checkout, NO_POLL_MS, LIFETIME_S);
  sale = charge_and_wait (f);
  order_id = g_strdup (sale->partner_order_id);
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_CANCEL);

  g_assert_true (kp_checkout_take_redirect (f->checkout, redirect, &kind));
  g_assert_cmpint (kind, ==, KP_CALLBACK_CANCEL);
  wait_finished (f);
  assert_events (f, "stage:idle=CANCELLED_BY_CUSTOMER finished:cancelled");
  assert_ended (f, order_id, KP_CHECKOUT_CANCELLED,
                "READY_SENT AWAITING_CUSTOMER CANCELLED_BY_CUSTOMER");
}

/* The password fails: the poller sees FAIL_AUTH_PASSWORD. */
static void
test_failed_poll (Fixture       *f,
                  gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);

  g_free (customer (f, sale->tid, KP_SANDBOX_ACTION_OPEN));
  wait_event (f, "status:OPEN_PAYMENT");
  g_free (customer (f, sale->tid, KP_SANDBOX_ACTION_FAIL));
  wait_finished (f);
  assert_events (f, "status:OPEN_PAYMENT status:FAIL_AUTH_PASSWORD stage:idle=FAILED "
                    "finished:failed");
  assert_calls (&f->tap, "");
  assert_ended (f, order_id, KP_CHECKOUT_FAILED, "READY_SENT AWAITING_CUSTOMER FAILED");
}

/* The fail redirect, handed in by the relay. */
static void
test_failed_deliver (Fixture       *f,
                     gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_FAIL);

  kp_checkout_deliver (f->checkout, KP_CALLBACK_FAIL, NULL);
  wait_finished (f);
  assert_events (f, "stage:idle=FAILED finished:failed");
  assert_ended (f, order_id, KP_CHECKOUT_FAILED, "READY_SENT AWAITING_CUSTOMER FAILED");
}

/* Nobody pays: KakaoPay's clock runs past the tid's lifetime, order reports
 * QUIT_PAYMENT with nobody ever seen on the page, and no cancel redirect follows. */
static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);

  wait_until (has_polled, f, &f->tap, "a status poll");
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_WAITING);
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  wait_finished (f);
  assert_events (f, "status:QUIT_PAYMENT stage:idle=EXPIRED finished:expired");
  assert_calls (&f->tap, "");
  assert_ended (f, order_id, KP_CHECKOUT_EXPIRED, "READY_SENT AWAITING_CUSTOMER EXPIRED");
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_QUIT_PAYMENT);
}

/* The customer authenticated, but the tid expired before approve reached KakaoPay:
 * approve is refused (-723) and the sale is expired, not failed. */
static void
test_expired_at_approve (Fixture       *f,
                         gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);

  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, pg_token);
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=EXPIRED finished:expired");
  assert_calls (&f->tap, "approve#-723=APPROVING");
  assert_ended (f, order_id, KP_CHECKOUT_EXPIRED,
                "READY_SENT AWAITING_CUSTOMER APPROVING EXPIRED");
  g_assert_nonnull (f->finished_error);
  g_assert_cmpint (kp_api_error_get_code (f->finished_error), ==, KP_CODE_EXPIRED);
}

/* Ready failing: READY_FAILED, never sent again, and nothing to reconcile. */

static void
test_ready_failed_http_500 (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *detail = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_HTTP_500, 1, 0);
  charge (f);
  wait_finished (f);
  assert_events (f, "stage:starting=- stage:idle=READY_FAILED finished:ready-failed");
  assert_calls (&f->tap, "ready!http-500=READY_SENT");
  assert_ended (f, f->finished_sale->partner_order_id, KP_CHECKOUT_READY_FAILED,
                "READY_SENT READY_FAILED");
  g_assert_error (f->finished_error, KP_API_ERROR, KP_API_ERROR_SERVER_ERROR);
  g_assert_null (f->finished_sale->tid);
  /* Why, in the journal. */
  detail = journal_last_detail (f, f->finished_sale->partner_order_id);
  g_assert_cmpstr (detail, ==, f->finished_error->message);
  g_assert_false (kp_reconciler_is_resolving (f->reconciler,
                                              f->finished_sale->partner_order_id));
}

/* Ready reached KakaoPay but its reply was lost: without a tid no QR was shown, so
 * nobody can pay it, and ready is not sent again. */
static void
test_ready_failed_reply_lost (Fixture       *f,
                              gconstpointer  data)
{
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_DROP_REPLY, 1,
                           0);
  charge (f);
  wait_finished (f);
  assert_events (f, "stage:starting=- stage:idle=READY_FAILED finished:ready-failed");
  assert_calls (&f->tap, "ready!drop-reply=READY_SENT");
  assert_ended (f, f->finished_sale->partner_order_id, KP_CHECKOUT_READY_FAILED,
                "READY_SENT READY_FAILED");
  g_assert_true (kp_api_error_is_outcome_unknown (f->finished_error));
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);
}

/* KakaoPay refuses ready: a CID it does not know (-731). */
static void
test_ready_failed_refused (Fixture       *f,
                           gconstpointer  data)
{
  kp_checkout_set_merchant (f->checkout, "TC0UNKNOWN", "T1", NULL);
  charge (f);
  wait_finished (f);
  assert_events (f, "stage:starting=- stage:idle=READY_FAILED finished:ready-failed");
  assert_calls (&f->tap, "ready#-731=READY_SENT");
  assert_ended (f, f->finished_sale->partner_order_id, KP_CHECKOUT_READY_FAILED,
                "READY_SENT READY_FAILED");
  g_assert_cmpint (kp_api_error_get_code (f->finished_error), ==, KP_CODE_WRONG_CID);
  g_assert_cmpstr (f->finished_sale->cid, ==, "TC0UNKNOWN");
}

/* An amount nobody can pay: the journal refuses the sale, so nothing is sent. */
static void
test_ready_failed_invalid_amount (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) sale = kp_journal_new_sale_new ();
  g_autoptr (GError) error = NULL;

  sale->item_name = g_strdup ("Water");
  sale->quantity = 1;
  kp_journal_new_sale_add_line (sale, "Water", 1, 0, FALSE);
  g_test_expect_message ("kp-checkout", G_LOG_LEVEL_WARNING, "Could not record the sale*");
  g_assert_true (kp_checkout_charge (f->checkout, sale, &error));
  g_assert_no_error (error);
  wait_finished (f);
  g_test_assert_expected_messages ();
  assert_events (f, "stage:starting=- stage:idle=- finished:ready-failed");
  assert_calls (&f->tap, "");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_READY_FAILED);
  g_assert_null (f->finished_sale);
  g_assert_error (f->finished_error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  g_assert_null (kp_checkout_get_sale (f->checkout));
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_IDLE);
}

/* Approve failing */

/* The payment method declines (-780): APPROVE_FAILED, with KakaoPay's error. */
static void
test_approve_failed (Fixture       *f,
                     gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *detail = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DECLINE, 1,
                           0);
  wait_event (f, "status:AUTH_PASSWORD");
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_events (f, "status:AUTH_PASSWORD stage:approving=AWAITING_CUSTOMER "
                    "stage:idle=APPROVE_FAILED finished:approve-failed");
  assert_calls (&f->tap, "approve!decline#-780=APPROVING");
  assert_ended (f, order_id, KP_CHECKOUT_APPROVE_FAILED,
                "READY_SENT AWAITING_CUSTOMER APPROVING APPROVE_FAILED");
  g_assert_cmpint (kp_api_error_get_code (f->finished_error), ==, KP_CODE_APPROVE_FAILED);
  detail = journal_last_detail (f, order_id);
  g_assert_cmpstr (detail, ==, f->finished_error->message);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==, KP_STATUS_FAIL_PAYMENT);
}

/* Approve was processed but its reply was lost: the order API says it is paid, so the
 * sale is approved; approve is never sent twice, and the cashier cannot abort it. */
static void
test_approve_reply_lost (Fixture       *f,
                         gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *tid = g_strdup (sale->tid);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);
  g_autoptr (GPtrArray) requests = NULL;
  guint n_orders_before;
  gboolean after_approve = FALSE;
  guint n_orders_after = 0;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  n_orders_before = kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER);
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, pg_token);
  g_assert_false (kp_checkout_abort (f->checkout));
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve!drop-reply=APPROVING");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);

  /* The order API was asked after approve, before the sale was called approved. */
  requests = kp_sandbox_get_requests (f->sandbox);
  for (guint i = 0; i < requests->len; i++)
    {
      const KpSandboxRequest *request = g_ptr_array_index (requests, i);

      if (request->endpoint == KP_SANDBOX_ENDPOINT_APPROVE)
        after_approve = TRUE;
      else if (after_approve && request->endpoint == KP_SANDBOX_ENDPOINT_ORDER)
        {
          g_assert_cmpstr (request->tid, ==, tid);
          n_orders_after++;
        }
    }
  g_assert_cmpuint (n_orders_after, >=, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), >,
                    n_orders_before);
}

/* The cashier cancels */

static void
test_abort_idle (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_false (kp_checkout_abort (f->checkout));
  g_assert_cmpuint (f->events->len, ==, 0);
  g_assert_cmpuint (f->n_finished, ==, 0);
}

/* While ready is in flight: the abort happens once its answer is journaled. The QR is
 * never offered, and the payment, open at KakaoPay, is watched until its tid ends. */
static void
test_abort_starting (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *detail = NULL;
  const char *order_id;

  charge (f);
  g_assert_true (kp_checkout_abort (f->checkout));
  g_assert_true (kp_checkout_abort (f->checkout));
  wait_finished (f);
  assert_events (f, "stage:starting=- stage:waiting=AWAITING_CUSTOMER "
                    "stage:idle=ABORTED_BY_CASHIER finished:aborted");
  assert_calls (&f->tap, "ready=READY_SENT");
  order_id = f->finished_sale->partner_order_id;
  assert_ended (f, order_id, KP_CHECKOUT_ABORTED,
                "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  g_assert_no_error (f->finished_error);
  g_assert_null (f->ready_sale);
  g_assert_nonnull (f->finished_sale->tid);
  detail = journal_last_detail (f, order_id);
  g_assert_cmpstr (detail, ==, "cancelled by the cashier");

  /* Open at KakaoPay until its tid ends: watched, not counted as unfinished. */
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, order_id));
  g_assert_cmpuint (kp_reconciler_get_n_pending (f->reconciler), ==, 0);
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  wait_until (not_resolving, f, order_id, "the watch to end");
  assert_history (f, order_id, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 0);
}

/* Cancelled while ready is in flight, and ready fails: the sale ends as what KakaoPay
 * said (READY_FAILED), which charges nobody either. */
static void
test_abort_starting_ready_fails (Fixture       *f,
                                 gconstpointer  data)
{
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_READY, KP_SANDBOX_FAULT_HTTP_500, 1, 0);
  charge (f);
  g_assert_true (kp_checkout_abort (f->checkout));
  wait_finished (f);
  assert_events (f, "stage:starting=- stage:idle=READY_FAILED finished:ready-failed");
  assert_calls (&f->tap, "ready!http-500=READY_SENT");
  assert_ended (f, f->finished_sale->partner_order_id, KP_CHECKOUT_READY_FAILED,
                "READY_SENT READY_FAILED");
}

/* With the QR up. The customer's redirect that comes after is refused, nothing is
 * charged, and the watch ends with the tid. */
static void
test_abort_waiting (Fixture       *f,
                    gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *tid = g_strdup (sale->tid);
  g_autofree char *redirect = NULL;

  g_assert_true (kp_checkout_abort (f->checkout));
  wait_finished (f);
  assert_events (f, "stage:idle=ABORTED_BY_CASHIER finished:aborted");
  assert_ended (f, order_id, KP_CHECKOUT_ABORTED,
                "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, order_id));

  /* The customer still had the page open and authenticates: the terminal no longer
   * takes the redirect, so no approve is ever sent. */
  redirect = customer (f, tid, KP_SANDBOX_ACTION_PAY);
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 410);
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, "ignored");
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  wait_until (not_resolving, f, order_id, "the watch to end");
  assert_calls (&f->tap, "");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 0);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_QUIT_PAYMENT);
  assert_history (f, order_id, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_cmpuint (f->events->len, ==, 0);
}

/* Aborted, yet the payment completed at KakaoPay (approved from elsewhere): the watch
 * finds it and journals it approved, so the money taken is not lost. */
static void
test_abort_waiting_paid_anyway (Fixture       *f,
                                gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autoptr (KpJournalSale) aborted = NULL;
  g_autoptr (KpJournalSale) now = NULL;
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *aid = NULL;

  g_assert_true (kp_checkout_abort (f->checkout));
  wait_finished (f);
  aborted = kp_journal_sale_copy (f->finished_sale);
  assert_events (f, "stage:idle=ABORTED_BY_CASHIER finished:aborted");

  redirect = customer (f, aborted->tid, KP_SANDBOX_ACTION_PAY);
  pg_token = pg_token_of (redirect);
  aid = approve_elsewhere (f, aborted, pg_token);
  wait_until (not_resolving, f, order_id, "the watch to end");
  assert_calls (&f->tap, "approve=ABORTED_BY_CASHIER");
  g_assert_cmpuint (f->n_resolved, ==, 1);
  g_assert_cmpint (f->resolved_previous, ==, KP_SALE_STATE_ABORTED_BY_CASHIER);
  g_assert_cmpint (f->resolved_sale->state, ==, KP_SALE_STATE_APPROVED);
  now = journal_get (f, order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (now->aid, ==, aid);
  assert_history (f, order_id, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER APPROVED");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  /* The checkout had ended the sale; it says nothing more. */
  g_assert_cmpuint (f->n_finished, ==, 1);
  g_assert_cmpuint (f->events->len, ==, 0);
}

/* Cancel pressed twice before the first was journaled: one abort, one end. */
static void
test_abort_twice (Fixture       *f,
                  gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);

  g_assert_true (kp_checkout_abort (f->checkout));
  g_assert_true (kp_checkout_abort (f->checkout));
  wait_finished (f);
  g_assert_true (kp_reconciler_is_resolving (f->reconciler, order_id));
  assert_events (f, "stage:idle=ABORTED_BY_CASHIER finished:aborted");
  g_assert_no_error (f->finished_error);
  assert_ended (f, order_id, KP_CHECKOUT_ABORTED,
                "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
}

/* The relay hands in the customer's approval just after the cashier cancelled, before
 * the abort was journaled: the abort stands, and approve is never sent. */
static void
test_abort_then_approval (Fixture       *f,
                          gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *tid = g_strdup (sale->tid);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_autofree char *pg_token = pg_token_of (redirect);

  g_assert_true (kp_checkout_abort (f->checkout));
  kp_checkout_deliver (f->checkout, KP_CALLBACK_APPROVE, pg_token);
  wait_finished (f);
  assert_events (f, "stage:idle=ABORTED_BY_CASHIER finished:aborted");
  g_assert_no_error (f->finished_error);
  assert_ended (f, order_id, KP_CHECKOUT_ABORTED,
                "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
  kp_sandbox_advance_clock (f->sandbox, LIFETIME_S + 60);
  wait_until (not_resolving, f, order_id, "the watch to end");
  assert_calls (&f->tap, "");
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 0);
  assert_history (f, order_id, "READY_SENT AWAITING_CUSTOMER ABORTED_BY_CASHIER");
}

/* Once approve was sent it is too late: the cashier's cancel is refused while KakaoPay
 * holds its reply, and the sale ends approved. */
static void
test_abort_approving (Fixture       *f,
                      gconstpointer  data)
{
  const KpJournalSale *sale = charge_and_wait (f);
  g_autofree char *order_id = g_strdup (sale->partner_order_id);
  g_autofree char *redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DELAY, 1,
                           HELD_MS);
  wait_event (f, "status:AUTH_PASSWORD");
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_APPROVING);
  wait_until (got_approve, f, NULL, "approve at KakaoPay");
  g_assert_cmpint (f->n_finished, ==, 0);
  g_assert_false (kp_checkout_abort (f->checkout));
  g_assert_cmpint (kp_checkout_get_stage (f->checkout), ==, KP_CHECKOUT_STAGE_APPROVING);
  wait_finished (f);
  assert_events (f, "status:AUTH_PASSWORD stage:approving=AWAITING_CUSTOMER "
                    "stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve!delay=APPROVING");
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
}

/* Settings changed while a sale waits (kp-application.c reconfigures the checkout and
 * the reconciler together): the sale goes on with the KakaoPay, listener, CID secret,
 * merchant and timing it started with; the next sale takes the new ones. */
static void
test_settings_mid_sale (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (KpSandbox) sandbox2 = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  g_autoptr (KpClient) client2 = NULL;
  g_autoptr (KpApprovalListener) listener2 = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournalSale) first = NULL;
  g_autoptr (KpJournalSale) second = NULL;
  g_autofree char *base2 = NULL;
  g_autofree char *callback_base2 = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *redirect = NULL;
  const KpJournalSale *sale;
  Tap tap2 = { NULL };

  g_assert_true (kp_sandbox_listen (sandbox2, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  tap_init (&tap2, f, sandbox2);
  base2 = kp_sandbox_dup_base_url (sandbox2);
  client2 = kp_client_new (base2, KP_DIALECT_ONLINE, KP_SANDBOX_DEFAULT_KEY);
  kp_client_set_timeout (client2, CALL_TIMEOUT_S);
  g_assert_true (kp_approval_listener_listen (listener2, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  callback_base2 = kp_approval_listener_dup_url (listener2);

  kp_reconciler_set_services (f->reconciler, f->client, f->listener, NULL, CID_SECRET);
  kp_checkout_set_services (f->checkout, f->client, f->listener, NULL, CID_SECRET);
  charge (f);
  wait_event (f, "ready");
  assert_events (f, "stage:starting=- stage:waiting=AWAITING_CUSTOMER ready");
  assert_calls (&f->tap, "ready+secret=READY_SENT");
  sale = f->ready_sale;
  order_id = g_strdup (sale->partner_order_id);

  /* Everything changes while the QR is up. */
  kp_reconciler_set_services (f->reconciler, client2, listener2, NULL, NULL);
  kp_reconciler_set_timing (f->reconciler, NO_POLL_MS, 300);
  kp_checkout_set_services (f->checkout, client2, listener2, NULL, NULL);
  kp_checkout_set_merchant (f->checkout, "TC0ONETIME", "T2", "shop-2");
  kp_checkout_set_callback_base (f->checkout, callback_base2);
  kp_checkout_set_timing (f->checkout, NO_POLL_MS, 300);

  /* Still polled as often, from the first KakaoPay. */
  g_free (customer (f, sale->tid, KP_SANDBOX_ACTION_OPEN));
  wait_event (f, "status:OPEN_PAYMENT");
  redirect = customer (f, sale->tid, KP_SANDBOX_ACTION_PAY);
  g_assert_true (g_str_has_prefix (redirect, f->callback_base));
  wait_event (f, "status:AUTH_PASSWORD");
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_events (f, "status:OPEN_PAYMENT status:AUTH_PASSWORD "
                    "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&f->tap, "approve+secret=APPROVING");
  assert_calls (&tap2, "");
  g_assert_cmpuint (tap2.n_polls, ==, 0);
  assert_approved (f, order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");
  first = journal_get (f, order_id);
  g_assert_cmpstr (first->terminal_id, ==, "T1");
  g_assert_cmpstr (first->partner_user_id, ==, "T1");
  g_assert_cmpint (g_date_time_difference (first->expires_at, first->created_at), ==,
                   LIFETIME_S * G_TIME_SPAN_SECOND);

  /* The next sale runs on the new settings: the other KakaoPay, terminal and listener,
   * no CID secret, the new lifetime, and no polls at the new interval. */
  f->n_finished = 0;
  charge (f);
  wait_event (f, "ready");
  assert_events (f, "stage:starting=- stage:waiting=AWAITING_CUSTOMER ready");
  assert_calls (&f->tap, "");
  assert_calls (&tap2, "ready=READY_SENT");
  sale = f->ready_sale;
  g_assert_true (g_str_has_prefix (sale->partner_order_id, "T2-"));
  g_assert_cmpstr (sale->terminal_id, ==, "T2");
  g_assert_cmpstr (sale->partner_user_id, ==, "shop-2");
  g_assert_cmpint (g_date_time_difference (sale->expires_at, sale->created_at), ==,
                   300 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (kp_sandbox_get_status (sandbox2, sale->tid), ==, KP_STATUS_READY);
  g_clear_pointer (&redirect, g_free);
  {
    g_autoptr (GError) act_error = NULL;

    redirect = kp_sandbox_customer_act (sandbox2, sale->tid, KP_SANDBOX_ACTION_PAY, "MONEY",
                                        &act_error);
    g_assert_no_error (act_error);
  }
  g_assert_true (g_str_has_prefix (redirect, callback_base2));
  g_assert_cmpuint (follow_redirect (f, redirect), ==, 200);
  wait_finished (f);
  assert_events (f, "stage:approving=AWAITING_CUSTOMER stage:idle=APPROVED finished:approved");
  assert_calls (&tap2, "approve=APPROVING");
  g_assert_cmpuint (tap2.n_polls, ==, 0);
  second = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (second->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpint (kp_sandbox_get_status (sandbox2, sale->tid), ==, KP_STATUS_SUCCESS_PAYMENT);
  assert_calls (&f->tap, "");

  /* Nothing of the second sale went to the first KakaoPay. */
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);

  kp_sandbox_set_log_stream (sandbox2, NULL);
  g_ptr_array_unref (tap2.calls);
}

static void
add (const char    *path,
     void         (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/kp/checkout/approved/redirect", test_approved_redirect);
  add ("/kp/checkout/approved/deliver", test_approved_deliver);
  add ("/kp/checkout/approved/during-recovery", test_charge_during_recovery);
  add ("/kp/checkout/approved/poll", test_approved_poll);

  add ("/kp/checkout/cancelled/poll", test_cancelled_poll);
  add ("/kp/checkout/cancelled/redirect", test_cancelled_redirect);
  add ("/kp/checkout/page/approved", test_page_approved);
  add ("/kp/checkout/page/cancelled", test_page_cancelled);
  add ("/kp/checkout/failed/poll", test_failed_poll);
  add ("/kp/checkout/failed/deliver", test_failed_deliver);
  add ("/kp/checkout/expired/kakaopay-clock", test_expired);
  add ("/kp/checkout/expired/at-approve", test_expired_at_approve);

  add ("/kp/checkout/ready-failed/http-500", test_ready_failed_http_500);
  add ("/kp/checkout/ready-failed/reply-lost", test_ready_failed_reply_lost);
  add ("/kp/checkout/ready-failed/refused", test_ready_failed_refused);
  add ("/kp/checkout/ready-failed/invalid-amount", test_ready_failed_invalid_amount);

  add ("/kp/checkout/approve-failed/declined", test_approve_failed);
  add ("/kp/checkout/approve/reply-lost", test_approve_reply_lost);

  add ("/kp/checkout/abort/idle", test_abort_idle);
  add ("/kp/checkout/abort/starting", test_abort_starting);
  add ("/kp/checkout/abort/starting-ready-fails", test_abort_starting_ready_fails);
  add ("/kp/checkout/abort/waiting", test_abort_waiting);
  add ("/kp/checkout/abort/waiting-paid-anyway", test_abort_waiting_paid_anyway);
  add ("/kp/checkout/abort/twice", test_abort_twice);
  add ("/kp/checkout/abort/then-approval", test_abort_then_approval);
  add ("/kp/checkout/abort/approving", test_abort_approving);

  add ("/kp/checkout/settings/mid-sale", test_settings_mid_sale);

  return g_test_run ();
}
