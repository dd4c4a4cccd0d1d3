/* kp-window-catalog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-catalog-window.h"
#include "kp-window-private.h"

/*
 * The product catalog of the Sale page: opened in a worker thread behind the window's
 * first frame, its barcodes read for the scans (kp-window-scan.c), its quick keys shown,
 * and the catalog editor (Product Catalog…, Ctrl+K), whose changes show here at once.
 * What needs the catalog before it is open waits for it.
 */

static void load_quick_keys (KpWindow *self);

/* Whether the window was disposed while a thread worked for it. */
gboolean
kp_window_catalog_gone (KpWindow *self)
{
  return self->catalog_cancellable == NULL ||
         g_cancellable_is_cancelled (self->catalog_cancellable);
}

/* Opening */

static void
on_catalog_opened_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *next_action = NULL;

  catalog = kp_catalog_open_finish (result, &error);
  if (kp_window_catalog_gone (self))
    return;
  next_action = g_steal_pointer (&self->catalog_next_action);
  if (catalog == NULL)
    {
      /* Without a catalog the free-typed lines still work. */
      g_message ("No product catalog: %s", error->message);
      self->catalog_opening = FALSE;
      self->catalog_reading = FALSE;
      kp_window_scans_catalog_settled (self);
      if (next_action != NULL)
        kp_window_toast (self, _("The product catalog cannot be opened."));
      return;
    }

  self->catalog = g_steal_pointer (&catalog);
  /* Scans go on waiting, now for the barcodes. */
  kp_window_reload_barcodes (self);
  self->catalog_opening = FALSE;
  self->catalog_reading = FALSE;
  load_quick_keys (self);
  if (next_action != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), next_action, NULL);
}

void
kp_window_open_catalog (KpWindow *self)
{
  const char *journal_path = kp_terminal_get_journal_path (self->terminal);
  g_autofree char *path = NULL;

  if (journal_path == NULL || self->catalog != NULL)
    return;
  /* From now on, scans and what needs the catalog wait for it… */
  if (!self->catalog_opening)
    {
      self->catalog_opening = TRUE;
      kp_window_scans_wait (self);
    }
  /* …whose file is read behind the first frame (this is called again then). */
  if (!self->first_frame_done || self->catalog_reading)
    return;
  self->catalog_reading = TRUE;
  path = kp_catalog_path_for_journal (journal_path);
  kp_catalog_open_async (path, self->catalog_cancellable, on_catalog_opened_cb,
                         g_object_ref (self));
}

/**
 * kp_window_with_catalog:
 * @self: the window
 * @action: the window's action that needs the catalog
 *
 * Returns: whether the catalog is open; if it is still opening, @action is activated
 *   once it is; if there is none, the cashier is told
 */
gboolean
kp_window_with_catalog (KpWindow   *self,
                        const char *action)
{
  if (self->catalog != NULL)
    return TRUE;
  if (self->catalog_opening)
    {
      g_free (self->catalog_next_action);
      self->catalog_next_action = g_strdup (action);
      return FALSE;
    }
  kp_window_toast (self, _("The product catalog cannot be opened."));
  return FALSE;
}

/**
 * kp_window_catalog_changed:
 * @self: the window
 *
 * The whole catalog changed (an import): the barcodes are read again and the quick
 * keys shown again, and the editor, if open, lists it again.
 */
void
kp_window_catalog_changed (KpWindow *self)
{
  kp_window_reload_barcodes (self);
  kp_window_reload_quick_keys (self);
  if (self->catalog_window != NULL)
    kp_catalog_window_reload (self->catalog_window);
}

/* Quick keys */

static void
on_quick_key_clicked_cb (GtkButton *button,
                         KpWindow  *self)
{
  const KpCatalogProduct *product = g_object_get_data (G_OBJECT (button), "kp-product");

  kp_window_add_product (self, product);
  kp_window_focus_item_entry (self);
}

static GtkWidget *
product_button (KpWindow               *self,
                const KpCatalogProduct *product)
{
  g_autofree char *price = kp_money_format (product->price);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name_label = gtk_label_new (product->name);
  GtkWidget *price_label = gtk_label_new (price);

  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (name_label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (name_label), 12);
  gtk_widget_add_css_class (price_label, "dim-label");
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), price_label);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "kp-quick-key");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, product->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, price,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "kp-product",
                          kp_catalog_product_copy (product),
                          (GDestroyNotify) kp_catalog_product_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_quick_key_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
category_flow_box (void)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  return flow;
}

/* The quick keys by category, in the catalog's order (category, then position). */
static void
show_quick_keys (KpWindow  *self,
                 GPtrArray *products)
{
  GtkWidget *child;
  GtkWidget *flow = NULL;
  const char *category = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->quick_keys_box))) != NULL)
    gtk_box_remove (self->quick_keys_box, child);

  for (guint i = 0; i < products->len; i++)
    {
      KpCatalogProduct *product = g_ptr_array_index (products, i);
      GtkWidget *button;

      if (!product->active)
        continue;
      if (flow == NULL || g_strcmp0 (category, product->category) != 0)
        {
          category = product->category;
          if (category != NULL && *category != '\0')
            {
              GtkWidget *heading = gtk_label_new (category);

              gtk_label_set_xalign (GTK_LABEL (heading), 0);
              gtk_widget_add_css_class (heading, "heading");
              gtk_box_append (self->quick_keys_box, heading);
            }
          flow = category_flow_box ();
          gtk_box_append (self->quick_keys_box, flow);
        }
      button = product_button (self, product);
      gtk_flow_box_insert (GTK_FLOW_BOX (flow), button, -1);
      /* Tab goes from key to key, not to the box's cells around them. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->quick_keys_scroller), flow != NULL);
}

static void
on_quick_keys_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  g_autoptr (GPtrArray) products = NULL;
  g_autoptr (GError) error = NULL;

  products = kp_catalog_list_quick_keys_finish (KP_CATALOG (source), result, &error);
  if (products == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not read the quick keys: %s", error->message);
      return;
    }
  if (!kp_window_catalog_gone (self))
    show_quick_keys (self, products);
}

void
kp_window_reload_quick_keys (KpWindow *self)
{
  if (self->catalog != NULL)
    load_quick_keys (self);
}

static void
load_quick_keys (KpWindow *self)
{
  kp_catalog_list_quick_keys_async (self->catalog, self->catalog_cancellable,
                                    on_quick_keys_cb, g_object_ref (self));
}

/* The catalog editor */

static void
on_product_saved_cb (KpWindow               *self,
                     const KpCatalogProduct *product)
{
  kp_window_barcodes_product_saved (self, product);
  kp_window_reload_quick_keys (self);
}

static void
on_product_removed_cb (KpWindow *self,
                       gint64    id)
{
  kp_window_barcodes_product_removed (self, id);
  kp_window_reload_quick_keys (self);
}

static void
on_import_requested_cb (KpWindow        *self,
                        KpCatalogWindow *editor)
{
  kp_window_import_catalog (self, GTK_WINDOW (editor));
}

static void
catalog_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  KpCatalogWindow *editor;

  if (!kp_window_with_catalog (self, "win.catalog"))
    return;
  if (self->catalog_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->catalog_window));
      return;
    }
  editor = kp_catalog_window_new (GTK_WINDOW (self), self->catalog);
  self->catalog_window = editor;
  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *) &self->catalog_window);
  g_signal_connect_object (editor, "product-saved", G_CALLBACK (on_product_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "product-removed", G_CALLBACK (on_product_removed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "quick-keys-changed",
                           G_CALLBACK (kp_window_reload_quick_keys), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "import-requested", G_CALLBACK (on_import_requested_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

void
kp_window_init_catalog (KpWindow *self)
{
  self->catalog_cancellable = g_cancellable_new ();
  kp_window_init_scans (self);
  kp_window_init_suggestions (self);
}

void
kp_window_dispose_catalog (KpWindow *self)
{
  g_cancellable_cancel (self->catalog_cancellable);
  g_clear_object (&self->catalog_cancellable);
  kp_window_dispose_suggestions (self);
  kp_window_dispose_scans (self);
  if (self->catalog_window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->catalog_window),
                                    (gpointer *) &self->catalog_window);
      gtk_window_destroy (GTK_WINDOW (self->catalog_window));
      self->catalog_window = NULL;
    }
  g_clear_pointer (&self->catalog_next_action, g_free);
  g_clear_object (&self->catalog);
}

void
kp_window_class_add_catalog_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.catalog", NULL, catalog_action);
  kp_window_class_add_import_actions (widget_class);
}
