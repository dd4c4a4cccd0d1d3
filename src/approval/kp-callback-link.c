/* kp-callback-link.c: the callback links a customer's phone follows
 *
 * The kinds of callback, the links' nonces (made and checked) and the URLs they go to,
 * and the relay's per-order secret: shared by the terminal's listener and
 * kakaopay-relay, and free of any HTTP library, so that the relay does not bring one it
 * does not use.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-approval-listener"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include "kp-approval-listener.h"
#include "kp-callback-page.h"
#include "kp-relay-client.h"

static const char * const kind_names[] = { "approve", "cancel", "fail" };

const char *
kp_callback_kind_to_string (KpCallbackKind kind)
{
  g_return_val_if_fail (kind <= KP_CALLBACK_FAIL, NULL);

  return kind_names[kind];
}

/**
 * kp_callback_kind_from_string:
 * @text: (nullable): a kind's name, as kp_callback_kind_to_string() gives it
 * @length: its length in bytes, or -1 if @text ends with a NUL
 * @out_kind: (out): the kind it names
 *
 * Returns: whether @text names a kind
 */
gboolean
kp_callback_kind_from_string (const char     *text,
                              gssize          length,
                              KpCallbackKind *out_kind)
{
  if (text == NULL)
    return FALSE;
  if (length < 0)
    length = strlen (text);
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (strlen (kind_names[i]) == (gsize) length &&
          strncmp (text, kind_names[i], length) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * kp_random_hex:
 * @n_bytes: how many random bytes
 *
 * Returns: (transfer full): @n_bytes from the kernel's CSPRNG, as lowercase hex
 */
char *
kp_random_hex (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *hex = g_string_sized_new (n_bytes * 2);
  gsize done = 0;

  while (done < n_bytes)
    {
      ssize_t n = getrandom (bytes + done, n_bytes - done, 0);

      if (n < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += n;
    }
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

/**
 * kp_callback_link_nonce:
 * @secret: the sale's secret (what kp_approval_listener_expect() is given)
 * @expires: Unix time after which the link is refused
 *
 * Returns: (transfer full): the `n` of the link for @kind and @partner_order_id,
 *   `{expires}.{mac}` (see %KP_CALLBACK_LINK_MAC_LENGTH)
 */
char *
kp_callback_link_nonce (const char     *secret,
                        KpCallbackKind  kind,
                        const char     *partner_order_id,
                        gint64          expires)
{
  g_autoptr (GHmac) hmac = NULL;
  g_autofree char *message = NULL;
  char mac[KP_CALLBACK_LINK_MAC_LENGTH + 1];

  g_return_val_if_fail (secret != NULL && partner_order_id != NULL, NULL);
  g_return_val_if_fail (kind <= KP_CALLBACK_FAIL, NULL);

  message = g_strdup_printf ("%s\n%s\n%" G_GINT64_FORMAT, kind_names[kind], partner_order_id,
                             expires);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) message, strlen (message));
  g_strlcpy (mac, g_hmac_get_string (hmac), sizeof mac);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s", expires, mac);
}

/**
 * kp_callback_link_check:
 * @nonce: (nullable): the `n` the request carried
 * @now: the Unix time now
 * @out_expires: (out) (optional): the link's expiry, when it is valid or expired
 *
 * Checks @nonce against the link made with kp_callback_link_nonce() for @kind and
 * @partner_order_id, comparing in constant time.
 */
KpCallbackLinkCheck
kp_callback_link_check (const char     *secret,
                        KpCallbackKind  kind,
                        const char     *partner_order_id,
                        const char     *nonce,
                        gint64          now,
                        gint64         *out_expires)
{
  g_autofree char *expected = NULL;
  const char *dot;
  guint64 expires;

  g_return_val_if_fail (secret != NULL && partner_order_id != NULL, KP_CALLBACK_LINK_FORGED);

  if (nonce == NULL || (dot = strchr (nonce, '.')) == NULL || dot == nonce || dot - nonce > 12)
    return KP_CALLBACK_LINK_FORGED;
  for (const char *c = nonce; c < dot; c++)
    {
      if (!g_ascii_isdigit (*c))
        return KP_CALLBACK_LINK_FORGED;
    }
  expires = g_ascii_strtoull (nonce, NULL, 10);
  expected = kp_callback_link_nonce (secret, kind, partner_order_id, (gint64) expires);
  if (!kp_callback_nonce_equal (expected, nonce))
    return KP_CALLBACK_LINK_FORGED;
  if (out_expires != NULL)
    *out_expires = expires;
  return (gint64) expires < now ? KP_CALLBACK_LINK_EXPIRED : KP_CALLBACK_LINK_VALID;
}

/**
 * kp_callback_url:
 * @callback_base: scheme, host, port (and optional path prefix) the customer's
 *   browser can reach
 * @secret: the sale's secret
 * @expires: Unix time after which the link is refused
 *
 * Returns: (transfer full): `{base}/kakaopay/{approve|cancel|fail}/{order}?n={nonce}`
 *   with kp_callback_link_nonce() as the nonce
 */
char *
kp_callback_url (const char     *callback_base,
                 KpCallbackKind  kind,
                 const char     *partner_order_id,
                 const char     *secret,
                 gint64          expires)
{
  g_autofree char *base = g_strdup (callback_base);
  g_autofree char *order = g_uri_escape_string (partner_order_id, NULL, FALSE);
  g_autofree char *nonce = kp_callback_link_nonce (secret, kind, partner_order_id, expires);
  g_autofree char *escaped_nonce = g_uri_escape_string (nonce, NULL, FALSE);

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return g_strdup_printf ("%s/kakaopay/%s/%s?n=%s", base, kind_names[kind], order, escaped_nonce);
}

/**
 * kp_relay_nonce:
 * @token: the terminal's secret token
 * @partner_order_id: the sale
 *
 * Returns: (transfer full): the first %KP_RELAY_NONCE_LENGTH lowercase hex digits of
 *   HMAC-SHA256 keyed by @token over @partner_order_id
 */
char *
kp_relay_nonce (const char *token,
                const char *partner_order_id)
{
  g_autoptr (GHmac) hmac = NULL;
  char *hex;

  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (partner_order_id != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) token, strlen (token));
  g_hmac_update (hmac, (const guchar *) partner_order_id, strlen (partner_order_id));
  hex = g_strdup (g_hmac_get_string (hmac));
  hex[KP_RELAY_NONCE_LENGTH] = '\0';
  return hex;
}
