/* kp-day-report-window-shop.c: the whole shop's day in the day report window
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-day-report-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-day-report-window-private.h"
#include "kp-money.h"
#include "kp-present.h"
#include "kp-sale-format.h"
#include "kp-shop-scope.h"
#ifdef HAVE_SHOPDB
#include "kp-shop-client.h"
#include "kp-shop-db.h"
#endif

/* While the terminal replicates to a shop database, "This Terminal / Whole Shop"
 * switches the window to the shop's day: the figures are the sum of every terminal's
 * (as each one's own day report computes them), listed by terminal with how far each
 * has sent its journal, and Close Day… closes the shop's day, saying first which
 * terminals have not sent everything yet. Exported and printed, the report is the
 * shop's total, labelled as such. */

#ifdef HAVE_SHOPDB

static KpShopDayReport *
shop_report (KpDayReportWindow *self)
{
  return self->shop_report;
}

/* The terminals, as the shop database knows them. */
static void
show_terminals (KpDayReportWindow *self)
{
  KpShopDayReport *report = shop_report (self);

  _kp_day_report_window_clear_list (self->terminals_list);
  gtk_widget_set_visible (GTK_WIDGET (self->terminals_heading), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->terminals_list), TRUE);

  for (guint i = 0; i < report->terminals->len; i++)
    {
      const KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);
      const KpJournalDayReport *figures = terminal->report;
      g_autofree char *net = kp_money_format (figures->net);
      g_autofree char *refunds = kp_money_format (figures->refunds);
      g_autofree char *title = NULL;
      g_autofree char *sales = NULL;
      g_autofree char *sent = NULL;
      g_autofree char *subtitle = NULL;

      if (g_strcmp0 (terminal->terminal_id, self->terminal_id) == 0)
        /* Translators: %s is a terminal id, T1 */
        title = g_strdup_printf (_("Terminal %s (this terminal)"), terminal->terminal_id);
      else
        /* Translators: %s is a terminal id, T1 */
        title = g_strdup_printf (_("Terminal %s"), terminal->terminal_id);

      /* Translators: a terminal's figures of the day: number of sales, refunded */
      sales = g_strdup_printf (ngettext ("%u sale · %s refunded", "%u sales · %s refunded",
                                         figures->n_sales),
                               figures->n_sales, refunds);
      if (terminal->caught_up)
        sent = g_strdup (_("all changes sent"));
      else
        {
          guint behind = (guint) MIN (terminal->journal_seq - terminal->replicated_seq,
                                      G_MAXUINT);

          /* Translators: a terminal whose journal is ahead of the shop database */
          sent = g_strdup_printf (ngettext ("%u change not sent yet: its figures may be "
                                            "incomplete",
                                            "%u changes not sent yet: its figures may be "
                                            "incomplete", behind), behind);
        }
      if (terminal->last_seen != NULL)
        {
          g_autofree char *seen = kp_format_date_time (terminal->last_seen);

          /* Translators: the terminal's figures, whether it sent everything, when it
           * last sent */
          subtitle = g_strdup_printf (_("%s · %s · last sent %s"), sales, sent, seen);
        }
      else
        /* Translators: the terminal's figures, then whether it sent everything */
        subtitle = g_strdup_printf (_("%s · %s"), sales, sent);

      _kp_day_report_window_add_row (self->terminals_list, title, subtitle, net);
    }
}

/* The shop's total as the window's report: the figures and the shop's close. */
static void
show_shop_report (KpDayReportWindow *self,
                  KpShopDayReport   *report)
{
  KpJournalDayReport *total = kp_journal_day_report_copy (report->total);

  g_clear_pointer (&self->shop_report, kp_shop_day_report_free);
  self->shop_report = report;
  total->closed = report->closed;
  g_clear_pointer (&total->closed_at, g_date_time_unref);
  total->closed_at = report->closed_at != NULL ? g_date_time_ref (report->closed_at) : NULL;
  g_free (total->closed_by);
  total->closed_by = g_strdup (report->closed_by);
  _kp_day_report_window_got_report (self, total);
  show_terminals (self);
}

static void
shop_report_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpDayReportWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  KpShopDayReport *report;

  report = kp_shop_client_day_report_finish (KP_SHOP_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _kp_day_report_window_end_read (self);
  if (report == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the reason */
      message = g_strdup_printf (_("Could not read the shop’s day from the shop database: %s"),
                                 error->message);
      _kp_day_report_window_show_error (self, message);
      return;
    }
  _kp_day_report_window_show_error (self, NULL);
  show_shop_report (self, report);
}

gboolean
_kp_day_report_window_load_shop (KpDayReportWindow *self)
{
  if (self->shop_client == NULL)
    return FALSE;

  kp_shop_client_day_report_async (KP_SHOP_CLIENT (self->shop_client), &self->day,
                                   _kp_day_report_window_begin_read (self), shop_report_cb,
                                   g_object_ref (self));
  return TRUE;
}

/* Closing the shop's day */

static void
shop_closed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpDayReportWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  KpShopDayReport *report;

  report = kp_shop_client_close_day_finish (KP_SHOP_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _kp_day_report_window_set_busy (self, FALSE);
  if (report == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT))
        message = g_strdup (_("The shop’s day was closed already."));
      else
        /* Translators: %s is the reason */
        message = g_strdup_printf (_("Could not close the shop’s day: %s"), error->message);
      _kp_day_report_window_show_error (self, message);
      _kp_day_report_window_reload (self);
      return;
    }
  /* The scope was switched meanwhile: the shop's day, if it is shown again, is read
   * again (that read may have started before the close). */
  if (source != self->shop_client)
    {
      kp_shop_day_report_free (report);
      if (self->shop_client != NULL)
        _kp_day_report_window_reload (self);
      return;
    }
  show_shop_report (self, report);
}

static void
on_shop_close_response_cb (AdwMessageDialog  *dialog,
                           const char        *response,
                           KpDayReportWindow *self)
{
  if (g_strcmp0 (response, "close") != 0 || self->shop_client == NULL)
    return;
  _kp_day_report_window_set_busy (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.close-day", FALSE);
  kp_shop_client_close_day_async (KP_SHOP_CLIENT (self->shop_client), &self->day,
                                  self->terminal_id, self->cancellable, shop_closed_cb,
                                  g_object_ref (self));
}

/* "T2, T3": the terminals that have not sent everything. */
static char *
list_behind (KpShopDayReport *report)
{
  g_autoptr (GString) list = g_string_new (NULL);

  for (guint i = 0; i < report->terminals->len; i++)
    {
      const KpShopTerminalReport *terminal = g_ptr_array_index (report->terminals, i);

      if (terminal->caught_up)
        continue;
      if (list->len > 0)
        /* Translators: between two terminal ids in a list */
        g_string_append (list, _(", "));
      g_string_append (list, terminal->terminal_id);
    }
  return g_string_free (g_steal_pointer (&list), FALSE);
}

gboolean
_kp_day_report_window_close_shop_day (KpDayReportWindow *self)
{
  KpShopDayReport *report = shop_report (self);
  g_autofree char *day = NULL;
  g_autofree char *net = NULL;
  g_autoptr (GString) body = g_string_new (NULL);
  guint behind;
  GtkWidget *dialog;

  if (self->shop_client == NULL)
    return FALSE;
  if (report == NULL)
    return TRUE;

  day = kp_format_day (&self->day);
  net = kp_money_format (report->total->net);
  behind = kp_shop_day_report_count_behind (report);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  /* Translators: %s is the day, 2026-11-25 */
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Close the Shop’s Day %s?"),
                                     day);
  /* Translators: the number of terminals, then the net amount */
  g_string_append_printf (body, ngettext ("The figures of %u terminal (net %s) are sealed as the "
                                          "shop’s day close, with the terminal it includes.",
                                          "The figures of %u terminals (net %s) are sealed as "
                                          "the shop’s day close, with the terminals it includes.",
                                          report->terminals->len),
                          report->terminals->len, net);
  if (behind > 0)
    {
      g_autofree char *list = list_behind (report);

      g_string_append (body, "\n\n");
      /* Translators: %s lists terminal ids, T2, T3 */
      g_string_append_printf (body, ngettext ("Not caught up: terminal %s has changes the shop "
                                              "database does not have yet, so its figures may be "
                                              "incomplete. Close the shop’s day once it has "
                                              "sent them.",
                                              "Not caught up: terminals %s have changes the shop "
                                              "database does not have yet, so their figures may "
                                              "be incomplete. Close the shop’s day once they "
                                              "have sent them.", behind), list);
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "close", behind > 0 ? _("C_lose Anyway") : _("C_lose Day"),
                                    NULL);
  /* Closing over a terminal that is behind is the exception: not the default. */
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close",
                                              behind > 0 ? ADW_RESPONSE_DESTRUCTIVE
                                                         : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog),
                                           behind > 0 ? "cancel" : "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_shop_close_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

void
_kp_day_report_window_label_shop (KpDayReportWindow  *self,
                                  KpJournalDayReport *copy)
{
  KpShopDayReport *report = shop_report (self);
  g_autofree char *scope = NULL;

  if (self->shop_client == NULL || report == NULL)
    return;

  /* Translators: on the printed and exported report of the whole shop */
  scope = g_strdup_printf (ngettext ("whole shop, %u terminal", "whole shop, %u terminals",
                                     report->terminals->len), report->terminals->len);
  if (copy->shop_name != NULL)
    {
      g_autofree char *name = g_steal_pointer (&copy->shop_name);

      copy->shop_name = g_strdup_printf ("%s (%s)", name, scope);
    }
  else
    copy->shop_name = g_steal_pointer (&scope);
}

#else /* !HAVE_SHOPDB */

gboolean
_kp_day_report_window_load_shop (KpDayReportWindow *self)
{
  return FALSE;
}

gboolean
_kp_day_report_window_close_shop_day (KpDayReportWindow *self)
{
  return FALSE;
}

void
_kp_day_report_window_label_shop (KpDayReportWindow  *self,
                                  KpJournalDayReport *copy)
{
}

#endif

/* The switch */

static void
on_scope_toggled_cb (KpDayReportWindow *self)
{
  gboolean whole_shop = gtk_toggle_button_get_active (self->whole_shop_button);

  /* The report on its way is for the other scope: the reload drops it (and only it:
   * closing the day, exporting and printing go on). */
  g_clear_object (&self->shop_client);
  _kp_day_report_window_clear_shop (self);
  if (whole_shop)
    self->shop_client = kp_terminal_new_shop_client (self->terminal);
  _kp_day_report_window_show_error (self, NULL);
  _kp_day_report_window_reload (self);
}

/* The switch is there while the terminal replicates to a shop database. */
static void
on_shop_replicator_changed_cb (KpDayReportWindow *self)
{
  if (kp_shop_scope_update (self->terminal, GTK_WIDGET (self->scope_box),
                            self->whole_shop_button))
    on_scope_toggled_cb (self);
}

void
_kp_day_report_window_watch_shop (KpDayReportWindow *self)
{
  g_signal_connect_object (self->terminal, "shop-replicator-changed",
                           G_CALLBACK (on_shop_replicator_changed_cb), self,
                           G_CONNECT_SWAPPED);
  kp_shop_scope_update (self->terminal, GTK_WIDGET (self->scope_box),
                        self->whole_shop_button);
}

void
_kp_day_report_window_clear_shop (KpDayReportWindow *self)
{
#ifdef HAVE_SHOPDB
  g_clear_pointer (&self->shop_report, kp_shop_day_report_free);
#endif
}

void
_kp_day_report_window_class_init_shop (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_scope_toggled_cb);
}
