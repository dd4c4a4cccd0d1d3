/* kp-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

G_DEFINE_FINAL_TYPE (KpWindow, kp_window, ADW_TYPE_APPLICATION_WINDOW)

void
kp_window_focus_item_entry (KpWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->item_entry));
}

void
kp_window_show_entry_error (KpWindow   *self,
                            const char *message,
                            GtkWidget  *field)
{
  kp_entry_bar_show_error (self->entry_bar, message);
  if (field != NULL)
    gtk_widget_grab_focus (field);
}

/* @details: (nullable): the system's or KakaoPay's own words, kept behind "Details" */
void
kp_window_show_message_with_details (KpWindow   *self,
                                     const char *message,
                                     const char *details)
{
  gboolean has_details = message != NULL && details != NULL && *details != '\0';

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  gtk_label_set_text (self->message_details_label, has_details ? details : "");
  gtk_expander_set_expanded (self->message_details, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_details), has_details);
}

void
kp_window_show_message (KpWindow   *self,
                        const char *message)
{
  kp_window_show_message_with_details (self, message, NULL);
}


/* Where a message pops up: over the cart while the cart is on screen, so that it never
 * covers the Charge button beside it; over the whole view otherwise. */
void
kp_window_add_toast (KpWindow *self,
                     AdwToast *t)
{
  gboolean on_cart = kp_window_is_sale_view (self) &&
                     g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "cart") == 0;

  adw_toast_overlay_add_toast (on_cart ? self->cart_toast_overlay : self->toast_overlay, t);
}

void
kp_window_toast (KpWindow   *self,
                 const char *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  kp_window_add_toast (self, t);
}

static void
set_money_label (GtkLabel *label,
                 gint64    amount)
{
  g_autofree char *text = kp_money_format (amount);

  gtk_label_set_text (label, text);
}

gboolean
kp_window_is_sale_view (KpWindow *self)
{
  return self->view_stack == NULL ||
         g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "sale") == 0;
}

void
kp_window_update_actions (KpWindow *self)
{
  KpCheckoutStage stage = self->checkout != NULL ? kp_checkout_get_stage (self->checkout)
                                                 : KP_CHECKOUT_STAGE_IDLE;
  gboolean idle = stage == KP_CHECKOUT_STAGE_IDLE;
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  /* The sale view's keys (Ctrl+Enter, Escape, Enter) act only while it is on screen. */
  gboolean on_sale = kp_window_is_sale_view (self);
  gboolean on_cart = on_sale && g_strcmp0 (page, "cart") == 0;
  gboolean on_done = on_sale && g_strcmp0 (page, "done") == 0;

  /* The two with buttons on the cart page keep their look while a charge starts quietly
   * (kp-window-checkout.c). */
  if (!self->charge_quiet)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.charge",
                                     self->checkout != NULL && idle && on_cart &&
                                     kp_cart_get_n_lines (self->cart) > 0);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-line", idle && on_cart);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-line", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo-remove",
                                 idle && on_cart && self->removed_line != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-previous", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-next", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.line-more", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.line-less", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-payment",
                                 on_sale && (stage == KP_CHECKOUT_STAGE_STARTING ||
                                             stage == KP_CHECKOUT_STAGE_WAITING));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-sale", on_done);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-receipt",
                                 on_done && kp_done_page_get_order_id (kp_window_get_done_page (self)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refund-sale",
                                 on_done && kp_done_page_get_order_id (kp_window_get_done_page (self)) != NULL &&
                                 kp_terminal_get_refunder (self->terminal) != NULL);
}

static void
update_totals (KpWindow *self)
{
  g_autofree char *total = kp_money_format (kp_cart_get_total (self->cart));
  g_autofree char *charge = NULL;

  gtk_label_set_text (self->total_label, total);
  set_money_label (self->vat_label, kp_cart_get_vat (self->cart));
  set_money_label (self->tax_free_label, kp_cart_get_tax_free (self->cart));
  set_money_label (self->supply_label, kp_cart_get_supply (self->cart));
  /* Translators: the Charge button; %s is the total, e.g. ₩12,300 */
  charge = g_strdup_printf (_("Charge %s"), total);
  gtk_label_set_text (self->charge_label, charge);
  kp_window_update_actions (self);
}

static void
on_cart_changed_cb (KpWindow *self)
{
  /* An emptied cart is the next customer's, not another attempt. */
  if (kp_cart_get_n_lines (self->cart) == 0)
    g_clear_pointer (&self->retry_order_id, g_free);
  update_totals (self);
}


static void
kp_window_dispose (GObject *object)
{
  KpWindow *self = KP_WINDOW (object);

  kp_window_close_cancel_dialog (self);
  kp_window_dispose_catalog (self);
  kp_window_dispose_shop (self);
  if (self->undo_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
  self->undo_toast = NULL;
  if (self->quit_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->quit_dialog), (gpointer *) &self->quit_dialog);
  self->quit_dialog = NULL;
  g_clear_handle_id (&self->charge_spinner_id, g_source_remove);
  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_WINDOW);
  g_clear_object (&self->removed_line);
  g_clear_object (&self->cart);

  G_OBJECT_CLASS (kp_window_parent_class)->dispose (object);
}

static void
kp_window_finalize (GObject *object)
{
  KpWindow *self = KP_WINDOW (object);

  g_free (self->retry_order_id);
  g_free (self->failed_receipt_order_id);
  g_free (self->failed_receipt_refund_id);
  g_free (self->printed_order_id);

  G_OBJECT_CLASS (kp_window_parent_class)->finalize (object);
}

/* Closing the window quits as Ctrl+Q does: it asks first while the cart holds lines. */
static gboolean
kp_window_close_request (GtkWindow *window)
{
  if (kp_window_ask_quit (KP_WINDOW (window)))
    return TRUE;
  return GTK_WINDOW_CLASS (kp_window_parent_class)->close_request (window);
}

static void
kp_window_class_init (KpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kp_window_dispose;
  object_class->finalize = kp_window_finalize;
  window_class->close_request = kp_window_close_request;

  /**
   * KpWindow::first-frame:
   *
   * The window has painted for the first time: what it does not show at once may
   * start now without delaying it.
   */
  g_signal_new ("first-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 0);

  /* Referencing the bundle keeps the linker from dropping it out of the static library
   * (its constructor registers it). */
  g_assert (kp_get_resource () != NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_button);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, entry_bar);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, history_page);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, cart_view);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, live_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_details);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_details_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, relay_status_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, shop_status_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, receipt_banner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, receipt_banner_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_box);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, quick_keys_box);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, quick_keys_scroller);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, setup_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, supply_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, tax_free_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, test_mode_banner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, cart_toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, total_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, vat_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, view_stack);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_entry_activate_cb",
                                                G_CALLBACK (kp_window_on_entry_activate_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_view_changed_cb",
                                                G_CALLBACK (kp_window_on_view_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_cart_edit_failed_cb",
                                                G_CALLBACK (kp_window_on_cart_edit_failed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_cart_line_edited_cb",
                                                G_CALLBACK (kp_window_on_cart_line_edited_cb));

  kp_window_class_add_entry_actions (widget_class);
  kp_window_class_add_catalog_actions (widget_class);
  kp_window_class_add_checkout_actions (widget_class);
  kp_window_class_add_view_actions (widget_class);
  kp_window_class_add_receipt_actions (widget_class);
}

static void
add_shortcut (GtkEventController *controller,
              guint               keyval,
              GdkModifierType     modifiers,
              const char         *action)
{
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval,
                                                                                  modifiers),
                                                          gtk_named_action_new (action)));
}

static void
kp_window_init (KpWindow *self)
{
  GtkEventController *shortcuts;
  GtkEventController *keys;

  g_type_ensure (KP_TYPE_CART_VIEW);
  g_type_ensure (KP_TYPE_ENTRY_BAR);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->bench_charge_frames = -1;
  self->item_entry = kp_entry_bar_get_item_entry (self->entry_bar);
  self->quantity_entry = kp_entry_bar_get_quantity_entry (self->entry_bar);
  self->amount_entry = kp_entry_bar_get_amount_entry (self->entry_bar);
  self->tax_free_check = kp_entry_bar_get_tax_free_check (self->entry_bar);

  self->cart = kp_cart_new ();
  kp_cart_view_set_cart (self->cart_view, self->cart);
  self->selection = kp_cart_view_get_selection (self->cart_view);

  /* Delete removes the selected line while the cart list has the focus; + and - change
   * its quantity. */
  shortcuts = gtk_shortcut_controller_new ();
  add_shortcut (shortcuts, GDK_KEY_Delete, 0, "win.remove-line");
  add_shortcut (shortcuts, GDK_KEY_KP_Delete, 0, "win.remove-line");
  add_shortcut (shortcuts, GDK_KEY_plus, GDK_SHIFT_MASK, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_plus, 0, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_KP_Add, 0, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_minus, 0, "win.line-less");
  add_shortcut (shortcuts, GDK_KEY_KP_Subtract, 0, "win.line-less");
  gtk_widget_add_controller (GTK_WIDGET (self->cart_view), shortcuts);

  /* Ctrl+Z puts the removed line back, unless a field has typing of its own to undo
   * (it handles the key first). */
  shortcuts = gtk_shortcut_controller_new ();
  add_shortcut (shortcuts, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo-remove");
  /* Ctrl+P prints the completed sale's receipt (the action is enabled on that page). */
  add_shortcut (shortcuts, GDK_KEY_p, GDK_CONTROL_MASK, "win.print-receipt");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (kp_window_on_tax_free_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->tax_free_check), keys);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (kp_window_on_item_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->item_entry), keys);

  kp_window_init_catalog (self);

  kp_window_show_page (self, "cart");
  g_signal_connect (self, "map", G_CALLBACK (kp_window_schedule_sale_pages), NULL);
  g_signal_connect (self, "map", G_CALLBACK (kp_window_on_map_cb), NULL);
  g_signal_connect_object (self->cart, "items-changed", G_CALLBACK (on_cart_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cart, "notify::total", G_CALLBACK (on_cart_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_totals (self);
}

/* The banner and the title follow the mode as the preferences change it. */
static void
update_test_mode (KpWindow *self)
{
  gboolean test_cid = kp_terminal_uses_test_cid (self->terminal);
  gboolean test_mode = kp_terminal_is_test_mode (self->terminal) || test_cid;

  /* KakaoPay with its test CID moves no money either: the cashier must see so. */
  gtk_label_set_text (self->test_mode_banner,
                      test_cid ? _("TEST MODE — KakaoPay test CID: no real payments. Set "
                                   "the shop’s CID in Preferences.")
                               : _("TEST MODE — sandbox: no real payments"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_mode_banner), test_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->live_label), !test_mode);
  gtk_window_set_title (GTK_WINDOW (self), test_mode ? _("KakaoPay POS — TEST MODE")
                                                     : _("KakaoPay POS"));
}

/* Through a relay, the cashier can see at a glance whether approvals can arrive. */
static void
update_relay_status (KpWindow *self)
{
  int state = kp_terminal_get_relay_state (self->terminal);
  const char *text = NULL;

  switch (state)
    {
    case KP_RELAY_STATE_CONNECTING:
      text = _("Relay: connecting…");
      break;
    case KP_RELAY_STATE_WEBSOCKET:
    case KP_RELAY_STATE_LONG_POLL:
      text = _("Relay: connected");
      break;
    case KP_RELAY_STATE_REJECTED:
      text = _("Relay: terminal token rejected — check it in Preferences");
      break;
    case KP_RELAY_STATE_STOPPED:
      text = _("Relay: not connected");
      break;
    default:
      break;
    }
  gtk_label_set_text (self->relay_status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->relay_status_label), text != NULL);
  if (state == KP_RELAY_STATE_REJECTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->relay_status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->relay_status_label), "error");
}

/* Back from another window (preferences, a dialog): the cashier's field gets the keys
 * again if the focus was lost meanwhile (its widget hidden or made insensitive while
 * the services were rebuilt). */
static void
on_active_changed_cb (KpWindow *self)
{
  GtkWidget *focus;

  if (!gtk_window_is_active (GTK_WINDOW (self)))
    return;

  kp_window_check_barcodes (self);
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && gtk_widget_is_visible (focus) && gtk_widget_is_sensitive (focus))
    return;

  if (kp_window_is_sale_view (self))
    kp_window_focus_sale_page (self);
  else
    kp_history_view_focus (kp_window_ensure_history_view (self));
}

KpWindow *
kp_window_new (KpApplication *application,
               KpTerminal    *terminal)
{
  KpWindow *self = g_object_new (KP_TYPE_WINDOW, "application", application, NULL);

  self->application = application;
  self->terminal = terminal;
  update_test_mode (self);
  update_relay_status (self);
  g_signal_connect_object (terminal, "notify::test-mode",
                           G_CALLBACK (update_test_mode), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "notify::relay-state",
                           G_CALLBACK (update_relay_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "notify::setup-error",
                           G_CALLBACK (kp_window_on_checkout_available_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "notify::checkout",
                           G_CALLBACK (kp_window_on_checkout_available_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed_cb), NULL);
  kp_window_watch_receipts (self);
  kp_window_watch_shop (self);
  kp_window_on_checkout_available_cb (self);
  kp_window_open_catalog (self);
  kp_window_focus_item_entry (self);
  return self;
}

static void
on_quit_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KpWindow         *self)
{
  if (g_strcmp0 (response, "quit") == 0)
    g_application_quit (G_APPLICATION (self->application));
}

/**
 * kp_window_ask_quit:
 * @self: the main window
 *
 * Asks before quitting while the cart holds lines; staying is the default, and what
 * Enter and Escape do.
 *
 * Returns: whether it asked; %FALSE means nothing is lost by quitting at once
 */
gboolean
kp_window_ask_quit (KpWindow *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  const char *page;
  guint n;

  g_return_val_if_fail (KP_IS_WINDOW (self), FALSE);

  n = kp_cart_get_n_lines (self->cart);
  page = gtk_stack_get_visible_child_name (self->stack);

  /* A completed sale's lines are in the journal already. */
  if (n == 0 || g_strcmp0 (page, "done") == 0)
    return FALSE;
  if (self->quit_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      return TRUE;
    }

  body = g_strdup_printf (ngettext ("The %u line in the cart will be lost.",
                                    "The %u lines in the cart will be lost.", n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Quit KakaoPay POS?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "quit", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_quit_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  self->quit_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->quit_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

KpCart *
kp_window_get_cart (KpWindow *self)
{
  return self->cart;
}

/**
 * kp_window_set_customer_display:
 * @shown: whether the customer display is open
 *
 * While the customer has the QR code on a screen of their own, the paying page shows a
 * small copy of it, and says where the customer looks.
 */
void
kp_window_set_customer_display (KpWindow *self,
                                gboolean shown)
{
  g_return_if_fail (KP_IS_WINDOW (self));

  kp_checkout_page_set_customer_display (kp_window_get_checkout_page (self), shown);
  kp_window_update_payment_page (self);
}

const char *
kp_window_get_page (KpWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * kp_window_get_qr_text:
 *
 * Returns: (nullable): what the QR code on screen encodes
 */
const char *
kp_window_get_qr_text (KpWindow *self)
{
  return self->checkout_page != NULL ? kp_checkout_page_get_qr_text (self->checkout_page) : NULL;
}

const char *
kp_window_get_message (KpWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
           ? gtk_label_get_text (self->message_label) : NULL;
}

const char *
kp_window_get_status_text (KpWindow *self)
{
  return self->checkout_page != NULL ? kp_checkout_page_get_status_text (self->checkout_page)
                                     : NULL;
}
