/* main.c: the kakaopay-sandbox program
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kakaopay-sandbox"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kp-address.h"
#include "kp-codec.h"
#include "kp-error.h"
#include "kp-sandbox.h"

#define DEFAULT_LISTEN   "127.0.0.1:8765"
#define CONTROL_PREFIX   "/_sandbox"
#define CONTROL_MAX_BODY (64 * 1024)

/* --log-requests takes an optional PATH: without one the lines go to stdout. */
static gboolean log_requests;
static char *log_requests_path;

static gboolean
on_log_requests_cb (const char  *option_name,
                    const char  *value,
                    gpointer     data,
                    GError     **error)
{
  log_requests = TRUE;
  g_free (log_requests_path);
  log_requests_path = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  return TRUE;
}

/* The control interface (--control): test-only, on the API's own address. */

static void
control_reply (SoupServerMessage *msg,
               guint              status,
               JsonBuilder       *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  char *body;
  gsize length;

  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json;charset=UTF-8", SOUP_MEMORY_TAKE,
                                    body, length);
}

static void
control_fail (SoupServerMessage *msg,
              guint              status,
              const char        *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  control_reply (msg, status, builder);
}

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The parameters of a control request, as text: the query, then a form-encoded or
 * JSON object body (strings, numbers and booleans). */
static GHashTable *
control_params (SoupServerMessage  *msg,
                GHashTable         *query,
                GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (params, g_strdup (key), g_strdup (value));
    }

  if (size == 0)
    return g_steal_pointer (&params);
  if (size > CONTROL_MAX_BODY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "body too large");
      return NULL;
    }

  if (g_strcmp0 (content_type, "application/json") == 0 ||
      (content_type == NULL && data[0] == '{'))
    {
      g_autoptr (JsonNode) root = kp_codec_parse_json (data, size);
      g_autoptr (GList) members = NULL;
      JsonObject *object;

      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "the body is not a JSON object");
          return NULL;
        }
      object = json_node_get_object (root);
      members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, l->data);
          char *text;

          if (!JSON_NODE_HOLDS_VALUE (node))
            continue;
          switch (json_node_get_value_type (node))
            {
            case G_TYPE_STRING:
              text = g_strdup (json_node_get_string (node));
              break;
            case G_TYPE_INT64:
              text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
              break;
            case G_TYPE_DOUBLE:
              text = g_strdup_printf ("%.0f", json_node_get_double (node));
              break;
            case G_TYPE_BOOLEAN:
              text = g_strdup (json_node_get_boolean (node) ? "true" : "false");
              break;
            default:
              continue;
            }
          g_hash_table_replace (params, g_strdup (l->data), text);
        }
    }
  else
    {
      g_autofree char *text = g_strndup (data, size);
      g_autoptr (GHashTable) form = soup_form_decode (text);

      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (params, g_strdup (key), g_strdup (value));
    }

  return g_steal_pointer (&params);
}

static gboolean
param_uint (GHashTable  *params,
            const char  *name,
            guint64      fallback,
            guint64      max,
            guint64     *out_value,
            GError     **error)
{
  const char *text = g_hash_table_lookup (params, name);

  *out_value = fallback;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, out_value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s must be a whole number from 0 to %" G_GUINT64_FORMAT, name, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_endpoint (const char        *text,
                KpSandboxEndpoint *out_endpoint)
{
  for (guint i = 0; i < KP_SANDBOX_N_ENDPOINTS; i++)
    if (g_strcmp0 (text, kp_sandbox_endpoint_to_string (i)) == 0)
      {
        *out_endpoint = i;
        return TRUE;
      }
  return FALSE;
}

/* A word of the control interface and the value it stands for. */
typedef struct
{
  const char *name;
  int         value;
} ControlWord;

/* The short names of --help; a fault also goes by its log name
 * (kp_sandbox_fault_to_string ()). */
static const ControlWord fault_words[] = {
  { "none", KP_SANDBOX_FAULT_NONE },
  { "delay", KP_SANDBOX_FAULT_DELAY },
  { "http500", KP_SANDBOX_FAULT_HTTP_500 },
  { "malformed", KP_SANDBOX_FAULT_MALFORMED_JSON },
  { "drop", KP_SANDBOX_FAULT_DROP_REPLY },
  { "decline", KP_SANDBOX_FAULT_DECLINE },
  { "sparse", KP_SANDBOX_FAULT_SPARSE_ACTIONS },
};

static const ControlWord action_words[] = {
  { "tms", KP_SANDBOX_ACTION_SEND_TMS },
  { "open", KP_SANDBOX_ACTION_OPEN },
  { "select", KP_SANDBOX_ACTION_SELECT_METHOD },
  { "ars", KP_SANDBOX_ACTION_ARS },
  { "pay", KP_SANDBOX_ACTION_PAY },
  { "cancel", KP_SANDBOX_ACTION_CANCEL },
  { "fail", KP_SANDBOX_ACTION_FAIL },
};

static gboolean
parse_word (const ControlWord *words,
            gsize              n_words,
            const char        *text,
            int               *out_value)
{
  if (text == NULL)
    return FALSE;
  for (gsize i = 0; i < n_words; i++)
    if (g_str_equal (text, words[i].name) ||
        (words == fault_words && g_str_equal (text, kp_sandbox_fault_to_string (words[i].value))))
      {
        *out_value = words[i].value;
        return TRUE;
      }
  return FALSE;
}

static void
control_fault (KpSandbox         *sandbox,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;
  KpSandboxEndpoint endpoint;
  KpSandboxFault fault;
  int fault_value;
  guint64 n, delay_ms;

  if (!parse_endpoint (g_hash_table_lookup (params, "endpoint"), &endpoint))
    {
      control_fail (msg, 400, "endpoint must be ready, approve, order or cancel");
      return;
    }
  if (!parse_word (fault_words, G_N_ELEMENTS (fault_words), g_hash_table_lookup (params, "fault"),
                   &fault_value))
    {
      control_fail (msg, 400,
                    "fault must be delay, http500, malformed, drop, decline, sparse or none");
      return;
    }
  fault = fault_value;
  if (!param_uint (params, "n", 1, G_MAXUINT, &n, &error) ||
      !param_uint (params, "delay_ms", 0, 10 * 60 * 1000, &delay_ms, &error))
    {
      control_fail (msg, 400, error->message);
      return;
    }

  kp_sandbox_inject_fault (sandbox, endpoint, fault, fault == KP_SANDBOX_FAULT_NONE ? 0 : n,
                           delay_ms);

  json_builder_begin_object (builder);
  add_member_string (builder, "endpoint", kp_sandbox_endpoint_to_string (endpoint));
  add_member_string (builder, "fault", kp_sandbox_fault_to_string (fault));
  json_builder_set_member_name (builder, "n");
  json_builder_add_int_value (builder, fault == KP_SANDBOX_FAULT_NONE ? 0 : (gint64) n);
  json_builder_set_member_name (builder, "delay_ms");
  json_builder_add_int_value (builder, delay_ms);
  json_builder_end_object (builder);
  control_reply (msg, 200, builder);
}

static void
control_customer (KpSandbox         *sandbox,
                  SoupServerMessage *msg,
                  GHashTable        *params)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  const char *tid = g_hash_table_lookup (params, "tid");
  const char *method = g_hash_table_lookup (params, "method");
  KpSandboxAction action;
  int action_value;

  if (tid == NULL || *tid == '\0')
    {
      control_fail (msg, 400, "tid is required");
      return;
    }
  if (!parse_word (action_words, G_N_ELEMENTS (action_words),
                   g_hash_table_lookup (params, "action"), &action_value))
    {
      control_fail (msg, 400, "action must be tms, open, select, ars, pay, cancel or fail");
      return;
    }
  action = action_value;
  if (method != NULL && *method == '\0')
    method = NULL;

  redirect = kp_sandbox_customer_act (sandbox, tid, action, method, &error);
  if (error != NULL)
    {
      json_builder_begin_object (builder);
      add_member_string (builder, "error", error->message);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, kp_api_error_get_code (error));
      json_builder_end_object (builder);
      control_reply (msg, kp_api_error_get_code (error) == KP_CODE_UNKNOWN_TID ? 404 : 409,
                     builder);
      return;
    }

  json_builder_begin_object (builder);
  add_member_string (builder, "tid", tid);
  add_member_string (builder, "status",
                     kp_status_to_string (kp_sandbox_get_status (sandbox, tid)));
  add_member_string (builder, "redirect", redirect);
  json_builder_end_object (builder);
  control_reply (msg, 200, builder);
}

static void
control_status (KpSandbox         *sandbox,
                SoupServerMessage *msg,
                GHashTable        *params)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  const char *tid = g_hash_table_lookup (params, "tid");
  KpStatus status;

  if (tid == NULL || *tid == '\0')
    {
      control_fail (msg, 400, "tid is required");
      return;
    }
  status = kp_sandbox_get_status (sandbox, tid);
  if (status == KP_STATUS_UNKNOWN)
    {
      control_fail (msg, 404, "tid does not exist");
      return;
    }

  json_builder_begin_object (builder);
  add_member_string (builder, "tid", tid);
  add_member_string (builder, "status", kp_status_to_string (status));
  json_builder_end_object (builder);
  control_reply (msg, 200, builder);
}

static void
control_requests (KpSandbox         *sandbox,
                  SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GPtrArray) requests = kp_sandbox_get_requests (sandbox);

  json_builder_begin_array (builder);
  for (guint i = 0; i < requests->len; i++)
    {
      KpSandboxRequest *request = g_ptr_array_index (requests, i);

      json_builder_begin_object (builder);
      add_member_string (builder, "endpoint", kp_sandbox_endpoint_to_string (request->endpoint));
      add_member_string (builder, "dialect", kp_dialect_to_string (request->dialect));
      add_member_string (builder, "tid", request->tid);
      add_member_string (builder, "partner_order_id", request->partner_order_id);
      json_builder_set_member_name (builder, "http_status");
      json_builder_add_int_value (builder, request->http_status);
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, request->code);
      add_member_string (builder, "fault", request->fault != KP_SANDBOX_FAULT_NONE
                                             ? kp_sandbox_fault_to_string (request->fault)
                                             : NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  control_reply (msg, 200, builder);
}

static void
control_clock (KpSandbox         *sandbox,
               SoupServerMessage *msg,
               GHashTable        *params)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *text = NULL;
  const char *seconds_text = g_hash_table_lookup (params, "seconds");
  gint64 seconds = 0;

  if (seconds_text != NULL &&
      !g_ascii_string_to_signed (seconds_text, 10, -G_MAXINT32, G_MAXINT32, &seconds, NULL))
    {
      control_fail (msg, 400, "seconds must be a whole number");
      return;
    }

  kp_sandbox_advance_clock (sandbox, seconds);
  now = kp_sandbox_now (sandbox);
  text = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  add_member_string (builder, "now", text);
  json_builder_end_object (builder);
  control_reply (msg, 200, builder);
}

static void
control_reset (KpSandbox         *sandbox,
               SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  kp_sandbox_clear_faults (sandbox);
  kp_sandbox_clear_requests (sandbox);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  control_reply (msg, 200, builder);
}

static void
control_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  KpSandbox *sandbox = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *name = path + strlen (CONTROL_PREFIX);
  gboolean post = g_str_equal (method, "POST");
  gboolean get = g_str_equal (method, "GET");
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) error = NULL;

  if (!post && !get)
    {
      control_fail (msg, 405, "use GET or POST");
      return;
    }
  params = control_params (msg, query, &error);
  if (params == NULL)
    {
      control_fail (msg, 400, error->message);
      return;
    }

  if (g_str_equal (name, "/requests") && get)
    control_requests (sandbox, msg);
  else if (g_str_equal (name, "/status") && get)
    control_status (sandbox, msg, params);
  else if (g_str_equal (name, "/fault") && post)
    control_fault (sandbox, msg, params);
  else if (g_str_equal (name, "/customer") && post)
    control_customer (sandbox, msg, params);
  else if (g_str_equal (name, "/clock") && post)
    control_clock (sandbox, msg, params);
  else if (g_str_equal (name, "/reset") && post)
    control_reset (sandbox, msg);
  else
    control_fail (msg, 404, "no such control request");
}

static gboolean
on_signal_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static char *
read_key_file (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  g_strstrip (contents);
  if (*contents == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "The key file %s is empty", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *host = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *pages_base = NULL;
  g_auto (GStrv) cids = NULL;
  int tid_ttl = KP_SANDBOX_DEFAULT_TID_TTL;
  gboolean control = FALSE;
  gboolean version = FALSE;
  guint16 port = 0;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpSandbox) sandbox = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GOutputStream) log_stream = NULL;
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      "Address to listen on (default " DEFAULT_LISTEN ")", "HOST:PORT" },
    { "public-url", 'u', 0, G_OPTION_ARG_STRING, &public_url,
      "Base of the customer page URLs, e.g. http://192.168.0.10:8765 for a phone on the LAN",
      "URL" },
    { "key", 'k', 0, G_OPTION_ARG_STRING, &key,
      "Secret key clients must send (default: KP_SANDBOX_DEFAULT_KEY)", "KEY" },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      "Read the secret key from a file (keeps it out of the process list)", "PATH" },
    { "cid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cids,
      "Accept this merchant code too, besides TC0ONETIME (repeatable)", "CID" },
    { "tid-ttl", 't', 0, G_OPTION_ARG_INT, &tid_ttl,
      "Seconds before an unapproved tid expires (default 900)", "SECONDS" },
    { "log-requests", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_log_requests_cb,
      "Log one JSON line per API call (keys redacted) to PATH, or to stdout without =PATH",
      "PATH" },
    { "control", 0, 0, G_OPTION_ARG_NONE, &control,
      "Serve the test-only control interface under " CONTROL_PREFIX "/ (see below)", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- simulate KakaoPay single payments");
  g_option_context_set_summary (context,
                                "Serves the KakaoPay payment API in both dialects:\n"
                                "  online: POST /online/v1/payment/{ready,approve,order,cancel}"
                                " (Authorization: SECRET_KEY key)\n"
                                "  legacy: POST /v1/payment/{ready,approve,order,cancel}"
                                " (Authorization: KakaoAK key)\n"
                                "and the customer's payment page at the ready reply's URLs.");
  g_option_context_set_description (context,
    "Control interface (--control only, on the --listen address; test-only: never on a\n"
    "network others can reach). Parameters go in the query, a form-encoded body or a\n"
    "JSON object body; every reply is JSON.\n"
    "\n"
    "  POST " CONTROL_PREFIX "/fault endpoint=ready|approve|order|cancel\n"
    "        fault=delay|http500|malformed|drop|decline|sparse|none [n=CALLS] [delay_ms=MS]\n"
    "    The next n (default 1) calls to the endpoint get the fault; n=0 or fault=none\n"
    "    clears it. delay: processed, the reply held delay_ms; http500: answered 500\n"
    "    without processing; malformed: processed, answered with broken JSON; drop:\n"
    "    processed, the connection closed without a reply; decline: approve answers\n"
    "    -780 (the payment fails), cancel -781; sparse: order's payment_action_details\n"
    "    entries lack amount, green_deposit, payment_method_type and payload, as real\n"
    "    legacy replies do.\n"
    "  POST " CONTROL_PREFIX "/customer tid=TID\n"
    "        action=tms|open|select|ars|pay|cancel|fail [method=MONEY|CARD]\n"
    "    Acts as the customer: tms: the PC page sent the payment message to KakaoTalk\n"
    "    (SEND_TMS); open: the payment screen is open (OPEN_PAYMENT); select: a method\n"
    "    is chosen (SELECT_METHOD); ars: phone (ARS) authentication runs (ARS_WAITING);\n"
    "    pay: the password is entered (AUTH_PASSWORD); cancel: QUIT_PAYMENT; fail:\n"
    "    FAIL_AUTH_PASSWORD. Replies {\"tid\", \"status\", \"redirect\"}, redirect being\n"
    "    where the phone's browser goes next (approval_url with pg_token for pay,\n"
    "    cancel_url, fail_url; null otherwise). 404 for an unknown tid, 409 when the\n"
    "    payment no longer waits for the customer.\n"
    "  GET  " CONTROL_PREFIX "/status tid=TID\n"
    "    {\"tid\", \"status\"}: the status order would report.\n"
    "  GET  " CONTROL_PREFIX "/requests\n"
    "    The API calls received so far, oldest first: [{\"endpoint\", \"dialect\",\n"
    "    \"tid\", \"partner_order_id\", \"http_status\" (0: reply dropped), \"code\"\n"
    "    (KakaoPay error code, 0 on success), \"fault\" (null if none)}].\n"
    "  POST " CONTROL_PREFIX "/clock seconds=N\n"
    "    Moves the sandbox clock (timestamps, tid expiry): {\"now\"}.\n"
    "  POST " CONTROL_PREFIX "/reset\n"
    "    Clears the faults and the request log.\n"
    "\n"
    "Rules that are inferences, not documented KakaoPay behaviour (INF in\n"
    "kakaopay-api.md), among them: a cancel whose cancel_available_amount differs from\n"
    "what is left is refused with -710; an expired tid reports QUIT_PAYMENT; every\n"
    "business error is HTTP 400; the online dialect sends null for an optional member\n"
    "in order and cancel replies.\n");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kakaopay-sandbox: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("kakaopay-sandbox %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (tid_ttl <= 0)
    {
      g_printerr ("kakaopay-sandbox: --tid-ttl must be a positive number of seconds\n");
      return 2;
    }

  if (key_file != NULL)
    {
      g_free (key);
      key = read_key_file (key_file, &error);
      if (key == NULL)
        {
          g_printerr ("kakaopay-sandbox: %s\n", error->message);
          return 2;
        }
    }

  /* ":PORT" is this machine only: the sandbox is for tests and demos. */
  if (!kp_address_parse_host_port (listen != NULL ? listen : DEFAULT_LISTEN, "127.0.0.1",
                                   &host, &port, NULL))
    {
      g_printerr ("kakaopay-sandbox: --listen wants HOST:PORT, not “%s”\n", listen);
      return 2;
    }

  sandbox = kp_sandbox_new (key);
  if (key != NULL)
    memset (key, 0, strlen (key));
  kp_sandbox_set_tid_ttl (sandbox, tid_ttl);
  for (guint i = 0; cids != NULL && cids[i] != NULL; i++)
    {
      if (strlen (cids[i]) != KP_CID_LENGTH)
        {
          g_printerr ("kakaopay-sandbox: --cid %s: a CID has %d characters\n", cids[i],
                      KP_CID_LENGTH);
          return 2;
        }
      kp_sandbox_add_cid (sandbox, cids[i]);
    }
  if (public_url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL)
        {
          g_printerr ("kakaopay-sandbox: --public-url wants an absolute URL, not “%s”\n",
                      public_url);
          return 2;
        }
      kp_sandbox_set_public_url (sandbox, public_url);
    }
  if (log_requests && log_requests_path != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (log_requests_path);

      log_stream = G_OUTPUT_STREAM (g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL,
                                                      &error));
      if (log_stream == NULL)
        {
          g_printerr ("kakaopay-sandbox: cannot write the request log: %s\n", error->message);
          return 2;
        }
      kp_sandbox_set_log_stream (sandbox, log_stream);
    }
  else if (log_requests)
    {
      log_stream = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      kp_sandbox_set_log_stream (sandbox, log_stream);
    }
  if (control)
    kp_sandbox_add_handler (sandbox, CONTROL_PREFIX, control_cb, sandbox, NULL);

  if (!kp_sandbox_listen (sandbox, host, port, &error))
    {
      g_printerr ("kakaopay-sandbox: cannot listen on %s:%u: %s\n", host, port, error->message);
      return 1;
    }

  base_url = kp_sandbox_dup_base_url (sandbox);
  pages_base = public_url != NULL ? g_strdup (public_url) : g_strdup (base_url);
  /* Never the key itself: only where it comes from. */
  g_print ("KakaoPay sandbox listening on %s\n"
           "  online API:     %s/online/v1/payment/ (Authorization: SECRET_KEY <key>)\n"
           "  legacy API:     %s/v1/payment/ (Authorization: KakaoAK <key>)\n"
           "  customer pages: %s/…\n"
           "  key:            %s\n"
           "  tid expiry:     %d s\n"
           "%s%s%s"
           "Press Ctrl+C to stop.\n",
           base_url, base_url, base_url, pages_base,
           key_file != NULL ? "as in the --key-file"
           : key != NULL ? "as given with --key"
           : "the built-in default (KP_SANDBOX_DEFAULT_KEY in kp-sandbox.h)",
           tid_ttl,
           control ? "  control:        " : "", control ? base_url : "",
           control ? CONTROL_PREFIX "/ (test only)\n" : "");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_print ("KakaoPay sandbox stopped.\n");
  fflush (stdout);
  g_clear_pointer (&log_requests_path, g_free);
  return 0;
}
