/* test-sale-format.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-sale-format.h"

#define PC_URL "https://online-pay.kakao.com/mockup/v1/0123/info"
#define MOBILE_URL "https://online-pay.kakao.com/mockup/v1/0123/mInfo"

/* The page a payment's QR code opens: the one the setting names, the other one when
 * KakaoPay sent only that. Every screen with the code asks here. */
static void
test_qr_url (void)
{
  KpReadyReply reply = { 0 };

  reply.next_redirect_pc_url = (char *) PC_URL;
  reply.next_redirect_mobile_url = (char *) MOBILE_URL;
  g_assert_cmpstr (kp_ready_reply_qr_url (&reply, KP_QR_TARGET_PC), ==, PC_URL);
  g_assert_cmpstr (kp_ready_reply_qr_url (&reply, KP_QR_TARGET_MOBILE), ==, MOBILE_URL);

  reply.next_redirect_mobile_url = NULL;
  g_assert_cmpstr (kp_ready_reply_qr_url (&reply, KP_QR_TARGET_MOBILE), ==, PC_URL);

  reply.next_redirect_pc_url = NULL;
  reply.next_redirect_mobile_url = (char *) MOBILE_URL;
  g_assert_cmpstr (kp_ready_reply_qr_url (&reply, KP_QR_TARGET_PC), ==, MOBILE_URL);

  reply.next_redirect_mobile_url = NULL;
  g_assert_null (kp_ready_reply_qr_url (&reply, KP_QR_TARGET_PC));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/sale-format/qr-url", test_qr_url);

  return g_test_run ();
}
