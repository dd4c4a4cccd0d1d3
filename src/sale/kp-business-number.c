/* kp-business-number.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-business-number"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-business-number.h"

/* The Korean business registration number (사업자등록번호): ten digits shown as
 * XXX-XX-XXXXX, the last one a check digit over the first nine. */

G_DEFINE_QUARK (kp-business-number-error-quark, kp_business_number_error)

/**
 * kp_business_number_is_valid:
 * @digits: exactly ten ASCII digits
 *
 * Returns: whether the check digit matches
 */
gboolean
kp_business_number_is_valid (const char *digits)
{
  static const int weights[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
  int sum = 0;

  g_return_val_if_fail (digits != NULL, FALSE);

  if (strlen (digits) != 10)
    return FALSE;
  for (int i = 0; i < 10; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return FALSE;
    }
  for (int i = 0; i < 9; i++)
    sum += (digits[i] - '0') * weights[i];
  sum += ((digits[8] - '0') * 5) / 10;

  return (10 - sum % 10) % 10 == digits[9] - '0';
}

/**
 * kp_business_number_parse:
 * @text: what was typed: ten digits, with or without dashes (or spaces)
 * @error: a #KP_BUSINESS_NUMBER_ERROR, with a message for the shop owner
 *
 * Returns: (transfer full) (nullable): the number as XXX-XX-XXXXX, or %NULL with
 *   @error set
 */
char *
kp_business_number_parse (const char  *text,
                          GError     **error)
{
  char digits[11];
  gsize n = 0;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '-' || *p == ' ')
        continue;
      if (!g_ascii_isdigit (*p) || n == 10)
        {
          n = 11;
          break;
        }
      digits[n++] = *p;
    }
  if (n != 10)
    {
      g_set_error_literal (error, KP_BUSINESS_NUMBER_ERROR, KP_BUSINESS_NUMBER_ERROR_FORMAT,
                           _("A business registration number has 10 digits, "
                             "for example 123-45-67890."));
      return NULL;
    }
  digits[10] = '\0';
  if (!kp_business_number_is_valid (digits))
    {
      g_set_error_literal (error, KP_BUSINESS_NUMBER_ERROR, KP_BUSINESS_NUMBER_ERROR_CHECKSUM,
                           _("This business registration number is not valid: its check "
                             "digit does not match. Check it for a typing error."));
      return NULL;
    }

  return g_strdup_printf ("%.3s-%.2s-%.5s", digits, digits + 3, digits + 5);
}
