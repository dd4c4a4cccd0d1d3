/* kp-csv.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kp-csv.h"

/**
 * kp_csv_append_field:
 * @csv: where to append
 * @field: (nullable): the value; %NULL appends an empty field
 *
 * Appends @field as one CSV field, quoted if it holds a comma, a double quote, CR or
 * LF, or starts or ends with a space (which a spreadsheet would drop), with its double
 * quotes doubled (RFC 4180 §2.6–2.7). No separator is added.
 */
void
kp_csv_append_field (GString    *csv,
                     const char *field)
{
  size_t length;

  g_return_if_fail (csv != NULL);

  if (field == NULL)
    return;

  length = strlen (field);
  if (strpbrk (field, ",\"\r\n") == NULL &&
      (length == 0 || (field[0] != ' ' && field[length - 1] != ' ')))
    {
      g_string_append_len (csv, field, length);
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
