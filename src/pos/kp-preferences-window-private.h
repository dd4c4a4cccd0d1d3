/* kp-preferences-window-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-client.h"
#include "kp-preferences-window.h"
#include "kp-qr-paintable.h"

G_BEGIN_DECLS

/* The window is one class over four files, each for a part of its pages:
 *   kp-preferences-window.c     the text fields (saved, or refused, when left) and closing;
 *   kp-preferences-account.c    test mode and the connection test (page KakaoPay);
 *   kp-preferences-keyring.c    the secret key, the CID secret and the relay token;
 *   kp-preferences-approvals.c  approval delivery, phone address and checkout (page
 *                               Approvals);
 *   kp-preferences-receipts.c   the receipt printer and its test page (page Approvals,
 *                               beside the checkout);
 *   kp-preferences-shop.c       the shop database and its status (page Approvals, after
 *                               the relay). */

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
  AdwComboRow          *paper_width_row;
  AdwEntryRow          *phone_row;
  AdwActionRow         *phone_address_row;
  GtkSpinButton        *poll_spin;
  GtkSwitch            *auto_print_switch;
  AdwEntryRow          *printer_address_row;
  AdwComboRow          *printer_type_row;
  GtkButton            *print_test_button;
  GtkLabel             *receipts_error_label;
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
  AdwEntryRow          *shop_db_row;
  AdwPasswordEntryRow  *shop_db_password_row;
  AdwActionRow         *shop_db_status_row;
  GtkLabel             *shop_db_error_label;
  AdwPreferencesGroup  *shop_db_group;
  AdwEntryRow          *shop_name_row;
  AdwEntryRow          *terminal_id_row;
  GtkButton            *test_button;
  AdwActionRow         *test_connection_row;
  AdwActionRow         *test_mode_row;
  GtkSwitch            *test_mode_switch;
  GtkSpinner           *test_spinner;

  /* Owned */
  KpTerminal           *terminal;
  GSettings            *settings;       /* the stored settings, which this window edits */
  GCancellable         *cancellable;
  KpClient             *probe_client;
  KpQrPaintable        *check_qr;
  GSignalGroup         *shop_signals;   /* the terminal's shop replicator's */

  /* Borrowed */
  KpSecretStore        *secrets;        /* the terminal's */

  gboolean              have_secret_key;
  gboolean              have_relay_token;
  gboolean              closing;
  gboolean              tested;
  gboolean              loading_printer;
  gboolean              shop_db_splitting;  /* the shop database's string, in a thread */
};

void     _kp_preferences_window_toast            (KpPreferencesWindow *self,
                                                  const char          *text);
void     _kp_preferences_window_show_error       (GtkLabel            *label,
                                                  GtkWidget           *row,
                                                  const char          *message);
gboolean _kp_preferences_window_overridden       (KpPreferencesWindow *self,
                                                  KpSetting            setting);
void     _kp_preferences_window_bind_choice      (KpPreferencesWindow *self,
                                                  const char          *key,
                                                  AdwComboRow         *row,
                                                  const char * const  *nicks);

void     _kp_preferences_window_class_init_account (GtkWidgetClass    *widget_class);
void     _kp_preferences_window_init_account       (KpPreferencesWindow *self);

void     _kp_preferences_window_class_init_keyring (GtkWidgetClass    *widget_class);
void     _kp_preferences_window_init_keyring       (KpPreferencesWindow *self);

void     _kp_preferences_window_init_approvals     (KpPreferencesWindow *self);

void     _kp_preferences_window_class_init_receipts (GtkWidgetClass   *widget_class);
void     _kp_preferences_window_init_receipts       (KpPreferencesWindow *self);
AdwEntryRow *_kp_preferences_window_commit_printer  (KpPreferencesWindow *self);

void     _kp_preferences_window_class_init_shop    (GtkWidgetClass    *widget_class);
void     _kp_preferences_window_init_shop          (KpPreferencesWindow *self);
void     _kp_preferences_window_dispose_shop       (KpPreferencesWindow *self);

G_END_DECLS
