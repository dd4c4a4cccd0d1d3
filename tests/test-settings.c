/* test-settings.c: KpSettings follows GSettings, and the command line wins for one run
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <string.h>

#include "kp-settings.h"

static GSettings *
new_settings (void)
{
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (KP_SCHEMAS_DIR, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, backend, NULL);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* Every key reaches its property, typed, and a change is notified. */
static void
test_follows (void)
{
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  guint notified = 0;

  g_assert_true (kp_settings_get_test_mode (settings));
  g_assert_cmpint (kp_settings_get_dialect (settings), ==, KP_DIALECT_ONLINE);
  g_assert_cmpint (kp_settings_get_qr_target (settings), ==, KP_QR_TARGET_PC);
  g_assert_cmpint (kp_settings_get_approval_delivery (settings), ==, KP_DELIVERY_LISTENER);
  g_assert_cmpstr (kp_settings_get_terminal_id (settings), ==, "T1");
  g_assert_cmpuint (kp_settings_get_tid_lifetime (settings), ==, 900);
  g_assert_null (kp_settings_get_journal (settings));

  g_signal_connect (settings, "notify::dialect", G_CALLBACK (count_notify_cb), &notified);
  g_settings_set_enum (gsettings, "dialect", KP_DIALECT_LEGACY);
  g_assert_cmpint (kp_settings_get_dialect (settings), ==, KP_DIALECT_LEGACY);
  g_assert_cmpuint (notified, ==, 1);
  /* The same value again is no change. */
  g_settings_set_string (gsettings, "dialect", "legacy");
  g_assert_cmpuint (notified, ==, 1);

  g_settings_set_string (gsettings, "qr-target", "mobile");
  g_assert_cmpint (kp_settings_get_qr_target (settings), ==, KP_QR_TARGET_MOBILE);
  g_settings_set_string (gsettings, "approval-delivery", "relay");
  g_assert_cmpint (kp_settings_get_approval_delivery (settings), ==, KP_DELIVERY_RELAY);
  g_settings_set_uint (gsettings, "tid-lifetime", 20);
  g_assert_cmpuint (kp_settings_get_tid_lifetime (settings), ==, 20);
  g_settings_set_string (gsettings, "shop-name", "가게");
  g_assert_cmpstr (kp_settings_get_shop_name (settings), ==, "가게");
  g_assert_false (kp_settings_is_overridden (settings, KP_SETTING_DIALECT));
}

/* An option wins for this run: never written back, and the stored setting's changes
 * no longer reach it. What the option implies follows. */
static void
test_options (void)
{
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *stored = NULL;

  g_variant_dict_insert (options, "cid", "s", "CID0000001");
  g_variant_dict_insert (options, "dialect", "s", "legacy");
  g_variant_dict_insert (options, "qr-target", "s", "mobile");
  g_variant_dict_insert (options, "relay", "s", "https://relay.example/");
  g_variant_dict_insert_value (options, "journal", g_variant_new_bytestring ("/tmp/j.db"));
  g_variant_dict_insert_value (options, "secret-key-file",
                               g_variant_new_bytestring ("/tmp/key"));
  g_assert_true (kp_settings_apply_options (settings, options, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (kp_settings_get_cid (settings), ==, "CID0000001");
  g_assert_cmpint (kp_settings_get_dialect (settings), ==, KP_DIALECT_LEGACY);
  g_assert_cmpint (kp_settings_get_qr_target (settings), ==, KP_QR_TARGET_MOBILE);
  g_assert_cmpstr (kp_settings_get_relay_url (settings), ==, "https://relay.example/");
  g_assert_cmpint (kp_settings_get_approval_delivery (settings), ==, KP_DELIVERY_RELAY);
  g_assert_cmpstr (kp_settings_get_journal (settings), ==, "/tmp/j.db");
  g_assert_cmpstr (kp_settings_get_secret_key_file (settings), ==, "/tmp/key");
  /* A secret key file is KakaoPay itself, not the sandbox. */
  g_assert_false (kp_settings_get_test_mode (settings));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_TEST_MODE));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_CID));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_APPROVAL_DELIVERY));
  g_assert_false (kp_settings_is_overridden (settings, KP_SETTING_TERMINAL_ID));
  g_assert_false (kp_settings_is_overridden (settings, KP_SETTING_RELAY_TOKEN_FILE));

  /* Nothing written back. */
  stored = g_settings_get_string (gsettings, "cid");
  g_assert_cmpstr (stored, ==, "TC0ONETIME");
  g_assert_true (g_settings_get_boolean (gsettings, "test-mode"));
  g_assert_cmpint (g_settings_get_enum (gsettings, "dialect"), ==, KP_DIALECT_ONLINE);

  /* The stored setting moves; this run keeps the option. Others still follow. */
  g_settings_set_string (gsettings, "cid", "CID0000002");
  g_assert_cmpstr (kp_settings_get_cid (settings), ==, "CID0000001");
  g_settings_set_string (gsettings, "terminal-id", "T2");
  g_assert_cmpstr (kp_settings_get_terminal_id (settings), ==, "T2");
}

static void
test_sandbox_and_listener (void)
{
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr (GError) error = NULL;

  g_settings_set_boolean (gsettings, "test-mode", FALSE);
  g_settings_set_string (gsettings, "approval-delivery", "relay");
  g_variant_dict_insert (options, "sandbox", "b", TRUE);
  g_variant_dict_insert (options, "api-base", "s", "http://127.0.0.1:1/");
  g_variant_dict_insert (options, "callback-listen", "s", "127.0.0.1:0");
  g_assert_true (kp_settings_apply_options (settings, options, &error));
  g_assert_no_error (error);
  /* --sandbox wins over a KakaoPay address. */
  g_assert_true (kp_settings_get_test_mode (settings));
  g_assert_cmpint (kp_settings_get_approval_delivery (settings), ==, KP_DELIVERY_LISTENER);
  g_assert_cmpstr (kp_settings_get_callback_listen (settings), ==, "127.0.0.1:0");
}

/* A value an option does not take: a clear error, and nothing applied. */
static void
test_bad_value (void)
{
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr (GError) error = NULL;

  g_variant_dict_insert (options, "cid", "s", "CID0000001");
  g_variant_dict_insert (options, "qr-target", "s", "fax");
  g_assert_false (kp_settings_apply_options (settings, options, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "--qr-target"));
  g_assert_nonnull (strstr (error->message, "pc, mobile"));
  g_assert_cmpstr (kp_settings_get_cid (settings), ==, "TC0ONETIME");
  g_assert_false (kp_settings_is_overridden (settings, KP_SETTING_CID));
}

/* The receipt printer: stored, or given for this run; a value none of the forms is
 * refused with nothing applied. */
static void
test_printer (void)
{
  static const struct
  {
    const char *printer;
    int         paper_width;
    const char *refused;
  } bad[] = {
    { "lpt1", 42, "--printer" },
    { "tcp://", 42, "--printer" },
    { "file:relative", 42, "--printer" },
    { "none", 40, "--paper-width" },
    { "tcp://192.0.2.1", 0, "--paper-width" },
  };
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr (GError) error = NULL;

  /* The defaults: no printer, 80 mm paper, nothing printed by itself. */
  g_assert_cmpstr (kp_settings_get_printer (settings), ==, "none");
  g_assert_cmpuint (kp_settings_get_paper_width (settings), ==, 42);
  g_assert_false (kp_settings_get_auto_print (settings));
  g_assert_cmpstr (kp_settings_get_printer_codepage (settings), ==, "1C 26 1B 52 0D 1B 74 00");

  g_settings_set_string (gsettings, "printer", "file:/dev/usb/lp0");
  g_settings_set_uint (gsettings, "paper-width", 33);
  g_assert_cmpstr (kp_settings_get_printer (settings), ==, "file:/dev/usb/lp0");
  /* Not a paper width: read as 80 mm. */
  g_assert_cmpuint (kp_settings_get_paper_width (settings), ==, 42);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (KpSettings) optioned = kp_settings_new (gsettings);
      g_autoptr (GVariantDict) refused = g_variant_dict_new (NULL);
      g_autoptr (GError) local_error = NULL;

      g_variant_dict_insert (refused, "printer", "s", bad[i].printer);
      g_variant_dict_insert (refused, "paper-width", "i", bad[i].paper_width);
      g_variant_dict_insert (refused, "auto-print", "b", TRUE);
      g_assert_false (kp_settings_apply_options (optioned, refused, &local_error));
      g_assert_error (local_error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_nonnull (strstr (local_error->message, bad[i].refused));
      g_assert_false (kp_settings_get_auto_print (optioned));
      g_assert_false (kp_settings_is_overridden (optioned, KP_SETTING_PRINTER));
    }

  g_variant_dict_insert (options, "printer", "s", "tcp://192.0.2.1:9100");
  g_variant_dict_insert (options, "paper-width", "i", 32);
  g_variant_dict_insert (options, "auto-print", "b", TRUE);
  g_assert_true (kp_settings_apply_options (settings, options, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (kp_settings_get_printer (settings), ==, "tcp://192.0.2.1:9100");
  g_assert_cmpuint (kp_settings_get_paper_width (settings), ==, 32);
  g_assert_true (kp_settings_get_auto_print (settings));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_PRINTER));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_PAPER_WIDTH));
  g_assert_true (kp_settings_is_overridden (settings, KP_SETTING_AUTO_PRINT));

  /* The command line wins over the stored settings for this run. */
  g_settings_set_string (gsettings, "printer", "none");
  g_settings_set_boolean (gsettings, "auto-print", FALSE);
  g_assert_cmpstr (kp_settings_get_printer (settings), ==, "tcp://192.0.2.1:9100");
  g_assert_true (kp_settings_get_auto_print (settings));
}

/* The payment page in the app: taken where the program can show it, refused (and read
 * as pc when stored) where it cannot. */
static void
test_page (gconstpointer data)
{
  gboolean available = GPOINTER_TO_INT (data);
  g_autoptr (GSettings) gsettings = new_settings ();
  g_autoptr (KpSettings) settings = kp_settings_new (gsettings);
  g_autoptr (KpSettings) optioned = kp_settings_new (gsettings);
  g_autoptr (GVariantDict) options = g_variant_dict_new (NULL);
  g_autoptr (GError) error = NULL;

  kp_settings_set_has_payment_page (available);
  g_assert_cmpint (kp_settings_has_payment_page (), ==, available);
  g_settings_set_string (gsettings, "qr-target", "page");
  g_variant_dict_insert (options, "qr-target", "s", "page");
  if (available)
    {
      g_assert_cmpint (kp_settings_get_qr_target (settings), ==, KP_QR_TARGET_PAGE);
      g_settings_set_string (gsettings, "qr-target", "mobile");
      g_assert_true (kp_settings_apply_options (optioned, options, &error));
      g_assert_no_error (error);
      g_assert_cmpint (kp_settings_get_qr_target (optioned), ==, KP_QR_TARGET_PAGE);
      g_assert_true (kp_settings_is_overridden (optioned, KP_SETTING_QR_TARGET));
    }
  else
    {
      g_assert_cmpint (kp_settings_get_qr_target (settings), ==, KP_QR_TARGET_PC);
      g_assert_false (kp_settings_apply_options (optioned, options, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_nonnull (strstr (error->message, "use one of pc, mobile."));
      g_assert_false (kp_settings_is_overridden (optioned, KP_SETTING_QR_TARGET));
    }
  kp_settings_set_has_payment_page (FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/settings/follows", test_follows);
  g_test_add_func ("/kp/settings/options", test_options);
  g_test_add_func ("/kp/settings/sandbox-and-listener", test_sandbox_and_listener);
  g_test_add_func ("/kp/settings/bad-value", test_bad_value);
  g_test_add_data_func ("/kp/settings/page/available", GINT_TO_POINTER (TRUE), test_page);
  g_test_add_data_func ("/kp/settings/page/not-available", GINT_TO_POINTER (FALSE),
                        test_page);
  g_test_add_func ("/kp/settings/printer", test_printer);

  return g_test_run ();
}
