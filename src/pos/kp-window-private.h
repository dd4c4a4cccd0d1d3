/* kp-window-private.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kp-barcode-map.h"
#include "kp-bench.h"
#include "kp-cart-line.h"
#include "kp-cart-view.h"
#include "kp-catalog.h"
#include "kp-catalog-window.h"
#include "kp-checkout-page.h"
#include "kp-checkout.h"
#include "kp-done-page.h"
#include "kp-entry-bar.h"
#include "kp-error.h"
#include "kp-history-view.h"
#include "kp-money.h"
#include "kp-refund-dialog.h"
#include "kp-resources.h"
#include "kp-scan-queue.h"
#include "kp-sale-format.h"
#include "kp-present.h"
#include "kp-window.h"

G_BEGIN_DECLS

struct _KpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  GtkButton            *charge_button;
  GtkLabel             *charge_label;
  GtkSpinner           *charge_spinner;
  KpEntryBar           *entry_bar;
  KpCartView           *cart_view;
  GtkBox               *history_page;
  GtkLabel             *message_label;
  GtkBox               *quick_keys_box;
  GtkScrolledWindow    *quick_keys_scroller;
  GtkExpander          *message_details;
  GtkLabel             *message_details_label;
  GtkLabel             *relay_status_label;
  GtkLabel             *shop_status_label;
  GtkLabel             *setup_error_label;
  GtkStack             *stack;
  GtkBox               *recovery_box;
  GtkLabel             *recovery_label;
  GtkBox               *receipt_banner;
  GtkLabel             *receipt_banner_label;
  GtkSpinner           *recovery_spinner;
  GtkLabel             *supply_label;
  GtkLabel             *tax_free_label;
  GtkLabel             *test_mode_banner;
  GtkLabel             *live_label;
  AdwToastOverlay      *toast_overlay;
  AdwToastOverlay      *cart_toast_overlay;
  GtkLabel             *total_label;
  GtkLabel             *vat_label;
  AdwViewStack         *view_stack;

  /* Owned */
  GtkWindow            *shortcuts_window;   /* built when first asked for */
  KpCart               *cart;
  guint                 charge_spinner_id;
  KpCheckoutPage       *checkout_page;   /* NULL until kp_window_get_checkout_page() */
  KpDonePage           *done_page;       /* NULL until kp_window_get_done_page() */
  gulong                pages_clock_id;
  gboolean              first_frame_done;  /* "first-frame" emitted */
  gboolean              charge_quiet;     /* a charge started, nothing shown yet */
  gulong                bench_clock_id;
  int                   bench_charge_frames;  /* since Charge; -1 once the QR is painted */
  gboolean              first_frame_reported;
  gboolean              qr_paint_pending;
  char                 *retry_order_id;     /* the attempt that could not start, if any */
  KpCartLine           *removed_line;       /* the last line removed, for Undo */
  guint                 removed_position;
  gint64                qr_shown_us;        /* monotonic; 0 while no QR is shown */
  KpStatus              payment_status;     /* the last one KakaoPay reported */
  char                 *failed_receipt_order_id;   /* the receipt the banner is about */
  char                 *failed_receipt_refund_id;
  char                 *printed_order_id;   /* the last sale whose receipt printed */
  KpCatalog            *catalog;            /* once opened */
  gboolean              catalog_opening;     /* waited for, not open yet */
  gboolean              catalog_reading;     /* its file being opened */
  char                 *catalog_next_action;   /* to activate once it is open */
  KpScanQueue          *scans;              /* the catalog's barcodes, and scans waiting */
  gboolean              barcode_map_loading;
  gboolean              barcode_map_stale;  /* changed while being read: read again */
  GCancellable         *catalog_cancellable;
  GCancellable         *search_cancellable; /* the suggestions being looked up */
  GtkPopover           *suggestions;        /* the item field's child */
  GtkListBox           *suggestion_list;
  GSignalGroup         *shop_signals;       /* the terminal's shop replicator's */

  /* Borrowed */
  AdwMessageDialog     *cancel_dialog;      /* weak: the confirmation, while it is open */
  AdwToast             *undo_toast;         /* weak: "Undo" for the line just removed */
  AdwMessageDialog     *quit_dialog;        /* weak: the question before quitting */
  KpCatalogWindow      *catalog_window;     /* weak: the catalog editor, while open */
  KpHistoryView        *history_view;       /* history_page's, once it is first shown */
  KpApplication        *application;
  GtkSingleSelection   *selection;          /* cart_view's */
  GtkEntry             *item_entry;         /* entry_bar's fields */
  GtkEntry             *quantity_entry;
  GtkEntry             *amount_entry;
  GtkCheckButton       *tax_free_check;
  KpTerminal           *terminal;
  KpCheckout           *checkout;
};

KpHistoryView *
kp_window_ensure_history_view (KpWindow *self);
KpCheckoutPage *
kp_window_get_checkout_page (KpWindow *self);
KpDonePage *
kp_window_get_done_page (KpWindow *self);
void
kp_window_schedule_sale_pages (KpWindow *self);

void
kp_window_focus_sale_page (KpWindow *self);

void
kp_window_on_view_changed_cb (KpWindow *self);

void
kp_window_close_cancel_dialog (KpWindow *self);

void
kp_window_on_checkout_available_cb (KpWindow *self);

void
kp_window_on_map_cb (KpWindow *self);

void
kp_window_show_page (KpWindow   *self,
                     const char *name);

void
kp_window_update_payment_page (KpWindow *self);

void
kp_window_forget_removed_line (KpWindow *self);

void
kp_window_on_entry_activate_cb (KpWindow *self,
                                GtkEntry *entry);

void
kp_window_on_cart_edit_failed_cb (KpWindow   *self,
                                  const char *message);

void
kp_window_on_cart_line_edited_cb (KpWindow *self);

gboolean
kp_window_on_item_key_cb (KpWindow              *self,
                          guint                 keyval,
                          guint                 keycode,
                          GdkModifierType       state,
                          GtkEventControllerKey *controller);

gboolean
kp_window_on_tax_free_key_cb (KpWindow              *self,
                              guint                 keyval,
                              guint                 keycode,
                              GdkModifierType       state,
                              GtkEventControllerKey *controller);

void
kp_window_reset_entries (KpWindow *self);

void
kp_window_select_line (KpWindow *self,
                       guint     position);

void
kp_window_init_catalog (KpWindow *self);

void
kp_window_open_catalog (KpWindow *self);

void
kp_window_dispose_catalog (KpWindow *self);

gboolean
kp_window_catalog_gone (KpWindow *self);

gboolean
kp_window_with_catalog (KpWindow   *self,
                        const char *action);

void
kp_window_catalog_changed (KpWindow *self);

void
kp_window_reload_quick_keys (KpWindow *self);

void
kp_window_class_add_catalog_actions (GtkWidgetClass *widget_class);

void
kp_window_class_add_import_actions (GtkWidgetClass *widget_class);

void
kp_window_import_catalog (KpWindow  *self,
                          GtkWindow *parent);

gboolean
kp_window_add_product (KpWindow               *self,
                       const KpCatalogProduct *product);

gboolean
kp_window_is_digits (const char *text);

gboolean
kp_window_scan_item (KpWindow *self);

void
kp_window_reload_barcodes (KpWindow *self);

void
kp_window_check_barcodes (KpWindow *self);

void
kp_window_barcodes_product_saved (KpWindow               *self,
                                  const KpCatalogProduct *product);

void
kp_window_barcodes_product_removed (KpWindow *self,
                                    gint64    id);

void
kp_window_scans_wait (KpWindow *self);

void
kp_window_scans_catalog_settled (KpWindow *self);

void
kp_window_init_scans (KpWindow *self);

void
kp_window_dispose_scans (KpWindow *self);

void
kp_window_init_suggestions (KpWindow *self);

void
kp_window_dispose_suggestions (KpWindow *self);

gboolean
kp_window_suggestions_key (KpWindow *self,
                           guint     keyval);

void
kp_window_add_toast (KpWindow *self,
                     AdwToast *t);

void
kp_window_focus_item_entry (KpWindow *self);

gboolean
kp_window_is_sale_view (KpWindow *self);

void
kp_window_show_entry_error (KpWindow   *self,
                            const char *message,
                            GtkWidget  *field);

void
kp_window_show_message (KpWindow   *self,
                        const char *message);

void
kp_window_show_message_with_details (KpWindow   *self,
                                     const char *message,
                                     const char *details);

void
kp_window_toast (KpWindow   *self,
                 const char *text);

void
kp_window_update_actions (KpWindow *self);

void
kp_window_class_add_entry_actions (GtkWidgetClass *widget_class);

void
kp_window_class_add_checkout_actions (GtkWidgetClass *widget_class);

void
kp_window_class_add_view_actions (GtkWidgetClass *widget_class);

void
kp_window_class_add_receipt_actions (GtkWidgetClass *widget_class);

void
kp_window_watch_receipts (KpWindow *self);

void
kp_window_watch_shop (KpWindow *self);

void
kp_window_dispose_shop (KpWindow *self);

void
kp_window_receipts_sale_done (KpWindow            *self,
                              const KpJournalSale *sale);

G_END_DECLS
