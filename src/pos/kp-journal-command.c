/* kp-journal-command.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal-command"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "kp-day-report-print.h"
#include "kp-journal-command.h"

/* --export-journal and --export-day-report: the journal's exports, without a window. */

/**
 * kp_journal_command_export:
 *
 * --export-journal: the journal as CSV.
 *
 * Returns: the exit status
 */
int
kp_journal_command_export (const char *journal_path,
                           const char *csv_path)
{
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (GError) error = NULL;

  journal = kp_journal_open_sync (journal_path, &error);
  if (journal == NULL || !kp_journal_export_csv_sync (journal, csv_path, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not export the journal: %s\n"), error->message);
      return 1;
    }
  return 0;
}

/* "YYYY-MM-DD", or "" for today (local). */
gboolean
kp_journal_command_parse_day (const char *text,
                              GDate      *out_day)
{
  guint year = 0, month = 0, day = 0;
  char end = '\0';

  g_date_clear (out_day, 1);
  if (text == NULL || *text == '\0')
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();

      g_date_set_dmy (out_day, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
      return TRUE;
    }
  if (strlen (text) != 10 || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (out_day, day, month, year);
  return TRUE;
}

/**
 * kp_journal_command_day_report:
 * @settings: (nullable): the terminal's settings, for the shop's name and mode
 *
 * --export-day-report: a day's report as CSV or PDF.
 *
 * Returns: the exit status
 */
int
kp_journal_command_day_report (const char *journal_path,
                               KpSettings *settings,
                               const char *day_text,
                               const char *path)
{
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalDayCheck) check = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *shop_name = NULL;
  g_autofree char *business_number = NULL;
  gboolean pdf = g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF");
  GDate day;

  if (!kp_journal_command_parse_day (day_text, &day))
    {
      g_printerr (_("Not a day: “%s”. Use YYYY-MM-DD.\n"), day_text);
      return 2;
    }
  if (!pdf && !g_str_has_suffix (path, ".csv") && !g_str_has_suffix (path, ".CSV"))
    {
      g_printerr (_("The day report is written as CSV or PDF: the file name must end in .csv "
                    "or .pdf.\n"));
      return 2;
    }

  journal = kp_journal_open_sync (journal_path, &error);
  if (journal != NULL)
    report = kp_journal_day_report_sync (journal, &day, &error);
  if (report == NULL)
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not read the day report: %s\n"), error->message);
      return 1;
    }

  if (settings != NULL)
    {
      report->mode = g_strdup (kp_settings_get_test_mode (settings) ? "test" : "live");
      shop_name = g_strdup (kp_settings_get_shop_name (settings));
      business_number = g_strdup (kp_settings_get_shop_business_number (settings));
      if (*shop_name != '\0')
        report->shop_name = g_steal_pointer (&shop_name);
      if (*business_number != '\0')
        report->business_number = g_steal_pointer (&business_number);
    }

  if (!pdf)
    {
      if (!kp_journal_export_day_report_csv_sync (report, path, &error))
        {
          /* Translators: %s is the reason */
          g_printerr (_("Could not export the day report: %s\n"), error->message);
          return 1;
        }
      return 0;
    }

  /* The PDF is drawn by the print code, which needs GTK (and so a display). */
  if (!gtk_init_check ())
    {
      g_printerr (_("Could not export the day report: a PDF needs a display.\n"));
      return 1;
    }
  if (report->closed)
    check = kp_journal_verify_day_sync (journal, &day, NULL);
  if (!kp_day_report_print_export_pdf (report, check, path, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not export the day report: %s\n"),
                  error != NULL ? error->message : "");
      return 1;
    }
  return 0;
}
