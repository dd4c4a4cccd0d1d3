/* kp-catalog-product.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-catalog-private.h"
#include "kp-money.h"

/* A product of the catalog, its barcodes' kinds and check digits, and the keys it is
 * searched by. */

G_DEFINE_BOXED_TYPE (KpCatalogProduct, kp_catalog_product,
                     kp_catalog_product_copy, kp_catalog_product_free)

/* The initial consonants (choseong) as compatibility jamo, in the order of the
 * syllables block: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ. */
static const gunichar choseong[] = {
  0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
  0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

#define HANGUL_FIRST 0xAC00
#define HANGUL_LAST  0xD7A3
/* 21 vowels × 28 finals per initial consonant. */
#define HANGUL_PER_INITIAL (21 * 28)

KpCatalogProduct *
kp_catalog_product_new (const char *name,
                        gint64      price)
{
  KpCatalogProduct *product = g_new0 (KpCatalogProduct, 1);

  product->name = g_strdup (name);
  product->price = price;
  product->active = TRUE;
  product->barcodes = g_new0 (char *, 1);
  return product;
}

KpCatalogProduct *
kp_catalog_product_copy (const KpCatalogProduct *product)
{
  KpCatalogProduct *copy = g_new0 (KpCatalogProduct, 1);

  *copy = *product;
  copy->name = g_strdup (product->name);
  copy->category = g_strdup (product->category);
  copy->barcodes = product->barcodes != NULL ? g_strdupv (product->barcodes)
                                             : g_new0 (char *, 1);
  return copy;
}

void
kp_catalog_product_free (KpCatalogProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->name);
  g_free (product->category);
  g_strfreev (product->barcodes);
  g_free (product);
}

/* Equal in everything but the id. */
gboolean
kp_catalog_product_equal (const KpCatalogProduct *a,
                          const KpCatalogProduct *b)
{
  const char *empty[] = { NULL };

  return g_strcmp0 (a->name, b->name) == 0 &&
         a->price == b->price &&
         !a->tax_free == !b->tax_free &&
         g_strcmp0 (a->category, b->category) == 0 &&
         a->quick_key == b->quick_key &&
         !a->active == !b->active &&
         g_strv_equal ((const char * const *) (a->barcodes ? a->barcodes : (GStrv) empty),
                       (const char * const *) (b->barcodes ? b->barcodes : (GStrv) empty));
}

/* The sum that makes a right EAN/UPC number a multiple of ten: weights 3 and 1 from
 * the right, the check digit itself weighing 1. */
static gboolean
check_digit_right (const char *digits,
                   gsize       length)
{
  guint sum = 0;

  for (gsize i = 0; i < length; i++)
    {
      guint digit = digits[length - 1 - i] - '0';

      sum += (i % 2 == 1) ? 3 * digit : digit;
    }
  return sum % 10 == 0;
}

/**
 * kp_catalog_barcode_kind:
 * @barcode: what a scanner typed
 *
 * Classifies a barcode: 8, 12 or 13 digits are EAN-8, UPC-A or EAN-13 and carry a
 * check digit; anything else printable (Code 128 text) is taken as it is.
 *
 * Returns: the kind, %KP_BARCODE_BAD_CHECK_DIGIT or %KP_BARCODE_INVALID
 */
KpBarcodeKind
kp_catalog_barcode_kind (const char *barcode)
{
  gsize length;
  gboolean digits = TRUE;

  g_return_val_if_fail (barcode != NULL, KP_BARCODE_INVALID);

  length = strlen (barcode);
  if (length == 0 || length > KP_CATALOG_MAX_BARCODE_LENGTH)
    return KP_BARCODE_INVALID;
  for (gsize i = 0; i < length; i++)
    {
      /* Code 128 sends printable ASCII; the CSV joins barcodes with '|'. */
      if (barcode[i] < 0x21 || barcode[i] > 0x7e || barcode[i] == '|')
        return KP_BARCODE_INVALID;
      if (!g_ascii_isdigit (barcode[i]))
        digits = FALSE;
    }
  if (!digits || (length != 8 && length != 12 && length != 13))
    return KP_BARCODE_TEXT;
  if (!check_digit_right (barcode, length))
    return KP_BARCODE_BAD_CHECK_DIGIT;
  return length == 13 ? KP_BARCODE_EAN_13 : length == 12 ? KP_BARCODE_UPC_A : KP_BARCODE_EAN_8;
}

/**
 * kp_catalog_initials:
 * @text: a name or what the cashier typed
 *
 * The search key of @text: case folded, each Hangul syllable replaced by its initial
 * consonant (아메리카노 → ㅇㅁㄹㅋㄴ), anything else kept.
 *
 * Returns: (transfer full): the key
 */
char *
kp_catalog_initials (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *key = g_string_sized_new (strlen (folded));

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= HANGUL_FIRST && c <= HANGUL_LAST)
        c = choseong[(c - HANGUL_FIRST) / HANGUL_PER_INITIAL];
      g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

/* The key a name is searched by: normalised and case folded. */
char *
_kp_catalog_name_key (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

  return g_utf8_casefold (normal != NULL ? normal : text, -1);
}

char *
_kp_catalog_initials_key (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

  return kp_catalog_initials (normal != NULL ? normal : text);
}

gboolean
_kp_catalog_validate_barcode (const char      *barcode,
                              KpCatalogFlags   flags,
                              GError         **error)
{
  switch (kp_catalog_barcode_kind (barcode))
    {
    case KP_BARCODE_INVALID:
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_BARCODE,
                   /* Translators: %s is a barcode as typed, %d the most characters (48) */
                   _("The barcode “%s” is not valid: use 1 to %d letters, digits or signs, "
                     "without spaces or “|”."),
                   barcode, KP_CATALOG_MAX_BARCODE_LENGTH);
      return FALSE;
    case KP_BARCODE_BAD_CHECK_DIGIT:
      if (flags & KP_CATALOG_ACCEPT_CHECK_DIGIT)
        return TRUE;
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_CHECK_DIGIT,
                   /* Translators: %s is an EAN/UPC barcode */
                   _("The check digit of the barcode %s is wrong. Check the number, or "
                     "confirm to keep it as it is."), barcode);
      return FALSE;
    case KP_BARCODE_TEXT:
    case KP_BARCODE_EAN_13:
    case KP_BARCODE_EAN_8:
    case KP_BARCODE_UPC_A:
    default:
      return TRUE;
    }
}

/**
 * kp_catalog_validate_product:
 * @product: a product
 * @flags: what the caller accepts
 * @error: return location for a #GError in %KP_CATALOG_ERROR
 *
 * Checks what the store checks, without the store: a name of 1 to
 * %KP_CATALOG_MAX_NAME_LENGTH characters, a price of 1 to %KP_CATALOG_MAX_PRICE won,
 * barcodes a scanner can send (with a right check digit unless @flags accept it),
 * none twice.
 *
 * Returns: whether @product may be stored
 */
gboolean
kp_catalog_validate_product (const KpCatalogProduct  *product,
                             KpCatalogFlags           flags,
                             GError                 **error)
{
  const char *name = product->name != NULL ? product->name : "";
  g_autofree char *trimmed = g_strstrip (g_strdup (name));

  if (!g_utf8_validate (name, -1, NULL) || *trimmed == '\0')
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                           _("The product needs a name."));
      return FALSE;
    }
  if (g_utf8_strlen (trimmed, -1) > KP_CATALOG_MAX_NAME_LENGTH)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                   /* Translators: %d is the most characters a product's name may have */
                   ngettext ("The product’s name is too long. Shorten it to at most %d "
                             "character.",
                             "The product’s name is too long. Shorten it to at most %d "
                             "characters.",
                             KP_CATALOG_MAX_NAME_LENGTH),
                   KP_CATALOG_MAX_NAME_LENGTH);
      return FALSE;
    }
  if (product->price <= 0)
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_PRICE,
                           _("The price must be more than 0 won."));
      return FALSE;
    }
  if (product->price > KP_CATALOG_MAX_PRICE)
    {
      g_autofree char *most = kp_money_format (KP_CATALOG_MAX_PRICE);

      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_PRICE,
                   /* Translators: %s is the highest price, formatted (₩10,000,000) */
                   _("The price is too high: at most %s."), most);
      return FALSE;
    }
  if (product->category != NULL &&
      (!g_utf8_validate (product->category, -1, NULL) ||
       g_utf8_strlen (product->category, -1) > KP_CATALOG_MAX_CATEGORY_LENGTH))
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                   /* Translators: %d is the most characters a category's name may have */
                   ngettext ("The category’s name is too long. Shorten it to at most %d "
                             "character.",
                             "The category’s name is too long. Shorten it to at most %d "
                             "characters.",
                             KP_CATALOG_MAX_CATEGORY_LENGTH),
                   KP_CATALOG_MAX_CATEGORY_LENGTH);
      return FALSE;
    }
  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      if (!_kp_catalog_validate_barcode (product->barcodes[i], flags, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (product->barcodes[i], product->barcodes[j]))
            {
              g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_DUPLICATE_BARCODE,
                           /* Translators: %s is a barcode */
                           _("The barcode %s is listed twice."), product->barcodes[i]);
              return FALSE;
            }
        }
    }
  return TRUE;
}
