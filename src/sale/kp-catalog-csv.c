/* kp-catalog-csv.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-catalog-private.h"
#include "kp-csv.h"
#include "kp-money.h"

/*
 * The catalog as CSV (RFC 4180): the header
 * name,price,tax_free,barcodes,category,quick_key, barcodes joined by '|'. A file is
 * read as UTF-8 (with or without a BOM) when it is valid UTF-8, else as CP949, which
 * is what Korean spreadsheets write; or in the encoding the caller names. An import is
 * previewed first (each row: added, changed, unchanged or rejected, and why), then
 * applied in one transaction, and only when no row is rejected.
 */

enum {
  COLUMN_NAME,
  COLUMN_PRICE,
  COLUMN_TAX_FREE,
  COLUMN_BARCODES,
  COLUMN_CATEGORY,
  COLUMN_QUICK_KEY,
  N_COLUMNS
};

static const char * const column_names[N_COLUMNS] = {
  "name", "price", "tax_free", "barcodes", "category", "quick_key",
};

#define MAX_QUICK_KEY 9999

static void
import_row_free (KpCatalogImportRow *row)
{
  g_clear_pointer (&row->product, kp_catalog_product_free);
  g_free (row->reason);
  g_free (row);
}

void
kp_catalog_import_free (KpCatalogImport *import)
{
  if (import == NULL)
    return;
  g_ptr_array_unref (import->rows);
  g_free (import->encoding);
  g_free (import);
}

/**
 * kp_catalog_csv_decode:
 * @data: the file's bytes
 * @length: how many
 * @encoding: (nullable): the file's encoding, or %NULL to detect UTF-8 or CP949
 * @out_encoding: (out) (optional): the encoding it was read in
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the text in UTF-8, without a byte order mark
 */
char *
kp_catalog_csv_decode (const char  *data,
                       gsize        length,
                       const char  *encoding,
                       char       **out_encoding,
                       GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;
  const char *used = NULL;
  gsize written = 0;

  if (encoding != NULL && g_ascii_strcasecmp (encoding, "UTF-8") != 0)
    {
      text = g_convert (data, length, "UTF-8", encoding, NULL, &written, &local_error);
      used = encoding;
    }
  else if (g_utf8_validate (data, length, NULL))
    {
      text = g_strndup (data, length);
      written = length;
      used = "UTF-8";
    }
  else if (encoding == NULL)
    {
      text = g_convert (data, length, "UTF-8", "CP949", NULL, &written, &local_error);
      used = "CP949";
    }

  if (text == NULL || memchr (text, '\0', written) != NULL ||
      !g_utf8_validate (text, written, NULL))
    {
      if (encoding != NULL && local_error != NULL &&
          g_error_matches (local_error, G_CONVERT_ERROR, G_CONVERT_ERROR_NO_CONVERSION))
        g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                     /* Translators: %s is an encoding's name */
                     _("The encoding “%s” is not known."), encoding);
      else if (encoding != NULL)
        g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                     /* Translators: %s is an encoding's name */
                     _("The file is not in the encoding %s."), encoding);
      else
        g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                             _("The file is neither UTF-8 nor CP949 text."));
      return NULL;
    }

  if (out_encoding != NULL)
    *out_encoding = g_strdup (used);
  if (g_str_has_prefix (text, "\xef\xbb\xbf"))
    memmove (text, text + 3, written - 3 + 1);
  return g_steal_pointer (&text);
}

/**
 * kp_catalog_csv_parse:
 * @text: UTF-8 text
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Reads RFC 4180 records: fields separated by commas, records by CRLF or LF, a field
 * in double quotes holding commas, line breaks and doubled quotes. An empty last line
 * is no record.
 *
 * Returns: (transfer container) (element-type GStrv): the records, or %NULL for text
 *   that is not CSV
 */
GPtrArray *
kp_catalog_csv_parse (const char  *text,
                      gsize        length,
                      GError     **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + length;

  while (p < end)
    {
      gboolean record_ends = FALSE;

      g_string_truncate (field, 0);
      if (*p == '"')
        {
          for (p++;; p++)
            {
              if (p >= end)
                {
                  g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                               /* Translators: %u is a row number */
                               _("Row %u: a quoted field has no closing quote."),
                               records->len + 1);
                  return NULL;
                }
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    p++;
                  else
                    {
                      p++;
                      break;
                    }
                }
              g_string_append_c (field, *p);
            }
          if (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
            {
              g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                           /* Translators: %u is a row number */
                           _("Row %u: text follows a quoted field’s closing quote."),
                           records->len + 1);
              return NULL;
            }
        }
      else
        {
          while (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
            {
              if (*p == '"')
                {
                  g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                               /* Translators: %u is a row number */
                               _("Row %u: a field with a quote must be quoted as a whole."),
                               records->len + 1);
                  return NULL;
                }
              g_string_append_c (field, *p++);
            }
        }

      g_ptr_array_add (fields, g_strndup (field->str, field->len));
      if (p >= end)
        record_ends = TRUE;
      else if (*p == ',')
        {
          p++;
          if (p >= end)
            {
              g_ptr_array_add (fields, g_strdup (""));
              record_ends = TRUE;
            }
        }
      else
        {
          p += (*p == '\r') ? 2 : 1;
          record_ends = TRUE;
        }

      if (record_ends)
        {
          g_ptr_array_add (fields, NULL);
          g_ptr_array_add (records, g_ptr_array_steal (fields, NULL));
        }
    }

  return g_steal_pointer (&records);
}

/**
 * kp_catalog_csv_append_record:
 * @csv: where to append
 * @fields: (array zero-terminated=1): the fields
 *
 * Appends one RFC 4180 record, quoting where needed, and its CRLF.
 */
void
kp_catalog_csv_append_record (GString            *csv,
                              const char * const *fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      kp_csv_append_field (csv, fields[i]);
    }
  g_string_append (csv, "\r\n");
}

/**
 * kp_catalog_export_csv_text:
 * @self: a #KpCatalog
 * @error: return location for a #GError
 *
 * The active products as CSV (UTF-8, header first, in the order they were added).
 *
 * Returns: (transfer full): the text
 */
char *
kp_catalog_export_csv_text (KpCatalog  *self,
                            GError    **error)
{
  g_autoptr (GPtrArray) products = NULL;
  g_autoptr (GString) csv = g_string_new (KP_CATALOG_CSV_HEADER "\r\n");

  products = kp_catalog_list_products_sync (self, TRUE, error);
  if (products == NULL)
    return NULL;

  for (guint i = 0; i < products->len; i++)
    {
      KpCatalogProduct *product = g_ptr_array_index (products, i);
      g_autofree char *price = g_strdup_printf ("%" G_GINT64_FORMAT, product->price);
      g_autofree char *barcodes = g_strjoinv ("|", product->barcodes);
      g_autofree char *quick_key = product->quick_key > 0
                                   ? g_strdup_printf ("%u", product->quick_key)
                                   : g_strdup ("");
      const char *fields[] = {
        product->name, price, product->tax_free ? "1" : "0", barcodes,
        product->category != NULL ? product->category : "", quick_key, NULL,
      };

      kp_catalog_csv_append_record (csv, fields);
    }
  return g_string_free (g_steal_pointer (&csv), FALSE);
}

/**
 * kp_catalog_export_csv_sync:
 * @self: a #KpCatalog
 * @path: the file to write (replaced)
 * @error: return location for a #GError
 *
 * Returns: whether the file was written
 */
gboolean
kp_catalog_export_csv_sync (KpCatalog   *self,
                            const char  *path,
                            GError     **error)
{
  g_autofree char *csv = kp_catalog_export_csv_text (self, error);
  g_autoptr (GError) local_error = NULL;

  if (csv == NULL)
    return FALSE;
  if (!g_file_set_contents_full (path, csv, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                   /* Translators: %s is the reason */
                   _("Could not write the file: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_flag (const char *text,
            gboolean   *out_flag)
{
  static const char * const yes[] = { "1", "true", "yes", "y", "o", NULL };
  static const char * const no[] = { "", "0", "false", "no", "n", "x", NULL };
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower))
    *out_flag = TRUE;
  else if (g_strv_contains (no, lower))
    *out_flag = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* A row's product, or NULL with the reason. */
static KpCatalogProduct *
row_product (char       **fields,
             const int   *index,
             GError     **error)
{
  g_autoptr (KpCatalogProduct) product = kp_catalog_product_new (NULL, 0);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GError) money_error = NULL;
  g_auto (GStrv) barcodes = NULL;
  const char *field;

  product->name = g_strstrip (g_strdup (fields[index[COLUMN_NAME]]));

  field = fields[index[COLUMN_PRICE]];
  if (!kp_money_parse (field, &product->price, &money_error))
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_PRICE,
                   /* Translators: %s is the price as written, the second %s the reason */
                   _("The price “%s” cannot be read: %s"), field, money_error->message);
      return NULL;
    }

  if (index[COLUMN_TAX_FREE] >= 0)
    {
      g_autofree char *flag = g_strstrip (g_strdup (fields[index[COLUMN_TAX_FREE]]));

      if (!parse_flag (flag, &product->tax_free))
        {
          g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                       /* Translators: %s is what the tax_free column holds */
                       _("tax_free must be 1 or 0 (or yes or no), not “%s”."), flag);
          return NULL;
        }
    }

  if (index[COLUMN_BARCODES] >= 0)
    {
      barcodes = g_strsplit (fields[index[COLUMN_BARCODES]], "|", -1);
      for (guint i = 0; barcodes[i] != NULL; i++)
        {
          g_strstrip (barcodes[i]);
          if (*barcodes[i] != '\0')
            g_strv_builder_add (builder, barcodes[i]);
        }
    }
  g_strfreev (product->barcodes);
  product->barcodes = g_strv_builder_end (builder);

  if (index[COLUMN_CATEGORY] >= 0)
    {
      product->category = g_strstrip (g_strdup (fields[index[COLUMN_CATEGORY]]));
      if (*product->category == '\0')
        g_clear_pointer (&product->category, g_free);
    }

  if (index[COLUMN_QUICK_KEY] >= 0)
    {
      g_autofree char *key = g_strstrip (g_strdup (fields[index[COLUMN_QUICK_KEY]]));
      guint64 position = 0;

      if (*key != '\0' &&
          !g_ascii_string_to_unsigned (key, 10, 1, MAX_QUICK_KEY, &position, NULL))
        {
          g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_QUICK_KEY,
                       /* Translators: %s is what the quick_key column holds, %d the most */
                       _("quick_key must be empty or a number from 1 to %d, not “%s”."),
                       MAX_QUICK_KEY, key);
          return NULL;
        }
      product->quick_key = (guint) position;
    }

  if (!kp_catalog_validate_product (product, KP_CATALOG_ACCEPT_CHECK_DIGIT, error))
    return NULL;
  return g_steal_pointer (&product);
}

static void
reject (KpCatalogImportRow *row,
        char               *reason)
{
  row->action = KP_CATALOG_ROW_REJECT;
  g_clear_pointer (&row->product, kp_catalog_product_free);
  g_free (row->reason);
  row->reason = reason;
}

static gboolean
read_header (char      **header,
             int        *index,
             GError    **error)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    index[i] = -1;
  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *name = g_ascii_strdown (g_strstrip (header[i]), -1);
      gboolean known = FALSE;

      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (g_str_equal (name, column_names[c]))
            {
              if (index[c] >= 0)
                {
                  g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                               /* Translators: %s is a column's name */
                               _("The column “%s” is there twice."), name);
                  return FALSE;
                }
              index[c] = i;
              known = TRUE;
            }
        }
      if (!known)
        {
          g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                       /* Translators: the first %s is a column's name, the second the header */
                       _("Unknown column “%s”: the header is %s."), name,
                       KP_CATALOG_CSV_HEADER);
          return FALSE;
        }
    }
  if (index[COLUMN_NAME] < 0 || index[COLUMN_PRICE] < 0)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                   /* Translators: %s is the header */
                   _("The first row must name the columns, at least name and price: %s."),
                   KP_CATALOG_CSV_HEADER);
      return FALSE;
    }
  return TRUE;
}

static KpCatalogImport *
preview_locked (KpCatalog   *self,
                GBytes      *data,
                const char  *encoding,
                gboolean     replace,
                GError     **error)
{
  g_autoptr (KpCatalogImport) import = g_new0 (KpCatalogImport, 1);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) existing = NULL;
  g_autoptr (GHashTable) by_barcode = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) file_barcodes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) file_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
  g_autoptr (GHashTable) matched = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *text = NULL;
  gsize size = 0;
  const char *bytes = g_bytes_get_data (data, &size);
  int index[N_COLUMNS];
  guint n_fields;

  import->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
  import->replace = replace;

  text = kp_catalog_csv_decode (bytes != NULL ? bytes : "", size, encoding, &import->encoding,
                                error);
  if (text == NULL)
    return NULL;
  records = kp_catalog_csv_parse (text, strlen (text), error);
  if (records == NULL)
    return NULL;
  if (records->len == 0)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_CSV,
                   /* Translators: %s is the header */
                   _("The file is empty: it needs the header %s."), KP_CATALOG_CSV_HEADER);
      return NULL;
    }
  if (!read_header (g_ptr_array_index (records, 0), index, error))
    return NULL;
  n_fields = g_strv_length (g_ptr_array_index (records, 0));

  if (!replace)
    {
      existing = _kp_catalog_list_products_locked (self, FALSE, error);
      if (existing == NULL)
        return NULL;
      for (guint i = 0; i < existing->len; i++)
        {
          KpCatalogProduct *product = g_ptr_array_index (existing, i);

          for (guint b = 0; product->barcodes[b] != NULL; b++)
            g_hash_table_insert (by_barcode, product->barcodes[b], product);
          /* Only a product without barcodes is known by its name: one with barcodes
           * may share its name without hiding it. */
          if (product->barcodes[0] == NULL)
            g_hash_table_insert (by_name, g_utf8_casefold (product->name, -1), product);
        }
    }

  for (guint r = 1; r < records->len; r++)
    {
      char **fields = g_ptr_array_index (records, r);
      KpCatalogImportRow *row = NULL;
      g_autoptr (GError) row_error = NULL;
      KpCatalogProduct *match = NULL;

      /* A blank line between rows. */
      if (g_strv_length (fields) == 1 && *fields[0] == '\0')
        continue;

      row = g_new0 (KpCatalogImportRow, 1);
      row->row = r + 1;
      g_ptr_array_add (import->rows, row);
      if (g_strv_length (fields) != n_fields)
        {
          reject (row, g_strdup_printf (
                    /* Translators: the first %u is a number of fields, the second the header's */
                    ngettext ("The row has %u field; the header has %u.",
                              "The row has %u fields; the header has %u.",
                              g_strv_length (fields)),
                    g_strv_length (fields), n_fields));
          continue;
        }

      row->product = row_product (fields, index, &row_error);
      if (row->product == NULL)
        {
          reject (row, g_strdup (row_error->message));
          continue;
        }

      for (guint b = 0; row->product->barcodes[b] != NULL; b++)
        {
          const char *barcode = row->product->barcodes[b];
          KpCatalogImportRow *other = g_hash_table_lookup (file_barcodes, barcode);
          KpCatalogProduct *owner = g_hash_table_lookup (by_barcode, barcode);

          if (other != NULL)
            {
              reject (row, g_strdup_printf (
                        /* Translators: %s is a barcode, %u a row number */
                        _("The barcode %s is also on row %u."), barcode, other->row));
              break;
            }
          if (owner != NULL && match != NULL && owner != match)
            {
              reject (row, g_strdup_printf (
                        /* Translators: %s is a barcode, the others products' names */
                        _("The barcode %s belongs to “%s”, the others to “%s”."),
                        barcode, owner->name, match->name));
              break;
            }
          if (owner != NULL)
            match = owner;
          if (kp_catalog_barcode_kind (barcode) == KP_BARCODE_BAD_CHECK_DIGIT)
            row->check_digit_warning = TRUE;
        }
      if (row->action == KP_CATALOG_ROW_REJECT)
        continue;
      /* Without barcodes, a product is known by its name alone. */
      if (row->product->barcodes[0] == NULL)
        {
          g_autofree char *key = g_utf8_casefold (row->product->name, -1);
          KpCatalogImportRow *other = g_hash_table_lookup (file_names, key);

          if (other != NULL)
            {
              reject (row, g_strdup_printf (
                        /* Translators: %s is a product's name, %u a row number */
                        _("“%s” without barcodes is also on row %u."),
                        row->product->name, other->row));
              continue;
            }
          g_hash_table_insert (file_names, g_steal_pointer (&key), row);
        }
      for (guint b = 0; row->product->barcodes[b] != NULL; b++)
        g_hash_table_insert (file_barcodes, row->product->barcodes[b], row);

      if (match == NULL && row->product->barcodes[0] == NULL && !replace)
        {
          g_autofree char *key = g_utf8_casefold (row->product->name, -1);

          match = g_hash_table_lookup (by_name, key);
        }

      if (match != NULL)
        {
          if (g_hash_table_contains (matched, &match->id))
            {
              reject (row, g_strdup_printf (
                        /* Translators: %s is a product's name */
                        _("Another row already changes “%s”."), match->name));
              continue;
            }
          g_hash_table_add (matched, &match->id);
          row->product->id = match->id;
          row->action = kp_catalog_product_equal (row->product, match) ? KP_CATALOG_ROW_SAME
                                                                       : KP_CATALOG_ROW_CHANGE;
        }
      else
        row->action = KP_CATALOG_ROW_ADD;

      if (row->check_digit_warning)
        {
          row->reason = g_strdup (_("A barcode’s check digit is wrong; it is imported as it "
                                    "is."));
          import->n_warnings++;
        }
    }

  for (guint i = 0; i < import->rows->len; i++)
    {
      KpCatalogImportRow *row = g_ptr_array_index (import->rows, i);

      switch (row->action)
        {
        case KP_CATALOG_ROW_ADD:
          import->n_add++;
          break;
        case KP_CATALOG_ROW_CHANGE:
          import->n_change++;
          break;
        case KP_CATALOG_ROW_SAME:
          import->n_same++;
          break;
        case KP_CATALOG_ROW_REJECT:
        default:
          import->n_reject++;
          break;
        }
    }
  return g_steal_pointer (&import);
}

/**
 * kp_catalog_preview_import_sync:
 * @self: a #KpCatalog
 * @data: the CSV file's bytes
 * @encoding: (nullable): its encoding, or %NULL to detect UTF-8 or CP949
 * @replace: whether the file replaces the whole catalog (else it adds and changes)
 * @error: return location for a #GError
 *
 * Reads the file and compares it with the catalog, changing nothing.
 *
 * Returns: (transfer full): the preview, or %NULL for a file that cannot be read as
 *   a catalog at all
 */
KpCatalogImport *
kp_catalog_preview_import_sync (KpCatalog   *self,
                                GBytes      *data,
                                const char  *encoding,
                                gboolean     replace,
                                GError     **error)
{
  KpCatalogImport *import;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  _kp_catalog_lock (self);
  import = preview_locked (self, data, encoding, replace, error);
  _kp_catalog_unlock (self);
  return import;
}

/**
 * kp_catalog_apply_import_sync:
 * @self: a #KpCatalog
 * @import: a preview without rejected rows
 * @error: return location for a #GError
 *
 * Applies @import in one transaction: all of it, or (on any error) nothing. Barcodes
 * with a wrong check digit, shown in the preview, are accepted.
 *
 * Returns: whether the catalog now holds the import
 */
gboolean
kp_catalog_apply_import_sync (KpCatalog        *self,
                              KpCatalogImport  *import,
                              GError          **error)
{
  gboolean ok;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (import != NULL, FALSE);

  if (import->n_reject > 0)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_REJECTED_ROWS,
                   ngettext ("%u row was rejected: nothing was imported.",
                             "%u rows were rejected: nothing was imported.",
                             import->n_reject),
                   import->n_reject);
      return FALSE;
    }

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "BEGIN IMMEDIATE", error);
  if (ok && import->replace)
    ok = _kp_catalog_exec (self, "DELETE FROM products", error);
  /* Barcodes move between products: free them all first, as the rows will have them. */
  for (guint i = 0; ok && i < import->rows->len; i++)
    {
      KpCatalogImportRow *row = g_ptr_array_index (import->rows, i);
      g_autofree char *sql = NULL;

      if (row->action != KP_CATALOG_ROW_CHANGE)
        continue;
      sql = g_strdup_printf ("DELETE FROM barcodes WHERE product_id = %" G_GINT64_FORMAT,
                             row->product->id);
      ok = _kp_catalog_exec (self, sql, error);
    }
  for (guint i = 0; ok && i < import->rows->len; i++)
    {
      KpCatalogImportRow *row = g_ptr_array_index (import->rows, i);
      g_autoptr (KpCatalogProduct) product = NULL;

      if (row->action != KP_CATALOG_ROW_ADD && row->action != KP_CATALOG_ROW_CHANGE)
        continue;
      product = kp_catalog_product_copy (row->product);
      if (row->action == KP_CATALOG_ROW_ADD)
        product->id = 0;
      ok = _kp_catalog_write_product (self, product, KP_CATALOG_ACCEPT_CHECK_DIGIT, error);
      if (!ok)
        g_prefix_error (error, _("Row %u: "), row->row);
    }
  if (ok)
    ok = _kp_catalog_exec (self, "COMMIT", error);
  else
    _kp_catalog_exec (self, "ROLLBACK", NULL);
  _kp_catalog_forget_search (self);
  _kp_catalog_unlock (self);
  return ok;
}
