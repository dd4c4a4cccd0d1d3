/* kp-shop-pq.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* libpq's functions that the shop database uses, taken from libpq.so.5 the first
 * time it is used (kp_shop_pq_load()): a terminal without a shop database never
 * loads libpq, nor the TLS, Kerberos and LDAP libraries it brings. */
typedef struct
{
  __typeof__ (PQconnectdbParams)     *connectdb_params;
  __typeof__ (PQstatus)              *status;
  __typeof__ (PQerrorMessage)        *error_message;
  __typeof__ (PQsetNoticeProcessor)  *set_notice_processor;
  __typeof__ (PQfinish)              *finish;
  __typeof__ (PQexec)                *exec;
  __typeof__ (PQexecParams)          *exec_params;
  __typeof__ (PQresultStatus)        *result_status;
  __typeof__ (PQresultErrorMessage)  *result_error_message;
  __typeof__ (PQresultErrorField)    *result_error_field;
  __typeof__ (PQntuples)             *ntuples;
  __typeof__ (PQgetvalue)            *getvalue;
  __typeof__ (PQgetisnull)           *getisnull;
  __typeof__ (PQclear)               *clear;
  __typeof__ (PQconninfoParse)       *conninfo_parse;
  __typeof__ (PQconninfoFree)        *conninfo_free;
  __typeof__ (PQfreemem)             *freemem;
} KpShopPq;

gboolean        kp_shop_pq_load (GError **error);
const KpShopPq *kp_shop_pq      (void);

/* Below this header, libpq's names are the loaded functions (unless the file links
 * libpq itself, as the tests do: KP_SHOP_PQ_LINKED). */
#ifndef KP_SHOP_PQ_LINKED
#define PQconnectdbParams    (kp_shop_pq ()->connectdb_params)
#define PQstatus             (kp_shop_pq ()->status)
#define PQerrorMessage       (kp_shop_pq ()->error_message)
#define PQsetNoticeProcessor (kp_shop_pq ()->set_notice_processor)
#define PQfinish             (kp_shop_pq ()->finish)
#define PQexec               (kp_shop_pq ()->exec)
#define PQexecParams         (kp_shop_pq ()->exec_params)
#define PQresultStatus       (kp_shop_pq ()->result_status)
#define PQresultErrorMessage (kp_shop_pq ()->result_error_message)
#define PQresultErrorField   (kp_shop_pq ()->result_error_field)
#define PQntuples            (kp_shop_pq ()->ntuples)
#define PQgetvalue           (kp_shop_pq ()->getvalue)
#define PQgetisnull          (kp_shop_pq ()->getisnull)
#define PQclear              (kp_shop_pq ()->clear)
#define PQconninfoParse      (kp_shop_pq ()->conninfo_parse)
#define PQconninfoFree       (kp_shop_pq ()->conninfo_free)
#define PQfreemem            (kp_shop_pq ()->freemem)
#endif

G_END_DECLS
