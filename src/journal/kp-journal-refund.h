/* kp-journal-refund.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The records of refunds (KakaoPay cancel, kakaopay-api.md §7): what the
 * journal takes to start one and what it returns. Boxed, deep-copied. */

/* KpJournalRefundRequest: let the journal work the value out. */
#define KP_JOURNAL_AUTO (-1)

#define KP_TYPE_JOURNAL_REFUND_REQUEST (kp_journal_refund_request_get_type ())
#define KP_TYPE_JOURNAL_REFUND         (kp_journal_refund_get_type ())

/**
 * KpRefundState:
 * @KP_REFUND_STATE_SENT: journaled; cancel is being (or was) sent, outcome
 *   unknown ("REFUND_SENT"); the reconciler resolves it
 * @KP_REFUND_STATE_REFUNDED: KakaoPay confirmed it ("REFUNDED")
 * @KP_REFUND_STATE_FAILED: KakaoPay refused it; nothing was refunded
 *   ("REFUND_FAILED")
 *
 * The states of a refund: REFUND_SENT → REFUNDED | REFUND_FAILED.
 */
typedef enum
{
  KP_REFUND_STATE_SENT,
  KP_REFUND_STATE_REFUNDED,
  KP_REFUND_STATE_FAILED,
} KpRefundState;

/**
 * KpJournalRefundRequest:
 * @cancel_amount: KRW to refund, at least 1
 * @cancel_tax_free_amount: its tax-free part (KakaoPay requires it)
 * @cancel_vat_amount: its VAT, or %KP_JOURNAL_AUTO: KakaoPay's rule
 *   ((cancel_amount − cancel_tax_free_amount) / 11, rounded half up),
 *   capped to the VAT not refunded yet, and exactly that rest when the
 *   refund takes the last of the taxable amount
 * @cancel_available_amount: what the caller believes is left to refund,
 *   this request included (sent to KakaoPay as the guard against concurrent
 *   cancels), or %KP_JOURNAL_AUTO for the journal's figure; a figure that
 *   differs from the journal's is refused
 * @lines_json: (nullable): which lines and quantities are refunded, as JSON
 *   text (free form, e.g. `[{"position":0,"quantity":1}]`); kept as given
 * @detail: (nullable): free text kept with the refund; never a secret
 *
 * A refund to journal before calling cancel. Allocate it with
 * kp_journal_refund_request_new().
 */
typedef struct
{
  gint64  cancel_amount;
  gint64  cancel_tax_free_amount;
  gint64  cancel_vat_amount;
  gint64  cancel_available_amount;
  char   *lines_json;
  char   *detail;
} KpJournalRefundRequest;

/**
 * KpJournalRefund:
 * @id: increasing with time
 * @refund_id: "{partner_order_id}-R{seq}", unique
 * @partner_order_id: the refunded sale
 * @seq: 1 for the sale's first refund request, 2 for the next, …
 * @state: where it is
 * @cancel_amount: KRW
 * @cancel_tax_free_amount: KRW
 * @cancel_vat_amount: KRW
 * @cancel_available_amount: what was left to refund when it was asked for,
 *   itself included (the guard sent to KakaoPay)
 * @lines_json: (nullable): as given
 * @aid: (nullable): KakaoPay's aid of the cancel
 * @created_at: when it was journaled (before the call)
 * @completed_at: (nullable): when its outcome was journaled; the refund
 *   belongs to the local day of this time
 * @canceled_at: (nullable): KakaoPay's canceled_at
 * @detail: (nullable): the request's detail, or the failure's
 *
 * A journaled refund.
 */
typedef struct
{
  gint64         id;
  char          *refund_id;
  char          *partner_order_id;
  guint          seq;
  KpRefundState  state;
  gint64         cancel_amount;
  gint64         cancel_tax_free_amount;
  gint64         cancel_vat_amount;
  gint64         cancel_available_amount;
  char          *lines_json;
  char          *aid;
  GDateTime     *created_at;
  GDateTime     *completed_at;
  GDateTime     *canceled_at;
  char          *detail;
} KpJournalRefund;

const char *kp_refund_state_to_string (KpRefundState state);
gboolean kp_refund_state_from_string (const char    *str,
                                      KpRefundState *out_state);

GType kp_journal_refund_request_get_type (void);
KpJournalRefundRequest *kp_journal_refund_request_new (void);
KpJournalRefundRequest *kp_journal_refund_request_copy (const KpJournalRefundRequest *request);
void kp_journal_refund_request_free (KpJournalRefundRequest *request);

GType kp_journal_refund_get_type (void);
KpJournalRefund *kp_journal_refund_copy (const KpJournalRefund *refund);
void kp_journal_refund_free (KpJournalRefund *refund);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalRefundRequest, kp_journal_refund_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalRefund, kp_journal_refund_free)

G_END_DECLS
