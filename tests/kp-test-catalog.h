/* kp-test-catalog.h: a catalog of the test's own, in a temporary directory
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  char      *dir;
  char      *path;       /* in a folder of @dir the catalog made */
  KpCatalog *catalog;
} KpTestCatalog;

void   kp_test_catalog_set_up    (KpTestCatalog    *fixture,
                                  gconstpointer     data);
void   kp_test_catalog_tear_down (KpTestCatalog    *fixture,
                                  gconstpointer     data);
gint64 kp_test_catalog_add       (KpCatalog        *catalog,
                                  KpCatalogProduct *product);

G_END_DECLS
