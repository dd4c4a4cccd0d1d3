/* kp-qr-paintable.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KP_TYPE_QR_PAINTABLE (kp_qr_paintable_get_type ())
G_DECLARE_FINAL_TYPE (KpQrPaintable, kp_qr_paintable, KP, QR_PAINTABLE, GObject)

KpQrPaintable *kp_qr_paintable_new          (void);
const char    *kp_qr_paintable_get_text     (KpQrPaintable *self);
void           kp_qr_paintable_set_text     (KpQrPaintable *self,
                                             const char    *text);
int            kp_qr_paintable_get_modules  (KpQrPaintable *self);

G_END_DECLS
