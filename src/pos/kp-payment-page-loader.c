/* kp-payment-page-loader.c: KakaoPay's page in the app, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-payment-page"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "kp-payment-page-loader.h"
#include "kp-payment-page-module.h"
#include "kp-settings.h"

/* The web view that shows KakaoPay's page (qr-target "page") lives in a module of its
 * own, with WebKit and everything it brings: the program does not link it, and a
 * terminal that never shows the page never loads it. The first page loads the module,
 * once; it stays for the rest of the run (its types cannot go).
 *
 * Where it is: $KP_MODULE_DIR when set (the build tree's tests), and nowhere else;
 * otherwise beside the program (the build tree), where the program is installed
 * relative to it (a prefix moved, or a DESTDIR), and where it was configured to go. */

static char *module_path;                        /* found */
static const KpPaymentPageModule *page_module;   /* loaded */
static GError *failure;                          /* not to be found or loaded: for good */

#ifdef HAVE_WEBKIT
static char *
find_in (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, PAYMENT_PAGE_MODULE, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}
#endif

static char *
find_module (GError **error)
{
#ifdef HAVE_WEBKIT
  const char *env_dir = g_getenv ("KP_MODULE_DIR");
  g_autofree char *program = NULL;
  char *path = NULL;

  if (env_dir != NULL && *env_dir != '\0')
    {
      path = find_in (env_dir);
    }
  else
    {
      program = g_file_read_link ("/proc/self/exe", NULL);
      if (program != NULL)
        {
          g_autofree char *bin = g_path_get_dirname (program);
          g_autofree char *installed = g_build_filename (bin, PAYMENT_PAGE_MODULE_RELDIR, NULL);

          path = find_in (bin);
          if (path == NULL && *PAYMENT_PAGE_MODULE_RELDIR != '\0')
            path = find_in (installed);
        }
      if (path == NULL)
        path = find_in (PAYMENT_PAGE_MODULE_DIR);
    }
  if (path == NULL)
    /* Translators: why KakaoPay's page cannot be shown in the app; %s is a file name */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("its module %s is not installed"),
                 PAYMENT_PAGE_MODULE);
  return path;
#else
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       /* Translators: why KakaoPay's page cannot be shown in the app */
                       _("this build has no web engine (WebKit)"));
  return NULL;
#endif
}

static void
fail (GError *error)
{
  g_assert (failure == NULL);

  failure = error;
  g_clear_pointer (&module_path, g_free);
  /* Preferences and the command line no longer offer it. */
  kp_settings_set_has_payment_page (FALSE);
}

/* A module found that cannot be used: said once, never tried again. */
static gboolean
refuse (GError  *reason,
        GError **error)
{
  fail (reason);
  g_warning ("%s", failure->message);
  g_propagate_error (error, g_error_copy (failure));
  return FALSE;
}

/**
 * kp_payment_page_loader_find:
 * @error: return location for a #GError
 *
 * Looks for the module (the first time only), without loading it.
 *
 * Returns: (transfer full): the module's path, or %NULL with @error set if there is none
 *   or it could not be loaded
 */
char *
kp_payment_page_loader_find (GError **error)
{
  GError *local_error = NULL;

  if (module_path == NULL && failure == NULL)
    {
      module_path = find_module (&local_error);
      if (module_path == NULL)
        fail (local_error);
    }
  if (failure != NULL)
    {
      g_propagate_error (error, g_error_copy (failure));
      return NULL;
    }
  return g_strdup (module_path);
}

/**
 * kp_payment_page_loader_is_available:
 * @error: return location for a #GError: why not
 *
 * Whether KakaoPay's page can be shown: the module is there, and did not fail to load.
 * Cheap (it looks for a file): the module is loaded when the first page is shown.
 */
gboolean
kp_payment_page_loader_is_available (GError **error)
{
  g_autofree char *path = NULL;

  if (page_module != NULL)
    return TRUE;
  path = kp_payment_page_loader_find (error);
  return path != NULL;
}

/**
 * kp_payment_page_loader_load:
 * @error: return location for a #GError
 *
 * Loads the module, if it is not yet. A module that cannot be loaded is not tried again:
 * from then on the page is not available.
 *
 * Returns: whether the module is loaded
 */
gboolean
kp_payment_page_loader_load (GError **error)
{
  g_autofree char *path = NULL;
  GModule *module;
  KpPaymentPageModuleEntry entry = NULL;
  const KpPaymentPageModule *table = NULL;

  if (page_module != NULL)
    return TRUE;
  path = kp_payment_page_loader_find (error);
  if (path == NULL)
    return FALSE;

  g_debug ("loading %s", path);
  /* Every symbol resolved now: a module of another build fails here, not later. */
  module = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      /* Translators: why KakaoPay's page cannot be shown in the app; the first %s is a
       * file name, the second what the system said */
      return refuse (g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                  _("its module %s could not be loaded: %s"),
                                  path, g_module_error ()), error);
    }
  if (!g_module_symbol (module, KP_PAYMENT_PAGE_MODULE_ENTRY, (gpointer *) &entry) ||
      entry == NULL || (table = entry ()) == NULL || table->abi != KP_PAYMENT_PAGE_MODULE_ABI)
    {
      g_module_close (module);
      /* Translators: why KakaoPay's page cannot be shown in the app; %s is a file name */
      return refuse (g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                  _("its module %s belongs to another version of the program"),
                                  path), error);
    }

  /* Its types are registered for the rest of the run. */
  g_module_make_resident (module);
  page_module = table;
  return TRUE;
}

/**
 * kp_payment_page_loader_new_page:
 * @checkout: the checkout whose sale is waiting for the customer
 * @url: KakaoPay's PC page for it (next_redirect_pc_url)
 * @error: return location for a #GError
 *
 * Loads the module if it is not yet, and makes a page of it.
 *
 * Returns: (transfer floating): a page that loads @url at once and hands the redirect
 *   at the end to @checkout, or %NULL with @error set if the module cannot be loaded
 */
GtkWidget *
kp_payment_page_loader_new_page (KpCheckout  *checkout,
                                 const char  *url,
                                 GError     **error)
{
  g_return_val_if_fail (KP_IS_CHECKOUT (checkout), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  if (!kp_payment_page_loader_load (error))
    return NULL;
  return page_module->new_page (checkout, url);
}

/**
 * kp_payment_page_loader_get_url:
 * @page: a page of kp_payment_page_loader_new_page()
 *
 * Returns: the URL that @page shows
 */
const char *
kp_payment_page_loader_get_url (GtkWidget *page)
{
  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  g_return_val_if_fail (page_module != NULL, NULL);

  return page_module->get_url (page);
}

/**
 * kp_payment_page_loader_describe:
 * @page: (nullable): the page shown, if any
 * @error: (nullable): why no page could be shown, if so
 *
 * Returns: (transfer full): what the customer reads beside the page, or above the QR
 *   code shown instead of it
 */
char *
kp_payment_page_loader_describe (GtkWidget    *page,
                                 const GError *error)
{
  if (error != NULL)
    /* Translators: shown instead of KakaoPay's payment page, above the page's QR code;
     * %s is the reason, as the web engine gives it (often in English) */
    return g_strdup_printf (_("KakaoPay’s payment page could not be shown here (%s). "
                              "Scan this code with a phone to open it there."),
                            error->message);
  return g_strdup (page != NULL ? _("Pay with KakaoPay on this screen")
                                : _("Scan with your phone to pay with KakaoPay"));
}
