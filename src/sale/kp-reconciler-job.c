/* kp-reconciler-job.c: one sale's way to its final state
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-reconciler"

#include "config.h"

#include "kp-reconciler-private.h"
#include "kp-sale-monitor.h"

#define MAX_BACKOFF_MS 30000

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
 * foreground checkout simply stop. This file is one job's way there, retrying the
 * order API with a growing back-off while KakaoPay cannot be reached. */

static void job_check_order (KpReconcilerJob *job);

static void
job_clear (KpReconcilerJob *job)
{
  g_clear_pointer (&job->sale, kp_journal_sale_free);
  g_clear_object (&job->client);
  g_clear_object (&job->listener);
  g_clear_object (&job->relay);
  g_clear_pointer (&job->cid_secret, g_free);
}

KpReconcilerJob *
_kp_reconciler_job_ref (KpReconcilerJob *job)
{
  return g_rc_box_acquire (job);
}

void
_kp_reconciler_job_unref (KpReconcilerJob *job)
{
  g_rc_box_release_full (job, (GDestroyNotify) job_clear);
}

/* Removed from the table: stop everything it runs. */
void
_kp_reconciler_job_release (KpReconcilerJob *job)
{
  job->done = TRUE;
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  if (job->monitor != NULL)
    {
      kp_sale_monitor_stop (job->monitor);
      g_clear_object (&job->monitor);
    }
  _kp_reconciler_job_unref (job);
}

static gboolean
is_expired (KpReconciler        *self,
            const KpJournalSale *sale)
{
  g_autoptr (GDateTime) now = self->now_func != NULL ? self->now_func (self->now_data)
                                                     : g_date_time_new_now_utc ();

  return sale->expires_at != NULL && g_date_time_compare (now, sale->expires_at) >= 0;
}

static void
retry_cb (gpointer user_data)
{
  KpReconcilerJob *job = user_data;

  job->timeout_id = 0;
  job_check_order (job);
}

static void
job_retry_later (KpReconcilerJob *job)
{
  job->backoff_ms = job->backoff_ms == 0 ? job->self->poll_interval_ms
                                         : MIN (job->backoff_ms * 2, MAX_BACKOFF_MS);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  job->timeout_id = g_timeout_add_once (job->backoff_ms, retry_cb, job);
}

/* Customer's redirect (a listener armed again after a restart) */

static void
on_monitor_outcome_cb (KpSaleMonitor   *monitor,
                       int              outcome,
                       const char      *pg_token,
                       KpReconcilerJob *job)
{
  g_autoptr (KpSaleMonitor) keep G_GNUC_UNUSED = g_object_ref (monitor);
  g_autoptr (KpReconcilerJob) keep_job G_GNUC_UNUSED = _kp_reconciler_job_ref (job);
  g_autoptr (KpJournalUpdate) update = NULL;

  switch (outcome)
    {
    case KP_SALE_OUTCOME_AUTHORIZED:
      if (job->sale->state != KP_SALE_STATE_AWAITING_CUSTOMER)
        {
          job_check_order (job);
          return;
        }
      update = kp_journal_update_new ();
      update->pg_token = g_strdup (pg_token);
      _kp_reconciler_job_write (job, KP_SALE_STATE_APPROVING, update, NULL);
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
        _kp_reconciler_job_final (job, KP_SALE_STATE_CANCELLED_BY_CUSTOMER, "customer cancelled",
                                  NULL);
      else
        _kp_reconciler_job_final (job, KP_SALE_STATE_FAILED, "customer's payment failed", NULL);
      break;
    case KP_SALE_OUTCOME_EXPIRED:
    default:
      if (job->sale->state == KP_SALE_STATE_ABORTED_BY_CASHIER)
        _kp_reconciler_job_finish (job, NULL);
      else
        _kp_reconciler_job_final (job, KP_SALE_STATE_EXPIRED, "expired", NULL);
      break;
    }
}

/* Keeps watching a sale that is still open at KakaoPay. */
static void
job_watch (KpReconcilerJob *job)
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
apply_order (KpReconcilerJob    *job,
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
      _kp_reconciler_job_approved_from_order (job, reply);
      return;

    case KP_STATUS_FAIL_AUTH_PASSWORD:
    case KP_STATUS_FAIL_PAYMENT:
      if (aborted)
        _kp_reconciler_job_finish (job, NULL);
      else
        _kp_reconciler_job_final (job, state == KP_SALE_STATE_APPROVING
                                         ? KP_SALE_STATE_APPROVE_FAILED : KP_SALE_STATE_FAILED,
                                  detail, NULL);
      return;

    case KP_STATUS_QUIT_PAYMENT:
      if (aborted)
        _kp_reconciler_job_finish (job, NULL);
      else if (state == KP_SALE_STATE_APPROVING || is_expired (job->self, job->sale))
        _kp_reconciler_job_final (job, KP_SALE_STATE_EXPIRED, detail, NULL);
      else
        _kp_reconciler_job_final (job, KP_SALE_STATE_CANCELLED_BY_CUSTOMER, detail, NULL);
      return;

    case KP_STATUS_AUTH_PASSWORD:
      if (state == KP_SALE_STATE_APPROVING && job->sale->pg_token != NULL)
        {
          _kp_reconciler_job_send_approve (job);
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
        _kp_reconciler_job_finish (job, NULL);
      else
        _kp_reconciler_job_final (job, KP_SALE_STATE_EXPIRED, detail, NULL);
      return;
    }
  job_watch (job);
}

static void
order_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (KpReconcilerJob) job = user_data;
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
        _kp_reconciler_job_finish (job, NULL);
      else
        _kp_reconciler_job_final (job, job->sale->state == KP_SALE_STATE_APPROVING
                                         ? KP_SALE_STATE_APPROVE_FAILED : KP_SALE_STATE_FAILED,
                                  NULL, error);
      return;
    }

  g_debug ("order for %s: %s; asking again later", job->sale->partner_order_id,
           error->message);
  job_retry_later (job);
}

static void
job_check_order (KpReconcilerJob *job)
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
                         _kp_reconciler_job_ref (job));
}

static void
approve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (KpReconcilerJob) job = user_data;
  g_autoptr (KpApproveReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = kp_client_approve_finish (KP_CLIENT (source), result, &error);
  if (job->done)
    return;

  if (reply != NULL)
    {
      _kp_reconciler_job_approved_from_reply (job, reply);
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
    _kp_reconciler_job_final (job, KP_SALE_STATE_EXPIRED, NULL, error);
  else
    _kp_reconciler_job_final (job, KP_SALE_STATE_APPROVE_FAILED, NULL, error);
}

void
_kp_reconciler_job_send_approve (KpReconcilerJob *job)
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
                           _kp_reconciler_job_ref (job));
}

/* Takes the reference it is given. */
void
_kp_reconciler_job_start (KpReconcilerJob *job)
{
  g_autoptr (KpReconcilerJob) keep G_GNUC_UNUSED = job;

  switch (job->sale->state)
    {
    case KP_SALE_STATE_READY_SENT:
      _kp_reconciler_job_final (job, KP_SALE_STATE_READY_FAILED,
                                "no reply to ready: the payment was never shown to a customer",
                                NULL);
      break;
    case KP_SALE_STATE_APPROVING:
      if (job->approve_now && job->sale->pg_token != NULL)
        _kp_reconciler_job_send_approve (job);
      else
        job_check_order (job);
      break;
    case KP_SALE_STATE_AWAITING_CUSTOMER:
    case KP_SALE_STATE_ABORTED_BY_CASHIER:
      job_check_order (job);
      break;
    default:
      _kp_reconciler_job_finish (job, NULL);
      break;
    }
}
