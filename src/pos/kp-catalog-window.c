/* kp-catalog-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-catalog-window-private.h"
#include "kp-money.h"
#include "kp-present.h"
#include "kp-product-dialog.h"

/*
 * The catalog editor: every product, active or not, found with the catalog's own search
 * (name, part of it, or its initial consonants); a product opens in its dialog to be
 * changed or removed, and New Product… adds one. The Quick Keys page reorders the Sale
 * page's keys (kp-catalog-window-keys.c). Import… goes through the main window's
 * preview; Export… writes the CSV. All disk work is done in worker threads. What is
 * saved is told to the main window at once (the signals), so its scans and quick keys
 * follow.
 */

/* Products listed at most; a search finds the others. */
#define MAX_LISTED 200

G_DEFINE_FINAL_TYPE (KpCatalogWindow, kp_catalog_window, ADW_TYPE_WINDOW)

guint _kp_catalog_window_signals[KP_CATALOG_WINDOW_N_SIGNALS];

/* The product list */

static char *
product_details (const KpCatalogProduct *product)
{
  g_autofree char *price = kp_money_format (product->price);
  GString *details = g_string_new (price);

  if (product->tax_free)
    g_string_append_printf (details, " · %s", _("tax free"));
  if (product->category != NULL && *product->category != '\0')
    g_string_append_printf (details, " · %s", product->category);
  if (product->barcodes != NULL && product->barcodes[0] != NULL)
    {
      g_autofree char *barcodes = g_strjoinv (", ", product->barcodes);

      g_string_append_printf (details, " · %s", barcodes);
    }
  return g_string_free (details, FALSE);
}

static GtkWidget *
product_row (const KpCatalogProduct *product)
{
  g_autofree char *details = product_details (product);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *name_label = gtk_label_new (product->name);
  GtkWidget *details_label = gtk_label_new (details);

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (details_label), 0);
  gtk_label_set_wrap (GTK_LABEL (details_label), TRUE);
  gtk_widget_add_css_class (details_label, "dim-label");
  gtk_box_append (GTK_BOX (texts), name_label);
  gtk_box_append (GTK_BOX (texts), details_label);
  gtk_box_append (GTK_BOX (box), texts);
  if (!product->active)
    {
      GtkWidget *inactive = gtk_label_new (_("Inactive"));

      gtk_widget_add_css_class (inactive, "warning");
      gtk_box_append (GTK_BOX (box), inactive);
    }
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, product->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, details,
                                  -1);
  g_object_set_data_full (G_OBJECT (row), "kp-product", kp_catalog_product_copy (product),
                          (GDestroyNotify) kp_catalog_product_free);
  return row;
}

static void
show_products (KpCatalogWindow *self,
               GPtrArray       *products,
               gboolean         searched)
{
  g_autofree char *count = NULL;
  GtkWidget *child;
  guint shown = MIN (products->len, MAX_LISTED);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->products_list))) != NULL)
    gtk_list_box_remove (self->products_list, child);
  for (guint i = 0; i < shown; i++)
    gtk_list_box_append (self->products_list, product_row (g_ptr_array_index (products, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->products_list), shown > 0);

  if (searched && products->len == 0)
    count = g_strdup (_("No product matches."));
  else if (searched)
    count = g_strdup_printf (ngettext ("%u product matches.", "%u products match.", shown),
                             shown);
  else if (products->len == 0)
    count = g_strdup (_("The catalog is empty. Add a product, or import a CSV file."));
  else if (shown < products->len)
    /* Translators: %u the products listed, %u all of them (more than 200) */
    count = g_strdup_printf (_("The first %u of %u products. Search to find the others."),
                             shown, products->len);
  else
    count = g_strdup_printf (ngettext ("%u product.", "%u products.", products->len),
                             products->len);
  gtk_label_set_text (self->count_label, count);
}

static void
on_products_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpCatalogWindow) self = user_data;
  g_autoptr (GPtrArray) products = NULL;
  g_autoptr (GError) error = NULL;
  gboolean searched = g_task_get_source_tag (G_TASK (result)) == kp_catalog_search_full_async;

  if (searched)
    products = kp_catalog_search_full_finish (KP_CATALOG (source), result, &error);
  else
    products = kp_catalog_list_products_finish (KP_CATALOG (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  if (products == NULL)
    {
      gtk_label_set_text (self->count_label, error->message);
      return;
    }
  show_products (self, products, searched);
}

static void
load_products (KpCatalogWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->search_entry))));

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  if (*text == '\0')
    kp_catalog_list_products_async (self->catalog, FALSE, self->list_cancellable,
                                    on_products_cb, g_object_ref (self));
  else
    kp_catalog_search_full_async (self->catalog, text, MAX_LISTED, KP_CATALOG_SEARCH_INACTIVE,
                                  self->list_cancellable, on_products_cb, g_object_ref (self));
}

static void
on_search_changed_cb (KpCatalogWindow *self)
{
  load_products (self);
}

/* Escape: the search first, then the window. */
static void
on_stop_search_cb (KpCatalogWindow *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* The product dialog */

/* The row that had the focus goes as the list is read again: the search takes it, on
 * the page where the product was opened. */
static void
focus_search (KpCatalogWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "products") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_product_saved_cb (KpCatalogWindow        *self,
                     const KpCatalogProduct *product)
{
  /* Translators: %s is a product's name */
  g_autofree char *text = g_strdup_printf (_("“%s” saved"), product->name);

  g_signal_emit (self, _kp_catalog_window_signals[KP_CATALOG_WINDOW_PRODUCT_SAVED], 0, product);
  kp_catalog_window_toast (self, text);
  kp_catalog_window_reload (self);
  focus_search (self);
}

static void
on_product_removed_cb (KpCatalogWindow *self,
                       gint64           id)
{
  g_signal_emit (self, _kp_catalog_window_signals[KP_CATALOG_WINDOW_PRODUCT_REMOVED], 0, id);
  kp_catalog_window_toast (self, _("Product removed"));
  kp_catalog_window_reload (self);
  focus_search (self);
}

static void
edit_product (KpCatalogWindow        *self,
              const KpCatalogProduct *product)
{
  KpProductDialog *dialog = kp_product_dialog_new (GTK_WINDOW (self), self->catalog, product);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_product_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "removed", G_CALLBACK (on_product_removed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_product_activated_cb (KpCatalogWindow *self,
                         GtkListBoxRow   *row)
{
  const KpCatalogProduct *product = g_object_get_data (G_OBJECT (row), "kp-product");

  if (product != NULL)
    edit_product (self, product);
}

/* Enter in the search: the first product found. */
static void
on_search_activate_cb (KpCatalogWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->products_list, 0);

  if (row != NULL)
    on_product_activated_cb (self, row);
}

/* Down from the search goes into the list. */
static gboolean
on_search_key_cb (KpCatalogWindow       *self,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;
  row = gtk_list_box_get_row_at_index (self->products_list, 0);
  if (row == NULL)
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return TRUE;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  edit_product (KP_CATALOG_WINDOW (widget), NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "products");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Alt+1, Alt+2: the pages, as in the main window. */
static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter,
                                                                                 NULL));
}

/* Import and export */

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, _kp_catalog_window_signals[KP_CATALOG_WINDOW_IMPORT_REQUESTED], 0);
}

static void
on_exported_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpCatalogWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  AdwMessageDialog *dialog;

  if (kp_catalog_export_csv_finish (KP_CATALOG (source), result, &error))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        kp_catalog_window_toast (self, _("Catalog exported"));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (self->cancellable))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The catalog could not be exported."),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_export_chooser_cb (GtkNativeDialog *chooser,
                      int              response,
                      KpCatalogWindow *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (file != NULL)
    kp_catalog_export_csv_async (self->catalog, file, self->cancellable, on_exported_cb,
                                 g_object_ref (self));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Export Product Catalog"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: the file name offered for an exported catalog */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("catalog.csv"));
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chooser_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_page_changed_cb (KpCatalogWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "quick-keys") == 0)
    _kp_catalog_window_focus_keys (self);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The focus in the search as the window shows. Not before: a widget focused in a window
 * not yet shown makes GTK 4.8 announce the window to assistive technologies as a
 * mere "filler" that never shows. */
static void
kp_catalog_window_map (GtkWidget *widget)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (widget);

  GTK_WIDGET_CLASS (kp_catalog_window_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
kp_catalog_window_unmap (GtkWidget *widget)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  GTK_WIDGET_CLASS (kp_catalog_window_parent_class)->unmap (widget);
  if (parent != NULL)
    kp_present_now (parent);
}

static void
kp_catalog_window_dispose (GObject *object)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_CATALOG_WINDOW);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (kp_catalog_window_parent_class)->dispose (object);
}

static void
kp_catalog_window_finalize (GObject *object)
{
  KpCatalogWindow *self = KP_CATALOG_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_pointer (&self->keys, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_catalog_window_parent_class)->finalize (object);
}

static void
kp_catalog_window_class_init (KpCatalogWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_catalog_window_dispose;
  object_class->finalize = kp_catalog_window_finalize;
  widget_class->map = kp_catalog_window_map;
  widget_class->unmap = kp_catalog_window_unmap;

  /**
   * KpCatalogWindow::product-saved:
   * @product: a product as it was just stored
   */
  _kp_catalog_window_signals[KP_CATALOG_WINDOW_PRODUCT_SAVED] =
    g_signal_new ("product-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1,
                  KP_TYPE_CATALOG_PRODUCT | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * KpCatalogWindow::product-removed:
   * @id: the id of the product just removed
   */
  _kp_catalog_window_signals[KP_CATALOG_WINDOW_PRODUCT_REMOVED] =
    g_signal_new ("product-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * KpCatalogWindow::quick-keys-changed:
   *
   * The quick keys were reordered.
   */
  _kp_catalog_window_signals[KP_CATALOG_WINDOW_QUICK_KEYS_CHANGED] =
    g_signal_new ("quick-keys-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KpCatalogWindow::import-requested:
   *
   * Import… was chosen: the owner of the catalog runs the import, with its preview, for
   * this window (kp_catalog_window_reload() once it is applied).
   */
  _kp_catalog_window_signals[KP_CATALOG_WINDOW_IMPORT_REQUESTED] =
    g_signal_new ("import-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-catalog-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, keys_list);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, no_keys_label);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, products_list);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpCatalogWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_product_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "catalog.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "catalog.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "catalog.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "catalog.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "catalog.export", NULL, export_action);
  _kp_catalog_window_class_add_key_actions (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "catalog.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "catalog.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "catalog.page", "s", "products");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "catalog.page", "s", "quick-keys");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kp_catalog_window_init (KpCatalogWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->products_list));

  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_search_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

/**
 * kp_catalog_window_new:
 * @parent: the main window
 * @catalog: the open catalog
 *
 * Returns: (transfer none): the editor, reading the catalog; present it
 */
KpCatalogWindow *
kp_catalog_window_new (GtkWindow *parent,
                       KpCatalog *catalog)
{
  KpCatalogWindow *self;

  g_return_val_if_fail (KP_IS_CATALOG (catalog), NULL);

  self = g_object_new (KP_TYPE_CATALOG_WINDOW, "transient-for", parent, NULL);
  self->catalog = g_object_ref (catalog);
  kp_catalog_window_reload (self);
  return self;
}

/**
 * kp_catalog_window_reload:
 * @self: the editor
 *
 * Lists the products and quick keys again, as the catalog has them now.
 */
void
kp_catalog_window_reload (KpCatalogWindow *self)
{
  g_return_if_fail (KP_IS_CATALOG_WINDOW (self));

  load_products (self);
  _kp_catalog_window_load_keys (self);
}

void
kp_catalog_window_toast (KpCatalogWindow *self,
                         const char      *text)
{
  AdwToast *t;

  g_return_if_fail (KP_IS_CATALOG_WINDOW (self));

  t = adw_toast_new (text);
  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}
