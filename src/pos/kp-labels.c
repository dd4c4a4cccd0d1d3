/* kp-labels.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-labels"

#include "config.h"

#include "kp-labels.h"
#include "kp-money.h"

/**
 * kp_label_set_money:
 * @amount: in won
 *
 * Shows @amount as money, formatted by kp_money_format().
 */
void
kp_label_set_money (GtkLabel *label,
                    gint64    amount)
{
  g_autofree char *text = kp_money_format (amount);

  gtk_label_set_text (label, text);
}

/**
 * kp_label_show_text:
 * @text: (nullable): what to say, or %NULL to hide the label
 *
 * Shows @label with @text, or hides it (a message that comes and goes: an error).
 */
void
kp_label_show_text (GtkLabel   *label,
                    const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}
