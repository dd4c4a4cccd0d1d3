/* kp-address.c: the addresses the programs listen on, as people write them and as
 * URLs, the one place they are read and written
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-address"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kp-address.h"

/**
 * kp_address_parse_host_port:
 * @text: (nullable): `HOST:PORT`, `[IPv6]:PORT`, or `:PORT`
 * @default_host: the host `:PORT` means ("0.0.0.0" for every interface, "127.0.0.1"
 *   for this machine only)
 * @out_host: (out) (transfer full): return location for the host, without brackets
 * @out_port: (out): return location for the port, 0 meaning any free one
 * @error: return location for a %G_IO_ERROR_INVALID_ARGUMENT
 *
 * Reads an address to listen on, as a setting, a configuration file or a command
 * line gives it. The host may be any name; kp_address_new_listen() says whether it
 * can be listened on.
 *
 * GLib's URI parser reads it as a URL's authority, brackets and all; the port must be
 * there, as digits, and nothing may follow it. (g_network_address_parse() would also
 * take a missing port, a service name for one and an IPv6 address without brackets.)
 *
 * Returns: whether @text is an address and port
 */
gboolean
kp_address_parse_host_port (const char  *text,
                            const char  *default_host,
                            char       **out_host,
                            guint16     *out_port,
                            GError     **error)
{
  g_autofree char *uri_text = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *host = NULL;
  int port = -1;

  g_return_val_if_fail (default_host != NULL, FALSE);
  g_return_val_if_fail (out_host != NULL && out_port != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uri_text = g_strconcat ("http://", text != NULL ? text : "", NULL);
  uri = g_uri_parse (uri_text, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_userinfo (uri) == NULL && *g_uri_get_path (uri) == '\0' &&
      g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL)
    {
      host = g_uri_get_host (uri);
      port = g_uri_get_port (uri);
    }
  if (host != NULL && *host == '\0' && text != NULL && text[0] == ':')
    host = default_host;

  if (host == NULL || *host == '\0' || port < 0 || port > G_MAXUINT16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what the user typed */
                   _("“%s” is not an address and port such as 0.0.0.0:8790."),
                   text != NULL ? text : "");
      return FALSE;
    }

  *out_host = g_strdup (host);
  *out_port = (guint16) port;
  return TRUE;
}

/**
 * kp_address_new_listen:
 * @host: (nullable): an IP address ("0.0.0.0" for every interface, "127.0.0.1" for
 *   loopback, "::1"…) or "localhost"; %NULL for 127.0.0.1
 * @port: the port, 0 for any free one
 * @error: return location for a %G_IO_ERROR_INVALID_ARGUMENT
 *
 * The socket address to bind for listening on @host and @port. A host name other
 * than "localhost" is refused: a listener binds addresses, it does not look names up.
 *
 * Returns: (transfer full) (nullable): the address, or %NULL with @error set
 */
GSocketAddress *
kp_address_new_listen (const char  *host,
                       guint16      port,
                       GError     **error)
{
  g_autoptr (GInetAddress) address = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (host == NULL || g_ascii_strcasecmp (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is a network address */
                   _("“%s” is not an IP address to listen on."), host);
      return NULL;
    }

  return g_inet_socket_address_new (address, port);
}

static char *
dup_url (GInetAddress *address,
         guint16       port)
{
  g_autofree char *host = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u", host, port);
  return g_strdup_printf ("http://%s:%u", host, port);
}

/**
 * kp_address_dup_url:
 * @address: (nullable): where a socket listens, as bound
 *
 * The address as a URL's start, without a trailing slash: a wildcard address stays
 * as it is ("http://0.0.0.0:8790"), so that the caller sees it listens everywhere.
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT` (an IPv6 host in
 *   brackets), or %NULL if @address is not an IP socket address
 */
char *
kp_address_dup_url (GSocketAddress *address)
{
  GInetSocketAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = G_INET_SOCKET_ADDRESS (address);
  return dup_url (g_inet_socket_address_get_address (inet),
                  g_inet_socket_address_get_port (inet));
}

/**
 * kp_address_dup_local_url:
 * @address: (nullable): where a socket listens, as bound
 *
 * Like kp_address_dup_url(), but the URL a client on this machine uses: a wildcard
 * address is reached through the loopback address of its family
 * ("http://127.0.0.1:8765", "http://[::1]:8765").
 *
 * Returns: (transfer full) (nullable): `http://HOST:PORT`, or %NULL if @address is
 *   not an IP socket address
 */
char *
kp_address_dup_local_url (GSocketAddress *address)
{
  GInetSocketAddress *inet;
  GInetAddress *host;
  g_autoptr (GInetAddress) loopback = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_socket_address_get_address (inet);
  if (g_inet_address_get_is_any (host))
    host = loopback = g_inet_address_new_loopback (g_inet_address_get_family (host));
  return dup_url (host, g_inet_socket_address_get_port (inet));
}

/**
 * kp_address_uri_port:
 * @uri: an http or https URI
 *
 * Returns: the port @uri names, or its scheme's default (443 for https, else 80)
 */
int
kp_address_uri_port (GUri *uri)
{
  int port;

  g_return_val_if_fail (uri != NULL, -1);

  port = g_uri_get_port (uri);
  if (port != -1)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}
