/* kp-day-report-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-day-report-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-day-report-window-private.h"
#include "kp-labels.h"
#include "kp-money.h"
#include "kp-present.h"
#include "kp-sale-format.h"

/* The end-of-day report of one day, computed by the journal: the figures, by payment
 * method, what is still unfinished, whether the day is closed and what changed after;
 * for a closed day, whether its rows are as sealed. Export CSV…, Print…, and Close
 * Day… (the day close, the Z report). In test mode it says so, on screen, on paper and
 * in the export. With a shop database, "Whole Shop" shows the day of every terminal
 * instead (kp-day-report-window-shop.c). */

G_DEFINE_FINAL_TYPE (KpDayReportWindow, kp_day_report_window, ADW_TYPE_WINDOW)

static void load (KpDayReportWindow *self);

/* The report as exported and printed: with the mode and the shop. */
KpJournalDayReport *
_kp_day_report_window_labelled_copy (KpDayReportWindow *self)
{
  KpJournalDayReport *copy = kp_journal_day_report_copy (self->report);

  g_free (copy->mode);
  copy->mode = g_strdup (self->test_mode ? "test" : "live");
  g_free (copy->shop_name);
  copy->shop_name = g_strdup (self->shop_name);
  g_free (copy->business_number);
  copy->business_number = g_strdup (self->business_number);
  _kp_day_report_window_label_shop (self, copy);
  return copy;
}

void
_kp_day_report_window_set_busy (KpDayReportWindow *self,
                                gboolean           busy)
{
  if (busy)
    self->busy++;
  else if (self->busy > 0)
    self->busy--;
  gtk_spinner_set_spinning (self->spinner, self->busy > 0);
  /* Said to assistive technologies too: the figures shown may be about to change. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_STATE_BUSY,
                               self->busy > 0, -1);
}

/* A read of the report, or of its check, starts: busy until it ends, or until the next
 * read drops it (cancel_read()). Returns the cancellable to give it. */
GCancellable *
_kp_day_report_window_begin_read (KpDayReportWindow *self)
{
  self->reading++;
  _kp_day_report_window_set_busy (self, TRUE);
  return self->read_cancellable;
}

void
_kp_day_report_window_end_read (KpDayReportWindow *self)
{
  if (self->reading == 0)
    return;
  self->reading--;
  _kp_day_report_window_set_busy (self, FALSE);
}

/* The report on its way and its check are for what was asked before (the other scope,
 * a day before a reload): dropped. Closing the day and exporting go on, under the
 * window's own cancellable. */
static void
cancel_read (KpDayReportWindow *self)
{
  g_cancellable_cancel (self->read_cancellable);
  g_object_unref (self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  while (self->reading > 0)
    _kp_day_report_window_end_read (self);
}

static void
update_actions (KpDayReportWindow *self)
{
  gboolean have = self->report != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.export-csv", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.print", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.close-day",
                                 have && !self->report->closed && self->terminal_id != NULL);
  /* The focus must not stay on a hidden button: keys would go nowhere. */
  if (have && self->report->closed && gtk_widget_has_focus (GTK_WIDGET (self->close_day_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->export_button));
  gtk_widget_set_visible (GTK_WIDGET (self->close_day_button), !have || !self->report->closed);
}

void
_kp_day_report_window_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
_kp_day_report_window_add_row (GtkListBox *list,
                               const char *title,
                               const char *subtitle,
                               const char *suffix)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    {
      GtkWidget *label = gtk_label_new (suffix);

      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  gtk_list_box_append (list, row);
}

static void
set_count (GtkLabel *label,
           guint     count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_text (label, text);
}

static void
show_check (KpDayReportWindow *self)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->check_label), self->check != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->check_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->check_label), "success");
  if (self->check == NULL)
    return;

  if (self->check->intact)
    {
      text = g_strdup (_("Verified: the closed day is intact. Every change since closing went "
                         "through the journal."));
      gtk_widget_add_css_class (GTK_WIDGET (self->check_label), "success");
    }
  else
    {
      text = g_strdup_printf (ngettext ("Warning: the closed day was changed outside the "
                                        "journal (%u change).",
                                        "Warning: the closed day was changed outside the "
                                        "journal (%u changes).", MAX (self->check->n_outside, 1)),
                              MAX (self->check->n_outside, 1));
      gtk_widget_add_css_class (GTK_WIDGET (self->check_label), "error");
    }
  gtk_label_set_text (self->check_label, text);
}

static void
show_report (KpDayReportWindow *self)
{
  const KpJournalDayReport *report = self->report;
  g_autofree char *status = NULL;

  if (report->closed)
    {
      g_autofree char *closed_at = kp_format_date_time (report->closed_at);

      /* Translators: when the day was closed, and by which terminal */
      status = g_strdup_printf (_("Closed %s by terminal %s"), closed_at,
                                report->closed_by != NULL ? report->closed_by : "—");
    }
  else
    status = g_strdup (_("Not closed: these figures may still change."));
  gtk_label_set_text (self->status_label, status);

  set_count (self->n_sales_label, report->n_sales);
  kp_label_set_money (self->gross_label, report->gross);
  set_count (self->n_refunds_label, report->n_refunds);
  kp_label_set_money (self->refunds_label, report->refunds);
  kp_label_set_money (self->net_label, report->net);
  kp_label_set_money (self->vat_label, report->vat);
  kp_label_set_money (self->tax_free_label, report->tax_free);
  kp_label_set_money (self->supply_label, report->supply);
  set_count (self->n_cancelled_label, report->n_cancelled);
  set_count (self->n_expired_label, report->n_expired);

  _kp_day_report_window_clear_list (self->methods_list);
  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);
      g_autofree char *gross = kp_money_format (totals->gross);
      g_autofree char *refunds = kp_money_format (totals->refunds);
      g_autofree char *net = kp_money_format (totals->net);
      g_autofree char *subtitle = NULL;
      g_autofree char *title = NULL;

      /* Translators: a payment method's figures: number of sales, gross, refunded */
      subtitle = g_strdup_printf (ngettext ("%u sale · %s gross · %s refunded",
                                            "%u sales · %s gross · %s refunded",
                                            totals->count),
                                  totals->count, gross, refunds);
      title = g_strdup (kp_payment_method_label (totals->method));
      _kp_day_report_window_add_row (self->methods_list, title, subtitle, net);
    }

  _kp_day_report_window_clear_list (self->unfinished_list);
  gtk_widget_set_visible (GTK_WIDGET (self->unfinished_heading), report->unfinished->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->unfinished_list), report->unfinished->len > 0);
  for (guint i = 0; i < report->unfinished->len; i++)
    {
      const KpJournalUnfinished *item = g_ptr_array_index (report->unfinished, i);
      g_autofree char *amount = kp_money_format (item->amount);
      g_autofree char *since = kp_format_date_time (item->since);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      /* Translators: %s is the order number */
      title = g_strdup_printf (_("Order %s"), item->partner_order_id);
      if (item->refund_id != NULL)
        /* Translators: an unfinished refund: since when */
        subtitle = g_strdup_printf (_("Refund waiting for KakaoPay since %s"), since);
      else
        /* Translators: an unfinished sale: its state, since when */
        subtitle = g_strdup_printf (_("%s since %s"), kp_sale_state_label (item->state), since);
      _kp_day_report_window_add_row (self->unfinished_list, title, subtitle, amount);
    }

  _kp_day_report_window_clear_list (self->amendments_list);
  gtk_widget_set_visible (GTK_WIDGET (self->amendments_heading), report->amendments->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->amendments_list), report->amendments->len > 0);
  for (guint i = 0; i < report->amendments->len; i++)
    {
      const KpJournalAmendment *item = g_ptr_array_index (report->amendments, i);
      g_autofree char *at = kp_format_date_time (item->at);
      g_autofree char *title = NULL;

      /* Translators: an amendment: when, then who made it */
      title = g_strdup_printf (_("%s · %s"), at,
                               item->by_journal ? _("by the journal")
                                                : _("outside the journal"));
      _kp_day_report_window_add_row (self->amendments_list, title, item->what, NULL);
    }

  if (self->shop_client == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->terminals_heading), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->terminals_list), FALSE);
    }
  show_check (self);
  update_actions (self);
}

void
_kp_day_report_window_show_error (KpDayReportWindow *self,
                                  const char        *message)
{
  kp_label_show_text (self->error_label, message);
}

static void
report_failed (KpDayReportWindow *self,
               const GError      *error)
{
  g_autofree char *message = NULL;

  /* Translators: %s is the reason */
  message = g_strdup_printf (_("Could not read the day from the journal: %s"), error->message);
  kp_label_show_text (self->error_label, message);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (KpDayReportWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  KpJournalDayCheck *check;

  check = kp_journal_verify_day_finish (KP_JOURNAL (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _kp_day_report_window_end_read (self);
  if (check == NULL)
    {
      report_failed (self, error);
      return;
    }
  g_clear_pointer (&self->check, kp_journal_day_check_free);
  self->check = check;
  show_check (self);
}

/* Shows @report (taking it): the terminal's, or the whole shop's total. */
void
_kp_day_report_window_got_report (KpDayReportWindow  *self,
                                  KpJournalDayReport *report)
{
  g_clear_pointer (&self->report, kp_journal_day_report_free);
  self->report = report;
  g_clear_pointer (&self->check, kp_journal_day_check_free);
  kp_label_show_text (self->error_label, NULL);
  show_report (self);

  /* The seal is the journal's: the shop database keeps no rows to check against it. */
  if (report->closed && self->shop_client == NULL)
    kp_journal_verify_day_async (self->journal, &self->day,
                                 _kp_day_report_window_begin_read (self), verified_cb,
                                 g_object_ref (self));
}

static void
report_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (KpDayReportWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  KpJournalDayReport *report;

  report = kp_journal_day_report_finish (KP_JOURNAL (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _kp_day_report_window_end_read (self);
  if (report == NULL)
    {
      report_failed (self, error);
      return;
    }
  _kp_day_report_window_got_report (self, report);
}

static void
load (KpDayReportWindow *self)
{
  cancel_read (self);
  if (_kp_day_report_window_load_shop (self))
    return;
  kp_journal_day_report_async (self->journal, &self->day,
                               _kp_day_report_window_begin_read (self), report_cb,
                               g_object_ref (self));
}

/* Closing the day */

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (KpDayReportWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  KpJournalDayReport *report;

  report = kp_journal_close_day_finish (KP_JOURNAL (source), result, &error);
  /* A write reports what it committed even when cancelled: the window is gone. */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&report, kp_journal_day_report_free);
      return;
    }
  _kp_day_report_window_set_busy (self, FALSE);
  if (report == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT))
        message = g_strdup (_("The day was closed already."));
      else if (g_error_matches (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID))
        message = g_strdup (_("A day still to come cannot be closed."));
      else
        /* Translators: %s is the reason */
        message = g_strdup_printf (_("Could not close the day: %s"), error->message);
      kp_label_show_text (self->error_label, message);
      load (self);
      return;
    }
  /* The whole shop is shown now: this terminal's closed day is read when it is back. */
  if (self->shop_client != NULL)
    {
      kp_journal_day_report_free (report);
      return;
    }
  _kp_day_report_window_got_report (self, report);
}

static void
on_close_response_cb (AdwMessageDialog  *dialog,
                      const char        *response,
                      KpDayReportWindow *self)
{
  if (g_strcmp0 (response, "close") != 0)
    return;
  _kp_day_report_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.close-day", FALSE);
  kp_journal_close_day_async (self->journal, &self->day, self->terminal_id, self->cancellable,
                              closed_cb, g_object_ref (self));
}

static void
close_day_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (widget);
  g_autofree char *day = NULL;
  g_autofree char *net = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->report == NULL || self->report->closed)
    return;
  if (_kp_day_report_window_close_shop_day (self))
    return;

  day = kp_format_day (&self->day);
  net = kp_money_format (self->report->net);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  /* Translators: %s is the day, 2026-11-25 */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Close the Day %s?"), day);
  if (self->report->unfinished->len > 0)
    /* Translators: the number of sales and refunds still unfinished, then the net amount */
    body = g_strdup_printf (ngettext ("%u sale or refund is still unfinished and is not in "
                                      "the figures. The day’s figures (net %s) are sealed as "
                                      "the day close; anything that changes later is listed "
                                      "as a change after closing.",
                                      "%u sales or refunds are still unfinished and are not "
                                      "in the figures. The day’s figures (net %s) are sealed "
                                      "as the day close; anything that changes later is listed "
                                      "as a change after closing.",
                                      self->report->unfinished->len),
                            self->report->unfinished->len, net);
  else
    /* Translators: %s is the net amount */
    body = g_strdup_printf (_("The day’s figures (net %s) are sealed as the day close; "
                              "anything that changes later is listed as a change after "
                              "closing."), net);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "close", _("C_lose Day"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_kp_day_report_window_reload (KpDayReportWindow *self)
{
  load (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (KP_DAY_REPORT_WINDOW (widget));
}

static void
kp_day_report_window_unmap (GtkWidget *widget)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  GTK_WIDGET_CLASS (kp_day_report_window_parent_class)->unmap (widget);
  if (parent != NULL)
    kp_present_now (parent);
}

/* What the report says about where its figures come from, on screen, printed and
 * exported: the mode and the shop. */
static void
show_shop (KpDayReportWindow *self)
{
  g_autoptr (GString) text = g_string_new (NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->test_mode_banner), self->test_mode);
  gtk_window_set_title (GTK_WINDOW (self), self->test_mode ? _("Day Report — TEST MODE")
                                                           : _("Day Report"));
  if (self->shop_name != NULL)
    g_string_append (text, self->shop_name);
  if (self->business_number != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: %s is the business registration number, 220-81-62517 */
      g_string_append_printf (text, _("Business number %s"), self->business_number);
    }
  kp_label_show_text (self->shop_label, text->len > 0 ? text->str : NULL);
}

static char *
dup_unless_empty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* The journal, and the mode and shop the report is labelled with as they are now. */
static void
read_terminal (KpDayReportWindow *self,
               KpTerminal        *terminal)
{
  KpSettings *settings = kp_terminal_get_settings (terminal);

  self->terminal = g_object_ref (terminal);
  self->journal = g_object_ref (kp_terminal_get_journal (terminal));
  /* Without a terminal ID, the day cannot be closed here. */
  self->terminal_id = dup_unless_empty (kp_settings_get_terminal_id (settings));
  self->test_mode = kp_terminal_is_test_mode (terminal);
  self->shop_name = dup_unless_empty (kp_settings_get_shop_name (settings));
  self->business_number = dup_unless_empty (kp_settings_get_shop_business_number (settings));
  show_shop (self);
}

static void
kp_day_report_window_dispose (GObject *object)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->read_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->print_operation);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_DAY_REPORT_WINDOW);
  _kp_day_report_window_clear_shop (self);
  g_clear_object (&self->shop_client);
  g_clear_object (&self->journal);
  g_clear_object (&self->terminal);

  G_OBJECT_CLASS (kp_day_report_window_parent_class)->dispose (object);
}

static void
kp_day_report_window_finalize (GObject *object)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);
  g_clear_pointer (&self->report, kp_journal_day_report_free);
  g_clear_pointer (&self->check, kp_journal_day_check_free);
  g_free (self->terminal_id);
  g_free (self->shop_name);
  g_free (self->business_number);

  G_OBJECT_CLASS (kp_day_report_window_parent_class)->finalize (object);
}

static void
kp_day_report_window_class_init (KpDayReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_day_report_window_dispose;
  object_class->finalize = kp_day_report_window_finalize;
  widget_class->unmap = kp_day_report_window_unmap;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/kppos/KakaoPayPos/kp-day-report-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, amendments_heading);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, amendments_list);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, check_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, close_day_button);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, gross_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, methods_heading);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, methods_list);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, n_refunds_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, n_cancelled_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, n_expired_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, n_sales_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, net_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, refunds_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, scope_box);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, shop_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, supply_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, tax_free_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, terminals_heading);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, terminals_list);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, test_mode_banner);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, unfinished_heading);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, unfinished_list);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, vat_label);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, whole_shop_button);
  gtk_widget_class_bind_template_child (widget_class, KpDayReportWindow, window_title);

  _kp_day_report_window_class_init_export (widget_class);
  _kp_day_report_window_class_init_shop (widget_class);
  gtk_widget_class_install_action (widget_class, "report.close-day", NULL, close_day_action);
  gtk_widget_class_install_action (widget_class, "report.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "report.export-csv", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "report.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "report.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
kp_day_report_window_init (KpDayReportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->read_cancellable = g_cancellable_new ();
  update_actions (self);
}

/**
 * kp_day_report_window_new:
 * @application: the application
 * @terminal: the terminal, its journal open
 * @day: the day
 *
 * Returns: (transfer none): the window, computing the report; present it
 */
KpDayReportWindow *
kp_day_report_window_new (GtkApplication *application,
                          KpTerminal     *terminal,
                          const GDate    *day)
{
  KpDayReportWindow *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (KP_IS_TERMINAL (terminal), NULL);
  g_return_val_if_fail (KP_IS_JOURNAL (kp_terminal_get_journal (terminal)), NULL);
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  self = g_object_new (KP_TYPE_DAY_REPORT_WINDOW, "application", application, NULL);
  read_terminal (self, terminal);
  self->day = *day;
  text = kp_format_day (day);
  adw_window_title_set_subtitle (self->window_title, text);
  _kp_day_report_window_watch_shop (self);
  load (self);
  return self;
}

const GDate *
kp_day_report_window_get_day (KpDayReportWindow *self)
{
  g_return_val_if_fail (KP_IS_DAY_REPORT_WINDOW (self), NULL);

  return &self->day;
}
