/* main.c: the kakaopay-relay program
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kakaopay-relay"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <sys/resource.h>

#include "kp-address.h"
#include "kp-relay.h"

static gboolean
on_signal_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

/* Every terminal holds a socket: take all the descriptors the hard limit allows. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_debug ("cannot raise the open file limit: %s", g_strerror (errno));
    }
}

/* Tokens are secrets: like ssh with a private key, a file others can read is refused. */
static gboolean
check_config_mode (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
    {
      /* Translators: the path, then the path again in a command; keep “chmod 600” */
      g_printerr (_("kakaopay-relay: %s can be read by other users, and it holds terminal "
                    "tokens. Make it private with “chmod 600 %s”, then start again.\n"),
                  path, path);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;
  gboolean no_websocket = FALSE;
  gboolean version = FALSE;
  guint16 port = 0;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GKeyFile) key_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (KpRelay) relay = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  guint sigint_id, sigterm_id;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("The key file with [relay] and one [terminal NAME] group per terminal"), N_("PATH") },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address to listen on, overriding the key file (port 0: any free port)"),
      N_("HOST:PORT") },
    { "no-websocket", 0, 0, G_OPTION_ARG_NONE, &no_websocket,
      N_("Refuse WebSocket upgrades with 400, so terminals long-poll (for tests)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Receives customers’ KakaoPay redirects on the shop’s public callback host\n"
      "and hands each to its terminal over a WebSocket or a long poll."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kakaopay-relay: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("kakaopay-relay %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (config_path == NULL)
    {
      g_printerr (_("kakaopay-relay: --config PATH is required\n"));
      return 2;
    }

  if (!check_config_mode (config_path))
    return 2;
  key_file = g_key_file_new ();
  relay = kp_relay_new ();
  if (!g_key_file_load_from_file (key_file, config_path, G_KEY_FILE_NONE, &error) ||
      !kp_relay_load_key_file (relay, key_file, &error))
    {
      g_printerr ("kakaopay-relay: %s: %s\n", config_path, error->message);
      return 2;
    }
  g_clear_pointer (&key_file, g_key_file_unref);
  if (kp_relay_get_n_terminals (relay) == 0)
    {
      g_printerr (_("kakaopay-relay: %s: no [terminal NAME] group\n"), config_path);
      return 2;
    }
  kp_relay_set_websocket_enabled (relay, !no_websocket);

  if (!kp_address_parse_host_port (listen != NULL ? listen : kp_relay_get_listen (relay),
                                   "0.0.0.0", &host, &port, &error))
    {
      g_printerr ("kakaopay-relay: %s\n", error->message);
      return 2;
    }

  raise_file_limit ();
  if (!kp_relay_listen (relay, host, port, &error))
    {
      g_printerr (_("kakaopay-relay: cannot listen on %s: %s\n"),
                  listen != NULL ? listen : kp_relay_get_listen (relay), error->message);
      return 1;
    }

  /* Tests and scripts read this line: keep it exactly so. */
  url = kp_relay_dup_url (relay);
  g_print ("listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  return 0;
}
