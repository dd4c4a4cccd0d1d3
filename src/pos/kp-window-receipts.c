/* kp-window-receipts.c: the receipts of the cashier's window: printed again on request
 * (Ctrl+P on the completed sale, "Reprint receipt" in the history), on the system's
 * printer when it is the receipt printer, and the banner of one that did not print
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-receipt-print.h"
#include "kp-receipt-printer.h"
#include "kp-window-private.h"

/* An ESC/POS printer is the terminal's: it prints, journals the attempt and signals
 * how it went, which the banner follows. A printer of the system is the window's, as
 * GTK prints: the receipt is read from the journal, printed through GtkPrintOperation
 * (straight to the default printer when automatic, through the print dialog when
 * asked for) and the attempt journaled here. */

typedef struct
{
  KpWindow          *window;
  char              *order_id;
  char              *refund_id;
  gboolean           reprint;
  gboolean           asked;     /* by the cashier, not automatic */
  gboolean           running;   /* printing after gtk_print_operation_run() returned */
  gboolean           ended;
  KpJournalSale     *sale;
} Request;

static Request *
request_new (KpWindow   *window,
             const char *order_id,
             const char *refund_id,
             gboolean    reprint,
             gboolean    asked)
{
  Request *request = g_new0 (Request, 1);

  request->window = g_object_ref (window);
  request->order_id = g_strdup (order_id);
  request->refund_id = g_strdup (refund_id);
  request->reprint = reprint;
  request->asked = asked;
  return request;
}

static void
request_free (Request *request)
{
  g_object_unref (request->window);
  g_free (request->order_id);
  g_free (request->refund_id);
  g_clear_pointer (&request->sale, kp_journal_sale_free);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* Whether the window still shows anything: a job may end after it closed. */
static gboolean
window_is_alive (KpWindow *self)
{
  return self->toast_overlay != NULL;
}

static void
show_failure (KpWindow   *self,
              const char *order_id,
              const char *refund_id,
              const char *reason)
{
  g_autofree char *text = NULL;

  if (!window_is_alive (self))
    return;
  g_free (self->failed_receipt_order_id);
  self->failed_receipt_order_id = g_strdup (order_id);
  g_free (self->failed_receipt_refund_id);
  self->failed_receipt_refund_id = g_strdup (refund_id);
  /* Translators: shown when a receipt could not be printed; %s says why */
  text = g_strdup_printf (_("Receipt not printed: %s"), reason);
  gtk_label_set_text (self->receipt_banner_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_banner), TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-receipt", TRUE);
}

static void
show_printed (KpWindow   *self,
              const char *order_id,
              const char *refund_id)
{
  GtkWidget *focus;

  if (!window_is_alive (self))
    return;
  if (refund_id == NULL)
    {
      g_free (self->printed_order_id);
      self->printed_order_id = g_strdup (order_id);
    }
  if (g_strcmp0 (order_id, self->failed_receipt_order_id) != 0 ||
      g_strcmp0 (refund_id, self->failed_receipt_refund_id) != 0)
    return;

  g_clear_pointer (&self->failed_receipt_order_id, g_free);
  g_clear_pointer (&self->failed_receipt_refund_id, g_free);
  /* If Retry had the focus, the page takes it back before the banner hides. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->receipt_banner)))
    {
      if (kp_window_is_sale_view (self))
        kp_window_focus_sale_page (self);
      else
        kp_history_view_focus (kp_window_ensure_history_view (self));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_banner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-receipt", FALSE);
}

static void
on_receipt_failed_cb (KpTerminal *terminal,
                      const char *order_id,
                      const char *refund_id,
                      const char *reason,
                      KpWindow   *self)
{
  show_failure (self, order_id, refund_id, reason);
}

static void
on_receipt_printed_cb (KpTerminal *terminal,
                       const char *order_id,
                       const char *refund_id,
                       KpWindow   *self)
{
  show_printed (self, order_id, refund_id);
}

/* -- a printer of the system -- */

static void
on_attempt_journaled_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr (KpJournalPrintAttempt) attempt = NULL;
  g_autoptr (GError) error = NULL;

  attempt = kp_journal_add_print_attempt_finish (KP_JOURNAL (source), result, &error);
  if (attempt == NULL)
    g_warning ("Could not journal a receipt: %s", error->message);
}

static void
system_print_ended (Request    *request,
                    const char *reason)
{
  KpWindow *self = request->window;
  KpJournal *journal = kp_terminal_get_journal (self->terminal);
  KpPrintKind kind = request->reprint ? KP_PRINT_KIND_REPRINT
                   : request->refund_id != NULL ? KP_PRINT_KIND_REFUND : KP_PRINT_KIND_SALE;

  if (journal != NULL)
    kp_journal_add_print_attempt_async (journal, request->order_id, request->refund_id, kind,
                                        reason == NULL, reason, NULL, on_attempt_journaled_cb,
                                        NULL);
  if (reason != NULL)
    show_failure (self, request->order_id, request->refund_id, reason);
  else
    show_printed (self, request->order_id, request->refund_id);
}

/* "done" may come during gtk_print_operation_run() (a job that ends at once) or
 * later (a dialog, a job sent): the one that comes last frees the request. */
static void
on_system_print_done_cb (GtkPrintOperation       *operation,
                         GtkPrintOperationResult  result,
                         Request                 *request)
{
  g_autoptr (GError) error = NULL;

  if (request->ended)
    return;
  request->ended = TRUE;
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      system_print_ended (request, error != NULL ? error->message : _("The printer failed."));
    }
  else if (result != GTK_PRINT_OPERATION_RESULT_CANCEL)
    system_print_ended (request, NULL);
  if (request->running)
    {
      g_object_unref (operation);
      request_free (request);
    }
}

static void
print_on_system (Request   *request,
                 KpReceipt *receipt)
{
  KpWindow *self = request->window;
  KpSettings *settings = kp_terminal_get_settings (self->terminal);
  GtkPrintOperation *operation;
  GtkPrintOperationResult result;
  g_autoptr (GError) error = NULL;

  operation = kp_receipt_print_new (receipt, kp_settings_get_paper_width (settings));
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (on_system_print_done_cb), request);
  result = gtk_print_operation_run (operation,
                                    request->asked ? GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG
                                                   : GTK_PRINT_OPERATION_ACTION_PRINT,
                                    window_is_alive (self) ? GTK_WINDOW (self) : NULL, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS && !request->ended)
    {
      request->running = TRUE;
      return;
    }
  if (!request->ended)
    {
      request->ended = TRUE;
      if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
        system_print_ended (request, error != NULL ? error->message
                                                   : _("The printer failed."));
      else if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
        system_print_ended (request, NULL);
    }
  g_signal_handlers_disconnect_by_func (operation, on_system_print_done_cb, request);
  g_object_unref (operation);
  request_free (request);
}

static void
on_refunds_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;

  refunds = kp_journal_list_refunds_finish (KP_JOURNAL (source), result, &error);
  for (guint i = 0; refunds != NULL && i < refunds->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (refunds, i);

      if (g_strcmp0 (refund->refund_id, request->refund_id) == 0)
        {
          g_autoptr (KpReceiptShop) shop =
            kp_terminal_dup_receipt_shop (request->window->terminal);
          g_autoptr (KpReceipt) receipt =
            kp_receipt_new_for_refund (request->sale, refund, shop, request->reprint);

          print_on_system (request, receipt);
          return;
        }
    }
  system_print_ended (request, error != NULL ? error->message
                                             : _("The refund is not in the journal."));
  request_free (request);
}

static void
on_sale_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (KpReceiptShop) shop = NULL;
  g_autoptr (KpReceipt) receipt = NULL;
  g_autoptr (GError) error = NULL;

  request->sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (request->sale == NULL)
    {
      system_print_ended (request, error->message);
      request_free (request);
      return;
    }
  if (request->refund_id != NULL)
    {
      kp_journal_list_refunds_async (KP_JOURNAL (source), request->order_id, NULL,
                                     on_refunds_read_cb, request);
      return;
    }
  shop = kp_terminal_dup_receipt_shop (request->window->terminal);
  receipt = kp_receipt_new_for_sale (request->sale, shop, request->reprint);
  print_on_system (request, receipt);
}

/* -- an ESC/POS printer -- */

static void
on_terminal_printed_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (Request) request = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (kp_terminal_print_receipt_finish (KP_TERMINAL (source), result, &error))
    {
      if (request->asked && window_is_alive (request->window))
        kp_window_toast (request->window, _("Receipt printed"));
      return;
    }
  /* A printer's failure shows in the banner already (KpTerminal::receipt-failed). */
  if (error->domain == KP_RECEIPT_ERROR || !window_is_alive (request->window))
    return;
  text = g_strdup_printf (_("Receipt not printed: %s"), error->message);
  kp_window_toast (request->window, text);
}

static void
print_receipt (KpWindow   *self,
               const char *order_id,
               const char *refund_id,
               gboolean    reprint,
               gboolean    asked)
{
  KpSettings *settings = kp_terminal_get_settings (self->terminal);
  KpJournal *journal = kp_terminal_get_journal (self->terminal);
  Request *request = request_new (self, order_id, refund_id, reprint, asked);

  if (!g_str_equal (kp_settings_get_printer (settings), "system"))
    {
      kp_terminal_print_receipt_async (self->terminal, order_id, refund_id, reprint, NULL,
                                       on_terminal_printed_cb, request);
      return;
    }
  if (journal == NULL)
    {
      system_print_ended (request, _("The sales journal is not open."));
      request_free (request);
      return;
    }
  kp_journal_get_sale_async (journal, order_id, NULL, on_sale_read_cb, request);
}

/* -- actions -- */

static void
print_receipt_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  const char *order_id = kp_done_page_get_order_id (kp_window_get_done_page (self));

  if (order_id == NULL)
    return;
  /* Printed once already, it is the customer's second copy. */
  print_receipt (self, order_id, NULL, g_strcmp0 (order_id, self->printed_order_id) == 0,
                 TRUE);
}

static void
reprint_receipt_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  print_receipt (KP_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL, TRUE, TRUE);
}

static void
retry_receipt_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  g_autofree char *order_id = g_strdup (self->failed_receipt_order_id);
  g_autofree char *refund_id = g_strdup (self->failed_receipt_refund_id);

  if (order_id == NULL)
    return;
  print_receipt (self, order_id, refund_id, FALSE, TRUE);
}

static gboolean
system_auto_print (KpWindow *self)
{
  KpSettings *settings = kp_terminal_get_settings (self->terminal);

  return kp_settings_get_auto_print (settings) &&
         g_str_equal (kp_settings_get_printer (settings), "system");
}

/**
 * kp_window_receipts_sale_done:
 * @sale: the sale just approved
 *
 * Prints its receipt on a printer of the system when receipts print automatically
 * (and a refund's, once it completes); the terminal prints on an ESC/POS printer
 * itself.
 */
void
kp_window_receipts_sale_done (KpWindow            *self,
                              const KpJournalSale *sale)
{
  if (system_auto_print (self))
    print_receipt (self, sale->partner_order_id, NULL, FALSE, FALSE);
}

static void
on_refund_resolved_cb (KpRefunder            *refunder,
                       const KpJournalSale   *sale,
                       const KpJournalRefund *refund,
                       KpWindow              *self)
{
  if (sale != NULL && refund != NULL && refund->state == KP_REFUND_STATE_REFUNDED &&
      system_auto_print (self))
    print_receipt (self, sale->partner_order_id, refund->refund_id, FALSE, FALSE);
}

/* The refunder comes, and comes again, with the terminal's services. */
static void
on_terminal_checkout_cb (KpWindow *self)
{
  KpRefunder *refunder = kp_terminal_get_refunder (self->terminal);

  if (refunder == NULL || g_object_get_data (G_OBJECT (refunder), "kp-window-receipts"))
    return;
  g_object_set_data (G_OBJECT (refunder), "kp-window-receipts", self);
  g_signal_connect_object (refunder, "resolved", G_CALLBACK (on_refund_resolved_cb), self, 0);
}

void
kp_window_watch_receipts (KpWindow *self)
{
  g_signal_connect_object (self->terminal, "notify::checkout",
                           G_CALLBACK (on_terminal_checkout_cb), self, G_CONNECT_SWAPPED);
  on_terminal_checkout_cb (self);
  g_signal_connect_object (self->terminal, "receipt-failed", G_CALLBACK (on_receipt_failed_cb),
                           self, 0);
  g_signal_connect_object (self->terminal, "receipt-printed",
                           G_CALLBACK (on_receipt_printed_cb), self, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry-receipt", FALSE);
}

void
kp_window_class_add_receipt_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.print-receipt", NULL,
                                   print_receipt_action);
  gtk_widget_class_install_action (widget_class, "win.reprint-receipt", "s",
                                   reprint_receipt_action);
  gtk_widget_class_install_action (widget_class, "win.retry-receipt", NULL,
                                   retry_receipt_action);
}
