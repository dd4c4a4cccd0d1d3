/* kp-test-sale.c: a journaled sale for the receipt tests
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-test-sale.h"

/* A three-line Korean sale: 21,600 with one tax-free line. */
KpJournalSale *
kp_test_sale_new_korean (void)
{
  KpJournalSale *sale = g_new0 (KpJournalSale, 1);
  g_autoptr (GTimeZone) seoul = g_time_zone_new_identifier ("+09:00");

  sale->partner_order_id = g_strdup ("POS-01-20261206-0007");
  sale->terminal_id = g_strdup ("POS-01");
  sale->state = KP_SALE_STATE_APPROVED;
  sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);
  g_ptr_array_add (sale->lines, kp_journal_line_new ("아메리카노", 2, 4500, FALSE));
  g_ptr_array_add (sale->lines,
                   kp_journal_line_new ("유기농 제주 감귤 주스 (대용량 1리터 병)", 1, 9600, FALSE));
  g_ptr_array_add (sale->lines, kp_journal_line_new ("생수", 3, 1000, TRUE));
  sale->total_amount = 21600;
  sale->tax_free_amount = 3000;
  sale->vat_amount = 1691;
  sale->tid = g_strdup ("T1234567890123456789");
  sale->aid = g_strdup ("A9876543210987654321");
  sale->payment_method_type = g_strdup ("CARD");
  sale->card_info_json = g_strdup ("{\"kakaopay_issuer_corp\":\"신한\",\"bin\":\"123456\"}");
  sale->created_at = g_date_time_new (seoul, 2026, 12, 6, 14, 5, 9);
  sale->approved_at = g_date_time_new (seoul, 2026, 12, 6, 14, 5, 30);

  for (guint i = 0; i < sale->lines->len; i++)
    ((KpJournalLine *) g_ptr_array_index (sale->lines, i))->position = i;

  return sale;
}
