/* kp-cart.c: the cart as a list of lines, and the cashier's edits of it
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-cart-line.h"
#include "kp-cart-private.h"

/* The object and its GListModel of KpCartLine: adding, putting back, removing and
 * changing lines, and freezing them while a payment runs. Each edit asks
 * kp-cart-input.c first, so a refused one changes nothing, then has kp-cart-totals.c
 * recompute the totals before the list's items-changed is emitted. */

static void kp_cart_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KpCart, kp_cart, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kp_cart_list_model_iface_init))

G_DEFINE_QUARK (kp-cart-error-quark, kp_cart_error)

static GParamSpec *properties[KP_CART_N_PROPS];

void
_kp_cart_notify (KpCart     *self,
                 KpCartProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
on_line_changed_cb (KpCartLine *line,
                    GParamSpec *pspec,
                    KpCart     *self)
{
  _kp_cart_update_totals (self);
}

static void
watch_line (KpCart     *self,
            KpCartLine *line)
{
  /* The cart changes its lines itself, but a line is a public object: whoever
   * changes it, the totals follow. */
  g_signal_connect (line, "notify::amount", G_CALLBACK (on_line_changed_cb), self);
  g_signal_connect (line, "notify::tax-free", G_CALLBACK (on_line_changed_cb), self);
}

static void
unwatch_line (KpCart     *self,
              KpCartLine *line)
{
  g_signal_handlers_disconnect_by_func (line, on_line_changed_cb, self);
}

/* The error every edit gives while a payment is in progress. */
gboolean
_kp_cart_check_not_frozen (KpCart  *self,
                           GError **error)
{
  if (!self->frozen)
    return TRUE;

  g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_FROZEN,
                       _("The cart cannot change while a payment is in progress. "
                         "Cancel the payment first."));
  return FALSE;
}

static void
kp_cart_dispose (GObject *object)
{
  KpCart *self = (KpCart *) object;

  for (guint i = 0; i < self->lines->len; i++)
    unwatch_line (self, g_ptr_array_index (self->lines, i));
  g_ptr_array_set_size (self->lines, 0);

  G_OBJECT_CLASS (kp_cart_parent_class)->dispose (object);
}

static void
kp_cart_finalize (GObject *object)
{
  KpCart *self = (KpCart *) object;

  g_clear_pointer (&self->lines, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_cart_parent_class)->finalize (object);
}

static void
kp_cart_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  KpCart *self = KP_CART (object);

  switch (prop_id)
    {
    case KP_CART_PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;

    case KP_CART_PROP_TAX_FREE:
      g_value_set_int64 (value, self->tax_free);
      break;

    case KP_CART_PROP_VAT:
      g_value_set_int64 (value, self->vat);
      break;

    case KP_CART_PROP_SUPPLY:
      g_value_set_int64 (value, self->supply);
      break;

    case KP_CART_PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;

    case KP_CART_PROP_N_LINES:
      g_value_set_uint (value, self->n_lines);
      break;

    case KP_CART_PROP_FROZEN:
      g_value_set_boolean (value, self->frozen);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GType
kp_cart_get_item_type (GListModel *model)
{
  return KP_TYPE_CART_LINE;
}

static guint
kp_cart_get_n_items (GListModel *model)
{
  KpCart *self = KP_CART (model);

  return self->lines->len;
}

static gpointer
kp_cart_get_item (GListModel *model,
                  guint       position)
{
  KpCart *self = KP_CART (model);

  if (position >= self->lines->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->lines, position));
}

static void
kp_cart_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = kp_cart_get_item_type;
  iface->get_n_items = kp_cart_get_n_items;
  iface->get_item = kp_cart_get_item;
}

static void
kp_cart_class_init (KpCartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_cart_dispose;
  object_class->finalize = kp_cart_finalize;
  object_class->get_property = kp_cart_get_property;

  /**
   * KpCart:total:
   *
   * The sum of the lines' amounts, in KRW, VAT included: KakaoPay's total_amount.
   */
  properties[KP_CART_PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:tax-free:
   *
   * The sum of the tax-free lines' amounts: KakaoPay's tax_free_amount.
   */
  properties[KP_CART_PROP_TAX_FREE] =
    g_param_spec_int64 ("tax-free", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:vat:
   *
   * The VAT included in the total, by KakaoPay's default rule: vat_amount.
   */
  properties[KP_CART_PROP_VAT] =
    g_param_spec_int64 ("vat", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:supply:
   *
   * The supply value (공급가액) of the taxable part: total − tax-free − vat.
   */
  properties[KP_CART_PROP_SUPPLY] =
    g_param_spec_int64 ("supply", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:quantity:
   *
   * The sum of the lines' quantities: KakaoPay's quantity.
   */
  properties[KP_CART_PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[KP_CART_PROP_N_LINES] =
    g_param_spec_uint ("n-lines", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:frozen:
   *
   * Whether a payment is in progress: while it is, every change is refused with
   * %KP_CART_ERROR_FROZEN. See kp_cart_freeze().
   */
  properties[KP_CART_PROP_FROZEN] =
    g_param_spec_boolean ("frozen", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, KP_CART_N_PROPS, properties);
}

static void
kp_cart_init (KpCart *self)
{
  self->lines = g_ptr_array_new_with_free_func (g_object_unref);
}

KpCart *
kp_cart_new (void)
{
  return g_object_new (KP_TYPE_CART, NULL);
}

/**
 * kp_cart_add_line:
 * @self: a cart
 * @name: the item's name as typed; white space at either end is dropped
 * @quantity: how many, 1 to %KP_CART_MAX_QUANTITY
 * @unit_price: the price of one, in KRW, 1 to %KP_CART_MAX_UNIT_PRICE
 * @tax_free: whether the item is exempt from VAT
 * @error: return location for a %KP_CART_ERROR
 *
 * Appends a line, unless that would break a limit in kp-cart.h or the cart is
 * frozen: then @error says why, in words for the cashier, and the cart is unchanged.
 *
 * Returns: whether the line was added
 */
gboolean
kp_cart_add_line (KpCart      *self,
                  const char  *name,
                  gint64       quantity,
                  gint64       unit_price,
                  gboolean     tax_free,
                  GError     **error)
{
  g_return_val_if_fail (KP_IS_CART (self), FALSE);

  return kp_cart_insert_line (self, self->lines->len, name, quantity, unit_price, tax_free,
                              error);
}

/**
 * kp_cart_insert_line:
 * @self: a cart
 * @position: where the line goes; a position past the last line appends it
 * @name: the item's name as typed; white space at either end is dropped
 * @quantity: how many, 1 to %KP_CART_MAX_QUANTITY
 * @unit_price: the price of one, in KRW, 1 to %KP_CART_MAX_UNIT_PRICE
 * @tax_free: whether the item is exempt from VAT
 * @error: return location for a %KP_CART_ERROR
 *
 * Like kp_cart_add_line(), at @position: a removed line put back where it was.
 *
 * Returns: whether the line was inserted
 */
gboolean
kp_cart_insert_line (KpCart      *self,
                     guint        position,
                     const char  *name,
                     gint64       quantity,
                     gint64       unit_price,
                     gboolean     tax_free,
                     GError     **error)
{
  g_autofree char *clean_name = NULL;
  KpCartLine *line;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_kp_cart_check_new_line (self, name, quantity, unit_price, &clean_name, error))
    return FALSE;

  line = kp_cart_line_new (clean_name, quantity, unit_price, tax_free);
  position = MIN (position, self->lines->len);

  g_object_freeze_notify (G_OBJECT (self));
  g_ptr_array_insert (self->lines, position, line);
  watch_line (self, line);
  _kp_cart_update_totals (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * kp_cart_remove_line:
 * @self: a cart
 * @position: the line's position, less than the number of lines
 * @error: return location for a %KP_CART_ERROR
 *
 * Returns: whether the line was removed; it is not while the cart is frozen
 */
gboolean
kp_cart_remove_line (KpCart   *self,
                     guint     position,
                     GError  **error)
{
  g_autoptr (KpCartLine) line = NULL;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (position < self->lines->len, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_kp_cart_check_not_frozen (self, error))
    return FALSE;

  line = g_ptr_array_steal_index (self->lines, position);
  unwatch_line (self, line);

  g_object_freeze_notify (G_OBJECT (self));
  _kp_cart_update_totals (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * kp_cart_clear:
 * @self: a cart
 * @error: return location for a %KP_CART_ERROR
 *
 * Removes every line, to start the next sale.
 *
 * Returns: whether the cart is now empty; it is not cleared while frozen
 */
gboolean
kp_cart_clear (KpCart   *self,
               GError  **error)
{
  guint n_lines;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_kp_cart_check_not_frozen (self, error))
    return FALSE;

  n_lines = self->lines->len;
  if (n_lines == 0)
    return TRUE;

  for (guint i = 0; i < n_lines; i++)
    unwatch_line (self, g_ptr_array_index (self->lines, i));

  g_object_freeze_notify (G_OBJECT (self));
  g_ptr_array_set_size (self->lines, 0);
  _kp_cart_update_totals (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_lines, 0);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * kp_cart_set_line_quantity:
 * @self: a cart
 * @position: the line's position, less than the number of lines
 * @quantity: the new quantity, 1 to %KP_CART_MAX_QUANTITY
 * @error: return location for a %KP_CART_ERROR
 *
 * Changes how many of an item the line holds, unless that would break a limit or the
 * cart is frozen: then the cart is unchanged. The line notifies #KpCartLine:quantity
 * and #KpCartLine:amount and the cart its totals; the list itself does not change.
 *
 * Returns: whether the quantity was changed
 */
gboolean
kp_cart_set_line_quantity (KpCart   *self,
                           guint     position,
                           gint64    quantity,
                           GError  **error)
{
  KpCartLine *line;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (position < self->lines->len, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  line = g_ptr_array_index (self->lines, position);
  if (!_kp_cart_check_line_change (self, position, quantity, kp_cart_line_get_unit_price (line),
                                   error))
    return FALSE;

  kp_cart_line_set_quantity (line, quantity);

  return TRUE;
}

/**
 * kp_cart_set_line_unit_price:
 * @self: a cart
 * @position: the line's position, less than the number of lines
 * @unit_price: the new price of one, in KRW, 1 to %KP_CART_MAX_UNIT_PRICE
 * @error: return location for a %KP_CART_ERROR
 *
 * Like kp_cart_set_line_quantity(), for the price.
 *
 * Returns: whether the price was changed
 */
gboolean
kp_cart_set_line_unit_price (KpCart   *self,
                             guint     position,
                             gint64    unit_price,
                             GError  **error)
{
  KpCartLine *line;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (position < self->lines->len, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  line = g_ptr_array_index (self->lines, position);
  if (!_kp_cart_check_line_change (self, position, kp_cart_line_get_quantity (line), unit_price,
                                   error))
    return FALSE;

  kp_cart_line_set_unit_price (line, unit_price);

  return TRUE;
}

/**
 * kp_cart_freeze:
 * @self: a cart
 *
 * Stops every change, while a payment for the cart's contents is in progress: the
 * amounts sent to KakaoPay must stay what the cart shows. Freezing does not nest: one
 * kp_cart_thaw() undoes any number of freezes.
 */
void
kp_cart_freeze (KpCart *self)
{
  g_return_if_fail (KP_IS_CART (self));

  if (self->frozen)
    return;

  self->frozen = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[KP_CART_PROP_FROZEN]);
}

/**
 * kp_cart_thaw:
 * @self: a cart
 *
 * Allows changes again, once the payment has ended.
 */
void
kp_cart_thaw (KpCart *self)
{
  g_return_if_fail (KP_IS_CART (self));

  if (!self->frozen)
    return;

  self->frozen = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[KP_CART_PROP_FROZEN]);
}

gboolean
kp_cart_get_frozen (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), FALSE);

  return self->frozen;
}
