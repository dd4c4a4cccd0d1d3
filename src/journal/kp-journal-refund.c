/* kp-journal-refund.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include "kp-journal-refund.h"

G_DEFINE_BOXED_TYPE (KpJournalRefundRequest, kp_journal_refund_request,
                     kp_journal_refund_request_copy, kp_journal_refund_request_free)
G_DEFINE_BOXED_TYPE (KpJournalRefund, kp_journal_refund,
                     kp_journal_refund_copy, kp_journal_refund_free)

/* Indexed by KpRefundState; the names stored in the journal. */
static const char * const refund_state_names[] = {
  "REFUND_SENT",
  "REFUNDED",
  "REFUND_FAILED",
};

static GDateTime *
ref_nullable (GDateTime *datetime)
{
  return datetime != NULL ? g_date_time_ref (datetime) : NULL;
}

/**
 * kp_refund_state_to_string:
 * @state: a refund state
 *
 * Returns: (nullable): "REFUND_SENT", "REFUNDED" or "REFUND_FAILED", or
 *   %NULL for a value out of range
 */
const char *
kp_refund_state_to_string (KpRefundState state)
{
  if ((guint) state >= G_N_ELEMENTS (refund_state_names))
    return NULL;

  return refund_state_names[state];
}

/**
 * kp_refund_state_from_string:
 * @str: (nullable): a name, exactly as kp_refund_state_to_string() returns it
 * @out_state: (out) (optional): where to store the state
 *
 * Returns: %TRUE if @str names a refund state
 */
gboolean
kp_refund_state_from_string (const char    *str,
                             KpRefundState *out_state)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (refund_state_names); i++)
    {
      if (g_str_equal (str, refund_state_names[i]))
        {
          if (out_state != NULL)
            *out_state = (KpRefundState) i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * kp_journal_refund_request_new:
 *
 * Returns: (transfer full): a request of nothing, with the VAT and the
 *   available amount left to the journal (%KP_JOURNAL_AUTO)
 */
KpJournalRefundRequest *
kp_journal_refund_request_new (void)
{
  KpJournalRefundRequest *request = g_new0 (KpJournalRefundRequest, 1);

  request->cancel_vat_amount = KP_JOURNAL_AUTO;
  request->cancel_available_amount = KP_JOURNAL_AUTO;

  return request;
}

KpJournalRefundRequest *
kp_journal_refund_request_copy (const KpJournalRefundRequest *request)
{
  KpJournalRefundRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = g_memdup2 (request, sizeof *request);
  copy->lines_json = g_strdup (request->lines_json);
  copy->detail = g_strdup (request->detail);

  return copy;
}

void
kp_journal_refund_request_free (KpJournalRefundRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->lines_json);
  g_free (request->detail);
  g_free (request);
}

KpJournalRefund *
kp_journal_refund_copy (const KpJournalRefund *refund)
{
  KpJournalRefund *copy;

  g_return_val_if_fail (refund != NULL, NULL);

  copy = g_memdup2 (refund, sizeof *refund);
  copy->refund_id = g_strdup (refund->refund_id);
  copy->partner_order_id = g_strdup (refund->partner_order_id);
  copy->lines_json = g_strdup (refund->lines_json);
  copy->aid = g_strdup (refund->aid);
  copy->created_at = ref_nullable (refund->created_at);
  copy->completed_at = ref_nullable (refund->completed_at);
  copy->canceled_at = ref_nullable (refund->canceled_at);
  copy->detail = g_strdup (refund->detail);

  return copy;
}

void
kp_journal_refund_free (KpJournalRefund *refund)
{
  if (refund == NULL)
    return;

  g_free (refund->refund_id);
  g_free (refund->partner_order_id);
  g_free (refund->lines_json);
  g_free (refund->aid);
  g_clear_pointer (&refund->created_at, g_date_time_unref);
  g_clear_pointer (&refund->completed_at, g_date_time_unref);
  g_clear_pointer (&refund->canceled_at, g_date_time_unref);
  g_free (refund->detail);
  g_free (refund);
}
