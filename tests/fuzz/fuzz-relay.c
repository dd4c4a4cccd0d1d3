/* fuzz-relay.c: libFuzzer target for kakaopay-relay's request and message handling
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a short session with a new KpRelay serving two terminals: up to
 * MAX_STEPS steps, separated by a line "%%". A step is a request under `/t/`, written
 * like HTTP/1.1 without the version (METHOD TARGET, then header lines), given to
 * kp_relay_handle(): the customers' callbacks and the terminals' long polls and
 * WebSocket handshakes (a request with "Upgrade: websocket" counts as a valid one).
 * A step "WS TERMINAL" (or "WSB TERMINAL" for binary) followed by a line of text is a
 * message on that terminal's WebSocket, given to kp_relay_take_socket_message().
 *
 * So that a session gets past the checks, "$NONCE" in a callback's query stands for the
 * link nonce of the terminal, kind and order in its path (valid until 2100), "$TOKEN1"
 * and "$TOKEN2" for the terminals' tokens and "$LAST" for the id of the last event a
 * poll returned.
 *
 * Findings besides crashes, sanitizer reports, warnings and criticals:
 * - a callback taken (200) without a valid link of its terminal, kind and order, or an
 *   approve without a usable pg_token, or the first of its order and kind that is not
 *   then in the terminal's queue;
 * - events, a poll or a WebSocket given without the terminal's token;
 * - an events answer not shaped as the relay client reads it: ids growing past
 *   `after`, each event's nonce a link of its kind and order.
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "kp-callback-page.h"
#include "kp-relay-client.h"
#include "kp-relay-private.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_STEPS 8
#define SEPARATOR "\n%%\n"
#define TOKEN1    "tbYydokh4bpLKBGeMP2JkXX01KmOdvVH"
#define TOKEN2    "5e0b8f3c9a1d7e4f2b6a0c8d3e9f1a7b5c2d"
#define LINK_EXPIRES 4102444800

/* A finding outside an assertion: abort, so libFuzzer saves the input. */
#define FAIL(...) (g_printerr (__VA_ARGS__), g_printerr ("\n"), abort ())

typedef struct
{
  KpRelay    *relay;
  gint64      last_id;
  GHashTable *taken;     /* "terminal kind order" of the callbacks taken */
} Session;

static GKeyFile *key_file;
static gboolean verbose;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char config[] =
    "[relay]\n"
    "listen=127.0.0.1:0\n"
    "public-url=https://relay.example\n"
    "[terminal t1]\n"
    "token=" TOKEN1 "\n"
    "[terminal t2]\n"
    "token=" TOKEN2 "\n";
  g_autoptr (GError) error = NULL;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_VFS", "local", TRUE);
  kp_fuzz_abort_on_warnings ();
  verbose = g_getenv ("FUZZ_VERBOSE") != NULL;

  key_file = g_key_file_new ();
  if (!g_key_file_load_from_data (key_file, config, -1, G_KEY_FILE_NONE, &error))
    FAIL ("bad configuration: %s", error->message);
  return 0;
}

static const char *
token_of (const char *terminal)
{
  if (g_strcmp0 (terminal, "t1") == 0)
    return TOKEN1;
  if (g_strcmp0 (terminal, "t2") == 0)
    return TOKEN2;
  return NULL;
}

/* `/t/{terminal}/{rest}` → terminal, rest; both NULL if that is no terminal's path. */
static void
split_path (const char  *path,
            char       **out_terminal,
            const char **out_rest)
{
  const char *start, *slash;

  *out_terminal = NULL;
  *out_rest = NULL;
  if (!g_str_has_prefix (path, "/t/"))
    return;
  start = path + 3;
  slash = strchr (start, '/');
  if (slash == NULL || slash == start || slash - start > KP_RELAY_MAX_TERMINAL_LENGTH)
    return;
  *out_terminal = g_strndup (start, slash - start);
  *out_rest = slash + 1;
}

static gboolean
authorized (SoupMessageHeaders *headers,
            const char         *token)
{
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  return token != NULL && value != NULL && g_ascii_strncasecmp (value, "Bearer ", 7) == 0 &&
         g_str_equal (value + 7, token);
}

/* The events the terminal has after @after, checked as the relay client reads them. */
static JsonArray *
check_events (Session    *session,
              const char *terminal,
              const char *body,
              gint64      after,
              const char *epoch,
              JsonParser *parser)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root;
  JsonNode *member;
  JsonArray *events;
  gint64 previous = after;

  if (!json_parser_load_from_data (parser, body, -1, &error))
    FAIL ("events answer is not JSON: %s", error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (member = json_object_get_member (json_node_get_object (root), "events")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member))
    FAIL ("events answer without an events array: %s", body);
  events = json_node_get_array (member);
  /* `after` of another epoch (another run of the relay) counts for nothing. */
  if (epoch != NULL &&
      g_strcmp0 (epoch, json_object_get_string_member_with_default (json_node_get_object (root),
                                                                    "epoch", NULL)) != 0)
    previous = 0;

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonNode *node = json_array_get_element (events, i);
      JsonObject *event;
      g_autofree char *secret = NULL;
      const char *order_id;
      const char *kind_text;
      KpCallbackKind kind = KP_CALLBACK_APPROVE;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        FAIL ("an event that is not an object: %s", body);
      event = json_node_get_object (node);
      id = json_object_get_int_member_with_default (event, "id", 0);
      order_id = json_object_get_string_member_with_default (event, "partner_order_id", NULL);
      if (id <= previous)
        FAIL ("event id %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT ": %s", id, previous,
              body);
      previous = id;
      if (order_id == NULL)
        FAIL ("an event without an order: %s", body);
      kind_text = json_object_get_string_member_with_default (event, "kind", "");
      while (kind < KP_CALLBACK_FAIL && g_strcmp0 (kind_text, kp_callback_kind_to_string (kind)))
        kind++;
      if (g_strcmp0 (kind_text, kp_callback_kind_to_string (kind)) != 0)
        FAIL ("an event of no known kind: %s", body);
      secret = kp_relay_nonce (token_of (terminal), order_id);
      if (kp_callback_link_check (secret, kind, order_id,
                                  json_object_get_string_member_with_default (event, "nonce",
                                                                              NULL),
                                  G_MININT64, NULL) != KP_CALLBACK_LINK_VALID)
        FAIL ("an event whose nonce is not a link of its kind and order: %s", body);
    }
  session->last_id = MAX (session->last_id, previous);
  return events;
}

/* After a callback was taken: the terminal has it queued. */
static void
check_queued (Session        *session,
              const char     *terminal,
              KpCallbackKind  kind,
              const char     *order_id,
              const char     *pg_token)
{
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_strdup_printf ("/t/%s/events", terminal);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token_of (terminal));
  KpRelayReply reply;
  JsonArray *events;

  soup_message_headers_replace (headers, "Authorization", authorization);
  g_hash_table_insert (query, "wait", "0");
  kp_relay_handle (session->relay, "GET", path, query, headers, FALSE, &reply);
  g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_JSON);
  g_assert_cmpuint (reply.status, ==, 200);
  events = check_events (session, terminal, reply.body, 0, NULL, parser);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "kind", NULL),
                     kp_callback_kind_to_string (kind)) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (event, "partner_order_id",
                                                                 NULL), order_id) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (event, "pg_token", NULL),
                     pg_token) == 0)
        {
          kp_relay_reply_clear (&reply);
          return;
        }
    }
  FAIL ("a callback was taken but is not queued: %s", reply.body);
}

static void
check_callback (Session            *session,
                const char         *terminal,
                const char         *rest,
                GHashTable         *query,
                const KpRelayReply *reply)
{
  const char *slash = strchr (rest, '/');
  const char *order_id = slash != NULL ? slash + 1 : "";
  const char *nonce = query != NULL ? g_hash_table_lookup (query, "n") : NULL;
  const char *pg_token = query != NULL ? g_hash_table_lookup (query, "pg_token") : NULL;
  g_autofree char *secret = NULL;
  g_autofree char *key = NULL;

  g_assert_cmpint (reply->kind, ==, KP_RELAY_REPLY_PAGE);
  if (reply->status != 200)
    {
      g_assert_true (reply->status == 400 || reply->status == 404 || reply->status == 410);
      return;
    }

  if (token_of (terminal) == NULL)
    FAIL ("a callback taken for unknown terminal %s", terminal);
  secret = kp_relay_nonce (token_of (terminal), order_id);
  if (kp_callback_link_check (secret, reply->callback, order_id, nonce,
                              g_get_real_time () / G_USEC_PER_SEC, NULL) != KP_CALLBACK_LINK_VALID)
    FAIL ("a callback taken with nonce %s, not a link of its kind and order", nonce);
  if (reply->callback == KP_CALLBACK_APPROVE && !kp_callback_pg_token_is_valid (pg_token))
    FAIL ("an approval taken without a usable pg_token");
  if (strlen (order_id) == 0 || strlen (order_id) > KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH ||
      strchr (order_id, '/') != NULL)
    FAIL ("a callback taken for order id \"%s\"", order_id);

  /* The first of its order and kind is queued; a replay is answered, not queued again. */
  key = g_strdup_printf ("%s %s %s", terminal, kp_callback_kind_to_string (reply->callback),
                         order_id);
  if (!g_hash_table_add (session->taken, g_steal_pointer (&key)))
    return;
  check_queued (session, terminal, reply->callback, order_id,
                reply->callback == KP_CALLBACK_APPROVE ? pg_token : NULL);
}

static void
run_request (Session    *session,
             GString    *step,
             const char *end_of_line)
{
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GHashTable) query = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *method = NULL;
  g_autofree char *path = NULL;
  g_autofree char *terminal = NULL;
  g_autofree char *raw_query = NULL;
  const char *space, *question, *target, *line, *end, *rest, *upgrade;
  KpRelayReply reply;
  gboolean websocket;

  space = memchr (step->str, ' ', end_of_line - step->str);
  if (space == NULL || space == step->str)
    return;
  method = g_strndup (step->str, space - step->str);
  target = space + 1;
  question = memchr (target, '?', end_of_line - target);
  {
    g_autofree char *raw_path = g_strndup (target,
                                           (question != NULL ? question : end_of_line) - target);

    if (*raw_path != '/')
      return;
    /* libsoup answers 400 itself to a path it cannot decode. */
    path = g_uri_unescape_string (raw_path, NULL);
    if (path == NULL)
      return;
  }
  split_path (path, &terminal, &rest);
  if (question != NULL)
    {
      g_autoptr (GString) text = g_string_new_len (question + 1, end_of_line - question - 1);

      /* The link of the terminal, the kind and the order id (after it) in the path. */
      if (rest != NULL && strchr (rest, '/') != NULL && token_of (terminal) != NULL)
        {
          const char *order_id = strchr (rest, '/') + 1;
          g_autofree char *secret = kp_relay_nonce (token_of (terminal), order_id);
          KpCallbackKind kind = KP_CALLBACK_APPROVE;

          for (KpCallbackKind k = KP_CALLBACK_APPROVE; k <= KP_CALLBACK_FAIL; k++)
            {
              const char *name = kp_callback_kind_to_string (k);

              if (strncmp (rest, name, strlen (name)) == 0 && rest[strlen (name)] == '/')
                kind = k;
            }
          {
            g_autofree char *nonce = kp_callback_link_nonce (secret, kind, order_id,
                                                             LINK_EXPIRES);

            g_string_replace (text, "$NONCE", nonce, 0);
          }
        }
      raw_query = g_string_free (g_steal_pointer (&text), FALSE);
      query = soup_form_decode (raw_query);
    }

  for (line = *end_of_line != '\0' ? end_of_line + 1 : end_of_line;
       *line != '\0' && *line != '\n';
       line = *end != '\0' ? end + 1 : end)
    {
      const char *colon;

      end = strchr (line, '\n');
      if (end == NULL)
        end = line + strlen (line);
      colon = memchr (line, ':', end - line);
      if (colon != NULL && colon != line)
        {
          g_autofree char *name = g_strndup (line, colon - line);
          const char *start = colon + 1;
          g_autofree char *value = NULL;

          while (start < end && *start == ' ')
            start++;
          value = g_strndup (start, end - start);
          /* libsoup refuses such header lines before a handler sees them. */
          if (strpbrk (name, " \t\r\n:") == NULL && strpbrk (value, "\r\n") == NULL)
            soup_message_headers_append (headers, name, value);
        }
    }

  upgrade = soup_message_headers_get_one (headers, "Upgrade");
  websocket = upgrade != NULL && g_ascii_strcasecmp (upgrade, "websocket") == 0;
  kp_relay_handle (session->relay, method, path, query, headers, websocket, &reply);
  if (verbose)
    g_printerr ("%s %s -> %d %u %s\n", method, path, reply.kind, reply.status,
                reply.body != NULL ? reply.body : "");

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    {
      g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_EMPTY);
      g_assert_cmpuint (reply.status, ==, 405);
    }
  else if (rest != NULL && g_str_equal (rest, "events"))
    {
      gboolean ok = authorized (headers, token_of (terminal));

      if (reply.kind == KP_RELAY_REPLY_JSON && reply.status == 200)
        {
          const char *after = query != NULL ? g_hash_table_lookup (query, "after") : NULL;

          if (!ok)
            FAIL ("events given without the token of %s", terminal);
          check_events (session, terminal, reply.body,
                        after != NULL ? g_ascii_strtoll (after, NULL, 10) : 0,
                        query != NULL ? g_hash_table_lookup (query, "epoch") : NULL, parser);
        }
      else if (reply.kind == KP_RELAY_REPLY_POLL || reply.kind == KP_RELAY_REPLY_UPGRADE)
        {
          if (!ok)
            FAIL ("a poll or WebSocket taken without the token of %s", terminal);
          g_assert_true (reply.kind != KP_RELAY_REPLY_UPGRADE || websocket);
          g_assert_cmpint (reply.wait, <=, KP_RELAY_MAX_WAIT);
        }
      else
        {
          g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_JSON);
          g_assert_true (reply.status == 400 || reply.status == 401);
          g_assert_true (reply.status == 400 || !ok);
        }
    }
  else if (terminal != NULL && rest != NULL)
    check_callback (session, terminal, rest, query, &reply);
  else
    {
      g_assert_cmpint (reply.kind, ==, KP_RELAY_REPLY_PAGE);
      g_assert_cmpuint (reply.status, ==, 404);
    }

  kp_relay_reply_clear (&reply);
}

static void
run_step (Session    *session,
          const char *text,
          gsize       length)
{
  g_autoptr (GString) step = g_string_new_len (text, length);
  g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, session->last_id);
  const char *end_of_line;

  g_string_replace (step, "$TOKEN1", TOKEN1, 0);
  g_string_replace (step, "$TOKEN2", TOKEN2, 0);
  g_string_replace (step, "$LAST", last, 0);
  end_of_line = strchr (step->str, '\n');
  if (end_of_line == NULL)
    end_of_line = step->str + step->len;

  if (g_str_has_prefix (step->str, "WS ") || g_str_has_prefix (step->str, "WSB "))
    {
      const char *name = strchr (step->str, ' ') + 1;
      g_autofree char *terminal = g_strndup (name, end_of_line - name);
      const char *message = *end_of_line != '\0' ? end_of_line + 1 : end_of_line;
      g_autoptr (GBytes) bytes = g_bytes_new (message, step->len - (message - step->str));
      gboolean known;

      known = kp_relay_take_socket_message (session->relay, terminal,
                                            step->str[2] == 'B' ? SOUP_WEBSOCKET_DATA_BINARY
                                                                : SOUP_WEBSOCKET_DATA_TEXT,
                                            bytes);
      g_assert_true (known == (token_of (terminal) != NULL));
      return;
    }

  run_request (session, step, end_of_line);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  Session session = { NULL };
  const char *start = text;
  const char *end = text + strlen (text);

  session.relay = kp_relay_new ();
  session.taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!kp_relay_load_key_file (session.relay, key_file, &error))
    FAIL ("the relay refused its configuration: %s", error->message);

  for (guint i = 0; i < MAX_STEPS && start < end; i++)
    {
      const char *next = strstr (start, SEPARATOR);

      if (next == NULL)
        next = end;
      run_step (&session, start, next - start);
      start = next < end ? next + strlen (SEPARATOR) : end;
    }

  g_object_unref (session.relay);
  g_hash_table_unref (session.taken);
  return 0;
}
