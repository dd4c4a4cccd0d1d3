/* test-http-head.c: screening request heads (kp-http-head.c)
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-http-head.h"

/* Feeds @text @chunk bytes at a time, as reads would bring it.
 *
 * Returns: the verdict once there is one, or KP_HTTP_HEAD_MORE */
static int
scan (const char *text,
      gsize       chunk,
      gsize      *out_head_length,
      gboolean   *out_upgrade)
{
  gsize length = MIN (strlen (text), KP_HTTP_HEAD_MAX_READ);
  gsize scanned = 0;

  while (scanned < length)
    {
      gsize now = MIN (scanned + chunk, length);
      const char *why = NULL;
      int status = kp_http_head_scan ((const guint8 *) text, scanned, now, out_head_length,
                                      out_upgrade, &why);

      if (status != KP_HTTP_HEAD_MORE)
        {
          g_assert_true (status == 0 || why != NULL);
          return status;
        }
      scanned = now;
    }
  return KP_HTTP_HEAD_MORE;
}

static void
assert_verdict (const char *text,
                int         expected)
{
  /* Whole, a byte at a time (every CR LF split), and in odd pieces. */
  static const gsize chunks[] = { 100000, 1, 7, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      gsize head_length = 0;
      gboolean upgrade = FALSE;
      int status = scan (text, chunks[i], &head_length, &upgrade);

      if (status != expected)
        g_error ("%.60s… in pieces of %zu: %d, not %d", text, chunks[i], status, expected);
    }
}

static void
test_good (void)
{
  const char *text = "GET /t/T1/cancel/A-1?n=abc HTTP/1.1\r\nHost: x\r\n\r\nleftover";
  gsize head_length = 0;
  gboolean upgrade = TRUE;

  g_assert_cmpint (scan (text, 100000, &head_length, &upgrade), ==, 0);
  g_assert_cmpuint (head_length, ==, strlen (text) - strlen ("leftover"));
  g_assert_false (upgrade);

  g_assert_cmpint (scan ("GET /t/T1/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\n\r\n", 3, &head_length, &upgrade), ==, 0);
  g_assert_true (upgrade);
  assert_verdict ("HEAD /health HTTP/1.0\r\n\r\n", 0);
  assert_verdict ("GET / HTTP/1.1\r\nContent-Length: 000\r\n\r\n", 0);
  assert_verdict ("GET /t/T1/approve/A%2D1?n=a%2Bb HTTP/1.1\r\n\r\n", 0);
  /* Not complete yet: read on. */
  assert_verdict ("GET /t/T1/events HTTP/1.1\r\nHo", KP_HTTP_HEAD_MORE);
}

static void
test_refused (void)
{
  g_autofree char *long_target = g_strnfill (KP_APPROVAL_LISTENER_MAX_URI_LENGTH + 10, 'a');
  g_autofree char *big = g_strnfill (KP_APPROVAL_LISTENER_MAX_HEADER_BYTES, 'h');
  g_autofree char *long_line = g_strdup_printf ("GET /%s HTTP/1.1\r\n\r\n", long_target);
  g_autofree char *endless_line = g_strdup_printf ("GET /%s%s", long_target, long_target);
  g_autofree char *big_head = g_strdup_printf ("GET / HTTP/1.1\r\nX-Big: %s\r\n\r\n", big);
  g_autofree char *endless_head = g_strdup_printf ("GET / HTTP/1.1\r\nX-Big: %s%s", big, big);
  GString *many = g_string_new ("GET / HTTP/1.1\r\n");

  assert_verdict (long_line, 414);
  /* Refused before its end comes. */
  assert_verdict (endless_line, 414);
  assert_verdict (big_head, 431);
  assert_verdict (endless_head, 431);
  for (guint i = 0; i <= KP_APPROVAL_LISTENER_MAX_HEADER_FIELDS; i++)
    g_string_append_printf (many, "X-%u: 1\r\n", i);
  g_string_append (many, "\r\n");
  assert_verdict (many->str, 431);
  g_string_free (many, TRUE);

  assert_verdict ("POST /t/T1/cancel/A-1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 413);
  assert_verdict ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 413);
  assert_verdict ("GET / HTTP/1.1\r\nTransfer-Encoding: gzip, identity\r\n\r\n", 501);
  assert_verdict ("GET / HTTP/1.1\r\nContent-Length: twelve\r\n\r\n", 400);
  assert_verdict ("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
  assert_verdict ("GET / HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  assert_verdict ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  assert_verdict ("DELETE /t/T1/events HTTP/1.1\r\n\r\n", 405);
  assert_verdict ("BREW /pot HTTP/1.1\r\n\r\n", 501);
  assert_verdict ("GET /\001 HTTP/1.1\r\n\r\n", 400);
  assert_verdict ("GET / HTTP/1.1\nHost: x\n\n", 400);
  assert_verdict ("GET / HTTP/1.1\r\rHost: x\r\n\r\n", 400);
  assert_verdict ("GET x HTTP/1.1\r\n\r\n", 400);
  assert_verdict ("GET /t/T1/events%zz HTTP/1.1\r\n\r\n", 400);
  assert_verdict ("GET /t/T1/events%2 HTTP/1.1\r\n\r\n", 400);
  assert_verdict ("GET /a%00b HTTP/1.1\r\n\r\n", 400);
  /* A body is refused first, whatever the target. */
  assert_verdict ("POST /%00 HTTP/1.1\r\nContent-Length: 100\r\n\r\n", 413);
  assert_verdict ("GET / HTTP/2.0\r\n\r\n", 400);
  assert_verdict ("GET / HTTP/1.1\r\nBad Name: 1\r\n\r\n", 400);
}

static void
test_refusal (void)
{
  gsize length = 0;
  g_autofree char *answer = kp_http_head_refusal (405, &length);
  g_autofree char *other = NULL;

  g_assert_cmpuint (length, ==, strlen (answer));
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 405 Method Not Allowed\r\n"));
  g_assert_nonnull (strstr (answer, "Allow: GET, HEAD\r\n"));
  g_assert_nonnull (strstr (answer, "Connection: close\r\n"));
  g_assert_true (g_str_has_suffix (answer, "\r\n\r\nMethod Not Allowed\n"));

  other = kp_http_head_refusal (408, &length);
  g_assert_true (g_str_has_prefix (other, "HTTP/1.1 408 Request Timeout\r\n"));
  g_assert_null (strstr (other, "Allow:"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/http-head/good", test_good);
  g_test_add_func ("/kp/http-head/refused", test_refused);
  g_test_add_func ("/kp/http-head/refusal", test_refusal);

  return g_test_run ();
}
