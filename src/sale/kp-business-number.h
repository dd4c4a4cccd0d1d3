/* kp-business-number.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KP_BUSINESS_NUMBER_ERROR (kp_business_number_error_quark ())

/**
 * KpBusinessNumberError:
 * @KP_BUSINESS_NUMBER_ERROR_FORMAT: not ten digits (dashes and spaces aside)
 * @KP_BUSINESS_NUMBER_ERROR_CHECKSUM: ten digits whose check digit does not match
 */
typedef enum
{
  KP_BUSINESS_NUMBER_ERROR_FORMAT,
  KP_BUSINESS_NUMBER_ERROR_CHECKSUM,
} KpBusinessNumberError;

GQuark    kp_business_number_error_quark (void);

gboolean  kp_business_number_is_valid    (const char  *digits);
char     *kp_business_number_parse       (const char  *text,
                                          GError     **error);

G_END_DECLS
