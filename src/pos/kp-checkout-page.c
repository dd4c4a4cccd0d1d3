/* kp-checkout-page.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-checkout-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-checkout-page.h"
#include "kp-money.h"
#include "kp-qr-paintable.h"
#include "kp-payment-page-loader.h"

/* The cashier's page while the customer pays: the QR code (or a small copy of it while
 * the customer display shows it, or KakaoPay's own page), the amount, what KakaoPay
 * says the customer is doing, the time left, and Cancel. */
struct _KpCheckoutPage
{
  AdwBin         parent_instance;

  /* Template children */
  GtkLabel      *amount_label;
  GtkBox        *box;
  GtkLabel      *countdown_label;
  GtkBox        *customer_qr_box;
  GtkLinkButton *payment_link;
  GtkPicture    *qr_picture;
  GtkLabel      *scan_label;
  GtkImage      *small_qr_image;
  GtkLabel      *status_label;
  GtkLabel      *summary_label;

  /* Owned */
  KpQrPaintable *qr;
  GDateTime     *expires_at;
  guint          countdown_id;

  /* Borrowed */
  GtkWidget     *payment_page;      /* in box while it is shown */
};

G_DEFINE_FINAL_TYPE (KpCheckoutPage, kp_checkout_page, ADW_TYPE_BIN)

static const char *
status_text (KpStatus status)
{
  switch (status)
    {
    case KP_STATUS_READY:
      return _("Waiting for the customer to scan the code");
    case KP_STATUS_SEND_TMS:
      return _("Payment request sent to the customer’s KakaoTalk");
    case KP_STATUS_OPEN_PAYMENT:
      return _("Customer opened the payment page");
    case KP_STATUS_SELECT_METHOD:
      return _("Customer chose a payment method — waiting for password");
    case KP_STATUS_ARS_WAITING:
      return _("Waiting for phone authentication");
    case KP_STATUS_AUTH_PASSWORD:
      return _("Customer approved — completing the payment");
    default:
      return NULL;
    }
}

static void
stop_countdown (KpCheckoutPage *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
}

/* What the customer sees is KakaoPay's own countdown; this one follows the sale's
 * expiry on the wall clock. */
static gboolean
countdown_cb (gpointer user_data)
{
  KpCheckoutPage *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan left = self->expires_at != NULL ? g_date_time_difference (self->expires_at, now) : 0;
  g_autofree char *text = NULL;
  gint64 seconds = MAX (0, left / G_USEC_PER_SEC);

  /* Translators: time left to pay, minutes:seconds */
  text = g_strdup_printf (_("Expires in %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
  gtk_label_set_text (self->countdown_label, text);
  return G_SOURCE_CONTINUE;
}

/**
 * kp_checkout_page_show_ready:
 * @sale: the sale KakaoPay is ready to take
 * @qr_url: what the QR code encodes
 * @show_link: whether to offer the page in a browser (test mode)
 */
void
kp_checkout_page_show_ready (KpCheckoutPage      *self,
                             const KpJournalSale *sale,
                             const char          *qr_url,
                             gboolean             show_link)
{
  g_autofree char *amount = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));
  g_return_if_fail (sale != NULL);

  kp_qr_paintable_set_text (self->qr, qr_url);
  amount = kp_money_format (sale->total_amount);
  gtk_label_set_text (self->amount_label, amount);
  /* Translators: item summary, then the order number */
  summary = g_strdup_printf (_("%s · order %s"), sale->item_name, sale->partner_order_id);
  gtk_label_set_text (self->summary_label, summary);
  kp_checkout_page_set_status (self, KP_STATUS_READY);

  gtk_link_button_set_uri (self->payment_link, qr_url);
  gtk_widget_set_visible (GTK_WIDGET (self->payment_link), show_link);

  stop_countdown (self);
  if (sale->expires_at != NULL)
    {
      self->expires_at = g_date_time_ref (sale->expires_at);
      countdown_cb (self);
      self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
    }
  else
    gtk_label_set_text (self->countdown_label, "");
}

/* A status KakaoPay reported, in words; one that says nothing new leaves the text. */
void
kp_checkout_page_set_status (KpCheckoutPage *self,
                             KpStatus        status)
{
  const char *text;

  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  text = status_text (status);
  if (text != NULL)
    gtk_label_set_text (self->status_label, text);
}

void
kp_checkout_page_set_status_text (KpCheckoutPage *self,
                                  const char     *text)
{
  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  gtk_label_set_text (self->status_label, text);
}

const char *
kp_checkout_page_get_status_text (KpCheckoutPage *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT_PAGE (self), NULL);

  return gtk_label_get_text (self->status_label);
}

/**
 * kp_checkout_page_get_qr_text:
 *
 * Returns: (nullable): what the QR code on the page encodes
 */
const char *
kp_checkout_page_get_qr_text (KpCheckoutPage *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT_PAGE (self), NULL);

  return kp_qr_paintable_get_text (self->qr);
}

/* Whether a copy of the QR code, large or small, is on screen. */
gboolean
kp_checkout_page_is_qr_mapped (KpCheckoutPage *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT_PAGE (self), FALSE);

  return gtk_widget_get_mapped (GTK_WIDGET (self->qr_picture)) ||
         gtk_widget_get_mapped (GTK_WIDGET (self->small_qr_image));
}

static void
update_qr_visibility (KpCheckoutPage *self)
{
  gboolean on_display = gtk_widget_get_visible (GTK_WIDGET (self->customer_qr_box));

  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture),
                          !on_display && self->payment_page == NULL);
}

/**
 * kp_checkout_page_set_customer_display:
 * @shown: whether the customer display is open
 *
 * While the customer has the QR code on a screen of their own, the page shows a small
 * copy of it, and says where the customer looks.
 */
void
kp_checkout_page_set_customer_display (KpCheckoutPage *self,
                                       gboolean        shown)
{
  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->customer_qr_box), shown);
  update_qr_visibility (self);
}

gboolean
kp_checkout_page_get_customer_display (KpCheckoutPage *self)
{
  g_return_val_if_fail (KP_IS_CHECKOUT_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->customer_qr_box));
}

/**
 * kp_checkout_page_show_payment_page:
 * @checkout: the checkout the page's outcome goes to
 * @url: (nullable): KakaoPay's page to show in the place of the QR code, or %NULL
 * @page_mode: whether the approval comes through the page (qr-target "page")
 *
 * KakaoPay's page itself, instead of the large QR code. A page for another URL, or
 * none, removes the one shown, and the sale's web session with it.
 */
void
kp_checkout_page_show_payment_page (KpCheckoutPage *self,
                                    KpCheckout     *checkout,
                                    const char     *url,
                                    gboolean        page_mode)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *scan_text = NULL;

  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  if (self->payment_page != NULL &&
      g_strcmp0 (url, kp_payment_page_loader_get_url (self->payment_page)) != 0)
    {
      gtk_box_remove (self->box, self->payment_page);
      self->payment_page = NULL;
    }
  if (url != NULL && checkout != NULL && self->payment_page == NULL)
    {
      /* Without it, the QR code of the same page, and why (scan_text). */
      self->payment_page = kp_payment_page_loader_new_page (checkout, url, &error);
      if (self->payment_page != NULL)
        {
          gtk_widget_set_size_request (self->payment_page, 560, 600);
          gtk_box_insert_child_after (self->box, self->payment_page,
                                      GTK_WIDGET (self->qr_picture));
        }
    }
  update_qr_visibility (self);
  scan_text = kp_payment_page_loader_describe (self->payment_page, error);
  gtk_label_set_text (self->scan_label, scan_text);
  /* Another browser would take the redirect this window waits for. */
  if (page_mode)
    gtk_widget_set_visible (GTK_WIDGET (self->payment_link), FALSE);
}

/* The payment ended: no code, no countdown, no page. */
void
kp_checkout_page_clear (KpCheckoutPage *self)
{
  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  stop_countdown (self);
  kp_qr_paintable_set_text (self->qr, NULL);
  kp_checkout_page_show_payment_page (self, NULL, NULL, FALSE);
}

/* The page itself holds the focus while the customer pays: Enter out of habit must not
 * end a payment in progress. */
void
kp_checkout_page_focus (KpCheckoutPage *self)
{
  g_return_if_fail (KP_IS_CHECKOUT_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->box));
}

static void
kp_checkout_page_dispose (GObject *object)
{
  KpCheckoutPage *self = KP_CHECKOUT_PAGE (object);

  stop_countdown (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_CHECKOUT_PAGE);
  self->payment_page = NULL;
  g_clear_object (&self->qr);

  G_OBJECT_CLASS (kp_checkout_page_parent_class)->dispose (object);
}

static void
kp_checkout_page_class_init (KpCheckoutPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_checkout_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-checkout-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, box);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, customer_qr_box);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, payment_link);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, scan_label);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, small_qr_image);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KpCheckoutPage, summary_label);
}

static void
kp_checkout_page_init (KpCheckoutPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->qr = kp_qr_paintable_new ();
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (self->qr));
  gtk_image_set_from_paintable (self->small_qr_image, GDK_PAINTABLE (self->qr));
}
