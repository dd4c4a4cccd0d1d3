/* kp-customer-placement.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-customer-window"

#include "config.h"

#include "kp-customer-placement.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* The customer's window: full screen on a monitor of its own when there is one. */

static GdkMonitor *
cashier_monitor (GtkWindow *cashier)
{
  GdkSurface *surface;

  if (cashier == NULL || !gtk_widget_get_realized (GTK_WIDGET (cashier)))
    return NULL;
  surface = gtk_native_get_surface (GTK_NATIVE (cashier));
  if (surface == NULL)
    return NULL;
  return gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface);
}

/* Any monitor but the cashier's; without one, NULL. Not knowing the cashier's, the last
 * one: the first is most often the built-in or primary screen. */
static GdkMonitor *
pick_monitor (GtkWindow *window,
              GtkWindow *cashier)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (window)));
  GdkMonitor *avoid = cashier_monitor (cashier);
  guint n = g_list_model_get_n_items (monitors);

  if (n < 2)
    return NULL;
  for (guint i = n; i-- > 0;)
    {
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, i);

      if (monitor != avoid && gdk_monitor_is_valid (monitor))
        return g_steal_pointer (&monitor);
    }
  return NULL;
}

/* Whether a window manager makes windows full screen: without one (a kiosk, the tests)
 * GTK only moves the window to the monitor's corner. */
static gboolean
has_fullscreen_manager (GtkWindow *window)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (window));

  if (GDK_IS_X11_DISPLAY (display))
    return gdk_x11_screen_supports_net_wm_hint (gdk_x11_display_get_screen (display),
                                                "_NET_WM_STATE_FULLSCREEN");
#endif
  return TRUE;
}

/**
 * kp_customer_placement_place:
 * @window: the customer's window
 * @cashier: (nullable): the cashier's window, whose monitor @window avoids
 * @monitor_out: (inout) (nullable): the monitor @window is full screen on, if any
 *
 * Puts @window full screen on a monitor of its own when there is one; without one, back
 * to a normal window.
 */
void
kp_customer_placement_place (GtkWindow   *window,
                             GtkWindow   *cashier,
                             GdkMonitor **monitor_out)
{
  g_autoptr (GdkMonitor) monitor = pick_monitor (window, cashier);

  if (monitor != NULL)
    {
      g_set_object (monitor_out, monitor);
      if (!has_fullscreen_manager (window))
        {
          GdkRectangle geometry;

          /* The monitor's size from the start, then: it opens covering it. */
          gdk_monitor_get_geometry (monitor, &geometry);
          gtk_window_set_default_size (window, geometry.width, geometry.height);
        }
      gtk_window_fullscreen_on_monitor (window, monitor);
    }
  else if (*monitor_out != NULL)
    {
      /* Its monitor went: a normal window beside the cashier's until one comes back. */
      g_clear_object (monitor_out);
      gtk_window_unfullscreen (window);
    }
}
