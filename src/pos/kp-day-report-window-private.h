/* kp-day-report-window-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-day-report-window.h"

G_BEGIN_DECLS

/* The window over three files: kp-day-report-window.c reads, shows and closes the day
 * of the terminal's journal; kp-day-report-window-shop.c the whole shop's day, from the
 * shop database; kp-day-report-window-export.c exports and prints either. */

struct _KpDayReportWindow
{
  AdwWindow             parent_instance;

  /* Template children */
  GtkLabel             *amendments_heading;
  GtkListBox           *amendments_list;
  GtkLabel             *check_label;
  GtkButton            *close_day_button;
  GtkLabel             *error_label;
  GtkButton            *export_button;
  GtkLabel             *gross_label;
  GtkLabel             *methods_heading;
  GtkListBox           *methods_list;
  GtkLabel             *n_refunds_label;
  GtkLabel             *n_cancelled_label;
  GtkLabel             *n_expired_label;
  GtkLabel             *n_sales_label;
  GtkLabel             *net_label;
  GtkLabel             *refunds_label;
  GtkBox               *scope_box;
  GtkLabel             *shop_label;
  GtkSpinner           *spinner;
  GtkLabel             *status_label;
  GtkLabel             *supply_label;
  GtkLabel             *tax_free_label;
  GtkLabel             *terminals_heading;
  GtkListBox           *terminals_list;
  GtkLabel             *test_mode_banner;
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *unfinished_heading;
  GtkListBox           *unfinished_list;
  GtkLabel             *vat_label;
  GtkToggleButton      *whole_shop_button;
  AdwWindowTitle       *window_title;

  /* Owned */
  KpTerminal           *terminal;
  KpJournal            *journal;
  GObject              *shop_client;      /* while the whole shop is shown */
  gpointer              shop_report;      /* (KpShopDayReport) its day */
  char                 *terminal_id;
  char                 *shop_name;
  char                 *business_number;
  KpJournalDayReport   *report;
  KpJournalDayCheck    *check;
  GCancellable         *cancellable;      /* until the window goes: Close Day, exports */
  GCancellable         *read_cancellable; /* the report on its way and its check: renewed
                                           * with each read (another scope, a reload) */
  GtkFileChooserNative *chooser;
  GtkPrintOperation    *print_operation;
  GDate                 day;
  guint                 busy;
  guint                 reading;          /* of busy: the reads under read_cancellable */
  gboolean              test_mode;
};

void                _kp_day_report_window_set_busy      (KpDayReportWindow  *self,
                                                         gboolean            busy);
KpJournalDayReport *_kp_day_report_window_labelled_copy (KpDayReportWindow  *self);
void                _kp_day_report_window_got_report    (KpDayReportWindow  *self,
                                                         KpJournalDayReport *report);
void                _kp_day_report_window_show_error    (KpDayReportWindow  *self,
                                                         const char         *message);
void                _kp_day_report_window_add_row       (GtkListBox         *list,
                                                         const char         *title,
                                                         const char         *subtitle,
                                                         const char         *suffix);
void                _kp_day_report_window_clear_list    (GtkListBox         *list);
void                _kp_day_report_window_reload        (KpDayReportWindow  *self);
GCancellable       *_kp_day_report_window_begin_read    (KpDayReportWindow  *self);
void                _kp_day_report_window_end_read      (KpDayReportWindow  *self);

void                _kp_day_report_window_class_init_export (GtkWidgetClass *widget_class);

void                _kp_day_report_window_class_init_shop (GtkWidgetClass    *widget_class);
void                _kp_day_report_window_watch_shop    (KpDayReportWindow  *self);
gboolean            _kp_day_report_window_load_shop     (KpDayReportWindow  *self);
gboolean            _kp_day_report_window_close_shop_day (KpDayReportWindow *self);
void                _kp_day_report_window_label_shop    (KpDayReportWindow  *self,
                                                         KpJournalDayReport *copy);
void                _kp_day_report_window_clear_shop    (KpDayReportWindow  *self);

G_END_DECLS
