/* kp-shop-report.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"

G_BEGIN_DECLS

#define KP_TYPE_SHOP_DAY_REPORT (kp_shop_day_report_get_type ())

/**
 * KpShopTerminalReport:
 * @terminal_id: the terminal
 * @replicated_seq: the last change of its journal the shop database has
 * @journal_seq: its journal's last change when it last sent
 * @caught_up: whether @replicated_seq reached @journal_seq: if not, the
 *   terminal's figures may lack changes still in its outbox
 * @last_seen: (nullable): when it last sent
 * @report: its figures, as its own journal's day report computes them
 *   (without the unfinished list and the amendments)
 */
typedef struct
{
  char               *terminal_id;
  gint64              replicated_seq;
  gint64              journal_seq;
  gboolean            caught_up;
  GDateTime          *last_seen;
  KpJournalDayReport *report;
} KpShopTerminalReport;

/**
 * KpShopDayReport:
 * @day: the day
 * @total: the figures of the whole shop: the sum of the terminals'
 * @terminals: (element-type KpShopTerminalReport): every terminal that ever
 *   sent to the shop database, by id
 * @closed: whether the shop's day was closed
 * @closed_at: (nullable): when
 * @closed_by: (nullable): by which terminal
 *
 * The shop's day report (kp_shop_client_day_report_async()), or its close.
 */
typedef struct
{
  GDate               day;
  KpJournalDayReport *total;
  GPtrArray          *terminals;
  gboolean            closed;
  GDateTime          *closed_at;
  char               *closed_by;
} KpShopDayReport;

GType            kp_shop_day_report_get_type  (void);
KpShopDayReport *kp_shop_day_report_new       (const GDate           *day);
KpShopDayReport *kp_shop_day_report_copy      (const KpShopDayReport *report);
void             kp_shop_day_report_free      (KpShopDayReport       *report);
KpShopTerminalReport *kp_shop_day_report_get_terminal (const KpShopDayReport *report,
                                                       const char            *terminal_id);
guint            kp_shop_day_report_count_behind (const KpShopDayReport *report);
KpShopTerminalReport *kp_shop_day_report_add_terminal (KpShopDayReport *report,
                                                       const char      *terminal_id);
void             kp_shop_day_report_finish    (KpShopDayReport       *report);
char            *kp_shop_day_report_to_json   (const KpShopDayReport *report,
                                               gboolean               terminals_only);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpShopDayReport, kp_shop_day_report_free)

G_END_DECLS
