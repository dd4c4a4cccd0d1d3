/* kp-cart.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-cart-line.h"
#include "kp-cart.h"
#include "kp-money.h"

/* The sale being rung up: a list of KpCartLine and the amounts KakaoPay's ready call
 * needs. Every change is validated against the limits in kp-cart.h first, so a
 * refused change leaves the cart exactly as it was. The totals are recomputed from
 * the lines after every change (at most KP_CART_MAX_LINES of them), so they can never
 * drift from the lines. */
struct _KpCart
{
  GObject    parent_instance;

  GPtrArray *lines;
  gint64     total;
  gint64     tax_free;
  gint64     vat;
  gint64     supply;
  gint64     quantity;
  guint      n_lines;
  gboolean   frozen;
};

static void kp_cart_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KpCart, kp_cart, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kp_cart_list_model_iface_init))

G_DEFINE_QUARK (kp-cart-error-quark, kp_cart_error)

enum {
  PROP_0,
  PROP_TOTAL,
  PROP_TAX_FREE,
  PROP_VAT,
  PROP_SUPPLY,
  PROP_QUANTITY,
  PROP_N_LINES,
  PROP_FROZEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_total_field (KpCart *self,
                 gint64 *field,
                 gint64  value,
                 guint   prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
update_totals (KpCart *self)
{
  gint64 total = 0;
  gint64 tax_free = 0;
  gint64 quantity = 0;
  gint64 vat;

  for (guint i = 0; i < self->lines->len; i++)
    {
      KpCartLine *line = g_ptr_array_index (self->lines, i);
      gint64 amount = kp_cart_line_get_amount (line);

      total += amount;
      quantity += kp_cart_line_get_quantity (line);
      if (kp_cart_line_get_tax_free (line))
        tax_free += amount;
    }

  vat = kp_vat_default (total, tax_free);

  /* Listeners of any one notification see every total already updated. */
  g_object_freeze_notify (G_OBJECT (self));
  set_total_field (self, &self->total, total, PROP_TOTAL);
  set_total_field (self, &self->tax_free, tax_free, PROP_TAX_FREE);
  set_total_field (self, &self->vat, vat, PROP_VAT);
  set_total_field (self, &self->supply, total - tax_free - vat, PROP_SUPPLY);
  set_total_field (self, &self->quantity, quantity, PROP_QUANTITY);
  if (self->n_lines != self->lines->len)
    {
      self->n_lines = self->lines->len;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LINES]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_line_changed_cb (KpCartLine *line,
                    GParamSpec *pspec,
                    KpCart     *self)
{
  update_totals (self);
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

static gboolean
check_not_frozen (KpCart  *self,
                  GError **error)
{
  if (!self->frozen)
    return TRUE;

  g_set_error_literal (error, KP_CART_ERROR, KP_CART_ERROR_FROZEN,
                       _("The cart cannot change while a payment is in progress. "
                         "Cancel the payment first."));
  return FALSE;
}

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
static char *
dup_cut (const char *str,
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

/* Both values are already within their own limits, so the product cannot overflow. */
static gboolean
check_line_amount (gint64   quantity,
                   gint64   unit_price,
                   GError **error)
{
  gint64 amount = quantity * unit_price;
  g_autofree char *amount_str = NULL;
  g_autofree char *most = NULL;

  if (amount <= KP_CART_MAX_TOTAL)
    return TRUE;

  amount_str = kp_money_format (amount);
  most = kp_money_format (KP_CART_MAX_TOTAL);
  g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE,
               /* Translators: the first %s is the amount (quantity × price) a line would
                * come to, the second the most one line may come to, both formatted as
                * money. Use %1$s and %2$s to swap them. */
               _("This line would come to %s, but one line can be at most %s. "
                 "Lower the quantity or the price."),
               amount_str, most);
  return FALSE;
}

static gboolean
check_total (gint64   total,
             GError **error)
{
  g_autofree char *total_str = NULL;
  g_autofree char *most = NULL;

  if (total <= KP_CART_MAX_TOTAL)
    return TRUE;

  total_str = kp_money_format (total);
  most = kp_money_format (KP_CART_MAX_TOTAL);
  g_set_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE,
               /* Translators: the first %s is what the whole sale would come to, the
                * second the most one payment may be, both formatted as money. Use %1$s
                * and %2$s to swap them. */
               _("The sale would come to %s, but one payment can be at most %s. "
                 "Charge the rest as a separate sale."),
               total_str, most);
  return FALSE;
}

/* A quantity or price change on the line at @position, checked against every limit. */
static gboolean
check_line_change (KpCart   *self,
                   guint     position,
                   gint64    quantity,
                   gint64    unit_price,
                   GError  **error)
{
  KpCartLine *line = g_ptr_array_index (self->lines, position);

  return check_not_frozen (self, error) &&
         check_quantity (quantity, error) &&
         check_unit_price (unit_price, error) &&
         check_line_amount (quantity, unit_price, error) &&
         check_total (self->total - kp_cart_line_get_amount (line) + quantity * unit_price,
                      error);
}

/* "%s and %d more", cut to KP_CART_MAX_NAME_LENGTH characters. */
static char *
format_item_name (const char *first,
                  guint       others)
{
  /* Translators: the name of a sale of several items, sent to KakaoPay and shown to
   * the customer on their phone. %s is the first item's name, %d how many more items
   * (cart lines) the sale has. Korean: "%s 외 %d건". */
  return g_strdup_printf (ngettext ("%s and %d more", "%s and %d more", others),
                          first, (int) others);
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
    case PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;

    case PROP_TAX_FREE:
      g_value_set_int64 (value, self->tax_free);
      break;

    case PROP_VAT:
      g_value_set_int64 (value, self->vat);
      break;

    case PROP_SUPPLY:
      g_value_set_int64 (value, self->supply);
      break;

    case PROP_QUANTITY:
      g_value_set_int64 (value, self->quantity);
      break;

    case PROP_N_LINES:
      g_value_set_uint (value, self->n_lines);
      break;

    case PROP_FROZEN:
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
  properties[PROP_TOTAL] =
    g_param_spec_int64 ("total", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:tax-free:
   *
   * The sum of the tax-free lines' amounts: KakaoPay's tax_free_amount.
   */
  properties[PROP_TAX_FREE] =
    g_param_spec_int64 ("tax-free", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:vat:
   *
   * The VAT included in the total, by KakaoPay's default rule: vat_amount.
   */
  properties[PROP_VAT] =
    g_param_spec_int64 ("vat", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:supply:
   *
   * The supply value (공급가액) of the taxable part: total − tax-free − vat.
   */
  properties[PROP_SUPPLY] =
    g_param_spec_int64 ("supply", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:quantity:
   *
   * The sum of the lines' quantities: KakaoPay's quantity.
   */
  properties[PROP_QUANTITY] =
    g_param_spec_int64 ("quantity", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_LINES] =
    g_param_spec_uint ("n-lines", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * KpCart:frozen:
   *
   * Whether a payment is in progress: while it is, every change is refused with
   * %KP_CART_ERROR_FROZEN. See kp_cart_freeze().
   */
  properties[PROP_FROZEN] =
    g_param_spec_boolean ("frozen", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
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

/* The name as the line would hold it, if a new line with these values fits in the
 * cart; otherwise NULL and @error says why. */
static char *
check_new_line (KpCart      *self,
                const char  *name,
                gint64       quantity,
                gint64       unit_price,
                GError     **error)
{
  g_autofree char *clean_name = NULL;

  if (!check_not_frozen (self, error))
    return NULL;

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
      return NULL;
    }

  clean_name = validate_name (name, error);
  if (clean_name == NULL ||
      !check_quantity (quantity, error) ||
      !check_unit_price (unit_price, error) ||
      !check_line_amount (quantity, unit_price, error) ||
      !check_total (self->total + quantity * unit_price, error))
    return NULL;

  return g_steal_pointer (&clean_name);
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

  clean_name = check_new_line (self, name, quantity, unit_price, error);
  if (clean_name == NULL)
    return FALSE;

  line = kp_cart_line_new (clean_name, quantity, unit_price, tax_free);
  position = MIN (position, self->lines->len);

  g_object_freeze_notify (G_OBJECT (self));
  g_ptr_array_insert (self->lines, position, line);
  watch_line (self, line);
  update_totals (self);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_thaw_notify (G_OBJECT (self));

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
  g_autofree char *clean_name = NULL;

  g_return_val_if_fail (KP_IS_CART (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clean_name = check_new_line (self, name, quantity, unit_price, error);
  return clean_name != NULL;
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

  if (!check_not_frozen (self, error))
    return FALSE;

  line = g_ptr_array_steal_index (self->lines, position);
  unwatch_line (self, line);

  g_object_freeze_notify (G_OBJECT (self));
  update_totals (self);
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

  if (!check_not_frozen (self, error))
    return FALSE;

  n_lines = self->lines->len;
  if (n_lines == 0)
    return TRUE;

  for (guint i = 0; i < n_lines; i++)
    unwatch_line (self, g_ptr_array_index (self->lines, i));

  g_object_freeze_notify (G_OBJECT (self));
  g_ptr_array_set_size (self->lines, 0);
  update_totals (self);
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
  if (!check_line_change (self, position, quantity, kp_cart_line_get_unit_price (line), error))
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
  if (!check_line_change (self, position, kp_cart_line_get_quantity (line), unit_price, error))
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROZEN]);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FROZEN]);
}

gboolean
kp_cart_get_frozen (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), FALSE);

  return self->frozen;
}

gint64
kp_cart_get_total (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->total;
}

gint64
kp_cart_get_tax_free (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->tax_free;
}

gint64
kp_cart_get_vat (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->vat;
}

gint64
kp_cart_get_supply (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->supply;
}

gint64
kp_cart_get_quantity (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->quantity;
}

guint
kp_cart_get_n_lines (KpCart *self)
{
  g_return_val_if_fail (KP_IS_CART (self), 0);

  return self->n_lines;
}

/**
 * kp_cart_dup_item_name:
 * @self: a cart
 *
 * The sale's name for KakaoPay's item_name: the first line's name as it is when the
 * cart has one line; with more, the first name and how many more lines there are
 * ("Coffee and 2 more", Korean "Coffee 외 2건"). The result is at most
 * %KP_CART_MAX_NAME_LENGTH characters: a long first name is shortened, the count never.
 *
 * Returns: (transfer full) (nullable): the item name, or %NULL for an empty cart
 */
char *
kp_cart_dup_item_name (KpCart *self)
{
  const char *first;
  guint others;
  g_autofree char *name = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *cut = NULL;
  glong available;

  g_return_val_if_fail (KP_IS_CART (self), NULL);

  if (self->lines->len == 0)
    return NULL;

  first = kp_cart_line_get_name (g_ptr_array_index (self->lines, 0));
  if (first == NULL)
    first = "";

  others = self->lines->len - 1;
  if (others == 0)
    return dup_cut (first, KP_CART_MAX_NAME_LENGTH);

  name = format_item_name (first, others);
  if (g_utf8_strlen (name, -1) <= KP_CART_MAX_NAME_LENGTH)
    return g_steal_pointer (&name);

  /* The translation decides where the name goes; formatting an empty one measures
   * the rest. */
  suffix = format_item_name ("", others);
  available = MAX (0, KP_CART_MAX_NAME_LENGTH - g_utf8_strlen (suffix, -1));
  cut = dup_cut (first, available);

  return format_item_name (cut, others);
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
