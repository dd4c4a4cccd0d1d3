/* kp-callback-page-respond.c: the callback pages, answered through libsoup's server
 *
 * The terminal's listener answers with these; the pages themselves are in
 * kp-callback-page.c, which kakaopay-relay uses without libsoup.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-callback-page"

#include "config.h"

#include <string.h>

#include "kp-callback-page.h"

static void
respond_with (SoupServerMessage *msg,
              guint              status,
              char              *body)
{
  /* Measured before the call: its arguments are evaluated in no fixed order, so
   * strlen (body) next to g_steal_pointer (&body) may read NULL. */
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    body, length);
}

/**
 * kp_callback_page_respond:
 * @msg: the customer's request
 * @status: as kp_callback_page_dup() takes it
 * @kind: what the callback said (used with 200 only)
 *
 * Answers the customer's browser with the bilingual page for the outcome.
 */
void
kp_callback_page_respond (SoupServerMessage *msg,
                          guint              status,
                          KpCallbackKind     kind)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  respond_with (msg, status, kp_callback_page_dup (status, kind));
}

/**
 * kp_callback_page_respond_check:
 * @msg: the request for the check page
 *
 * Answers the shop owner's phone, opened from the preferences' "Check from a phone"
 * QR code: if it shows, a customer's phone on the same network reaches this terminal.
 */
void
kp_callback_page_respond_check (SoupServerMessage *msg)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  respond_with (msg, SOUP_STATUS_OK, kp_callback_page_dup_check ());
}
