/* kp-journal-report.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kp-sale-state.h"

G_BEGIN_DECLS

/* The records of the day report (the Z report once the day is closed) and
 * of a closed day's verification. Boxed, deep-copied. */

#define KP_TYPE_JOURNAL_METHOD_TOTALS (kp_journal_method_totals_get_type ())
#define KP_TYPE_JOURNAL_UNFINISHED    (kp_journal_unfinished_get_type ())
#define KP_TYPE_JOURNAL_AMENDMENT     (kp_journal_amendment_get_type ())
#define KP_TYPE_JOURNAL_DAY_REPORT    (kp_journal_day_report_get_type ())
#define KP_TYPE_JOURNAL_DAY_CHECK     (kp_journal_day_check_get_type ())

/**
 * KpJournalMethodTotals:
 * @method: the payment_method_type as KakaoPay returned it ("MONEY",
 *   "CARD"), or "UNKNOWN" for a paid sale that has none
 * @count: the counted sales (see #KpJournalDayReport) paid this way
 * @gross: their total amounts, KRW
 * @n_refunds: the refunds completed that day of sales paid this way
 * @refunds: their cancel amounts, KRW
 * @net: @gross − @refunds
 *
 * The figures of one payment method. The methods of a report add up to
 * its totals.
 */
typedef struct
{
  char   *method;
  guint   count;
  gint64  gross;
  guint   n_refunds;
  gint64  refunds;
  gint64  net;
} KpJournalMethodTotals;

/**
 * KpJournalUnfinished:
 * @partner_order_id: the sale
 * @state: the sale's state
 * @refund_id: (nullable): set when what is unfinished is a refund of the
 *   sale (REFUND_SENT); %NULL when it is the sale itself
 * @amount: the sale's total amount, or the refund's cancel amount
 * @since: when the sale, or the refund, was journaled
 *
 * Something whose outcome KakaoPay has not told yet: a warning of the day
 * report, since it may still move money.
 */
typedef struct
{
  char        *partner_order_id;
  KpSaleState  state;
  char        *refund_id;
  gint64       amount;
  GDateTime   *since;
} KpJournalUnfinished;

/**
 * KpJournalAmendment:
 * @id: increasing with time
 * @partner_order_id: (nullable): the sale changed
 * @refund_id: (nullable): the refund changed
 * @what: what changed, old and new values (e.g. "sale T1-20261125-0001
 *   changed: state 'APPROVED' → 'PARTIALLY_REFUNDED'; …")
 * @at: when (the journal's clock for its own writes; the system's clock,
 *   in UTC, for changes made outside the journal)
 * @by_journal: %TRUE for a write the journal made (a late refund, the
 *   reconciler settling a sale), %FALSE for a change made outside it
 *
 * A change to a row of a day after the day was closed.
 */
typedef struct
{
  gint64     id;
  char      *partner_order_id;
  char      *refund_id;
  char      *what;
  GDateTime *at;
  gboolean   by_journal;
} KpJournalAmendment;

/**
 * KpJournalDayReport:
 * @day: the local date reported on
 * @n_sales: the counted sales: those created on @day (local time) that are
 *   APPROVED, PARTIALLY_REFUNDED or REFUNDED now. A sale is counted on the
 *   day it was created, even if it was approved after midnight; a sale
 *   refunded later still counts in its day's gross
 * @gross: the counted sales' total amounts, KRW (refunds not deducted)
 * @n_refunds: the refunds completed on @day (state REFUNDED, local date of
 *   their completion), whatever day their sale was created
 * @refunds: those refunds' cancel amounts, KRW
 * @net: @gross − @refunds
 * @vat: the counted sales' VAT minus those refunds' VAT, KRW
 * @tax_free: the counted sales' tax-free amounts minus those refunds'
 *   tax-free amounts, KRW
 * @methods: (element-type KpJournalMethodTotals): MONEY, then CARD (always
 *   present, maybe zero), then any other method found, by name
 * @unfinished: (element-type KpJournalUnfinished): the sales created on
 *   @day still in flight (READY_SENT, AWAITING_CUSTOMER, APPROVING, or
 *   ABORTED_BY_CASHIER with a tid that has not expired), then the refunds
 *   still REFUND_SENT that were asked for on @day or are of a sale created
 *   on @day; in journal order. Neither is in the figures yet
 * @amendments: (element-type KpJournalAmendment): when @closed, every
 *   change made to the day's rows since it was closed, oldest first;
 *   empty otherwise
 * @closed: whether the day was closed (kp_journal_close_day_async())
 * @closed_at: (nullable): when
 * @closed_by: (nullable): the terminal id given to close it
 * @hash: (nullable): the hash of the day's rows sealed at closing
 *
 * The figures of one day, computed from the journal when asked: for a
 * closed day they include what changed since (listed in @amendments); the
 * figures as closed are kept in the journal's day_closes table. Failed,
 * expired, cancelled and still-unfinished sales are not in the figures;
 * refunds still in flight or failed are not either.
 */
typedef struct
{
  GDate      day;
  guint      n_sales;
  gint64     gross;
  guint      n_refunds;
  gint64     refunds;
  gint64     net;
  gint64     vat;
  gint64     tax_free;
  gint64     supply;
  guint      n_cancelled;
  guint      n_expired;
  GPtrArray *methods;
  GPtrArray *unfinished;
  GPtrArray *amendments;
  gboolean   closed;
  GDateTime *closed_at;
  char      *closed_by;
  char      *hash;
  /* Labels the caller sets for printing and export; the journal leaves them NULL. */
  char      *mode;
  char      *shop_name;
  char      *business_number;
} KpJournalDayReport;

/**
 * KpJournalDayCheck:
 * @day: the closed day
 * @intact: %TRUE if the day's rows hash to @sealed_hash and every change
 *   since closing went through the journal (all its amendments are
 *   @by_journal); %FALSE if rows changed behind the journal's back
 * @sealed_hash: the hash the journal last sealed: at closing, or after its
 *   own latest amendment of the day
 * @actual_hash: the hash of the day's rows now
 * @n_amendments: the day's amendments
 * @n_outside: those made outside the journal (or found by it: a journal
 *   write that finds the day's rows not matching their seal records that)
 *
 * The result of kp_journal_verify_day_async().
 */
typedef struct
{
  GDate     day;
  gboolean  intact;
  char     *sealed_hash;
  char     *actual_hash;
  guint     n_amendments;
  guint     n_outside;
} KpJournalDayCheck;

GType kp_journal_method_totals_get_type (void);
KpJournalMethodTotals *kp_journal_method_totals_copy (const KpJournalMethodTotals *totals);
void kp_journal_method_totals_free (KpJournalMethodTotals *totals);

GType kp_journal_unfinished_get_type (void);
KpJournalUnfinished *kp_journal_unfinished_copy (const KpJournalUnfinished *unfinished);
void kp_journal_unfinished_free (KpJournalUnfinished *unfinished);

GType kp_journal_amendment_get_type (void);
KpJournalAmendment *kp_journal_amendment_copy (const KpJournalAmendment *amendment);
void kp_journal_amendment_free (KpJournalAmendment *amendment);

GType kp_journal_day_report_get_type (void);
KpJournalDayReport *kp_journal_day_report_new (const GDate *day);
KpJournalDayReport *kp_journal_day_report_copy (const KpJournalDayReport *report);
void kp_journal_day_report_free (KpJournalDayReport *report);
const KpJournalMethodTotals *kp_journal_day_report_get_method (const KpJournalDayReport *report,
                                                               const char               *method);
KpJournalMethodTotals *kp_journal_day_report_ensure_method (KpJournalDayReport *report,
                                                           const char         *method);
void kp_journal_day_report_sort_methods (KpJournalDayReport *report);

GType kp_journal_day_check_get_type (void);
KpJournalDayCheck *kp_journal_day_check_copy (const KpJournalDayCheck *check);
void kp_journal_day_check_free (KpJournalDayCheck *check);

gboolean kp_journal_export_day_report_csv_sync (const KpJournalDayReport  *report,
                                                const char                *csv_path,
                                                GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalMethodTotals, kp_journal_method_totals_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalUnfinished, kp_journal_unfinished_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalAmendment, kp_journal_amendment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalDayReport, kp_journal_day_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalDayCheck, kp_journal_day_check_free)

G_END_DECLS
