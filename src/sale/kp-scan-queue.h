/* kp-scan-queue.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-barcode-map.h"

G_BEGIN_DECLS

/**
 * KpScanFunc:
 * @code: the barcode scanned
 * @product: (nullable): its product, %NULL for an unknown code
 * @user_data: what was given to kp_scan_queue_new()
 *
 * A scan resolved; called once per kp_scan_queue_push(), in the order of the pushes.
 */
typedef void (*KpScanFunc) (const char             *code,
                            const KpCatalogProduct *product,
                            gpointer                user_data);

typedef struct _KpScanQueue KpScanQueue;

KpScanQueue  *kp_scan_queue_new         (KpScanFunc    func,
                                         gpointer      user_data);
void          kp_scan_queue_free        (KpScanQueue  *self);
void          kp_scan_queue_wait        (KpScanQueue  *self);
void          kp_scan_queue_set_map     (KpScanQueue  *self,
                                         KpBarcodeMap *map);
gboolean      kp_scan_queue_is_waiting  (KpScanQueue  *self);
KpBarcodeMap *kp_scan_queue_get_map     (KpScanQueue  *self);
void          kp_scan_queue_push        (KpScanQueue  *self,
                                         const char   *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpScanQueue, kp_scan_queue_free)

G_END_DECLS
