/* kp-journal-days.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-journal.h"
#include "kp-journal-private.h"

/* Days: closing a day (the Z report), and keeping a closed day from
 * changing silently. The report itself is computed in kp-journal-reports.c.
 *
 * A day's rows are the sales created that day with their lines, and the
 * refunds asked for or completed that day. At closing, the journal stores
 * the report and the SHA-256 of a canonical dump of those rows. Triggers
 * (kp-journal-schema-3.sql) record every later change to them in
 * amendments, whoever makes it; the journal claims the ones its own writes
 * cause and seals the day's new hash after each. A change made outside the
 * journal is thus either recorded as such, or (triggers dropped) seen as a
 * hash that no longer matches the seal. */

/* The dump's format version; a change to what is hashed is a new one. */
#define HASH_HEADER "kp-journal day hash 1\n"

static const char * const hash_queries[] = {
  "SELECT id, partner_order_id, partner_user_id, terminal_id, cid, dialect, state, item_name, "
  "quantity, total_amount, tax_free_amount, vat_amount, tid, aid, pg_token, nonce, "
  "payment_method_type, card_info, created_at, updated_at, approved_at, expires_at, "
  "refunded_amount, created_day "
  "FROM sales WHERE created_day = ?1 ORDER BY id",

  /* The day's sales first, then their lines: never all the lines. */
  "SELECT l.sale_id, l.position, l.name, l.quantity, l.unit_price, l.tax_free, l.amount "
  "FROM sales s CROSS JOIN sale_lines l ON l.sale_id = s.id "
  "WHERE s.created_day = ?1 ORDER BY s.id, l.position",

  "SELECT id, sale_id, seq, refund_id, state, cancel_amount, cancel_tax_free_amount, "
  "cancel_vat_amount, cancel_available_amount, lines_json, aid, created_at, created_day, "
  "completed_at, completed_day, canceled_at, detail "
  "FROM refunds WHERE created_day = ?1 OR completed_day = ?1 ORDER BY id",
};

typedef struct
{
  GDate  day;
  char  *terminal_id;
} CloseData;

static void
close_data_free (CloseData *data)
{
  g_free (data->terminal_id);
  g_free (data);
}

/* Appends one value so that no two different rows dump the same: a type
 * letter, then a fixed-size number or a length and the bytes. Through
 * sqlite3_value, which, unlike sqlite3_column_*, does not take the
 * connection's mutex on every call. */
static void
dump_value (GByteArray    *dump,
            sqlite3_value *value)
{
  guint8 tag;

  switch (sqlite3_value_type (value))
    {
    case SQLITE_NULL:
      tag = 'N';
      g_byte_array_append (dump, &tag, 1);
      break;

    case SQLITE_INTEGER:
      {
        guint64 number = GUINT64_TO_LE ((guint64) sqlite3_value_int64 (value));

        tag = 'I';
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &number, sizeof number);
      }
      break;

    case SQLITE_FLOAT:
      {
        double real = sqlite3_value_double (value);
        guint64 bits;

        memcpy (&bits, &real, sizeof bits);
        bits = GUINT64_TO_LE (bits);
        tag = 'F';
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &bits, sizeof bits);
      }
      break;

    default:
      {
        const guint8 *bytes;
        guint32 length;

        tag = sqlite3_value_type (value) == SQLITE_TEXT ? 'T' : 'B';
        bytes = sqlite3_value_blob (value);
        length = GUINT32_TO_LE ((guint32) sqlite3_value_bytes (value));
        g_byte_array_append (dump, &tag, 1);
        g_byte_array_append (dump, (const guint8 *) &length, sizeof length);
        if (bytes != NULL)
          g_byte_array_append (dump, bytes, GUINT32_FROM_LE (length));
      }
      break;
    }
}

/* "sha256:" and the hex digest of the rows of @day ("2026-11-25"), read
 * in one transaction (one snapshot). */
static char *
day_hash (sqlite3     *db,
          const char  *day,
          GError     **error)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GByteArray) dump = g_byte_array_sized_new (64 * 1024);

  g_checksum_update (checksum, (const guchar *) HASH_HEADER, -1);
  g_checksum_update (checksum, (const guchar *) day, -1);

  for (guint i = 0; i < G_N_ELEMENTS (hash_queries); i++)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      int n_columns;
      int rc;

      stmt = _kp_journal_prepare (db, hash_queries[i], error);
      if (stmt == NULL)
        return NULL;

      _kp_journal_bind_text (stmt, 1, day);
      n_columns = sqlite3_column_count (stmt);
      g_byte_array_append (dump, (const guint8 *) "#", 1);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          for (int column = 0; column < n_columns; column++)
            dump_value (dump, sqlite3_column_value (stmt, column));
          g_byte_array_append (dump, (const guint8 *) "\n", 1);

          if (dump->len >= 60 * 1024)
            {
              g_checksum_update (checksum, dump->data, dump->len);
              g_byte_array_set_size (dump, 0);
            }
        }

      if (rc != SQLITE_DONE)
        {
          _kp_journal_set_sqlite_error (error, db, "Could not read the day's rows");
          return NULL;
        }
    }

  g_checksum_update (checksum, dump->data, dump->len);
  return g_strconcat ("sha256:", g_checksum_get_string (checksum), NULL);
}

/* The hash last sealed for a closed @day: after the journal's latest
 * amendment, or at closing. NULL (no error) if the day is not closed. */
static gboolean
read_seal (sqlite3     *db,
           const char  *day,
           char       **out_seal,
           GError     **error)
{
  g_autoptr (KpJournalCachedStmt) stmt = NULL;

  stmt = _kp_journal_prepare_cached (db,
                                     "SELECT coalesce ((SELECT hash FROM amendments "
                                     "                  WHERE day = ?1 AND hash IS NOT NULL "
                                     "                  ORDER BY id DESC LIMIT 1), hash) "
                                     "FROM day_closes WHERE day = ?1",
                                     error);
  if (stmt == NULL)
    return FALSE;

  _kp_journal_bind_text (stmt, 1, day);

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      *out_seal = _kp_journal_dup_column_text (stmt, 0);
      return TRUE;

    case SQLITE_DONE:
      *out_seal = NULL;
      return TRUE;

    default:
      return _kp_journal_set_sqlite_error (error, db, "Could not read the day's close");
    }
}

gboolean
_kp_journal_amend_begin (sqlite3            *db,
                         const char * const *days,
                         guint               n_days,
                         const char         *now_text,
                         gint64             *out_mark,
                         GError            **error)
{
  g_autoptr (KpJournalCachedStmt) max_id = NULL;

  for (guint i = 0; i < n_days; i++)
    {
      g_autoptr (sqlite3_stmt) insert = NULL;
      g_autofree char *seal = NULL;
      g_autofree char *actual = NULL;
      g_autofree char *what = NULL;
      gboolean seen = FALSE;

      if (days[i] == NULL)
        continue;
      for (guint j = 0; j < i; j++)
        seen = seen || g_strcmp0 (days[i], days[j]) == 0;
      if (seen)
        continue;

      if (!read_seal (db, days[i], &seal, error))
        return FALSE;
      if (seal == NULL)
        continue;

      actual = day_hash (db, days[i], error);
      if (actual == NULL)
        return FALSE;
      if (g_str_equal (seal, actual))
        continue;

      /* Sealing again would hide it: say so first, as a change not made by
       * the journal. */
      g_warning ("The rows of the closed day %s changed outside the journal", days[i]);
      what = g_strdup_printf ("The day's rows changed outside the journal: sealed %s, found %s",
                              seal, actual);
      insert = _kp_journal_prepare (db,
                                    "INSERT INTO amendments (day, what, at, by_journal) "
                                    "VALUES (?1, ?2, ?3, 0)",
                                    error);
      if (insert == NULL)
        return FALSE;

      _kp_journal_bind_text (insert, 1, days[i]);
      _kp_journal_bind_text (insert, 2, what);
      _kp_journal_bind_text (insert, 3, now_text);
      if (!_kp_journal_step_done (db, insert, "Could not record an amendment", error))
        return FALSE;
    }

  max_id = _kp_journal_prepare_cached (db, "SELECT coalesce (max (id), 0) FROM amendments",
                                       error);
  if (max_id == NULL)
    return FALSE;

  return _kp_journal_query_int64 (db, max_id, out_mark, error);
}

gboolean
_kp_journal_amend_end (sqlite3     *db,
                       gint64       mark,
                       const char  *now_text,
                       GError     **error)
{
  g_autoptr (KpJournalCachedStmt) days = NULL;
  g_autoptr (sqlite3_stmt) claim = NULL;
  g_autoptr (sqlite3_stmt) seal = NULL;
  g_autoptr (GPtrArray) touched = g_ptr_array_new_with_free_func (g_free);
  int rc;

  days = _kp_journal_prepare_cached (db, "SELECT DISTINCT day FROM amendments WHERE id > ?1",
                                     error);
  if (days == NULL)
    return FALSE;

  sqlite3_bind_int64 (days, 1, mark);
  while ((rc = sqlite3_step (days)) == SQLITE_ROW)
    g_ptr_array_add (touched, _kp_journal_dup_column_text (days, 0));
  if (rc != SQLITE_DONE)
    return _kp_journal_set_sqlite_error (error, db, "Could not read the new amendments");

  /* The common case: no closed day was touched. */
  if (touched->len == 0)
    return TRUE;

  claim = _kp_journal_prepare (db,
                               "UPDATE amendments SET by_journal = 1, at = ?2 "
                               "WHERE id > ?1 AND by_journal = 0",
                               error);
  seal = claim == NULL ? NULL :
         _kp_journal_prepare (db,
                              "UPDATE amendments SET hash = ?1 "
                              "WHERE id = (SELECT max (id) FROM amendments "
                              "            WHERE day = ?2 AND id > ?3)",
                              error);
  if (seal == NULL)
    return FALSE;

  sqlite3_bind_int64 (claim, 1, mark);
  _kp_journal_bind_text (claim, 2, now_text);
  if (!_kp_journal_step_done (db, claim, "Could not record an amendment", error))
    return FALSE;

  for (guint i = 0; i < touched->len; i++)
    {
      const char *day = g_ptr_array_index (touched, i);
      g_autofree char *hash = day_hash (db, day, error);

      if (hash == NULL)
        return FALSE;

      _kp_journal_bind_text (seal, 1, hash);
      _kp_journal_bind_text (seal, 2, day);
      sqlite3_bind_int64 (seal, 3, mark);
      if (!_kp_journal_step_done (db, seal, "Could not seal an amended day", error))
        return FALSE;

      g_debug ("Closed day %s amended", day);
    }

  return TRUE;
}

static KpJournalDayReport *
close_day_in_transaction (sqlite3          *db,
                          const CloseData  *input,
                          GDateTime        *now,
                          GError          **error)
{
  g_autoptr (sqlite3_stmt) exists = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autofree char *day = _kp_journal_format_day (&input->day);
  g_autofree char *now_text = _kp_journal_format_time (now);
  g_autofree char *json = NULL;
  g_autofree char *hash = NULL;

  exists = _kp_journal_prepare (db, "SELECT closed_at FROM day_closes WHERE day = ?1", error);
  if (exists == NULL)
    return NULL;

  _kp_journal_bind_text (exists, 1, day);
  switch (sqlite3_step (exists))
    {
    case SQLITE_DONE:
      break;

    case SQLITE_ROW:
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_STATE_CONFLICT,
                   "The day %s was closed already, at %s", day,
                   (const char *) sqlite3_column_text (exists, 0));
      return NULL;

    default:
      _kp_journal_set_sqlite_error (error, db, "Could not read the day's close");
      return NULL;
    }

  report = _kp_journal_build_report (db, &input->day, now_text, error);
  hash = report == NULL ? NULL : day_hash (db, day, error);
  if (hash == NULL)
    return NULL;

  json = _kp_journal_report_to_json (report);

  insert = _kp_journal_prepare (db,
                                "INSERT INTO day_closes (day, closed_at, terminal_id, report, "
                                "hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                                error);
  if (insert == NULL)
    return NULL;

  _kp_journal_bind_text (insert, 1, day);
  _kp_journal_bind_text (insert, 2, now_text);
  _kp_journal_bind_text (insert, 3, input->terminal_id);
  _kp_journal_bind_text (insert, 4, json);
  _kp_journal_bind_text (insert, 5, hash);
  if (!_kp_journal_step_done (db, insert, "Could not close the day", error))
    return NULL;

  report->closed = TRUE;
  report->closed_at = _kp_journal_parse_time (now_text);
  report->closed_by = g_strdup (input->terminal_id);
  report->hash = g_steal_pointer (&hash);

  return g_steal_pointer (&report);
}

static gboolean
check_close_day (gconstpointer   data,
                 GDateTime      *now,
                 GError        **error)
{
  const CloseData *input = data;
  g_autofree char *today = NULL;
  g_autofree char *day = NULL;

  if (!_kp_journal_check_day (&input->day, now, error))
    return FALSE;

  if (input->terminal_id == NULL || *input->terminal_id == '\0' ||
      !g_utf8_validate (input->terminal_id, -1, NULL))
    return _kp_journal_set_invalid (error, "A day is closed by a terminal: its id is missing");

  /* A day still to come would only collect amendments. */
  today = _kp_journal_day_of (now);
  day = _kp_journal_format_day (&input->day);
  if (strcmp (day, today) > 0)
    return _kp_journal_set_invalid (error, "The day %s has not come yet (today is %s)", day,
                                    today);

  return TRUE;
}

static gpointer
close_day (sqlite3        *db,
           gconstpointer   data,
           GDateTime      *now,
           GError        **error)
{
  const CloseData *input = data;
  KpJournalDayReport *report = close_day_in_transaction (db, input, now, error);

  if (report != NULL)
    {
      g_autofree char *day = _kp_journal_format_day (&input->day);

      g_debug ("Closed the day %s", day);
    }
  return report;
}

static const KpJournalOp close_day_op = {
  .kind = KP_JOURNAL_OP_WRITE,
  .check = check_close_day,
  .run = close_day,
  .result_free = (GDestroyNotify) kp_journal_day_report_free,
};

static KpJournalDayCheck *
verify_day_in_transaction (sqlite3      *db,
                           const GDate  *day,
                           GError      **error)
{
  g_autoptr (sqlite3_stmt) counts = NULL;
  g_autoptr (KpJournalDayCheck) check = g_new0 (KpJournalDayCheck, 1);
  g_autofree char *day_text = _kp_journal_format_day (day);

  check->day = *day;

  if (!read_seal (db, day_text, &check->sealed_hash, error))
    return NULL;
  if (check->sealed_hash == NULL)
    {
      g_set_error (error, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                   "The day %s is not closed", day_text);
      return NULL;
    }

  check->actual_hash = day_hash (db, day_text, error);
  if (check->actual_hash == NULL)
    return NULL;

  counts = _kp_journal_prepare (db,
                                "SELECT count (*), count (*) FILTER (WHERE by_journal = 0) "
                                "FROM amendments WHERE day = ?1",
                                error);
  if (counts == NULL)
    return NULL;

  _kp_journal_bind_text (counts, 1, day_text);
  if (sqlite3_step (counts) != SQLITE_ROW)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not count the day's amendments");
      return NULL;
    }

  check->n_amendments = sqlite3_column_int (counts, 0);
  check->n_outside = sqlite3_column_int (counts, 1);
  check->intact = g_str_equal (check->sealed_hash, check->actual_hash) && check->n_outside == 0;

  return g_steal_pointer (&check);
}

static gpointer
verify_day (sqlite3        *db,
            gconstpointer   data,
            GDateTime      *now,
            GError        **error)
{
  return verify_day_in_transaction (db, data, error);
}

static const KpJournalOp verify_day_op = {
  .kind = KP_JOURNAL_OP_SNAPSHOT,
  .check = _kp_journal_check_day,
  .run = verify_day,
  .result_free = (GDestroyNotify) kp_journal_day_check_free,
};

/* Public API */

/**
 * kp_journal_close_day_sync:
 * @self: a journal
 * @day: a valid local date, today or before
 * @terminal_id: the terminal that closes it
 * @error: return location for a #GError
 *
 * Closes @day: stores its report (the Z report) and the hash of its rows,
 * in one transaction. From then on every change to the day's rows is
 * recorded as an amendment (a sale of the day may still be refunded; the
 * refund counts on the day it completes) and kp_journal_verify_day_async()
 * tells whether the rows changed behind the journal's back. Unfinished
 * sales do not prevent closing; they are in the report. Blocks.
 *
 * Fails, writing nothing, with %KP_JOURNAL_ERROR_STATE_CONFLICT if the day
 * was closed already, or %KP_JOURNAL_ERROR_INVALID for a day after today.
 *
 * Returns: (transfer full): the report as closed, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_close_day_sync (KpJournal    *self,
                           const GDate  *day,
                           const char   *terminal_id,
                           GError      **error)
{
  CloseData input = { { 0 }, NULL };

  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  input.day = *day;
  input.terminal_id = (char *) terminal_id;

  return _kp_journal_execute (self, &close_day_op, &input, NULL, error);
}

/**
 * kp_journal_close_day_async:
 * @self: a journal
 * @day: a valid local date, today or before; copied
 * @terminal_id: the terminal that closes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_close_day_sync() in a worker thread.
 */
void
kp_journal_close_day_async (KpJournal           *self,
                            const GDate         *day,
                            const char          *terminal_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  CloseData *data;

  g_return_if_fail (day != NULL && g_date_valid (day));

  data = g_new0 (CloseData, 1);
  data->day = *day;
  data->terminal_id = g_strdup (terminal_id);

  _kp_journal_run (self, kp_journal_close_day_async, &close_day_op,
                   data, (GDestroyNotify) close_data_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_close_day_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the report as closed, or %NULL with @error set
 */
KpJournalDayReport *
kp_journal_close_day_finish (KpJournal     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_close_day_async, error);
}

/**
 * kp_journal_verify_day_sync:
 * @self: a journal
 * @day: a closed day
 * @error: return location for a #GError
 *
 * Hashes the rows of a closed day again and compares with the seal. The
 * check is not intact if they differ or if any amendment of the day was
 * made outside the journal. Blocks.
 *
 * Returns: (transfer full): the outcome, or %NULL with @error set
 *   (%KP_JOURNAL_ERROR_NOT_FOUND if the day is not closed)
 */
KpJournalDayCheck *
kp_journal_verify_day_sync (KpJournal    *self,
                            const GDate  *day,
                            GError      **error)
{
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  return _kp_journal_execute (self, &verify_day_op, day, NULL, error);
}

/**
 * kp_journal_verify_day_async:
 * @self: a journal
 * @day: a closed day; copied
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: data for @callback
 *
 * kp_journal_verify_day_sync() in a worker thread.
 */
void
kp_journal_verify_day_async (KpJournal           *self,
                             const GDate         *day,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (day != NULL && g_date_valid (day));

  _kp_journal_run (self, kp_journal_verify_day_async, &verify_day_op,
                   g_date_copy (day), (GDestroyNotify) g_date_free,
                   cancellable, callback, user_data);
}

/**
 * kp_journal_verify_day_finish:
 * @self: a journal
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the outcome, or %NULL with @error set
 */
KpJournalDayCheck *
kp_journal_verify_day_finish (KpJournal     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return _kp_journal_finish (self, result, kp_journal_verify_day_async, error);
}
