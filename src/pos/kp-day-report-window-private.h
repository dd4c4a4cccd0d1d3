/* kp-day-report-window-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-day-report-window.h"

G_BEGIN_DECLS

/* The window over two files: kp-day-report-window.c reads, shows and closes the day;
 * kp-day-report-window-export.c exports and prints it. */

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
  GtkLabel             *shop_label;
  GtkSpinner           *spinner;
  GtkLabel             *status_label;
  GtkLabel             *supply_label;
  GtkLabel             *tax_free_label;
  GtkLabel             *test_mode_banner;
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *unfinished_heading;
  GtkListBox           *unfinished_list;
  GtkLabel             *vat_label;
  AdwWindowTitle       *window_title;

  /* Owned */
  KpJournal            *journal;
  char                 *terminal_id;
  char                 *shop_name;
  char                 *business_number;
  KpJournalDayReport   *report;
  KpJournalDayCheck    *check;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  GtkPrintOperation    *print_operation;
  GDate                 day;
  guint                 busy;
  gboolean              test_mode;
};

void                _kp_day_report_window_set_busy      (KpDayReportWindow *self,
                                                         gboolean           busy);
KpJournalDayReport *_kp_day_report_window_labelled_copy (KpDayReportWindow *self);
void                _kp_day_report_window_class_init_export (GtkWidgetClass *widget_class);

G_END_DECLS
