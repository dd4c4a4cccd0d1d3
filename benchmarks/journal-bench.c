/* journal-bench.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sales journal at the size of a busy shop's year: a million sales over
 * 365 days, written straight into the real schema (its triggers and indexes
 * included), every past day closed through the journal, a few late refunds
 * through it too; then the day report, history searches and the cost of a
 * durable write, each beside a baseline measured in the same run. Prints
 * figures; never fails on speed. Run it through benchmarks/journal. */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

#define N_DAYS     365
#define BUSY_DAY   28   /* days before today */
#define N_RUNS     20
#define N_WRITES   200
#define N_LATE     50

typedef struct
{
  const char *name;
  gint64      price;
  gboolean    tax_free;
} Item;

/* What a café that also sells snacks rings up. */
static const char * const bases[] = {
  "아메리카노", "카페라떼", "바닐라라떼", "카푸치노", "카라멜마키아토", "에스프레소", "콜드브루",
  "녹차라떼", "고구마라떼", "자몽에이드", "레몬에이드", "딸기스무디", "망고스무디", "밀크티",
  "핫초코", "얼그레이", "캐모마일", "페퍼민트", "김밥", "참치김밥", "라면", "떡볶이", "샌드위치",
  "크루아상", "베이글", "스콘", "마카롱", "치즈케이크", "티라미수", "초코쿠키", "Iced Latte",
  "Cold Brew", "Flat White", "Hot Chocolate", "Lemon Tea", "Green Salad", "Club Sandwich",
  "Blueberry Muffin", "Banana Bread", "Croffle",
};

static const char * const sizes[] = { "", " (R)", " (L)", " 샷추가", " 디카페인", " ICE", " HOT" };

static const char * const tax_free_items[] = { "생수", "우유", "바나나", "계란", "두부" };

static const char card_info[] =
  "{\"kakaopay_purchase_corp\":\"비씨카드\",\"kakaopay_purchase_corp_code\":\"104\","
  "\"kakaopay_issuer_corp\":\"비씨카드\",\"kakaopay_issuer_corp_code\":\"104\","
  "\"bin\":\"123456\",\"card_type\":\"신용\",\"install_month\":\"00\","
  "\"approved_id\":\"12345678\",\"card_mid\":\"123456789\",\"interest_free_install\":\"N\","
  "\"card_item_code\":\"\"}";

typedef struct
{
  GMutex     mutex;
  GDateTime *now;
} Clock;

typedef struct
{
  GArray    *items;
  GRand     *rand;
  sqlite3   *db;
  gint64     next_id;
  gint64     n_sales;
  gint64     n_lines;
  gint64     n_refunds;

  /* One statement a sale, one for all its lines, one for its history. */
  sqlite3_stmt *sale;
  sqlite3_stmt *lines[5];
  sqlite3_stmt *transitions[6];
  sqlite3_stmt *refund;
} Generator;

typedef struct
{
  const char *from;
  const char *to;
  const char *at;
} Step;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  if (samples->len % 2 == 1)
    return g_array_index (samples, double, samples->len / 2);
  return (g_array_index (samples, double, samples->len / 2 - 1) +
          g_array_index (samples, double, samples->len / 2)) / 2;
}

static void
check (gboolean     ok,
       const GError *error)
{
  if (!ok)
    g_error ("%s", error != NULL ? error->message : "failed");
}

static void
check_sqlite (sqlite3 *db,
              int      rc)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  check_sqlite (db, sqlite3_exec (db, sql, NULL, NULL, NULL));
}

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  check_sqlite (db, sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL));
  return stmt;
}

static void
step_done (sqlite3      *db,
           sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("SQLite: %s", sqlite3_errmsg (db));
  sqlite3_reset (stmt);
}

static GDateTime *
clock_now (gpointer user_data)
{
  Clock *clock = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&clock->mutex);

  return g_date_time_ref (clock->now);
}

static void
clock_set (Clock     *clock,
           GDateTime *now)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&clock->mutex);

  g_clear_pointer (&clock->now, g_date_time_unref);
  clock->now = g_date_time_ref (now);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
random_hex (GRand *rand,
            char  *out,
            guint  n)
{
  static const char digits[] = "0123456789abcdef";

  for (guint i = 0; i < n; i++)
    out[i] = digits[g_rand_int_range (rand, 0, 16)];
  out[n] = '\0';
}

static void
make_catalog (Generator *gen)
{
  gen->items = g_array_new (FALSE, FALSE, sizeof (Item));

  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
        {
          Item item;

          item.name = g_strconcat (bases[i], sizes[j], NULL);
          item.price = 1500 + 500 * (gint64) ((i * 7 + j * 3) % 12);
          item.tax_free = FALSE;
          g_array_append_val (gen->items, item);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (tax_free_items); i++)
    {
      Item item = { tax_free_items[i], 1000 + 300 * (gint64) i, TRUE };

      g_array_append_val (gen->items, item);
    }
}

/* "2026-11-25T10:15:00+09:00" for @day at @seconds after midnight. */
static void
format_time (char          *out,
             gsize          size,
             const char    *day,
             int            seconds,
             const char    *offset)
{
  g_snprintf (out, size, "%sT%02d:%02d:%02d%s", day, seconds / 3600, (seconds / 60) % 60,
              seconds % 60, offset);
}

static void
insert_history (Generator  *gen,
                gint64      sale_id,
                const Step *steps,
                guint       n_steps)
{
  sqlite3_stmt *stmt = gen->transitions[n_steps - 1];

  for (guint i = 0; i < n_steps; i++)
    {
      sqlite3_bind_int64 (stmt, 4 * i + 1, sale_id);
      if (steps[i].from != NULL)
        sqlite3_bind_text (stmt, 4 * i + 2, steps[i].from, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 4 * i + 2);
      sqlite3_bind_text (stmt, 4 * i + 3, steps[i].to, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4 * i + 4, steps[i].at, -1, SQLITE_STATIC);
    }
  step_done (gen->db, stmt);
}

/* One sale of @day, as the journal would have left it, with its lines,
 * history and (same-day) refund. */
static void
generate_sale (Generator  *gen,
               const char *day,
               const char *compact_day,
               const char *offset,
               guint       seq,
               int         seconds,
               gboolean    today)
{
  char order_id[64], tid[32], aid[32], nonce[40], item_name[256];
  char created_at[40], waiting_at[40], approving_at[40], approved_at[40], expires_at[40];
  char refunded_at[40], refund_id[80];
  const Item *lines[5];
  gint64 quantities[5];
  gint64 total = 0, tax_free = 0, quantity = 0, vat;
  gint64 id = gen->next_id++;
  guint n_lines = g_rand_int_range (gen->rand, 1, 6);
  guint roll = g_rand_int_range (gen->rand, 0, 1000);
  gboolean card = g_rand_int_range (gen->rand, 0, 10) < 6;
  const char *state;
  gint64 refunded = 0;
  gboolean paid;
  Step steps[6];
  guint n_steps = 0;

  for (guint i = 0; i < n_lines; i++)
    {
      lines[i] = &g_array_index (gen->items, Item, g_rand_int_range (gen->rand, 0,
                                                                     gen->items->len));
      quantities[i] = g_rand_int_range (gen->rand, 0, 10) < 8 ? 1 : g_rand_int_range (gen->rand,
                                                                                      2, 4);
      total += lines[i]->price * quantities[i];
      quantity += quantities[i];
      if (lines[i]->tax_free)
        tax_free += lines[i]->price * quantities[i];
    }
  vat = (total - tax_free + 5) / 11;

  if (n_lines > 1)
    g_snprintf (item_name, sizeof item_name, "%s 외 %u건", lines[0]->name, n_lines - 1);
  else
    g_strlcpy (item_name, lines[0]->name, sizeof item_name);

  if (today && roll < 3)
    state = roll == 0 ? "READY_SENT" : roll == 1 ? "AWAITING_CUSTOMER" : "APPROVING";
  else if (roll < 20 && total - tax_free >= 1000)
    state = "PARTIALLY_REFUNDED";
  else if (roll < 30)
    state = "REFUNDED";
  else if (roll < 40)
    state = "EXPIRED";
  else if (roll < 50)
    state = "CANCELLED_BY_CUSTOMER";
  else if (roll < 55)
    state = "FAILED";
  else if (roll < 60)
    state = "ABORTED_BY_CASHIER";
  else
    state = "APPROVED";
  paid = g_str_equal (state, "APPROVED") || g_str_has_suffix (state, "REFUNDED");

  g_snprintf (order_id, sizeof order_id, "T1-%s-%04u", compact_day, seq);
  tid[0] = 'T';
  random_hex (gen->rand, tid + 1, 19);
  aid[0] = 'A';
  random_hex (gen->rand, aid + 1, 19);
  random_hex (gen->rand, nonce, 32);
  format_time (created_at, sizeof created_at, day, seconds, offset);
  format_time (waiting_at, sizeof waiting_at, day, seconds + 1, offset);
  format_time (approving_at, sizeof approving_at, day, seconds + 20, offset);
  format_time (approved_at, sizeof approved_at, day, seconds + 22, offset);
  format_time (expires_at, sizeof expires_at, day, seconds + 900, offset);
  format_time (refunded_at, sizeof refunded_at, day, seconds + 1800, offset);

  if (g_str_equal (state, "REFUNDED"))
    refunded = total;
  else if (g_str_equal (state, "PARTIALLY_REFUNDED"))
    refunded = MAX (100, (total - tax_free) / 3 / 100 * 100);

  sqlite3_bind_int64 (gen->sale, 1, id);
  sqlite3_bind_text (gen->sale, 2, order_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->sale, 3, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->sale, 4, item_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (gen->sale, 5, quantity);
  sqlite3_bind_int64 (gen->sale, 6, total);
  sqlite3_bind_int64 (gen->sale, 7, tax_free);
  sqlite3_bind_int64 (gen->sale, 8, vat);
  sqlite3_bind_text (gen->sale, 9, tid, -1, SQLITE_STATIC);
  if (paid)
    {
      sqlite3_bind_text (gen->sale, 10, aid, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->sale, 11, card ? "CARD" : "MONEY", -1, SQLITE_STATIC);
      if (card)
        sqlite3_bind_text (gen->sale, 12, card_info, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (gen->sale, 12);
      sqlite3_bind_text (gen->sale, 15, approved_at, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->sale, 13, "0123456789abcdef0123", -1, SQLITE_STATIC);
    }
  else
    {
      sqlite3_bind_null (gen->sale, 10);
      sqlite3_bind_null (gen->sale, 11);
      sqlite3_bind_null (gen->sale, 12);
      sqlite3_bind_null (gen->sale, 15);
      sqlite3_bind_null (gen->sale, 13);
    }
  sqlite3_bind_text (gen->sale, 14, nonce, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->sale, 16, created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->sale, 17, refunded > 0 ? refunded_at : paid ? approved_at : waiting_at,
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (gen->sale, 18, expires_at, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (gen->sale, 19, refunded);
  sqlite3_bind_text (gen->sale, 20, day, -1, SQLITE_STATIC);
  step_done (gen->db, gen->sale);

  for (guint i = 0; i < n_lines; i++)
    {
      sqlite3_stmt *stmt = gen->lines[n_lines - 1];

      sqlite3_bind_int64 (stmt, 7 * i + 1, id);
      sqlite3_bind_int (stmt, 7 * i + 2, i);
      sqlite3_bind_text (stmt, 7 * i + 3, lines[i]->name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7 * i + 4, quantities[i]);
      sqlite3_bind_int64 (stmt, 7 * i + 5, lines[i]->price);
      sqlite3_bind_int (stmt, 7 * i + 6, lines[i]->tax_free ? 1 : 0);
      sqlite3_bind_int64 (stmt, 7 * i + 7, lines[i]->price * quantities[i]);
    }
  step_done (gen->db, gen->lines[n_lines - 1]);
  gen->n_lines += n_lines;

  steps[n_steps++] = (Step) { NULL, "READY_SENT", created_at };
  if (!g_str_equal (state, "READY_SENT"))
    steps[n_steps++] = (Step) { "READY_SENT", "AWAITING_CUSTOMER", waiting_at };
  if (!paid && !g_str_has_prefix (state, "READY_SENT") && !g_str_equal (state, "APPROVING") &&
      !g_str_equal (state, "AWAITING_CUSTOMER"))
    steps[n_steps++] = (Step) { "AWAITING_CUSTOMER", state, waiting_at };
  if (paid || g_str_equal (state, "APPROVING"))
    steps[n_steps++] = (Step) { "AWAITING_CUSTOMER", "APPROVING", approving_at };
  if (paid)
    steps[n_steps++] = (Step) { "APPROVING", "APPROVED", approved_at };
  if (refunded > 0)
    steps[n_steps++] = (Step) { "APPROVED", state, refunded_at };
  insert_history (gen, id, steps, n_steps);

  if (refunded > 0)
    {
      gint64 refund_tax_free = refunded == total ? tax_free : 0;
      gint64 refund_vat = refunded == total ? vat : MIN (vat, (refunded + 5) / 11);

      g_snprintf (refund_id, sizeof refund_id, "%s-R1", order_id);
      sqlite3_bind_int64 (gen->refund, 1, id);
      sqlite3_bind_text (gen->refund, 2, refund_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (gen->refund, 3, refunded);
      sqlite3_bind_int64 (gen->refund, 4, refund_tax_free);
      sqlite3_bind_int64 (gen->refund, 5, refund_vat);
      sqlite3_bind_int64 (gen->refund, 6, total);
      sqlite3_bind_text (gen->refund, 7, aid, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->refund, 8, refunded_at, -1, SQLITE_STATIC);
      sqlite3_bind_text (gen->refund, 9, day, -1, SQLITE_STATIC);
      step_done (gen->db, gen->refund);
      gen->n_refunds++;
    }

  gen->n_sales++;
}

static void
generator_prepare (Generator *gen)
{
  gen->sale = prepare (gen->db,
                       "INSERT INTO sales (id, partner_order_id, partner_user_id, terminal_id, "
                       "cid, dialect, state, item_name, quantity, total_amount, "
                       "tax_free_amount, vat_amount, tid, aid, payment_method_type, card_info, "
                       "pg_token, nonce, approved_at, created_at, updated_at, expires_at, "
                       "refunded_amount, created_day) "
                       "VALUES (?1, ?2, 'counter-1', 'T1', 'TC0ONETIME', 'online', ?3, ?4, ?5, "
                       "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
  for (guint n = 1; n <= G_N_ELEMENTS (gen->lines); n++)
    {
      g_autoptr (GString) sql = g_string_new ("INSERT INTO sale_lines (sale_id, position, name, "
                                              "quantity, unit_price, tax_free, amount) VALUES ");

      for (guint i = 0; i < n; i++)
        g_string_append (sql, i > 0 ? ", (?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?)");
      gen->lines[n - 1] = prepare (gen->db, sql->str);
    }
  for (guint n = 1; n <= G_N_ELEMENTS (gen->transitions); n++)
    {
      g_autoptr (GString) sql = g_string_new ("INSERT INTO transitions (sale_id, from_state, "
                                              "to_state, at) VALUES ");

      for (guint i = 0; i < n; i++)
        g_string_append (sql, i > 0 ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
      gen->transitions[n - 1] = prepare (gen->db, sql->str);
    }
  gen->refund = prepare (gen->db,
                         "INSERT INTO refunds (sale_id, seq, refund_id, state, cancel_amount, "
                         "cancel_tax_free_amount, cancel_vat_amount, cancel_available_amount, "
                         "aid, created_at, created_day, completed_at, completed_day) "
                         "VALUES (?1, 1, ?2, 'REFUNDED', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9)");
}

static void
generator_finish (Generator *gen)
{
  sqlite3_finalize (gen->sale);
  for (guint i = 0; i < G_N_ELEMENTS (gen->lines); i++)
    sqlite3_finalize (gen->lines[i]);
  for (guint i = 0; i < G_N_ELEMENTS (gen->transitions); i++)
    sqlite3_finalize (gen->transitions[i]);
  sqlite3_finalize (gen->refund);
}

static KpJournalNewSale *
new_sale (GRand *rand)
{
  KpJournalNewSale *sale = kp_journal_new_sale_new ();
  char nonce[40];

  random_hex (rand, nonce, 32);
  sale->terminal_id = g_strdup ("T2");
  sale->partner_user_id = g_strdup ("counter-2");
  sale->cid = g_strdup ("TC0ONETIME");
  sale->dialect = g_strdup ("online");
  sale->item_name = g_strdup ("아메리카노 외 1건");
  sale->nonce = g_strdup (nonce);
  kp_journal_new_sale_add_line (sale, "아메리카노", 2, 4500, FALSE);
  kp_journal_new_sale_add_line (sale, "생수", 1, 1000, TRUE);
  sale->quantity = 3;
  sale->total_amount = 10000;
  sale->tax_free_amount = 1000;
  sale->vat_amount = 818;

  return sale;
}

/* Ms of one durable pair: a new sale, then its move to AWAITING_CUSTOMER
 * with a tid, each committed with synchronous=FULL. The sale's order id
 * goes to @out_order_id. */
static double
durable_write (KpJournal  *journal,
               GRand      *rand,
               char      **out_order_id)
{
  g_autoptr (KpJournalNewSale) input = new_sale (rand);
  g_autoptr (GAsyncResult) created = NULL;
  g_autoptr (GAsyncResult) moved = NULL;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (KpJournalSale) waiting = NULL;
  g_autoptr (KpJournalUpdate) update = kp_journal_update_new ();
  g_autoptr (GError) error = NULL;
  char tid[32] = "T";
  double start = now_ms ();
  double elapsed;

  kp_journal_create_sale_async (journal, input, NULL, store_result_cb, &created);
  wait_for (&created);
  sale = kp_journal_create_sale_finish (journal, created, &error);
  check (sale != NULL, error);

  random_hex (rand, tid + 1, 19);
  update->tid = g_strdup (tid);
  kp_journal_transition_async (journal, sale->partner_order_id, KP_SALE_STATE_READY_SENT,
                               KP_SALE_STATE_AWAITING_CUSTOMER, update, NULL,
                               store_result_cb, &moved);
  wait_for (&moved);
  waiting = kp_journal_transition_finish (journal, moved, &error);
  check (waiting != NULL, error);

  elapsed = now_ms () - start;

  g_free (*out_order_id);
  *out_order_id = g_strdup (sale->partner_order_id);
  return elapsed;
}

static void
print_search (KpJournal          *journal,
              const char         *label,
              const GDate        *day,
              const char * const *texts,
              guint               limit)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_found = 0;

  for (guint i = 0; i < N_RUNS; i++)
    {
      const char *text = texts[i % g_strv_length ((char **) texts)];
      g_autoptr (KpJournalQuery) query = kp_journal_query_new (day, text);
      g_autoptr (GPtrArray) found = NULL;
      g_autoptr (GError) error = NULL;
      double start, elapsed;

      query->limit = limit;
      start = now_ms ();
      found = kp_journal_search_sync (journal, query, &error);
      elapsed = now_ms () - start;
      check (found != NULL, error);
      g_array_append_val (samples, elapsed);
      n_found += found->len;
    }

  g_print ("  %-52s %7.2f ms   (%.0f sales a search)\n", label, median (samples),
           (double) n_found / N_RUNS);
}

/* N_RUNS distinct values of @sql's first column, picked at random rows. */
static char **
sample_texts (sqlite3    *db,
              GRand      *rand,
              gint64      n_sales,
              const char *sql,
              gboolean    commas)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  g_autoptr (sqlite3_stmt) stmt = prepare (db, sql);

  while (texts->len < N_RUNS)
    {
      sqlite3_bind_int64 (stmt, 1, g_rand_int_range (rand, 1, (gint32) MIN (n_sales, G_MAXINT32)));
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, 0);

          if (commas)
            {
              gint64 amount = g_ascii_strtoll (text, NULL, 10);

              g_ptr_array_add (texts, amount >= 1000 ?
                               g_strdup_printf ("%" G_GINT64_FORMAT ",%03" G_GINT64_FORMAT,
                                                amount / 1000, amount % 1000) :
                               g_strdup (text));
            }
          else
            {
              g_ptr_array_add (texts, g_strdup (text));
            }
        }
      sqlite3_reset (stmt);
    }

  g_ptr_array_add (texts, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&texts), FALSE);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  if (g_stat (path, &buf) != 0)
    return 0;
  return buf.st_size;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournal) tiny = NULL;
  g_autoptr (GDateTime) today = NULL;
  g_autoptr (GDate) busy_day = NULL;
  g_autoptr (GDate) today_date = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tiny_path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *busy_text = NULL;
  g_autofree char *today_text = NULL;
  g_auto (GStrv) order_ids = NULL;
  g_auto (GStrv) tids = NULL;
  g_auto (GStrv) amounts = NULL;
  g_auto (GStrv) tid_prefixes = NULL;
  Clock clock = { { 0 }, NULL };
  Generator gen = { 0 };
  gint64 n_sales = 1000000;
  gboolean keep = FALSE;
  char *target_dir = NULL;
  double weights[N_DAYS];
  double weight_sum = 0;
  double cumulative = 0;
  double start, generate_ms, close_ms = 0, busy_close_ms = 0;
  gint64 made = 0;
  guint busy_n = 0;
  GOptionEntry entries[] = {
    { "sales", 'n', 0, G_OPTION_ARG_INT64, &n_sales, "Sales to generate (1000000)", "N" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &target_dir, "Where to write (a new temporary folder)",
      "DIR" },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &keep, "Keep the journals", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— the sales journal with a year of sales");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  n_sales = MAX (n_sales, N_DAYS * 10);

  if (target_dir != NULL)
    {
      dir = g_strdup (target_dir);
      g_mkdir_with_parents (dir, 0700);
    }
  else
    {
      dir = g_dir_make_tmp ("kp-journal-bench-XXXXXX", &error);
      check (dir != NULL, error);
    }
  path = g_build_filename (dir, "journal.db", NULL);
  tiny_path = g_build_filename (dir, "tiny.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (tiny_path);

  g_mutex_init (&clock.mutex);
  today = g_date_time_new_now_local ();
  today_date = g_date_new_dmy (g_date_time_get_day_of_month (today),
                               g_date_time_get_month (today), g_date_time_get_year (today));
  today_text = _kp_journal_format_day (today_date);
  busy_day = g_date_copy (today_date);
  g_date_subtract_days (busy_day, BUSY_DAY);
  busy_text = _kp_journal_format_day (busy_day);

  g_print ("kakaopay-pos journal benchmark (%s)\n", today_text);
  g_print ("machine: %u cores, SQLite %s; journal in %s\n\n", g_get_num_processors (),
           sqlite3_libversion (), dir);

  /* The journal creates its file, with the real schema. */
  journal = kp_journal_open_sync (path, &error);
  check (journal != NULL, error);
  g_clear_object (&journal);

  /* The generation alone is fast and loose, on a connection of its own with
   * no rollback journal; the journal switches the file back to WAL when it
   * opens it again, and keeps synchronous=FULL on its own connection. */
  check_sqlite (NULL, sqlite3_open_v2 (path, &gen.db, SQLITE_OPEN_READWRITE, NULL));
  exec (gen.db, "PRAGMA journal_mode = DELETE");
  exec (gen.db, "PRAGMA locking_mode = EXCLUSIVE");
  exec (gen.db, "PRAGMA journal_mode = OFF");
  exec (gen.db, "PRAGMA synchronous = OFF");
  exec (gen.db, "PRAGMA cache_size = -1048576");
  gen.rand = g_rand_new_with_seed (20261125);
  gen.next_id = 1;
  make_catalog (&gen);
  generator_prepare (&gen);

  /* Busier at the end of the week, and one very busy day. */
  for (guint d = 0; d < N_DAYS; d++)
    {
      g_autoptr (GDate) date = g_date_copy (today_date);
      GDateWeekday weekday;

      g_date_subtract_days (date, N_DAYS - 1 - d);
      weekday = g_date_get_weekday (date);
      weights[d] = weekday == G_DATE_FRIDAY || weekday == G_DATE_SATURDAY ? 1.4 : 1.0;
      if (N_DAYS - 1 - d == BUSY_DAY)
        weights[d] = 3.0;
      weight_sum += weights[d];
    }

  g_print ("Generating %" G_GINT64_FORMAT " sales over %d days (1–5 lines, MONEY and CARD, "
           "refunds), closing every past day through the journal…\n", n_sales, N_DAYS);
  start = now_ms ();

  for (guint d = 0; d < N_DAYS; d++)
    {
      g_autoptr (GDate) date = g_date_copy (today_date);
      g_autoptr (GDateTime) noon = NULL;
      g_autofree char *offset = NULL;
      g_autofree char *day = NULL;
      char compact[16];
      gboolean is_today = d == N_DAYS - 1;
      gint64 n;

      /* Rounded cumulatively, so the days add up to n_sales. */
      cumulative += weights[d];
      n = (gint64) (n_sales * cumulative / weight_sum + 0.5) - made;

      g_date_subtract_days (date, N_DAYS - 1 - d);
      day = _kp_journal_format_day (date);
      g_date_strftime (compact, sizeof compact, "%Y%m%d", date);
      noon = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                    g_date_get_day (date), 12, 0, 0);
      offset = g_date_time_format (noon, "%:z");

      if (d % 20 == 0)
        exec (gen.db, "BEGIN");

      for (gint64 i = 0; i < n; i++)
        {
          /* 08:00 to 22:00, in order. */
          int seconds = 8 * 3600 + (int) (i * (14 * 3600 - 60) / MAX (n, 1));

          generate_sale (&gen, day, compact, offset, i + 1, seconds, is_today);
        }
      if (d % 20 == 19 || is_today)
        exec (gen.db, "COMMIT");
      made += n;
      if (N_DAYS - 1 - d == BUSY_DAY)
        busy_n = n;

      if ((d + 1) % 73 == 0)
        g_print ("  %3u days, %8" G_GINT64_FORMAT " sales, %6.1f s\n", d + 1, made,
                 (now_ms () - start) / 1000);
    }

  generator_finish (&gen);
  sqlite3_close (gen.db);
  gen.db = NULL;
  generate_ms = now_ms () - start;

  journal = kp_journal_open_sync (path, &error);
  check (journal != NULL, error);
  kp_journal_set_clock (journal, clock_now, &clock);

  /* The Z report of every past day, at 23:00, through the journal (after the
   * generation, which its writes would slow down: a write by another
   * connection empties the generator's cache). */
  for (guint d = 0; d < N_DAYS - 1; d++)
    {
      g_autoptr (GDate) date = g_date_copy (today_date);
      g_autoptr (GDateTime) evening = NULL;
      g_autoptr (KpJournalDayReport) closed = NULL;
      double close_start;

      g_date_subtract_days (date, N_DAYS - 1 - d);
      evening = g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                       g_date_get_day (date), 23, 0, 0);
      clock_set (&clock, evening);
      close_start = now_ms ();
      closed = kp_journal_close_day_sync (journal, date, "T1", &error);
      check (closed != NULL, error);
      close_ms += now_ms () - close_start;
      if (N_DAYS - 1 - d == BUSY_DAY)
        busy_close_ms = now_ms () - close_start;
    }

  check_sqlite (NULL, sqlite3_open_v2 (path, &gen.db, SQLITE_OPEN_READWRITE, NULL));
  sqlite3_busy_timeout (gen.db, KP_JOURNAL_BUSY_TIMEOUT_MS);

  /* A few late refunds through the journal: sales of closed days refunded
   * today, each an amendment of its day. */
  clock_set (&clock, today);
  {
    g_autoptr (sqlite3_stmt) pick = prepare (gen.db,
                                             "SELECT partner_order_id FROM sales "
                                             "WHERE created_day = ?1 AND state = 'APPROVED' "
                                             "AND tax_free_amount = 0 LIMIT ?2");
    guint n_late = 0;

    sqlite3_bind_text (pick, 1, busy_text, -1, SQLITE_STATIC);
    sqlite3_bind_int (pick, 2, N_LATE);
    while (sqlite3_step (pick) == SQLITE_ROW)
      {
        g_autoptr (KpJournalRefundRequest) request = kp_journal_refund_request_new ();
        g_autoptr (GAsyncResult) begun = NULL;
        g_autoptr (GAsyncResult) completed = NULL;
        g_autoptr (KpJournalRefund) refund = NULL;
        g_autoptr (KpJournalSale) sale = NULL;

        request->cancel_amount = 500;
        kp_journal_begin_refund_async (journal, (const char *) sqlite3_column_text (pick, 0),
                                       request, NULL, store_result_cb, &begun);
        wait_for (&begun);
        refund = kp_journal_begin_refund_finish (journal, begun, &error);
        check (refund != NULL, error);
        kp_journal_complete_refund_async (journal, refund->refund_id, "A0000000000000000late",
                                          NULL, NULL, store_result_cb, &completed);
        wait_for (&completed);
        sale = kp_journal_complete_refund_finish (journal, completed, &error);
        check (sale != NULL, error);
        n_late++;
      }
    gen.n_refunds += n_late;
  }

  exec (gen.db, "PRAGMA wal_checkpoint (TRUNCATE)");

  g_print ("  generated in %.1f s: %" G_GINT64_FORMAT " sales, %" G_GINT64_FORMAT " lines, %"
           G_GINT64_FORMAT " refunds (%d late, through the journal); %d days closed in %.1f s "
           "(the busiest day's close: %.1f ms)\n\n",
           generate_ms / 1000, gen.n_sales, gen.n_lines, gen.n_refunds, N_LATE, N_DAYS - 1,
           close_ms / 1000, busy_close_ms);

  /* Sizes */
  {
    g_autoptr (sqlite3_stmt) stmt = NULL;
    gint64 size = file_size (path) + file_size (wal);
    guint shown = 0;

    g_print ("Journal file: %.1f MiB, %.0f bytes a sale; the biggest parts:\n",
             size / 1048576.0, (double) size / MAX (gen.n_sales, 1));
    stmt = prepare (gen.db,
                    "SELECT name, sum (pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC");
    while (sqlite3_step (stmt) == SQLITE_ROW && shown++ < 10)
      g_print ("  %-28s %7.1f MiB\n", (const char *) sqlite3_column_text (stmt, 0),
               sqlite3_column_int64 (stmt, 1) / 1048576.0);
    g_print ("\n");
  }

  order_ids = sample_texts (gen.db, gen.rand, gen.n_sales,
                            "SELECT partner_order_id FROM sales WHERE id = ?1", FALSE);
  tids = sample_texts (gen.db, gen.rand, gen.n_sales, "SELECT tid FROM sales WHERE id = ?1",
                       FALSE);
  tid_prefixes = sample_texts (gen.db, gen.rand, gen.n_sales,
                               "SELECT substr (tid, 1, 8) FROM sales WHERE id = ?1", FALSE);
  amounts = sample_texts (gen.db, gen.rand, gen.n_sales,
                          "SELECT total_amount FROM sales WHERE id = ?1", TRUE);
  sqlite3_close (gen.db);
  gen.db = NULL;

  /* Reads, on the journal's own connection, as the application makes them. */
  kp_journal_set_clock (journal, NULL, NULL);
  {
    g_autoptr (GArray) sync_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) async_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) verify_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (KpJournalDayReport) report = NULL;
    g_autoptr (KpJournalDayCheck) day_check = NULL;

    for (guint i = 0; i < N_RUNS; i++)
      {
        g_autoptr (GAsyncResult) result = NULL;
        double t0 = now_ms (), elapsed;

        g_clear_pointer (&report, kp_journal_day_report_free);
        report = kp_journal_day_report_sync (journal, busy_day, &error);
        check (report != NULL, error);
        elapsed = now_ms () - t0;
        g_array_append_val (sync_samples, elapsed);

        t0 = now_ms ();
        kp_journal_day_report_async (journal, busy_day, NULL, store_result_cb, &result);
        wait_for (&result);
        g_clear_pointer (&report, kp_journal_day_report_free);
        report = kp_journal_day_report_finish (journal, result, &error);
        check (report != NULL, error);
        elapsed = now_ms () - t0;
        g_array_append_val (async_samples, elapsed);
      }

    for (guint i = 0; i < 5; i++)
      {
        double t0 = now_ms (), elapsed;

        g_clear_pointer (&day_check, kp_journal_day_check_free);
        day_check = kp_journal_verify_day_sync (journal, busy_day, &error);
        check (day_check != NULL, error);
        elapsed = now_ms () - t0;
        g_array_append_val (verify_samples, elapsed);
      }

    g_print ("Day report of the busiest day (%s: %u sales created, %u counted, %u refunds, "
             "%u amendments), median of %d (target ≤ 20 ms)\n",
             busy_text, busy_n, report->n_sales, report->n_refunds, report->amendments->len,
             N_RUNS);
    g_print ("  %-52s %7.2f ms\n", "kp_journal_day_report_sync", median (sync_samples));
    g_print ("  %-52s %7.2f ms\n", "kp_journal_day_report_async (with the thread hop)",
             median (async_samples));
    g_print ("  %-52s %7.2f ms   (%s)\n", "kp_journal_verify_day_sync (hash of the day), of 5",
             median (verify_samples), day_check->intact ? "intact" : "CHANGED");
    g_print ("\n");
  }

  {
    const char * const names3[] = { "아메리카노", "샌드위치", "Latte", "치즈케이크", "마키아토",
                                    NULL };
    const char * const names2[] = { "라떼", "김밥", "스콘", "모카", "티", NULL };
    const char * const rare[] = { "두부", "Banana Bread 디카페인", "없는 상품", NULL };
    const char * const busy_names[] = { "샌드위치", "라떼", NULL };
    const char * const none[] = { "", NULL };
    g_autofree char *busy_prefix = g_strdup_printf ("T1-%.4s%.2s%.2s", busy_text, busy_text + 5,
                                                    busy_text + 8);
    const char * const day_prefix[] = { busy_prefix, NULL };

    g_print ("History search (kp_journal_search_sync, the first page of 200), median of %d "
             "(target ≤ 20 ms each)\n", N_RUNS);
    print_search (journal, "order id, exact (20 different)", NULL,
                  (const char * const *) order_ids, 0);
    print_search (journal, "order id prefix: a day's (T1-YYYYMMDD)", NULL, day_prefix, 0);
    print_search (journal, "tid, exact (20 different)", NULL, (const char * const *) tids, 0);
    print_search (journal, "tid prefix, 8 characters", NULL,
                  (const char * const *) tid_prefixes, 0);
    print_search (journal, "amount, \"12,500\" style (20 different)", NULL,
                  (const char * const *) amounts, 0);
    print_search (journal, "item substring, 3+ characters", NULL, names3, 0);
    print_search (journal, "item substring, 2 characters", NULL, names2, 0);
    print_search (journal, "item substring, rare or absent", NULL, rare, 0);
    print_search (journal, "today's list", today_date, none, 0);
    print_search (journal, "busiest day's list", busy_day, none, 0);
    print_search (journal, "busiest day, item substring", busy_day, busy_names, 0);
    print_search (journal, "all days, no text (newest 200)", NULL, none, 0);
    g_print ("\n");
  }

  /* Writes: the big journal against a tiny one on the same disk. */
  {
    g_autoptr (GArray) select_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) hop_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) big_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) small_samples = g_array_new (FALSE, FALSE, sizeof (double));
    g_autofree char *tiny_order_id = NULL;
    g_autofree char *big_order_id = NULL;
    double big, small;

    tiny = kp_journal_open_sync (tiny_path, &error);
    check (tiny != NULL, error);

    for (guint i = 0; i < N_WRITES; i++)
      {
        g_autofree char *one = NULL;
        double t0 = now_ms (), elapsed;

        one = _kp_journal_query_text (tiny, "SELECT 1", &error);
        check (one != NULL, error);
        elapsed = now_ms () - t0;
        g_array_append_val (select_samples, elapsed);
      }

    /* Interleaved, so both see the same disk. */
    for (guint i = 0; i < N_WRITES; i++)
      {
        double elapsed = durable_write (tiny, gen.rand, &tiny_order_id);

        g_array_append_val (small_samples, elapsed);
        elapsed = durable_write (journal, gen.rand, &big_order_id);
        g_array_append_val (big_samples, elapsed);
      }
    small = median (small_samples);
    big = median (big_samples);

    for (guint i = 0; i < N_WRITES; i++)
      {
        g_autoptr (GAsyncResult) result = NULL;
        g_autoptr (KpJournalSale) sale = NULL;
        double t0 = now_ms (), elapsed;

        kp_journal_get_sale_async (tiny, tiny_order_id, NULL, store_result_cb, &result);
        wait_for (&result);
        sale = kp_journal_get_sale_finish (tiny, result, &error);
        check (sale != NULL, error);
        elapsed = now_ms () - t0;
        g_array_append_val (hop_samples, elapsed);
      }

    g_print ("Durable writes (synchronous=FULL), median of %d create + transition pairs, "
             "interleaved\n", N_WRITES);
    g_print ("  %-52s %7.2f ms\n", "on the big journal", big);
    g_print ("  %-52s %7.2f ms   ratio %.2f\n", "baseline: on a tiny, new journal", small,
             big / small);
    g_print ("  %-52s %7.3f ms\n", "baseline: SELECT 1 on the journal's connection",
             median (select_samples));
    g_print ("  %-52s %7.3f ms\n", "baseline: kp_journal_get_sale_async round trip",
             median (hop_samples));
  }

  g_clear_object (&tiny);
  g_clear_object (&journal);
  if (!keep)
    {
      const char * const suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *a = g_strconcat (path, suffixes[i], NULL);
          g_autofree char *b = g_strconcat (tiny_path, suffixes[i], NULL);

          g_unlink (a);
          g_unlink (b);
        }
      if (target_dir == NULL)
        g_rmdir (dir);
    }

  for (guint i = 0; i < gen.items->len; i++)
    {
      Item *item = &g_array_index (gen.items, Item, i);

      if (!item->tax_free)
        g_free ((char *) item->name);
    }
  g_array_unref (gen.items);
  g_rand_free (gen.rand);
  g_clear_pointer (&clock.now, g_date_time_unref);
  g_mutex_clear (&clock.mutex);
  g_free (target_dir);
  return 0;
}
