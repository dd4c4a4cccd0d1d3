/* test-refunder.c: refunds through KpRefunder against the sandbox
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case approves a sale the way the terminal does (a real journal file, real
 * ready and approve calls to an in-process sandbox over loopback HTTP, the customer
 * played with kp_sandbox_customer_act ()), then refunds it with a real KpRefunder and
 * compares what the case expects with:
 *
 * - what the sandbox received: each cancel (and order) with, at the moment it arrived,
 *   the sale's state and refunded amount in the journal and the refund the journal
 *   holds unfinished for it (read from the request log as the sandbox writes it,
 *   before it replies): a refund is journaled REFUND_SENT before cancel is sent, and
 *   the sale changes only once KakaoPay's answer is journaled;
 * - the refund rows and the sale afterwards, and KakaoPay's own record of the cancels;
 * - the refunder's "resolved" signals.
 *
 * Nothing waits for time to pass: every wait is for an event, with a generous deadline.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-approval-listener.h"
#include "kp-client.h"
#include "kp-journal.h"
#include "kp-refund-plan.h"
#include "kp-refunder.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

#define RETRY_MS       100
/* Only a safety net: every wait is for an event. */
#define WAIT_MS        30000
/* A call's reply on a loaded machine, with room to spare. */
#define CALL_TIMEOUT_S 10

/* The sale every case refunds: two taxable lines and a tax-free one. */
#define TOTAL          12500
#define TAX_FREE       2000

typedef struct
{
  char            *dir;
  KpSandbox       *sandbox;
  KpClient        *client;
  KpJournal       *journal;
  KpRefunder      *refunder;
  GPtrArray       *calls;        /* what the sandbox received */
  GPtrArray       *resolved;     /* "resolved" as "R1=REFUNDED PARTIALLY_REFUNDED" */
  GPtrArray       *reported;     /* the refunds "resolved" carried */
} Fixture;

/* "T1-20261125-0001-R2" → "R2" */
static const char *
refund_seq_name (const char *refund_id)
{
  const char *dash = strrchr (refund_id, '-');

  return dash != NULL ? dash + 1 : refund_id;
}

/* The journal, read synchronously (from the sandbox's log, as it handles a call). */
static KpJournalSale *
journal_find_by_tid (Fixture    *f,
                     const char *tid)
{
  g_autoptr (KpJournalQuery) query = kp_journal_query_new (NULL, tid);
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GError) error = NULL;

  sales = kp_journal_search_sync (f->journal, query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (sales, i);

      if (g_strcmp0 (sale->tid, tid) == 0)
        return kp_journal_sale_copy (sale);
    }
  return NULL;
}

/* The refund of @sale the journal holds unfinished (REFUND_SENT), as the day report
 * lists it: "R1 REFUND_SENT 3000", or "none". */
static char *
journal_unfinished_refund (Fixture             *f,
                           const KpJournalSale *sale)
{
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (GError) error = NULL;
  GDate day;
  char *found = NULL;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (sale->created_at),
                  g_date_time_get_month (sale->created_at),
                  g_date_time_get_year (sale->created_at));
  report = kp_journal_day_report_sync (f->journal, &day, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < report->unfinished->len; i++)
    {
      const KpJournalUnfinished *item = g_ptr_array_index (report->unfinished, i);

      if (item->refund_id == NULL ||
          g_strcmp0 (item->partner_order_id, sale->partner_order_id) != 0)
        continue;
      g_assert_null (found);
      found = g_strdup_printf ("%s REFUND_SENT %" G_GINT64_FORMAT,
                               refund_seq_name (item->refund_id), item->amount);
    }
  return found != NULL ? found : g_strdup ("none");
}

/* Each call as "cancel[!fault][#code] AMOUNT/AVAILABLE=STATE REFUNDED, REFUND": the
 * journal at the moment the sandbox handles it. */
static void
on_sandbox_line_cb (const char *line,
                    gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unfinished = NULL;
  JsonObject *object;
  JsonObject *request;
  const char *endpoint;
  const char *fault;
  gint64 code;
  GString *text;

  node = json_from_string (line, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  endpoint = json_object_get_string_member (object, "endpoint");
  /* Only what the refunder sends: not the calls that made the sale. */
  if (!g_str_equal (endpoint, "cancel") && !g_str_equal (endpoint, "order"))
    return;
  fault = json_object_get_string_member_with_default (object, "fault", NULL);
  code = json_object_get_int_member_with_default (object, "code", 0);
  request = json_object_get_object_member (object, "request");

  text = g_string_new (endpoint);
  if (fault != NULL)
    g_string_append_printf (text, "!%s", fault);
  if (code != 0)
    g_string_append_printf (text, "#%" G_GINT64_FORMAT, code);
  if (g_str_equal (endpoint, "cancel"))
    {
      const char *payload = json_object_get_string_member (request, "payload");

      g_string_append_printf (text, " %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT " %s",
                              json_object_get_int_member (request, "cancel_amount"),
                              json_object_get_int_member (request, "cancel_available_amount"),
                              refund_seq_name (payload));
    }
  sale = journal_find_by_tid (f, json_object_get_string_member (request, "tid"));
  g_assert_nonnull (sale);
  unfinished = journal_unfinished_refund (f, sale);
  g_string_append_printf (text, "=%s %" G_GINT64_FORMAT ", %s",
                          kp_sale_state_to_string (sale->state), sale->refunded_amount,
                          unfinished);
  g_ptr_array_add (f->calls, g_string_free (text, FALSE));
}

static char *
take_calls (Fixture *f)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (f->calls, NULL);
  text = g_strjoinv ("; ", (char **) f->calls->pdata);
  g_ptr_array_set_size (f->calls, 0);
  return g_steal_pointer (&text);
}

#define assert_calls(f, expected) \
  G_STMT_START { \
    g_autofree char *_calls = take_calls (f); \
    g_assert_cmpstr (_calls, ==, (expected)); \
  } G_STMT_END

static void
on_resolved_cb (KpRefunder            *refunder,
                const KpJournalSale   *sale,
                const KpJournalRefund *refund,
                Fixture               *f)
{
  g_ptr_array_add (f->reported, kp_journal_refund_copy (refund));
  g_ptr_array_add (f->resolved,
                   g_strdup_printf ("%s=%s %s", refund_seq_name (refund->refund_id),
                                    kp_refund_state_to_string (refund->state),
                                    kp_sale_state_to_string (sale->state)));
}

static char *
take_resolved (Fixture *f)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (f->resolved, NULL);
  text = g_strjoinv ("; ", (char **) f->resolved->pdata);
  g_ptr_array_set_size (f->resolved, 0);
  return g_steal_pointer (&text);
}

#define assert_resolved(f, expected) \
  G_STMT_START { \
    g_autofree char *_resolved = take_resolved (f); \
    g_assert_cmpstr (_resolved, ==, (expected)); \
  } G_STMT_END

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GOutputStream) log = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;

  f->dir = g_dir_make_tmp ("kp-refunder-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "journal.sqlite3", NULL);
  f->journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);

  f->sandbox = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->calls = g_ptr_array_new_with_free_func (g_free);
  log = kp_test_line_stream_new (on_sandbox_line_cb, f);
  kp_sandbox_set_log_stream (f->sandbox, log);
  base = kp_sandbox_dup_base_url (f->sandbox);
  f->client = kp_client_new (base, KP_DIALECT_ONLINE, KP_SANDBOX_DEFAULT_KEY);
  kp_client_set_timeout (f->client, CALL_TIMEOUT_S);

  f->refunder = kp_refunder_new (f->client, f->journal);
  kp_refunder_set_retry (f->refunder, RETRY_MS);
  f->resolved = g_ptr_array_new_with_free_func (g_free);
  f->reported = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_refund_free);
  g_signal_connect (f->refunder, "resolved", G_CALLBACK (on_resolved_cb), f);
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

  g_signal_handlers_disconnect_by_data (f->refunder, f);
  assert_finalized (f, g_steal_pointer (&f->refunder));
  assert_finalized (f, g_steal_pointer (&f->client));
  kp_sandbox_set_log_stream (f->sandbox, NULL);
  g_clear_object (&f->sandbox);
  g_clear_object (&f->journal);
  g_ptr_array_unref (f->calls);
  g_ptr_array_unref (f->resolved);
  g_ptr_array_unref (f->reported);

  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* The journal */

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

static GPtrArray *
journal_refunds (Fixture    *f,
                 const char *partner_order_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  GPtrArray *refunds;

  kp_journal_list_refunds_async (f->journal, partner_order_id, NULL, kp_test_async_cb,
                                 &async);
  result = kp_test_async_wait (&async);
  refunds = kp_journal_list_refunds_finish (f->journal, result, &error);
  g_assert_no_error (error);
  return refunds;
}

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

#define assert_history(f, order_id, expected) \
  G_STMT_START { \
    g_autofree char *_history = journal_history ((f), (order_id)); \
    g_assert_cmpstr (_history, ==, (expected)); \
  } G_STMT_END

static void
journal_move (Fixture          *f,
              KpJournalSale   **sale,
              KpSaleState       to,
              KpJournalUpdate  *update)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpJournalSale *moved;

  kp_journal_transition_async (f->journal, (*sale)->partner_order_id, (*sale)->state, to,
                               update, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  moved = kp_journal_transition_finish (f->journal, result, &error);
  g_assert_no_error (error);
  kp_journal_sale_free (*sale);
  *sale = moved;
}

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
  input->item_name = g_strdup ("Americano and 2 more");
  input->quantity = 4;
  input->total_amount = TOTAL;
  input->tax_free_amount = TAX_FREE;
  input->vat_amount = kp_vat_default (TOTAL, TAX_FREE);
  input->nonce = kp_random_hex (16);
  kp_journal_new_sale_add_line (input, "Americano", 2, 4500, FALSE);
  kp_journal_new_sale_add_line (input, "Cookie", 1, 1500, FALSE);
  kp_journal_new_sale_add_line (input, "Milk", 1, 2000, TRUE);

  kp_journal_create_sale_async (f->journal, input, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  sale = kp_journal_create_sale_finish (f->journal, result, &error);
  g_assert_no_error (error);
  return sale;
}

/* KakaoPay */

/* A sale paid and journaled APPROVED, as the checkout leaves it (with its lines). */
static KpJournalSale *
approved_sale (Fixture *f)
{
  g_autoptr (KpReadyRequest) ready = kp_ready_request_new ();
  g_autoptr (KpReadyReply) ready_reply = NULL;
  g_autoptr (KpApproveRequest) approve = kp_approve_request_new ();
  g_autoptr (KpApproveReply) approve_reply = NULL;
  g_autoptr (KpJournalUpdate) awaiting = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approving = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  KpJournalSale *sale = journal_create (f);
  const char *token;

  ready->cid = g_strdup (sale->cid);
  ready->partner_order_id = g_strdup (sale->partner_order_id);
  ready->partner_user_id = g_strdup (sale->partner_user_id);
  ready->item_name = g_strdup (sale->item_name);
  ready->quantity = sale->quantity;
  ready->total_amount = sale->total_amount;
  ready->tax_free_amount = sale->tax_free_amount;
  ready->vat_amount = sale->vat_amount;
  ready->approval_url = g_strdup ("http://127.0.0.1:9/kakaopay/approve");
  ready->cancel_url = g_strdup ("http://127.0.0.1:9/kakaopay/cancel");
  ready->fail_url = g_strdup ("http://127.0.0.1:9/kakaopay/fail");
  {
    g_autoptr (GAsyncResult) result = NULL;
    KpTestAsync async = { NULL };

    kp_client_ready_async (f->client, ready, NULL, kp_test_async_cb, &async);
    result = kp_test_async_wait (&async);
    ready_reply = kp_client_ready_finish (f->client, result, &error);
    g_assert_no_error (error);
  }
  awaiting->tid = g_strdup (ready_reply->tid);
  journal_move (f, &sale, KP_SALE_STATE_AWAITING_CUSTOMER, awaiting);

  redirect = kp_sandbox_customer_act (f->sandbox, sale->tid, KP_SANDBOX_ACTION_PAY, "MONEY",
                                      &error);
  g_assert_no_error (error);
  token = strstr (redirect, "pg_token=") + strlen ("pg_token=");
  approving->pg_token = g_strdup (token);
  journal_move (f, &sale, KP_SALE_STATE_APPROVING, approving);

  approve->cid = g_strdup (sale->cid);
  approve->tid = g_strdup (sale->tid);
  approve->partner_order_id = g_strdup (sale->partner_order_id);
  approve->partner_user_id = g_strdup (sale->partner_user_id);
  approve->pg_token = g_strdup (sale->pg_token);
  approve->total_amount = sale->total_amount;
  {
    g_autoptr (GAsyncResult) result = NULL;
    KpTestAsync async = { NULL };

    kp_client_approve_async (f->client, approve, NULL, kp_test_async_cb, &async);
    result = kp_test_async_wait (&async);
    approve_reply = kp_client_approve_finish (f->client, result, &error);
    g_assert_no_error (error);
  }
  approved->aid = g_strdup (approve_reply->aid);
  approved->payment_method_type = g_strdup (approve_reply->payment_method_type);
  approved->approved_at = g_date_time_ref (approve_reply->approved_at);
  journal_move (f, &sale, KP_SALE_STATE_APPROVED, approved);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, sale->tid), ==,
                   KP_STATUS_SUCCESS_PAYMENT);

  /* With its lines, as the history reads it. */
  {
    KpJournalSale *full = journal_get (f, sale->partner_order_id);

    kp_journal_sale_free (sale);
    sale = full;
  }
  g_assert_cmpuint (sale->lines->len, ==, 3);
  g_ptr_array_set_size (f->calls, 0);
  kp_sandbox_clear_requests (f->sandbox);
  return sale;
}

/* KakaoPay's record of the payment (order), without a trace in the records compared. */
static KpOrderReply *
order_at_kakaopay (Fixture    *f,
                   const char *tid)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpOrderReply *reply;

  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup (tid);
  kp_client_order_async (f->client, request, NULL, kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  reply = kp_client_order_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->calls->len, >, 0);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->calls, f->calls->len - 1), "order="));
  g_ptr_array_set_size (f->calls, f->calls->len - 1);
  return reply;
}

/* The aid KakaoPay gave the cancel that carried @refund_id. */
static char *
cancel_aid_at_kakaopay (const KpOrderReply *reply,
                        const char         *refund_id)
{
  for (guint i = 0; i < reply->payment_action_details->len; i++)
    {
      const KpPaymentAction *action = g_ptr_array_index (reply->payment_action_details, i);

      if (g_strcmp0 (action->payment_action_type, "CANCEL") == 0 &&
          g_strcmp0 (action->payload, refund_id) == 0)
        return g_strdup (action->aid);
    }
  return NULL;
}

/* Refunds and waits for the answer: the sale as journaled, or NULL with @error. */
static KpJournalSale *
refund (Fixture     *f,
        const char  *partner_order_id,
        gint64       amount,
        gint64       tax_free,
        const char  *lines_json,
        GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  KpTestAsync async = { NULL };

  kp_refunder_refund_async (f->refunder, partner_order_id, amount, tax_free, lines_json, NULL,
                            kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  return kp_refunder_refund_finish (f->refunder, result, error);
}

static gboolean
same_time (GDateTime *a,
           GDateTime *b)
{
  return a == NULL || b == NULL ? a == b : g_date_time_equal (a, b);
}

/* "resolved" reported @row once, as journaled. */
static void
assert_reported (Fixture               *f,
                 const KpJournalRefund *row)
{
  const KpJournalRefund *reported = NULL;

  for (guint i = 0; i < f->reported->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (f->reported, i);

      if (g_str_equal (refund->refund_id, row->refund_id))
        {
          g_assert_null (reported);
          reported = refund;
        }
    }
  g_assert_nonnull (reported);
  g_assert_cmpstr (kp_refund_state_to_string (reported->state), ==,
                   kp_refund_state_to_string (row->state));
  g_assert_cmpint (reported->cancel_amount, ==, row->cancel_amount);
  g_assert_cmpint (reported->cancel_tax_free_amount, ==, row->cancel_tax_free_amount);
  g_assert_cmpint (reported->cancel_vat_amount, ==, row->cancel_vat_amount);
  g_assert_cmpstr (reported->aid, ==, row->aid);
  g_assert_true (same_time (reported->canceled_at, row->canceled_at));
  g_assert_true (same_time (reported->completed_at, row->completed_at));
}

/* A refund KakaoPay completed: its row, the sale, and KakaoPay's record agree. */
static void
assert_refunded (Fixture             *f,
                 const KpJournalSale *sale,
                 guint                seq,
                 gint64               amount,
                 gint64               tax_free,
                 gint64               vat,
                 gint64               available)
{
  g_autoptr (GPtrArray) refunds = journal_refunds (f, sale->partner_order_id);
  g_autoptr (KpOrderReply) reply = order_at_kakaopay (f, sale->tid);
  g_autofree char *refund_id = g_strdup_printf ("%s-R%u", sale->partner_order_id, seq);
  g_autofree char *aid = cancel_aid_at_kakaopay (reply, refund_id);
  const KpJournalRefund *row;

  g_assert_cmpuint (refunds->len, >=, seq);
  row = g_ptr_array_index (refunds, seq - 1);
  g_assert_cmpstr (row->refund_id, ==, refund_id);
  g_assert_cmpstr (row->partner_order_id, ==, sale->partner_order_id);
  g_assert_cmpuint (row->seq, ==, seq);
  g_assert_cmpstr (kp_refund_state_to_string (row->state), ==, "REFUNDED");
  g_assert_cmpint (row->cancel_amount, ==, amount);
  g_assert_cmpint (row->cancel_tax_free_amount, ==, tax_free);
  g_assert_cmpint (row->cancel_vat_amount, ==, vat);
  g_assert_cmpint (row->cancel_available_amount, ==, available);
  g_assert_nonnull (aid);
  g_assert_cmpstr (row->aid, ==, aid);
  g_assert_nonnull (row->created_at);
  g_assert_nonnull (row->completed_at);
  g_assert_nonnull (row->canceled_at);
  assert_reported (f, row);
}

/* KakaoPay's cumulative cancels, and the journal's refunded amount, equal @total. */
static void
assert_canceled_at_kakaopay (Fixture             *f,
                             const KpJournalSale *sale,
                             gint64               total,
                             gint64               tax_free,
                             gint64               vat)
{
  g_autoptr (KpOrderReply) reply = order_at_kakaopay (f, sale->tid);
  g_autoptr (KpJournalSale) now = journal_get (f, sale->partner_order_id);

  g_assert_cmpint (reply->canceled_amount.total, ==, total);
  g_assert_cmpint (reply->canceled_amount.tax_free, ==, tax_free);
  g_assert_cmpint (reply->canceled_amount.vat, ==, vat);
  g_assert_cmpint (now->refunded_amount, ==, total);
  g_assert_cmpint (reply->status, ==, total == 0 ? KP_STATUS_SUCCESS_PAYMENT
                                   : total == sale->total_amount ? KP_STATUS_CANCEL_PAYMENT
                                   : KP_STATUS_PART_CANCEL_PAYMENT);
}

/* Refused before anything is journaled or sent: the sale as it was. */
static void
assert_refused (Fixture             *f,
                const KpJournalSale *sale,
                gint64               amount,
                gint64               tax_free,
                const char          *lines_json,
                GQuark               domain,
                int                  code)
{
  g_autoptr (GPtrArray) before = journal_refunds (f, sale->partner_order_id);
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (KpJournalSale) now = NULL;
  g_autoptr (KpJournalSale) unchanged = journal_get (f, sale->partner_order_id);
  g_autoptr (GError) error = NULL;

  now = refund (f, sale->partner_order_id, amount, tax_free, lines_json, &error);
  g_assert_null (now);
  g_assert_error (error, domain, code);
  assert_calls (f, "");
  assert_resolved (f, "");
  after = journal_refunds (f, sale->partner_order_id);
  g_assert_cmpuint (after->len, ==, before->len);
  g_clear_pointer (&now, kp_journal_sale_free);
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, unchanged->state);
  g_assert_cmpint (now->refunded_amount, ==, unchanged->refunded_amount);
}

/* Whole and partial refunds */

static void
test_full (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GError) error = NULL;
  gint64 vat = sale->vat_amount;

  g_assert_cmpint (kp_vat_tax_free_share (TOTAL, TOTAL, TAX_FREE), ==, TAX_FREE);
  refunded = refund (f, sale->partner_order_id, TOTAL, TAX_FREE, NULL, &error);
  g_assert_no_error (error);

  /* Journaled REFUND_SENT before cancel went out; the sale unchanged until the reply. */
  assert_calls (f, "cancel 12500/12500 R1=APPROVED 0, R1 REFUND_SENT 12500");
  assert_resolved (f, "R1=REFUNDED REFUNDED");
  g_assert_cmpint (refunded->state, ==, KP_SALE_STATE_REFUNDED);
  g_assert_cmpint (refunded->refunded_amount, ==, TOTAL);
  assert_refunded (f, sale, 1, TOTAL, TAX_FREE, vat, TOTAL);
  assert_canceled_at_kakaopay (f, sale, TOTAL, TAX_FREE, vat);
  assert_history (f, sale->partner_order_id,
                  "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED REFUNDED");

  /* Nothing is left. */
  assert_refused (f, sale, 1, 0, NULL, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION);
}

/* By amount, twice: the tax-free part in proportion, the VAT by KakaoPay's rule, and
 * the last refund takes exactly what is left of each. */
static void
test_partial_amount (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) partly = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;
  KpRefundPlan first;
  KpRefundPlan rest;
  KpRefundLeft left;

  kp_refund_left_of_sale (sale, NULL, &left);
  g_assert_cmpint (left.total, ==, TOTAL);
  g_assert_true (kp_refund_plan_by_amount (&left, 3000, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first.tax_free, ==, kp_vat_tax_free_share (3000, TOTAL, TAX_FREE));
  g_assert_cmpint (first.tax_free, ==, 480);
  g_assert_cmpint (first.vat, ==, kp_vat_default (3000 - 480, 0));

  partly = refund (f, sale->partner_order_id, first.amount, first.tax_free, NULL, &error);
  g_assert_no_error (error);
  assert_calls (f, "cancel 3000/12500 R1=APPROVED 0, R1 REFUND_SENT 3000");
  assert_resolved (f, "R1=REFUNDED PARTIALLY_REFUNDED");
  g_assert_cmpint (partly->state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
  g_assert_cmpint (partly->refunded_amount, ==, 3000);
  assert_refunded (f, sale, 1, 3000, first.tax_free, first.vat, TOTAL);
  assert_canceled_at_kakaopay (f, sale, 3000, first.tax_free, first.vat);

  /* More than is left: refused, nothing sent. */
  assert_refused (f, partly, TOTAL - 3000 + 1, 0, NULL, KP_JOURNAL_ERROR,
                  KP_JOURNAL_ERROR_INVALID);

  /* The rest. */
  refunds = journal_refunds (f, sale->partner_order_id);
  kp_refund_left_of_sale (partly, refunds, &left);
  g_assert_cmpint (left.total, ==, TOTAL - 3000);
  g_assert_true (kp_refund_plan_by_amount (&left, left.total, &rest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rest.tax_free, ==, TAX_FREE - first.tax_free);
  g_assert_cmpint (rest.vat, ==, sale->vat_amount - first.vat);
  refunded = refund (f, sale->partner_order_id, rest.amount, rest.tax_free, NULL, &error);
  g_assert_no_error (error);
  assert_calls (f, "cancel 9500/9500 R2=PARTIALLY_REFUNDED 3000, R2 REFUND_SENT 9500");
  assert_resolved (f, "R2=REFUNDED REFUNDED");
  g_assert_cmpint (refunded->state, ==, KP_SALE_STATE_REFUNDED);
  assert_refunded (f, sale, 2, rest.amount, rest.tax_free, rest.vat, TOTAL - 3000);
  assert_canceled_at_kakaopay (f, sale, TOTAL, TAX_FREE, sale->vat_amount);
  assert_history (f, sale->partner_order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED "
                                             "PARTIALLY_REFUNDED REFUNDED");
}

/* By lines: the items' prices, the tax-free item's as tax-free, and the lines kept with
 * the refund so they cannot be refunded twice. */
static void
test_partial_lines (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) partly = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *lines_left = NULL;
  g_autofree char *first_json = NULL;
  g_autofree char *rest_json = NULL;
  const gint64 first_lines[] = { 1, 0, 1 };   /* one Americano, the Milk */
  const gint64 milk_again[] = { 0, 0, 1 };
  KpRefundPlan first;
  KpRefundPlan rest;
  KpRefundLeft left;

  kp_refund_left_of_sale (sale, NULL, &left);
  g_assert_true (kp_refund_plan_by_lines (&left, sale, first_lines, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first.amount, ==, 6500);
  g_assert_cmpint (first.tax_free, ==, 2000);
  first_json = kp_refund_lines_to_json (sale, first_lines);
  g_assert_cmpstr (first_json, ==, "[{\"position\":0,\"quantity\":1},"
                                   "{\"position\":2,\"quantity\":1}]");

  partly = refund (f, sale->partner_order_id, first.amount, first.tax_free, first_json,
                   &error);
  g_assert_no_error (error);
  assert_calls (f, "cancel 6500/12500 R1=APPROVED 0, R1 REFUND_SENT 6500");
  assert_resolved (f, "R1=REFUNDED PARTIALLY_REFUNDED");
  assert_refunded (f, sale, 1, 6500, 2000, first.vat, TOTAL);
  refunds = journal_refunds (f, sale->partner_order_id);
  g_assert_cmpstr (((KpJournalRefund *) g_ptr_array_index (refunds, 0))->lines_json, ==,
                   first_json);
  g_clear_pointer (&partly, kp_journal_sale_free);
  partly = journal_get (f, sale->partner_order_id);
  lines_left = kp_refund_lines_left (partly, refunds);
  g_assert_cmpint (lines_left[0], ==, 1);
  g_assert_cmpint (lines_left[1], ==, 1);
  g_assert_cmpint (lines_left[2], ==, 0);

  /* The Milk again: the plan refuses it, and so does the journal, since nothing
   * tax-free is left. */
  kp_refund_left_of_sale (partly, refunds, &left);
  g_assert_cmpint (left.tax_free, ==, 0);
  g_assert_false (kp_refund_plan_by_lines (&left, partly, milk_again, &rest, &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_DOES_NOT_FIT);
  g_clear_error (&error);
  assert_refused (f, partly, 2000, 2000, NULL, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);

  /* The items left. */
  g_assert_true (kp_refund_plan_by_lines (&left, partly, lines_left, &rest, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rest.amount, ==, 6000);
  g_assert_cmpint (rest.tax_free, ==, 0);
  rest_json = kp_refund_lines_to_json (partly, lines_left);
  refunded = refund (f, sale->partner_order_id, rest.amount, rest.tax_free, rest_json,
                     &error);
  g_assert_no_error (error);
  assert_calls (f, "cancel 6000/6000 R2=PARTIALLY_REFUNDED 6500, R2 REFUND_SENT 6000");
  assert_resolved (f, "R2=REFUNDED REFUNDED");
  g_assert_cmpint (refunded->state, ==, KP_SALE_STATE_REFUNDED);
  assert_refunded (f, sale, 2, 6000, 0, sale->vat_amount - first.vat, 6000);
  assert_canceled_at_kakaopay (f, sale, TOTAL, TAX_FREE, sale->vat_amount);
  g_clear_pointer (&refunds, g_ptr_array_unref);
  g_clear_pointer (&lines_left, g_free);
  refunds = journal_refunds (f, sale->partner_order_id);
  lines_left = kp_refund_lines_left (refunded, refunds);
  g_assert_cmpint (lines_left[0] + lines_left[1] + lines_left[2], ==, 0);
}

/* What the journal refuses before anything is sent. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) unpaid = journal_create (f);
  g_autoptr (KpJournalSale) none = NULL;
  g_autoptr (GError) error = NULL;

  /* More than the sale, nothing, more tax-free than it had. */
  assert_refused (f, sale, TOTAL + 1, TAX_FREE, NULL, KP_JOURNAL_ERROR,
                  KP_JOURNAL_ERROR_INVALID);
  assert_refused (f, sale, 0, 0, NULL, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  assert_refused (f, sale, 3000, TAX_FREE + 1, NULL, KP_JOURNAL_ERROR,
                  KP_JOURNAL_ERROR_INVALID);
  /* Lines that are not JSON. */
  assert_refused (f, sale, 3000, 0, "[{", KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  /* A sale that was never paid, one that does not exist. */
  assert_refused (f, unpaid, 1000, 0, NULL, KP_JOURNAL_ERROR,
                  KP_JOURNAL_ERROR_BAD_TRANSITION);
  none = refund (f, "T1-20000101-9999", 1000, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  assert_calls (f, "");

  /* Still all there to refund. */
  g_clear_error (&error);
  none = refund (f, sale->partner_order_id, TOTAL, TAX_FREE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (none->state, ==, KP_SALE_STATE_REFUNDED);
  assert_calls (f, "cancel 12500/12500 R1=APPROVED 0, R1 REFUND_SENT 12500");
}

/* Failing at KakaoPay */

/* KakaoPay refuses the cancel (-781): REFUND_FAILED with its reason, the sale as it was;
 * a second try is a new refund. */
static void
test_declined (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) none = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (KpJournalSale) now = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;
  const KpJournalRefund *row;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_DECLINE, 1,
                           0);
  none = refund (f, sale->partner_order_id, 3000, 480, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_REJECTED);
  g_assert_cmpint (kp_api_error_get_code (error), ==, KP_CODE_CANCEL_FAILED);
  assert_calls (f, "cancel!decline#-781 3000/12500 R1=APPROVED 0, R1 REFUND_SENT 3000");
  assert_resolved (f, "R1=REFUND_FAILED APPROVED");

  refunds = journal_refunds (f, sale->partner_order_id);
  g_assert_cmpuint (refunds->len, ==, 1);
  row = g_ptr_array_index (refunds, 0);
  g_assert_cmpstr (kp_refund_state_to_string (row->state), ==, "REFUND_FAILED");
  g_assert_cmpstr (row->detail, ==, error->message);
  g_assert_null (row->aid);
  g_assert_nonnull (row->completed_at);
  assert_reported (f, row);
  now = journal_get (f, sale->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpint (now->refunded_amount, ==, 0);
  assert_canceled_at_kakaopay (f, sale, 0, 0, 0);
  assert_history (f, sale->partner_order_id, "READY_SENT AWAITING_CUSTOMER APPROVING APPROVED");

  g_clear_error (&error);
  refunded = refund (f, sale->partner_order_id, 3000, 480, NULL, &error);
  g_assert_no_error (error);
  assert_calls (f, "cancel 3000/12500 R2=APPROVED 0, R2 REFUND_SENT 3000");
  assert_resolved (f, "R2=REFUNDED PARTIALLY_REFUNDED");
  assert_refunded (f, sale, 2, 3000, 480, kp_vat_default (2520, 0), TOTAL);
}

/* Cancel never reached KakaoPay (a proxy's 500): its order API shows no such cancel,
 * so the refund failed and nothing was refunded. */
static void
test_not_received (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) none = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_HTTP_500, 1,
                           0);
  none = refund (f, sale->partner_order_id, TOTAL, TAX_FREE, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_NOT_SENT);
  assert_calls (f, "cancel!http-500 12500/12500 R1=APPROVED 0, R1 REFUND_SENT 12500; "
                   "order=APPROVED 0, R1 REFUND_SENT 12500");
  assert_resolved (f, "R1=REFUND_FAILED APPROVED");
  refunds = journal_refunds (f, sale->partner_order_id);
  g_assert_cmpstr (kp_refund_state_to_string (((KpJournalRefund *) refunds->pdata[0])->state),
                   ==, "REFUND_FAILED");
  assert_canceled_at_kakaopay (f, sale, 0, 0, 0);
}

/* Cancel was processed but its reply was lost: the order API lists the cancel that
 * carried the refund's id, so it is refunded, and cancel is not sent again. With
 * @data, the order API fails twice first: asked again, a little later each time. */
static void
test_reply_lost (Fixture       *f,
                 gconstpointer  data)
{
  gboolean order_fails = GPOINTER_TO_INT (data);
  g_autoptr (KpJournalSale) sale = approved_sale (f);
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GError) error = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  if (order_fails)
    kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_HTTP_500, 2,
                             0);
  refunded = refund (f, sale->partner_order_id, 3000, 480, NULL, &error);
  g_assert_no_error (error);
  if (order_fails)
    assert_calls (f, "cancel!drop-reply 3000/12500 R1=APPROVED 0, R1 REFUND_SENT 3000; "
                     "order!http-500=APPROVED 0, R1 REFUND_SENT 3000; "
                     "order!http-500=APPROVED 0, R1 REFUND_SENT 3000; "
                     "order=APPROVED 0, R1 REFUND_SENT 3000");
  else
    assert_calls (f, "cancel!drop-reply 3000/12500 R1=APPROVED 0, R1 REFUND_SENT 3000; "
                     "order=APPROVED 0, R1 REFUND_SENT 3000");
  assert_resolved (f, "R1=REFUNDED PARTIALLY_REFUNDED");
  g_assert_cmpint (refunded->state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
  assert_refunded (f, sale, 1, 3000, 480, kp_vat_default (2520, 0), TOTAL);
  assert_canceled_at_kakaopay (f, sale, 3000, 480, kp_vat_default (2520, 0));
}

/* Refunds a crash left REFUND_SENT, resolved at start-up from the order API: one whose
 * cancel was processed, one whose cancel never went out. */

static KpJournalRefund *
journal_begin_refund (Fixture             *f,
                      const KpJournalSale *sale,
                      gint64               amount,
                      gint64               tax_free)
{
  g_autoptr (KpJournalRefundRequest) request = kp_journal_refund_request_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpTestAsync async = { NULL };
  KpJournalRefund *row;

  request->cancel_amount = amount;
  request->cancel_tax_free_amount = tax_free;
  kp_journal_begin_refund_async (f->journal, sale->partner_order_id, request, NULL,
                                 kp_test_async_cb, &async);
  result = kp_test_async_wait (&async);
  row = kp_journal_begin_refund_finish (f->journal, result, &error);
  g_assert_no_error (error);
  return row;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
has_resolved (Fixture       *f,
              gconstpointer  data)
{
  return f->resolved->len >= GPOINTER_TO_UINT (data);
}

static void
test_recover (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (KpJournalSale) processed = approved_sale (f);
  g_autoptr (KpJournalSale) never_sent = approved_sale (f);
  g_autoptr (KpJournalRefund) processed_row = journal_begin_refund (f, processed, 3000, 480);
  g_autoptr (KpJournalRefund) never_sent_row = journal_begin_refund (f, never_sent, TOTAL,
                                                                     TAX_FREE);
  g_autoptr (KpCancelRequest) cancel = kp_cancel_request_new ();
  g_autoptr (KpCancelReply) cancel_reply = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (KpJournalSale) now = NULL;
  g_autoptr (GError) error = NULL;

  /* The terminal sent the first cancel and died before journaling its reply. */
  cancel->cid = g_strdup (processed->cid);
  cancel->tid = g_strdup (processed->tid);
  cancel->cancel_amount = processed_row->cancel_amount;
  cancel->cancel_tax_free_amount = processed_row->cancel_tax_free_amount;
  cancel->cancel_vat_amount = processed_row->cancel_vat_amount;
  cancel->cancel_available_amount = processed_row->cancel_available_amount;
  cancel->payload = g_strdup (processed_row->refund_id);
  {
    g_autoptr (GAsyncResult) result = NULL;
    KpTestAsync async = { NULL };

    kp_client_cancel_async (f->client, cancel, NULL, kp_test_async_cb, &async);
    result = kp_test_async_wait (&async);
    cancel_reply = kp_client_cancel_finish (f->client, result, &error);
    g_assert_no_error (error);
  }
  assert_calls (f, "cancel 3000/12500 R1=APPROVED 0, R1 REFUND_SENT 3000");

  kp_refunder_recover (f->refunder);
  wait_until (has_resolved, f, GUINT_TO_POINTER (2), "both refunds to be resolved");
  /* Only order is asked: cancel is never sent again blindly. */
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 2);
  /* Either may be resolved first. */
  g_ptr_array_sort (f->resolved, compare_strings);
  assert_resolved (f, "R1=REFUNDED PARTIALLY_REFUNDED; R1=REFUND_FAILED APPROVED");
  g_ptr_array_sort (f->calls, compare_strings);
  assert_calls (f, "order=APPROVED 0, R1 REFUND_SENT 12500; "
                   "order=APPROVED 0, R1 REFUND_SENT 3000");

  assert_refunded (f, processed, 1, 3000, 480, processed_row->cancel_vat_amount, TOTAL);
  refunds = journal_refunds (f, processed->partner_order_id);
  g_assert_cmpstr (((KpJournalRefund *) refunds->pdata[0])->aid, ==, cancel_reply->aid);
  assert_canceled_at_kakaopay (f, processed, 3000, 480, processed_row->cancel_vat_amount);

  g_clear_pointer (&refunds, g_ptr_array_unref);
  refunds = journal_refunds (f, never_sent->partner_order_id);
  g_assert_cmpuint (refunds->len, ==, 1);
  g_assert_cmpstr (kp_refund_state_to_string (((KpJournalRefund *) refunds->pdata[0])->state),
                   ==, "REFUND_FAILED");
  now = journal_get (f, never_sent->partner_order_id);
  g_assert_cmpint (now->state, ==, KP_SALE_STATE_APPROVED);
  assert_canceled_at_kakaopay (f, never_sent, 0, 0, 0);
}

/* What the cashier is told when a refund did not happen: the plan's own words, a
 * journal refusal that says nothing went to KakaoPay, KakaoPay's reason. */
static void
test_error_message (void)
{
  g_autoptr (GError) plan = g_error_new_literal (KP_REFUND_PLAN_ERROR,
                                                 KP_REFUND_PLAN_ERROR_TOO_MUCH, "Too much.");
  g_autoptr (GError) conflict = g_error_new_literal (KP_JOURNAL_ERROR,
                                                     KP_JOURNAL_ERROR_STATE_CONFLICT, "busy");
  g_autoptr (GError) rejected = g_error_new_literal (KP_API_ERROR, KP_API_ERROR_REJECTED,
                                                     "Already cancelled.");
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk");
  g_autofree char *plan_text = kp_refunder_error_message (plan);
  g_autofree char *conflict_text = kp_refunder_error_message (conflict);
  g_autofree char *rejected_text = kp_refunder_error_message (rejected);
  g_autofree char *other_text = kp_refunder_error_message (other);

  g_assert_cmpstr (plan_text, ==, "Too much.");
  g_assert_nonnull (strstr (conflict_text, "Nothing was sent to KakaoPay"));
  g_assert_nonnull (strstr (rejected_text, "KakaoPay refused the refund"));
  g_assert_nonnull (strstr (rejected_text, "Already cancelled."));
  g_assert_nonnull (strstr (other_text, "disk"));
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

  add ("/kp/refunder/full", NULL, test_full);
  add ("/kp/refunder/partial/amount", NULL, test_partial_amount);
  add ("/kp/refunder/partial/lines", NULL, test_partial_lines);
  add ("/kp/refunder/refused", NULL, test_refused);
  add ("/kp/refunder/failed/declined", NULL, test_declined);
  add ("/kp/refunder/failed/not-received", NULL, test_not_received);
  add ("/kp/refunder/reply-lost", GINT_TO_POINTER (FALSE), test_reply_lost);
  add ("/kp/refunder/reply-lost/order-fails", GINT_TO_POINTER (TRUE), test_reply_lost);
  add ("/kp/refunder/recover", NULL, test_recover);
  g_test_add_func ("/kp/refunder/error-message", test_error_message);

  return g_test_run ();
}
