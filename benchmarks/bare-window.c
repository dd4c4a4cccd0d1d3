/* bare-window.c: the baseline for benchmarks/run — a bare libadwaita window that
 * reports its first frame the way kakaopay-pos does, then quits.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <adwaita.h>
#include <stdio.h>

static gint64 start_us;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   GtkWindow     *window)
{
  fprintf (stderr, "bench first-frame %.2f\n", (g_get_monotonic_time () - start_us) / 1000.0);
  fflush (stderr);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, window);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
on_map_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint_cb), window);
}

static void
on_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      gtk_label_new ("bare"));
  g_signal_connect (window, "map", G_CALLBACK (on_map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;

  start_us = g_get_monotonic_time ();
  app = adw_application_new ("io.github.kppos.BareWindow", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
