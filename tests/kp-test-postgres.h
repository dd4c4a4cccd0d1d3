/* kp-test-postgres.h: a PostgreSQL server of the test's own, in a temporary directory
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KpTestPostgres KpTestPostgres;

gboolean        kp_test_postgres_available (void);
KpTestPostgres *kp_test_postgres_new       (const char     *options);
const char     *kp_test_postgres_conninfo  (KpTestPostgres *pg);
void            kp_test_postgres_start     (KpTestPostgres *pg);
void            kp_test_postgres_stop      (KpTestPostgres *pg);
char           *kp_test_postgres_create_db (KpTestPostgres *pg,
                                            const char     *name);
char           *kp_test_postgres_query     (const char     *conninfo,
                                            const char     *sql);
gint64          kp_test_postgres_query_int (const char     *conninfo,
                                            const char     *sql);
void            kp_test_postgres_free      (KpTestPostgres *pg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpTestPostgres, kp_test_postgres_free)

G_END_DECLS
