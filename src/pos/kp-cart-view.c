/* kp-cart-view.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-cart-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-cart-line.h"
#include "kp-cart-view.h"
#include "kp-money.h"

/* The cart's lines as a table: the columns are bound in kp-cart-table.ui; quantity and
 * unit price are edited in place. A refused edit puts the old value back and is
 * reported through ::edit-failed; an accepted one through ::line-edited. */
struct _KpCartView
{
  AdwBin              parent_instance;

  /* Template children */
  GtkStack           *stack;

  /* The table, once made (kp_cart_view_prepare()) */
  GtkColumnView      *column_view;

  /* Owned */
  KpCart             *cart;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (KpCartView, kp_cart_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CART,
  N_PROPS
};

enum {
  EDIT_FAILED,
  LINE_EDITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Closures of the template's expressions */

static char *
format_money_cb (gpointer unused,
                 gint64   amount)
{
  return kp_money_format (amount);
}

static char *
format_plain_amount_cb (gpointer unused,
                        gint64   amount)
{
  return kp_money_format_plain (amount);
}

static char *
format_number_cb (gpointer unused,
                  gint64   number)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, number);
}

/* Editing */

typedef struct
{
  KpCartView       *self;
  GtkEditableLabel *label;
  GtkListItem      *item;
} CellEdit;

static void
cell_edit_free (CellEdit *edit)
{
  g_object_unref (edit->item);
  g_object_unref (edit->label);
  g_object_unref (edit->self);
  g_free (edit);
}

/* Applied from an idle callback, once the cell has finished its own editing and focus
 * handling. */
static gboolean
apply_cell_edit_cb (gpointer user_data)
{
  CellEdit *edit = user_data;
  KpCartView *self = edit->self;
  gboolean quantity = g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (edit->label)), "quantity") == 0;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (edit->label));
  KpCartLine *line = gtk_list_item_get_item (edit->item);
  guint position = gtk_list_item_get_position (edit->item);
  g_autoptr (GError) error = NULL;
  gint64 value = 0;
  gboolean ok;

  if (line == NULL || position == GTK_INVALID_LIST_POSITION || self->cart == NULL)
    return G_SOURCE_REMOVE;

  if (quantity)
    ok = kp_cart_parse_quantity (text, &value, &error) &&
         kp_cart_set_line_quantity (self->cart, position, value, &error);
  else
    ok = kp_cart_parse_amount (text, &value, &error) &&
         kp_cart_set_line_unit_price (self->cart, position, value, &error);

  if (ok)
    {
      g_signal_emit (self, signals[LINE_EDITED], 0);
      return G_SOURCE_REMOVE;
    }

  {
    g_autofree char *old = quantity
                             ? format_number_cb (NULL, kp_cart_line_get_quantity (line))
                             : format_plain_amount_cb (NULL, kp_cart_line_get_unit_price (line));

    gtk_editable_set_text (GTK_EDITABLE (edit->label), old);
  }
  g_signal_emit (self, signals[EDIT_FAILED], 0, error->message);
  return G_SOURCE_REMOVE;
}

static void
on_cell_editing_cb (GtkEditableLabel *label,
                    GParamSpec       *pspec,
                    GtkListItem      *item)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (label), KP_TYPE_CART_VIEW);
  CellEdit *edit;

  if (gtk_editable_label_get_editing (label) || view == NULL)
    return;

  edit = g_new0 (CellEdit, 1);
  edit->self = g_object_ref (KP_CART_VIEW (view));
  edit->label = g_object_ref (label);
  edit->item = g_object_ref (item);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, apply_cell_edit_cb, edit,
                   (GDestroyNotify) cell_edit_free);
}

/* The line the cashier moved onto is the one the cart's keys act on. */
static void
on_cell_focus_enter_cb (GtkEventControllerFocus *controller,
                        GtkListItem             *item)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *view = gtk_widget_get_ancestor (cell, KP_TYPE_CART_VIEW);
  guint position = gtk_list_item_get_position (item);
  KpCartView *self;

  if (view == NULL || position == GTK_INVALID_LIST_POSITION)
    return;
  self = KP_CART_VIEW (view);
  if (position != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, position);
}

/* The table while the cart has lines; before the first one, how to begin. */
static void
update_page (KpCartView *self)
{
  gboolean empty = self->cart == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->cart)) == 0;

  if (!empty)
    kp_cart_view_prepare (self);
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "lines");
}

/* Public */

/**
 * kp_cart_view_prepare:
 * @self: a #KpCartView
 *
 * Makes the table of lines, if it is not made yet: the window does it behind its first
 * frame, which shows an empty cart, so that the first line rung up shows at once.
 */
void
kp_cart_view_prepare (KpCartView *self)
{
  g_autoptr (GtkBuilderScope) scope = NULL;
  g_autoptr (GtkBuilder) builder = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (KP_IS_CART_VIEW (self));

  if (self->column_view != NULL || self->stack == NULL)
    return;

  /* The cells' closures and handlers (their factories take the builder's scope). */
  scope = gtk_builder_cscope_new ();
  gtk_builder_cscope_add_callback (scope, format_money_cb);
  gtk_builder_cscope_add_callback (scope, format_plain_amount_cb);
  gtk_builder_cscope_add_callback (scope, format_number_cb);
  gtk_builder_cscope_add_callback (scope, on_cell_editing_cb);
  gtk_builder_cscope_add_callback (scope, on_cell_focus_enter_cb);
  builder = gtk_builder_new ();
  gtk_builder_set_scope (builder, scope);
  if (!gtk_builder_add_from_resource (builder, "/io/github/kppos/KakaoPayPos/kp-cart-table.ui",
                                      &error))
    g_error ("The cart's table cannot be made: %s", error->message);

  self->column_view = GTK_COLUMN_VIEW (gtk_builder_get_object (builder, "column_view"));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_add_named (self->stack, GTK_WIDGET (gtk_builder_get_object (builder, "table")),
                       "lines");
}

KpCart *
kp_cart_view_get_cart (KpCartView *self)
{
  g_return_val_if_fail (KP_IS_CART_VIEW (self), NULL);

  return self->cart;
}

void
kp_cart_view_set_cart (KpCartView *self,
                       KpCart     *cart)
{
  g_return_if_fail (KP_IS_CART_VIEW (self));
  g_return_if_fail (cart == NULL || KP_IS_CART (cart));

  if (self->cart == cart)
    return;
  if (self->cart != NULL)
    g_signal_handlers_disconnect_by_func (self->cart, update_page, self);
  g_set_object (&self->cart, cart);
  if (cart != NULL)
    g_signal_connect_object (cart, "items-changed", G_CALLBACK (update_page), self,
                             G_CONNECT_SWAPPED);
  update_page (self);

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (cart));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CART]);
}

/**
 * kp_cart_view_get_selection:
 * @self: a #KpCartView
 *
 * Returns: (transfer none): the selection the cart's keys act on
 */
GtkSingleSelection *
kp_cart_view_get_selection (KpCartView *self)
{
  g_return_val_if_fail (KP_IS_CART_VIEW (self), NULL);

  return self->selection;
}

/* The list view inside the column view: it scrolls. */
static GtkWidget *
list_view (KpCartView *self)
{
  if (self->column_view == NULL)
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        return child;
    }
  return NULL;
}

/* Selects the line at @position and scrolls it into view. */
void
kp_cart_view_select_line (KpCartView *self,
                          guint       position)
{
  GtkWidget *list;

  g_return_if_fail (KP_IS_CART_VIEW (self));

  if (self->cart == NULL || position >= g_list_model_get_n_items (G_LIST_MODEL (self->cart)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  list = list_view (self);
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
}

/* GObject */

static void
kp_cart_view_dispose (GObject *object)
{
  KpCartView *self = KP_CART_VIEW (object);

  if (self->cart != NULL)
    g_signal_handlers_disconnect_by_func (self->cart, update_page, self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  self->column_view = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_CART_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->cart);

  G_OBJECT_CLASS (kp_cart_view_parent_class)->dispose (object);
}

static void
kp_cart_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KpCartView *self = KP_CART_VIEW (object);

  switch (prop_id)
    {
    case PROP_CART:
      g_value_set_object (value, self->cart);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_cart_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  KpCartView *self = KP_CART_VIEW (object);

  switch (prop_id)
    {
    case PROP_CART:
      kp_cart_view_set_cart (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_cart_view_class_init (KpCartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_cart_view_dispose;
  object_class->get_property = kp_cart_view_get_property;
  object_class->set_property = kp_cart_view_set_property;

  properties[PROP_CART] =
    g_param_spec_object ("cart", NULL, NULL, KP_TYPE_CART,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KpCartView::edit-failed:
   * @message: why the typed value was refused
   */
  signals[EDIT_FAILED] = g_signal_new ("edit-failed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[LINE_EDITED] = g_signal_new ("line-edited", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);

  g_type_ensure (KP_TYPE_CART_LINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-cart-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KpCartView, stack);
}

static void
kp_cart_view_init (KpCartView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
}
