/* kp-relay-pq.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* libpq's functions that the relay's store uses, taken from libpq.so.5 when a
 * configuration first names a database (_kp_relay_pq_load()): a relay that keeps its
 * queues in memory never loads libpq, nor the TLS, Kerberos and LDAP libraries it
 * brings. */
typedef struct
{
  __typeof__ (PQconnectStart)       *connect_start;
  __typeof__ (PQconnectPoll)        *connect_poll;
  __typeof__ (PQstatus)             *status;
  __typeof__ (PQerrorMessage)       *error_message;
  __typeof__ (PQsocket)             *socket;
  __typeof__ (PQsetnonblocking)     *set_nonblocking;
  __typeof__ (PQsetNoticeProcessor) *set_notice_processor;
  __typeof__ (PQfinish)             *finish;
  __typeof__ (PQflush)              *flush;
  __typeof__ (PQsendQuery)          *send_query;
  __typeof__ (PQsendQueryParams)    *send_query_params;
  __typeof__ (PQconsumeInput)       *consume_input;
  __typeof__ (PQisBusy)             *is_busy;
  __typeof__ (PQgetResult)          *get_result;
  __typeof__ (PQnotifies)           *notifies;
  __typeof__ (PQfreemem)            *freemem;
  __typeof__ (PQresultStatus)       *result_status;
  __typeof__ (PQresultErrorMessage) *result_error_message;
  __typeof__ (PQntuples)            *ntuples;
  __typeof__ (PQnfields)            *nfields;
  __typeof__ (PQgetvalue)           *getvalue;
  __typeof__ (PQgetisnull)          *getisnull;
  __typeof__ (PQclear)              *clear;
  __typeof__ (PQconninfoParse)      *conninfo_parse;
  __typeof__ (PQconninfoFree)       *conninfo_free;
} KpRelayPq;

gboolean         _kp_relay_pq_load (GError **error);
const KpRelayPq *_kp_relay_pq      (void);

/* Below this header, libpq's names are the loaded functions. */
#define PQconnectStart       (_kp_relay_pq ()->connect_start)
#define PQconnectPoll        (_kp_relay_pq ()->connect_poll)
#define PQstatus             (_kp_relay_pq ()->status)
#define PQerrorMessage       (_kp_relay_pq ()->error_message)
#define PQsocket             (_kp_relay_pq ()->socket)
#define PQsetnonblocking     (_kp_relay_pq ()->set_nonblocking)
#define PQsetNoticeProcessor (_kp_relay_pq ()->set_notice_processor)
#define PQfinish             (_kp_relay_pq ()->finish)
#define PQflush              (_kp_relay_pq ()->flush)
#define PQsendQuery          (_kp_relay_pq ()->send_query)
#define PQsendQueryParams    (_kp_relay_pq ()->send_query_params)
#define PQconsumeInput       (_kp_relay_pq ()->consume_input)
#define PQisBusy             (_kp_relay_pq ()->is_busy)
#define PQgetResult          (_kp_relay_pq ()->get_result)
#define PQnotifies           (_kp_relay_pq ()->notifies)
#define PQfreemem            (_kp_relay_pq ()->freemem)
#define PQresultStatus       (_kp_relay_pq ()->result_status)
#define PQresultErrorMessage (_kp_relay_pq ()->result_error_message)
#define PQntuples            (_kp_relay_pq ()->ntuples)
#define PQnfields            (_kp_relay_pq ()->nfields)
#define PQgetvalue           (_kp_relay_pq ()->getvalue)
#define PQgetisnull          (_kp_relay_pq ()->getisnull)
#define PQclear              (_kp_relay_pq ()->clear)
#define PQconninfoParse      (_kp_relay_pq ()->conninfo_parse)
#define PQconninfoFree       (_kp_relay_pq ()->conninfo_free)

G_END_DECLS
