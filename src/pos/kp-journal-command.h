/* kp-journal-command.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "kp-settings.h"

G_BEGIN_DECLS

gboolean kp_journal_command_parse_day  (const char *text,
                                        GDate      *out_day);
int      kp_journal_command_export     (const char *journal_path,
                                        const char *csv_path);
int      kp_journal_command_day_report (const char *journal_path,
                                        KpSettings *settings,
                                        const char *day_text,
                                        const char *path);

G_END_DECLS
