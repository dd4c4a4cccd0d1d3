/* kp-print-export.c: a print operation written to a PDF file, privately
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-print"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "kp-print-export.h"

static void
set_file_error (GError     **error,
                const char  *path,
                int          saved_errno)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               /* Translators: the file, then the reason */
               _("Could not create %s: %s"), path, g_strerror (saved_errno));
}

/**
 * kp_print_export_pdf:
 * @operation: an operation that draws its pages
 * @pdf_path: the file to write
 * @error: return location for a #GError
 *
 * Runs @operation as PDF export, drawn exactly as it prints. GTK must be
 * initialized. Sales figures are the owner's alone: the file is written as a
 * temporary file created 0600 (whatever the umask) beside @pdf_path, then renamed
 * over it.
 *
 * Returns: %TRUE on success
 */
gboolean
kp_print_export_pdf (GtkPrintOperation  *operation,
                     const char         *pdf_path,
                     GError            **error)
{
  g_autofree char *temp_path = NULL;
  GtkPrintOperationResult result;
  int fd;

  g_return_val_if_fail (GTK_IS_PRINT_OPERATION (operation), FALSE);
  g_return_val_if_fail (pdf_path != NULL, FALSE);

  temp_path = g_strconcat (pdf_path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_file_error (error, pdf_path, errno);
      return FALSE;
    }
  close (fd);

  gtk_print_operation_set_export_filename (operation, temp_path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_unlink (temp_path);
      return FALSE;
    }
  if (g_rename (temp_path, pdf_path) != 0)
    {
      set_file_error (error, pdf_path, errno);
      g_unlink (temp_path);
      return FALSE;
    }
  return TRUE;
}
