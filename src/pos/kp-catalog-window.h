/* kp-catalog-window.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "kp-catalog.h"

G_BEGIN_DECLS

#define KP_TYPE_CATALOG_WINDOW (kp_catalog_window_get_type ())

G_DECLARE_FINAL_TYPE (KpCatalogWindow, kp_catalog_window, KP, CATALOG_WINDOW, AdwWindow)

KpCatalogWindow *kp_catalog_window_new    (GtkWindow       *parent,
                                           KpCatalog       *catalog);
void             kp_catalog_window_reload (KpCatalogWindow *self);
void             kp_catalog_window_toast  (KpCatalogWindow *self,
                                           const char      *text);

G_END_DECLS
