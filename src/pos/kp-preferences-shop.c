/* kp-preferences-shop.c: the shop database (page Approvals, after the relay)
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-preferences-window-private.h"
#include "kp-shop-status.h"

#ifdef HAVE_SHOPDB
#include "kp-shop-db.h"
#endif

/* The connection string goes to the settings (`shop-db`) without its password; the
 * password goes to the keyring through the terminal, which connects again with it. A
 * password typed inside the connection string is taken out the same way, libpq reading
 * the string in a worker thread (kp_shop_conninfo_split_async()). */

static void
update_status (KpPreferencesWindow *self)
{
  KpSettings *settings = kp_terminal_get_settings (self->terminal);
  GObject *replicator = kp_terminal_get_shop_replicator (self->terminal);
  g_autofree char *summary = NULL;

  summary = kp_shop_status_dup_summary (replicator, kp_settings_get_shop_db (settings));
  adw_action_row_set_subtitle (self->shop_db_status_row, summary);
}

static void
on_replicator_changed_cb (KpPreferencesWindow *self)
{
  g_signal_group_set_target (self->shop_signals,
                             kp_terminal_get_shop_replicator (self->terminal));
  update_status (self);
}

/* Saves @conninfo (without its password) and sends @password, if any, to the keyring;
 * wipes @password. */
static void
save_shop_db (KpPreferencesWindow *self,
              const char          *conninfo,
              char                *password)
{
  _kp_preferences_window_show_error (self->shop_db_error_label, GTK_WIDGET (self->shop_db_row),
                                     NULL);
  if (password != NULL)
    kp_terminal_set_shop_db_password (self->terminal, password);
  gtk_editable_set_text (GTK_EDITABLE (self->shop_db_row), conninfo);
  g_settings_set_string (self->settings, "shop-db", conninfo);
  if (password != NULL)
    {
      memset (password, 0, strlen (password));
      _kp_preferences_window_toast (self, _("Saved; the password went to the keyring"));
    }
  else
    _kp_preferences_window_toast (self, _("Saved"));
}

#ifdef HAVE_SHOPDB
static void
shop_db_split_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (KpPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;

  if (!kp_shop_conninfo_split_finish (result, &conninfo, &password, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->shop_db_splitting = FALSE;
  gtk_editable_set_editable (GTK_EDITABLE (self->shop_db_row), TRUE);
  if (error != NULL)
    {
      _kp_preferences_window_show_error (self->shop_db_error_label,
                                         GTK_WIDGET (self->shop_db_row), error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->shop_db_row));
      return;
    }
  save_shop_db (self, conninfo, password);
}
#endif

static void
on_shop_db_apply_cb (KpPreferencesWindow *self)
{
  g_autofree char *text = NULL;

  /* One string at a time: the row is read-only until it is split. */
  if (self->shop_db_splitting)
    return;

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->shop_db_row))));
#ifdef HAVE_SHOPDB
  if (*text != '\0')
    {
      /* libpq reads the string: in a worker thread, as its first use loads it. */
      self->shop_db_splitting = TRUE;
      gtk_editable_set_editable (GTK_EDITABLE (self->shop_db_row), FALSE);
      kp_shop_conninfo_split_async (text, self->cancellable, shop_db_split_cb,
                                    g_object_ref (self));
      memset (text, 0, strlen (text));
      return;
    }
#endif
  save_shop_db (self, text, NULL);
}

static void
on_shop_db_password_apply_cb (KpPreferencesWindow *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->shop_db_password_row));

  if (*password == '\0')
    return;
  kp_terminal_set_shop_db_password (self->terminal, password);
  gtk_editable_set_text (GTK_EDITABLE (self->shop_db_password_row), "");
  _kp_preferences_window_toast (self, _("Password saved in the keyring"));
}

void
_kp_preferences_window_class_init_shop (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, shop_db_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        shop_db_password_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, shop_db_status_row);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow,
                                        shop_db_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpPreferencesWindow, shop_db_group);
  gtk_widget_class_bind_template_callback (widget_class, on_shop_db_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_shop_db_password_apply_cb);
}

void
_kp_preferences_window_init_shop (KpPreferencesWindow *self)
{
  g_autofree char *conninfo = g_settings_get_string (self->settings, "shop-db");

  gtk_editable_set_text (GTK_EDITABLE (self->shop_db_row), conninfo);
#ifndef HAVE_SHOPDB
  adw_preferences_group_set_description (self->shop_db_group,
                                         _("This build of KakaoPay POS has no shop database "
                                           "(it was built without libpq)."));
  gtk_widget_set_sensitive (GTK_WIDGET (self->shop_db_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shop_db_password_row), FALSE);
#endif
  if (_kp_preferences_window_overridden (self, KP_SETTING_SHOP_DB))
    {
      g_autofree char *current = NULL;

      current = g_strdup (kp_settings_get_shop_db (kp_terminal_get_settings (self->terminal)));
      gtk_editable_set_text (GTK_EDITABLE (self->shop_db_row), current != NULL ? current : "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->shop_db_row), FALSE);
      adw_preferences_group_set_description (self->shop_db_group,
                                             _("Set on the command line for this run."));
    }

  self->shop_signals = g_signal_group_new (G_TYPE_OBJECT);
  g_signal_group_connect_swapped (self->shop_signals, "notify::online",
                                  G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->shop_signals, "notify::waiting",
                                  G_CALLBACK (update_status), self);
  g_signal_group_connect_swapped (self->shop_signals, "notify::last-error",
                                  G_CALLBACK (update_status), self);
  g_signal_connect_object (self->terminal, "shop-replicator-changed",
                           G_CALLBACK (on_replicator_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::shop-db",
                           G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  on_replicator_changed_cb (self);
}

void
_kp_preferences_window_dispose_shop (KpPreferencesWindow *self)
{
  if (self->shop_signals != NULL)
    g_signal_group_set_target (self->shop_signals, NULL);
  g_clear_object (&self->shop_signals);
}
