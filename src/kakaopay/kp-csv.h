/* kp-csv.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void kp_csv_append_field (GString    *csv,
                          const char *field);

G_END_DECLS
