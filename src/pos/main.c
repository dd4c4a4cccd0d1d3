/* main.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "kp-application.h"
#include "kp-bench.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (KpApplication) app = NULL;
  const char *localedir = g_getenv ("KAKAOPAY_POS_LOCALEDIR");

  kp_bench_mark (KP_BENCH_START);
  setlocale (LC_ALL, "");
  /* An uninstalled build (tests) points at its own catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = kp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
