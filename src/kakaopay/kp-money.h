/* kp-money.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KP_MONEY_ERROR (kp_money_error_quark ())

/**
 * KpMoneyError:
 * @KP_MONEY_ERROR_EMPTY: nothing but white space and the currency
 * @KP_MONEY_ERROR_NEGATIVE: a minus sign
 * @KP_MONEY_ERROR_DECIMALS: a decimal point (won has no smaller unit)
 * @KP_MONEY_ERROR_NOT_DIGITS: something else than digits, commas and the currency
 * @KP_MONEY_ERROR_COMMAS: commas not between groups of three digits
 * @KP_MONEY_ERROR_TOO_LARGE: more than %G_MAXINT64
 *
 * Why kp_money_parse() refused a text.
 */
typedef enum
{
  KP_MONEY_ERROR_EMPTY,
  KP_MONEY_ERROR_NEGATIVE,
  KP_MONEY_ERROR_DECIMALS,
  KP_MONEY_ERROR_NOT_DIGITS,
  KP_MONEY_ERROR_COMMAS,
  KP_MONEY_ERROR_TOO_LARGE,
} KpMoneyError;

GQuark    kp_money_error_quark   (void);

char     *kp_money_format        (gint64       amount);
char     *kp_money_format_plain  (gint64       amount);
gboolean  kp_money_parse         (const char  *text,
                                  gint64      *out_amount,
                                  GError     **error);

G_END_DECLS
