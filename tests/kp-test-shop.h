/* kp-test-shop.h: a PostgreSQL of the test's own, and terminals that sell
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-journal.h"
#include "kp-shop-replicator.h"

G_BEGIN_DECLS

typedef struct _KpTestPostgres KpTestPostgres;

gboolean        kp_test_postgres_available    (void);
KpTestPostgres *kp_test_postgres_new          (void);
const char     *kp_test_postgres_get_conninfo (KpTestPostgres *pg);
void            kp_test_postgres_start        (KpTestPostgres *pg);
void            kp_test_postgres_stop         (KpTestPostgres *pg);
char           *kp_test_postgres_create_db    (KpTestPostgres *pg,
                                               const char     *name);
char           *kp_test_pg_query              (const char     *conninfo,
                                               const char     *sql);
gint64          kp_test_pg_query_int          (const char     *conninfo,
                                               const char     *sql);
void            kp_test_postgres_free         (KpTestPostgres *pg);

/* A journal whose clock starts at 2026-11-25 10:00 (+09:00) and moves one
 * second a call: every sale is of that day. */
KpJournal      *kp_test_shop_open_journal     (const char     *path);
void            kp_test_shop_sell             (KpJournal      *journal,
                                               const char     *terminal_id,
                                               guint           n);
gint64          kp_test_shop_journal_int      (KpJournal      *journal,
                                               const char     *sql);
void            kp_test_shop_wait_synced      (KpShopReplicator *replicator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpTestPostgres, kp_test_postgres_free)

G_END_DECLS
