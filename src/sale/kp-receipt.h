/* kp-receipt.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kp-journal.h"
#include "kp-journal-refund.h"

G_BEGIN_DECLS

/* Paper widths, in columns of the printer's half-width font. */
#define KP_RECEIPT_COLUMNS_58MM 32
#define KP_RECEIPT_COLUMNS_80MM 42
#define KP_RECEIPT_COLUMNS_80MM_WIDE 48

/**
 * KpReceiptShop:
 *
 * Who issues the receipt, as the shop's settings say. Any field may be %NULL or
 * empty; the receipt leaves out what is missing.
 */
typedef struct
{
  char *name;
  char *business_number;
  char *representative;
  char *address;
  char *phone;
} KpReceiptShop;

/**
 * KpReceiptLine:
 *
 * One item of the sale, as journaled.
 */
typedef struct
{
  char     *name;
  gint64    quantity;
  gint64    unit_price;
  gint64    amount;
  gboolean  tax_free;
} KpReceiptLine;

/**
 * KpReceipt:
 * @refund: whether this is a cancellation receipt (취소 영수증)
 * @reprint: whether it is printed again (재발행)
 * @total_amount, @vat_amount, @tax_free_amount, @supply_amount: the sale's, from
 *   the journal; @supply_amount is the taxable part without VAT
 * @refund_amount, @refund_vat_amount, @refund_tax_free_amount: the refund's
 *   (only for @refund)
 * @remaining_amount: what is left of the sale after the refund (only for @refund)
 *
 * A receipt, built from the journal and laid out by kp_receipt_layout().
 */
typedef struct
{
  gboolean       refund;
  gboolean       reprint;
  KpReceiptShop  shop;
  char          *terminal_id;
  char          *order_id;
  char          *refund_id;
  GDateTime     *time;
  GPtrArray     *lines;
  gint64         total_amount;
  gint64         vat_amount;
  gint64         tax_free_amount;
  gint64         supply_amount;
  char          *payment_method;
  char          *card_issuer;
  char          *aid;
  char          *tid;
  GDateTime     *approved_at;
  gint64         refund_amount;
  gint64         refund_vat_amount;
  gint64         refund_tax_free_amount;
  gint64         remaining_amount;
} KpReceipt;

/**
 * KpReceiptRowStyle:
 * @KP_RECEIPT_ROW_PLAIN: ordinary text
 * @KP_RECEIPT_ROW_TITLE: the title, centred, emphasized by the printer
 * @KP_RECEIPT_ROW_TOTAL: the amount paid (or refunded), emphasized by the printer
 */
typedef enum
{
  KP_RECEIPT_ROW_PLAIN,
  KP_RECEIPT_ROW_TITLE,
  KP_RECEIPT_ROW_TOTAL,
} KpReceiptRowStyle;

/**
 * KpReceiptRow:
 * @text: the row, at most the layout's width in display columns, padded
 * @style: how a printer emphasizes it
 */
typedef struct
{
  char              *text;
  KpReceiptRowStyle  style;
} KpReceiptRow;

KpReceiptShop *kp_receipt_shop_new         (const char           *name,
                                            const char           *business_number,
                                            const char           *representative,
                                            const char           *address,
                                            const char           *phone);
void           kp_receipt_shop_free        (KpReceiptShop        *shop);

KpReceipt     *kp_receipt_new_for_sale     (const KpJournalSale  *sale,
                                            const KpReceiptShop  *shop,
                                            gboolean              reprint);
KpReceipt     *kp_receipt_new_for_refund   (const KpJournalSale  *sale,
                                            const KpJournalRefund *refund,
                                            const KpReceiptShop  *shop,
                                            gboolean              reprint);
KpReceipt     *kp_receipt_new_test_page    (const KpReceiptShop  *shop,
                                            const char           *terminal_id);
void           kp_receipt_free             (KpReceipt            *receipt);

GPtrArray     *kp_receipt_layout           (const KpReceipt      *receipt,
                                            guint                 columns);
char          *kp_receipt_to_text          (const KpReceipt      *receipt,
                                            guint                 columns);
gboolean       kp_receipt_columns_are_valid (guint                columns);

guint          kp_receipt_text_width       (const char           *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpReceiptShop, kp_receipt_shop_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpReceipt, kp_receipt_free)

G_END_DECLS
