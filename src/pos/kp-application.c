/* kp-application.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <net/if.h>
#include <arpa/inet.h>

#include "kp-application.h"
#include "kp-customer-window.h"
#include "kp-day-report-print.h"
#include "kp-day-report-window.h"
#include "kp-preferences-window.h"
#include "kp-sandbox.h"
#include "kp-secret-store.h"
#include "kp-window.h"

struct _KpApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  KpSandbox          *sandbox;
  KpClient           *client;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  KpSecretStore      *secrets;
  KpJournal          *journal;
  KpReconciler       *reconciler;
  KpRefunder         *refunder;
  KpCheckout         *checkout;
  KpCustomerWindow   *customer_window;  /* weak: the customer display, while it is open */

  /* Command-line overrides; NULL means "use the setting". */
  char               *opt_api_base;
  char               *opt_dialect;
  char               *opt_cid;
  char               *opt_secret_key_file;
  char               *opt_relay_token_file;
  char               *opt_callback_listen;
  char               *opt_callback_base;
  char               *opt_relay;
  char               *opt_journal;
  char               *opt_terminal_id;
  gboolean            opt_sandbox;
  gboolean            opt_customer_display;
  char               *opt_day_report;

  char               *journal_path;
  char               *callback_base;
  char               *listen_address;   /* what the listener is bound to; NULL: unbound */
  char               *relay_url;
  char               *relay_token_digest;
  KpApprovalListener *relay_listener;   /* borrowed: the listener the relay feeds */
  char               *sandbox_key;
  char               *cid_secret;       /* from the keyring; NULL: none */
  char               *setup_error;
  char               *journal_error;
  GPtrArray          *retired;          /* services a sale in flight may still use */
  guint               reload_id;
  guint               reload_serial;
  gboolean            test_mode;
  gboolean            test_cid;         /* KakaoPay's test merchant: no money moves */
  gboolean            services_started;
  gboolean            services_built;
};

G_DEFINE_FINAL_TYPE (KpApplication, kp_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CHECKOUT,
  PROP_TEST_MODE,
  PROP_SETUP_ERROR,
  PROP_RELAY_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "api-base", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("KakaoPay API address (scheme, host and port); no embedded sandbox"), N_("URL") },
  { "dialect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("KakaoPay API dialect: online or legacy"), N_("DIALECT") },
  { "cid", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Merchant code (CID)"), N_("CID") },
  { "secret-key-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the secret key from this file"), N_("PATH") },
  { "relay-token-file", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the relay’s terminal token from this file"), N_("PATH") },
  { "callback-listen", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address and port of the approval listener"), N_("HOST:PORT") },
  { "callback-base", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Base URL the customer’s phone uses to reach the listener"), N_("URL") },
  { "relay", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Callback relay URL"), N_("URL") },
  { "journal", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Sales journal file"), N_("PATH") },
  { "terminal-id", 0, 0, G_OPTION_ARG_STRING, NULL, N_("This terminal’s ID"), N_("ID") },
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Use the embedded KakaoPay sandbox (test mode)"), NULL },
  { "customer-display", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the customer display (on a second monitor when there is one)"), NULL },
  { "export-journal", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the journal as CSV to PATH and exit"), N_("PATH") },
  { "day-report", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The day of the day report (default today); without --export-day-report, show it"),
    N_("YYYY-MM-DD") },
  { "export-day-report", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the day report to PATH (.csv, or .pdf as printed) and exit"), N_("PATH") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

static gboolean compute_test_mode (KpApplication *self);
static gboolean settings_schema_installed (void);

static char *
default_journal_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "kakaopay-pos", "journal.sqlite3", NULL);
}

static char *
lookup_string (GVariantDict *options,
               const char   *name)
{
  const char *value = NULL;

  if (g_variant_dict_lookup (options, name, "&s", &value))
    return g_strdup (value);
  if (g_variant_dict_lookup (options, name, "^&ay", &value))
    return g_strdup (value);
  return NULL;
}

static int
export_journal (KpApplication *self,
                const char    *csv_path)
{
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (GError) error = NULL;

  journal = kp_journal_open_sync (self->journal_path, &error);
  if (journal == NULL || !kp_journal_export_csv_sync (journal, csv_path, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not export the journal: %s\n"), error->message);
      return 1;
    }
  return 0;
}

/* "YYYY-MM-DD", or "" for today (local). */
static gboolean
parse_day (const char *text,
           GDate      *out_day)
{
  guint year = 0, month = 0, day = 0;
  char end = '\0';

  g_date_clear (out_day, 1);
  if (text == NULL || *text == '\0')
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();

      g_date_set_dmy (out_day, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
      return TRUE;
    }
  if (strlen (text) != 10 || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (out_day, day, month, year);
  return TRUE;
}

static int
export_day_report (KpApplication *self,
                   const char    *day_text,
                   const char    *path)
{
  g_autoptr (KpJournal) journal = NULL;
  g_autoptr (KpJournalDayReport) report = NULL;
  g_autoptr (KpJournalDayCheck) check = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *shop_name = NULL;
  g_autofree char *business_number = NULL;
  gboolean pdf = g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF");
  GDate day;

  if (!parse_day (day_text, &day))
    {
      g_printerr (_("Not a day: “%s”. Use YYYY-MM-DD.\n"), day_text);
      return 2;
    }
  if (!pdf && !g_str_has_suffix (path, ".csv") && !g_str_has_suffix (path, ".CSV"))
    {
      g_printerr (_("The day report is written as CSV or PDF: the file name must end in .csv "
                    "or .pdf.\n"));
      return 2;
    }

  journal = kp_journal_open_sync (self->journal_path, &error);
  if (journal != NULL)
    report = kp_journal_day_report_sync (journal, &day, &error);
  if (report == NULL)
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not read the day report: %s\n"), error->message);
      return 1;
    }

  /* Where the figures come from, as the window shows it, when the settings are there (the
   * export needs only the journal). */
  if (settings_schema_installed ())
    {
      g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
      gboolean test_mode = self->opt_sandbox ||
                           (self->opt_api_base == NULL && self->opt_secret_key_file == NULL &&
                            g_settings_get_boolean (settings, "test-mode"));

      report->mode = g_strdup (test_mode ? "test" : "live");
      shop_name = g_settings_get_string (settings, "shop-name");
      business_number = g_settings_get_string (settings, "shop-business-number");
      if (*shop_name != '\0')
        report->shop_name = g_steal_pointer (&shop_name);
      if (*business_number != '\0')
        report->business_number = g_steal_pointer (&business_number);
    }

  if (!pdf)
    {
      if (!kp_journal_export_day_report_csv_sync (report, path, &error))
        {
          /* Translators: %s is the reason */
          g_printerr (_("Could not export the day report: %s\n"), error->message);
          return 1;
        }
      return 0;
    }

  /* The PDF is drawn by the print code, which needs GTK (and so a display). */
  if (!gtk_init_check ())
    {
      g_printerr (_("Could not export the day report: a PDF needs a display.\n"));
      return 1;
    }
  if (report->closed)
    check = kp_journal_verify_day_sync (journal, &day, NULL);
  if (!kp_day_report_print_export_pdf (report, check, path, &error))
    {
      /* Translators: %s is the reason */
      g_printerr (_("Could not export the day report: %s\n"),
                  error != NULL ? error->message : "");
      return 1;
    }
  return 0;
}

static gboolean
settings_schema_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  return schema != NULL;
}

static int
kp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  KpApplication *self = KP_APPLICATION (app);
  g_autofree char *export_path = NULL;
  g_autofree char *day_report_path = NULL;
  KpDialect dialect;
  GDate day;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("kakaopay-pos %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->opt_api_base = lookup_string (options, "api-base");
  self->opt_dialect = lookup_string (options, "dialect");
  self->opt_cid = lookup_string (options, "cid");
  self->opt_secret_key_file = lookup_string (options, "secret-key-file");
  self->opt_relay_token_file = lookup_string (options, "relay-token-file");
  self->opt_callback_listen = lookup_string (options, "callback-listen");
  self->opt_callback_base = lookup_string (options, "callback-base");
  self->opt_relay = lookup_string (options, "relay");
  self->opt_journal = lookup_string (options, "journal");
  self->opt_terminal_id = lookup_string (options, "terminal-id");
  self->opt_sandbox = g_variant_dict_contains (options, "sandbox");
  self->opt_customer_display = g_variant_dict_contains (options, "customer-display");
  self->journal_path = self->opt_journal != NULL ? g_strdup (self->opt_journal)
                                                 : default_journal_path ();

  if (self->opt_dialect != NULL && !kp_dialect_from_string (self->opt_dialect, &dialect))
    {
      g_printerr (_("Unknown dialect “%s”: use online or legacy.\n"), self->opt_dialect);
      return 2;
    }

  /* The exports need the journal only, not the settings. */
  export_path = lookup_string (options, "export-journal");
  if (export_path != NULL)
    return export_journal (self, export_path);

  self->opt_day_report = lookup_string (options, "day-report");
  day_report_path = lookup_string (options, "export-day-report");
  if (day_report_path != NULL)
    return export_day_report (self, self->opt_day_report, day_report_path);
  if (self->opt_day_report != NULL && !parse_day (self->opt_day_report, &day))
    {
      g_printerr (_("Not a day: “%s”. Use YYYY-MM-DD.\n"), self->opt_day_report);
      return 2;
    }

  /* A real start. GSettings aborts on a schema it cannot find: say what is missing. */
  if (!settings_schema_installed ())
    {
      /* Translators: %s is the settings schema's id */
      g_printerr (_("The settings schema %s is not installed: install KakaoPay POS, or run it "
                    "from a build tree with GSETTINGS_SCHEMA_DIR set to the build’s data "
                    "folder (tools/dev run does).\n"),
                  SCHEMA_ID);
      return 1;
    }
  self->settings = g_settings_new (SCHEMA_ID);

  /* No credentials (or asked for): the embedded sandbox, in-process on loopback. */
  self->test_mode = compute_test_mode (self);

  return G_APPLICATION_CLASS (kp_application_parent_class)->handle_local_options (app, options);
}

/* Every problem found while setting up, one per line. */
static void
set_setup_error (KpApplication *self,
                 const char    *message)
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

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static char *
setting_or_option (KpApplication *self,
                   const char    *option,
                   const char    *key)
{
  return option != NULL ? g_strdup (option) : g_settings_get_string (self->settings, key);
}

static gboolean
compute_test_mode (KpApplication *self)
{
  if (self->opt_sandbox)
    return TRUE;
  /* Credentials or an API given on the command line: KakaoPay, not the sandbox. */
  if (self->opt_api_base != NULL || self->opt_secret_key_file != NULL)
    return FALSE;
  return g_settings_get_boolean (self->settings, "test-mode");
}

static gboolean
compute_relay_mode (KpApplication *self)
{
  if (self->opt_relay != NULL)
    return TRUE;
  if (self->opt_callback_listen != NULL || self->opt_callback_base != NULL)
    return FALSE;
  return g_settings_get_enum (self->settings, "approval-delivery") == 1;
}

/* Objects a sale in flight may still use after a reconfiguration: released once the
 * checkout is idle and nothing is being recovered. */
static void
release_retired (KpApplication *self)
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
retire (KpApplication *self,
        gpointer       object)
{
  if (object == NULL)
    return;
  g_ptr_array_add (self->retired, object);
  release_retired (self);
}

static void
on_relay_state_cb (KpApplication *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY_STATE]);
}

/* The CID sales use: one forced on the command line, the embedded sandbox's test
 * merchant, or the setting. */
static char *
effective_cid (KpApplication *self)
{
  if (self->opt_cid != NULL)
    return g_strdup (self->opt_cid);
  if (self->test_mode)
    return g_strdup ("TC0ONETIME");
  return g_settings_get_string (self->settings, "cid");
}

/* Real money moves: KakaoPay itself (not the sandbox) with the shop's own CID. */
static gboolean
payments_are_real (KpApplication *self)
{
  return !self->test_mode && !self->test_cid;
}

/* The KakaoPay consumers: created once the journal is open and a client exists, then
 * handed the new services on every reconfiguration. */
static void
update_consumers (KpApplication *self)
{
  g_autofree char *cid = NULL;
  g_autofree char *cid_secret = NULL;
  g_autofree char *terminal_id = NULL;
  g_autofree char *partner_user_id = NULL;
  guint poll_interval = g_settings_get_uint (self->settings, "poll-interval");
  guint tid_lifetime = g_settings_get_uint (self->settings, "tid-lifetime");
  gboolean created = FALSE;

  if (self->journal == NULL || self->client == NULL)
    return;

  /* The embedded sandbox is a test merchant: its CID unless one is forced. */
  cid = effective_cid (self);
  /* The keyring's, or one the settings still hold (an older version kept it there, and
   * with --secret-key-file the keyring is never touched). */
  if (!self->test_mode)
    cid_secret = self->cid_secret != NULL ? g_strdup (self->cid_secret)
                                          : g_settings_get_string (self->settings, "cid-secret");
  terminal_id = setting_or_option (self, self->opt_terminal_id, "terminal-id");
  partner_user_id = g_settings_get_string (self->settings, "partner-user-id");

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);

  if (!created)
    return;

  /* Every sale and refund a crash or a lost reply left unfinished, in the background. */
  kp_reconciler_recover (self->reconciler);
  kp_refunder_recover (self->refunder);

  /* --day-report DAY without an export: show that day's report. */
  if (self->opt_day_report != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (self), "day-report",
                                    g_variant_new_string (self->opt_day_report));
}

static void
journal_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (KpApplication) self = user_data;
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);
      return;
    }

  update_consumers (self);
}

/* The listener: bound to HOST:PORT in listener mode (kept while the address is the
 * same), not bound at all in relay mode, where the relay client hands it the
 * callbacks. */
static void
setup_listener (KpApplication *self,
                gboolean       relay_mode)
{
  g_autofree char *listen = NULL;
  g_autofree char *host = NULL;
  g_autofree char *setting_base = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = 0;

  if (relay_mode)
    {
      if (self->listener == NULL || self->listen_address != NULL)
        {
          g_clear_object (&self->listener);
          self->listener = kp_approval_listener_new ();
          g_clear_pointer (&self->listen_address, g_free);
        }
      g_clear_pointer (&self->callback_base, g_free);
      return;
    }

  listen = setting_or_option (self, self->opt_callback_listen, "callback-listen");
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
      if (!kp_parse_host_port (listen, &host, &port, &error) ||
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
  setting_base = g_settings_get_string (self->settings, "callback-base");
  if (self->opt_callback_base != NULL)
    self->callback_base = g_strdup (self->opt_callback_base);
  else if (*setting_base != '\0')
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
setup_relay (KpApplication *self,
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

  url = setting_or_option (self, self->opt_relay, "relay-url");
  terminal_id = setting_or_option (self, self->opt_terminal_id, "terminal-id");
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY_STATE]);
      return;
    }

  self->relay = kp_relay_client_new (url, terminal_id, relay_token, self->listener);
  self->relay_url = g_steal_pointer (&url);
  self->relay_token_digest = g_steal_pointer (&token_digest);
  self->relay_listener = self->listener;
  g_signal_connect_object (self->relay, "notify::state", G_CALLBACK (on_relay_state_cb), self,
                           G_CONNECT_SWAPPED);
  kp_relay_client_start (self->relay);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY_STATE]);
}

/* Builds what talks to KakaoPay from the options, settings and secrets of now: the
 * client, the embedded sandbox (test mode), the listener or relay. New sales use
 * them; a sale in flight keeps those it started with. Takes the secrets. */
static void
rebuild_services (KpApplication *self,
                  char          *secret_key,
                  char          *relay_token,
                  char          *cid_secret)
{
  g_autofree char *dialect_name = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *cid = NULL;
  g_autoptr (GError) error = NULL;
  KpDialect dialect = KP_DIALECT_ONLINE;
  gboolean relay_mode = compute_relay_mode (self);
  gboolean was_test_mode = self->test_mode;
  gboolean was_test_cid = self->test_cid;

  g_clear_pointer (&self->setup_error, g_free);
  self->test_mode = compute_test_mode (self);
  g_clear_pointer (&self->cid_secret, wipe_free);
  if (!self->test_mode && cid_secret != NULL && *cid_secret != '\0')
    self->cid_secret = g_steal_pointer (&cid_secret);
  g_clear_pointer (&cid_secret, wipe_free);
  cid = effective_cid (self);
  /* KakaoPay's test CID moves no money, whatever else is set: the window says TEST MODE. */
  self->test_cid = kp_cid_is_test (cid);

  dialect_name = setting_or_option (self, self->opt_dialect, "dialect");
  kp_dialect_from_string (dialect_name, &dialect);
  api_base = setting_or_option (self, self->opt_api_base, "api-base");

  if (self->test_mode)
    {
      if (self->sandbox == NULL)
        {
          g_clear_pointer (&self->sandbox_key, wipe_free);
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
                              g_settings_get_uint (self->settings, "tid-lifetime"));
      g_free (api_base);
      api_base = kp_sandbox_dup_base_url (self->sandbox);
      g_clear_pointer (&secret_key, wipe_free);
      secret_key = g_strdup (self->sandbox_key);
    }
  else
    {
      retire (self, g_steal_pointer (&self->sandbox));
      g_clear_pointer (&self->sandbox_key, wipe_free);
      if (secret_key == NULL)
        set_setup_error (self, _("No KakaoPay secret key is set: payments cannot start. "
                                 "Enter it in Preferences, or switch to test mode."));
      else if (*api_base != '\0' && payments_are_real (self) &&
               !kp_endpoint_check_transport (api_base, &error))
        {
          /* The key would travel in clear: the client gets none. */
          set_setup_error (self, error->message);
          g_clear_pointer (&secret_key, wipe_free);
          g_clear_error (&error);
        }
    }

  g_clear_object (&self->client);
  self->client = kp_client_new (*api_base != '\0' ? api_base : NULL, dialect, secret_key);
  kp_client_set_timeout (self->client, g_settings_get_uint (self->settings, "request-timeout"));
  g_clear_pointer (&secret_key, wipe_free);

  setup_listener (self, relay_mode);
  setup_relay (self, relay_mode, relay_token);
  g_clear_pointer (&relay_token, wipe_free);

  g_debug ("services rebuilt: %s, %s, approvals by %s",
           self->test_mode ? "test mode" : "KakaoPay", kp_client_get_base_url (self->client),
           relay_mode ? "relay" : "listener");
  if (was_test_mode != self->test_mode || was_test_cid != self->test_cid ||
      !self->services_built)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEST_MODE]);
  self->services_built = TRUE;
  update_consumers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETUP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);
}

/* One reload: the keyring lookups it needs, then the rebuild. A newer reload makes an
 * older one's results moot. */
typedef struct
{
  KpApplication *self;
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
  g_clear_pointer (&reload->secret_key, wipe_free);
  g_clear_pointer (&reload->relay_token, wipe_free);
  g_clear_pointer (&reload->cid_secret, wipe_free);
  g_free (reload->error);
  g_object_unref (reload->self);
  g_free (reload);
}

static void
reload_step_done (Reload *reload)
{
  KpApplication *self = reload->self;

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
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETUP_ERROR]);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);
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

static void
reload_services (KpApplication *self)
{
  Reload *reload = g_new0 (Reload, 1);
  g_autoptr (GError) error = NULL;
  gboolean test_mode = compute_test_mode (self);
  gboolean relay_mode = compute_relay_mode (self);

  reload->self = g_object_ref (self);
  reload->serial = ++self->reload_serial;
  reload->pending = 1;

  /* Secrets named on the command line: the keyring is never touched. */
  if (!test_mode)
    {
      if (self->opt_secret_key_file != NULL)
        {
          reload->secret_key = read_secret_file (self->opt_secret_key_file,
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
      if (self->opt_relay_token_file != NULL)
        {
          reload->relay_token = read_secret_file (self->opt_relay_token_file,
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
  KpApplication *self = user_data;

  self->reload_id = 0;
  reload_services (self);
  return G_SOURCE_REMOVE;
}

/* The customer display: a second window turned toward the customer, following the
 * main window's cart and the checkout. It is no window of the application's own (it
 * never keeps the program running), and goes with the main window. */

static KpWindow *
main_window (KpApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (KP_IS_WINDOW (l->data))
        return l->data;
    }
  return NULL;
}

static void
update_customer_display (KpApplication *self)
{
  if (self->customer_window == NULL)
    return;
  kp_customer_window_set_checkout (self->customer_window, self->checkout);
  /* KakaoPay's test CID moves no money either. */
  g_object_set (self->customer_window, "test-mode", self->test_mode || self->test_cid, NULL);
}

static void set_customer_display (KpApplication *self,
                                  gboolean       on,
                                  gboolean       remember);

static gboolean
on_customer_close_request_cb (KpApplication *self)
{
  /* Closed from its own title bar: off, as from the menu. */
  set_customer_display (self, FALSE, TRUE);
  return GDK_EVENT_STOP;
}

static void
open_customer_display (KpApplication *self)
{
  KpWindow *cashier = main_window (self);
  KpCustomerWindow *window;

  if (self->customer_window != NULL || cashier == NULL)
    return;
  window = kp_customer_window_new (GTK_WINDOW (cashier), kp_window_get_cart (cashier),
                                   self->checkout);
  g_settings_bind (self->settings, "shop-name", window, "shop-name", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "qr-target", window, "qr-target", G_SETTINGS_BIND_GET);
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_customer_close_request_cb),
                           self, G_CONNECT_SWAPPED);
  self->customer_window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->customer_window);
  update_customer_display (self);
  kp_window_set_customer_display (cashier, TRUE);
  kp_customer_window_show (window);
}

static void
close_customer_display (KpApplication *self)
{
  KpWindow *cashier = main_window (self);
  GtkWindow *window = GTK_WINDOW (self->customer_window);

  if (window == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &self->customer_window);
  self->customer_window = NULL;
  if (cashier != NULL)
    kp_window_set_customer_display (cashier, FALSE);
  gtk_window_destroy (window);
}

/* @remember: whether the next start does the same, as the setting says. The menu and the
 * window's own close button remember; the command line opens it for its run only. */
static void
set_customer_display (KpApplication *self,
                      gboolean       on,
                      gboolean       remember)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "customer-display");

  if (on)
    open_customer_display (self);
  else
    close_customer_display (self);
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_boolean (self->customer_window != NULL));
  if (remember && g_settings_get_boolean (self->settings, "customer-display") != on)
    g_settings_set_boolean (self->settings, "customer-display", on);
}

static void
on_settings_changed_cb (KpApplication *self,
                        const char    *key)
{
  /* Read where they are used: the services stay as they are. */
  static const char * const shop_keys[] = {
    "shop-name", "shop-business-number", "shop-representative", "shop-address",
    "shop-phone", "qr-target", "customer-display", NULL,
  };

  if (g_str_equal (key, "customer-display"))
    set_customer_display (self, g_settings_get_boolean (self->settings, key), FALSE);
  if (!self->services_started || g_strv_contains (shop_keys, key))
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
  g_autoptr (KpApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  /* On failure the setting keeps the secret, and is used as it is. */
  if (!kp_secret_store_migrate_setting_finish (KP_SECRET_STORE (source), result, &error))
    g_warning ("The CID secret stays in the settings: %s", error->message);
  reload_services (self);
}

static void
start_services (KpApplication *self)
{
  g_autofree char *cid_secret = NULL;

  if (self->services_started)
    return;
  self->services_started = TRUE;

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  /* An older version kept the CID secret in the settings: into the keyring with it, then
   * the services (not with --secret-key-file, where the keyring is never touched). */
  cid_secret = g_settings_get_string (self->settings, "cid-secret");
  if (*cid_secret != '\0' && self->opt_secret_key_file == NULL)
    kp_secret_store_migrate_setting_async (self->secrets, self->settings, "cid-secret",
                                           KP_SECRET_CID_SECRET, NULL, migrated_cb,
                                           g_object_ref (self));
  else
    reload_services (self);
  if (cid_secret != NULL)
    memset (cid_secret, 0, strlen (cid_secret));
  kp_journal_open_async (self->journal_path, NULL, journal_opened_cb, g_object_ref (self));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* Lines rung up but not charged are not thrown away by one key press. */
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (KP_IS_WINDOW (l->data) && kp_window_ask_quit (l->data))
        return;
    }
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (window,
                         "application-name", _("KakaoPay POS"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "copyright", "© 2026 The KakaoPay POS authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developer-name", _("The KakaoPay POS authors"),
                         "website", "https://github.com/kppos/kakaopay-pos",
                         "issue-url", "https://github.com/kppos/kakaopay-pos/issues",
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
day_report_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  KpApplication *self = KP_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *terminal_id = NULL;
  g_autofree char *shop_name = NULL;
  g_autofree char *business_number = NULL;
  KpDayReportWindow *window;
  GDate day;

  if (self->journal == NULL || !parse_day (g_variant_get_string (parameter, NULL), &day))
    return;

  /* One window per day: a second request shows the one open. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (KP_IS_DAY_REPORT_WINDOW (l->data) &&
          g_date_compare (kp_day_report_window_get_day (l->data), &day) == 0)
        {
          gtk_window_present (l->data);
          return;
        }
    }

  terminal_id = self->opt_terminal_id != NULL ? g_strdup (self->opt_terminal_id)
                                              : g_settings_get_string (self->settings,
                                                                       "terminal-id");
  window = kp_day_report_window_new (GTK_APPLICATION (self), self->journal,
                                     *terminal_id != '\0' ? terminal_id : NULL, &day);
  shop_name = g_settings_get_string (self->settings, "shop-name");
  business_number = g_settings_get_string (self->settings, "shop-business-number");
  kp_day_report_window_set_shop (window, self->test_mode, shop_name, business_number);
  if (parent != NULL && !KP_IS_DAY_REPORT_WINDOW (parent))
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_present (GTK_WINDOW (window));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  KpApplication *self = KP_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (KP_IS_PREFERENCES_WINDOW (l->data))
        {
          gtk_window_present (l->data);
          return;
        }
    }
  preferences = GTK_WINDOW (kp_preferences_window_new (self, parent));
  /* Closed: the window it came from gets the keyboard back (also without a window
   * manager). */
  if (parent != NULL)
    g_signal_connect_object (preferences, "unmap", G_CALLBACK (kp_window_present_now), parent,
                             G_CONNECT_SWAPPED);
  gtk_window_present (preferences);
}

static void
customer_display_change_state (GSimpleAction *action,
                               GVariant      *value,
                               gpointer       user_data)
{
  set_customer_display (KP_APPLICATION (user_data), g_variant_get_boolean (value), TRUE);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "day-report", day_report_activated, "s" },
  /* A toggle: activating it flips its state. */
  { "customer-display", NULL, NULL, "false", customer_display_change_state },
};

static gboolean
on_sigterm_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

static void
kp_application_startup (GApplication *app)
{
  KpApplication *self = KP_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *select_previous_accels[] = { "<Alt>Up", NULL };
  static const char *select_next_accels[] = { "<Alt>Down", NULL };
  static const char *line_more_accels[] = { "<Control>plus", "<Control>equal", "<Control>KP_Add",
                                            NULL };
  static const char *line_less_accels[] = { "<Control>minus", "<Control>KP_Subtract", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *charge_accels[] = { "<Control>Return", "<Control>KP_Enter", NULL };
  static const char *cancel_accels[] = { "Escape", NULL };
  static const char *sale_accels[] = { "<Alt>1", NULL };
  static const char *history_accels[] = { "<Control>h", "<Alt>2", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *day_report_accels[] = { "<Control>d", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (kp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.charge", charge_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.cancel-payment",
                                         cancel_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-sale", sale_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-history",
                                         history_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.day-report",
                                         day_report_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.select-previous",
                                         select_previous_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.select-next",
                                         select_next_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.line-more",
                                         line_more_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.line-less",
                                         line_less_accels);
  g_unix_signal_add (SIGTERM, on_sigterm_cb, self);
  g_unix_signal_add (SIGINT, on_sigterm_cb, self);
  g_signal_connect (self, "notify::checkout", G_CALLBACK (update_customer_display), NULL);
  g_signal_connect (self, "notify::test-mode", G_CALLBACK (update_customer_display), NULL);
}

static gboolean
start_services_cb (gpointer user_data)
{
  KpApplication *self = user_data;

  start_services (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);
  /* Behind the main window's first frame, as the services. */
  if (self->opt_customer_display || g_settings_get_boolean (self->settings, "customer-display"))
    set_customer_display (self, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

static void
kp_application_activate (GApplication *app)
{
  KpApplication *self = KP_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (kp_window_new (self));
  gtk_window_present (window);

  /* The window first, then the services: the cashier sees the till at once, and the
   * sandbox, listener, HTTP session and journal come up right behind it. */
  if (!self->services_started)
    g_idle_add_full (G_PRIORITY_LOW, start_services_cb, g_object_ref (self), g_object_unref);
}

static void
kp_application_shutdown (GApplication *app)
{
  KpApplication *self = KP_APPLICATION (app);

  /* Whatever is in flight stays journaled as it is; the next start resolves it. */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  close_customer_display (self);
  g_clear_object (&self->checkout);

  G_APPLICATION_CLASS (kp_application_parent_class)->shutdown (app);
}

static void
kp_application_dispose (GObject *object)
{
  KpApplication *self = KP_APPLICATION (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_object (&self->checkout);
  g_clear_object (&self->reconciler);
  g_clear_object (&self->refunder);
  g_clear_object (&self->journal);
  if (self->relay != NULL)
    kp_relay_client_stop (self->relay);
  g_clear_object (&self->relay);
  g_clear_object (&self->listener);
  g_clear_object (&self->client);
  g_clear_object (&self->sandbox);
  for (guint i = 0; self->retired != NULL && i < self->retired->len; i++)
    {
      if (KP_IS_RELAY_CLIENT (g_ptr_array_index (self->retired, i)))
        kp_relay_client_stop (g_ptr_array_index (self->retired, i));
    }
  if (self->retired != NULL)
    g_ptr_array_set_size (self->retired, 0);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kp_application_parent_class)->dispose (object);
}

static void
kp_application_finalize (GObject *object)
{
  KpApplication *self = KP_APPLICATION (object);

  g_free (self->opt_api_base);
  g_free (self->opt_dialect);
  g_free (self->opt_cid);
  g_free (self->opt_secret_key_file);
  g_free (self->opt_relay_token_file);
  g_free (self->opt_callback_listen);
  g_free (self->opt_callback_base);
  g_free (self->opt_relay);
  g_free (self->opt_journal);
  g_free (self->opt_terminal_id);
  g_free (self->opt_day_report);
  g_free (self->journal_path);
  g_free (self->callback_base);
  g_free (self->listen_address);
  g_free (self->relay_url);
  g_free (self->relay_token_digest);
  wipe_free (self->sandbox_key);
  wipe_free (self->cid_secret);
  g_free (self->setup_error);
  g_free (self->journal_error);
  g_clear_pointer (&self->retired, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_application_parent_class)->finalize (object);
}

static void
kp_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KpApplication *self = KP_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CHECKOUT:
      g_value_set_object (value, self->checkout);
      break;
    case PROP_TEST_MODE:
      g_value_set_boolean (value, self->test_mode);
      break;
    case PROP_SETUP_ERROR:
      g_value_set_string (value, kp_application_get_setup_error (self));
      break;
    case PROP_RELAY_STATE:
      g_value_set_int (value, kp_application_get_relay_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_application_class_init (KpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kp_application_dispose;
  object_class->finalize = kp_application_finalize;
  object_class->get_property = kp_application_get_property;
  app_class->handle_local_options = kp_application_handle_local_options;
  app_class->startup = kp_application_startup;
  app_class->activate = kp_application_activate;
  app_class->shutdown = kp_application_shutdown;

  properties[PROP_CHECKOUT] =
    g_param_spec_object ("checkout", NULL, NULL, KP_TYPE_CHECKOUT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEST_MODE] =
    g_param_spec_boolean ("test-mode", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETUP_ERROR] =
    g_param_spec_string ("setup-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A KpRelayState, or -1 when approvals do not go through a relay. */
  properties[PROP_RELAY_STATE] =
    g_param_spec_int ("relay-state", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_application_init (KpApplication *self)
{
  /* The settings are opened once the options are read (handle_local_options): --help,
   * --version and the exports work where the schema is not installed. */
  self->secrets = kp_secret_store_new ();
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A KakaoPay point of sale for the shop counter."));
}

KpApplication *
kp_application_new (void)
{
  /* NON_UNIQUE: the process started is the one that runs (tests start several). */
  return g_object_new (KP_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/kppos/KakaoPayPos",
                       NULL);
}

GSettings *
kp_application_get_settings (KpApplication *self)
{
  return self->settings;
}

KpClient *
kp_application_get_client (KpApplication *self)
{
  return self->client;
}

KpJournal *
kp_application_get_journal (KpApplication *self)
{
  return self->journal;
}

/**
 * kp_application_get_checkout:
 *
 * Returns: (nullable): the checkout, once the journal is open
 */
KpCheckout *
kp_application_get_checkout (KpApplication *self)
{
  return self->checkout;
}

/**
 * kp_application_get_reconciler:
 *
 * Returns: (nullable): the reconciler, once the journal is open
 */
KpReconciler *
kp_application_get_reconciler (KpApplication *self)
{
  return self->reconciler;
}

/**
 * kp_application_get_refunder:
 *
 * Returns: (nullable): the refunder, once the journal is open
 */
KpRefunder *
kp_application_get_refunder (KpApplication *self)
{
  return self->refunder;
}

KpApprovalListener *
kp_application_get_listener (KpApplication *self)
{
  return self->listener;
}

gboolean
kp_application_is_test_mode (KpApplication *self)
{
  return self->test_mode;
}

/**
 * kp_application_uses_test_cid:
 *
 * Returns: whether sales go to KakaoPay with one of its test CIDs (TC…): no money
 *   moves, as in test mode. #KpApplication:test-mode is notified when it changes.
 */
gboolean
kp_application_uses_test_cid (KpApplication *self)
{
  return !self->test_mode && self->test_cid;
}

const char *
kp_application_get_journal_path (KpApplication *self)
{
  return self->journal_path;
}

const char *
kp_application_get_callback_base (KpApplication *self)
{
  return self->callback_base;
}

/**
 * kp_application_get_setup_error:
 *
 * Returns: (nullable): why the terminal cannot take payments, translated
 */
const char *
kp_application_get_setup_error (KpApplication *self)
{
  return self->journal_error != NULL ? self->journal_error : self->setup_error;
}

KpSecretStore *
kp_application_get_secret_store (KpApplication *self)
{
  return self->secrets;
}

/**
 * kp_application_reload_services:
 *
 * Builds the KakaoPay services again from the settings and the keyring (after a secret
 * changed). New sales use them; a sale in flight ends with those it started with.
 */
void
kp_application_reload_services (KpApplication *self)
{
  g_return_if_fail (KP_IS_APPLICATION (self));

  if (!self->services_started)
    return;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  reload_services (self);
}

/**
 * kp_application_get_relay_state:
 *
 * Returns: the relay connection's #KpRelayState, or -1 when approvals do not go
 *   through a relay
 */
int
kp_application_get_relay_state (KpApplication *self)
{
  if (self->relay != NULL)
    return kp_relay_client_get_state (self->relay);
  return compute_relay_mode (self) ? KP_RELAY_STATE_STOPPED : -1;
}

/**
 * kp_application_has_option:
 * @name: a command-line option's long name
 *
 * Returns: whether the option was given (it then overrides the settings)
 */
gboolean
kp_application_has_option (KpApplication *self,
                           const char    *name)
{
  if (g_str_equal (name, "api-base"))
    return self->opt_api_base != NULL;
  if (g_str_equal (name, "dialect"))
    return self->opt_dialect != NULL;
  if (g_str_equal (name, "cid"))
    return self->opt_cid != NULL;
  if (g_str_equal (name, "secret-key-file"))
    return self->opt_secret_key_file != NULL;
  if (g_str_equal (name, "relay-token-file"))
    return self->opt_relay_token_file != NULL;
  if (g_str_equal (name, "sandbox"))
    return self->opt_sandbox;
  if (g_str_equal (name, "relay"))
    return self->opt_relay != NULL;
  if (g_str_equal (name, "callback-listen"))
    return self->opt_callback_listen != NULL;
  if (g_str_equal (name, "callback-base"))
    return self->opt_callback_base != NULL;
  if (g_str_equal (name, "terminal-id"))
    return self->opt_terminal_id != NULL;
  return FALSE;
}

/**
 * kp_application_get_sandbox:
 *
 * Returns: (nullable) (type KpSandbox): the embedded sandbox in test mode
 */
gpointer
kp_application_get_sandbox (KpApplication *self)
{
  return self->sandbox;
}
