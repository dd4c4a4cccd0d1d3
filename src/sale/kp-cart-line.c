/* kp-cart-line.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include "kp-cart-line.h"
#include "kp-cart.h"

/* One line of the cart: an item, how many, its price (KRW, VAT included) and whether
 * it is exempt from VAT. The line itself only keeps its values in range; the limits
 * that involve other lines (the cart's total, the frozen state) are KpCart's, so
 * change lines through kp_cart_set_line_quantity() and friends. */
struct _KpCartLine
{
  GObject   parent_instance;

  char     *name;
  gint64    quantity;
  gint64    unit_price;
  gboolean  tax_free;
};

G_DEFINE_FINAL_TYPE (KpCartLine, kp_cart_line, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_QUANTITY,
  PROP_UNIT_PRICE,
  PROP_TAX_FREE,
  PROP_AMOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kp_cart_line_finalize (GObject *object)
{
  KpCartLine *self = (KpCartLine *) object;

  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (kp_cart_line_parent_class)->finalize (object);
}

static void
kp_cart_line_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KpCartLine *self = KP_CART_LINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;

    case PROP_UNIT_PRICE:
      g_value_set_int64 (value, self->unit_price);
      break;

    case PROP_TAX_FREE:
      g_value_set_boolean (value, self->tax_free);
      break;

    case PROP_AMOUNT:
      g_value_set_int64 (value, kp_cart_line_get_amount (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_cart_line_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KpCartLine *self = KP_CART_LINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      kp_cart_line_set_name (self, g_value_get_string (value));
      break;

    case PROP_QUANTITY:
      kp_cart_line_set_quantity (self, g_value_get_int64 (value));
      break;

    case PROP_UNIT_PRICE:
      kp_cart_line_set_unit_price (self, g_value_get_int64 (value));
      break;

    case PROP_TAX_FREE:
      kp_cart_line_set_tax_free (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_cart_line_class_init (KpCartLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_cart_line_finalize;
  object_class->get_property = kp_cart_line_get_property;
  object_class->set_property = kp_cart_line_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL,
                        1, KP_CART_MAX_QUANTITY, 1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* 0 only for a line not yet priced; the cart never holds one. */
  properties[PROP_UNIT_PRICE] =
    g_param_spec_int64 ("unit-price", NULL, NULL,
                        0, KP_CART_MAX_UNIT_PRICE, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TAX_FREE] =
    g_param_spec_boolean ("tax-free", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AMOUNT] =
    g_param_spec_int64 ("amount", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_cart_line_init (KpCartLine *self)
{
  self->quantity = 1;
}

/**
 * kp_cart_line_new:
 * @name: the item's name
 * @quantity: how many, 1 to %KP_CART_MAX_QUANTITY
 * @unit_price: KRW, VAT included, 0 to %KP_CART_MAX_UNIT_PRICE
 * @tax_free: whether the item is exempt from VAT
 *
 * Creates a line on its own. kp_cart_add_line() validates what the cashier typed and
 * creates the line for you; use this only for lines that are already known to be valid.
 *
 * Returns: (transfer full): a new line
 */
KpCartLine *
kp_cart_line_new (const char *name,
                  gint64      quantity,
                  gint64      unit_price,
                  gboolean    tax_free)
{
  return g_object_new (KP_TYPE_CART_LINE,
                       "name", name,
                       "quantity", quantity,
                       "unit-price", unit_price,
                       "tax-free", tax_free,
                       NULL);
}

/**
 * kp_cart_line_get_name:
 * @self: a line
 *
 * Returns: (nullable): the item's name
 */
const char *
kp_cart_line_get_name (KpCartLine *self)
{
  g_return_val_if_fail (KP_IS_CART_LINE (self), NULL);

  return self->name;
}

void
kp_cart_line_set_name (KpCartLine *self,
                       const char *name)
{
  g_return_if_fail (KP_IS_CART_LINE (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gint64
kp_cart_line_get_quantity (KpCartLine *self)
{
  g_return_val_if_fail (KP_IS_CART_LINE (self), 0);

  return self->quantity;
}

/**
 * kp_cart_line_set_quantity:
 * @self: a line
 * @quantity: how many, 1 to %KP_CART_MAX_QUANTITY
 *
 * For a line in a cart, use kp_cart_set_line_quantity(): it also checks the cart's
 * total and frozen state, and reports what is wrong to the cashier.
 */
void
kp_cart_line_set_quantity (KpCartLine *self,
                           gint64      quantity)
{
  g_return_if_fail (KP_IS_CART_LINE (self));
  g_return_if_fail (quantity >= 1 && quantity <= KP_CART_MAX_QUANTITY);

  if (self->quantity == quantity)
    return;

  /* Listeners of either notification see both values updated. */
  g_object_freeze_notify (G_OBJECT (self));
  self->quantity = quantity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUANTITY]);
  if (self->unit_price != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AMOUNT]);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
kp_cart_line_get_unit_price (KpCartLine *self)
{
  g_return_val_if_fail (KP_IS_CART_LINE (self), 0);

  return self->unit_price;
}

/**
 * kp_cart_line_set_unit_price:
 * @self: a line
 * @unit_price: KRW, 0 to %KP_CART_MAX_UNIT_PRICE
 *
 * For a line in a cart, use kp_cart_set_line_unit_price().
 */
void
kp_cart_line_set_unit_price (KpCartLine *self,
                             gint64      unit_price)
{
  g_return_if_fail (KP_IS_CART_LINE (self));
  g_return_if_fail (unit_price >= 0 && unit_price <= KP_CART_MAX_UNIT_PRICE);

  if (self->unit_price == unit_price)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->unit_price = unit_price;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT_PRICE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AMOUNT]);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
kp_cart_line_get_tax_free (KpCartLine *self)
{
  g_return_val_if_fail (KP_IS_CART_LINE (self), FALSE);

  return self->tax_free;
}

void
kp_cart_line_set_tax_free (KpCartLine *self,
                           gboolean    tax_free)
{
  g_return_if_fail (KP_IS_CART_LINE (self));

  tax_free = !!tax_free;
  if (self->tax_free == tax_free)
    return;

  self->tax_free = tax_free;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAX_FREE]);
}

/**
 * kp_cart_line_get_amount:
 * @self: a line
 *
 * Returns: quantity × unit price, in KRW. The ranges of both keep this far from
 *   overflowing.
 */
gint64
kp_cart_line_get_amount (KpCartLine *self)
{
  g_return_val_if_fail (KP_IS_CART_LINE (self), 0);

  return self->quantity * self->unit_price;
}
