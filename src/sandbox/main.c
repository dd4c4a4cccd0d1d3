/* main.c: the kakaopay-sandbox program
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kakaopay-sandbox"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kp-sandbox.h"

#define DEFAULT_LISTEN "127.0.0.1:8765"

static gboolean
on_signal_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

/* "HOST:PORT", "[V6]:PORT", or ":PORT" for 127.0.0.1. */
static gboolean
parse_listen (const char  *text,
              char       **out_host,
              guint16     *out_port,
              GError     **error)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *host = NULL;
  guint64 port;

  if (colon == NULL ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen wants HOST:PORT, not “%s”", text);
      return FALSE;
    }

  host = g_strndup (text, colon - text);
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  if (*host == '\0')
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }

  *out_host = g_steal_pointer (&host);
  *out_port = (guint16) port;
  return TRUE;
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
  int tid_ttl = KP_SANDBOX_DEFAULT_TID_TTL;
  gboolean log_requests = FALSE;
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
    { "tid-ttl", 't', 0, G_OPTION_ARG_INT, &tid_ttl,
      "Seconds before an unapproved tid expires (default 900)", "SECONDS" },
    { "log-requests", 0, 0, G_OPTION_ARG_NONE, &log_requests,
      "Print one JSON line per API call on stdout (keys redacted)", NULL },
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

  if (!parse_listen (listen != NULL ? listen : DEFAULT_LISTEN, &host, &port, &error))
    {
      g_printerr ("kakaopay-sandbox: %s\n", error->message);
      return 2;
    }

  sandbox = kp_sandbox_new (key);
  if (key != NULL)
    memset (key, 0, strlen (key));
  kp_sandbox_set_tid_ttl (sandbox, tid_ttl);
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
  if (log_requests)
    {
      log_stream = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
      kp_sandbox_set_log_stream (sandbox, log_stream);
    }

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
           "Press Ctrl+C to stop.\n",
           base_url, base_url, base_url, pages_base,
           key_file != NULL ? "as in the --key-file"
           : key != NULL ? "as given with --key"
           : "the built-in default (KP_SANDBOX_DEFAULT_KEY in kp-sandbox.h)",
           tid_ttl);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  g_print ("KakaoPay sandbox stopped.\n");
  fflush (stdout);
  return 0;
}
