/* test-refund-plan.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "kp-journal.h"
#include "kp-refund-plan.h"

/* The split the refund dialog shows (tax-free part, VAT part, what is left) must be
 * exactly what the journal stores and sends: the maths on their own, then against a
 * journal in memory. */

static KpJournalSale *
cart_sale (void)
{
  KpJournalSale *sale = g_new0 (KpJournalSale, 1);
  KpJournalLine *milk = kp_journal_line_new ("Milk", 2, 2000, TRUE);
  KpJournalLine *bread = kp_journal_line_new ("Bread", 1, 3300, FALSE);

  milk->position = 0;
  milk->amount = 4000;
  bread->position = 1;
  bread->amount = 3300;
  sale->partner_order_id = g_strdup ("T1-20261125-0001");
  sale->state = KP_SALE_STATE_APPROVED;
  sale->total_amount = 7300;
  sale->tax_free_amount = 4000;
  sale->vat_amount = 300;
  sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);
  g_ptr_array_add (sale->lines, milk);
  g_ptr_array_add (sale->lines, bread);
  return sale;
}

static KpJournalRefund *
refund_of (KpRefundState  state,
           gint64         amount,
           gint64         tax_free,
           gint64         vat,
           const char    *lines_json)
{
  KpJournalRefund *refund = g_new0 (KpJournalRefund, 1);

  refund->refund_id = g_strdup ("T1-20261125-0001-R1");
  refund->partner_order_id = g_strdup ("T1-20261125-0001");
  refund->state = state;
  refund->cancel_amount = amount;
  refund->cancel_tax_free_amount = tax_free;
  refund->cancel_vat_amount = vat;
  refund->lines_json = g_strdup (lines_json);
  return refund;
}

static void
test_vat_of (void)
{
  g_assert_cmpint (kp_vat_default (0, 0), ==, 0);
  g_assert_cmpint (kp_vat_default (-5, 0), ==, 0);
  g_assert_cmpint (kp_vat_default (5, 0), ==, 0);
  g_assert_cmpint (kp_vat_default (6, 0), ==, 1);
  g_assert_cmpint (kp_vat_default (3000, 0), ==, 273);
  g_assert_cmpint (kp_vat_default (10500, 0), ==, 955);
  g_assert_cmpint (kp_vat_default (3300, 0), ==, 300);
}

static void
test_left (void)
{
  g_autoptr (KpJournalSale) sale = cart_sale ();
  g_autoptr (GPtrArray) refunds =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_refund_free);
  g_autofree gint64 *lines = NULL;
  KpRefundLeft left;

  kp_refund_left_of_sale (sale, NULL, &left);
  g_assert_cmpint (left.total, ==, 7300);
  g_assert_cmpint (left.tax_free, ==, 4000);
  g_assert_cmpint (left.vat, ==, 300);

  /* A milk refunded; a refused refund and one in flight take nothing from the figures,
   * but the one in flight holds its lines. */
  g_ptr_array_add (refunds, refund_of (KP_REFUND_STATE_REFUNDED, 2000, 2000, 0,
                                       "[{\"position\":0,\"quantity\":1}]"));
  g_ptr_array_add (refunds, refund_of (KP_REFUND_STATE_FAILED, 3300, 0, 300,
                                       "[{\"position\":1,\"quantity\":1}]"));
  sale->refunded_amount = 2000;
  sale->state = KP_SALE_STATE_PARTIALLY_REFUNDED;
  kp_refund_left_of_sale (sale, refunds, &left);
  g_assert_cmpint (left.total, ==, 5300);
  g_assert_cmpint (left.tax_free, ==, 2000);
  g_assert_cmpint (left.vat, ==, 300);

  lines = kp_refund_lines_left (sale, refunds);
  g_assert_cmpint (lines[0], ==, 1);
  g_assert_cmpint (lines[1], ==, 1);
  g_clear_pointer (&lines, g_free);

  g_ptr_array_add (refunds, refund_of (KP_REFUND_STATE_SENT, 1000, 0, 91,
                                       "[{\"position\":1,\"quantity\":1},{\"position\":9}]"));
  lines = kp_refund_lines_left (sale, refunds);
  g_assert_cmpint (lines[0], ==, 1);
  g_assert_cmpint (lines[1], ==, 0);
}

static void
test_by_amount (void)
{
  KpRefundLeft left = { 10500, 0, 955 };
  KpRefundLeft mixed = { 7300, 4000, 300 };
  g_autoptr (GError) error = NULL;
  KpRefundPlan plan;

  g_assert_true (kp_refund_plan_by_amount (&left, 3000, &plan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan.amount, ==, 3000);
  g_assert_cmpint (plan.tax_free, ==, 0);
  g_assert_cmpint (plan.vat, ==, 273);
  g_assert_cmpint (plan.left.total, ==, 7500);
  g_assert_cmpint (plan.left.vat, ==, 682);

  /* The last refund takes exactly what is left. */
  g_assert_true (kp_refund_plan_by_amount (&plan.left, 7500, &plan, &error));
  g_assert_cmpint (plan.vat, ==, 682);
  g_assert_cmpint (plan.left.total, ==, 0);
  g_assert_cmpint (plan.left.vat, ==, 0);

  /* Tax free in proportion: 2000 × 4000 / 7300 = 1095.9 → 1096. */
  g_assert_true (kp_refund_plan_by_amount (&mixed, 2000, &plan, &error));
  g_assert_cmpint (plan.tax_free, ==, 1096);
  g_assert_cmpint (plan.vat, ==, 82);
  g_assert_cmpint (plan.left.total, ==, 5300);
  g_assert_cmpint (plan.left.tax_free, ==, 2904);
  g_assert_cmpint (plan.left.vat, ==, 218);

  g_assert_false (kp_refund_plan_by_amount (&left, 0, &plan, &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_NOTHING);
  g_clear_error (&error);
  g_assert_false (kp_refund_plan_by_amount (&left, 10501, &plan, &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_TOO_MUCH);
  g_assert_nonnull (strstr (error->message, "10,500"));
}

static void
test_by_lines (void)
{
  g_autoptr (KpJournalSale) sale = cart_sale ();
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  KpRefundLeft left;
  KpRefundLeft after_amount = { 5300, 2904, 218 };
  KpRefundPlan plan;
  gint64 one_milk[] = { 1, 0 };
  gint64 bread[] = { 0, 1 };
  gint64 all[] = { 2, 1 };
  gint64 none[] = { 0, 0 };
  gint64 too_many[] = { 3, 0 };

  kp_refund_left_of_sale (sale, NULL, &left);

  g_assert_true (kp_refund_plan_by_lines (&left, sale, one_milk, &plan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan.amount, ==, 2000);
  g_assert_cmpint (plan.tax_free, ==, 2000);
  g_assert_cmpint (plan.vat, ==, 0);
  json = kp_refund_lines_to_json (sale, one_milk);
  g_assert_cmpstr (json, ==, "[{\"position\":0,\"quantity\":1}]");

  /* The bread is all that is taxable: it takes all the VAT. */
  g_assert_true (kp_refund_plan_by_lines (&left, sale, bread, &plan, &error));
  g_assert_cmpint (plan.amount, ==, 3300);
  g_assert_cmpint (plan.tax_free, ==, 0);
  g_assert_cmpint (plan.vat, ==, 300);

  g_assert_true (kp_refund_plan_by_lines (&left, sale, all, &plan, &error));
  g_assert_cmpint (plan.amount, ==, 7300);
  g_assert_cmpint (plan.left.total, ==, 0);
  g_assert_cmpint (plan.left.tax_free, ==, 0);
  g_assert_cmpint (plan.left.vat, ==, 0);

  g_assert_false (kp_refund_plan_by_lines (&left, sale, none, &plan, &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_NOTHING);
  g_clear_error (&error);
  g_assert_false (kp_refund_plan_by_lines (&left, sale, too_many, &plan, &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_TOO_MUCH);
  g_clear_error (&error);

  /* After a refund by amount took part of the tax-free amount, both milks no longer
   * fit: refund by amount instead. */
  g_assert_false (kp_refund_plan_by_lines (&after_amount, sale, (gint64[]) { 2, 0 }, &plan,
                                           &error));
  g_assert_error (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_DOES_NOT_FIT);
}

/* Any run of refunds by amount ends with everything refunded, and never leaves more
 * VAT than taxable amount. */
static void
test_runs (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261125);

  for (int run = 0; run < 2000; run++)
    {
      gint64 total = g_rand_int_range (rand, 1, 200000);
      gint64 tax_free = g_rand_int_range (rand, 0, 2) ? g_rand_int_range (rand, 0, total + 1) : 0;
      KpRefundLeft left = { total, tax_free, kp_vat_default (total - tax_free, 0) };
      gint64 refunded = 0, refunded_tax_free = 0, refunded_vat = 0;

      while (left.total > 0)
        {
          gint64 amount = g_rand_int_range (rand, 0, 3) == 0 ? left.total
                          : g_rand_int_range (rand, 1, left.total + 1);
          KpRefundPlan plan;

          g_assert_true (kp_refund_plan_by_amount (&left, amount, &plan, NULL));
          g_assert_cmpint (plan.tax_free, >=, 0);
          g_assert_cmpint (plan.tax_free, <=, plan.amount);
          g_assert_cmpint (plan.vat, >=, 0);
          g_assert_cmpint (plan.vat, <=, plan.amount - plan.tax_free);
          g_assert_cmpint (plan.left.tax_free, >=, 0);
          g_assert_cmpint (plan.left.vat, >=, 0);
          g_assert_cmpint (plan.left.vat, <=, plan.left.total - plan.left.tax_free);
          refunded += plan.amount;
          refunded_tax_free += plan.tax_free;
          refunded_vat += plan.vat;
          left = plan.left;
        }
      g_assert_cmpint (refunded, ==, total);
      g_assert_cmpint (refunded_tax_free, ==, tax_free);
      g_assert_cmpint (refunded_vat, ==, kp_vat_default (total - tax_free, 0));
    }
}

/* Against the journal: what the plan shows is what the journal stores (its VAT is
 * worked out by the journal itself, KP_JOURNAL_AUTO, as the refunder asks). */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static KpJournalSale *
approved_sale (KpJournal *journal)
{
  g_autoptr (KpJournalNewSale) input = kp_journal_new_sale_new ();
  g_autoptr (KpJournalUpdate) ready = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (KpJournalSale) created = NULL;
  g_autoptr (KpJournalSale) waiting = NULL;
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  input->terminal_id = g_strdup ("T1");
  input->partner_user_id = g_strdup ("counter-1");
  input->cid = g_strdup ("TC0ONETIME");
  input->dialect = g_strdup ("online");
  input->item_name = g_strdup ("Milk and 1 more");
  input->nonce = g_strdup ("00ff00ff00ff00ff00ff00ff00ff00ff");
  kp_journal_new_sale_add_line (input, "Milk", 2, 2000, TRUE);
  kp_journal_new_sale_add_line (input, "Bread", 3, 3300, FALSE);
  input->quantity = 5;
  input->total_amount = 13900;
  input->tax_free_amount = 4000;
  input->vat_amount = kp_vat_default (9900, 0);

  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &r1);
  created = kp_journal_create_sale_finish (journal, wait_for (&r1), &error);
  g_assert_no_error (error);
  ready->tid = g_strdup ("T0000000000000000001");
  kp_journal_transition_async (journal, created->partner_order_id, KP_SALE_STATE_READY_SENT,
                               KP_SALE_STATE_AWAITING_CUSTOMER, ready, NULL, store_result_cb,
                               &r2);
  waiting = kp_journal_transition_finish (journal, wait_for (&r2), &error);
  g_assert_no_error (error);
  approved->aid = g_strdup ("A0000000000000000001");
  approved->payment_method_type = g_strdup ("MONEY");
  kp_journal_transition_async (journal, created->partner_order_id,
                               KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVED, approved,
                               NULL, store_result_cb, &r3);
  sale = kp_journal_transition_finish (journal, wait_for (&r3), &error);
  g_assert_no_error (error);
  return sale;
}

static void
test_matches_journal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = kp_journal_open_sync (":memory:", &error);
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autoptr (GPtrArray) refunds =
    g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_refund_free);
  guint step = 0;

  g_assert_no_error (error);
  sale = approved_sale (journal);

  while (sale->refunded_amount < sale->total_amount)
    {
      g_autoptr (KpJournalRefundRequest) request = kp_journal_refund_request_new ();
      g_autoptr (KpJournalRefund) begun = NULL;
      g_autoptr (KpJournalSale) after = NULL;
      g_autoptr (GAsyncResult) r1 = NULL;
      g_autoptr (GAsyncResult) r2 = NULL;
      KpRefundLeft left;
      KpRefundPlan plan;
      gint64 amount;

      kp_refund_left_of_sale (sale, refunds, &left);
      amount = step++ < 4 ? g_rand_int_range (rand, 1, MAX (left.total / 3, 2)) : left.total;
      g_assert_true (kp_refund_plan_by_amount (&left, amount, &plan, NULL));

      request->cancel_amount = plan.amount;
      request->cancel_tax_free_amount = plan.tax_free;
      kp_journal_begin_refund_async (journal, sale->partner_order_id, request, NULL,
                                     store_result_cb, &r1);
      begun = kp_journal_begin_refund_finish (journal, wait_for (&r1), &error);
      g_assert_no_error (error);
      g_assert_cmpint (begun->cancel_vat_amount, ==, plan.vat);
      g_assert_cmpint (begun->cancel_available_amount, ==, left.total);

      kp_journal_complete_refund_async (journal, begun->refund_id, "A0000000000000000009", NULL,
                                        NULL, store_result_cb, &r2);
      after = kp_journal_complete_refund_finish (journal, wait_for (&r2), &error);
      g_assert_no_error (error);
      g_assert_cmpint (after->total_amount - after->refunded_amount, ==, plan.left.total);

      begun->state = KP_REFUND_STATE_REFUNDED;
      g_ptr_array_add (refunds, g_steal_pointer (&begun));
      g_clear_pointer (&sale, kp_journal_sale_free);
      sale = g_steal_pointer (&after);
    }
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_REFUNDED);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/refund-plan/vat-of", test_vat_of);
  g_test_add_func ("/kp/refund-plan/left", test_left);
  g_test_add_func ("/kp/refund-plan/by-amount", test_by_amount);
  g_test_add_func ("/kp/refund-plan/by-lines", test_by_lines);
  g_test_add_func ("/kp/refund-plan/runs", test_runs);
  g_test_add_func ("/kp/refund-plan/matches-journal", test_matches_journal);

  return g_test_run ();
}
