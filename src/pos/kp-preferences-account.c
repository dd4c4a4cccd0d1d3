/* kp-preferences-account.c: test mode and the connection test
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

/* The page KakaoPay: the switch out of test mode, which asks first and only with an
 * account to take real payments with, and the test of the account against KakaoPay
 * itself. */

/* A tid KakaoPay never issued: the order API answers -721 for it once the key and the
 * CID are accepted, so a connection test charges nothing and opens nothing. */
#define PROBE_TID "T0000000000000000000"

/* Test mode */

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

static gboolean
sync_test_mode_cb (gpointer user_data)
{
  sync_test_mode (user_data);
  return G_SOURCE_REMOVE;
}

/* The switch stays in test mode, saying why: put back once GTK has finished with this
 * change. */
static gboolean
refuse_real_payments (KpPreferencesWindow *self,
                      const char          *why)
{
  _kp_preferences_window_show_error (self->mode_error_label, NULL, why);
  g_idle_add_full (G_PRIORITY_DEFAULT, sync_test_mode_cb, g_object_ref (self), g_object_unref);
  return TRUE;
}

static void
on_leave_test_mode_response_cb (AdwMessageDialog    *dialog,
                                const char          *response,
                                KpPreferencesWindow *self)
{
  if (g_strcmp0 (response, "real") == 0)
    {
      g_settings_set_boolean (self->settings, "test-mode", FALSE);
      _kp_preferences_window_toast (self, _("Real payments: new sales go to KakaoPay"));
    }
  else
    gtk_switch_set_active (self->test_mode_switch, TRUE);
}

static gboolean
on_test_mode_state_set_cb (GtkSwitch           *sw,
                           gboolean             state,
                           KpPreferencesWindow *self)
{
  g_autofree char *cid = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *relay_url = NULL;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;

  if (state == g_settings_get_boolean (self->settings, "test-mode"))
    return FALSE;

  if (state)
    {
      _kp_preferences_window_show_error (self->mode_error_label, NULL, NULL);
      g_settings_set_boolean (self->settings, "test-mode", TRUE);
      _kp_preferences_window_toast (self, _("Test mode: new sales go to the sandbox"));
      return FALSE;
    }

  /* Leaving test mode: only with an account to take payments with, and never by
   * accident. */
  cid = g_settings_get_string (self->settings, "cid");
  if (*cid == '\0')
    return refuse_real_payments (self, _("To take real payments, first enter the shop’s CID "
                                         "below."));
  if (!self->have_secret_key)
    return refuse_real_payments (self, _("To take real payments, first enter the shop’s secret "
                                         "key below and press Enter to keep it in the "
                                         "keyring."));
  /* KakaoPay's test CID takes no real payments: say so rather than pretend. */
  if (kp_cid_is_test (cid))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is the CID, e.g. TC0ONETIME */
      message = g_strdup_printf (_("%s is KakaoPay’s test CID: no money moves with it. To "
                                   "take real payments, enter the shop’s own CID below (or "
                                   "start with --cid); otherwise stay in test mode."), cid);
      return refuse_real_payments (self, message);
    }

  /* Nor with the secret key or the relay token sent in clear. */
  api_base = g_settings_get_string (self->settings, "api-base");
  relay_url = g_settings_get_string (self->settings, "relay-url");
  if ((*api_base != '\0' && !kp_endpoint_check_transport (api_base, &error)) ||
      (g_settings_get_enum (self->settings, "approval-delivery") == KP_DELIVERY_RELAY &&
       *relay_url != '\0' && !kp_endpoint_check_transport (relay_url, &error)))
    return refuse_real_payments (self, error->message);
  _kp_preferences_window_show_error (self->mode_error_label, NULL, NULL);

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

/* Asks KakaoPay about a made-up payment with the account as typed on the page. */
static void
send_probe (KpPreferencesWindow *self,
            const char          *secret_key)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *cid = NULL;
  g_autofree char *cid_secret = NULL;
  g_autofree char *api_base = NULL;
  KpSettings *settings = kp_terminal_get_settings (self->terminal);
  KpDialect dialect = adw_combo_row_get_selected (self->dialect_row) == 1 ? KP_DIALECT_LEGACY
                                                                          : KP_DIALECT_ONLINE;

  cid = kp_settings_check_text ("cid", gtk_editable_get_text (GTK_EDITABLE (self->cid_row)),
                                FALSE, &error);
  if (cid != NULL)
    cid_secret = kp_settings_check_cid_secret (
      gtk_editable_get_text (GTK_EDITABLE (self->cid_secret_row)), &error);
  if (cid_secret != NULL)
    api_base = kp_settings_check_text ("api-base",
                                       gtk_editable_get_text (GTK_EDITABLE (self->api_base_row)),
                                       FALSE, &error);
  if (api_base == NULL)
    {
      finish_test (self, error->message, FALSE);
      return;
    }
  if (secret_key == NULL || *secret_key == '\0')
    {
      finish_test (self, _("Enter the secret key first."), FALSE);
      return;
    }

  self->probe_client = kp_client_new (*api_base != '\0' ? api_base : NULL, dialect, secret_key);
  kp_client_set_timeout (self->probe_client, kp_settings_get_request_timeout (settings));
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

void
_kp_preferences_window_class_init_account (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_mode_state_set_cb);
}

void
_kp_preferences_window_init_account (KpPreferencesWindow *self)
{
  static const char * const dialects[] = { "online", "legacy", NULL };

  _kp_preferences_window_bind_choice (self, "dialect", self->dialect_row, dialects);
  sync_test_mode (self);
  g_signal_connect_object (self->settings, "changed::test-mode", G_CALLBACK (sync_test_mode),
                           self, G_CONNECT_SWAPPED);
  if (_kp_preferences_window_overridden (self, KP_SETTING_TEST_MODE))
    adw_action_row_set_subtitle (self->test_mode_row,
                                 _("Set on the command line for this run: changes here apply "
                                   "at the next start"));
}
