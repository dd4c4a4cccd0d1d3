/* kp-window-checkout.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/* A ready answered within this shows no spinner at all. */
#define CHARGE_SPINNER_DELAY_MS 300

/* For this long after the QR appears, and while KakaoPay says nobody has opened the
 * payment yet, the customer cannot have paid: Escape cancels at once. Later, the status
 * poller may simply not have heard of the customer yet, so the cashier confirms. */
#define CANCEL_GRACE_US (5 * G_USEC_PER_SEC)

/* Charging */

static gboolean
show_charge_spinner_cb (gpointer user_data)
{
  KpWindow *self = user_data;

  self->charge_spinner_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->charge_spinner), TRUE);
  gtk_spinner_set_spinning (self->charge_spinner, TRUE);
  /* KakaoPay is slow: the screen says so at last (see charge_action()). */
  self->charge_quiet = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self->charge_button));
  kp_window_update_actions (self);
  return G_SOURCE_REMOVE;
}

/* The spinner shows only when KakaoPay is slow to answer: a spinning spinner keeps
 * the frame clock ticking, and the QR would then wait up to a frame to be painted. */
static void
set_charging (KpWindow *self,
              gboolean  charging)
{
  g_clear_handle_id (&self->charge_spinner_id, g_source_remove);
  if (charging)
    self->charge_spinner_id = g_timeout_add (CHARGE_SPINNER_DELAY_MS, show_charge_spinner_cb,
                                             self);
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->charge_spinner), FALSE);
      gtk_spinner_set_spinning (self->charge_spinner, FALSE);
      if (self->charge_quiet)
        {
          self->charge_quiet = FALSE;
          kp_window_update_actions (self);
        }
    }
}

/* Only the page on screen is visible. */
void
kp_window_show_page (KpWindow   *self,
                     const char *name)
{
  kp_present_stack_page (self->stack, name);
  kp_window_update_actions (self);
}

static void
charge_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  g_autoptr (KpJournalNewSale) sale = NULL;
  g_autoptr (GError) error = NULL;

  if (self->checkout == NULL || kp_checkout_get_stage (self->checkout) != KP_CHECKOUT_STAGE_IDLE)
    return;
  if (kp_cart_get_n_lines (self->cart) == 0)
    {
      kp_window_show_entry_error (self, _("Add an item before charging."),
                                  GTK_WIDGET (self->item_entry));
      return;
    }

  kp_bench_mark (KP_BENCH_CHARGE);
  self->bench_charge_frames = 0;
  kp_window_forget_removed_line (self);
  sale = kp_cart_to_new_sale (self->cart);
  /* Charging again after a payment could not start is the same sale to the cashier:
   * the journal links the attempts, and the history shows them as one. */
  sale->retry_of = g_strdup (self->retry_order_id);
  kp_cart_freeze (self->cart);
  /* Until the QR is shown (or the spinner, when KakaoPay is slow) nothing here changes
   * on screen: the frame GTK draws for the key press itself stays small and early, and
   * the QR gets the next one (frames are a refresh interval apart). Nothing is lost
   * meanwhile: the frozen cart refuses changes and Charge does nothing twice. */
  self->charge_quiet = TRUE;
  if (!kp_checkout_charge (self->checkout, sale, &error))
    {
      self->charge_quiet = FALSE;
      kp_cart_thaw (self->cart);
      kp_window_show_entry_error (self, error->message, NULL);
      return;
    }
  kp_window_show_entry_error (self, NULL, NULL);
  kp_window_show_message (self, NULL);
  set_charging (self, TRUE);
  kp_window_update_actions (self);
}

static void
abort_payment (KpWindow *self)
{
  if (self->checkout != NULL && kp_checkout_abort (self->checkout))
    kp_checkout_page_set_status_text (kp_window_get_checkout_page (self), _("Cancelling…"));
}

/* Whether the customer may have started paying: the QR has been up past the grace
 * period, or KakaoPay already reported the customer at work. */
static gboolean
customer_may_be_paying (KpWindow *self)
{
  if (self->qr_shown_us == 0)
    return FALSE;
  return self->payment_status != KP_STATUS_READY ||
         g_get_monotonic_time () - self->qr_shown_us >= CANCEL_GRACE_US;
}

static void
on_cancel_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       KpWindow         *self)
{
  if (g_strcmp0 (response, "cancel") == 0)
    abort_payment (self);
}

/* Keeping the payment is the default and what Escape does: cancelling takes a
 * deliberate choice. */
static void
ask_cancel_payment (KpWindow *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Cancel this payment?"), NULL));
  /* What really happens: this terminal never sends approve for a cancelled payment, so
   * KakaoPay does not complete it; the open payment is still watched until it expires. */
  adw_message_dialog_set_body (dialog,
                               _("The customer may be paying right now. If they have "
                                 "already confirmed on their phone, the payment is not "
                                 "completed and nothing is charged. If KakaoPay reports it "
                                 "paid after all, you will be told."));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Waiting"),
                                    "cancel", _("_Cancel Payment"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  self->cancel_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->cancel_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
kp_window_close_cancel_dialog (KpWindow *self)
{
  if (self->cancel_dialog == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (self->cancel_dialog),
                                (gpointer *) &self->cancel_dialog);
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->cancel_dialog)));
}

static void
cancel_payment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  if (self->checkout == NULL)
    return;
  if (self->cancel_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->cancel_dialog));
      return;
    }
  if (kp_checkout_get_stage (self->checkout) == KP_CHECKOUT_STAGE_WAITING &&
      customer_may_be_paying (self))
    {
      ask_cancel_payment (self);
      return;
    }
  abort_payment (self);
}

static void
new_sale_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  kp_cart_thaw (self->cart);
  kp_cart_clear (self->cart, NULL);
  kp_window_forget_removed_line (self);
  kp_done_page_clear (kp_window_get_done_page (self));
  kp_window_reset_entries (self);
  kp_window_show_message (self, NULL);
  kp_window_show_page (self, "cart");
  kp_window_focus_item_entry (self);
}

/* Benchmarks: the first frame after start, and the first frame showing a new QR. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   KpWindow      *self)
{
  if (!self->first_frame_reported)
    {
      self->first_frame_reported = TRUE;
      kp_bench_report ("first-frame", kp_bench_since (KP_BENCH_START));
      if (g_strcmp0 (g_getenv ("KP_BENCH"), "first-frame") == 0)
        g_application_quit (G_APPLICATION (self->application));
    }
  if (self->bench_charge_frames >= 0 && self->bench_charge_frames++ == 0)
    kp_bench_mark (KP_BENCH_CHARGE_FRAME);
  if (self->qr_paint_pending && kp_checkout_page_is_qr_mapped (kp_window_get_checkout_page (self)))
    {
      self->qr_paint_pending = FALSE;
      kp_bench_report ("charge-to-qr", kp_bench_since (KP_BENCH_CHARGE));
      kp_bench_report ("ready-round-trip",
                       kp_bench_between (KP_BENCH_READY_SENT, KP_BENCH_READY_RECEIVED));
      if (g_strcmp0 (g_getenv ("KP_BENCH"), "detail") == 0)
        {
          kp_bench_report ("charge-to-ready-sent", kp_bench_between (KP_BENCH_CHARGE, KP_BENCH_READY_SENT));
          kp_bench_report ("received-to-shown", kp_bench_between (KP_BENCH_READY_RECEIVED, KP_BENCH_SHOWN));
          kp_bench_report ("shown-to-painted", kp_bench_since (KP_BENCH_SHOWN));
          /* Frames painted between the key press and this one (GTK paints one for the
           * key press itself), and when the first of them was. */
          kp_bench_report ("frames-before-qr", self->bench_charge_frames - 1);
          if (self->bench_charge_frames > 1)
            kp_bench_report ("charge-to-first-frame",
                             kp_bench_between (KP_BENCH_CHARGE, KP_BENCH_CHARGE_FRAME));
        }
      self->bench_charge_frames = -1;
    }
}

void
kp_window_on_map_cb (KpWindow *self)
{
  GdkFrameClock *clock;

  if (!kp_bench_enabled () || self->bench_clock_id != 0)
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  self->bench_clock_id = g_signal_connect_object (clock, "after-paint",
                                                  G_CALLBACK (on_after_paint_cb), self, 0);
}

/* With qr-target "page": KakaoPay's page itself in the place of the large QR code while
 * the customer pays, unless the customer display shows it. It goes when the payment
 * ends, and the sale's web session with it. */
void
kp_window_update_payment_page (KpWindow *self)
{
  const KpReadyReply *reply = self->checkout != NULL
                                ? kp_checkout_get_ready_reply (self->checkout) : NULL;
  gboolean page_mode = FALSE;
  const char *url = NULL;

  /* A payment is on: the terminal and its settings are there. */
  if (reply != NULL)
    page_mode = kp_settings_get_qr_target (kp_terminal_get_settings (
                  self->terminal)) == KP_QR_TARGET_PAGE;
  if (page_mode && !kp_checkout_page_get_customer_display (kp_window_get_checkout_page (self)))
    url = kp_ready_reply_qr_url (reply, KP_QR_TARGET_PAGE);
  kp_checkout_page_show_payment_page (kp_window_get_checkout_page (self), self->checkout, url, page_mode);
}

static void
on_checkout_ready_cb (KpCheckout          *checkout,
                      const KpJournalSale *sale,
                      const KpReadyReply  *reply,
                      KpWindow            *self)
{
  KpSettings *settings = kp_terminal_get_settings (self->terminal);
  const char *url = kp_ready_reply_qr_url (reply, kp_settings_get_qr_target (settings));

  kp_checkout_page_show_ready (kp_window_get_checkout_page (self), sale, url,
                               kp_terminal_is_test_mode (self->terminal));
  self->qr_shown_us = g_get_monotonic_time ();
  self->payment_status = KP_STATUS_READY;
  set_charging (self, FALSE);
  kp_window_show_page (self, "checkout");
  /* Not the Cancel button: Enter out of habit must not end a payment in progress. */
  kp_checkout_page_focus (kp_window_get_checkout_page (self));
  self->qr_paint_pending = kp_bench_enabled ();
  kp_bench_mark (KP_BENCH_SHOWN);
  kp_window_update_payment_page (self);
}

static void
on_checkout_status_changed_cb (KpCheckout *checkout,
                               int         status,
                               KpWindow   *self)
{
  self->payment_status = status;
  kp_checkout_page_set_status (kp_window_get_checkout_page (self), status);
}

static void
on_checkout_stage_changed_cb (KpCheckout *checkout,
                              int         stage,
                              KpWindow   *self)
{
  if (stage == KP_CHECKOUT_STAGE_APPROVING)
    {
      /* Too late to cancel: the customer approved. */
      kp_window_close_cancel_dialog (self);
      kp_checkout_page_set_status (kp_window_get_checkout_page (self), KP_STATUS_AUTH_PASSWORD);
    }
  kp_window_update_actions (self);
}

static void
show_done (KpWindow            *self,
           const KpJournalSale *sale)
{
  kp_done_page_show_sale (kp_window_get_done_page (self), sale, self->cart);
  kp_window_show_page (self, "done");
  kp_done_page_focus (kp_window_get_done_page (self));
  kp_window_receipts_sale_done (self, sale);
}

/* What the cashier does about a payment that could not start, in words: never the
 * system's own text, which goes to the details. */
static const char *
ready_failed_advice (const GError *error)
{
  int code = kp_api_error_get_code (error);

  if (error == NULL || error->domain != KP_API_ERROR)
    return _("The payment could not start: the sale could not be recorded on this "
             "terminal. The cart is unchanged: press Charge again.");
  switch (error->code)
    {
    case KP_API_ERROR_NOT_SENT:
      return _("The payment could not start: KakaoPay cannot be reached. Check the "
               "internet connection, then press Charge again.");
    case KP_API_ERROR_OUTCOME_UNKNOWN:
    case KP_API_ERROR_SERVER_ERROR:
    case KP_API_ERROR_MALFORMED_REPLY:
      return _("The payment could not start: KakaoPay did not answer properly, so no code "
               "was shown and nobody can pay it. Wait a moment, then press Charge again.");
    case KP_API_ERROR_UNAUTHORIZED:
      return _("The payment could not start: KakaoPay did not accept this shop’s secret "
               "key. Ask the shop owner to check it in Preferences.");
    default:
      break;
    }
  if (code == KP_CODE_WRONG_CID || code == KP_CODE_WRONG_CID_SECRET ||
      code == KP_CODE_NOT_ENABLED || code == KP_CODE_NO_PERMISSION ||
      code == KP_CODE_UNAUTHORIZED || code == KP_CODE_IP_NOT_ALLOWED)
    return _("The payment could not start: KakaoPay does not accept this shop’s account "
             "(CID). Ask the shop owner to check it in Preferences.");
  if (code == KP_CODE_MAINTENANCE)
    return _("The payment could not start: KakaoPay is under maintenance. Ask the "
             "customer to pay another way, or press Charge again later.");
  return _("The payment could not start: KakaoPay refused it. The cart is unchanged: "
           "check it, then press Charge again.");
}

static void
on_checkout_finished_cb (KpCheckout          *checkout,
                         int                  result,
                         const KpJournalSale *sale,
                         const GError        *error,
                         KpWindow            *self)
{
  g_autofree char *message = NULL;

  /* The payment ended on its own: there is nothing left to confirm. */
  kp_window_close_cancel_dialog (self);
  self->qr_shown_us = 0;
  set_charging (self, FALSE);
  kp_checkout_page_clear (kp_window_get_checkout_page (self));

  g_clear_pointer (&self->retry_order_id, g_free);
  if (result == KP_CHECKOUT_READY_FAILED && sale != NULL)
    self->retry_order_id = g_strdup (sale->partner_order_id);

  if (result == KP_CHECKOUT_APPROVED)
    {
      show_done (self, sale);
      return;
    }

  switch (result)
    {
    case KP_CHECKOUT_CANCELLED:
      message = g_strdup (_("The customer cancelled the payment. The cart is unchanged: charge again or change it."));
      break;
    case KP_CHECKOUT_FAILED:
      message = g_strdup (_("The customer’s payment failed (password or payment method). The cart is unchanged: charge again."));
      break;
    case KP_CHECKOUT_EXPIRED:
      message = g_strdup (_("The payment expired before the customer finished. The cart is unchanged: charge again."));
      break;
    case KP_CHECKOUT_ABORTED:
      message = g_strdup (_("Payment cancelled at the counter. The cart is unchanged."));
      break;
    case KP_CHECKOUT_APPROVE_FAILED:
      message = g_strdup (_("KakaoPay declined the payment. The cart is unchanged: ask the "
                            "customer for another payment method, then press Charge again."));
      break;
    case KP_CHECKOUT_READY_FAILED:
    default:
      message = g_strdup (ready_failed_advice (error));
      break;
    }

  kp_cart_thaw (self->cart);
  /* On the page beside the cart, not in a pop-up over the Charge button; the raw
   * reason waits behind Details. */
  kp_window_show_message_with_details (self, message,
                                       error != NULL && (result == KP_CHECKOUT_APPROVE_FAILED ||
                                                         result == KP_CHECKOUT_READY_FAILED)
                                         ? error->message : NULL);
  kp_window_show_page (self, "cart");
  kp_window_focus_item_entry (self);
}

/* Sales a crash or a lost reply left unfinished are checked in the background; the
 * cashier sees how many, and goes on ringing up meanwhile. */
static void
update_recovery (KpWindow *self)
{
  KpReconciler *reconciler = kp_terminal_get_reconciler (self->terminal);
  guint n = reconciler != NULL ? kp_reconciler_get_n_pending (reconciler) : 0;
  g_autofree char *text = NULL;

  /* The sale on screen being approved is not "unfinished". */
  if (n > 0 && self->checkout != NULL && kp_checkout_get_sale (self->checkout) != NULL &&
      kp_checkout_get_stage (self->checkout) != KP_CHECKOUT_STAGE_IDLE &&
      kp_reconciler_is_resolving (reconciler,
                                  kp_checkout_get_sale (self->checkout)->partner_order_id))
    n--;

  gtk_widget_set_visible (GTK_WIDGET (self->recovery_box), n > 0);
  gtk_spinner_set_spinning (self->recovery_spinner, n > 0);
  if (n == 0)
    return;
  text = g_strdup_printf (ngettext ("Recovering %u unfinished sale…",
                                    "Recovering %u unfinished sales…", n), n);
  gtk_label_set_text (self->recovery_label, text);
}

static void
on_reconciler_resolved_cb (KpReconciler        *reconciler,
                           const KpJournalSale *sale,
                           int                  previous,
                           const GError        *error,
                           KpWindow            *self)
{
  const KpJournalSale *current = self->checkout != NULL ? kp_checkout_get_sale (self->checkout)
                                                        : NULL;
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  update_recovery (self);
  if ((KpSaleState) previous == sale->state)
    return;
  /* The sale on screen tells its own story, unless the cashier had given up on it and
   * KakaoPay says it was paid after all. */
  if (current != NULL && g_strcmp0 (current->partner_order_id, sale->partner_order_id) == 0 &&
      previous != KP_SALE_STATE_ABORTED_BY_CASHIER)
    return;

  amount = kp_money_format (sale->total_amount);
  if (sale->state == KP_SALE_STATE_APPROVED)
    /* Translators: an earlier sale turned out paid; order number, amount */
    text = g_strdup_printf (_("Order %s was paid after all: %s approved."),
                            sale->partner_order_id, amount);
  else
    /* Translators: an earlier unfinished sale ended; order number, amount */
    text = g_strdup_printf (_("Order %s (%s) ended without payment."),
                            sale->partner_order_id, amount);
  kp_window_toast (self, text);
}

void
kp_window_on_checkout_available_cb (KpWindow *self)
{
  KpCheckout *checkout = kp_terminal_get_checkout (self->terminal);
  const char *setup_error = kp_terminal_get_setup_error (self->terminal);

  gtk_label_set_text (self->setup_error_label, setup_error != NULL ? setup_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->setup_error_label), setup_error != NULL);

  if (checkout == NULL || checkout == self->checkout)
    return;

  self->checkout = checkout;
  g_signal_connect_object (kp_terminal_get_reconciler (self->terminal), "notify::n-pending",
                           G_CALLBACK (update_recovery), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kp_terminal_get_reconciler (self->terminal), "resolved",
                           G_CALLBACK (on_reconciler_resolved_cb), self, 0);
  update_recovery (self);
  g_signal_connect_object (checkout, "ready", G_CALLBACK (on_checkout_ready_cb), self, 0);
  g_signal_connect_object (checkout, "status-changed",
                           G_CALLBACK (on_checkout_status_changed_cb), self, 0);
  g_signal_connect_object (checkout, "stage-changed",
                           G_CALLBACK (on_checkout_stage_changed_cb), self, 0);
  g_signal_connect_object (checkout, "finished", G_CALLBACK (on_checkout_finished_cb), self, 0);
  kp_window_update_actions (self);
}

void
kp_window_class_add_checkout_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.charge", NULL, charge_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-payment", NULL, cancel_payment_action);
  gtk_widget_class_install_action (widget_class, "win.new-sale", NULL, new_sale_action);
}
