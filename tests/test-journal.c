/* test-journal.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "kp-csv.h"
#include "kp-journal.h"
#include "kp-journal-private.h"

/* Real SQLite files under the per-test directories of
 * G_TEST_OPTION_ISOLATE_DIRS, in TZ=Asia/Seoul (set in main), with the
 * journal's clock under the test's control. */

typedef struct
{
  char      *path;
  KpJournal *journal;

  GMutex     clock_mutex;
  GDateTime *now;
} Fixture;

static GThread *test_thread;

/* Helpers */

static GDateTime *
parse_time (const char *iso)
{
  GDateTime *datetime = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (datetime);
  return datetime;
}

static GDateTime *
fixture_clock (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&fixture->clock_mutex);

  /* The clock runs in the journal's worker threads. */
  g_assert_true (g_thread_self () != test_thread);

  return g_date_time_ref (fixture->now);
}

static void
fixture_set_now (Fixture    *fixture,
                 const char *iso)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&fixture->clock_mutex);

  g_clear_pointer (&fixture->now, g_date_time_unref);
  fixture->now = parse_time (iso);
}

static void
assert_finalized (KpJournal *journal)
{
  /* Only a safety net: the loop waits for the reference to go. */
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* A worker thread drops its GTask, and the task's reference to the
   * journal, just after handing the result to the main context: let it. */
  while (g_atomic_int_get (&G_OBJECT (journal)->ref_count) > 1 &&
         g_get_monotonic_time () < deadline)
    g_usleep (1000);

  g_assert_finalize_object (journal);
}

static KpJournal *
open_journal (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  KpJournal *journal;

  journal = kp_journal_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (KP_IS_JOURNAL (journal));
  kp_journal_set_clock (journal, fixture_clock, fixture);

  return journal;
}

static void
reopen_journal (Fixture *fixture)
{
  assert_finalized (g_steal_pointer (&fixture->journal));
  fixture->journal = open_journal (fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_mutex_init (&fixture->clock_mutex);
  fixture->now = parse_time ("2026-11-25T10:00:00+09:00");
  /* A folder that does not exist yet: the journal creates it. */
  fixture->path = g_build_filename (g_get_user_data_dir (), "kakaopay-pos", "journal.db", NULL);
  fixture->journal = open_journal (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->journal != NULL)
    assert_finalized (g_steal_pointer (&fixture->journal));
  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->now, g_date_time_unref);
  g_mutex_clear (&fixture->clock_mutex);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  /* Results come back on the caller's thread and main context. */
  g_assert_true (g_thread_self () == test_thread);
  g_assert_null (*out);
  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static KpJournalSale *
create_sale (KpJournal              *journal,
             const KpJournalNewSale *input,
             GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_create_sale_finish (journal, result, error);
}

static KpJournalSale *
move_sale (KpJournal              *journal,
           const char             *partner_order_id,
           KpSaleState             from,
           KpSaleState             to,
           const KpJournalUpdate  *update,
           GError                **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_transition_async (journal, partner_order_id, from, to, update, NULL,
                               store_result_cb, &result);
  wait_for (&result);
  return kp_journal_transition_finish (journal, result, error);
}

static KpJournalSale *
get_sale (KpJournal   *journal,
          const char  *partner_order_id,
          GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_get_sale_async (journal, partner_order_id, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_get_sale_finish (journal, result, error);
}

static GPtrArray *
list_in_flight (KpJournal *journal)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  kp_journal_list_in_flight_async (journal, NULL, store_result_cb, &result);
  wait_for (&result);
  sales = kp_journal_list_in_flight_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sales);

  return sales;
}

static GPtrArray *
list_sales (KpJournal   *journal,
            const GDate *day)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  kp_journal_list_sales_async (journal, day, NULL, store_result_cb, &result);
  wait_for (&result);
  sales = kp_journal_list_sales_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sales);

  return sales;
}

static GPtrArray *
list_transitions (KpJournal   *journal,
                  const char  *partner_order_id,
                  GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_list_transitions_async (journal, partner_order_id, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_list_transitions_finish (journal, result, error);
}

static KpJournalRefund *
begin_refund (KpJournal                     *journal,
              const char                    *partner_order_id,
              const KpJournalRefundRequest  *request,
              GError                       **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_begin_refund_async (journal, partner_order_id, request, NULL, store_result_cb,
                                 &result);
  wait_for (&result);
  return kp_journal_begin_refund_finish (journal, result, error);
}

static KpJournalSale *
complete_refund (KpJournal   *journal,
                 const char  *refund_id,
                 const char  *aid,
                 GDateTime   *canceled_at,
                 GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_complete_refund_async (journal, refund_id, aid, canceled_at, NULL, store_result_cb,
                                    &result);
  wait_for (&result);
  return kp_journal_complete_refund_finish (journal, result, error);
}

static KpJournalRefund *
fail_refund (KpJournal   *journal,
             const char  *refund_id,
             const char  *detail,
             GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_fail_refund_async (journal, refund_id, detail, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_fail_refund_finish (journal, result, error);
}

static GPtrArray *
list_refunds (KpJournal   *journal,
              const char  *partner_order_id,
              GError     **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_list_refunds_async (journal, partner_order_id, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_list_refunds_finish (journal, result, error);
}

static GPtrArray *
list_pending_refunds (KpJournal *journal)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *refunds;

  kp_journal_list_pending_refunds_async (journal, NULL, store_result_cb, &result);
  wait_for (&result);
  refunds = kp_journal_list_pending_refunds_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refunds);

  return refunds;
}

static GPtrArray *
search (KpJournal   *journal,
        const GDate *day,
        const char  *text,
        guint        offset,
        guint        limit)
{
  g_autoptr (KpJournalQuery) query = kp_journal_query_new (day, text);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *sales;

  query->offset = offset;
  query->limit = limit;
  kp_journal_search_async (journal, query, NULL, store_result_cb, &result);
  wait_for (&result);
  sales = kp_journal_search_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sales);

  return sales;
}

static KpJournalDayReport *
day_report (KpJournal   *journal,
            const GDate *day)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalDayReport *report;

  kp_journal_day_report_async (journal, day, NULL, store_result_cb, &result);
  wait_for (&result);
  report = kp_journal_day_report_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  return report;
}

static KpJournalDayReport *
close_day (KpJournal    *journal,
           const GDate  *day,
           GError      **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_close_day_async (journal, day, "T1", NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_close_day_finish (journal, result, error);
}

static KpJournalDayCheck *
verify_day (KpJournal   *journal,
            const GDate *day)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalDayCheck *check;

  kp_journal_verify_day_async (journal, day, NULL, store_result_cb, &result);
  wait_for (&result);
  check = kp_journal_verify_day_finish (journal, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (check);

  return check;
}

static KpJournalRefundRequest *
refund_request (gint64 amount,
                gint64 tax_free)
{
  KpJournalRefundRequest *request = kp_journal_refund_request_new ();

  request->cancel_amount = amount;
  request->cancel_tax_free_amount = tax_free;

  return request;
}

static KpJournalNewSale *
new_sale_for (const char *terminal_id,
              const char *item_name,
              gint64      price)
{
  KpJournalNewSale *sale = kp_journal_new_sale_new ();

  sale->terminal_id = g_strdup (terminal_id);
  sale->partner_user_id = g_strdup ("counter-1");
  sale->cid = g_strdup ("TC0ONETIME");
  sale->dialect = g_strdup ("online");
  sale->item_name = g_strdup (item_name);
  sale->nonce = g_strdup ("00ff00ff00ff00ff00ff00ff00ff00ff");
  kp_journal_new_sale_add_line (sale, item_name, 1, price, FALSE);
  sale->quantity = 1;
  sale->total_amount = price;
  sale->tax_free_amount = 0;
  sale->vat_amount = price / 11;

  return sale;
}

/* Two coffees and a tax-free water, as the cart would give them. */
static KpJournalNewSale *
new_cart_sale (void)
{
  KpJournalNewSale *sale = kp_journal_new_sale_new ();

  sale->terminal_id = g_strdup ("T1");
  sale->partner_user_id = g_strdup ("counter-1");
  sale->cid = g_strdup ("TC0ONETIME");
  sale->dialect = g_strdup ("legacy");
  sale->item_name = g_strdup ("아메리카노 외 1건");
  sale->nonce = g_strdup ("9f86d081884c7d659a2feaa0c55ad015");
  kp_journal_new_sale_add_line (sale, "아메리카노", 2, 4500, FALSE);
  kp_journal_new_sale_add_line (sale, "생수", 1, 1000, TRUE);
  sale->quantity = 3;
  sale->total_amount = 10000;
  sale->tax_free_amount = 1000;
  sale->vat_amount = 818;

  return sale;
}

static KpJournalSale *
create_simple_sale (Fixture *fixture)
{
  g_autoptr (KpJournalNewSale) input = new_sale_for ("T1", "Latte", 5000);
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sale);

  return sale;
}

static char *
format_time (GDateTime *datetime)
{
  g_assert_nonnull (datetime);
  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%S%:z");
}

static void
assert_time (GDateTime  *datetime,
             const char *expected)
{
  g_autofree char *text = format_time (datetime);

  g_assert_cmpstr (text, ==, expected);
}

/* A second, independent connection, as another process would have. */
static sqlite3 *
open_raw (const char *path,
          int         flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, KP_JOURNAL_BUSY_TIMEOUT_MS);
  return db;
}

static char *
raw_query_text (sqlite3    *db,
                const char *sql,
                const char *param)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static char *
journal_query (KpJournal  *journal,
               const char *sql)
{
  g_autoptr (GError) error = NULL;
  char *text;

  text = _kp_journal_query_text (journal, sql, &error);
  g_assert_no_error (error);

  return text;
}

static guint
count_transitions (Fixture    *fixture,
                   const char *partner_order_id)
{
  g_autoptr (GPtrArray) transitions = NULL;
  g_autoptr (GError) error = NULL;

  transitions = list_transitions (fixture->journal, partner_order_id, &error);
  g_assert_no_error (error);

  return transitions->len;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

/* Tests */

static void
test_state_names (void)
{
  static const char * const names[] = {
    "READY_SENT", "AWAITING_CUSTOMER", "APPROVING", "APPROVED", "READY_FAILED",
    "CANCELLED_BY_CUSTOMER", "FAILED", "EXPIRED", "ABORTED_BY_CASHIER", "APPROVE_FAILED",
    "PARTIALLY_REFUNDED", "REFUNDED",
  };
  KpSaleState state;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == KP_SALE_STATE_LAST);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_cmpstr (kp_sale_state_to_string (i + 1), ==, names[i]);
      g_assert_true (kp_sale_state_from_string (names[i], &state));
      g_assert_cmpint (state, ==, i + 1);
    }

  g_assert_null (kp_sale_state_to_string (KP_SALE_STATE_NONE));
  g_assert_null (kp_sale_state_to_string (KP_SALE_STATE_LAST + 1));
  g_assert_false (kp_sale_state_from_string ("approved", NULL));
  g_assert_false (kp_sale_state_from_string ("", NULL));
  g_assert_false (kp_sale_state_from_string (NULL, NULL));

  for (KpSaleState s = KP_SALE_STATE_NONE; s <= KP_SALE_STATE_LAST; s++)
    g_assert_cmpint (kp_sale_state_is_in_flight (s), ==,
                     s == KP_SALE_STATE_READY_SENT || s == KP_SALE_STATE_AWAITING_CUSTOMER ||
                     s == KP_SALE_STATE_APPROVING);
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) input = new_cart_sale ();
  g_autoptr (KpJournalSale) created = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;
  const KpJournalLine *line;

  created = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created->partner_order_id, ==, "T1-20261125-0001");

  sale = get_sale (fixture->journal, "T1-20261125-0001", &error);
  g_assert_no_error (error);

  g_assert_cmpint (sale->id, ==, created->id);
  g_assert_cmpstr (sale->partner_order_id, ==, "T1-20261125-0001");
  g_assert_cmpstr (sale->partner_user_id, ==, "counter-1");
  g_assert_cmpstr (sale->terminal_id, ==, "T1");
  g_assert_cmpstr (sale->cid, ==, "TC0ONETIME");
  g_assert_cmpstr (sale->dialect, ==, "legacy");
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_READY_SENT);
  g_assert_cmpstr (sale->item_name, ==, "아메리카노 외 1건");
  g_assert_cmpint (sale->quantity, ==, 3);
  g_assert_cmpint (sale->total_amount, ==, 10000);
  g_assert_cmpint (sale->tax_free_amount, ==, 1000);
  g_assert_cmpint (sale->vat_amount, ==, 818);
  g_assert_cmpstr (sale->nonce, ==, "9f86d081884c7d659a2feaa0c55ad015");
  g_assert_null (sale->tid);
  g_assert_null (sale->aid);
  g_assert_null (sale->pg_token);
  g_assert_null (sale->payment_method_type);
  g_assert_null (sale->card_info_json);
  g_assert_null (sale->approved_at);
  g_assert_null (sale->expires_at);
  g_assert_cmpint (sale->refunded_amount, ==, 0);
  assert_time (sale->created_at, "2026-11-25T10:00:00+09:00");
  assert_time (sale->updated_at, "2026-11-25T10:00:00+09:00");

  g_assert_cmpuint (sale->lines->len, ==, 2);
  line = g_ptr_array_index (sale->lines, 0);
  g_assert_cmpuint (line->position, ==, 0);
  g_assert_cmpstr (line->name, ==, "아메리카노");
  g_assert_cmpint (line->quantity, ==, 2);
  g_assert_cmpint (line->unit_price, ==, 4500);
  g_assert_false (line->tax_free);
  g_assert_cmpint (line->amount, ==, 9000);
  line = g_ptr_array_index (sale->lines, 1);
  g_assert_cmpuint (line->position, ==, 1);
  g_assert_cmpstr (line->name, ==, "생수");
  g_assert_cmpint (line->quantity, ==, 1);
  g_assert_cmpint (line->unit_price, ==, 1000);
  g_assert_true (line->tax_free);
  g_assert_cmpint (line->amount, ==, 1000);

  /* The stored text, exactly. */
  {
    g_autofree char *created_at = journal_query (fixture->journal,
                                                 "SELECT created_at FROM sales");

    g_assert_cmpstr (created_at, ==, "2026-11-25T10:00:00+09:00");
  }

  /* The copy is deep. */
  {
    g_autoptr (KpJournalSale) copy = kp_journal_sale_copy (sale);

    g_assert_true (copy->item_name != sale->item_name);
    g_assert_cmpstr (copy->item_name, ==, sale->item_name);
    g_assert_cmpuint (copy->lines->len, ==, 2);
    g_assert_true (g_ptr_array_index (copy->lines, 1) != g_ptr_array_index (sale->lines, 1));
  }

  g_clear_pointer (&sale, kp_journal_sale_free);
  sale = get_sale (fixture->journal, "T1-20261125-0002", &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  g_assert_null (sale);
}

static void
test_pragmas (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *wal_path = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *mode = NULL;
  g_autofree char *synchronous = NULL;
  g_autofree char *foreign_keys = NULL;
  g_autofree char *busy_timeout = NULL;
  g_autofree char *version = NULL;
  g_autofree char *raw_mode = NULL;
  sqlite3 *db;

  mode = journal_query (fixture->journal, "PRAGMA journal_mode");
  synchronous = journal_query (fixture->journal, "PRAGMA synchronous");
  foreign_keys = journal_query (fixture->journal, "PRAGMA foreign_keys");
  busy_timeout = journal_query (fixture->journal, "PRAGMA busy_timeout");
  version = journal_query (fixture->journal, "PRAGMA user_version");

  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (synchronous, ==, "2");
  g_assert_cmpstr (foreign_keys, ==, "1");
  g_assert_cmpint (g_ascii_strtoll (busy_timeout, NULL, 10), >, 0);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, KP_JOURNAL_SCHEMA_VERSION);
  g_assert_cmpstr (kp_journal_get_path (fixture->journal), ==, fixture->path);

  /* WAL is a property of the file: another connection sees it too. */
  db = open_raw (fixture->path, SQLITE_OPEN_READONLY);
  raw_mode = raw_query_text (db, "PRAGMA journal_mode", NULL);
  g_assert_cmpstr (raw_mode, ==, "wal");
  sqlite3_close (db);
  g_assert_true (g_file_test (wal_path, G_FILE_TEST_EXISTS));
}

/* Independent of kp-sale-state.c: the transitions the brief allows. */
static const struct
{
  KpSaleState from;
  KpSaleState to;
} allowed_moves[] = {
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_AWAITING_CUSTOMER },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_READY_FAILED },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_CANCELLED_BY_CUSTOMER },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_FAILED },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_EXPIRED },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_ABORTED_BY_CASHIER },
  { KP_SALE_STATE_READY_SENT, KP_SALE_STATE_APPROVED },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVING },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_CANCELLED_BY_CUSTOMER },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_FAILED },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_EXPIRED },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_ABORTED_BY_CASHIER },
  { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVED },
  { KP_SALE_STATE_APPROVING, KP_SALE_STATE_APPROVED },
  { KP_SALE_STATE_APPROVING, KP_SALE_STATE_APPROVE_FAILED },
  { KP_SALE_STATE_APPROVING, KP_SALE_STATE_EXPIRED },
  { KP_SALE_STATE_APPROVING, KP_SALE_STATE_FAILED },
  { KP_SALE_STATE_ABORTED_BY_CASHIER, KP_SALE_STATE_APPROVING },
  { KP_SALE_STATE_ABORTED_BY_CASHIER, KP_SALE_STATE_APPROVED },
  { KP_SALE_STATE_APPROVED, KP_SALE_STATE_PARTIALLY_REFUNDED },
  { KP_SALE_STATE_APPROVED, KP_SALE_STATE_REFUNDED },
  { KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_PARTIALLY_REFUNDED },
  { KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_REFUNDED },
};

static gboolean
move_is_allowed (KpSaleState from,
                 KpSaleState to)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_moves); i++)
    {
      if (allowed_moves[i].from == from && allowed_moves[i].to == to)
        return TRUE;
    }

  return FALSE;
}

/* A way to reach each state from READY_SENT, through allowed moves only. */
static const KpSaleState *
path_to (KpSaleState state)
{
  static const KpSaleState paths[][5] = {
    [KP_SALE_STATE_READY_SENT] = { 0 },
    [KP_SALE_STATE_AWAITING_CUSTOMER] = { KP_SALE_STATE_AWAITING_CUSTOMER },
    [KP_SALE_STATE_APPROVING] = { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVING },
    [KP_SALE_STATE_APPROVED] = { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVING,
                                 KP_SALE_STATE_APPROVED },
    [KP_SALE_STATE_READY_FAILED] = { KP_SALE_STATE_READY_FAILED },
    [KP_SALE_STATE_CANCELLED_BY_CUSTOMER] = { KP_SALE_STATE_AWAITING_CUSTOMER,
                                              KP_SALE_STATE_CANCELLED_BY_CUSTOMER },
    [KP_SALE_STATE_FAILED] = { KP_SALE_STATE_FAILED },
    [KP_SALE_STATE_EXPIRED] = { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_EXPIRED },
    [KP_SALE_STATE_ABORTED_BY_CASHIER] = { KP_SALE_STATE_AWAITING_CUSTOMER,
                                           KP_SALE_STATE_ABORTED_BY_CASHIER },
    [KP_SALE_STATE_APPROVE_FAILED] = { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVING,
                                       KP_SALE_STATE_APPROVE_FAILED },
    [KP_SALE_STATE_PARTIALLY_REFUNDED] = { KP_SALE_STATE_AWAITING_CUSTOMER,
                                           KP_SALE_STATE_APPROVING, KP_SALE_STATE_APPROVED,
                                           KP_SALE_STATE_PARTIALLY_REFUNDED },
    [KP_SALE_STATE_REFUNDED] = { KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVING,
                                 KP_SALE_STATE_APPROVED, KP_SALE_STATE_REFUNDED },
  };

  return paths[state];
}

/* The update a move needs: a partial refund must say how much. */
static KpJournalUpdate *
update_for (const KpJournalSale *sale,
            KpSaleState          to)
{
  KpJournalUpdate *update = kp_journal_update_new ();

  if (to == KP_SALE_STATE_PARTIALLY_REFUNDED)
    update->refunded_amount = sale->refunded_amount + 1000;

  return update;
}

static KpJournalSale *
drive_to (Fixture     *fixture,
          KpSaleState  target)
{
  const KpSaleState *path = path_to (target);
  KpJournalSale *sale = create_simple_sale (fixture);

  for (guint i = 0; path[i] != KP_SALE_STATE_NONE; i++)
    {
      g_autoptr (KpJournalUpdate) update = update_for (sale, path[i]);
      g_autoptr (GError) error = NULL;
      KpJournalSale *moved;

      g_assert_true (move_is_allowed (sale->state, path[i]));
      moved = move_sale (fixture->journal, sale->partner_order_id, sale->state, path[i],
                         update, &error);
      g_assert_no_error (error);
      g_assert_cmpint (moved->state, ==, path[i]);
      kp_journal_sale_free (sale);
      sale = moved;
    }

  g_assert_cmpint (sale->state, ==, target);
  return sale;
}

static void
test_transition_table (void)
{
  for (KpSaleState from = KP_SALE_STATE_NONE; from <= KP_SALE_STATE_LAST + 1; from++)
    {
      for (KpSaleState to = KP_SALE_STATE_NONE; to <= KP_SALE_STATE_LAST + 1; to++)
        g_assert_cmpint (kp_sale_state_can_transition (from, to), ==, move_is_allowed (from, to));
    }
}

/* Every pair of states: the allowed moves succeed and are journaled, the
 * others fail with BAD_TRANSITION and leave the sale as it was. */
static void
test_transitions_all (Fixture       *fixture,
                      gconstpointer  data)
{
  guint n_allowed = 0;
  guint n_refused = 0;

  for (KpSaleState from = KP_SALE_STATE_READY_SENT; from <= KP_SALE_STATE_LAST; from++)
    {
      for (KpSaleState to = KP_SALE_STATE_READY_SENT; to <= KP_SALE_STATE_LAST; to++)
        {
          g_autoptr (KpJournalSale) sale = drive_to (fixture, from);
          g_autoptr (KpJournalSale) moved = NULL;
          g_autoptr (KpJournalSale) stored = NULL;
          g_autoptr (KpJournalUpdate) update = update_for (sale, to);
          g_autoptr (GError) error = NULL;
          guint n_before = count_transitions (fixture, sale->partner_order_id);

          moved = move_sale (fixture->journal, sale->partner_order_id, from, to, update, &error);
          stored = get_sale (fixture->journal, sale->partner_order_id, NULL);

          if (move_is_allowed (from, to))
            {
              g_assert_no_error (error);
              g_assert_cmpint (moved->state, ==, to);
              g_assert_cmpint (stored->state, ==, to);
              g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==,
                                n_before + 1);
              n_allowed++;
            }
          else
            {
              g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION);
              g_assert_null (moved);
              g_assert_cmpint (stored->state, ==, from);
              g_assert_cmpint (stored->refunded_amount, ==, sale->refunded_amount);
              g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==,
                                n_before);
              n_refused++;
            }
        }
    }

  g_assert_cmpuint (n_allowed, ==, G_N_ELEMENTS (allowed_moves));
  g_assert_cmpuint (n_allowed + n_refused, ==, KP_SALE_STATE_LAST * KP_SALE_STATE_LAST);

  /* NONE is no state to move to or from. */
  {
    g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
    g_autoptr (KpJournalSale) moved = NULL;
    g_autoptr (GError) error = NULL;

    moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                       KP_SALE_STATE_NONE, NULL, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_BAD_TRANSITION);
    g_assert_null (moved);
  }
}

static void
test_transition_conflict (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (KpJournalSale) stored = NULL;
  g_autoptr (KpJournalSale) again = NULL;
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) late = kp_journal_update_new ();
  g_autoptr (GError) error = NULL;

  update->tid = g_strdup ("T1234567890123456789");
  fixture_set_now (fixture, "2026-11-25T10:00:05+09:00");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_AWAITING_CUSTOMER, update, &error);
  g_assert_no_error (error);

  /* A late or duplicate reply expects a state the sale has left. */
  late->tid = g_strdup ("TXXXXXXXXXXXXXXXXXXX");
  late->detail = g_strdup ("duplicate");
  fixture_set_now (fixture, "2026-11-25T10:09:00+09:00");
  again = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_AWAITING_CUSTOMER, late, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
  g_assert_null (again);
  g_clear_error (&error);

  again = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_FAILED, late, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
  g_assert_null (again);
  g_clear_error (&error);

  stored = get_sale (fixture->journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
  g_assert_cmpstr (stored->tid, ==, "T1234567890123456789");
  assert_time (stored->updated_at, "2026-11-25T10:00:05+09:00");
  g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==, 2);

  /* An unknown sale. */
  again = move_sale (fixture->journal, "T1-20261125-9999", KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_AWAITING_CUSTOMER, NULL, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  g_assert_null (again);
}

static void
test_transition_history (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  static const struct
  {
    KpSaleState  to;
    const char  *at;
    const char  *detail;
  } steps[] = {
    { KP_SALE_STATE_AWAITING_CUSTOMER, "2026-11-25T10:00:01+09:00", "tid T1234" },
    { KP_SALE_STATE_ABORTED_BY_CASHIER, "2026-11-25T10:03:00+09:00", NULL },
    { KP_SALE_STATE_APPROVING, "2026-11-25T10:04:10+09:00", "late approval, \"pg_token\"\n" },
    { KP_SALE_STATE_APPROVED, "2026-11-25T10:04:11+09:00", "SUCCESS_PAYMENT 결제 완료" },
    { KP_SALE_STATE_PARTIALLY_REFUNDED, "2026-11-26T09:00:00+09:00", "refund 1000" },
    { KP_SALE_STATE_PARTIALLY_REFUNDED, "2026-11-26T09:30:00+09:00", "refund 1000 more" },
    { KP_SALE_STATE_REFUNDED, "2026-11-27T12:00:00+09:00", "" },
  };
  KpSaleState state = KP_SALE_STATE_READY_SENT;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
      g_autoptr (KpJournalSale) moved = NULL;

      update->detail = g_strdup (steps[i].detail);
      if (steps[i].to == KP_SALE_STATE_PARTIALLY_REFUNDED)
        update->refunded_amount = 1000 * (i - 3);
      fixture_set_now (fixture, steps[i].at);
      moved = move_sale (fixture->journal, sale->partner_order_id, state, steps[i].to, update,
                         &error);
      g_assert_no_error (error);
      state = steps[i].to;
    }

  history = list_transitions (fixture->journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, G_N_ELEMENTS (steps) + 1);

  {
    const KpJournalTransition *first = g_ptr_array_index (history, 0);

    g_assert_cmpint (first->from_state, ==, KP_SALE_STATE_NONE);
    g_assert_cmpint (first->to_state, ==, KP_SALE_STATE_READY_SENT);
    assert_time (first->at, "2026-11-25T10:00:00+09:00");
    g_assert_null (first->detail);
  }

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      const KpJournalTransition *previous = g_ptr_array_index (history, i);
      const KpJournalTransition *item = g_ptr_array_index (history, i + 1);

      g_assert_cmpint (item->id, >, previous->id);
      g_assert_cmpint (item->from_state, ==, previous->to_state);
      g_assert_cmpint (item->to_state, ==, steps[i].to);
      assert_time (item->at, steps[i].at);
      /* An empty detail is stored as none. */
      if (steps[i].detail == NULL || *steps[i].detail == '\0')
        g_assert_null (item->detail);
      else
        g_assert_cmpstr (item->detail, ==, steps[i].detail);
    }

  {
    g_autoptr (KpJournalSale) stored = get_sale (fixture->journal, sale->partner_order_id, NULL);

    g_assert_cmpint (stored->state, ==, KP_SALE_STATE_REFUNDED);
    g_assert_cmpint (stored->refunded_amount, ==, stored->total_amount);
    assert_time (stored->approved_at, "2026-11-25T10:04:11+09:00");
    assert_time (stored->updated_at, "2026-11-27T12:00:00+09:00");
  }

  g_clear_pointer (&history, g_ptr_array_unref);
  history = list_transitions (fixture->journal, "T9-20261125-0001", &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  g_assert_null (history);
}

static void
test_transition_fields (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (KpJournalUpdate) ready = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) token = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approve = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) bad = kp_journal_update_new ();
  g_autoptr (GError) error = NULL;
  const char *card_info = "{\"issuer_corp\":\"신한카드\",\"install_month\":\"00\","
                          "\"card_type\":\"신용\"}";

  /* Times given in another zone are stored in the local one (KST here). */
  ready->tid = g_strdup ("T1234567890123456789");
  ready->expires_at = parse_time ("2026-11-25T01:15:00Z");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_AWAITING_CUSTOMER, ready, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->tid, ==, "T1234567890123456789");
  assert_time (moved->expires_at, "2026-11-25T10:15:00+09:00");
  g_clear_pointer (&moved, kp_journal_sale_free);

  token->pg_token = g_strdup ("pgtoken0123");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
                     KP_SALE_STATE_APPROVING, token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->pg_token, ==, "pgtoken0123");
  /* Fields not in the update keep their value. */
  g_assert_cmpstr (moved->tid, ==, "T1234567890123456789");
  g_clear_pointer (&moved, kp_journal_sale_free);

  /* Refused updates write nothing. */
  bad->card_info_json = g_strdup ("{not json");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVING,
                     KP_SALE_STATE_APPROVED, bad, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  g_assert_null (moved);
  g_clear_error (&error);
  g_clear_pointer (&bad->card_info_json, g_free);
  bad->refunded_amount = 100;
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVING,
                     KP_SALE_STATE_APPROVED, bad, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  g_assert_null (moved);
  g_clear_error (&error);
  g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==, 3);

  approve->aid = g_strdup ("A5678901234567890123");
  approve->payment_method_type = g_strdup ("CARD");
  approve->card_info_json = g_strdup (card_info);
  fixture_set_now (fixture, "2026-11-25T10:02:00+09:00");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVING,
                     KP_SALE_STATE_APPROVED, approve, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->aid, ==, "A5678901234567890123");
  g_assert_cmpstr (moved->payment_method_type, ==, "CARD");
  g_assert_cmpstr (moved->card_info_json, ==, card_info);
  /* No approved_at from KakaoPay: the journal's clock stands in. */
  assert_time (moved->approved_at, "2026-11-25T10:02:00+09:00");
  g_assert_cmpstr (moved->pg_token, ==, "pgtoken0123");
  g_clear_pointer (&moved, kp_journal_sale_free);

  /* Refunds: must grow, stay below the total for a partial one, equal it for a full one. */
  {
    static const gint64 bad_partials[] = { 0, 5000, 6000 };
    g_autoptr (KpJournalUpdate) refund = kp_journal_update_new ();

    for (guint i = 0; i < G_N_ELEMENTS (bad_partials); i++)
      {
        refund->refunded_amount = bad_partials[i];
        moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVED,
                           KP_SALE_STATE_PARTIALLY_REFUNDED, refund, &error);
        g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
        g_assert_null (moved);
        g_clear_error (&error);
      }

    refund->refunded_amount = KP_JOURNAL_UNCHANGED;
    moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVED,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, refund, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
    g_clear_error (&error);

    refund->refunded_amount = 2000;
    moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVED,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, refund, &error);
    g_assert_no_error (error);
    g_assert_cmpint (moved->refunded_amount, ==, 2000);
    g_clear_pointer (&moved, kp_journal_sale_free);

    refund->refunded_amount = 1500;
    moved = move_sale (fixture->journal, sale->partner_order_id,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_PARTIALLY_REFUNDED,
                       refund, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
    g_clear_error (&error);

    refund->refunded_amount = 4999;
    moved = move_sale (fixture->journal, sale->partner_order_id,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_REFUNDED, refund, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
    g_clear_error (&error);

    refund->refunded_amount = 5000;
    moved = move_sale (fixture->journal, sale->partner_order_id,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_REFUNDED, refund, &error);
    g_assert_no_error (error);
    g_assert_cmpint (moved->refunded_amount, ==, 5000);
    g_assert_cmpint (moved->state, ==, KP_SALE_STATE_REFUNDED);
    /* approved_at is kept through refunds. */
    assert_time (moved->approved_at, "2026-11-25T10:02:00+09:00");
  }
}

static void
test_order_ids (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const char * const expected[] = {
    "T1-20261125-0001", "T1-20261125-0002",
    "T1-20261125-0003", "T1-20261125-0004",
    "T1-20261125-0005", "T1-20261125-0006",
  };
  guint n = 0;

  /* Two sales in each of three openings of the same file. */
  for (guint opening = 0; opening < 3; opening++)
    {
      if (opening > 0)
        reopen_journal (fixture);

      for (guint i = 0; i < 2; i++)
        {
          g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);

          g_assert_cmpstr (sale->partner_order_id, ==, expected[n++]);
          g_assert_true (g_hash_table_add (seen, g_strdup (sale->partner_order_id)));
        }
    }

  /* Each terminal has its own sequence. */
  {
    g_autoptr (KpJournalNewSale) input = new_sale_for ("T2", "Tea", 3000);
    g_autoptr (KpJournalSale) sale = create_sale (fixture->journal, input, NULL);

    g_assert_cmpstr (sale->partner_order_id, ==, "T2-20261125-0001");
    g_assert_true (g_hash_table_add (seen, g_strdup (sale->partner_order_id)));
  }

  /* A new local day starts a new sequence; the date is the local one even
   * when the clock answers in UTC (15:30Z is 00:30 the next day in Seoul). */
  {
    static const char * const times[] = {
      "2026-11-26T00:00:01+09:00", "2026-11-25T15:30:00Z", "2026-11-26T23:59:59+09:00",
    };
    static const char * const ids[] = {
      "T1-20261126-0001", "T1-20261126-0002", "T1-20261126-0003",
    };

    for (guint i = 0; i < G_N_ELEMENTS (times); i++)
      {
        g_autoptr (KpJournalSale) sale = NULL;

        fixture_set_now (fixture, times[i]);
        sale = create_simple_sale (fixture);
        g_assert_cmpstr (sale->partner_order_id, ==, ids[i]);
        g_assert_true (g_hash_table_add (seen, g_strdup (sale->partner_order_id)));
        if (i == 1)
          assert_time (sale->created_at, "2026-11-26T00:30:00+09:00");
      }
  }

  /* Rows removed by hand do not make their numbers free again. */
  {
    g_autoptr (KpJournalSale) sale = NULL;
    sqlite3 *db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);

    raw_exec (db, "PRAGMA foreign_keys = ON");
    raw_exec (db, "DELETE FROM sales WHERE created_at LIKE '2026-11-26%'");
    sqlite3_close (db);
    reopen_journal (fixture);

    sale = create_simple_sale (fixture);
    g_assert_cmpstr (sale->partner_order_id, ==, "T1-20261126-0004");
    g_assert_true (g_hash_table_add (seen, g_strdup (sale->partner_order_id)));
  }

  /* A sequence wound back by hand skips the numbers still in use. */
  {
    g_autoptr (KpJournalSale) sale = NULL;
    sqlite3 *db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);

    raw_exec (db, "UPDATE order_sequences SET last = 3 WHERE day = '20261126'");
    sqlite3_close (db);

    g_test_expect_message ("kp-journal", G_LOG_LEVEL_WARNING, "*T1-20261126-0004*taken*");
    sale = create_simple_sale (fixture);
    g_test_assert_expected_messages ();
    g_assert_cmpstr (sale->partner_order_id, ==, "T1-20261126-0005");
    g_assert_true (g_hash_table_add (seen, g_strdup (sale->partner_order_id)));
  }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 6 + 1 + 3 + 2);
}

/* What a crash leaves: the files as they are on disk while the journal is
 * still open (main file and WAL, never checkpointed or closed). */
static void
test_durability (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *tid = NULL;
  g_autofree char *count = NULL;
  sqlite3 *db;

  /* Right after _finish, another connection sees the sale. */
  db = open_raw (fixture->path, SQLITE_OPEN_READONLY);
  state = raw_query_text (db, "SELECT state FROM sales WHERE partner_order_id = ?1",
                          sale->partner_order_id);
  g_assert_cmpstr (state, ==, "READY_SENT");
  sqlite3_close (db);

  update->tid = g_strdup ("T1234567890123456789");
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                     KP_SALE_STATE_AWAITING_CUSTOMER, update, &error);
  g_assert_no_error (error);

  db = open_raw (fixture->path, SQLITE_OPEN_READONLY);
  g_clear_pointer (&state, g_free);
  state = raw_query_text (db, "SELECT state FROM sales WHERE partner_order_id = ?1",
                          sale->partner_order_id);
  tid = raw_query_text (db, "SELECT tid FROM sales WHERE partner_order_id = ?1",
                        sale->partner_order_id);
  count = raw_query_text (db, "SELECT count(*) FROM transitions", NULL);
  g_assert_cmpstr (state, ==, "AWAITING_CUSTOMER");
  g_assert_cmpstr (tid, ==, "T1234567890123456789");
  g_assert_cmpstr (count, ==, "2");
  sqlite3_close (db);

  /* Copy the files of the open journal elsewhere and open the copy. */
  {
    g_autofree char *crash_dir = g_build_filename (g_get_user_cache_dir (), "crash", NULL);
    g_autofree char *crash_path = g_build_filename (crash_dir, "journal.db", NULL);
    g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
    g_autofree char *crash_wal = g_strconcat (crash_path, "-wal", NULL);
    g_autoptr (GBytes) main_bytes = read_file (fixture->path);
    g_autoptr (GBytes) wal_bytes = read_file (wal);
    g_autoptr (KpJournal) copy = NULL;
    g_autoptr (KpJournalSale) found = NULL;

    g_assert_cmpuint (g_bytes_get_size (wal_bytes), >, 0);
    g_assert_cmpint (g_mkdir_with_parents (crash_dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (crash_path, g_bytes_get_data (main_bytes, NULL),
                                        g_bytes_get_size (main_bytes), NULL));
    g_assert_true (g_file_set_contents (crash_wal, g_bytes_get_data (wal_bytes, NULL),
                                        g_bytes_get_size (wal_bytes), NULL));

    copy = kp_journal_open_sync (crash_path, &error);
    g_assert_no_error (error);
    found = get_sale (copy, sale->partner_order_id, &error);
    g_assert_no_error (error);
    g_assert_cmpint (found->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
    g_assert_cmpstr (found->tid, ==, "T1234567890123456789");
    g_assert_cmpuint (found->lines->len, ==, 1);
    assert_finalized (g_steal_pointer (&copy));
  }
}

static void
test_in_flight (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  static const struct
  {
    KpSaleState  state;
    const char  *expires_at;
    gboolean     listed;
  } cases[] = {
    { KP_SALE_STATE_READY_SENT, NULL, TRUE },
    { KP_SALE_STATE_AWAITING_CUSTOMER, "2026-11-25T10:15:00+09:00", TRUE },
    { KP_SALE_STATE_APPROVING, "2026-11-25T10:15:00+09:00", TRUE },
    { KP_SALE_STATE_APPROVED, "2026-11-25T10:15:00+09:00", FALSE },
    /* Aborted by the cashier: listed while the tid lives. */
    { KP_SALE_STATE_ABORTED_BY_CASHIER, "2026-11-25T10:15:00+09:00", TRUE },
    { KP_SALE_STATE_ABORTED_BY_CASHIER, "2026-11-25T09:59:00+09:00", FALSE },
    { KP_SALE_STATE_ABORTED_BY_CASHIER, NULL, FALSE },
    { KP_SALE_STATE_EXPIRED, "2026-11-25T10:15:00+09:00", FALSE },
    { KP_SALE_STATE_FAILED, NULL, FALSE },
    { KP_SALE_STATE_READY_FAILED, NULL, FALSE },
    { KP_SALE_STATE_CANCELLED_BY_CUSTOMER, "2026-11-25T10:15:00+09:00", FALSE },
  };
  static const KpSaleState abort_at_once[] = { KP_SALE_STATE_ABORTED_BY_CASHIER, 0 };
  guint n_listed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
      KpSaleState state = KP_SALE_STATE_READY_SENT;
      const KpSaleState *path = path_to (cases[i].state);

      /* ABORTED_BY_CASHIER without a tid: straight from READY_SENT. */
      if (cases[i].state == KP_SALE_STATE_ABORTED_BY_CASHIER && cases[i].expires_at == NULL)
        path = abort_at_once;

      for (guint j = 0; path[j] != KP_SALE_STATE_NONE; j++)
        {
          g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
          g_autoptr (KpJournalSale) moved = NULL;
          g_autoptr (GError) error = NULL;

          if (path[j] == KP_SALE_STATE_AWAITING_CUSTOMER && cases[i].expires_at != NULL)
            {
              update->tid = g_strdup_printf ("T%019u", i);
              update->expires_at = parse_time (cases[i].expires_at);
            }
          moved = move_sale (fixture->journal, sale->partner_order_id, state, path[j], update,
                             &error);
          g_assert_no_error (error);
          state = path[j];
        }

      if (cases[i].listed)
        {
          g_ptr_array_add (ids, g_strdup (sale->partner_order_id));
          n_listed++;
        }
    }

  sales = list_in_flight (fixture->journal);
  g_assert_cmpuint (sales->len, ==, n_listed);
  for (guint i = 0; i < sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (sales, i);

      g_assert_cmpstr (sale->partner_order_id, ==, g_ptr_array_index (ids, i));
      g_assert_cmpuint (sale->lines->len, ==, 1);
    }

  /* Once the tid expired, the aborted sale is settled. */
  fixture_set_now (fixture, "2026-11-25T10:15:00+09:00");
  g_clear_pointer (&sales, g_ptr_array_unref);
  sales = list_in_flight (fixture->journal);
  g_assert_cmpuint (sales->len, ==, n_listed - 1);
  for (guint i = 0; i < sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (sales, i);

      g_assert_true (kp_sale_state_is_in_flight (sale->state));
    }
}

static void
test_list_sales (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) first_day = NULL;
  g_autoptr (GPtrArray) second_day = NULL;
  g_autoptr (GPtrArray) no_day = NULL;
  g_autoptr (KpJournalSale) a = NULL;
  g_autoptr (KpJournalSale) b = NULL;
  g_autoptr (KpJournalSale) c = NULL;
  GDate day;

  fixture_set_now (fixture, "2026-11-25T23:59:59+09:00");
  a = create_simple_sale (fixture);
  fixture_set_now (fixture, "2026-11-26T00:00:00+09:00");
  b = create_simple_sale (fixture);
  c = create_simple_sale (fixture);

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 25, G_DATE_NOVEMBER, 2026);
  first_day = list_sales (fixture->journal, &day);
  g_date_set_dmy (&day, 26, G_DATE_NOVEMBER, 2026);
  second_day = list_sales (fixture->journal, &day);
  g_date_set_dmy (&day, 27, G_DATE_NOVEMBER, 2026);
  no_day = list_sales (fixture->journal, &day);
  all = list_sales (fixture->journal, NULL);

  g_assert_cmpuint (first_day->len, ==, 1);
  g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (first_day, 0))->partner_order_id, ==,
                   a->partner_order_id);
  g_assert_cmpuint (second_day->len, ==, 2);
  g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (second_day, 0))->partner_order_id, ==,
                   b->partner_order_id);
  g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (second_day, 1))->partner_order_id, ==,
                   c->partner_order_id);
  g_assert_cmpuint (no_day->len, ==, 0);
  g_assert_cmpuint (all->len, ==, 3);
}

static KpJournalSale *
create_named_sale (Fixture    *fixture,
                   const char *item_name,
                   gint64      price)
{
  g_autoptr (KpJournalNewSale) input = new_sale_for ("T1", item_name, price);
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  sale = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);

  return sale;
}

static void
approve (Fixture       *fixture,
         KpJournalSale *sale,
         const char    *approved_at)
{
  g_autoptr (KpJournalUpdate) ready = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) token = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (KpJournalSale) a = NULL;
  g_autoptr (KpJournalSale) b = NULL;
  g_autoptr (KpJournalSale) c = NULL;

  ready->tid = g_strdup_printf ("T%019" G_GINT64_FORMAT, sale->id);
  token->pg_token = g_strdup ("pg");
  approved->aid = g_strdup_printf ("A%019" G_GINT64_FORMAT, sale->id);
  approved->payment_method_type = g_strdup (sale->id % 2 ? "MONEY" : "CARD");
  approved->approved_at = parse_time (approved_at);

  a = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                 KP_SALE_STATE_AWAITING_CUSTOMER, ready, NULL);
  b = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_AWAITING_CUSTOMER,
                 KP_SALE_STATE_APPROVING, token, NULL);
  c = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVING,
                 KP_SALE_STATE_APPROVED, approved, NULL);
  g_assert_nonnull (c);
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "exports", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "journal.csv", NULL);
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;
  g_autoptr (KpJournalSale) comma = NULL;
  g_autoptr (KpJournalSale) quote = NULL;
  g_autoptr (KpJournalSale) newline = NULL;
  g_autoptr (KpJournalSale) korean = NULL;
  g_autoptr (KpJournalSale) crlf = NULL;
  const char *expected =
    "partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount,"
    "vat_amount,payment_method_type,created_at,approved_at,refunded_amount\r\n"
    "T1-20261125-0001,,,READY_SENT,\"Coffee, large\",1,5500,0,500,,"
    "2026-11-25T10:00:00+09:00,,0\r\n"
    "T1-20261125-0002,T0000000000000000002,A0000000000000000002,APPROVED,"
    "\"12\"\" pizza\",1,22000,0,2000,CARD,2026-11-25T10:01:00+09:00,"
    "2026-11-25T10:03:30+09:00,0\r\n"
    "T1-20261125-0003,T0000000000000000003,A0000000000000000003,PARTIALLY_REFUNDED,"
    "\"Line one\nLine two\",1,3000,0,272,MONEY,2026-11-25T10:02:00+09:00,"
    "2026-11-25T10:04:00+09:00,1000\r\n"
    "T1-20261125-0004,T0000000000000000004,A0000000000000000004,REFUNDED,"
    "아메리카노 외 1건,1,4500,0,409,CARD,2026-11-25T10:02:00+09:00,"
    "2026-11-25T10:05:00+09:00,4500\r\n"
    "T1-20261125-0005,,,READY_SENT,\"He said \"\"hi\"\",\r\nthen left\",1,1000,0,90,,"
    "2026-11-25T10:02:00+09:00,,0\r\n";

  comma = create_named_sale (fixture, "Coffee, large", 5500);
  fixture_set_now (fixture, "2026-11-25T10:01:00+09:00");
  quote = create_named_sale (fixture, "12\" pizza", 22000);
  fixture_set_now (fixture, "2026-11-25T10:02:00+09:00");
  newline = create_named_sale (fixture, "Line one\nLine two", 3000);
  korean = create_named_sale (fixture, "아메리카노 외 1건", 4500);
  crlf = create_named_sale (fixture, "He said \"hi\",\r\nthen left", 1000);

  /* approved_at from KakaoPay in UTC is exported with the local offset. */
  approve (fixture, quote, "2026-11-25T01:03:30Z");
  approve (fixture, newline, "2026-11-25T10:04:00+09:00");
  approve (fixture, korean, "2026-11-25T10:05:00+09:00");
  {
    g_autoptr (KpJournalUpdate) refund = kp_journal_update_new ();
    g_autoptr (KpJournalSale) a = NULL;
    g_autoptr (KpJournalSale) b = NULL;

    refund->refunded_amount = 1000;
    a = move_sale (fixture->journal, newline->partner_order_id, KP_SALE_STATE_APPROVED,
                   KP_SALE_STATE_PARTIALLY_REFUNDED, refund, &error);
    g_assert_no_error (error);
    b = move_sale (fixture->journal, korean->partner_order_id, KP_SALE_STATE_APPROVED,
                   KP_SALE_STATE_REFUNDED, NULL, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* An older export is replaced. */
  g_assert_true (g_file_set_contents (csv_path, "old", -1, NULL));

  g_assert_true (kp_journal_export_csv_sync (fixture->journal, csv_path, &error));
  g_assert_no_error (error);

  contents = read_file (csv_path);
  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected, strlen (expected));
  g_assert_true (g_utf8_validate (g_bytes_get_data (contents, NULL),
                                  g_bytes_get_size (contents), NULL));

  /* Written through a temporary file that was renamed: nothing else left. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "journal.csv");
  g_assert_null (g_dir_read_name (listing));

  /* The same through the async variant. */
  {
    g_autofree char *async_path = g_build_filename (dir, "async.csv", NULL);
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) async_contents = NULL;

    kp_journal_export_csv_async (fixture->journal, async_path, NULL, store_result_cb, &result);
    wait_for (&result);
    g_assert_true (kp_journal_export_csv_finish (fixture->journal, result, &error));
    g_assert_no_error (error);
    async_contents = read_file (async_path);
    g_assert_true (g_bytes_equal (async_contents, contents));
  }

  /* A folder that does not exist: an error, no file. */
  {
    g_autofree char *missing = g_build_filename (dir, "missing", "journal.csv", NULL);

    g_assert_false (kp_journal_export_csv_sync (fixture->journal, missing, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }
}

static void
test_csv_empty (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (g_get_user_data_dir (), "empty.csv", NULL);
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected =
    "partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount,"
    "vat_amount,payment_method_type,created_at,approved_at,refunded_amount\r\n";

  g_assert_true (kp_journal_export_csv_sync (fixture->journal, csv_path, &error));
  g_assert_no_error (error);
  contents = read_file (csv_path);
  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected, strlen (expected));
}

static void
test_csv_field (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"x\"", "\"say \"\"x\"\"\"" },
    { "\"", "\"\"\"\"" },
    { "a\nb", "\"a\nb\"" },
    { "a\rb", "\"a\rb\"" },
    { "김밥 한 줄", "김밥 한 줄" },
    /* A spreadsheet would drop the spaces at either end of a bare field. */
    { " spaced ", "\" spaced \"" },
    { "a b", "a b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) csv = g_string_new (NULL);

      kp_csv_append_field (csv, cases[i].in);
      g_assert_cmpstr (csv->str, ==, cases[i].out);
    }
}

static void
test_csv_formula_field (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "=HYPERLINK(\"http://evil.example/\",\"Click\")",
      "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\"" },
    { "+1", "'+1" },
    { "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0" },
    { "@SUM(A1:A2)", "'@SUM(A1:A2)" },
    { "\t=1", "'\t=1" },
    { "\r=1", "\"'\r=1\"" },
    { "a=b", "a=b" },
    { "Coffee - large", "Coffee - large" },
    { "", "" },
    { "'quoted", "'quoted" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) csv = g_string_new (NULL);

      _kp_journal_csv_append_text (csv, cases[i].in);
      g_assert_cmpstr (csv->str, ==, cases[i].out);
    }
}

/* An item name typed as a formula reaches the export as text; numbers stay numbers. */
static void
test_csv_formula (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *csv_path = g_build_filename (g_get_user_data_dir (), "formula.csv", NULL);
  g_autofree char *report_path = g_build_filename (g_get_user_data_dir (), "report.csv", NULL);
  g_autoptr (KpJournalSale) link = NULL;
  g_autoptr (KpJournalSale) minus = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (GDate) day = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalMethodTotals *totals;
  KpJournalAmendment *amendment;
  const char *expected =
    "partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount,"
    "vat_amount,payment_method_type,created_at,approved_at,refunded_amount\r\n"
    "T1-20261125-0001,,,READY_SENT,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Free\"\")\","
    "1,5500,0,500,,2026-11-25T10:00:00+09:00,,0\r\n"
    "T1-20261125-0002,,,READY_SENT,'-1+1,1,1000,0,90,,2026-11-25T10:00:00+09:00,,0\r\n";
  const char *expected_report =
    "section,name,value,count,gross,refund_count,refunds,net,state,at,detail\r\n"
    "figure,day,2026-11-25,,,,,,,,\r\n"
    "figure,closed,false,,,,,,,,\r\n"
    "figure,closed_at,,,,,,,,,\r\n"
    "figure,closed_by,'@T1,,,,,,,,\r\n"
    "figure,hash,,,,,,,,,\r\n"
    "figure,n_sales,0,,,,,,,,\r\n"
    "figure,gross,0,,,,,,,,\r\n"
    "figure,n_refunds,1,,,,,,,,\r\n"
    "figure,refunds,5000,,,,,,,,\r\n"
    "figure,net,-5000,,,,,,,,\r\n"
    "figure,vat,-454,,,,,,,,\r\n"
    "figure,tax_free,0,,,,,,,,\r\n"
    "figure,supply,-4546,,,,,,,,\r\n"
    "figure,n_cancelled,0,,,,,,,,\r\n"
    "figure,n_expired,0,,,,,,,,\r\n"
    "figure,shop_name,'=Shop,,,,,,,,\r\n"
    "method,'=CARD,,0,0,1,5000,-5000,,,\r\n"
    "amendment,'+T1-20261124-0001,,,,,,,outside,2026-11-25T11:00:00+09:00,'-changed\r\n";

  link = create_named_sale (fixture, "=HYPERLINK(\"http://evil.example/\",\"Free\")", 5500);
  minus = create_named_sale (fixture, "-1+1", 1000);
  g_assert_true (kp_journal_export_csv_sync (fixture->journal, csv_path, &error));
  g_assert_no_error (error);
  contents = read_file (csv_path);
  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected, strlen (expected));
  g_clear_pointer (&contents, g_bytes_unref);

  /* The day report: a day with only a refund has negative figures, which stay numbers. */
  report = kp_journal_day_report_new (day);
  report->closed_by = g_strdup ("@T1");
  report->n_refunds = 1;
  report->refunds = 5000;
  report->net = -5000;
  report->vat = -454;
  report->supply = -4546;
  report->shop_name = g_strdup ("=Shop");
  totals = g_new0 (KpJournalMethodTotals, 1);
  totals->method = g_strdup ("=CARD");
  totals->n_refunds = 1;
  totals->refunds = 5000;
  totals->net = -5000;
  g_ptr_array_add (report->methods, totals);
  amendment = g_new0 (KpJournalAmendment, 1);
  amendment->partner_order_id = g_strdup ("+T1-20261124-0001");
  amendment->what = g_strdup ("-changed");
  amendment->at = parse_time ("2026-11-25T11:00:00+09:00");
  g_ptr_array_add (report->amendments, amendment);

  g_assert_true (kp_journal_export_day_report_csv_sync (report, report_path, &error));
  g_assert_no_error (error);
  contents = read_file (report_path);
  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected_report, strlen (expected_report));
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if ((st.st_mode & 0777) != mode)
    g_error ("%s: mode %03o, expected %03o", path, st.st_mode & 0777, mode);
}

/* The journal, its -wal and -shm files and the exports are the owner's alone, and the
 * journal's folder too, whatever the umask. */
static void
test_file_modes (void)
{
  static const guint umasks[] = { 022, 000 };

  for (guint i = 0; i < G_N_ELEMENTS (umasks); i++)
    {
      g_autofree char *root = g_strdup_printf ("%s/modes-%03o", g_get_user_data_dir (),
                                               umasks[i]);
      g_autofree char *dir = g_build_filename (root, "kakaopay-pos", NULL);
      g_autofree char *wal = NULL;
      g_autofree char *shm = NULL;
      g_autofree char *csv_path = g_build_filename (root, "journal.csv", NULL);
      g_autofree char *old_csv = g_build_filename (root, "old.csv", NULL);
      g_autofree char *report_path = g_build_filename (root, "report.csv", NULL);
      g_autoptr (KpJournalSale) sale = NULL;
      g_autoptr (KpJournalDayReport) report = NULL;
      g_autoptr (GDate) day = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
      g_autoptr (GError) error = NULL;
      Fixture fixture = { NULL };
      mode_t saved = umask (umasks[i]);

      g_mutex_init (&fixture.clock_mutex);
      fixture.now = parse_time ("2026-11-25T10:00:00+09:00");
      fixture.path = g_build_filename (dir, "journal.db", NULL);
      wal = g_strconcat (fixture.path, "-wal", NULL);
      shm = g_strconcat (fixture.path, "-shm", NULL);

      fixture.journal = open_journal (&fixture);
      sale = create_named_sale (&fixture, "Latte", 5000);
      assert_mode (dir, 0700);
      assert_mode (fixture.path, 0600);
      assert_mode (wal, 0600);
      assert_mode (shm, 0600);

      g_assert_true (kp_journal_export_csv_sync (fixture.journal, csv_path, &error));
      g_assert_no_error (error);
      assert_mode (csv_path, 0600);
      /* An export replacing an older, readable one. */
      g_assert_true (g_file_set_contents_full (old_csv, "old", -1, G_FILE_SET_CONTENTS_NONE,
                                               0644, NULL));
      g_assert_true (kp_journal_export_csv_sync (fixture.journal, old_csv, &error));
      g_assert_no_error (error);
      assert_mode (old_csv, 0600);

      report = kp_journal_day_report_new (day);
      g_assert_true (kp_journal_export_day_report_csv_sync (report, report_path, &error));
      g_assert_no_error (error);
      assert_mode (report_path, 0600);

      /* A journal an older version left readable to all is made private on opening. */
      assert_finalized (g_steal_pointer (&fixture.journal));
      g_assert_cmpint (g_chmod (fixture.path, 0644), ==, 0);
      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        g_assert_cmpint (g_chmod (wal, 0644), ==, 0);
      fixture.journal = open_journal (&fixture);
      assert_mode (fixture.path, 0600);
      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        assert_mode (wal, 0600);

      assert_finalized (g_steal_pointer (&fixture.journal));
      umask (saved);
      g_free (fixture.path);
      g_date_time_unref (fixture.now);
      g_mutex_clear (&fixture.clock_mutex);
    }
}

/* A v1 file with data, made with the shipped v1 step, is migrated in place
 * through every later step. */
static void
test_migration (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "v1.db", NULL);
  g_autoptr (GBytes) v1 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) next = NULL;
  g_autoptr (KpJournalNewSale) input = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) day_sales = NULL;
  g_autofree char *version = NULL;
  g_autofree char *created_day = NULL;
  g_autofree char *index = NULL;
  GDate day;
  sqlite3 *db;

  v1 = _kp_journal_schema_get_step (1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  db = open_raw (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  raw_exec (db, g_bytes_get_data (v1, NULL));
  raw_exec (db, "PRAGMA user_version = 1");
  raw_exec (db,
            "INSERT INTO sales (id, partner_order_id, partner_user_id, terminal_id, cid, "
            "dialect, state, item_name, quantity, total_amount, tax_free_amount, vat_amount, "
            "tid, aid, nonce, payment_method_type, created_at, updated_at, approved_at, "
            "refunded_amount) VALUES "
            "(1, 'T1-20261125-0007', 'counter-1', 'T1', 'TC0ONETIME', 'online', 'APPROVED', "
            "'김밥 외 1건', 2, 6000, 0, 545, 'T0000000000000000001', 'A0000000000000000001', "
            "'abcdef', 'MONEY', '2026-11-25T09:00:00+09:00', '2026-11-25T09:01:00+09:00', "
            "'2026-11-25T09:01:00+09:00', 0), "
            "(2, 'T1-20261124-0001', 'counter-1', 'T1', 'TC0ONETIME', 'legacy', 'EXPIRED', "
            "'라면', 1, 4000, 0, 363, NULL, NULL, '01', NULL, "
            "'2026-11-24T20:00:00+09:00', '2026-11-24T20:15:00+09:00', NULL, 0), "
            "(3, 'T1-20261123-0001', 'counter-1', 'T1', 'TC0ONETIME', 'online', "
            "'PARTIALLY_REFUNDED', '우동', 1, 5500, 0, 500, 'T0000000000000000003', "
            "'A0000000000000000003', '02', 'CARD', '2026-11-23T12:00:00+09:00', "
            "'2026-11-23T18:00:00+09:00', '2026-11-23T12:01:00+09:00', 1100)");
  raw_exec (db,
            "INSERT INTO sale_lines VALUES (1, 0, '김밥', 1, 3500, 0, 3500), "
            "(1, 1, '떡볶이', 1, 2500, 0, 2500), (2, 0, '라면', 1, 4000, 0, 4000), "
            "(3, 0, '우동', 1, 5500, 0, 5500)");
  raw_exec (db,
            "INSERT INTO transitions (sale_id, from_state, to_state, at, detail) VALUES "
            "(1, NULL, 'READY_SENT', '2026-11-25T09:00:00+09:00', NULL), "
            "(1, 'READY_SENT', 'APPROVED', '2026-11-25T09:01:00+09:00', 'reconciled'), "
            "(2, NULL, 'READY_SENT', '2026-11-24T20:00:00+09:00', NULL), "
            "(3, NULL, 'READY_SENT', '2026-11-23T12:00:00+09:00', NULL), "
            "(3, 'READY_SENT', 'APPROVED', '2026-11-23T12:01:00+09:00', NULL), "
            "(3, 'APPROVED', 'PARTIALLY_REFUNDED', '2026-11-23T18:00:00+09:00', NULL)");
  raw_exec (db, "INSERT INTO order_sequences VALUES ('T1', '20261125', 7), "
                "('T1', '20261124', 1)");
  sqlite3_close (db);

  journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);

  version = _kp_journal_query_text (journal, "PRAGMA user_version", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "6");
  g_free (version);
  version = _kp_journal_query_text (journal,
                                    "SELECT count (*) FROM sqlite_schema WHERE name IN "
                                    "('print_attempts', 'print_attempts_by_sale')",
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "2");
  created_day = _kp_journal_query_text (journal,
                                        "SELECT group_concat (created_day, ' ') FROM "
                                        "(SELECT created_day FROM sales ORDER BY id)",
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (created_day, ==, "2026-11-25 2026-11-24 2026-11-23");
  index = _kp_journal_query_text (journal,
                                  "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                                  "AND name IN ('sales_by_day', 'sales_by_state')",
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpstr (index, ==, "2");

  /* Nothing was lost. */
  sale = get_sale (journal, "T1-20261125-0007", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sale->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpstr (sale->item_name, ==, "김밥 외 1건");
  g_assert_cmpstr (sale->aid, ==, "A0000000000000000001");
  g_assert_cmpint (sale->total_amount, ==, 6000);
  g_assert_cmpuint (sale->lines->len, ==, 2);
  g_assert_cmpstr (((KpJournalLine *) g_ptr_array_index (sale->lines, 1))->name, ==, "떡볶이");
  assert_time (sale->approved_at, "2026-11-25T09:01:00+09:00");
  history = list_transitions (journal, "T1-20261125-0007", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (((KpJournalTransition *) g_ptr_array_index (history, 1))->detail, ==,
                   "reconciled");

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 24, G_DATE_NOVEMBER, 2026);
  day_sales = list_sales (journal, &day);
  g_assert_cmpuint (day_sales->len, ==, 1);
  g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (day_sales, 0))->partner_order_id, ==,
                   "T1-20261124-0001");

  /* Step 3: the names are searchable, the refund of schema 2 is a refunds
   * row on the day of its transition. */
  {
    g_autoptr (KpJournalQuery) query = kp_journal_query_new (NULL, "떡볶");
    g_autoptr (GPtrArray) found = kp_journal_search_sync (journal, query, &error);
    g_autoptr (GPtrArray) refunds = NULL;
    g_autoptr (KpJournalDayReport) report = NULL;
    const KpJournalRefund *refund;
    GDate refund_day;

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (found, 0))->partner_order_id, ==,
                     "T1-20261125-0007");

    refunds = list_refunds (journal, "T1-20261123-0001", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (refunds->len, ==, 1);
    refund = g_ptr_array_index (refunds, 0);
    g_assert_cmpstr (refund->refund_id, ==, "T1-20261123-0001-R1");
    g_assert_cmpint (refund->state, ==, KP_REFUND_STATE_REFUNDED);
    g_assert_cmpint (refund->cancel_amount, ==, 1100);
    g_assert_cmpint (refund->cancel_tax_free_amount, ==, 0);
    g_assert_cmpint (refund->cancel_vat_amount, ==, 100);
    assert_time (refund->completed_at, "2026-11-23T18:00:00+09:00");

    g_date_clear (&refund_day, 1);
    g_date_set_dmy (&refund_day, 23, G_DATE_NOVEMBER, 2026);
    report = kp_journal_day_report_sync (journal, &refund_day, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->n_sales, ==, 1);
    g_assert_cmpint (report->gross, ==, 5500);
    g_assert_cmpint (report->refunds, ==, 1100);
    g_assert_cmpint (report->net, ==, 4400);
  }

  /* The sequence carries on after the migration. */
  {
    g_autoptr (GDateTime) now = parse_time ("2026-11-25T12:00:00+09:00");
    Fixture clock = { .now = now };

    g_mutex_init (&clock.clock_mutex);
    kp_journal_set_clock (journal, fixture_clock, &clock);
    input = new_sale_for ("T1", "Soda", 2000);
    next = create_sale (journal, input, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (next->partner_order_id, ==, "T1-20261125-0008");
    kp_journal_set_clock (journal, NULL, NULL);
    g_mutex_clear (&clock.clock_mutex);
  }

  assert_finalized (g_steal_pointer (&journal));

  /* Opening again changes nothing. */
  journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&day_sales, g_ptr_array_unref);
  day_sales = list_sales (journal, NULL);
  g_assert_cmpuint (day_sales->len, ==, 4);
  assert_finalized (g_steal_pointer (&journal));
}

/* Each step is one transaction: a step that fails leaves the file as the
 * previous step left it. */
static void
test_migration_atomic (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "v1-broken.db", NULL);
  g_autoptr (GBytes) v1 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autofree char *version = NULL;
  g_autofree char *columns = NULL;
  g_autofree char *rows = NULL;
  sqlite3 *db;

  v1 = _kp_journal_schema_get_step (1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  db = open_raw (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  raw_exec (db, g_bytes_get_data (v1, NULL));
  raw_exec (db, "PRAGMA user_version = 1");
  /* Takes the name step 2 gives its index, so step 2 fails half-way. */
  raw_exec (db, "CREATE TABLE sales_by_state (x)");
  raw_exec (db,
            "INSERT INTO sales (partner_order_id, partner_user_id, terminal_id, cid, dialect, "
            "state, item_name, quantity, total_amount, tax_free_amount, vat_amount, nonce, "
            "created_at, updated_at) VALUES ('T1-20261125-0001', 'u', 'T1', 'TC0ONETIME', "
            "'online', 'READY_SENT', 'x', 1, 100, 0, 9, 'ab', '2026-11-25T09:00:00+09:00', "
            "'2026-11-25T09:00:00+09:00')");
  sqlite3_close (db);

  journal = kp_journal_open_sync (path, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "sales_by_state"));
  g_assert_null (journal);

  db = open_raw (path, SQLITE_OPEN_READONLY);
  version = raw_query_text (db, "PRAGMA user_version", NULL);
  columns = raw_query_text (db, "SELECT count(*) FROM pragma_table_info ('sales') "
                                "WHERE name = 'created_day'", NULL);
  rows = raw_query_text (db, "SELECT count(*) FROM sales", NULL);
  sqlite3_close (db);
  g_assert_cmpstr (version, ==, "1");
  g_assert_cmpstr (columns, ==, "0");
  g_assert_cmpstr (rows, ==, "1");
}

static void
test_too_new (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "future.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  sqlite3 *db;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  db = open_raw (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  raw_exec (db, "CREATE TABLE sales (everything_changed TEXT)");
  raw_exec (db, "INSERT INTO sales VALUES ('keep me')");
  raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);
  before = read_file (path);

  journal = kp_journal_open_sync (path, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_TOO_NEW);
  g_assert_null (journal);
  g_clear_error (&error);

  kp_journal_open_async (path, NULL, store_result_cb, &result);
  wait_for (&result);
  journal = kp_journal_open_finish (result, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_TOO_NEW);
  g_assert_null (journal);

  after = read_file (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_not_a_database (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "notes.txt", NULL);
  g_autofree char *text = g_strnfill (4096, 'x');
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  journal = kp_journal_open_sync (path, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_FAILED);
  /* The message carries SQLite's own. */
  g_assert_nonnull (strstr (error->message, "file is not a database"));
  g_assert_null (journal);
}

static void
test_open_async (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "a", "b", "journal.db",
                                            NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autofree char *property = NULL;

  kp_journal_open_async (path, NULL, store_result_cb, &result);
  wait_for (&result);
  journal = kp_journal_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (KP_IS_JOURNAL (journal));
  g_assert_cmpstr (kp_journal_get_path (journal), ==, path);
  g_object_get (journal, "path", &property, NULL);
  g_assert_cmpstr (property, ==, path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_clear_object (&result);
  assert_finalized (g_steal_pointer (&journal));
}

/* ":memory:" works too, for tests of other components. */
static void
test_memory (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalNewSale) input = new_cart_sale ();
  g_autoptr (KpJournalSale) created = NULL;
  g_autoptr (KpJournalSale) found = NULL;

  journal = kp_journal_open_sync (":memory:", &error);
  g_assert_no_error (error);

  created = create_sale (journal, input, &error);
  g_assert_no_error (error);
  found = get_sale (journal, created->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, created->id);
  g_assert_cmpuint (found->lines->len, ==, 2);

  assert_finalized (g_steal_pointer (&journal));
}

static void
test_invalid_input (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (KpJournalSale) valid = NULL;

  for (guint i = 0; i < 12; i++)
    {
      g_autoptr (KpJournalNewSale) input = new_cart_sale ();
      g_autoptr (KpJournalSale) sale = NULL;
      g_autoptr (GError) error = NULL;

      switch (i)
        {
        case 0:
          g_clear_pointer (&input->terminal_id, g_free);
          break;

        case 1:
          g_free (input->terminal_id);
          input->terminal_id = g_strdup ("T 1");
          break;

        case 2:
          g_free (input->dialect);
          input->dialect = g_strdup ("v2");
          break;

        case 3:
          g_free (input->nonce);
          input->nonce = g_strdup ("not-hex");
          break;

        case 4:
          input->total_amount = 9999;
          break;

        case 5:
          input->tax_free_amount = 0;
          break;

        case 6:
          input->quantity = 2;
          break;

        case 7:
          input->vat_amount = 9001;
          break;

        case 8:
          g_free (input->item_name);
          input->item_name = g_strdup ("\xff\xfe");
          break;

        case 9:
          g_clear_pointer (&input->cid, g_free);
          break;

        case 10:
          ((KpJournalLine *) g_ptr_array_index (input->lines, 0))->quantity = 0;
          break;

        case 11:
          input->tax_free_amount = 20000;
          break;

        default:
          g_assert_not_reached ();
        }

      sale = create_sale (fixture->journal, input, &error);
      g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
      g_assert_null (sale);
    }

  /* Nothing was written and no order number was used up. */
  sales = list_sales (fixture->journal, NULL);
  g_assert_cmpuint (sales->len, ==, 0);
  valid = create_simple_sale (fixture);
  g_assert_cmpstr (valid->partner_order_id, ==, "T1-20261125-0001");
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (KpJournalNewSale) input = new_cart_sale ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GPtrArray) sales = NULL;

  g_cancellable_cancel (cancellable);
  kp_journal_create_sale_async (fixture->journal, input, cancellable, store_result_cb, &result);
  wait_for (&result);
  sale = kp_journal_create_sale_finish (fixture->journal, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sale);

  sales = list_sales (fixture->journal, NULL);
  g_assert_cmpuint (sales->len, ==, 0);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A callback runs on the main context that was the thread default when the
 * operation started. */
static void
test_main_context (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (KpJournalSale) sale = create_simple_sale (fixture);
  g_autoptr (KpJournalSale) found = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_main_context_push_thread_default (context);
  kp_journal_get_sale_async (fixture->journal, sale->partner_order_id, NULL, store_result_cb,
                             &result);
  /* Only @context is iterated until the result came, so it came through @context
   * (a safety net on it fails the test if it went elsewhere). */
  {
    g_autoptr (GSource) timeout = g_timeout_source_new_seconds (30);
    gboolean timed_out = FALSE;

    g_source_set_callback (timeout, on_timeout_cb, &timed_out, NULL);
    g_source_attach (timeout, context);
    while (result == NULL && !timed_out)
      g_main_context_iteration (context, TRUE);
    g_source_destroy (timeout);
    g_assert_false (timed_out);
  }
  g_main_context_pop_thread_default (context);
  /* …and the default context has nothing of it. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  found = kp_journal_get_sale_finish (fixture->journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->partner_order_id, ==, sale->partner_order_id);
}

#define N_CONCURRENT 50

typedef struct
{
  KpJournal *journal;
  GPtrArray *sales;
  GPtrArray *errors;
  guint      pending;
} Batch;

static void
batch_create_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Batch *batch = user_data;
  GError *error = NULL;
  KpJournalSale *sale;

  g_assert_true (g_thread_self () == test_thread);
  sale = kp_journal_create_sale_finish (batch->journal, result, &error);
  if (sale != NULL)
    g_ptr_array_add (batch->sales, sale);
  else
    g_ptr_array_add (batch->errors, error);
  batch->pending--;
}

static void
batch_transition_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Batch *batch = user_data;
  GError *error = NULL;
  KpJournalSale *sale;

  g_assert_true (g_thread_self () == test_thread);
  sale = kp_journal_transition_finish (batch->journal, result, &error);
  if (sale != NULL)
    g_ptr_array_add (batch->sales, sale);
  else
    g_ptr_array_add (batch->errors, error);
  batch->pending--;
}

static void
test_concurrent (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) tids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) created = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  Batch batch = { fixture->journal, NULL, NULL, 0 };

  batch.sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);
  batch.errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  /* All queued at once, none awaited. */
  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autoptr (KpJournalNewSale) input = new_cart_sale ();

      kp_journal_create_sale_async (fixture->journal, input, NULL, batch_create_cb, &batch);
      batch.pending++;
    }
  while (batch.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (batch.errors->len, ==, 0);
  g_assert_cmpuint (batch.sales->len, ==, N_CONCURRENT);
  for (guint i = 0; i < batch.sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (batch.sales, i);

      g_assert_true (g_hash_table_add (ids, sale->partner_order_id));
      g_assert_cmpuint (sale->lines->len, ==, 2);
    }
  for (guint i = 1; i <= N_CONCURRENT; i++)
    {
      g_autofree char *id = g_strdup_printf ("T1-20261125-%04u", i);

      g_assert_true (g_hash_table_contains (ids, id));
    }
  created = g_steal_pointer (&batch.sales);
  batch.sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);

  /* Two racing replies per sale: compare-and-set lets exactly one win. */
  for (guint i = 0; i < created->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (created, i);

      for (guint j = 0; j < 2; j++)
        {
          g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();

          update->tid = g_strdup_printf ("T%02u%017u", j, i);
          kp_journal_transition_async (fixture->journal, sale->partner_order_id,
                                       KP_SALE_STATE_READY_SENT,
                                       KP_SALE_STATE_AWAITING_CUSTOMER, update, NULL,
                                       batch_transition_cb, &batch);
          batch.pending++;
        }
    }
  while (batch.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (batch.sales->len, ==, N_CONCURRENT);
  g_assert_cmpuint (batch.errors->len, ==, N_CONCURRENT);
  for (guint i = 0; i < batch.errors->len; i++)
    g_assert_error ((GError *) g_ptr_array_index (batch.errors, i), KP_JOURNAL_ERROR,
                    KP_JOURNAL_ERROR_STATE_CONFLICT);

  /* What each winner saw is what is stored, with one transition each. */
  for (guint i = 0; i < batch.sales->len; i++)
    {
      const KpJournalSale *sale = g_ptr_array_index (batch.sales, i);
      g_autoptr (KpJournalSale) now = get_sale (fixture->journal, sale->partner_order_id, NULL);

      g_assert_cmpint (now->state, ==, KP_SALE_STATE_AWAITING_CUSTOMER);
      g_assert_cmpstr (now->tid, ==, sale->tid);
      g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==, 2);
      g_assert_true (g_hash_table_add (tids, g_strdup (now->tid)));
    }
  g_assert_cmpuint (g_hash_table_size (tids), ==, N_CONCURRENT);

  stored = list_sales (fixture->journal, NULL);
  g_assert_cmpuint (stored->len, ==, N_CONCURRENT);

  g_ptr_array_unref (batch.sales);
  g_ptr_array_unref (batch.errors);
}

/* Refunds, search, days */

/* Creates @input and takes it to APPROVED paid with @method (NULL: none, as
 * a reconciler may find it), through AWAITING_CUSTOMER with @tid (NULL: one
 * made of the id). */
static KpJournalSale *
pay (Fixture                *fixture,
     const KpJournalNewSale *input,
     const char             *method,
     const char             *tid)
{
  g_autoptr (KpJournalUpdate) ready = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) approved = kp_journal_update_new ();
  g_autoptr (KpJournalSale) created = NULL;
  g_autoptr (KpJournalSale) waiting = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalSale *sale;

  created = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);

  ready->tid = tid != NULL ? g_strdup (tid) :
               g_strdup_printf ("T%019" G_GINT64_FORMAT, created->id);
  waiting = move_sale (fixture->journal, created->partner_order_id, KP_SALE_STATE_READY_SENT,
                       KP_SALE_STATE_AWAITING_CUSTOMER, ready, &error);
  g_assert_no_error (error);

  approved->aid = g_strdup_printf ("A%019" G_GINT64_FORMAT, created->id);
  approved->payment_method_type = g_strdup (method);
  sale = move_sale (fixture->journal, created->partner_order_id,
                    KP_SALE_STATE_AWAITING_CUSTOMER, KP_SALE_STATE_APPROVED, approved, &error);
  g_assert_no_error (error);

  return sale;
}

static KpJournalSale *
pay_item (Fixture    *fixture,
          const char *item_name,
          gint64      price,
          const char *method)
{
  g_autoptr (KpJournalNewSale) input = new_sale_for ("T1", item_name, price);

  return pay (fixture, input, method, NULL);
}

/* Begins and completes a refund of @amount (no tax-free part). */
static KpJournalSale *
refund (Fixture             *fixture,
        const KpJournalSale *sale,
        gint64               amount)
{
  g_autoptr (KpJournalRefundRequest) request = refund_request (amount, 0);
  g_autoptr (KpJournalRefund) started = NULL;
  g_autoptr (GError) error = NULL;
  KpJournalSale *refunded;

  started = begin_refund (fixture->journal, sale->partner_order_id, request, &error);
  g_assert_no_error (error);
  refunded = complete_refund (fixture->journal, started->refund_id, "A0000000000000000cxl", NULL,
                              &error);
  g_assert_no_error (error);

  return refunded;
}

static void
assert_refused (KpJournal                    *journal,
                const char                   *partner_order_id,
                const KpJournalRefundRequest *request,
                int                           code)
{
  g_autoptr (KpJournalRefund) refund = NULL;
  g_autoptr (GError) error = NULL;

  refund = begin_refund (journal, partner_order_id, request, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, code);
  g_assert_null (refund);
}

static void
test_refund_lifecycle (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) input = new_cart_sale ();
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) stored = NULL;
  g_autoptr (KpJournalSale) after = NULL;
  g_autoptr (KpJournalRefund) r1 = NULL;
  g_autoptr (KpJournalRefund) r2 = NULL;
  g_autoptr (KpJournalRefund) r3 = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GDateTime) canceled_at = parse_time ("2026-11-25T10:31:00+09:00");
  g_autoptr (GError) error = NULL;
  g_autofree char *r1_id = NULL;
  const KpJournalTransition *last;
  KpJournal *journal = fixture->journal;
  gint64 vat = 0;
  gint64 tax_free = 0;

  /* 10,000 KRW: 9,000 taxable with 818 VAT, 1,000 tax-free. */
  sale = pay (fixture, input, "CARD", NULL);
  r1_id = g_strconcat (sale->partner_order_id, "-R1", NULL);

  /* A first partial refund is journaled before the call; the sale does not
   * move until KakaoPay answers. */
  fixture_set_now (fixture, "2026-11-25T10:30:00+09:00");
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (3000, 0);

    request->lines_json = g_strdup ("[{\"position\":0,\"quantity\":1}]");
    request->detail = g_strdup ("one coffee back");
    r1 = begin_refund (journal, sale->partner_order_id, request, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpstr (r1->refund_id, ==, r1_id);
  g_assert_cmpstr (r1->partner_order_id, ==, sale->partner_order_id);
  g_assert_cmpuint (r1->seq, ==, 1);
  g_assert_cmpint (r1->state, ==, KP_REFUND_STATE_SENT);
  g_assert_cmpint (r1->cancel_amount, ==, 3000);
  g_assert_cmpint (r1->cancel_tax_free_amount, ==, 0);
  /* KakaoPay's rule: 3000 / 11 = 272.7, rounded half up. */
  g_assert_cmpint (r1->cancel_vat_amount, ==, 273);
  g_assert_cmpint (r1->cancel_available_amount, ==, 10000);
  g_assert_cmpstr (r1->lines_json, ==, "[{\"position\":0,\"quantity\":1}]");
  g_assert_cmpstr (r1->detail, ==, "one coffee back");
  g_assert_null (r1->aid);
  g_assert_null (r1->completed_at);
  assert_time (r1->created_at, "2026-11-25T10:30:00+09:00");

  stored = get_sale (journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpint (stored->refunded_amount, ==, 0);

  pending = list_pending_refunds (journal);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((KpJournalRefund *) g_ptr_array_index (pending, 0))->refund_id, ==, r1_id);

  /* One refund of a sale at a time: a second one is refused, unwritten. */
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);

    assert_refused (journal, sale->partner_order_id, request, KP_JOURNAL_ERROR_STATE_CONFLICT);
    refunds = list_refunds (journal, sale->partner_order_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (refunds->len, ==, 1);
    g_clear_pointer (&refunds, g_ptr_array_unref);
  }

  /* KakaoPay confirms: the sale moves in the same transaction. */
  fixture_set_now (fixture, "2026-11-25T10:31:00+09:00");
  after = complete_refund (journal, r1_id, "A0000000000000000r01", canceled_at, &error);
  g_assert_no_error (error);
  g_assert_cmpint (after->state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
  g_assert_cmpint (after->refunded_amount, ==, 3000);
  g_assert_cmpuint (after->lines->len, ==, 2);
  assert_time (after->updated_at, "2026-11-25T10:31:00+09:00");

  history = list_transitions (journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpint (last->from_state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpint (last->to_state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
  g_assert_nonnull (strstr (last->detail, r1_id));

  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = list_pending_refunds (journal);
  g_assert_cmpuint (pending->len, ==, 0);

  /* A duplicate or late outcome is refused. */
  {
    g_autoptr (KpJournalSale) again = NULL;
    g_autoptr (KpJournalRefund) failed = NULL;

    again = complete_refund (journal, r1_id, "A0000000000000000r01", NULL, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
    g_assert_null (again);
    g_clear_error (&error);
    failed = fail_refund (journal, r1_id, "late", &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
    g_assert_null (failed);
    g_clear_error (&error);
  }

  /* A second partial refund, with the guard KakaoPay gets. */
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (2000, 0);
    g_autoptr (KpJournalSale) second = NULL;

    request->cancel_available_amount = 7000;
    r2 = begin_refund (journal, sale->partner_order_id, request, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (r2->refund_id + strlen (sale->partner_order_id), ==, "-R2");
    g_assert_cmpint (r2->cancel_vat_amount, ==, 182);
    g_assert_cmpint (r2->cancel_available_amount, ==, 7000);
    second = complete_refund (journal, r2->refund_id, "A0000000000000000r02", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (second->state, ==, KP_SALE_STATE_PARTIALLY_REFUNDED);
    g_assert_cmpint (second->refunded_amount, ==, 5000);
  }

  /* Refused, and nothing written: 5,000 left, of which 1,000 tax-free and
   * 363 VAT on 4,000 taxable. */
  {
    static const struct
    {
      gint64 amount;
      gint64 tax_free;
      gint64 vat;
      gint64 available;
      const char *lines;
      int code;
    } cases[] = {
      { 6000, 0, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 5001, 1000, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 0, 0, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { -100, 0, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 5000, 0, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 2000, 2000, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 1000, 1001, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 1000, 0, 500, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 1000, 0, 1001, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 5000, 1000, 300, KP_JOURNAL_AUTO, NULL, KP_JOURNAL_ERROR_INVALID },
      { 1000, 0, KP_JOURNAL_AUTO, 9999, NULL, KP_JOURNAL_ERROR_STATE_CONFLICT },
      { 1000, 0, KP_JOURNAL_AUTO, 500, NULL, KP_JOURNAL_ERROR_INVALID },
      { 1000, 0, KP_JOURNAL_AUTO, KP_JOURNAL_AUTO, "[1,", KP_JOURNAL_ERROR_INVALID },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (KpJournalRefundRequest) request = refund_request (cases[i].amount,
                                                                     cases[i].tax_free);

        request->cancel_vat_amount = cases[i].vat;
        request->cancel_available_amount = cases[i].available;
        request->lines_json = g_strdup (cases[i].lines);
        assert_refused (journal, sale->partner_order_id, request, cases[i].code);
      }

    refunds = list_refunds (journal, sale->partner_order_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (refunds->len, ==, 2);
    g_clear_pointer (&refunds, g_ptr_array_unref);
  }

  /* The rest: all the tax-free and VAT that is left. */
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (5000, 1000);
    g_autoptr (KpJournalSale) full = NULL;

    r3 = begin_refund (journal, sale->partner_order_id, request, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r3->cancel_vat_amount, ==, 818 - 273 - 182);
    full = complete_refund (journal, r3->refund_id, "A0000000000000000r03", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (full->state, ==, KP_SALE_STATE_REFUNDED);
    g_assert_cmpint (full->refunded_amount, ==, 10000);
  }

  /* Nothing is left to refund. */
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (1, 0);

    assert_refused (journal, sale->partner_order_id, request, KP_JOURNAL_ERROR_BAD_TRANSITION);
  }

  refunds = list_refunds (journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refunds->len, ==, 3);
  for (guint i = 0; i < refunds->len; i++)
    {
      const KpJournalRefund *item = g_ptr_array_index (refunds, i);

      g_assert_cmpuint (item->seq, ==, i + 1);
      g_assert_cmpint (item->state, ==, KP_REFUND_STATE_REFUNDED);
      g_assert_nonnull (item->aid);
      g_assert_nonnull (item->completed_at);
      vat += item->cancel_vat_amount;
      tax_free += item->cancel_tax_free_amount;
    }
  g_assert_cmpint (vat, ==, 818);
  g_assert_cmpint (tax_free, ==, 1000);
  assert_time (((KpJournalRefund *) g_ptr_array_index (refunds, 0))->canceled_at,
               "2026-11-25T10:31:00+09:00");

  /* Unknown sales and refunds; sales that are not paid. */
  {
    g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);
    g_autoptr (KpJournalSale) unpaid = create_simple_sale (fixture);
    g_autoptr (KpJournalSale) none = NULL;
    g_autoptr (GPtrArray) no_refunds = NULL;

    assert_refused (journal, "T1-20261125-9999", request, KP_JOURNAL_ERROR_NOT_FOUND);
    assert_refused (journal, unpaid->partner_order_id, request,
                    KP_JOURNAL_ERROR_BAD_TRANSITION);
    none = complete_refund (journal, "T1-20261125-9999-R1", NULL, NULL, &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
    g_assert_null (none);
    g_clear_error (&error);
    no_refunds = list_refunds (journal, "T1-20261125-9999", &error);
    g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
    g_assert_null (no_refunds);
  }
}

static void
test_refund_failed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = pay_item (fixture, "Latte", 5000, "MONEY");
  g_autoptr (KpJournalRefundRequest) request = refund_request (2000, 0);
  g_autoptr (KpJournalRefund) started = NULL;
  g_autoptr (KpJournalRefund) failed = NULL;
  g_autoptr (KpJournalRefund) retried = NULL;
  g_autoptr (KpJournalSale) stored = NULL;
  g_autoptr (KpJournalSale) late = NULL;
  g_autoptr (GPtrArray) pending = NULL;
  g_autoptr (GError) error = NULL;
  guint n_transitions = count_transitions (fixture, sale->partner_order_id);

  started = begin_refund (fixture->journal, sale->partner_order_id, request, &error);
  g_assert_no_error (error);

  fixture_set_now (fixture, "2026-11-25T10:05:00+09:00");
  failed = fail_refund (fixture->journal, started->refund_id, "-781 cancel failure!", &error);
  g_assert_no_error (error);
  g_assert_cmpint (failed->state, ==, KP_REFUND_STATE_FAILED);
  g_assert_cmpstr (failed->detail, ==, "-781 cancel failure!");
  assert_time (failed->completed_at, "2026-11-25T10:05:00+09:00");

  /* The sale is as it was. */
  stored = get_sale (fixture->journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->state, ==, KP_SALE_STATE_APPROVED);
  g_assert_cmpint (stored->refunded_amount, ==, 0);
  assert_time (stored->updated_at, "2026-11-25T10:00:00+09:00");
  g_assert_cmpuint (count_transitions (fixture, sale->partner_order_id), ==, n_transitions);
  pending = list_pending_refunds (fixture->journal);
  g_assert_cmpuint (pending->len, ==, 0);

  late = complete_refund (fixture->journal, started->refund_id, NULL, NULL, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
  g_assert_null (late);
  g_clear_error (&error);

  /* The next request gets the next number. An unknown outcome leaves it in
   * flight for the reconciler, across a restart. */
  retried = begin_refund (fixture->journal, sale->partner_order_id, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (retried->seq, ==, 2);
  reopen_journal (fixture);
  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = list_pending_refunds (fixture->journal);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((KpJournalRefund *) g_ptr_array_index (pending, 0))->refund_id, ==,
                   retried->refund_id);
  g_assert_cmpint (((KpJournalRefund *) g_ptr_array_index (pending, 0))->state, ==,
                   KP_REFUND_STATE_SENT);
}

/* A refund made by a state transition (the API of schema 2) is a refunds
 * row too, and waits for a refund in flight. */
static void
test_refund_by_transition (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr (KpJournalSale) sale = pay_item (fixture, "Latte", 5000, "CARD");
  g_autoptr (KpJournalUpdate) partial = kp_journal_update_new ();
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (KpJournalSale) refused = NULL;
  g_autoptr (KpJournalSale) full = NULL;
  g_autoptr (KpJournalSale) completed = NULL;
  g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);
  g_autoptr (KpJournalRefund) started = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;
  gint64 sum = 0;
  gint64 vat = 0;

  partial->refunded_amount = 1000;
  moved = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_APPROVED,
                     KP_SALE_STATE_PARTIALLY_REFUNDED, partial, &error);
  g_assert_no_error (error);

  started = begin_refund (fixture->journal, sale->partner_order_id, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (started->refund_id + strlen (sale->partner_order_id), ==, "-R2");
  g_assert_cmpint (started->cancel_available_amount, ==, 4000);

  refused = move_sale (fixture->journal, sale->partner_order_id,
                       KP_SALE_STATE_PARTIALLY_REFUNDED, KP_SALE_STATE_REFUNDED, NULL, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
  g_assert_null (refused);
  g_clear_error (&error);

  completed = complete_refund (fixture->journal, started->refund_id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (completed->refunded_amount, ==, 2000);

  full = move_sale (fixture->journal, sale->partner_order_id, KP_SALE_STATE_PARTIALLY_REFUNDED,
                    KP_SALE_STATE_REFUNDED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (full->refunded_amount, ==, 5000);

  refunds = list_refunds (fixture->journal, sale->partner_order_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refunds->len, ==, 3);
  for (guint i = 0; i < refunds->len; i++)
    {
      const KpJournalRefund *item = g_ptr_array_index (refunds, i);

      g_assert_cmpint (item->state, ==, KP_REFUND_STATE_REFUNDED);
      sum += item->cancel_amount;
      vat += item->cancel_vat_amount;
    }
  g_assert_cmpint (sum, ==, 5000);
  g_assert_cmpint (vat, ==, 5000 / 11);
  g_assert_cmpstr (((KpJournalRefund *) g_ptr_array_index (refunds, 0))->detail, ==,
                   "Journaled by a state transition");
}

/* A v2 file (steps 1 and 2, as shipped) with refunds journaled by
 * transitions becomes v3 with their refunds rows, names and indexes. */
static void
test_migration_v2 (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "v2.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (KpJournalRefund) next = NULL;
  g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalQuery) query = NULL;
  g_autoptr (GDate) day = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autofree char *version = NULL;
  g_autofree char *indexes = NULL;
  const KpJournalRefund *refund;
  sqlite3 *db;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  db = open_raw (path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  for (guint step = 1; step <= 2; step++)
    {
      g_autoptr (GBytes) sql = _kp_journal_schema_get_step (step, &error);

      g_assert_no_error (error);
      raw_exec (db, g_bytes_get_data (sql, NULL));
    }
  raw_exec (db, "PRAGMA user_version = 2");
  raw_exec (db,
            "INSERT INTO sales (id, partner_order_id, partner_user_id, terminal_id, cid, "
            "dialect, state, item_name, quantity, total_amount, tax_free_amount, vat_amount, "
            "tid, aid, nonce, payment_method_type, created_at, updated_at, approved_at, "
            "refunded_amount, created_day) VALUES "
            "(1, 'T1-20261124-0001', 'u', 'T1', 'TC0ONETIME', 'online', 'PARTIALLY_REFUNDED', "
            "'김밥 외 1건', 2, 11000, 1000, 909, 'T00000000000000000a1', 'A1', 'ab', 'CARD', "
            "'2026-11-24T09:00:00+09:00', '2026-11-25T09:30:00+09:00', "
            "'2026-11-24T09:01:00+09:00', 3000, '2026-11-24'), "
            "(2, 'T1-20261124-0002', 'u', 'T1', 'TC0ONETIME', 'online', 'REFUNDED', "
            "'라면', 1, 4000, 0, 364, 'T00000000000000000a2', 'A2', 'ab', 'MONEY', "
            "'2026-11-24T10:00:00+09:00', '2026-11-25T11:00:00+09:00', "
            "'2026-11-24T10:01:00+09:00', 4000, '2026-11-24')");
  raw_exec (db,
            "INSERT INTO sale_lines VALUES (1, 0, '김밥', 1, 10000, 0, 10000), "
            "(1, 1, '생수', 1, 1000, 1, 1000), (2, 0, '라면', 1, 4000, 0, 4000)");
  raw_exec (db,
            "INSERT INTO transitions (sale_id, from_state, to_state, at, detail) VALUES "
            "(1, NULL, 'READY_SENT', '2026-11-24T09:00:00+09:00', NULL), "
            "(1, 'READY_SENT', 'APPROVED', '2026-11-24T09:01:00+09:00', NULL), "
            "(1, 'APPROVED', 'PARTIALLY_REFUNDED', '2026-11-25T09:30:00+09:00', NULL), "
            "(2, NULL, 'READY_SENT', '2026-11-24T10:00:00+09:00', NULL), "
            "(2, 'READY_SENT', 'APPROVED', '2026-11-24T10:01:00+09:00', NULL), "
            "(2, 'APPROVED', 'REFUNDED', '2026-11-25T11:00:00+09:00', NULL)");
  sqlite3_close (db);

  journal = kp_journal_open_sync (path, &error);
  g_assert_no_error (error);

  version = _kp_journal_query_text (journal, "PRAGMA user_version", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "6");
  indexes = _kp_journal_query_text (journal,
                                    "SELECT count (*) FROM sqlite_schema WHERE name IN "
                                    "('sales_by_tid', 'sales_by_amount', 'refunds_in_flight', "
                                    "'search_names_fts', 'sale_names', 'day_closes', "
                                    "'amendments')",
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (indexes, ==, "7");

  /* A partial refund of schema 2: the split is estimated, tax-free in
   * proportion (3000 × 1000 / 11000 = 273), VAT on the rest (2727 / 11). */
  refunds = list_refunds (journal, "T1-20261124-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refunds->len, ==, 1);
  refund = g_ptr_array_index (refunds, 0);
  g_assert_cmpstr (refund->refund_id, ==, "T1-20261124-0001-R1");
  g_assert_cmpint (refund->cancel_amount, ==, 3000);
  g_assert_cmpint (refund->cancel_tax_free_amount, ==, 273);
  g_assert_cmpint (refund->cancel_vat_amount, ==, 248);
  g_assert_cmpint (refund->cancel_available_amount, ==, 11000);
  assert_time (refund->completed_at, "2026-11-25T09:30:00+09:00");
  g_clear_pointer (&refunds, g_ptr_array_unref);

  /* A full one takes the sale's split. */
  refunds = list_refunds (journal, "T1-20261124-0002", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refunds->len, ==, 1);
  refund = g_ptr_array_index (refunds, 0);
  g_assert_cmpint (refund->cancel_amount, ==, 4000);
  g_assert_cmpint (refund->cancel_vat_amount, ==, 364);

  /* The refunds count on the day of their transition. */
  report = kp_journal_day_report_sync (journal, day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->n_sales, ==, 0);
  g_assert_cmpuint (report->n_refunds, ==, 2);
  g_assert_cmpint (report->refunds, ==, 7000);
  g_assert_cmpint (kp_journal_day_report_get_method (report, "MONEY")->refunds, ==, 4000);
  g_assert_cmpint (kp_journal_day_report_get_method (report, "CARD")->refunds, ==, 3000);

  /* The names of old sales are searchable, lines included. */
  query = kp_journal_query_new (NULL, "생수");
  found = kp_journal_search_sync (journal, query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((KpJournalSale *) g_ptr_array_index (found, 0))->partner_order_id, ==,
                   "T1-20261124-0001");

  /* Refunds carry on from what the migration recorded. */
  next = begin_refund (journal, "T1-20261124-0001", request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->refund_id, ==, "T1-20261124-0001-R2");
  g_assert_cmpint (next->cancel_available_amount, ==, 8000);

  assert_finalized (g_steal_pointer (&journal));
}

/* Takes @sales; the expected sales end with NULL. */
static void
assert_found (GPtrArray           *sales,
              const KpJournalSale *expected,
              ...)
{
  g_autoptr (GPtrArray) owned = sales;
  va_list args;
  guint i = 0;

  va_start (args, expected);
  for (const KpJournalSale *sale = expected; sale != NULL;
       sale = va_arg (args, const KpJournalSale *))
    {
      const KpJournalSale *found;

      g_assert_cmpuint (i, <, sales->len);
      found = g_ptr_array_index (sales, i++);
      g_assert_cmpstr (found->partner_order_id, ==, sale->partner_order_id);
      g_assert_cmpint (found->total_amount, ==, sale->total_amount);
      g_assert_cmpstr (found->item_name, ==, sale->item_name);
      g_assert_cmpuint (found->lines->len, ==, 0);
    }
  va_end (args);

  g_assert_cmpuint (i, ==, sales->len);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) cart = new_sale_for ("T1", "Iced Latte 외 1건", 4000);
  g_autoptr (KpJournalNewSale) juice = new_sale_for ("T1", "100% 주스", 4500);
  g_autoptr (KpJournalSale) s1 = NULL;
  g_autoptr (KpJournalSale) s2 = NULL;
  g_autoptr (KpJournalSale) s3 = NULL;
  g_autoptr (KpJournalSale) s4 = NULL;
  g_autoptr (KpJournalSale) s5 = NULL;
  g_autoptr (KpJournalSale) s6 = NULL;
  g_autoptr (GDate) day24 = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day25 = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day26 = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  static const char * const amounts[] = { "4500", "4,500", "₩4,500", "4,500원", " 4500 " };
  static const char * const not_amounts[] = { "45,00", "4,5000", ",500", "4500.0", "-500" };

  /* A line name that is not in the item name. */
  g_ptr_array_set_size (cart->lines, 0);
  kp_journal_new_sale_add_line (cart, "Iced Latte", 1, 3000, FALSE);
  kp_journal_new_sale_add_line (cart, "생수", 1, 1000, TRUE);
  cart->quantity = 2;
  cart->tax_free_amount = 1000;
  cart->vat_amount = 273;

  fixture_set_now (fixture, "2026-11-24T10:00:00+09:00");
  s1 = pay_item (fixture, "아메리카노", 4500, "MONEY");
  s2 = pay (fixture, cart, "CARD", "Tab00000000000000002");
  s3 = pay_item (fixture, "김밥", 3500, "CARD");
  fixture_set_now (fixture, "2026-11-25T10:00:00+09:00");
  s4 = pay_item (fixture, "참치김밥", 4500, "MONEY");
  s5 = pay_item (fixture, "Hot Chocolate", 5000, "CARD");
  s6 = pay (fixture, juice, "CARD", "Tab00000000000000006");

  /* Order ids: exactly, or by prefix. */
  assert_found (search (fixture->journal, NULL, s3->partner_order_id, 0, 0), s3, NULL);
  assert_found (search (fixture->journal, NULL, "T1-20261124", 0, 0), s3, s2, s1, NULL);
  assert_found (search (fixture->journal, NULL, "T1-2026112", 0, 0), s6, s5, s4, s3, s2, s1,
                NULL);

  /* tids: exactly, or by prefix, in any ASCII case. */
  assert_found (search (fixture->journal, NULL, "Tab00000000000000002", 0, 0), s2, NULL);
  assert_found (search (fixture->journal, NULL, "tAB000000", 0, 0), s6, s2, NULL);
  assert_found (search (fixture->journal, NULL, s1->tid, 0, 0), s1, NULL);

  /* Amounts, with or without grouping. */
  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    assert_found (search (fixture->journal, NULL, amounts[i], 0, 0), s6, s4, s1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (not_amounts); i++)
    assert_found (search (fixture->journal, NULL, not_amounts[i], 0, 0), NULL);

  /* Names, by substring: trigrams from 3 characters, shorter ones too. */
  assert_found (search (fixture->journal, NULL, "메리카", 0, 0), s1, NULL);
  assert_found (search (fixture->journal, NULL, "김밥", 0, 0), s4, s3, NULL);
  assert_found (search (fixture->journal, NULL, "밥", 0, 0), s4, s3, NULL);
  assert_found (search (fixture->journal, NULL, "LATTE", 0, 0), s2, NULL);
  assert_found (search (fixture->journal, NULL, "late", 0, 0), s5, NULL);
  assert_found (search (fixture->journal, NULL, "생수", 0, 0), s2, NULL);
  assert_found (search (fixture->journal, NULL, "외 1건", 0, 0), s2, NULL);
  assert_found (search (fixture->journal, NULL, "0%", 0, 0), s6, NULL);
  assert_found (search (fixture->journal, NULL, "%", 0, 0), s6, NULL);
  assert_found (search (fixture->journal, NULL, "_", 0, 0), NULL);
  assert_found (search (fixture->journal, NULL, "\"Hot", 0, 0), NULL);
  assert_found (search (fixture->journal, NULL, "없는 상품", 0, 0), NULL);

  /* Within a day. */
  assert_found (search (fixture->journal, day25, "4,500", 0, 0), s6, s4, NULL);
  assert_found (search (fixture->journal, day24, "김밥", 0, 0), s3, NULL);
  assert_found (search (fixture->journal, day24, s4->partner_order_id, 0, 0), NULL);
  assert_found (search (fixture->journal, day26, "김밥", 0, 0), NULL);

  /* The list of a day, of all days; pages. */
  assert_found (search (fixture->journal, day24, NULL, 0, 0), s3, s2, s1, NULL);
  assert_found (search (fixture->journal, day24, "  ", 0, 0), s3, s2, s1, NULL);
  assert_found (search (fixture->journal, day26, NULL, 0, 0), NULL);
  assert_found (search (fixture->journal, NULL, NULL, 0, 2), s6, s5, NULL);
  assert_found (search (fixture->journal, NULL, NULL, 2, 2), s4, s3, NULL);
  assert_found (search (fixture->journal, NULL, NULL, 6, 2), NULL);
  assert_found (search (fixture->journal, NULL, "T1-", 1, 3), s5, s4, s3, NULL);

  /* The blocking variant agrees. */
  {
    g_autoptr (KpJournalQuery) query = kp_journal_query_new (NULL, "김밥");
    g_autoptr (GPtrArray) found = NULL;
    g_autoptr (GError) error = NULL;

    found = kp_journal_search_sync (fixture->journal, query, &error);
    g_assert_no_error (error);
    assert_found (g_steal_pointer (&found), s4, s3, NULL);
  }
}

/* Enough sales, written as another process would, for the paths of a big
 * journal: a prefix shared by too many sales to sort, a name read through
 * widening id windows. */
/* A payment that could not start, charged again twice: the history lists the last
 * attempt only, which names the one it repeats; a search finds each. */
static void
test_search_retries (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) input = new_sale_for ("T1", "Latte", 5000);
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpJournalSale) first = NULL;
  g_autoptr (KpJournalSale) second = NULL;
  g_autoptr (KpJournalSale) third = NULL;
  g_autoptr (KpJournalSale) failed = NULL;
  g_autoptr (KpJournalSale) started = NULL;
  g_autoptr (KpJournalSale) unlinked = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *links = NULL;
  g_autofree char *expected_links = NULL;
  g_autofree char *expected_detail = NULL;
  g_autoptr (GDate) day = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  const KpJournalTransition *created;

  fixture_set_now (fixture, "2026-11-25T10:00:00+09:00");
  first = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  failed = move_sale (fixture->journal, first->partner_order_id, KP_SALE_STATE_READY_SENT,
                      KP_SALE_STATE_READY_FAILED, update, &error);
  g_assert_no_error (error);
  g_clear_pointer (&failed, kp_journal_sale_free);

  input->retry_of = g_strdup (first->partner_order_id);
  second = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  failed = move_sale (fixture->journal, second->partner_order_id, KP_SALE_STATE_READY_SENT,
                      KP_SALE_STATE_READY_FAILED, update, &error);
  g_assert_no_error (error);
  g_clear_pointer (&failed, kp_journal_sale_free);

  g_free (input->retry_of);
  input->retry_of = g_strdup (second->partner_order_id);
  third = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  links = journal_query (fixture->journal,
                         "SELECT group_concat (link, ' ') FROM (SELECT coalesce (retry_of, '-') "
                         "AS link FROM sales ORDER BY id)");
  expected_links = g_strconcat ("- ", first->partner_order_id, " ", second->partner_order_id,
                                NULL);
  g_assert_cmpstr (links, ==, expected_links);

  /* The new attempt's history names the one it repeats. */
  transitions = list_transitions (fixture->journal, third->partner_order_id, &error);
  g_assert_no_error (error);
  created = g_ptr_array_index (transitions, 0);
  expected_detail = g_strconcat ("retry of ", second->partner_order_id, NULL);
  g_assert_cmpstr (created->detail, ==, expected_detail);

  assert_found (search (fixture->journal, day, NULL, 0, 0), third, NULL);
  assert_found (search (fixture->journal, NULL, NULL, 0, 0), third, NULL);
  assert_found (search (fixture->journal, NULL, first->partner_order_id, 0, 0), first, NULL);
  assert_found (search (fixture->journal, NULL, "Latte", 0, 0), third, second, first, NULL);

  /* Only an attempt that could not start is repeated: a sale that started is not
   * hidden by a later one naming it. */
  g_clear_pointer (&input->retry_of, g_free);
  started = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  input->retry_of = g_strdup (started->partner_order_id);
  unlinked = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  assert_found (search (fixture->journal, day, NULL, 0, 0), unlinked, started, third, NULL);
}

static void
test_search_many (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GDate) day = g_date_new_dmy (20, G_DATE_NOVEMBER, 2026);
  sqlite3 *db;
  const guint n = 12000;

  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  raw_exec (db, "BEGIN");
  raw_exec (db,
            "WITH RECURSIVE seq (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq "
            "WHERE i < 12000) "
            "INSERT INTO sales (id, partner_order_id, partner_user_id, terminal_id, cid, "
            "dialect, state, item_name, quantity, total_amount, tax_free_amount, vat_amount, "
            "tid, nonce, created_at, updated_at, created_day) "
            "SELECT i, printf ('T9-20261120-%05d', i), 'u', 'T9', 'TC0ONETIME', 'online', "
            "'APPROVED', iif (i = 1, 'Rare thing', 'Bulk item'), 1, 1000, 0, 90, "
            "printf ('TX%018d', i), 'ab', '2026-11-20T10:00:00+09:00', "
            "'2026-11-20T10:00:00+09:00', '2026-11-20' FROM seq");
  raw_exec (db,
            "INSERT INTO sale_lines SELECT id, 0, item_name, 1, 1000, 0, 1000 FROM sales");
  raw_exec (db, "COMMIT");
  sqlite3_close (db);

  found = search (fixture->journal, NULL, "TX", 0, 5);
  g_assert_cmpuint (found->len, ==, 5);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (found, i))->id, ==, n - i);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = search (fixture->journal, day, "T9-2026", 3, 3);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (found, 0))->id, ==, n - 3);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = search (fixture->journal, NULL, "Rare", 0, 0);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (found, 0))->id, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = search (fixture->journal, NULL, "bulk", 0, 250);
  g_assert_cmpuint (found->len, ==, 250);
  for (guint i = 0; i < found->len; i++)
    g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (found, i))->id, ==, n - i);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = search (fixture->journal, NULL, "Bu", n - 10, 20);
  g_assert_cmpuint (found->len, ==, 9);
  g_assert_cmpint (((KpJournalSale *) g_ptr_array_index (found, 8))->id, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = search (fixture->journal, NULL, "1,000", 0, 0);
  g_assert_cmpuint (found->len, ==, KP_JOURNAL_QUERY_DEFAULT_LIMIT);
}

static const KpJournalMethodTotals *
get_method (const KpJournalDayReport *report,
            const char               *method)
{
  const KpJournalMethodTotals *totals = kp_journal_day_report_get_method (report, method);

  g_assert_nonnull (totals);
  return totals;
}

static void
assert_totals (const KpJournalDayReport *report)
{
  guint count = 0;
  guint n_refunds = 0;
  gint64 gross = 0;
  gint64 refunds = 0;

  g_assert_cmpint (report->net, ==, report->gross - report->refunds);
  g_assert_cmpstr (((KpJournalMethodTotals *) g_ptr_array_index (report->methods, 0))->method,
                   ==, "MONEY");
  g_assert_cmpstr (((KpJournalMethodTotals *) g_ptr_array_index (report->methods, 1))->method,
                   ==, "CARD");

  for (guint i = 0; i < report->methods->len; i++)
    {
      const KpJournalMethodTotals *totals = g_ptr_array_index (report->methods, i);

      g_assert_cmpint (totals->net, ==, totals->gross - totals->refunds);
      count += totals->count;
      n_refunds += totals->n_refunds;
      gross += totals->gross;
      refunds += totals->refunds;
    }

  g_assert_cmpuint (count, ==, report->n_sales);
  g_assert_cmpuint (n_refunds, ==, report->n_refunds);
  g_assert_cmpint (gross, ==, report->gross);
  g_assert_cmpint (refunds, ==, report->refunds);
}

static void
assert_unfinished (const KpJournalDayReport *report,
                   guint                     index,
                   const KpJournalSale      *sale,
                   KpSaleState               state,
                   const char               *refund_id,
                   gint64                    amount)
{
  const KpJournalUnfinished *item;

  g_assert_cmpuint (index, <, report->unfinished->len);
  item = g_ptr_array_index (report->unfinished, index);
  g_assert_cmpstr (item->partner_order_id, ==, sale->partner_order_id);
  g_assert_cmpint (item->state, ==, state);
  g_assert_cmpstr (item->refund_id, ==, refund_id);
  g_assert_cmpint (item->amount, ==, amount);
  g_assert_nonnull (item->since);
}

static KpJournalSale *
create_and_move (Fixture     *fixture,
                 const char  *item_name,
                 gint64       price,
                 KpSaleState  to,
                 const char  *expires_at)
{
  g_autoptr (KpJournalNewSale) input = new_sale_for ("T1", item_name, price);
  g_autoptr (KpJournalSale) created = NULL;
  g_autoptr (KpJournalUpdate) ready = kp_journal_update_new ();
  g_autoptr (KpJournalSale) waiting = NULL;
  g_autoptr (KpJournalSale) moved = NULL;
  g_autoptr (GError) error = NULL;

  created = create_sale (fixture->journal, input, &error);
  g_assert_no_error (error);
  if (to == KP_SALE_STATE_READY_SENT)
    return g_steal_pointer (&created);

  if (to == KP_SALE_STATE_READY_FAILED || to == KP_SALE_STATE_APPROVED)
    {
      moved = move_sale (fixture->journal, created->partner_order_id, KP_SALE_STATE_READY_SENT,
                         to, NULL, &error);
      g_assert_no_error (error);
      return g_steal_pointer (&moved);
    }

  ready->tid = g_strdup_printf ("T%019" G_GINT64_FORMAT, created->id);
  ready->expires_at = parse_time (expires_at);
  waiting = move_sale (fixture->journal, created->partner_order_id, KP_SALE_STATE_READY_SENT,
                       KP_SALE_STATE_AWAITING_CUSTOMER, ready, &error);
  g_assert_no_error (error);

  moved = move_sale (fixture->journal, created->partner_order_id,
                     KP_SALE_STATE_AWAITING_CUSTOMER, to, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&moved);
}

static void
test_day_report (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) cart = new_cart_sale ();
  g_autoptr (KpJournalSale) a = NULL;
  g_autoptr (KpJournalSale) b = NULL;
  g_autoptr (KpJournalSale) c = NULL;
  g_autoptr (KpJournalSale) c_refunded = NULL;
  g_autoptr (KpJournalSale) d = NULL;
  g_autoptr (KpJournalSale) e = NULL;
  g_autoptr (KpJournalSale) f = NULL;
  g_autoptr (KpJournalSale) g = NULL;
  g_autoptr (KpJournalSale) h = NULL;
  g_autoptr (KpJournalSale) i = NULL;
  g_autoptr (KpJournalSale) a_refunded = NULL;
  g_autoptr (KpJournalSale) g_refunded = NULL;
  g_autoptr (KpJournalRefund) g_refund = NULL;
  g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalDayReport) next_day = NULL;
  g_autoptr (KpJournalDayReport) again = NULL;
  g_autoptr (KpJournalDayReport) empty = NULL;
  g_autoptr (KpJournalDayReport) blocking = NULL;
  g_autoptr (GDate) day25 = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day26 = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day27 = g_date_new_dmy (27, G_DATE_NOVEMBER, 2026);
  g_autoptr (GError) error = NULL;
  const KpJournalMethodTotals *totals;

  /* 25 November: paid in both ways, refunded, unfinished, failed. */
  a = pay (fixture, cart, "MONEY", NULL);                       /* VAT 818, 1,000 tax-free */
  b = pay_item (fixture, "Latte", 5000, "CARD");                /* VAT 454 */
  c = pay_item (fixture, "Pizza", 22000, "CARD");               /* VAT 2,000 */
  c_refunded = refund (fixture, c, 2000);                       /* VAT 182 */
  d = create_and_move (fixture, "Soda", 3000, KP_SALE_STATE_READY_SENT, NULL);
  e = create_and_move (fixture, "Chips", 1500, KP_SALE_STATE_EXPIRED,
                       "2026-11-25T10:15:00+09:00");
  f = create_and_move (fixture, "Cake", 6000, KP_SALE_STATE_ABORTED_BY_CASHIER,
                       "2026-11-25T23:00:00+09:00");
  g = pay_item (fixture, "Tea", 3300, "CARD");                  /* VAT 300 */
  g_refund = begin_refund (fixture->journal, g->partner_order_id, request, &error);
  g_assert_no_error (error);
  h = create_and_move (fixture, "Gum", 1000, KP_SALE_STATE_READY_FAILED, NULL);
  i = create_and_move (fixture, "Candy", 1000, KP_SALE_STATE_APPROVED, NULL);  /* VAT 90 */

  report = day_report (fixture->journal, day25);
  g_assert_true (g_date_compare (&report->day, day25) == 0);
  g_assert_cmpuint (report->n_sales, ==, 5);
  g_assert_cmpint (report->gross, ==, 10000 + 5000 + 22000 + 3300 + 1000);
  g_assert_cmpuint (report->n_refunds, ==, 1);
  g_assert_cmpint (report->refunds, ==, 2000);
  g_assert_cmpint (report->net, ==, 41300 - 2000);
  g_assert_cmpint (report->vat, ==, 818 + 454 + 2000 + 300 + 90 - 182);
  g_assert_cmpint (report->tax_free, ==, 1000);
  g_assert_cmpint (report->supply, ==, report->net - 1000 - report->vat);
  /* Ended without money: one that expired, one the cashier cancelled. */
  g_assert_cmpuint (report->n_expired, ==, 1);
  g_assert_cmpuint (report->n_cancelled, ==, 1);
  g_assert_false (report->closed);
  g_assert_null (report->closed_at);
  g_assert_cmpuint (report->amendments->len, ==, 0);
  assert_totals (report);

  g_assert_cmpuint (report->methods->len, ==, 3);
  totals = get_method (report, "MONEY");
  g_assert_cmpuint (totals->count, ==, 1);
  g_assert_cmpint (totals->gross, ==, 10000);
  g_assert_cmpint (totals->refunds, ==, 0);
  totals = get_method (report, "CARD");
  g_assert_cmpuint (totals->count, ==, 3);
  g_assert_cmpint (totals->gross, ==, 30300);
  g_assert_cmpuint (totals->n_refunds, ==, 1);
  g_assert_cmpint (totals->refunds, ==, 2000);
  g_assert_cmpint (totals->net, ==, 28300);
  totals = get_method (report, "UNKNOWN");
  g_assert_cmpuint (totals->count, ==, 1);
  g_assert_cmpint (totals->gross, ==, 1000);

  /* Still in flight: the sale waiting for ready, the aborted one whose tid
   * lives, the refund of G. */
  g_assert_cmpuint (report->unfinished->len, ==, 3);
  assert_unfinished (report, 0, d, KP_SALE_STATE_READY_SENT, NULL, 3000);
  assert_unfinished (report, 1, f, KP_SALE_STATE_ABORTED_BY_CASHIER, NULL, 6000);
  assert_unfinished (report, 2, g, KP_SALE_STATE_APPROVED, g_refund->refund_id, 1000);

  /* 26 November: refunds of the 25th's sales count on the 26th. */
  fixture_set_now (fixture, "2026-11-26T09:00:00+09:00");
  a_refunded = refund (fixture, a, 1000);                       /* VAT 91 */
  g_refunded = complete_refund (fixture->journal, g_refund->refund_id, NULL, NULL, &error);
  g_assert_no_error (error);                                    /* VAT 91 */

  next_day = day_report (fixture->journal, day26);
  g_assert_cmpuint (next_day->n_sales, ==, 0);
  g_assert_cmpint (next_day->gross, ==, 0);
  g_assert_cmpuint (next_day->n_refunds, ==, 2);
  g_assert_cmpint (next_day->refunds, ==, 2000);
  g_assert_cmpint (next_day->net, ==, -2000);
  g_assert_cmpint (next_day->vat, ==, -182);
  g_assert_cmpint (get_method (next_day, "MONEY")->refunds, ==, 1000);
  g_assert_cmpint (get_method (next_day, "CARD")->refunds, ==, 1000);
  g_assert_cmpuint (get_method (next_day, "CARD")->count, ==, 0);
  g_assert_cmpuint (next_day->unfinished->len, ==, 0);
  assert_totals (next_day);

  /* The 25th is unchanged, but its refund is done and F's tid expired. */
  again = day_report (fixture->journal, day25);
  g_assert_cmpint (again->gross, ==, report->gross);
  g_assert_cmpint (again->refunds, ==, 2000);
  g_assert_cmpuint (again->unfinished->len, ==, 1);
  assert_unfinished (again, 0, d, KP_SALE_STATE_READY_SENT, NULL, 3000);

  /* A day without sales. */
  empty = day_report (fixture->journal, day27);
  g_assert_cmpuint (empty->n_sales, ==, 0);
  g_assert_cmpint (empty->net, ==, 0);
  g_assert_cmpuint (empty->methods->len, ==, 2);
  assert_totals (empty);

  /* A blocking call reads the clock in the caller's thread: the system's. */
  kp_journal_set_clock (fixture->journal, NULL, NULL);
  blocking = kp_journal_day_report_sync (fixture->journal, day26, &error);
  g_assert_no_error (error);
  kp_journal_set_clock (fixture->journal, fixture_clock, fixture);
  g_assert_cmpint (blocking->refunds, ==, next_day->refunds);
}

static void
test_close_day (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (KpJournalSale) a = pay_item (fixture, "Latte", 5000, "MONEY");
  g_autoptr (KpJournalSale) b = pay_item (fixture, "Tea", 3000, "CARD");
  g_autoptr (KpJournalSale) b_refunded = NULL;
  g_autoptr (KpJournalSale) late = NULL;
  g_autoptr (KpJournalDayReport) closed = NULL;
  g_autoptr (KpJournalDayReport) twice = NULL;
  g_autoptr (KpJournalDayReport) future = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalDayReport) amended = NULL;
  g_autoptr (KpJournalDayReport) next_day = NULL;
  g_autoptr (KpJournalDayReport) closed26 = NULL;
  g_autoptr (KpJournalDayReport) after_close = NULL;
  g_autoptr (KpJournalDayCheck) check = NULL;
  g_autoptr (KpJournalDayCheck) check_amended = NULL;
  g_autoptr (KpJournalDayCheck) check26 = NULL;
  g_autoptr (KpJournalDayCheck) not_closed = NULL;
  g_autoptr (GDate) day25 = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day26 = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day27 = g_date_new_dmy (27, G_DATE_NOVEMBER, 2026);
  g_autoptr (GError) error = NULL;
  g_autofree char *gross = NULL;
  g_autofree char *method = NULL;
  const KpJournalAmendment *amendment;
  sqlite3 *db;

  fixture_set_now (fixture, "2026-11-25T20:00:00+09:00");
  closed = close_day (fixture->journal, day25, &error);
  g_assert_no_error (error);
  g_assert_true (closed->closed);
  assert_time (closed->closed_at, "2026-11-25T20:00:00+09:00");
  g_assert_cmpstr (closed->closed_by, ==, "T1");
  g_assert_true (g_str_has_prefix (closed->hash, "sha256:"));
  g_assert_cmpuint (strlen (closed->hash), ==, strlen ("sha256:") + 64);
  g_assert_cmpuint (closed->n_sales, ==, 2);
  g_assert_cmpint (closed->gross, ==, 8000);
  g_assert_cmpuint (closed->amendments->len, ==, 0);

  /* The figures as closed are kept. */
  gross = journal_query (fixture->journal,
                         "SELECT report ->> '$.gross' FROM day_closes WHERE day = '2026-11-25'");
  method = journal_query (fixture->journal,
                          "SELECT report ->> '$.methods[1].method' FROM day_closes");
  g_assert_cmpstr (gross, ==, "8000");
  g_assert_cmpstr (method, ==, "CARD");

  /* Once only; and not a day to come. */
  twice = close_day (fixture->journal, day25, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT);
  g_assert_null (twice);
  g_clear_error (&error);
  future = close_day (fixture->journal, day27, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_INVALID);
  g_assert_null (future);
  g_clear_error (&error);
  not_closed = kp_journal_verify_day_sync (fixture->journal, day26, &error);
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  g_assert_null (not_closed);
  g_clear_error (&error);

  check = verify_day (fixture->journal, day25);
  g_assert_true (check->intact);
  g_assert_cmpstr (check->sealed_hash, ==, closed->hash);
  g_assert_cmpstr (check->actual_hash, ==, closed->hash);
  g_assert_cmpuint (check->n_amendments, ==, 0);

  report = day_report (fixture->journal, day25);
  g_assert_true (report->closed);
  g_assert_cmpstr (report->hash, ==, closed->hash);
  g_assert_cmpstr (report->closed_by, ==, "T1");

  /* A close cannot be edited or removed, nor an amendment. */
  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE day_closes SET hash = 'x'", NULL, NULL, NULL), ==,
                   SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM day_closes", NULL, NULL, NULL), ==,
                   SQLITE_CONSTRAINT);
  sqlite3_close (db);

  /* The next morning, a sale of the 25th is refunded: the refund counts on
   * the 26th, and the change to the closed day is recorded. */
  fixture_set_now (fixture, "2026-11-26T09:00:00+09:00");
  b_refunded = refund (fixture, b, 1000);

  amended = day_report (fixture->journal, day25);
  g_assert_true (amended->closed);
  g_assert_cmpint (amended->gross, ==, 8000);
  g_assert_cmpint (amended->refunds, ==, 0);
  g_assert_cmpuint (amended->amendments->len, ==, 1);
  amendment = g_ptr_array_index (amended->amendments, 0);
  g_assert_true (amendment->by_journal);
  g_assert_cmpstr (amendment->partner_order_id, ==, b->partner_order_id);
  g_assert_null (amendment->refund_id);
  g_assert_nonnull (strstr (amendment->what, "state 'APPROVED' → 'PARTIALLY_REFUNDED';"));
  g_assert_nonnull (strstr (amendment->what, "refunded_amount 0 → 1000;"));
  assert_time (amendment->at, "2026-11-26T09:00:00+09:00");

  next_day = day_report (fixture->journal, day26);
  g_assert_cmpint (next_day->refunds, ==, 1000);
  g_assert_false (next_day->closed);

  /* Made through the journal: the day is still intact, sealed anew. */
  check_amended = verify_day (fixture->journal, day25);
  g_assert_true (check_amended->intact);
  g_assert_cmpstr (check_amended->sealed_hash, !=, closed->hash);
  g_assert_cmpstr (check_amended->sealed_hash, ==, check_amended->actual_hash);
  g_assert_cmpuint (check_amended->n_amendments, ==, 1);
  g_assert_cmpuint (check_amended->n_outside, ==, 0);

  /* A sale after the day was closed belongs to it, as an amendment. */
  fixture_set_now (fixture, "2026-11-26T18:00:00+09:00");
  closed26 = close_day (fixture->journal, day26, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (closed26->n_refunds, ==, 1);
  fixture_set_now (fixture, "2026-11-26T18:30:00+09:00");
  late = pay_item (fixture, "Late latte", 4000, "CARD");

  after_close = day_report (fixture->journal, day26);
  g_assert_cmpuint (after_close->n_sales, ==, 1);
  g_assert_cmpint (after_close->gross, ==, 4000);
  g_assert_cmpuint (after_close->amendments->len, ==, 3);
  amendment = g_ptr_array_index (after_close->amendments, 0);
  g_assert_nonnull (strstr (amendment->what, " added: READY_SENT, 4000"));
  for (guint i = 0; i < after_close->amendments->len; i++)
    {
      amendment = g_ptr_array_index (after_close->amendments, i);
      g_assert_cmpstr (amendment->partner_order_id, ==, late->partner_order_id);
      g_assert_true (amendment->by_journal);
    }
  check26 = verify_day (fixture->journal, day26);
  g_assert_true (check26->intact);

  /* Amendments are never removed. */
  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM amendments", NULL, NULL, NULL), ==,
                   SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE amendments SET what = 'nothing'", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT);
  sqlite3_close (db);
}

/* Rows edited with sqlite3, behind the journal's back. */
static void
test_verify_tamper (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (KpJournalSale) a = pay_item (fixture, "Latte", 5000, "MONEY");
  g_autoptr (KpJournalSale) b = pay_item (fixture, "Tea", 3000, "CARD");
  g_autoptr (KpJournalSale) c = NULL;
  g_autoptr (KpJournalSale) c_refunded = NULL;
  g_autoptr (KpJournalDayReport) closed = NULL;
  g_autoptr (KpJournalDayReport) closed26 = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalDayCheck) check = NULL;
  g_autoptr (KpJournalDayCheck) silent = NULL;
  g_autoptr (KpJournalDayCheck) found_later = NULL;
  g_autoptr (GDate) day25 = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GDate) day26 = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  g_autoptr (GError) error = NULL;
  g_autofree char *update = NULL;
  const KpJournalAmendment *amendment;
  sqlite3 *db;

  fixture_set_now (fixture, "2026-11-25T20:00:00+09:00");
  closed = close_day (fixture->journal, day25, &error);
  g_assert_no_error (error);

  /* With the triggers in place the edit is recorded, as made outside. */
  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  update = g_strdup_printf ("UPDATE sales SET total_amount = 4000 "
                            "WHERE partner_order_id = '%s'", a->partner_order_id);
  raw_exec (db, update);
  sqlite3_close (db);

  check = verify_day (fixture->journal, day25);
  g_assert_false (check->intact);
  g_assert_cmpstr (check->sealed_hash, ==, closed->hash);
  g_assert_cmpstr (check->actual_hash, !=, closed->hash);
  g_assert_cmpuint (check->n_amendments, ==, 1);
  g_assert_cmpuint (check->n_outside, ==, 1);

  report = day_report (fixture->journal, day25);
  g_assert_cmpint (report->gross, ==, 7000);
  g_assert_cmpuint (report->amendments->len, ==, 1);
  amendment = g_ptr_array_index (report->amendments, 0);
  g_assert_false (amendment->by_journal);
  g_assert_cmpstr (amendment->partner_order_id, ==, a->partner_order_id);
  g_assert_nonnull (strstr (amendment->what, "total_amount 5000 → 4000;"));
  g_assert_nonnull (amendment->at);

  /* Without them (dropped), the hash still tells. */
  fixture_set_now (fixture, "2026-11-26T10:00:00+09:00");
  c = pay_item (fixture, "Cake", 6000, "CARD");
  fixture_set_now (fixture, "2026-11-26T20:00:00+09:00");
  closed26 = close_day (fixture->journal, day26, &error);
  g_assert_no_error (error);

  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  raw_exec (db, "DROP TRIGGER sales_amend_update");
  g_free (update);
  update = g_strdup_printf ("UPDATE sales SET item_name = 'Pie' "
                            "WHERE partner_order_id = '%s'", c->partner_order_id);
  raw_exec (db, update);
  sqlite3_close (db);

  silent = verify_day (fixture->journal, day26);
  g_assert_false (silent->intact);
  g_assert_cmpuint (silent->n_amendments, ==, 0);
  g_assert_cmpstr (silent->actual_hash, !=, silent->sealed_hash);

  /* The journal's next write to that day finds it and says so before it
   * seals anything. */
  fixture_set_now (fixture, "2026-11-27T10:00:00+09:00");
  g_test_expect_message ("kp-journal", G_LOG_LEVEL_WARNING,
                         "*closed day 2026-11-26 changed outside the journal*");
  c_refunded = refund (fixture, c, 1000);
  g_test_assert_expected_messages ();

  found_later = verify_day (fixture->journal, day26);
  g_assert_false (found_later->intact);
  g_assert_cmpuint (found_later->n_outside, ==, 1);
}

static void
test_day_report_csv (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (KpJournalSale) a = pay_item (fixture, "Latte", 5000, "MONEY");
  g_autoptr (KpJournalSale) b = pay_item (fixture, "Tea", 3000, "CARD");
  g_autoptr (KpJournalSale) c = create_and_move (fixture, "Soda", 2000,
                                                 KP_SALE_STATE_READY_SENT, NULL);
  g_autoptr (KpJournalSale) b_refunded = NULL;
  g_autoptr (KpJournalDayReport) closed = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (GDate) day25 = g_date_new_dmy (25, G_DATE_NOVEMBER, 2026);
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (g_get_user_data_dir (), "z-report.csv", NULL);
  g_autofree char *update = NULL;
  g_autofree char *outside_at = NULL;
  g_autofree char *expected = NULL;
  sqlite3 *db;

  fixture_set_now (fixture, "2026-11-25T20:00:00+09:00");
  closed = close_day (fixture->journal, day25, &error);
  g_assert_no_error (error);

  fixture_set_now (fixture, "2026-11-26T09:00:00+09:00");
  b_refunded = refund (fixture, b, 1000);

  db = open_raw (fixture->path, SQLITE_OPEN_READWRITE);
  update = g_strdup_printf ("UPDATE sales SET item_name = 'Tea, \"hot\"' "
                            "WHERE partner_order_id = '%s'", b->partner_order_id);
  raw_exec (db, update);
  sqlite3_close (db);

  report = day_report (fixture->journal, day25);
  g_assert_cmpuint (report->amendments->len, ==, 2);
  outside_at = _kp_journal_format_time (
    ((KpJournalAmendment *) g_ptr_array_index (report->amendments, 1))->at);

  expected = g_strdup_printf (
    "section,name,value,count,gross,refund_count,refunds,net,state,at,detail\r\n"
    "figure,day,2026-11-25,,,,,,,,\r\n"
    "figure,closed,true,,,,,,,,\r\n"
    "figure,closed_at,2026-11-25T20:00:00+09:00,,,,,,,,\r\n"
    "figure,closed_by,T1,,,,,,,,\r\n"
    "figure,hash,%s,,,,,,,,\r\n"
    "figure,n_sales,2,,,,,,,,\r\n"
    "figure,gross,8000,,,,,,,,\r\n"
    "figure,n_refunds,0,,,,,,,,\r\n"
    "figure,refunds,0,,,,,,,,\r\n"
    "figure,net,8000,,,,,,,,\r\n"
    "figure,vat,726,,,,,,,,\r\n"
    "figure,tax_free,0,,,,,,,,\r\n"
    "figure,supply,7274,,,,,,,,\r\n"
    "figure,n_cancelled,0,,,,,,,,\r\n"
    "figure,n_expired,0,,,,,,,,\r\n"
    "method,MONEY,,1,5000,0,0,5000,,,\r\n"
    "method,CARD,,1,3000,0,0,3000,,,\r\n"
    "unfinished,%s,2000,,,,,,READY_SENT,2026-11-25T10:00:00+09:00,\r\n"
    "amendment,%s,,,,,,,journal,2026-11-26T09:00:00+09:00,"
    "sale %s changed: state 'APPROVED' → 'PARTIALLY_REFUNDED'; refunded_amount 0 → 1000; "
    "updated_at '2026-11-25T10:00:00+09:00' → '2026-11-26T09:00:00+09:00';\r\n"
    "amendment,%s,,,,,,,outside,%s,"
    "\"sale %s changed: item_name 'Tea' → 'Tea, \"\"hot\"\"';\"\r\n",
    closed->hash, c->partner_order_id, b->partner_order_id, b->partner_order_id,
    b->partner_order_id, outside_at, b->partner_order_id);

  g_assert_true (kp_journal_export_day_report_csv_sync (report, csv_path, &error));
  g_assert_no_error (error);
  contents = read_file (csv_path);
  g_assert_cmpmem (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                   expected, strlen (expected));
}

static void
test_records (void)
{
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (KpJournalUpdate) update_copy = NULL;
  g_autoptr (KpJournalNewSale) input = new_cart_sale ();
  g_autoptr (KpJournalNewSale) input_copy = NULL;
  g_autoptr (KpJournalLine) line = kp_journal_line_new ("x", 3, 700, TRUE);

  g_assert_cmpint (update->refunded_amount, ==, KP_JOURNAL_UNCHANGED);
  update->tid = g_strdup ("T1");
  update->approved_at = parse_time ("2026-11-25T10:00:00+09:00");
  update_copy = kp_journal_update_copy (update);
  g_assert_cmpstr (update_copy->tid, ==, "T1");
  g_assert_true (update_copy->tid != update->tid);
  g_assert_true (g_date_time_equal (update_copy->approved_at, update->approved_at));

  input_copy = kp_journal_new_sale_copy (input);
  g_assert_cmpuint (input_copy->lines->len, ==, 2);
  g_assert_cmpuint (((KpJournalLine *) g_ptr_array_index (input_copy->lines, 1))->position, ==,
                    1);
  g_assert_cmpstr (input_copy->item_name, ==, input->item_name);

  g_assert_cmpint (line->amount, ==, 2100);
  g_assert_true (line->tax_free);

  g_assert_true (G_TYPE_IS_BOXED (KP_TYPE_JOURNAL_SALE));
  g_assert_true (G_TYPE_IS_BOXED (KP_TYPE_JOURNAL_TRANSITION));
}

static KpJournalPrintAttempt *
add_print_attempt (KpJournal    *journal,
                   const char   *partner_order_id,
                   const char   *refund_id,
                   KpPrintKind   kind,
                   gboolean      printed,
                   const char   *reason,
                   GError      **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kp_journal_add_print_attempt_async (journal, partner_order_id, refund_id, kind, printed,
                                      reason, NULL, store_result_cb, &result);
  wait_for (&result);
  return kp_journal_add_print_attempt_finish (journal, result, error);
}

static GPtrArray *
list_missing_receipts (KpJournal *journal)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *missing;

  kp_journal_list_missing_receipts_async (journal, NULL, store_result_cb, &result);
  wait_for (&result);
  missing = kp_journal_list_missing_receipts_finish (journal, result, &error);
  g_assert_no_error (error);
  return missing;
}

static void
test_print_attempts (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (KpJournalSale) first = create_simple_sale (fixture);
  g_autoptr (KpJournalSale) second = create_simple_sale (fixture);
  g_autoptr (KpJournalRefundRequest) request = refund_request (1000, 0);
  g_autoptr (KpJournalRefund) refund = NULL;
  g_autoptr (KpJournalPrintAttempt) attempt = NULL;
  g_autoptr (KpJournalPrintAttempt) other = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  g_autoptr (GPtrArray) attempts = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  const KpJournalPrintAttempt *item;

  approve (fixture, first, "2026-11-25T10:00:00+09:00");
  approve (fixture, second, "2026-11-25T10:01:00+09:00");
  request->cancel_available_amount = 5000;
  refund = begin_refund (fixture->journal, second->partner_order_id, request, &error);
  g_assert_no_error (error);

  missing = list_missing_receipts (fixture->journal);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_pointer (&missing, g_ptr_array_unref);

  fixture_set_now (fixture, "2026-11-25T10:02:00+09:00");
  attempt = add_print_attempt (fixture->journal, first->partner_order_id, NULL,
                               KP_PRINT_KIND_SALE, FALSE, "The printer is out of paper.",
                               &error);
  g_assert_no_error (error);
  g_assert_cmpstr (attempt->partner_order_id, ==, first->partner_order_id);
  g_assert_null (attempt->refund_id);
  g_assert_cmpint (attempt->kind, ==, KP_PRINT_KIND_SALE);
  g_assert_false (attempt->printed);
  g_assert_cmpstr (attempt->reason, ==, "The printer is out of paper.");
  assert_time (attempt->at, "2026-11-25T10:02:00+09:00");
  g_clear_pointer (&attempt, kp_journal_print_attempt_free);

  other = add_print_attempt (fixture->journal, second->partner_order_id, NULL,
                             KP_PRINT_KIND_SALE, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&other, kp_journal_print_attempt_free);
  other = add_print_attempt (fixture->journal, second->partner_order_id, refund->refund_id,
                             KP_PRINT_KIND_REFUND, FALSE, "unreachable", &error);
  g_assert_no_error (error);
  g_clear_pointer (&other, kp_journal_print_attempt_free);

  /* The first sale's receipt and the refund's are missing; the second sale's is not. */
  missing = list_missing_receipts (fixture->journal);
  g_assert_cmpuint (missing->len, ==, 2);
  item = g_ptr_array_index (missing, 0);
  g_assert_cmpstr (item->partner_order_id, ==, first->partner_order_id);
  item = g_ptr_array_index (missing, 1);
  g_assert_cmpstr (item->partner_order_id, ==, second->partner_order_id);
  g_assert_cmpstr (item->refund_id, ==, refund->refund_id);
  g_assert_cmpint (item->kind, ==, KP_PRINT_KIND_REFUND);
  g_assert_cmpstr (item->reason, ==, "unreachable");
  g_clear_pointer (&missing, g_ptr_array_unref);

  /* A reprint that works makes the receipt whole. */
  attempt = add_print_attempt (fixture->journal, first->partner_order_id, NULL,
                               KP_PRINT_KIND_REPRINT, TRUE, NULL, &error);
  g_assert_no_error (error);
  missing = list_missing_receipts (fixture->journal);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((KpJournalPrintAttempt *) g_ptr_array_index (missing, 0))->refund_id, ==,
                   refund->refund_id);

  kp_journal_list_print_attempts_async (fixture->journal, first->partner_order_id, NULL,
                                        store_result_cb, &result);
  wait_for (&result);
  attempts = kp_journal_list_print_attempts_finish (fixture->journal, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts->len, ==, 2);
  g_assert_false (((KpJournalPrintAttempt *) g_ptr_array_index (attempts, 0))->printed);
  g_assert_true (((KpJournalPrintAttempt *) g_ptr_array_index (attempts, 1))->printed);
  g_assert_cmpint (((KpJournalPrintAttempt *) g_ptr_array_index (attempts, 1))->kind, ==,
                   KP_PRINT_KIND_REPRINT);

  /* Unknown sales and refunds are refused, nothing written. */
  g_assert_null (add_print_attempt (fixture->journal, "T1-20990101-0001", NULL,
                                    KP_PRINT_KIND_SALE, TRUE, NULL, &error));
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (add_print_attempt (fixture->journal, first->partner_order_id,
                                    refund->refund_id, KP_PRINT_KIND_REFUND, TRUE, NULL,
                                    &error));
  g_assert_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  /* Every expected time in this file is in Korea's offset. */
  g_setenv ("TZ", "Asia/Seoul", TRUE);
  test_thread = g_thread_self ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/kp/journal/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/kp/journal/state-names", test_state_names);
  g_test_add_func ("/kp/journal/transition-table", test_transition_table);
  g_test_add_func ("/kp/journal/records", test_records);
  g_test_add_func ("/kp/journal/csv-field", test_csv_field);
  g_test_add_func ("/kp/journal/csv-formula-field", test_csv_formula_field);
  ADD ("create", test_create);
  ADD ("pragmas", test_pragmas);
  ADD ("transitions-all", test_transitions_all);
  ADD ("transition-conflict", test_transition_conflict);
  ADD ("transition-history", test_transition_history);
  ADD ("transition-fields", test_transition_fields);
  ADD ("order-ids", test_order_ids);
  ADD ("durability", test_durability);
  ADD ("in-flight", test_in_flight);
  ADD ("list-sales", test_list_sales);
  ADD ("csv", test_csv);
  ADD ("csv-empty", test_csv_empty);
  ADD ("csv-formula", test_csv_formula);
  ADD ("invalid-input", test_invalid_input);
  ADD ("cancelled", test_cancelled);
  ADD ("main-context", test_main_context);
  ADD ("concurrent", test_concurrent);
  ADD ("refund-lifecycle", test_refund_lifecycle);
  ADD ("print-attempts", test_print_attempts);
  ADD ("refund-failed", test_refund_failed);
  ADD ("refund-by-transition", test_refund_by_transition);
  ADD ("search", test_search);
  ADD ("search-retries", test_search_retries);
  ADD ("search-many", test_search_many);
  ADD ("day-report", test_day_report);
  ADD ("close-day", test_close_day);
  ADD ("verify-tamper", test_verify_tamper);
  ADD ("day-report-csv", test_day_report_csv);
  g_test_add_func ("/kp/journal/migration", test_migration);
  g_test_add_func ("/kp/journal/migration-v2", test_migration_v2);
  g_test_add_func ("/kp/journal/migration-atomic", test_migration_atomic);
  g_test_add_func ("/kp/journal/too-new", test_too_new);
  g_test_add_func ("/kp/journal/not-a-database", test_not_a_database);
  g_test_add_func ("/kp/journal/open-async", test_open_async);
  g_test_add_func ("/kp/journal/memory", test_memory);
  g_test_add_func ("/kp/journal/file-modes", test_file_modes);

#undef ADD

  return g_test_run ();
}
