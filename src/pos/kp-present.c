/* kp-present.c: giving a window the keyboard back, also without a window manager
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-present.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/**
 * kp_present_now:
 * @window: a window of the program
 *
 * Presents @window stamped with the X server's time. Without a window manager nothing
 * gives the focus back when a window closes: it falls back to the root window, and a
 * focus request stamped with the last key press is older than that, so X ignores it.
 * The server's time is not.
 */
void
kp_present_now (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (!gtk_widget_get_visible (GTK_WIDGET (window)))
    return;
#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

    if (GDK_IS_X11_SURFACE (surface))
      {
        gtk_window_present_with_time (window, gdk_x11_get_server_time (surface));
        return;
      }
  }
#endif
  gtk_window_present (window);
}

/**
 * kp_present_stack_page:
 * @stack: a stack of pages
 * @name: the page to show
 *
 * Shows the page @name of @stack and hides the others, so that assistive technologies
 * (and the UI tests) never read the pages behind it.
 */
void
kp_present_stack_page (GtkStack   *stack,
                       const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (stack, name);

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (stack, page);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child != page)
        gtk_widget_set_visible (child, FALSE);
    }
}
