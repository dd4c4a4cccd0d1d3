/* kp-window-cart.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/* Cart columns */

static char *
money_or_empty (gpointer unused,
                gint64   amount)
{
  return kp_money_format (amount);
}

static char *
plain_amount (gpointer unused,
              gint64   amount)
{
  return kp_money_format_plain (amount);
}

static char *
plain_number (gpointer unused,
              gint64   number)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, number);
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

/* Stops the binding and drops the reference bind_expression () keeps: unwatching alone
 * releases only the binding's own reference. */
static void
release_watch (GtkExpressionWatch *watch)
{
  gtk_expression_watch_unwatch (watch);
  gtk_expression_watch_unref (watch);
}

static void
bind_expression (GtkListItem   *item,
                 GtkWidget     *widget,
                 const char    *widget_property,
                 const char    *line_property,
                 GCallback      transform)
{
  GtkExpression *expression;
  GtkExpressionWatch *watch;

  expression = gtk_property_expression_new (KP_TYPE_CART_LINE, NULL, line_property);
  if (transform != NULL)
    expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &expression, transform,
                                              NULL, NULL);
  watch = gtk_expression_bind (expression, widget, widget_property,
                               gtk_list_item_get_item (item));
  g_object_set_data_full (G_OBJECT (item), "kp-watch", gtk_expression_watch_ref (watch),
                          (GDestroyNotify) release_watch);
}

/* The item's name, and a "Tax-free" tag on the lines without VAT. */
static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *tag = gtk_label_new (_("Tax-free"));

  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (tag, FALSE);
  gtk_widget_add_css_class (tag, "kp-tax-free-tag");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), tag);
  gtk_list_item_set_child (item, box);
}

static void
bind_name_tag_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkExpression *expression;
  GtkExpressionWatch *watch;

  bind_expression (item, gtk_widget_get_first_child (box), "label", "name", NULL);
  expression = gtk_property_expression_new (KP_TYPE_CART_LINE, NULL, "tax-free");
  watch = gtk_expression_bind (expression, gtk_widget_get_last_child (box), "visible",
                               gtk_list_item_get_item (item));
  g_object_set_data_full (G_OBJECT (item), "kp-watch-tag", gtk_expression_watch_ref (watch),
                          (GDestroyNotify) release_watch);
}

static void
bind_amount_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "label", "amount",
                   G_CALLBACK (money_or_empty));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  g_object_set_data (G_OBJECT (item), "kp-watch", NULL);
  g_object_set_data (G_OBJECT (item), "kp-watch-tag", NULL);
}

/* Quantity and unit price are edited in place; a refused value puts the old one back.
 * The edit is applied from an idle callback, once the cell has finished its own
 * editing and focus handling. */
typedef struct
{
  KpWindow         *self;
  GtkEditableLabel *label;
  GtkListItem      *item;
} CellEdit;

static gboolean
apply_cell_edit_cb (gpointer user_data)
{
  CellEdit *edit = user_data;
  KpWindow *self = edit->self;
  const char *field = g_object_get_data (G_OBJECT (edit->label), "kp-field");
  KpCartLine *line = gtk_list_item_get_item (edit->item);
  guint position = gtk_list_item_get_position (edit->item);
  g_autoptr (GError) error = NULL;
  gint64 value = 0;
  gboolean ok;

  if (line == NULL || position == GTK_INVALID_LIST_POSITION)
    goto out;

  if (g_str_equal (field, "quantity"))
    ok = kp_cart_parse_quantity (gtk_editable_get_text (GTK_EDITABLE (edit->label)), &value,
                                 &error) &&
         kp_cart_set_line_quantity (self->cart, position, value, &error);
  else
    ok = kp_cart_parse_amount (gtk_editable_get_text (GTK_EDITABLE (edit->label)), &value,
                               &error) &&
         kp_cart_set_line_unit_price (self->cart, position, value, &error);

  if (!ok)
    {
      g_autofree char *old = g_str_equal (field, "quantity")
                               ? plain_number (NULL, kp_cart_line_get_quantity (line))
                               : plain_amount (NULL, kp_cart_line_get_unit_price (line));

      gtk_editable_set_text (GTK_EDITABLE (edit->label), old);
      kp_window_show_entry_error (self, error->message, NULL);
    }
  else
    {
      kp_window_show_entry_error (self, NULL, NULL);
      kp_window_focus_item_entry (self);
    }

out:
  g_object_unref (edit->item);
  g_object_unref (edit->label);
  g_object_unref (edit->self);
  g_free (edit);
  return G_SOURCE_REMOVE;
}

static void
on_cell_editing_cb (GtkEditableLabel *label,
                    GParamSpec       *pspec,
                    GtkListItem      *item)
{
  CellEdit *edit;

  if (gtk_editable_label_get_editing (label))
    return;

  edit = g_new0 (CellEdit, 1);
  edit->self = g_object_ref (g_object_get_data (G_OBJECT (label), "kp-window"));
  edit->label = g_object_ref (label);
  edit->item = g_object_ref (item);
  g_idle_add (apply_cell_edit_cb, edit);
}

/* The line the cashier moved onto is the one the cart's keys act on. */
static void
on_cell_focus_enter_cb (GtkEventControllerFocus *controller,
                        GtkListItem             *item)
{
  GtkWidget *label = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  KpWindow *self = g_object_get_data (G_OBJECT (label), "kp-window");
  guint position = gtk_list_item_get_position (item);

  if (position != GTK_INVALID_LIST_POSITION &&
      position != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, position);
}

static void
setup_editable_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_editable_label_new ("");
  KpWindow *self = g_object_get_data (G_OBJECT (factory), "kp-window");
  GtkEventController *focus;

  gtk_editable_set_alignment (GTK_EDITABLE (label), 1.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_str_equal (user_data, "quantity") ? _("Quantity")
                                                                      : _("Unit price"),
                                  -1);
  g_object_set_data (G_OBJECT (label), "kp-window", self);
  g_object_set_data (G_OBJECT (label), "kp-field", user_data);
  g_signal_connect (label, "notify::editing", G_CALLBACK (on_cell_editing_cb), item);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (on_cell_focus_enter_cb), item);
  gtk_widget_add_controller (label, focus);
  gtk_list_item_set_child (item, label);
}

static void
bind_quantity_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "text", "quantity",
                   G_CALLBACK (plain_number));
}

static void
bind_unit_price_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "text", "unit-price",
                   G_CALLBACK (plain_amount));
}

static void
add_column (KpWindow   *self,
            const char *title,
            GCallback   setup,
            gpointer    setup_data,
            GCallback   bind,
            gboolean    expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "kp-window", self);
  g_signal_connect (factory, "setup", setup, setup_data);
  g_signal_connect (factory, "bind", bind, NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (self->lines_view, column);
  g_object_unref (column);
}

void
kp_window_setup_columns (KpWindow *self)
{
  add_column (self, _("Item"), G_CALLBACK (setup_name_cb), NULL,
              G_CALLBACK (bind_name_tag_cb), TRUE);
  add_column (self, _("Qty"), G_CALLBACK (setup_editable_cb), (gpointer) "quantity",
              G_CALLBACK (bind_quantity_cb), FALSE);
  add_column (self, _("Unit price"), G_CALLBACK (setup_editable_cb), (gpointer) "unit-price",
              G_CALLBACK (bind_unit_price_cb), FALSE);
  add_column (self, _("Amount"), G_CALLBACK (setup_label_cb), GINT_TO_POINTER (TRUE),
              G_CALLBACK (bind_amount_cb), FALSE);
}
