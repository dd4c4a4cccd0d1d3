/* test-settings-check.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-business-number.h"
#include "kp-settings-check.h"

typedef struct
{
  const char *key;
  const char *text;
  const char *stored;   /* NULL: refused */
} Case;

static void
check_cases (const Case *cases,
             gsize       n,
             gboolean    real_payments)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = kp_settings_check_text (cases[i].key, cases[i].text,
                                                       real_payments, &error);

      g_test_message ("%s = “%s”", cases[i].key, cases[i].text);
      g_assert_cmpstr (value, ==, cases[i].stored);
      if (cases[i].stored == NULL)
        {
          g_assert_nonnull (error);
          g_assert_cmpstr (error->message, !=, "");
        }
      else
        g_assert_no_error (error);
    }
}

/* What is kept, and in which form: spaces around a value never count. */
static void
test_accepted (void)
{
  static const Case cases[] = {
    { "shop-name", "  Kakao Coffee ", "Kakao Coffee" },
    { "shop-name", "", "" },
    { "shop-business-number", "2208162517", "220-81-62517" },
    { "shop-business-number", " ", "" },
    { "shop-representative", "김민지", "김민지" },
    { "shop-address", "서울 중구 세종대로 110", "서울 중구 세종대로 110" },
    { "shop-phone", "02-123-4567", "02-123-4567" },
    { "shop-phone", "+82 (2) 123 4567", "+82 (2) 123 4567" },
    { "shop-phone", "", "" },
    { "cid", " CKPOS00001 ", "CKPOS00001" },
    { "api-base", "https://open-api.kakaopay.com/", "https://open-api.kakaopay.com" },
    { "api-base", "", "" },
    { "callback-listen", "0.0.0.0:8790", "0.0.0.0:8790" },
    { "callback-listen", "", "" },
    { "callback-base", "http://192.168.0.20:8790/pos//", "http://192.168.0.20:8790/pos" },
    { "relay-url", "https://pay.example.com/shop/", "https://pay.example.com/shop" },
    { "terminal-id", "T1", "T1" },
    { "terminal-id", "counter_2.front-a", "counter_2.front-a" },
  };

  check_cases (cases, G_N_ELEMENTS (cases), FALSE);
}

static void
test_refused (void)
{
  static const Case cases[] = {
    { "shop-name", "two\nlines", NULL },
    { "shop-representative", "a\tb", NULL },
    { "shop-phone", "call me", NULL },
    { "shop-phone", "123", NULL },
    { "shop-phone", "1234567890123456", NULL },
    { "cid", "TC0ONETIM", NULL },
    { "cid", "TC0-NETIME", NULL },
    { "cid", "", NULL },
    { "api-base", "ftp://open-api.kakaopay.com", NULL },
    { "api-base", "https://open-api.kakaopay.com/v1", NULL },
    { "api-base", "https://example.com/?a=b", NULL },
    { "api-base", "open-api.kakaopay.com", NULL },
    { "callback-listen", "every network", NULL },
    { "callback-base", "http://", NULL },
    { "relay-url", "https://pay.example.com/?terminal=T1", NULL },
    { "terminal-id", "", NULL },
    { "terminal-id", "T 1", NULL },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *long_name = g_strnfill (101, 'a');
  g_autofree char *value = NULL;

  check_cases (cases, G_N_ELEMENTS (cases), FALSE);

  value = kp_settings_check_text ("shop-name", long_name, FALSE, &error);
  g_assert_null (value);
  g_assert_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID);
  g_clear_error (&error);
  /* The business number's own reason, not a generic one. */
  value = kp_settings_check_text ("shop-business-number", "220-81-62518", FALSE, &error);
  g_assert_null (value);
  g_assert_error (error, KP_BUSINESS_NUMBER_ERROR, KP_BUSINESS_NUMBER_ERROR_CHECKSUM);
}

/* With real payments, the secret key and the relay token never cross a network in
 * clear; the address phones open is not a secret's. */
static void
test_real_payments (void)
{
  static const Case cases[] = {
    { "api-base", "http://kakaopay.example.com", NULL },
    { "api-base", "https://kakaopay.example.com", "https://kakaopay.example.com" },
    { "api-base", "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
    { "api-base", "", "" },
    { "relay-url", "http://pay.example.com", NULL },
    { "relay-url", "http://localhost:9000/relay", "http://localhost:9000/relay" },
    { "callback-base", "http://192.168.0.20:8790", "http://192.168.0.20:8790" },
  };

  check_cases (cases, G_N_ELEMENTS (cases), TRUE);
}

static void
test_cid_secret (void)
{
  static const char * const good[] = { "", "0123456789abcdefghijklmn" };
  static const char * const bad[] = {
    "0123456789abcdefghijklm", "0123456789ABCDEFGHIJKLMN", "0123456789abcdefghijklmno",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = kp_settings_check_cid_secret (good[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, good[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *value = kp_settings_check_cid_secret (bad[i], &error);

      g_assert_null (value);
      g_assert_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID);
    }
}

static void
test_secret (void)
{
  g_autofree char *longest = g_strnfill (200, 'k');
  g_autofree char *too_long = g_strnfill (201, 'k');

  g_assert_true (kp_settings_check_secret ("DEV0123456789ABCDEF"));
  g_assert_true (kp_settings_check_secret ("tok_en-1.2/3+4="));
  g_assert_true (kp_settings_check_secret (longest));
  g_assert_false (kp_settings_check_secret (""));
  g_assert_false (kp_settings_check_secret ("DEV 0123"));
  g_assert_false (kp_settings_check_secret ("키"));
  g_assert_false (kp_settings_check_secret (too_long));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/settings-check/accepted", test_accepted);
  g_test_add_func ("/kp/settings-check/refused", test_refused);
  g_test_add_func ("/kp/settings-check/real-payments", test_real_payments);
  g_test_add_func ("/kp/settings-check/cid-secret", test_cid_secret);
  g_test_add_func ("/kp/settings-check/secret", test_secret);

  return g_test_run ();
}
