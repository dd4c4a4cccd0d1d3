/* fuzz-csv.c: libFuzzer target for the journal's CSV export quoting
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's bytes, split at NUL bytes (SQLite text has none), are the fields of a
 * record, each written with kp_csv_append_field() and joined as
 * kp_journal_export_csv_sync() joins them (commas, CRLF after the record); a second record
 * holds the fields in reverse with absent values (NULL) between them. A strict RFC 4180
 * reader, written here as the oracle, must read back exactly those records: any field
 * that comes back different, or text the reader refuses, is a finding.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kp-csv.h"
#include "kp-journal-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_FIELDS 64

/* A finding outside an assertion: abort, so libFuzzer saves the input. */
#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  return 0;
}

/* RFC 4180 §2: one record at *@p, which is left after its CRLF. */
static GPtrArray *
read_record (const char **p,
             const char  *end)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (*p < end && **p == '"')
        {
          for ((*p)++;; (*p)++)
            {
              if (*p >= end)
                FAIL ("a quoted field without its closing quote");
              if (**p == '"')
                {
                  if (*p + 1 < end && (*p)[1] == '"')
                    (*p)++;
                  else
                    {
                      (*p)++;
                      break;
                    }
                }
              g_string_append_c (field, **p);
            }
        }
      else
        {
          for (; *p < end && **p != ',' && **p != '\r'; (*p)++)
            {
              if (**p == '"' || **p == '\n')
                FAIL ("an unquoted field with a quote or a line feed");
              g_string_append_c (field, **p);
            }
        }
      g_ptr_array_add (fields, g_string_free (field, FALSE));

      if (*p < end && **p == ',')
        {
          (*p)++;
          continue;
        }
      if (*p + 1 < end && (*p)[0] == '\r' && (*p)[1] == '\n')
        {
          *p += 2;
          return fields;
        }
      FAIL ("a field followed by neither a comma nor CRLF");
    }
}

static void
check_record (const char  **p,
              const char   *end,
              const char  **fields,
              guint         n_fields)
{
  g_autoptr (GPtrArray) read = read_record (p, end);

  if (read->len != n_fields)
    FAIL ("%u fields written, %u read", n_fields, read->len);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *expected = fields[i] != NULL ? fields[i] : "";

      if (strcmp (read->pdata[i], expected) != 0)
        FAIL ("field %u written as \"%s\", read as \"%s\"", i, expected,
              (const char *) read->pdata[i]);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autofree char *copy = g_malloc (size + 1);
  const char *fields[MAX_FIELDS];
  const char *reversed[2 * MAX_FIELDS];
  guint n_fields = 0;
  guint n_reversed = 0;
  const char *p, *end;

  /* Fields at the NUL bytes (the copy ends with one more). */
  memcpy (copy, data, size);
  copy[size] = '\0';
  for (const char *field = copy; field <= copy + size && n_fields < MAX_FIELDS;
       field += strlen (field) + 1)
    fields[n_fields++] = field;
  for (guint i = n_fields; i > 0; i--)
    {
      reversed[n_reversed++] = fields[i - 1];
      reversed[n_reversed++] = NULL;
    }

  for (guint i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      kp_csv_append_field (csv, fields[i]);
    }
  g_string_append (csv, "\r\n");
  for (guint i = 0; i < n_reversed; i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      kp_csv_append_field (csv, reversed[i]);
    }
  g_string_append (csv, "\r\n");

  p = csv->str;
  end = csv->str + csv->len;
  check_record (&p, end, fields, n_fields);
  check_record (&p, end, reversed, n_reversed);
  if (p != end)
    FAIL ("text after the last record");
  return 0;
}
