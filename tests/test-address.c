/* test-address.c: listening addresses read, bound and written as URLs
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kp-address.h"

static void
test_parse (void)
{
  struct { const char *text, *default_host, *host; guint16 port; } good[] = {
    { "0.0.0.0:8790", "0.0.0.0", "0.0.0.0", 8790 },
    { "127.0.0.1:0", "0.0.0.0", "127.0.0.1", 0 },
    { "192.168.0.10:65535", "0.0.0.0", "192.168.0.10", 65535 },
    { ":8791", "0.0.0.0", "0.0.0.0", 8791 },
    { ":8765", "127.0.0.1", "127.0.0.1", 8765 },
    { "[::1]:80", "0.0.0.0", "::1", 80 },
    { "[::]:8790", "0.0.0.0", "::", 8790 },
    /* A name is an address too; kp_address_new_listen() says what can be bound. */
    { "localhost:8765", "0.0.0.0", "localhost", 8765 },
    { "shop.example:80", "0.0.0.0", "shop.example", 80 },
  };
  const char *bad[] = {
    "",
    ":",
    "localhost",
    "1.2.3.4",
    "1.2.3.4:",
    "1.2.3.4:99999",
    "1.2.3.4:65536",
    "1.2.3.4:-1",
    "1.2.3.4:http",
    "1.2.3.4:80/x",
    "1.2.3.4:80/",
    "1.2.3.4:80?x",
    "1.2.3.4:80#x",
    "user@1.2.3.4:80",
    "::1:80",
    "[::1:80",
    "http://1.2.3.4:80",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *host = NULL;
      g_autoptr (GError) error = NULL;
      guint16 port = 1;

      g_test_message ("accept \"%s\"", good[i].text);
      g_assert_true (kp_address_parse_host_port (good[i].text, good[i].default_host, &host,
                                                 &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, good[i].host);
      g_assert_cmpuint (port, ==, good[i].port);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *host = NULL;
      g_autoptr (GError) error = NULL;
      guint16 port = 7;

      g_test_message ("refuse \"%s\"", bad[i]);
      g_assert_false (kp_address_parse_host_port (bad[i], "0.0.0.0", &host, &port, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      /* The message quotes what was typed and shows the form. */
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_nonnull (strstr (error->message, "0.0.0.0:8790"));
      g_assert_null (host);
      g_assert_cmpuint (port, ==, 7);
    }

  {
    g_autofree char *host = NULL;
    guint16 port = 7;

    g_assert_false (kp_address_parse_host_port (NULL, "0.0.0.0", &host, &port, NULL));
    g_assert_null (host);
  }
}

static void
test_new_listen (void)
{
  struct { const char *host; const char *address; GSocketFamily family; } good[] = {
    { NULL, "127.0.0.1", G_SOCKET_FAMILY_IPV4 },
    { "localhost", "127.0.0.1", G_SOCKET_FAMILY_IPV4 },
    { "LocalHost", "127.0.0.1", G_SOCKET_FAMILY_IPV4 },
    { "127.0.0.1", "127.0.0.1", G_SOCKET_FAMILY_IPV4 },
    { "0.0.0.0", "0.0.0.0", G_SOCKET_FAMILY_IPV4 },
    { "::1", "::1", G_SOCKET_FAMILY_IPV6 },
    { "::", "::", G_SOCKET_FAMILY_IPV6 },
  };
  const char *bad[] = { "", "shop.example", "1.2.3.4:80", "[::1]", "256.0.0.1" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocketAddress) address = kp_address_new_listen (good[i].host, 8790, &error);
      GInetSocketAddress *inet;
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      g_assert_true (G_IS_INET_SOCKET_ADDRESS (address));
      inet = G_INET_SOCKET_ADDRESS (address);
      text = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
      g_assert_cmpstr (text, ==, good[i].address);
      g_assert_cmpint (g_socket_address_get_family (address), ==, good[i].family);
      g_assert_cmpuint (g_inet_socket_address_get_port (inet), ==, 8790);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocketAddress) address = kp_address_new_listen (bad[i], 0, &error);

      g_assert_null (address);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

static void
test_url (void)
{
  struct { const char *host; guint16 port; const char *url, *local_url; } cases[] = {
    { "127.0.0.1", 8765, "http://127.0.0.1:8765", "http://127.0.0.1:8765" },
    { "192.168.0.10", 1, "http://192.168.0.10:1", "http://192.168.0.10:1" },
    /* Bound everywhere: as it is, or the way in from this machine. */
    { "0.0.0.0", 8790, "http://0.0.0.0:8790", "http://127.0.0.1:8790" },
    { "::1", 80, "http://[::1]:80", "http://[::1]:80" },
    { "::", 65535, "http://[::]:65535", "http://[::1]:65535" },
    { "fe80::1", 8080, "http://[fe80::1]:8080", "http://[fe80::1]:8080" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (cases[i].host);
      g_autoptr (GSocketAddress) address = g_inet_socket_address_new (inet, cases[i].port);
      g_autofree char *url = kp_address_dup_url (address);
      g_autofree char *local_url = kp_address_dup_local_url (address);

      g_assert_cmpstr (url, ==, cases[i].url);
      g_assert_cmpstr (local_url, ==, cases[i].local_url);
    }

  g_assert_null (kp_address_dup_url (NULL));
  g_assert_null (kp_address_dup_local_url (NULL));
}

/* Listens for real on loopback, any port, and reaches the socket through the URL. */
static void
check_reachable (const char *host,
                 const char *url_prefix)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GSocketAddress) address = kp_address_new_listen (host, 0, &error);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  guint16 port;

  g_assert_no_error (error);
  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective,
                                                &error));
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_assert_cmpuint (port, !=, 0);

  url = kp_address_dup_local_url (effective);
  expected = g_strdup_printf ("%s%u", url_prefix, port);
  g_assert_cmpstr (url, ==, expected);

  /* The connection waits in the listener's backlog: nothing has to accept it. */
  connection = g_socket_client_connect_to_uri (client, url, 0, NULL, &error);
  g_assert_no_error (error);
  remote = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)), ==, port);
  g_socket_listener_close (listener);
}

static void
test_listen (void)
{
  check_reachable ("127.0.0.1", "http://127.0.0.1:");
  check_reachable (NULL, "http://127.0.0.1:");
  check_reachable ("0.0.0.0", "http://127.0.0.1:");
}

/* The port a link really goes to: the one it names, or its scheme's. */
static void
test_uri_port (void)
{
  const struct { const char *uri; int port; } cases[] = {
    { "http://127.0.0.1:8765/approve?n=1", 8765 },
    { "https://online-pay.kakao.com/mockup/v1/abc", 443 },
    { "HTTPS://online-pay.kakao.com/", 443 },
    { "http://localhost/approve", 80 },
    { "https://example.com:8443/", 8443 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GUri) uri = g_uri_parse (cases[i].uri, G_URI_FLAGS_NONE, NULL);

      g_assert_nonnull (uri);
      g_assert_cmpint (kp_address_uri_port (uri), ==, cases[i].port);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/address/parse", test_parse);
  g_test_add_func ("/kp/address/new-listen", test_new_listen);
  g_test_add_func ("/kp/address/url", test_url);
  g_test_add_func ("/kp/address/listen", test_listen);
  g_test_add_func ("/kp/address/uri-port", test_uri_port);

  return g_test_run ();
}
