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
#include "kp-test-printer.h"
#include "kp-test-sale.h"

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

/* A printer's test page: the shop, a line of Hangul to try the Korean mode, no money. */
static void
test_test_page (void)
{
  g_autoptr (KpReceiptShop) shop = make_shop ();
  g_autoptr (KpReceipt) receipt = kp_receipt_new_test_page (shop, "POS-01");
  g_autofree char *text = kp_receipt_to_text (receipt, 32);
  g_autoptr (GBytes) bytes = kp_escpos_encode (receipt, 32, NULL);
  gsize hangul_len = 0;
  g_autofree char *hangul = kp_escpos_to_cp949 ("한글 인쇄 시험", &hangul_len);

  g_test_message ("test page:\n%s", text);
  g_assert_false (receipt->reprint);
  g_assert_false (receipt->refund);
  g_assert_cmpint (receipt->total_amount, ==, 0);
  g_assert_nonnull (strstr (text, "카카오 카페 판교점"));
  g_assert_nonnull (strstr (text, "220-81-62517"));
  g_assert_nonnull (strstr (text, "POS-01"));
  g_assert_nonnull (strstr (text, "\nPrinter test\n"));
  g_assert_nonnull (strstr (text, "\n한글 인쇄 시험\n"));
  g_assert_null (strstr (text, "REPRINT"));
  /* The Hangul goes to the printer in CP949. */
  g_assert_nonnull (memmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            hangul, hangul_len));
}

static void
test_sale_layout (void)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
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
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
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
  g_clear_pointer (&text, g_free);

  /* A value exactly as wide as the paper, on a row of its own. */
  g_free (receipt->aid);
  receipt->aid = g_strdup ("A1234567890123456789012345678901");
  text = kp_receipt_to_text (receipt, 32);
  g_assert_nonnull (strstr (text, "\nApproval No.\nA1234567890123456789012345678901\n"));
  /* Without a shop there is no shop line. */
  g_assert_null (strstr (text, "Business No."));
}

static void
test_refund_layout (void)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
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

static void
test_encoder (void)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
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
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
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

  /* A control character in a name is printed as a space: no command, no extra row. */
  g_free (line->name);
  line->name = g_strdup ("녹차\tTea\x1b" "E\ncup");
  g_clear_pointer (&receipt, kp_receipt_free);
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&job, job_free);
  g_clear_pointer (&text, g_free);
  receipt = kp_receipt_new_for_sale (sale, NULL, FALSE);
  bytes = kp_escpos_encode (receipt, 42, NULL);
  job = parse_bytes (bytes);
  text = job_text (job);
  g_assert_nonnull (strstr (text, "\n녹차 Tea E cup\n"));
  g_assert_cmpuint (job->bold_lines, ==, 2);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Prints @job on @printer and waits for the answer. */
static gboolean
print_and_wait (KpReceiptPrinter  *printer,
                GBytes            *job,
                GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_receipt_printer_print_async (printer, job, NULL, on_printed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return kp_receipt_printer_print_finish (printer, result, error);
}

static GBytes *
encode_sale (guint columns)
{
  g_autoptr (KpJournalSale) sale = kp_test_sale_new_korean ();
  g_autoptr (KpReceiptShop) shop = make_shop ();
  g_autoptr (KpReceipt) receipt = kp_receipt_new_for_sale (sale, shop, FALSE);

  return kp_escpos_encode (receipt, columns, NULL);
}

static void
test_printer_tcp (void)
{
  g_autoptr (TestPrinter) test_printer = test_printer_new (0x12);
  g_autofree char *address = test_printer_address (test_printer);
  g_autoptr (KpReceiptPrinter) printer = NULL;
  g_autoptr (GBytes) bytes = encode_sale (42);
  g_autoptr (GError) error = NULL;
  g_autoptr (Job) job = NULL;
  g_autofree char *text = NULL;

  printer = kp_receipt_printer_new (address, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kp_receipt_printer_get_address (printer), ==, address);

  g_assert_true (print_and_wait (printer, bytes, &error));
  g_assert_no_error (error);
  while (test_printer->jobs->len < 1)
    g_main_context_iteration (NULL, TRUE);

  job = parse_bytes (g_ptr_array_index (test_printer->jobs, 0));
  g_assert_cmpuint (job->status_requests, ==, 1);
  text = job_text (job);
  g_test_message ("printed at 42 columns:\n%s", text);
  g_assert_nonnull (strstr (text, "21,600\n"));
  g_assert_nonnull (strstr (text, "A9876543210987654321\n"));
  g_assert_nonnull (strstr (text, "POS-01-20261206-0007\n"));
  g_assert_nonnull (strstr (text, "220-81-62517\n"));
  g_assert_nonnull (strstr (text, "\n아메리카노\n"));
  g_assert_cmpstr (job->qr, ==, "POS-01-20261206-0007");
}

/* A printer that does not answer DLE EOT is printed to anyway. */
static void
test_printer_tcp_silent (void)
{
  g_autoptr (TestPrinter) test_printer = test_printer_new (0);
  g_autofree char *address = test_printer_address (test_printer);
  g_autoptr (KpReceiptPrinter) printer = kp_receipt_printer_new (address, NULL);
  g_autoptr (GBytes) bytes = encode_sale (32);
  g_autoptr (GError) error = NULL;

  kp_receipt_printer_set_status_timeout (printer, 50);
  g_assert_true (print_and_wait (printer, bytes, &error));
  g_assert_no_error (error);
  while (test_printer->jobs->len < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_bytes_get_size (g_ptr_array_index (test_printer->jobs, 0)), ==,
                    g_bytes_get_size (bytes) + 3);
}

static void
test_printer_out_of_paper (void)
{
  g_autoptr (TestPrinter) test_printer = test_printer_new (0x12 | 0x60);
  g_autofree char *address = test_printer_address (test_printer);
  g_autoptr (KpReceiptPrinter) printer = kp_receipt_printer_new (address, NULL);
  g_autoptr (GBytes) bytes = encode_sale (32);
  g_autoptr (GError) error = NULL;

  g_assert_false (print_and_wait (printer, bytes, &error));
  g_assert_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_OUT_OF_PAPER);
}

/* A printer that takes the connection and then nothing in time. */
static void
test_printer_timeout (void)
{
  g_autoptr (TestPrinter) test_printer = test_printer_new (0);
  g_autofree char *address = test_printer_address (test_printer);
  g_autoptr (KpReceiptPrinter) printer = kp_receipt_printer_new (address, NULL);
  g_autoptr (GBytes) bytes = encode_sale (32);
  g_autoptr (GError) error = NULL;

  kp_receipt_printer_set_status_timeout (printer, 600000);
  kp_receipt_printer_set_timeout (printer, 100);
  g_assert_false (print_and_wait (printer, bytes, &error));
  g_assert_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_TIMED_OUT);
}

static void
test_printer_unreachable (void)
{
  g_autoptr (TestPrinter) test_printer = test_printer_new (0x12);
  g_autofree char *address = test_printer_address (test_printer);
  g_autoptr (KpReceiptPrinter) printer = NULL;
  g_autoptr (GBytes) bytes = encode_sale (32);
  g_autoptr (GError) error = NULL;

  /* The port was open a moment ago and is closed now: the connection is refused. */
  g_clear_pointer (&test_printer, test_printer_free);
  printer = kp_receipt_printer_new (address, NULL);
  g_assert_false (print_and_wait (printer, bytes, &error));
  g_assert_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, address));
}

static void
test_printer_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kp-receipt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lp0", NULL);
  g_autofree char *address = g_strconcat ("file:", path, NULL);
  g_autofree char *missing = g_strconcat ("file:", dir, "/none/lp0", NULL);
  g_autoptr (KpReceiptPrinter) printer = kp_receipt_printer_new (address, NULL);
  g_autoptr (KpReceiptPrinter) absent = kp_receipt_printer_new (missing, NULL);
  g_autoptr (GBytes) bytes = encode_sale (48);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (print_and_wait (printer, bytes, &error));
  g_assert_no_error (error);
  g_assert_true (print_and_wait (printer, bytes, &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Appended, as a device is written to: two jobs, no status request. */
  g_assert_cmpuint (len, ==, 2 * g_bytes_get_size (bytes));
  g_assert_cmpmem (contents, g_bytes_get_size (bytes), g_bytes_get_data (bytes, NULL),
                   g_bytes_get_size (bytes));

  g_assert_false (print_and_wait (absent, bytes, &error));
  g_assert_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_UNREACHABLE);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_printer_addresses (void)
{
  static const char * const bad[] = {
    "", "none", "system", "tcp://", "tcp://host:0", "tcp://host/path", "file:", "file:lp0",
    "lpt1", "http://printer:9100",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KpReceiptPrinter) printer = kp_receipt_printer_new (bad[i], &error);

      g_assert_null (printer);
      g_assert_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS);
    }

  g_object_unref (kp_receipt_printer_new ("tcp://192.0.2.1", NULL));
  g_object_unref (kp_receipt_printer_new ("tcp://[::1]:9100", NULL));
  g_object_unref (kp_receipt_printer_new ("file:///dev/usb/lp0", NULL));
}

int
main (int   argc,
      char *argv[])
{
  /* Receipts show local time: the sales below are Seoul's. A POSIX rule, so no time
   * zone database is needed. */
  g_setenv ("TZ", "KST-9", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/receipt/width", test_width);
  g_test_add_func ("/receipt/sale-layout", test_sale_layout);
  g_test_add_func ("/receipt/test-page", test_test_page);
  g_test_add_func ("/receipt/long-names", test_long_names);
  g_test_add_func ("/receipt/refund-layout", test_refund_layout);
  g_test_add_func ("/receipt/encoder", test_encoder);
  g_test_add_func ("/receipt/encoder-fallback", test_encoder_fallback);
  g_test_add_func ("/receipt/printer/tcp", test_printer_tcp);
  g_test_add_func ("/receipt/printer/tcp-silent", test_printer_tcp_silent);
  g_test_add_func ("/receipt/printer/out-of-paper", test_printer_out_of_paper);
  g_test_add_func ("/receipt/printer/timeout", test_printer_timeout);
  g_test_add_func ("/receipt/printer/unreachable", test_printer_unreachable);
  g_test_add_func ("/receipt/printer/file", test_printer_file);
  g_test_add_func ("/receipt/printer/addresses", test_printer_addresses);

  return g_test_run ();
}
