/* kp-http-head.c: screening a request head
 *
 * The rules a request head (request line and headers) must meet before a server sees
 * any of it: the limits of kp-approval-listener.h and the rules of HTTP/1.1 that
 * libsoup 3.2 and libwebsockets 4.1 are lax or leaky about. Bytes in, a verdict out:
 * read on, hand the head over, or refuse it with a status (400, 405, 413, 414, 431 or
 * 501). The guard (kp-http-guard-head.c) reads heads with it; so does anything else that
 * accepts connections from the internet.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-http-guard"

#include "config.h"

#include <string.h>

#include "kp-approval-listener.h"
#include "kp-http-head.h"

#define MAX_METHOD_LENGTH 16
/* "METHOD SP target SP HTTP/1.1 CR LF" */
#define MAX_REQUEST_LINE (MAX_METHOD_LENGTH + 1 + KP_APPROVAL_LISTENER_MAX_URI_LENGTH + 11)

/**
 * kp_http_head_status_text:
 *
 * Returns: the reason phrase of a refusal's @status
 */
const char *
kp_http_head_status_text (guint status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return "Bad Request";
    }
}

/**
 * kp_http_head_refusal:
 * @status: the status a head was refused with
 * @out_length: (out): the answer's length
 *
 * Returns: (transfer full): the short answer to a refused head, its connection to close
 */
char *
kp_http_head_refusal (guint  status,
                      gsize *out_length)
{
  const char *reason = kp_http_head_status_text (status);
  char *answer;

  answer = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                            "Content-Type: text/plain; charset=utf-8\r\n"
                            "Content-Length: %zu\r\n"
                            "Cache-Control: no-store\r\n"
                            "%s"
                            "Connection: close\r\n"
                            "\r\n"
                            "%s\n",
                            status, reason, strlen (reason) + 1,
                            status == 405 ? "Allow: GET, HEAD\r\n" : "", reason);
  *out_length = strlen (answer);
  return answer;
}

static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != 0 && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Bytes no head may contain: controls (but tab), a CR not before LF, an LF not after CR. */
static gboolean
bytes_are_valid (const guint8 *data,
                 gsize         from,
                 gsize         length)
{
  for (gsize i = from; i < length; i++)
    {
      guint8 c = data[i];

      if (c == '\r')
        {
          if (i + 1 < length && data[i + 1] != '\n')
            return FALSE;
        }
      else if (c == '\n')
        {
          if (i == 0 || data[i - 1] != '\r')
            return FALSE;
        }
      else if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static guint
head_error (const char **out_why,
            const char  *why,
            guint        status)
{
  *out_why = why;
  return status;
}

/* Checks a complete head (@length bytes, ending in CR LF CR LF).
 *
 * Returns: 0 if libsoup may have it, otherwise the status to refuse it with */
static guint
check_head (const char  *head,
            gsize        length,
            gboolean    *out_upgrade,
            const char **out_why)
{
  static const char * const standard_methods[] = {
    "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
  };
  const char *end = head + length;
  const char *line_end = memchr (head, '\r', length);
  const char *method = head;
  const char *p = head;
  gsize method_length;
  const char *target;
  gsize target_length;
  const char *content_length = NULL;
  gsize content_length_length = 0;
  const char *transfer_encoding = NULL;
  gsize transfer_encoding_length = 0;
  guint n_content_length = 0;
  guint n_transfer_encoding = 0;
  guint n_host = 0;
  guint n_fields = 0;

  *out_upgrade = FALSE;

  /* METHOD SP /target SP HTTP/1.x CR LF */
  while (p < line_end && is_tchar (*p))
    p++;
  method_length = p - method;
  if (method_length == 0 || method_length > MAX_METHOD_LENGTH || p >= line_end || *p != ' ')
    return head_error (out_why, "request line", 400);
  target = ++p;
  while (p < line_end && *p > ' ' && *p < 0x7f)
    p++;
  target_length = p - target;
  if (target_length > KP_APPROVAL_LISTENER_MAX_URI_LENGTH)
    return head_error (out_why, "request target too long", 414);
  if (target_length == 0 || target[0] != '/' || p >= line_end || *p != ' ')
    return head_error (out_why, "request target", 400);

  p++;
  if (line_end - p != 8 ||
      (memcmp (p, "HTTP/1.1", 8) != 0 && memcmp (p, "HTTP/1.0", 8) != 0))
    return head_error (out_why, "HTTP version", 400);

  /* Name: value CR LF, until an empty line */
  for (p = line_end + 2; p < end; p = line_end + 2)
    {
      const char *name = p;
      const char *value;
      const char *value_end;
      gsize name_length;

      line_end = memchr (p, '\r', end - p);
      if (line_end == p)
        break;
      if (++n_fields > KP_APPROVAL_LISTENER_MAX_HEADER_FIELDS)
        return head_error (out_why, "too many header fields", 431);
      while (p < line_end && is_tchar (*p))
        p++;
      name_length = p - name;
      if (name_length == 0 || p >= line_end || *p != ':')
        return head_error (out_why, "header line", 400);
      value = p + 1;
      while (value < line_end && (*value == ' ' || *value == '\t'))
        value++;
      value_end = line_end;
      while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
        value_end--;

#define NAME_IS(text) \
  (name_length == strlen (text) && g_ascii_strncasecmp (name, text, name_length) == 0)
      if (NAME_IS ("Content-Length"))
        {
          n_content_length++;
          content_length = value;
          content_length_length = value_end - value;
        }
      else if (NAME_IS ("Transfer-Encoding"))
        {
          n_transfer_encoding++;
          transfer_encoding = value;
          transfer_encoding_length = value_end - value;
        }
      else if (NAME_IS ("Host"))
        n_host++;
      else if (NAME_IS ("Upgrade"))
        *out_upgrade = TRUE;
#undef NAME_IS
    }

  if (n_host > 1)
    return head_error (out_why, "more than one Host", 400);

  /* No body, ever: neither server takes one. */
  if (n_transfer_encoding > 0 && n_content_length > 0)
    return head_error (out_why, "both Content-Length and Transfer-Encoding", 400);
  if (n_transfer_encoding > 0)
    {
      if (n_transfer_encoding == 1 && transfer_encoding_length == strlen ("chunked") &&
          g_ascii_strncasecmp (transfer_encoding, "chunked", transfer_encoding_length) == 0)
        return head_error (out_why, "it has a body", 413);
      return head_error (out_why, "unknown Transfer-Encoding", 501);
    }
  if (n_content_length > 1 || (n_content_length == 1 &&
                               !is_digits (content_length, content_length_length)))
    return head_error (out_why, "bad Content-Length", 400);
  if (n_content_length == 1)
    {
      for (gsize i = 0; i < content_length_length; i++)
        if (content_length[i] != '0')
          return head_error (out_why, "it has a body", 413);
    }

  /* Every escape is two hex digits, never a NUL (servers differ on the others: libsoup
   * refuses them, libwebsockets answers its own error page). After the body's rules: a
   * body is refused first, whatever its target. */
  for (const char *escape = memchr (target, '%', target_length); escape != NULL;
       escape = memchr (escape + 1, '%', target + target_length - escape - 1))
    {
      if (target + target_length - escape < 3 ||
          !g_ascii_isxdigit (escape[1]) || !g_ascii_isxdigit (escape[2]) ||
          (escape[1] == '0' && escape[2] == '0'))
        return head_error (out_why, "bad escape in the request target", 400);
    }

  if ((method_length == 3 && memcmp (method, "GET", 3) == 0) ||
      (method_length == 4 && memcmp (method, "HEAD", 4) == 0))
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (standard_methods); i++)
    if (method_length == strlen (standard_methods[i]) &&
        memcmp (method, standard_methods[i], method_length) == 0)
      return head_error (out_why, "method", 405);
  return head_error (out_why, "unknown method", 501);
}

/**
 * kp_http_head_scan:
 * @data: what the connection sent so far
 * @scanned: how much of it an earlier call saw (0 the first time)
 * @length: its length now, at most %KP_HTTP_HEAD_MAX_READ
 * @out_head_length: (out): the complete head's length, CR LF CR LF included
 * @out_upgrade: (out): whether it asks for a protocol upgrade
 * @out_why: (out): why it was refused, for a debug message
 *
 * Screens a head as it comes in, a read at a time.
 *
 * Returns: %KP_HTTP_HEAD_MORE to read on, 0 for a complete head to hand over (what
 *   follows it belongs to an upgraded protocol, or to no one), or the status to refuse
 *   it with
 */
int
kp_http_head_scan (const guint8  *data,
                   gsize          scanned,
                   gsize          length,
                   gsize         *out_head_length,
                   gboolean      *out_upgrade,
                   const char   **out_why)
{
  const guint8 *end_of_head = NULL;
  gsize head_length;

  *out_head_length = 0;
  *out_upgrade = FALSE;
  *out_why = NULL;

  /* A CR at the old end may only now be followed by its LF. */
  if (!bytes_are_valid (data, scanned > 0 ? scanned - 1 : 0, length))
    return head_error (out_why, "bytes no request head has", 400);

  for (gsize i = scanned >= 3 ? scanned - 3 : 0; i + 4 <= length; i++)
    if (memcmp (data + i, "\r\n\r\n", 4) == 0)
      {
        end_of_head = data + i + 4;
        break;
      }

  if (end_of_head == NULL)
    {
      if (memchr (data, '\n', MIN (length, MAX_REQUEST_LINE)) == NULL &&
          length >= MAX_REQUEST_LINE)
        return head_error (out_why, "request line too long", 414);
      if (length > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
        return head_error (out_why, "request head too big", 431);
      return KP_HTTP_HEAD_MORE;
    }

  head_length = end_of_head - data;
  if (head_length > KP_APPROVAL_LISTENER_MAX_HEADER_BYTES)
    return head_error (out_why, "request head too big", 431);
  *out_head_length = head_length;
  return check_head ((const char *) data, head_length, out_upgrade, out_why);
}
