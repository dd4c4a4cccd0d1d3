/* kp-preferences-keyring.c: the secrets the preferences keep in the keyring
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-preferences"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-preferences-window-private.h"
#include "kp-settings-check.h"

/* The secret key and the relay token: stored with Enter (or the apply button), removed
 * with their Remove button, their rows saying whether the keyring has one. The CID
 * secret: stored with Enter, removed when applied empty. Each change rebuilds the
 * terminal's services. A secret read from a file named on the command line leaves the
 * keyring alone for this run. */

static AdwActionRow *
status_row (KpPreferencesWindow *self,
            KpSecretKind         kind)
{
  return kind == KP_SECRET_KEY ? self->secret_key_status_row : self->relay_token_status_row;
}

static GtkLabel *
error_label (KpPreferencesWindow *self,
             KpSecretKind         kind)
{
  return kind == KP_SECRET_KEY ? self->account_error_label : self->relay_error_label;
}

static void
show_secret_status (KpPreferencesWindow *self,
                    KpSecretKind         kind,
                    gboolean             stored)
{
  GtkButton *remove = kind == KP_SECRET_KEY ? self->remove_secret_key_button
                                            : self->remove_relay_token_button;

  if (kind == KP_SECRET_KEY)
    self->have_secret_key = stored;
  else
    self->have_relay_token = stored;
  adw_action_row_set_subtitle (status_row (self, kind), stored ? _("Stored") : _("Not set"));
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretOp, secret_op_free)

static SecretOp *
secret_op_new (KpPreferencesWindow *self,
               KpSecretKind         kind)
{
  SecretOp *op = g_new0 (SecretOp, 1);

  op->self = g_object_ref (self);
  op->kind = kind;
  return op;
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (SecretOp) op = user_data;
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = kp_secret_store_lookup_finish (KP_SECRET_STORE (source), result, &error);
  if (error == NULL)
    show_secret_status (op->self, op->kind, secret != NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the keyring's reason */
      message = g_strdup_printf (_("The keyring could not be read: %s"), error->message);
      _kp_preferences_window_show_error (error_label (op->self, op->kind), NULL, message);
      adw_action_row_set_subtitle (status_row (op->self, op->kind), _("Keyring unavailable"));
    }
  kp_secret_free (secret);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (SecretOp) op = user_data;
  g_autoptr (GError) error = NULL;
  AdwEntryRow *row = op->kind == KP_SECRET_KEY ? op->self->secret_key_row
                                               : op->self->relay_token_row;

  if (!kp_secret_store_store_finish (KP_SECRET_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _kp_preferences_window_show_error (error_label (op->self, op->kind), GTK_WIDGET (row),
                                           error->message);
      return;
    }
  _kp_preferences_window_show_error (error_label (op->self, op->kind), GTK_WIDGET (row), NULL);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  show_secret_status (op->self, op->kind, TRUE);
  _kp_preferences_window_toast (op->self, op->kind == KP_SECRET_KEY
                                            ? _("Secret key saved in the keyring")
                                            : _("Terminal token saved in the keyring"));
  kp_terminal_reload (op->self->terminal);
}

static void
on_secret_row_apply_cb (KpPreferencesWindow *self,
                        AdwEntryRow         *row)
{
  KpSecretKind kind = row == self->secret_key_row ? KP_SECRET_KEY : KP_SECRET_RELAY_TOKEN;
  g_autofree char *secret = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (!kp_settings_check_secret (secret))
    _kp_preferences_window_show_error (error_label (self, kind), GTK_WIDGET (row),
                                       kind == KP_SECRET_KEY
                                         ? _("Paste the secret key exactly as KakaoPay shows it: "
                                             "letters and digits, no spaces.")
                                         : _("Paste the terminal token exactly as the relay’s "
                                             "administrator gave it: no spaces."));
  else
    kp_secret_store_store_async (self->secrets, kind, secret, self->cancellable, stored_cb,
                                 secret_op_new (self, kind));
  memset (secret, 0, strlen (secret));
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (SecretOp) op = user_data;
  g_autoptr (GError) error = NULL;

  if (!kp_secret_store_clear_finish (KP_SECRET_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _kp_preferences_window_show_error (error_label (op->self, op->kind), NULL,
                                           error->message);
      return;
    }
  show_secret_status (op->self, op->kind, FALSE);
  _kp_preferences_window_toast (op->self, op->kind == KP_SECRET_KEY
                                            ? _("Secret key removed from the keyring")
                                            : _("Terminal token removed from the keyring"));
  kp_terminal_reload (op->self->terminal);
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
  _kp_preferences_window_show_error (self->account_error_label,
                                     GTK_WIDGET (self->cid_secret_row),
                                     ok ? NULL : error->message);
  if (!ok)
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->cid_secret_row), "");
  _kp_preferences_window_toast (self, stored ? _("CID secret saved in the keyring")
                                             : _("CID secret removed from the keyring"));
  kp_terminal_reload (self->terminal);
}

static void
on_cid_secret_apply_cb (KpPreferencesWindow *self,
                        AdwEntryRow         *row)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *secret = kp_settings_check_cid_secret (text, &error);

  memset (text, 0, strlen (text));
  if (secret == NULL)
    {
      _kp_preferences_window_show_error (self->account_error_label, GTK_WIDGET (row),
                                         error->message);
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

/* Whether the keyring has the secret of @kind, unless the command line named a file
 * for it. */
static void
show_where_secret_is (KpPreferencesWindow *self,
                      KpSecretKind         kind,
                      KpSetting            file_setting)
{
  if (_kp_preferences_window_overridden (self, file_setting))
    adw_action_row_set_subtitle (status_row (self, kind),
                                 _("This run reads it from the file named on the command line"));
  else
    kp_secret_store_lookup_async (self->secrets, kind, self->cancellable, looked_up_cb,
                                  secret_op_new (self, kind));
}

void
_kp_preferences_window_class_init_keyring (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_cid_secret_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_secret_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_secret_row_apply_cb);
}

void
_kp_preferences_window_init_keyring (KpPreferencesWindow *self)
{
  show_where_secret_is (self, KP_SECRET_KEY, KP_SETTING_SECRET_KEY_FILE);
  show_where_secret_is (self, KP_SECRET_RELAY_TOKEN, KP_SETTING_RELAY_TOKEN_FILE);
}
