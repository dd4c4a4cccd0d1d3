/* kp-receipt-printer.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KP_RECEIPT_ERROR (kp_receipt_error_quark ())

/**
 * KpReceiptError:
 * @KP_RECEIPT_ERROR_ADDRESS: not a printer address this engine prints to
 * @KP_RECEIPT_ERROR_UNREACHABLE: the printer refused the connection, or the device
 *   could not be opened
 * @KP_RECEIPT_ERROR_TIMED_OUT: the printer did not take the job in time
 * @KP_RECEIPT_ERROR_OUT_OF_PAPER: the printer says its paper is out
 * @KP_RECEIPT_ERROR_WRITE: the job could not be written whole
 */
typedef enum
{
  KP_RECEIPT_ERROR_ADDRESS,
  KP_RECEIPT_ERROR_UNREACHABLE,
  KP_RECEIPT_ERROR_TIMED_OUT,
  KP_RECEIPT_ERROR_OUT_OF_PAPER,
  KP_RECEIPT_ERROR_WRITE,
} KpReceiptError;

/* The port of a tcp:// printer without one (raw printing, "JetDirect"). */
#define KP_RECEIPT_PRINTER_DEFAULT_PORT 9100
/* A job not taken within this many seconds fails. */
#define KP_RECEIPT_PRINTER_DEFAULT_TIMEOUT 10

GQuark kp_receipt_error_quark (void);

#define KP_TYPE_RECEIPT_PRINTER (kp_receipt_printer_get_type ())
G_DECLARE_FINAL_TYPE (KpReceiptPrinter, kp_receipt_printer, KP, RECEIPT_PRINTER, GObject)

KpReceiptPrinter *kp_receipt_printer_new                (const char         *address,
                                                         GError            **error);
const char       *kp_receipt_printer_get_address        (KpReceiptPrinter   *self);
void              kp_receipt_printer_set_timeout        (KpReceiptPrinter   *self,
                                                         guint               timeout_ms);
void              kp_receipt_printer_set_status_timeout (KpReceiptPrinter   *self,
                                                         guint               timeout_ms);
void              kp_receipt_printer_print_async        (KpReceiptPrinter   *self,
                                                         GBytes             *job,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean          kp_receipt_printer_print_finish       (KpReceiptPrinter   *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

G_END_DECLS
