/* kp-terminal-services.c: KpTerminal's services, built from the settings and secrets
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-terminal"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <net/if.h>
#include <arpa/inet.h>

#include "kp-address.h"
#include "kp-terminal-private.h"

static GSettings *
gsettings (KpTerminal *self)
{
  return kp_settings_get_gsettings (self->settings);
}

/* Every problem found while setting up, one per line. */
static void
set_setup_error (KpTerminal *self,
                 const char *message)
{
  g_autofree char *old = g_steal_pointer (&self->setup_error);

  g_warning ("%s", message);
  self->setup_error = old != NULL ? g_strconcat (old, "\n", message, NULL) : g_strdup (message);
}

/* The first non-loopback IPv4 address: what a phone on the shop's network reaches. */
static char *
lan_address (void)
{
  struct ifaddrs *list = NULL;
  char *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *ifa = list; ifa != NULL && found == NULL; ifa = ifa->ifa_next)
    {
      char text[INET_ADDRSTRLEN];

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET ||
          (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
        continue;
      if (inet_ntop (AF_INET, &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr, text,
                     sizeof text) != NULL)
        found = g_strdup (text);
    }
  freeifaddrs (list);
  return found;
}

/* A secret from a file named on the command line (the bare value, whitespace trimmed).
 * Like ssh with a private key, a file other users can read is refused: the secret may
 * already be out, and it must not go on being so. */
static char *
read_secret_file (const char  *path,
                  const char  *what,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   /* Translators: the first %s names the file (“the secret key file”),
                    * then its path twice; “chmod 600” is a command, keep it */
                   _("Refused %s %s: other users can read it. Make it private with "
                     "“chmod 600 %s”, then start again."),
                   what, path, path);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: the first %s names the file (“the secret key file”),
                    * the second is the reason */
                   _("Could not read %s: %s"), what, local_error->message);
      return NULL;
    }
  g_strstrip (contents);
  if (*contents == '\0')
    {
      /* Translators: %s names the file (“the secret key file”) */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is empty."), what);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

void
_kp_terminal_wipe_free (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

/* KakaoPay's page in the app's own web view: the app catches the redirects itself. */
static gboolean
page_mode (KpTerminal *self)
{
  return kp_settings_get_qr_target (self->settings) == KP_QR_TARGET_PAGE;
}

/* Approvals through the relay, or the listener (neither with the page in the app). */
gboolean
_kp_terminal_relay_mode (KpTerminal *self)
{
  return kp_settings_get_approval_delivery (self->settings) == KP_DELIVERY_RELAY &&
         !page_mode (self);
}

/* Objects a sale in flight may still use after a reconfiguration: released once the
 * checkout is idle and nothing is being recovered. */
static void
release_retired (KpTerminal *self)
{
  if (self->retired->len == 0)
    return;
  if (self->checkout != NULL &&
      kp_checkout_get_stage (self->checkout) != KP_CHECKOUT_STAGE_IDLE)
    return;
  if (self->reconciler != NULL && kp_reconciler_get_n_pending (self->reconciler) > 0)
    return;
  g_debug ("releasing %u retired services", self->retired->len);
  for (guint i = 0; i < self->retired->len; i++)
    {
      if (KP_IS_RELAY_CLIENT (g_ptr_array_index (self->retired, i)))
        kp_relay_client_stop (g_ptr_array_index (self->retired, i));
    }
  g_ptr_array_set_size (self->retired, 0);
}

static void
retire (KpTerminal *self,
        gpointer       object)
{
  if (object == NULL)
    return;
  g_ptr_array_add (self->retired, object);
  release_retired (self);
}

static void
on_relay_state_cb (KpTerminal *self)
{
  g_object_notify (G_OBJECT (self), "relay-state");
}

/* The CID sales use: one forced on the command line, the embedded sandbox's test
 * merchant, or the setting. */
static char *
effective_cid (KpTerminal *self)
{
  if (self->test_mode && !kp_settings_is_overridden (self->settings, KP_SETTING_CID))
    return g_strdup ("TC0ONETIME");
  return g_strdup (kp_settings_get_cid (self->settings));
}

/* Real money moves: KakaoPay itself (not the sandbox) with the shop's own CID. */
static gboolean
payments_are_real (KpTerminal *self)
{
  return !self->test_mode && !self->test_cid;
}

/* The KakaoPay consumers: created once the journal is open and a client exists, then
 * handed the new services on every reconfiguration. */
static void
update_consumers (KpTerminal *self)
{
  g_autofree char *cid = NULL;
  g_autofree char *cid_secret = NULL;
  g_autofree char *terminal_id = NULL;
  g_autofree char *partner_user_id = NULL;
  guint poll_interval = kp_settings_get_poll_interval (self->settings);
  guint tid_lifetime = kp_settings_get_tid_lifetime (self->settings);
  gboolean created = FALSE;

  if (self->journal == NULL || self->client == NULL)
    return;

  /* The embedded sandbox is a test merchant: its CID unless one is forced. */
  cid = effective_cid (self);
  /* The keyring's, or one the settings still hold (an older version kept it there, and
   * with --secret-key-file the keyring is never touched). */
  if (!self->test_mode)
    cid_secret = self->cid_secret != NULL ? g_strdup (self->cid_secret)
                                          : g_settings_get_string (gsettings (self), "cid-secret");
  terminal_id = g_strdup (kp_settings_get_terminal_id (self->settings));
  partner_user_id = g_strdup (kp_settings_get_partner_user_id (self->settings));

  if (self->checkout == NULL)
    {
      self->reconciler = kp_reconciler_new (self->client, self->journal, self->listener);
      self->checkout = kp_checkout_new (self->client, self->journal, self->listener,
                                        self->reconciler);
      self->refunder = kp_refunder_new (self->client, self->journal);
      g_signal_connect_object (self->checkout, "finished", G_CALLBACK (release_retired), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      g_signal_connect_object (self->reconciler, "notify::n-pending",
                               G_CALLBACK (release_retired), self, G_CONNECT_SWAPPED);
      _kp_terminal_watch_receipts (self);
      created = TRUE;
    }

  kp_reconciler_set_services (self->reconciler, self->client, self->listener, self->relay,
                              cid_secret);
  kp_reconciler_set_timing (self->reconciler, poll_interval, tid_lifetime);
  kp_checkout_set_services (self->checkout, self->client, self->listener, self->relay,
                            cid_secret);
  kp_checkout_set_merchant (self->checkout, cid, terminal_id, partner_user_id);
  kp_checkout_set_callback_base (self->checkout, self->callback_base);
  kp_checkout_set_timing (self->checkout, poll_interval, tid_lifetime);
  kp_refunder_set_services (self->refunder, self->client, cid_secret);
  kp_refunder_set_retry (self->refunder, poll_interval);
  g_object_notify (G_OBJECT (self), "checkout");

  if (!created)
    return;

  /* Every sale and refund a crash or a lost reply left unfinished, in the background. */
  kp_reconciler_recover (self->reconciler);
  kp_refunder_recover (self->refunder);
}

static void
journal_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (KpTerminal) self = user_data;
  g_autoptr (GError) error = NULL;

  self->journal = kp_journal_open_finish (result, &error);
  if (self->journal == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: the journal file's path, then the reason */
      message = g_strdup_printf (_("Cannot open the sales journal %s: %s. Sales are disabled."),
                                 self->journal_path, error->message);
      g_warning ("%s", message);
      self->journal_error = g_steal_pointer (&message);
      g_object_notify (G_OBJECT (self), "checkout");
      return;
    }

  update_consumers (self);
  _kp_terminal_start_shop (self);
}

/* The callback links' base with the page in the app. No browser ever loads them: the
 * web view stops at them (kp_checkout_take_redirect()). The shop's own address when
 * one is set (the one KakaoPay knows it by); else loopback, on a port nothing listens
 * on. Not one of the ports browsers refuse outright (the discard port, 9): WebKit
 * would refuse the redirect before the web view sees it. */
static char *
page_callback_base (KpTerminal *self)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  guint16 port = 0;

  if (*kp_settings_get_callback_base (self->settings) != '\0')
    return g_strdup (kp_settings_get_callback_base (self->settings));

  /* The kernel's pick of a free port, let go at once: bound, never listened on. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         NULL);
  if (socket != NULL && g_socket_bind (socket, address, FALSE, NULL))
    bound = g_socket_get_local_address (socket, NULL);
  if (bound != NULL)
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  if (socket != NULL)
    g_socket_close (socket, NULL);
  return g_strdup_printf ("http://127.0.0.1:%u", port != 0 ? port : 65535);
}

/* The listener: bound to HOST:PORT in listener mode (kept while the address is the
 * same), not bound at all in relay mode, where the relay client hands it the
 * callbacks, nor with the page in the app, which hands them in itself. */
static void
setup_listener (KpTerminal *self,
                gboolean       relay_mode)
{
  g_autofree char *listen = NULL;
  g_autofree char *host = NULL;
  g_autofree char *setting_base = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = 0;

  if (relay_mode || page_mode (self))
    {
      if (self->listener == NULL || self->listen_address != NULL)
        {
          g_clear_object (&self->listener);
          self->listener = kp_approval_listener_new ();
          g_clear_pointer (&self->listen_address, g_free);
        }
      g_clear_pointer (&self->callback_base, g_free);
      if (!relay_mode)
        {
          self->callback_base = page_callback_base (self);
          g_debug ("no approval listener: the payment page is in the app, callbacks via %s",
                   self->callback_base);
        }
      return;
    }

  listen = g_strdup (kp_settings_get_callback_listen (self->settings));
  if (*listen == '\0')
    {
      g_free (listen);
      listen = g_strdup (self->test_mode ? "127.0.0.1:0" : "0.0.0.0:8790");
    }

  if (self->listener == NULL || g_strcmp0 (listen, self->listen_address) != 0)
    {
      /* A sale in flight keeps its reference to the old one, which keeps listening
       * until that sale ends. */
      g_clear_object (&self->listener);
      g_clear_pointer (&self->listen_address, g_free);
      self->listener = kp_approval_listener_new ();
      if (!kp_address_parse_host_port (listen, "0.0.0.0", &host, &port, &error) ||
          !kp_approval_listener_listen (self->listener, host, port, &error))
        {
          g_autofree char *message = NULL;

          /* Translators: the address, then the reason */
          message = g_strdup_printf (_("The approval listener cannot use %s: %s"), listen,
                                     error->message);
          set_setup_error (self, message);
          g_clear_pointer (&self->callback_base, g_free);
          return;
        }
      self->listen_address = g_strdup (listen);
    }

  g_clear_pointer (&self->callback_base, g_free);
  setting_base = g_strdup (kp_settings_get_callback_base (self->settings));
  if (*setting_base != '\0')
    self->callback_base = g_steal_pointer (&setting_base);
  else
    {
      g_autofree char *url = kp_approval_listener_dup_url (self->listener);
      g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      g_autofree char *lan = NULL;
      const char *uri_host = g_uri_get_host (uri);

      if (g_strcmp0 (uri_host, "0.0.0.0") == 0 || g_strcmp0 (uri_host, "::") == 0)
        lan = lan_address ();
      self->callback_base = g_strdup_printf ("http://%s:%d", lan != NULL ? lan : uri_host,
                                             g_uri_get_port (uri));
    }
  g_debug ("approval listener on %s, callbacks via %s", listen, self->callback_base);
}

static void
setup_relay (KpTerminal *self,
             gboolean       relay_mode,
             const char    *relay_token)
{
  g_autofree char *url = NULL;
  g_autofree char *terminal_id = NULL;
  g_autofree char *token_digest = NULL;
  g_autoptr (GError) error = NULL;

  if (!relay_mode)
    {
      if (self->relay != NULL)
        retire (self, g_steal_pointer (&self->relay));
      return;
    }

  url = g_strdup (kp_settings_get_relay_url (self->settings));
  terminal_id = g_strdup (kp_settings_get_terminal_id (self->settings));
  if (*url != '\0' && payments_are_real (self) && !kp_endpoint_check_transport (url, &error))
    {
      /* The token would travel in clear: no connection at all. */
      set_setup_error (self, error->message);
      g_clear_pointer (&url, g_free);
      url = g_strdup ("");
    }
  else if (*url == '\0')
    {
      set_setup_error (self, _("Approvals go through a relay, but no relay URL is set. "
                               "Set it in Preferences."));
    }
  else if (relay_token == NULL || *relay_token == '\0')
    {
      set_setup_error (self, _("Approvals go through a relay, but this terminal’s relay "
                               "token is not set. Enter it in Preferences."));
    }

  /* The same relay, terminal, token and listener: keep the connection. Only a digest of
   * the token is kept here, to tell a new one apart. */
  if (relay_token != NULL)
    token_digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, relay_token, -1);
  if (self->relay != NULL && g_strcmp0 (self->relay_url, url) == 0 &&
      g_strcmp0 (kp_relay_client_get_terminal_id (self->relay), terminal_id) == 0 &&
      token_digest != NULL && g_strcmp0 (token_digest, self->relay_token_digest) == 0 &&
      self->relay_listener == self->listener)
    return;

  if (self->relay != NULL)
    retire (self, g_steal_pointer (&self->relay));
  g_clear_pointer (&self->relay_url, g_free);
  g_clear_pointer (&self->relay_token_digest, g_free);
  self->relay_listener = NULL;
  if (*url == '\0' || relay_token == NULL || *relay_token == '\0')
    {
      g_object_notify (G_OBJECT (self), "relay-state");
      return;
    }

  self->relay = kp_relay_client_new (url, terminal_id, relay_token, self->listener);
  self->relay_url = g_steal_pointer (&url);
  self->relay_token_digest = g_steal_pointer (&token_digest);
  self->relay_listener = self->listener;
  g_signal_connect_object (self->relay, "notify::state", G_CALLBACK (on_relay_state_cb), self,
                           G_CONNECT_SWAPPED);
  kp_relay_client_start (self->relay);
  g_object_notify (G_OBJECT (self), "relay-state");
}

/* Builds what talks to KakaoPay from the options, settings and secrets of now: the
 * client, the embedded sandbox (test mode), the listener or relay. New sales use
 * them; a sale in flight keeps those it started with. Takes the secrets. */
static void
rebuild_services (KpTerminal *self,
                  char          *secret_key,
                  char          *relay_token,
                  char          *cid_secret)
{
  g_autofree char *api_base = NULL;
  g_autofree char *cid = NULL;
  g_autoptr (GError) error = NULL;
  KpDialect dialect;
  gboolean relay_mode = _kp_terminal_relay_mode (self);
  gboolean was_test_mode = self->test_mode;
  gboolean was_test_cid = self->test_cid;

  g_clear_pointer (&self->setup_error, g_free);
  self->test_mode = kp_settings_get_test_mode (self->settings);
  g_clear_pointer (&self->cid_secret, _kp_terminal_wipe_free);
  if (!self->test_mode && cid_secret != NULL && *cid_secret != '\0')
    self->cid_secret = g_steal_pointer (&cid_secret);
  g_clear_pointer (&cid_secret, _kp_terminal_wipe_free);
  cid = effective_cid (self);
  /* KakaoPay's test CID moves no money, whatever else is set: the window says TEST MODE. */
  self->test_cid = kp_cid_is_test (cid);

  dialect = kp_settings_get_dialect (self->settings);
  api_base = g_strdup (kp_settings_get_api_base (self->settings));

  if (self->test_mode)
    {
      if (self->sandbox == NULL)
        {
          g_clear_pointer (&self->sandbox_key, _kp_terminal_wipe_free);
          self->sandbox_key = kp_random_hex (20);
          self->sandbox = kp_sandbox_new (self->sandbox_key);
          if (!kp_sandbox_listen (self->sandbox, "127.0.0.1", 0, &error))
            {
              g_autofree char *message = NULL;

              message = g_strdup_printf (_("The test sandbox could not start: %s"),
                                         error->message);
              set_setup_error (self, message);
            }
        }
      kp_sandbox_set_tid_ttl (self->sandbox,
                              kp_settings_get_tid_lifetime (self->settings));
      g_free (api_base);
      api_base = kp_sandbox_dup_base_url (self->sandbox);
      g_clear_pointer (&secret_key, _kp_terminal_wipe_free);
      secret_key = g_strdup (self->sandbox_key);
    }
  else
    {
      retire (self, g_steal_pointer (&self->sandbox));
      g_clear_pointer (&self->sandbox_key, _kp_terminal_wipe_free);
      if (secret_key == NULL)
        set_setup_error (self, _("No KakaoPay secret key is set: payments cannot start. "
                                 "Enter it in Preferences, or switch to test mode."));
      else if (*api_base != '\0' && payments_are_real (self) &&
               !kp_endpoint_check_transport (api_base, &error))
        {
          /* The key would travel in clear: the client gets none. */
          set_setup_error (self, error->message);
          g_clear_pointer (&secret_key, _kp_terminal_wipe_free);
          g_clear_error (&error);
        }
    }

  g_clear_object (&self->client);
  self->client = kp_client_new (*api_base != '\0' ? api_base : NULL, dialect, secret_key);
  kp_client_set_timeout (self->client, kp_settings_get_request_timeout (self->settings));
  g_clear_pointer (&secret_key, _kp_terminal_wipe_free);

  setup_listener (self, relay_mode);
  setup_relay (self, relay_mode, relay_token);
  g_clear_pointer (&relay_token, _kp_terminal_wipe_free);

  g_debug ("services rebuilt: %s, %s, approvals by %s",
           self->test_mode ? "test mode" : "KakaoPay", kp_client_get_base_url (self->client),
           relay_mode ? "relay" : page_mode (self) ? "the payment page" : "listener");
  if (was_test_mode != self->test_mode || was_test_cid != self->test_cid ||
      !self->services_built)
    g_object_notify (G_OBJECT (self), "test-mode");
  self->services_built = TRUE;
  update_consumers (self);
  g_object_notify (G_OBJECT (self), "setup-error");
  g_object_notify (G_OBJECT (self), "checkout");
}

/* One reload: the keyring lookups it needs, then the rebuild. A newer reload makes an
 * older one's results moot. */
typedef struct
{
  KpTerminal *self;
  guint          serial;
  guint          pending;
  char          *secret_key;
  char          *relay_token;
  char          *cid_secret;
  char          *error;
} Reload;

static void
reload_free (Reload *reload)
{
  g_clear_pointer (&reload->secret_key, _kp_terminal_wipe_free);
  g_clear_pointer (&reload->relay_token, _kp_terminal_wipe_free);
  g_clear_pointer (&reload->cid_secret, _kp_terminal_wipe_free);
  g_free (reload->error);
  g_object_unref (reload->self);
  g_free (reload);
}

static void
reload_step_done (Reload *reload)
{
  KpTerminal *self = reload->self;

  if (--reload->pending > 0)
    return;
  if (reload->serial == self->reload_serial)
    {
      rebuild_services (self, g_steal_pointer (&reload->secret_key),
                        g_steal_pointer (&reload->relay_token),
                        g_steal_pointer (&reload->cid_secret));
      if (reload->error != NULL)
        {
          set_setup_error (self, reload->error);
          g_object_notify (G_OBJECT (self), "setup-error");
          g_object_notify (G_OBJECT (self), "checkout");
        }
    }
  reload_free (reload);
}

static char *
finish_lookup (Reload       *reload,
               GObject      *source,
               GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  char *secret;

  secret = kp_secret_store_lookup_finish (KP_SECRET_STORE (source), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      reload->error == NULL)
    /* Translators: %s is the keyring's reason */
    reload->error = g_strdup_printf (_("The keyring could not be read: %s"), error->message);
  return secret;
}

static void
looked_up_key_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Reload *reload = user_data;

  reload->secret_key = finish_lookup (reload, source, result);
  reload_step_done (reload);
}

static void
looked_up_cid_secret_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Reload *reload = user_data;

  reload->cid_secret = finish_lookup (reload, source, result);
  reload_step_done (reload);
}

static void
looked_up_token_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Reload *reload = user_data;

  reload->relay_token = finish_lookup (reload, source, result);
  reload_step_done (reload);
}

void
_kp_terminal_reload_services (KpTerminal *self)
{
  Reload *reload = g_new0 (Reload, 1);
  g_autoptr (GError) error = NULL;
  gboolean test_mode = kp_settings_get_test_mode (self->settings);
  gboolean relay_mode = _kp_terminal_relay_mode (self);

  reload->self = g_object_ref (self);
  reload->serial = ++self->reload_serial;
  reload->pending = 1;

  /* Secrets named on the command line: the keyring is never touched. */
  if (!test_mode)
    {
      if (kp_settings_get_secret_key_file (self->settings) != NULL)
        {
          reload->secret_key = read_secret_file (kp_settings_get_secret_key_file (self->settings),
                                                 _("the secret key file"), &error);
          if (reload->secret_key == NULL)
            reload->error = g_strdup (error->message);
          g_clear_error (&error);
        }
      else
        {
          reload->pending += 2;
          kp_secret_store_lookup_async (self->secrets, KP_SECRET_KEY, NULL,
                                        looked_up_key_cb, reload);
          kp_secret_store_lookup_async (self->secrets, KP_SECRET_CID_SECRET, NULL,
                                        looked_up_cid_secret_cb, reload);
        }
    }
  if (relay_mode)
    {
      if (kp_settings_get_relay_token_file (self->settings) != NULL)
        {
          reload->relay_token = read_secret_file (kp_settings_get_relay_token_file (self->settings),
                                                  _("the relay token file"), &error);
          if (reload->relay_token == NULL && reload->error == NULL)
            reload->error = g_strdup (error->message);
        }
      else
        {
          reload->pending++;
          kp_secret_store_lookup_async (self->secrets, KP_SECRET_RELAY_TOKEN, NULL,
                                        looked_up_token_cb, reload);
        }
    }
  reload_step_done (reload);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  KpTerminal *self = user_data;

  self->reload_id = 0;
  _kp_terminal_reload_services (self);
  return G_SOURCE_REMOVE;
}

static void
on_settings_notify_cb (KpTerminal *self,
                       GParamSpec *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (!self->services_started)
    return;
  /* Another shop database: replicate there (or stop) at once. */
  if (g_str_equal (name, "shop-db"))
    {
      if (g_strcmp0 (kp_settings_get_shop_db (self->settings), self->shop_conninfo) != 0)
        _kp_terminal_start_shop (self);
      return;
    }
  /* What the shop prints and where the QR is shown need no new services (what the QR
   * shows does: the page in the app needs no listener, nor relay). */
  if (g_str_has_prefix (name, "shop-") || g_str_equal (name, "customer-display"))
    return;
  /* Several keys often change together (the preferences): rebuild once. */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (150, reload_timeout_cb, self);
}

static void
migrated_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (KpTerminal) self = user_data;
  g_autoptr (GError) error = NULL;

  /* On failure the setting keeps the secret, and is used as it is. */
  if (!kp_secret_store_migrate_setting_finish (KP_SECRET_STORE (source), result, &error))
    g_warning ("The CID secret stays in the settings: %s", error->message);
  _kp_terminal_reload_services (self);
}

void
_kp_terminal_start_services (KpTerminal *self)
{
  g_autofree char *cid_secret = NULL;

  if (self->services_started)
    return;
  self->services_started = TRUE;

  g_signal_connect_object (self->settings, "notify", G_CALLBACK (on_settings_notify_cb), self,
                           G_CONNECT_SWAPPED);
  /* An older version kept the CID secret in the settings: into the keyring with it, then
   * the services (not with --secret-key-file, where the keyring is never touched). */
  cid_secret = g_settings_get_string (gsettings (self), "cid-secret");
  if (*cid_secret != '\0' && kp_settings_get_secret_key_file (self->settings) == NULL)
    kp_secret_store_migrate_setting_async (self->secrets, gsettings (self), "cid-secret",
                                           KP_SECRET_CID_SECRET, NULL, migrated_cb,
                                           g_object_ref (self));
  else
    _kp_terminal_reload_services (self);
  if (cid_secret != NULL)
    memset (cid_secret, 0, strlen (cid_secret));
  kp_journal_open_async (self->journal_path, NULL, journal_opened_cb, g_object_ref (self));
}


