/* kp-window-catalog-import.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-catalog-csv.h"
#include "kp-window-private.h"

/*
 * Import Product Catalog…: a CSV file read in a thread, its preview shown (what would
 * be added and changed, every rejected row with its reason), then applied in one
 * transaction once the cashier agrees. A file with a rejected row changes nothing.
 * From the main menu the dialogs belong to the main window; from the catalog editor,
 * to the editor.
 */

/* Rejected rows listed in the preview; the count says how many more. */
#define MAX_LISTED_REJECTS 20

typedef struct
{
  KpWindow        *self;
  GtkWindow       *parent;   /* the window the dialogs belong to */
  KpCatalogImport *import;
} ImportData;

static ImportData *
import_data_new (KpWindow  *self,
                 GtkWindow *parent)
{
  ImportData *data = g_new0 (ImportData, 1);

  data->self = g_object_ref (self);
  data->parent = g_object_ref (parent);
  return data;
}

static void
import_data_free (gpointer data)
{
  ImportData *import_data = data;

  g_object_unref (import_data->self);
  g_object_unref (import_data->parent);
  g_clear_pointer (&import_data->import, kp_catalog_import_free);
  g_free (import_data);
}

/* A failure, where the cashier is looking. */
static void
show_failure (ImportData *data,
              const char *details)
{
  AdwMessageDialog *dialog;

  if (data->parent == GTK_WINDOW (data->self))
    {
      kp_window_show_message_with_details (data->self, _("The catalog could not be imported."),
                                           details);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (data->parent,
                                                       _("The catalog could not be imported."),
                                                       details));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_applied_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ImportData *data = user_data;
  KpWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  gboolean applied = kp_catalog_apply_import_finish (KP_CATALOG (source), result, &error);

  if (kp_window_catalog_gone (self))
    {
      import_data_free (data);
      return;
    }

  if (!applied)
    show_failure (data, error->message);
  else
    {
      if (KP_IS_CATALOG_WINDOW (data->parent))
        kp_catalog_window_toast (KP_CATALOG_WINDOW (data->parent), _("Catalog imported"));
      else
        kp_window_toast (self, _("Catalog imported"));
      kp_window_catalog_changed (self);
    }
  import_data_free (data);
}

static void
on_preview_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        ImportData       *data)
{
  KpWindow *self = data->self;
  ImportData *apply;

  if (g_strcmp0 (response, "import") != 0 || self->catalog == NULL ||
      kp_window_catalog_gone (self))
    return;
  /* The import lives on until the thread is done with it. */
  apply = import_data_new (self, data->parent);
  apply->import = g_steal_pointer (&data->import);
  kp_catalog_apply_import_async (self->catalog, apply->import, self->catalog_cancellable,
                                 on_applied_cb, apply);
}

static char *
preview_body (KpCatalogImport *import)
{
  GString *body = g_string_new (NULL);
  guint listed = 0;

  /* Translators: what an import would do; the counts of rows */
  g_string_append_printf (body, _("%u to add, %u to change, %u unchanged, %u rejected."),
                          import->n_add, import->n_change, import->n_same, import->n_reject);
  for (guint i = 0; i < import->rows->len; i++)
    {
      KpCatalogImportRow *row = g_ptr_array_index (import->rows, i);

      if (row->action != KP_CATALOG_ROW_REJECT && !row->check_digit_warning)
        continue;
      if (listed++ == MAX_LISTED_REJECTS)
        {
          g_string_append (body, "\n…");
          break;
        }
      g_string_append_c (body, '\n');
      if (row->action == KP_CATALOG_ROW_REJECT)
        /* Translators: %u is a row number in the file, %s why it was rejected */
        g_string_append_printf (body, _("Row %u rejected: %s"), row->row, row->reason);
      else
        /* Translators: %u is a row number in the file, %s the warning */
        g_string_append_printf (body, _("Row %u: %s"), row->row, row->reason);
    }
  return g_string_free (body, FALSE);
}

static void
show_preview (ImportData      *data,
              KpCatalogImport *import)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = preview_body (import);
  gboolean rejected = import->n_reject > 0;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    data->parent,
    rejected ? _("Nothing Can Be Imported") : _("Import the Catalog?"),
    body));
  if (rejected)
    {
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      adw_message_dialog_set_default_response (dialog, "close");
      adw_message_dialog_set_close_response (dialog, "close");
    }
  else
    {
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Cancel"),
                                        "import", _("_Import"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "import",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "import");
      adw_message_dialog_set_close_response (dialog, "cancel");
    }

  data->import = import;
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), data->parent,
                           G_CONNECT_SWAPPED);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_preview_response_cb), data,
                         (GClosureNotify) (void (*) (void)) import_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_previewed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ImportData *data = user_data;
  g_autoptr (GError) error = NULL;
  KpCatalogImport *import;

  import = kp_catalog_preview_import_finish (KP_CATALOG (source), result, &error);
  if (kp_window_catalog_gone (data->self))
    {
      g_clear_pointer (&import, kp_catalog_import_free);
      import_data_free (data);
      return;
    }
  if (import == NULL)
    {
      show_failure (data, error->message);
      import_data_free (data);
      return;
    }
  /* The dialog owns @data from here. */
  show_preview (data, import);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        ImportData      *data)
{
  g_autoptr (GFile) file = NULL;
  KpWindow *self = data->self;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file == NULL || self->catalog == NULL || kp_window_catalog_gone (self))
    {
      import_data_free (data);
      return;
    }
  kp_catalog_preview_import_async (self->catalog, file, NULL, FALSE, self->catalog_cancellable,
                                   on_previewed_cb, data);
}

/**
 * kp_window_import_catalog:
 * @self: the main window, its catalog open
 * @parent: the window the file chooser and the preview belong to
 *
 * Asks for a CSV file, previews its import, and applies it if the cashier agrees; the
 * Sale page (and the catalog editor) then show the catalog as imported.
 */
void
kp_window_import_catalog (KpWindow  *self,
                          GtkWindow *parent)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (self->catalog != NULL);

  chooser = gtk_file_chooser_native_new (_("Import Product Catalog"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb),
                    import_data_new (self, parent));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_catalog_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  if (kp_window_with_catalog (self, "win.import-catalog"))
    kp_window_import_catalog (self, GTK_WINDOW (self));
}

void
kp_window_class_add_import_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-catalog", NULL,
                                   import_catalog_action);
}
