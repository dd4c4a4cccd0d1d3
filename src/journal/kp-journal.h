/* kp-journal.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-journal-outbox.h"
#include "kp-journal-print.h"
#include "kp-journal-refund.h"
#include "kp-journal-report.h"
#include "kp-journal-sale.h"
#include "kp-sale-state.h"

G_BEGIN_DECLS

#define KP_JOURNAL_ERROR (kp_journal_error_quark ())

/**
 * KpJournalError:
 * @KP_JOURNAL_ERROR_FAILED: SQLite failed; the message carries sqlite3_errmsg()
 * @KP_JOURNAL_ERROR_TOO_NEW: the file was written by a newer schema; it was not touched
 * @KP_JOURNAL_ERROR_NOT_FOUND: no sale has that partner_order_id (no refund has that
 *   refund_id; the day is not closed)
 * @KP_JOURNAL_ERROR_STATE_CONFLICT: the sale (refund, day) is not in the state the caller
 *   expected: a duplicate or late outcome, another refund of the sale in flight, a
 *   cancel_available_amount that is not what is left, a day closed already; nothing
 *   was written
 * @KP_JOURNAL_ERROR_BAD_TRANSITION: the transition is not allowed
 *   (see kp_sale_state_can_transition()); nothing was written
 * @KP_JOURNAL_ERROR_INVALID: the input is inconsistent (missing field, totals that do
 *   not match the lines, a refund that shrinks, …); nothing was written
 */
typedef enum
{
  KP_JOURNAL_ERROR_FAILED,
  KP_JOURNAL_ERROR_TOO_NEW,
  KP_JOURNAL_ERROR_NOT_FOUND,
  KP_JOURNAL_ERROR_STATE_CONFLICT,
  KP_JOURNAL_ERROR_BAD_TRANSITION,
  KP_JOURNAL_ERROR_INVALID,
} KpJournalError;

/* The user_version this code migrates files to. */
#define KP_JOURNAL_SCHEMA_VERSION 6

/**
 * KpJournalClockFunc:
 * @user_data: the data given to kp_journal_set_clock()
 *
 * Called from a worker thread, with the journal's lock held.
 *
 * Returns: (transfer full): the current time
 */
typedef GDateTime *(*KpJournalClockFunc) (gpointer user_data);

#define KP_TYPE_JOURNAL (kp_journal_get_type ())

G_DECLARE_FINAL_TYPE (KpJournal, kp_journal, KP, JOURNAL, GObject)

GQuark         kp_journal_error_quark              (void);

KpJournal     *kp_journal_open_sync                (const char             *path,
                                                    GError                **error);
void           kp_journal_open_async               (const char             *path,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
KpJournal     *kp_journal_open_finish              (GAsyncResult           *result,
                                                    GError                **error);

const char    *kp_journal_get_path                 (KpJournal              *self);
void           kp_journal_set_clock                (KpJournal              *self,
                                                    KpJournalClockFunc      now_func,
                                                    gpointer                user_data);

void           kp_journal_create_sale_async        (KpJournal              *self,
                                                    const KpJournalNewSale *sale,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
KpJournalSale *kp_journal_create_sale_finish       (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

void           kp_journal_transition_async         (KpJournal              *self,
                                                    const char             *partner_order_id,
                                                    KpSaleState             from,
                                                    KpSaleState             to,
                                                    const KpJournalUpdate  *update,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
KpJournalSale *kp_journal_transition_finish        (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

void           kp_journal_get_sale_async           (KpJournal              *self,
                                                    const char             *partner_order_id,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
KpJournalSale *kp_journal_get_sale_finish          (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

void           kp_journal_list_in_flight_async     (KpJournal              *self,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
GPtrArray     *kp_journal_list_in_flight_finish    (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

void           kp_journal_list_sales_async         (KpJournal              *self,
                                                    const GDate            *day,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
GPtrArray     *kp_journal_list_sales_finish        (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

void           kp_journal_list_transitions_async   (KpJournal              *self,
                                                    const char             *partner_order_id,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
GPtrArray     *kp_journal_list_transitions_finish  (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

gboolean       kp_journal_export_csv_sync          (KpJournal              *self,
                                                    const char             *csv_path,
                                                    GError                **error);
void           kp_journal_export_csv_async         (KpJournal              *self,
                                                    const char             *csv_path,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data);
gboolean       kp_journal_export_csv_finish        (KpJournal              *self,
                                                    GAsyncResult           *result,
                                                    GError                **error);

/* Refunds (kp-journal-refunds.c, kp-journal-refund-outcomes.c) */
void kp_journal_begin_refund_async (KpJournal                    *self,
                                    const char                   *partner_order_id,
                                    const KpJournalRefundRequest *request,
                                    GCancellable                 *cancellable,
                                    GAsyncReadyCallback           callback,
                                    gpointer                      user_data);
KpJournalRefund *kp_journal_begin_refund_finish (KpJournal     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

void kp_journal_complete_refund_async (KpJournal           *self,
                                       const char          *refund_id,
                                       const char          *aid,
                                       GDateTime           *canceled_at,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
KpJournalSale *kp_journal_complete_refund_finish (KpJournal     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

void kp_journal_fail_refund_async (KpJournal           *self,
                                   const char          *refund_id,
                                   const char          *detail,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
KpJournalRefund *kp_journal_fail_refund_finish (KpJournal     *self,
                                                GAsyncResult  *result,
                                                GError       **error);

void kp_journal_list_refunds_async (KpJournal           *self,
                                    const char          *partner_order_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GPtrArray *kp_journal_list_refunds_finish (KpJournal     *self,
                                           GAsyncResult  *result,
                                           GError       **error);

void kp_journal_list_pending_refunds_async (KpJournal           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray *kp_journal_list_pending_refunds_finish (KpJournal     *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

/* History search (kp-journal-search.c) */
GPtrArray *kp_journal_search_sync (KpJournal             *self,
                                   const KpJournalQuery  *query,
                                   GError               **error);
void kp_journal_search_async (KpJournal            *self,
                              const KpJournalQuery *query,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data);
GPtrArray *kp_journal_search_finish (KpJournal     *self,
                                     GAsyncResult  *result,
                                     GError       **error);

/* Days: report (kp-journal-reports.c), close, verify (kp-journal-days.c) */
KpJournalDayReport *kp_journal_day_report_sync (KpJournal    *self,
                                                const GDate  *day,
                                                GError      **error);
void kp_journal_day_report_async (KpJournal           *self,
                                  const GDate         *day,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
KpJournalDayReport *kp_journal_day_report_finish (KpJournal     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

KpJournalDayReport *kp_journal_close_day_sync (KpJournal    *self,
                                               const GDate  *day,
                                               const char   *terminal_id,
                                               GError      **error);
void kp_journal_close_day_async (KpJournal           *self,
                                 const GDate         *day,
                                 const char          *terminal_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
KpJournalDayReport *kp_journal_close_day_finish (KpJournal     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

KpJournalDayCheck *kp_journal_verify_day_sync (KpJournal    *self,
                                               const GDate  *day,
                                               GError      **error);
void kp_journal_verify_day_async (KpJournal           *self,
                                  const GDate         *day,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
KpJournalDayCheck *kp_journal_verify_day_finish (KpJournal     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

void kp_journal_add_print_attempt_async (KpJournal           *self,
                                         const char          *partner_order_id,
                                         const char          *refund_id,
                                         KpPrintKind          kind,
                                         gboolean             printed,
                                         const char          *reason,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
KpJournalPrintAttempt *kp_journal_add_print_attempt_finish (KpJournal     *self,
                                                            GAsyncResult  *result,
                                                            GError       **error);
void kp_journal_list_print_attempts_async (KpJournal           *self,
                                           const char          *partner_order_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GPtrArray *kp_journal_list_print_attempts_finish (KpJournal     *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);
void kp_journal_list_missing_receipts_async (KpJournal           *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray *kp_journal_list_missing_receipts_finish (KpJournal     *self,
                                                    GAsyncResult  *result,
                                                    GError       **error);

/* The outbox the shop database is fed from (kp-journal-outbox.c) */
KpJournalOutboxBatch *kp_journal_outbox_read_sync (KpJournal  *self,
                                                   guint       limit,
                                                   GError    **error);
gboolean kp_journal_outbox_mark_sent_sync (KpJournal  *self,
                                           gint64      up_to_seq,
                                           GError    **error);

G_END_DECLS
