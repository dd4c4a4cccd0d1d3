/* kp-journal-csv.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-journal"

#include "config.h"

#include <string.h>

#include "kp-journal-private.h"

/* The export contract (DESIGN.md, "Contracts others rely on"): UTF-8 without
 * a byte order mark, RFC 4180 quoting, CRLF after every record (RFC 4180
 * §2.1; a line break inside a quoted field is kept as it is), this exact
 * header, one record per sale in creation order, empty fields for absent
 * values. Times are written as stored: ISO 8601 with the local offset.
 *
 * A spreadsheet runs a cell that starts with =, +, -, @, a tab or a CR as a
 * formula (an item name typed as =HYPERLINK(…) would become a live link):
 * every text cell starting so gets a leading single quote (OWASP's rule).
 * Integer columns are written as digits and stay numbers (a refund's -5000
 * too). */

#define CSV_EOL "\r\n"

static const char csv_header[] =
  "partner_order_id,tid,aid,state,item_name,quantity,total_amount,tax_free_amount,"
  "vat_amount,payment_method_type,created_at,approved_at,refunded_amount";

/* The columns in CSV order. */
static const char csv_query[] =
  "SELECT partner_order_id, tid, aid, state, item_name, quantity, total_amount, "
  "tax_free_amount, vat_amount, payment_method_type, created_at, approved_at, "
  "refunded_amount "
  "FROM sales ORDER BY id";

enum {
  COL_PARTNER_ORDER_ID,
  COL_TID,
  COL_AID,
  COL_STATE,
  COL_ITEM_NAME,
  COL_QUANTITY,
  COL_TOTAL_AMOUNT,
  COL_TAX_FREE_AMOUNT,
  COL_VAT_AMOUNT,
  COL_PAYMENT_METHOD_TYPE,
  COL_CREATED_AT,
  COL_APPROVED_AT,
  COL_REFUNDED_AMOUNT,
  N_COLUMNS
};

static gboolean
column_is_integer (int column)
{
  switch (column)
    {
    case COL_QUANTITY:
    case COL_TOTAL_AMOUNT:
    case COL_TAX_FREE_AMOUNT:
    case COL_VAT_AMOUNT:
    case COL_REFUNDED_AMOUNT:
      return TRUE;

    default:
      return FALSE;
    }
}

/**
 * _kp_journal_csv_append_field:
 * @csv: where to append
 * @field: (nullable): the value; %NULL appends an empty field
 *
 * Appends @field, quoted if it holds a comma, a double quote, CR or LF, with
 * its double quotes doubled (RFC 4180 §2.6–2.7). No separator is added.
 */
void
_kp_journal_csv_append_field (GString    *csv,
                              const char *field)
{
  if (field == NULL)
    return;

  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (csv, field);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

/**
 * _kp_journal_csv_append_text:
 * @csv: where to append
 * @field: (nullable): a text value; %NULL appends an empty field
 *
 * Like _kp_journal_csv_append_field(), for a text cell: a value a spreadsheet
 * would read as a formula (starting with =, +, -, @, tab or CR) is prefixed
 * with a single quote first. Numbers go through _kp_journal_csv_append_field().
 */
void
_kp_journal_csv_append_text (GString    *csv,
                             const char *field)
{
  g_autofree char *neutral = NULL;

  if (field != NULL && *field != '\0' && strchr ("=+-@\t\r", *field) != NULL)
    field = neutral = g_strconcat ("'", field, NULL);
  _kp_journal_csv_append_field (csv, field);
}

/**
 * _kp_journal_csv_build:
 * @db: the journal's connection (its lock held)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the whole export
 */
GBytes *
_kp_journal_csv_build (sqlite3  *db,
                       GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) csv = NULL;
  int rc;

  stmt = _kp_journal_prepare (db, csv_query, error);
  if (stmt == NULL)
    return NULL;

  g_assert (sqlite3_column_count (stmt) == N_COLUMNS);

  csv = g_string_new (csv_header);
  g_string_append (csv, CSV_EOL);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < N_COLUMNS; i++)
        {
          if (i > 0)
            g_string_append_c (csv, ',');

          if (column_is_integer (i))
            g_string_append_printf (csv, "%" G_GINT64_FORMAT,
                                    (gint64) sqlite3_column_int64 (stmt, i));
          else
            _kp_journal_csv_append_text (csv, (const char *) sqlite3_column_text (stmt, i));
        }
      g_string_append (csv, CSV_EOL);
    }

  if (rc != SQLITE_DONE)
    {
      _kp_journal_set_sqlite_error (error, db, "Could not read the journal for the export");
      return NULL;
    }

  return g_string_free_to_bytes (g_steal_pointer (&csv));
}
