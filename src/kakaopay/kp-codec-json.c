/* kp-codec-json.c: reading a JSON text strictly
 *
 * The codec's first step for every reply, and kakaopay-relay's for what a terminal
 * sends: apart from the rest of the codec, so that a program that only reads JSON does
 * not bring libsoup along.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-codec"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kp-codec.h"
#include "kp-error.h"

/* json-glib 1.6 takes `{…}{…}` as one text, keeps the first value and leaks the
 * ones after it. A text we read is a single object or array: anything but white space
 * after its closing bracket makes it malformed before json-glib sees it. (A leading
 * UTF-8 BOM is allowed, as json-glib allows it.) */
static gboolean
is_single_value (const char *data,
                 gsize       size)
{
  gsize depth = 0;
  gboolean in_string = FALSE;
  gsize i = 0;

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;
  while (i < size && g_ascii_isspace (data[i]))
    i++;
  if (i == size || (data[i] != '{' && data[i] != '['))
    return FALSE;

  for (; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        break;
    }
  if (i >= size)
    return FALSE;

  for (i++; i < size; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return FALSE;
    }
  return TRUE;
}

/**
 * kp_codec_parse_json:
 * @data: the text
 * @size: its length in bytes, or -1 when it ends with a nul
 *
 * Reads one JSON object or array from a text that may come from anywhere on the
 * network: nothing may follow it (see is_single_value()).
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when the text is not one
 *   JSON object or array
 */
JsonNode *
kp_codec_parse_json (const char *data,
                     gssize      size)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root;

  if (data == NULL)
    return NULL;
  if (size < 0)
    size = strlen (data);
  if (size == 0 || !is_single_value (data, size))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : NULL;
}

JsonObject *
kp_codec_parse_object (GBytes  *body,
                       GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;

  root = kp_codec_parse_json (data, data != NULL ? (gssize) size : 0);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY,
                           _("KakaoPay’s reply could not be read."));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}
