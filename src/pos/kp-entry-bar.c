/* kp-entry-bar.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-entry-bar"

#include "config.h"

#include "kp-entry-bar.h"

/* Where the cashier types a line: item, quantity, unit price, tax free, Add, and the
 * input error under them. Enter in a field is passed on as ::entry-activated; what a
 * line is, and whether it is right, is the window's. */
struct _KpEntryBar
{
  AdwBin          parent_instance;

  /* Template children */
  GtkEntry       *amount_entry;
  GtkLabel       *error_label;
  GtkEntry       *item_entry;
  GtkEntry       *quantity_entry;
  GtkCheckButton *tax_free_check;
};

G_DEFINE_FINAL_TYPE (KpEntryBar, kp_entry_bar, ADW_TYPE_BIN)

enum {
  ENTRY_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_entry_activate_cb (KpEntryBar *self,
                      GtkEntry   *entry)
{
  g_signal_emit (self, signals[ENTRY_ACTIVATED], 0, entry);
}

GtkEntry *
kp_entry_bar_get_item_entry (KpEntryBar *self)
{
  g_return_val_if_fail (KP_IS_ENTRY_BAR (self), NULL);

  return self->item_entry;
}

GtkEntry *
kp_entry_bar_get_quantity_entry (KpEntryBar *self)
{
  g_return_val_if_fail (KP_IS_ENTRY_BAR (self), NULL);

  return self->quantity_entry;
}

GtkEntry *
kp_entry_bar_get_amount_entry (KpEntryBar *self)
{
  g_return_val_if_fail (KP_IS_ENTRY_BAR (self), NULL);

  return self->amount_entry;
}

GtkCheckButton *
kp_entry_bar_get_tax_free_check (KpEntryBar *self)
{
  g_return_val_if_fail (KP_IS_ENTRY_BAR (self), NULL);

  return self->tax_free_check;
}

/* Ready for the next line: no item, one of it, no price, not tax free. */
void
kp_entry_bar_reset (KpEntryBar *self)
{
  g_return_if_fail (KP_IS_ENTRY_BAR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->item_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_entry), "1");
  gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), "");
  gtk_check_button_set_active (self->tax_free_check, FALSE);
}

/**
 * kp_entry_bar_show_error:
 * @message: (nullable): what is wrong with the input, or %NULL to clear it
 */
void
kp_entry_bar_show_error (KpEntryBar *self,
                         const char *message)
{
  g_return_if_fail (KP_IS_ENTRY_BAR (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
kp_entry_bar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KP_TYPE_ENTRY_BAR);

  G_OBJECT_CLASS (kp_entry_bar_parent_class)->dispose (object);
}

static void
kp_entry_bar_class_init (KpEntryBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_entry_bar_dispose;

  /**
   * KpEntryBar::entry-activated:
   * @entry: the field Enter was pressed in
   */
  signals[ENTRY_ACTIVATED] = g_signal_new ("entry-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, GTK_TYPE_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-entry-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, KpEntryBar, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, KpEntryBar, error_label);
  gtk_widget_class_bind_template_child (widget_class, KpEntryBar, item_entry);
  gtk_widget_class_bind_template_child (widget_class, KpEntryBar, quantity_entry);
  gtk_widget_class_bind_template_child (widget_class, KpEntryBar, tax_free_check);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
}

static void
kp_entry_bar_init (KpEntryBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
