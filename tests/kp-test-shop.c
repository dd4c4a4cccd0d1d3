/* kp-test-shop.c: terminals that sell, for the tests of the shop database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-journal-private.h"
#include "kp-test-shop.h"

/* One second a step from 2026-11-25 10:00 in Seoul, or from $KP_TEST_SHOP_START (an
 * ISO 8601 time: the window's tests sell on the day they run). */
static GDateTime *
step_clock (gpointer user_data)
{
  gint *tick = user_data;
  const char *from = g_getenv ("KP_TEST_SHOP_START");
  g_autoptr (GTimeZone) seoul = g_time_zone_new_identifier ("+09:00");
  g_autoptr (GDateTime) start = NULL;

  if (from != NULL)
    start = g_date_time_new_from_iso8601 (from, NULL);
  if (start == NULL)
    start = g_date_time_new (seoul, 2026, 11, 25, 10, 0, 0);
  return g_date_time_add_seconds (start, g_atomic_int_add (tick, 1));
}

KpJournal *
kp_test_shop_open_journal (const char *path)
{
  g_autoptr (GError) error = NULL;
  KpJournal *journal = kp_journal_open_sync (path, &error);
  gint *tick = g_new0 (gint, 1);

  g_assert_no_error (error);
  /* The counter lives as long as the journal. */
  kp_journal_set_clock (journal, step_clock, tick);
  g_object_set_data_full (G_OBJECT (journal), "kp-test-tick", tick, g_free);
  return journal;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
move (KpJournal             *journal,
      const char            *order,
      KpSaleState            from,
      KpSaleState            to,
      const KpJournalUpdate *update)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;

  kp_journal_transition_async (journal, order, from, to, update, NULL, store_result_cb,
                               &result);
  sale = kp_journal_transition_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
}

/* One sale: approved (MONEY or CARD, in turns), expired (one in five), and
 * one approved sale in four partly refunded. */
static void
sell_one (KpJournal  *journal,
          const char *terminal_id,
          guint       i)
{
  g_autoptr (KpJournalNewSale) input = kp_journal_new_sale_new ();
  g_autoptr (KpJournalUpdate) waiting = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approving = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (KpJournalRefundRequest) request = NULL;
  g_autoptr (KpJournalRefund) refund = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) refunded = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 price = 1000 + 100 * (i % 17);

  input->terminal_id = g_strdup (terminal_id);
  input->partner_user_id = g_strdup ("counter");
  input->cid = g_strdup ("TC0ONETIME");
  input->dialect = g_strdup ("online");
  input->item_name = g_strdup (i % 2 ? "아메리카노 외 1건" : "생수");
  input->nonce = g_strdup ("00ff00ff00ff00ff00ff00ff00ff00ff");
  kp_journal_new_sale_add_line (input, "아메리카노", 1, price, FALSE);
  kp_journal_new_sale_add_line (input, "생수", 1, 500, TRUE);
  input->quantity = 2;
  input->total_amount = price + 500;
  input->tax_free_amount = 500;
  input->vat_amount = (price + 5) / 11;

  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &result);
  sale = kp_journal_create_sale_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);

  waiting->tid = g_strdup_printf ("T%s%04u", terminal_id, i);
  move (journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
        KP_SALE_STATE_AWAITING_CUSTOMER, waiting);
  if (i % 5 == 4)
    {
      move (journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
            KP_SALE_STATE_EXPIRED, NULL);
      return;
    }
  approving->pg_token = g_strdup ("pgtoken");
  move (journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
        KP_SALE_STATE_APPROVING, approving);
  approved->aid = g_strdup_printf ("A%s%04u", terminal_id, i);
  approved->payment_method_type = g_strdup (i % 2 ? "CARD" : "MONEY");
  move (journal, sale->partner_order_id, KP_SALE_STATE_APPROVING, KP_SALE_STATE_APPROVED,
        approved);
  if (i % 4 != 1)
    return;

  request = kp_journal_refund_request_new ();
  request->cancel_amount = 500;
  request->cancel_tax_free_amount = 500;
  request->cancel_vat_amount = 0;
  g_clear_object (&result);
  kp_journal_begin_refund_async (journal, sale->partner_order_id, request, NULL,
                                 store_result_cb, &result);
  refund = kp_journal_begin_refund_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  kp_journal_complete_refund_async (journal, refund->refund_id, "A-refund", NULL, NULL,
                                    store_result_cb, &result);
  refunded = kp_journal_complete_refund_finish (journal, wait_result (&result), &error);
  g_assert_no_error (error);
}

void
kp_test_shop_sell (KpJournal  *journal,
                   const char *terminal_id,
                   guint       n)
{
  for (guint i = 0; i < n; i++)
    sell_one (journal, terminal_id, i);
}

gint64
kp_test_shop_journal_int (KpJournal  *journal,
                          const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = _kp_journal_query_text (journal, sql, &error);

  g_assert_no_error (error);
  return g_ascii_strtoll (value, NULL, 10);
}

/* Until the replicator is idle, online, with nothing waiting. */
void
kp_test_shop_wait_synced (KpShopReplicator *replicator)
{
  while (kp_shop_replicator_get_busy (replicator) ||
         !kp_shop_replicator_get_online (replicator) ||
         kp_shop_replicator_get_waiting (replicator) > 0)
    g_main_context_iteration (NULL, TRUE);
}
