/* kp-vat.c: KakaoPay's VAT rule and the split of a refund, the one place they live
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-vat.h"

/**
 * kp_vat_default:
 * @amount: the total (or cancel) amount in KRW
 * @tax_free: its tax-free part
 *
 * KakaoPay's default VAT: (amount − tax_free) / 11 rounded half up to an integer
 * (kakaopay-api.md §3). 11 is odd, so an exact half never occurs; the rounding is
 * floor ((2x + 11) / 22) in integers, for x ≥ 0.
 *
 * Returns: the VAT in KRW, 0 when nothing is taxable
 */
gint64
kp_vat_default (gint64 amount,
                gint64 tax_free)
{
  gint64 taxable = amount - tax_free;

  if (taxable <= 0)
    return 0;
  return (2 * taxable + 11) / 22;
}

/**
 * kp_vat_tax_free_share:
 * @amount: what is refunded
 * @total_left: what is left to refund of the sale
 * @tax_free_left: the tax-free part of it
 *
 * The tax-free part of a refund given by amount: the sale's remaining mix, in
 * proportion (rounded half up), and all of it when the refund takes the rest.
 *
 * Returns: the tax-free part of @amount
 */
gint64
kp_vat_tax_free_share (gint64 amount,
                       gint64 total_left,
                       gint64 tax_free_left)
{
  if (total_left <= 0 || amount <= 0)
    return 0;
  if (amount >= total_left)
    return tax_free_left;
  return (2 * amount * tax_free_left + total_left) / (2 * total_left);
}

/**
 * kp_vat_of_refund:
 * @left: what is left of the sale
 * @amount: what is refunded
 * @tax_free: its tax-free part
 *
 * The VAT of a refund: KakaoPay's rule on its taxable part, kept so that the VAT left
 * never exceeds the taxable amount left, and the last of the taxable amount takes the
 * last of the VAT. A sale refunded in any number of steps gives back exactly its VAT.
 *
 * Returns: the VAT of the refund
 */
gint64
kp_vat_of_refund (const KpVatSplit *left,
                  gint64            amount,
                  gint64            tax_free)
{
  gint64 taxable = amount - tax_free;
  gint64 taxable_left = left->total - left->tax_free;
  gint64 vat;

  vat = taxable == taxable_left ? left->vat : MIN (kp_vat_default (taxable, 0), left->vat);
  return CLAMP (MAX (vat, left->vat - (taxable_left - taxable)), 0, MAX (taxable, 0));
}

/**
 * kp_vat_estimate_refund:
 * @left: what is left of the sale
 * @amount: what is refunded, at most @left's total
 * @out_refund: (out): the refund's split
 *
 * A refund of @amount split as KakaoPay would when the caller does not say: tax-free
 * in proportion to what is left (kp_vat_tax_free_share()), the VAT by
 * kp_vat_of_refund(); all that is left for the last of it.
 */
void
kp_vat_estimate_refund (const KpVatSplit *left,
                        gint64            amount,
                        KpVatSplit       *out_refund)
{
  gint64 taxable_left = left->total - left->tax_free;
  gint64 tax_free;

  out_refund->total = amount;
  if (amount >= left->total)
    {
      out_refund->total = left->total;
      out_refund->tax_free = left->tax_free;
      out_refund->vat = left->vat;
      return;
    }

  tax_free = kp_vat_tax_free_share (amount, left->total, left->tax_free);
  tax_free = CLAMP (tax_free, 0, MIN (amount, left->tax_free));
  if (amount - tax_free > taxable_left)
    tax_free = amount - taxable_left;
  out_refund->tax_free = tax_free;
  out_refund->vat = kp_vat_of_refund (left, amount, tax_free);
}
