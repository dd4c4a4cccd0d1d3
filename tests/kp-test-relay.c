/* kp-test-relay.c: kakaopay-relay as a process of the test's own
 *
 * The program is the one the build made (KP_RELAY), listening on loopback.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kp-test-relay.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "kp-test-server.h"

/**
 * kp_test_relay_write_config:
 * @path: the file, readable by its owner only
 * @relay_section: the `[relay]` section
 * @n_terminals: how many `[terminal NAME]` sections follow it
 * @terminal_name: names them
 * @terminal_token: gives each its token
 */
void
kp_test_relay_write_config (const char         *path,
                            const char         *relay_section,
                            guint               n_terminals,
                            KpTestTerminalFunc  terminal_name,
                            KpTestTerminalFunc  terminal_token)
{
  g_autoptr (GString) text = g_string_new (relay_section);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n_terminals; i++)
    {
      g_autofree char *name = terminal_name (i);
      g_autofree char *token = terminal_token (i);

      g_string_append_printf (text, "\n[terminal %s]\ntoken=%s\n", name, token);
    }
  g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

/* A relay outlives no test, even one that aborts. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/**
 * kp_test_relay_spawn:
 * @config: its configuration file
 * @port: where it listens on 127.0.0.1; 0 for any free port
 * @arg: (nullable): one more argument
 * @out_url: (out): where it listens, `http://127.0.0.1:PORT`
 *
 * Starts kakaopay-relay and waits until it listens.
 *
 * Returns: (transfer full): the process
 */
GSubprocess *
kp_test_relay_spawn (const char  *config,
                     guint16      port,
                     const char  *arg,
                     char       **out_url)
{
  const char *relay_exe = g_getenv ("KP_RELAY");
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) relay = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (relay_exe);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* A critical in the relay ends it, and kp_test_relay_stop() sees the exit status. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  relay = g_subprocess_launcher_spawn (launcher, &error, relay_exe, "--config", config,
                                       "--listen", listen, arg, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relay));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  *out_url = g_strdup (line + strlen ("listening on "));
  return g_steal_pointer (&relay);
}

/* Stops *@relay, if any, with SIGTERM (it must exit with status 0), and clears it and
 * its *@url. */
void
kp_test_relay_stop (GSubprocess **relay,
                    char        **url)
{
  if (*relay == NULL)
    return;
  g_subprocess_send_signal (*relay, SIGTERM);
  g_assert_true (g_subprocess_wait (*relay, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (*relay));
  g_assert_cmpint (g_subprocess_get_exit_status (*relay), ==, 0);
  g_clear_object (relay);
  g_clear_pointer (url, g_free);
}

/**
 * kp_test_relay_poll_now:
 * @session: for the request
 * @relay_url: where the relay listens
 * @name: the terminal's name
 * @token: its token
 *
 * A long poll for the terminal with after=0, wait=0: what the relay holds for it now
 * (it acknowledges nothing).
 *
 * Returns: (transfer full): the answer, `{"epoch":…,"events":[…]}`
 */
JsonObject *
kp_test_relay_poll_now (SoupSession *session,
                        const char  *relay_url,
                        const char  *name,
                        const char  *token)
{
  g_autofree char *url = g_strdup_printf ("%s/t/%s/events?after=0&wait=0", relay_url, name);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (kp_test_http_get (session, url, authorization, &body), ==, 200);
  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef struct
{
  KpRelayClient *client;
  KpRelayState   state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return kp_relay_client_get_state (wait->client) == wait->state;
}

/* Until @client is in @state; more than @seconds fail the test. */
void
kp_test_relay_assert_state (KpRelayClient *client,
                            KpRelayState   state,
                            guint          seconds)
{
  StateWait wait = { client, state };

  if (!kp_test_wait_for (state_reached, &wait, seconds))
    g_error ("relay client is %s, not %s",
             kp_relay_state_to_string (kp_relay_client_get_state (client)),
             kp_relay_state_to_string (state));
}

static void
on_callback_cb (KpApprovalListener *listener,
                const char         *order_id,
                KpCallbackKind      kind,
                const char         *pg_token,
                KpTestReceived     *received)
{
  g_autofree char *key = g_strdup_printf ("%s %s %s", order_id, kp_callback_kind_to_string (kind),
                                          pg_token != NULL ? pg_token : "-");

  g_hash_table_replace (received->seen, g_strdup (key),
                        GUINT_TO_POINTER (kp_test_received_count (received, key) + 1));
  received->n++;
  g_free (received->last_order_id);
  received->last_order_id = g_strdup (order_id);
  received->last_kind = kind;
  g_free (received->last_pg_token);
  received->last_pg_token = g_strdup (pg_token);
  /* Stops the client before it acknowledges this event. */
  if (received->stop_on_callback != NULL)
    kp_relay_client_stop (g_steal_pointer (&received->stop_on_callback));
}

/* Starts counting the callbacks @listener emits. */
void
kp_test_received_init (KpTestReceived     *received,
                       KpApprovalListener *listener)
{
  memset (received, 0, sizeof *received);
  received->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), received);
}

void
kp_test_received_clear (KpTestReceived *received)
{
  g_clear_pointer (&received->seen, g_hash_table_unref);
  g_clear_pointer (&received->last_order_id, g_free);
  g_clear_pointer (&received->last_pg_token, g_free);
}

/* How many times the callback @key ("order kind pg_token") came. */
guint
kp_test_received_count (KpTestReceived *received,
                        const char     *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (received->seen, key));
}

/* Until @n callbacks or more came; more than @seconds fail the test. */
void
kp_test_received_wait (KpTestReceived *received,
                       guint           n,
                       guint           seconds)
{
  if (!kp_test_wait_count (&received->n, n, seconds))
    g_error ("the listener got %u callbacks, not %u", received->n, n);
}
