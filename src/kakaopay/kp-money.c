/* kp-money.c: amounts of KRW as people read and type them, the one place they are
 * turned into text and back
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-money"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kp-money.h"

G_DEFINE_QUARK (kp-money-error-quark, kp_money_error)

/* The digits of |amount| grouped by three with ','. Works in guint64 so that
 * G_MININT64 has a magnitude too. */
static char *
group_digits (gint64 amount)
{
  char digits[G_ASCII_DTOSTR_BUF_SIZE];
  GString *grouped;
  guint64 magnitude;
  gsize len;

  if (amount < 0)
    magnitude = (guint64) -(amount + 1) + 1;
  else
    magnitude = (guint64) amount;

  len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, magnitude);
  grouped = g_string_sized_new (len + len / 3);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (grouped, ',');
      g_string_append_c (grouped, digits[i]);
    }

  return g_string_free (grouped, FALSE);
}

/* @text trimmed, without a leading "₩" or a trailing "원", nor the space between them
 * and the number: people type the currency on either side, as they write it. @text is
 * NFKC-normalized, so every space a person types is an ASCII one. */
static char *
dup_without_currency (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *start = copy;

  if (g_str_has_prefix (start, "₩"))
    start += strlen ("₩");
  if (g_str_has_suffix (start, "원"))
    start[strlen (start) - strlen ("원")] = '\0';

  return g_strstrip (g_strdup (start));
}

static gboolean
has_only (const char *str,
          const char *accept)
{
  return strspn (str, accept) == strlen (str);
}

/* "12,300" or "1,234,567": 1 to 3 digits, then groups of exactly 3. */
static gboolean
is_well_grouped (const char *digits)
{
  g_auto (GStrv) groups = g_strsplit (digits, ",", -1);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      gsize len = strlen (groups[i]);

      if (i == 0 ? (len < 1 || len > 3) : len != 3)
        return FALSE;
    }

  return TRUE;
}

static gboolean
refuse (GError       **error,
        KpMoneyError   code)
{
  const char *message = NULL;

  switch (code)
    {
    case KP_MONEY_ERROR_EMPTY:
      message = _("Enter an amount.");
      break;
    case KP_MONEY_ERROR_NEGATIVE:
      message = _("An amount cannot be negative.");
      break;
    case KP_MONEY_ERROR_DECIMALS:
      /* Translators: won is the Korean currency, which has no smaller unit */
      message = _("Enter the amount in whole won, without decimals.");
      break;
    case KP_MONEY_ERROR_NOT_DIGITS:
      message = _("Enter the amount in digits only.");
      break;
    case KP_MONEY_ERROR_COMMAS:
      message = _("Put commas only between groups of three digits, or leave them out.");
      break;
    case KP_MONEY_ERROR_TOO_LARGE:
      message = _("The amount is too large.");
      break;
    default:
      g_assert_not_reached ();
    }

  g_set_error_literal (error, KP_MONEY_ERROR, code, message);
  return FALSE;
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
 * Formats @amount with grouped digits only, e.g. "12,300" or "-1,000": for entry
 * fields where the currency is shown beside the field, and for text that puts the
 * currency itself whatever the language (the sandbox's customer page shows both
 * "12,300원" and "₩12,300"). kp_money_parse() reads this back.
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

/**
 * kp_money_parse:
 * @text: an amount as someone typed it
 * @out_amount: (out) (optional): return location for the amount, in KRW; set only on
 *   success
 * @error: return location for a %KP_MONEY_ERROR
 *
 * Reads an amount: whole won, with or without thousands separators ("12300",
 * "12,300"), white space around it, a leading "₩" or a trailing "원" (with or without
 * a space). Full-width digits, commas, won sign ("￦") and spaces, as a Korean input
 * method types them, count as their ASCII forms. Commas stand only between groups of
 * three digits. Zero is an amount; a minus sign, decimals, anything else or a number
 * beyond %G_MAXINT64 is refused, the code saying why and the message telling the
 * person what to type.
 *
 * Callers check the range their amount has (a price from ₩1, a refund up to what is
 * left).
 *
 * Returns: whether @text is an amount
 */
gboolean
kp_money_parse (const char  *text,
                gint64      *out_amount,
                GError     **error)
{
  g_autofree char *normal = NULL;
  g_autofree char *number = NULL;
  g_autofree char *digits = NULL;
  g_auto (GStrv) groups = NULL;
  gint64 value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    return refuse (error, KP_MONEY_ERROR_NOT_DIGITS);

  /* NFKC turns full-width digits, commas, won sign and spaces into '0'…'9', ',', '₩'
   * and ' '. */
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  number = dup_without_currency (normal);

  if (*number == '\0')
    return refuse (error, KP_MONEY_ERROR_EMPTY);
  if (number[0] == '-' || g_str_has_prefix (number, "−"))
    return refuse (error, KP_MONEY_ERROR_NEGATIVE);
  if (strchr (number, '.') != NULL && has_only (number, "0123456789,."))
    return refuse (error, KP_MONEY_ERROR_DECIMALS);
  if (!has_only (number, "0123456789,"))
    return refuse (error, KP_MONEY_ERROR_NOT_DIGITS);
  if (strchr (number, ',') != NULL && !is_well_grouped (number))
    return refuse (error, KP_MONEY_ERROR_COMMAS);

  groups = g_strsplit (number, ",", -1);
  digits = g_strjoinv ("", groups);
  /* Only digits are left, so a failure is a number too long for 64 bits. */
  if (!g_ascii_string_to_signed (digits, 10, 0, G_MAXINT64, &value, NULL))
    return refuse (error, KP_MONEY_ERROR_TOO_LARGE);

  if (out_amount != NULL)
    *out_amount = value;
  return TRUE;
}
