/* test-receipt.c: receipts, their ESC/POS bytes and the printers they go to
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kp-escpos.h"
#include "kp-receipt.h"
#include "kp-receipt-printer.h"

/* A three-line Korean sale: 21,600 with one tax-free line. */
static KpJournalSale *
make_sale (void)
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

static KpReceiptShop *
make_shop (void)
{
  return kp_receipt_shop_new ("카카오 카페 판교점", "2208162517", "홍길동",
                              "경기도 성남시 분당구 판교역로 166", "031-123-4567");
}

static void
test_width (void)
{
  g_assert_cmpuint (kp_receipt_text_width (""), ==, 0);
  g_assert_cmpuint (kp_receipt_text_width ("abc 1,000"), ==, 9);
  g_assert_cmpuint (kp_receipt_text_width ("한글"), ==, 4);
  g_assert_cmpuint (kp_receipt_text_width ("커피 2잔"), ==, 8);
  g_assert_cmpuint (kp_receipt_text_width ("漢字ｶﾀ"), ==, 6);
  /* A combining mark takes no column. */
  g_assert_cmpuint (kp_receipt_text_width ("e\xcc\x81"), ==, 1);
}

static const char expected_32[] =
  "       카카오 카페 판교점\n"
  "            Receipt\n"
  "Business No.        220-81-62517\n"
  "Representative            홍길동\n"
  "경기도 성남시 분당구 판교역로\n"
  "166\n"
  "Phone               031-123-4567\n"
  "Terminal                  POS-01\n"
  "Order       POS-01-20261206-0007\n"
  "Date         2026-12-06 14:05:30\n"
  "--------------------------------\n"
  "Item / Price x Qty        Amount\n"
  "--------------------------------\n"
  "아메리카노\n"
  "  4,500 x 2                9,000\n"
  "유기농 제주 감귤 주스 (대용량\n"
  "1리터 병)\n"
  "  9,600 x 1                9,600\n"
  "*생수\n"
  "  1,000 x 3                3,000\n"
  "--------------------------------\n"
  "Supply amount             16,909\n"
  "VAT                        1,691\n"
  "Tax-free                   3,000\n"
  "Total                     21,600\n"
  "* tax-free item\n"
  "--------------------------------\n"
  "Payment                     Card\n"
  "Card issuer                 신한\n"
  "Approval No.\n"
  "            A9876543210987654321\n"
  "TID         T1234567890123456789\n"
  "Approved at  2026-12-06 14:05:30\n";

static void
assert_rows_fit (const KpReceipt *receipt,
                 guint            columns)
{
  g_autoptr (GPtrArray) rows = kp_receipt_layout (receipt, columns);

  g_assert_cmpuint (rows->len, >, 20);
  for (guint i = 0; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);

      if (kp_receipt_text_width (row->text) > columns)
        g_error ("row %u is wider than %u columns: “%s”", i, columns, row->text);
    }
}

static void
test_sale_layout (void)
{
  g_autoptr (KpJournalSale) sale = make_sale ();
  g_autoptr (KpReceiptShop) shop = make_shop ();
  g_autoptr (KpReceipt) receipt = kp_receipt_new_for_sale (sale, shop, FALSE);
  g_autofree char *text_32 = NULL;
  g_autofree char *text_42 = NULL;
  g_autofree char *text_48 = NULL;

  g_assert_cmpstr (receipt->shop.business_number, ==, "220-81-62517");
  g_assert_cmpstr (receipt->card_issuer, ==, "신한");
  /* The journal's amounts, as they are. */
  g_assert_cmpint (receipt->total_amount, ==, 21600);
  g_assert_cmpint (receipt->vat_amount, ==, 1691);
  g_assert_cmpint (receipt->tax_free_amount, ==, 3000);
  g_assert_cmpint (receipt->supply_amount, ==, 21600 - 3000 - 1691);

  text_32 = kp_receipt_to_text (receipt, 32);
  g_test_message ("32 columns:\n%s", text_32);
  g_assert_cmpstr (text_32, ==, expected_32);

  text_42 = kp_receipt_to_text (receipt, 42);
  g_test_message ("42 columns:\n%s", text_42);
  /* At 42 columns the long name and the approval number each fit on one row. */
  g_assert_nonnull (strstr (text_42, "\n유기농 제주 감귤 주스 (대용량 1리터 병)\n"));
  g_assert_nonnull (strstr (text_42,
                            "\nApproval No.          A9876543210987654321\n"));
  g_assert_nonnull (strstr (text_42,
                            "\nTotal                               21,600\n"));

  text_48 = kp_receipt_to_text (receipt, 48);
  g_assert_nonnull (strstr (text_48,
                            "\nTotal                                     21,600\n"));

  assert_rows_fit (receipt, 32);
  assert_rows_fit (receipt, 42);
  assert_rows_fit (receipt, 48);
}

static void
test_long_names (void)
{
  g_autoptr (KpJournalSale) sale = make_sale ();
  g_autoptr (KpReceipt) receipt = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  GString *joined = g_string_new (NULL);
  g_autofree char *text = NULL;
  KpJournalLine *line = g_ptr_array_index (sale->lines, 0);

  /* No space to break at: cut anywhere, never through a character. */
  g_free (line->name);
  line->name = g_strdup ("가나다라마바사아자차카타파하가나다라마바사아자차카타파하");

  receipt = kp_receipt_new_for_sale (sale, NULL, FALSE);
  rows = kp_receipt_layout (receipt, 32);
  for (guint i = 0, in_name = FALSE; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);

      g_assert_true (g_utf8_validate (row->text, -1, NULL));
      g_assert_cmpuint (kp_receipt_text_width (row->text), <=, 32);
      if (g_str_has_prefix (row->text, "가나다"))
        in_name = TRUE;
      else if (g_str_has_prefix (row->text, "  "))
        in_name = FALSE;
      if (in_name)
        g_string_append (joined, row->text);
    }
  g_assert_cmpstr (joined->str, ==, line->name);
  g_string_free (joined, TRUE);

  text = kp_receipt_to_text (receipt, 32);
  g_assert_nonnull (strstr (text, "\n가나다라마바사아자차카타파하가나\n"));
  /* Without a shop there is no shop line. */
  g_assert_null (strstr (text, "Business No."));
}

static void
test_refund_layout (void)
{
  g_autoptr (KpJournalSale) sale = make_sale ();
  g_autoptr (KpReceiptShop) shop = make_shop ();
  g_autoptr (KpJournalRefund) refund = g_new0 (KpJournalRefund, 1);
  g_autoptr (KpReceipt) receipt = NULL;
  g_autoptr (GTimeZone) seoul = g_time_zone_new_identifier ("+09:00");
  g_autofree char *text = NULL;

  refund->refund_id = g_strdup ("POS-01-20261206-0007-R1");
  refund->partner_order_id = g_strdup (sale->partner_order_id);
  refund->seq = 1;
  refund->state = KP_REFUND_STATE_REFUNDED;
  refund->cancel_amount = 12600;
  refund->cancel_tax_free_amount = 3000;
  refund->cancel_vat_amount = 873;
  refund->cancel_available_amount = 21600;
  refund->created_at = g_date_time_new (seoul, 2026, 12, 6, 15, 0, 0);
  refund->canceled_at = g_date_time_new (seoul, 2026, 12, 6, 15, 0, 2);

  receipt = kp_receipt_new_for_refund (sale, refund, shop, TRUE);
  g_assert_true (receipt->refund);
  g_assert_cmpint (receipt->remaining_amount, ==, 9000);

  text = kp_receipt_to_text (receipt, 42);
  g_test_message ("refund, 42 columns:\n%s", text);
  g_assert_nonnull (strstr (text, "Cancellation Receipt\n"));
  g_assert_nonnull (strstr (text, "REPRINT\n"));
  g_assert_nonnull (strstr (text, "\nOriginal order        POS-01-20261206-0007\n"));
  g_assert_nonnull (strstr (text, "\nDate                   2026-12-06 15:00:02\n"));
  g_assert_nonnull (strstr (text, "\nRefund supply amount                 8,727\n"));
  g_assert_nonnull (strstr (text, "\nRefund VAT                             873\n"));
  g_assert_nonnull (strstr (text, "\nRefund tax-free                      3,000\n"));
  g_assert_nonnull (strstr (text, "\nRefunded                            12,600\n"));
  g_assert_nonnull (strstr (text, "\nRemaining                            9,000\n"));
  assert_rows_fit (receipt, 32);
}

/* The test printer's reading of a job: ESC/POS commands skipped (the QR code's data
 * kept), text decoded from CP949, one string per line. */
typedef struct
{
  GPtrArray *lines;
  char      *qr;
  gboolean   cut;
  gboolean   korean_mode;
  guint      bold_lines;
  guint      status_requests;
} Job;

static void
job_free (Job *job)
{
  g_ptr_array_unref (job->lines);
  g_free (job->qr);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static void
flush_text (Job        *job,
            GByteArray *text)
{
  g_autoptr (GError) error = NULL;
  char *line;

  line = g_convert ((const char *) text->data, text->len, "UTF-8", "CP949", NULL, NULL,
                    &error);
  g_assert_no_error (error);
  g_ptr_array_add (job->lines, line);
  g_byte_array_set_size (text, 0);
}

static Job *
parse_escpos (const guint8 *data,
              gsize         len)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr (GByteArray) text = g_byte_array_new ();
  gboolean bold = FALSE;
  gsize i = 0;

  job->lines = g_ptr_array_new_with_free_func (g_free);

  while (i < len)
    {
      guint8 b = data[i];

      if (b == '\n')
        {
          if (bold)
            job->bold_lines++;
          flush_text (job, text);
          i++;
        }
      else if (b == 0x1b)
        {
          g_assert_cmpuint (i + 1, <, len);
          if (data[i + 1] == '@')
            i += 2;
          else
            {
              g_assert_cmpuint (i + 2, <, len);
              g_assert_nonnull (strchr ("ERtad", data[i + 1]));
              if (data[i + 1] == 'E')
                bold = data[i + 2] != 0;
              i += 3;
            }
        }
      else if (b == 0x1c)
        {
          g_assert_cmpuint (i + 1, <, len);
          if (data[i + 1] == '&')
            job->korean_mode = TRUE;
          i += 2;
        }
      else if (b == 0x10)
        {
          g_assert_cmpuint (i + 2, <, len);
          g_assert_cmpuint (data[i + 1], ==, 0x04);
          job->status_requests++;
          i += 3;
        }
      else if (b == 0x1d)
        {
          g_assert_cmpuint (i + 2, <, len);
          if (data[i + 1] == '!')
            i += 3;
          else if (data[i + 1] == 'V')
            {
              job->cut = TRUE;
              i += data[i + 2] >= 65 ? 4 : 3;
            }
          else if (data[i + 1] == '(' && data[i + 2] == 'k')
            {
              gsize n;

              g_assert_cmpuint (i + 6, <, len);
              n = data[i + 3] | (data[i + 4] << 8);
              g_assert_cmpuint (i + 5 + n, <=, len);
              if (data[i + 6] == 80)
                {
                  g_free (job->qr);
                  job->qr = g_strndup ((const char *) data + i + 8, n - 3);
                }
              i += 5 + n;
            }
          else
            g_error ("unknown GS command 0x%02x", data[i + 1]);
        }
      else
        {
          g_assert_cmpuint (b, >=, 0x20);
          g_byte_array_append (text, &b, 1);
          i++;
        }
    }

  g_assert_cmpuint (text->len, ==, 0);
  return job;
}

static Job *
parse_bytes (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return parse_escpos (data, len);
}

static char *
job_text (Job *job)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < job->lines->len; i++)
    {
      g_string_append (text, g_ptr_array_index (job->lines, i));
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

static void
test_encoder (void)
{
  g_autoptr (KpJournalSale) sale = make_sale ();
  g_autoptr (KpReceiptShop) shop = make_shop ();
  g_autoptr (KpReceipt) receipt = kp_receipt_new_for_sale (sale, shop, FALSE);
  g_autoptr (GBytes) bytes = kp_escpos_encode (receipt, 32, NULL);
  g_autoptr (Job) job = parse_bytes (bytes);
  g_autofree char *text = job_text (job);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree char *euc_kr = NULL;

  g_assert_cmpuint (len, >, 4);
  g_assert_cmpmem (data, 2, "\x1b@", 2);
  g_assert_cmpmem (data + 2, 8, "\x1c\x26\x1b\x52\x0d\x1b\x74\x00", 8);
  g_assert_cmpmem (data + len - 4, 4, "\x1dV\x42\x03", 4);

  /* Hangul as CP949 bytes, not UTF-8. */
  euc_kr = g_convert ("아메리카노", -1, "CP949", "UTF-8", NULL, NULL, NULL);
  g_assert_nonnull (memmem (data, len, euc_kr, strlen (euc_kr)));
  g_assert_null (memmem (data, len, "아메리카노", strlen ("아메리카노")));

  g_assert_cmpstr (text, ==, expected_32);
  g_assert_true (job->korean_mode);
  g_assert_true (job->cut);
  g_assert_cmpstr (job->qr, ==, "POS-01-20261206-0007");
  /* The title rows and the total. */
  g_assert_cmpuint (job->bold_lines, ==, 3);
}

static void
test_encoder_fallback (void)
{
  g_autoptr (KpJournalSale) sale = make_sale ();
  g_autoptr (KpReceipt) receipt = NULL;
  g_autoptr (GBytes) codepage = kp_escpos_parse_sequence ("1b 74 0d", NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (Job) job = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalLine *line = g_ptr_array_index (sale->lines, 0);
  gsize len;

  g_free (line->name);
  line->name = g_strdup ("Café ☕ 🍰 커피");

  receipt = kp_receipt_new_for_sale (sale, NULL, FALSE);
  bytes = kp_escpos_encode (receipt, 42, codepage);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 5, "\x1b@\x1bt\x0d", 5);
  job = parse_bytes (bytes);
  g_assert_false (job->korean_mode);
  text = job_text (job);
  g_assert_nonnull (strstr (text, "\nCaf? ? ? 커피\n"));

  g_assert_null (kp_escpos_parse_sequence ("1b 7", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (kp_escpos_parse_sequence ("zz", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = kp_escpos_parse_sequence ("", NULL);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  g_free (kp_escpos_to_cp949 ("\xff\xfe broken", &len));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/receipt/width", test_width);
  g_test_add_func ("/receipt/sale-layout", test_sale_layout);
  g_test_add_func ("/receipt/long-names", test_long_names);
  g_test_add_func ("/receipt/refund-layout", test_refund_layout);
  g_test_add_func ("/receipt/encoder", test_encoder);
  g_test_add_func ("/receipt/encoder-fallback", test_encoder_fallback);

  return g_test_run ();
}
