/* kp-catalog-window-keys.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-catalog-window-private.h"

/*
 * The Quick Keys page of the catalog editor: the keys as the Sale page shows them (by
 * category, then position), each with Move Up and Move Down buttons that work within
 * its category. A move stores the category's new order in one transaction; the focus
 * stays on the key that moved.
 */

static gboolean
same_category (const KpCatalogProduct *a,
               const KpCatalogProduct *b)
{
  return g_strcmp0 (a->category != NULL ? a->category : "",
                    b->category != NULL ? b->category : "") == 0;
}

static GtkWidget *
move_button (const KpCatalogProduct *product,
             int                     step,
             gboolean                possible)
{
  GtkWidget *button = gtk_button_new_from_icon_name (step < 0 ? "go-up-symbolic"
                                                              : "go-down-symbolic");
  g_autofree char *label = NULL;

  if (step < 0)
    /* Translators: %s is a product's name, on a quick key */
    label = g_strdup_printf (_("Move “%s” up"), product->name);
  else
    /* Translators: %s is a product's name, on a quick key */
    label = g_strdup_printf (_("Move “%s” down"), product->name);
  gtk_widget_set_tooltip_text (button, step < 0 ? _("Move Up") : _("Move Down"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  /* The action would make the button sensitive again: a move that cannot be made has
   * none. */
  if (possible)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "catalog.move-key");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xi)", product->id, step);
    }
  else
    gtk_widget_set_sensitive (button, FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "kp-step", GINT_TO_POINTER (step));
  return button;
}

static GtkWidget *
key_row (GPtrArray *keys,
         guint      index)
{
  const KpCatalogProduct *product = g_ptr_array_index (keys, index);
  gboolean first = index == 0 ||
                   !same_category (product, g_ptr_array_index (keys, index - 1));
  gboolean last = index + 1 == keys->len ||
                  !same_category (product, g_ptr_array_index (keys, index + 1));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name_label = gtk_label_new (product->name);
  GtkWidget *category_label = gtk_label_new (product->category);

  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_widget_add_css_class (category_label, "dim-label");
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), category_label);
  gtk_box_append (GTK_BOX (box), move_button (product, -1, !first));
  gtk_box_append (GTK_BOX (box), move_button (product, 1, !last));
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, product->name,
                                  -1);
  return row;
}

/* A move button of the key @index: the one for @step if it can be used, else the
 * other. */
static GtkWidget *
key_button (KpCatalogWindow *self,
            guint            index,
            int              step)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->keys_list, index);
  GtkWidget *box;
  GtkWidget *fallback = NULL;

  if (row == NULL)
    return NULL;
  box = gtk_list_box_row_get_child (row);
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_BUTTON (child) || !gtk_widget_get_sensitive (child))
        continue;
      if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (child), "kp-step")) == step)
        return child;
      fallback = child;
    }
  return fallback;
}

/**
 * _kp_catalog_window_focus_keys:
 * @self: the editor
 *
 * The focus on the key that just moved, else on the first key's first move button.
 */
void
_kp_catalog_window_focus_keys (KpCatalogWindow *self)
{
  GtkWidget *button = NULL;

  if (self->keys == NULL)
    return;
  for (guint i = 0; i < self->keys->len && button == NULL; i++)
    {
      KpCatalogProduct *product = g_ptr_array_index (self->keys, i);

      if (product->id == self->focus_key_id)
        button = key_button (self, i, self->focus_key_step);
    }
  for (guint i = 0; i < self->keys->len && button == NULL; i++)
    button = key_button (self, i, 1);
  if (button != NULL)
    gtk_widget_grab_focus (button);
}

static void
show_keys (KpCatalogWindow *self,
           GPtrArray       *keys)
{
  GtkWidget *child;
  gboolean shown = g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                              "quick-keys") == 0;

  g_clear_pointer (&self->keys, g_ptr_array_unref);
  self->keys = g_ptr_array_ref (keys);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->keys_list))) != NULL)
    gtk_list_box_remove (self->keys_list, child);
  for (guint i = 0; i < keys->len; i++)
    gtk_list_box_append (self->keys_list, key_row (keys, i));
  gtk_widget_set_visible (GTK_WIDGET (self->keys_list), keys->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_keys_label), keys->len == 0);
  if (shown)
    _kp_catalog_window_focus_keys (self);
}

static void
on_keys_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (KpCatalogWindow) self = user_data;
  g_autoptr (GPtrArray) keys = NULL;
  g_autoptr (GError) error = NULL;

  keys = kp_catalog_list_quick_keys_finish (KP_CATALOG (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (keys == NULL)
    {
      kp_catalog_window_toast (self, error->message);
      return;
    }
  show_keys (self, keys);
}

void
_kp_catalog_window_load_keys (KpCatalogWindow *self)
{
  kp_catalog_list_quick_keys_async (self->catalog, self->cancellable, on_keys_cb,
                                    g_object_ref (self));
}

static void
on_keys_moved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (KpCatalogWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!kp_catalog_set_quick_keys_finish (KP_CATALOG (source), result, &error))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        kp_catalog_window_toast (self, error->message);
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  g_signal_emit (self, _kp_catalog_window_signals[KP_CATALOG_WINDOW_QUICK_KEYS_CHANGED], 0);
  _kp_catalog_window_load_keys (self);
}

static void
move_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (widget);
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));
  KpCatalogProduct *moved = NULL;
  gint64 id;
  int step;
  guint at = 0;

  g_variant_get (parameter, "(xi)", &id, &step);
  for (guint i = 0; self->keys != NULL && i < self->keys->len && moved == NULL; i++)
    {
      if (((KpCatalogProduct *) g_ptr_array_index (self->keys, i))->id == id)
        moved = g_ptr_array_index (self->keys, i);
    }
  if (moved == NULL)
    return;

  /* The category's keys in their order, then the moved one swapped with its neighbour. */
  for (guint i = 0; i < self->keys->len; i++)
    {
      KpCatalogProduct *product = g_ptr_array_index (self->keys, i);

      if (!same_category (product, moved))
        continue;
      if (product == moved)
        at = order->len;
      g_array_append_val (order, product->id);
    }
  if ((step < 0 && at == 0) || (step > 0 && at + 1 >= order->len))
    return;
  g_array_index (order, gint64, at) = g_array_index (order, gint64, at + step);
  g_array_index (order, gint64, at + step) = id;

  self->focus_key_id = id;
  self->focus_key_step = step;
  kp_catalog_set_quick_keys_async (self->catalog, (const gint64 *) order->data, order->len,
                                   self->cancellable, on_keys_moved_cb, g_object_ref (self));
}

void
_kp_catalog_window_class_add_key_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "catalog.move-key", "(xi)", move_key_action);
}
