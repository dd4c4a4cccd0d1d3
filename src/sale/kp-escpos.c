/* kp-escpos.c: a receipt as the bytes an ESC/POS thermal printer reads, its Korean
 * text in CP949
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-escpos"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-escpos.h"

#define ESC 0x1b
#define GS  0x1d

/**
 * kp_escpos_parse_sequence:
 * @text: bytes in hex, two digits each, spaces between them allowed
 *   ("1C 26 1B 52 0D")
 * @error: a %G_IO_ERROR_INVALID_ARGUMENT
 *
 * Returns: (transfer full) (nullable): the bytes; %NULL with @error set when @text
 *   is not hex bytes
 */
GBytes *
kp_escpos_parse_sequence (const char  *text,
                          GError     **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  const char *p = text != NULL ? text : "";

  while (*p != '\0')
    {
      int high, low;
      guint8 byte;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }

      high = g_ascii_xdigit_value (p[0]);
      low = p[1] != '\0' ? g_ascii_xdigit_value (p[1]) : -1;
      if (high < 0 || low < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a sequence of hexadecimal bytes."), text);
          return NULL;
        }

      byte = (guint8) (high << 4 | low);
      g_byte_array_append (bytes, &byte, 1);
      p += 2;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* @text (valid UTF-8) in CP949, one character at a time through one converter: a
 * character CP949 cannot hold becomes "?". g_convert_with_fallback() would start over
 * from each such character, which takes time in the square of their number. %NULL
 * when the system has no CP949 converter. */
static char *
convert_each (const char *text,
              gsize      *out_len)
{
  GIConv converter = g_iconv_open ("CP949", "UTF-8");
  GString *out;

  if (converter == (GIConv) -1)
    return NULL;

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      char buffer[8];
      char *in = (char *) p;
      char *end = buffer;
      gsize in_left = g_utf8_next_char (p) - p;
      gsize out_left = sizeof buffer;

      if (g_iconv (converter, &in, &in_left, &end, &out_left) == (gsize) -1)
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, buffer, end - buffer);
    }
  g_iconv_close (converter);

  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/**
 * kp_escpos_to_cp949:
 * @text: UTF-8 (invalid sequences are replaced)
 * @out_len: (out): the length of the result
 *
 * Converts @text to CP949; a character CP949 cannot hold becomes "?". Never fails.
 *
 * Returns: (transfer full): the CP949 bytes, NUL-terminated
 */
char *
kp_escpos_to_cp949 (const char *text,
                    gsize      *out_len)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  gsize written = 0;
  char *converted;

  converted = g_convert (valid, -1, "CP949", "UTF-8", NULL, &written, NULL);
  if (converted == NULL)
    converted = convert_each (valid, &written);
  if (converted == NULL)
    {
      GString *ascii = g_string_new (NULL);

      /* Only when the system has no CP949 converter: keep what is ASCII. */
      for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_string_append_c (ascii, c < 0x80 ? (char) c : '?');
        }
      written = ascii->len;
      converted = g_string_free (ascii, FALSE);
    }

  *out_len = written;
  return converted;
}

static void
append (GByteArray *out,
        gsize       len,
        const guint8 *bytes)
{
  g_byte_array_append (out, bytes, len);
}

#define APPEND(out, ...) \
  G_STMT_START { \
    static const guint8 bytes_[] = { __VA_ARGS__ }; \
    append ((out), sizeof bytes_, bytes_); \
  } G_STMT_END

/* The rows' texts in CP949, converted in one go (opening a converter costs more than
 * converting a row). A control character would be read as a command: it becomes a
 * space first, so that the rows come back one per line (no CP949 character holds the
 * byte of a newline). Returns one string per row, and an empty one after them. */
static char **
rows_to_cp949 (GPtrArray *rows)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *converted = NULL;
  gsize len;

  for (guint i = 0; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);
      gsize start = text->len;

      g_string_append (text, row->text);
      for (gsize j = start; j < text->len; j++)
        if ((guint8) text->str[j] < 0x20)
          text->str[j] = ' ';
      g_string_append_c (text, '\n');
    }

  converted = kp_escpos_to_cp949 (text->str, &len);
  return g_strsplit (converted, "\n", -1);
}

static void
append_text (GByteArray *out,
             const char *text)
{
  g_byte_array_append (out, (const guint8 *) text, strlen (text));
  APPEND (out, '\n');
}

/* GS ( k: the QR code of @data (model 2, module size 6, error correction M), centred. */
static void
append_qr (GByteArray *out,
           const char *data)
{
  gsize len = MIN (strlen (data), 7000);
  guint8 store[] = { GS, '(', 'k', (guint8) ((len + 3) & 0xff),
                     (guint8) ((len + 3) >> 8), 49, 80, 48 };

  APPEND (out, ESC, 'a', 1);
  APPEND (out, GS, '(', 'k', 4, 0, 49, 65, 50, 0);
  APPEND (out, GS, '(', 'k', 3, 0, 49, 67, 6);
  APPEND (out, GS, '(', 'k', 3, 0, 49, 69, 49);
  append (out, sizeof store, store);
  g_byte_array_append (out, (const guint8 *) data, len);
  APPEND (out, GS, '(', 'k', 3, 0, 49, 81, 48);
  APPEND (out, ESC, 'd', 1);
  APPEND (out, ESC, 'a', 0);
}

/**
 * kp_escpos_encode:
 * @receipt: a receipt
 * @columns: the paper's width in columns (32, 42, 48)
 * @codepage: (nullable): the bytes that put the printer in its Korean mode;
 *   %NULL for %KP_ESCPOS_DEFAULT_CODEPAGE
 *
 * The job: ESC @, @codepage, the rows of kp_receipt_layout() in CP949 (the title
 * and the total bold, the total double height), a QR code of the order id, a
 * partial cut.
 *
 * Returns: (transfer full): the bytes to send to the printer
 */
GBytes *
kp_escpos_encode (const KpReceipt *receipt,
                  guint            columns,
                  GBytes          *codepage)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GPtrArray) rows = kp_receipt_layout (receipt, columns);
  g_autoptr (GBytes) default_codepage = NULL;
  g_auto (GStrv) texts = NULL;
  gconstpointer data;
  gsize len;

  if (codepage == NULL)
    codepage = default_codepage = kp_escpos_parse_sequence (KP_ESCPOS_DEFAULT_CODEPAGE,
                                                            NULL);

  APPEND (out, ESC, '@');
  data = g_bytes_get_data (codepage, &len);
  if (len > 0)
    g_byte_array_append (out, data, len);

  texts = rows_to_cp949 (rows);
  g_return_val_if_fail (g_strv_length (texts) >= rows->len, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);

      switch (row->style)
        {
        case KP_RECEIPT_ROW_TITLE:
          APPEND (out, ESC, 'E', 1);
          append_text (out, texts[i]);
          APPEND (out, ESC, 'E', 0);
          break;
        case KP_RECEIPT_ROW_TOTAL:
          APPEND (out, ESC, 'E', 1, GS, '!', 0x01);
          append_text (out, texts[i]);
          APPEND (out, GS, '!', 0x00, ESC, 'E', 0);
          break;
        case KP_RECEIPT_ROW_PLAIN:
        default:
          append_text (out, texts[i]);
          break;
        }
    }

  if (receipt->order_id != NULL && *receipt->order_id != '\0')
    append_qr (out, receipt->order_id);

  /* Feed past the cutter, then a partial cut. */
  APPEND (out, GS, 'V', 66, 3);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
