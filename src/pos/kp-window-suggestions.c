/* kp-window-suggestions.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

static void ensure_suggestions (KpWindow *self);

/*
 * What is typed in the item field is offered as the catalog's products it matches
 * (searched in a worker thread), below the field; the focus stays in the field.
 */

/* Suggestions shown below the item field. */
#define MAX_SUGGESTIONS 8

static gboolean
item_has_focus (KpWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (focus == GTK_WIDGET (self->item_entry) ||
                           gtk_widget_is_ancestor (focus, GTK_WIDGET (self->item_entry)));
}

static void
hide_suggestions (KpWindow *self)
{
  if (self->suggestions == NULL)
    return;
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  gtk_list_box_unselect_all (self->suggestion_list);
  gtk_popover_popdown (self->suggestions);
}

static gboolean
suggestions_shown (KpWindow *self)
{
  return self->suggestions != NULL && gtk_widget_get_visible (GTK_WIDGET (self->suggestions));
}

static GtkWidget *
suggestion_row (const KpCatalogProduct *product)
{
  g_autofree char *price = kp_money_format (product->price);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name_label = gtk_label_new (product->name);
  GtkWidget *price_label = gtk_label_new (price);

  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (price_label, "dim-label");
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), price_label);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_focusable (row, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, product->name,
                                  -1);
  g_object_set_data_full (G_OBJECT (row), "kp-product", kp_catalog_product_copy (product),
                          (GDestroyNotify) kp_catalog_product_free);
  return row;
}

static void
on_search_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  g_autoptr (GPtrArray) products = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *child;
  int width;

  products = kp_catalog_search_finish (KP_CATALOG (source), result, &error);
  if (products == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Product search failed: %s", error->message);
      return;
    }
  if (kp_window_catalog_gone (self))
    return;

  ensure_suggestions (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->suggestion_list))) != NULL)
    gtk_list_box_remove (self->suggestion_list, child);
  for (guint i = 0; i < products->len; i++)
    {
      KpCatalogProduct *product = g_ptr_array_index (products, i);

      if (product->active)
        gtk_list_box_append (self->suggestion_list, suggestion_row (product));
    }

  if (gtk_widget_get_first_child (GTK_WIDGET (self->suggestion_list)) == NULL ||
      !item_has_focus (self) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->item_entry)))
    {
      gtk_popover_popdown (self->suggestions);
      return;
    }
  width = gtk_widget_get_width (GTK_WIDGET (self->item_entry));
  gtk_widget_set_size_request (GTK_WIDGET (self->suggestion_list), MAX (width, 200), -1);
  gtk_popover_popup (self->suggestions);
}

static void
on_item_changed_cb (KpWindow *self)
{
  g_autofree char *text = NULL;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->item_entry))));

  /* Digits are a scan on its way (or a price): no suggestions to get in its way. */
  if (*text == '\0' || kp_window_is_digits (text) || self->catalog == NULL ||
      !item_has_focus (self))
    {
      hide_suggestions (self);
      return;
    }
  self->search_cancellable = g_cancellable_new ();
  kp_catalog_search_async (self->catalog, text, MAX_SUGGESTIONS, self->search_cancellable,
                           on_search_cb, g_object_ref (self));
}

static void
add_suggestion (KpWindow      *self,
                GtkListBoxRow *row)
{
  const KpCatalogProduct *product = g_object_get_data (G_OBJECT (row), "kp-product");

  if (product == NULL)
    return;
  /* Copied first: emptying the field empties the list, and the row with it. */
  {
    g_autoptr (KpCatalogProduct) copy = kp_catalog_product_copy (product);

    hide_suggestions (self);
    if (kp_window_add_product (self, copy))
      gtk_editable_set_text (GTK_EDITABLE (self->item_entry), "");
  }
  kp_window_focus_item_entry (self);
}

static void
on_suggestion_activated_cb (GtkListBox    *list,
                            GtkListBoxRow *row,
                            KpWindow      *self)
{
  add_suggestion (self, row);
}

static void
move_suggestion (KpWindow *self,
                 int       step)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->suggestion_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + step : (step > 0 ? 0 : -1);
  GtkListBoxRow *next;

  if (index < 0)
    {
      gtk_list_box_unselect_all (self->suggestion_list);
      return;
    }
  next = gtk_list_box_get_row_at_index (self->suggestion_list, index);
  if (next != NULL)
    gtk_list_box_select_row (self->suggestion_list, next);
}

/**
 * kp_window_suggestions_key:
 *
 * A key in the item field while suggestions are shown: Down and Up move among them
 * (Up from the first leaves them), Enter adds the one chosen, Escape closes them.
 *
 * Returns: whether the key was for the suggestions
 */
gboolean
kp_window_suggestions_key (KpWindow *self,
                           guint     keyval)
{
  GtkListBoxRow *row;

  if (!suggestions_shown (self))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_suggestion (self, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_suggestion (self, -1);
      return TRUE;
    case GDK_KEY_Escape:
      hide_suggestions (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      row = gtk_list_box_get_selected_row (self->suggestion_list);
      if (row == NULL)
        {
          /* The typed name, as a line of its own. */
          hide_suggestions (self);
          return FALSE;
        }
      add_suggestion (self, row);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_item_focus_leave_cb (KpWindow *self)
{
  hide_suggestions (self);
}

/* The popover, when there is first something to suggest. */
static void
ensure_suggestions (KpWindow *self)
{
  GtkWidget *scrolled;

  if (self->suggestions != NULL)
    return;

  self->suggestion_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->suggestion_list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (self->suggestion_list, TRUE);
  gtk_widget_set_focusable (GTK_WIDGET (self->suggestion_list), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->suggestion_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Matching products"),
                                  -1);
  g_signal_connect_object (self->suggestion_list, "row-activated",
                           G_CALLBACK (on_suggestion_activated_cb), self, 0);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled),
                                 GTK_WIDGET (self->suggestion_list));

  /* The focus stays in the item field, as typing goes on. */
  self->suggestions = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_autohide (self->suggestions, FALSE);
  gtk_popover_set_has_arrow (self->suggestions, FALSE);
  gtk_popover_set_position (self->suggestions, GTK_POS_BOTTOM);
  gtk_widget_set_halign (GTK_WIDGET (self->suggestions), GTK_ALIGN_START);
  gtk_widget_set_focusable (GTK_WIDGET (self->suggestions), FALSE);
  gtk_popover_set_child (self->suggestions, scrolled);
  gtk_widget_set_parent (GTK_WIDGET (self->suggestions), GTK_WIDGET (self->item_entry));
}

void
kp_window_init_suggestions (KpWindow *self)
{
  GtkEventController *focus;

  g_signal_connect_object (self->item_entry, "changed", G_CALLBACK (on_item_changed_cb), self,
                           G_CONNECT_SWAPPED);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_item_focus_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->item_entry), focus);
}

void
kp_window_dispose_suggestions (KpWindow *self)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (self->suggestions != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->suggestions));
      self->suggestions = NULL;
      self->suggestion_list = NULL;
    }
}
