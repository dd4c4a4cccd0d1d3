/* kp-refund-plan.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"
#include "kp-vat.h"

G_BEGIN_DECLS

#define KP_REFUND_PLAN_ERROR (kp_refund_plan_error_quark ())

/**
 * KpRefundPlanError:
 * @KP_REFUND_PLAN_ERROR_NOTHING: nothing would be refunded
 * @KP_REFUND_PLAN_ERROR_TOO_MUCH: more than what is left of the sale
 * @KP_REFUND_PLAN_ERROR_DOES_NOT_FIT: the lines' tax-free or taxable part is more than
 *   what is left of that part (earlier refunds by amount took some)
 *
 * Why a refund cannot be asked for. The messages are translated.
 */
typedef enum
{
  KP_REFUND_PLAN_ERROR_NOTHING,
  KP_REFUND_PLAN_ERROR_TOO_MUCH,
  KP_REFUND_PLAN_ERROR_DOES_NOT_FIT,
} KpRefundPlanError;

/**
 * KpRefundLeft:
 * @total: what is left to refund of a sale, KRW
 * @tax_free: its tax-free part
 * @vat: its VAT
 *
 * What is left of a sale, split as KakaoPay needs it.
 */
/* What is left to refund of a sale. */
typedef KpVatSplit KpRefundLeft;

/**
 * KpRefundPlan:
 * @amount: what will be refunded, KRW
 * @tax_free: its tax-free part
 * @vat: its VAT part (the journal's rule, which KakaoPay's matches)
 * @left: what will be left of the sale after it
 *
 * A refund worked out before it is asked for: what the confirmation shows.
 */
typedef struct
{
  gint64       amount;
  gint64       tax_free;
  gint64       vat;
  KpRefundLeft left;
} KpRefundPlan;

GQuark    kp_refund_plan_error_quark  (void);

void      kp_refund_left_of_sale      (const KpJournalSale  *sale,
                                       GPtrArray            *refunds,
                                       KpRefundLeft         *out_left);
gint64   *kp_refund_lines_left        (const KpJournalSale  *sale,
                                       GPtrArray            *refunds);
gboolean  kp_refund_plan_by_amount    (const KpRefundLeft   *left,
                                       gint64                amount,
                                       KpRefundPlan         *out_plan,
                                       GError              **error);
gboolean  kp_refund_plan_by_lines     (const KpRefundLeft   *left,
                                       const KpJournalSale  *sale,
                                       const gint64         *quantities,
                                       KpRefundPlan         *out_plan,
                                       GError              **error);
char     *kp_refund_lines_to_json     (const KpJournalSale  *sale,
                                       const gint64         *quantities);

G_END_DECLS
