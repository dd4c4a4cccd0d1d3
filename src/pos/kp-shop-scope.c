/* kp-shop-scope.c: the "This Terminal / Whole Shop" switch of the history and the
 * day report
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-shop-scope.h"

/**
 * kp_shop_scope_update:
 * @terminal: the terminal
 * @scope_box: the switch's two buttons
 * @whole_shop_button: its "Whole Shop" button
 *
 * Shows the switch while @terminal replicates to a shop database; without one,
 * goes back to This Terminal (its "toggled" handler then reads it).
 *
 * Returns: %TRUE when the whole shop is shown and must be read again (from the
 *   shop database of the settings now)
 */
gboolean
kp_shop_scope_update (KpTerminal      *terminal,
                      GtkWidget       *scope_box,
                      GtkToggleButton *whole_shop_button)
{
  gboolean shop = kp_terminal_get_shop_replicator (terminal) != NULL;
  gboolean whole_shop = gtk_toggle_button_get_active (whole_shop_button);

  gtk_widget_set_visible (scope_box, shop);
  if (!shop && whole_shop)
    {
      gtk_toggle_button_set_active (whole_shop_button, FALSE);
      return FALSE;
    }
  return whole_shop;
}
