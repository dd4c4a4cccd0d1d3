/* kp-refunder.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-refunder"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-error.h"
#include "kp-refund-plan.h"
#include "kp-refunder.h"

/* A refund, the way a sale is charged: journaled (REFUND_SENT, with the amounts and
 * the remaining amount as the guard) before cancel is sent; completed or failed from
 * KakaoPay's reply; and when the reply never came, resolved from the order API's
 * cumulative canceled_amount — never by sending cancel again blindly. */

#define MAX_BACKOFF_MS 30000

struct _KpRefunder
{
  GObject       parent_instance;

  KpClient     *client;
  char         *cid_secret;
  KpJournal    *journal;
  GCancellable *cancellable;
  guint         retry_ms;
};

G_DEFINE_FINAL_TYPE (KpRefunder, kp_refunder, G_TYPE_OBJECT)

enum {
  SIGNAL_RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  KpJournalSale   *sale;
  KpJournalRefund *refund;
  gint64           amount;
  gint64           tax_free;
  char            *lines_json;
  gint64           refunded_before;
  guint            backoff_ms;
  guint            timeout_id;
  GError          *error;        /* KakaoPay's refusal, reported after the journal write */
} Refund;

static void
refund_free (Refund *r)
{
  g_clear_handle_id (&r->timeout_id, g_source_remove);
  g_clear_pointer (&r->sale, kp_journal_sale_free);
  g_clear_pointer (&r->refund, kp_journal_refund_free);
  g_free (r->lines_json);
  g_clear_error (&r->error);
  g_free (r);
}

static void resolve (GTask *task);

static void
finished_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = kp_journal_complete_refund_finish (KP_JOURNAL (source), result, &error);
  if (sale == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The refund as the journal now holds it: completed with the sale's update. */
  r->refund->state = KP_REFUND_STATE_REFUNDED;
  g_clear_pointer (&r->refund->completed_at, g_date_time_unref);
  r->refund->completed_at = sale->updated_at != NULL ? g_date_time_ref (sale->updated_at) : NULL;
  g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, sale, r->refund);
  g_task_return_pointer (task, sale, (GDestroyNotify) kp_journal_sale_free);
}

static void
complete (GTask      *task,
          const char *aid,
          GDateTime  *canceled_at)
{
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);

  /* Kept as the journal keeps them (a value given replaces the stored one), for the
   * record "resolved" reports. */
  if (aid != NULL)
    {
      g_free (r->refund->aid);
      r->refund->aid = g_strdup (aid);
    }
  if (canceled_at != NULL)
    {
      g_clear_pointer (&r->refund->canceled_at, g_date_time_unref);
      r->refund->canceled_at = g_date_time_ref (canceled_at);
    }
  kp_journal_complete_refund_async (self->journal, r->refund->refund_id, aid, canceled_at,
                                    NULL, finished_cb, task);
}

static void
failed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (KpJournalRefund) refund = NULL;
  g_autoptr (GError) error = NULL;

  refund = kp_journal_fail_refund_finish (KP_JOURNAL (source), result, &error);
  if (refund == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, r->sale, refund);
  g_task_return_error (task, g_steal_pointer (&r->error));
}

static void
fail (GTask        *task,
      GError       *error)
{
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);

  r->error = error;
  kp_journal_fail_refund_async (self->journal, r->refund->refund_id, error->message, NULL,
                                failed_cb, task);
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  Refund *r = g_task_get_task_data (task);

  r->timeout_id = 0;
  resolve (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
order_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  const KpPaymentAction *last_cancel = NULL;
  const KpPaymentAction *ours = NULL;
  gboolean cancels_known = TRUE;
  gboolean processed = FALSE;
  gint64 cancels_total = 0;

  /* This callback owns one reference to @task: it goes to whatever comes next. */
  reply = kp_client_order_finish (KP_CLIENT (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The refund stays unfinished in the journal");
      g_object_unref (task);
      return;
    }

  if (reply != NULL)
    {
      for (guint i = 0; reply->payment_action_details != NULL &&
                        i < reply->payment_action_details->len; i++)
        {
          const KpPaymentAction *action = g_ptr_array_index (reply->payment_action_details, i);
          gint64 amount = 0;

          if (g_strcmp0 (action->payment_action_type, "CANCEL") != 0)
            continue;
          last_cancel = action;
          /* The cancel carried the refund's id as its payload. */
          if (g_strcmp0 (action->payload, r->refund->refund_id) == 0)
            ours = action;
          if (kp_optional_int_get (&action->amount, &amount))
            cancels_total += amount;
          else
            cancels_known = FALSE;
        }
    }

  /* Processed or not, only on evidence: this refund's own entry, else the cumulative
   * canceled amount, else the sum of the cancel entries when every one has its amount.
   * A reply that says none of these (or none at all) leaves the refund REFUND_SENT. */
  if (ours != NULL)
    processed = TRUE;
  else if (reply != NULL && reply->canceled_amount.present)
    processed = reply->canceled_amount.total >= r->refunded_before + r->refund->cancel_amount;
  else if (reply != NULL && cancels_known)
    processed = cancels_total >= r->refunded_before + r->refund->cancel_amount;
  else
    {
      /* Still no word from KakaoPay: the refund stays REFUND_SENT; ask again. */
      r->backoff_ms = r->backoff_ms == 0 ? self->retry_ms : MIN (r->backoff_ms * 2, MAX_BACKOFF_MS);
      r->timeout_id = g_timeout_add (r->backoff_ms, retry_cb, task);
      return;
    }

  if (processed)
    {
      const KpPaymentAction *entry = ours != NULL ? ours : last_cancel;

      /* KakaoPay's refunds include this one. */
      complete (task, entry != NULL ? entry->aid : NULL,
                reply->canceled_at != NULL ? reply->canceled_at
                                           : entry != NULL ? entry->approved_at : NULL);
    }
  else
    fail (task, g_error_new_literal (KP_API_ERROR, KP_API_ERROR_NOT_SENT,
                                     _("KakaoPay did not receive the refund, so nothing was "
                                       "refunded. Try again.")));
}

/* What happened to a refund whose cancel had no usable reply: the order API's
 * cumulative canceled amount either includes it or not. */
static void
resolve (GTask *task)
{
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();

  request->cid = g_strdup (r->sale->cid);
  request->cid_secret = g_strdup (self->cid_secret);
  request->tid = g_strdup (r->sale->tid);
  kp_client_order_async (self->client, request, self->cancellable, order_cb,
                         g_object_ref (task));
}

static void
cancel_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (KpCancelReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = kp_client_cancel_finish (KP_CLIENT (source), result, &error);
  if (reply != NULL)
    {
      complete (g_steal_pointer (&task), reply->aid, reply->canceled_at);
      return;
    }

  if (kp_api_error_is_outcome_unknown (error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      resolve (task);
      return;
    }
  fail (g_steal_pointer (&task), g_steal_pointer (&error));
}

static void
begun_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (KpCancelRequest) request = kp_cancel_request_new ();
  g_autoptr (GError) error = NULL;

  r->refund = kp_journal_begin_refund_finish (KP_JOURNAL (source), result, &error);
  if (r->refund == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  request->cid = g_strdup (r->sale->cid);
  request->cid_secret = g_strdup (self->cid_secret);
  request->tid = g_strdup (r->sale->tid);
  request->cancel_amount = r->refund->cancel_amount;
  request->cancel_tax_free_amount = r->refund->cancel_tax_free_amount;
  request->cancel_vat_amount = r->refund->cancel_vat_amount;
  request->cancel_available_amount = r->refund->cancel_available_amount;
  request->payload = g_strdup (r->refund->refund_id);
  kp_client_cancel_async (self->client, request, self->cancellable, cancel_cb,
                          g_steal_pointer (&task));
}

static void
got_sale_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KpRefunder *self = g_task_get_source_object (task);
  Refund *r = g_task_get_task_data (task);
  g_autoptr (KpJournalRefundRequest) request = kp_journal_refund_request_new ();
  g_autoptr (GError) error = NULL;

  r->sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (r->sale == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  r->refunded_before = r->sale->refunded_amount;
  request->cancel_amount = r->amount;
  request->cancel_tax_free_amount = r->tax_free;
  request->lines_json = g_strdup (r->lines_json);
  kp_journal_begin_refund_async (self->journal, r->sale->partner_order_id, request, NULL,
                                 begun_cb, g_steal_pointer (&task));
}

static void
kp_refunder_dispose (GObject *object)
{
  KpRefunder *self = KP_REFUNDER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->journal);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kp_refunder_parent_class)->dispose (object);
}

static void
kp_refunder_finalize (GObject *object)
{
  KpRefunder *self = KP_REFUNDER (object);

  g_clear_object (&self->cancellable);
  g_free (self->cid_secret);

  G_OBJECT_CLASS (kp_refunder_parent_class)->finalize (object);
}

static void
kp_refunder_class_init (KpRefunderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_refunder_dispose;
  object_class->finalize = kp_refunder_finalize;

  /**
   * KpRefunder::resolved:
   * @sale: (type gpointer): the sale as journaled
   * @refund: (type gpointer): the #KpJournalRefund
   *
   * A refund reached its end (refunded or failed).
   */
  signals[SIGNAL_RESOLVED] =
    g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
}

static void
kp_refunder_init (KpRefunder *self)
{
  self->cancellable = g_cancellable_new ();
  self->retry_ms = 2000;
}

KpRefunder *
kp_refunder_new (KpClient  *client,
                 KpJournal *journal)
{
  KpRefunder *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KP_IS_JOURNAL (journal), NULL);

  self = g_object_new (KP_TYPE_REFUNDER, NULL);
  self->client = g_object_ref (client);
  self->journal = g_object_ref (journal);
  return self;
}

/**
 * kp_refunder_set_services:
 * @cid_secret: (nullable): sent with the CID when set
 *
 * The client the next calls use.
 */
void
kp_refunder_set_services (KpRefunder *self,
                          KpClient   *client,
                          const char *cid_secret)
{
  g_return_if_fail (KP_IS_REFUNDER (self));
  g_return_if_fail (KP_IS_CLIENT (client));

  g_set_object (&self->client, client);
  g_free (self->cid_secret);
  self->cid_secret = cid_secret != NULL && *cid_secret != '\0' ? g_strdup (cid_secret) : NULL;
}

void
kp_refunder_set_retry (KpRefunder *self,
                       guint       interval_ms)
{
  g_return_if_fail (KP_IS_REFUNDER (self));

  self->retry_ms = MAX (interval_ms, 100);
}

/**
 * kp_refunder_refund_async:
 * @amount: the amount to refund, KRW
 * @tax_free: its tax-free part (see kp_vat_tax_free_share())
 * @lines_json: (nullable): which lines, for the record
 *
 * Refunds part or all of an approved sale. The journal works out the VAT so the last
 * refund takes exactly what is left, and refuses more than is left.
 */
void
kp_refunder_refund_async (KpRefunder          *self,
                          const char          *partner_order_id,
                          gint64               amount,
                          gint64               tax_free,
                          const char          *lines_json,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Refund *r = g_new0 (Refund, 1);

  g_return_if_fail (KP_IS_REFUNDER (self));
  g_return_if_fail (partner_order_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_refunder_refund_async);
  r->amount = amount;
  r->tax_free = tax_free;
  r->lines_json = g_strdup (lines_json);
  g_task_set_task_data (task, r, (GDestroyNotify) refund_free);
  kp_journal_get_sale_async (self->journal, partner_order_id, NULL, got_sale_cb,
                             g_steal_pointer (&task));
}

/**
 * kp_refunder_refund_finish:
 *
 * Returns: (transfer full): the sale with the refund applied, or %NULL: KakaoPay's
 *   refusal, the journal's (too much, another refund in progress), or a cancellation
 */
KpJournalSale *
kp_refunder_refund_finish (KpRefunder    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
recovered_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournalSale) sale = kp_refunder_refund_finish (KP_REFUNDER (source), result,
                                                               &error);

  if (sale == NULL && error != NULL)
    g_debug ("a pending refund ended: %s", error->message);
}

static void
pending_sale_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  Refund *r = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  r->sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (r->sale == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The journal has not applied the refund yet: what was refunded before it. */
  r->refunded_before = r->sale->refunded_amount;
  resolve (task);
}

static void
pending_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (KpRefunder) self = user_data;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;

  refunds = kp_journal_list_pending_refunds_finish (KP_JOURNAL (source), result, &error);
  if (refunds == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the unfinished refunds: %s", error->message);
      return;
    }

  for (guint i = 0; i < refunds->len; i++)
    {
      KpJournalRefund *refund = g_ptr_array_index (refunds, i);
      GTask *task = g_task_new (self, NULL, recovered_cb, NULL);
      Refund *r = g_new0 (Refund, 1);

      g_task_set_source_tag (task, kp_refunder_refund_async);
      r->refund = kp_journal_refund_copy (refund);
      g_task_set_task_data (task, r, (GDestroyNotify) refund_free);
      kp_journal_get_sale_async (self->journal, refund->partner_order_id, NULL, pending_sale_cb,
                                 task);
    }
}

/**
 * kp_refunder_recover:
 *
 * Resolves every refund a crash or a lost reply left REFUND_SENT (at start-up).
 */
void
kp_refunder_recover (KpRefunder *self)
{
  g_return_if_fail (KP_IS_REFUNDER (self));

  kp_journal_list_pending_refunds_async (self->journal, self->cancellable, pending_cb,
                                         g_object_ref (self));
}

/**
 * kp_refunder_error_message:
 * @error: why a refund did not happen
 *
 * Returns: (transfer full): what to tell the cashier, translated
 */
char *
kp_refunder_error_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == KP_REFUND_PLAN_ERROR)
    return g_strdup (error->message);

  if (error->domain == KP_JOURNAL_ERROR)
    {
      switch (error->code)
        {
        case KP_JOURNAL_ERROR_INVALID:
          return g_strdup (_("The journal refused the refund: it does not fit what is left of "
                             "the sale. Nothing was sent to KakaoPay."));
        case KP_JOURNAL_ERROR_STATE_CONFLICT:
          return g_strdup (_("Another refund of this sale is still in progress. Nothing was "
                             "sent to KakaoPay: try again once it is done."));
        case KP_JOURNAL_ERROR_BAD_TRANSITION:
          return g_strdup (_("This sale cannot be refunded in its current state. Nothing was "
                             "sent to KakaoPay."));
        case KP_JOURNAL_ERROR_NOT_FOUND:
          return g_strdup (_("This sale is not in the journal."));
        default:
          /* Translators: %s is the journal's (technical) reason */
          return g_strdup_printf (_("The journal could not record the refund, so nothing was "
                                    "sent to KakaoPay: %s"), error->message);
        }
    }

  if (error->domain == KP_API_ERROR)
    {
      switch (error->code)
        {
        case KP_API_ERROR_REJECTED:
        case KP_API_ERROR_UNAUTHORIZED:
        case KP_API_ERROR_INVALID_REQUEST:
          /* Translators: %s is KakaoPay's reason */
          return g_strdup_printf (_("KakaoPay refused the refund. Nothing was refunded.\n%s"),
                                  error->message);
        case KP_API_ERROR_NOT_SENT:
          /* Translators: %s is the reason */
          return g_strdup_printf (_("KakaoPay could not be reached, so nothing was refunded. "
                                    "Check the network and try again.\n%s"), error->message);
        default:
          break;
        }
    }

  /* Translators: %s is the reason */
  return g_strdup_printf (_("The refund failed: %s"), error->message);
}
