/* kp-particle.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-particle"

#include "config.h"

#include <string.h>

#include "kp-particle.h"

/* Korean translations write a particle after a substituted word (an amount as
 * "7,300원", a name) as both its forms, "을(를)"; the form that fits is picked here,
 * once the word is known. */

typedef enum
{
  ENDING_UNKNOWN,
  ENDING_VOWEL,
  ENDING_RIEUL,       /* the final consonant ㄹ: 로, not 으로 */
  ENDING_CONSONANT,
} Ending;

static const struct
{
  const char *marker;
  KpParticle  particle;
} markers[] = {
  { "을(를)", KP_PARTICLE_OBJECT },
  { "를(을)", KP_PARTICLE_OBJECT },
  { "이(가)", KP_PARTICLE_SUBJECT },
  { "가(이)", KP_PARTICLE_SUBJECT },
  { "은(는)", KP_PARTICLE_TOPIC },
  { "는(은)", KP_PARTICLE_TOPIC },
  { "(으)로", KP_PARTICLE_DIRECTION },
  { "과(와)", KP_PARTICLE_WITH },
  { "와(과)", KP_PARTICLE_WITH },
};

/* after a final consonant, after a vowel or ㄹ */
static const char * const forms[][2] = {
  [KP_PARTICLE_OBJECT] = { "을", "를" },
  [KP_PARTICLE_SUBJECT] = { "이", "가" },
  [KP_PARTICLE_TOPIC] = { "은", "는" },
  [KP_PARTICLE_DIRECTION] = { "으로", "로" },
  [KP_PARTICLE_WITH] = { "과", "와" },
};

static Ending
hangul_ending (gunichar c)
{
  guint final = (c - 0xAC00) % 28;

  if (final == 0)
    return ENDING_VOWEL;
  return final == 8 ? ENDING_RIEUL : ENDING_CONSONANT;
}

/* A number ends as it is read: 3 삼, 2 이, 10 십, 100 백, 1,000 천, 10,000 만. */
static Ending
number_ending (const char *start,
               const char *end)
{
  static const Ending digits[] = {
    ENDING_CONSONANT, ENDING_RIEUL, ENDING_VOWEL, ENDING_CONSONANT, ENDING_VOWEL,
    ENDING_VOWEL, ENDING_CONSONANT, ENDING_RIEUL, ENDING_RIEUL, ENDING_VOWEL,
  };
  guint zeros = 0;
  gboolean all_zero = TRUE;

  for (const char *p = end; p > start; p--)
    {
      char c = p[-1];

      if (c == ',')
        continue;
      if (!g_ascii_isdigit (c))
        break;
      if (c != '0')
        {
          all_zero = FALSE;
          if (zeros == 0)
            return digits[c - '0'];
          break;
        }
      zeros++;
    }
  if (all_zero)
    return ENDING_CONSONANT;            /* 영 */
  /* 십 백 천 만 … 억 …: a consonant, up to 조 (10^12), which ends in a vowel, and
   * 경 (10^16) */
  if (zeros < 12 || zeros >= 16)
    return ENDING_CONSONANT;
  return ENDING_VOWEL;
}

/* Latin letters as read one by one (CID 씨아이디, URL 유알엘): only L, M, N and R
 * end in a consonant. */
static Ending
letter_ending (char c)
{
  switch (g_ascii_toupper (c))
    {
    case 'L':
    case 'R':
      return ENDING_RIEUL;
    case 'M':
    case 'N':
      return ENDING_CONSONANT;
    default:
      return ENDING_VOWEL;
    }
}

static gboolean
is_unread (gunichar c)
{
  return c == '"' || c == '\'' || c == ')' || c == ']' ||
         c == 0x2019 || c == 0x201D ||      /* ’ ” */
         c == 0x300D || c == 0x300F;        /* 」 』 */
}

/* How the text before @end sounds at its end: closing quotes and brackets are not
 * read. */
static Ending
ending_before (const char *start,
               const char *end)
{
  const char *p = end;

  while (p > start)
    {
      const char *prev = g_utf8_find_prev_char (start, p);
      gunichar c = g_utf8_get_char (prev);

      if (c >= 0xAC00 && c <= 0xD7A3)
        return hangul_ending (c);
      if (c < 0x80 && g_ascii_isdigit ((char) c))
        return number_ending (start, p);
      if (c < 0x80 && g_ascii_isalpha ((char) c))
        return letter_ending ((char) c);
      if (!is_unread (c))
        return ENDING_UNKNOWN;
      p = prev;
    }
  return ENDING_UNKNOWN;
}

static const char *
form_for (Ending     ending,
          KpParticle particle)
{
  switch (ending)
    {
    case ENDING_CONSONANT:
      return forms[particle][0];
    case ENDING_RIEUL:
      return forms[particle][particle == KP_PARTICLE_DIRECTION ? 1 : 0];
    case ENDING_VOWEL:
      return forms[particle][1];
    case ENDING_UNKNOWN:
    default:
      return NULL;
    }
}

/**
 * kp_particle_for:
 * @word: what the particle follows, e.g. "7,300원"
 *
 * Returns: the form of @particle that follows @word ("을"), or both forms as Korean
 *   writes them when the sound cannot be told ("을(를)")
 */
const char *
kp_particle_for (const char *word,
                 KpParticle  particle)
{
  const char *form;

  g_return_val_if_fail (word != NULL, NULL);
  g_return_val_if_fail (particle <= KP_PARTICLE_WITH, NULL);

  form = form_for (ending_before (word, word + strlen (word)), particle);
  if (form != NULL)
    return form;
  for (gsize i = 0; i < G_N_ELEMENTS (markers); i++)
    if (markers[i].particle == particle)
      return markers[i].marker;
  g_return_val_if_reached (NULL);
}

/**
 * kp_particle_fix:
 * @text: a sentence with the words put in, e.g. "7,300원을(를) 환불합니다"
 *
 * Returns: (transfer full): @text with each two-form particle ("을(를)", "이(가)",
 *   "은(는)", "(으)로", "과(와)") replaced by the form that follows the word before it
 */
char *
kp_particle_fix (const char *text)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      gboolean replaced = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (markers) && !replaced; i++)
        {
          gsize len = strlen (markers[i].marker);
          const char *form;

          if (strncmp (p, markers[i].marker, len) != 0)
            continue;
          form = form_for (ending_before (out->str, out->str + out->len), markers[i].particle);
          if (form == NULL)
            continue;
          g_string_append (out, form);
          p += len;
          replaced = TRUE;
        }
      if (!replaced)
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (out, p, next - p);
          p = next;
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * kp_particle_printf:
 * @format: a translated format, e.g. "%s을(를) 환불하시겠습니까?"
 *
 * g_strdup_printf(), then kp_particle_fix().
 *
 * Returns: (transfer full): the sentence
 */
char *
kp_particle_printf (const char *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  return kp_particle_fix (text);
}
