/* kp-payment-page.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-payment-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>
#include <webkit/webkit.h>

#include "kp-address.h"
#include "kp-payment-page.h"
#include "kp-payment-page-module.h"
#include "kp-qr-paintable.h"

/* KakaoPay's PC payment page (next_redirect_pc_url), shown in the app itself
 * (qr-target "page"). The customer pays on it (scanning the page's own code with
 * KakaoTalk, or having the request sent there); KakaoPay then sends the browser that
 * holds the page, this one, to the sale's approval_url with pg_token, or to its
 * cancel_url or fail_url (kakaopay-api.md §2). The page never follows those: it hands
 * them to the checkout (kp_checkout_take_redirect()), which treats them as the
 * listener's, so no listener or relay has to be reachable from the customer's phone.
 *
 * It shows one payment and nothing else:
 * - a network session of its own, ephemeral (no cookie or cache outlives the sale),
 *   dropped with the page when the sale ends;
 * - navigation only to the payment page's origin (over https, to the hosts of its own
 *   site: KakaoPay moves between its hosts) and to the sale's callback links; no new
 *   window, no download, no file access, no permission, no context menu;
 * - a page that cannot load (or one that leaves for elsewhere before it ever showed)
 *   gives way to a message and the QR code of the same URL.
 *
 * It is built as a module of its own (PAYMENT_PAGE_MODULE), which the program loads
 * when it first shows a page (kp-payment-page-loader.c): kp_payment_page_module_get()
 * is all it exports. */
struct _KpPaymentPage
{
  GtkWidget             parent_instance;

  /* Template children */
  GtkLabel             *fallback_label;
  GtkPicture           *fallback_picture;
  GtkStack             *stack;
  GtkLabel             *taken_label;
  AdwBin               *web_bin;

  /* Owned */
  KpCheckout           *checkout;
  WebKitNetworkSession *session;
  KpQrPaintable        *qr;
  GUri                 *origin;         /* the payment page's URL, parsed */
  char                 *site;           /* its registrable domain (https only), or NULL */
  char                 *url;
  char                 *test_press;     /* tests only: the button to press once loaded */
  gboolean              committed;      /* a page has started to show */
  gboolean              taken;          /* a callback link was handed in */
  gboolean              fallen_back;

  /* Borrowed */
  WebKitWebView        *web_view;       /* web_bin's child */
};

G_DEFINE_FINAL_TYPE (KpPaymentPage, kp_payment_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHECKOUT,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Tests only. KP_TEST_PAGE_PRESS="cancel,fail,pay": once each payment page of this
 * process has loaded, in turn, the button with that id on it is pressed, as the
 * customer would press it. The UI tests cannot reach into the page otherwise: with GTK
 * 4.8, WebKit shows assistive technologies nothing of its content. */
static char *
take_test_press (void)
{
  static guint n_taken;
  const char *list = g_getenv ("KP_TEST_PAGE_PRESS");
  g_auto (GStrv) ids = NULL;
  const char *id;

  if (list == NULL || *list == '\0')
    return NULL;
  ids = g_strsplit (list, ",", -1);
  if (n_taken >= g_strv_length (ids))
    return NULL;
  id = ids[n_taken++];
  /* An element id, never script. */
  for (const char *c = id; *c != '\0'; c++)
    {
      if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
        return NULL;
    }
  return *id != '\0' ? g_strdup (id) : NULL;
}

/* The payment page's own origin, or (over https) a host of its site. */
static gboolean
navigation_allowed (KpPaymentPage *self,
                    const char    *uri)
{
  g_autoptr (GUri) target = NULL;
  g_autofree char *host = NULL;
  const char *scheme;

  /* Where a frame starts: no network, no file. */
  if (g_strcmp0 (uri, "about:blank") == 0)
    return TRUE;

  target = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (target == NULL || self->origin == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (target);
  if (g_uri_get_host (target) == NULL ||
      g_ascii_strcasecmp (scheme, g_uri_get_scheme (self->origin)) != 0)
    return FALSE;
  host = g_ascii_strdown (g_uri_get_host (target), -1);
  if (g_ascii_strcasecmp (host, g_uri_get_host (self->origin)) == 0 &&
      kp_address_uri_port (target) == kp_address_uri_port (self->origin))
    return TRUE;
  if (self->site == NULL || g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;
  return g_ascii_strcasecmp (host, self->site) == 0 ||
         (g_str_has_suffix (host, self->site) &&
          strlen (host) > strlen (self->site) &&
          host[strlen (host) - strlen (self->site) - 1] == '.');
}

static void
fall_back (KpPaymentPage *self,
           const char    *reason)
{
  g_autofree char *text = NULL;

  if (self->taken || self->fallen_back)
    return;
  self->fallen_back = TRUE;
  g_warning ("The payment page %s could not be shown: %s", self->url, reason);

  /* Translators: shown instead of KakaoPay's payment page, above the page's QR code;
   * %s is the reason, as the web engine gives it (often in English) */
  text = g_strdup_printf (_("KakaoPay’s payment page could not be shown here (%s). "
                            "Scan this code with a phone to open it there."), reason);
  gtk_label_set_text (self->fallback_label, text);
  kp_qr_paintable_set_text (self->qr, self->url);
  gtk_widget_set_visible (GTK_WIDGET (self->fallback_picture), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "fallback");
  if (self->web_view != NULL)
    webkit_web_view_stop_loading (self->web_view);
}

static void
show_taken (KpPaymentPage  *self,
            KpCallbackKind  kind)
{
  const char *text;

  self->taken = TRUE;
  switch (kind)
    {
    case KP_CALLBACK_APPROVE:
      text = _("Approved — completing the payment…");
      break;
    case KP_CALLBACK_CANCEL:
      text = _("The payment was cancelled.");
      break;
    case KP_CALLBACK_FAIL:
    default:
      text = _("The payment did not go through. Please try again, or ask at the counter.");
      break;
    }
  gtk_label_set_text (self->taken_label, text);
  gtk_stack_set_visible_child_name (self->stack, "taken");
}

static gboolean
decide_navigation (KpPaymentPage        *self,
                   WebKitPolicyDecision *decision)
{
  WebKitNavigationPolicyDecision *navigation = WEBKIT_NAVIGATION_POLICY_DECISION (decision);
  WebKitNavigationAction *action =
    webkit_navigation_policy_decision_get_navigation_action (navigation);
  const char *uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (action));
  KpCallbackKind kind = KP_CALLBACK_FAIL;

  /* KakaoPay's redirect at the end: the outcome, handed in, never loaded. */
  if (kp_checkout_take_redirect (self->checkout, uri, &kind))
    {
      webkit_policy_decision_ignore (decision);
      if (!self->taken && !self->fallen_back)
        show_taken (self, kind);
      return TRUE;
    }

  if (self->taken || !navigation_allowed (self, uri))
    {
      g_debug ("navigation to %s refused", uri);
      webkit_policy_decision_ignore (decision);
      /* Nothing shown yet, and nothing will be. */
      if (!self->committed)
        fall_back (self, _("it tried to open another site"));
      return TRUE;
    }

  webkit_policy_decision_use (decision);
  return TRUE;
}

static gboolean
on_web_view_decide_policy_cb (WebKitWebView            *web_view,
                              WebKitPolicyDecision     *decision,
                              WebKitPolicyDecisionType  type,
                              KpPaymentPage            *self)
{
  WebKitResponsePolicyDecision *response;

  switch (type)
    {
    case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
      return decide_navigation (self, decision);

    case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
      /* What the view cannot show would be a download: none. */
      response = WEBKIT_RESPONSE_POLICY_DECISION (decision);
      if (webkit_response_policy_decision_is_mime_type_supported (response))
        webkit_policy_decision_use (decision);
      else
        webkit_policy_decision_ignore (decision);
      return TRUE;

    case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
    default:
      webkit_policy_decision_ignore (decision);
      return TRUE;
    }
}

/* No window beside this one, whatever the page asks. */
static GtkWidget *
on_web_view_create_cb (WebKitWebView          *web_view,
                       WebKitNavigationAction *action,
                       KpPaymentPage          *self)
{
  return NULL;
}

static void
on_session_download_started_cb (WebKitNetworkSession *session,
                                WebKitDownload       *download,
                                KpPaymentPage        *self)
{
  g_debug ("download refused");
  webkit_download_cancel (download);
}

static gboolean
on_web_view_permission_request_cb (WebKitWebView           *web_view,
                                   WebKitPermissionRequest *request,
                                   KpPaymentPage           *self)
{
  webkit_permission_request_deny (request);
  return TRUE;
}

static gboolean
on_web_view_run_file_chooser_cb (WebKitWebView            *web_view,
                                 WebKitFileChooserRequest *request,
                                 KpPaymentPage            *self)
{
  webkit_file_chooser_request_cancel (request);
  return TRUE;
}

/* No menu (open in a new window, save, inspect) and no printing. */
static gboolean
on_web_view_refused_cb (WebKitWebView *web_view)
{
  return TRUE;
}

static void
pressed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JSCValue) value = NULL;

  value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);
  if (value == NULL)
    g_message ("test press failed: %s", error->message);
  else if (!jsc_value_to_boolean (value))
    g_message ("test press: no such button");
}

static void
on_web_view_load_changed_cb (WebKitWebView   *web_view,
                             WebKitLoadEvent  event,
                             KpPaymentPage   *self)
{
  g_autofree char *script = NULL;

  if (event == WEBKIT_LOAD_COMMITTED)
    self->committed = TRUE;
  if (event != WEBKIT_LOAD_FINISHED || self->test_press == NULL || self->taken ||
      self->fallen_back || !navigation_allowed (self, webkit_web_view_get_uri (web_view)))
    return;

  g_debug ("test: pressing “%s”", self->test_press);
  script = g_strdup_printf ("(function () {"
                            "  var button = document.getElementById ('%s');"
                            "  if (button) button.click ();"
                            "  return !!button;"
                            "}) ()", self->test_press);
  g_clear_pointer (&self->test_press, g_free);
  webkit_web_view_evaluate_javascript (web_view, script, -1, NULL, NULL, NULL, pressed_cb, NULL);
}

static gboolean
on_web_view_load_failed_cb (WebKitWebView   *web_view,
                            WebKitLoadEvent  event,
                            const char      *failing_uri,
                            GError          *error,
                            KpPaymentPage   *self)
{
  /* A load given up for another; or one stopped here (a callback link, another site, a
   * download) while the page stays as it was. Before anything showed, nothing will. */
  if (self->taken ||
      g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED) ||
      (self->committed &&
       g_error_matches (error, WEBKIT_POLICY_ERROR,
                        WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE)))
    return TRUE;
  fall_back (self, error->message);
  return TRUE;
}

static void
on_web_view_web_process_terminated_cb (WebKitWebView                     *web_view,
                                       WebKitWebProcessTerminationReason  reason,
                                       KpPaymentPage                     *self)
{
  fall_back (self, _("the page stopped working"));
}

static WebKitWebView *
new_web_view (KpPaymentPage *self)
{
  g_autoptr (WebKitSettings) settings = NULL;

  /* Only what a payment page needs: its script, no tools, windows, devices or files. */
  settings = webkit_settings_new_with_settings ("enable-developer-extras", FALSE,
                                                "javascript-can-open-windows-automatically",
                                                FALSE,
                                                "javascript-can-access-clipboard", FALSE,
                                                "allow-file-access-from-file-urls", FALSE,
                                                "allow-universal-access-from-file-urls", FALSE,
                                                "allow-top-navigation-to-data-urls", FALSE,
                                                "allow-modal-dialogs", FALSE,
                                                "enable-back-forward-navigation-gestures", FALSE,
                                                "enable-fullscreen", FALSE,
                                                "enable-media-stream", FALSE,
                                                "enable-webrtc", FALSE,
                                                "enable-webaudio", FALSE,
                                                "enable-webgl", FALSE,
                                                "enable-encrypted-media", FALSE,
                                                "enable-dns-prefetching", FALSE,
                                                NULL);
  return g_object_new (WEBKIT_TYPE_WEB_VIEW,
                       "network-session", self->session,
                       "settings", settings,
                       "hexpand", TRUE,
                       "vexpand", TRUE,
                       NULL);
}

static void
kp_payment_page_constructed (GObject *object)
{
  KpPaymentPage *self = KP_PAYMENT_PAGE (object);

  G_OBJECT_CLASS (kp_payment_page_parent_class)->constructed (object);

  self->origin = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, NULL);
  if (self->origin != NULL && g_uri_get_host (self->origin) != NULL &&
      g_ascii_strcasecmp (g_uri_get_scheme (self->origin), "https") == 0)
    {
      /* None for an address or a name of no registered domain (localhost). */
      const char *site = soup_tld_get_base_domain (g_uri_get_host (self->origin), NULL);

      self->site = site != NULL ? g_ascii_strdown (site, -1) : NULL;
    }

  self->session = webkit_network_session_new_ephemeral ();
  g_signal_connect_object (self->session, "download-started",
                           G_CALLBACK (on_session_download_started_cb), self, 0);

  self->web_view = new_web_view (self);
  g_signal_connect_object (self->web_view, "decide-policy",
                           G_CALLBACK (on_web_view_decide_policy_cb), self, 0);
  g_signal_connect_object (self->web_view, "create", G_CALLBACK (on_web_view_create_cb), self,
                           0);
  g_signal_connect_object (self->web_view, "permission-request",
                           G_CALLBACK (on_web_view_permission_request_cb), self, 0);
  g_signal_connect_object (self->web_view, "run-file-chooser",
                           G_CALLBACK (on_web_view_run_file_chooser_cb), self, 0);
  g_signal_connect (self->web_view, "context-menu", G_CALLBACK (on_web_view_refused_cb), NULL);
  g_signal_connect (self->web_view, "print", G_CALLBACK (on_web_view_refused_cb), NULL);
  g_signal_connect_object (self->web_view, "load-changed", G_CALLBACK (on_web_view_load_changed_cb),
                           self, 0);
  g_signal_connect_object (self->web_view, "load-failed", G_CALLBACK (on_web_view_load_failed_cb),
                           self, 0);
  g_signal_connect_object (self->web_view, "web-process-terminated",
                           G_CALLBACK (on_web_view_web_process_terminated_cb), self, 0);
  adw_bin_set_child (self->web_bin, GTK_WIDGET (self->web_view));

  self->test_press = take_test_press ();
  if (self->origin == NULL || !navigation_allowed (self, self->url))
    {
      fall_back (self, _("its address is not a web page"));
      return;
    }
  g_debug ("showing the payment page %s", self->url);
  webkit_web_view_load_uri (self->web_view, self->url);
}

static void
kp_payment_page_dispose (GObject *object)
{
  KpPaymentPage *self = KP_PAYMENT_PAGE (object);

  /* The web view first, then its session: nothing of the sale stays behind. */
  self->web_view = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_PAYMENT_PAGE);
  g_clear_object (&self->session);
  g_clear_object (&self->checkout);
  g_clear_object (&self->qr);

  G_OBJECT_CLASS (kp_payment_page_parent_class)->dispose (object);
}

static void
kp_payment_page_finalize (GObject *object)
{
  KpPaymentPage *self = KP_PAYMENT_PAGE (object);

  g_clear_pointer (&self->origin, g_uri_unref);
  g_free (self->site);
  g_free (self->url);
  g_free (self->test_press);

  G_OBJECT_CLASS (kp_payment_page_parent_class)->finalize (object);
}

static void
kp_payment_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KpPaymentPage *self = KP_PAYMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CHECKOUT:
      g_value_set_object (value, self->checkout);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_payment_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KpPaymentPage *self = KP_PAYMENT_PAGE (object);

  switch (prop_id)
    {
    case PROP_CHECKOUT:
      self->checkout = g_value_dup_object (value);
      break;
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_payment_page_class_init (KpPaymentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kp_payment_page_constructed;
  object_class->dispose = kp_payment_page_dispose;
  object_class->finalize = kp_payment_page_finalize;
  object_class->get_property = kp_payment_page_get_property;
  object_class->set_property = kp_payment_page_set_property;

  /**
   * KpPaymentPage:checkout:
   *
   * The checkout whose sale the page pays: it takes the redirects.
   */
  properties[PROP_CHECKOUT] =
    g_param_spec_object ("checkout", NULL, NULL, KP_TYPE_CHECKOUT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * KpPaymentPage:url:
   *
   * KakaoPay's page for the sale (next_redirect_pc_url).
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/"
                                               "kp-payment-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KpPaymentPage, fallback_label);
  gtk_widget_class_bind_template_child (widget_class, KpPaymentPage, fallback_picture);
  gtk_widget_class_bind_template_child (widget_class, KpPaymentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KpPaymentPage, taken_label);
  gtk_widget_class_bind_template_child (widget_class, KpPaymentPage, web_bin);
}

static void
kp_payment_page_init (KpPaymentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->qr = kp_qr_paintable_new ();
  gtk_picture_set_paintable (self->fallback_picture, GDK_PAINTABLE (self->qr));
}

/**
 * kp_payment_page_new:
 * @checkout: the checkout whose sale is waiting for the customer
 * @url: KakaoPay's PC page for it (next_redirect_pc_url)
 *
 * Returns: (transfer floating): a page that loads @url at once, in a network session
 *   of its own that goes with the page
 */
KpPaymentPage *
kp_payment_page_new (KpCheckout *checkout,
                     const char *url)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (checkout), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (KP_TYPE_PAYMENT_PAGE, "checkout", checkout, "url", url, NULL);
}

/**
 * kp_payment_page_get_url:
 *
 * Returns: the page it shows (or its QR code encodes)
 */
const char *
kp_payment_page_get_url (KpPaymentPage *self)
{
  g_return_val_if_fail (KP_IS_PAYMENT_PAGE (self), NULL);

  return self->url;
}

/* The module's table (kp-payment-page-module.h). */

static GtkWidget *
module_new_page (KpCheckout *checkout,
                 const char *url)
{
  return GTK_WIDGET (kp_payment_page_new (checkout, url));
}

static const char *
module_get_url (GtkWidget *page)
{
  return kp_payment_page_get_url (KP_PAYMENT_PAGE (page));
}

/**
 * kp_payment_page_module_get:
 *
 * The module's one entry point.
 *
 * Returns: (transfer none): what the program calls to show KakaoPay's page
 */
const KpPaymentPageModule *
kp_payment_page_module_get (void)
{
  static const KpPaymentPageModule module = {
    KP_PAYMENT_PAGE_MODULE_ABI,
    module_new_page,
    module_get_url,
  };

  return &module;
}
