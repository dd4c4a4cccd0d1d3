/* kp-pq.h: libpq, loaded on first use
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* The libpq functions the shop database and the relay call, as libpq declares them. A
 * program that links libpq itself (the tests' helpers) defines KP_PQ_LINKED and calls
 * them directly. */
typedef struct
{
  __typeof__ (PQconnectdbParams)    *connectdb_params;
  __typeof__ (PQconnectStart)       *connect_start;
  __typeof__ (PQconnectPoll)        *connect_poll;
  __typeof__ (PQstatus)             *status;
  __typeof__ (PQerrorMessage)       *error_message;
  __typeof__ (PQsocket)             *socket;
  __typeof__ (PQsetnonblocking)     *set_nonblocking;
  __typeof__ (PQsetNoticeProcessor) *set_notice_processor;
  __typeof__ (PQfinish)             *finish;
  __typeof__ (PQflush)              *flush;
  __typeof__ (PQexec)               *exec;
  __typeof__ (PQexecParams)         *exec_params;
  __typeof__ (PQsendQuery)          *send_query;
  __typeof__ (PQsendQueryParams)    *send_query_params;
  __typeof__ (PQconsumeInput)       *consume_input;
  __typeof__ (PQisBusy)             *is_busy;
  __typeof__ (PQgetResult)          *get_result;
  __typeof__ (PQnotifies)           *notifies;
  __typeof__ (PQresultStatus)       *result_status;
  __typeof__ (PQresultErrorMessage) *result_error_message;
  __typeof__ (PQresultErrorField)   *result_error_field;
  __typeof__ (PQntuples)            *ntuples;
  __typeof__ (PQnfields)            *nfields;
  __typeof__ (PQgetvalue)           *getvalue;
  __typeof__ (PQgetisnull)          *getisnull;
  __typeof__ (PQclear)              *clear;
  __typeof__ (PQconninfoParse)      *conninfo_parse;
  __typeof__ (PQconninfoFree)       *conninfo_free;
  __typeof__ (PQfreemem)            *freemem;
} KpPq;

gboolean    kp_pq_load (const char **library_name,
                        const char **reason);
const KpPq *kp_pq      (void);

#ifndef KP_PQ_LINKED
#define PQconnectdbParams    (kp_pq ()->connectdb_params)
#define PQconnectStart       (kp_pq ()->connect_start)
#define PQconnectPoll        (kp_pq ()->connect_poll)
#define PQstatus             (kp_pq ()->status)
#define PQerrorMessage       (kp_pq ()->error_message)
#define PQsocket             (kp_pq ()->socket)
#define PQsetnonblocking     (kp_pq ()->set_nonblocking)
#define PQsetNoticeProcessor (kp_pq ()->set_notice_processor)
#define PQfinish             (kp_pq ()->finish)
#define PQflush              (kp_pq ()->flush)
#define PQexec               (kp_pq ()->exec)
#define PQexecParams         (kp_pq ()->exec_params)
#define PQsendQuery          (kp_pq ()->send_query)
#define PQsendQueryParams    (kp_pq ()->send_query_params)
#define PQconsumeInput       (kp_pq ()->consume_input)
#define PQisBusy             (kp_pq ()->is_busy)
#define PQgetResult          (kp_pq ()->get_result)
#define PQnotifies           (kp_pq ()->notifies)
#define PQresultStatus       (kp_pq ()->result_status)
#define PQresultErrorMessage (kp_pq ()->result_error_message)
#define PQresultErrorField   (kp_pq ()->result_error_field)
#define PQntuples            (kp_pq ()->ntuples)
#define PQnfields            (kp_pq ()->nfields)
#define PQgetvalue           (kp_pq ()->getvalue)
#define PQgetisnull          (kp_pq ()->getisnull)
#define PQclear              (kp_pq ()->clear)
#define PQconninfoParse      (kp_pq ()->conninfo_parse)
#define PQconninfoFree       (kp_pq ()->conninfo_free)
#define PQfreemem            (kp_pq ()->freemem)
#endif

G_END_DECLS
