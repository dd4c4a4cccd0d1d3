/* kp-journal-sale.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "kp-sale-state.h"

G_BEGIN_DECLS

/* The plain records the journal takes and returns. They travel together (a
 * sale owns its lines, a new sale is the input of the sale), so they share
 * this file pair. Every record is a boxed type, deep-copied by _copy. */

/* KpJournalUpdate.refunded_amount: keep the stored value. */
#define KP_JOURNAL_UNCHANGED (-1)

#define KP_TYPE_JOURNAL_LINE       (kp_journal_line_get_type ())
#define KP_TYPE_JOURNAL_NEW_SALE   (kp_journal_new_sale_get_type ())
#define KP_TYPE_JOURNAL_SALE       (kp_journal_sale_get_type ())
#define KP_TYPE_JOURNAL_UPDATE     (kp_journal_update_get_type ())
#define KP_TYPE_JOURNAL_TRANSITION (kp_journal_transition_get_type ())
#define KP_TYPE_JOURNAL_QUERY      (kp_journal_query_get_type ())

/* KpJournalQuery.limit when it is 0. */
#define KP_JOURNAL_QUERY_DEFAULT_LIMIT 200

/**
 * KpJournalLine:
 * @position: 0-based position in the sale (set by the journal)
 * @name: the item's name
 * @quantity: how many
 * @unit_price: KRW, VAT included
 * @tax_free: whether the line is exempt from VAT
 * @amount: @quantity × @unit_price (set by the journal)
 *
 * One cart line of a sale.
 */
typedef struct
{
  guint     position;
  char     *name;
  gint64    quantity;
  gint64    unit_price;
  gboolean  tax_free;
  gint64    amount;
} KpJournalLine;

/**
 * KpJournalNewSale:
 * @terminal_id: the terminal, first part of the partner_order_id
 * @partner_user_id: the partner_user_id sent to KakaoPay
 * @cid: the merchant CID
 * @dialect: "online" or "legacy"
 * @item_name: the item_name sent to KakaoPay
 * @quantity: the quantity sent to KakaoPay (the sum of the lines' quantities)
 * @total_amount: KRW (the sum of the lines' amounts)
 * @tax_free_amount: KRW (the sum of the tax-free lines' amounts)
 * @vat_amount: KRW
 * @nonce: the per-sale callback nonce, lowercase or uppercase hex
 * @lines: (element-type KpJournalLine): the cart lines, in order; add them
 *   with kp_journal_new_sale_add_line()
 * @retry_of: (nullable): the partner_order_id of the attempt this one repeats,
 *   kept only when that attempt could not start (READY_FAILED)
 *
 * What the journal needs to create a sale. Allocate it with
 * kp_journal_new_sale_new(); the strings are owned (g_strdup them in).
 */
typedef struct
{
  char      *terminal_id;
  char      *partner_user_id;
  char      *cid;
  char      *dialect;
  char      *item_name;
  gint64     quantity;
  gint64     total_amount;
  gint64     tax_free_amount;
  gint64     vat_amount;
  char      *nonce;
  GPtrArray *lines;
  char      *retry_of;
} KpJournalNewSale;

/**
 * KpJournalSale:
 *
 * A journaled sale, as stored. Strings and times are %NULL when absent.
 * @card_info_json is the approve reply's card_info as JSON text. Times carry
 * the offset they were stored with (the local one).
 */
typedef struct
{
  gint64       id;
  char        *partner_order_id;
  char        *partner_user_id;
  char        *terminal_id;
  char        *cid;
  char        *dialect;
  KpSaleState  state;
  char        *item_name;
  gint64       quantity;
  gint64       total_amount;
  gint64       tax_free_amount;
  gint64       vat_amount;
  char        *tid;
  char        *aid;
  char        *pg_token;
  char        *nonce;
  char        *payment_method_type;
  char        *card_info_json;
  GDateTime   *created_at;
  GDateTime   *updated_at;
  GDateTime   *approved_at;
  GDateTime   *expires_at;
  gint64       refunded_amount;
  GPtrArray   *lines;
} KpJournalSale;

/**
 * KpJournalUpdate:
 * @tid: (nullable): the tid from ready's reply
 * @expires_at: (nullable): when the tid expires
 * @pg_token: (nullable): the pg_token from the approval redirect
 * @aid: (nullable): approve's aid, exactly as KakaoPay returned it
 * @payment_method_type: (nullable): "CARD" or "MONEY", exactly as returned
 * @card_info_json: (nullable): approve's card_info, as JSON text
 * @approved_at: (nullable): approve's approved_at; a move to APPROVED
 *   without one (and none stored) stores the journal's clock
 * @refunded_amount: the total refunded so far (KRW), or
 *   %KP_JOURNAL_UNCHANGED; only a move to PARTIALLY_REFUNDED or REFUNDED may
 *   set it, and a move to REFUNDED without it stores the total amount
 * @detail: (nullable): free text kept with the transition (an error message,
 *   a KakaoPay status, …); never a secret
 *
 * Fields a transition sets in the same transaction. %NULL keeps the stored
 * value. Allocate it with kp_journal_update_new(), which sets
 * @refunded_amount to %KP_JOURNAL_UNCHANGED.
 */
typedef struct
{
  char      *tid;
  GDateTime *expires_at;
  char      *pg_token;
  char      *aid;
  char      *payment_method_type;
  char      *card_info_json;
  GDateTime *approved_at;
  gint64     refunded_amount;
  char      *detail;
} KpJournalUpdate;

/**
 * KpJournalTransition:
 * @id: increasing with time
 * @from_state: %KP_SALE_STATE_NONE for the row recording the sale's creation
 * @to_state: the new state
 * @at: when it was journaled
 * @detail: (nullable): the update's detail text
 *
 * One row of a sale's history.
 */
typedef struct
{
  gint64       id;
  KpSaleState  from_state;
  KpSaleState  to_state;
  GDateTime   *at;
  char        *detail;
} KpJournalTransition;

/**
 * KpJournalQuery:
 * @day: (nullable): only sales created on this local date; %NULL for any day
 * @text: (nullable): what the cashier typed; %NULL or blank lists every
 *   sale (of @day). Otherwise a sale matches if any of these does:
 *   its partner_order_id equals or starts with @text (as typed); its tid
 *   equals or starts with @text (ignoring ASCII case); its item name or one
 *   of its line names contains @text (ignoring case); or @text is an
 *   amount ("4500", "4,500", "₩4,500", "4,500원") equal to its total.
 *   Leading and trailing white space is ignored
 * @offset: how many matches to skip (paging)
 * @limit: at most this many sales; 0 for %KP_JOURNAL_QUERY_DEFAULT_LIMIT
 *
 * A history search (kp_journal_search_async()). Allocate it with
 * kp_journal_query_new().
 */
typedef struct
{
  GDate *day;
  char  *text;
  guint  offset;
  guint  limit;
} KpJournalQuery;

GType                kp_journal_line_get_type       (void);
KpJournalLine       *kp_journal_line_new            (const char                *name,
                                                     gint64                     quantity,
                                                     gint64                     unit_price,
                                                     gboolean                   tax_free);
KpJournalLine       *kp_journal_line_copy           (const KpJournalLine       *line);
void                 kp_journal_line_free           (KpJournalLine             *line);

GType                kp_journal_new_sale_get_type   (void);
KpJournalNewSale    *kp_journal_new_sale_new        (void);
void                 kp_journal_new_sale_add_line   (KpJournalNewSale          *sale,
                                                     const char                *name,
                                                     gint64                     quantity,
                                                     gint64                     unit_price,
                                                     gboolean                   tax_free);
KpJournalNewSale    *kp_journal_new_sale_copy       (const KpJournalNewSale    *sale);
void                 kp_journal_new_sale_free       (KpJournalNewSale          *sale);

GType                kp_journal_sale_get_type       (void);
KpJournalSale       *kp_journal_sale_copy           (const KpJournalSale       *sale);
void                 kp_journal_sale_free           (KpJournalSale             *sale);

GType                kp_journal_update_get_type     (void);
KpJournalUpdate     *kp_journal_update_new          (void);
KpJournalUpdate     *kp_journal_update_copy         (const KpJournalUpdate     *update);
void                 kp_journal_update_free         (KpJournalUpdate           *update);

GType                kp_journal_transition_get_type (void);
KpJournalTransition *kp_journal_transition_copy     (const KpJournalTransition *transition);
void                 kp_journal_transition_free     (KpJournalTransition       *transition);

GType                kp_journal_query_get_type      (void);
KpJournalQuery      *kp_journal_query_new           (const GDate               *day,
                                                     const char                *text);
KpJournalQuery      *kp_journal_query_copy          (const KpJournalQuery      *query);
void                 kp_journal_query_free          (KpJournalQuery            *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalLine, kp_journal_line_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalNewSale, kp_journal_new_sale_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalSale, kp_journal_sale_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalUpdate, kp_journal_update_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalTransition, kp_journal_transition_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpJournalQuery, kp_journal_query_free)

G_END_DECLS
