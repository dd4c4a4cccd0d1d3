/* kp-entry-bar.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KP_TYPE_ENTRY_BAR (kp_entry_bar_get_type ())

G_DECLARE_FINAL_TYPE (KpEntryBar, kp_entry_bar, KP, ENTRY_BAR, AdwBin)

GtkEntry       *kp_entry_bar_get_item_entry     (KpEntryBar *self);
GtkEntry       *kp_entry_bar_get_quantity_entry (KpEntryBar *self);
GtkEntry       *kp_entry_bar_get_amount_entry   (KpEntryBar *self);
GtkCheckButton *kp_entry_bar_get_tax_free_check (KpEntryBar *self);
void            kp_entry_bar_reset              (KpEntryBar *self);
void            kp_entry_bar_show_error         (KpEntryBar *self,
                                                 const char *message);

G_END_DECLS
