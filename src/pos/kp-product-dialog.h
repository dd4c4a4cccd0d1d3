/* kp-product-dialog.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-catalog.h"

G_BEGIN_DECLS

#define KP_TYPE_PRODUCT_DIALOG (kp_product_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KpProductDialog, kp_product_dialog, KP, PRODUCT_DIALOG, AdwWindow)

KpProductDialog *kp_product_dialog_new (GtkWindow              *parent,
                                        KpCatalog              *catalog,
                                        const KpCatalogProduct *product);

G_END_DECLS
