/* test-shop-pq.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kp-shop-client.h"
#include "kp-shop-db.h"
#include "kp-test-server.h"

/* A machine without libpq5: the shop's code loads libpq itself (kp-pq.c), and this
 * program neither links libpq nor defines KP_PQ_LINKED, so the real loader runs,
 * pointed by its test hook (KP_PQ_LIBRARY) at a library that is not there. */

#define MISSING_LIBRARY "/nonexistent/kp-test/libpq.so.5"

static void
assert_unavailable (const GError *error)
{
  g_assert_error (error, KP_SHOP_ERROR, KP_SHOP_ERROR_UNAVAILABLE);
  /* What to install, and what could not be loaded. */
  g_assert_nonnull (strstr (error->message, "libpq5"));
  g_assert_nonnull (strstr (error->message, MISSING_LIBRARY));
}

static void
test_missing (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;
  g_autofree char *described = NULL;

  g_assert_false (kp_shop_pq_load (&error));
  assert_unavailable (error);
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  /* Every way in says the same, and nothing is returned. */
  g_assert_false (kp_shop_conninfo_split ("dbname=shop password=hunter2", &conninfo, &password,
                                          &error));
  assert_unavailable (error);
  g_assert_null (strstr (error->message, "hunter2"));
  g_assert_null (conninfo);
  g_assert_null (password);
  g_clear_error (&error);

  g_assert_null (kp_shop_db_connect ("dbname=shop", "hunter2", &error));
  assert_unavailable (error);
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);

  g_assert_false (kp_shop_db_init ("dbname=shop", NULL, NULL, &error));
  assert_unavailable (error);
  g_clear_error (&error);

  described = kp_shop_conninfo_describe ("dbname=shop host=db.shop");
  g_assert_cmpstr (described, ==, "?");
}

/* The split a window asks for, in a worker thread: the same error. */
static void
test_missing_async (void)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;

  kp_shop_conninfo_split_async ("dbname=shop password=hunter2", NULL, kp_test_result_cb,
                                &result);
  g_assert_false (kp_shop_conninfo_split_finish (kp_test_result_wait (&result), &conninfo,
                                                 &password, &error));
  assert_unavailable (error);
  g_assert_null (strstr (error->message, "hunter2"));
  g_assert_null (conninfo);
  g_assert_null (password);
}

/* The whole shop's day report, asked with no libpq: an error, not a crash. */
static void
test_missing_report (void)
{
  g_autoptr (KpShopClient) client = kp_shop_client_new ("dbname=shop", "hunter2");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  KpShopDayReport *report;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 25, G_DATE_NOVEMBER, 2026);
  kp_shop_client_day_report_async (client, &day, NULL, kp_test_result_cb, &result);
  report = kp_shop_client_day_report_finish (client, kp_test_result_wait (&result), &error);
  g_assert_null (report);
  assert_unavailable (error);
  g_assert_null (strstr (error->message, "hunter2"));
}

/* The message is the program's, translated: in Korean under LANGUAGE=ko. */
static void
test_missing_translated (void)
{
  g_autoptr (GError) english = NULL;
  g_autoptr (GError) korean = NULL;

  g_assert_false (kp_shop_pq_load (&english));
  g_setenv ("LANGUAGE", "ko", TRUE);
  g_assert_false (kp_shop_pq_load (&korean));
  g_unsetenv ("LANGUAGE");

  assert_unavailable (english);
  assert_unavailable (korean);
  g_assert_nonnull (strstr (english->message, "Install it"));
  g_assert_cmpstr (korean->message, !=, english->message);
  g_assert_nonnull (strstr (korean->message, "설치하세요"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, KP_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_unsetenv ("LANGUAGE");
  g_setenv ("KP_PQ_LIBRARY", MISSING_LIBRARY, TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/shop-pq/missing", test_missing);
  g_test_add_func ("/kp/shop-pq/missing-async", test_missing_async);
  g_test_add_func ("/kp/shop-pq/missing-report", test_missing_report);
  g_test_add_func ("/kp/shop-pq/missing-translated", test_missing_translated);

  return g_test_run ();
}
