/* test-module.c: a library loaded on first use (kp-module.c)
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "kp-module.h"

/* libm: every machine has it, and it has functions easy to check. */
#define LIBM "libm.so.6"
#define VARIABLE "KP_TEST_MODULE_LIBRARY"

typedef struct
{
  double (*cos) (double);
  double (*sqrt) (double);
  double (*missing) (double);
} Table;

static void
test_all_taken (void)
{
  static const KpModuleSymbol symbols[] = {
    KP_MODULE_SYMBOL (Table, cos, "cos"),
    KP_MODULE_SYMBOL (Table, sqrt, "sqrt"),
  };
  Table table = { 0 };
  const char *name = NULL;
  g_autofree char *reason = NULL;

  g_unsetenv (VARIABLE);
  g_assert_true (kp_module_load (LIBM, VARIABLE, symbols, G_N_ELEMENTS (symbols),
                                 &table, sizeof table, &name, &reason));
  g_assert_null (reason);
  g_assert_cmpstr (name, ==, LIBM);
  g_assert_nonnull (table.cos);
  g_assert_cmpfloat (table.cos (0.0), ==, 1.0);
  g_assert_cmpfloat (table.sqrt (81.0), ==, 9.0);
  g_assert_null (table.missing);
}

/* A library that lacks some of the functions: none is taken, and the reason names
 * every one missing (an older library lacks several at once). */
static void
test_some_missing (void)
{
  static const KpModuleSymbol symbols[] = {
    KP_MODULE_SYMBOL (Table, cos, "cos"),
    KP_MODULE_SYMBOL (Table, sqrt, "kp_no_such_sqrt"),
    KP_MODULE_SYMBOL (Table, missing, "kp_no_such_function"),
  };
  Table table = { 0 };
  const char *name = NULL;
  g_autofree char *reason = NULL;

  g_assert_false (kp_module_load (LIBM, NULL, symbols, G_N_ELEMENTS (symbols),
                                  &table, sizeof table, &name, &reason));
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "kp_no_such_sqrt, kp_no_such_function"));
  g_assert_null (strstr (reason, "cos"));
  g_assert_null (table.cos);
  g_assert_null (table.sqrt);
  g_assert_null (table.missing);
}

/* The test hook's variable names the library tried instead; one that is not there
 * fails with the loader's reason, and the name is the one tried. */
static void
test_variable (void)
{
  static const KpModuleSymbol symbols[] = {
    KP_MODULE_SYMBOL (Table, cos, "cos"),
  };
  Table table = { 0 };
  const char *name = NULL;
  g_autofree char *reason = NULL;

  g_setenv (VARIABLE, "/nonexistent/kp-test/libm.so.6", TRUE);
  g_assert_false (kp_module_load (LIBM, VARIABLE, symbols, G_N_ELEMENTS (symbols),
                                  &table, sizeof table, &name, &reason));
  g_assert_cmpstr (name, ==, "/nonexistent/kp-test/libm.so.6");
  g_assert_nonnull (reason);
  g_assert_nonnull (strstr (reason, "/nonexistent/kp-test/libm.so.6"));
  g_assert_null (table.cos);

  /* An empty variable is no variable. */
  g_setenv (VARIABLE, "", TRUE);
  g_clear_pointer (&reason, g_free);
  g_assert_true (kp_module_load (LIBM, VARIABLE, symbols, G_N_ELEMENTS (symbols),
                                 &table, sizeof table, &name, &reason));
  g_assert_cmpstr (name, ==, LIBM);
  g_assert_cmpfloat (table.cos (0.0), ==, 1.0);
  g_unsetenv (VARIABLE);
}

/* Loaded once, whoever asks first: every later call gives the same outcome, without
 * trying again (a library installed meanwhile is for the next start). */
static Table once_table;
static const KpModuleSymbol once_symbols[] = {
  KP_MODULE_SYMBOL (Table, sqrt, "sqrt"),
};
static Table missing_table;
static const KpModuleSymbol missing_symbols[] = {
  KP_MODULE_SYMBOL (Table, cos, "kp_no_such_cos"),
};

static void
test_once (void)
{
  static KpModule good = KP_MODULE_INIT (LIBM, NULL, once_symbols, once_table);
  static KpModule bad = KP_MODULE_INIT (LIBM, NULL, missing_symbols, missing_table);
  const char *name = NULL;
  const char *reason = NULL;
  const char *again = NULL;

  g_assert_true (kp_module_ensure (&good, &name, &reason));
  g_assert_cmpstr (name, ==, LIBM);
  g_assert_null (reason);
  g_assert_cmpfloat (once_table.sqrt (16.0), ==, 4.0);
  g_assert_true (kp_module_ensure (&good, NULL, NULL));

  g_assert_false (kp_module_ensure (&bad, &name, &reason));
  g_assert_nonnull (strstr (reason, "kp_no_such_cos"));
  g_assert_false (kp_module_ensure (&bad, NULL, &again));
  g_assert_true (again == reason);
  g_assert_null (missing_table.cos);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/module/all-taken", test_all_taken);
  g_test_add_func ("/kp/module/some-missing", test_some_missing);
  g_test_add_func ("/kp/module/variable", test_variable);
  g_test_add_func ("/kp/module/once", test_once);

  return g_test_run ();
}
