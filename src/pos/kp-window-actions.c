/* kp-window-actions.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/* The views: the sale (the cashier's pages) and the history. As with the pages, only
 * the view on screen is visible. */

/* The history is built the first time it is shown, not with the window: the cashier's
 * first frame does not wait for a view it does not show. */
KpHistoryView *
kp_window_ensure_history_view (KpWindow *self)
{
  if (self->history_view != NULL)
    return self->history_view;

  self->history_view = g_object_new (KP_TYPE_HISTORY_VIEW,
                                     "terminal", self->terminal,
                                     "visible", FALSE,
                                     "hexpand", TRUE,
                                     "vexpand", TRUE,
                                     NULL);
  gtk_box_append (self->history_page, GTK_WIDGET (self->history_view));
  return self->history_view;
}

/* The checkout and done pages, and the cart's table, are built right behind the first
 * frame (or when first needed, if that comes sooner): the first frame shows an empty
 * cart only. */
static void
ensure_sale_pages (KpWindow *self)
{
  if (self->checkout_page != NULL)
    return;

  g_clear_signal_handler (&self->pages_clock_id, gtk_widget_get_frame_clock (GTK_WIDGET (self)));
  kp_cart_view_prepare (self->cart_view);
  self->checkout_page = g_object_new (KP_TYPE_CHECKOUT_PAGE, NULL);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->checkout_page), "checkout");
  self->done_page = g_object_new (KP_TYPE_DONE_PAGE, "hexpand", TRUE, "vexpand", TRUE, NULL);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->done_page), "done");
}

KpCheckoutPage *
kp_window_get_checkout_page (KpWindow *self)
{
  ensure_sale_pages (self);
  return self->checkout_page;
}

KpDonePage *
kp_window_get_done_page (KpWindow *self)
{
  ensure_sale_pages (self);
  return self->done_page;
}

static gboolean
build_sale_pages_cb (gpointer user_data)
{
  KpWindow *self = user_data;

  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    ensure_sale_pages (self);
  return G_SOURCE_REMOVE;
}

static void
on_first_frame_cb (GdkFrameClock *clock,
                   KpWindow      *self)
{
  g_clear_signal_handler (&self->pages_clock_id, clock);
  g_idle_add_full (G_PRIORITY_LOW, build_sale_pages_cb, g_object_ref (self), g_object_unref);
  if (!self->first_frame_done)
    {
      self->first_frame_done = TRUE;
      kp_window_open_catalog (self);
      g_signal_emit_by_name (self, "first-frame");
    }
}

/* Mapped: the pages, the catalog's file and the terminal's services follow the first
 * frame, which the cashier then sees without waiting for any of them. */
void
kp_window_schedule_sale_pages (KpWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if ((self->checkout_page != NULL && self->first_frame_done) || self->pages_clock_id != 0
      || clock == NULL)
    return;
  self->pages_clock_id = g_signal_connect_object (clock, "after-paint",
                                                  G_CALLBACK (on_first_frame_cb), self, 0);
}

void
kp_window_focus_sale_page (KpWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "done") == 0)
    kp_done_page_focus (kp_window_get_done_page (self));
  else if (g_strcmp0 (page, "checkout") == 0)
    kp_checkout_page_focus (kp_window_get_checkout_page (self));
  else
    kp_window_focus_item_entry (self);
}

void
kp_window_on_view_changed_cb (KpWindow *self)
{
  gboolean sale = kp_window_is_sale_view (self);

  /* The view coming in takes the focus before the other one hides: a focused entry
   * that just disappears leaves GTK confused about the focus. */
  if (sale)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->stack), TRUE);
      kp_window_update_actions (self);
      kp_window_focus_sale_page (self);
      if (self->history_view != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->history_view), FALSE);
    }
  else
    {
      KpHistoryView *history = kp_window_ensure_history_view (self);

      gtk_widget_set_visible (GTK_WIDGET (history), TRUE);
      kp_window_update_actions (self);
      kp_history_view_refresh (history);
      kp_history_view_focus (history);
      gtk_widget_set_visible (GTK_WIDGET (self->stack), FALSE);
    }
}

static void
show_sale_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "sale");
}

static void
show_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "history");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "history");
  kp_history_view_focus_search (kp_window_ensure_history_view (self));
}

static void
day_report_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  g_autofree char *day = NULL;

  /* The day the history shows; from the sale view, today. */
  if (kp_window_is_sale_view (self))
    day = g_strdup ("");
  else
    day = kp_format_day (kp_history_view_get_day (kp_window_ensure_history_view (self)));
  gtk_widget_activate_action (widget, "app.day-report", "s", day);
}

static void
on_sale_refunded_cb (KpRefundDialog      *dialog,
                     const KpJournalSale *sale,
                     KpWindow            *self)
{
  /* Said on the page, not in a toast. */
  kp_done_page_show_refunded (kp_window_get_done_page (self), sale);
  if (kp_window_is_sale_view (self))
    kp_window_focus_sale_page (self);
}

static void
refund_sale_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  KpRefunder *refunder = kp_terminal_get_refunder (self->terminal);
  const char *order_id = kp_done_page_get_order_id (kp_window_get_done_page (self));
  KpRefundDialog *dialog;

  if (order_id == NULL || refunder == NULL)
    return;
  dialog = kp_refund_dialog_new (GTK_WINDOW (self), self->terminal, order_id);
  g_signal_connect_object (dialog, "refunded", G_CALLBACK (on_sale_refunded_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shortcuts window is built when first asked for rather than with the main
 * window, which GtkApplication would do for a gtk/help-overlay.ui resource. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr (GtkBuilder) builder = NULL;

      builder = gtk_builder_new_from_resource ("/io/github/kppos/KakaoPayPos/"
                                               "kp-shortcuts-window.ui");
      self->shortcuts_window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      g_object_ref_sink (self->shortcuts_window);
      /* As the help overlay, its shortcuts named by action show the application's
       * accelerators for them (Ctrl+Enter for Charge); on its own they show none. */
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                               GTK_SHORTCUTS_WINDOW (self->shortcuts_window));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
      /* Closed: this window gets the keyboard back, as from the preferences. */
      g_signal_connect_object (self->shortcuts_window, "unmap",
                               G_CALLBACK (kp_present_now), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (self->shortcuts_window);
}

void
kp_window_class_add_view_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-sale", NULL, show_sale_action);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.day-report", NULL, day_report_action);
  gtk_widget_class_install_action (widget_class, "win.refund-sale", NULL, refund_sale_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
}
