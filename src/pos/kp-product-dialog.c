/* kp-product-dialog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-product-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-cart.h"
#include "kp-present.h"
#include "kp-product-dialog.h"

/*
 * A product of the catalog, new or as stored: name, price, category, quick-key
 * position, tax free, for sale, and its barcodes (added one by one; a scanner can scan
 * into the barcode field, and Enter there adds it). Saving goes through the store's
 * checks in a worker thread: what it refuses is said here and nothing is saved; a
 * wrong EAN/UPC check digit is kept only once the owner confirms it.
 */

struct _KpProductDialog
{
  AdwWindow         parent_instance;

  /* Template children */
  GtkCheckButton   *active_check;
  GtkEntry         *barcode_entry;
  GtkListBox       *barcode_list;
  GtkEntry         *category_entry;
  GtkLabel         *error_label;
  GtkEntry         *name_entry;
  GtkEntry         *price_entry;
  GtkSpinButton    *quick_key_spin;
  GtkButton        *remove_button;
  GtkCheckButton   *tax_free_check;

  /* Owned */
  KpCatalog        *catalog;
  KpCatalogProduct *product;    /* as stored; its id 0 for a new one */
  GPtrArray        *barcodes;   /* of char *, as listed */
  KpCatalogProduct *saving;     /* what is being stored */
  GCancellable     *cancellable;
  gboolean          busy;
};

G_DEFINE_FINAL_TYPE (KpProductDialog, kp_product_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  SIGNAL_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (KpProductDialog *self,
            const char      *message,
            GtkWidget       *field)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (field != NULL)
    gtk_widget_grab_focus (field);
}

static void
set_busy (KpProductDialog *self,
          gboolean         busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "product.save", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "product.remove",
                                 !busy && self->product->id > 0);
}

/* Barcodes */

static GtkWidget *
barcode_row (const char *barcode)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (barcode);
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *remove = NULL;

  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);
  if (kp_catalog_barcode_kind (barcode) == KP_BARCODE_BAD_CHECK_DIGIT)
    {
      GtkWidget *warning = gtk_label_new (_("Check digit wrong"));

      gtk_widget_add_css_class (warning, "warning");
      gtk_box_append (GTK_BOX (box), warning);
    }
  /* Translators: %s is a barcode */
  remove = g_strdup_printf (_("Remove barcode %s"), barcode);
  gtk_widget_set_tooltip_text (button, remove);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "product.remove-barcode");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", barcode);
  gtk_box_append (GTK_BOX (box), button);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

static void
show_barcodes (KpProductDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->barcode_list))) != NULL)
    gtk_list_box_remove (self->barcode_list, child);
  for (guint i = 0; i < self->barcodes->len; i++)
    gtk_list_box_append (self->barcode_list, barcode_row (g_ptr_array_index (self->barcodes, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->barcode_list), self->barcodes->len > 0);
}

static gboolean
listed (KpProductDialog *self,
        const char      *barcode)
{
  for (guint i = 0; i < self->barcodes->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->barcodes, i), barcode))
        return TRUE;
    }
  return FALSE;
}

/* The barcodes as listed, and what the barcode field holds if it is not listed yet. */
static GStrv
barcodes_to_save (KpProductDialog *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->barcode_entry))));

  for (guint i = 0; i < self->barcodes->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->barcodes, i));
  if (*typed != '\0' && !listed (self, typed))
    g_strv_builder_add (builder, typed);
  return g_strv_builder_end (builder);
}

static void
add_barcode (KpProductDialog *self)
{
  g_autoptr (KpCatalogProduct) check = kp_catalog_product_new ("-", 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (
    GTK_EDITABLE (self->barcode_entry))));

  if (*typed == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->barcode_entry));
      return;
    }
  /* What the store would refuse in the barcode itself, or a barcode listed twice; a
   * wrong check digit is marked on its row and asked about on saving. */
  g_strfreev (check->barcodes);
  check->barcodes = barcodes_to_save (self);
  if (listed (self, typed))
    {
      /* Translators: %s is a barcode */
      g_autofree char *message = g_strdup_printf (_("The barcode %s is listed already."),
                                                  typed);

      show_error (self, message, GTK_WIDGET (self->barcode_entry));
      return;
    }
  if (!kp_catalog_validate_product (check, KP_CATALOG_ACCEPT_CHECK_DIGIT, &error))
    {
      show_error (self, error->message, GTK_WIDGET (self->barcode_entry));
      return;
    }
  g_ptr_array_add (self->barcodes, g_steal_pointer (&typed));
  show_barcodes (self);
  show_error (self, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->barcode_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->barcode_entry));
}

static void
on_barcode_activate_cb (KpProductDialog *self)
{
  add_barcode (self);
}

static void
add_barcode_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  add_barcode (KP_PRODUCT_DIALOG (widget));
}

static void
remove_barcode_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KpProductDialog *self = KP_PRODUCT_DIALOG (widget);
  const char *barcode = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < self->barcodes->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->barcodes, i), barcode))
        {
          g_ptr_array_remove_index (self->barcodes, i);
          break;
        }
    }
  /* The focus was on the row's button, which goes. */
  gtk_widget_grab_focus (GTK_WIDGET (self->barcode_entry));
  show_barcodes (self);
}

/* Saving */

static void save (KpProductDialog *self,
                  KpCatalogFlags   flags);

static void
on_check_digit_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            KpProductDialog  *self)
{
  if (g_strcmp0 (response, "keep") == 0)
    save (self, KP_CATALOG_ACCEPT_CHECK_DIGIT);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->barcode_entry));
}

static void
ask_check_digit (KpProductDialog *self,
                 const char      *message)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Keep a Wrong Check Digit?"),
                                                       message));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Check Again"),
                                    "keep", _("_Keep It"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter out of habit does not store a number that is likely mistyped. */
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_check_digit_response_cb), self,
                           0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved (KpProductDialog  *self,
       KpCatalogProduct *product,
       GError           *error)
{
  GtkWidget *field = NULL;

  set_busy (self, FALSE);
  if (product == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_CHECK_DIGIT))
        {
          ask_check_digit (self, error->message);
          return;
        }
      if (error->domain == KP_CATALOG_ERROR)
        {
          switch (error->code)
            {
            case KP_CATALOG_ERROR_INVALID_NAME:
              field = GTK_WIDGET (self->name_entry);
              break;
            case KP_CATALOG_ERROR_INVALID_PRICE:
              field = GTK_WIDGET (self->price_entry);
              break;
            case KP_CATALOG_ERROR_INVALID_BARCODE:
            case KP_CATALOG_ERROR_DUPLICATE_BARCODE:
              field = GTK_WIDGET (self->barcode_entry);
              break;
            default:
              break;
            }
        }
      show_error (self, error->message, field);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, product);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_added_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (KpProductDialog) self = user_data;
  g_autoptr (KpCatalogProduct) product = NULL;
  g_autoptr (GError) error = NULL;

  product = kp_catalog_add_product_finish (KP_CATALOG (source), result, &error);
  if (!g_cancellable_is_cancelled (self->cancellable))
    saved (self, product, error);
}

static void
on_updated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (KpProductDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCatalogProduct) product = g_steal_pointer (&self->saving);
  gboolean ok = kp_catalog_update_product_finish (KP_CATALOG (source), result, &error);

  if (!g_cancellable_is_cancelled (self->cancellable))
    saved (self, ok ? product : NULL, error);
}

/* The product as the fields say, or %NULL with the field at fault told. */
static KpCatalogProduct *
read_fields (KpProductDialog *self)
{
  g_autoptr (KpCatalogProduct) product = kp_catalog_product_copy (self->product);
  g_autoptr (GError) error = NULL;
  g_autofree char *category = NULL;
  gint64 price = 0;

  if (!kp_cart_parse_amount (gtk_editable_get_text (GTK_EDITABLE (self->price_entry)), &price,
                             &error))
    {
      show_error (self, error->message, GTK_WIDGET (self->price_entry));
      return NULL;
    }
  gtk_spin_button_update (self->quick_key_spin);
  category = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->category_entry))));

  g_free (product->name);
  product->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry)));
  product->price = price;
  g_free (product->category);
  product->category = *category != '\0' ? g_steal_pointer (&category) : NULL;
  product->quick_key = (guint) gtk_spin_button_get_value_as_int (self->quick_key_spin);
  product->tax_free = gtk_check_button_get_active (self->tax_free_check);
  product->active = gtk_check_button_get_active (self->active_check);
  g_strfreev (product->barcodes);
  product->barcodes = barcodes_to_save (self);
  return g_steal_pointer (&product);
}

static void
save (KpProductDialog *self,
      KpCatalogFlags   flags)
{
  g_autoptr (KpCatalogProduct) product = NULL;

  if (self->busy)
    return;
  product = read_fields (self);
  if (product == NULL)
    return;
  set_busy (self, TRUE);
  if (product->id == 0)
    {
      kp_catalog_add_product_async (self->catalog, product, flags, self->cancellable,
                                    on_added_cb, g_object_ref (self));
    }
  else
    {
      kp_catalog_update_product_async (self->catalog, product, flags, self->cancellable,
                                       on_updated_cb, g_object_ref (self));
      g_clear_pointer (&self->saving, kp_catalog_product_free);
      self->saving = g_steal_pointer (&product);
    }
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (KP_PRODUCT_DIALOG (widget), KP_CATALOG_NONE);
}

/* Removing */

static void
on_removed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (KpProductDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!kp_catalog_remove_product_finish (KP_CATALOG (source), result, &error))
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        {
          set_busy (self, FALSE);
          show_error (self, error->message, NULL);
        }
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REMOVED], 0, self->product->id);
  if (!g_cancellable_is_cancelled (self->cancellable))
    gtk_window_close (GTK_WINDOW (self));
}

static void
on_remove_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       KpProductDialog  *self)
{
  if (g_strcmp0 (response, "remove") != 0 || self->busy)
    return;
  set_busy (self, TRUE);
  kp_catalog_remove_product_async (self->catalog, self->product->id, self->cancellable,
                                   on_removed_cb, g_object_ref (self));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpProductDialog *self = KP_PRODUCT_DIALOG (widget);
  AdwMessageDialog *dialog;

  if (self->product->id == 0)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: %s is a product's name */
  adw_message_dialog_format_heading (dialog, _("Remove “%s”?"), self->product->name);
  adw_message_dialog_set_body (dialog,
                               _("Past sales keep it as it was sold. To stop selling it "
                                 "but keep it in the catalog, untick “Active” instead."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The focus in the name as the dialog shows (not before: see kp-catalog-window.c). */
static void
kp_product_dialog_map (GtkWidget *widget)
{
  KpProductDialog *self = KP_PRODUCT_DIALOG (widget);

  GTK_WIDGET_CLASS (kp_product_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
}

static void
kp_product_dialog_unmap (GtkWidget *widget)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  GTK_WIDGET_CLASS (kp_product_dialog_parent_class)->unmap (widget);
  if (parent != NULL)
    kp_present_now (parent);
}

static void
kp_product_dialog_dispose (GObject *object)
{
  KpProductDialog *self = KP_PRODUCT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_PRODUCT_DIALOG);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (kp_product_dialog_parent_class)->dispose (object);
}

static void
kp_product_dialog_finalize (GObject *object)
{
  KpProductDialog *self = KP_PRODUCT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->product, kp_catalog_product_free);
  g_clear_pointer (&self->saving, kp_catalog_product_free);
  g_clear_pointer (&self->barcodes, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_product_dialog_parent_class)->finalize (object);
}

static void
kp_product_dialog_class_init (KpProductDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_product_dialog_dispose;
  object_class->finalize = kp_product_dialog_finalize;
  widget_class->map = kp_product_dialog_map;
  widget_class->unmap = kp_product_dialog_unmap;

  /**
   * KpProductDialog::saved:
   * @product: the product as stored
   *
   * The product was stored; the dialog closes.
   */
  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KP_TYPE_CATALOG_PRODUCT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * KpProductDialog::removed:
   * @id: the product's id
   *
   * The product was removed from the catalog.
   */
  signals[SIGNAL_REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-product-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, active_check);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, barcode_entry);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, barcode_list);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, category_entry);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, price_entry);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, quick_key_spin);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, remove_button);
  gtk_widget_class_bind_template_child (widget_class, KpProductDialog, tax_free_check);
  gtk_widget_class_bind_template_callback (widget_class, on_barcode_activate_cb);

  gtk_widget_class_install_action (widget_class, "product.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "product.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "product.add-barcode", NULL,
                                   add_barcode_action);
  gtk_widget_class_install_action (widget_class, "product.remove-barcode", "s",
                                   remove_barcode_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kp_product_dialog_init (KpProductDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->barcodes = g_ptr_array_new_with_free_func (g_free);
}

/**
 * kp_product_dialog_new:
 * @parent: the catalog editor
 * @catalog: the catalog
 * @product: (nullable): the product as stored, or %NULL for a new one
 *
 * Returns: (transfer none): the dialog; present it
 */
KpProductDialog *
kp_product_dialog_new (GtkWindow              *parent,
                       KpCatalog              *catalog,
                       const KpCatalogProduct *product)
{
  KpProductDialog *self;

  g_return_val_if_fail (KP_IS_CATALOG (catalog), NULL);

  self = g_object_new (KP_TYPE_PRODUCT_DIALOG, "transient-for", parent, NULL);
  self->catalog = g_object_ref (catalog);
  self->product = product != NULL ? kp_catalog_product_copy (product)
                                  : kp_catalog_product_new ("", 0);
  if (product != NULL)
    {
      g_autofree char *price = g_strdup_printf ("%" G_GINT64_FORMAT, product->price);

      gtk_window_set_title (GTK_WINDOW (self), _("Edit Product"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), product->name);
      gtk_editable_set_text (GTK_EDITABLE (self->price_entry), price);
      gtk_editable_set_text (GTK_EDITABLE (self->category_entry),
                             product->category != NULL ? product->category : "");
      gtk_spin_button_set_value (self->quick_key_spin, product->quick_key);
      gtk_check_button_set_active (self->tax_free_check, product->tax_free);
      gtk_check_button_set_active (self->active_check, product->active);
      for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
        g_ptr_array_add (self->barcodes, g_strdup (product->barcodes[i]));
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), _("New Product"));
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), product != NULL);
  set_busy (self, FALSE);
  show_barcodes (self);
  return self;
}
