/* kp-sale-columns.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sale-columns"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-money.h"
#include "kp-sale-columns.h"
#include "kp-sale-format.h"
#include "kp-sale-item.h"

/* The columns of a list of sales (KpSaleItem): each cell a label, updated in place
 * when its item's sale changes (a refund). */

typedef enum
{
  COLUMN_TIME,
  COLUMN_ORDER,
  COLUMN_ITEMS,
  COLUMN_AMOUNT,
  COLUMN_METHOD,
  COLUMN_STATE,
  COLUMN_TERMINAL,
} Column;

static char *
cell_text (const KpJournalSale *sale,
           Column               column)
{
  switch (column)
    {
    case COLUMN_TIME:
      return kp_format_time (sale->created_at);
    case COLUMN_ORDER:
      return g_strdup (sale->partner_order_id);
    case COLUMN_ITEMS:
      return g_strdup (sale->item_name);
    case COLUMN_AMOUNT:
      return kp_money_format (sale->total_amount);
    case COLUMN_METHOD:
      return g_strdup (kp_payment_method_label (sale->payment_method_type));
    case COLUMN_STATE:
      return g_strdup (kp_sale_state_label (sale->state));
    case COLUMN_TERMINAL:
      return g_strdup (sale->terminal_id);
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_AMOUNT ? 1.0 : 0.0);
  /* The order number and the amount are read whole; the items give way. */
  if (column == COLUMN_ITEMS || column == COLUMN_METHOD)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_AMOUNT || column == COLUMN_TIME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
update_cell (GtkListItem *item)
{
  KpSaleItem *sale_item = gtk_list_item_get_item (item);
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "kp-column"));
  g_autofree char *text = NULL;

  if (sale_item == NULL)
    return;
  text = cell_text (kp_sale_item_get_sale (sale_item), column);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gulong handler;

  g_object_set_data (G_OBJECT (item), "kp-column", user_data);
  update_cell (item);
  handler = g_signal_connect_swapped (gtk_list_item_get_item (item), "notify::sale",
                                      G_CALLBACK (update_cell), item);
  g_object_set_data (G_OBJECT (item), "kp-handler", GSIZE_TO_POINTER (handler));
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "kp-handler"));

  if (handler != 0 && gtk_list_item_get_item (item) != NULL)
    g_signal_handler_disconnect (gtk_list_item_get_item (item), handler);
  g_object_set_data (G_OBJECT (item), "kp-handler", NULL);
}

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            const char    *title,
            Column         column,
            gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), NULL);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_append_column (view, view_column);
  g_object_unref (view_column);
  return view_column;
}

/**
 * kp_sale_columns_append:
 * @view: a column view over #KpSaleItem
 *
 * Appends the sales' columns: time, order, items, amount, method and state.
 */
void
kp_sale_columns_append (GtkColumnView *view)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  add_column (view, C_("history column", "Time"), COLUMN_TIME, FALSE);
  add_column (view, C_("history column", "Order"), COLUMN_ORDER, FALSE);
  add_column (view, C_("history column", "Items"), COLUMN_ITEMS, TRUE);
  add_column (view, C_("history column", "Amount"), COLUMN_AMOUNT, FALSE);
  add_column (view, C_("history column", "Method"), COLUMN_METHOD, FALSE);
  add_column (view, C_("history column", "State"), COLUMN_STATE, FALSE);
}

/**
 * kp_sale_columns_insert_terminal:
 * @view: a column view over #KpSaleItem, with the sales' columns
 *
 * Inserts the column of the terminal each sale was sold on (the whole shop's sales),
 * first, hidden.
 *
 * Returns: (transfer none): the column, owned by @view
 */
GtkColumnViewColumn *
kp_sale_columns_insert_terminal (GtkColumnView *view)
{
  GtkColumnViewColumn *column;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  column = add_column (view, C_("history column", "Terminal"), COLUMN_TERMINAL, FALSE);
  gtk_column_view_remove_column (view, g_object_ref (column));
  gtk_column_view_insert_column (view, 0, column);
  g_object_unref (column);
  gtk_column_view_column_set_visible (column, FALSE);
  return column;
}
