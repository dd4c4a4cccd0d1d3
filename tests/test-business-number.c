/* test-business-number.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-business-number.h"

static void
test_valid (void)
{
  static const char * const cases[][2] = {
    { "220-81-62517", "220-81-62517" },
    { "2208162517", "220-81-62517" },
    { "124-81-00998", "124-81-00998" },
    { "124 81 00998", "124-81-00998" },
    { "123-45-67891", "123-45-67891" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *formatted = kp_business_number_parse (cases[i][0], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (formatted, ==, cases[i][1]);
    }
  g_assert_true (kp_business_number_is_valid ("2208162517"));
}

static void
test_checksum (void)
{
  static const char * const cases[] = { "220-81-62518", "1234567890", "105-81-87001" };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *formatted = kp_business_number_parse (cases[i], &error);

      g_assert_null (formatted);
      g_assert_error (error, KP_BUSINESS_NUMBER_ERROR, KP_BUSINESS_NUMBER_ERROR_CHECKSUM);
    }
}

static void
test_format (void)
{
  static const char * const cases[] = {
    "", "220-81-6251", "220-81-625177", "22O-81-62517", "220_81_62517", "２２０8162517",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *formatted = kp_business_number_parse (cases[i], &error);

      g_assert_null (formatted);
      g_assert_error (error, KP_BUSINESS_NUMBER_ERROR, KP_BUSINESS_NUMBER_ERROR_FORMAT);
    }
  g_assert_false (kp_business_number_is_valid ("220816251"));
  g_assert_false (kp_business_number_is_valid ("220816251x"));
}

/* The weight of the ninth digit counts twice: once as 5 × d9 (its last digit in the
 * sum) and once as the tens of 5 × d9. */
static void
test_ninth_digit (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *formatted = NULL;

  /* 0,0,0,0,0,0,0,0,9 → 45 + 4 = 49 → check 1 */
  formatted = kp_business_number_parse ("000-00-00091", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (formatted, ==, "000-00-00091");
  g_assert_false (kp_business_number_is_valid ("0000000095"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/business-number/valid", test_valid);
  g_test_add_func ("/kp/business-number/checksum", test_checksum);
  g_test_add_func ("/kp/business-number/format", test_format);
  g_test_add_func ("/kp/business-number/ninth-digit", test_ninth_digit);

  return g_test_run ();
}
