/* test-sandbox.c: the KakaoPay simulator's contract, over loopback HTTP
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kp-error.h"
#include "kp-payment.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

#define KEY          "DEVSANDBOXTEST00112233445566778899AABBCC"
#define ORDER_ID     "order-1"
#define USER_ID      "user-1"
#define APPROVAL_URL "http://shop.example/kakaopay/approve"
#define CANCEL_URL   "http://shop.example/kakaopay/cancel"
#define FAIL_URL     "http://shop.example/kakaopay/fail"

typedef struct
{
  KpSandbox   *sandbox;
  SoupSession *session;
  char        *base_url;
} Fixture;

/* A reply as the test client saw it. */
typedef struct
{
  guint       status;
  char       *content_type;
  char       *location;
  char       *body;
  JsonObject *object;   /* NULL unless the body is a JSON object */
  GError     *error;    /* transport failure */
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_free (reply->location);
  g_free (reply->body);
  g_clear_pointer (&reply->object, json_object_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static const char * const int_fields[] = {
  "quantity", "total_amount", "tax_free_amount", "vat_amount", "green_deposit",
  "install_month", "cancel_amount", "cancel_tax_free_amount", "cancel_vat_amount",
  "cancel_available_amount", NULL
};

static const char * const json_fields[] = { "available_cards", "custom_json", NULL };

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->sandbox = kp_sandbox_new (KEY);
  g_assert_true (kp_sandbox_listen (f->sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  f->base_url = kp_sandbox_dup_base_url (f->sandbox);
  f->session = kp_test_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_object_unref (f->session);
  g_assert_finalize_object (f->sandbox);
  g_free (f->base_url);
}

/* Fields: a string → string map; NULL values remove. */
static GHashTable *
fields_new (const char *first_name,
            ...)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      g_hash_table_insert (fields, g_strdup (name), g_strdup (value));
      name = va_arg (args, const char *);
    }
  va_end (args);

  return fields;
}

static void
fields_set (GHashTable *fields,
            const char *name,
            const char *value)
{
  if (value == NULL)
    g_hash_table_remove (fields, name);
  else
    g_hash_table_insert (fields, g_strdup (name), g_strdup (value));
}

static GHashTable *
ready_fields (void)
{
  return fields_new ("cid", "TC0ONETIME",
                     "partner_order_id", ORDER_ID,
                     "partner_user_id", USER_ID,
                     "item_name", "아메리카노",
                     "item_code", "AMR-1",
                     "quantity", "2",
                     "total_amount", "12300",
                     "tax_free_amount", "0",
                     "approval_url", APPROVAL_URL,
                     "cancel_url", CANCEL_URL,
                     "fail_url", FAIL_URL,
                     NULL);
}

static const char *
api_path (KpDialect dialect)
{
  return dialect == KP_DIALECT_ONLINE ? "/online/v1/payment/" : "/v1/payment/";
}

static char *
json_body (GHashTable *fields,
           gboolean    numeric_strings)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      if (!numeric_strings && g_strv_contains (int_fields, key) &&
          g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        json_builder_add_int_value (builder, g_ascii_strtoll (value, NULL, 10));
      else if (g_strv_contains (json_fields, key))
        {
          g_autoptr (JsonParser) parser = json_parser_new ();

          g_assert_true (json_parser_load_from_data (parser, value, -1, NULL));
          json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
        }
      else
        json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static Reply *
send_message (Fixture     *f,
              SoupMessage *msg)
{
  Reply *reply = g_new0 (Reply, 1);
  g_autoptr (GBytes) bytes = NULL;
  SoupMessageHeaders *headers;
  g_autoptr (JsonParser) parser = json_parser_new ();

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  bytes = kp_test_http_send (f->session, msg, &reply->error);
  if (bytes == NULL)
    return reply;

  headers = soup_message_get_response_headers (msg);
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->body = g_strndup (g_bytes_get_size (bytes) > 0 ? g_bytes_get_data (bytes, NULL) : "",
                           g_bytes_get_size (bytes));
  if (json_parser_load_from_data (parser, reply->body, -1, NULL) &&
      json_parser_get_root (parser) != NULL &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    reply->object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));

  return reply;
}

/* @authorization: NULL for the dialect's right header, "" for none. */
static Reply *
api_call_full (Fixture    *f,
               KpDialect   dialect,
               const char *endpoint,
               GHashTable *fields,
               const char *authorization,
               gboolean    numeric_strings,
               const char *method)
{
  g_autofree char *uri = NULL;
  g_autofree char *default_auth = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  SoupMessageHeaders *headers;

  uri = g_strconcat (f->base_url, api_path (dialect), endpoint, NULL);

  if (dialect == KP_DIALECT_LEGACY && g_str_equal (method, "GET"))
    {
      g_autofree char *query = soup_form_encode_hash (fields);
      g_autofree char *with_query = g_strconcat (uri, "?", query, NULL);

      msg = soup_message_new ("GET", with_query);
    }
  else if (dialect == KP_DIALECT_LEGACY)
    {
      char *text = soup_form_encode_hash (fields);

      msg = soup_message_new (method, uri);
      body = g_bytes_new_take (text, strlen (text));
      soup_message_set_request_body_from_bytes (msg,
                                                "application/x-www-form-urlencoded;charset=utf-8",
                                                body);
    }
  else
    {
      char *text = json_body (fields, numeric_strings);

      msg = soup_message_new (method, uri);
      body = g_bytes_new_take (text, strlen (text));
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  headers = soup_message_get_request_headers (msg);
  if (authorization == NULL)
    {
      default_auth = g_strdup_printf ("%s %s", dialect == KP_DIALECT_ONLINE ? "SECRET_KEY"
                                                                            : "KakaoAK",
                                      KEY);
      authorization = default_auth;
    }
  if (*authorization != '\0')
    soup_message_headers_replace (headers, "Authorization", authorization);

  return send_message (f, msg);
}

static Reply *
api (Fixture    *f,
     KpDialect   dialect,
     const char *endpoint,
     GHashTable *fields)
{
  return api_call_full (f, dialect, endpoint, fields, NULL, FALSE, "POST");
}

static Reply *
page_get (Fixture    *f,
          const char *url)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  return send_message (f, msg);
}

static Reply *
page_post (Fixture    *f,
           const char *url,
           const char *action,
           const char *method)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GHashTable) form = fields_new ("action", action, NULL);

  if (method != NULL)
    fields_set (form, "method", method);
  msg = soup_message_new_from_encoded_form ("POST", url, soup_form_encode_hash (form));
  return send_message (f, msg);
}

/* Reading replies */

static const char *
member_string (Reply      *reply,
               const char *name)
{
  g_assert_nonnull (reply->object);
  g_assert_true (json_object_has_member (reply->object, name));
  return json_object_get_string_member (reply->object, name);
}

static gint64
object_amount (JsonObject *object,
               const char *name,
               const char *field)
{
  JsonObject *amount;

  g_assert_true (json_object_has_member (object, name));
  amount = json_object_get_object_member (object, name);
  g_assert_true (json_object_has_member (amount, field));
  return json_object_get_int_member (amount, field);
}

static gint64
amount_of (Reply      *reply,
           const char *name,
           const char *field)
{
  g_assert_nonnull (reply->object);
  return object_amount (reply->object, name, field);
}

static void
assert_amount (Reply      *reply,
               const char *name,
               gint64      total,
               gint64      tax_free,
               gint64      vat)
{
  g_assert_cmpint (amount_of (reply, name, "total"), ==, total);
  g_assert_cmpint (amount_of (reply, name, "tax_free"), ==, tax_free);
  g_assert_cmpint (amount_of (reply, name, "vat"), ==, vat);
  g_assert_cmpint (amount_of (reply, name, "point"), ==, 0);
  g_assert_cmpint (amount_of (reply, name, "discount"), ==, 0);
}

/* An error reply in the dialect's shape, with the field named in the message. */
static void
assert_error (Reply      *reply,
              KpDialect   dialect,
              guint       http_status,
              int         code,
              const char *message_part)
{
  gboolean online = dialect == KP_DIALECT_ONLINE;
  const char *message;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, http_status);
  g_assert_cmpstr (reply->content_type, ==, "application/json;charset=UTF-8");
  g_assert_nonnull (reply->object);
  g_assert_cmpint (json_object_get_int_member (reply->object, online ? "error_code" : "code"),
                   ==, code);
  g_assert_false (json_object_has_member (reply->object, online ? "code" : "error_code"));
  g_assert_false (json_object_has_member (reply->object, online ? "msg" : "error_message"));
  message = json_object_get_string_member (reply->object, online ? "error_message" : "msg");
  g_assert_nonnull (message);
  if (message_part != NULL && strstr (message, message_part) == NULL)
    g_error ("error message “%s” does not mention “%s”", message, message_part);
}

static void
assert_extras (Reply      *reply,
               const char *result_code,
               const char *result_message)
{
  JsonObject *extras;

  g_assert_true (json_object_has_member (reply->object, "extras"));
  extras = json_object_get_object_member (reply->object, "extras");
  g_assert_cmpstr (json_object_get_string_member (extras, "method_result_code"), ==, result_code);
  g_assert_cmpstr (json_object_get_string_member (extras, "method_result_message"), ==,
                   result_message);
}

/* An optional member that does not apply: null online, left out in legacy. */
static void
assert_absent (JsonObject *object,
               KpDialect   dialect,
               const char *name)
{
  if (dialect == KP_DIALECT_ONLINE)
    {
      if (!json_object_has_member (object, name))
        g_error ("“%s” is missing; the online dialect sends it as null", name);
      g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, name)));
    }
  else if (json_object_has_member (object, name))
    g_error ("“%s” is present; the legacy dialect leaves it out", name);
}

static void
assert_matches (const char *pattern,
                const char *text)
{
  if (text == NULL || !g_regex_match_simple (pattern, text, 0, 0))
    g_error ("“%s” does not match %s", text, pattern);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in:\n%s", needle, haystack);
}

static void
assert_lacks (const char *haystack,
              const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) != NULL)
    g_error ("“%s” unexpectedly found in:\n%s", needle, haystack);
}

/* Flows */

static char *
do_ready_full (Fixture     *f,
               KpDialect    dialect,
               GHashTable  *fields,
               char       **out_pc_url)
{
  g_autoptr (Reply) reply = api (f, dialect, "ready", fields);

  g_assert_no_error (reply->error);
  if (reply->status != 200)
    g_error ("ready failed: %u %s", reply->status, reply->body);
  if (out_pc_url != NULL)
    *out_pc_url = g_strdup (member_string (reply, "next_redirect_pc_url"));
  return g_strdup (member_string (reply, "tid"));
}

static char *
do_ready (Fixture   *f,
          KpDialect  dialect)
{
  g_autoptr (GHashTable) fields = ready_fields ();

  return do_ready_full (f, dialect, fields, NULL);
}

static char *
token_from_url (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GHashTable) params = NULL;

  g_assert_nonnull (uri);
  g_assert_nonnull (g_uri_get_query (uri));
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, "pg_token"));
}

/* The customer pays in-process; returns the pg_token. */
static char *
customer_pays (Fixture    *f,
               const char *tid,
               const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_PAY,
                                                  method, &error);
  char *pg_token;

  g_assert_no_error (error);
  g_assert_nonnull (url);
  pg_token = token_from_url (url);
  assert_matches ("^[0-9a-f]{20}$", pg_token);
  return pg_token;
}

static GHashTable *
approve_fields (const char *tid,
                const char *pg_token)
{
  return fields_new ("cid", "TC0ONETIME", "tid", tid, "partner_order_id", ORDER_ID,
                     "partner_user_id", USER_ID, "pg_token", pg_token, NULL);
}

static Reply *
do_approve (Fixture    *f,
            KpDialect   dialect,
            const char *tid,
            const char *pg_token)
{
  g_autoptr (GHashTable) fields = approve_fields (tid, pg_token);

  return api (f, dialect, "approve", fields);
}

static Reply *
do_order (Fixture    *f,
          KpDialect   dialect,
          const char *tid)
{
  g_autoptr (GHashTable) fields = fields_new ("cid", "TC0ONETIME", "tid", tid, NULL);

  return api (f, dialect, "order", fields);
}

static Reply *
do_cancel (Fixture    *f,
           KpDialect   dialect,
           const char *tid,
           const char *amount,
           const char *tax_free,
           const char *vat,
           const char *available)
{
  g_autoptr (GHashTable) fields = fields_new ("cid", "TC0ONETIME", "tid", tid,
                                              "cancel_amount", amount,
                                              "cancel_tax_free_amount", tax_free, NULL);

  if (vat != NULL)
    fields_set (fields, "cancel_vat_amount", vat);
  if (available != NULL)
    fields_set (fields, "cancel_available_amount", available);
  return api (f, dialect, "cancel", fields);
}

/* ready with @fields, paid by the customer with @method, approved. */
static char *
paid_payment (Fixture    *f,
              KpDialect   dialect,
              GHashTable *fields,
              const char *method)
{
  g_autofree char *tid = do_ready_full (f, dialect, fields, NULL);
  g_autofree char *pg_token = customer_pays (f, tid, method);
  g_autoptr (Reply) reply = do_approve (f, dialect, tid, pg_token);

  g_assert_cmpuint (reply->status, ==, 200);
  return g_steal_pointer (&tid);
}

static const char *
order_status (Fixture    *f,
              KpDialect   dialect,
              const char *tid)
{
  g_autoptr (Reply) reply = do_order (f, dialect, tid);
  static char status[32];

  g_assert_cmpuint (reply->status, ==, 200);
  g_strlcpy (status, member_string (reply, "status"), sizeof status);
  return status;
}

/* Tests */

static void
test_listen (void)
{
  g_autoptr (KpSandbox) sandbox = kp_sandbox_new (NULL);
  g_autoptr (KpSandbox) wildcard = kp_sandbox_new (NULL);
  g_autoptr (KpSandbox) bad = kp_sandbox_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = kp_test_session_new ();
  g_autofree char *url = NULL;
  g_autofree char *wildcard_url = NULL;
  g_autofree char *order_url = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  guint64 port;

  g_assert_null (kp_sandbox_dup_base_url (sandbox));
  g_assert_cmpuint (kp_sandbox_get_tid_ttl (sandbox), ==, KP_SANDBOX_DEFAULT_TID_TTL);

  g_assert_true (kp_sandbox_listen (sandbox, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  url = kp_sandbox_dup_base_url (sandbox);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_ascii_string_to_unsigned (url + strlen ("http://127.0.0.1:"), 10, 1,
                                             G_MAXUINT16, &port, NULL));

  /* Once only. */
  g_assert_false (kp_sandbox_listen (sandbox, "127.0.0.1", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_false (kp_sandbox_listen (bad, "shop.example", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A wildcard listener is reached through loopback, and serves the default key. */
  g_assert_true (kp_sandbox_listen (wildcard, "0.0.0.0", 0, &error));
  g_assert_no_error (error);
  wildcard_url = kp_sandbox_dup_base_url (wildcard);
  g_assert_true (g_str_has_prefix (wildcard_url, "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (wildcard_url, "/"));
  order_url = g_strconcat (wildcard_url, "/online/v1/payment/order", NULL);
  msg = soup_message_new ("POST", order_url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "SECRET_KEY " KP_SANDBOX_DEFAULT_KEY);
  body = kp_test_http_send (session, msg, &error);
  g_assert_no_error (error);
  /* Authenticated, then refused for the missing body. */
  g_assert_cmpuint (soup_message_get_status (msg), ==, 400);
  assert_contains (g_bytes_get_data (body, NULL), "-2");
}

static void
check_ready_reply (Fixture    *f,
                   KpDialect   dialect,
                   Reply      *reply,
                   const char *pages_base)
{
  g_autoptr (GDateTime) created_at = NULL;
  g_autoptr (GDateTime) now = kp_sandbox_now (f->sandbox);
  const char *pc_url = member_string (reply, "next_redirect_pc_url");
  const char *key;
  g_autofree char *expected = NULL;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "application/json;charset=UTF-8");
  assert_matches ("^T[0-9a-f]{19}$", member_string (reply, "tid"));
  assert_matches ("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
                  member_string (reply, "created_at"));
  created_at = kp_datetime_parse (member_string (reply, "created_at"));
  g_assert_nonnull (created_at);
  g_assert_cmpint (ABS (g_date_time_difference (now, created_at)), <, 5 * G_TIME_SPAN_SECOND);
  g_assert_true (json_object_has_member (reply->object, "tms_result"));
  g_assert_false (json_object_get_boolean_member (reply->object, "tms_result"));

  if (dialect == KP_DIALECT_ONLINE)
    {
      g_autofree char *prefix = g_strconcat (pages_base,
                                             "/mockup/bridge/pc/pg/one-time/payment/", NULL);

      g_assert_true (g_str_has_prefix (pc_url, prefix));
      key = pc_url + strlen (prefix);
      assert_matches ("^[0-9a-f]{64}$", key);
      expected = g_strdup_printf ("%s/mockup/bridge/mobile-web/pg/one-time/payment/%s",
                                  pages_base, key);
      g_assert_cmpstr (member_string (reply, "next_redirect_mobile_url"), ==, expected);
      g_free (expected);
      expected = g_strdup_printf ("%s/mockup/bridge/mobile-app/pg/one-time/payment/%s",
                                  pages_base, key);
      g_assert_cmpstr (member_string (reply, "next_redirect_app_url"), ==, expected);
      g_free (expected);
      expected = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s/pay/mockup/%s",
                                  pages_base, key);
    }
  else
    {
      /* The legacy sample's mockup-pg-web.kakao.com/v1/{id}/info, on the sandbox's host. */
      g_autofree char *prefix = g_strconcat (pages_base, "/mockup/v1/", NULL);
      g_autofree char *found_key = NULL;

      g_assert_true (g_str_has_prefix (pc_url, prefix));
      g_assert_true (g_str_has_suffix (pc_url, "/info"));
      found_key = g_strndup (pc_url + strlen (prefix),
                             strlen (pc_url) - strlen (prefix) - strlen ("/info"));
      assert_matches ("^[0-9a-f]{64}$", found_key);
      expected = g_strdup_printf ("%s/mockup/v1/%s/mInfo", pages_base, found_key);
      g_assert_cmpstr (member_string (reply, "next_redirect_mobile_url"), ==, expected);
      g_free (expected);
      expected = g_strdup_printf ("%s/mockup/v1/%s/aInfo", pages_base, found_key);
      g_assert_cmpstr (member_string (reply, "next_redirect_app_url"), ==, expected);
      g_free (expected);
      expected = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s/mockup/v1/%s/order",
                                  pages_base, found_key);
    }
  g_assert_cmpstr (member_string (reply, "android_app_scheme"), ==, expected);
  g_assert_cmpstr (member_string (reply, "ios_app_scheme"), ==, expected);
}

static void
test_ready (Fixture       *f,
            gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (Reply) reply = api (f, dialect, "ready", fields);
  g_autoptr (Reply) order = NULL;
  g_autoptr (Reply) other_tid = NULL;
  const char *tid;

  check_ready_reply (f, dialect, reply, f->base_url);
  tid = member_string (reply, "tid");
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_READY);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, "T0000000000000000000"), ==,
                   KP_STATUS_UNKNOWN);

  /* The legacy order also answers GET with the fields in the query. */
  if (dialect == KP_DIALECT_LEGACY)
    {
      g_autoptr (GHashTable) order_fields = fields_new ("cid", "TC0ONETIME", "tid", tid, NULL);

      order = api_call_full (f, dialect, "order", order_fields, NULL, FALSE, "GET");
    }
  else
    order = do_order (f, dialect, tid);

  g_assert_cmpuint (order->status, ==, 200);
  g_assert_cmpstr (member_string (order, "status"), ==, "READY");
  g_assert_cmpstr (member_string (order, "tid"), ==, tid);
  g_assert_cmpstr (member_string (order, "cid"), ==, "TC0ONETIME");
  g_assert_cmpstr (member_string (order, "partner_order_id"), ==, ORDER_ID);
  g_assert_cmpstr (member_string (order, "partner_user_id"), ==, USER_ID);
  g_assert_cmpstr (member_string (order, "item_name"), ==, "아메리카노");
  g_assert_cmpstr (member_string (order, "item_code"), ==, "AMR-1");
  g_assert_cmpint (json_object_get_int_member (order->object, "quantity"), ==, 2);
  g_assert_cmpstr (member_string (order, "created_at"), ==, member_string (reply, "created_at"));
  /* 12300 / 11 = 1118.18… */
  assert_amount (order, "amount", 12300, 0, 1118);
  assert_amount (order, "canceled_amount", 0, 0, 0);
  assert_amount (order, "cancel_available_amount", 0, 0, 0);
  /* What does not apply yet is null online, left out in legacy. */
  assert_absent (order->object, dialect, "payment_method_type");
  assert_absent (order->object, dialect, "approved_at");
  assert_absent (order->object, dialect, "canceled_at");
  assert_absent (order->object, dialect, "selected_card_info");
  g_assert_false (json_object_has_member (order->object, "sid"));
  /* Nothing in ready's reply is optional. */
  g_assert_false (json_object_has_member (reply->object, "sid"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (order->object,
                                                                         "payment_action_details")),
                    ==, 0);

  /* Two readies, two tids. */
  other_tid = api (f, dialect, "ready", fields);
  g_assert_cmpstr (member_string (other_tid, "tid"), !=, tid);
}

static void
test_public_url (Fixture       *f,
                 gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (Reply) reply = NULL;
  g_autoptr (Reply) page = NULL;
  g_autofree char *local_url = NULL;
  const char *pc_url;

  kp_sandbox_set_public_url (f->sandbox, "http://192.0.2.7:9999/");
  reply = api (f, dialect, "ready", fields);
  check_ready_reply (f, dialect, reply, "http://192.0.2.7:9999");

  /* The same page answers on the listening address. */
  pc_url = member_string (reply, "next_redirect_pc_url");
  local_url = g_strconcat (f->base_url, pc_url + strlen ("http://192.0.2.7:9999"), NULL);
  page = page_get (f, local_url);
  g_assert_cmpuint (page->status, ==, 200);
  assert_contains (page->body, "id=\"pay\"");
}

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  gboolean online = dialect == KP_DIALECT_ONLINE;
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (GPtrArray) requests = NULL;
  const char *wrong[] = {
    "",                                              /* no header */
    online ? "SECRET_KEY DEVWRONGKEY" : "KakaoAK 0123456789abcdef0123456789abcdef",
    online ? "KakaoAK " KEY : "SECRET_KEY " KEY,     /* the other dialect's scheme */
    KEY,                                             /* no scheme */
    online ? "SECRET_KEY" : "KakaoAK",               /* no key */
  };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr (Reply) reply = api_call_full (f, dialect, "ready", fields, wrong[i], FALSE,
                                               "POST");

      assert_error (reply, dialect, 401, -401, NULL);
      assert_lacks (reply->body, KEY);
    }
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==,
                    G_N_ELEMENTS (wrong));
  requests = kp_sandbox_get_requests (f->sandbox);
  for (guint i = 0; i < requests->len; i++)
    {
      KpSandboxRequest *request = g_ptr_array_index (requests, i);

      g_assert_cmpuint (request->http_status, ==, 401);
      g_assert_cmpint (request->code, ==, -401);
      g_assert_cmpint (request->dialect, ==, dialect);
    }

  if (online)
    {
      /* The official sample's other prefix (kakaopay-api.md §1). */
      g_autoptr (Reply) reply = api_call_full (f, dialect, "ready", fields,
                                               "DEV_SECRET_KEY " KEY, FALSE, "POST");

      g_assert_cmpuint (reply->status, ==, 200);
    }
}

static void
test_ready_validation (Fixture       *f,
                       gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  static const char * const required[] = {
    "cid", "partner_order_id", "partner_user_id", "item_name", "quantity", "total_amount",
    "tax_free_amount", "approval_url", "cancel_url", "fail_url",
  };
  g_autofree char *name_100 = NULL;
  g_autofree char *name_101 = NULL;
  g_autofree char *id_101 = g_strnfill (101, 'x');
  g_autofree char *long_url = NULL;
  g_autofree char *padding = g_strnfill (256 - strlen (APPROVAL_URL "?x="), 'a');
  struct
  {
    const char *field;
    const char *value;
    int         code;
    const char *named;
  } cases[] = {
    { "quantity", "0", -2, "quantity" },
    { "quantity", "2a", -2, "quantity" },
    { "total_amount", "0", -2, "total_amount" },
    { "total_amount", "1.5", -2, "total_amount" },
    { "tax_free_amount", "12301", -2, "tax_free_amount" },
    { "tax_free_amount", "-1", -2, "tax_free_amount" },
    { "vat_amount", "12301", -2, "vat_amount" },
    { "vat_amount", "-1", -2, "vat_amount" },
    { "install_month", "13", -2, "install_month" },
    { "payment_method_type", "CASH", -2, "payment_method_type" },
    { "approval_url", "not a url", -2, "approval_url" },
    { "approval_url", "http://127.0.0.1:9/a\r\nSet-Cookie: x=1", -2, "approval_url" },
    { "fail_url", "http://127.0.0.1:9/f x", -2, "fail_url" },
    { "approval_url", NULL, -2, "approval_url" },   /* long_url, below */
    { "partner_order_id", NULL, -2, "partner_order_id" },  /* id_101 */
    { "item_name", NULL, -2, "item_name" },  /* name_101 */
    { "cid", "TC0ONE", -2, "cid" },
    { "cid", "C123456789", -731, NULL },
    { "cid_secret", "short", -733, NULL },
    { "cid_secret", "ABCDEFGHIJKLMNOPQRSTUVWX", -733, NULL },
  };
  struct
  {
    const char *field;
    const char *value;
  } accepted[] = {
    { "item_name", NULL },  /* name_100: 100 characters, 300 bytes */
    { "cid_secret", "0123456789abcdefghijklmn" },
    { "vat_amount", "0" },
    { "tax_free_amount", "12300" },
    { "install_month", "12" },
    { "payment_method_type", "CARD" },
    { "unknown_field", "ignored" },
    { "cid", "C123456789" },  /* after kp_sandbox_add_cid () */
  };

  {
    GString *name = g_string_new (NULL);

    for (guint i = 0; i < 100; i++)
      g_string_append (name, "가");
    name_100 = g_strdup (name->str);
    g_string_append (name, "가");
    name_101 = g_string_free (name, FALSE);
  }
  long_url = g_strconcat (APPROVAL_URL "?x=", padding, NULL);
  g_assert_cmpuint (strlen (long_url), ==, 256);
  cases[11].value = long_url;
  cases[12].value = id_101;
  cases[13].value = name_101;
  accepted[0].value = name_100;

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) reply = NULL;

      fields_set (fields, required[i], NULL);
      reply = api (f, dialect, "ready", fields);
      assert_error (reply, dialect, 400, -2, required[i]);

      /* Empty is missing too. */
      fields_set (fields, required[i], "");
      g_clear_pointer (&reply, reply_free);
      reply = api (f, dialect, "ready", fields);
      assert_error (reply, dialect, 400, -2, required[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) reply = NULL;

      fields_set (fields, cases[i].field, cases[i].value);
      /* A non-number travels as a string in JSON. */
      reply = api_call_full (f, dialect, "ready", fields, NULL, FALSE, "POST");
      g_test_message ("%s = %s", cases[i].field, cases[i].value);
      assert_error (reply, dialect, 400, cases[i].code, cases[i].named);
    }

  /* Legacy sends available_cards as JSON text; it must be JSON. */
  if (dialect == KP_DIALECT_LEGACY)
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) reply = NULL;
      g_autoptr (Reply) good = NULL;

      fields_set (fields, "available_cards", "HANA,BC");
      reply = api (f, dialect, "ready", fields);
      assert_error (reply, dialect, 400, -2, "available_cards");

      fields_set (fields, "available_cards", "[\"HANA\",\"BC\"]");
      fields_set (fields, "custom_json", "{\"return_custom_url\":\"app://back\"}");
      good = api (f, dialect, "ready", fields);
      g_assert_cmpuint (good->status, ==, 200);
    }
  else
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) reply = NULL;

      fields_set (fields, "available_cards", "[\"HANA\",\"BC\"]");
      fields_set (fields, "custom_json", "{\"return_custom_url\":\"app://back\"}");
      reply = api (f, dialect, "ready", fields);
      g_assert_cmpuint (reply->status, ==, 200);

      fields_set (fields, "custom_json", "[1,2]");
      g_clear_pointer (&reply, reply_free);
      reply = api (f, dialect, "ready", fields);
      assert_error (reply, dialect, 400, -2, "custom_json");
    }

  kp_sandbox_add_cid (f->sandbox, "C123456789");
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) reply = NULL;

      fields_set (fields, accepted[i].field, accepted[i].value);
      reply = api (f, dialect, "ready", fields);
      if (reply->status != 200)
        g_error ("%s = %s refused: %s", accepted[i].field, accepted[i].value, reply->body);
    }
}

static void
test_numeric_strings (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (GHashTable) cancel = NULL;
  g_autoptr (Reply) ready = NULL;
  g_autoptr (Reply) approve = NULL;
  g_autoptr (Reply) cancelled = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (GHashTable) approve_with_total = NULL;
  g_autofree char *pg_token = NULL;
  const char *tid;

  /* The official curl sample sends "quantity": "1" (kakaopay-api.md §1). */
  fields_set (fields, "tax_free_amount", "300");
  fields_set (fields, "vat_amount", "1000");
  ready = api_call_full (f, KP_DIALECT_ONLINE, "ready", fields, NULL, TRUE, "POST");
  g_assert_cmpuint (ready->status, ==, 200);
  tid = member_string (ready, "tid");

  pg_token = customer_pays (f, tid, "MONEY");
  approve_with_total = approve_fields (tid, pg_token);
  fields_set (approve_with_total, "total_amount", "12300");
  approve = api_call_full (f, KP_DIALECT_ONLINE, "approve", approve_with_total, NULL, TRUE,
                           "POST");
  g_assert_cmpuint (approve->status, ==, 200);
  assert_amount (approve, "amount", 12300, 300, 1000);

  cancel = fields_new ("cid", "TC0ONETIME", "tid", tid, "cancel_amount", "1100",
                       "cancel_tax_free_amount", "0", "cancel_available_amount", "12300", NULL);
  cancelled = api_call_full (f, KP_DIALECT_ONLINE, "cancel", cancel, NULL, TRUE, "POST");
  g_assert_cmpuint (cancelled->status, ==, 200);
  assert_amount (cancelled, "approved_cancel_amount", 1100, 0, 100);

  order = do_order (f, KP_DIALECT_ONLINE, tid);
  /* Numbers come back as numbers. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (order->object, "quantity")),
                   ==, G_TYPE_INT64);
  assert_amount (order, "cancel_available_amount", 11200, 300, 900);
}

static void
test_flow_card (Fixture       *f,
                gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (GHashTable) approve = NULL;
  g_autofree char *pc_url = NULL;
  g_autofree char *tid = NULL;
  g_autofree char *pg_token = NULL;
  g_autoptr (Reply) page = NULL;
  g_autoptr (Reply) select = NULL;
  g_autoptr (Reply) pay = NULL;
  g_autoptr (Reply) approved = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (GDateTime) created_at = NULL;
  g_autoptr (GDateTime) approved_at = NULL;
  JsonObject *card_info, *selected, *action;
  JsonArray *actions;

  fields_set (fields, "install_month", "3");
  tid = do_ready_full (f, dialect, fields, &pc_url);

  /* Opening the page. */
  page = page_get (f, pc_url);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "OPEN_PAYMENT");

  /* Choosing a method: the optional inline script's request. */
  select = page_post (f, pc_url, "select", "CARD");
  g_assert_cmpuint (select->status, ==, 303);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SELECT_METHOD);
  g_clear_pointer (&order, reply_free);
  order = do_order (f, dialect, tid);
  g_assert_cmpstr (member_string (order, "status"), ==, "SELECT_METHOD");
  g_assert_cmpstr (member_string (order, "payment_method_type"), ==, "CARD");

  pay = page_post (f, pc_url, "pay", "CARD");
  g_assert_cmpuint (pay->status, ==, 303);
  g_assert_true (g_str_has_prefix (pay->location, APPROVAL_URL "?pg_token="));
  pg_token = token_from_url (pay->location);
  assert_matches ("^[0-9a-f]{20}$", pg_token);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "AUTH_PASSWORD");

  approve = approve_fields (tid, pg_token);
  fields_set (approve, "payload", "receipt #1");
  approved = api (f, dialect, "approve", approve);
  g_assert_cmpuint (approved->status, ==, 200);
  assert_matches ("^A[0-9a-f]{19}$", member_string (approved, "aid"));
  g_assert_cmpstr (member_string (approved, "tid"), ==, tid);
  g_assert_cmpstr (member_string (approved, "cid"), ==, "TC0ONETIME");
  g_assert_cmpstr (member_string (approved, "partner_order_id"), ==, ORDER_ID);
  g_assert_cmpstr (member_string (approved, "partner_user_id"), ==, USER_ID);
  g_assert_cmpstr (member_string (approved, "payment_method_type"), ==, "CARD");
  g_assert_cmpstr (member_string (approved, "item_name"), ==, "아메리카노");
  g_assert_cmpstr (member_string (approved, "item_code"), ==, "AMR-1");
  g_assert_cmpstr (member_string (approved, "payload"), ==, "receipt #1");
  assert_absent (approved->object, dialect, "sid");
  assert_absent (approved->object, dialect, "sequential_payment_methods");
  g_assert_cmpint (json_object_get_int_member (approved->object, "quantity"), ==, 2);
  assert_amount (approved, "amount", 12300, 0, 1118);
  g_assert_cmpint (amount_of (approved, "amount", "green_deposit"), ==, 0);
  created_at = kp_datetime_parse (member_string (approved, "created_at"));
  approved_at = kp_datetime_parse (member_string (approved, "approved_at"));
  g_assert_nonnull (created_at);
  g_assert_nonnull (approved_at);
  g_assert_cmpint (g_date_time_compare (created_at, approved_at), <=, 0);

  card_info = json_object_get_object_member (approved->object, "card_info");
  g_assert_nonnull (card_info);
  g_assert_cmpstr (json_object_get_string_member (card_info, "kakaopay_purchase_corp"), ==,
                   "비씨카드");
  g_assert_cmpstr (json_object_get_string_member (card_info, "kakaopay_purchase_corp_code"), ==,
                   "104");
  g_assert_cmpstr (json_object_get_string_member (card_info, "kakaopay_issuer_corp"), ==,
                   "수협은행");
  g_assert_cmpstr (json_object_get_string_member (card_info, "kakaopay_issuer_corp_code"), ==,
                   "212");
  g_assert_cmpstr (json_object_get_string_member (card_info, "bin"), ==, "621640");
  g_assert_cmpstr (json_object_get_string_member (card_info, "install_month"), ==, "03");
  g_assert_cmpstr (json_object_get_string_member (card_info, "card_mid"), ==, "123456789");
  g_assert_cmpstr (json_object_get_string_member (card_info, "interest_free_install"), ==, "N");
  g_assert_cmpstr (json_object_get_string_member (card_info, "installment_type"), ==,
                   "CARD_INSTALLMENT");
  assert_matches ("^[0-9]{8}$", json_object_get_string_member (card_info, "approved_id"));

  g_clear_pointer (&order, reply_free);
  order = do_order (f, dialect, tid);
  g_assert_cmpstr (member_string (order, "status"), ==, "SUCCESS_PAYMENT");
  g_assert_cmpstr (member_string (order, "approved_at"), ==,
                   member_string (approved, "approved_at"));
  assert_absent (order->object, dialect, "canceled_at");
  assert_amount (order, "cancel_available_amount", 12300, 0, 1118);
  selected = json_object_get_object_member (order->object, "selected_card_info");
  g_assert_nonnull (selected);
  g_assert_cmpstr (json_object_get_string_member (selected, "card_bin"), ==, "621640");
  g_assert_cmpint (json_object_get_int_member (selected, "install_month"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (selected, "installment_type"), ==,
                   "CARD_INSTALLMENT");
  g_assert_cmpstr (json_object_get_string_member (selected, "card_corp_name"), ==, "비씨카드");
  g_assert_cmpstr (json_object_get_string_member (selected, "interest_free_install"), ==, "N");

  actions = json_object_get_array_member (order->object, "payment_action_details");
  g_assert_cmpuint (json_array_get_length (actions), ==, 1);
  action = json_array_get_object_element (actions, 0);
  g_assert_cmpstr (json_object_get_string_member (action, "aid"), ==,
                   member_string (approved, "aid"));
  g_assert_cmpstr (json_object_get_string_member (action, "approved_at"), ==,
                   member_string (approved, "approved_at"));
  g_assert_cmpint (json_object_get_int_member (action, "amount"), ==, 12300);
  g_assert_cmpint (json_object_get_int_member (action, "point_amount"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (action, "discount_amount"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (action, "green_deposit"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (action, "payment_action_type"), ==, "PAYMENT");
  g_assert_cmpstr (json_object_get_string_member (action, "payment_method_type"), ==, "CARD");
  g_assert_cmpstr (json_object_get_string_member (action, "payload"), ==, "receipt #1");
}

static void
test_flow_money (Fixture       *f,
                 gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *pg_token = customer_pays (f, tid, NULL);
  g_autoptr (Reply) approved = do_approve (f, dialect, tid, pg_token);
  g_autoptr (Reply) order = NULL;
  JsonArray *actions;

  g_assert_cmpuint (approved->status, ==, 200);
  g_assert_cmpstr (member_string (approved, "payment_method_type"), ==, "MONEY");
  assert_absent (approved->object, dialect, "card_info");
  assert_absent (approved->object, dialect, "sid");
  assert_absent (approved->object, dialect, "sequential_payment_methods");
  /* No payload sent, none echoed. */
  assert_absent (approved->object, dialect, "payload");

  order = do_order (f, dialect, tid);
  g_assert_cmpstr (member_string (order, "status"), ==, "SUCCESS_PAYMENT");
  g_assert_cmpstr (member_string (order, "payment_method_type"), ==, "MONEY");
  assert_absent (order->object, dialect, "selected_card_info");
  actions = json_object_get_array_member (order->object, "payment_action_details");
  g_assert_cmpuint (json_array_get_length (actions), ==, 1);
  assert_absent (json_array_get_object_element (actions, 0), dialect, "payload");
}

/* ready without item_code: null online wherever it is echoed. */
static void
test_item_code_absent (Fixture       *f,
                       gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *tid = NULL;
  g_autofree char *pg_token = NULL;
  g_autoptr (Reply) approved = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (Reply) cancelled = NULL;

  fields_set (fields, "item_code", NULL);
  tid = do_ready_full (f, dialect, fields, NULL);
  order = do_order (f, dialect, tid);
  assert_absent (order->object, dialect, "item_code");

  pg_token = customer_pays (f, tid, "MONEY");
  approved = do_approve (f, dialect, tid, pg_token);
  g_assert_cmpuint (approved->status, ==, 200);
  assert_absent (approved->object, dialect, "item_code");

  cancelled = do_cancel (f, dialect, tid, "1000", "0", NULL, NULL);
  g_assert_cmpuint (cancelled->status, ==, 200);
  assert_absent (cancelled->object, dialect, "item_code");
  assert_absent (cancelled->object, dialect, "payload");
  g_assert_true (json_object_has_member (cancelled->object, "canceled_at"));
}

static void
test_page_content (Fixture       *f,
                   gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (Reply) ready = NULL;
  g_autoptr (Reply) page = NULL;
  g_autofree char *action = NULL;
  const char *urls[] = { "next_redirect_pc_url", "next_redirect_mobile_url",
                         "next_redirect_app_url" };
  g_autoptr (GUri) pc_uri = NULL;

  fields_set (fields, "item_name", "<b>Tea & \"Cake\"</b>");
  ready = api (f, dialect, "ready", fields);
  g_assert_cmpuint (ready->status, ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr (Reply) other = page_get (f, member_string (ready, urls[i]));

      g_assert_cmpuint (other->status, ==, 200);
      assert_contains (other->body, "id=\"pay\"");
    }

  /* The scheme's page, and nothing outside the documented shapes. */
  {
    const char *scheme = member_string (ready, "android_app_scheme");
    const char *pc_url = member_string (ready, "next_redirect_pc_url");
    const char *page_url = strstr (scheme, "?url=") + strlen ("?url=");
    g_autoptr (Reply) scheme_page = page_get (f, page_url);
    g_autofree char *key_path = NULL;
    g_autoptr (Reply) bare = NULL;

    g_assert_cmpuint (scheme_page->status, ==, 200);
    assert_contains (scheme_page->body, "id=\"pay\"");
    if (dialect == KP_DIALECT_LEGACY)
      {
        /* /mockup/v1/{key}/info without /mockup is not a page. */
        key_path = g_strconcat (f->base_url, pc_url + strlen (f->base_url) + strlen ("/mockup"),
                                NULL);
        g_assert_true (g_str_has_prefix (key_path, f->base_url));
        bare = page_get (f, key_path);
        g_assert_cmpuint (bare->status, ==, 404);
      }
  }

  page = page_get (f, member_string (ready, "next_redirect_pc_url"));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_true (g_str_has_prefix (page->content_type, "text/html"));
  assert_contains (page->body, "&lt;b&gt;Tea &amp; &quot;Cake&quot;&lt;/b&gt;");
  assert_lacks (page->body, "<b>Tea");
  assert_contains (page->body, "12,300원");
  assert_contains (page->body, "₩12,300");
  assert_contains (page->body, "TC0ONETIME");
  assert_contains (page->body, ">2<");
  /* Korean and English side by side. */
  assert_contains (page->body, "결제하기");
  assert_contains (page->body, "Pay");
  /* The method choice, MONEY by default, and the three buttons in one form. */
  assert_matches ("<input[^>]*id=\"method-money\"[^>]*value=\"MONEY\"[^>]*checked",
                  page->body);
  assert_matches ("<input[^>]*id=\"method-card\"[^>]*value=\"CARD\"", page->body);
  assert_contains (page->body, "value=\"CARD\"><span>");
  assert_matches ("id=\"pay\" name=\"action\" value=\"pay\"", page->body);
  assert_matches ("id=\"cancel\" name=\"action\" value=\"cancel\"", page->body);
  assert_matches ("id=\"fail\" name=\"action\" value=\"fail\"", page->body);
  pc_uri = g_uri_parse (member_string (ready, "next_redirect_pc_url"), G_URI_FLAGS_NONE, NULL);
  action = g_strdup_printf ("<form class=\"card\" id=\"payment-form\" method=\"post\" "
                            "action=\"%s\">", g_uri_get_path (pc_uri));
  assert_contains (page->body, action);
  {
    const char *form = strstr (page->body, "<form");
    const char *form_end = strstr (page->body, "</form>");
    const char *pay = strstr (page->body, "id=\"pay\"");
    const char *fail = strstr (page->body, "id=\"fail\"");

    g_assert_true (form < pay && fail < form_end);
    g_assert_null (strstr (form_end + 1, "<form"));
  }
  /* Self-contained: nothing fetched from elsewhere. */
  assert_lacks (page->body, "src=\"http");
  assert_lacks (page->body, "href=\"http");
  assert_lacks (page->body, "<link");
  assert_contains (page->body, "min-height: 56px");
}

static void
test_page_restricted_method (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *pc_url = NULL;
  g_autofree char *tid = NULL;
  g_autoptr (Reply) page = NULL;
  g_autoptr (Reply) pay = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  fields_set (fields, "payment_method_type", "CARD");
  tid = do_ready_full (f, KP_DIALECT_ONLINE, fields, &pc_url);
  page = page_get (f, pc_url);
  assert_matches ("<input[^>]*id=\"method-money\"[^>]*disabled", page->body);
  assert_matches ("<input[^>]*id=\"method-card\"[^>]*checked", page->body);

  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_PAY, "MONEY", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (url);

  /* A refused choice over HTTP changes nothing. */
  pay = page_post (f, pc_url, "pay", "MONEY");
  g_assert_cmpuint (pay->status, ==, 409);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_OPEN_PAYMENT);
}

static void
test_page_redirects (Fixture       *f,
                     gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  struct
  {
    const char *action;
    const char *expected_status;
    KpStatus    status;
    const char *location;
    const char *message;
  } endings[] = {
    { "cancel", "QUIT_PAYMENT", KP_STATUS_QUIT_PAYMENT, CANCEL_URL, "You cancelled" },
    { "fail", "FAIL_AUTH_PASSWORD", KP_STATUS_FAIL_AUTH_PASSWORD, FAIL_URL,
      "authentication failed" },
  };
  g_autofree char *unknown = NULL;
  g_autoptr (Reply) missing = NULL;

  /* approval_url with and without a query of its own. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autofree char *pc_url = NULL;
      g_autofree char *tid = NULL;
      g_autofree char *pg_token = NULL;
      g_autofree char *expected = NULL;
      g_autoptr (Reply) pay = NULL;
      g_autoptr (Reply) again = NULL;
      g_autoptr (Reply) approved = NULL;
      g_autoptr (Reply) after = NULL;
      const char *approval = i == 0 ? APPROVAL_URL : APPROVAL_URL "/o-1?n=00%2Fff#top";

      fields_set (fields, "approval_url", approval);
      tid = do_ready_full (f, dialect, fields, &pc_url);
      pay = page_post (f, pc_url, "pay", NULL);
      g_assert_no_error (pay->error);
      g_assert_cmpuint (pay->status, ==, 303);
      pg_token = token_from_url (pay->location);
      assert_matches ("^[0-9a-f]{20}$", pg_token);
      expected = i == 0 ? g_strdup_printf (APPROVAL_URL "?pg_token=%s", pg_token)
                        : g_strdup_printf (APPROVAL_URL "/o-1?n=00%%2Fff&pg_token=%s#top",
                                           pg_token);
      g_assert_cmpstr (pay->location, ==, expected);
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_AUTH_PASSWORD);

      /* The page no longer takes a payment, and offers the way back. */
      again = page_post (f, pc_url, "pay", NULL);
      g_assert_cmpuint (again->status, ==, 409);
      assert_lacks (again->body, "id=\"pay\"");
      assert_contains (again->body, "id=\"continue\"");

      approved = do_approve (f, dialect, tid, pg_token);
      g_assert_cmpuint (approved->status, ==, 200);
      after = page_get (f, pc_url);
      g_assert_cmpuint (after->status, ==, 200);
      assert_lacks (after->body, "id=\"pay\"");
      assert_lacks (after->body, "<form");
      assert_contains (after->body, "Payment complete");
    }

  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      g_autofree char *pc_url = NULL;
      g_autofree char *tid = NULL;
      g_autoptr (GHashTable) fields = ready_fields ();
      g_autoptr (Reply) open = NULL;
      g_autoptr (Reply) end = NULL;
      g_autoptr (Reply) after = NULL;
      g_autoptr (Reply) late = NULL;

      tid = do_ready_full (f, dialect, fields, &pc_url);
      open = page_get (f, pc_url);
      end = page_post (f, pc_url, endings[i].action, "MONEY");
      g_assert_cmpuint (end->status, ==, 303);
      /* No parameters on cancel_url and fail_url. */
      g_assert_cmpstr (end->location, ==, endings[i].location);
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, endings[i].status);
      g_assert_cmpstr (order_status (f, dialect, tid), ==, endings[i].expected_status);

      after = page_get (f, pc_url);
      g_assert_cmpuint (after->status, ==, 200);
      assert_lacks (after->body, "id=\"pay\"");
      assert_lacks (after->body, "id=\"cancel\"");
      assert_contains (after->body, endings[i].message);
      /* Opening it again does not revive it. */
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, endings[i].status);

      late = page_post (f, pc_url, "pay", NULL);
      g_assert_cmpuint (late->status, ==, 409);
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, endings[i].status);
    }

  unknown = g_strdup_printf ("%s/mockup/bridge/pc/pg/one-time/payment/%064d", f->base_url, 0);
  missing = page_get (f, unknown);
  g_assert_cmpuint (missing->status, ==, 404);
  assert_contains (missing->body, "does not exist");
  assert_lacks (missing->body, "id=\"pay\"");
}

static void
test_approve_errors (Fixture       *f,
                     gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *pg_token = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  struct
  {
    const char *field;
    const char *value;
    int         code;
  } mismatches[] = {
    { "tid", "T0000000000000000000", -721 },
    { "cid", "TCSUBSCRIP", -731 },
    { "cid_secret", "bad", -733 },
    { "partner_order_id", "order-2", -706 },
    { "partner_user_id", "user-2", -707 },
    { "pg_token", "00000000000000000000", -708 },
    { "total_amount", "12299", -704 },
    { "pg_token", NULL, -2 },
  };

  /* Before the customer authenticated: READY, OPEN_PAYMENT, SELECT_METHOD. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (Reply) reply = do_approve (f, dialect, tid, "00000000000000000000");

      assert_error (reply, dialect, 400, -701, NULL);
      if (i == 0)
        redirect = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_OPEN, NULL,
                                            &error);
      else
        redirect = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SELECT_METHOD,
                                            "MONEY", &error);
      g_assert_no_error (error);
      g_assert_null (redirect);
    }

  pg_token = customer_pays (f, tid, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (mismatches); i++)
    {
      g_autoptr (GHashTable) fields = approve_fields (tid, pg_token);
      g_autoptr (Reply) reply = NULL;

      fields_set (fields, mismatches[i].field, mismatches[i].value);
      reply = api (f, dialect, "approve", fields);
      g_test_message ("%s = %s", mismatches[i].field, mismatches[i].value);
      assert_error (reply, dialect, 400, mismatches[i].code, NULL);
      /* None of them changed anything. */
      g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_AUTH_PASSWORD);
    }

  {
    g_autoptr (GHashTable) fields = approve_fields (tid, pg_token);
    g_autoptr (Reply) ok = NULL;
    g_autoptr (Reply) twice = NULL;
    g_autoptr (Reply) after_cancel = NULL;
    g_autoptr (Reply) cancelled = NULL;

    fields_set (fields, "total_amount", "12300");
    ok = api (f, dialect, "approve", fields);
    g_assert_cmpuint (ok->status, ==, 200);

    twice = api (f, dialect, "approve", fields);
    assert_error (twice, dialect, 400, -702, NULL);

    cancelled = do_cancel (f, dialect, tid, "12300", "0", NULL, NULL);
    g_assert_cmpuint (cancelled->status, ==, 200);
    after_cancel = api (f, dialect, "approve", fields);
    assert_error (after_cancel, dialect, 400, -702, NULL);
  }

  /* After the customer quit or failed: -783. */
  for (KpSandboxAction action = KP_SANDBOX_ACTION_CANCEL; action <= KP_SANDBOX_ACTION_FAIL;
       action++)
    {
      g_autofree char *ended = do_ready (f, dialect);
      g_autofree char *url = kp_sandbox_customer_act (f->sandbox, ended, action, NULL, &error);
      g_autoptr (Reply) reply = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (url);
      reply = do_approve (f, dialect, ended, "00000000000000000000");
      assert_error (reply, dialect, 400, -783, NULL);
    }
}

static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *pc_url = NULL;
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *tid = NULL;
  g_autofree char *pg_token = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *url = NULL;
  g_autoptr (Reply) approve = NULL;
  g_autoptr (Reply) page = NULL;
  g_autoptr (Reply) before = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) start = kp_sandbox_now (f->sandbox);
  g_autoptr (GDateTime) later = NULL;

  kp_sandbox_set_tid_ttl (f->sandbox, 600);
  g_assert_cmpuint (kp_sandbox_get_tid_ttl (f->sandbox), ==, 600);
  tid = do_ready_full (f, dialect, fields, &pc_url);
  waiting = do_ready (f, dialect);
  pg_token = customer_pays (f, tid, NULL);

  /* Within the TTL nothing happens. */
  kp_sandbox_advance_clock (f->sandbox, 590);
  before = do_order (f, dialect, waiting);
  g_assert_cmpstr (member_string (before, "status"), ==, "READY");
  later = kp_sandbox_now (f->sandbox);
  g_assert_cmpint (g_date_time_difference (later, start), >=, 590 * G_TIME_SPAN_SECOND);

  kp_sandbox_advance_clock (f->sandbox, 11);
  approve = do_approve (f, dialect, tid, pg_token);
  assert_error (approve, dialect, 400, -723, NULL);

  /* INF: an expired tid reports QUIT_PAYMENT. */
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "QUIT_PAYMENT");
  g_assert_cmpstr (order_status (f, dialect, waiting), ==, "QUIT_PAYMENT");
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, waiting), ==, KP_STATUS_QUIT_PAYMENT);

  page = page_get (f, pc_url);
  assert_contains (page->body, "expired");
  assert_lacks (page->body, "id=\"pay\"");

  url = kp_sandbox_customer_act (f->sandbox, waiting, KP_SANDBOX_ACTION_PAY, NULL, &error);
  g_assert_null (url);
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_REJECTED);
  g_assert_cmpint (kp_api_error_get_code (error), ==, -723);
}

static void
test_order_errors (Fixture       *f,
                   gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autoptr (Reply) unknown = do_order (f, dialect, "T0000000000000000000");
  g_autoptr (GHashTable) wrong_cid = fields_new ("cid", "TCSUBSCRIP", "tid", tid, NULL);
  g_autoptr (GHashTable) no_tid = fields_new ("cid", "TC0ONETIME", NULL);
  g_autoptr (Reply) cid = api (f, dialect, "order", wrong_cid);
  g_autoptr (Reply) missing = api (f, dialect, "order", no_tid);
  g_autoptr (Reply) no_path = NULL;
  g_autofree char *bad_path = g_strconcat (f->base_url, api_path (dialect), "status", NULL);

  assert_error (unknown, dialect, 400, -721, NULL);
  assert_error (cid, dialect, 400, -731, NULL);
  assert_error (missing, dialect, 400, -2, "tid");

  /* The same CID added to the sandbox is still not this payment's. */
  kp_sandbox_add_cid (f->sandbox, "TCSUBSCRIP");
  g_clear_pointer (&cid, reply_free);
  cid = api (f, dialect, "order", wrong_cid);
  assert_error (cid, dialect, 400, -731, NULL);

  no_path = page_get (f, bad_path);
  g_assert_cmpuint (no_path->status, ==, 404);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *tid = NULL;
  g_autofree char *unpaid = NULL;
  g_autoptr (Reply) partial = NULL;
  g_autoptr (Reply) full = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (Reply) reply = NULL;
  g_autoptr (GHashTable) cancel_fields = NULL;
  JsonArray *actions;

  /* 12300 with 2300 tax-free: VAT (10000 / 11) = 909. */
  fields_set (fields, "tax_free_amount", "2300");
  tid = paid_payment (f, dialect, fields, "CARD");
  unpaid = do_ready (f, dialect);

  reply = do_cancel (f, dialect, unpaid, "1000", "0", NULL, NULL);
  assert_error (reply, dialect, 400, -784, NULL);
  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, "T0000000000000000000", "1000", "0", NULL, NULL);
  assert_error (reply, dialect, 400, -721, NULL);
  g_clear_pointer (&reply, reply_free);
  cancel_fields = fields_new ("cid", "C123456789", "tid", tid, "cancel_amount", "1000",
                              "cancel_tax_free_amount", "0", NULL);
  reply = api (f, dialect, "cancel", cancel_fields);
  assert_error (reply, dialect, 400, -731, NULL);

  {
    struct
    {
      const char *amount, *tax_free, *vat, *available;
      int code;
    } refused[] = {
      { "0", "0", NULL, NULL, -2 },
      { "-5", "0", NULL, NULL, -2 },
      { "1000", "-1", NULL, NULL, -2 },
      { "1000", "1001", NULL, NULL, -2 },
      { "1000", "0", "1001", NULL, -2 },
      { "12301", "0", "0", NULL, -710 },
      { "5000", "2301", "0", NULL, -710 },
      /* INF: the sandbox's own reading of a cancel_available_amount mismatch. */
      { "5000", "0", NULL, "12000", -710 },
      { "1000", "0", "1000", NULL, -710 },  /* more VAT than is left (909) */
    };

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_clear_pointer (&reply, reply_free);
        reply = do_cancel (f, dialect, tid, refused[i].amount, refused[i].tax_free,
                           refused[i].vat, refused[i].available);
        g_test_message ("cancel %s/%s/%s (available %s)", refused[i].amount,
                        refused[i].tax_free, refused[i].vat, refused[i].available);
        assert_error (reply, dialect, 400, refused[i].code, NULL);
      }
  }
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SUCCESS_PAYMENT);

  /* 5000 with 1000 tax-free: VAT by the rule, (4000 / 11 = 363.6) → 364. */
  partial = do_cancel (f, dialect, tid, "5000", "1000", NULL, "12300");
  g_assert_cmpuint (partial->status, ==, 200);
  assert_matches ("^A[0-9a-f]{19}$", member_string (partial, "aid"));
  g_assert_cmpstr (member_string (partial, "tid"), ==, tid);
  g_assert_cmpstr (member_string (partial, "cid"), ==, "TC0ONETIME");
  g_assert_cmpstr (member_string (partial, "status"), ==, "PART_CANCEL_PAYMENT");
  g_assert_cmpstr (member_string (partial, "partner_order_id"), ==, ORDER_ID);
  g_assert_cmpstr (member_string (partial, "partner_user_id"), ==, USER_ID);
  g_assert_cmpstr (member_string (partial, "payment_method_type"), ==, "CARD");
  g_assert_cmpstr (member_string (partial, "item_name"), ==, "아메리카노");
  g_assert_cmpint (json_object_get_int_member (partial->object, "quantity"), ==, 2);
  g_assert_nonnull (member_string (partial, "created_at"));
  g_assert_nonnull (member_string (partial, "approved_at"));
  g_assert_nonnull (member_string (partial, "canceled_at"));
  assert_amount (partial, "amount", 12300, 2300, 909);
  assert_amount (partial, "approved_cancel_amount", 5000, 1000, 364);
  assert_amount (partial, "canceled_amount", 5000, 1000, 364);
  assert_amount (partial, "cancel_available_amount", 7300, 1300, 545);

  /* Over what is left, in total, tax-free part or VAT. */
  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, tid, "7301", "0", NULL, NULL);
  assert_error (reply, dialect, 400, -710, NULL);
  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, tid, "7000", "1301", NULL, NULL);
  assert_error (reply, dialect, 400, -710, NULL);
  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, tid, "7000", "0", "546", NULL);
  assert_error (reply, dialect, 400, -710, NULL);
  /* A stale idea of what is left. */
  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, tid, "7300", "1300", "545", "12300");
  assert_error (reply, dialect, 400, -710, NULL);

  full = do_cancel (f, dialect, tid, "7300", "1300", "545", "7300");
  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpstr (member_string (full, "status"), ==, "CANCEL_PAYMENT");
  assert_amount (full, "approved_cancel_amount", 7300, 1300, 545);
  assert_amount (full, "canceled_amount", 12300, 2300, 909);
  assert_amount (full, "cancel_available_amount", 0, 0, 0);
  g_assert_cmpstr (member_string (full, "aid"), !=, member_string (partial, "aid"));

  g_clear_pointer (&reply, reply_free);
  reply = do_cancel (f, dialect, tid, "1", "0", NULL, NULL);
  assert_error (reply, dialect, 400, -784, NULL);

  order = do_order (f, dialect, tid);
  g_assert_cmpstr (member_string (order, "status"), ==, "CANCEL_PAYMENT");
  g_assert_cmpstr (member_string (order, "canceled_at"), ==, member_string (full, "canceled_at"));
  assert_amount (order, "canceled_amount", 12300, 2300, 909);
  assert_amount (order, "cancel_available_amount", 0, 0, 0);
  actions = json_object_get_array_member (order->object, "payment_action_details");
  g_assert_cmpuint (json_array_get_length (actions), ==, 3);
  {
    const char *types[] = { "PAYMENT", "CANCEL", "CANCEL" };
    gint64 amounts[] = { 12300, 5000, 7300 };
    const char *aids[] = { NULL, member_string (partial, "aid"), member_string (full, "aid") };

    for (guint i = 0; i < 3; i++)
      {
        JsonObject *action = json_array_get_object_element (actions, i);

        g_assert_cmpstr (json_object_get_string_member (action, "payment_action_type"), ==,
                         types[i]);
        g_assert_cmpint (json_object_get_int_member (action, "amount"), ==, amounts[i]);
        g_assert_cmpstr (json_object_get_string_member (action, "payment_method_type"), ==,
                         "CARD");
        if (aids[i] != NULL)
          g_assert_cmpstr (json_object_get_string_member (action, "aid"), ==, aids[i]);
      }
  }
}

static void
test_cancel_green_deposit (Fixture       *f,
                           gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *tid = NULL;
  g_autoptr (Reply) partial = NULL;
  g_autoptr (Reply) full = NULL;

  fields_set (fields, "green_deposit", "500");
  tid = paid_payment (f, dialect, fields, "MONEY");

  /* INF: a cup deposit forbids partial cancels (S6); refused with -784. */
  partial = do_cancel (f, dialect, tid, "1000", "0", NULL, NULL);
  assert_error (partial, dialect, 400, -784, NULL);

  full = do_cancel (f, dialect, tid, "12300", "0", NULL, NULL);
  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpint (amount_of (full, "canceled_amount", "green_deposit"), ==, 500);
  g_assert_cmpint (amount_of (full, "amount", "green_deposit"), ==, 500);
}

static void
test_fault_delay (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *tid = do_ready (f, KP_DIALECT_ONLINE);
  g_autoptr (Reply) slow = NULL;
  g_autoptr (Reply) fast = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  KpSandboxRequest *request;
  gint64 start;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_DELAY, 1, 400);
  start = g_get_monotonic_time ();
  slow = do_order (f, KP_DIALECT_ONLINE, tid);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  g_assert_cmpuint (slow->status, ==, 200);
  g_assert_cmpstr (member_string (slow, "status"), ==, "READY");

  fast = do_order (f, KP_DIALECT_ONLINE, tid);
  g_assert_cmpuint (fast->status, ==, 200);

  requests = kp_sandbox_get_requests (f->sandbox);
  g_assert_cmpuint (requests->len, ==, 3);
  request = g_ptr_array_index (requests, 1);
  g_assert_cmpint (request->fault, ==, KP_SANDBOX_FAULT_DELAY);
  g_assert_cmpuint (request->http_status, ==, 200);
  request = g_ptr_array_index (requests, 2);
  g_assert_cmpint (request->fault, ==, KP_SANDBOX_FAULT_NONE);
}

static void
test_fault_http_500 (Fixture       *f,
                     gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *pg_token = customer_pays (f, tid, NULL);
  g_autoptr (Reply) failed = NULL;
  g_autoptr (Reply) second = NULL;
  g_autoptr (Reply) unauthorized = NULL;
  g_autoptr (Reply) ok = NULL;
  g_autoptr (GHashTable) fields = approve_fields (tid, pg_token);

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_HTTP_500,
                           2, 0);
  failed = do_approve (f, dialect, tid, pg_token);
  g_assert_cmpuint (failed->status, ==, 500);
  g_assert_true (g_str_has_prefix (failed->content_type, "text/html"));
  g_assert_null (failed->object);
  /* Not processed. */
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_AUTH_PASSWORD);

  /* Faults come after authentication: a refused key does not use one up. */
  unauthorized = api_call_full (f, dialect, "approve", fields, "", FALSE, "POST");
  assert_error (unauthorized, dialect, 401, -401, NULL);

  second = do_approve (f, dialect, tid, pg_token);
  g_assert_cmpuint (second->status, ==, 500);

  ok = do_approve (f, dialect, tid, pg_token);
  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SUCCESS_PAYMENT);
}

static void
test_fault_malformed (Fixture       *f,
                      gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *pg_token = customer_pays (f, tid, NULL);
  g_autoptr (Reply) reply = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE,
                           KP_SANDBOX_FAULT_MALFORMED_JSON, 1, 0);
  reply = do_approve (f, dialect, tid, pg_token);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "application/json;charset=UTF-8");
  g_assert_true (g_str_has_prefix (reply->body, "{\""));
  g_assert_false (json_parser_load_from_data (parser, reply->body, -1, NULL));
  /* Processed all the same. */
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SUCCESS_PAYMENT);
}

static void
test_fault_drop (Fixture       *f,
                 gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *pg_token = customer_pays (f, tid, NULL);
  g_autoptr (Reply) dropped = NULL;
  g_autoptr (Reply) again = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  KpSandboxRequest *request;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DROP_REPLY,
                           1, 0);
  /* On the connection that carried ready: the client must not quietly re-send. */
  dropped = do_approve (f, dialect, tid, pg_token);

  g_assert_nonnull (dropped->error);
  g_assert_null (dropped->body);
  /* The sandbox approved it: only the reply was lost. */
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SUCCESS_PAYMENT);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  requests = kp_sandbox_get_requests (f->sandbox);
  request = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpint (request->endpoint, ==, KP_SANDBOX_ENDPOINT_APPROVE);
  g_assert_cmpint (request->fault, ==, KP_SANDBOX_FAULT_DROP_REPLY);
  g_assert_cmpuint (request->http_status, ==, 0);
  g_assert_cmpint (request->code, ==, 0);

  again = do_approve (f, dialect, tid, pg_token);
  assert_error (again, dialect, 400, -702, NULL);
}

static void
test_fault_decline (Fixture       *f,
                    gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *declined = do_ready (f, dialect);
  g_autofree char *declined_token = customer_pays (f, declined, "CARD");
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *paid = NULL;
  g_autoptr (Reply) approve = NULL;
  g_autoptr (Reply) retry = NULL;
  g_autoptr (Reply) cancel = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  KpSandboxRequest *request;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE, KP_SANDBOX_FAULT_DECLINE, 1, 0);
  approve = do_approve (f, dialect, declined, declined_token);
  assert_error (approve, dialect, 400, -780, NULL);
  assert_extras (approve, "USER_LOCKED", "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.");
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, declined), ==, KP_STATUS_FAIL_PAYMENT);
  retry = do_approve (f, dialect, declined, declined_token);
  assert_error (retry, dialect, 400, -783, NULL);

  paid = paid_payment (f, dialect, fields, "MONEY");
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_DECLINE, 1, 0);
  cancel = do_cancel (f, dialect, paid, "1000", "0", NULL, NULL);
  assert_error (cancel, dialect, 400, -781, NULL);
  assert_extras (cancel, "6666", "원거래없음");

  /* Nothing changed. */
  order = do_order (f, dialect, paid);
  g_assert_cmpstr (member_string (order, "status"), ==, "SUCCESS_PAYMENT");
  assert_amount (order, "canceled_amount", 0, 0, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (order->object,
                                                                         "payment_action_details")),
                    ==, 1);

  requests = kp_sandbox_get_requests (f->sandbox);
  request = g_ptr_array_index (requests, requests->len - 2);
  g_assert_cmpint (request->endpoint, ==, KP_SANDBOX_ENDPOINT_CANCEL);
  g_assert_cmpint (request->fault, ==, KP_SANDBOX_FAULT_DECLINE);
  g_assert_cmpint (request->code, ==, -781);
  g_assert_cmpuint (request->http_status, ==, 400);
}

static void
test_fault_clear (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *tid = do_ready (f, KP_DIALECT_ONLINE);
  g_autoptr (Reply) reply = NULL;

  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_HTTP_500,
                           10, 0);
  reply = do_order (f, KP_DIALECT_ONLINE, tid);
  g_assert_cmpuint (reply->status, ==, 500);

  kp_sandbox_clear_faults (f->sandbox);
  g_clear_pointer (&reply, reply_free);
  reply = do_order (f, KP_DIALECT_ONLINE, tid);
  g_assert_cmpuint (reply->status, ==, 200);

  /* A fault on one endpoint leaves the others alone. */
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL, KP_SANDBOX_FAULT_HTTP_500,
                           1, 0);
  g_clear_pointer (&reply, reply_free);
  reply = do_order (f, KP_DIALECT_ONLINE, tid);
  g_assert_cmpuint (reply->status, ==, 200);
}

/* The sandbox goes away while it holds a delayed reply. */
static void
test_fault_dispose (void)
{
  KpSandbox *sandbox = kp_sandbox_new (KEY);
  g_autoptr (SoupSession) session = kp_test_session_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  KpTestAsync async = { NULL };

  g_assert_true (kp_sandbox_listen (sandbox, "127.0.0.1", 0, &error));
  base = kp_sandbox_dup_base_url (sandbox);
  url = g_strconcat (base, "/online/v1/payment/order", NULL);
  kp_sandbox_inject_fault (sandbox, KP_SANDBOX_ENDPOINT_ORDER, KP_SANDBOX_FAULT_DELAY, 1, 10000);

  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "SECRET_KEY " KEY);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    kp_test_async_cb, &async);
  while (kp_sandbox_count_requests (sandbox, KP_SANDBOX_ENDPOINT_ORDER) == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_finalize_object (sandbox);
  result = kp_test_async_wait (&async);
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
}

static void
test_requests (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *tid = do_ready (f, KP_DIALECT_ONLINE);
  g_autofree char *legacy_tid = do_ready (f, KP_DIALECT_LEGACY);
  g_autofree char *pg_token = customer_pays (f, tid, NULL);
  g_autoptr (Reply) approve = do_approve (f, KP_DIALECT_ONLINE, tid, "00000000000000000000");
  g_autoptr (Reply) order = do_order (f, KP_DIALECT_LEGACY, legacy_tid);
  g_autoptr (GPtrArray) requests = kp_sandbox_get_requests (f->sandbox);
  g_autoptr (GPtrArray) after_clear = NULL;
  g_autoptr (KpSandboxRequest) copy = NULL;
  KpSandboxRequest *request;

  g_assert_cmpuint (requests->len, ==, 4);
  request = g_ptr_array_index (requests, 0);
  g_assert_cmpint (request->endpoint, ==, KP_SANDBOX_ENDPOINT_READY);
  g_assert_cmpint (request->dialect, ==, KP_DIALECT_ONLINE);
  g_assert_null (request->tid);
  g_assert_cmpstr (request->partner_order_id, ==, ORDER_ID);
  g_assert_cmpuint (request->http_status, ==, 200);
  g_assert_cmpint (request->code, ==, 0);
  g_assert_cmpint (request->fault, ==, KP_SANDBOX_FAULT_NONE);

  request = g_ptr_array_index (requests, 1);
  g_assert_cmpint (request->dialect, ==, KP_DIALECT_LEGACY);

  request = g_ptr_array_index (requests, 2);
  g_assert_cmpint (request->endpoint, ==, KP_SANDBOX_ENDPOINT_APPROVE);
  g_assert_cmpstr (request->tid, ==, tid);
  g_assert_cmpstr (request->partner_order_id, ==, ORDER_ID);
  g_assert_cmpuint (request->http_status, ==, 400);
  g_assert_cmpint (request->code, ==, -708);

  request = g_ptr_array_index (requests, 3);
  g_assert_cmpint (request->endpoint, ==, KP_SANDBOX_ENDPOINT_ORDER);
  g_assert_cmpint (request->dialect, ==, KP_DIALECT_LEGACY);
  g_assert_cmpstr (request->tid, ==, legacy_tid);
  g_assert_null (request->partner_order_id);

  copy = kp_sandbox_request_copy (request);
  g_assert_cmpstr (copy->tid, ==, legacy_tid);
  g_assert_true (copy->tid != request->tid);

  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 2);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_APPROVE), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER), ==, 1);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_CANCEL), ==, 0);
  g_assert_cmpstr (kp_sandbox_endpoint_to_string (KP_SANDBOX_ENDPOINT_CANCEL), ==, "cancel");

  /* Page visits are not API calls. */
  g_assert_cmpuint (requests->len, ==, 4);

  kp_sandbox_clear_requests (f->sandbox);
  after_clear = kp_sandbox_get_requests (f->sandbox);
  g_assert_cmpuint (after_clear->len, ==, 0);
  g_assert_cmpuint (kp_sandbox_count_requests (f->sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 0);
  /* The earlier copy is still whole. */
  g_assert_cmpuint (requests->len, ==, 4);
  g_assert_cmpstr (((KpSandboxRequest *) g_ptr_array_index (requests, 2))->tid, ==, tid);
}

static void
test_log_stream (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GOutputStream) log = g_memory_output_stream_new_resizable ();
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *text = NULL;
  g_autofree char *tid = NULL;
  g_autofree char *legacy_tid = NULL;
  g_autoptr (Reply) wrong = NULL;
  g_autoptr (Reply) order = NULL;
  g_auto (GStrv) lines = NULL;
  const char *expected_auth[] = { "SECRET_KEY [redacted]", "KakaoAK [redacted]",
                                  "SECRET_KEY [redacted]", "KakaoAK [redacted]" };
  const char *expected_endpoint[] = { "ready", "ready", "approve", "order" };
  guint expected_status[] = { 200, 200, 401, 200 };
  gint64 expected_code[] = { 0, 0, -401, 0 };

  kp_sandbox_set_log_stream (f->sandbox, log);

  fields_set (fields, "cid_secret", "0123456789abcdefghijklmn");
  /* A confused client puts the key in the body: the log still does not show it. */
  fields_set (fields, "memo", "key " KEY);
  tid = do_ready_full (f, KP_DIALECT_ONLINE, fields, NULL);
  legacy_tid = do_ready_full (f, KP_DIALECT_LEGACY, fields, NULL);
  {
    g_autoptr (GHashTable) approve = approve_fields (tid, "00000000000000000000");

    wrong = api_call_full (f, KP_DIALECT_ONLINE, "approve", approve,
                           "SECRET_KEY " KEY "-but-wrong", FALSE, "POST");
    assert_error (wrong, KP_DIALECT_ONLINE, 401, -401, NULL);
  }
  order = do_order (f, KP_DIALECT_LEGACY, legacy_tid);

  g_assert_true (g_output_stream_close (log, NULL, NULL));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (log)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (log)));

  /* The key appears nowhere, nor does the CID secret. */
  assert_lacks (text, KEY);
  assert_lacks (text, "0123456789abcdefghijklmn");
  g_assert_true (g_str_has_suffix (text, "\n"));

  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[4], ==, "");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *line, *request;
      g_autoptr (GDateTime) time = NULL;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      line = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (line, "method"), ==, "POST");
      g_assert_cmpstr (json_object_get_string_member (line, "dialect"), ==,
                       i % 2 == 0 ? "online" : "legacy");
      g_assert_cmpstr (json_object_get_string_member (line, "endpoint"), ==,
                       expected_endpoint[i]);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (line, "path"),
                                       expected_endpoint[i]));
      g_assert_cmpstr (json_object_get_string_member (line, "authorization"), ==,
                       expected_auth[i]);
      g_assert_cmpint (json_object_get_int_member (line, "status"), ==, expected_status[i]);
      g_assert_cmpint (json_object_get_int_member (line, "code"), ==, expected_code[i]);
      time = g_date_time_new_from_iso8601 (json_object_get_string_member (line, "time"), NULL);
      g_assert_nonnull (time);

      request = json_object_get_object_member (line, "request");
      g_assert_nonnull (request);
      g_assert_cmpstr (json_object_get_string_member (request, "cid"), ==, "TC0ONETIME");
      g_assert_false (json_object_has_member (request, "authorization"));
      if (i < 2)
        {
          g_assert_cmpstr (json_object_get_string_member (request, "partner_order_id"), ==,
                           ORDER_ID);
          g_assert_cmpstr (json_object_get_string_member (request, "cid_secret"), ==,
                           "[redacted]");
        }
    }
}

/* POST /v1/payment/... with the fields in the query string (kapi.kakao.com accepts it). */
static Reply *
post_with_query (Fixture    *f,
                 KpDialect   dialect,
                 const char *endpoint,
                 GHashTable *query_fields,
                 GHashTable *body_fields)
{
  g_autofree char *query = soup_form_encode_hash (query_fields);
  g_autofree char *uri = g_strconcat (f->base_url, api_path (dialect), endpoint, "?", query,
                                      NULL);
  g_autofree char *authorization = g_strdup_printf ("%s %s",
                                                    dialect == KP_DIALECT_ONLINE ? "SECRET_KEY"
                                                                                 : "KakaoAK",
                                                    KEY);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", uri);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  if (body_fields != NULL)
    {
      char *text = soup_form_encode_hash (body_fields);
      g_autoptr (GBytes) body = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (msg,
                                                "application/x-www-form-urlencoded;charset=utf-8",
                                                body);
    }
  return send_message (f, msg);
}

static void
test_legacy_query_post (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autoptr (GHashTable) order_fields = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GHashTable) body = NULL;
  g_autoptr (Reply) ready = NULL;
  g_autoptr (Reply) order = NULL;
  g_autoptr (Reply) mixed = NULL;
  g_autoptr (Reply) mixed_order = NULL;
  g_autoptr (Reply) online = NULL;

  /* Everything in the query, an empty body. */
  fields_set (fields, "item_name", "초코파이 & 우유");
  ready = post_with_query (f, KP_DIALECT_LEGACY, "ready", fields, NULL);
  g_assert_no_error (ready->error);
  if (ready->status != 200)
    g_error ("ready with the fields in the query: %u %s", ready->status, ready->body);
  order_fields = fields_new ("cid", "TC0ONETIME", "tid", member_string (ready, "tid"), NULL);
  order = post_with_query (f, KP_DIALECT_LEGACY, "order", order_fields, NULL);
  g_assert_cmpuint (order->status, ==, 200);
  g_assert_cmpstr (member_string (order, "item_name"), ==, "초코파이 & 우유");
  g_assert_cmpstr (member_string (order, "partner_order_id"), ==, ORDER_ID);

  /* Split between the two; the body wins where both have a field. */
  query = ready_fields ();
  fields_set (query, "partner_order_id", "from-query");
  fields_set (query, "total_amount", "1");
  body = fields_new ("partner_order_id", "from-body", "total_amount", "5500", NULL);
  mixed = post_with_query (f, KP_DIALECT_LEGACY, "ready", query, body);
  g_assert_cmpuint (mixed->status, ==, 200);
  g_hash_table_replace (order_fields, g_strdup ("tid"), g_strdup (member_string (mixed, "tid")));
  mixed_order = post_with_query (f, KP_DIALECT_LEGACY, "order", order_fields, NULL);
  g_assert_cmpuint (mixed_order->status, ==, 200);
  g_assert_cmpstr (member_string (mixed_order, "partner_order_id"), ==, "from-body");
  g_assert_cmpint (amount_of (mixed_order, "amount", "total"), ==, 5500);

  /* The online dialect reads its JSON body only. */
  online = post_with_query (f, KP_DIALECT_ONLINE, "ready", fields, NULL);
  assert_error (online, KP_DIALECT_ONLINE, 400, -2, NULL);
}

static void
test_fault_sparse_actions (Fixture       *f,
                           gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autoptr (GHashTable) fields = ready_fields ();
  g_autofree char *tid = paid_payment (f, dialect, fields, "CARD");
  g_autoptr (Reply) cancelled = do_cancel (f, dialect, tid, "1000", "0", NULL, NULL);
  g_autoptr (Reply) sparse = NULL;
  g_autoptr (Reply) full = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  KpSandboxRequest *last;
  JsonArray *actions;

  g_assert_cmpuint (cancelled->status, ==, 200);
  kp_sandbox_inject_fault (f->sandbox, KP_SANDBOX_ENDPOINT_ORDER,
                           KP_SANDBOX_FAULT_SPARSE_ACTIONS, 1, 0);
  sparse = do_order (f, dialect, tid);
  g_assert_cmpuint (sparse->status, ==, 200);
  g_assert_cmpstr (member_string (sparse, "status"), ==, "PART_CANCEL_PAYMENT");
  g_assert_cmpstr (member_string (sparse, "payment_method_type"), ==, "CARD");
  g_assert_cmpint (amount_of (sparse, "canceled_amount", "total"), ==, 1000);
  actions = json_object_get_array_member (sparse->object, "payment_action_details");
  g_assert_cmpuint (json_array_get_length (actions), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *entry = json_array_get_object_element (actions, i);
      g_autoptr (GList) members = json_object_get_members (entry);

      /* Left out, in either dialect, as the real reply did: not null. */
      g_assert_cmpuint (g_list_length (members), ==, 5);
      assert_matches ("^A[0-9a-f]{19}$", json_object_get_string_member (entry, "aid"));
      g_assert_nonnull (json_object_get_string_member (entry, "approved_at"));
      g_assert_cmpint (json_object_get_int_member (entry, "point_amount"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (entry, "discount_amount"), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (entry, "payment_action_type"), ==,
                       i == 0 ? "PAYMENT" : "CANCEL");
    }

  requests = kp_sandbox_get_requests (f->sandbox);
  last = g_ptr_array_index (requests, requests->len - 1);
  g_assert_cmpint (last->fault, ==, KP_SANDBOX_FAULT_SPARSE_ACTIONS);
  g_assert_cmpstr (kp_sandbox_fault_to_string (last->fault), ==, "sparse-actions");

  /* Once only. */
  full = do_order (f, dialect, tid);
  actions = json_object_get_array_member (full->object, "payment_action_details");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (actions, 1),
                                               "amount"), ==, 1000);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (actions, 1),
                                                  "payment_method_type"), ==, "CARD");
}

/* Every status KakaoPay documents for a one-time payment before approval (§8), as order
 * reports it: SEND_TMS and ARS_WAITING included. */
static void
test_customer_tms_ars (Fixture       *f,
                       gconstpointer  data)
{
  KpDialect dialect = GPOINTER_TO_INT (data);
  g_autofree char *tid = do_ready (f, dialect);
  g_autofree char *other = do_ready (f, dialect);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr (Reply) approved = NULL;
  g_autoptr (Reply) ars_order = NULL;

  g_assert_cmpstr (order_status (f, dialect, tid), ==, "READY");
  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SEND_TMS, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (url);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SEND_TMS);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "SEND_TMS");

  /* The customer opens the message on the phone. */
  kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "OPEN_PAYMENT");
  kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SELECT_METHOD, "CARD", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "SELECT_METHOD");

  /* Too late for the message now. */
  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SEND_TMS, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SELECT_METHOD);

  kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_ARS, NULL, &error);
  g_assert_no_error (error);
  ars_order = do_order (f, dialect, tid);
  g_assert_cmpstr (member_string (ars_order, "status"), ==, "ARS_WAITING");
  g_assert_cmpstr (member_string (ars_order, "payment_method_type"), ==, "CARD");

  /* Still waiting for the customer: approve is refused, the page still takes the payment. */
  {
    g_autoptr (Reply) early = do_approve (f, dialect, tid, "00000000000000000000");

    assert_error (early, dialect, 400, KP_CODE_NOT_AUTHENTICATED, NULL);
  }
  g_clear_pointer (&url, g_free);
  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_PAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order_status (f, dialect, tid), ==, "AUTH_PASSWORD");
  {
    g_autofree char *pg_token = token_from_url (url);

    approved = do_approve (f, dialect, tid, pg_token);
  }
  g_assert_cmpuint (approved->status, ==, 200);
  g_assert_cmpstr (member_string (approved, "payment_method_type"), ==, "CARD");

  /* SEND_TMS straight to ARS_WAITING, then giving up. */
  kp_sandbox_customer_act (f->sandbox, other, KP_SANDBOX_ACTION_SEND_TMS, NULL, &error);
  g_assert_no_error (error);
  kp_sandbox_customer_act (f->sandbox, other, KP_SANDBOX_ACTION_ARS, "MONEY", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order_status (f, dialect, other), ==, "ARS_WAITING");
  g_clear_pointer (&url, g_free);
  url = kp_sandbox_customer_act (f->sandbox, other, KP_SANDBOX_ACTION_CANCEL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, CANCEL_URL);
  g_assert_cmpstr (order_status (f, dialect, other), ==, "QUIT_PAYMENT");
}

static void
test_customer_act (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *tid = do_ready (f, KP_DIALECT_ONLINE);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cancel_url = NULL;

  url = kp_sandbox_customer_act (f->sandbox, "T0000000000000000000", KP_SANDBOX_ACTION_OPEN,
                                 NULL, &error);
  g_assert_null (url);
  g_assert_error (error, KP_API_ERROR, KP_API_ERROR_REJECTED);
  g_assert_cmpint (kp_api_error_get_code (error), ==, -721);
  g_clear_error (&error);

  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SELECT_METHOD, "CASH", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_READY);

  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_OPEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (url);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_OPEN_PAYMENT);

  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_SELECT_METHOD, "CARD", &error);
  g_assert_no_error (error);
  g_assert_null (url);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SELECT_METHOD);

  /* PAY keeps the method chosen before. */
  url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_PAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, APPROVAL_URL "?pg_token="));
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_AUTH_PASSWORD);
  {
    g_autofree char *pg_token = token_from_url (url);
    g_autoptr (Reply) approved = do_approve (f, KP_DIALECT_ONLINE, tid, pg_token);

    g_assert_cmpstr (member_string (approved, "payment_method_type"), ==, "CARD");
  }

  cancel_url = kp_sandbox_customer_act (f->sandbox, tid, KP_SANDBOX_ACTION_CANCEL, NULL, &error);
  g_assert_null (cancel_url);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpint (kp_sandbox_get_status (f->sandbox, tid), ==, KP_STATUS_SUCCESS_PAYMENT);
}

/* kp_sandbox_handle (): the same answers without a server, as the fuzzer drives it. */
static void
test_in_process (void)
{
  g_autoptr (KpSandbox) sandbox = kp_sandbox_new (KEY);
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (KpSandboxReply) ready = NULL;
  g_autoptr (KpSandboxReply) page = NULL;
  g_autoptr (KpSandboxReply) no_action = NULL;
  g_autoptr (KpSandboxReply) empty_form = NULL;
  g_autoptr (KpSandboxReply) wrong_method = NULL;
  g_autoptr (KpSandboxReply) unauthorized = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  const char *pc_url;
  static const char json[] =
    "{\"cid\":\"TC0ONETIME\",\"partner_order_id\":\"" ORDER_ID "\","
    "\"partner_user_id\":\"" USER_ID "\",\"item_name\":\"Tea\",\"quantity\":1,"
    "\"total_amount\":1100,\"tax_free_amount\":0,"
    "\"approval_url\":\"" APPROVAL_URL "\",\"cancel_url\":\"" CANCEL_URL "\","
    "\"fail_url\":\"" FAIL_URL "\"}";

  body = g_bytes_new_static (json, strlen (json));
  unauthorized = kp_sandbox_handle (sandbox, "POST", "/online/v1/payment/ready", NULL, headers,
                                    body);
  g_assert_cmpuint (unauthorized->status, ==, 401);

  soup_message_headers_replace (headers, "Authorization", "SECRET_KEY " KEY);
  ready = kp_sandbox_handle (sandbox, "POST", "/online/v1/payment/ready", NULL, headers, body);
  g_assert_cmpuint (ready->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (ready->headers, NULL), ==,
                   "application/json");
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (ready->body, NULL),
                                             g_bytes_get_size (ready->body), &error));
  g_assert_no_error (error);
  pc_url = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                          "next_redirect_pc_url");
  g_assert_true (g_str_has_prefix (pc_url, "http://127.0.0.1/"));
  g_assert_cmpuint (kp_sandbox_count_requests (sandbox, KP_SANDBOX_ENDPOINT_READY), ==, 2);

  page = kp_sandbox_handle (sandbox, "GET", pc_url + strlen ("http://127.0.0.1"), NULL, headers,
                            NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (page->headers, "Cache-Control"), ==,
                   "no-store");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page->body, NULL),
                                  g_bytes_get_size (page->body), "Tea"));

  /* No body at all: an empty form, not a missing one. */
  no_action = kp_sandbox_handle (sandbox, "POST", pc_url + strlen ("http://127.0.0.1"), NULL,
                                 headers, NULL);
  g_assert_cmpuint (no_action->status, ==, 400);
  soup_message_headers_replace (headers, "Authorization", "KakaoAK " KEY);
  empty_form = kp_sandbox_handle (sandbox, "POST", "/v1/payment/ready", NULL, headers, NULL);
  g_assert_cmpuint (empty_form->status, ==, 400);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (empty_form->body, NULL),
                                  g_bytes_get_size (empty_form->body), "is required"));

  wrong_method = kp_sandbox_handle (sandbox, "PUT", "/v1/payment/order", NULL, headers, NULL);
  g_assert_cmpuint (wrong_method->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (wrong_method->headers, "Allow"), ==,
                   "GET, POST");
}

static void
add_dialect_test (const char *name,
                  void (*func) (Fixture *, gconstpointer))
{
  for (KpDialect d = KP_DIALECT_ONLINE; d <= KP_DIALECT_LEGACY; d++)
    {
      g_autofree char *path = g_strdup_printf ("/kp/sandbox/%s/%s", kp_dialect_to_string (d),
                                               name);

      g_test_add (path, Fixture, GINT_TO_POINTER (d), fixture_set_up, func, fixture_tear_down);
    }
}

static void
add_test (const char *name,
          void (*func) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/kp/sandbox/%s", name);

  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/sandbox/listen", test_listen);
  add_dialect_test ("ready", test_ready);
  add_dialect_test ("public-url", test_public_url);
  add_dialect_test ("auth", test_auth);
  add_dialect_test ("ready-validation", test_ready_validation);
  add_test ("numeric-strings", test_numeric_strings);
  add_dialect_test ("flow-card", test_flow_card);
  add_dialect_test ("flow-money", test_flow_money);
  add_dialect_test ("item-code-absent", test_item_code_absent);
  add_dialect_test ("page-content", test_page_content);
  add_test ("page-restricted-method", test_page_restricted_method);
  add_dialect_test ("page-redirects", test_page_redirects);
  add_dialect_test ("approve-errors", test_approve_errors);
  add_dialect_test ("expiry", test_expiry);
  add_dialect_test ("order-errors", test_order_errors);
  add_dialect_test ("cancel", test_cancel);
  add_dialect_test ("cancel-green-deposit", test_cancel_green_deposit);
  add_test ("fault-delay", test_fault_delay);
  add_dialect_test ("fault-http-500", test_fault_http_500);
  add_dialect_test ("fault-malformed", test_fault_malformed);
  add_dialect_test ("fault-drop", test_fault_drop);
  add_dialect_test ("fault-decline", test_fault_decline);
  add_test ("fault-clear", test_fault_clear);
  g_test_add_func ("/kp/sandbox/fault-dispose", test_fault_dispose);
  add_test ("requests", test_requests);
  add_test ("log-stream", test_log_stream);
  add_test ("customer-act", test_customer_act);
  add_dialect_test ("customer-tms-ars", test_customer_tms_ars);
  g_test_add ("/kp/sandbox/legacy/query-post", Fixture, GINT_TO_POINTER (KP_DIALECT_LEGACY),
              fixture_set_up, test_legacy_query_post, fixture_tear_down);
  add_dialect_test ("fault-sparse-actions", test_fault_sparse_actions);
  g_test_add_func ("/kp/sandbox/in-process", test_in_process);

  return g_test_run ();
}
