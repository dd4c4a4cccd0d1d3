/* kp-journal-search.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"
#include "kp-money.h"

/* History search, fast on a journal of a million sales.
 *
 * Each kind of match (order id, tid, amount, name) yields the ids of its
 * newest offset + limit matches through its own index; their union, newest
 * first, is the page. Ids grow with time, so a day is an id range
 * (looked up once in sales_by_day) that every kind can seek into; rows are
 * checked against the day when read, for a clock that went backwards.
 *
 * Names: search_names holds each distinct item or line name once, with a
 * trigram index (substrings of 3 characters or more; shorter ones scan the
 * names, which are few); sale_names maps a name to its sales. The sales of
 * the matching names are read newest first through growing id windows,
 * until the page is full. */

/* A prefix shared by more sales than this (the tid prefix "T") is searched
 * by scanning the newest sales instead of sorting all of them: with at
 * least this many, a page of matches is close. */
#define DENSE_PREFIX 10000

/* The first id window of the name search; each next one is 4 times wider. */
#define FIRST_WINDOW 4096

/* The largest code point, as UTF-8: text || MAX_CHAR bounds text's prefixes. */
#define MAX_CHAR "\xf4\x8f\xbf\xbf"

typedef struct
{
  const char *day;
  gint64      lo;
  gint64      hi;
  guint       n;
} Scope;

static int
compare_ids_descending (gconstpointer a,
                        gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

/* Sorts @ids newest first and drops repeats. */
static void
sort_unique (GArray *ids)
{
  guint kept = 0;

  g_array_sort (ids, compare_ids_descending);

  for (guint i = 0; i < ids->len; i++)
    {
      if (kept > 0 && g_array_index (ids, gint64, kept - 1) == g_array_index (ids, gint64, i))
        continue;
      g_array_index (ids, gint64, kept++) = g_array_index (ids, gint64, i);
    }

  g_array_set_size (ids, kept);
}

/* Appends the first column of every row of @stmt to @ids. */
static gboolean
collect_ids (sqlite3       *db,
             sqlite3_stmt  *stmt,
             GArray        *ids,
             GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not search the journal");

  return TRUE;
}

/* "4500", "4,500", "₩4,500", "4,500원": a whole number of KRW, at least 1. */
static gboolean
parse_amount (const char *text,
              gint64     *out_amount)
{
  gint64 value;

  if (!kp_money_parse (text, &value, NULL) || value < 1)
    return FALSE;

  *out_amount = value;
  return TRUE;
}

/* An attempt that could not start and was charged again is shown with the new
 * attempt, not as a sale of its own; a search still finds it. */
#define NOT_RETRIED \
  "NOT EXISTS (SELECT 1 FROM sales r WHERE r.retry_of = sales.partner_order_id)"

/* The sales of the scope, newest first: the history's list of a day. */
static gboolean
search_all (sqlite3       *db,
            const Scope   *scope,
            GArray        *ids,
            GError       **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (scope->day != NULL)
    {
      stmt = _kp_journal_prepare (db,
                                  "SELECT id FROM sales WHERE created_day = ?1 "
                                  "AND " NOT_RETRIED " ORDER BY id DESC LIMIT ?2",
                                  error);
      if (stmt == NULL)
        return FALSE;
      _kp_journal_bind_text (stmt, 1, scope->day);
    }
  else
    {
      stmt = _kp_journal_prepare (db,
                                  "SELECT id FROM sales WHERE " NOT_RETRIED " "
                                  "ORDER BY id DESC LIMIT ?2",
                                  error);
      if (stmt == NULL)
        return FALSE;
    }

  sqlite3_bind_int64 (stmt, 2, scope->n);
  return collect_ids (db, stmt, ids, error);
}

/* Order ids (as typed) or tids (ASCII case ignored) equal to or starting
 * with @text. The SQL of each column, in the order of @sql's indices: count
 * the prefix's sales up to a bound, read them all, scan the newest. */
static gboolean
search_prefix (sqlite3            *db,
               const char * const *sql,
               const Scope        *scope,
               const char         *text,
               GArray             *ids,
               GError            **error)
{
  g_autoptr (sqlite3_stmt) count = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) found = NULL;
  g_autofree char *upper = g_strconcat (text, MAX_CHAR, NULL);
  gint64 n_matches;

  count = _kp_journal_prepare (db, sql[0], error);
  if (count == NULL)
    return FALSE;

  _kp_journal_bind_text (count, 1, text);
  _kp_journal_bind_text (count, 2, upper);
  sqlite3_bind_int64 (count, 3, DENSE_PREFIX + 1);
  if (!_kp_journal_query_int64 (db, count, &n_matches, error))
    return FALSE;

  if (n_matches == 0)
    return TRUE;

  stmt = _kp_journal_prepare (db, n_matches <= DENSE_PREFIX ? sql[1] : sql[2], error);
  if (stmt == NULL)
    return FALSE;

  _kp_journal_bind_text (stmt, 1, text);
  _kp_journal_bind_text (stmt, 2, upper);
  sqlite3_bind_int64 (stmt, 3, scope->lo);
  sqlite3_bind_int64 (stmt, 4, scope->hi);
  sqlite3_bind_int64 (stmt, 5, scope->n);

  found = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!collect_ids (db, stmt, found, error))
    return FALSE;

  sort_unique (found);
  g_array_append_vals (ids, found->data, MIN (found->len, scope->n));
  return TRUE;
}

static const char * const order_id_sql[] = {
  "SELECT count (*) FROM (SELECT 1 FROM sales "
  "WHERE partner_order_id >= ?1 AND partner_order_id < ?2 LIMIT ?3)",

  "SELECT id FROM sales WHERE partner_order_id >= ?1 AND partner_order_id < ?2 "
  "AND +id BETWEEN ?3 AND ?4",

  "SELECT id FROM sales WHERE id BETWEEN ?3 AND ?4 "
  "AND +partner_order_id >= ?1 AND +partner_order_id < ?2 ORDER BY id DESC LIMIT ?5",
};

static const char * const tid_sql[] = {
  "SELECT count (*) FROM (SELECT 1 FROM sales "
  "WHERE tid >= ?1 COLLATE NOCASE AND tid < ?2 COLLATE NOCASE LIMIT ?3)",

  "SELECT id FROM sales WHERE tid >= ?1 COLLATE NOCASE AND tid < ?2 COLLATE NOCASE "
  "AND +id BETWEEN ?3 AND ?4",

  "SELECT id FROM sales WHERE id BETWEEN ?3 AND ?4 "
  "AND +tid >= ?1 COLLATE NOCASE AND +tid < ?2 COLLATE NOCASE ORDER BY id DESC LIMIT ?5",
};

static gboolean
search_amount (sqlite3      *db,
               const Scope  *scope,
               gint64        amount,
               GArray       *ids,
               GError      **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  /* sales_by_amount holds the rowid after the amount: no sort. */
  stmt = _kp_journal_prepare (db,
                              "SELECT id FROM sales WHERE total_amount = ?1 "
                              "AND id BETWEEN ?2 AND ?3 ORDER BY id DESC LIMIT ?4",
                              error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, amount);
  sqlite3_bind_int64 (stmt, 2, scope->lo);
  sqlite3_bind_int64 (stmt, 3, scope->hi);
  sqlite3_bind_int64 (stmt, 4, scope->n);

  return collect_ids (db, stmt, ids, error);
}

/* The name search's text as the query of its index: an FTS5 phrase of
 * trigrams for 3 characters or more, a LIKE pattern below. */
static char *
name_pattern (const char *text,
              gboolean    trigram)
{
  GString *pattern = g_string_new (trigram ? "\"" : "%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (trigram && *p == '"')
        g_string_append_c (pattern, '"');
      else if (!trigram && (*p == '%' || *p == '_' || *p == '\\'))
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }

  g_string_append_c (pattern, trigram ? '"' : '%');
  return g_string_free (pattern, FALSE);
}

#define NAMES_BY_TRIGRAM \
  "(SELECT rowid FROM search_names_fts WHERE search_names_fts MATCH ?1)"
#define NAMES_BY_LIKE \
  "(SELECT id FROM search_names WHERE name LIKE ?1 ESCAPE '\\')"

static gboolean
search_names (sqlite3      *db,
              const Scope  *scope,
              const char   *text,
              GArray       *ids,
              GError      **error)
{
  g_autoptr (sqlite3_stmt) any = NULL;
  g_autoptr (sqlite3_stmt) window = NULL;
  g_autoptr (GArray) found = NULL;
  g_autofree char *pattern = NULL;
  gboolean trigram = g_utf8_strlen (text, -1) >= 3;
  gint64 n_names;
  gint64 top = scope->hi;
  gint64 size = FIRST_WINDOW;
  guint n_found = 0;

  pattern = name_pattern (text, trigram);

  any = _kp_journal_prepare (db,
                             trigram ?
                             "SELECT count (*) FROM " NAMES_BY_TRIGRAM :
                             "SELECT count (*) FROM " NAMES_BY_LIKE,
                             error);
  if (any == NULL)
    return FALSE;

  _kp_journal_bind_text (any, 1, pattern);
  if (!_kp_journal_query_int64 (db, any, &n_names, error))
    return FALSE;
  if (n_names == 0)
    return TRUE;

  window = _kp_journal_prepare (db,
                                trigram ?
                                "SELECT DISTINCT sale_id FROM sale_names "
                                "WHERE name_id IN " NAMES_BY_TRIGRAM " "
                                "AND sale_id BETWEEN ?2 AND ?3" :
                                "SELECT DISTINCT sale_id FROM sale_names "
                                "WHERE name_id IN " NAMES_BY_LIKE " "
                                "AND sale_id BETWEEN ?2 AND ?3",
                                error);
  if (window == NULL)
    return FALSE;

  found = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Newest windows first; each one's ids are all older than the last's. */
  while (top >= scope->lo && n_found < scope->n)
    {
      gint64 bottom = top - size + 1 < scope->lo ? scope->lo : top - size + 1;

      g_array_set_size (found, 0);
      _kp_journal_bind_text (window, 1, pattern);
      sqlite3_bind_int64 (window, 2, bottom);
      sqlite3_bind_int64 (window, 3, top);
      if (!collect_ids (db, window, found, error))
        return FALSE;

      sort_unique (found);
      g_array_append_vals (ids, found->data, MIN (found->len, scope->n - n_found));
      n_found += MIN (found->len, scope->n - n_found);

      if (bottom == scope->lo)
        break;
      top = bottom - 1;
      size = size > G_MAXINT64 / 4 ? G_MAXINT64 : size * 4;
    }

  return TRUE;
}

/* The id range of @day's sales, or of the whole journal; FALSE in
 * *out_any when there is none. */
static gboolean
read_scope (sqlite3   *db,
            Scope     *scope,
            gboolean  *out_any,
            GError   **error)
{
  g_autoptr (sqlite3_stmt) first = NULL;
  g_autoptr (sqlite3_stmt) last = NULL;

  first = _kp_journal_prepare (db,
                               scope->day != NULL ?
                               "SELECT id FROM sales WHERE created_day = ?1 "
                               "ORDER BY id LIMIT 1" :
                               "SELECT id FROM sales ORDER BY id LIMIT 1",
                               error);
  last = first == NULL ? NULL :
         _kp_journal_prepare (db,
                              scope->day != NULL ?
                              "SELECT id FROM sales WHERE created_day = ?1 "
                              "ORDER BY id DESC LIMIT 1" :
                              "SELECT id FROM sales ORDER BY id DESC LIMIT 1",
                              error);
  if (last == NULL)
    return FALSE;

  if (scope->day != NULL)
    {
      _kp_journal_bind_text (first, 1, scope->day);
      _kp_journal_bind_text (last, 1, scope->day);
    }

  switch (sqlite3_step (first))
    {
    case SQLITE_ROW:
      break;

    case SQLITE_DONE:
      *out_any = FALSE;
      return TRUE;

    default:
      return _kp_journal_set_sqlite_error (error, db, "Could not search the journal");
    }

  if (sqlite3_step (last) != SQLITE_ROW)
    return _kp_journal_set_sqlite_error (error, db, "Could not search the journal");

  scope->lo = sqlite3_column_int64 (first, 0);
  scope->hi = sqlite3_column_int64 (last, 0);
  *out_any = TRUE;
  return TRUE;
}

/* The page: @ids newest first, read without their lines, checked against
 * the day, after @offset of them (only checked: a deep page reads no more
 * than it shows). */
static GPtrArray *
read_page (sqlite3       *db,
           GArray        *ids,
           const char    *day,
           guint          offset,
           guint          limit,
           GError       **error)
{
  g_autoptr (sqlite3_stmt) check = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) sales = NULL;
  guint skipped = 0;

  check = _kp_journal_prepare (db, "SELECT created_day FROM sales WHERE id = ?1", error);
  stmt = check == NULL ? NULL :
         _kp_journal_prepare (db,
                              "SELECT " KP_JOURNAL_SALE_COLUMNS ", created_day "
                              "FROM sales WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;

  sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);
  sort_unique (ids);

  for (guint i = 0; i < ids->len && sales->len < limit; i++)
    {
      sqlite3_stmt *read = skipped < offset ? check : stmt;
      int day_column = skipped < offset ? 0 : 23;
      int rc;

      sqlite3_bind_int64 (read, 1, g_array_index (ids, gint64, i));
      rc = sqlite3_step (read);

      if (rc == SQLITE_ROW &&
          (day == NULL ||
           g_strcmp0 (day, (const char *) sqlite3_column_text (read, day_column)) == 0))
        {
          if (skipped < offset)
            skipped++;
          else
            g_ptr_array_add (sales, _kp_journal_sale_from_row (read));
        }
      else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not read a sale found");
          sqlite3_reset (read);
          return NULL;
        }

      sqlite3_reset (read);
    }

  return g_steal_pointer (&sales);
}

static gpointer
search (sqlite3        *db,
        gconstpointer   data,
        GDateTime      *now,
        GError        **error)
{
  const KpJournalQuery *query = data;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *day = query->day != NULL ? _kp_journal_format_day (query->day) : NULL;
  g_autofree char *text = g_strstrip (g_strdup (query->text != NULL ? query->text : ""));
  guint limit = query->limit != 0 ? query->limit : KP_JOURNAL_QUERY_DEFAULT_LIMIT;
  Scope scope = { day, 0, 0, 0 };
  gboolean any = FALSE;
  gint64 amount;

  scope.n = (query->offset > G_MAXUINT - limit) ? G_MAXUINT : query->offset + limit;

  if (!read_scope (db, &scope, &any, error))
    return NULL;
  if (!any)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);

  if (*text == '\0')
    {
      if (!search_all (db, &scope, ids, error))
        return NULL;
    }
  else
    {
      if (!search_prefix (db, order_id_sql, &scope, text, ids, error) ||
          !search_prefix (db, tid_sql, &scope, text, ids, error) ||
          (parse_amount (text, &amount) && !search_amount (db, &scope, amount, ids, error)) ||
          !search_names (db, &scope, text, ids, error))
        return NULL;
    }

  return read_page (db, ids, day, query->offset, limit, error);
}

static gboolean
check_query (gconstpointer   data,
             GDateTime      *now,
             GError        **error)
{
  const KpJournalQuery *query = data;

  if (query->day != NULL && !g_date_valid (query->day))
    return _kp_journal_set_invalid (error, "The search's day is not a valid date");
  if (query->text != NULL && !g_utf8_validate (query->text, -1, NULL))
    return _kp_journal_set_invalid (error, "The search's text is not valid UTF-8");

  return TRUE;
}

static const KpJournalOp search_op = {
  .kind = KP_JOURNAL_OP_SNAPSHOT,
  .check = check_query,
  .run = search,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

/* Public API */

/**
 * kp_journal_search_sync:
 * @self: a journal
 * @query: what to look for (#KpJournalQuery says what matches)
 * @error: return location for a #GError
 *
 * Searches the history. Blocks: for tools and tests; the history view uses
 * kp_journal_search_async().
 *
 * Returns: (transfer full) (element-type KpJournalSale): the page of
 *   matching sales, newest first, without their lines (an empty array of
 *   lines each), or %NULL with @error set
 */
GPtrArray *
kp_journal_search_sync (KpJournal             *self,
                        const KpJournalQuery  *query,
                        GError               **error)
{
  g_return_val_if_fail (query != NULL, NULL);

  return _kp_journal_execute (self, &search_op, query, NULL, error);
}

/**
 * kp_journal_search_async:
 * @self: a journal
 * @query: what to look for; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_search_sync() in a worker thread.
 */
void
kp_journal_search_async (KpJournal             *self,
                         const KpJournalQuery  *query,
                         GCancellable          *cancellable,
                         GAsyncReadyCallback    callback,
                         gpointer               user_data)
{
  g_return_if_fail (query != NULL);

  _kp_journal_run (self, kp_journal_search_async, &search_op,
                   kp_journal_query_copy (query), (GDestroyNotify) kp_journal_query_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_search_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type KpJournalSale): as
 *   kp_journal_search_sync()
 */
GPtrArray *
kp_journal_search_finish (KpJournal     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_search_async, error);
}
