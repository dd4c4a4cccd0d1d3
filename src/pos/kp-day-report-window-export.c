/* kp-day-report-window-export.c: the day report exported as CSV, and printed
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-day-report-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-day-report-print.h"
#include "kp-day-report-window-private.h"
#include "kp-labels.h"
#include "kp-present.h"
#include "kp-sale-format.h"

/* Both take the report as shown, with the mode and the shop (labelled): the file in a
 * worker thread, the paper through GTK's print dialog. */

typedef struct
{
  KpJournalDayReport *report;
  char               *path;
} ExportData;

static void
export_data_free (ExportData *data)
{
  kp_journal_day_report_free (data->report);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (kp_journal_export_day_report_csv_sync (data->report, data->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (source);
  ExportData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  _kp_day_report_window_set_busy (self, FALSE);
  if (error != NULL)
    {
      /* Translators: %s is the reason */
      message = g_strdup_printf (_("Could not export the report: %s"), error->message);
      kp_label_show_text (self->error_label, message);
      return;
    }
  /* Translators: %s is the file's name */
  message = g_strdup_printf (_("Report saved as %s"), data->path);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
export_to (KpDayReportWindow *self,
           const char        *path)
{
  /* Under the window's cancellable, which a switch of scope leaves alone: the file is
   * written in any case, the window told unless it is gone. */
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, exported_cb, NULL);
  ExportData *data = g_new0 (ExportData, 1);

  data->report = _kp_day_report_window_labelled_copy (self);
  data->path = g_strdup (path);
  g_task_set_source_tag (task, export_to);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  _kp_day_report_window_set_busy (self, TRUE);
  g_task_run_in_thread (task, export_thread);
}
static void
on_chooser_response_cb (GtkNativeDialog   *chooser,
                        int                response,
                        KpDayReportWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        export_to (self, path);
    }
  g_clear_object (&self->chooser);
  kp_present_now (GTK_WINDOW (self));
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (widget);
  g_autofree char *day = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GFile) folder = NULL;
  const char *documents;

  if (self->report == NULL || self->chooser != NULL)
    return;

  day = kp_format_day (&self->day);
  self->chooser = gtk_file_chooser_native_new (_("Export the Day Report"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                               _("_Cancel"));
  if (self->test_mode)
    /* Translators: the suggested file name in test mode; %s is the day */
    name = g_strdup_printf (_("day-report-%s-TEST-MODE.csv"), day);
  else
    /* Translators: the suggested file name; %s is the day */
    name = g_strdup_printf (_("day-report-%s.csv"), day);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  /* Not the folder the program was started from. */
  documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  folder = g_file_new_for_path (documents != NULL &&
                                g_file_test (documents, G_FILE_TEST_IS_DIR)
                                  ? documents : g_get_home_dir ());
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_print_done_cb (GtkPrintOperation       *operation,
                  GtkPrintOperationResult  result,
                  KpDayReportWindow       *self)
{
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *message = NULL;

      gtk_print_operation_get_error (operation, &error);
      /* Translators: %s is the reason */
      message = g_strdup_printf (_("Could not print the report: %s"),
                                 error != NULL ? error->message : "");
      kp_label_show_text (self->error_label, message);
    }
  if (operation == self->print_operation)
    g_clear_object (&self->print_operation);
  kp_present_now (GTK_WINDOW (self));
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KpDayReportWindow *self = KP_DAY_REPORT_WINDOW (widget);
  g_autoptr (GtkPrintOperation) operation = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result;

  if (self->report == NULL || self->print_operation != NULL)
    return;

  report = _kp_day_report_window_labelled_copy (self);
  operation = kp_day_report_print_new (report, self->check);
  self->print_operation = g_object_ref (operation);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done_cb), self, 0);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the reason */
      message = g_strdup_printf (_("Could not print the report: %s"), error->message);
      kp_label_show_text (self->error_label, message);
    }
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    g_clear_object (&self->print_operation);
}

void
_kp_day_report_window_class_init_export (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "report.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_action);
}
