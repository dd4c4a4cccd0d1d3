/* kp-window-scan.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/*
 * Scans: a barcode typed into the item field, then Enter. The catalog's barcodes are
 * read into memory in a worker thread when the catalog opens (and again after an
 * import), and kept up to date as the catalog editor saves; a scan is looked up there,
 * on the main thread, without waiting for the disk. A scan that comes while they are
 * being read waits in a queue, in order, and is added once they are there. Each Enter
 * takes the field's text as it is at that moment and empties the field at once, so
 * scans of a fast burst are never merged, lost or reordered.
 */

/* One more of @product: its line's quantity if the cart has the same item at the same
 * price, or a new line. */
gboolean
kp_window_add_product (KpWindow               *self,
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

gboolean
kp_window_is_digits (const char *text)
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

  return kp_window_is_digits (text) && length >= 8 && length <= KP_CATALOG_MAX_BARCODE_LENGTH;
}

/* A scan whose product is known (or not) now: the cart takes it unless the customer is
 * paying for it already. */
static void
resolve_scan (const char             *code,
              const KpCatalogProduct *product,
              gpointer                user_data)
{
  KpWindow *self = user_data;
  g_autofree char *message = NULL;

  if (product == NULL)
    {
      /* Translators: %s is the barcode just scanned, e.g. 8801234567890 */
      message = g_strdup_printf (_("Unknown barcode %s"), code);
      kp_window_show_entry_error (self, message, NULL);
    }
  else if (kp_cart_get_frozen (self->cart))
    {
      /* Translators: %s is a product's name; the scan came as the payment started */
      message = g_strdup_printf (_("“%s” was not added: the customer is paying."),
                                 product->name);
      kp_window_toast (self, message);
    }
  else
    kp_window_add_product (self, product);
}

/* The scanned @code leaves the field: all of it, or the end of @text after some typing
 * (which stays, for the cashier to finish). */
static void
take_code (KpWindow   *self,
           const char *text,
           const char *code)
{
  if (code != text)
    {
      g_autofree char *typed = g_strndup (text, code - text);

      gtk_editable_set_text (GTK_EDITABLE (self->item_entry), g_strchomp (typed));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->item_entry), "");
}

/**
 * kp_window_scan_item:
 * @self: the window
 *
 * Enter in the item field: a known barcode there adds its product and empties the
 * field; an unknown one (digits only) is reported and emptied too, for the next scan.
 * Scanned after some typing, the product's code is the digits at the end, and the
 * typing stays. It reads the field as it is now, so each scan of a fast burst is its
 * own. While the barcodes are being read, a code of digits waits for them, in order.
 *
 * Returns: whether the field held a barcode (Enter is handled)
 */
gboolean
kp_window_scan_item (KpWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *code_copy = NULL;
  const char *code;

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

  if (kp_scan_queue_is_waiting (self->scans))
    {
      /* Only digits are surely a scan before the barcodes are known. */
      if (!looks_like_barcode (code))
        return FALSE;
    }
  else
    {
      KpBarcodeMap *map = kp_scan_queue_get_map (self->scans);

      /* Anything else is a scan only if it is a product's code. */
      if ((map == NULL || kp_barcode_map_lookup (map, code) == NULL) &&
          (code != text || !looks_like_barcode (code)))
        return FALSE;
    }
  /* The code leaves the field before it is resolved: the next scan finds it empty. */
  code_copy = g_strdup (code);
  take_code (self, text, code);
  kp_scan_queue_push (self->scans, code_copy);
  kp_window_focus_item_entry (self);
  return TRUE;
}

/* The barcodes */

static void load_barcode_map (KpWindow *self);

static void
on_barcode_map_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  g_autoptr (KpBarcodeMap) map = NULL;
  g_autoptr (GError) error = NULL;

  map = kp_catalog_load_barcode_map_finish (KP_CATALOG (source), result, &error);
  if (kp_window_catalog_gone (self))
    return;
  if (self->barcode_map_stale)
    {
      /* The catalog changed while it was read: read it again. */
      load_barcode_map (self);
      return;
    }
  self->barcode_map_loading = FALSE;
  if (map == NULL)
    g_message ("Could not read the catalog’s barcodes: %s", error->message);
  /* Without them every code is unknown, as without a catalog. */
  kp_scan_queue_set_map (self->scans, map);
}

static void
load_barcode_map (KpWindow *self)
{
  self->barcode_map_loading = TRUE;
  self->barcode_map_stale = FALSE;
  kp_scan_queue_wait (self->scans);
  kp_catalog_load_barcode_map_async (self->catalog, self->catalog_cancellable,
                                     on_barcode_map_cb, g_object_ref (self));
}

/**
 * kp_window_reload_barcodes:
 * @self: the window, its catalog open
 *
 * Reads the catalog's barcodes again (after an import); scans wait for them.
 */
void
kp_window_reload_barcodes (KpWindow *self)
{
  if (self->catalog == NULL)
    return;
  if (self->barcode_map_loading)
    self->barcode_map_stale = TRUE;
  else
    load_barcode_map (self);
}

static void
on_data_version_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (KpWindow) self = user_data;
  gint64 version = kp_catalog_get_data_version_finish (KP_CATALOG (source), result);
  KpBarcodeMap *map;

  if (kp_window_catalog_gone (self) || self->barcode_map_loading)
    return;
  map = kp_scan_queue_get_map (self->scans);
  if (map != NULL && version >= 0 && version != kp_barcode_map_get_data_version (map))
    load_barcode_map (self);
}

/**
 * kp_window_check_barcodes:
 * @self: the window
 *
 * Reads the barcodes again if another process changed the catalog (kakaopay-pos
 * --import-catalog while the window is open); checked as the window comes back to
 * the front.
 */
void
kp_window_check_barcodes (KpWindow *self)
{
  if (self->catalog == NULL || self->barcode_map_loading)
    return;
  kp_catalog_get_data_version_async (self->catalog, self->catalog_cancellable,
                                     on_data_version_cb, g_object_ref (self));
}

/**
 * kp_window_barcodes_product_saved:
 * @self: the window
 * @product: a product as it was just stored
 *
 * The next scan of @product's barcodes finds it as it is now.
 */
void
kp_window_barcodes_product_saved (KpWindow               *self,
                                  const KpCatalogProduct *product)
{
  KpBarcodeMap *map = kp_scan_queue_get_map (self->scans);

  if (self->barcode_map_loading)
    self->barcode_map_stale = TRUE;
  else if (map != NULL)
    kp_barcode_map_put (map, product);
}

void
kp_window_barcodes_product_removed (KpWindow *self,
                                    gint64    id)
{
  KpBarcodeMap *map = kp_scan_queue_get_map (self->scans);

  if (self->barcode_map_loading)
    self->barcode_map_stale = TRUE;
  else if (map != NULL)
    kp_barcode_map_remove (map, id);
}

/* The catalog is opening: scans wait for it. */
void
kp_window_scans_wait (KpWindow *self)
{
  kp_scan_queue_wait (self->scans);
}

/* The catalog could not be opened: waiting scans are unknown. */
void
kp_window_scans_catalog_settled (KpWindow *self)
{
  kp_scan_queue_set_map (self->scans, NULL);
}

void
kp_window_init_scans (KpWindow *self)
{
  self->scans = kp_scan_queue_new (resolve_scan, self);
}

void
kp_window_dispose_scans (KpWindow *self)
{
  g_clear_pointer (&self->scans, kp_scan_queue_free);
}
