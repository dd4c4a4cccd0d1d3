/* kp-cart-input.c: what the cashier types, read and checked against the cart's limits
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-cart-line.h"
#include "kp-cart-private.h"
#include "kp-money.h"

/* A line's name, quantity and price as typed, and the limits of kp-cart.h they must
 * keep. Every refusal is a KP_CART_ERROR whose message the cashier can read as it is.
 * Prices are read by kp_money_parse(), the one home of that rule; only the words are
 * the cart's. Nothing here changes the cart: the editing functions ask first. */

static gboolean
is_space_at (const char *p)
{
  return g_unichar_isspace (g_utf8_get_char (p));
}

/* A copy of @str, valid UTF-8, without white space (any Unicode space, such as the
 * ideographic space a Korean input method types) at either end. */
static char *
dup_trimmed (const char *str)
{
  const char *start = str;
  const char *end = str + strlen (str);

  while (*start != '\0' && is_space_at (start))
    start = g_utf8_next_char (start);
  while (end > start && is_space_at (g_utf8_prev_char (end)))
    end = g_utf8_prev_char (end);

  return g_strndup (start, end - start);
}

/* The first @max_chars characters of @str, cut between characters, never between a
 * character and the combining marks that follow it, and without trailing space. */
char *
_kp_cart_dup_cut (const char *str,
                  glong       max_chars)
{
  const char *end;

  if (g_utf8_strlen (str, -1) <= max_chars)
    return g_strdup (str);

  end = g_utf8_offset_to_pointer (str, max_chars);
  while (end > str && g_unichar_ismark (g_utf8_get_char (end)))
    end = g_utf8_prev_char (end);
  while (end > str && is_space_at (g_utf8_prev_char (end)))
    end = g_utf8_prev_char (end);

  return g_strndup (str, end - str);
}

/* A typed quantity made comparable: NFKC turns the full-width digits that a Korean
 * input method may produce into ASCII digits. Then trimmed. NULL if @text is not
 * UTF-8. */
static char *
dup_normalized (const char *text)
{
  g_autofree char *normal = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;

  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  return dup_trimmed (normal);
}

/* What the cashier typed as a name, ready to store: NFC (so that a Hangul syllable
 * counts as one character however it was typed), trimmed and within the limits. */
static char *
validate_name (const char  *name,
               GError     **error)
{
  g_autofree char *normal = NULL;
  g_autofree char *trimmed = NULL;

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_NAME,
                           _("The item’s name is not valid text. Type it again."));
      return NULL;
    }

  normal = g_utf8_normalize (name != NULL ? name : "", -1, G_NORMALIZE_NFC);
  trimmed = dup_trimmed (normal);

  if (*trimmed == '\0')
    {
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_NAME,
                           _("Enter the item’s name."));
      return NULL;
    }

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_NAME,
                               _("The item’s name cannot contain line breaks, tabs or other "
                                 "control characters."));
          return NULL;
        }
    }

  if (g_utf8_strlen (trimmed, -1) > KP_CART_MAX_NAME_LENGTH)
    {
      g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_NAME,
                   /* Translators: %d is the most characters an item's name may have (100) */
                   ngettext ("The item’s name is too long. Shorten it to at most %d character.",
                             "The item’s name is too long. Shorten it to at most %d characters.",
                             KP_CART_MAX_NAME_LENGTH),
                   KP_CART_MAX_NAME_LENGTH);
      return NULL;
    }

  return g_steal_pointer (&trimmed);
}

static gboolean
check_quantity (gint64   quantity,
                GError **error)
{
  if (quantity < 1)
    {
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY,
                           _("The quantity must be at least 1."));
      return FALSE;
    }

  if (quantity > KP_CART_MAX_QUANTITY)
    {
      g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY,
                   /* Translators: %d is the most of one item a line can hold (999) */
                   _("The quantity can be at most %d."), KP_CART_MAX_QUANTITY);
      return FALSE;
    }

  return TRUE;
}

static void
set_price_too_small (GError **error)
{
  g_autofree char *least = kp_money_format (1);

  g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_AMOUNT,
               /* Translators: %s is the smallest price, formatted as money ("₩1") */
               _("A price must be at least %s."), least);
}

static void
set_price_too_large (GError **error)
{
  g_autofree char *most = kp_money_format (KP_CART_MAX_UNIT_PRICE);

  g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE,
               /* Translators: %s is the highest price of one item, formatted as money
                * ("₩10,000,000") */
               _("A price can be at most %s."), most);
}

static gboolean
check_unit_price (gint64   unit_price,
                  GError **error)
{
  if (unit_price < 1)
    {
      set_price_too_small (error);
      return FALSE;
    }

  if (unit_price > KP_CART_MAX_UNIT_PRICE)
    {
      set_price_too_large (error);
      return FALSE;
    }

  return TRUE;
}

/* Whether @amount, what a line (@whole_sale FALSE) or the whole sale would come to, is
 * within KP_CART_MAX_TOTAL; if not, @error says so in words for that case. */
static gboolean
check_max_total (gint64     amount,
                 gboolean   whole_sale,
                 GError   **error)
{
  g_autofree char *amount_str = NULL;
  g_autofree char *most = NULL;

  if (amount <= KP_CART_MAX_TOTAL)
    return TRUE;

  amount_str = kp_money_format (amount);
  most = kp_money_format (KP_CART_MAX_TOTAL);
  if (whole_sale)
    g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE,
                 /* Translators: the first %s is what the whole sale would come to, the
                  * second the most one payment may be, both formatted as money. Use %1$s
                  * and %2$s to swap them. */
                 _("The sale would come to %s, but one payment can be at most %s. "
                   "Charge the rest as a separate sale."),
                 amount_str, most);
  else
    g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE,
                 /* Translators: the first %s is the amount (quantity × price) a line would
                  * come to, the second the most one line may come to, both formatted as
                  * money. Use %1$s and %2$s to swap them. */
                 _("This line would come to %s, but one line can be at most %s. "
                   "Lower the quantity or the price."),
                 amount_str, most);
  return FALSE;
}

/* Both values are already within their own limits, so the product cannot overflow. */
static gboolean
check_line_amount (gint64   quantity,
                   gint64   unit_price,
                   GError **error)
{
  return check_max_total (quantity * unit_price, FALSE, error);
}

static gboolean
check_total (gint64   total,
             GError **error)
{
  return check_max_total (total, TRUE, error);
}

/* A quantity or price change on the line at @position, checked against every limit. */
gboolean
_kp_cart_check_line_change (KpCart   *self,
                            guint     position,
                            gint64    quantity,
                            gint64    unit_price,
                            GError  **error)
{
  KpCartLine *line = g_ptr_array_index (self->lines, position);

  return _kp_cart_check_not_frozen (self, error) &&
         check_quantity (quantity, error) &&
         check_unit_price (unit_price, error) &&
         check_line_amount (quantity, unit_price, error) &&
         check_total (self->total - kp_cart_line_get_amount (line) + quantity * unit_price,
                      error);
}

/* Whether a new line with these values fits in the cart; if it does, @out_name (when
 * not NULL) is the name as the line would hold it, else @error says why not. */
gboolean
_kp_cart_check_new_line (KpCart      *self,
                         const char  *name,
                         gint64       quantity,
                         gint64       unit_price,
                         char       **out_name,
                         GError     **error)
{
  g_autofree char *clean_name = NULL;

  if (!_kp_cart_check_not_frozen (self, error))
    return FALSE;

  if (self->lines->len >= KP_CART_MAX_LINES)
    {
      g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_MANY_LINES,
                   /* Translators: %d is the most lines (items) one sale may have (100) */
                   ngettext ("A sale can have at most %d line. Charge this sale, then ring "
                             "up the rest as a new one.",
                             "A sale can have at most %d lines. Charge this sale, then ring "
                             "up the rest as a new one.",
                             KP_CART_MAX_LINES),
                   KP_CART_MAX_LINES);
      return FALSE;
    }

  clean_name = validate_name (name, error);
  if (clean_name == NULL ||
      !check_quantity (quantity, error) ||
      !check_unit_price (unit_price, error) ||
      !check_line_amount (quantity, unit_price, error) ||
      !check_total (self->total + quantity * unit_price, error))
    return FALSE;

  if (out_name != NULL)
    *out_name = g_steal_pointer (&clean_name);
  return TRUE;
}

/**
 * kp_cart_check_line:
 * @self: a cart
 * @name: the item's name as typed
 * @quantity: how many
 * @unit_price: the price of one, in KRW
 * @error: return location for a %KP_CART_ERROR
 *
 * Whether kp_cart_add_line() would take this line now, without adding it: to ask
 * the cashier about a line only when it can be added.
 *
 * Returns: whether the line would be added
 */
gboolean
kp_cart_check_line (KpCart      *self,
                    const char  *name,
                    gint64       quantity,
                    gint64       unit_price,
                    GError     **error)
{
  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _kp_cart_check_new_line (self, name, quantity, unit_price, NULL, error);
}

/**
 * kp_cart_parse_amount:
 * @text: what the cashier typed as a price
 * @out: (out) (optional): return location for the price, in KRW
 * @error: return location for a %KP_CART_ERROR
 *
 * Reads a price as kp_money_parse() reads an amount: whole won, with or without
 * thousands separators ("12300", "12,300"), white space around it, a leading "₩" or a
 * trailing "원". Anything else, zero, a negative number or more than
 * %KP_CART_MAX_UNIT_PRICE is refused with a message for the cashier
 * (%KP_CART_ERROR_INVALID_AMOUNT, or %KP_CART_ERROR_TOO_LARGE).
 *
 * Returns: whether @text is a valid price
 */
gboolean
kp_cart_parse_amount (const char  *text,
                      gint64      *out,
                      GError     **error)
{
  g_autoptr (GError) money_error = NULL;
  gint64 value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!kp_money_parse (text, &value, &money_error))
    {
      const char *message;

      /* The rule is kp-money's; the words speak of a price. */
      switch (money_error->code)
        {
        case KP_MONEY_ERROR_EMPTY:
          message = _("Enter a price.");
          break;
        case KP_MONEY_ERROR_NEGATIVE:
          message = _("A price cannot be negative.");
          break;
        case KP_MONEY_ERROR_DECIMALS:
          /* Translators: won is the Korean currency, which has no smaller unit */
          message = _("Enter the price in whole won, without decimals.");
          break;
        case KP_MONEY_ERROR_NOT_DIGITS:
          message = _("Enter the price in digits only.");
          break;
        case KP_MONEY_ERROR_TOO_LARGE:
          set_price_too_large (error);
          return FALSE;
        default:
          message = money_error->message;
          break;
        }
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_AMOUNT, message);
      return FALSE;
    }

  if (!check_unit_price (value, error))
    return FALSE;

  if (out != NULL)
    *out = value;

  return TRUE;
}

/**
 * kp_cart_parse_quantity:
 * @text: what the cashier typed as a quantity
 * @out: (out) (optional): return location for the quantity
 * @error: return location for a %KP_CART_ERROR
 *
 * Reads a quantity: plain digits, 1 to %KP_CART_MAX_QUANTITY, white space around them
 * allowed. Anything else is refused with %KP_CART_ERROR_INVALID_QUANTITY and a
 * message for the cashier.
 *
 * Returns: whether @text is a valid quantity
 */
gboolean
kp_cart_parse_quantity (const char  *text,
                        gint64      *out,
                        GError     **error)
{
  g_autofree char *number = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  number = dup_normalized (text);
  if (number != NULL && *number == '\0')
    {
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY,
                           _("Enter a quantity."));
      return FALSE;
    }

  if (number != NULL && (number[0] == '-' || g_str_has_prefix (number, "−")))
    return check_quantity (-1, error);

  if (number == NULL || strspn (number, "0123456789") != strlen (number))
    {
      g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY,
                           _("Enter the quantity as a whole number, in digits only."));
      return FALSE;
    }

  if (!g_ascii_string_to_signed (number, 10, 0, G_MAXINT64, &value, &local_error))
    {
      g_assert (g_error_matches (local_error, G_NUMBER_PARSER_ERROR,
                                 G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS));
      return check_quantity (G_MAXINT64, error);
    }

  if (!check_quantity (value, error))
    return FALSE;

  if (out != NULL)
    *out = value;

  return TRUE;
}
