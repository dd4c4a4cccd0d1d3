/* kp-barcode-map.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-catalog.h"

G_BEGIN_DECLS

#define KP_TYPE_BARCODE_MAP (kp_barcode_map_get_type ())

typedef struct _KpBarcodeMap KpBarcodeMap;

GType                   kp_barcode_map_get_type  (void) G_GNUC_CONST;
KpBarcodeMap           *kp_barcode_map_new       (void);
KpBarcodeMap           *kp_barcode_map_ref       (KpBarcodeMap           *self);
void                    kp_barcode_map_unref     (KpBarcodeMap           *self);
void                    kp_barcode_map_put       (KpBarcodeMap           *self,
                                                  const KpCatalogProduct *product);
void                    kp_barcode_map_remove    (KpBarcodeMap           *self,
                                                  gint64                  id);
const KpCatalogProduct *kp_barcode_map_lookup    (KpBarcodeMap           *self,
                                                  const char             *barcode);
guint                   kp_barcode_map_get_size  (KpBarcodeMap           *self);
gint64                  kp_barcode_map_get_data_version (KpBarcodeMap    *self);

KpBarcodeMap           *kp_catalog_load_barcode_map_sync   (KpCatalog            *catalog,
                                                            GError              **error);
void                    kp_catalog_load_barcode_map_async  (KpCatalog            *catalog,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
KpBarcodeMap           *kp_catalog_load_barcode_map_finish (KpCatalog            *catalog,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpBarcodeMap, kp_barcode_map_unref)

G_END_DECLS
