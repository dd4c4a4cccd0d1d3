/* test-browser.c: the sandbox's customer page in a real browser
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-test-browser"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-approval-listener.h"
#include "kp-client.h"
#include "kp-sandbox.h"
#include "kp-test-server.h"

/* The W3C WebDriver key of an element reference. */
#define WEBDRIVER_ELEMENT_KEY "element-6066-11e4-a52e-4f735466cecf"

/* Bounds for one WebDriver or KakaoPay call, for chromedriver to come up and for the
 * merchant to see the redirect. Below the 30 s after which kp_test_async_wait() aborts,
 * and non-fatal, so the teardown always gets to end the browser. */
#define CALL_TIMEOUT_MS     25000
#define DRIVER_START_MS     20000
#define REDIRECT_TIMEOUT_MS 30000

#define TOTAL_AMOUNT 2200
#define APPROVAL_PATH "/approve?order=42"

/* With non-fatal assertions a failed check only marks the test; return at once so the
 * fixture teardown still runs and ends chromium and chromedriver. */
#define RETURN_IF_FAILED() G_STMT_START { if (g_test_failed ()) return; } G_STMT_END

typedef enum
{
  CHOICE_MONEY,
  CHOICE_CARD,
  CHOICE_CANCEL,
} Choice;

typedef struct
{
  KpDialect dialect;
  Choice    choice;
} BrowserCase;

/* A redirect the merchant received. */
typedef struct
{
  char       *path;
  char       *raw_query;   /* NULL without a query */
  GHashTable *query;       /* decoded, string → string */
} MerchantHit;

typedef struct
{
  gboolean     skipped;

  KpSandbox   *sandbox;
  char        *sandbox_url;

  SoupServer  *merchant;
  char        *merchant_url;
  GPtrArray   *hits;          /* MerchantHit */

  SoupSession *session;
  char        *work_dir;      /* browser profile and chromedriver log */
  GSubprocess *driver;
  gboolean     driver_exited;
  char        *driver_url;
  char        *session_id;
} BrowserFixture;

static void
merchant_hit_free (MerchantHit *hit)
{
  g_free (hit->path);
  g_free (hit->raw_query);
  g_clear_pointer (&hit->query, g_hash_table_unref);
  g_free (hit);
}

/* Waiting */

typedef gboolean (*WaitFunc) (gpointer data);

static gboolean
on_deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context (the sandbox, the merchant and libsoup all run on it) until
 * @func returns TRUE or @timeout_ms pass. Returns FALSE on timeout. */
static gboolean
wait_until (WaitFunc  func,
            gpointer  data,
            guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_deadline_cb, &expired);

  while (!(func != NULL && func (data)) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);
  return !expired;
}

static void
iterate_for (guint ms)
{
  wait_until (NULL, NULL, ms);
}

static gboolean
async_has_result (gpointer data)
{
  KpTestAsync *async = data;

  return async->result != NULL;
}

/* Like kp_test_async_wait(), but on timeout it cancels @cancellable (so the call
 * finishes with an error the test reports) instead of aborting the program. */
static GAsyncResult *
await_async (KpTestAsync  *async,
             GCancellable *cancellable)
{
  if (!wait_until (async_has_result, async, CALL_TIMEOUT_MS))
    {
      g_test_message ("no result after %d ms, cancelling", CALL_TIMEOUT_MS);
      g_cancellable_cancel (cancellable);
    }

  /* The callback writes into @async: it must have run before we return. */
  while (async->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return g_steal_pointer (&async->result);
}

/* The merchant */

static void
on_merchant_request_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  static const char page[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>Merchant</title></head>"
    "<body><p>Back at the shop.</p></body></html>\n";
  BrowserFixture *fixture = user_data;
  const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  MerchantHit *hit;

  /* Anything else (favicon.ico) is not ours. */
  if (!g_str_equal (path, "/approve") && !g_str_equal (path, "/cancel") &&
      !g_str_equal (path, "/fail"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  g_test_message ("merchant: %s %s%s%s", soup_server_message_get_method (msg), path,
                  raw_query != NULL ? "?" : "", raw_query != NULL ? raw_query : "");

  hit = g_new0 (MerchantHit, 1);
  hit->path = g_strdup (path);
  hit->raw_query = g_strdup (raw_query);
  if (raw_query != NULL)
    hit->query = soup_form_decode (raw_query);
  else
    hit->query = g_hash_table_new (g_str_hash, g_str_equal);
  g_ptr_array_add (fixture->hits, hit);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                    page, strlen (page));
}

static gboolean
merchant_has_hit (gpointer data)
{
  BrowserFixture *fixture = data;

  return fixture->hits->len > 0;
}

/* WebDriver over HTTP */

/* Sends @msg, iterating the main context meanwhile; bounded by CALL_TIMEOUT_MS. */
static GBytes *
send_message (SoupSession  *session,
              SoupMessage  *msg,
              GError      **error)
{
  KpTestAsync async = { NULL };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    kp_test_async_cb, &async);
  result = await_async (&async, cancellable);
  return soup_session_send_and_read_finish (session, result, error);
}

/* Calls WebDriver and returns the reply's "value" (a copy), or NULL with @error set
 * when the call failed or WebDriver answered with an error. */
static JsonNode *
webdriver_call (BrowserFixture  *fixture,
                const char      *method,
                const char      *path,
                JsonNode        *body,
                GError         **error)
{
  g_autofree char *url = g_strconcat (fixture->driver_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) reply = NULL;
  JsonNode *root;
  JsonNode *value;
  guint status;

  g_assert (msg != NULL);

  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (msg, "application/json; charset=utf-8",
                                                bytes);
    }

  reply = send_message (fixture->session, msg, error);
  if (reply == NULL)
    {
      g_prefix_error (error, "%s %s: ", method, path);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                   g_bytes_get_size (reply), error))
    {
      g_prefix_error (error, "%s %s (HTTP %u): ", method, path, status);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "value"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s %s (HTTP %u): the reply has no \"value\"", method, path, status);
      return NULL;
    }
  value = json_object_get_member (json_node_get_object (root), "value");

  if (status != SOUP_STATUS_OK)
    {
      const char *name = NULL;
      const char *message = NULL;

      if (JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObject *object = json_node_get_object (value);

          name = json_object_get_string_member_with_default (object, "error", NULL);
          message = json_object_get_string_member_with_default (object, "message", NULL);
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s: HTTP %u, %s: %s",
                   method, path, status, name != NULL ? name : "(no error)",
                   message != NULL ? message : "(no message)");
      return NULL;
    }

  return json_node_copy (value);
}

static char *
session_path (BrowserFixture *fixture,
              const char     *suffix)
{
  return g_strconcat ("/session/", fixture->session_id, suffix, NULL);
}

static JsonNode *
empty_object_node (void)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* GET a string value under the session (the title, the URL, an element's text). */
static char *
webdriver_get_string (BrowserFixture  *fixture,
                      const char      *suffix,
                      GError         **error)
{
  g_autofree char *path = session_path (fixture, suffix);
  g_autoptr (JsonNode) value = webdriver_call (fixture, "GET", path, NULL, error);

  if (value == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "GET %s: the value is not a string", path);
      return NULL;
    }
  return json_node_dup_string (value);
}

static gboolean
webdriver_navigate (BrowserFixture  *fixture,
                    const char      *url,
                    GError         **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) value = NULL;
  g_autofree char *path = session_path (fixture, "/url");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  value = webdriver_call (fixture, "POST", path, body, error);
  return value != NULL;
}

/* Returns the element reference of the first match of @css. */
static char *
webdriver_find (BrowserFixture  *fixture,
                const char      *css,
                GError         **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) value = NULL;
  g_autofree char *path = session_path (fixture, "/element");
  const char *element;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "using");
  json_builder_add_string_value (builder, "css selector");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, css);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  value = webdriver_call (fixture, "POST", path, body, error);
  if (value == NULL)
    {
      g_prefix_error (error, "finding %s: ", css);
      return NULL;
    }

  element = JSON_NODE_HOLDS_OBJECT (value)
    ? json_object_get_string_member_with_default (json_node_get_object (value),
                                                  WEBDRIVER_ELEMENT_KEY, NULL)
    : NULL;
  if (element == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "finding %s: the reply holds no element reference", css);
      return NULL;
    }
  return g_strdup (element);
}

static gboolean
webdriver_click (BrowserFixture  *fixture,
                 const char      *css,
                 GError         **error)
{
  g_autofree char *element = webdriver_find (fixture, css, error);
  g_autofree char *suffix = NULL;
  g_autofree char *path = NULL;
  g_autoptr (JsonNode) body = empty_object_node ();
  g_autoptr (JsonNode) value = NULL;

  if (element == NULL)
    return FALSE;

  suffix = g_strdup_printf ("/element/%s/click", element);
  path = session_path (fixture, suffix);
  value = webdriver_call (fixture, "POST", path, body, error);
  if (value == NULL)
    {
      g_prefix_error (error, "clicking %s: ", css);
      return FALSE;
    }
  return TRUE;
}

/* Whether the radio input @css is checked. */
static gboolean
webdriver_is_selected (BrowserFixture  *fixture,
                       const char      *css,
                       gboolean        *out_selected,
                       GError         **error)
{
  g_autofree char *element = webdriver_find (fixture, css, error);
  g_autofree char *suffix = NULL;
  g_autofree char *path = NULL;
  g_autoptr (JsonNode) value = NULL;

  if (element == NULL)
    return FALSE;

  suffix = g_strdup_printf ("/element/%s/selected", element);
  path = session_path (fixture, suffix);
  value = webdriver_call (fixture, "GET", path, NULL, error);
  if (value == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "GET %s: the value is not a boolean", path);
      return FALSE;
    }
  *out_selected = json_node_get_boolean (value);
  return TRUE;
}

static char *
webdriver_get_body_text (BrowserFixture  *fixture,
                         GError         **error)
{
  g_autofree char *element = webdriver_find (fixture, "body", error);
  g_autofree char *suffix = NULL;

  if (element == NULL)
    return NULL;
  suffix = g_strdup_printf ("/element/%s/text", element);
  return webdriver_get_string (fixture, suffix, error);
}

/* Polls the browser's URL until it starts with @prefix (the redirect may still be
 * loading when the merchant sees it); returns the last URL seen. */
static char *
webdriver_wait_for_url (BrowserFixture  *fixture,
                        const char      *prefix,
                        GError         **error)
{
  gint64 deadline = g_get_monotonic_time () + REDIRECT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  char *url = NULL;

  for (;;)
    {
      g_free (url);
      url = webdriver_get_string (fixture, "/url", error);
      if (url == NULL || g_str_has_prefix (url, prefix) ||
          g_get_monotonic_time () > deadline)
        return url;
      iterate_for (100);
    }
}

/* chromedriver */

static guint16
pick_free_port (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  if (effective == NULL)
    return 0;
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);
  return port;
}

static void
driver_child_setup (gpointer user_data)
{
  /* Its own process group, so the teardown can end whatever browser it left behind,
   * and gone with us should the test program abort. */
  setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
on_driver_exited_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  BrowserFixture *fixture = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  fixture->driver_exited = TRUE;
}

/* Whether GET /status says chromedriver is ready; FALSE while it is not listening. */
static gboolean
driver_is_ready (BrowserFixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) value = webdriver_call (fixture, "GET", "/status", NULL, &error);

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return FALSE;
  return json_object_get_boolean_member_with_default (json_node_get_object (value),
                                                      "ready", FALSE);
}

static void
stop_driver (BrowserFixture *fixture)
{
  const char *identifier;
  pid_t pid;

  if (fixture->driver == NULL)
    return;

  identifier = g_subprocess_get_identifier (fixture->driver);
  pid = identifier != NULL ? (pid_t) g_ascii_strtoll (identifier, NULL, 10) : 0;

  g_subprocess_force_exit (fixture->driver);
  while (!fixture->driver_exited)
    g_main_context_iteration (NULL, TRUE);

  /* The browser runs in chromedriver's process group: end whatever a failed DELETE left
   * running. (After a good DELETE only zombies remain there, orphaned zygotes waiting
   * for init to reap them.) */
  if (pid > 0)
    kill (-pid, SIGKILL);

  g_clear_object (&fixture->driver);
}

/* Starts chromedriver on a free port and waits for GET /status to say ready. A port
 * taken between picking and binding makes chromedriver exit: try again. */
static gboolean
start_driver (BrowserFixture  *fixture,
              const char      *chromedriver,
              GError         **error)
{
  g_autofree char *log_path = g_build_filename (fixture->work_dir, "chromedriver.log", NULL);
  g_autofree char *log_arg = g_strconcat ("--log-path=", log_path, NULL);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autofree char *port_arg = NULL;
      guint16 port = pick_free_port ();
      gint64 deadline;

      if (port == 0)
        break;

      /* chromedriver talks on stdout, which carries our TAP. */
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      /* Our warnings are fatal in tests; the browser's own GLib warnings are not ours. */
      g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
      g_subprocess_launcher_set_child_setup (launcher, driver_child_setup, NULL, NULL);
      port_arg = g_strdup_printf ("--port=%u", port);
      fixture->driver = g_subprocess_launcher_spawn (launcher, error, chromedriver,
                                                     port_arg, log_arg, NULL);
      if (fixture->driver == NULL)
        return FALSE;
      fixture->driver_exited = FALSE;
      g_subprocess_wait_async (fixture->driver, NULL, on_driver_exited_cb, fixture);

      g_free (fixture->driver_url);
      fixture->driver_url = g_strdup_printf ("http://127.0.0.1:%u", port);

      deadline = g_get_monotonic_time () + DRIVER_START_MS * (gint64) 1000;
      while (!fixture->driver_exited && g_get_monotonic_time () < deadline)
        {
          if (driver_is_ready (fixture))
            return TRUE;
          iterate_for (100);
        }

      g_test_message ("chromedriver on port %u did not become ready", port);
      stop_driver (fixture);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "chromedriver did not start (see %s)", log_path);
  return FALSE;
}

static gboolean
create_session (BrowserFixture  *fixture,
                const char      *chromium,
                GError         **error)
{
  static const char * const args[] = {
    "--headless",
    "--no-sandbox",              /* we may run as root */
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
  };
  g_autofree char *profile = g_build_filename (fixture->work_dir, "profile", NULL);
  g_autofree char *profile_arg = g_strconcat ("--user-data-dir=", profile, NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) value = NULL;
  const char *session_id;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "capabilities");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alwaysMatch");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "browserName");
  json_builder_add_string_value (builder, "chrome");
  json_builder_set_member_name (builder, "goog:chromeOptions");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "binary");
  json_builder_add_string_value (builder, chromium);
  json_builder_set_member_name (builder, "args");
  json_builder_begin_array (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
    json_builder_add_string_value (builder, args[i]);
  json_builder_add_string_value (builder, profile_arg);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  value = webdriver_call (fixture, "POST", "/session", body, error);
  if (value == NULL)
    return FALSE;

  session_id = JSON_NODE_HOLDS_OBJECT (value)
    ? json_object_get_string_member_with_default (json_node_get_object (value),
                                                  "sessionId", NULL)
    : NULL;
  if (session_id == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "POST /session: the reply has no sessionId");
      return FALSE;
    }
  fixture->session_id = g_strdup (session_id);
  return TRUE;
}

static void
delete_session (BrowserFixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) value = NULL;
  g_autofree char *path = NULL;

  if (fixture->session_id == NULL || fixture->driver_exited)
    return;

  path = session_path (fixture, "");
  value = webdriver_call (fixture, "DELETE", path, NULL, &error);
  if (value == NULL)
    g_test_message ("ending the WebDriver session: %s", error->message);
  g_clear_pointer (&fixture->session_id, g_free);
}

/* rm -r, without following symbolic links (the profile holds Singleton* links). */
static void
remove_tree (GFile *file)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      for (;;)
        {
          GFileInfo *info = NULL;
          GFile *child = NULL;

          if (!g_file_enumerator_iterate (children, &info, &child, NULL, NULL) ||
              info == NULL)
            break;
          remove_tree (child);
        }
    }

  if (!g_file_delete (file, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_test_message ("removing %s: %s", g_file_peek_path (file), error->message);
}

/* Fixture */

static void
browser_fixture_set_up (BrowserFixture *fixture,
                        gconstpointer   data)
{
  const char *chromium = g_getenv ("KP_CHROMIUM");
  const char *chromedriver = g_getenv ("KP_CHROMEDRIVER");
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_test_set_nonfatal_assertions ();

  fixture->hits = g_ptr_array_new_with_free_func ((GDestroyNotify) merchant_hit_free);

  if (chromium == NULL || *chromium == '\0' || chromedriver == NULL || *chromedriver == '\0')
    {
      fixture->skipped = TRUE;
      g_test_skip ("KP_CHROMIUM and KP_CHROMEDRIVER must name chromium and chromedriver");
      return;
    }

  /* KakaoPay, in process. */
  fixture->sandbox = kp_sandbox_new (KP_SANDBOX_DEFAULT_KEY);
  kp_sandbox_listen (fixture->sandbox, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  fixture->sandbox_url = kp_sandbox_dup_base_url (fixture->sandbox);
  g_test_message ("sandbox at %s", fixture->sandbox_url);

  /* The merchant the browser comes back to. */
  fixture->merchant = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->merchant, NULL, on_merchant_request_cb, fixture, NULL);
  soup_server_listen_local (fixture->merchant, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  uris = soup_server_get_uris (fixture->merchant);
  g_assert_nonnull (uris);
  RETURN_IF_FAILED ();
  fixture->merchant_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (g_str_has_suffix (fixture->merchant_url, "/"))
    fixture->merchant_url[strlen (fixture->merchant_url) - 1] = '\0';

  /* The browser. */
  fixture->session = kp_test_session_new ();
  fixture->work_dir = g_dir_make_tmp ("kp-browser-XXXXXX", &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();

  start_driver (fixture, chromedriver, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();

  create_session (fixture, chromium, &error);
  g_assert_no_error (error);
}

static void
browser_fixture_tear_down (BrowserFixture *fixture,
                           gconstpointer   data)
{
  delete_session (fixture);
  stop_driver (fixture);

  if (fixture->work_dir != NULL)
    {
      g_autoptr (GFile) dir = g_file_new_for_path (fixture->work_dir);

      if (g_test_failed () && !fixture->skipped)
        {
          g_autofree char *log_path = g_build_filename (fixture->work_dir,
                                                        "chromedriver.log", NULL);
          g_autofree char *log = NULL;

          /* The end of chromedriver's log is what explains a failure. */
          if (g_file_get_contents (log_path, &log, NULL, NULL))
            g_test_message ("chromedriver.log ends:\n%s",
                            strlen (log) > 4000 ? log + strlen (log) - 4000 : log);
        }
      remove_tree (dir);
      g_clear_pointer (&fixture->work_dir, g_free);
    }

  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->driver_url, g_free);

  if (fixture->merchant != NULL)
    soup_server_disconnect (fixture->merchant);
  g_clear_object (&fixture->merchant);
  g_clear_pointer (&fixture->merchant_url, g_free);
  g_clear_pointer (&fixture->hits, g_ptr_array_unref);

  g_clear_object (&fixture->sandbox);
  g_clear_pointer (&fixture->sandbox_url, g_free);
}

/* The test */

static KpOrderReply *
fetch_order (KpClient    *client,
             const char  *tid,
             GError     **error)
{
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  KpTestAsync async = { NULL };

  request->cid = g_strdup ("TC0ONETIME");
  request->tid = g_strdup (tid);
  kp_client_order_async (client, request, cancellable, kp_test_async_cb, &async);
  result = await_async (&async, cancellable);
  return kp_client_order_finish (client, result, error);
}

/* ready → the customer page in chromium → a button → the merchant's redirect →
 * approve (unless cancelled) → order. */
static void
test_browser_payment (BrowserFixture *fixture,
                      gconstpointer   data)
{
  const BrowserCase *test_case = data;
  const char *button = test_case->choice == CHOICE_CANCEL ? "#cancel" : "#pay";
  g_autoptr (KpClient) client = NULL;
  g_autoptr (KpReadyRequest) ready_request = kp_ready_request_new ();
  g_autoptr (KpReadyReply) ready = NULL;
  g_autoptr (KpApproveRequest) approve_request = kp_approve_request_new ();
  g_autoptr (KpApproveReply) approved = NULL;
  g_autoptr (KpOrderReply) order = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *partner_order_id = NULL;
  g_autofree char *approval_url = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  g_autofree char *browser_url = NULL;
  g_autofree char *expected_url = NULL;
  KpTestAsync async = { NULL };
  gboolean selected = FALSE;
  MerchantHit *hit;
  const char *pg_token;

  if (fixture->skipped)
    return;
  RETURN_IF_FAILED ();

  /* 1. The shop readies the payment. */
  client = kp_client_new (fixture->sandbox_url, test_case->dialect, KP_SANDBOX_DEFAULT_KEY);
  partner_order_id = g_strdup_printf ("browser-%s-%d",
                                      kp_dialect_to_string (test_case->dialect),
                                      (int) test_case->choice);
  approval_url = g_strconcat (fixture->merchant_url, APPROVAL_PATH, NULL);

  ready_request->cid = g_strdup ("TC0ONETIME");
  ready_request->partner_order_id = g_strdup (partner_order_id);
  ready_request->partner_user_id = g_strdup ("counter-1");
  ready_request->item_name = g_strdup ("Americano");
  ready_request->quantity = 1;
  ready_request->total_amount = TOTAL_AMOUNT;
  ready_request->tax_free_amount = 0;
  ready_request->approval_url = g_strdup (approval_url);
  ready_request->cancel_url = g_strconcat (fixture->merchant_url, "/cancel", NULL);
  ready_request->fail_url = g_strconcat (fixture->merchant_url, "/fail", NULL);

  kp_client_ready_async (client, ready_request, cancellable, kp_test_async_cb, &async);
  result = await_async (&async, cancellable);
  ready = kp_client_ready_finish (client, result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  g_assert_nonnull (ready->tid);
  g_assert_nonnull (ready->next_redirect_pc_url);
  RETURN_IF_FAILED ();
  g_test_message ("tid %s, pc page %s", ready->tid, ready->next_redirect_pc_url);

  /* 2. The customer opens the page. */
  webdriver_navigate (fixture, ready->next_redirect_pc_url, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();

  title = webdriver_get_string (fixture, "/title", &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  text = webdriver_get_body_text (fixture, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  g_test_message ("page title: %s", title);
  if (strstr (title, "2,200") == NULL && strstr (text, "2,200") == NULL)
    {
      g_test_message ("page text:\n%s", text);
      g_test_fail_printf ("the payment page shows no \"2,200\"");
      return;
    }

  /* 3. … picks a method and presses a button. */
  if (test_case->choice == CHOICE_CARD)
    {
      webdriver_click (fixture, "#method-card", &error);
      g_assert_no_error (error);
      RETURN_IF_FAILED ();
      webdriver_is_selected (fixture, "#method-card", &selected, &error);
      g_assert_no_error (error);
      RETURN_IF_FAILED ();
      g_assert_true (selected);
    }
  else if (test_case->choice == CHOICE_MONEY)
    {
      /* Money is the default. */
      webdriver_is_selected (fixture, "#method-money", &selected, &error);
      g_assert_no_error (error);
      RETURN_IF_FAILED ();
      g_assert_true (selected);
    }
  RETURN_IF_FAILED ();

  webdriver_click (fixture, button, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();

  /* 4. The browser comes back to the merchant. */
  if (!wait_until (merchant_has_hit, fixture, REDIRECT_TIMEOUT_MS))
    {
      g_autofree char *url = webdriver_get_string (fixture, "/url", NULL);

      g_test_fail_printf ("the merchant saw no redirect within %d ms (browser at %s)",
                          REDIRECT_TIMEOUT_MS, url != NULL ? url : "?");
      return;
    }
  /* Let a duplicate or a second redirect show up, should there be one. */
  iterate_for (200);
  g_assert_cmpuint (fixture->hits->len, ==, 1);
  RETURN_IF_FAILED ();
  hit = g_ptr_array_index (fixture->hits, 0);

  if (test_case->choice == CHOICE_CANCEL)
    {
      g_assert_cmpstr (hit->path, ==, "/cancel");
      g_assert_false (g_hash_table_contains (hit->query, "pg_token"));
      RETURN_IF_FAILED ();

      browser_url = webdriver_wait_for_url (fixture, fixture->merchant_url, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (browser_url, ==, ready_request->cancel_url);
      RETURN_IF_FAILED ();

      order = fetch_order (client, ready->tid, &error);
      g_assert_no_error (error);
      RETURN_IF_FAILED ();
      g_assert_cmpstr (kp_status_to_string (order->status), ==,
                       kp_status_to_string (KP_STATUS_QUIT_PAYMENT));
      return;
    }

  g_assert_cmpstr (hit->path, ==, "/approve");
  g_assert_cmpstr (g_hash_table_lookup (hit->query, "order"), ==, "42");
  pg_token = g_hash_table_lookup (hit->query, "pg_token");
  g_assert_nonnull (pg_token);
  RETURN_IF_FAILED ();
  g_assert_cmpuint (strlen (pg_token), ==, 20);
  RETURN_IF_FAILED ();

  expected_url = g_strconcat (approval_url, "&pg_token=", pg_token, NULL);
  browser_url = webdriver_wait_for_url (fixture, fixture->merchant_url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (browser_url, ==, expected_url);
  RETURN_IF_FAILED ();

  /* 5. The shop approves with the token. */
  approve_request->cid = g_strdup ("TC0ONETIME");
  approve_request->tid = g_strdup (ready->tid);
  approve_request->partner_order_id = g_strdup (partner_order_id);
  approve_request->partner_user_id = g_strdup (ready_request->partner_user_id);
  approve_request->pg_token = g_strdup (pg_token);

  kp_client_approve_async (client, approve_request, cancellable, kp_test_async_cb, &async);
  result = await_async (&async, cancellable);
  approved = kp_client_approve_finish (client, result, &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();

  g_assert_nonnull (approved->aid);
  RETURN_IF_FAILED ();
  g_assert_cmpint (approved->aid[0], ==, 'A');
  g_assert_cmpuint (strlen (approved->aid), ==, 20);
  g_assert_cmpstr (approved->tid, ==, ready->tid);
  g_assert_cmpint (approved->amount.total, ==, TOTAL_AMOUNT);
  g_assert_cmpint (approved->amount.vat, ==, 200);
  if (test_case->choice == CHOICE_CARD)
    {
      g_assert_cmpstr (approved->payment_method_type, ==, "CARD");
      g_assert_nonnull (approved->card_info);
    }
  else
    {
      g_assert_cmpstr (approved->payment_method_type, ==, "MONEY");
      g_assert_null (approved->card_info);
    }
  RETURN_IF_FAILED ();

  /* 6. KakaoPay agrees the payment is done. */
  order = fetch_order (client, ready->tid, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  g_assert_cmpstr (kp_status_to_string (order->status), ==,
                   kp_status_to_string (KP_STATUS_SUCCESS_PAYMENT));
  g_assert_cmpstr (order->payment_method_type, ==, approved->payment_method_type);
  g_assert_cmpint (order->amount.total, ==, TOTAL_AMOUNT);
}

/* The terminal's reachability page, as a phone's browser shows it. */
static void
test_browser_check_page (BrowserFixture *fixture,
                         gconstpointer   data)
{
  g_autoptr (KpApprovalListener) listener = kp_approval_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;

  if (fixture->skipped)
    return;
  RETURN_IF_FAILED ();

  g_assert_true (kp_approval_listener_listen (listener, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  base = kp_approval_listener_dup_url (listener);
  url = g_strconcat (base, "/check", NULL);

  /* The listener is served from this thread's main context: the browser's request is
   * answered while the WebDriver call waits on it. */
  g_assert_true (webdriver_navigate (fixture, url, &error));
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  text = webdriver_get_body_text (fixture, &error);
  g_assert_no_error (error);
  RETURN_IF_FAILED ();
  g_assert_nonnull (strstr (text, "This terminal is reachable"));
  g_assert_nonnull (strstr (text, "이 단말기에 연결되었습니다"));
}

int
main (int   argc,
      char *argv[])
{
  static const BrowserCase money = { KP_DIALECT_ONLINE, CHOICE_MONEY };
  static const BrowserCase card = { KP_DIALECT_LEGACY, CHOICE_CARD };
  static const BrowserCase cancel = { KP_DIALECT_ONLINE, CHOICE_CANCEL };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/kp/browser/approve-money", BrowserFixture, &money,
              browser_fixture_set_up, test_browser_payment, browser_fixture_tear_down);
  g_test_add ("/kp/browser/approve-card-legacy", BrowserFixture, &card,
              browser_fixture_set_up, test_browser_payment, browser_fixture_tear_down);
  g_test_add ("/kp/browser/cancel", BrowserFixture, &cancel,
              browser_fixture_set_up, test_browser_payment, browser_fixture_tear_down);
  g_test_add ("/kp/browser/check-page", BrowserFixture, NULL,
              browser_fixture_set_up, test_browser_check_page, browser_fixture_tear_down);

  return g_test_run ();
}
