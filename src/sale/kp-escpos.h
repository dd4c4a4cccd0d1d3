/* kp-escpos.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kp-receipt.h"

G_BEGIN_DECLS

/* Korean mode on common ESC/POS printers: FS & (double-byte characters on), ESC R 13
 * (the Korean character set), ESC t 0. Hex bytes, spaces allowed. */
#define KP_ESCPOS_DEFAULT_CODEPAGE "1C 26 1B 52 0D 1B 74 00"

GBytes *kp_escpos_parse_sequence (const char       *text,
                                  GError          **error);
char   *kp_escpos_to_cp949       (const char       *text,
                                  gsize            *out_len);
GBytes *kp_escpos_encode         (const KpReceipt  *receipt,
                                  guint             columns,
                                  GBytes           *codepage);

G_END_DECLS
