/* kp-reconciler-write.c: what a reconciling job writes to the journal
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-reconciler"

#include "config.h"

#include <json-glib/json-glib.h>

#include "kp-reconciler-private.h"

/* Every step of a job is a compare-and-set transition of the journal, from the state
 * the job last read: when another writer (the foreground checkout) moved the sale
 * first, the write fails and the job stops, the sale being theirs. A write that lands
 * either ends the job or, for APPROVING, goes on to send approve. KakaoPay's replies
 * (approve's, or the order API's for a sale found paid) become the journaled
 * approval here, card details included. */

typedef struct
{
  KpReconcilerJob *job;
  KpSaleState      to;
  GError          *error;    /* what ends the job once written */
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_error (&data->error);
  _kp_reconciler_job_unref (data->job);
  g_free (data);
}

static void
transition_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  WriteData *data = user_data;
  KpReconcilerJob *job = data->job;
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
      _kp_reconciler_job_finish (job, error);
      write_data_free (data);
      return;
    }

  kp_journal_sale_free (job->sale);
  job->sale = sale;
  if (data->to == KP_SALE_STATE_APPROVING)
    _kp_reconciler_job_send_approve (job);
  else
    _kp_reconciler_job_finish (job, data->error);
  write_data_free (data);
}

/* Moves the sale to @to. Once it is written, APPROVING goes on to send approve; any
 * other state is final, and the job ends with @error. */
void
_kp_reconciler_job_write (KpReconcilerJob *job,
                          KpSaleState      to,
                          KpJournalUpdate *update,
                          const GError    *error)
{
  WriteData *data = g_new0 (WriteData, 1);

  data->job = _kp_reconciler_job_ref (job);
  data->to = to;
  data->error = error != NULL ? g_error_copy (error) : NULL;
  kp_journal_transition_async (job->self->journal, job->sale->partner_order_id,
                               job->sale->state, to, update, job->self->cancellable,
                               transition_cb, data);
}

void
_kp_reconciler_job_final (KpReconcilerJob *job,
                          KpSaleState      to,
                          const char      *detail,
                          const GError    *error)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  /* The error that ends the sale says why, unless @detail does. */
  update->detail = g_strdup (detail != NULL ? detail : error != NULL ? error->message : NULL);
  _kp_reconciler_job_write (job, to, update, error);
}

/* A string member of the card details; NULL leaves it out, as KakaoPay's reply
 * does. */
typedef struct
{
  const char *name;
  const char *value;
} Member;

static char *
members_to_json (const Member *members,
                 gsize         n_members)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (gsize i = 0; i < n_members; i++)
    {
      if (members[i].value == NULL)
        continue;
      json_builder_set_member_name (builder, members[i].name);
      json_builder_add_string_value (builder, members[i].value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
card_info_to_json (const KpCardInfo *info)
{
  Member members[] = {
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

  return members_to_json (members, G_N_ELEMENTS (members));
}

static char *
selected_card_to_json (const KpSelectedCardInfo *info)
{
  g_autofree char *months = g_strdup_printf ("%02d", info->install_month);
  /* The order API's names, mapped onto the approve reply's card_info. */
  Member members[] = {
    { "kakaopay_issuer_corp", info->card_corp_name },
    { "bin", info->card_bin },
    { "install_month", months },
    { "interest_free_install", info->interest_free_install },
    { "installment_type", info->installment_type },
  };

  return members_to_json (members, G_N_ELEMENTS (members));
}

void
_kp_reconciler_job_approved_from_reply (KpReconcilerJob      *job,
                                        const KpApproveReply *reply)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

  update->aid = g_strdup (reply->aid);
  update->payment_method_type = g_strdup (reply->payment_method_type);
  if (reply->card_info != NULL)
    update->card_info_json = card_info_to_json (reply->card_info);
  update->approved_at = reply->approved_at != NULL ? g_date_time_ref (reply->approved_at)
                                                   : g_date_time_new_now_local ();
  _kp_reconciler_job_write (job, KP_SALE_STATE_APPROVED, update, NULL);
}

void
_kp_reconciler_job_approved_from_order (KpReconcilerJob    *job,
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
  _kp_reconciler_job_write (job, KP_SALE_STATE_APPROVED, update, NULL);
}
