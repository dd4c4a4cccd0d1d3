/* kp-journal-print.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * KpPrintKind:
 * @KP_PRINT_KIND_SALE: the receipt of a payment, as it completed
 * @KP_PRINT_KIND_REFUND: the cancellation receipt of a refund, as it completed
 * @KP_PRINT_KIND_REPRINT: a receipt printed again on request
 */
typedef enum
{
  KP_PRINT_KIND_SALE,
  KP_PRINT_KIND_REFUND,
  KP_PRINT_KIND_REPRINT,
} KpPrintKind;

#define KP_TYPE_JOURNAL_PRINT_ATTEMPT (kp_journal_print_attempt_get_type ())

/**
 * KpJournalPrintAttempt:
 * @id: increasing with time
 * @partner_order_id: the sale
 * @refund_id: (nullable): the refund whose receipt it is; %NULL for the sale's
 * @kind: why it was printed
 * @printed: whether the printer took the receipt
 * @at: when
 * @reason: (nullable): why it was not printed
 *
 * One attempt to print a receipt.
 */
typedef struct
{
  gint64       id;
  char        *partner_order_id;
  char        *refund_id;
  KpPrintKind  kind;
  gboolean     printed;
  GDateTime   *at;
  char        *reason;
} KpJournalPrintAttempt;

GType                  kp_journal_print_attempt_get_type (void);
KpJournalPrintAttempt *kp_journal_print_attempt_copy     (const KpJournalPrintAttempt *attempt);
void                   kp_journal_print_attempt_free     (KpJournalPrintAttempt       *attempt);

const char            *kp_print_kind_to_string           (KpPrintKind                  kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalPrintAttempt, kp_journal_print_attempt_free)

G_END_DECLS
