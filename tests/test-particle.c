/* test-particle.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kp-particle.h"

static void
test_amounts (void)
{
  static const struct
  {
    const char *word;
    KpParticle  particle;
    const char *form;
  } cases[] = {
    { "7,300원", KP_PARTICLE_OBJECT, "을" },
    { "7,300원", KP_PARTICLE_SUBJECT, "이" },
    { "7,300원", KP_PARTICLE_TOPIC, "은" },
    { "7,300원", KP_PARTICLE_DIRECTION, "으로" },
    { "7,300", KP_PARTICLE_OBJECT, "을" },          /* 칠천삼백 */
    { "2", KP_PARTICLE_OBJECT, "를" },              /* 이 */
    { "4", KP_PARTICLE_SUBJECT, "가" },             /* 사 */
    { "7", KP_PARTICLE_DIRECTION, "로" },           /* 칠 */
    { "3", KP_PARTICLE_DIRECTION, "으로" },         /* 삼 */
    { "1,000", KP_PARTICLE_TOPIC, "은" },           /* 천 */
    { "10,000", KP_PARTICLE_TOPIC, "은" },          /* 만 */
    { "0", KP_PARTICLE_OBJECT, "을" },              /* 영 */
    { "1,000,000,000,000", KP_PARTICLE_OBJECT, "를" },  /* 조 */
    { "아메리카노", KP_PARTICLE_OBJECT, "를" },
    { "아메리카노", KP_PARTICLE_WITH, "와" },
    { "쿠키 2개", KP_PARTICLE_SUBJECT, "가" },
    { "빵", KP_PARTICLE_SUBJECT, "이" },
    { "빵", KP_PARTICLE_WITH, "과" },
    { "물", KP_PARTICLE_DIRECTION, "로" },
    { "물", KP_PARTICLE_OBJECT, "을" },
    { "“카페라떼”", KP_PARTICLE_TOPIC, "는" },
    { "“빵”", KP_PARTICLE_TOPIC, "은" },
    { "CID", KP_PARTICLE_SUBJECT, "가" },
    { "URL", KP_PARTICLE_DIRECTION, "로" },
    { "PDF", KP_PARTICLE_DIRECTION, "로" },
    { "HTTP 500", KP_PARTICLE_DIRECTION, "으로" },
    { "…", KP_PARTICLE_OBJECT, "을(를)" },
    { "", KP_PARTICLE_SUBJECT, "이(가)" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *form = kp_particle_for (cases[i].word, cases[i].particle);

      if (g_strcmp0 (form, cases[i].form) != 0)
        g_error ("%s + particle %d: got %s, expected %s", cases[i].word, cases[i].particle,
                 form, cases[i].form);
    }
}

static void
test_fix (void)
{
  static const char * const cases[][2] = {
    { "7,300원을(를) 환불하시겠습니까?", "7,300원을 환불하시겠습니까?" },
    { "7,302원을(를) 환불하시겠습니까?", "7,302원을 환불하시겠습니까?" },
    { "아메리카노이(가) 환불됩니다. 쿠키이(가) 남습니다.",
      "아메리카노가 환불됩니다. 쿠키가 남습니다." },
    { "“빵”은(는) 없습니다", "“빵”은 없습니다" },
    { "HTTP 오류 500(으)로 응답", "HTTP 오류 500으로 응답" },
    { "설정 스키마 io.github.kppos.KakaoPayPos이(가)", "설정 스키마 io.github.kppos.KakaoPayPos가" },
    { "“커피”와(과) 일치", "“커피”와 일치" },
    { "“빵”와(과) 일치", "“빵”과 일치" },
    { "을(를) 앞에 아무것도 없음", "을(를) 앞에 아무것도 없음" },
    { "no particles here", "no particles here" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *fixed = kp_particle_fix (cases[i][0]);

      g_assert_cmpstr (fixed, ==, cases[i][1]);
    }
}

static void
test_printf (void)
{
  g_autofree char *text = NULL;

  /* Amounts as the program formats them in Korean: "N원". */
  text = kp_particle_printf ("%s을(를) 환불하시겠습니까?", "12,000원");
  g_assert_cmpstr (text, ==, "12,000원을 환불하시겠습니까?");
  g_clear_pointer (&text, g_free);
  text = kp_particle_printf ("%s이(가) 고객의 카카오페이로 환불됩니다.", "쿠키 2개");
  g_assert_cmpstr (text, ==, "쿠키 2개가 고객의 카카오페이로 환불됩니다.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/particle/amounts", test_amounts);
  g_test_add_func ("/kp/particle/fix", test_fix);
  g_test_add_func ("/kp/particle/printf", test_printf);

  return g_test_run ();
}
