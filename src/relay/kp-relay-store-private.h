/* kp-relay-store-private.h: what kp-relay-store.c (connections) and
 * kp-relay-store-sql.c (schema and queries) share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpq-fe.h>

/* libpq is loaded when a configuration names a database: its names below are the
 * loaded functions. */
#include "kp-pq.h"

#include "kp-relay-private.h"

G_BEGIN_DECLS

#define KP_RELAY_STORE_CHANNEL        "kp_relay"
#define KP_RELAY_STORE_SCHEMA_VERSION 1
#define KP_RELAY_STORE_MAX_PARAMS     8

/* @result: %NULL if the query failed or its connection was lost. */
typedef void (*KpRelayStoreOpDone) (KpRelayStore *store,
                                    PGresult     *result,
                                    gpointer      user_data);

typedef struct
{
  const char         *sql;
  char               *params[KP_RELAY_STORE_MAX_PARAMS];
  int                 n_params;
  KpRelayStoreOpDone  done;
  gpointer            user_data;
  GDestroyNotify      destroy;
  gboolean            next_is_enqueue;   /* the op queued after it stores a callback too */
} KpRelayStoreOp;

extern const char _kp_relay_store_schema_sql[];
extern const char _kp_relay_store_terminals_sql[];
extern const char _kp_relay_store_epoch_sql[];
extern const char _kp_relay_store_listen_sql[];
extern const char _kp_relay_store_enqueue_sql[];
extern const char _kp_relay_store_enqueue_batch_sql[];

KpRelay *_kp_relay_store_get_relay    (KpRelayStore       *store);
void     _kp_relay_store_push         (KpRelayStore       *store,
                                       const char         *sql,
                                       KpRelayStoreOpDone  done,
                                       gpointer            user_data,
                                       GDestroyNotify      destroy,
                                       int                 n_params,
                                       ...);
char    *_kp_relay_store_array_literal (GPtrArray         *ops,
                                        guint              param);
void     _kp_relay_store_stored        (KpRelayStoreOp    *op,
                                        gint64             id);

G_END_DECLS
