/* kp-catalog-window-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-catalog-window.h"

G_BEGIN_DECLS

struct _KpCatalogWindow
{
  AdwWindow        parent_instance;

  /* Template children */
  GtkLabel        *count_label;
  GtkListBox      *keys_list;
  GtkLabel        *no_keys_label;
  GtkListBox      *products_list;
  GtkSearchEntry  *search_entry;
  AdwToastOverlay *toast_overlay;
  AdwViewStack    *view_stack;

  /* Owned */
  KpCatalog       *catalog;
  GCancellable    *cancellable;          /* cancelled as the window goes */
  GCancellable    *list_cancellable;     /* the product list being read */
  GPtrArray       *keys;                 /* of KpCatalogProduct: the quick keys listed */
  gint64           focus_key_id;         /* the key just moved, to keep the focus on */
  int              focus_key_step;
};

enum {
  KP_CATALOG_WINDOW_PRODUCT_SAVED,
  KP_CATALOG_WINDOW_PRODUCT_REMOVED,
  KP_CATALOG_WINDOW_QUICK_KEYS_CHANGED,
  KP_CATALOG_WINDOW_IMPORT_REQUESTED,
  KP_CATALOG_WINDOW_N_SIGNALS
};

extern guint _kp_catalog_window_signals[KP_CATALOG_WINDOW_N_SIGNALS];

void _kp_catalog_window_load_keys          (KpCatalogWindow *self);
void _kp_catalog_window_focus_keys         (KpCatalogWindow *self);
void _kp_catalog_window_class_add_key_actions (GtkWidgetClass *widget_class);

G_END_DECLS
