/* kp-reconciler.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-reconciler"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kp-reconciler.h"
#include "kp-sale-monitor.h"

/* Brings every sale that is not final to the final state KakaoPay's own records say it
 * is in. KakaoPay's order API is the authority:
 *
 *   READY_SENT          no tid was journaled, so no QR was ever shown and nobody can
 *                       pay it: READY_FAILED (ready is never sent twice for an order)
 *   AWAITING_CUSTOMER   ask order: paid → APPROVED, quit/failed → final, still open →
 *                       listen and poll again until the tid expires → EXPIRED
 *   APPROVING           ask order first (never a blind second approve): paid →
 *                       APPROVED, AUTH_PASSWORD → approve with the journaled pg_token
 *   ABORTED_BY_CASHIER  until the tid expires, watch for a payment that completed
 *                       anyway: paid → APPROVED (and the cashier is told)
 *
 * One job per sale; the journal's compare-and-set makes a job that lost a race to the
 * foreground checkout simply stop. */

#define MAX_BACKOFF_MS 30000

typedef struct _Job Job;

struct _KpReconciler
{
  GObject             parent_instance;

  KpClient           *client;
  KpJournal          *journal;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  char               *cid_secret;
  GCancellable       *cancellable;
  GHashTable         *jobs;         /* partner_order_id → Job */
  guint               poll_interval_ms;
  guint               tid_lifetime_s;
  KpSaleMonitorClockFunc now_func;
  gpointer            now_data;
  gboolean            recovering;
};

/* A job keeps the services it started with: the configuration may change meanwhile,
 * and a sale is seen to its end by the KakaoPay it was made with. */
struct _Job
{
  KpReconciler  *self;
  KpClient      *client;
  KpApprovalListener *listener;
  KpRelayClient *relay;
  char          *cid_secret;
  KpJournalSale *sale;
  KpSaleState    started_from;
  KpSaleMonitor *monitor;
  guint          timeout_id;
  guint          backoff_ms;
  gboolean       approve_now;
  gboolean       done;
};

G_DEFINE_FINAL_TYPE (KpReconciler, kp_reconciler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PENDING,
  PROP_RECOVERING,
  N_PROPS
};

enum {
  SIGNAL_RESOLVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void job_check_order (Job *job);
static void job_send_approve (Job *job);

/* Jobs are reference counted: the table holds one reference, every call in flight
 * another, so a callback arriving after the job ended (or the reconciler went away)
 * finds it marked done instead of freed. */
static void
job_clear (Job *job)
{
  g_clear_pointer (&job->sale, kp_journal_sale_free);
  g_clear_object (&job->client);
  g_clear_object (&job->listener);
  g_clear_object (&job->relay);
  g_clear_pointer (&job->cid_secret, g_free);
}

static Job *
job_ref (Job *job)
{
  return g_rc_box_acquire (job);
}

static void
job_unref (Job *job)
{
  g_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

/* Removed from the table: stop everything it runs. */
static void
job_release (Job *job)
{
  job->done = TRUE;
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  if (job->monitor != NULL)
    {
      kp_sale_monitor_stop (job->monitor);
      g_clear_object (&job->monitor);
    }
  job_unref (job);
}

static void
notify_pending (KpReconciler *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

/* The job ends: the sale is final, or another writer owns it now. */
static void
job_finish (Job          *job,
            const GError *error)
{
  KpReconciler *self = job->self;
  g_autoptr (KpJournalSale) sale = kp_journal_sale_copy (job->sale);
  KpSaleState previous = job->started_from;

  if (job->done)
    return;
  g_hash_table_remove (self->jobs, sale->partner_order_id);
  notify_pending (self);
  if (sale->state != previous || !kp_sale_state_is_in_flight (sale->state))
    g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, sale, previous, error);
}

static gboolean
is_expired (KpReconciler        *self,
            const KpJournalSale *sale)
{
  g_autoptr (GDateTime) now = self->now_func != NULL ? self->now_func (self->now_data)
                                                     : g_date_time_new_now_utc ();

  return sale->expires_at != NULL && g_date_time_compare (now, sale->expires_at) >= 0;
}

static gboolean
retry_cb (gpointer user_data)
{
  Job *job = user_data;

  job->timeout_id = 0;
  job_check_order (job);
  return G_SOURCE_REMOVE;
}

static void
job_retry_later (Job *job)
{
  job->backoff_ms = job->backoff_ms == 0 ? job->self->poll_interval_ms
                                         : MIN (job->backoff_ms * 2, MAX_BACKOFF_MS);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  job->timeout_id = g_timeout_add (job->backoff_ms, retry_cb, job);
}

/* Journal writes */

typedef struct
{
  Job      *job;
  gboolean  final;
  gboolean  then_approve;
  GError   *error;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_error (&data->error);
  job_unref (data->job);
  g_free (data);
}

static void
transition_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WriteData *data = user_data;
  Job *job = data->job;
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = kp_journal_transition_finish (KP_JOURNAL (source), result, &error);
  if (job->done || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&sale, kp_journal_sale_free);
      write_data_free (data);
      return;
    }

  if (sale == NULL)
    {
      /* Someone else moved the sale first (the foreground checkout): theirs. */
      if (g_error_matches (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT))
        g_debug ("%s moved on elsewhere", job->sale->partner_order_id);
      else
        g_warning ("Could not write the journal: %s", error->message);
      job_finish (job, error);
      write_data_free (data);
      return;
    }

  kp_journal_sale_free (job->sale);
  job->sale = sale;
  if (data->final)
    job_finish (job, data->error);
  else if (data->then_approve)
    job_send_approve (job);
  write_data_free (data);
}

static void
job_write (Job             *job,
           KpSaleState      to,
           KpJournalUpdate *update,
           gboolean         final,
           const GError    *error)
{
  WriteData *data = g_new0 (WriteData, 1);

  data->job = job_ref (job);
  data->final = final;
  data->then_approve = !final && to == KP_SALE_STATE_APPROVING;
  data->error = error != NULL ? g_error_copy (error) : NULL;
  if (error != NULL && update->detail == NULL)
    update->detail = g_strdup (error->message);
  kp_journal_transition_async (job->self->journal, job->sale->partner_order_id,
                               job->sale->state, to, update, job->self->cancellable,
                               transition_cb, data);
}

static void
job_final (Job          *job,
           KpSaleState   to,
           const char   *detail,
           const GError *error)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  update->detail = g_strdup (detail);
  job_write (job, to, update, TRUE, error);
}

static char *
card_info_to_json (const KpCardInfo *info)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  struct { const char *name; const char *value; } fields[] = {
    { "kakaopay_purchase_corp", info->kakaopay_purchase_corp },
    { "kakaopay_purchase_corp_code", info->kakaopay_purchase_corp_code },
    { "kakaopay_issuer_corp", info->kakaopay_issuer_corp },
    { "kakaopay_issuer_corp_code", info->kakaopay_issuer_corp_code },
    { "bin", info->bin },
    { "card_type", info->card_type },
    { "install_month", info->install_month },
    { "approved_id", info->approved_id },
    { "card_mid", info->card_mid },
    { "interest_free_install", info->interest_free_install },
    { "installment_type", info->installment_type },
    { "card_item_code", info->card_item_code },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (fields[i].value == NULL)
        continue;
      json_builder_set_member_name (builder, fields[i].name);
      json_builder_add_string_value (builder, fields[i].value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
selected_card_to_json (const KpSelectedCardInfo *info)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *months = g_strdup_printf ("%02d", info->install_month);

  /* The order API's names, mapped onto the approve reply's card_info. */
  json_builder_begin_object (builder);
  if (info->card_corp_name != NULL)
    {
      json_builder_set_member_name (builder, "kakaopay_issuer_corp");
      json_builder_add_string_value (builder, info->card_corp_name);
    }
  if (info->card_bin != NULL)
    {
      json_builder_set_member_name (builder, "bin");
      json_builder_add_string_value (builder, info->card_bin);
    }
  json_builder_set_member_name (builder, "install_month");
  json_builder_add_string_value (builder, months);
  if (info->interest_free_install != NULL)
    {
      json_builder_set_member_name (builder, "interest_free_install");
      json_builder_add_string_value (builder, info->interest_free_install);
    }
  if (info->installment_type != NULL)
    {
      json_builder_set_member_name (builder, "installment_type");
      json_builder_add_string_value (builder, info->installment_type);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
approved_from_reply (Job                  *job,
                     const KpApproveReply *reply)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  update->aid = g_strdup (reply->aid);
  update->payment_method_type = g_strdup (reply->payment_method_type);
  if (reply->card_info != NULL)
    update->card_info_json = card_info_to_json (reply->card_info);
  update->approved_at = reply->approved_at != NULL ? g_date_time_ref (reply->approved_at)
                                                   : g_date_time_new_now_local ();
  job_write (job, KP_SALE_STATE_APPROVED, update, TRUE, NULL);
}

static void
approved_from_order (Job                *job,
                     const KpOrderReply *reply)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  for (guint i = 0; reply->payment_action_details != NULL &&
                    i < reply->payment_action_details->len; i++)
    {
      KpPaymentAction *action = g_ptr_array_index (reply->payment_action_details, i);

      if (g_strcmp0 (action->payment_action_type, "PAYMENT") == 0)
        {
          update->aid = g_strdup (action->aid);
          if (action->approved_at != NULL)
            update->approved_at = g_date_time_ref (action->approved_at);
          break;
        }
    }
  update->payment_method_type = g_strdup (reply->payment_method_type);
  if (reply->selected_card_info != NULL)
    update->card_info_json = selected_card_to_json (reply->selected_card_info);
  if (update->approved_at == NULL)
    update->approved_at = reply->approved_at != NULL ? g_date_time_ref (reply->approved_at)
                                                     : g_date_time_new_now_local ();
  update->detail = g_strdup_printf ("order: %s", reply->status_string);
  job_write (job, KP_SALE_STATE_APPROVED, update, TRUE, NULL);
}

/* Customer's redirect (a listener armed again after a restart) */

static void
on_monitor_outcome_cb (KpSaleMonitor *monitor,
                       int            outcome,
                       const char    *pg_token,
                       Job           *job)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpSaleMonitor) keep = g_object_ref (monitor);
  g_autoptr (Job) keep_job = job_ref (job);

  switch (outcome)
    {
    case KP_SALE_OUTCOME_AUTHORIZED:
      if (job->sale->state != KP_SALE_STATE_AWAITING_CUSTOMER)
        {
          job_check_order (job);
          return;
        }
      update->pg_token = g_strdup (pg_token);
      job_write (job, KP_SALE_STATE_APPROVING, update, FALSE, NULL);
      break;
    case KP_SALE_OUTCOME_PAID:
      job_check_order (job);
      break;
    case KP_SALE_OUTCOME_CANCELLED:
    case KP_SALE_OUTCOME_FAILED:
      /* The cashier's abort stands unless KakaoPay says paid: its order decides. */
      if (job->sale->state == KP_SALE_STATE_ABORTED_BY_CASHIER)
        job_check_order (job);
      else if (outcome == KP_SALE_OUTCOME_CANCELLED)
        job_final (job, KP_SALE_STATE_CANCELLED_BY_CUSTOMER, "customer cancelled", NULL);
      else
        job_final (job, KP_SALE_STATE_FAILED, "customer's payment failed", NULL);
      break;
    case KP_SALE_OUTCOME_EXPIRED:
    default:
      if (job->sale->state == KP_SALE_STATE_ABORTED_BY_CASHIER)
        job_finish (job, NULL);
      else
        job_final (job, KP_SALE_STATE_EXPIRED, "expired", NULL);
      break;
    }
}

/* Keeps watching a sale that is still open at KakaoPay. */
static void
job_watch (Job *job)
{
  gboolean listen = job->sale->state == KP_SALE_STATE_AWAITING_CUSTOMER;
  g_autofree char *nonce = NULL;

  if (job->monitor != NULL)
    return;

  /* Through the relay, the callbacks carry the nonce derived from the terminal token. */
  if (job->relay != NULL)
    nonce = kp_relay_client_make_nonce (job->relay, job->sale->partner_order_id);
  else
    nonce = g_strdup (job->sale->nonce);
  job->monitor = kp_sale_monitor_new (job->client, listen ? job->listener : NULL,
                                      job->sale->cid, job->sale->partner_order_id,
                                      nonce, job->sale->tid, job->sale->expires_at,
                                      job->self->poll_interval_ms);
  kp_sale_monitor_set_clock (job->monitor, job->self->now_func, job->self->now_data);
  g_signal_connect (job->monitor, "outcome", G_CALLBACK (on_monitor_outcome_cb), job);
  kp_sale_monitor_start (job->monitor);
}

static void
apply_order (Job                *job,
             const KpOrderReply *reply)
{
  KpSaleState state = job->sale->state;
  gboolean aborted = state == KP_SALE_STATE_ABORTED_BY_CASHIER;
  g_autofree char *detail = g_strdup_printf ("order: %s", reply->status_string);

  switch (reply->status)
    {
    case KP_STATUS_SUCCESS_PAYMENT:
    case KP_STATUS_PART_CANCEL_PAYMENT:
    case KP_STATUS_CANCEL_PAYMENT:
      approved_from_order (job, reply);
      return;

    case KP_STATUS_FAIL_AUTH_PASSWORD:
    case KP_STATUS_FAIL_PAYMENT:
      if (aborted)
        job_finish (job, NULL);
      else
        job_final (job, state == KP_SALE_STATE_APPROVING ? KP_SALE_STATE_APPROVE_FAILED
                                                         : KP_SALE_STATE_FAILED, detail, NULL);
      return;

    case KP_STATUS_QUIT_PAYMENT:
      if (aborted)
        job_finish (job, NULL);
      else if (state == KP_SALE_STATE_APPROVING || is_expired (job->self, job->sale))
        job_final (job, KP_SALE_STATE_EXPIRED, detail, NULL);
      else
        job_final (job, KP_SALE_STATE_CANCELLED_BY_CUSTOMER, detail, NULL);
      return;

    case KP_STATUS_AUTH_PASSWORD:
      if (state == KP_SALE_STATE_APPROVING && job->sale->pg_token != NULL)
        {
          job_send_approve (job);
          return;
        }
      break;

    default:
      break;
    }

  /* Still open at KakaoPay. */
  if (is_expired (job->self, job->sale))
    {
      if (aborted)
        job_finish (job, NULL);
      else
        job_final (job, KP_SALE_STATE_EXPIRED, detail, NULL);
      return;
    }
  job_watch (job);
}

static void
order_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (Job) job = user_data;
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = kp_client_order_finish (KP_CLIENT (source), result, &error);
  if (job->done)
    return;

  if (reply != NULL)
    {
      job->backoff_ms = 0;
      apply_order (job, reply);
      return;
    }

  if (kp_api_error_get_code (error) == KP_CODE_UNKNOWN_TID)
    {
      /* KakaoPay has no such payment: nothing can have been charged. */
      if (job->sale->state == KP_SALE_STATE_ABORTED_BY_CASHIER)
        job_finish (job, NULL);
      else
        job_final (job, job->sale->state == KP_SALE_STATE_APPROVING
                          ? KP_SALE_STATE_APPROVE_FAILED : KP_SALE_STATE_FAILED,
                   NULL, error);
      return;
    }

  g_debug ("order for %s: %s; asking again later", job->sale->partner_order_id,
           error->message);
  job_retry_later (job);
}

static void
job_check_order (Job *job)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();

  if (job->monitor != NULL)
    {
      kp_sale_monitor_stop (job->monitor);
      g_clear_object (&job->monitor);
    }
  request->cid = g_strdup (job->sale->cid);
  request->cid_secret = g_strdup (job->cid_secret);
  request->tid = g_strdup (job->sale->tid);
  kp_client_order_async (job->client, request, job->self->cancellable, order_cb,
                         job_ref (job));
}

static void
approve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (Job) job = user_data;
  g_autoptr (KpApproveReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = kp_client_approve_finish (KP_CLIENT (source), result, &error);
  if (job->done)
    return;

  if (reply != NULL)
    {
      approved_from_reply (job, reply);
      return;
    }

  /* Already approved, or no usable answer: the order API says what is true before
   * anything is sent again. */
  if (kp_api_error_get_code (error) == KP_CODE_ALREADY_APPROVED ||
      kp_api_error_is_outcome_unknown (error) || kp_api_error_is_not_sent (error))
    {
      g_debug ("approve for %s: %s; checking the order", job->sale->partner_order_id,
               error->message);
      if (kp_api_error_is_not_sent (error))
        job_retry_later (job);
      else
        job_check_order (job);
      return;
    }

  if (kp_api_error_get_code (error) == KP_CODE_EXPIRED)
    job_final (job, KP_SALE_STATE_EXPIRED, NULL, error);
  else
    job_final (job, KP_SALE_STATE_APPROVE_FAILED, NULL, error);
}

static void
job_send_approve (Job *job)
{
  g_autoptr (KpApproveRequest) request = kp_approve_request_new ();

  request->cid = g_strdup (job->sale->cid);
  request->cid_secret = g_strdup (job->cid_secret);
  request->tid = g_strdup (job->sale->tid);
  request->partner_order_id = g_strdup (job->sale->partner_order_id);
  request->partner_user_id = g_strdup (job->sale->partner_user_id);
  request->pg_token = g_strdup (job->sale->pg_token);
  request->total_amount = job->sale->total_amount;
  kp_client_approve_async (job->client, request, job->self->cancellable, approve_cb,
                           job_ref (job));
}

/* Takes the reference it is given. */
static void
job_start (Job *job)
{
  g_autoptr (Job) keep = job;

  switch (job->sale->state)
    {
    case KP_SALE_STATE_READY_SENT:
      job_final (job, KP_SALE_STATE_READY_FAILED,
                 "no reply to ready: the payment was never shown to a customer", NULL);
      break;
    case KP_SALE_STATE_APPROVING:
      if (job->approve_now && job->sale->pg_token != NULL)
        job_send_approve (job);
      else
        job_check_order (job);
      break;
    case KP_SALE_STATE_AWAITING_CUSTOMER:
    case KP_SALE_STATE_ABORTED_BY_CASHIER:
      job_check_order (job);
      break;
    default:
      job_finish (job, NULL);
      break;
    }
}

/* @client: the client the sale was made with, and @cid_secret the secret it was sent
 * with; %NULL for the current services (the secret too). */
static void
add_job (KpReconciler        *self,
         const KpJournalSale *sale,
         gboolean             approve_now,
         KpClient            *client,
         const char          *cid_secret)
{
  Job *job;

  if (g_hash_table_contains (self->jobs, sale->partner_order_id))
    return;

  job = g_rc_box_new0 (Job);
  job->self = self;
  job->client = g_object_ref (client != NULL ? client : self->client);
  job->listener = self->listener != NULL ? g_object_ref (self->listener) : NULL;
  job->relay = self->relay != NULL ? g_object_ref (self->relay) : NULL;
  job->cid_secret = g_strdup (client != NULL ? cid_secret : self->cid_secret);
  job->sale = kp_journal_sale_copy (sale);
  job->started_from = sale->state;
  job->approve_now = approve_now;
  /* A tid journaled without its expiry still expires: the configured lifetime from the
   * sale's creation (the sale monitor and the expiry checks need a time). */
  if (job->sale->tid != NULL && job->sale->expires_at == NULL && job->sale->created_at != NULL)
    job->sale->expires_at = g_date_time_add_seconds (job->sale->created_at, self->tid_lifetime_s);
  g_hash_table_insert (self->jobs, g_strdup (sale->partner_order_id), job);
  notify_pending (self);
  job_start (job_ref (job));
}

static void
in_flight_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (KpReconciler) self = user_data;
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GError) error = NULL;

  sales = kp_journal_list_in_flight_finish (KP_JOURNAL (source), result, &error);
  if (sales == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the unfinished sales: %s", error->message);
      return;
    }

  g_debug ("recovering %u unfinished sales", sales->len);
  for (guint i = 0; i < sales->len; i++)
    add_job (self, g_ptr_array_index (sales, i), FALSE, NULL, NULL);

  self->recovering = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERING]);
}

static void
kp_reconciler_dispose (GObject *object)
{
  KpReconciler *self = KP_RECONCILER (object);

  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->jobs);
  g_clear_object (&self->listener);
  g_clear_object (&self->relay);
  g_clear_object (&self->journal);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kp_reconciler_parent_class)->dispose (object);
}

static void
kp_reconciler_finalize (GObject *object)
{
  KpReconciler *self = KP_RECONCILER (object);

  g_hash_table_unref (self->jobs);
  g_clear_object (&self->cancellable);
  g_free (self->cid_secret);

  G_OBJECT_CLASS (kp_reconciler_parent_class)->finalize (object);
}

static void
kp_reconciler_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KpReconciler *self = KP_RECONCILER (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, kp_reconciler_get_n_pending (self));
      break;
    case PROP_RECOVERING:
      g_value_set_boolean (value, self->recovering);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_reconciler_class_init (KpReconcilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_reconciler_dispose;
  object_class->finalize = kp_reconciler_finalize;
  object_class->get_property = kp_reconciler_get_property;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECOVERING] =
    g_param_spec_boolean ("recovering", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KpReconciler::resolved:
   * @sale: (type gpointer): the #KpJournalSale as journaled now
   * @previous: the #KpSaleState it was in when the reconciler took it
   * @error: (type gpointer) (nullable): the #GError that ended it, if any
   *
   * A sale the reconciler took has reached the state KakaoPay's records say.
   */
  signals[SIGNAL_RESOLVED] =
    g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_INT, G_TYPE_POINTER);
}

static void
kp_reconciler_init (KpReconciler *self)
{
  self->cancellable = g_cancellable_new ();
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) job_release);
  self->poll_interval_ms = 2000;
  self->tid_lifetime_s = 900;
}

/**
 * kp_reconciler_new:
 * @listener: (nullable): re-armed for sales still open after a restart, so a
 *   customer who finishes paying is still heard
 */
KpReconciler *
kp_reconciler_new (KpClient           *client,
                   KpJournal          *journal,
                   KpApprovalListener *listener)
{
  KpReconciler *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KP_IS_JOURNAL (journal), NULL);

  self = g_object_new (KP_TYPE_RECONCILER, NULL);
  self->client = g_object_ref (client);
  self->journal = g_object_ref (journal);
  self->listener = listener != NULL ? g_object_ref (listener) : NULL;
  return self;
}

/**
 * kp_reconciler_set_services:
 * @listener: (nullable): re-armed for sales still open
 * @relay: (nullable) (type KpRelayClient): in relay mode, makes the callback nonces
 * @cid_secret: (nullable): sent with the CID when set
 *
 * For the jobs taken from now on; those running keep theirs.
 */
void
kp_reconciler_set_services (KpReconciler       *self,
                            KpClient           *client,
                            KpApprovalListener *listener,
                            KpRelayClient      *relay,
                            const char         *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (KP_IS_CLIENT (client));

  g_set_object (&self->client, client);
  g_set_object (&self->listener, listener);
  g_set_object (&self->relay, relay);
  g_free (self->cid_secret);
  self->cid_secret = cid_secret != NULL && *cid_secret != '\0' ? g_strdup (cid_secret) : NULL;
}

void
kp_reconciler_set_timing (KpReconciler *self,
                          guint         poll_interval_ms,
                          guint         tid_lifetime_s)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->poll_interval_ms = MAX (poll_interval_ms, 100);
  self->tid_lifetime_s = tid_lifetime_s;
}

/**
 * kp_reconciler_set_clock:
 * @now_func: (nullable): returns the current time; %NULL for the system's
 * @user_data: data for @now_func; it must outlive the reconciler
 *
 * Replaces the clock the tids' expiry is measured with (before any job is
 * taken). For tests, which move it instead of waiting.
 */
void
kp_reconciler_set_clock (KpReconciler           *self,
                         KpSaleMonitorClockFunc  now_func,
                         gpointer                user_data)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->now_func = now_func;
  self->now_data = user_data;
}

/**
 * kp_reconciler_recover:
 *
 * Takes every unfinished sale in the journal (at start-up). The cashier can ring up
 * the next sale meanwhile; #KpReconciler:n-pending counts what is left.
 */
void
kp_reconciler_recover (KpReconciler *self)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->recovering = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERING]);
  kp_journal_list_in_flight_async (self->journal, self->cancellable, in_flight_cb,
                                   g_object_ref (self));
}

/**
 * kp_reconciler_resolve:
 *
 * Takes one sale whose last call ended with an unknown outcome.
 */
void
kp_reconciler_resolve (KpReconciler        *self,
                       const KpJournalSale *sale)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL);

  add_job (self, sale, FALSE, NULL, NULL);
}

/**
 * kp_reconciler_resolve_using:
 * @client: the client the sale was made with
 * @cid_secret: (nullable): the CID secret it was made with
 *
 * Like kp_reconciler_resolve(), for a sale made with other services than the
 * current ones: the settings may have changed while it ran.
 */
void
kp_reconciler_resolve_using (KpReconciler        *self,
                             const KpJournalSale *sale,
                             KpClient            *client,
                             const char          *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL);
  g_return_if_fail (KP_IS_CLIENT (client));

  add_job (self, sale, FALSE, client, cid_secret);
}

/**
 * kp_reconciler_approve:
 *
 * Sends approve for an APPROVING sale (its pg_token journaled) and sees it to the end,
 * checking the order before anything is sent again.
 */
void
kp_reconciler_approve (KpReconciler        *self,
                       const KpJournalSale *sale)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL && sale->state == KP_SALE_STATE_APPROVING);

  add_job (self, sale, TRUE, NULL, NULL);
}

/**
 * kp_reconciler_approve_using:
 * @client: the client the sale was made with
 * @cid_secret: (nullable): the CID secret it was made with
 *
 * Like kp_reconciler_approve(), for a sale made with other services than the
 * current ones: the settings may have changed while it ran.
 */
void
kp_reconciler_approve_using (KpReconciler        *self,
                             const KpJournalSale *sale,
                             KpClient            *client,
                             const char          *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL && sale->state == KP_SALE_STATE_APPROVING);
  g_return_if_fail (KP_IS_CLIENT (client));

  add_job (self, sale, TRUE, client, cid_secret);
}

gboolean
kp_reconciler_is_resolving (KpReconciler *self,
                            const char   *partner_order_id)
{
  g_return_val_if_fail (KP_IS_RECONCILER (self), FALSE);

  return g_hash_table_contains (self->jobs, partner_order_id);
}

/**
 * kp_reconciler_get_n_pending:
 *
 * Returns: how many unfinished (in-flight) sales are being resolved; sales the cashier
 *   aborted are watched quietly until their tid expires and do not count
 */
guint
kp_reconciler_get_n_pending (KpReconciler *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (KP_IS_RECONCILER (self), 0);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *job = value;

      if (kp_sale_state_is_in_flight (job->sale->state))
        n++;
    }
  return n;
}

gboolean
kp_reconciler_get_recovering (KpReconciler *self)
{
  g_return_val_if_fail (KP_IS_RECONCILER (self), FALSE);

  return self->recovering;
}
