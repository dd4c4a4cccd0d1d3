/* kp-vat.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An amount as KakaoPay splits it: the total, its tax-free part, and the VAT included
 * in the rest. */
typedef struct
{
  gint64 total;
  gint64 tax_free;
  gint64 vat;
} KpVatSplit;

gint64  kp_vat_default         (gint64            amount,
                                gint64            tax_free);
gint64  kp_vat_tax_free_share  (gint64            amount,
                                gint64            total_left,
                                gint64            tax_free_left);
gint64  kp_vat_of_refund       (const KpVatSplit *left,
                                gint64            amount,
                                gint64            tax_free);
void    kp_vat_estimate_refund (const KpVatSplit *left,
                                gint64            amount,
                                KpVatSplit       *out_refund);

G_END_DECLS
