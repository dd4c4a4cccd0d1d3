/* kp-callback-page.c: what a customer's phone sees after a callback redirect
 *
 * Shared by the terminal's listener and kakaopay-relay, so a customer sees the same
 * page whichever of them received the redirect.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-callback-page"

#include "config.h"

#include <string.h>

#include "kp-callback-page.h"

static char *
dup_page (const char *title_ko,
          const char *title_en,
          const char *text_ko,
          const char *text_en)
{
  /* Both languages, Korean first: the phone belongs to a customer whose language the
   * terminal does not know. No external resources; nothing interpolated from input. */
  return g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>%s · %s</title>"
    "<style>body{font-family:sans-serif;margin:0;padding:2em 1.2em;text-align:center;"
    "background:#fafafa;color:#191919}h1{font-size:1.6em;margin:.2em 0}"
    "h2{font-size:1.2em;font-weight:normal;color:#555;margin:.2em 0 1.2em}"
    "p{font-size:1.1em}</style></head><body>"
    "<h1>%s</h1><h2 lang=\"en\">%s</h2><p>%s</p><p lang=\"en\">%s</p></body></html>\n",
    title_ko, title_en, title_ko, title_en, text_ko, text_en);
}

/**
 * kp_callback_page_dup:
 * @status: 200 for a callback that was taken, otherwise the refusal: 400 (approve
 *   without a usable pg_token), 410 (the sale ended), 503 (try again), anything else
 *   "unknown payment"
 * @kind: what the callback said (used with 200 only)
 *
 * Returns: (transfer full): the bilingual page for the outcome, HTML in UTF-8
 */
char *
kp_callback_page_dup (guint          status,
                      KpCallbackKind kind)
{
  if (status == SOUP_STATUS_OK)
    {
      switch (kind)
        {
        case KP_CALLBACK_APPROVE:
          return dup_page ("결제가 완료되었습니다", "Payment received",
                           "계산대로 돌아가 주세요.", "Please return to the counter.");
        case KP_CALLBACK_CANCEL:
          return dup_page ("결제가 취소되었습니다", "Payment cancelled",
                           "계산대 직원에게 알려 주세요.", "Please tell the cashier.");
        case KP_CALLBACK_FAIL:
        default:
          return dup_page ("결제에 실패했습니다", "Payment failed",
                           "계산대 직원에게 알려 주세요.", "Please tell the cashier.");
        }
    }
  if (status == SOUP_STATUS_BAD_REQUEST)
    return dup_page ("결제 정보가 없습니다", "Missing payment token",
                     "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    return dup_page ("잠시 후 다시 시도해 주세요", "Please try again in a moment",
                     "잠시 후 이 페이지를 새로 고쳐 주세요.", "Reload this page in a moment.");
  if (status == SOUP_STATUS_GONE)
    return dup_page ("이미 끝난 결제입니다", "This payment has ended",
                     "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
  return dup_page ("알 수 없는 결제입니다", "Unknown payment",
                   "계산대 직원에게 문의해 주세요.", "Please ask the cashier.");
}

/**
 * kp_callback_page_dup_check:
 *
 * Returns: (transfer full): the page the shop owner's phone opens from the preferences'
 *   "Check from a phone" QR code: if it shows, a customer's phone on the same network
 *   reaches this terminal
 */
char *
kp_callback_page_dup_check (void)
{
  return dup_page ("이 단말기에 연결되었습니다", "This terminal is reachable",
                   "이 화면이 보이면 손님 휴대폰의 결제 승인도 이 단말기에 도착합니다.",
                   "If this page opens on a phone, customers’ approvals can reach "
                   "this terminal.");
}

/**
 * kp_callback_pg_token_is_valid:
 *
 * A pg_token goes on to KakaoPay in a JSON or form body: printable ASCII only, 1 to
 * %KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH bytes.
 */
gboolean
kp_callback_pg_token_is_valid (const char *pg_token)
{
  gsize length = 0;

  if (pg_token == NULL)
    return FALSE;
  for (; pg_token[length] != '\0'; length++)
    {
      if (length >= KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH ||
          !g_ascii_isgraph (pg_token[length]))
        return FALSE;
    }
  return length > 0;
}

/**
 * kp_callback_nonce_equal:
 * @given: (nullable): what the request carried
 *
 * Compares in constant time (for a given length), so the content of @expected does not
 * leak through timing.
 */
gboolean
kp_callback_nonce_equal (const char *expected,
                         const char *given)
{
  gsize len = strlen (expected);
  guint8 diff = 0;

  if (given == NULL || strlen (given) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) (expected[i] ^ given[i]);
  return diff == 0;
}
