/* kp-preferences-receipts.c: the receipt printer, its paper, automatic receipts and a
 * test page
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-escpos.h"
#include "kp-receipt-print.h"
#include "kp-receipt-printer.h"
#include "kp-preferences-window-private.h"

/* The setting "printer" is one string (none, system, tcp://HOST[:PORT], file:PATH):
 * here a type and, for an ESC/POS printer, its address or device. A type needing an
 * address is saved with the address, once it is valid. */

enum
{
  PRINTER_NONE,
  PRINTER_NETWORK,
  PRINTER_DEVICE,
  PRINTER_SYSTEM,
};

static const guint paper_widths[] = {
  KP_RECEIPT_COLUMNS_58MM, KP_RECEIPT_COLUMNS_80MM, KP_RECEIPT_COLUMNS_80MM_WIDE
};

static void
show_error (KpPreferencesWindow *self,
            const char          *message)
{
  _kp_preferences_window_show_error (self->receipts_error_label,
                                     GTK_WIDGET (self->printer_address_row), message);
}

static guint
selected_type (KpPreferencesWindow *self)
{
  return adw_combo_row_get_selected (self->printer_type_row);
}

/* The setting for the type and address shown; NULL with @error set if not valid. */
static char *
printer_from_rows (KpPreferencesWindow  *self,
                   GError              **error)
{
  g_autofree char *address = NULL;
  g_autofree char *value = NULL;
  g_autoptr (KpReceiptPrinter) printer = NULL;

  switch (selected_type (self))
    {
    case PRINTER_NETWORK:
    case PRINTER_DEVICE:
      break;
    case PRINTER_SYSTEM:
      return g_strdup ("system");
    case PRINTER_NONE:
    default:
      return g_strdup ("none");
    }

  address = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->printer_address_row)));
  g_strstrip (address);
  if (*address == '\0')
    {
      g_set_error_literal (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS,
                           selected_type (self) == PRINTER_NETWORK
                             ? _("Enter the printer’s address, such as 192.168.0.50 or "
                                 "192.168.0.50:9100.")
                             : _("Enter the printer’s device, such as /dev/usb/lp0."));
      return NULL;
    }
  if (selected_type (self) == PRINTER_NETWORK)
    value = g_str_has_prefix (address, "tcp://") ? g_strdup (address)
                                                 : g_strconcat ("tcp://", address, NULL);
  else
    value = g_str_has_prefix (address, "file:") ? g_strdup (address)
                                                : g_strconcat ("file:", address, NULL);

  printer = kp_receipt_printer_new (value, NULL);
  if (printer == NULL)
    {
      g_set_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS,
                   selected_type (self) == PRINTER_NETWORK
                     /* Translators: %s is what was typed as the printer's address */
                     ? _("“%s” is not a printer address: give its host name or IP "
                         "address, and :PORT if it is not 9100.")
                     /* Translators: %s is what was typed as the printer's device */
                     : _("“%s” is not a device: give its path, such as /dev/usb/lp0."),
                   address);
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* Saves the printer as shown, if valid; shows why not otherwise. */
static gboolean
commit_printer (KpPreferencesWindow *self,
                gboolean             pressed_enter);

/**
 * _kp_preferences_window_commit_printer:
 *
 * Saves the receipt printer as the rows show it, as the window closes.
 *
 * Returns: (nullable): the address row when what it holds is not valid (nothing is
 *   saved then)
 */
AdwEntryRow *
_kp_preferences_window_commit_printer (KpPreferencesWindow *self)
{
  return commit_printer (self, FALSE) ? NULL : self->printer_address_row;
}

static gboolean
commit_printer (KpPreferencesWindow *self,
                gboolean             pressed_enter)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *stored = NULL;

  if (self->loading_printer)
    return TRUE;
  value = printer_from_rows (self, &error);
  if (value == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  show_error (self, NULL);
  stored = g_settings_get_string (self->settings, "printer");
  if (g_strcmp0 (stored, value) != 0)
    g_settings_set_string (self->settings, "printer", value);
  if (pressed_enter || g_strcmp0 (stored, value) != 0)
    _kp_preferences_window_toast (self, _("Saved"));
  return TRUE;
}

static void
update_rows (KpPreferencesWindow *self)
{
  guint type = selected_type (self);

  gtk_widget_set_visible (GTK_WIDGET (self->printer_address_row),
                          type == PRINTER_NETWORK || type == PRINTER_DEVICE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->printer_address_row),
                                 type == PRINTER_DEVICE
                                   ? _("Device (such as /dev/usb/lp0)")
                                   : _("Printer address (host or host:port)"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_test_button), type != PRINTER_NONE);
}

static void
load_printer (KpPreferencesWindow *self)
{
  g_autofree char *printer = g_settings_get_string (self->settings, "printer");
  guint type = PRINTER_NONE;
  const char *address = "";

  if (g_str_has_prefix (printer, "tcp://"))
    {
      type = PRINTER_NETWORK;
      address = printer + strlen ("tcp://");
    }
  else if (g_str_has_prefix (printer, "file:"))
    {
      type = PRINTER_DEVICE;
      address = printer + strlen ("file:");
    }
  else if (g_str_equal (printer, "system"))
    type = PRINTER_SYSTEM;

  self->loading_printer = TRUE;
  adw_combo_row_set_selected (self->printer_type_row, type);
  gtk_editable_set_text (GTK_EDITABLE (self->printer_address_row), address);
  self->loading_printer = FALSE;
  update_rows (self);
}

static void
on_printer_type_changed_cb (KpPreferencesWindow *self)
{
  update_rows (self);
  /* A type that needs an address waits for one before it is saved. */
  if (selected_type (self) == PRINTER_NONE || selected_type (self) == PRINTER_SYSTEM ||
      *gtk_editable_get_text (GTK_EDITABLE (self->printer_address_row)) != '\0')
    commit_printer (self, FALSE);
  else
    show_error (self, NULL);
}

static void
on_printer_address_apply_cb (KpPreferencesWindow *self)
{
  if (!commit_printer (self, TRUE))
    gtk_widget_grab_focus (GTK_WIDGET (self->printer_address_row));
}

static void
on_printer_address_leave_cb (KpPreferencesWindow *self)
{
  if (self->closing || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  commit_printer (self, FALSE);
}

/* -- the test page -- */

static void
test_page_ended (KpPreferencesWindow *self,
                 const GError        *error)
{
  g_autofree char *text = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->print_test_button), TRUE);
  if (error == NULL)
    {
      show_error (self, NULL);
      _kp_preferences_window_toast (self, _("Test page printed"));
      return;
    }
  /* Translators: %s says why, “Could not reach the printer at 10.0.0.5:9100” */
  text = g_strdup_printf (_("Test page not printed: %s"), error->message);
  show_error (self, text);
}

static void
on_test_page_printed_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr (KpPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!kp_receipt_printer_print_finish (KP_RECEIPT_PRINTER (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  test_page_ended (self, error);
}

static void
on_test_page_done_cb (GtkPrintOperation       *operation,
                      GtkPrintOperationResult  result,
                      KpPreferencesWindow     *self)
{
  g_autoptr (GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_print_operation_get_error (operation, &error);
  if (error == NULL && result == GTK_PRINT_OPERATION_RESULT_CANCEL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->print_test_button), TRUE);
  else
    test_page_ended (self, error);
}

static void
print_test_on_system (KpPreferencesWindow *self,
                      KpReceipt           *receipt,
                      guint                columns)
{
  g_autoptr (GtkPrintOperation) operation = kp_receipt_print_new (receipt, columns);
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result;

  g_signal_connect_object (operation, "done", G_CALLBACK (on_test_page_done_cb), self, 0);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    test_page_ended (self, error);
}

static void
on_print_test_clicked_cb (KpPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *terminal_id = NULL;
  g_autofree char *codepage_text = NULL;
  g_autoptr (KpReceiptShop) shop = NULL;
  g_autoptr (KpReceipt) receipt = NULL;
  g_autoptr (KpReceiptPrinter) printer = NULL;
  g_autoptr (GBytes) codepage = NULL;
  g_autoptr (GBytes) job = NULL;
  guint columns;

  /* What the rows show is what is tried, and saved when valid. */
  if (!commit_printer (self, FALSE))
    return;
  address = printer_from_rows (self, NULL);
  columns = g_settings_get_uint (self->settings, "paper-width");
  terminal_id = g_settings_get_string (self->settings, "terminal-id");
  shop = kp_terminal_dup_receipt_shop (self->terminal);
  receipt = kp_receipt_new_test_page (shop, terminal_id);

  gtk_widget_set_sensitive (GTK_WIDGET (self->print_test_button), FALSE);
  if (g_str_equal (address, "system"))
    {
      print_test_on_system (self, receipt, columns);
      return;
    }
  printer = kp_receipt_printer_new (address, &error);
  if (printer == NULL)
    {
      test_page_ended (self, error);
      return;
    }
  codepage_text = g_settings_get_string (self->settings, "printer-codepage");
  codepage = kp_escpos_parse_sequence (codepage_text, NULL);
  job = kp_escpos_encode (receipt, columns, codepage);
  kp_receipt_printer_print_async (printer, job, self->cancellable, on_test_page_printed_cb,
                                  g_object_ref (self));
}

/* -- the paper -- */

static gboolean
width_to_selected (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  guint width = g_variant_get_uint32 (variant);
  guint selected = 1;

  for (guint i = 0; i < G_N_ELEMENTS (paper_widths); i++)
    {
      if (paper_widths[i] == width)
        selected = i;
    }
  g_value_set_uint (value, selected);
  return TRUE;
}

static GVariant *
selected_to_width (const GValue       *value,
                   const GVariantType *type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_uint32 (paper_widths[MIN (selected, G_N_ELEMENTS (paper_widths) - 1)]);
}

void
_kp_preferences_window_class_init_receipts (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, auto_print_switch);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, paper_width_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, print_test_button);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        printer_address_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, printer_type_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        receipts_error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_print_test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_printer_address_apply_cb);
}

void
_kp_preferences_window_init_receipts (KpPreferencesWindow *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  load_printer (self);
  g_signal_connect_object (self->printer_type_row, "notify::selected",
                           G_CALLBACK (on_printer_type_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_printer_address_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->printer_address_row), focus);

  g_settings_bind_with_mapping (self->settings, "paper-width", self->paper_width_row,
                                "selected", G_SETTINGS_BIND_DEFAULT, width_to_selected,
                                selected_to_width, NULL, NULL);
  g_settings_bind (self->settings, "auto-print", self->auto_print_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  if (_kp_preferences_window_overridden (self, KP_SETTING_PRINTER))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->printer_type_row),
                                 _("This run prints where the command line says; this "
                                   "choice applies from the next start"));
}
