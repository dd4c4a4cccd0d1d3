/* kp-application.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "kp-application.h"
#include "kp-catalog-command.h"
#include "kp-customer-window.h"
#include "kp-day-report-print.h"
#include "kp-day-report-window.h"
#include "kp-journal-command.h"
#include "kp-shop-command.h"
#include "kp-payment-page-loader.h"
#include "kp-preferences-window.h"
#include "kp-secret-store.h"
#include "kp-terminal.h"
#include "kp-present.h"
#include "kp-window.h"

struct _KpApplication
{
  AdwApplication      parent_instance;

  KpSettings         *settings;
  KpSecretStore      *secrets;
  KpTerminal         *terminal;
  KpCustomerWindow   *customer_window;  /* weak: the customer display, while it is open */
  char               *opt_day_report;   /* --day-report DAY: shown once sales can start */
  gboolean            opt_customer_display;
  gboolean            services_started;
  guint               services_timeout_id;
};

G_DEFINE_FINAL_TYPE (KpApplication, kp_application, ADW_TYPE_APPLICATION)

static void update_customer_display (KpApplication *self);

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
  { "import-catalog", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Import the product catalog from a CSV file and exit"), N_("PATH") },
  { "export-catalog", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the product catalog as CSV to PATH and exit"), N_("PATH") },
  { "catalog", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Replace the product catalog with a CSV file, then start"), N_("PATH") },
  { "day-report", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The day of the day report (default today); without --export-day-report, show it"),
    N_("YYYY-MM-DD") },
  { "export-day-report", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the day report to PATH (.csv, or .pdf as printed) and exit"), N_("PATH") },
  { NULL }
};

/* --qr-target: "page" only where the program can show KakaoPay's page itself. */
static const GOptionEntry qr_target_entries[][2] = {
  { { "qr-target", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("What the QR code opens: KakaoPay’s pc or mobile page"), N_("pc|mobile") },
    { NULL } },
  { { "qr-target", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("What the customer is shown: a QR code of KakaoPay’s pc or mobile page, or the page "
         "itself in this app (no approval listener)"), N_("pc|mobile|page") },
    { NULL } },
};

static const GOptionEntry printing_entries[] = {
  { "printer", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Where receipts are printed"), N_("tcp://HOST[:PORT]|file:PATH|system|none") },
  { "paper-width", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Characters per line on the receipt printer"), N_("32|42|48") },
  { "auto-print", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print a receipt when a payment is approved and when a refund completes"), NULL },
  { "shop-db", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Replicate the journal to the shop’s PostgreSQL database (its password goes to the "
       "keyring)"), N_("CONNINFO") },
  { "init-shop-db", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Create or upgrade the tables of the shop database and exit"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { NULL }
};

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

static gboolean
settings_schema_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  return schema != NULL;
}

static void
on_terminal_notify_cb (KpApplication *self,
                       GParamSpec    *pspec)
{
  /* The customer display follows the sale and the mode. */
  if (g_str_equal (pspec->name, "checkout") || g_str_equal (pspec->name, "test-mode"))
    update_customer_display (self);

  /* --day-report DAY without an export: that day's report, once sales can start. */
  if (self->opt_day_report != NULL && kp_terminal_get_checkout (self->terminal) != NULL)
    {
      g_autofree char *day = g_steal_pointer (&self->opt_day_report);

      g_action_group_activate_action (G_ACTION_GROUP (self), "day-report",
                                      g_variant_new_string (day));
    }
}

/* --qr-target page where KakaoPay's page cannot be shown: said, and the QR code of its
 * PC page for this run instead. */
static void
check_qr_target_option (GVariantDict *options)
{
  g_autofree char *target = lookup_string (options, "qr-target");
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (target, "page") != 0 || kp_payment_page_loader_is_available (&error))
    return;
  /* Translators: %s is why (“its module kp-payment-page.so is not installed”) */
  g_printerr (_("KakaoPay’s payment page cannot be shown in this app: %s. The customer scans "
                "the QR code of its PC page instead.\n"), error->message);
  g_variant_dict_insert (options, "qr-target", "s", "pc");
}

static int
kp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  KpApplication *self = KP_APPLICATION (app);
  g_autoptr (GSettings) gsettings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *journal_path = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *catalog_path = NULL;
  g_autofree char *day_report_path = NULL;
  g_autofree char *dialect_name = NULL;
  g_autofree char *shop_db = NULL;
  g_autofree char *shop_password = NULL;
  KpDialect dialect;
  GDate day;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("kakaopay-pos %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->opt_customer_display = g_variant_dict_contains (options, "customer-display");
  check_qr_target_option (options);
  journal_path = lookup_string (options, "journal");
  if (journal_path == NULL)
    journal_path = default_journal_path ();

  dialect_name = lookup_string (options, "dialect");
  if (dialect_name != NULL && !kp_dialect_from_string (dialect_name, &dialect))
    {
      g_printerr (_("Unknown dialect “%s”: use online or legacy.\n"), dialect_name);
      return 2;
    }

  /* The shop database's password goes to the keyring, never to the settings. */
  shop_db = lookup_string (options, "shop-db");
  if (shop_db != NULL)
    {
      g_autofree char *conninfo = NULL;

      if (!kp_shop_command_split (shop_db, &conninfo, &shop_password))
        return 2;
      g_variant_dict_insert (options, "shop-db", "s", conninfo);
      g_clear_pointer (&shop_db, g_free);
      shop_db = g_steal_pointer (&conninfo);
    }
  if (g_variant_dict_contains (options, "init-shop-db"))
    {
      g_autoptr (GSettings) shop_gsettings = NULL;

      if (shop_db == NULL && settings_schema_installed ())
        {
          shop_gsettings = g_settings_new (SCHEMA_ID);
          shop_db = g_settings_get_string (shop_gsettings, "shop-db");
        }
      return kp_shop_command_init (self->secrets, shop_db, shop_password);
    }

  /* The exports need the journal only, not the settings. */
  export_path = lookup_string (options, "export-journal");
  if (export_path != NULL)
    return kp_journal_command_export (journal_path, export_path);

  catalog_path = lookup_string (options, "import-catalog");
  if (catalog_path != NULL)
    return kp_catalog_command_import (journal_path, catalog_path, FALSE);
  g_clear_pointer (&catalog_path, g_free);
  catalog_path = lookup_string (options, "export-catalog");
  if (catalog_path != NULL)
    return kp_catalog_command_export (journal_path, catalog_path);

  self->opt_day_report = lookup_string (options, "day-report");
  day_report_path = lookup_string (options, "export-day-report");
  if (day_report_path != NULL)
    {
      g_autoptr (KpSettings) report_settings = NULL;

      /* Where the figures come from, as the window shows it, when the settings are
       * there (the export needs only the journal). A bad value was reported already. */
      if (settings_schema_installed ())
        {
          g_autoptr (GSettings) report_gsettings = g_settings_new (SCHEMA_ID);

          report_settings = kp_settings_new (report_gsettings);
          kp_settings_apply_options (report_settings, options, NULL);
        }
      return kp_journal_command_day_report (journal_path, report_settings,
                                            self->opt_day_report, day_report_path);
    }
  if (self->opt_day_report != NULL &&
      !kp_journal_command_parse_day (self->opt_day_report, &day))
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
  gsettings = g_settings_new (SCHEMA_ID);
  self->settings = kp_settings_new (gsettings);
  if (!kp_settings_apply_options (self->settings, options, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  g_clear_pointer (&catalog_path, g_free);
  catalog_path = lookup_string (options, "catalog");
  if (catalog_path != NULL && kp_catalog_command_import (journal_path, catalog_path, TRUE) != 0)
    return 1;

  /* No credentials (or asked for): the embedded sandbox, in-process on loopback. */
  self->terminal = kp_terminal_new (self->settings, self->secrets, journal_path);
  if (shop_password != NULL)
    kp_terminal_set_shop_db_password (self->terminal, shop_password);
  g_signal_connect_object (self->terminal, "notify", G_CALLBACK (on_terminal_notify_cb), self,
                           G_CONNECT_SWAPPED);

  return G_APPLICATION_CLASS (kp_application_parent_class)->handle_local_options (app, options);
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
  kp_customer_window_set_checkout (self->customer_window,
                                   kp_terminal_get_checkout (self->terminal));
  /* KakaoPay's test CID moves no money either. */
  g_object_set (self->customer_window, "test-mode",
                kp_terminal_is_test_mode (self->terminal) ||
                kp_terminal_uses_test_cid (self->terminal), NULL);
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
                                   kp_terminal_get_checkout (self->terminal));
  g_object_bind_property (self->settings, "shop-name", window, "shop-name",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->settings, "qr-target", window, "qr-target",
                          G_BINDING_SYNC_CREATE);
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
  GSettings *gsettings = kp_settings_get_gsettings (self->settings);

  if (on)
    open_customer_display (self);
  else
    close_customer_display (self);
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_boolean (self->customer_window != NULL));
  if (remember && g_settings_get_boolean (gsettings, "customer-display") != on)
    g_settings_set_boolean (gsettings, "customer-display", on);
}

static void
on_customer_display_setting_cb (KpApplication *self)
{
  set_customer_display (self, kp_settings_get_customer_display (self->settings), FALSE);
}

static void
customer_display_change_state (GSimpleAction *action,
                               GVariant      *value,
                               gpointer       user_data)
{
  set_customer_display (KP_APPLICATION (user_data), g_variant_get_boolean (value), TRUE);
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
  KpDayReportWindow *window;
  GDate day;

  if (kp_terminal_get_journal (self->terminal) == NULL ||
      !kp_journal_command_parse_day (g_variant_get_string (parameter, NULL), &day))
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

  window = kp_day_report_window_new (GTK_APPLICATION (self), self->terminal, &day);
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
  preferences = GTK_WINDOW (kp_preferences_window_new (GTK_APPLICATION (self), self->terminal,
                                                       parent));
  /* Closed: the window it came from gets the keyboard back (also without a window
   * manager). */
  if (parent != NULL)
    g_signal_connect_object (preferences, "unmap", G_CALLBACK (kp_present_now), parent,
                             G_CONNECT_SWAPPED);
  gtk_window_present (preferences);
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

/* The application's style sheet. Loaded here rather than by AdwApplication from a
 * resource base path: with one, GtkApplication adds its icon folder to the icon theme
 * while GTK is already loading the theme on a worker thread, and libadwaita adds its
 * own right after; that load is thrown away and the window's first icon loads the
 * theme again on the main thread, some 10 ms before the first frame. Without it, the
 * one load on the worker thread stands. (The program has no icons, menus or shortcuts
 * window at the places GtkApplication would look for them.) */
static void
load_style (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/kppos/KakaoPayPos/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
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
  static const char *catalog_accels[] = { "<Control>k", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (kp_application_parent_class)->startup (app);
  load_style ();

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
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.catalog",
                                         catalog_accels);
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
}

static gboolean
start_services_cb (gpointer user_data)
{
  KpApplication *self = user_data;

  kp_terminal_start (self->terminal);
  update_customer_display (self);
  /* Behind the main window's first frame, as the services. */
  g_signal_connect_object (self->settings, "notify::customer-display",
                           G_CALLBACK (on_customer_display_setting_cb), self, G_CONNECT_SWAPPED);
  if (self->opt_customer_display || kp_settings_get_customer_display (self->settings))
    set_customer_display (self, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
start_services_once_cb (gpointer user_data)
{
  KpApplication *self = user_data;

  g_clear_handle_id (&self->services_timeout_id, g_source_remove);
  if (!self->services_started)
    {
      self->services_started = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, start_services_cb, g_object_ref (self), g_object_unref);
    }
  return G_SOURCE_REMOVE;
}

static void
kp_application_activate (GApplication *app)
{
  KpApplication *self = KP_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (kp_window_new (self, self->terminal));
      /* The window first, then the services: the cashier sees the till at once, and
       * the sandbox, listener, HTTP session and journal come up right behind its first
       * frame (or after a second, for a window that is never painted). */
      if (!self->services_started)
        {
          g_signal_connect_object (window, "first-frame", G_CALLBACK (start_services_once_cb),
                                   self, G_CONNECT_SWAPPED);
          if (self->services_timeout_id == 0)
            self->services_timeout_id = g_timeout_add_seconds (1, start_services_once_cb, self);
        }
    }
  gtk_window_present (window);
}

static void
kp_application_shutdown (GApplication *app)
{
  KpApplication *self = KP_APPLICATION (app);

  g_clear_handle_id (&self->services_timeout_id, g_source_remove);
  close_customer_display (self);
  if (self->terminal != NULL)
    kp_terminal_shutdown (self->terminal);

  G_APPLICATION_CLASS (kp_application_parent_class)->shutdown (app);
}

static void
kp_application_dispose (GObject *object)
{
  KpApplication *self = KP_APPLICATION (object);

  g_clear_object (&self->terminal);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kp_application_parent_class)->dispose (object);
}

static void
kp_application_finalize (GObject *object)
{
  KpApplication *self = KP_APPLICATION (object);

  g_free (self->opt_day_report);

  G_OBJECT_CLASS (kp_application_parent_class)->finalize (object);
}

static void
kp_application_class_init (KpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kp_application_dispose;
  object_class->finalize = kp_application_finalize;
  app_class->handle_local_options = kp_application_handle_local_options;
  app_class->startup = kp_application_startup;
  app_class->activate = kp_application_activate;
  app_class->shutdown = kp_application_shutdown;
}

static void
kp_application_init (KpApplication *self)
{
  gboolean page = kp_payment_page_loader_is_available (NULL);

  /* The settings are opened once the options are read (handle_local_options): --help,
   * --version and the exports work where the schema is not installed. */
  self->secrets = kp_secret_store_new ();
  /* Whether KakaoPay's page can be shown in the app: its module is there (it is loaded
   * when a page is first shown). */
  kp_settings_set_has_payment_page (page);
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_add_main_option_entries (G_APPLICATION (self), qr_target_entries[page ? 1 : 0]);
  g_application_add_main_option_entries (G_APPLICATION (self), printing_entries);
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
                       /* None: see load_style(). */
                       "resource-base-path", NULL,
                       NULL);
}

/**
 * kp_application_get_terminal:
 *
 * Returns: (transfer none): the terminal: its settings, services, journal and sale
 */
KpTerminal *
kp_application_get_terminal (KpApplication *self)
{
  return self->terminal;
}
