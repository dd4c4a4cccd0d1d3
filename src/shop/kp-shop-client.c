/* kp-shop-client.c: questions about the whole shop, asked of its database
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-shop"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-shop-client.h"
#include "kp-shop-db.h"

/**
 * KpShopClient:
 *
 * The shop-wide history and day report, from the shop database the
 * terminals replicate to (KpShopReplicator). Each call runs in a worker
 * thread on a connection of its own, opened for it: these are occasional
 * questions, and no connection is left to go stale.
 *
 * The figures are the journal's (kp-journal-reports.c), computed the same
 * way from the replicated rows, terminal by terminal, the total being
 * their sum.
 */

struct _KpShopClient
{
  GObject  parent_instance;

  char    *conninfo;
  char    *password;
};

G_DEFINE_FINAL_TYPE (KpShopClient, kp_shop_client, G_TYPE_OBJECT)

typedef struct
{
  char    *conninfo;
  char    *password;
  GDate    day;
  gboolean has_day;
  char    *text;
  guint    offset;
  guint    limit;
  char    *closed_by;
} Job;

static void
job_free (Job *job)
{
  g_free (job->conninfo);
  if (job->password != NULL)
    memset (job->password, 0, strlen (job->password));
  g_free (job->password);
  g_free (job->text);
  g_free (job->closed_by);
  g_free (job);
}

static Job *
job_new (KpShopClient *self,
         const GDate  *day)
{
  Job *job = g_new0 (Job, 1);

  job->conninfo = g_strdup (self->conninfo);
  job->password = g_strdup (self->password);
  if (day != NULL)
    {
      job->day = *day;
      job->has_day = TRUE;
    }
  return job;
}

static char *
format_day (const GDate *day)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (day), g_date_get_month (day),
                          g_date_get_day (day));
}

static GDateTime *
column_time (PGresult *result,
             int       row,
             int       column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_date_time_new_from_iso8601 (PQgetvalue (result, row, column), NULL);
}

static char *
column_text (PGresult *result,
             int       row,
             int       column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strdup (PQgetvalue (result, row, column));
}

static gint64
column_int (PGresult *result,
            int       row,
            int       column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/* History search */

/* The text for LIKE, its wildcards taken literally. */
static char *
escape_like (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* "4500", "4,500", "₩4,500", "4,500원" as digits; NULL if @text is not an amount. */
static char *
amount_of (const char *text)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  const char *p = text;

  if (g_str_has_prefix (p, "₩"))
    p += strlen ("₩");
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p == ',')
        continue;
      else if (g_str_equal (p, "원"))
        break;
      else
        return NULL;
    }
  return digits->len > 0 && digits->len < 16 ? g_string_free (g_steal_pointer (&digits), FALSE)
                                             : NULL;
}

#define SEARCH_SQL \
  "SELECT terminal_id, partner_order_id, partner_user_id, cid, dialect, state, item_name, " \
  "quantity, total_amount, tax_free_amount, vat_amount, tid, aid, payment_method_type, " \
  "card_info::text, to_json (created_at) #>> '{}', to_json (updated_at) #>> '{}', " \
  "to_json (approved_at) #>> '{}', to_json (expires_at) #>> '{}', refunded_amount " \
  "FROM sales s " \
  "WHERE ($1::date IS NULL OR created_day = $1::date) " \
  "AND ($2::text IS NULL " \
  "  OR partner_order_id LIKE $2 || '%' " \
  "  OR lower (tid) LIKE lower ($2) || '%' " \
  "  OR item_name ILIKE '%' || $2 || '%' " \
  "  OR EXISTS (SELECT 1 FROM sale_lines l WHERE l.terminal_id = s.terminal_id " \
  "             AND l.partner_order_id = s.partner_order_id " \
  "             AND l.name ILIKE '%' || $2 || '%') " \
  "  OR total_amount = $3::bigint) " \
  "ORDER BY created_at DESC, terminal_id, partner_order_id " \
  "OFFSET $4::bigint LIMIT $5::bigint"

static KpJournalSale *
sale_from_row (PGresult *result,
               int       row)
{
  KpJournalSale *sale = g_new0 (KpJournalSale, 1);
  g_autofree char *state = column_text (result, row, 5);

  sale->terminal_id = column_text (result, row, 0);
  sale->partner_order_id = column_text (result, row, 1);
  sale->partner_user_id = column_text (result, row, 2);
  sale->cid = column_text (result, row, 3);
  sale->dialect = column_text (result, row, 4);
  if (state == NULL || !kp_sale_state_from_string (state, &sale->state))
    sale->state = KP_SALE_STATE_NONE;
  sale->item_name = column_text (result, row, 6);
  sale->quantity = column_int (result, row, 7);
  sale->total_amount = column_int (result, row, 8);
  sale->tax_free_amount = column_int (result, row, 9);
  sale->vat_amount = column_int (result, row, 10);
  sale->tid = column_text (result, row, 11);
  sale->aid = column_text (result, row, 12);
  sale->payment_method_type = column_text (result, row, 13);
  sale->card_info_json = column_text (result, row, 14);
  sale->created_at = column_time (result, row, 15);
  sale->updated_at = column_time (result, row, 16);
  sale->approved_at = column_time (result, row, 17);
  sale->expires_at = column_time (result, row, 18);
  sale->refunded_amount = column_int (result, row, 19);
  sale->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_line_free);

  return sale;
}

static GPtrArray *
search (PGconn     *conn,
        const Job  *job,
        GError    **error)
{
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (PGresult) result = NULL;
  g_autofree char *day = job->has_day ? format_day (&job->day) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *offset = g_strdup_printf ("%u", job->offset);
  g_autofree char *limit = g_strdup_printf ("%u", job->limit > 0 ? job->limit
                                                                 : KP_JOURNAL_QUERY_DEFAULT_LIMIT);
  const char *values[5];

  if (job->text != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (job->text));

      if (*stripped != '\0')
        {
          text = escape_like (stripped);
          amount = amount_of (stripped);
        }
    }

  values[0] = day;
  values[1] = text;
  values[2] = amount;
  values[3] = offset;
  values[4] = limit;
  result = kp_shop_db_exec (conn, SEARCH_SQL, G_N_ELEMENTS (values), values, job->password,
                            error);
  if (result == NULL)
    return NULL;

  sales = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_sale_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (sales, sale_from_row (result, i));

  return g_steal_pointer (&sales);
}

/* The day report */

static gboolean
read_terminals (PGconn           *conn,
                const Job        *job,
                KpShopDayReport  *report,
                GError          **error)
{
  g_autoptr (PGresult) result = NULL;

  result = kp_shop_db_exec (conn,
                            "SELECT terminal_id, replicated_seq, journal_seq, "
                            "to_json (last_seen) #>> '{}' FROM terminals ORDER BY terminal_id",
                            0, NULL, job->password, error);
  if (result == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (result); i++)
    {
      KpShopTerminalReport *terminal;

      terminal = kp_shop_day_report_add_terminal (report, PQgetvalue (result, i, 0));
      terminal->replicated_seq = column_int (result, i, 1);
      terminal->journal_seq = column_int (result, i, 2);
      terminal->caught_up = terminal->replicated_seq >= terminal->journal_seq;
      terminal->last_seen = column_time (result, i, 3);
    }
  return TRUE;
}

/* The queries of kp-journal-reports.c's read_figures(), by terminal. */
static gboolean
read_figures (PGconn           *conn,
              const Job        *job,
              KpShopDayReport  *report,
              GError          **error)
{
  g_autofree char *day = format_day (&job->day);
  const char * const values[] = { day };
  g_autoptr (PGresult) sales = NULL;
  g_autoptr (PGresult) refunds = NULL;
  g_autoptr (PGresult) ended = NULL;

  sales = kp_shop_db_exec (conn,
                           "SELECT terminal_id, payment_method_type, count (*), "
                           "sum (total_amount), sum (vat_amount), sum (tax_free_amount) "
                           "FROM sales WHERE created_day = $1::date "
                           "AND state IN ('APPROVED', 'PARTIALLY_REFUNDED', 'REFUNDED') "
                           "GROUP BY 1, 2",
                           1, values, job->password, error);
  refunds = sales == NULL ? NULL :
            kp_shop_db_exec (conn,
                             "SELECT r.terminal_id, s.payment_method_type, count (*), "
                             "sum (r.cancel_amount), sum (r.cancel_vat_amount), "
                             "sum (r.cancel_tax_free_amount) "
                             "FROM refunds r JOIN sales s ON s.terminal_id = r.terminal_id "
                             "AND s.partner_order_id = r.partner_order_id "
                             "WHERE r.completed_day = $1::date AND r.state = 'REFUNDED' "
                             "GROUP BY 1, 2",
                             1, values, job->password, error);
  ended = refunds == NULL ? NULL :
          kp_shop_db_exec (conn,
                           "SELECT terminal_id, state = 'EXPIRED', count (*) FROM sales "
                           "WHERE created_day = $1::date AND state IN "
                           "('CANCELLED_BY_CUSTOMER', 'ABORTED_BY_CASHIER', 'EXPIRED') "
                           "GROUP BY 1, 2",
                           1, values, job->password, error);
  if (ended == NULL)
    return FALSE;

  for (int i = 0; i < PQntuples (sales); i++)
    {
      KpJournalDayReport *figures = kp_shop_day_report_add_terminal (
          report, PQgetvalue (sales, i, 0))->report;
      KpJournalMethodTotals *totals = kp_journal_day_report_ensure_method (
          figures, PQgetisnull (sales, i, 1) ? NULL : PQgetvalue (sales, i, 1));

      totals->count += column_int (sales, i, 2);
      totals->gross += column_int (sales, i, 3);
      figures->n_sales += column_int (sales, i, 2);
      figures->gross += column_int (sales, i, 3);
      figures->vat += column_int (sales, i, 4);
      figures->tax_free += column_int (sales, i, 5);
    }

  for (int i = 0; i < PQntuples (refunds); i++)
    {
      KpJournalDayReport *figures = kp_shop_day_report_add_terminal (
          report, PQgetvalue (refunds, i, 0))->report;
      KpJournalMethodTotals *totals = kp_journal_day_report_ensure_method (
          figures, PQgetisnull (refunds, i, 1) ? NULL : PQgetvalue (refunds, i, 1));

      totals->n_refunds += column_int (refunds, i, 2);
      totals->refunds += column_int (refunds, i, 3);
      figures->n_refunds += column_int (refunds, i, 2);
      figures->refunds += column_int (refunds, i, 3);
      figures->vat -= column_int (refunds, i, 4);
      figures->tax_free -= column_int (refunds, i, 5);
    }

  for (int i = 0; i < PQntuples (ended); i++)
    {
      KpJournalDayReport *figures = kp_shop_day_report_add_terminal (
          report, PQgetvalue (ended, i, 0))->report;

      if (g_str_equal (PQgetvalue (ended, i, 1), "t"))
        figures->n_expired += column_int (ended, i, 2);
      else
        figures->n_cancelled += column_int (ended, i, 2);
    }

  return TRUE;
}

static gboolean
read_close (PGconn           *conn,
            const Job        *job,
            KpShopDayReport  *report,
            GError          **error)
{
  g_autofree char *day = format_day (&job->day);
  const char * const values[] = { day };
  g_autoptr (PGresult) result = NULL;

  result = kp_shop_db_exec (conn,
                            "SELECT to_json (closed_at) #>> '{}', closed_by "
                            "FROM shop_day_closes WHERE day = $1::date",
                            1, values, job->password, error);
  if (result == NULL)
    return FALSE;

  if (PQntuples (result) > 0)
    {
      report->closed = TRUE;
      report->closed_at = column_time (result, 0, 0);
      report->closed_by = column_text (result, 0, 1);
    }
  return TRUE;
}

static KpShopDayReport *
build_report (PGconn     *conn,
              const Job  *job,
              GError    **error)
{
  g_autoptr (KpShopDayReport) report = kp_shop_day_report_new (&job->day);

  if (!read_terminals (conn, job, report, error) ||
      !read_figures (conn, job, report, error) ||
      !read_close (conn, job, report, error))
    return NULL;

  kp_shop_day_report_finish (report);
  return g_steal_pointer (&report);
}

/* One snapshot for all the queries. */
static KpShopDayReport *
day_report (PGconn     *conn,
            const Job  *job,
            GError    **error)
{
  KpShopDayReport *report;

  if (!kp_shop_db_exec_simple (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return NULL;
  report = build_report (conn, job, error);
  if (report == NULL)
    return NULL;
  /* Read only: the end of the transaction cannot lose anything. */
  if (!kp_shop_db_exec_simple (conn, "COMMIT", NULL))
    g_debug ("Could not end the day report's snapshot");
  return report;
}

static KpShopDayReport *
close_day (PGconn     *conn,
           const Job  *job,
           GError    **error)
{
  g_autoptr (KpShopDayReport) report = NULL;
  g_autoptr (PGresult) result = NULL;
  g_autofree char *day = format_day (&job->day);
  g_autofree char *figures = NULL;
  g_autofree char *terminals = NULL;
  const char *values[4];

  if (!kp_shop_db_exec_simple (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ", error))
    return NULL;

  report = build_report (conn, job, error);
  if (report != NULL && report->closed)
    g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT,
                 _("The shop’s day is closed already"));
  if (report == NULL || report->closed)
    {
      g_autoptr (PGresult) rollback = PQexec (conn, "ROLLBACK");

      return NULL;
    }

  figures = kp_shop_day_report_to_json (report, FALSE);
  terminals = kp_shop_day_report_to_json (report, TRUE);
  values[0] = day;
  values[1] = job->closed_by;
  values[2] = figures;
  values[3] = terminals;
  result = kp_shop_db_exec (conn,
                            "INSERT INTO shop_day_closes (day, closed_by, report, terminals) "
                            "VALUES ($1::date, $2, $3::jsonb, $4::jsonb) "
                            "RETURNING to_json (closed_at) #>> '{}'",
                            G_N_ELEMENTS (values), values, job->password, error);
  if (result == NULL)
    {
      g_autoptr (PGresult) rollback = PQexec (conn, "ROLLBACK");

      if (g_error_matches (*error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_CONFLICT,
                       _("The shop’s day is closed already"));
        }
      return NULL;
    }

  if (!kp_shop_db_exec_simple (conn, "COMMIT", error))
    return NULL;

  report->closed = TRUE;
  report->closed_at = column_time (result, 0, 0);
  report->closed_by = g_strdup (job->closed_by);
  return g_steal_pointer (&report);
}

/* The runner */

typedef gpointer (*QueryFunc) (PGconn     *conn,
                               const Job  *job,
                               GError    **error);

static void
query_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Job *job = task_data;
  QueryFunc func = g_object_get_data (G_OBJECT (task), "query");
  GDestroyNotify result_free = g_object_get_data (G_OBJECT (task), "free");
  g_autoptr (GError) error = NULL;
  g_autoptr (PGconn) conn = NULL;
  gpointer value;

  if (g_task_return_error_if_cancelled (task))
    return;

  conn = kp_shop_db_connect (job->conninfo, job->password, &error);
  value = conn != NULL ? func (conn, job, &error) : NULL;
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, result_free);
}

static void
run_query (KpShopClient        *self,
           gpointer             source_tag,
           QueryFunc            func,
           GDestroyNotify       result_free,
           Job                 *job,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_object_set_data (G_OBJECT (task), "query", func);
  g_object_set_data (G_OBJECT (task), "free", result_free);
  g_task_run_in_thread (task, query_in_thread);
}

static gpointer
finish_query (KpShopClient  *self,
              GAsyncResult  *result,
              gpointer       source_tag,
              GError       **error)
{
  g_return_val_if_fail (KP_IS_SHOP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kp_shop_client_finalize (GObject *object)
{
  KpShopClient *self = KP_SHOP_CLIENT (object);

  g_free (self->conninfo);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);

  G_OBJECT_CLASS (kp_shop_client_parent_class)->finalize (object);
}

static void
kp_shop_client_class_init (KpShopClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kp_shop_client_finalize;
}

static void
kp_shop_client_init (KpShopClient *self)
{
}

/**
 * kp_shop_client_new:
 * @conninfo: a libpq connection string, without its password
 * @password: (nullable): the password, from the keyring
 *
 * Returns: (transfer full): a client; nothing is connected yet
 */
KpShopClient *
kp_shop_client_new (const char *conninfo,
                    const char *password)
{
  KpShopClient *self;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_object_new (KP_TYPE_SHOP_CLIENT, NULL);
  self->conninfo = g_strdup (conninfo);
  self->password = g_strdup (password);
  return self;
}

/**
 * kp_shop_client_search_async:
 * @query: as for kp_journal_search_async(), over every terminal's sales
 *
 * Lists the shop's sales, newest first. Each #KpJournalSale carries the
 * terminal it was sold on in terminal_id, no lines and no id.
 */
void
kp_shop_client_search_async (KpShopClient         *self,
                             const KpJournalQuery *query,
                             GCancellable         *cancellable,
                             GAsyncReadyCallback   callback,
                             gpointer              user_data)
{
  Job *job;

  g_return_if_fail (KP_IS_SHOP_CLIENT (self));
  g_return_if_fail (query != NULL);

  job = job_new (self, query->day);
  job->text = g_strdup (query->text);
  job->offset = query->offset;
  job->limit = query->limit;
  run_query (self, kp_shop_client_search_async, (QueryFunc) search,
             (GDestroyNotify) g_ptr_array_unref, job, cancellable, callback, user_data);
}

/**
 * kp_shop_client_search_finish:
 *
 * Returns: (transfer container) (element-type KpJournalSale): the sales, or
 *   %NULL with @error set
 */
GPtrArray *
kp_shop_client_search_finish (KpShopClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_query (self, result, kp_shop_client_search_async, error);
}

/**
 * kp_shop_client_day_report_async:
 * @day: a local date
 *
 * The day report of every terminal and of the whole shop, from one
 * snapshot.
 */
void
kp_shop_client_day_report_async (KpShopClient        *self,
                                 const GDate         *day,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (KP_IS_SHOP_CLIENT (self));
  g_return_if_fail (day != NULL && g_date_valid (day));

  run_query (self, kp_shop_client_day_report_async, (QueryFunc) day_report,
             (GDestroyNotify) kp_shop_day_report_free, job_new (self, day), cancellable,
             callback, user_data);
}

KpShopDayReport *
kp_shop_client_day_report_finish (KpShopClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return finish_query (self, result, kp_shop_client_day_report_async, error);
}

/**
 * kp_shop_client_close_day_async:
 * @day: a local date
 * @closed_by: the terminal closing it
 *
 * Closes the shop's day: its report, with the terminals it includes and
 * how far each had replicated, is kept in shop_day_closes. A terminal that
 * had not caught up (see kp_shop_day_report_count_behind()) is still
 * included: the caller warns about it. Fails with %KP_SHOP_ERROR_CONFLICT
 * if the day was closed already.
 */
void
kp_shop_client_close_day_async (KpShopClient        *self,
                                const GDate         *day,
                                const char          *closed_by,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Job *job;

  g_return_if_fail (KP_IS_SHOP_CLIENT (self));
  g_return_if_fail (day != NULL && g_date_valid (day));
  g_return_if_fail (closed_by != NULL);

  job = job_new (self, day);
  job->closed_by = g_strdup (closed_by);
  run_query (self, kp_shop_client_close_day_async, (QueryFunc) close_day,
             (GDestroyNotify) kp_shop_day_report_free, job, cancellable, callback, user_data);
}

KpShopDayReport *
kp_shop_client_close_day_finish (KpShopClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_query (self, result, kp_shop_client_close_day_async, error);
}
