/* kp-particle.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * KpParticle:
 * @KP_PARTICLE_OBJECT: 을 after a final consonant, 를 after a vowel
 * @KP_PARTICLE_SUBJECT: 이 / 가
 * @KP_PARTICLE_TOPIC: 은 / 는
 * @KP_PARTICLE_DIRECTION: 으로 after a final consonant other than ㄹ, else 로
 * @KP_PARTICLE_WITH: 과 / 와
 *
 * The Korean particles whose form follows the sound the word before them ends with.
 */
typedef enum
{
  KP_PARTICLE_OBJECT,
  KP_PARTICLE_SUBJECT,
  KP_PARTICLE_TOPIC,
  KP_PARTICLE_DIRECTION,
  KP_PARTICLE_WITH,
} KpParticle;

const char *kp_particle_for       (const char *word,
                                   KpParticle  particle);
char       *kp_particle_fix       (const char *text);
char       *kp_particle_printf    (const char *format,
                                   ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
