/* kp-http-guard-private.h: what the guard's files share
 *
 * The guard and its connections (kp-http-guard.c), the reading and screening of their
 * request heads (kp-http-guard-head.c) and the stream a screened connection is handed
 * to libsoup with (kp-http-guard-stream.c). Not for the rest of the application.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "kp-admission.h"
#include "kp-http-guard.h"

G_BEGIN_DECLS

typedef enum
{
  KP_HTTP_GUARD_WAITING,   /* accepted; its address has no free turn yet */
  KP_HTTP_GUARD_READING,   /* its head is being read */
  KP_HTTP_GUARD_REFUSING,  /* answered with an error; draining before the close */
  KP_HTTP_GUARD_SERVED,    /* handed to libsoup */
} KpHttpGuardState;

typedef struct _KpHttpGuardConnection KpHttpGuardConnection;

struct _KpHttpGuard
{
  SoupServer     *server;       /* borrowed: the server owns nothing of ours */
  GSocketService *service;
  GSocketAddress *local_address;
  KpAdmission    *admission;    /* every connection counted */
  guint           timeout_seconds;
  guint           head_timeout_seconds;
  guint           n_refused;
  gulong          request_started_id;
  gulong          incoming_id;
  KpHttpGuardConnection *handing_over; /* while soup_server_accept_iostream () runs */
};

/* Atomically reference-counted: a served connection's stream (which may end on another
 * thread once released) and its message hold references. */
struct _KpHttpGuardConnection
{
  KpHttpGuard        *guard;     /* NULL once no longer counted */
  KpAdmissionEntry    admission;
  GSocketConnection  *base;
  GSocket            *socket;
  KpHttpGuardState    state;
  guint               deadline_id;
  guint               head_timeout_id;
  GSource            *read_source;
  GByteArray         *head;
  gsize               head_length; /* of a complete head, CR LF CR LF included */

  /* Refusing */
  GCancellable       *cancellable;
  guint               drain_timeout_id;
  gsize               drained;
  guint8             *buffer;
};

/* kp-http-guard.c: connections and their limits */
KpHttpGuardConnection *_kp_http_guard_connection_ref           (KpHttpGuardConnection *connection);
void                   _kp_http_guard_connection_unref         (KpHttpGuardConnection *connection);
void                   _kp_http_guard_connection_untrack       (KpHttpGuardConnection *connection);
void                   _kp_http_guard_connection_drop          (KpHttpGuardConnection *connection);

/* kp-http-guard-head.c: reading a head, refusing it or handing it over */
void                   _kp_http_guard_connection_start_reading (gpointer               connection);
void                   _kp_http_guard_connection_stop_reading  (KpHttpGuardConnection *connection);

/* kp-http-guard-stream.c */
GIOStream             *_kp_http_guard_stream_new               (KpHttpGuardConnection *connection,
                                                                GBytes                *head,
                                                                gboolean               upgrade);

G_END_DECLS
