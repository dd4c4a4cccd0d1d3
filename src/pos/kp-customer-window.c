/* kp-customer-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-customer-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-cart-line.h"
#include "kp-customer-placement.h"
#include "kp-customer-window.h"
#include "kp-money.h"
#include "kp-payment-page-loader.h"
#include "kp-qr-paintable.h"
#include "kp-sale-format.h"
#include "kp-present.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* How long a payment that did not go through is explained before the screen shows the
 * sale again. */
#define ENDED_SHOWN_S 6

/* The customer's side of the counter: a second window that follows the sale the cashier
 * rings up, from the cart and the checkout alone. It shows nothing the cashier's window
 * does not (no key, no tid), and it never keeps the keyboard: the scanner types into the
 * cashier's window. */
struct _KpCustomerWindow
{
  AdwWindow       parent_instance;

  /* Template children */
  GtkLabel       *countdown_label;
  GtkLabel       *ended_label;
  AdwHeaderBar   *header_bar;
  GtkListView    *lines_view;
  GtkLabel       *pay_amount_label;
  GtkLabel       *pay_status_label;
  GtkPicture     *qr_picture;
  GtkLabel       *scan_label;
  GtkLabel       *shop_name_label;
  GtkStack       *stack;
  GtkLabel       *test_mode_banner;
  GtkLabel       *thanks_amount_label;
  GtkLabel       *thanks_time_label;

  /* Owned */
  KpCart         *cart;
  KpCheckout     *checkout;
  GSignalGroup   *checkout_signals;
  KpQrPaintable  *qr;
  GDateTime      *expires_at;
  GdkMonitor     *monitor;          /* full screen on it; NULL: a normal window */
  char           *shop_name;
  KpQrTarget      qr_target;
  guint           countdown_id;
  guint           ended_id;
  gboolean        test_mode;

  /* Borrowed */
  GtkWindow      *cashier;          /* weak */
  GtkWidget      *payment_page;     /* beside qr_picture while it is shown */
};

G_DEFINE_FINAL_TYPE (KpCustomerWindow, kp_customer_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CASHIER,
  PROP_CART,
  PROP_CHECKOUT,
  PROP_SHOP_NAME,
  PROP_QR_TARGET,
  PROP_TEST_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Template closures */

static char *
money_cb (gpointer unused,
          gint64   amount)
{
  return kp_money_format (amount);
}

static char *
line_each_cb (gpointer unused,
              gint64   quantity,
              gint64   unit_price)
{
  g_autofree char *unit = kp_money_format (unit_price);

  /* Translators: a line of the sale on the customer display: quantity × unit price */
  return g_strdup_printf (_("%d × %s"), (int) quantity, unit);
}

static gboolean
positive_cb (gpointer unused,
             gint64   amount)
{
  return amount > 0;
}

static char *
vat_text_cb (gpointer unused,
             gint64   vat)
{
  g_autofree char *money = kp_money_format (vat);

  /* Translators: under the total on the customer display; %s is the VAT, e.g. ₩955 */
  return g_strdup_printf (_("VAT %s included"), money);
}

static char *
tax_free_text_cb (gpointer unused,
                  gint64   tax_free)
{
  g_autofree char *money = kp_money_format (tax_free);

  /* Translators: under the total on the customer display; %s is the tax-free part */
  return g_strdup_printf (_("Tax-free %s"), money);
}

/* Views */

/* Only the view on screen is visible, so that assistive technologies read no other. */
static void
show_view (KpCustomerWindow *self,
           const char       *name)
{
  kp_present_stack_page (self->stack, name);
}

static gboolean
view_is (KpCustomerWindow *self,
         const char       *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
}

static void
stop_countdown (KpCustomerWindow *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
}

static gboolean
countdown_cb (gpointer user_data)
{
  KpCustomerWindow *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan left = self->expires_at != NULL ? g_date_time_difference (self->expires_at, now) : 0;
  gint64 seconds = MAX (0, left / G_USEC_PER_SEC);
  g_autofree char *text = NULL;

  /* Translators: time left to pay, minutes:seconds */
  text = g_strdup_printf (_("Expires in %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
  gtk_label_set_text (self->countdown_label, text);
  return G_SOURCE_CONTINUE;
}

/* Between payments the screen shows what the cart holds: its lines, or a welcome. */
static void
show_sale (KpCustomerWindow *self)
{
  guint n = self->cart != NULL ? kp_cart_get_n_lines (self->cart) : 0;

  g_clear_handle_id (&self->ended_id, g_source_remove);
  show_view (self, n > 0 ? "cart" : "welcome");
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->lines_view), "list.scroll-to-item", "u", n - 1);
}

static void
on_cart_items_changed_cb (KpCustomerWindow *self)
{
  /* The cart cannot change while the customer pays; any other change (a line rung up,
   * the next sale begun) ends what the screen said about the last payment. */
  if (!view_is (self, "paying"))
    show_sale (self);
}

static gboolean
ended_timeout_cb (gpointer user_data)
{
  KpCustomerWindow *self = user_data;

  self->ended_id = 0;
  show_sale (self);
  return G_SOURCE_REMOVE;
}

/* With qr-target "page": KakaoPay's page itself in the place of the QR code, from the
 * payment's start (@reply) to its end (%NULL), and the sale's web session with it. */
static void
update_payment_page (KpCustomerWindow   *self,
                     const KpReadyReply *reply)
{
  const char *url = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *scan_text = NULL;

  if (reply != NULL && self->checkout != NULL && self->qr_target == KP_QR_TARGET_PAGE)
    url = kp_ready_reply_qr_url (reply, KP_QR_TARGET_PAGE);
  if (self->payment_page != NULL &&
      g_strcmp0 (url, kp_payment_page_loader_get_url (self->payment_page)) != 0)
    {
      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->payment_page)), self->payment_page);
      self->payment_page = NULL;
    }
  if (url != NULL && self->payment_page == NULL)
    {
      /* Without it, the QR code of the same page, and why (scan_text). */
      self->payment_page = kp_payment_page_loader_new_page (self->checkout, url, &error);
      if (self->payment_page != NULL)
        {
          gtk_widget_set_hexpand (self->payment_page, TRUE);
          gtk_widget_set_vexpand (self->payment_page, TRUE);
          gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (
                                        GTK_WIDGET (self->qr_picture))),
                                      self->payment_page, GTK_WIDGET (self->qr_picture));
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), self->payment_page == NULL);
  scan_text = kp_payment_page_loader_describe (self->payment_page, error);
  gtk_label_set_text (self->scan_label, scan_text);
}

static void
show_paying (KpCustomerWindow    *self,
             const KpJournalSale *sale,
             const KpReadyReply  *reply)
{
  g_autofree char *amount = kp_money_format (sale->total_amount);

  g_clear_handle_id (&self->ended_id, g_source_remove);
  kp_qr_paintable_set_text (self->qr, kp_ready_reply_qr_url (reply, self->qr_target));
  gtk_label_set_text (self->pay_amount_label, amount);
  gtk_widget_set_visible (GTK_WIDGET (self->pay_status_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);

  stop_countdown (self);
  if (sale->expires_at != NULL)
    {
      self->expires_at = g_date_time_ref (sale->expires_at);
      countdown_cb (self);
      self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  update_payment_page (self, reply);
  show_view (self, "paying");
}

/* The customer approved on the phone: the code has done its job. */
static void
show_approving (KpCustomerWindow *self)
{
  stop_countdown (self);
  kp_qr_paintable_set_text (self->qr, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->pay_status_label), TRUE);
}

static void
on_checkout_ready_cb (KpCheckout          *checkout,
                      const KpJournalSale *sale,
                      const KpReadyReply  *reply,
                      KpCustomerWindow    *self)
{
  show_paying (self, sale, reply);
}

static void
on_checkout_stage_changed_cb (KpCheckout       *checkout,
                              int               stage,
                              KpCustomerWindow *self)
{
  if (stage == KP_CHECKOUT_STAGE_APPROVING && view_is (self, "paying"))
    show_approving (self);
}

static const char *
ended_message (KpCheckoutResult result)
{
  switch (result)
    {
    case KP_CHECKOUT_CANCELLED:
      return _("The payment was cancelled.");
    case KP_CHECKOUT_ABORTED:
      return _("The payment was cancelled at the counter.");
    case KP_CHECKOUT_FAILED:
      return _("The payment did not go through. Please try again, or ask at the counter.");
    case KP_CHECKOUT_EXPIRED:
      return _("The time to pay ran out. Please ask at the counter to try again.");
    case KP_CHECKOUT_APPROVE_FAILED:
      return _("KakaoPay declined the payment. Please ask at the counter.");
    case KP_CHECKOUT_READY_FAILED:
    case KP_CHECKOUT_APPROVED:
    default:
      return _("The payment could not be started. Please ask at the counter.");
    }
}

static void
on_checkout_finished_cb (KpCheckout          *checkout,
                         int                  result,
                         const KpJournalSale *sale,
                         const GError        *error,
                         KpCustomerWindow    *self)
{
  stop_countdown (self);
  kp_qr_paintable_set_text (self->qr, NULL);
  update_payment_page (self, NULL);
  g_clear_handle_id (&self->ended_id, g_source_remove);

  if (result == KP_CHECKOUT_APPROVED && sale != NULL)
    {
      g_autofree char *amount = kp_money_format (sale->total_amount);
      g_autofree char *when = NULL;

      if (sale->approved_at != NULL)
        {
          g_autofree char *time = kp_format_time (sale->approved_at);

          /* Translators: when the payment was approved, e.g. "Approved at 14:03:27" */
          when = g_strdup_printf (_("Approved at %s"), time);
        }
      gtk_label_set_text (self->thanks_amount_label, amount);
      gtk_label_set_text (self->thanks_time_label, when != NULL ? when : "");
      gtk_widget_set_visible (GTK_WIDGET (self->thanks_time_label), when != NULL);
      /* Until the cashier begins the next sale. */
      show_view (self, "thanks");
      return;
    }

  gtk_label_set_text (self->ended_label, ended_message (result));
  show_view (self, "ended");
  self->ended_id = g_timeout_add_seconds (ENDED_SHOWN_S, ended_timeout_cb, self);
}

/* Where the checkout is now, for a window that opens (or gets the checkout) then. */
static void
sync_checkout (KpCustomerWindow *self)
{
  KpCheckoutStage stage = self->checkout != NULL ? kp_checkout_get_stage (self->checkout)
                                                 : KP_CHECKOUT_STAGE_IDLE;
  const KpReadyReply *reply = self->checkout != NULL
                                ? kp_checkout_get_ready_reply (self->checkout) : NULL;
  const KpJournalSale *sale = self->checkout != NULL ? kp_checkout_get_sale (self->checkout)
                                                     : NULL;

  if (reply != NULL && sale != NULL)
    {
      show_paying (self, sale, reply);
      if (stage == KP_CHECKOUT_STAGE_APPROVING)
        show_approving (self);
    }
  else if (!view_is (self, "thanks") && !view_is (self, "ended"))
    show_sale (self);
}

static void
place (KpCustomerWindow *self)
{
  kp_customer_placement_place (GTK_WINDOW (self), self->cashier, &self->monitor);
}

static void
on_fullscreened_cb (KpCustomerWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar),
                          !gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

/* A touch on the customer's screen, or a window manager that focuses every new window:
 * the keyboard goes straight back to the cashier. */
static void
on_active_changed_cb (KpCustomerWindow *self)
{
  if (!gtk_window_is_active (GTK_WINDOW (self)) || self->cashier == NULL ||
      !gtk_widget_get_visible (GTK_WIDGET (self->cashier)))
    return;
  kp_present_now (self->cashier);
}

/* GObject */

static void
kp_customer_window_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kp_customer_window_parent_class)->realize (widget);

#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (widget));

    /* A user time of 0 asks the window manager not to focus the window as it maps. */
    if (GDK_IS_X11_SURFACE (surface))
      gdk_x11_surface_set_user_time (surface, 0);
  }
#endif
}

static void
set_cashier (KpCustomerWindow *self,
             GtkWindow        *cashier)
{
  if (self->cashier == cashier)
    return;
  if (self->cashier != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->cashier), (gpointer *) &self->cashier);
  self->cashier = cashier;
  if (cashier != NULL)
    g_object_add_weak_pointer (G_OBJECT (cashier), (gpointer *) &self->cashier);
}

static void
set_cart (KpCustomerWindow *self,
          KpCart           *cart)
{
  if (self->cart == cart)
    return;
  if (self->cart != NULL)
    g_signal_handlers_disconnect_by_data (self->cart, self);
  g_set_object (&self->cart, cart);
  if (cart != NULL)
    g_signal_connect_object (cart, "items-changed", G_CALLBACK (on_cart_items_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CART]);
}

static void
kp_customer_window_dispose (GObject *object)
{
  KpCustomerWindow *self = KP_CUSTOMER_WINDOW (object);

  stop_countdown (self);
  g_clear_handle_id (&self->ended_id, g_source_remove);
  if (self->checkout_signals != NULL)
    g_signal_group_set_target (self->checkout_signals, NULL);
  self->payment_page = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_CUSTOMER_WINDOW);
  set_cashier (self, NULL);
  g_clear_object (&self->checkout_signals);
  g_clear_object (&self->checkout);
  g_clear_object (&self->cart);
  g_clear_object (&self->qr);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (kp_customer_window_parent_class)->dispose (object);
}

static void
kp_customer_window_finalize (GObject *object)
{
  KpCustomerWindow *self = KP_CUSTOMER_WINDOW (object);

  g_free (self->shop_name);

  G_OBJECT_CLASS (kp_customer_window_parent_class)->finalize (object);
}

static void
kp_customer_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KpCustomerWindow *self = KP_CUSTOMER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CASHIER:
      g_value_set_object (value, self->cashier);
      break;
    case PROP_CART:
      g_value_set_object (value, self->cart);
      break;
    case PROP_CHECKOUT:
      g_value_set_object (value, self->checkout);
      break;
    case PROP_SHOP_NAME:
      g_value_set_string (value, self->shop_name);
      break;
    case PROP_QR_TARGET:
      g_value_set_enum (value, self->qr_target);
      break;
    case PROP_TEST_MODE:
      g_value_set_boolean (value, self->test_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_customer_window_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  KpCustomerWindow *self = KP_CUSTOMER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CASHIER:
      set_cashier (self, g_value_get_object (value));
      break;
    case PROP_CART:
      set_cart (self, g_value_get_object (value));
      break;
    case PROP_CHECKOUT:
      kp_customer_window_set_checkout (self, g_value_get_object (value));
      break;
    case PROP_SHOP_NAME:
      if (g_strcmp0 (self->shop_name, g_value_get_string (value)) == 0)
        break;
      g_free (self->shop_name);
      self->shop_name = g_strdup (g_value_get_string (value) != NULL ? g_value_get_string (value)
                                                                     : "");
      g_strstrip (self->shop_name);
      gtk_label_set_text (self->shop_name_label, self->shop_name);
      gtk_widget_set_visible (GTK_WIDGET (self->shop_name_label), *self->shop_name != '\0');
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_QR_TARGET:
      /* The next payment's code: one on screen stays as the cashier's does. */
      if (self->qr_target == (KpQrTarget) g_value_get_enum (value))
        break;
      self->qr_target = g_value_get_enum (value);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_TEST_MODE:
      if (self->test_mode == g_value_get_boolean (value))
        break;
      self->test_mode = g_value_get_boolean (value);
      gtk_widget_set_visible (GTK_WIDGET (self->test_mode_banner), self->test_mode);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_customer_window_class_init (KpCustomerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_customer_window_dispose;
  object_class->finalize = kp_customer_window_finalize;
  object_class->get_property = kp_customer_window_get_property;
  object_class->set_property = kp_customer_window_set_property;
  widget_class->realize = kp_customer_window_realize;

  /**
   * KpCustomerWindow:cashier:
   *
   * The cashier's window: the customer's goes on another monitor, and gives it the
   * keyboard back.
   */
  properties[PROP_CASHIER] =
    g_param_spec_object ("cashier", NULL, NULL, GTK_TYPE_WINDOW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * KpCustomerWindow:cart:
   *
   * The cart the cashier rings up.
   */
  properties[PROP_CART] =
    g_param_spec_object ("cart", NULL, NULL, KP_TYPE_CART,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  /**
   * KpCustomerWindow:checkout: (nullable)
   *
   * The checkout that takes the cart's payments; %NULL until the services are up.
   */
  properties[PROP_CHECKOUT] =
    g_param_spec_object ("checkout", NULL, NULL, KP_TYPE_CHECKOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOP_NAME] =
    g_param_spec_string ("shop-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * KpCustomerWindow:qr-target:
   *
   * What the QR code opens, as the setting says.
   */
  properties[PROP_QR_TARGET] =
    g_param_spec_enum ("qr-target", NULL, NULL, KP_TYPE_QR_TARGET, KP_QR_TARGET_PC,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * KpCustomerWindow:test-mode:
   *
   * No real money moves: the customer is told so.
   */
  properties[PROP_TEST_MODE] =
    g_param_spec_boolean ("test-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/"
                                               "kp-customer-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, ended_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, lines_view);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, pay_amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, pay_status_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, scan_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, shop_name_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, test_mode_banner);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, thanks_amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpCustomerWindow, thanks_time_label);
  gtk_widget_class_bind_template_callback (widget_class, line_each_cb);
  gtk_widget_class_bind_template_callback (widget_class, money_cb);
  gtk_widget_class_bind_template_callback (widget_class, positive_cb);
  gtk_widget_class_bind_template_callback (widget_class, tax_free_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, vat_text_cb);

  g_type_ensure (KP_TYPE_CART);
  g_type_ensure (KP_TYPE_CART_LINE);
}

static void
kp_customer_window_init (KpCustomerWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->qr_target = KP_QR_TARGET_PC;
  self->shop_name = g_strdup ("");
  self->qr = kp_qr_paintable_new ();
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (self->qr));

  self->checkout_signals = g_signal_group_new (KP_TYPE_CHECKOUT);
  g_signal_group_connect_object (self->checkout_signals, "ready",
                                 G_CALLBACK (on_checkout_ready_cb), self, 0);
  g_signal_group_connect_object (self->checkout_signals, "stage-changed",
                                 G_CALLBACK (on_checkout_stage_changed_cb), self, 0);
  g_signal_group_connect_object (self->checkout_signals, "finished",
                                 G_CALLBACK (on_checkout_finished_cb), self, 0);

  g_signal_connect_object (gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self))),
                           "items-changed", G_CALLBACK (place), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_cb), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed_cb), NULL);
  show_view (self, "welcome");
}

/**
 * kp_customer_window_new:
 * @cashier: the cashier's window
 * @cart: the cart the cashier rings up
 * @checkout: (nullable): the checkout that takes its payments, if there is one yet
 *
 * Returns: (transfer full): a new customer display, not shown yet: see
 *   kp_customer_window_show()
 */
KpCustomerWindow *
kp_customer_window_new (GtkWindow  *cashier,
                        KpCart     *cart,
                        KpCheckout *checkout)
{
  g_return_val_if_fail (GTK_IS_WINDOW (cashier), NULL);
  g_return_val_if_fail (KP_IS_CART (cart), NULL);
  g_return_val_if_fail (checkout == NULL || KP_IS_CHECKOUT (checkout), NULL);

  return g_object_new (KP_TYPE_CUSTOMER_WINDOW,
                       "cashier", cashier,
                       "cart", cart,
                       "checkout", checkout,
                       NULL);
}

void
kp_customer_window_set_checkout (KpCustomerWindow *self,
                                 KpCheckout       *checkout)
{
  g_return_if_fail (KP_IS_CUSTOMER_WINDOW (self));
  g_return_if_fail (checkout == NULL || KP_IS_CHECKOUT (checkout));

  if (!g_set_object (&self->checkout, checkout))
    return;
  g_signal_group_set_target (self->checkout_signals, checkout);
  sync_checkout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT]);
}

/**
 * kp_customer_window_get_checkout:
 *
 * Returns: (nullable) (transfer none): the checkout it follows
 */
KpCheckout *
kp_customer_window_get_checkout (KpCustomerWindow *self)
{
  g_return_val_if_fail (KP_IS_CUSTOMER_WINDOW (self), NULL);

  return self->checkout;
}

/**
 * kp_customer_window_get_view:
 *
 * Returns: what the customer sees: "welcome", "cart", "paying", "thanks" or "ended"
 */
const char *
kp_customer_window_get_view (KpCustomerWindow *self)
{
  g_return_val_if_fail (KP_IS_CUSTOMER_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * kp_customer_window_get_qr_text:
 *
 * Returns: (nullable): what the QR code on screen encodes
 */
const char *
kp_customer_window_get_qr_text (KpCustomerWindow *self)
{
  g_return_val_if_fail (KP_IS_CUSTOMER_WINDOW (self), NULL);

  return kp_qr_paintable_get_text (self->qr);
}

/**
 * kp_customer_window_show:
 *
 * Shows the window where the customer sees it: full screen on a monitor other than the
 * cashier's, else as a normal window. It is shown, not presented: the cashier keeps the
 * keyboard.
 */
void
kp_customer_window_show (KpCustomerWindow *self)
{
  g_return_if_fail (KP_IS_CUSTOMER_WINDOW (self));

  sync_checkout (self);
  place (self);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}
