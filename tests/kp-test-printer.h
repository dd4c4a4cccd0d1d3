/* kp-test-printer.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A job as a printer reads it: ESC/POS commands skipped (the QR code's data kept),
 * text decoded from CP949, one string per line. */
typedef struct
{
  GPtrArray *lines;
  char      *qr;
  gboolean   cut;
  gboolean   korean_mode;
  guint      bold_lines;
  guint      status_requests;
} Job;

/* A loopback TCP server that takes jobs, answers DLE EOT with @status (0 for no
 * answer) and keeps each job's bytes (GBytes) in @jobs once its connection closes. */
typedef struct
{
  GSocketService *service;
  guint16         port;
  guint8          status;
  GPtrArray      *jobs;   /* GBytes */
  guint           open;
} TestPrinter;

Job         *parse_escpos         (const guint8 *data,
                                   gsize         len);
Job         *parse_bytes          (GBytes       *bytes);
char        *job_text             (Job          *job);
void         job_free             (Job          *job);

TestPrinter *test_printer_new     (guint8        status);
char        *test_printer_address (TestPrinter  *printer);
void         test_printer_free    (TestPrinter  *printer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPrinter, test_printer_free)

G_END_DECLS
