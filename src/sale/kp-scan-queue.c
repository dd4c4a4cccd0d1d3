/* kp-scan-queue.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include "kp-scan-queue.h"

/*
 * Scans in order. A scan is looked up in the catalog's barcodes in memory
 * (#KpBarcodeMap) as soon as it comes; while the barcodes are being read (the catalog
 * opening, or read again after an import) scans wait in a queue, and are resolved in the
 * order they came once the barcodes are there. Nothing is lost, merged or reordered. One
 * thread (the main one).
 */

struct _KpScanQueue
{
  KpScanFunc    func;
  gpointer      user_data;
  KpBarcodeMap *map;       /* NULL: no catalog (every code unknown) */
  GQueue        waiting;   /* of char *: the codes, oldest first */
  gboolean      is_waiting;
};

/**
 * kp_scan_queue_new:
 * @func: called with each scan resolved
 * @user_data: for @func
 *
 * Returns: (transfer full): a queue without barcodes, not waiting
 */
KpScanQueue *
kp_scan_queue_new (KpScanFunc func,
                   gpointer   user_data)
{
  KpScanQueue *self = g_new0 (KpScanQueue, 1);

  g_return_val_if_fail (func != NULL, NULL);

  self->func = func;
  self->user_data = user_data;
  g_queue_init (&self->waiting);
  return self;
}

/* Waiting scans are dropped unresolved: the window they were for is gone. */
void
kp_scan_queue_free (KpScanQueue *self)
{
  if (self == NULL)
    return;
  g_queue_clear_full (&self->waiting, g_free);
  g_clear_pointer (&self->map, kp_barcode_map_unref);
  g_free (self);
}

static void
resolve (KpScanQueue *self,
         const char  *code)
{
  g_autoptr (KpCatalogProduct) product = NULL;
  const KpCatalogProduct *found = self->map != NULL ? kp_barcode_map_lookup (self->map, code)
                                                    : NULL;

  /* A copy: @func may change the map. */
  if (found != NULL)
    product = kp_catalog_product_copy (found);
  self->func (code, product, self->user_data);
}

/**
 * kp_scan_queue_wait:
 * @self: a #KpScanQueue
 *
 * The barcodes are on their way: scans wait for kp_scan_queue_set_map().
 */
void
kp_scan_queue_wait (KpScanQueue *self)
{
  g_return_if_fail (self != NULL);

  self->is_waiting = TRUE;
}

/**
 * kp_scan_queue_set_map:
 * @self: a #KpScanQueue
 * @map: (nullable) (transfer none): the barcodes, or %NULL when there are none
 *
 * The barcodes are here: the waiting scans are resolved, oldest first, and the next
 * ones as they come.
 */
void
kp_scan_queue_set_map (KpScanQueue  *self,
                       KpBarcodeMap *map)
{
  char *code;

  g_return_if_fail (self != NULL);

  if (map != NULL)
    kp_barcode_map_ref (map);
  g_clear_pointer (&self->map, kp_barcode_map_unref);
  self->map = map;
  self->is_waiting = FALSE;
  /* One at a time: a scan resolved may start a wait again, and the rest wait on. */
  while (!self->is_waiting && (code = g_queue_pop_head (&self->waiting)) != NULL)
    {
      resolve (self, code);
      g_free (code);
    }
}

gboolean
kp_scan_queue_is_waiting (KpScanQueue *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->is_waiting;
}

/**
 * kp_scan_queue_get_map:
 * @self: a #KpScanQueue
 *
 * Returns: (transfer none) (nullable): the barcodes, %NULL before they are read or
 *   without a catalog
 */
KpBarcodeMap *
kp_scan_queue_get_map (KpScanQueue *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->map;
}

/**
 * kp_scan_queue_push:
 * @self: a #KpScanQueue
 * @code: a barcode just scanned
 *
 * Resolves @code now, or once the barcodes are there if scans wait; always after every
 * scan pushed before it.
 */
void
kp_scan_queue_push (KpScanQueue *self,
                    const char  *code)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (code != NULL);

  if (self->is_waiting || !g_queue_is_empty (&self->waiting))
    g_queue_push_tail (&self->waiting, g_strdup (code));
  else
    resolve (self, code);
}
