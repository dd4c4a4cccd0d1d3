/* fuzz-sandbox.c: libFuzzer target for the sandbox's request handling
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a short session with a new KpSandbox: up to MAX_REQUESTS requests,
 * separated by a line "%%". A request is written like HTTP/1.1 without the version:
 *
 *   METHOD TARGET
 *   Name: value
 *   (empty line)
 *   body
 *
 * The target's path is percent-decoded and its query decoded as libsoup does for a
 * server handler, and the request is given to kp_sandbox_handle(): the API of both
 * dialects (JSON and form bodies, the Authorization header, the legacy order's query)
 * and the customer page. So that a session reaches approve, order, cancel and the page,
 * "$TID", "$PAGE" and "$TOKEN" in a request stand for the tid and the page path of the
 * last ready reply and the pg_token of the last redirect to approval_url.
 *
 * Findings besides crashes, sanitizer reports, warnings and criticals:
 * - an API reply that is not a KakaoPay reply the client library reads: 200 with a body
 *   its endpoint's decoder refuses, or an error without an error body;
 * - the secret key in the request log;
 * - "<kpx" (a tag of the dictionary) in a page: input that reached the HTML unescaped;
 * - a redirect whose Location libsoup cannot resolve (the server would answer nothing).
 *
 * FUZZ_VERBOSE=1 prints each request's answer (to see how far a seed gets).
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "kp-codec.h"
#include "kp-error.h"
#include "kp-sandbox.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_REQUESTS 8
#define SEPARATOR    "\n%%\n"
#define BASE_URL     "http://127.0.0.1"

/* A finding outside an assertion: abort, so libFuzzer saves the input. */
#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

static gboolean verbose;

typedef struct
{
  KpSandbox          *sandbox;
  GMemoryOutputStream *log;
  char               *tid;
  char               *page;
  char               *pg_token;
} Session;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  kp_fuzz_abort_on_warnings ();
  verbose = g_getenv ("FUZZ_VERBOSE") != NULL;
  return 0;
}

static void
substitute (GString    *text,
            const char *name,
            const char *value)
{
  g_string_replace (text, name, value != NULL ? value : "", 0);
}

static gboolean
path_is_api (const char         *path,
             KpSandboxEndpoint  *out_endpoint)
{
  const char *rest;

  if (g_str_has_prefix (path, "/online/v1/payment/"))
    rest = path + strlen ("/online/v1/payment/");
  else if (g_str_has_prefix (path, "/v1/payment/"))
    rest = path + strlen ("/v1/payment/");
  else
    return FALSE;

  for (KpSandboxEndpoint i = 0; i < KP_SANDBOX_N_ENDPOINTS; i++)
    if (g_str_equal (rest, kp_sandbox_endpoint_to_string (i)))
      {
        *out_endpoint = i;
        return TRUE;
      }
  return FALSE;
}

/* What the client library makes of the reply; remembers what later requests refer to. */
static void
check_api_reply (Session           *session,
                 KpSandboxEndpoint  endpoint,
                 KpSandboxReply    *reply)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object = NULL;
  g_autofree char *message = NULL;
  g_autofree char *result_code = NULL;
  g_autofree char *result_message = NULL;
  int code = 0;

  if (!g_str_has_prefix (soup_message_headers_get_one (reply->headers, "Content-Type"),
                         "application/json"))
    FAIL ("API reply %u without a JSON Content-Type", reply->status);

  object = kp_codec_parse_object (reply->body, &error);
  if (object == NULL)
    FAIL ("API reply %u the client cannot read: %s", reply->status, error->message);

  if (reply->status != 200)
    {
      if (!kp_codec_parse_error (object, &code, &message, &result_code, &result_message))
        FAIL ("API error %u without an error body: %.*s", reply->status,
              (int) g_bytes_get_size (reply->body),
              (const char *) g_bytes_get_data (reply->body, NULL));
      g_assert_cmpint (code, <, 0);
      return;
    }

  switch (endpoint)
    {
    case KP_SANDBOX_ENDPOINT_READY:
      {
        g_autoptr (KpReadyReply) ready = kp_codec_ready_reply (object, &error);
        g_autoptr (GUri) uri = NULL;

        if (ready == NULL)
          FAIL ("ready answered 200 with what the client refuses: %s", error->message);
        g_free (session->tid);
        session->tid = g_strdup (ready->tid);
        uri = g_uri_parse (ready->next_redirect_pc_url, SOUP_HTTP_URI_FLAGS, NULL);
        if (uri == NULL)
          FAIL ("ready answered a page URL libsoup cannot parse: %s",
                ready->next_redirect_pc_url);
        g_free (session->page);
        session->page = g_strdup (g_uri_get_path (uri));
      }
      break;
    case KP_SANDBOX_ENDPOINT_APPROVE:
      {
        g_autoptr (KpApproveReply) approve = kp_codec_approve_reply (object, &error);

        if (approve == NULL)
          FAIL ("approve answered 200 with what the client refuses: %s", error->message);
      }
      break;
    case KP_SANDBOX_ENDPOINT_ORDER:
      {
        g_autoptr (KpOrderReply) order = kp_codec_order_reply (object, &error);

        if (order == NULL)
          FAIL ("order answered 200 with what the client refuses: %s", error->message);
      }
      break;
    case KP_SANDBOX_ENDPOINT_CANCEL:
      {
        g_autoptr (KpCancelReply) cancel = kp_codec_cancel_reply (object, &error);

        if (cancel == NULL)
          FAIL ("cancel answered 200 with what the client refuses: %s", error->message);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
check_page_reply (Session        *session,
                  const char     *path,
                  KpSandboxReply *reply)
{
  const char *location = soup_message_headers_get_one (reply->headers, "Location");
  gsize size = 0;
  const char *body = g_bytes_get_data (reply->body, &size);

  if (location != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
      g_autofree char *request_url = g_strconcat (BASE_URL, escaped, NULL);
      g_autoptr (GUri) request_uri = g_uri_parse (request_url, SOUP_HTTP_URI_FLAGS, NULL);
      g_autoptr (GUri) uri = NULL;
      g_autoptr (GHashTable) query = NULL;

      g_assert_cmpuint (reply->status, ==, 303);
      g_assert_nonnull (request_uri);
      /* What soup_server_message_set_redirect () does with it. */
      uri = g_uri_parse_relative (request_uri, location, SOUP_HTTP_URI_FLAGS, NULL);
      if (uri == NULL)
        FAIL ("a redirect libsoup cannot send: Location %s", location);
      if (g_uri_get_query (uri) != NULL)
        query = soup_form_decode (g_uri_get_query (uri));
      if (query != NULL && g_hash_table_contains (query, "pg_token"))
        {
          g_free (session->pg_token);
          session->pg_token = g_strdup (g_hash_table_lookup (query, "pg_token"));
        }
      return;
    }

  if (!g_str_has_prefix (soup_message_headers_get_one (reply->headers, "Content-Type"),
                         "text/html"))
    FAIL ("page reply %u without an HTML Content-Type", reply->status);
  if (g_strstr_len (body, size, "<kpx") != NULL)
    FAIL ("input reached the page unescaped");
}

static void
run_request (Session    *session,
             const char *text,
             gsize       length)
{
  g_autoptr (GString) request = g_string_new_len (text, length);
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (KpSandboxReply) reply = NULL;
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  const char *line, *end, *space, *question, *target;
  KpSandboxEndpoint endpoint;

  substitute (request, "$TID", session->tid);
  substitute (request, "$PAGE", session->page);
  substitute (request, "$TOKEN", session->pg_token);

  /* The request line: METHOD TARGET. */
  line = request->str;
  end = strchr (line, '\n');
  if (end == NULL)
    end = line + strlen (line);
  space = memchr (line, ' ', end - line);
  if (space == NULL || space == line)
    return;
  method = g_strndup (line, space - line);
  target = space + 1;
  question = memchr (target, '?', end - target);
  {
    g_autofree char *raw_path = g_strndup (target, (question != NULL ? question : end) - target);

    if (*raw_path != '/')
      return;
    /* libsoup answers 400 itself to a path it cannot decode. */
    path = g_uri_unescape_string (raw_path, NULL);
    if (path == NULL)
      return;
  }
  if (question != NULL)
    {
      g_autofree char *raw_query = g_strndup (question + 1, end - question - 1);

      query = soup_form_decode (raw_query);
    }

  /* Header lines up to an empty one; the rest is the body. */
  line = *end != '\0' ? end + 1 : end;
  while (*line != '\0' && *line != '\n')
    {
      const char *colon;

      end = strchr (line, '\n');
      if (end == NULL)
        end = line + strlen (line);
      colon = memchr (line, ':', end - line);
      if (colon != NULL && colon != line)
        {
          g_autofree char *name = g_strndup (line, colon - line);
          g_autofree char *value = NULL;
          const char *start = colon + 1;

          while (start < end && *start == ' ')
            start++;
          value = g_strndup (start, end - start);
          /* libsoup refuses such header lines before a handler sees them. */
          if (strpbrk (name, " \t\r\n:") == NULL && strpbrk (value, "\r\n") == NULL)
            soup_message_headers_append (headers, name, value);
        }
      line = *end != '\0' ? end + 1 : end;
    }
  if (*line == '\n')
    line++;
  body = g_bytes_new (line, request->len - (line - request->str));

  reply = kp_sandbox_handle (session->sandbox, method, path, query, headers, body);
  g_assert_nonnull (reply);
  g_assert_cmpuint (reply->status, >=, 200);
  g_assert_cmpuint (reply->status, <=, 599);
  g_assert_nonnull (reply->body);
  g_assert_cmpint (reply->fault, ==, KP_SANDBOX_FAULT_NONE);
  /* For writing seeds: how far a session gets. */
  if (verbose)
    g_printerr ("%s %s -> %u %.*s\n", method, path, reply->status,
                (int) MIN (g_bytes_get_size (reply->body), 160),
                (const char *) g_bytes_get_data (reply->body, NULL));

  if (path_is_api (path, &endpoint))
    check_api_reply (session, endpoint, reply);
  else
    check_page_reply (session, path, reply);

  if (g_memory_output_stream_get_data_size (session->log) > 0 &&
      g_strstr_len (g_memory_output_stream_get_data (session->log),
                    g_memory_output_stream_get_data_size (session->log),
                    KP_SANDBOX_DEFAULT_KEY) != NULL)
    FAIL ("the secret key is in the request log");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  Session session = { NULL };
  const char *start = text;
  const char *end = text + strlen (text);

  session.sandbox = kp_sandbox_new (NULL);
  session.log = G_MEMORY_OUTPUT_STREAM (g_memory_output_stream_new_resizable ());
  kp_sandbox_set_log_stream (session.sandbox, G_OUTPUT_STREAM (session.log));

  for (guint i = 0; i < MAX_REQUESTS && start < end; i++)
    {
      const char *next = strstr (start, SEPARATOR);

      if (next == NULL)
        next = end;
      run_request (&session, start, next - start);
      start = next < end ? next + strlen (SEPARATOR) : end;
    }

  g_object_unref (session.sandbox);
  g_object_unref (session.log);
  g_free (session.tid);
  g_free (session.page);
  g_free (session.pg_token);
  return 0;
}
