/* fuzz-escpos.c: libFuzzer target for the receipt layout and its ESC/POS encoding
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's bytes, split at NUL bytes, are a receipt's texts (any bytes: the shop's
 * name and number, the order id, the aid, then item names); the amounts come from the
 * lengths. At one of the paper widths (by the input's length, so that one input is laid
 * out once: the checks below are most of an execution's cost), every row must be valid
 * UTF-8 no wider than the paper, and the encoded job must read back, command by
 * command, as the rows in CP949 followed by the QR code and the cut.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kp-escpos.h"
#include "kp-receipt.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_FIELDS 32

#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  return 0;
}

/* Reads @job back into its text lines, failing on anything the encoder never writes.
 * The lines' bytes are gathered, each ending with its newline, and converted from
 * CP949 at once. */
static GPtrArray *
read_job (GBytes *job)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GByteArray) text = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *converted = NULL;
  gsize line_start = 0;
  gsize len;
  const guint8 *b = g_bytes_get_data (job, &len);
  gboolean cut = FALSE;
  gsize i = 0;

  if (len < 2 || b[0] != 0x1b || b[1] != '@')
    FAIL ("the job does not start with ESC @");

  while (i < len)
    {
      if (cut)
        FAIL ("bytes after the cut");

      if (b[i] == '\n')
        {
          g_byte_array_append (text, &b[i++], 1);
          line_start = text->len;
        }
      else if (b[i] == 0x1b && i + 1 < len && b[i + 1] == '@')
        i += 2;
      else if (b[i] == 0x1b && i + 2 < len && strchr ("ERtad", b[i + 1]) != NULL &&
               b[i + 1] != '\0')
        i += 3;
      else if (b[i] == 0x1c && i + 1 < len && b[i + 1] == '&')
        i += 2;
      else if (b[i] == 0x1d && i + 2 < len && b[i + 1] == '!')
        i += 3;
      else if (b[i] == 0x1d && i + 3 < len && b[i + 1] == 'V' && b[i + 2] == 66)
        {
          cut = TRUE;
          i += 4;
        }
      else if (b[i] == 0x1d && i + 4 < len && b[i + 1] == '(' && b[i + 2] == 'k')
        {
          gsize n = b[i + 3] | (b[i + 4] << 8);

          if (i + 5 + n > len)
            FAIL ("a QR command longer than the job");
          i += 5 + n;
        }
      else if (b[i] >= 0x20)
        g_byte_array_append (text, &b[i++], 1);
      else
        FAIL ("an unknown command 0x%02x at %" G_GSIZE_FORMAT, b[i], i);
    }

  if (!cut || text->len > line_start)
    FAIL ("the job does not end with its last row and a cut");

  converted = g_convert ((const char *) text->data, text->len, "UTF-8", "CP949", NULL, NULL,
                         &error);
  if (converted == NULL)
    FAIL ("a row is not CP949: %s", error->message);
  for (char *line = converted, *end; (end = strchr (line, '\n')) != NULL; line = end + 1)
    g_ptr_array_add (lines, g_strndup (line, end - line));

  return lines;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint widths[] = { 32, 42, 48 };
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  KpReceipt *receipt;
  const uint8_t *start = data;
  const uint8_t *end = data + size;

  while (start <= end && fields->len < MAX_FIELDS)
    {
      const uint8_t *nul = memchr (start, '\0', end - start);
      const uint8_t *stop = nul != NULL ? nul : end;

      g_ptr_array_add (fields, g_strndup ((const char *) start, stop - start));
      if (nul == NULL)
        break;
      start = nul + 1;
    }
  while (fields->len < 5)
    g_ptr_array_add (fields, g_strdup (""));

  {
    KpJournalSale sale = { 0 };
    KpReceiptShop shop = { 0 };
    g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);

    for (guint i = 4; i < fields->len; i++)
      {
        KpJournalLine *line = g_new0 (KpJournalLine, 1);
        const char *name = g_ptr_array_index (fields, i);

        line->name = g_strdup (name);
        line->quantity = 1 + strlen (name) % 7;
        line->unit_price = (gint64) strlen (name) * 997;
        line->amount = line->quantity * line->unit_price;
        line->tax_free = i % 2 == 0;
        g_ptr_array_add (lines, line);
      }

    shop.name = g_ptr_array_index (fields, 0);
    shop.business_number = g_ptr_array_index (fields, 1);
    sale.partner_order_id = g_ptr_array_index (fields, 2);
    sale.aid = g_ptr_array_index (fields, 3);
    sale.lines = lines;
    sale.total_amount = (gint64) size * 1000;
    sale.vat_amount = (gint64) size * 90;
    sale.tax_free_amount = (gint64) size * 10;

    receipt = kp_receipt_new_for_sale (&sale, &shop, size % 2 == 1);
  }

  {
    guint width = widths[size % G_N_ELEMENTS (widths)];
    g_autoptr (GPtrArray) rows = kp_receipt_layout (receipt, width);
    g_autoptr (GBytes) job = kp_escpos_encode (receipt, width, NULL);
    g_autoptr (GPtrArray) read = read_job (job);

    for (guint i = 0; i < rows->len; i++)
      {
        const KpReceiptRow *row = g_ptr_array_index (rows, i);

        if (!g_utf8_validate (row->text, -1, NULL))
          FAIL ("row %u is not UTF-8", i);
        if (kp_receipt_text_width (row->text) > width)
          FAIL ("row %u is wider than %u columns: %s", i, width, row->text);
      }
    if (read->len != rows->len)
      FAIL ("%u rows laid out, %u read back", rows->len, read->len);
  }

  kp_receipt_free (receipt);
  return 0;
}
