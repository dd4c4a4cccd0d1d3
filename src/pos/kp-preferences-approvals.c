/* kp-preferences-approvals.c: how approvals reach the terminal, and the checkout
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-preferences-window-private.h"

/* The page Approvals: the listener's group or the relay's, whichever delivery is
 * chosen; the address the customers' phones are sent to as the terminal has it now,
 * with a QR code of its check page; and the checkout's choices and timings. */

static void
update_delivery (KpPreferencesWindow *self)
{
  /* --relay on the command line puts this run in relay mode whatever is chosen. */
  gboolean relay = adw_combo_row_get_selected (self->delivery_row) == KP_DELIVERY_RELAY ||
                   _kp_preferences_window_overridden (self, KP_SETTING_RELAY_URL);

  gtk_widget_set_visible (GTK_WIDGET (self->listener_group), !relay);
  gtk_widget_set_visible (GTK_WIDGET (self->relay_group), relay);
}

/* The address the customers' phones are sent to, and the check page's QR code. */
static void
update_phone_address (KpPreferencesWindow *self)
{
  const char *base = kp_terminal_get_callback_base (self->terminal);
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
                        kp_terminal_is_test_mode (self->terminal)
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

void
_kp_preferences_window_init_approvals (KpPreferencesWindow *self)
{
  static const char * const deliveries[] = { "listener", "relay", NULL };
  static const char * const qr_targets[] = { "pc", "mobile", "page", NULL };
  static const char * const qr_code_targets[] = { "pc", "mobile", NULL };
  gboolean page = kp_settings_has_payment_page ();

  _kp_preferences_window_bind_choice (self, "approval-delivery", self->delivery_row,
                                      deliveries);
  /* Only where the program can show KakaoPay's page itself (its module is there). */
  if (page)
    {
      gtk_string_list_append (GTK_STRING_LIST (adw_combo_row_get_model (self->qr_target_row)),
                              _("Payment page in the app"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->qr_target_row),
                                   _("PC page: the phone shows KakaoPay’s page for computers, "
                                     "where the customer has the payment request sent to "
                                     "KakaoTalk. Mobile page: the phone goes straight to "
                                     "KakaoTalk to approve. Payment page in the app: no QR code "
                                     "of ours; KakaoPay’s page itself shows here (on the "
                                     "customer display when it is open) and the app catches the "
                                     "approval, so the approval listener or relay is not used."));
    }
  _kp_preferences_window_bind_choice (self, "qr-target", self->qr_target_row,
                                      page ? qr_targets : qr_code_targets);
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
  if (_kp_preferences_window_overridden (self, KP_SETTING_RELAY_URL))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->delivery_row),
                                 _("Through a relay for this run (set on the command line)"));

  /* Every rebuild of the services ends with this notification. */
  g_signal_connect_object (self->terminal, "notify::setup-error",
                           G_CALLBACK (update_phone_address), self, G_CONNECT_SWAPPED);
  update_phone_address (self);
}
