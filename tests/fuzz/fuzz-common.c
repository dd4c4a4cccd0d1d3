/* fuzz-common.c: what every libFuzzer target sets up
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include "fuzz-common.h"

/* A warning or critical is a finding: abort (not the breakpoint trap GLib uses for
 * fatal messages, which libFuzzer does not catch), so libFuzzer saves the input. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

/**
 * kp_fuzz_abort_on_warnings:
 *
 * Makes every GLib warning, critical or error abort the target; other messages are
 * dropped (the fuzzer's output stays readable).
 */
void
kp_fuzz_abort_on_warnings (void)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
}
