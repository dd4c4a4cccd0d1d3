/* kp-preferences-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-address.h"
#include "kp-business-number.h"
#include "kp-client.h"
#include "kp-preferences-window.h"
#include "kp-qr-paintable.h"
#include "kp-secret-store.h"
#include "kp-present.h"

/* The shop owner's settings. A text field is saved on Enter, when the focus leaves it
 * and when the window closes, and only when it is valid: an invalid value shows its
 * error at the row and is not saved, and closing the window with one asks first.
 * Choices are saved at once. Secrets go to the keyring, never to GSettings. The
 * application rebuilds its services on every change, so nothing needs a restart. */

/* A tid KakaoPay never issued: the order API answers -721 for it once the key and the
 * CID are accepted, so a connection test charges nothing and opens nothing. */
#define PROBE_TID "T0000000000000000000"

struct _KpPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template children */
  GtkLabel             *account_error_label;
  AdwEntryRow          *address_row;
  AdwEntryRow          *api_base_row;
  AdwEntryRow          *business_number_row;
  AdwEntryRow          *callback_base_row;
  GtkPicture           *check_qr_picture;
  AdwActionRow         *check_row;
  GtkLabel             *checkout_error_label;
  AdwEntryRow          *cid_row;
  AdwEntryRow          *cid_secret_row;
  GtkSwitch            *customer_display_switch;
  AdwComboRow          *delivery_row;
  AdwComboRow          *dialect_row;
  AdwEntryRow          *listen_row;
  AdwPreferencesGroup  *listener_group;
  GtkLabel             *listener_error_label;
  GtkLabel             *mode_error_label;
  AdwEntryRow          *phone_row;
  AdwActionRow         *phone_address_row;
  GtkSpinButton        *poll_spin;
  GtkSpinButton        *tid_lifetime_spin;
  AdwComboRow          *qr_target_row;
  GtkLabel             *relay_error_label;
  AdwPreferencesGroup  *relay_group;
  AdwEntryRow          *relay_token_row;
  AdwActionRow         *relay_token_status_row;
  AdwEntryRow          *relay_url_row;
  GtkButton            *remove_relay_token_button;
  GtkButton            *remove_secret_key_button;
  AdwEntryRow          *representative_row;
  AdwEntryRow          *secret_key_row;
  AdwActionRow         *secret_key_status_row;
  GtkLabel             *shop_error_label;
  AdwEntryRow          *shop_name_row;
  AdwEntryRow          *terminal_id_row;
  GtkButton            *test_button;
  AdwActionRow         *test_connection_row;
  AdwActionRow         *test_mode_row;
  GtkSwitch            *test_mode_switch;
  GtkSpinner           *test_spinner;

  /* Owned */
  GSettings            *settings;
  GCancellable         *cancellable;
  KpClient             *probe_client;
  KpQrPaintable        *check_qr;

  /* Borrowed */
  KpApplication        *application;
  KpSecretStore        *secrets;

  gboolean              have_secret_key;
  gboolean              have_relay_token;
  gboolean              closing;
  gboolean              tested;
};

G_DEFINE_FINAL_TYPE (KpPreferencesWindow, kp_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (KpPreferencesWindow *self,
       const char          *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 3);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

static void
show_error (GtkLabel   *label,
            GtkWidget  *row,
            const char *message)
{
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
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

/* Validation: each returns the value to store (normalised) or NULL with @message set. */

static gboolean
is_printable_line (const char *text,
                   gsize       max_chars)
{
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max_chars)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

static char *
check_plain (const char  *text,
             gsize        max_chars,
             const char  *what,
             char       **message)
{
  if (!is_printable_line (text, max_chars))
    {
      /* Translators: %s names the field (“The shop name”), %d is a number of characters */
      *message = g_strdup_printf (_("%s must be one line of at most %d characters."), what,
                                  (int) max_chars);
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_phone (const char  *text,
             char       **message)
{
  guint digits = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!strchr (" -+()", *p))
        digits = 100;
    }
  if (*text != '\0' && (digits < 7 || digits > 15))
    {
      *message = g_strdup (_("Enter the phone number with digits only (dashes and spaces "
                             "are fine), for example 02-123-4567."));
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_cid (const char  *text,
           char       **message)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        {
          *message = g_strdup (_("The CID has only letters and digits, for example "
                                 "TC0ONETIME."));
          return NULL;
        }
    }
  if (strlen (text) != KP_CID_LENGTH)
    {
      *message = g_strdup_printf (_("The CID KakaoPay issues has %d characters, for example "
                                    "TC0ONETIME."), KP_CID_LENGTH);
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_cid_secret (const char  *text,
                  char       **message)
{
  gboolean ok = *text == '\0' || strlen (text) == KP_CID_SECRET_LENGTH;

  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isdigit (*p) || g_ascii_islower (*p);
  if (!ok)
    {
      *message = g_strdup_printf (_("The CID secret has %d digits or lowercase letters. "
                                    "Leave it empty if KakaoPay gave you none."),
                                  KP_CID_SECRET_LENGTH);
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_http_url (const char  *text,
                gboolean     allow_path,
                const char  *example,
                char       **message)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char *scheme;

  if (*trimmed == '\0')
    return g_strdup ("");
  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL ||
      (!allow_path && *g_uri_get_path (uri) != '\0' &&
       g_strcmp0 (g_uri_get_path (uri), "/") != 0))
    {
      /* Translators: %s is an example address */
      *message = g_strdup_printf (_("Enter an address starting with http:// or https://, "
                                    "for example %s."), example);
      return NULL;
    }
  /* Paths are appended to it: no trailing slash. */
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  return g_steal_pointer (&trimmed);
}

static char *
check_listen (const char  *text,
              char       **message)
{
  g_autofree char *host = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = 0;

  if (*text == '\0')
    return g_strdup ("");
  if (!kp_address_parse_host_port (text, "0.0.0.0", &host, &port, &error))
    {
      *message = g_strdup (_("Enter a network address and a port, for example 0.0.0.0:8790 "
                             "(every network of this computer, port 8790)."));
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_terminal_id (const char  *text,
                   char       **message)
{
  gboolean ok = *text != '\0' && strlen (text) <= 64;

  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || strchr ("-_.", *p) != NULL;
  if (!ok)
    {
      *message = g_strdup (_("The terminal ID is 1 to 64 letters, digits, “-”, “_” or “.”, "
                             "for example T1."));
      return NULL;
    }
  return g_strdup (text);
}

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

static char *
validate (const char  *key,
          const char  *raw,
          char       **message)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));

  if (g_str_equal (key, "shop-business-number"))
    {
      g_autoptr (GError) error = NULL;
      char *formatted;

      if (*text == '\0')
        return g_strdup ("");
      formatted = kp_business_number_parse (text, &error);
      if (formatted == NULL)
        *message = g_strdup (error->message);
      return formatted;
    }
  if (g_str_equal (key, "shop-name"))
    return check_plain (text, 100, _("The shop name"), message);
  if (g_str_equal (key, "shop-representative"))
    return check_plain (text, 100, _("The representative’s name"), message);
  if (g_str_equal (key, "shop-address"))
    return check_plain (text, 200, _("The address"), message);
  if (g_str_equal (key, "shop-phone"))
    return check_phone (text, message);
  if (g_str_equal (key, "cid"))
    return check_cid (text, message);
  if (g_str_equal (key, "api-base"))
    return check_http_url (text, FALSE, "https://open-api.kakaopay.com", message);
  if (g_str_equal (key, "callback-listen"))
    return check_listen (text, message);
  if (g_str_equal (key, "callback-base"))
    return check_http_url (text, TRUE, "http://192.168.0.20:8790", message);
  if (g_str_equal (key, "relay-url"))
    return check_http_url (text, TRUE, "https://pay.example.com", message);
  if (g_str_equal (key, "terminal-id"))
    return check_terminal_id (text, message);
  g_assert_not_reached ();
}

/* Saves @row's value if it differs from the stored one. Returns FALSE, with the error
 * shown at the row, when the value is not valid (nothing is saved then). */
static gboolean
commit_text_row (KpPreferencesWindow *self,
                 AdwEntryRow         *row,
                 gboolean             pressed_enter)
{
  const TextField *field = field_for_row (self, row);
  g_autofree char *message = NULL;
  g_autofree char *value = NULL;
  g_autofree char *stored = NULL;

  g_return_val_if_fail (field != NULL, TRUE);

  value = validate (field->key, gtk_editable_get_text (GTK_EDITABLE (row)), &message);
  if (value == NULL)
    {
      show_error (FIELD_LABEL (self, field), GTK_WIDGET (row), message);
      return FALSE;
    }
  /* With real payments, the key and the relay token travel only over https. */
  if ((g_str_equal (field->key, "api-base") || g_str_equal (field->key, "relay-url")) &&
      *value != '\0' && !g_settings_get_boolean (self->settings, "test-mode"))
    {
      g_autoptr (GError) error = NULL;

      if (!kp_endpoint_check_transport (value, &error))
        {
          show_error (FIELD_LABEL (self, field), GTK_WIDGET (row), error->message);
          return FALSE;
        }
    }
  show_error (FIELD_LABEL (self, field), GTK_WIDGET (row), NULL);
  stored = g_settings_get_string (self->settings, field->key);
  /* Enter stores the value even when it is the default, so it stays as typed. */
  if (pressed_enter || g_strcmp0 (stored, value) != 0)
    g_settings_set_string (self->settings, field->key, value);
  /* Shown as stored (a business number gets its dashes). */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), value) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  if (pressed_enter || g_strcmp0 (stored, value) != 0)
    toast (self, _("Saved"));
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

/* Saves every valid row; returns the first row whose value is not valid, or NULL. */
static AdwEntryRow *
commit_text_rows (KpPreferencesWindow *self)
{
  AdwEntryRow *invalid = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      AdwEntryRow *row = FIELD_ROW (self, &text_fields[i]);

      if (!commit_text_row (self, row, FALSE) && invalid == NULL)
        invalid = row;
    }
  return invalid;
}

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

/* Secrets in the keyring */

static void
show_secret_status (KpPreferencesWindow *self,
                    KpSecretKind         kind,
                    gboolean             stored)
{
  AdwActionRow *row = kind == KP_SECRET_KEY ? self->secret_key_status_row
                                            : self->relay_token_status_row;
  GtkButton *remove = kind == KP_SECRET_KEY ? self->remove_secret_key_button
                                            : self->remove_relay_token_button;

  if (kind == KP_SECRET_KEY)
    self->have_secret_key = stored;
  else
    self->have_relay_token = stored;
  adw_action_row_set_subtitle (row, stored ? _("Stored") : _("Not set"));
  gtk_widget_set_sensitive (GTK_WIDGET (remove), stored);
}

typedef struct
{
  KpPreferencesWindow *self;
  KpSecretKind         kind;
} SecretOp;

static void
secret_op_free (SecretOp *op)
{
  g_object_unref (op->self);
  g_free (op);
}

static SecretOp *
secret_op_new (KpPreferencesWindow *self,
               KpSecretKind         kind)
{
  SecretOp *op = g_new0 (SecretOp, 1);

  op->self = g_object_ref (self);
  op->kind = kind;
  return op;
}

static GtkLabel *
secret_error_label (KpPreferencesWindow *self,
                    KpSecretKind         kind)
{
  return kind == KP_SECRET_KEY ? self->account_error_label : self->relay_error_label;
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SecretOp *op = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = kp_secret_store_lookup_finish (KP_SECRET_STORE (source), result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (error != NULL)
        {
          g_autofree char *message = NULL;

          /* Translators: %s is the keyring's reason */
          message = g_strdup_printf (_("The keyring could not be read: %s"), error->message);
          show_error (secret_error_label (op->self, op->kind), NULL, message);
          adw_action_row_set_subtitle (op->kind == KP_SECRET_KEY
                                         ? op->self->secret_key_status_row
                                         : op->self->relay_token_status_row,
                                       _("Keyring unavailable"));
        }
      else
        show_secret_status (op->self, op->kind, secret != NULL);
    }
  kp_secret_free (secret);
  secret_op_free (op);
}

static void
refresh_secret_status (KpPreferencesWindow *self,
                       KpSecretKind         kind)
{
  kp_secret_store_lookup_async (self->secrets, kind, self->cancellable, looked_up_cb,
                                secret_op_new (self, kind));
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SecretOp *op = user_data;
  g_autoptr (GError) error = NULL;
  AdwEntryRow *row = op->kind == KP_SECRET_KEY ? op->self->secret_key_row
                                               : op->self->relay_token_row;

  if (!kp_secret_store_store_finish (KP_SECRET_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (secret_error_label (op->self, op->kind), GTK_WIDGET (row), error->message);
      secret_op_free (op);
      return;
    }
  show_error (secret_error_label (op->self, op->kind), GTK_WIDGET (row), NULL);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  show_secret_status (op->self, op->kind, TRUE);
  toast (op->self, op->kind == KP_SECRET_KEY ? _("Secret key saved in the keyring")
                                             : _("Terminal token saved in the keyring"));
  kp_application_reload_services (op->self->application);
  secret_op_free (op);
}

static void
on_secret_row_apply_cb (KpPreferencesWindow *self,
                        AdwEntryRow         *row)
{
  KpSecretKind kind = row == self->secret_key_row ? KP_SECRET_KEY : KP_SECRET_RELAY_TOKEN;
  g_autofree char *secret = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  gboolean ok = *secret != '\0' && strlen (secret) <= 200;

  for (const char *p = secret; ok && *p != '\0'; p++)
    ok = g_ascii_isgraph (*p);
  if (!ok)
    {
      show_error (secret_error_label (self, kind), GTK_WIDGET (row),
                  kind == KP_SECRET_KEY
                    ? _("Paste the secret key exactly as KakaoPay shows it: letters and "
                        "digits, no spaces.")
                    : _("Paste the terminal token exactly as the relay’s administrator gave "
                        "it: no spaces."));
      memset (secret, 0, strlen (secret));
      return;
    }
  kp_secret_store_store_async (self->secrets, kind, secret, self->cancellable, stored_cb,
                               secret_op_new (self, kind));
  memset (secret, 0, strlen (secret));
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SecretOp *op = user_data;
  g_autoptr (GError) error = NULL;

  if (!kp_secret_store_clear_finish (KP_SECRET_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (secret_error_label (op->self, op->kind), NULL, error->message);
      secret_op_free (op);
      return;
    }
  show_secret_status (op->self, op->kind, FALSE);
  toast (op->self, op->kind == KP_SECRET_KEY ? _("Secret key removed from the keyring")
                                             : _("Terminal token removed from the keyring"));
  kp_application_reload_services (op->self->application);
  secret_op_free (op);
}

static void
on_remove_secret_clicked_cb (KpPreferencesWindow *self,
                             GtkButton           *button)
{
  KpSecretKind kind = button == self->remove_secret_key_button ? KP_SECRET_KEY
                                                               : KP_SECRET_RELAY_TOKEN;

  kp_secret_store_clear_async (self->secrets, kind, self->cancellable, cleared_cb,
                               secret_op_new (self, kind));
}

/* The CID secret: in the keyring like the secret key; applied empty, it is removed. */

static void
cid_secret_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (KpPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean stored = g_task_get_source_tag (G_TASK (result)) == kp_secret_store_store_async;
  gboolean ok;

  ok = stored ? kp_secret_store_store_finish (KP_SECRET_STORE (source), result, &error)
              : kp_secret_store_clear_finish (KP_SECRET_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      show_error (self->account_error_label, GTK_WIDGET (self->cid_secret_row), error->message);
      return;
    }
  show_error (self->account_error_label, GTK_WIDGET (self->cid_secret_row), NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->cid_secret_row), "");
  toast (self, stored ? _("CID secret saved in the keyring")
                      : _("CID secret removed from the keyring"));
  kp_application_reload_services (self->application);
}

static void
on_cid_secret_apply_cb (KpPreferencesWindow *self,
                        AdwEntryRow         *row)
{
  g_autofree char *message = NULL;
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *secret = check_cid_secret (text, &message);

  memset (text, 0, strlen (text));
  if (secret == NULL)
    {
      show_error (self->account_error_label, GTK_WIDGET (row), message);
      gtk_widget_grab_focus (GTK_WIDGET (row));
      return;
    }
  if (*secret == '\0')
    kp_secret_store_clear_async (self->secrets, KP_SECRET_CID_SECRET, self->cancellable,
                                 cid_secret_done_cb, g_object_ref (self));
  else
    kp_secret_store_store_async (self->secrets, KP_SECRET_CID_SECRET, secret,
                                 self->cancellable, cid_secret_done_cb, g_object_ref (self));
  memset (secret, 0, strlen (secret));
}

/* Test mode */

static void
on_leave_test_mode_response_cb (AdwMessageDialog    *dialog,
                                const char          *response,
                                KpPreferencesWindow *self)
{
  if (g_strcmp0 (response, "real") == 0)
    {
      g_settings_set_boolean (self->settings, "test-mode", FALSE);
      toast (self, _("Real payments: new sales go to KakaoPay"));
    }
  else
    gtk_switch_set_active (self->test_mode_switch, TRUE);
}

static void sync_test_mode (KpPreferencesWindow *self);

static gboolean
sync_test_mode_cb (gpointer user_data)
{
  sync_test_mode (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_test_mode_state_set_cb (GtkSwitch           *sw,
                           gboolean             state,
                           KpPreferencesWindow *self)
{
  g_autofree char *cid = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *relay_url = NULL;
  g_autofree char *where = NULL;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;

  if (state == g_settings_get_boolean (self->settings, "test-mode"))
    return FALSE;

  if (state)
    {
      show_error (self->mode_error_label, NULL, NULL);
      g_settings_set_boolean (self->settings, "test-mode", TRUE);
      toast (self, _("Test mode: new sales go to the sandbox"));
      return FALSE;
    }

  /* Leaving test mode: only with an account to take payments with, and never by
   * accident. */
  cid = g_settings_get_string (self->settings, "cid");
  if (*cid == '\0' || !self->have_secret_key)
    {
      show_error (self->mode_error_label, NULL,
                  *cid == '\0'
                    ? _("To take real payments, first enter the shop’s CID below.")
                    : _("To take real payments, first enter the shop’s secret key below "
                        "and press Enter to keep it in the keyring."));
      /* Put the switch back once GTK has finished with this change. */
      g_idle_add_full (G_PRIORITY_DEFAULT, sync_test_mode_cb, g_object_ref (self),
                       g_object_unref);
      return TRUE;
    }
  /* KakaoPay's test CID takes no real payments: say so rather than pretend. */
  if (kp_cid_is_test (cid))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the CID, e.g. TC0ONETIME */
      message = g_strdup_printf (_("%s is KakaoPay’s test CID: no money moves with it. To "
                                   "take real payments, enter the shop’s own CID below (or "
                                   "start with --cid); otherwise stay in test mode."), cid);
      show_error (self->mode_error_label, NULL, message);
      g_idle_add_full (G_PRIORITY_DEFAULT, sync_test_mode_cb, g_object_ref (self),
                       g_object_unref);
      return TRUE;
    }

  /* Nor with the secret key or the relay token sent in clear. */
  api_base = g_settings_get_string (self->settings, "api-base");
  relay_url = g_settings_get_string (self->settings, "relay-url");
  if ((*api_base != '\0' && !kp_endpoint_check_transport (api_base, &error)) ||
      (g_settings_get_enum (self->settings, "approval-delivery") == 1 && *relay_url != '\0' &&
       !kp_endpoint_check_transport (relay_url, &error)))
    {
      show_error (self->mode_error_label, NULL, error->message);
      g_idle_add_full (G_PRIORITY_DEFAULT, sync_test_mode_cb, g_object_ref (self),
                       g_object_unref);
      return TRUE;
    }
  show_error (self->mode_error_label, NULL, NULL);

  if (*api_base == '\0')
    {
      g_free (api_base);
      api_base = g_strdup (g_settings_get_enum (self->settings, "dialect") == KP_DIALECT_LEGACY
                             ? KP_LEGACY_BASE_URL : KP_ONLINE_BASE_URL);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Take Real Payments?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  /* Translators: %s is the CID, then the API address */
                                  _("New sales will be charged to customers in real money "
                                    "through KakaoPay (CID %s, %s). Sales made in test mode "
                                    "stay in the journal."),
                                  cid, api_base);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Stay in Test Mode"),
                                    "real", _("_Take Real Payments"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "real", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_leave_test_mode_response_cb),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
sync_test_mode (KpPreferencesWindow *self)
{
  gboolean on = g_settings_get_boolean (self->settings, "test-mode");

  gtk_switch_set_active (self->test_mode_switch, on);
  gtk_switch_set_state (self->test_mode_switch, on);
  /* What the button does, until it has an answer to show. */
  if (!self->tested && self->probe_client == NULL)
    adw_action_row_set_subtitle (self->test_connection_row,
                                 on ? _("Sales now use the built-in sandbox. This asks KakaoPay "
                                        "itself whether it accepts the CID and secret key "
                                        "above, without a payment.")
                                    : _("Asks KakaoPay with the values above, without a "
                                        "payment"));
}

/* Test connection */

static void
finish_test (KpPreferencesWindow *self,
             const char          *text,
             gboolean             ok)
{
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  self->tested = TRUE;
  adw_action_row_set_subtitle (self->test_connection_row, text);
  if (ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->test_connection_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->test_connection_row), "error");
  g_clear_object (&self->probe_client);
}

static char *
describe_probe (const GError *error,
                const char   *base_url,
                gboolean     *ok)
{
  int code = kp_api_error_get_code (error);

  *ok = FALSE;
  if (error == NULL || code == KP_CODE_UNKNOWN_TID)
    {
      *ok = TRUE;
      return g_strdup (_("Connected: KakaoPay accepted the secret key and the CID."));
    }
  if (g_error_matches (error, KP_API_ERROR, KP_API_ERROR_UNAUTHORIZED) ||
      code == KP_CODE_UNAUTHORIZED || code == KP_CODE_NO_PERMISSION ||
      code == KP_CODE_NOT_ENABLED)
    /* Translators: %d is KakaoPay's error code, e.g. -401 */
    return g_strdup_printf (_("KakaoPay rejected the secret key (%d). Check the key, and that "
                              "it belongs to the API chosen above."), code);
  if (code == KP_CODE_WRONG_CID)
    return g_strdup (_("KakaoPay accepted the secret key but not the CID (-731). Check the "
                       "CID."));
  if (code == KP_CODE_WRONG_CID_SECRET)
    return g_strdup (_("KakaoPay accepted the secret key but not the CID secret (-733). "
                       "Check it, or leave it empty."));
  if (g_error_matches (error, KP_API_ERROR, KP_API_ERROR_REJECTED))
    {
      /* Any other business error about the made-up payment: the key and CID passed. */
      *ok = TRUE;
      /* Translators: %d is KakaoPay's error code */
      return g_strdup_printf (_("Connected: KakaoPay accepted the secret key and the CID "
                                "(it answered %d about the test payment)."), code);
    }
  if (g_error_matches (error, KP_API_ERROR, KP_API_ERROR_INVALID_REQUEST))
    return g_strdup (error->message);
  /* Translators: the API address, then the reason */
  return g_strdup_printf (_("Could not reach KakaoPay at %s: %s. Check the network and the "
                            "API address."), base_url, error->message);
}

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (KpPreferencesWindow) self = user_data;
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok = FALSE;

  reply = kp_client_order_finish (KP_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  text = describe_probe (error, kp_client_get_base_url (KP_CLIENT (source)), &ok);
  finish_test (self, text, ok);
}

static void
send_probe (KpPreferencesWindow *self,
            const char          *secret_key)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autofree char *message = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *cid_secret = NULL;
  g_autofree char *api_base = NULL;
  KpDialect dialect = adw_combo_row_get_selected (self->dialect_row) == 1 ? KP_DIALECT_LEGACY
                                                                          : KP_DIALECT_ONLINE;

  cid = check_cid (gtk_editable_get_text (GTK_EDITABLE (self->cid_row)), &message);
  if (cid != NULL)
    cid_secret = check_cid_secret (gtk_editable_get_text (GTK_EDITABLE (self->cid_secret_row)),
                                   &message);
  if (cid_secret != NULL)
    api_base = check_http_url (gtk_editable_get_text (GTK_EDITABLE (self->api_base_row)), FALSE,
                               "https://open-api.kakaopay.com", &message);
  if (api_base == NULL)
    {
      finish_test (self, message, FALSE);
      return;
    }
  if (secret_key == NULL || *secret_key == '\0')
    {
      finish_test (self, _("Enter the secret key first."), FALSE);
      return;
    }

  self->probe_client = kp_client_new (*api_base != '\0' ? api_base : NULL, dialect, secret_key);
  kp_client_set_timeout (self->probe_client,
                         g_settings_get_uint (self->settings, "request-timeout"));
  request->cid = g_steal_pointer (&cid);
  request->cid_secret = *cid_secret != '\0' ? g_steal_pointer (&cid_secret) : NULL;
  request->tid = g_strdup (PROBE_TID);
  kp_client_order_async (self->probe_client, request, self->cancellable, probe_cb,
                         g_object_ref (self));
}

static void
probe_key_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (KpPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = kp_secret_store_lookup_finish (KP_SECRET_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the keyring's reason */
      message = g_strdup_printf (_("The keyring could not be read: %s"), error->message);
      finish_test (self, message, FALSE);
      return;
    }
  send_probe (self, secret);
  kp_secret_free (secret);
}

static void
on_test_clicked_cb (KpPreferencesWindow *self)
{
  g_autofree char *typed = NULL;

  if (self->probe_client != NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  adw_action_row_set_subtitle (self->test_connection_row, _("Asking KakaoPay…"));

  /* The key as typed, or else the one in the keyring. */
  typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->secret_key_row))));
  if (*typed != '\0')
    {
      send_probe (self, typed);
      memset (typed, 0, strlen (typed));
      return;
    }
  kp_secret_store_lookup_async (self->secrets, KP_SECRET_KEY, self->cancellable, probe_key_cb,
                                g_object_ref (self));
}

/* Choices */

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

static void
bind_choice (KpPreferencesWindow *self,
             const char          *key,
             AdwComboRow         *row,
             const char * const  *nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                enum_to_selected, selected_to_enum, (gpointer) nicks, NULL);
}

/* Set on the command line for this run. */
static gboolean
overridden (KpPreferencesWindow *self,
            KpSetting            setting)
{
  KpTerminal *terminal = kp_application_get_terminal (self->application);

  return kp_settings_is_overridden (kp_terminal_get_settings (terminal), setting);
}

static void
update_delivery (KpPreferencesWindow *self)
{
  /* --relay on the command line puts this run in relay mode whatever is chosen. */
  gboolean relay = adw_combo_row_get_selected (self->delivery_row) == 1 ||
                   overridden (self, KP_SETTING_RELAY_URL);

  gtk_widget_set_visible (GTK_WIDGET (self->listener_group), !relay);
  gtk_widget_set_visible (GTK_WIDGET (self->relay_group), relay);
}

/* The address the customers' phones are sent to, and the check page's QR code. */
static void
update_phone_address (KpPreferencesWindow *self)
{
  const char *base = kp_application_get_callback_base (self->application);
  g_autofree char *check_url = NULL;

  if (base != NULL)
    check_url = g_strconcat (base, "/check", NULL);
  adw_action_row_set_subtitle (self->phone_address_row,
                               base != NULL ? base
                                            : _("None yet: see the problem shown in the main "
                                                "window"));
  kp_qr_paintable_set_text (self->check_qr, check_url);
  gtk_widget_set_visible (GTK_WIDGET (self->check_row), check_url != NULL);
  gtk_window_set_title (GTK_WINDOW (self),
                        kp_application_is_test_mode (self->application)
                          ? _("Preferences — TEST MODE") : _("Preferences"));
}

static gboolean
ms_to_seconds (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 1000.0);
  return TRUE;
}

static GVariant *
seconds_to_ms (const GValue       *value,
               const GVariantType *type,
               gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) * 1000.0 + 0.5));
}

static void
on_settings_changed_cb (KpPreferencesWindow *self,
                        const char          *key)
{
  if (g_str_equal (key, "test-mode"))
    sync_test_mode (self);
}

static void
note_overrides (KpPreferencesWindow *self)
{
  if (overridden (self, KP_SETTING_TEST_MODE))
    adw_action_row_set_subtitle (self->test_mode_row,
                                 _("Set on the command line for this run: changes here apply "
                                   "at the next start"));
  if (overridden (self, KP_SETTING_RELAY_URL))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->delivery_row),
                                 _("Through a relay for this run (set on the command line)"));
}

static void
kp_preferences_window_dispose (GObject *object)
{
  KpPreferencesWindow *self = KP_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->probe_client);
  g_clear_object (&self->check_qr);
  g_clear_object (&self->settings);

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
  gtk_widget_class_bind_template_callback (widget_class, on_cid_secret_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_secret_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_secret_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_mode_state_set_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_text_row_apply_cb);

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

KpPreferencesWindow *
kp_preferences_window_new (KpApplication *application,
                           GtkWindow     *parent)
{
  static const char * const dialects[] = { "online", "legacy", NULL };
  static const char * const deliveries[] = { "listener", "relay", NULL };
#ifdef HAVE_WEBKIT
  static const char * const qr_targets[] = { "pc", "mobile", "page", NULL };
#else
  static const char * const qr_targets[] = { "pc", "mobile", NULL };
#endif
  KpPreferencesWindow *self;

  g_return_val_if_fail (KP_IS_APPLICATION (application), NULL);

  self = g_object_new (KP_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       "transient-for", parent,
                       NULL);
  self->application = application;
  self->settings = g_object_ref (kp_application_get_settings (application));
  self->secrets = kp_application_get_secret_store (application);

  load_text_fields (self);
  bind_choice (self, "dialect", self->dialect_row, dialects);
  bind_choice (self, "approval-delivery", self->delivery_row, deliveries);
#ifdef HAVE_WEBKIT
  /* Only a build with WebKit can show KakaoPay's page itself. */
  gtk_string_list_append (GTK_STRING_LIST (adw_combo_row_get_model (self->qr_target_row)),
                          _("Payment page in the app"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->qr_target_row),
                               _("PC page: the phone shows KakaoPay’s page for computers, where "
                                 "the customer has the payment request sent to KakaoTalk. "
                                 "Mobile page: the phone goes straight to KakaoTalk to approve. "
                                 "Payment page in the app: no QR code of ours; KakaoPay’s page "
                                 "itself shows here (on the customer display when it is open) "
                                 "and the app catches the approval, so the approval listener "
                                 "or relay is not used."));
#endif
  bind_choice (self, "qr-target", self->qr_target_row, qr_targets);
  g_settings_bind_with_mapping (self->settings, "poll-interval",
                                gtk_spin_button_get_adjustment (self->poll_spin), "value",
                                G_SETTINGS_BIND_DEFAULT, ms_to_seconds, seconds_to_ms, NULL, NULL);
  g_settings_bind (self->settings, "tid-lifetime",
                   gtk_spin_button_get_adjustment (self->tid_lifetime_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "customer-display", self->customer_display_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->delivery_row, "notify::selected",
                           G_CALLBACK (update_delivery), self, G_CONNECT_SWAPPED);
  update_delivery (self);
  sync_test_mode (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  note_overrides (self);
  /* Every rebuild of the services ends with this notification. */
  g_signal_connect_object (application, "notify::setup-error",
                           G_CALLBACK (update_phone_address), self, G_CONNECT_SWAPPED);
  update_phone_address (self);

  /* A secret named on the command line: the keyring is left alone for it. */
  if (overridden (self, KP_SETTING_SECRET_KEY_FILE))
    adw_action_row_set_subtitle (self->secret_key_status_row,
                                 _("This run reads it from the file named on the command line"));
  else
    refresh_secret_status (self, KP_SECRET_KEY);
  if (overridden (self, KP_SETTING_RELAY_TOKEN_FILE))
    adw_action_row_set_subtitle (self->relay_token_status_row,
                                 _("This run reads it from the file named on the command line"));
  else
    refresh_secret_status (self, KP_SECRET_RELAY_TOKEN);
  return self;
}
