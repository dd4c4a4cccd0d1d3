/* test-secret-store.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs against a throwaway keyring: tests/test-secret-store.sh starts a private
 * session bus and an unlocked gnome-keyring-daemon in a temporary home first.
 */

#include "config.h"

#include <string.h>

#include "kp-secret-store.h"

typedef struct
{
  KpSecretStore *store;
  GMainLoop     *loop;
  GAsyncResult  *result;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = kp_secret_store_new ();
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->result);
  g_main_loop_unref (fixture->loop);
  g_assert_finalize_object (fixture->store);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
  g_main_loop_quit (fixture->loop);
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  g_clear_object (&fixture->result);
  g_main_loop_run (fixture->loop);
  return fixture->result;
}

static void
store (Fixture      *fixture,
       KpSecretKind  kind,
       const char   *secret)
{
  g_autoptr (GError) error = NULL;

  kp_secret_store_store_async (fixture->store, kind, secret, NULL, done_cb, fixture);
  g_assert_true (kp_secret_store_store_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
}

static char *
lookup (Fixture      *fixture,
        KpSecretKind  kind)
{
  g_autoptr (GError) error = NULL;
  char *secret;

  kp_secret_store_lookup_async (fixture->store, kind, NULL, done_cb, fixture);
  secret = kp_secret_store_lookup_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  return secret;
}

static void
clear (Fixture      *fixture,
       KpSecretKind  kind)
{
  g_autoptr (GError) error = NULL;

  kp_secret_store_clear_async (fixture->store, kind, NULL, done_cb, fixture);
  g_assert_true (kp_secret_store_clear_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  char *secret;

  clear (fixture, KP_SECRET_KEY);
  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_null (secret);

  store (fixture, KP_SECRET_KEY, "DEV0123456789ABCDEF0123456789ABCDEF01234");
  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_cmpstr (secret, ==, "DEV0123456789ABCDEF0123456789ABCDEF01234");
  kp_secret_free (secret);

  /* Stored again: replaced, not added beside the old one. */
  store (fixture, KP_SECRET_KEY, "DEVREPLACED");
  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_cmpstr (secret, ==, "DEVREPLACED");
  kp_secret_free (secret);

  clear (fixture, KP_SECRET_KEY);
  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_null (secret);

  /* Removing what is not there is not an error. */
  clear (fixture, KP_SECRET_KEY);
}

static void
test_kinds_apart (Fixture       *fixture,
                  gconstpointer  data)
{
  char *secret;

  store (fixture, KP_SECRET_KEY, "the-key");
  store (fixture, KP_SECRET_RELAY_TOKEN, "the-token");

  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_cmpstr (secret, ==, "the-key");
  kp_secret_free (secret);
  secret = lookup (fixture, KP_SECRET_RELAY_TOKEN);
  g_assert_cmpstr (secret, ==, "the-token");
  kp_secret_free (secret);

  clear (fixture, KP_SECRET_RELAY_TOKEN);
  secret = lookup (fixture, KP_SECRET_RELAY_TOKEN);
  g_assert_null (secret);
  secret = lookup (fixture, KP_SECRET_KEY);
  g_assert_cmpstr (secret, ==, "the-key");
  kp_secret_free (secret);
  clear (fixture, KP_SECRET_KEY);

  g_assert_cmpstr (kp_secret_kind_to_string (KP_SECRET_KEY), ==, "secret-key");
  g_assert_cmpstr (kp_secret_kind_to_string (KP_SECRET_RELAY_TOKEN), ==, "relay-token");
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  char *secret;

  g_cancellable_cancel (cancellable);
  kp_secret_store_lookup_async (fixture->store, KP_SECRET_KEY, cancellable, done_cb, fixture);
  secret = kp_secret_store_lookup_finish (fixture->store, wait_result (fixture), &error);
  g_assert_null (secret);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static GSettings *
new_settings (void)
{
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (KP_SCHEMAS_DIR, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, SCHEMA_ID, FALSE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
migrate (Fixture   *fixture,
         GSettings *settings,
         GError   **error)
{
  kp_secret_store_migrate_setting_async (fixture->store, settings, "cid-secret",
                                         KP_SECRET_CID_SECRET, NULL, done_cb, fixture);
  return kp_secret_store_migrate_setting_finish (fixture->store, wait_result (fixture), error);
}

/* An older version kept the cid_secret in the settings: it moves to the keyring. */
static void
test_migrate_setting (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GSettings) settings = new_settings ();
  g_autoptr (GError) error = NULL;
  g_autofree char *left = NULL;
  char *secret;

  clear (fixture, KP_SECRET_CID_SECRET);
  g_assert_true (g_settings_set_string (settings, "cid-secret", "0123456789abcdefghijklmn"));

  g_assert_true (migrate (fixture, settings, &error));
  g_assert_no_error (error);
  secret = lookup (fixture, KP_SECRET_CID_SECRET);
  g_assert_cmpstr (secret, ==, "0123456789abcdefghijklmn");
  kp_secret_free (secret);
  left = g_settings_get_string (settings, "cid-secret");
  g_assert_cmpstr (left, ==, "");
  g_assert_false (g_settings_get_user_value (settings, "cid-secret") != NULL);

  /* Nothing left to move: the keyring keeps what it has. */
  g_assert_true (migrate (fixture, settings, &error));
  g_assert_no_error (error);
  secret = lookup (fixture, KP_SECRET_CID_SECRET);
  g_assert_cmpstr (secret, ==, "0123456789abcdefghijklmn");
  kp_secret_free (secret);

  /* The other secrets are not touched. */
  g_assert_null (lookup (fixture, KP_SECRET_KEY));
  g_assert_cmpstr (kp_secret_kind_to_string (KP_SECRET_CID_SECRET), ==, "cid-secret");
  clear (fixture, KP_SECRET_CID_SECRET);
}

/* A keyring that fails keeps the setting: the secret is never lost on the way. */
static void
test_migrate_cancelled (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (GSettings) settings = new_settings ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *left = NULL;

  g_assert_true (g_settings_set_string (settings, "cid-secret", "0123456789abcdefghijklmn"));
  g_cancellable_cancel (cancellable);
  kp_secret_store_migrate_setting_async (fixture->store, settings, "cid-secret",
                                         KP_SECRET_CID_SECRET, cancellable, done_cb, fixture);
  g_assert_false (kp_secret_store_migrate_setting_finish (fixture->store, wait_result (fixture),
                                                          &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  left = g_settings_get_string (settings, "cid-secret");
  g_assert_cmpstr (left, ==, "0123456789abcdefghijklmn");
  g_settings_reset (settings, "cid-secret");
}

/* Whether libsecret is mapped into this process. */
static gboolean
libsecret_loaded (void)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, "/libsecret-1.so") != NULL;
}

/* The library is loaded on first use, and only then: a store that is made, and a
 * secret from a file freed, load nothing. (The real load is checked by the keyring
 * tests, in the same process as this one.) */
static void
test_loaded_on_use (Fixture       *fixture,
                    gconstpointer  data)
{
  char *from_file = g_strdup ("DEV0123456789ABCDEF");

  g_assert_false (libsecret_loaded ());
  kp_secret_free (from_file);
  kp_secret_free (NULL);
  g_assert_false (libsecret_loaded ());
  if (g_getenv ("KP_TEST_KEYRING") != NULL)
    {
      g_assert_null (lookup (fixture, KP_SECRET_RELAY_TOKEN));
      g_assert_true (libsecret_loaded ());
    }
}

/* Without libsecret installed, every operation fails with a sentence that says what to
 * install, and the secret an older version kept in the settings stays there. In a
 * child process: the library is looked for once per process. */
static void
test_library_missing (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *left = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("KP_SECRET_LIBRARY", "libkp-no-such-secret.so.0", TRUE);
  kp_secret_store_lookup_async (fixture->store, KP_SECRET_KEY, NULL, done_cb, fixture);
  g_assert_null (kp_secret_store_lookup_finish (fixture->store, wait_result (fixture), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "libkp-no-such-secret.so.0"));
  g_assert_nonnull (strstr (error->message, "libsecret-1-0"));
  g_clear_error (&error);

  kp_secret_store_store_async (fixture->store, KP_SECRET_KEY, "DEVNEW", NULL, done_cb, fixture);
  g_assert_false (kp_secret_store_store_finish (fixture->store, wait_result (fixture), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  kp_secret_store_clear_async (fixture->store, KP_SECRET_KEY, NULL, done_cb, fixture);
  g_assert_false (kp_secret_store_clear_finish (fixture->store, wait_result (fixture), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  settings = new_settings ();
  g_assert_true (g_settings_set_string (settings, "cid-secret", "0123456789abcdefghijklmn"));
  g_assert_false (migrate (fixture, settings, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  left = g_settings_get_string (settings, "cid-secret");
  g_assert_cmpstr (left, ==, "0123456789abcdefghijklmn");
  g_assert_false (libsecret_loaded ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/kp/secret-store/library-missing", Fixture, NULL, fixture_set_up,
              test_library_missing, fixture_tear_down);
  g_test_add ("/kp/secret-store/loaded-on-use", Fixture, NULL, fixture_set_up,
              test_loaded_on_use, fixture_tear_down);
  if (g_getenv ("KP_TEST_KEYRING") == NULL)
    {
      /* Never the user's own keyring. */
      g_test_message ("the keyring tests run through test-secret-store.sh (a throwaway "
                      "keyring)");
      return g_test_run ();
    }

  g_test_add ("/kp/secret-store/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/kp/secret-store/kinds-apart", Fixture, NULL, fixture_set_up, test_kinds_apart,
              fixture_tear_down);
  g_test_add ("/kp/secret-store/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/kp/secret-store/migrate-setting", Fixture, NULL, fixture_set_up,
              test_migrate_setting, fixture_tear_down);
  g_test_add ("/kp/secret-store/migrate-cancelled", Fixture, NULL, fixture_set_up,
              test_migrate_cancelled, fixture_tear_down);

  return g_test_run ();
}
