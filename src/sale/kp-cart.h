/* kp-cart.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-cart-line.h"
#include "kp-journal-sale.h"
#include "kp-payment.h"

G_BEGIN_DECLS

/* The product's documented maxima for one sale. Anything beyond them is refused with
 * a KP_CART_ERROR and leaves the cart as it was. */

/* An item's name, in characters (not bytes) after trimming white space: KakaoPay's
 * item_name limit (kakaopay-api.md §4). */
#define KP_CART_MAX_NAME_LENGTH  KP_MAX_ITEM_LENGTH
/* How many of one item a line may hold. */
#define KP_CART_MAX_QUANTITY     999
/* The price of one item, in KRW, VAT included. */
#define KP_CART_MAX_UNIT_PRICE   G_GINT64_CONSTANT (10000000)
/* A line's amount (quantity × unit price) and the cart's total, in KRW. */
#define KP_CART_MAX_TOTAL        G_GINT64_CONSTANT (10000000)
/* How many lines one sale may have. */
#define KP_CART_MAX_LINES        100

#define KP_CART_ERROR (kp_cart_error_quark ())

/**
 * KpCartError:
 * @KP_CART_ERROR_INVALID_NAME: the item's name is empty, too long or has control
 *   characters
 * @KP_CART_ERROR_INVALID_QUANTITY: the quantity is not a whole number from 1 to
 *   %KP_CART_MAX_QUANTITY
 * @KP_CART_ERROR_INVALID_AMOUNT: the price is not a whole, positive number of won
 * @KP_CART_ERROR_TOO_LARGE: the price, the line's amount or the cart's total would
 *   be over its maximum
 * @KP_CART_ERROR_TOO_MANY_LINES: the cart already has %KP_CART_MAX_LINES lines
 * @KP_CART_ERROR_FROZEN: a payment is in progress; the cart cannot change
 *
 * Why the cart refused a change or what the cashier typed. Every message is
 * translated and can be shown to the cashier as it is.
 */
typedef enum
{
  KP_CART_ERROR_INVALID_NAME,
  KP_CART_ERROR_INVALID_QUANTITY,
  KP_CART_ERROR_INVALID_AMOUNT,
  KP_CART_ERROR_TOO_LARGE,
  KP_CART_ERROR_TOO_MANY_LINES,
  KP_CART_ERROR_FROZEN,
} KpCartError;

#define KP_TYPE_CART (kp_cart_get_type ())

G_DECLARE_FINAL_TYPE (KpCart, kp_cart, KP, CART, GObject)

GQuark    kp_cart_error_quark           (void);

KpCart   *kp_cart_new                   (void);

gboolean  kp_cart_add_line              (KpCart      *self,
                                         const char  *name,
                                         gint64       quantity,
                                         gint64       unit_price,
                                         gboolean     tax_free,
                                         GError     **error);
gboolean  kp_cart_check_line            (KpCart      *self,
                                         const char  *name,
                                         gint64       quantity,
                                         gint64       unit_price,
                                         GError     **error);
gboolean  kp_cart_insert_line           (KpCart      *self,
                                         guint        position,
                                         const char  *name,
                                         gint64       quantity,
                                         gint64       unit_price,
                                         gboolean     tax_free,
                                         GError     **error);
gboolean  kp_cart_remove_line           (KpCart      *self,
                                         guint        position,
                                         GError     **error);
gboolean  kp_cart_clear                 (KpCart      *self,
                                         GError     **error);
gboolean  kp_cart_set_line_quantity     (KpCart      *self,
                                         guint        position,
                                         gint64       quantity,
                                         GError     **error);
gboolean  kp_cart_set_line_unit_price   (KpCart      *self,
                                         guint        position,
                                         gint64       unit_price,
                                         GError     **error);

void      kp_cart_freeze                (KpCart      *self);
void      kp_cart_thaw                  (KpCart      *self);
gboolean  kp_cart_get_frozen            (KpCart      *self);

gint64    kp_cart_get_total             (KpCart      *self);
gint64    kp_cart_get_tax_free          (KpCart      *self);
gint64    kp_cart_get_vat               (KpCart      *self);
gint64    kp_cart_get_supply            (KpCart      *self);
gint64    kp_cart_get_quantity          (KpCart      *self);
guint     kp_cart_get_n_lines           (KpCart      *self);

char     *kp_cart_dup_item_name         (KpCart      *self);
KpJournalNewSale *kp_cart_to_new_sale   (KpCart      *self);

gboolean  kp_cart_parse_amount          (const char  *text,
                                         gint64      *out,
                                         GError     **error);
gboolean  kp_cart_parse_quantity        (const char  *text,
                                         gint64      *out,
                                         GError     **error);

G_END_DECLS
