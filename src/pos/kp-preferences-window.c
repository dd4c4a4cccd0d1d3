/* kp-preferences-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-labels.h"
#include "kp-preferences-window-private.h"
#include "kp-present.h"
#include "kp-settings-check.h"

/* The shop owner's settings. A text field is saved on Enter, when the focus leaves it
 * and when the window closes, and only when it is valid: an invalid value shows its
 * error at the row and is not saved, and closing the window with one asks first.
 * Choices are saved at once. Secrets go to the keyring, never to GSettings. The
 * terminal rebuilds its services on every change, so nothing needs a restart.
 *
 * The window edits the stored settings (GSettings); what the command line set for this
 * run (KpSettings) is only pointed out. */

G_DEFINE_FINAL_TYPE (KpPreferencesWindow, kp_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

void
_kp_preferences_window_toast (KpPreferencesWindow *self,
                              const char          *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 3);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

/* @message: (nullable): shown under the group, and said by @row (if any) to screen
 *   readers; %NULL clears it */
void
_kp_preferences_window_show_error (GtkLabel   *label,
                                   GtkWidget  *row,
                                   const char *message)
{
  kp_label_show_text (label, message);
  if (row == NULL)
    return;
  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* Set on the command line for this run. */
gboolean
_kp_preferences_window_overridden (KpPreferencesWindow *self,
                                   KpSetting            setting)
{
  return kp_settings_is_overridden (kp_terminal_get_settings (self->terminal), setting);
}

/* Choices: a combo row's items are the enum key's nicks, in order. */

static gboolean
enum_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);
  guint selected = 0;

  for (guint i = 0; nicks[i] != NULL; i++)
    {
      if (g_str_equal (nick, nicks[i]))
        selected = i;
    }
  g_value_set_uint (value, selected);
  return TRUE;
}

static GVariant *
selected_to_enum (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  return g_variant_new_string (selected < g_strv_length ((char **) nicks) ? nicks[selected]
                                                                          : nicks[0]);
}

void
_kp_preferences_window_bind_choice (KpPreferencesWindow *self,
                                    const char          *key,
                                    AdwComboRow         *row,
                                    const char * const  *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                enum_to_selected, selected_to_enum, (gpointer) nicks, NULL);
}

/* Text fields */

typedef struct
{
  const char *key;
  gsize       row_offset;
  gsize       label_offset;
} TextField;

static const TextField text_fields[] = {
  { "shop-name", G_STRUCT_OFFSET (KpPreferencesWindow, shop_name_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, shop_error_label) },
  { "shop-business-number", G_STRUCT_OFFSET (KpPreferencesWindow, business_number_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, shop_error_label) },
  { "shop-representative", G_STRUCT_OFFSET (KpPreferencesWindow, representative_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, shop_error_label) },
  { "shop-address", G_STRUCT_OFFSET (KpPreferencesWindow, address_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, shop_error_label) },
  { "shop-phone", G_STRUCT_OFFSET (KpPreferencesWindow, phone_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, shop_error_label) },
  { "cid", G_STRUCT_OFFSET (KpPreferencesWindow, cid_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, account_error_label) },
  { "api-base", G_STRUCT_OFFSET (KpPreferencesWindow, api_base_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, account_error_label) },
  { "callback-listen", G_STRUCT_OFFSET (KpPreferencesWindow, listen_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, listener_error_label) },
  { "callback-base", G_STRUCT_OFFSET (KpPreferencesWindow, callback_base_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, listener_error_label) },
  { "relay-url", G_STRUCT_OFFSET (KpPreferencesWindow, relay_url_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, relay_error_label) },
  { "terminal-id", G_STRUCT_OFFSET (KpPreferencesWindow, terminal_id_row),
    G_STRUCT_OFFSET (KpPreferencesWindow, checkout_error_label) },
};

#define FIELD_ROW(self, field) (*(AdwEntryRow **) G_STRUCT_MEMBER_P (self, (field)->row_offset))
#define FIELD_LABEL(self, field) (*(GtkLabel **) G_STRUCT_MEMBER_P (self, (field)->label_offset))

static const TextField *
field_for_row (KpPreferencesWindow *self,
               AdwEntryRow         *row)
{
  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      if (FIELD_ROW (self, &text_fields[i]) == row)
        return &text_fields[i];
    }
  return NULL;
}

/* Saves @row's value if it differs from the stored one. Returns FALSE, with the error
 * shown at the row, when the value is not valid (nothing is saved then). */
static gboolean
commit_text_row (KpPreferencesWindow *self,
                 AdwEntryRow         *row,
                 gboolean             pressed_enter)
{
  const TextField *field = field_for_row (self, row);
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *stored = NULL;
  gboolean real_payments;

  g_return_val_if_fail (field != NULL, TRUE);

  real_payments = !g_settings_get_boolean (self->settings, "test-mode");
  value = kp_settings_check_text (field->key, gtk_editable_get_text (GTK_EDITABLE (row)),
                                  real_payments, &error);
  if (value == NULL)
    {
      _kp_preferences_window_show_error (FIELD_LABEL (self, field), GTK_WIDGET (row),
                                         error->message);
      return FALSE;
    }
  _kp_preferences_window_show_error (FIELD_LABEL (self, field), GTK_WIDGET (row), NULL);
  stored = g_settings_get_string (self->settings, field->key);
  /* Enter stores the value even when it is the default, so it stays as typed. */
  if (pressed_enter || g_strcmp0 (stored, value) != 0)
    g_settings_set_string (self->settings, field->key, value);
  /* Shown as stored (a business number gets its dashes). */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), value) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  if (pressed_enter || g_strcmp0 (stored, value) != 0)
    _kp_preferences_window_toast (self, _("Saved"));
  return TRUE;
}

static void
on_text_row_apply_cb (KpPreferencesWindow *self,
                      AdwEntryRow         *row)
{
  if (!commit_text_row (self, row, TRUE))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
on_text_row_leave_cb (GtkEventControllerFocus *controller,
                      KpPreferencesWindow     *self)
{
  /* The window closing saves every row itself (and asks about invalid ones). */
  if (self->closing || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  commit_text_row (self, ADW_ENTRY_ROW (gtk_event_controller_get_widget (
                                          GTK_EVENT_CONTROLLER (controller))), FALSE);
}

static void
load_text_fields (KpPreferencesWindow *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      g_autofree char *value = g_settings_get_string (self->settings, text_fields[i].key);
      AdwEntryRow *row = FIELD_ROW (self, &text_fields[i]);
      GtkEventController *focus = gtk_event_controller_focus_new ();

      gtk_editable_set_text (GTK_EDITABLE (row), value);
      g_signal_connect_object (focus, "leave", G_CALLBACK (on_text_row_leave_cb), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (row), focus);
    }
}

/* Saves every valid row; returns the first row whose value is not valid, or NULL. */
static AdwEntryRow *
commit_text_rows (KpPreferencesWindow *self)
{
  AdwEntryRow *invalid = NULL;
  AdwEntryRow *row;

  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      row = FIELD_ROW (self, &text_fields[i]);
      if (!commit_text_row (self, row, FALSE) && invalid == NULL)
        invalid = row;
    }
  row = _kp_preferences_window_commit_printer (self);
  return invalid != NULL ? invalid : row;
}

/* Closing */

static void
on_close_anyway_response_cb (AdwMessageDialog    *dialog,
                             const char          *response,
                             KpPreferencesWindow *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->closing = TRUE;
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static gboolean
kp_preferences_window_close_request (GtkWindow *window)
{
  KpPreferencesWindow *self = KP_PREFERENCES_WINDOW (window);
  AdwEntryRow *invalid;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (self->closing)
    return GTK_WINDOW_CLASS (kp_preferences_window_parent_class)->close_request (window);

  invalid = commit_text_rows (self);
  if (invalid == NULL)
    {
      self->closing = TRUE;
      return GTK_WINDOW_CLASS (kp_preferences_window_parent_class)->close_request (window);
    }

  /* The focus on it, for the owner who keeps editing; the dialog names it. */
  gtk_widget_grab_focus (GTK_WIDGET (invalid));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Close Without Saving?"), NULL));
  /* Translators: %s is the title of a settings field, “Phone” */
  body = g_strdup_printf (_("“%s” is not valid and is not saved. The other settings are "
                            "saved."),
                          adw_preferences_row_get_title (ADW_PREFERENCES_ROW (invalid)));
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_add_responses (dialog,
                                    "edit", _("_Keep Editing"),
                                    "discard", _("_Close Without Saving"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "edit");
  adw_message_dialog_set_close_response (dialog, "edit");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_anyway_response_cb), self,
                           0);
  /* Kept open: the window gets the keyboard back (also without a window manager). */
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
set_terminal (KpPreferencesWindow *self,
              KpTerminal          *terminal)
{
  KpSettings *settings = kp_terminal_get_settings (terminal);

  self->terminal = g_object_ref (terminal);
  self->settings = g_object_ref (kp_settings_get_gsettings (settings));
  self->secrets = kp_terminal_get_secret_store (terminal);

  load_text_fields (self);
  _kp_preferences_window_init_account (self);
  _kp_preferences_window_init_approvals (self);
  _kp_preferences_window_init_receipts (self);
  _kp_preferences_window_init_keyring (self);
  _kp_preferences_window_init_shop (self);
}

static void
kp_preferences_window_dispose (GObject *object)
{
  KpPreferencesWindow *self = KP_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  _kp_preferences_window_dispose_shop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->probe_client);
  g_clear_object (&self->check_qr);
  g_clear_object (&self->settings);
  g_clear_object (&self->terminal);

  G_OBJECT_CLASS (kp_preferences_window_parent_class)->dispose (object);
}

static void
kp_preferences_window_finalize (GObject *object)
{
  KpPreferencesWindow *self = KP_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kp_preferences_window_parent_class)->finalize (object);
}

static void
kp_preferences_window_class_init (KpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kp_preferences_window_dispose;
  object_class->finalize = kp_preferences_window_finalize;
  window_class->close_request = kp_preferences_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/"
                                               "kp-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, account_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, api_base_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, business_number_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, callback_base_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, check_qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, check_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, checkout_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, cid_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, cid_secret_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        customer_display_switch);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, delivery_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, dialect_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, listen_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, listener_group);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, listener_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, mode_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, phone_address_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, poll_spin);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, tid_lifetime_spin);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, qr_target_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, relay_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, relay_group);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, relay_token_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        relay_token_status_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, relay_url_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        remove_relay_token_button);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        remove_secret_key_button);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, representative_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, secret_key_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        secret_key_status_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, shop_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, shop_name_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, terminal_id_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, test_connection_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, test_mode_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, test_mode_switch);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, test_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_text_row_apply_cb);
  _kp_preferences_window_class_init_account (widget_class);
  _kp_preferences_window_class_init_keyring (widget_class);
  _kp_preferences_window_class_init_receipts (widget_class);
  _kp_preferences_window_class_init_shop (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kp_preferences_window_init (KpPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->check_qr = kp_qr_paintable_new ();
  gtk_picture_set_paintable (self->check_qr_picture, GDK_PAINTABLE (self->check_qr));
}

/**
 * kp_preferences_window_new:
 * @application: the application the window belongs to
 * @terminal: the terminal whose settings it edits
 * @parent: (nullable): the window it was opened from
 *
 * Returns: (transfer none): the window; present it
 */
KpPreferencesWindow *
kp_preferences_window_new (GtkApplication *application,
                           KpTerminal     *terminal,
                           GtkWindow      *parent)
{
  KpPreferencesWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (KP_IS_TERMINAL (terminal), NULL);

  self = g_object_new (KP_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       "transient-for", parent,
                       NULL);
  set_terminal (self, terminal);
  return self;
}
