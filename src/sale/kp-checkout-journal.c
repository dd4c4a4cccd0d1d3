/* kp-checkout-journal.c: KpCheckout's journal writes, each carrying the state it moves
 * to and what follows once it is written
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-checkout"

#include "config.h"

#include "kp-checkout-private.h"

typedef struct
{
  KpCheckout       *self;
  AfterWrite        after;
  KpCheckoutResult  result;   /* for a final write */
  gboolean          final;
  GError           *error;    /* what ended the sale, reported with the result */
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->self);
  g_clear_error (&data->error);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WriteData, write_data_free)

static void
transition_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (WriteData) data = user_data;
  KpCheckout *self = data->self;
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = kp_journal_transition_finish (KP_JOURNAL (source), result, &error);
  if (sale == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Without the record, the next step must not happen. */
      g_warning ("Could not write the journal: %s", error->message);
      _kp_checkout_finish (self, data->final ? data->result : KP_CHECKOUT_READY_FAILED, error);
      return;
    }

  _kp_checkout_replace_sale (self, sale);
  if (data->final)
    {
      g_autoptr (KpJournalSale) aborted = NULL;

      if (data->result == KP_CHECKOUT_ABORTED)
        aborted = kp_journal_sale_copy (sale);
      _kp_checkout_finish (self, data->result, data->error);
      /* The cashier gave up, but the payment stays open at KakaoPay until its tid
       * expires: the reconciler watches it, and KakaoPay's word wins. */
      if (aborted != NULL)
        kp_reconciler_resolve_using (self->reconciler, aborted, self->now.client,
                                     self->now.cid_secret);
    }
  else if (data->after != NULL)
    data->after (self);
}

void
_kp_checkout_write_transition (KpCheckout      *self,
                  KpSaleState      to,
                  KpJournalUpdate *update,
                  AfterWrite       after)
{
  WriteData *data = g_new0 (WriteData, 1);

  data->self = g_object_ref (self);
  data->after = after;
  kp_journal_transition_async (self->journal, self->sale->partner_order_id, self->sale->state,
                               to, update, self->cancellable, transition_cb, data);
}

void
_kp_checkout_write_final (KpCheckout       *self,
             KpSaleState       to,
             KpJournalUpdate  *update,
             KpCheckoutResult  result,
             const GError     *error)
{
  WriteData *data = g_new0 (WriteData, 1);

  data->self = g_object_ref (self);
  data->final = TRUE;
  data->result = result;
  data->error = error != NULL ? g_error_copy (error) : NULL;
  if (error != NULL && update->detail == NULL)
    update->detail = g_strdup (error->message);
  kp_journal_transition_async (self->journal, self->sale->partner_order_id, self->sale->state,
                               to, update, self->cancellable, transition_cb, data);
}

KpCheckoutResult
_kp_checkout_result_for_state (KpSaleState state)
{
  switch (state)
    {
    case KP_SALE_STATE_APPROVED:
    case KP_SALE_STATE_PARTIALLY_REFUNDED:
    case KP_SALE_STATE_REFUNDED:
      return KP_CHECKOUT_APPROVED;
    case KP_SALE_STATE_CANCELLED_BY_CUSTOMER:
      return KP_CHECKOUT_CANCELLED;
    case KP_SALE_STATE_FAILED:
      return KP_CHECKOUT_FAILED;
    case KP_SALE_STATE_EXPIRED:
      return KP_CHECKOUT_EXPIRED;
    case KP_SALE_STATE_ABORTED_BY_CASHIER:
      return KP_CHECKOUT_ABORTED;
    case KP_SALE_STATE_READY_FAILED:
      return KP_CHECKOUT_READY_FAILED;
    case KP_SALE_STATE_APPROVE_FAILED:
    default:
      return KP_CHECKOUT_APPROVE_FAILED;
    }
}
