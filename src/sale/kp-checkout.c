/* kp-checkout.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-checkout"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-address.h"
#include "kp-bench.h"
#include "kp-checkout-private.h"

/* One payment at a time on this terminal, from Charge to its end:
 *
 *   journal READY_SENT → ready → journal AWAITING_CUSTOMER (tid) → QR shown
 *   → first outcome from listener / poller / expiry
 *   → journal APPROVING (pg_token) → approve → journal APPROVED
 *
 * Every journal write happens before the network call that depends on it. A call
 * whose outcome is unknown is never repeated blindly: the order API is asked first. */
G_DEFINE_FINAL_TYPE (KpCheckout, kp_checkout, G_TYPE_OBJECT)

enum {
  SIGNAL_STAGE_CHANGED,
  SIGNAL_READY,
  SIGNAL_STATUS_CHANGED,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
setup_clear (Setup *setup)
{
  g_clear_object (&setup->client);
  g_clear_object (&setup->listener);
  g_clear_object (&setup->relay);
  g_clear_pointer (&setup->cid, g_free);
  g_clear_pointer (&setup->cid_secret, g_free);
  g_clear_pointer (&setup->terminal_id, g_free);
  g_clear_pointer (&setup->partner_user_id, g_free);
  g_clear_pointer (&setup->callback_base, g_free);
}

static void
setup_copy (Setup       *to,
            const Setup *from)
{
  if (to == from)
    return;
  setup_clear (to);
  to->client = from->client != NULL ? g_object_ref (from->client) : NULL;
  to->listener = from->listener != NULL ? g_object_ref (from->listener) : NULL;
  to->relay = from->relay != NULL ? g_object_ref (from->relay) : NULL;
  to->cid = g_strdup (from->cid);
  to->cid_secret = g_strdup (from->cid_secret);
  to->terminal_id = g_strdup (from->terminal_id);
  to->partner_user_id = g_strdup (from->partner_user_id);
  to->callback_base = g_strdup (from->callback_base);
  to->poll_interval_ms = from->poll_interval_ms;
  to->tid_lifetime_s = from->tid_lifetime_s;
}

const char *
kp_checkout_result_to_string (KpCheckoutResult result)
{
  static const char * const names[] = {
    "approved", "ready-failed", "cancelled", "failed", "expired", "aborted", "approve-failed",
  };

  g_return_val_if_fail (result <= KP_CHECKOUT_APPROVE_FAILED, NULL);
  return names[result];
}

static void
set_stage (KpCheckout      *self,
           KpCheckoutStage  stage)
{
  if (self->stage == stage)
    return;
  self->stage = stage;
  g_signal_emit (self, signals[SIGNAL_STAGE_CHANGED], 0, stage);
}

void
_kp_checkout_replace_sale (KpCheckout    *self,
                           KpJournalSale *sale)
{
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  self->sale = sale;
}

void
_kp_checkout_finish (KpCheckout       *self,
                     KpCheckoutResult  result,
                     const GError     *error)
{
  g_autoptr (KpCheckout) keep G_GNUC_UNUSED = g_object_ref (self);

  g_debug ("%s ends: %s", self->sale != NULL ? self->sale->partner_order_id : "sale",
           kp_checkout_result_to_string (result));
  if (self->monitor != NULL)
    {
      kp_sale_monitor_stop (self->monitor);
      g_clear_object (&self->monitor);
    }
  else if (self->now.listener != NULL && self->sale != NULL)
    kp_approval_listener_forget (self->now.listener, self->sale->partner_order_id);
  g_clear_pointer (&self->ready_reply, kp_ready_reply_free);
  self->abort_requested = FALSE;
  set_stage (self, KP_CHECKOUT_STAGE_IDLE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, result, self->sale, error);
}

/* Approve, and whatever follows an unknown outcome, belong to the reconciler: the same
 * code that resolves sales after a crash. It tells us when our sale is final. */
static void
on_reconciler_resolved_cb (KpReconciler        *reconciler,
                           const KpJournalSale *sale,
                           int                  previous,
                           const GError        *error,
                           KpCheckout          *self)
{
  if (self->sale == NULL || self->stage != KP_CHECKOUT_STAGE_APPROVING ||
      g_strcmp0 (sale->partner_order_id, self->sale->partner_order_id) != 0)
    return;

  _kp_checkout_replace_sale (self, kp_journal_sale_copy (sale));
  if (kp_sale_state_is_in_flight (sale->state))
    {
      /* The reconciler let go without a final state (a journal write failed). */
      _kp_checkout_finish (self, KP_CHECKOUT_APPROVE_FAILED, error);
      return;
    }
  _kp_checkout_finish (self, _kp_checkout_result_for_state (sale->state), error);
}

static void
approving_written (KpCheckout *self)
{
  kp_reconciler_approve_using (self->reconciler, self->sale, self->now.client,
                               self->now.cid_secret);
}

static void
on_monitor_status_changed_cb (KpSaleMonitor *monitor,
                              int            status,
                              KpCheckout    *self)
{
  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0, status);
}

static void
on_monitor_outcome_cb (KpSaleMonitor *monitor,
                       int            outcome,
                       const char    *pg_token,
                       KpCheckout    *self)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  /* After the cashier's abort nothing the customer does moves the sale: it ends as
   * aborted, and the reconciler watches for a payment that completes anyway. */
  if (self->stage != KP_CHECKOUT_STAGE_WAITING || self->abort_requested)
    return;

  switch (outcome)
    {
    case KP_SALE_OUTCOME_AUTHORIZED:
      update->pg_token = g_strdup (pg_token);
      set_stage (self, KP_CHECKOUT_STAGE_APPROVING);
      _kp_checkout_write_transition (self, KP_SALE_STATE_APPROVING, update, approving_written);
      break;
    case KP_SALE_OUTCOME_PAID:
      set_stage (self, KP_CHECKOUT_STAGE_APPROVING);
      kp_reconciler_resolve_using (self->reconciler, self->sale, self->now.client,
                                   self->now.cid_secret);
      break;
    case KP_SALE_OUTCOME_CANCELLED:
      _kp_checkout_write_final (self, KP_SALE_STATE_CANCELLED_BY_CUSTOMER, update, KP_CHECKOUT_CANCELLED, NULL);
      break;
    case KP_SALE_OUTCOME_FAILED:
      _kp_checkout_write_final (self, KP_SALE_STATE_FAILED, update, KP_CHECKOUT_FAILED, NULL);
      break;
    case KP_SALE_OUTCOME_EXPIRED:
    default:
      _kp_checkout_write_final (self, KP_SALE_STATE_EXPIRED, update, KP_CHECKOUT_EXPIRED, NULL);
      break;
    }
}

static void
abort_waiting (KpCheckout *self)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  /* The abort is written once: a second Cancel before it is journaled only waits. */
  self->abort_requested = TRUE;
  if (self->monitor != NULL)
    kp_sale_monitor_stop (self->monitor);
  update->detail = g_strdup ("cancelled by the cashier");
  _kp_checkout_write_final (self, KP_SALE_STATE_ABORTED_BY_CASHIER, update, KP_CHECKOUT_ABORTED, NULL);
}

/* The tid is in the journal: show the QR and start watching. */
static void
awaiting_written (KpCheckout *self)
{
  set_stage (self, KP_CHECKOUT_STAGE_WAITING);

  if (self->abort_requested)
    {
      abort_waiting (self);
      return;
    }

  self->monitor = kp_sale_monitor_new (self->now.client, self->now.listener, self->sale->cid,
                                       self->sale->partner_order_id, self->callback_nonce,
                                       self->sale->tid, self->sale->expires_at,
                                       self->now.poll_interval_ms);
  g_signal_connect_object (self->monitor, "status-changed",
                           G_CALLBACK (on_monitor_status_changed_cb), self, 0);
  g_signal_connect_object (self->monitor, "outcome",
                           G_CALLBACK (on_monitor_outcome_cb), self, 0);
  g_signal_emit (self, signals[SIGNAL_READY], 0, self->sale, self->ready_reply);
  kp_sale_monitor_start (self->monitor);
}

static void
ready_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (KpCheckout) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  KpReadyReply *reply;

  reply = kp_client_ready_finish (KP_CLIENT (source), result, &error);
  kp_bench_mark (KP_BENCH_READY_RECEIVED);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      kp_ready_reply_free (reply);
      return;
    }

  if (reply == NULL)
    {
      /* Also when the outcome is unknown: without a tid no QR was shown, so nobody
       * can pay it, and ready is never sent twice for one order. */
      _kp_checkout_write_final (self, KP_SALE_STATE_READY_FAILED, update, KP_CHECKOUT_READY_FAILED, error);
      return;
    }

  self->ready_reply = reply;
  update->tid = g_strdup (reply->tid);
  update->expires_at = g_date_time_add_seconds (self->sale->created_at, self->now.tid_lifetime_s);
  _kp_checkout_write_transition (self, KP_SALE_STATE_AWAITING_CUSTOMER, update, awaiting_written);
}

/* Each link works for its own kind, and until a while after the tid expires. */
static char *
callback_url (KpCheckout     *self,
              KpCallbackKind  kind,
              const char     *order_id)
{
  gint64 expires = g_date_time_to_unix (self->sale->created_at) + self->now.tid_lifetime_s +
                   KP_CALLBACK_LINK_GRACE_SECONDS;

  if (self->now.relay != NULL)
    return kp_relay_client_callback_url (self->now.relay, kind, order_id, self->callback_nonce,
                                         expires);
  return kp_callback_url (self->now.callback_base, kind, order_id, self->callback_nonce, expires);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (KpCheckout) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpReadyRequest) request = kp_ready_request_new ();
  KpJournalSale *sale;
  const char *order_id;

  sale = kp_journal_create_sale_finish (KP_JOURNAL (source), result, &error);
  if (sale == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not record the sale: %s", error->message);
      _kp_checkout_finish (self, KP_CHECKOUT_READY_FAILED, error);
      return;
    }
  _kp_checkout_replace_sale (self, sale);
  order_id = sale->partner_order_id;

  /* In relay mode the relay checks the nonce too: it is derived from the terminal's
   * token and the order, and the journal keeps its own random one. */
  g_free (self->callback_nonce);
  if (self->now.relay != NULL)
    self->callback_nonce = kp_relay_client_make_nonce (self->now.relay, order_id);
  else
    self->callback_nonce = g_strdup (sale->nonce);
  if (self->now.listener != NULL)
    kp_approval_listener_expect (self->now.listener, order_id, self->callback_nonce);

  request->cid = g_strdup (sale->cid);
  request->partner_order_id = g_strdup (order_id);
  request->partner_user_id = g_strdup (sale->partner_user_id);
  request->item_name = g_strdup (sale->item_name);
  request->quantity = sale->quantity;
  request->total_amount = sale->total_amount;
  request->tax_free_amount = sale->tax_free_amount;
  request->vat_amount = sale->vat_amount;
  request->cid_secret = g_strdup (self->now.cid_secret);
  for (guint kind = KP_CALLBACK_APPROVE; kind <= KP_CALLBACK_FAIL; kind++)
    {
      g_free (self->callback_urls[kind]);
      self->callback_urls[kind] = callback_url (self, kind, order_id);
    }
  request->approval_url = g_strdup (self->callback_urls[KP_CALLBACK_APPROVE]);
  request->cancel_url = g_strdup (self->callback_urls[KP_CALLBACK_CANCEL]);
  request->fail_url = g_strdup (self->callback_urls[KP_CALLBACK_FAIL]);
  kp_bench_mark (KP_BENCH_READY_SENT);
  kp_client_ready_async (self->now.client, request, self->cancellable, ready_cb,
                         g_object_ref (self));
}

/* Whether @uri is the callback link @link, to which KakaoPay may have added parameters
 * (pg_token): the same scheme, host, port and path, and the same `n`. The other
 * parameters, decoded, in @out_params. */
static gboolean
redirect_matches (const char  *uri,
                  const char  *link,
                  GHashTable **out_params)
{
  g_autoptr (GUri) got = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GUri) want = g_uri_parse (link, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GHashTable) got_params = NULL;
  g_autoptr (GHashTable) want_params = NULL;
  g_autofree char *got_path = NULL;
  g_autofree char *want_path = NULL;

  if (got == NULL || want == NULL || g_uri_get_host (got) == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (got), g_uri_get_scheme (want)) != 0 ||
      g_ascii_strcasecmp (g_uri_get_host (got), g_uri_get_host (want)) != 0 ||
      kp_address_uri_port (got) != kp_address_uri_port (want))
    return FALSE;

  got_path = g_uri_unescape_string (g_uri_get_path (got), NULL);
  want_path = g_uri_unescape_string (g_uri_get_path (want), NULL);
  if (got_path == NULL || g_strcmp0 (got_path, want_path) != 0)
    return FALSE;

  got_params = g_uri_parse_params (g_uri_get_query (got) != NULL ? g_uri_get_query (got) : "",
                                   -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  want_params = g_uri_parse_params (g_uri_get_query (want) != NULL ? g_uri_get_query (want) : "",
                                    -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (got_params == NULL || want_params == NULL ||
      g_strcmp0 (g_hash_table_lookup (got_params, "n"),
                 g_hash_table_lookup (want_params, "n")) != 0)
    return FALSE;

  *out_params = g_steal_pointer (&got_params);
  return TRUE;
}

static void
kp_checkout_dispose (GObject *object)
{
  KpCheckout *self = KP_CHECKOUT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    kp_sale_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);
  setup_clear (&self->now);
  setup_clear (&self->next);
  g_clear_pointer (&self->deferred, kp_journal_new_sale_free);
  if (self->reconciler != NULL)
    g_clear_signal_handler (&self->recovered_id, self->reconciler);
  g_clear_object (&self->reconciler);
  g_clear_object (&self->journal);

  G_OBJECT_CLASS (kp_checkout_parent_class)->dispose (object);
}

static void
kp_checkout_finalize (GObject *object)
{
  KpCheckout *self = KP_CHECKOUT (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  g_clear_pointer (&self->ready_reply, kp_ready_reply_free);
  g_free (self->callback_nonce);
  for (guint i = 0; i < G_N_ELEMENTS (self->callback_urls); i++)
    g_free (self->callback_urls[i]);

  G_OBJECT_CLASS (kp_checkout_parent_class)->finalize (object);
}

static void
kp_checkout_class_init (KpCheckoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_checkout_dispose;
  object_class->finalize = kp_checkout_finalize;

  signals[SIGNAL_STAGE_CHANGED] =
    g_signal_new ("stage-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * KpCheckout::ready:
   * @sale: (type gpointer): the journaled #KpJournalSale, with its tid
   * @reply: (type gpointer): KakaoPay's #KpReadyReply (the page URLs)
   *
   * The payment is open and journaled: show its QR code.
   */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);

  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * KpCheckout::finished:
   * @result: the #KpCheckoutResult
   * @sale: (type gpointer) (nullable): the sale as journaled
   * @error: (type gpointer) (nullable): the #GError that ended it, if any
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_POINTER, G_TYPE_POINTER);
}

static void
kp_checkout_init (KpCheckout *self)
{
  self->cancellable = g_cancellable_new ();
  self->next.cid = g_strdup ("TC0ONETIME");
  self->next.terminal_id = g_strdup ("T1");
  self->next.partner_user_id = g_strdup ("T1");
  self->next.callback_base = g_strdup ("http://127.0.0.1");
  self->next.poll_interval_ms = 2000;
  self->next.tid_lifetime_s = 900;
}

/**
 * kp_checkout_new:
 * @listener: (nullable): receives the customer's redirects on this terminal
 * @reconciler: approves, and resolves unknown outcomes
 */
KpCheckout *
kp_checkout_new (KpClient           *client,
                 KpJournal          *journal,
                 KpApprovalListener *listener,
                 KpReconciler       *reconciler)
{
  KpCheckout *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KP_IS_JOURNAL (journal), NULL);
  g_return_val_if_fail (KP_IS_RECONCILER (reconciler), NULL);

  self = g_object_new (KP_TYPE_CHECKOUT, NULL);
  self->next.client = g_object_ref (client);
  self->journal = g_object_ref (journal);
  self->next.listener = listener != NULL ? g_object_ref (listener) : NULL;
  self->reconciler = g_object_ref (reconciler);
  g_signal_connect_object (reconciler, "resolved", G_CALLBACK (on_reconciler_resolved_cb), self,
                           0);
  return self;
}

void
kp_checkout_set_merchant (KpCheckout *self,
                          const char *cid,
                          const char *terminal_id,
                          const char *partner_user_id)
{
  g_return_if_fail (KP_IS_CHECKOUT (self));

  g_free (self->next.cid);
  self->next.cid = g_strdup (cid);
  g_free (self->next.terminal_id);
  self->next.terminal_id = g_strdup (terminal_id);
  g_free (self->next.partner_user_id);
  self->next.partner_user_id = g_strdup (partner_user_id != NULL && *partner_user_id != '\0'
                                      ? partner_user_id : terminal_id);
}

/**
 * kp_checkout_set_services:
 * @client: talks to KakaoPay
 * @listener: (nullable): receives the customer's redirects (from its socket or the relay)
 * @relay: (nullable) (type KpRelayClient): in relay mode, the relay connection that
 *   makes the callback URLs and nonces
 * @cid_secret: (nullable): sent with the CID when set
 *
 * For the next sale; a sale in progress keeps what it started with.
 */
void
kp_checkout_set_services (KpCheckout         *self,
                          KpClient           *client,
                          KpApprovalListener *listener,
                          KpRelayClient      *relay,
                          const char         *cid_secret)
{
  g_return_if_fail (KP_IS_CHECKOUT (self));
  g_return_if_fail (KP_IS_CLIENT (client));

  g_set_object (&self->next.client, client);
  g_set_object (&self->next.listener, listener);
  g_set_object (&self->next.relay, relay);
  g_free (self->next.cid_secret);
  self->next.cid_secret = cid_secret != NULL && *cid_secret != '\0' ? g_strdup (cid_secret)
                                                                     : NULL;
}

void
kp_checkout_set_callback_base (KpCheckout *self,
                               const char *callback_base)
{
  g_return_if_fail (KP_IS_CHECKOUT (self));

  g_free (self->next.callback_base);
  self->next.callback_base = g_strdup (callback_base);
}

void
kp_checkout_set_timing (KpCheckout *self,
                        guint       poll_interval_ms,
                        guint       tid_lifetime_s)
{
  g_return_if_fail (KP_IS_CHECKOUT (self));

  self->next.poll_interval_ms = poll_interval_ms;
  self->next.tid_lifetime_s = tid_lifetime_s;
}

static void
on_recovering_cb (KpCheckout *self)
{
  g_autoptr (KpJournalNewSale) sale = NULL;

  if (kp_reconciler_get_recovering (self->reconciler) || self->deferred == NULL)
    return;
  g_clear_signal_handler (&self->recovered_id, self->reconciler);
  sale = g_steal_pointer (&self->deferred);
  kp_journal_create_sale_async (self->journal, sale, self->cancellable, created_cb,
                                g_object_ref (self));
}

/**
 * kp_checkout_charge:
 * @sale: the cart as a new sale (lines, totals, item_name, quantity)
 *
 * Starts a payment. Only one runs at a time on a terminal.
 *
 * Returns: %FALSE with @error set when a payment is already in progress
 */
gboolean
kp_checkout_charge (KpCheckout              *self,
                    const KpJournalNewSale  *sale,
                    GError                 **error)
{
  g_autoptr (KpJournalNewSale) copy = NULL;

  g_return_val_if_fail (KP_IS_CHECKOUT (self), FALSE);
  g_return_val_if_fail (sale != NULL, FALSE);

  if (self->stage != KP_CHECKOUT_STAGE_IDLE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("A payment is already in progress on this terminal."));
      return FALSE;
    }

  /* This sale runs with the setup of now, whatever changes meanwhile. */
  setup_copy (&self->now, &self->next);

  copy = kp_journal_new_sale_copy (sale);
  g_free (copy->terminal_id);
  copy->terminal_id = g_strdup (self->now.terminal_id);
  g_free (copy->partner_user_id);
  copy->partner_user_id = g_strdup (self->now.partner_user_id);
  g_free (copy->cid);
  copy->cid = g_strdup (self->now.cid);
  g_free (copy->dialect);
  copy->dialect = g_strdup (kp_dialect_to_string (kp_client_get_dialect (self->now.client)));
  g_free (copy->nonce);
  copy->nonce = kp_random_hex (16);

  g_clear_pointer (&self->sale, kp_journal_sale_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->callback_urls); i++)
    g_clear_pointer (&self->callback_urls[i], g_free);
  self->abort_requested = FALSE;
  set_stage (self, KP_CHECKOUT_STAGE_STARTING);

  /* Until the start-up recovery has read the unfinished sales, a sale created now
   * could be among them and be taken over by the reconciler while the customer pays.
   * The reading is one query: the sale waits for it. */
  if (kp_reconciler_get_recovering (self->reconciler))
    {
      g_debug ("charge waits for the start-up recovery");
      self->deferred = g_steal_pointer (&copy);
      if (self->recovered_id == 0)
        self->recovered_id = g_signal_connect_object (self->reconciler, "notify::recovering",
                                                      G_CALLBACK (on_recovering_cb), self,
                                                      G_CONNECT_SWAPPED);
      return TRUE;
    }

  kp_journal_create_sale_async (self->journal, copy, self->cancellable, created_cb,
                                g_object_ref (self));
  return TRUE;
}

/**
 * kp_checkout_abort:
 *
 * The cashier gives up waiting. While ready is in flight the abort happens as soon as
 * its answer is journaled; once approve was sent it is too late.
 *
 * Returns: %TRUE if the payment will end as aborted
 */
gboolean
kp_checkout_abort (KpCheckout *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (self), FALSE);

  switch (self->stage)
    {
    case KP_CHECKOUT_STAGE_STARTING:
      self->abort_requested = TRUE;
      return TRUE;
    case KP_CHECKOUT_STAGE_WAITING:
      if (self->abort_requested)
        return TRUE;
      if (self->monitor != NULL && kp_sale_monitor_is_decided (self->monitor))
        return FALSE;
      if (self->sale == NULL || self->sale->state != KP_SALE_STATE_AWAITING_CUSTOMER)
        {
          self->abort_requested = TRUE;
          return TRUE;
        }
      abort_waiting (self);
      return TRUE;
    case KP_CHECKOUT_STAGE_APPROVING:
    case KP_CHECKOUT_STAGE_IDLE:
    default:
      return FALSE;
    }
}

/**
 * kp_checkout_deliver:
 *
 * Hands in a redirect received another way (the relay).
 */
void
kp_checkout_deliver (KpCheckout     *self,
                     KpCallbackKind  kind,
                     const char     *pg_token)
{
  g_return_if_fail (KP_IS_CHECKOUT (self));

  if (self->monitor != NULL)
    kp_sale_monitor_deliver (self->monitor, kind, pg_token);
}

/**
 * kp_checkout_take_redirect:
 * @uri: where a browser of this terminal is about to go
 * @out_kind: (out) (optional): which of the sale's callback links it is
 *
 * For KakaoPay's page shown in the app (%KP_QR_TARGET_PAGE): KakaoPay sends the browser
 * that holds the page to the sale's approval_url (with `pg_token`), cancel_url or
 * fail_url (kakaopay-api.md §2). When @uri is one of the current sale's, it is handed
 * in as if the listener had received it: the same checks (the link's nonce, its time,
 * the token), then the sale monitor.
 *
 * Returns: whether @uri is one of the current (or last) sale's callback links; the
 *   browser must not load it then, whether or not the sale still waits for it
 */
gboolean
kp_checkout_take_redirect (KpCheckout     *self,
                           const char     *uri,
                           KpCallbackKind *out_kind)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  for (guint kind = KP_CALLBACK_APPROVE; kind <= KP_CALLBACK_FAIL; kind++)
    {
      g_autoptr (GHashTable) params = NULL;
      const char *nonce;
      const char *pg_token;

      if (self->callback_urls[kind] == NULL ||
          !redirect_matches (uri, self->callback_urls[kind], &params))
        continue;

      if (out_kind != NULL)
        *out_kind = kind;
      nonce = g_hash_table_lookup (params, "n");
      pg_token = kind == KP_CALLBACK_APPROVE ? g_hash_table_lookup (params, "pg_token") : NULL;
      g_debug ("%s redirect caught in the app", kp_callback_kind_to_string (kind));
      if (self->monitor == NULL || self->sale == NULL)
        return TRUE;
      if (self->now.listener != NULL)
        kp_approval_listener_deliver (self->now.listener, kind, self->sale->partner_order_id,
                                      nonce, pg_token);
      else
        kp_sale_monitor_deliver (self->monitor, kind, pg_token);
      return TRUE;
    }
  return FALSE;
}

KpCheckoutStage
kp_checkout_get_stage (KpCheckout *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (self), KP_CHECKOUT_STAGE_IDLE);

  return self->stage;
}

/**
 * kp_checkout_get_sale:
 *
 * Returns: (nullable): the current (or last) sale as journaled
 */
const KpJournalSale *
kp_checkout_get_sale (KpCheckout *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (self), NULL);

  return self->sale;
}

/**
 * kp_checkout_get_ready_reply:
 *
 * What #KpCheckout::ready carried, for a screen that opens while the customer pays.
 *
 * Returns: (nullable): KakaoPay's answer to ready (the payment's pages) from the
 *   ready signal to the payment's end
 */
const KpReadyReply *
kp_checkout_get_ready_reply (KpCheckout *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (self), NULL);

  /* Not while starting: the QR code shows only once the tid is journaled. */
  if (self->stage != KP_CHECKOUT_STAGE_WAITING && self->stage != KP_CHECKOUT_STAGE_APPROVING)
    return NULL;
  return self->ready_reply;
}
