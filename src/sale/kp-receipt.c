/* kp-receipt.c: the customer's receipt (영수증), built from the journal and laid out
 * as lines of text for a receipt printer's width
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-receipt"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kp-business-number.h"
#include "kp-money.h"
#include "kp-receipt.h"
#include "kp-sale-format.h"

#define TIME_FORMAT "%Y-%m-%d %H:%M:%S"

KpReceiptShop *
kp_receipt_shop_new (const char *name,
                     const char *business_number,
                     const char *representative,
                     const char *address,
                     const char *phone)
{
  KpReceiptShop *shop = g_new0 (KpReceiptShop, 1);

  shop->name = g_strdup (name);
  shop->business_number = g_strdup (business_number);
  shop->representative = g_strdup (representative);
  shop->address = g_strdup (address);
  shop->phone = g_strdup (phone);

  return shop;
}

static void
shop_clear (KpReceiptShop *shop)
{
  g_clear_pointer (&shop->name, g_free);
  g_clear_pointer (&shop->business_number, g_free);
  g_clear_pointer (&shop->representative, g_free);
  g_clear_pointer (&shop->address, g_free);
  g_clear_pointer (&shop->phone, g_free);
}

void
kp_receipt_shop_free (KpReceiptShop *shop)
{
  if (shop == NULL)
    return;

  shop_clear (shop);
  g_free (shop);
}

static void
receipt_line_free (KpReceiptLine *line)
{
  g_free (line->name);
  g_free (line);
}

static void
receipt_row_free (KpReceiptRow *row)
{
  g_free (row->text);
  g_free (row);
}

/* The card company KakaoPay named in card_info, if any. */
static char *
dup_card_issuer (const char *card_info_json)
{
  static const char * const members[] = {
    "kakaopay_issuer_corp", "issuer_corp", "kakaopay_purchase_corp", "purchase_corp",
  };
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;

  if (card_info_json == NULL || *card_info_json == '\0')
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, card_info_json, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *value = json_object_get_string_member_with_default (object, members[i],
                                                                       NULL);

      if (value != NULL && *value != '\0')
        return g_utf8_make_valid (value, -1);
    }

  return NULL;
}

/* The number as XXX-XX-XXXXX when it is one; as typed otherwise. */
static char *
dup_business_number (const char *text)
{
  char *formatted;

  if (text == NULL || *text == '\0')
    return NULL;

  formatted = kp_business_number_parse (text, NULL);
  if (formatted != NULL)
    return formatted;

  return g_strstrip (g_strdup (text));
}

/* Text as a receipt row may hold it: valid UTF-8, a control character (a line
 * break, a tab) a space; %NULL kept. */
static char *
dup_valid (const char *text)
{
  char *valid;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';

  return valid;
}

static KpReceipt *
receipt_new (const KpJournalSale *sale,
             const KpReceiptShop *shop,
             gboolean             reprint)
{
  KpReceipt *receipt = g_new0 (KpReceipt, 1);

  g_assert (sale != NULL);

  receipt->reprint = reprint;
  if (shop != NULL)
    {
      g_autofree char *business_number = dup_business_number (shop->business_number);

      receipt->shop.name = dup_valid (shop->name);
      receipt->shop.business_number = dup_valid (business_number);
      receipt->shop.representative = dup_valid (shop->representative);
      receipt->shop.address = dup_valid (shop->address);
      receipt->shop.phone = dup_valid (shop->phone);
    }
  receipt->terminal_id = dup_valid (sale->terminal_id);
  receipt->order_id = dup_valid (sale->partner_order_id);
  receipt->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) receipt_line_free);

  for (guint i = 0; sale->lines != NULL && i < sale->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (sale->lines, i);
      KpReceiptLine *copy = g_new0 (KpReceiptLine, 1);

      copy->name = dup_valid (line->name != NULL ? line->name : "");
      copy->quantity = line->quantity;
      copy->unit_price = line->unit_price;
      copy->amount = line->amount;
      copy->tax_free = line->tax_free;
      g_ptr_array_add (receipt->lines, copy);
    }

  receipt->total_amount = sale->total_amount;
  receipt->vat_amount = sale->vat_amount;
  receipt->tax_free_amount = sale->tax_free_amount;
  receipt->supply_amount = sale->total_amount - sale->tax_free_amount - sale->vat_amount;
  receipt->payment_method = dup_valid (sale->payment_method_type);
  receipt->card_issuer = dup_card_issuer (sale->card_info_json);
  receipt->aid = dup_valid (sale->aid);
  receipt->tid = dup_valid (sale->tid);
  if (sale->approved_at != NULL)
    receipt->approved_at = g_date_time_ref (sale->approved_at);

  return receipt;
}

/**
 * kp_receipt_new_for_sale:
 * @sale: a journaled sale, normally APPROVED
 * @shop: (nullable): who issues it
 * @reprint: whether the receipt is printed again
 *
 * Every amount is the journal's: the receipt never computes a tax of its own.
 *
 * Returns: (transfer full): the sale's receipt
 */
KpReceipt *
kp_receipt_new_for_sale (const KpJournalSale *sale,
                         const KpReceiptShop *shop,
                         gboolean             reprint)
{
  KpReceipt *receipt = receipt_new (sale, shop, reprint);
  GDateTime *time = sale->approved_at != NULL ? sale->approved_at : sale->created_at;

  if (time != NULL)
    receipt->time = g_date_time_ref (time);

  return receipt;
}

/**
 * kp_receipt_new_test_page:
 * @shop: (nullable): who issues it
 * @terminal_id: (nullable): the terminal printing it
 *
 * Returns: (transfer full): a short receipt to try a printer with: the shop, a
 *   line in the program's language and one in Korean, no money
 */
KpReceipt *
kp_receipt_new_test_page (const KpReceiptShop *shop,
                          const char          *terminal_id)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *order_id = g_strdup (_("TEST"));
  g_autofree char *terminal = g_strdup (terminal_id);
  g_autoptr (GPtrArray) lines = NULL;
  KpJournalSale sale = { 0 };

  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);
  /* Translators: an item on a printer's test page */
  g_ptr_array_add (lines, kp_journal_line_new (_("Printer test"), 1, 0, FALSE));
  /* Korean whatever the language: the printer's Korean mode is what is tried. */
  g_ptr_array_add (lines, kp_journal_line_new ("한글 인쇄 시험", 1, 0, FALSE));
  sale.partner_order_id = order_id;
  sale.terminal_id = terminal;
  sale.lines = lines;
  sale.created_at = now;

  return kp_receipt_new_for_sale (&sale, shop, FALSE);
}

/**
 * kp_receipt_new_for_refund:
 * @sale: the refunded sale, as journaled after the refund
 * @refund: the refund
 * @shop: (nullable): who issues it
 * @reprint: whether the receipt is printed again
 *
 * Returns: (transfer full): the cancellation receipt (취소 영수증) of @refund
 */
KpReceipt *
kp_receipt_new_for_refund (const KpJournalSale   *sale,
                           const KpJournalRefund *refund,
                           const KpReceiptShop   *shop,
                           gboolean               reprint)
{
  KpReceipt *receipt = receipt_new (sale, shop, reprint);
  GDateTime *time;

  g_assert (refund != NULL);

  receipt->refund = TRUE;
  receipt->refund_id = dup_valid (refund->refund_id);
  receipt->refund_amount = refund->cancel_amount;
  receipt->refund_vat_amount = refund->cancel_vat_amount;
  receipt->refund_tax_free_amount = refund->cancel_tax_free_amount;
  receipt->remaining_amount = refund->cancel_available_amount - refund->cancel_amount;
  if (refund->aid != NULL)
    {
      g_free (receipt->aid);
      receipt->aid = dup_valid (refund->aid);
    }

  time = refund->canceled_at != NULL ? refund->canceled_at
       : refund->completed_at != NULL ? refund->completed_at
       : refund->created_at;
  if (time != NULL)
    receipt->time = g_date_time_ref (time);

  return receipt;
}

void
kp_receipt_free (KpReceipt *receipt)
{
  if (receipt == NULL)
    return;

  shop_clear (&receipt->shop);
  g_free (receipt->terminal_id);
  g_free (receipt->order_id);
  g_free (receipt->refund_id);
  g_clear_pointer (&receipt->time, g_date_time_unref);
  g_clear_pointer (&receipt->lines, g_ptr_array_unref);
  g_free (receipt->payment_method);
  g_free (receipt->card_issuer);
  g_free (receipt->aid);
  g_free (receipt->tid);
  g_clear_pointer (&receipt->approved_at, g_date_time_unref);
  g_free (receipt);
}

gboolean
kp_receipt_columns_are_valid (guint columns)
{
  return columns == KP_RECEIPT_COLUMNS_58MM ||
         columns == KP_RECEIPT_COLUMNS_80MM ||
         columns == KP_RECEIPT_COLUMNS_80MM_WIDE;
}

static guint
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

/**
 * kp_receipt_text_width:
 * @text: UTF-8
 *
 * Returns: how many columns @text takes on a receipt printer: two for a wide
 *   character (Hangul, Han, full-width forms), none for a combining one, one
 *   otherwise
 */
guint
kp_receipt_text_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));

  return width;
}

typedef struct
{
  GPtrArray *rows;
  guint      columns;
} Layout;

static void
add_row (Layout            *layout,
         KpReceiptRowStyle  style,
         char              *text)
{
  KpReceiptRow *row = g_new0 (KpReceiptRow, 1);

  row->text = text;
  row->style = style;
  g_ptr_array_add (layout->rows, row);
}

/* @text (one line, no newline) cut into pieces of at most @columns, at a space
 * when there is one in the piece, anywhere otherwise. */
static GPtrArray *
wrap (const char *text,
      guint       columns)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;

  while (*start == ' ')
    start++;

  while (*start != '\0')
    {
      const char *p = start;
      const char *last_space = NULL;
      guint width = 0;

      while (*p != '\0')
        {
          gunichar c = g_utf8_get_char (p);
          guint w = char_width (c);

          if (width + w > columns && p != start)
            break;
          if (c == ' ')
            last_space = p;
          width += w;
          p = g_utf8_next_char (p);
        }

      if (*p != '\0' && last_space != NULL && last_space > start)
        p = last_space;

      g_ptr_array_add (pieces, g_strchomp (g_strndup (start, p - start)));

      start = p;
      while (*start == ' ')
        start++;
    }

  if (pieces->len == 0)
    g_ptr_array_add (pieces, g_strdup (""));

  return pieces;
}

static void
add_wrapped (Layout            *layout,
             KpReceiptRowStyle  style,
             const char        *text)
{
  g_autoptr (GPtrArray) pieces = wrap (text, layout->columns);

  for (guint i = 0; i < pieces->len; i++)
    add_row (layout, style, g_strdup (g_ptr_array_index (pieces, i)));
}

static char *
padded (const char *left,
        const char *right,
        guint       columns)
{
  guint used = kp_receipt_text_width (left) + kp_receipt_text_width (right);
  g_autofree char *spaces = g_strnfill (used <= columns ? columns - used : 1, ' ');

  return g_strconcat (left, spaces, right, NULL);
}

/* @left, then @right against the right edge: on one row when both fit with a space
 * between them, @right on a row of its own otherwise. */
static void
add_pair (Layout            *layout,
          KpReceiptRowStyle  style,
          const char        *left,
          const char        *right)
{
  guint width = kp_receipt_text_width (left) + kp_receipt_text_width (right);

  if (right == NULL || *right == '\0')
    return;

  if (width + 1 <= layout->columns)
    {
      add_row (layout, style, padded (left, right, layout->columns));
      return;
    }

  add_wrapped (layout, style, left);
  if (kp_receipt_text_width (right) <= layout->columns)
    add_row (layout, style, padded ("", right, layout->columns));
  else
    add_wrapped (layout, style, right);
}

static void
add_money (Layout            *layout,
           KpReceiptRowStyle  style,
           const char        *label,
           gint64             amount)
{
  g_autofree char *text = kp_money_format_plain (amount);

  add_pair (layout, style, label, text);
}

static void
add_centered (Layout            *layout,
              KpReceiptRowStyle  style,
              const char        *text)
{
  g_autoptr (GPtrArray) pieces = wrap (text, layout->columns);

  for (guint i = 0; i < pieces->len; i++)
    {
      const char *piece = g_ptr_array_index (pieces, i);
      guint width = kp_receipt_text_width (piece);
      g_autofree char *spaces = g_strnfill ((layout->columns - MIN (width, layout->columns)) / 2,
                                            ' ');

      add_row (layout, style, g_strconcat (spaces, piece, NULL));
    }
}

static void
add_rule (Layout *layout)
{
  add_row (layout, KP_RECEIPT_ROW_PLAIN, g_strnfill (layout->columns, '-'));
}

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

static void
add_field (Layout     *layout,
           const char *label,
           const char *value)
{
  if (is_set (value))
    add_pair (layout, KP_RECEIPT_ROW_PLAIN, label, value);
}

static void
add_time_field (Layout     *layout,
                const char *label,
                GDateTime  *time)
{
  g_autoptr (GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (time == NULL)
    return;

  /* In the terminal's time zone, whatever offset the time was stored with. */
  local = g_date_time_to_local (time);
  text = g_date_time_format (local, TIME_FORMAT);
  add_field (layout, label, text);
}

static void
add_item (Layout              *layout,
          const KpReceiptLine *line)
{
  g_autofree char *name = NULL;
  g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT, line->quantity);
  g_autofree char *unit_price = kp_money_format_plain (line->unit_price);
  g_autofree char *amount = kp_money_format_plain (line->amount);
  g_autofree char *detail = NULL;

  /* A tax-free item is marked as the totals' legend explains. */
  name = line->tax_free ? g_strconcat ("*", line->name, NULL) : g_strdup (line->name);
  add_wrapped (layout, KP_RECEIPT_ROW_PLAIN, name);

  detail = g_strdup_printf ("  %s x %s", unit_price, quantity);
  add_pair (layout, KP_RECEIPT_ROW_PLAIN, detail, amount);
}

static gboolean
has_tax_free_line (const KpReceipt *receipt)
{
  for (guint i = 0; i < receipt->lines->len; i++)
    {
      const KpReceiptLine *line = g_ptr_array_index (receipt->lines, i);

      if (line->tax_free)
        return TRUE;
    }

  return FALSE;
}

/**
 * kp_receipt_layout:
 * @receipt: a receipt
 * @columns: 32, 42 or 48
 *
 * Lays @receipt out for a paper @columns wide: long names wrap, amounts stand
 * against the right edge, no row is wider than @columns.
 *
 * Returns: (transfer container) (element-type KpReceiptRow): the rows, top to bottom
 */
GPtrArray *
kp_receipt_layout (const KpReceipt *receipt,
                   guint            columns)
{
  Layout layout = { NULL, columns };
  const char *method;

  g_return_val_if_fail (receipt != NULL, NULL);
  g_return_val_if_fail (columns >= 16, NULL);

  layout.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) receipt_row_free);

  if (is_set (receipt->shop.name))
    add_centered (&layout, KP_RECEIPT_ROW_TITLE, receipt->shop.name);
  /* Translators: the title of a customer's receipt */
  add_centered (&layout, KP_RECEIPT_ROW_TITLE,
                receipt->refund ? _("Cancellation Receipt") : _("Receipt"));
  if (receipt->reprint)
    /* Translators: printed on a receipt printed a second time; Korean: 재발행 */
    add_centered (&layout, KP_RECEIPT_ROW_TITLE, _("REPRINT"));

  add_field (&layout, _("Business No."), receipt->shop.business_number);
  add_field (&layout, _("Representative"), receipt->shop.representative);
  if (is_set (receipt->shop.address))
    add_wrapped (&layout, KP_RECEIPT_ROW_PLAIN, receipt->shop.address);
  add_field (&layout, _("Phone"), receipt->shop.phone);
  add_field (&layout, _("Terminal"), receipt->terminal_id);
  add_field (&layout, receipt->refund ? _("Original order") : _("Order"),
             receipt->order_id);
  if (receipt->refund)
    add_field (&layout, _("Refund"), receipt->refund_id);
  add_time_field (&layout, _("Date"), receipt->time);

  add_rule (&layout);
  /* Translators: the header of a receipt's item list: the item, then its unit price
   * times the quantity, then the amount */
  add_pair (&layout, KP_RECEIPT_ROW_PLAIN, _("Item / Price x Qty"), _("Amount"));
  add_rule (&layout);
  for (guint i = 0; i < receipt->lines->len; i++)
    add_item (&layout, g_ptr_array_index (receipt->lines, i));
  add_rule (&layout);

  add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Supply amount"), receipt->supply_amount);
  add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("VAT"), receipt->vat_amount);
  if (receipt->tax_free_amount != 0 || has_tax_free_line (receipt))
    add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Tax-free"), receipt->tax_free_amount);
  add_money (&layout, receipt->refund ? KP_RECEIPT_ROW_PLAIN : KP_RECEIPT_ROW_TOTAL,
             _("Total"), receipt->total_amount);
  if (has_tax_free_line (receipt))
    add_wrapped (&layout, KP_RECEIPT_ROW_PLAIN, _("* tax-free item"));

  if (receipt->refund)
    {
      add_rule (&layout);
      add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Refund supply amount"),
                 receipt->refund_amount - receipt->refund_tax_free_amount -
                 receipt->refund_vat_amount);
      add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Refund VAT"), receipt->refund_vat_amount);
      if (receipt->refund_tax_free_amount != 0)
        add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Refund tax-free"),
                   receipt->refund_tax_free_amount);
      add_money (&layout, KP_RECEIPT_ROW_TOTAL, _("Refunded"), receipt->refund_amount);
      add_money (&layout, KP_RECEIPT_ROW_PLAIN, _("Remaining"), receipt->remaining_amount);
    }

  add_rule (&layout);
  method = kp_payment_method_label (receipt->payment_method);
  add_field (&layout, _("Payment"), method);
  add_field (&layout, _("Card issuer"), receipt->card_issuer);
  add_field (&layout, _("Approval No."), receipt->aid);
  add_field (&layout, _("TID"), receipt->tid);
  add_time_field (&layout, _("Approved at"), receipt->approved_at);

  return layout.rows;
}

/**
 * kp_receipt_to_text:
 * @receipt: a receipt
 * @columns: 32, 42 or 48
 *
 * Returns: (transfer full): kp_receipt_layout()'s rows, each ended by a newline
 */
char *
kp_receipt_to_text (const KpReceipt *receipt,
                    guint            columns)
{
  g_autoptr (GPtrArray) rows = kp_receipt_layout (receipt, columns);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      const KpReceiptRow *row = g_ptr_array_index (rows, i);

      g_string_append (text, row->text);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}
