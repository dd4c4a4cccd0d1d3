/* kp-settings.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-payment.h"

G_BEGIN_DECLS

/* What the customer is shown (kakaopay-api.md §2, §4): a QR code of
 * next_redirect_pc_url or of next_redirect_mobile_url, or KakaoPay's PC page itself in
 * a web view of this terminal, which then catches the redirect to approval_url (only
 * where the program can show that page: see kp_settings_has_payment_page()). */
typedef enum
{
  KP_QR_TARGET_PC,
  KP_QR_TARGET_MOBILE,
  KP_QR_TARGET_PAGE,
} KpQrTarget;

/* How the terminal hears of the customer's approval. */
typedef enum
{
  KP_DELIVERY_LISTENER,
  KP_DELIVERY_RELAY,
} KpDelivery;

/* The settings a command-line option can override for one run. */
typedef enum
{
  KP_SETTING_TEST_MODE,
  KP_SETTING_DIALECT,
  KP_SETTING_API_BASE,
  KP_SETTING_CID,
  KP_SETTING_TERMINAL_ID,
  KP_SETTING_CALLBACK_LISTEN,
  KP_SETTING_CALLBACK_BASE,
  KP_SETTING_APPROVAL_DELIVERY,
  KP_SETTING_RELAY_URL,
  KP_SETTING_QR_TARGET,
  KP_SETTING_SECRET_KEY_FILE,
  KP_SETTING_RELAY_TOKEN_FILE,
  KP_SETTING_JOURNAL,
  KP_SETTING_PRINTER,
  KP_SETTING_PAPER_WIDTH,
  KP_SETTING_AUTO_PRINT,
  KP_SETTING_SHOP_DB,
  KP_N_SETTINGS,
} KpSetting;

#define KP_TYPE_DIALECT (kp_dialect_get_type ())
#define KP_TYPE_QR_TARGET (kp_qr_target_get_type ())
#define KP_TYPE_DELIVERY (kp_delivery_get_type ())

GType kp_dialect_get_type   (void) G_GNUC_CONST;
GType kp_qr_target_get_type (void) G_GNUC_CONST;
GType kp_delivery_get_type  (void) G_GNUC_CONST;

#define KP_TYPE_SETTINGS (kp_settings_get_type ())
G_DECLARE_FINAL_TYPE (KpSettings, kp_settings, KP, SETTINGS, GObject)

KpSettings  *kp_settings_new                   (GSettings    *settings);
gboolean     kp_settings_apply_options         (KpSettings   *self,
                                                GVariantDict *options,
                                                GError      **error);
gboolean     kp_settings_is_overridden         (KpSettings   *self,
                                                KpSetting     setting);
GSettings   *kp_settings_get_gsettings         (KpSettings   *self);
gboolean     kp_settings_has_payment_page      (void);
void         kp_settings_set_has_payment_page  (gboolean      available);

gboolean     kp_settings_get_test_mode         (KpSettings   *self);
KpDialect    kp_settings_get_dialect           (KpSettings   *self);
const char  *kp_settings_get_api_base          (KpSettings   *self);
const char  *kp_settings_get_cid               (KpSettings   *self);
const char  *kp_settings_get_terminal_id       (KpSettings   *self);
const char  *kp_settings_get_partner_user_id   (KpSettings   *self);
const char  *kp_settings_get_callback_listen   (KpSettings   *self);
const char  *kp_settings_get_callback_base     (KpSettings   *self);
KpDelivery   kp_settings_get_approval_delivery (KpSettings   *self);
const char  *kp_settings_get_relay_url         (KpSettings   *self);
KpQrTarget   kp_settings_get_qr_target         (KpSettings   *self);
guint        kp_settings_get_poll_interval     (KpSettings   *self);
guint        kp_settings_get_request_timeout   (KpSettings   *self);
guint        kp_settings_get_tid_lifetime      (KpSettings   *self);
const char  *kp_settings_get_shop_name         (KpSettings   *self);
const char  *kp_settings_get_shop_business_number (KpSettings *self);
const char  *kp_settings_get_shop_representative (KpSettings *self);
const char  *kp_settings_get_shop_address      (KpSettings   *self);
const char  *kp_settings_get_shop_phone        (KpSettings   *self);
gboolean     kp_settings_get_customer_display  (KpSettings   *self);
const char  *kp_settings_get_secret_key_file   (KpSettings   *self);
const char  *kp_settings_get_relay_token_file  (KpSettings   *self);
const char  *kp_settings_get_journal           (KpSettings   *self);
const char  *kp_settings_get_printer           (KpSettings   *self);
guint        kp_settings_get_paper_width       (KpSettings   *self);
gboolean     kp_settings_get_auto_print        (KpSettings   *self);
const char  *kp_settings_get_printer_codepage  (KpSettings   *self);
const char  *kp_settings_get_shop_db           (KpSettings   *self);

G_END_DECLS
