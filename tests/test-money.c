/* test-money.c: amounts of KRW formatted and parsed
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kp-money.h"

static void
test_format (void)
{
  struct { gint64 amount; const char *text, *plain; } cases[] = {
    { 0, "₩0", "0" },
    { 1, "₩1", "1" },
    { 999, "₩999", "999" },
    { 1000, "₩1,000", "1,000" },
    { 12300, "₩12,300", "12,300" },
    { 100000, "₩100,000", "100,000" },
    { 1234567, "₩1,234,567", "1,234,567" },
    { 10000000, "₩10,000,000", "10,000,000" },
    { -1, "-₩1", "-1" },
    { -1000, "-₩1,000", "-1,000" },
    { -12300, "-₩12,300", "-12,300" },
    { -100000, "-₩100,000", "-100,000" },
    { G_MAXINT64, "₩9,223,372,036,854,775,807", "9,223,372,036,854,775,807" },
    { G_MININT64, "-₩9,223,372,036,854,775,808", "-9,223,372,036,854,775,808" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = kp_money_format (cases[i].amount);
      g_autofree char *plain = kp_money_format_plain (cases[i].amount);
      gint64 value = 0;

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpstr (plain, ==, cases[i].plain);

      /* What we show, people can type back; a negative amount is never typed. */
      if (cases[i].amount >= 0)
        {
          g_assert_true (kp_money_parse (text, &value, NULL));
          g_assert_cmpint (value, ==, cases[i].amount);
          value = -1;
          g_assert_true (kp_money_parse (plain, &value, NULL));
          g_assert_cmpint (value, ==, cases[i].amount);
        }
      else
        {
          g_assert_false (kp_money_parse (text, NULL, NULL));
          g_assert_false (kp_money_parse (plain, NULL, NULL));
        }
    }
}

static void
test_parse (void)
{
  struct { const char *text; gint64 value; } good[] = {
    /* The history's search box. */
    { "4500", 4500 },
    { "4,500", 4500 },
    { "₩4,500", 4500 },
    { "4,500원", 4500 },
    { " 4500 ", 4500 },
    /* The refund amount. */
    { "3000", 3000 },
    { "3,000", 3000 },
    { "₩3,000", 3000 },
    { "￦3,000", 3000 },                    /* full-width won sign */
    { "3,000원", 3000 },
    /* A price. */
    { "12,300", 12300 },
    { "\t12300\n", 12300 },
    { "₩ 12,300", 12300 },
    { "12300 원", 12300 },
    { "₩12,300원", 12300 },
    { "\u300012,300\u3000", 12300 },       /* ideographic spaces */
    { "１２，３００", 12300 },              /* full-width, from a Korean input method */
    { "012,300", 12300 },
    { "1,234,567", 1234567 },
    /* Whole KRW: zero is an amount, callers set the least one. */
    { "0", 0 },
    { "000", 0 },
    { "₩0", 0 },
    { "9223372036854775807", G_MAXINT64 },
    { "9,223,372,036,854,775,807", G_MAXINT64 },
  };
  struct { const char *text; KpMoneyError code; } bad[] = {
    { "", KP_MONEY_ERROR_EMPTY },
    { "   ", KP_MONEY_ERROR_EMPTY },
    { "₩", KP_MONEY_ERROR_EMPTY },
    { "원", KP_MONEY_ERROR_EMPTY },
    { "₩ 원", KP_MONEY_ERROR_EMPTY },
    { "-500", KP_MONEY_ERROR_NEGATIVE },
    { "-₩1,000", KP_MONEY_ERROR_NEGATIVE },
    { "₩-1,000", KP_MONEY_ERROR_NEGATIVE },
    { "−1000", KP_MONEY_ERROR_NEGATIVE },     /* U+2212 */
    { "4500.0", KP_MONEY_ERROR_DECIMALS },
    { "12,300.00", KP_MONEY_ERROR_DECIMALS },
    { "12.300", KP_MONEY_ERROR_DECIMALS },
    { "abc", KP_MONEY_ERROR_NOT_DIGITS },
    { "12a", KP_MONEY_ERROR_NOT_DIGITS },
    { "1e5", KP_MONEY_ERROR_NOT_DIGITS },
    { "0x10", KP_MONEY_ERROR_NOT_DIGITS },
    { "+100", KP_MONEY_ERROR_NOT_DIGITS },
    { "$100", KP_MONEY_ERROR_NOT_DIGITS },
    { "3 000", KP_MONEY_ERROR_NOT_DIGITS },   /* one amount, or two? */
    { "₩₩100", KP_MONEY_ERROR_NOT_DIGITS },
    { "100원원", KP_MONEY_ERROR_NOT_DIGITS },
    { "100₩", KP_MONEY_ERROR_NOT_DIGITS },
    { "Caf\xe9", KP_MONEY_ERROR_NOT_DIGITS },  /* not UTF-8 */
    { "45,00", KP_MONEY_ERROR_COMMAS },
    { "4,5000", KP_MONEY_ERROR_COMMAS },
    { "3,00", KP_MONEY_ERROR_COMMAS },         /* ₩300 or ₩3,000? */
    { "1,23,00", KP_MONEY_ERROR_COMMAS },
    { "1234,567", KP_MONEY_ERROR_COMMAS },
    { ",500", KP_MONEY_ERROR_COMMAS },
    { "123,", KP_MONEY_ERROR_COMMAS },
    { "1,,000", KP_MONEY_ERROR_COMMAS },
    { ",", KP_MONEY_ERROR_COMMAS },
    { "9223372036854775808", KP_MONEY_ERROR_TOO_LARGE },
    { "9,223,372,036,854,775,808", KP_MONEY_ERROR_TOO_LARGE },
    { "99999999999999999999999", KP_MONEY_ERROR_TOO_LARGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -1;

      g_test_message ("accept \"%s\"", good[i].text);
      g_assert_true (kp_money_parse (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, good[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *escaped = g_strescape (bad[i].text, NULL);
      gint64 value = -7;

      g_test_message ("refuse \"%s\"", escaped);
      g_assert_false (kp_money_parse (bad[i].text, &value, &error));
      g_assert_error (error, KP_MONEY_ERROR, (int) bad[i].code);
      g_assert_cmpstr (error->message, !=, "");
      g_assert_cmpint (value, ==, -7);
    }

  /* The output is optional, and so is the error. */
  g_assert_true (kp_money_parse ("100", NULL, NULL));
  g_assert_false (kp_money_parse ("x", NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/money/format", test_format);
  g_test_add_func ("/kp/money/parse", test_parse);

  return g_test_run ();
}
