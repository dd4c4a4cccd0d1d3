/* kp-terminal-receipts.c: the terminal's receipts, printed when a payment or a refund
 * completes and again on request, each attempt journaled, never in a sale's way
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-terminal"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-escpos.h"
#include "kp-receipt.h"
#include "kp-receipt-printer.h"
#include "kp-terminal-private.h"

enum
{
  SIGNAL_RECEIPT_PRINTED,
  SIGNAL_RECEIPT_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_kp_terminal_class_init_receipts (GObjectClass *object_class)
{
  /**
   * KpTerminal::receipt-printed:
   * @partner_order_id: the sale
   * @refund_id: (nullable): the refund, for a cancellation receipt
   *
   * The printer took a receipt.
   */
  signals[SIGNAL_RECEIPT_PRINTED] =
    g_signal_new ("receipt-printed", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * KpTerminal::receipt-failed:
   * @partner_order_id: the sale
   * @refund_id: (nullable): the refund, for a cancellation receipt
   * @reason: why it was not printed, translated ("Receipt not printed: @reason")
   *
   * A receipt could not be printed. The sale is as it was; offer
   * kp_terminal_print_receipt_async() to try again.
   */
  signals[SIGNAL_RECEIPT_FAILED] =
    g_signal_new ("receipt-failed", G_TYPE_FROM_CLASS (object_class), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING);
}

/**
 * kp_terminal_dup_receipt_shop:
 *
 * Returns: (transfer full): the shop that issues receipts, as the settings say now
 */
KpReceiptShop *
kp_terminal_dup_receipt_shop (KpTerminal *self)
{
  g_return_val_if_fail (KP_IS_TERMINAL (self), NULL);

  return kp_receipt_shop_new (kp_settings_get_shop_name (self->settings),
                              kp_settings_get_shop_business_number (self->settings),
                              kp_settings_get_shop_representative (self->settings),
                              kp_settings_get_shop_address (self->settings),
                              kp_settings_get_shop_phone (self->settings));
}

/* The printer the settings name now, made again only when they change. */
static KpReceiptPrinter *
ensure_printer (KpTerminal  *self,
                GError     **error)
{
  const char *address = kp_settings_get_printer (self->settings);

  if (self->receipt_printer != NULL &&
      g_str_equal (kp_receipt_printer_get_address (self->receipt_printer), address))
    return self->receipt_printer;

  g_clear_object (&self->receipt_printer);
  if (g_str_equal (address, "none"))
    {
      g_set_error_literal (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS,
                           _("No receipt printer is set up."));
      return NULL;
    }
  if (g_str_equal (address, "system"))
    {
      g_set_error_literal (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS,
                           _("Receipts for the system printer are printed from the window."));
      return NULL;
    }

  self->receipt_printer = kp_receipt_printer_new (address, error);
  return self->receipt_printer;
}

typedef struct
{
  char           *partner_order_id;
  char           *refund_id;
  KpPrintKind     kind;
  KpJournalSale  *sale;
  GError         *print_error;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_free (job->partner_order_id);
  g_free (job->refund_id);
  g_clear_pointer (&job->sale, kp_journal_sale_free);
  g_clear_error (&job->print_error);
  g_free (job);
}

static void
on_attempt_journaled (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  KpTerminal *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr (KpJournalPrintAttempt) attempt = NULL;
  g_autoptr (GError) error = NULL;

  attempt = kp_journal_add_print_attempt_finish (KP_JOURNAL (source), result, &error);
  if (attempt == NULL)
    g_warning ("Could not journal the receipt of %s: %s", job->partner_order_id,
               error->message);

  if (job->print_error != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_RECEIPT_FAILED], 0, job->partner_order_id,
                     job->refund_id, job->print_error->message);
      g_task_return_error (task, g_steal_pointer (&job->print_error));
      return;
    }

  g_signal_emit (self, signals[SIGNAL_RECEIPT_PRINTED], 0, job->partner_order_id,
                 job->refund_id);
  g_task_return_boolean (task, TRUE);
}

static void
journal_attempt (GTask *task)
{
  KpTerminal *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);

  if (job->print_error != NULL)
    g_message ("Receipt of %s not printed: %s", job->partner_order_id,
               job->print_error->message);

  if (self->journal == NULL)
    {
      g_autoptr (GTask) owned = task;

      if (job->print_error != NULL)
        {
          g_signal_emit (self, signals[SIGNAL_RECEIPT_FAILED], 0, job->partner_order_id,
                         job->refund_id, job->print_error->message);
          g_task_return_error (task, g_steal_pointer (&job->print_error));
        }
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  kp_journal_add_print_attempt_async (self->journal, job->partner_order_id, job->refund_id,
                                      job->kind, job->print_error == NULL,
                                      job->print_error != NULL ? job->print_error->message
                                                               : NULL,
                                      NULL, on_attempt_journaled, task);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PrintJob *job = g_task_get_task_data (task);

  kp_receipt_printer_print_finish (KP_RECEIPT_PRINTER (source), result, &job->print_error);
  journal_attempt (task);
}

/* Prints @receipt, then journals the attempt; @task's data is the PrintJob. */
static void
print_receipt (GTask     *task,
               KpReceipt *receipt)
{
  KpTerminal *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr (GBytes) codepage = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  KpReceiptPrinter *printer;

  printer = ensure_printer (self, &job->print_error);
  if (printer == NULL)
    {
      journal_attempt (task);
      return;
    }

  codepage = kp_escpos_parse_sequence (kp_settings_get_printer_codepage (self->settings),
                                       &error);
  if (codepage == NULL)
    g_warning ("Receipt printer code page: %s; using the default", error->message);

  bytes = kp_escpos_encode (receipt, kp_settings_get_paper_width (self->settings), codepage);
  kp_receipt_printer_print_async (printer, bytes, g_task_get_cancellable (task), on_printed,
                                  task);
}

static void
print_sale (GTask *task)
{
  KpTerminal *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr (KpReceiptShop) shop = kp_terminal_dup_receipt_shop (self);
  g_autoptr (KpReceipt) receipt = NULL;

  receipt = kp_receipt_new_for_sale (job->sale, shop, job->kind == KP_PRINT_KIND_REPRINT);
  print_receipt (task, receipt);
}

static void
print_refund (GTask                 *task,
              const KpJournalRefund *refund)
{
  KpTerminal *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr (KpReceiptShop) shop = kp_terminal_dup_receipt_shop (self);
  g_autoptr (KpReceipt) receipt = NULL;

  receipt = kp_receipt_new_for_refund (job->sale, refund, shop,
                                       job->kind == KP_PRINT_KIND_REPRINT);
  print_receipt (task, receipt);
}

static GTask *
print_task_new (KpTerminal          *self,
                const char          *partner_order_id,
                const char          *refund_id,
                KpPrintKind          kind,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PrintJob *job = g_new0 (PrintJob, 1);

  g_task_set_source_tag (task, kp_terminal_print_receipt_async);
  job->partner_order_id = g_strdup (partner_order_id);
  job->refund_id = g_strdup (refund_id);
  job->kind = kind;
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);

  return task;
}

static void
on_refunds_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr (GPtrArray) refunds = NULL;
  GError *error = NULL;

  refunds = kp_journal_list_refunds_finish (KP_JOURNAL (source), result, &error);
  if (refunds == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < refunds->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (refunds, i);

      if (g_str_equal (refund->refund_id, job->refund_id))
        {
          print_refund (task, refund);
          return;
        }
    }

  g_task_return_new_error (task, KP_JOURNAL_ERROR, KP_JOURNAL_ERROR_NOT_FOUND,
                           "No refund %s", job->refund_id);
  g_object_unref (task);
}

static void
on_sale_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PrintJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (job->sale == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (job->refund_id != NULL)
    kp_journal_list_refunds_async (KP_JOURNAL (source), job->partner_order_id,
                                   g_task_get_cancellable (task), on_refunds_read, task);
  else
    print_sale (task);
}

/**
 * kp_terminal_print_receipt_async:
 * @self: a terminal
 * @partner_order_id: the sale
 * @refund_id: (nullable): one of its refunds, for its cancellation receipt
 * @reprint: whether to mark it as printed again (재발행), as for a receipt the
 *   customer asks for again; %FALSE to print it as it should have been (Retry)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the printer took the receipt or failed
 * @user_data: data for @callback
 *
 * Prints a receipt of the journal's sale on the settings' printer and journals
 * the attempt. A failure is also signalled by #KpTerminal::receipt-failed.
 */
void
kp_terminal_print_receipt_async (KpTerminal          *self,
                                 const char          *partner_order_id,
                                 const char          *refund_id,
                                 gboolean             reprint,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  KpPrintKind kind;

  g_return_if_fail (KP_IS_TERMINAL (self));
  g_return_if_fail (partner_order_id != NULL);

  kind = reprint ? KP_PRINT_KIND_REPRINT
       : refund_id != NULL ? KP_PRINT_KIND_REFUND : KP_PRINT_KIND_SALE;
  task = print_task_new (self, partner_order_id, refund_id, kind, cancellable, callback,
                         user_data);

  if (self->journal == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The sales journal is not open."));
      g_object_unref (task);
      return;
    }

  kp_journal_get_sale_async (self->journal, partner_order_id, cancellable, on_sale_read,
                             task);
}

/**
 * kp_terminal_print_receipt_finish:
 *
 * Returns: whether the printer took the receipt; %FALSE with @error set (a
 *   %KP_RECEIPT_ERROR saying why) otherwise
 */
gboolean
kp_terminal_print_receipt_finish (KpTerminal    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_auto_printed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  /* Told by the signals; nothing else waits for it. */
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static gboolean
auto_print_is_on (KpTerminal *self)
{
  return kp_settings_get_auto_print (self->settings) &&
         !g_str_equal (kp_settings_get_printer (self->settings), "none") &&
         !g_str_equal (kp_settings_get_printer (self->settings), "system");
}

static void
on_checkout_finished (KpTerminal          *self,
                      int                  result,
                      const KpJournalSale *sale,
                      const GError        *error)
{
  GTask *task;
  PrintJob *job;

  if (result != KP_CHECKOUT_APPROVED || sale == NULL || !auto_print_is_on (self))
    return;

  task = print_task_new (self, sale->partner_order_id, NULL, KP_PRINT_KIND_SALE, NULL,
                         on_auto_printed, NULL);
  job = g_task_get_task_data (task);
  job->sale = kp_journal_sale_copy (sale);
  print_sale (task);
}

static void
on_refund_resolved (KpTerminal            *self,
                    const KpJournalSale   *sale,
                    const KpJournalRefund *refund)
{
  GTask *task;
  PrintJob *job;

  if (sale == NULL || refund == NULL || refund->state != KP_REFUND_STATE_REFUNDED ||
      !auto_print_is_on (self))
    return;

  task = print_task_new (self, sale->partner_order_id, refund->refund_id,
                         KP_PRINT_KIND_REFUND, NULL, on_auto_printed, NULL);
  job = g_task_get_task_data (task);
  job->sale = kp_journal_sale_copy (sale);
  print_refund (task, refund);
}

/* Follows the checkout and the refunder, once they exist, for automatic receipts. */
void
_kp_terminal_watch_receipts (KpTerminal *self)
{
  g_signal_connect_object (self->checkout, "finished", G_CALLBACK (on_checkout_finished),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->refunder, "resolved", G_CALLBACK (on_refund_resolved),
                           self, G_CONNECT_SWAPPED);
}
