/* test-journal-outbox.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

/* The outbox of kp-journal-schema-6.sql, on real files in the per-test folders. */

static gint64
query_int (KpJournal  *journal,
           const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = _kp_journal_query_text (journal, sql, &error);

  g_assert_no_error (error);
  return g_ascii_strtoll (value, NULL, 10);
}

static char *
path_of (const char *name)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

/* A journal of schema 5 with a sale, its lines and transitions, a refund and a
 * closed day: the upgrade writes them all to the outbox, and nothing is sent. */
static void
test_backfill (void)
{
  g_autofree char *path = path_of ("v5.db");
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalOutboxBatch) batch = NULL;
  g_autoptr (GError) error = NULL;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint step = 1; step <= 5; step++)
    {
      g_autoptr (GBytes) sql = _kp_journal_schema_get_step (step, &error);

      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_exec (db, g_bytes_get_data (sql, NULL), NULL, NULL, NULL), ==,
                       SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db,
    "PRAGMA user_version = 5;"
    "INSERT INTO sales (id, partner_order_id, partner_user_id, terminal_id, cid, dialect, "
    "state, item_name, quantity, total_amount, tax_free_amount, vat_amount, nonce, "
    "payment_method_type, created_at, updated_at, refunded_amount, pg_token) VALUES "
    "(1, 'T1-20261125-0001', 'c', 'T1', 'TC0ONETIME', 'online', 'PARTIALLY_REFUNDED', "
    "'김밥', 2, 6000, 0, 545, 'secretnonce', 'MONEY', '2026-11-25T09:00:00+09:00', "
    "'2026-11-25T09:01:00+09:00', 1000, 'secrettoken');"
    "INSERT INTO sale_lines VALUES (1, 0, '김밥', 2, 3000, 0, 6000);"
    "INSERT INTO transitions (sale_id, from_state, to_state, at) VALUES "
    "(1, NULL, 'READY_SENT', '2026-11-25T09:00:00+09:00'), "
    "(1, 'READY_SENT', 'APPROVED', '2026-11-25T09:01:00+09:00');"
    "INSERT INTO refunds (sale_id, seq, refund_id, state, cancel_amount, "
    "cancel_tax_free_amount, cancel_vat_amount, cancel_available_amount, created_at, "
    "created_day, completed_at, completed_day) VALUES (1, 1, 'T1-20261125-0001-R1', "
    "'REFUNDED', 1000, 0, 91, 6000, '2026-11-25T10:00:00+09:00', '2026-11-25', "
    "'2026-11-25T10:00:01+09:00', '2026-11-25');"
    "INSERT INTO day_closes VALUES ('2026-11-25', '2026-11-25T23:00:00+09:00', 'T1', "
    "'{\"gross\":6000}', 'abc');",
    NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);

  batch = kp_journal_outbox_read_sync (journal, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->rows->len, ==, 6);
  g_assert_cmpuint (batch->n_unsent, ==, 6);
  g_assert_cmpint (batch->max_seq, ==, 6);
  g_assert_cmpuint (strlen (batch->origin), ==, 32);
  g_assert_cmpstr (((KpJournalOutboxRow *) g_ptr_array_index (batch->rows, 0))->kind, ==, "sale");
  g_assert_cmpstr (((KpJournalOutboxRow *) g_ptr_array_index (batch->rows, 1))->kind, ==, "line");
  g_assert_cmpstr (((KpJournalOutboxRow *) g_ptr_array_index (batch->rows, 4))->kind, ==,
                   "refund");
  g_assert_cmpstr (((KpJournalOutboxRow *) g_ptr_array_index (batch->rows, 5))->kind, ==,
                   "day-close");
  /* The callback's secrets stay in the journal. */
  for (guint i = 0; i < batch->rows->len; i++)
    {
      KpJournalOutboxRow *row = g_ptr_array_index (batch->rows, i);

      g_assert_null (strstr (row->payload, "secret"));
    }
  g_assert_cmpint (query_int (journal, "SELECT json_extract (payload, '$.refunded_amount') "
                                       "FROM outbox WHERE seq = 1"), ==, 1000);

  g_assert_true (kp_journal_outbox_mark_sent_sync (journal, 4, &error));
  g_clear_pointer (&batch, kp_journal_outbox_batch_free);
  batch = kp_journal_outbox_read_sync (journal, 100, &error);
  g_assert_cmpuint (batch->n_unsent, ==, 2);
  g_assert_cmpint (((KpJournalOutboxRow *) g_ptr_array_index (batch->rows, 0))->seq, ==, 5);
}

static void
changed_cb (KpJournal *journal,
            guint     *n_changed)
{
  (*n_changed)++;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Each write adds its rows in its own transaction, and says so; a write
 * refused adds none. */
static void
test_writes (void)
{
  g_autofree char *path = path_of ("journal.db");
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalNewSale) input = kp_journal_new_sale_new ();
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  guint n_changed = 0;
  gint64 before;

  journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);
  g_signal_connect (journal, "changed", G_CALLBACK (changed_cb), &n_changed);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox"), ==, 0);

  input->terminal_id = g_strdup ("T1");
  input->partner_user_id = g_strdup ("c");
  input->cid = g_strdup ("TC0ONETIME");
  input->dialect = g_strdup ("online");
  input->item_name = g_strdup ("생수");
  input->nonce = g_strdup ("00ff00ff00ff00ff00ff00ff00ff00ff");
  kp_journal_new_sale_add_line (input, "생수", 2, 500, TRUE);
  input->quantity = 2;
  input->total_amount = 1000;
  input->tax_free_amount = 1000;
  input->vat_amount = 0;
  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &result);
  while (n_changed == 0)
    g_main_context_iteration (NULL, TRUE);
  sale = kp_journal_create_sale_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox WHERE kind = 'line'"),
                   ==, 1);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox WHERE kind = 'sale'"),
                   >=, 1);

  /* Refused: nothing written, nothing in the outbox. */
  before = query_int (journal, "SELECT count (*) FROM outbox");
  g_clear_object (&result);
  kp_journal_transition_async (journal, sale->partner_order_id, KP_SALE_STATE_APPROVED,
                               KP_SALE_STATE_REFUNDED, NULL, NULL, store_result_cb, &result);
  while (n_changed == 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (kp_journal_transition_finish (journal, result, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox"), ==, before);

  g_clear_object (&result);
  kp_journal_transition_async (journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                               KP_SALE_STATE_EXPIRED, NULL, NULL, store_result_cb, &result);
  while (n_changed == 2)
    g_main_context_iteration (NULL, TRUE);
  moved = kp_journal_transition_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox WHERE kind = 'transition' "
                                       "AND json_extract (payload, '$.to_state') = 'EXPIRED'"),
                   ==, 1);
  g_assert_cmpint (query_int (journal, "SELECT count (*) FROM outbox WHERE kind = 'sale' "
                                       "AND json_extract (payload, '$.state') = 'EXPIRED'"),
                   ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/journal-outbox/backfill", test_backfill);
  g_test_add_func ("/kp/journal-outbox/writes", test_writes);

  return g_test_run ();
}
