/* kp-money.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-money"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-money.h"

/* The digits of |amount| grouped by three with ','. Works in guint64 so that
 * G_MININT64 has a magnitude too. */
static char *
group_digits (gint64 amount)
{
  g_autofree char *digits = NULL;
  GString *grouped;
  guint64 magnitude;
  gsize len;

  if (amount < 0)
    magnitude = (guint64) -(amount + 1) + 1;
  else
    magnitude = (guint64) amount;

  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  len = strlen (digits);
  grouped = g_string_sized_new (len + len / 3);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (grouped, ',');
      g_string_append_c (grouped, digits[i]);
    }

  return g_string_free (grouped, FALSE);
}

/**
 * kp_money_format:
 * @amount: KRW
 *
 * Formats @amount for people: "₩12,300" ("12,300원" in Korean), "-₩1,000" when
 * negative. This is the only place money is turned into text for display.
 *
 * Returns: (transfer full): the formatted amount
 */
char *
kp_money_format (gint64 amount)
{
  g_autofree char *digits = group_digits (amount);

  if (amount < 0)
    /* Translators: a negative amount of money (a refund); %s is the amount without its
     * sign, digits grouped by commas, e.g. "1,000". Korean: "-%s원". */
    return g_strdup_printf (C_("money", "-₩%s"), digits);

  /* Translators: an amount of money; %s is the amount, digits grouped by commas, e.g.
   * "12,300". Korean: "%s원". */
  return g_strdup_printf (C_("money", "₩%s"), digits);
}

/**
 * kp_money_format_plain:
 * @amount: KRW
 *
 * Formats @amount with grouped digits only, e.g. "12,300" or "-1,000", for entry
 * fields where the currency is shown beside the field. kp_cart_parse_amount()
 * reads this back.
 *
 * Returns: (transfer full): the grouped digits
 */
char *
kp_money_format_plain (gint64 amount)
{
  g_autofree char *digits = group_digits (amount);

  if (amount < 0)
    return g_strconcat ("-", digits, NULL);

  return g_steal_pointer (&digits);
}
