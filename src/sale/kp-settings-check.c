/* kp-settings-check.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-settings-check"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-address.h"
#include "kp-business-number.h"
#include "kp-client.h"
#include "kp-payment.h"
#include "kp-settings-check.h"

/* What the shop owner may type into a setting, and the form it is stored in. Each check
 * returns the value to store (normalised) or fails with a message for the owner that
 * says what is expected, with an example. */

G_DEFINE_QUARK (kp-settings-check-error-quark, kp_settings_check_error)

static gboolean
is_printable_line (const char *text,
                   gsize       max_chars)
{
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max_chars)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

static char *
check_plain (const char  *text,
             gsize        max_chars,
             const char  *what,
             GError     **error)
{
  if (!is_printable_line (text, max_chars))
    {
      g_set_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                   /* Translators: %s names the field (“The shop name”), %d is a number
                    * of characters */
                   _("%s must be one line of at most %d characters."), what, (int) max_chars);
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_business_number (const char  *text,
                       GError     **error)
{
  if (*text == '\0')
    return g_strdup ("");
  return kp_business_number_parse (text, error);
}

static char *
check_phone (const char  *text,
             GError     **error)
{
  guint digits = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!strchr (" -+()", *p))
        digits = 100;
    }
  if (*text != '\0' && (digits < 7 || digits > 15))
    {
      g_set_error_literal (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                           _("Enter the phone number with digits only (dashes and spaces "
                             "are fine), for example 02-123-4567."));
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_cid (const char  *text,
           GError     **error)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        {
          g_set_error_literal (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                               _("The CID has only letters and digits, for example "
                                 "TC0ONETIME."));
          return NULL;
        }
    }
  if (strlen (text) != KP_CID_LENGTH)
    {
      g_set_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                   _("The CID KakaoPay issues has %d characters, for example TC0ONETIME."),
                   KP_CID_LENGTH);
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_http_url (const char  *text,
                gboolean     allow_path,
                const char  *example,
                GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  const char *scheme;

  if (*trimmed == '\0')
    return g_strdup ("");
  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL ||
      (!allow_path && *g_uri_get_path (uri) != '\0' &&
       g_strcmp0 (g_uri_get_path (uri), "/") != 0))
    {
      g_set_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                   /* Translators: %s is an example address */
                   _("Enter an address starting with http:// or https://, for example %s."),
                   example);
      return NULL;
    }
  /* Paths are appended to it: no trailing slash. */
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  return g_steal_pointer (&trimmed);
}

/* With real payments, the key and the relay token travel only over https. */
static char *
check_secret_url (const char  *text,
                  gboolean     allow_path,
                  const char  *example,
                  gboolean     real_payments,
                  GError     **error)
{
  g_autofree char *url = check_http_url (text, allow_path, example, error);

  if (url != NULL && *url != '\0' && real_payments && !kp_endpoint_check_transport (url, error))
    return NULL;
  return g_steal_pointer (&url);
}

static char *
check_listen (const char  *text,
              GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (*text == '\0')
    return g_strdup ("");
  if (!kp_address_parse_host_port (text, "0.0.0.0", &host, &port, NULL))
    {
      g_set_error_literal (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                           _("Enter a network address and a port, for example 0.0.0.0:8790 "
                             "(every network of this computer, port 8790)."));
      return NULL;
    }
  return g_strdup (text);
}

static char *
check_terminal_id (const char  *text,
                   GError     **error)
{
  gboolean ok = *text != '\0' && strlen (text) <= 64;

  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || strchr ("-_.", *p) != NULL;
  if (!ok)
    {
      g_set_error_literal (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                           _("The terminal ID is 1 to 64 letters, digits, “-”, “_” or “.”, "
                             "for example T1."));
      return NULL;
    }
  return g_strdup (text);
}

/**
 * kp_settings_check_text:
 * @key: the key of a text setting the shop owner edits: shop-name, shop-business-number,
 *   shop-representative, shop-address, shop-phone, cid, api-base, callback-listen,
 *   callback-base, relay-url or terminal-id
 * @text: what the owner typed; spaces around it do not count
 * @real_payments: whether payments are real (not test mode): then the API and relay
 *   addresses must keep the secrets off the network (kp_endpoint_check_transport())
 * @error: why @text does not fit, with a message for the shop owner
 *
 * Returns: (transfer full) (nullable): the value to store, normalised (a business
 *   number with its dashes, an address without a trailing slash), or %NULL
 */
char *
kp_settings_check_text (const char  *key,
                        const char  *text,
                        gboolean     real_payments,
                        GError     **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if (g_str_equal (key, "shop-name"))
    return check_plain (stripped, 100, _("The shop name"), error);
  if (g_str_equal (key, "shop-business-number"))
    return check_business_number (stripped, error);
  if (g_str_equal (key, "shop-representative"))
    return check_plain (stripped, 100, _("The representative’s name"), error);
  if (g_str_equal (key, "shop-address"))
    return check_plain (stripped, 200, _("The address"), error);
  if (g_str_equal (key, "shop-phone"))
    return check_phone (stripped, error);
  if (g_str_equal (key, "cid"))
    return check_cid (stripped, error);
  if (g_str_equal (key, "api-base"))
    return check_secret_url (stripped, FALSE, "https://open-api.kakaopay.com", real_payments,
                             error);
  if (g_str_equal (key, "callback-listen"))
    return check_listen (stripped, error);
  if (g_str_equal (key, "callback-base"))
    return check_http_url (stripped, TRUE, "http://192.168.0.20:8790", error);
  if (g_str_equal (key, "relay-url"))
    return check_secret_url (stripped, TRUE, "https://pay.example.com", real_payments, error);
  if (g_str_equal (key, "terminal-id"))
    return check_terminal_id (stripped, error);

  g_return_val_if_reached (NULL);
}

/**
 * kp_settings_check_cid_secret:
 * @text: the CID secret as typed, or empty for none
 * @error: why it does not fit, with a message for the shop owner
 *
 * Returns: (transfer full) (nullable): @text, or %NULL
 */
char *
kp_settings_check_cid_secret (const char  *text,
                              GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  ok = *text == '\0' || strlen (text) == KP_CID_SECRET_LENGTH;
  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isdigit (*p) || g_ascii_islower (*p);
  if (!ok)
    {
      g_set_error (error, KP_SETTINGS_CHECK_ERROR, KP_SETTINGS_CHECK_ERROR_INVALID,
                   _("The CID secret has %d digits or lowercase letters. Leave it empty if "
                     "KakaoPay gave you none."), KP_CID_SECRET_LENGTH);
      return NULL;
    }
  return g_strdup (text);
}

/**
 * kp_settings_check_secret:
 * @text: a secret key or a relay token, spaces around it removed
 *
 * Returns: whether @text can be a secret for the keyring: 1 to 200 printable ASCII
 *   characters without spaces
 */
gboolean
kp_settings_check_secret (const char *text)
{
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);

  ok = *text != '\0' && strlen (text) <= 200;
  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isgraph (*p);
  return ok;
}
