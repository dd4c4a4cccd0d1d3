/* kp-bench.h: timing marks for benchmarks/run, off unless KP_BENCH is set
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KP_BENCH_START,
  KP_BENCH_CHARGE,
  KP_BENCH_READY_SENT,
  KP_BENCH_READY_RECEIVED,
  KP_BENCH_SHOWN,
  KP_BENCH_CHARGE_FRAME,   /* the first frame painted after Charge */
  KP_BENCH_N_MARKS,
} KpBenchMark;

gboolean kp_bench_enabled     (void);
void     kp_bench_mark        (KpBenchMark  mark);
double   kp_bench_since       (KpBenchMark  mark);
double   kp_bench_between     (KpBenchMark  from,
                               KpBenchMark  to);
void     kp_bench_report      (const char  *name,
                               double       milliseconds);

G_END_DECLS
