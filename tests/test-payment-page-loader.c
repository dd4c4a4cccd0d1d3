/* test-payment-page-loader.c: KakaoPay's page module, found and loaded (or not)
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "kp-payment-page-loader.h"
#include "kp-settings.h"

/* The loader finds and loads the module once per process: each case runs in a process
 * of its own, with KP_MODULE_DIR as it says. The suite sets KP_MODULE_DIR to the build
 * tree's module folder. */

static char *
make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("kp-module-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autofree char *module = g_build_filename (dir, PAYMENT_PAGE_MODULE, NULL);

  g_remove (module);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                   G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}

/* The module built beside the program: found where KP_MODULE_DIR says, loaded, its
 * table the one this program expects. */
static void
test_build_tree (void)
{
  g_autoptr (GError) error = NULL;
#ifdef HAVE_WEBKIT
  const char *dir = g_getenv ("KP_MODULE_DIR");
  g_autofree char *path = NULL;
  g_autofree char *path_dir = NULL;
#endif

  if (!in_subprocess ())
    return;

#ifdef HAVE_WEBKIT
  g_assert_nonnull (dir);
  path = kp_payment_page_loader_find (&error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
  path_dir = g_path_get_dirname (path);
  g_assert_cmpstr (path_dir, ==, dir);
  g_assert_true (kp_payment_page_loader_is_available (NULL));

  kp_settings_set_has_payment_page (TRUE);
  g_assert_true (kp_payment_page_loader_load (&error));
  g_assert_no_error (error);
  g_assert_true (kp_payment_page_loader_load (&error));
  g_assert_true (kp_payment_page_loader_is_available (NULL));
  g_assert_true (kp_settings_has_payment_page ());
  g_clear_pointer (&path, g_free);
  path = kp_payment_page_loader_find (&error);
  g_assert_no_error (error);
  g_assert_nonnull (path);
#else
  g_assert_false (kp_payment_page_loader_is_available (&error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_false (kp_payment_page_loader_load (&error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
#endif
}

/* KP_MODULE_DIR without the module: nothing else is looked at, nothing is loaded,
 * and the page is not on offer. */
static void
test_missing (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;

  if (!in_subprocess ())
    return;

  dir = make_dir ();
  g_setenv ("KP_MODULE_DIR", dir, TRUE);
  kp_settings_set_has_payment_page (TRUE);
  g_assert_false (kp_payment_page_loader_is_available (&error));
#ifdef HAVE_WEBKIT
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, PAYMENT_PAGE_MODULE " is not installed"));
#else
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
#endif
  g_clear_error (&error);
  g_assert_false (kp_payment_page_loader_load (&error));
  g_assert_nonnull (error);
  g_assert_false (kp_settings_has_payment_page ());
  remove_dir (dir);
}

/* A file by the module's name that is no module: found, refused when loaded (said
 * once), and from then on the page is not on offer. */
static void
test_broken (void)
{
#ifdef HAVE_WEBKIT
  g_autofree char *dir = NULL;
  g_autofree char *module = NULL;
  g_autoptr (GError) error = NULL;

  if (!in_subprocess ())
    return;

  dir = make_dir ();
  module = g_build_filename (dir, PAYMENT_PAGE_MODULE, NULL);
  g_assert_true (g_file_set_contents (module, "not a shared object\n", -1, NULL));
  g_setenv ("KP_MODULE_DIR", dir, TRUE);
  kp_settings_set_has_payment_page (TRUE);

  g_assert_true (kp_payment_page_loader_is_available (NULL));
  g_test_expect_message ("kp-payment-page", G_LOG_LEVEL_WARNING, "*could not be loaded*");
  g_assert_false (kp_payment_page_loader_load (&error));
  g_test_assert_expected_messages ();
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "could not be loaded"));
  g_clear_error (&error);

  g_assert_false (kp_payment_page_loader_is_available (&error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_false (kp_settings_has_payment_page ());
  remove_dir (dir);
#else
  g_test_skip ("built without WebKit: no module");
#endif
}

/* What the customer reads beside the page, or instead of it. */
static void
test_describe (void)
{
  g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no engine");
  g_autofree char *unshown = kp_payment_page_loader_describe (NULL, error);
  g_autofree char *qr = kp_payment_page_loader_describe (NULL, NULL);

  g_assert_nonnull (strstr (unshown, "could not be shown here (no engine)"));
  g_assert_cmpstr (qr, ==, "Scan with your phone to pay with KakaoPay");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/payment-page-loader/build-tree", test_build_tree);
  g_test_add_func ("/kp/payment-page-loader/missing", test_missing);
  g_test_add_func ("/kp/payment-page-loader/broken", test_broken);
  g_test_add_func ("/kp/payment-page-loader/describe", test_describe);

  return g_test_run ();
}
