/* kp-sandbox-call.c: reading one API call
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A KpSandboxCall in either dialect: its body (a legacy form, with the query's fields,
 * or an online JSON object), its Authorization header, its fields read as text,
 * integers, URLs or JSON and checked as KakaoPay does, the CID, the tid; the error or
 * success body it is answered with; and its entry in the request records and the
 * JSON-lines log.
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <string.h>

#include "kp-codec.h"
#include "kp-error.h"
#include "kp-sandbox-private.h"

/* Answers */

gboolean
_kp_sandbox_call_fail_full (KpSandboxCall *call,
                            guint          http_status,
                            int            code,
                            const char    *method_result_code,
                            const char    *method_result_message,
                            const char    *message)
{
  g_free (call->body);
  call->http_status = http_status;
  call->code = code;
  call->body = _kp_sandbox_error_body (call->dialect, code, message,
                                       method_result_code, method_result_message);
  return FALSE;
}

gboolean
_kp_sandbox_call_fail (KpSandboxCall *call,
                       int            code,
                       const char    *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* INF (kakaopay-api.md §9): every business error is HTTP 400, a bad key 401. */
  return _kp_sandbox_call_fail_full (call, code == KP_CODE_UNAUTHORIZED ? 401 : 400, code,
                                     NULL, NULL, message);
}

gboolean
_kp_sandbox_call_succeed (KpSandboxCall *call,
                          JsonBuilder   *builder)
{
  g_free (call->body);
  call->http_status = 200;
  call->code = 0;
  call->body = _kp_sandbox_builder_to_string (builder);
  return TRUE;
}

/* Fields */

static JsonNode *
call_lookup_node (KpSandboxCall *call,
                  const char    *field)
{
  JsonNode *node;

  if (call->object == NULL || !json_object_has_member (call->object, field))
    return NULL;
  node = json_object_get_member (call->object, field);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* The raw text of a field, without validation (for the request log). */
static const char *
call_peek_string (KpSandboxCall *call,
                  const char    *field)
{
  if (call->dialect == KP_DIALECT_LEGACY)
    return call->form != NULL ? g_hash_table_lookup (call->form, field) : NULL;
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      return node != NULL && node_holds (node, G_TYPE_STRING) ? json_node_get_string (node)
                                                              : NULL;
    }
}

gboolean
_kp_sandbox_call_get_string (KpSandboxCall  *call,
                             const char     *field,
                             gboolean        required,
                             guint           max_chars,
                             const char    **out_value)
{
  const char *value = NULL;

  *out_value = NULL;

  if (call->dialect == KP_DIALECT_LEGACY)
    value = g_hash_table_lookup (call->form, field);
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      if (node == NULL)
        value = NULL;
      else if (node_holds (node, G_TYPE_STRING))
        value = json_node_get_string (node);
      else if (node_holds (node, G_TYPE_INT64))
        {
          /* INF: a number where text is expected (an order id) is taken as its digits. */
          value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          g_ptr_array_add (call->strings, (char *) value);
        }
      else
        return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be a string",
                                      field);
    }

  if (value == NULL || *value == '\0')
    {
      if (required)
        return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is required",
                                      field);
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not valid UTF-8",
                                  field);

  if (max_chars > 0 && g_utf8_strlen (value, -1) > (glong) max_chars)
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s is longer than %u characters", field, max_chars);

  *out_value = value;
  return TRUE;
}

/* Integers come as JSON numbers or numeric strings (the official open-api sample sends
 * strings, kakaopay-api.md §1), and as text in a legacy form. */
gboolean
_kp_sandbox_call_get_int (KpSandboxCall *call,
                          const char    *field,
                          gboolean       required,
                          gint64        *out_value,
                          gboolean      *out_present)
{
  const char *text = NULL;
  gint64 value;

  *out_value = 0;
  if (out_present != NULL)
    *out_present = FALSE;

  if (call->dialect == KP_DIALECT_LEGACY)
    text = g_hash_table_lookup (call->form, field);
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      if (node != NULL && node_holds (node, G_TYPE_INT64))
        {
          *out_value = json_node_get_int (node);
          if (out_present != NULL)
            *out_present = TRUE;
          return TRUE;
        }
      else if (node != NULL && node_holds (node, G_TYPE_STRING))
        text = json_node_get_string (node);
      else if (node != NULL)
        return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                      "%s must be an integer", field);
    }

  if (text == NULL || *text == '\0')
    {
      if (required)
        return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is required",
                                      field);
      return TRUE;
    }

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be an integer",
                                  field);

  *out_value = value;
  if (out_present != NULL)
    *out_present = TRUE;
  return TRUE;
}

gboolean
_kp_sandbox_call_get_url (KpSandboxCall  *call,
                          const char     *field,
                          const char    **out_value)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (!_kp_sandbox_call_get_string (call, field, TRUE, KP_MAX_URL_LENGTH, out_value))
    return FALSE;

  /* The customer's browser is redirected there: a space or a control character (a
   * CR LF would split the Location header) is no URL. */
  for (const char *c = *out_value; *c != '\0'; c++)
    if ((guchar) *c <= 0x20 || *c == 0x7f)
      return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not a valid URL",
                                    field);

  uri = g_uri_parse (*out_value, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (scheme == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s is not an http or https URL", field);

  return TRUE;
}

static gboolean
node_is_string_list (JsonNode     *node,
                     JsonNodeType  type)
{
  g_autoptr (GList) values = NULL;

  if (JSON_NODE_TYPE (node) != type)
    return FALSE;

  if (type == JSON_NODE_ARRAY)
    values = json_array_get_elements (json_node_get_array (node));
  else
    values = json_object_get_values (json_node_get_object (node));

  for (GList *l = values; l != NULL; l = l->next)
    if (!node_holds (l->data, G_TYPE_STRING))
      return FALSE;

  return TRUE;
}

/* available_cards (a list of strings) and custom_json (a string map): JSON in the online
 * body; JSON text as a legacy form value (INF, kakaopay-api.md §4). */
gboolean
_kp_sandbox_call_check_json (KpSandboxCall *call,
                             const char    *field,
                             JsonNodeType   type)
{
  g_autoptr (JsonNode) parsed = NULL;
  JsonNode *node = NULL;
  const char *text = NULL;

  if (call->dialect == KP_DIALECT_LEGACY)
    text = g_hash_table_lookup (call->form, field);
  else
    {
      node = call_lookup_node (call, field);
      if (node != NULL && node_holds (node, G_TYPE_STRING))
        {
          text = json_node_get_string (node);
          node = NULL;
        }
    }

  if (node == NULL && (text == NULL || *text == '\0'))
    return TRUE;

  if (node == NULL)
    {
      parsed = kp_codec_parse_json (text, -1);
      if (parsed == NULL)
        return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not valid JSON",
                                      field);
      node = parsed;
    }

  if (node == NULL || !node_is_string_list (node, type))
    return _kp_sandbox_call_fail (call, KP_CODE_INVALID_PARAMETER,
                                  "%s must be a JSON %s of strings", field,
                                  type == JSON_NODE_ARRAY ? "array" : "object");

  return TRUE;
}

static gboolean
cid_secret_is_valid (const char *cid_secret)
{
  if (strlen (cid_secret) != KP_CID_SECRET_LENGTH)
    return FALSE;
  for (const char *p = cid_secret; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_islower (*p))
      return FALSE;
  return TRUE;
}

/* The CID must be one we know and, after ready, the payment's own. */
gboolean
_kp_sandbox_call_check_cid (KpSandboxCall    *call,
                            const char       *cid,
                            const char       *cid_secret,
                            KpSandboxPayment *payment)
{
  if (!g_hash_table_contains (call->sandbox->cids, cid) ||
      (payment != NULL && strcmp (cid, payment->cid) != 0))
    return _kp_sandbox_call_fail (call, KP_CODE_WRONG_CID, "wrong cid");

  if (cid_secret != NULL && !cid_secret_is_valid (cid_secret))
    return _kp_sandbox_call_fail (call, KP_CODE_WRONG_CID_SECRET, "wrong cid_secret");

  return TRUE;
}

KpSandboxPayment *
_kp_sandbox_call_find_payment (KpSandboxCall *call,
                               const char    *tid)
{
  KpSandboxPayment *payment = g_hash_table_lookup (call->sandbox->payments, tid);

  if (payment == NULL)
    _kp_sandbox_call_fail (call, KP_CODE_UNKNOWN_TID, "tid does not exist");
  return payment;
}

/* The request */

gboolean
_kp_sandbox_call_check_auth (KpSandboxCall *call)
{
  const char *header = soup_message_headers_get_one (call->headers, "Authorization");
  const char *space = header != NULL ? strchr (header, ' ') : NULL;
  g_autofree char *scheme = NULL;
  const char *key = NULL;
  gboolean scheme_ok;

  if (space != NULL)
    {
      scheme = g_strndup (header, space - header);
      key = space;
      while (*key == ' ')
        key++;
    }

  /* HTTP authentication schemes are case-insensitive (RFC 9110). */
  if (scheme == NULL)
    scheme_ok = FALSE;
  else if (call->dialect == KP_DIALECT_ONLINE)
    scheme_ok = g_ascii_strcasecmp (scheme, "SECRET_KEY") == 0 ||
                g_ascii_strcasecmp (scheme, "DEV_SECRET_KEY") == 0;
  else
    scheme_ok = g_ascii_strcasecmp (scheme, "KakaoAK") == 0;

  if (header == NULL)
    return _kp_sandbox_call_fail (call, KP_CODE_UNAUTHORIZED,
                                  "the Authorization header is missing");
  if (!scheme_ok)
    return _kp_sandbox_call_fail (call, KP_CODE_UNAUTHORIZED, "expected Authorization: %s {key}",
                                  call->dialect == KP_DIALECT_ONLINE ? "SECRET_KEY" : "KakaoAK");
  if (g_strcmp0 (key, call->sandbox->secret_key) != 0)
    return _kp_sandbox_call_fail (call, KP_CODE_UNAUTHORIZED, "invalid %s",
                                  call->dialect == KP_DIALECT_ONLINE ? "secret key"
                                                                     : "app admin key");

  return TRUE;
}

static void
copy_fields (GHashTable *to,
             GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (to, g_strdup (key), g_strdup (value));
}

void
_kp_sandbox_call_parse (KpSandboxCall *call,
                        GHashTable    *query)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (call->request_body, &size);

  if (call->dialect == KP_DIALECT_LEGACY)
    {
      /* kapi.kakao.com takes the fields from the query string too, on GET (the early
       * order) and on POST alike; where a field is in both, the body's wins. */
      call->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (query != NULL)
        copy_fields (call->form, query);
      if (!g_str_equal (call->method, "GET") && data != NULL && size > 0)
        {
          g_autofree char *text = g_strndup (data, size);
          g_autoptr (GHashTable) body_form = soup_form_decode (text);

          copy_fields (call->form, body_form);
        }
    }
  else
    {
      g_autoptr (JsonNode) root = kp_codec_parse_json (data, size);

      if (root == NULL)
        {
          call->parse_error = "the body is not valid JSON";
          return;
        }
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          call->parse_error = "the body is not a JSON object";
          return;
        }
      call->object = json_object_ref (json_node_get_object (root));
    }
}

void
_kp_sandbox_call_clear (KpSandboxCall *call)
{
  g_clear_pointer (&call->object, json_object_unref);
  g_clear_pointer (&call->form, g_hash_table_unref);
  g_clear_pointer (&call->strings, g_ptr_array_unref);
  g_clear_pointer (&call->body, g_free);
}

/* The request records and the log */

static char *
redact_authorization (const char *header)
{
  const char *space;

  if (header == NULL)
    return NULL;
  space = strchr (header, ' ');
  if (space == NULL)
    return g_strdup ("[redacted]");
  return g_strdup_printf ("%.*s [redacted]", (int) (space - header), header);
}

static void
add_request_fields (JsonBuilder   *builder,
                    KpSandboxCall *call)
{
  if (call->object != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (call->object);

      json_builder_set_member_name (builder, "request");
      json_builder_begin_object (builder);
      for (GList *l = members; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          if (g_str_equal (l->data, "cid_secret"))
            json_builder_add_string_value (builder, "[redacted]");
          else
            json_builder_add_value (builder,
                                    json_node_copy (json_object_get_member (call->object,
                                                                            l->data)));
        }
      json_builder_end_object (builder);
    }
  else if (call->form != NULL)
    {
      g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (call->form),
                                            (GCompareFunc) strcmp);

      json_builder_set_member_name (builder, "request");
      json_builder_begin_object (builder);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          const char *value = g_hash_table_lookup (call->form, l->data);

          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (builder, g_str_equal (l->data, "cid_secret")
                                                    ? "[redacted]" : value);
        }
      json_builder_end_object (builder);
    }
}

static void
write_log_line (KpSandboxCall *call,
                guint          http_status)
{
  KpSandbox *self = call->sandbox;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GDateTime) now = kp_sandbox_now (self);
  g_autoptr (GError) error = NULL;
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *authorization = NULL;
  g_autofree char *json = NULL;
  GString *line;

  authorization = redact_authorization (soup_message_headers_get_one (call->headers,
                                                                      "Authorization"));

  json_builder_begin_object (builder);
  _kp_sandbox_add_string (builder, "time", time);
  _kp_sandbox_add_string (builder, "method", call->method);
  _kp_sandbox_add_string (builder, "path", call->path);
  _kp_sandbox_add_string (builder, "dialect", kp_dialect_to_string (call->dialect));
  _kp_sandbox_add_string (builder, "endpoint", kp_sandbox_endpoint_to_string (call->endpoint));
  _kp_sandbox_add_string (builder, "authorization", authorization);
  add_request_fields (builder, call);
  _kp_sandbox_add_int (builder, "status", http_status);
  _kp_sandbox_add_int (builder, "code", call->code);
  if (call->fault != KP_SANDBOX_FAULT_NONE)
    _kp_sandbox_add_string (builder, "fault", kp_sandbox_fault_to_string (call->fault));
  json_builder_end_object (builder);

  json = _kp_sandbox_builder_to_string (builder);
  line = g_string_new (json);
  /* Belt and braces: a key sent where it does not belong never reaches the log. */
  if (self->secret_key != NULL && *self->secret_key != '\0')
    g_string_replace (line, self->secret_key, "[redacted]", 0);
  g_string_append_c (line, '\n');

  if (!g_output_stream_write_all (self->log_stream, line->str, line->len, NULL, NULL, &error) ||
      !g_output_stream_flush (self->log_stream, NULL, &error))
    g_warning ("Could not write the request log: %s", error->message);
  g_string_free (line, TRUE);
}

/* @http_status: what the client receives, 0 for a lost reply. */
void
_kp_sandbox_call_record (KpSandboxCall *call,
                         guint          http_status)
{
  KpSandbox *self = call->sandbox;
  KpSandboxRequest *request = g_new0 (KpSandboxRequest, 1);

  request->endpoint = call->endpoint;
  request->dialect = call->dialect;
  request->tid = g_strdup (call_peek_string (call, "tid"));
  request->partner_order_id = g_strdup (call_peek_string (call, "partner_order_id"));
  request->http_status = http_status;
  request->code = call->code;
  request->fault = call->fault;
  g_ptr_array_add (self->requests, request);

  if (self->log_stream != NULL)
    write_log_line (call, http_status);
}
