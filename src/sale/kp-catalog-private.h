/* kp-catalog-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-catalog.h"
#include "kp-catalog-csv.h"

G_BEGIN_DECLS

void        _kp_catalog_lock                 (KpCatalog         *self);
void        _kp_catalog_unlock               (KpCatalog         *self);
void        _kp_catalog_forget_search        (KpCatalog         *self);
gboolean    _kp_catalog_exec                 (KpCatalog         *self,
                                              const char        *sql,
                                              GError           **error);
gboolean    _kp_catalog_write_product        (KpCatalog         *self,
                                              KpCatalogProduct  *product,
                                              KpCatalogFlags     flags,
                                              GError           **error);
GPtrArray  *_kp_catalog_list_products_locked (KpCatalog         *self,
                                              gboolean           only_active,
                                              GError           **error);
gboolean    _kp_catalog_validate_barcode     (const char        *barcode,
                                              KpCatalogFlags     flags,
                                              GError           **error);
char       *_kp_catalog_initials_key         (const char        *text);

G_END_DECLS
