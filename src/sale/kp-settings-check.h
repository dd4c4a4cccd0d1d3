/* kp-settings-check.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KP_SETTINGS_CHECK_ERROR (kp_settings_check_error_quark ())

/**
 * KpSettingsCheckError:
 * @KP_SETTINGS_CHECK_ERROR_INVALID: the value does not have the setting's form
 */
typedef enum
{
  KP_SETTINGS_CHECK_ERROR_INVALID,
} KpSettingsCheckError;

GQuark    kp_settings_check_error_quark (void);

char     *kp_settings_check_text        (const char  *key,
                                         const char  *text,
                                         gboolean     real_payments,
                                         GError     **error);
char     *kp_settings_check_cid_secret  (const char  *text,
                                         GError     **error);
gboolean  kp_settings_check_secret      (const char  *text);

G_END_DECLS
