/* kp-window-catalog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/*
 * The product catalog on the Sale page: a barcode scanned into the item field adds its
 * product, the quick keys add theirs, and what is typed in the item field is offered as
 * the products it matches. The catalog beside the journal opens in a thread; a scan
 * that comes before it is open opens it at once (a small SQLite file).
 */

/* Suggestions shown below the item field. */
#define MAX_SUGGESTIONS 8

/* Opening */

static void
open_catalog_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  const char *path = task_data;
  GError *error = NULL;
  KpCatalog *catalog = kp_catalog_open_sync (path, &error);

  if (catalog == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, catalog, g_object_unref);
}

static void load_quick_keys (KpWindow *self);

/* Whether the window was disposed while a thread worked for it. */
static gboolean
window_gone (KpWindow *self)
{
  return self->catalog_cancellable == NULL ||
         g_cancellable_is_cancelled (self->catalog_cancellable);
}

static gboolean
item_has_focus (KpWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus != NULL && (focus == GTK_WIDGET (self->item_entry) ||
                           gtk_widget_is_ancestor (focus, GTK_WIDGET (self->item_entry)));
}

static void
set_catalog (KpWindow  *self,
             KpCatalog *catalog)
{
  if (self->catalog != NULL)
    return;
  self->catalog = g_object_ref (catalog);
  load_quick_keys (self);
}

static void
on_catalog_opened_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (GError) error = NULL;

  catalog = g_task_propagate_pointer (G_TASK (result), &error);
  if (catalog == NULL)
    {
      /* Without a catalog the free-typed lines still work. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("No product catalog: %s", error->message);
      return;
    }
  if (!window_gone (self))
    set_catalog (self, catalog);
}

static char *
catalog_path (KpWindow *self)
{
  const char *journal_path = kp_terminal_get_journal_path (self->terminal);

  return journal_path != NULL ? kp_catalog_path_for_journal (journal_path) : NULL;
}

void
kp_window_open_catalog (KpWindow *self)
{
  g_autoptr (GTask) task = NULL;
  char *path = catalog_path (self);

  if (path == NULL)
    return;
  task = g_task_new (NULL, self->catalog_cancellable, on_catalog_opened_cb,
                     g_object_ref (self));
  g_task_set_source_tag (task, kp_window_open_catalog);
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, open_catalog_thread);
}

/* The catalog now: a scan cannot wait for the thread. */
KpCatalog *
kp_window_ensure_catalog (KpWindow *self)
{
  g_autofree char *path = NULL;
  g_autoptr (KpCatalog) catalog = NULL;
  g_autoptr (GError) error = NULL;

  if (self->catalog != NULL)
    return self->catalog;
  path = catalog_path (self);
  if (path == NULL)
    return NULL;
  catalog = kp_catalog_open_sync (path, &error);
  if (catalog == NULL)
    {
      g_message ("No product catalog: %s", error->message);
      return NULL;
    }
  set_catalog (self, catalog);
  return self->catalog;
}

/* Adding a product */

/* One more of @product: its line's quantity if the cart has the same item at the same
 * price, or a new line. */
static gboolean
add_product (KpWindow               *self,
             const KpCatalogProduct *product)
{
  guint n = kp_cart_get_n_lines (self->cart);
  g_autoptr (GError) error = NULL;
  gboolean done = FALSE;

  for (guint i = 0; i < n && !done; i++)
    {
      g_autoptr (KpCartLine) line = g_list_model_get_item (G_LIST_MODEL (self->cart), i);

      if (g_strcmp0 (kp_cart_line_get_name (line), product->name) != 0 ||
          kp_cart_line_get_unit_price (line) != product->price ||
          kp_cart_line_get_tax_free (line) != product->tax_free)
        continue;
      if (!kp_cart_set_line_quantity (self->cart, i, kp_cart_line_get_quantity (line) + 1,
                                      &error))
        break;
      kp_window_select_line (self, i);
      done = TRUE;
    }
  if (!done && error == NULL &&
      kp_cart_add_line (self->cart, product->name, 1, product->price, product->tax_free,
                        &error))
    {
      kp_window_select_line (self, kp_cart_get_n_lines (self->cart) - 1);
      done = TRUE;
    }

  if (!done)
    {
      kp_window_show_entry_error (self, error->message, NULL);
      return FALSE;
    }
  kp_window_show_entry_error (self, NULL, NULL);
  kp_window_show_message (self, NULL);
  return TRUE;
}

static gboolean
is_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
    }
  return TRUE;
}

/* What a scanner sends for a product code: 8 digits (EAN-8) or more. */
static gboolean
looks_like_barcode (const char *text)
{
  gsize length = strlen (text);

  return is_digits (text) && length >= 8 && length <= KP_CATALOG_MAX_BARCODE_LENGTH;
}

/**
 * kp_window_scan_item:
 * @self: the window
 *
 * Enter in the item field: a known barcode there adds its product and empties the
 * field; an unknown one (digits only) is reported and emptied too, for the next scan.
 * Scanned after some typing, the product's code is the digits at the end, and the
 * typing stays. It reads the field as it is now, so each scan of a fast burst is its
 * own.
 *
 * Returns: whether the field held a barcode (Enter is handled)
 */
gboolean
kp_window_scan_item (KpWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr (KpCatalogProduct) product = NULL;
  g_autoptr (GError) error = NULL;
  const char *code;
  KpCatalog *catalog;

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->item_entry))));
  if (*text == '\0')
    return FALSE;

  /* A scan into a field that already held some typing: the digits at the end. */
  code = text + strlen (text);
  while (code > text && g_ascii_isdigit (code[-1]))
    code--;
  if (code == text || !looks_like_barcode (code))
    code = text;
  if (strchr (code, ' ') != NULL || strlen (code) > KP_CATALOG_MAX_BARCODE_LENGTH)
    return FALSE;

  catalog = kp_window_ensure_catalog (self);
  if (catalog != NULL)
    product = kp_catalog_lookup_barcode_sync (catalog, code, &error);
  if (product == NULL && (code != text || !looks_like_barcode (code)))
    return FALSE;

  if (code != text)
    {
      /* The typing stays, for the cashier to finish. */
      g_autofree char *typed = g_strndup (text, code - text);

      gtk_editable_set_text (GTK_EDITABLE (self->item_entry), g_strchomp (typed));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->item_entry), "");

  if (product == NULL)
    {
      g_autofree char *message = NULL;

      if (error != NULL && !g_error_matches (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND))
        g_message ("Barcode lookup failed: %s", error->message);
      /* Translators: %s is the barcode just scanned, e.g. 8801234567890 */
      message = g_strdup_printf (_("Unknown barcode %s"), code);
      kp_window_show_entry_error (self, message, NULL);
    }
  else if (!product->active)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is a product's name */
      message = g_strdup_printf (_("“%s” is not for sale: it is inactive in the catalog."),
                                 product->name);
      kp_window_show_entry_error (self, message, NULL);
    }
  else
    add_product (self, product);
  kp_window_focus_item_entry (self);
  return TRUE;
}

/* Quick keys */

static void
on_quick_key_clicked_cb (GtkButton *button,
                         KpWindow  *self)
{
  const KpCatalogProduct *product = g_object_get_data (G_OBJECT (button), "kp-product");

  add_product (self, product);
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
  gtk_widget_set_visible (GTK_WIDGET (self->quick_keys_box), flow != NULL);
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
  if (!window_gone (self))
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

/* Suggestions */

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
  if (window_gone (self))
    return;

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
  if (*text == '\0' || is_digits (text) || self->catalog == NULL || !item_has_focus (self))
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
    if (add_product (self, copy))
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

void
kp_window_init_catalog (KpWindow *self)
{
  GtkWidget *scrolled;
  GtkEventController *focus;

  self->catalog_cancellable = g_cancellable_new ();

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

  g_signal_connect_object (self->item_entry, "changed", G_CALLBACK (on_item_changed_cb), self,
                           G_CONNECT_SWAPPED);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_item_focus_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->item_entry), focus);
}

void
kp_window_dispose_catalog (KpWindow *self)
{
  g_cancellable_cancel (self->catalog_cancellable);
  g_clear_object (&self->catalog_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (self->suggestions != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->suggestions));
      self->suggestions = NULL;
      self->suggestion_list = NULL;
    }
  g_clear_object (&self->catalog);
}
