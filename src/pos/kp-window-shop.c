/* kp-window-shop.c: the main window's line about the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-shop-status.h"
#include "kp-window-private.h"

/* With a shop database set, a line under the header tells the cashier when this
 * terminal's sales do not reach it (offline) or some wait to be sent; it is hidden
 * while the replicator is online and caught up. It follows the terminal's replicator,
 * which is another one after the settings changed. */

static void
update_shop_status (KpWindow *self)
{
  GObject *replicator = kp_terminal_get_shop_replicator (self->terminal);
  g_autofree char *text = kp_shop_status_dup_indicator (replicator);

  gtk_label_set_text (self->shop_status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->shop_status_label), text != NULL);
}

static void
on_shop_replicator_changed_cb (KpWindow *self)
{
  g_signal_group_set_target (self->shop_signals,
                             kp_terminal_get_shop_replicator (self->terminal));
  update_shop_status (self);
}

void
kp_window_watch_shop (KpWindow *self)
{
  self->shop_signals = g_signal_group_new (G_TYPE_OBJECT);
  g_signal_group_connect_swapped (self->shop_signals, "notify::online",
                                  G_CALLBACK (update_shop_status), self);
  g_signal_group_connect_swapped (self->shop_signals, "notify::waiting",
                                  G_CALLBACK (update_shop_status), self);
  g_signal_group_connect_swapped (self->shop_signals, "notify::last-error",
                                  G_CALLBACK (update_shop_status), self);
  g_signal_connect_object (self->terminal, "shop-replicator-changed",
                           G_CALLBACK (on_shop_replicator_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_shop_replicator_changed_cb (self);
}

void
kp_window_dispose_shop (KpWindow *self)
{
  if (self->shop_signals != NULL)
    g_signal_group_set_target (self->shop_signals, NULL);
  g_clear_object (&self->shop_signals);
}
