/* kp-bench.c: timing marks for benchmarks/run, off unless KP_BENCH is set
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "kp-bench.h"

static gint64 marks[KP_BENCH_N_MARKS];

/* Set KP_BENCH in the environment to have the program print "bench NAME MS" lines on
 * stderr; benchmarks/run reads them. Nothing is measured or printed otherwise. */
gboolean
kp_bench_enabled (void)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_getenv ("KP_BENCH") != NULL;
  return enabled;
}

void
kp_bench_mark (KpBenchMark mark)
{
  if (kp_bench_enabled ())
    marks[mark] = g_get_monotonic_time ();
}

double
kp_bench_since (KpBenchMark mark)
{
  return (g_get_monotonic_time () - marks[mark]) / 1000.0;
}

double
kp_bench_between (KpBenchMark from,
                  KpBenchMark to)
{
  return (marks[to] - marks[from]) / 1000.0;
}

void
kp_bench_report (const char *name,
                 double      milliseconds)
{
  if (kp_bench_enabled ())
    {
      fprintf (stderr, "bench %s %.2f\n", name, milliseconds);
      fflush (stderr);
    }
}
