/* test-terminal.c: KpTerminal without a display — services from the settings, a sale
 * through the embedded sandbox and the listener, settings changed mid-sale
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-sandbox.h"
#include "kp-terminal.h"
#include "kp-test-printer.h"

#define WAIT_S 30

typedef struct
{
  char          *dir;
  GSettings     *gsettings;
  KpSettings    *settings;
  KpSecretStore *secrets;
  KpTerminal    *terminal;
  /* What the checkout said. */
  char          *tid;
  char          *redirect_url;
  int            result;
  gboolean       finished;
  /* What the terminal said of receipts. */
  guint          receipts_printed;
  guint          receipts_failed;
  char          *receipt_reason;
  TestPrinter   *printer;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *journal = NULL;

  f->dir = g_dir_make_tmp ("kp-terminal-XXXXXX", &error);
  g_assert_no_error (error);
  source = g_settings_schema_source_new_from_directory (KP_SCHEMAS_DIR, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE);
  f->gsettings = g_settings_new_full (schema, backend, NULL);
  f->settings = kp_settings_new (f->gsettings);
  f->secrets = kp_secret_store_new ();
  journal = g_build_filename (f->dir, "journal.sqlite3", NULL);
  f->terminal = kp_terminal_new (f->settings, f->secrets, journal);
  f->result = -1;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *journal = g_build_filename (f->dir, "journal.sqlite3", NULL);
  g_autofree char *wal = g_strconcat (journal, "-wal", NULL);
  g_autofree char *shm = g_strconcat (journal, "-shm", NULL);

  kp_terminal_shutdown (f->terminal);
  g_clear_object (&f->terminal);
  g_clear_object (&f->secrets);
  g_clear_object (&f->settings);
  g_clear_object (&f->gsettings);
  g_unlink (journal);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->tid);
  g_free (f->redirect_url);
  g_free (f->receipt_reason);
  g_clear_pointer (&f->printer, test_printer_free);
}

typedef gboolean (*Condition) (Fixture *f);

static gboolean
timed_out_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @condition holds; fails the test after WAIT_S. */
static void
wait_for (Fixture     *f,
          Condition    condition,
          const char  *what)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_S, timed_out_cb, &timed_out);

  while (!condition (f) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("timed out waiting for %s", what);
  g_source_remove (id);
}

static gboolean
has_checkout (Fixture *f)
{
  /* And the start-up recovery has read the unfinished sales: a sale created before
   * that read would be taken for one a crash left behind. */
  return kp_terminal_get_checkout (f->terminal) != NULL &&
         kp_terminal_get_client (f->terminal) != NULL &&
         kp_terminal_get_callback_base (f->terminal) != NULL &&
         !kp_reconciler_get_recovering (kp_terminal_get_reconciler (f->terminal));
}

static gboolean
has_tid (Fixture *f)
{
  return f->tid != NULL;
}

static gboolean
has_finished (Fixture *f)
{
  return f->finished;
}

static void
on_ready_cb (KpCheckout          *checkout,
             const KpJournalSale *sale,
             gpointer             reply,
             Fixture             *f)
{
  g_free (f->tid);
  f->tid = g_strdup (sale->tid);
}

static void
on_finished_cb (KpCheckout          *checkout,
                int                  result,
                const KpJournalSale *sale,
                const GError        *error,
                Fixture             *f)
{
  f->result = result;
  f->finished = TRUE;
}

static KpJournalNewSale *
new_sale (void)
{
  KpJournalNewSale *sale = kp_journal_new_sale_new ();

  kp_journal_new_sale_add_line (sale, "아메리카노", 2, 4500, FALSE);
  kp_journal_new_sale_add_line (sale, "생수", 1, 1000, TRUE);
  sale->item_name = g_strdup ("아메리카노 외 1건");
  sale->quantity = 3;
  sale->total_amount = 10000;
  sale->tax_free_amount = 1000;
  sale->vat_amount = kp_vat_default (10000, 1000);
  return sale;
}

static void
start (Fixture *f)
{
  KpCheckout *checkout;

  kp_terminal_start (f->terminal);
  wait_for (f, has_checkout, "the checkout");
  checkout = kp_terminal_get_checkout (f->terminal);
  g_signal_connect (checkout, "ready", G_CALLBACK (on_ready_cb), f);
  g_signal_connect (checkout, "finished", G_CALLBACK (on_finished_cb), f);
}

static void
charge (Fixture *f)
{
  g_autoptr (KpJournalNewSale) sale = new_sale ();
  g_autoptr (GError) error = NULL;

  g_assert_true (kp_checkout_charge (kp_terminal_get_checkout (f->terminal), sale, &error));
  g_assert_no_error (error);
  wait_for (f, has_tid, "ready's tid");
  g_assert_cmpint (kp_checkout_get_stage (kp_terminal_get_checkout (f->terminal)), ==,
                   KP_CHECKOUT_STAGE_WAITING);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint *status = user_data;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                            result));
}

/* The customer pays on the sandbox's page; the phone's browser follows the redirect
 * to the terminal's listener, over loopback HTTP. */
static void
customer_pays (Fixture    *f,
               const char *callback_base)
{
  KpSandbox *sandbox = kp_terminal_get_sandbox (f->terminal);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GError) error = NULL;
  guint status = 0;

  g_assert_nonnull (sandbox);
  f->redirect_url = kp_sandbox_customer_act (sandbox, f->tid, KP_SANDBOX_ACTION_PAY, "MONEY",
                                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->redirect_url);
  g_assert_true (g_str_has_prefix (f->redirect_url, callback_base));
  message = soup_message_new ("GET", f->redirect_url);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, fetched_cb,
                                    &status);
  while (status == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&f->redirect_url, g_free);
}

static void
got_sale_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KpJournalSale **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  g_assert_no_error (error);
}

static KpJournalSale *
journaled (Fixture    *f,
           const char *partner_order_id)
{
  KpJournalSale *sale = NULL;

  kp_journal_get_sale_async (kp_terminal_get_journal (f->terminal), partner_order_id, NULL,
                             got_sale_cb, &sale);
  while (sale == NULL)
    g_main_context_iteration (NULL, TRUE);
  return sale;
}

/* Test mode by default: the embedded sandbox, a loopback listener, the test CID. */
static void
test_start (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *base = NULL;

  start (f);
  g_assert_true (kp_terminal_is_test_mode (f->terminal));
  g_assert_false (kp_terminal_uses_test_cid (f->terminal));
  g_assert_null (kp_terminal_get_setup_error (f->terminal));
  g_assert_nonnull (kp_terminal_get_sandbox (f->terminal));
  g_assert_nonnull (kp_terminal_get_journal (f->terminal));
  g_assert_cmpint (kp_terminal_get_relay_state (f->terminal), ==, -1);
  g_assert_true (g_str_has_prefix (kp_terminal_get_callback_base (f->terminal),
                                   "http://127.0.0.1:"));
  base = kp_sandbox_dup_base_url (kp_terminal_get_sandbox (f->terminal));
  g_assert_cmpstr (kp_client_get_base_url (kp_terminal_get_client (f->terminal)), ==, base);
}

/* A whole sale: ready, the customer pays, the listener hears it, approve; journaled. */
static void
test_sale (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = NULL;
  g_autofree char *order = NULL;

  start (f);
  charge (f);
  order = g_strdup (kp_checkout_get_sale (kp_terminal_get_checkout (f->terminal))->partner_order_id);
  customer_pays (f, kp_terminal_get_callback_base (f->terminal));
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);

  sale = journaled (f, order);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (sale->tid, ==, f->tid);
  g_assert_cmpstr (sale->terminal_id, ==, "T1");
  g_assert_cmpstr (sale->cid, ==, "TC0ONETIME");
  g_assert_cmpint (sale->total_amount, ==, 10000);
  g_assert_cmpint (sale->vat_amount, ==, 818);
  g_assert_nonnull (sale->aid);
}

static gboolean
listener_replaced (Fixture *f)
{
  KpApprovalListener *now = kp_terminal_get_listener (f->terminal);

  return now != NULL && now != g_object_get_data (G_OBJECT (f->terminal), "old-listener");
}

/* The settings change while the customer pays: the services are rebuilt for the next
 * sale, and the sale in flight ends with those it started with. */
static void
test_settings_mid_sale (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = NULL;
  g_autofree char *order = NULL;
  g_autofree char *old_base = NULL;
  KpApprovalListener *old_listener;

  start (f);
  charge (f);
  order = g_strdup (kp_checkout_get_sale (kp_terminal_get_checkout (f->terminal))->partner_order_id);
  old_listener = kp_terminal_get_listener (f->terminal);
  old_base = g_strdup (kp_terminal_get_callback_base (f->terminal));
  g_object_set_data (G_OBJECT (f->terminal), "old-listener", old_listener);

  /* A new address for the listener, and a new lifetime: a rebuild. */
  g_settings_set_string (f->gsettings, "callback-listen", "127.0.0.2:0");
  g_settings_set_uint (f->gsettings, "tid-lifetime", 600);
  g_assert_cmpuint (kp_settings_get_tid_lifetime (f->settings), ==, 600);
  wait_for (f, listener_replaced, "the services to be rebuilt");
  g_assert_null (kp_terminal_get_setup_error (f->terminal));
  g_assert_cmpint (kp_checkout_get_stage (kp_terminal_get_checkout (f->terminal)), ==,
                   KP_CHECKOUT_STAGE_WAITING);

  /* The customer's phone still goes to the link of the sale's own listener. */
  g_assert_true (g_str_has_prefix (kp_terminal_get_callback_base (f->terminal),
                                   "http://127.0.0.2:"));
  customer_pays (f, old_base);
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);
  sale = journaled (f, order);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
}

static gboolean
listener_bound (Fixture *f)
{
  g_autofree char *url = NULL;

  if (kp_terminal_get_listener (f->terminal) == NULL)
    return FALSE;
  url = kp_approval_listener_dup_url (kp_terminal_get_listener (f->terminal));
  return url != NULL;
}

/* KakaoPay's page in the app (qr-target "page"): no listener bound, no relay, callback
 * links on loopback that the app's web view hands in; back to a QR code, the listener
 * is bound again. */
static void
test_page_mode (Fixture       *f,
                gconstpointer  data)
{
  KpSandbox *sandbox;
  KpCheckout *checkout;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *order = NULL;
  g_autofree char *redirect = NULL;

  /* The engine needs no web view of its own: the program that shows one says so. */
  kp_settings_set_has_payment_page (TRUE);
  /* Delivery through a relay is moot with the page in the app. */
  g_settings_set_string (f->gsettings, "approval-delivery", "relay");
  g_settings_set_string (f->gsettings, "qr-target", "page");
  start (f);
  g_assert_null (kp_terminal_get_setup_error (f->terminal));
  g_assert_false (listener_bound (f));
  g_assert_cmpint (kp_terminal_get_relay_state (f->terminal), ==, -1);
  g_assert_true (g_str_has_prefix (kp_terminal_get_callback_base (f->terminal),
                                   "http://127.0.0.1:"));

  charge (f);
  checkout = kp_terminal_get_checkout (f->terminal);
  order = g_strdup (kp_checkout_get_sale (checkout)->partner_order_id);
  sandbox = kp_terminal_get_sandbox (f->terminal);
  redirect = kp_sandbox_customer_act (sandbox, f->tid, KP_SANDBOX_ACTION_PAY, "MONEY", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (redirect, kp_terminal_get_callback_base (f->terminal)));
  g_assert_true (kp_checkout_take_redirect (checkout, redirect, NULL));
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);
  sale = journaled (f, order);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);

  /* A QR code again: approvals come to the listener (through the relay, if so set). */
  g_settings_set_string (f->gsettings, "approval-delivery", "listener");
  g_settings_set_string (f->gsettings, "qr-target", "pc");
  wait_for (f, listener_bound, "the listener");
  kp_settings_set_has_payment_page (FALSE);
}

static gboolean
has_setup_error (Fixture *f)
{
  return kp_terminal_get_setup_error (f->terminal) != NULL;
}

/* A listener address it cannot use: said, translated, and nothing charged. */
static void
test_setup_error (Fixture       *f,
                  gconstpointer  data)
{
  /* Logged too, for whoever reads the journal of the system. */
  g_test_expect_message ("kp-terminal", G_LOG_LEVEL_WARNING, "*not an address*");
  g_settings_set_string (f->gsettings, "callback-listen", "not an address");
  kp_terminal_start (f->terminal);
  wait_for (f, has_setup_error, "a setup error");
  g_test_assert_expected_messages ();
  g_assert_nonnull (strstr (kp_terminal_get_setup_error (f->terminal), "not an address"));

  /* Fixed in the settings: the error goes with the rebuild. */
  g_settings_set_string (f->gsettings, "callback-listen", "127.0.0.1:0");
  wait_for (f, has_checkout, "the checkout");
  while (kp_terminal_get_setup_error (f->terminal) != NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_receipt_printed_cb (KpTerminal *terminal,
                       const char *partner_order_id,
                       const char *refund_id,
                       Fixture    *f)
{
  f->receipts_printed++;
}

static void
on_receipt_failed_cb (KpTerminal *terminal,
                      const char *partner_order_id,
                      const char *refund_id,
                      const char *reason,
                      Fixture    *f)
{
  f->receipts_failed++;
  g_free (f->receipt_reason);
  f->receipt_reason = g_strdup (reason);
}

static gboolean
has_receipt_outcome (Fixture *f)
{
  return f->receipts_printed + f->receipts_failed > 0;
}

static gboolean
printer_has_job (Fixture *f)
{
  return f->printer->jobs->len > 0;
}

static void
got_attempts_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = kp_journal_list_print_attempts_finish (KP_JOURNAL (source), result, &error);
  g_assert_no_error (error);
}

static GPtrArray *
print_attempts (Fixture    *f,
                const char *partner_order_id)
{
  GPtrArray *attempts = NULL;

  kp_journal_list_print_attempts_async (kp_terminal_get_journal (f->terminal),
                                        partner_order_id, NULL, got_attempts_cb, &attempts);
  while (attempts == NULL)
    g_main_context_iteration (NULL, TRUE);
  return attempts;
}

static void
refunded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KpJournalSale **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = kp_refunder_refund_finish (KP_REFUNDER (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
printer_has_two_jobs (Fixture *f)
{
  return f->printer->jobs->len >= 2;
}

/* A sale approved through the sandbox with --printer tcp://… --auto-print: one
 * receipt reaches the printer's socket, in CP949, with the total, the aid, the order
 * id and the business number; the attempt is journaled. */
static void
test_auto_print (Fixture       *f,
                 gconstpointer  data)
{
  g_auto (GVariantDict) options = G_VARIANT_DICT_INIT (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GPtrArray) attempts = NULL;
  g_autoptr (Job) job = NULL;
  g_autofree char *address = NULL;
  g_autofree char *order = NULL;
  g_autofree char *text = NULL;
  g_autofree char *aid_line = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  const KpJournalPrintAttempt *attempt;

  f->printer = test_printer_new (0x12);
  address = test_printer_address (f->printer);
  g_settings_set_string (f->gsettings, "shop-name", "카카오 카페");
  g_settings_set_string (f->gsettings, "shop-business-number", "2208162517");
  g_variant_dict_insert (&options, "printer", "s", address);
  g_variant_dict_insert (&options, "paper-width", "i", 32);
  g_variant_dict_insert (&options, "auto-print", "b", TRUE);
  g_assert_true (kp_settings_apply_options (f->settings, &options, &error));
  g_assert_no_error (error);
  g_assert_true (kp_settings_is_overridden (f->settings, KP_SETTING_PRINTER));
  g_assert_cmpuint (kp_settings_get_paper_width (f->settings), ==, 32);
  g_assert_true (kp_settings_get_auto_print (f->settings));

  g_signal_connect (f->terminal, "receipt-printed", G_CALLBACK (on_receipt_printed_cb), f);
  g_signal_connect (f->terminal, "receipt-failed", G_CALLBACK (on_receipt_failed_cb), f);
  start (f);
  charge (f);
  order = g_strdup (kp_checkout_get_sale (kp_terminal_get_checkout (f->terminal))->partner_order_id);
  customer_pays (f, kp_terminal_get_callback_base (f->terminal));
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);

  wait_for (f, printer_has_job, "the receipt");
  wait_for (f, has_receipt_outcome, "the receipt's outcome");
  g_assert_cmpuint (f->receipts_printed, ==, 1);
  g_assert_cmpuint (f->receipts_failed, ==, 0);
  g_assert_cmpuint (f->printer->jobs->len, ==, 1);

  sale = journaled (f, order);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
  job = parse_bytes (g_ptr_array_index (f->printer->jobs, 0));
  text = job_text (job);
  g_test_message ("receipt:\n%s", text);
  g_assert_true (job->korean_mode);
  g_assert_true (job->cut);
  g_assert_cmpstr (job->qr, ==, order);
  g_assert_nonnull (strstr (text, "카카오 카페\n"));
  g_assert_nonnull (strstr (text, "220-81-62517\n"));
  g_assert_nonnull (strstr (text, "\n아메리카노\n"));
  g_assert_nonnull (strstr (text, " 10,000\n"));
  g_assert_nonnull (strstr (text, order));
  aid_line = g_strconcat (sale->aid, "\n", NULL);
  g_assert_nonnull (strstr (text, aid_line));

  attempts = print_attempts (f, order);
  g_assert_cmpuint (attempts->len, ==, 1);
  attempt = g_ptr_array_index (attempts, 0);
  g_assert_true (attempt->printed);
  g_assert_cmpint (attempt->kind, ==, KP_PRINT_KIND_SALE);
  g_clear_pointer (&attempts, g_ptr_array_unref);

  /* A refund of one coffee: its cancellation receipt follows. */
  kp_refunder_refund_async (kp_terminal_get_refunder (f->terminal), order, 4500, 0, NULL,
                            NULL, refunded_cb, &refunded);
  while (refunded == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (refunded->state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
  wait_for (f, printer_has_two_jobs, "the cancellation receipt");
  while (f->receipts_printed < 2)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&job, job_free);
  g_clear_pointer (&text, g_free);
  job = parse_bytes (g_ptr_array_index (f->printer->jobs, 1));
  text = job_text (job);
  g_test_message ("cancellation receipt:\n%s", text);
  g_assert_nonnull (strstr (text, "Cancellation Receipt\n"));
  g_assert_nonnull (strstr (text, "\nRefunded                   4,500\n"));
  g_assert_nonnull (strstr (text, "\nRemaining                  5,500\n"));

  attempts = print_attempts (f, order);
  g_assert_cmpuint (attempts->len, ==, 2);
  attempt = g_ptr_array_index (attempts, 1);
  g_assert_true (attempt->printed);
  g_assert_cmpint (attempt->kind, ==, KP_PRINT_KIND_REFUND);
  g_assert_true (g_str_has_prefix (attempt->refund_id, order));
}

static void
printed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **out = user_data;

  if (!kp_terminal_print_receipt_finish (KP_TERMINAL (source), result, out))
    g_assert_nonnull (*out);
  else
    *out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "printed");
}

/* A printer that refuses connections: the sale stays approved, the terminal says why
 * the receipt was not printed and journals it; a reprint once the printer is back
 * prints it. */
static void
test_auto_print_unreachable (Fixture       *f,
                             gconstpointer  data)
{
  g_auto (GVariantDict) options = G_VARIANT_DICT_INIT (NULL);
  g_autoptr (GError) outcome = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GPtrArray) attempts = NULL;
  g_autoptr (Job) job = NULL;
  g_autofree char *address = NULL;
  g_autofree char *order = NULL;
  g_autofree char *text = NULL;
  const KpJournalPrintAttempt *attempt;

  /* A port that was open and is closed now. */
  f->printer = test_printer_new (0x12);
  address = test_printer_address (f->printer);
  g_clear_pointer (&f->printer, test_printer_free);

  g_settings_set_string (f->gsettings, "printer", address);
  g_settings_set_boolean (f->gsettings, "auto-print", TRUE);
  g_signal_connect (f->terminal, "receipt-printed", G_CALLBACK (on_receipt_printed_cb), f);
  g_signal_connect (f->terminal, "receipt-failed", G_CALLBACK (on_receipt_failed_cb), f);
  start (f);
  charge (f);
  order = g_strdup (kp_checkout_get_sale (kp_terminal_get_checkout (f->terminal))->partner_order_id);
  customer_pays (f, kp_terminal_get_callback_base (f->terminal));
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);
  wait_for (f, has_receipt_outcome, "the receipt's outcome");
  g_assert_cmpuint (f->receipts_failed, ==, 1);
  g_assert_nonnull (strstr (f->receipt_reason, address));

  sale = journaled (f, order);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
  attempts = print_attempts (f, order);
  g_assert_cmpuint (attempts->len, ==, 1);
  attempt = g_ptr_array_index (attempts, 0);
  g_assert_false (attempt->printed);
  g_assert_cmpstr (attempt->reason, ==, f->receipt_reason);
  g_clear_pointer (&attempts, g_ptr_array_unref);

  /* The printer is back (elsewhere); a reprint. */
  f->printer = test_printer_new (0);
  g_free (address);
  address = test_printer_address (f->printer);
  g_settings_set_string (f->gsettings, "printer", address);
  kp_terminal_print_receipt_async (f->terminal, order, NULL, TRUE, NULL, printed_cb,
                                   &outcome);
  while (outcome == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (outcome, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_cmpuint (f->receipts_printed, ==, 1);
  wait_for (f, printer_has_job, "the reprint");
  job = parse_bytes (g_ptr_array_index (f->printer->jobs, 0));
  text = job_text (job);
  g_assert_nonnull (strstr (text, "REPRINT\n"));
  g_assert_nonnull (strstr (text, sale->aid));

  attempts = print_attempts (f, order);
  g_assert_cmpuint (attempts->len, ==, 2);
  attempt = g_ptr_array_index (attempts, 1);
  g_assert_true (attempt->printed);
  g_assert_cmpint (attempt->kind, ==, KP_PRINT_KIND_REPRINT);
}

/* Auto-print off (the default): nothing is printed or journaled. */
static void
test_no_auto_print (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) attempts = NULL;
  g_autofree char *address = NULL;
  g_autofree char *order = NULL;

  f->printer = test_printer_new (0x12);
  address = test_printer_address (f->printer);
  g_settings_set_string (f->gsettings, "printer", address);
  g_signal_connect (f->terminal, "receipt-failed", G_CALLBACK (on_receipt_failed_cb), f);
  start (f);
  charge (f);
  order = g_strdup (kp_checkout_get_sale (kp_terminal_get_checkout (f->terminal))->partner_order_id);
  customer_pays (f, kp_terminal_get_callback_base (f->terminal));
  wait_for (f, has_finished, "the sale to finish");
  g_assert_cmpint (f->result, ==, KP_CHECKOUT_APPROVED);

  attempts = print_attempts (f, order);
  g_assert_cmpuint (attempts->len, ==, 0);
  g_assert_cmpuint (f->receipts_failed, ==, 0);
  g_assert_cmpuint (f->printer->open, ==, 0);
  g_assert_cmpuint (f->printer->jobs->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kp/terminal/start", Fixture, NULL, fixture_set_up, test_start,
              fixture_tear_down);
  g_test_add ("/kp/terminal/sale", Fixture, NULL, fixture_set_up, test_sale,
              fixture_tear_down);
  g_test_add ("/kp/terminal/settings-mid-sale", Fixture, NULL, fixture_set_up,
              test_settings_mid_sale, fixture_tear_down);
  g_test_add ("/kp/terminal/setup-error", Fixture, NULL, fixture_set_up, test_setup_error,
              fixture_tear_down);
  g_test_add ("/kp/terminal/auto-print", Fixture, NULL, fixture_set_up, test_auto_print,
              fixture_tear_down);
  g_test_add ("/kp/terminal/auto-print-unreachable", Fixture, NULL, fixture_set_up,
              test_auto_print_unreachable, fixture_tear_down);
  g_test_add ("/kp/terminal/no-auto-print", Fixture, NULL, fixture_set_up,
              test_no_auto_print, fixture_tear_down);
  g_test_add ("/kp/terminal/page-mode", Fixture, NULL, fixture_set_up, test_page_mode,
              fixture_tear_down);

  return g_test_run ();
}
