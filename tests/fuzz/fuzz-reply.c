/* fuzz-reply.c: libFuzzer target for KakaoPay reply bodies
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Feeds arbitrary bytes to kp_codec_parse_object() and, when they are a JSON object,
 * to every reply decoder and to the error reader, as KpClient does with a reply of
 * either dialect (both share these decoders), then frees everything.
 */

#include <stdint.h>
#include <stdlib.h>

#include "fuzz-common.h"
#include "kp-codec.h"
#include "kp-error.h"
#include "kp-payment.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* The decoders' translated messages are not what is fuzzed. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  kp_fuzz_abort_on_warnings ();
  return 0;
}

static void
decode_error (JsonObject *object)
{
  g_autofree char *message = NULL;
  g_autofree char *result_code = NULL;
  g_autofree char *result_message = NULL;
  g_autoptr (GError) error = NULL;
  int code = 0;

  if (!kp_codec_parse_error (object, &code, &message, &result_code, &result_message))
    {
      g_assert_null (message);
      return;
    }

  /* What KpClient builds from it. */
  g_assert_cmpint (code, <, 0);
  kp_api_error_set_reply (&error, 400, code, message, result_code, result_message);
  g_assert_nonnull (error);
  g_assert_cmpint (kp_api_error_get_code (error), ==, code);
  g_assert_cmpstr (kp_api_error_get_kakaopay_message (error), ==, message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) body = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object = NULL;

  object = kp_codec_parse_object (body, &error);
  if (object == NULL)
    {
      g_assert_error (error, KP_API_ERROR, KP_API_ERROR_MALFORMED_REPLY);
      return 0;
    }

#define DECODE(type, decoder)                                             \
  G_STMT_START                                                            \
  {                                                                       \
    g_autoptr (GError) decode_error = NULL;                               \
    g_autoptr (type) reply = decoder (object, &decode_error);             \
                                                                          \
    g_assert_true ((reply == NULL) != (decode_error == NULL));            \
  }                                                                       \
  G_STMT_END

  DECODE (KpReadyReply, kp_codec_ready_reply);
  DECODE (KpApproveReply, kp_codec_approve_reply);
  DECODE (KpOrderReply, kp_codec_order_reply);
  DECODE (KpCancelReply, kp_codec_cancel_reply);
#undef DECODE

  decode_error (object);
  return 0;
}
