/* kp-approval-listener.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  KP_CALLBACK_APPROVE,
  KP_CALLBACK_CANCEL,
  KP_CALLBACK_FAIL,
} KpCallbackKind;

/* Limits on what the listener accepts from the network (kp-http-guard*.c,
 * kp-approval-listener.c).
 *
 * The listener serves one short GET per customer on a LAN port. It accepts connections
 * itself and reads each request head before libsoup sees any of it; a head that breaks
 * a rule is answered at once with a short error and the connection closed:
 *
 * - a request line `METHOD /target HTTP/1.x` and header lines `Name: value`, each ended
 *   by CR LF, with no control characters, bare CR or LF, or folded lines, else 400;
 * - a request target (as sent) longer than %KP_APPROVAL_LISTENER_MAX_URI_LENGTH bytes
 *   gets 414;
 * - a head (request line and headers) over %KP_APPROVAL_LISTENER_MAX_HEADER_BYTES bytes
 *   or with more than %KP_APPROVAL_LISTENER_MAX_HEADER_FIELDS header fields gets 431;
 * - a request with a body (`Content-Length` > 0, or `Transfer-Encoding: chunked`) gets
 *   413 before any of the body is read; any other `Transfer-Encoding` gets 501, a
 *   `Content-Length` that is not one plain decimal number, or one next to a
 *   `Transfer-Encoding`, 400;
 * - methods other than GET and HEAD get 405 (standard ones) or 501;
 * - a head not complete %KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS after the listener
 *   started reading it gets 408 (or, if nothing came, just the end of the connection);
 * - an order id longer than %KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH or a nonce longer
 *   than %KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH is never looked up (404); a `pg_token`
 *   that is empty, longer than %KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH or not printable
 *   ASCII gets 400;
 * - every answer carries `Connection: close` (no kept-alive connections), and a
 *   connection is closed %KP_APPROVAL_LISTENER_TIMEOUT_SECONDS after it opened, finished
 *   or not;
 * - at most %KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS connections of one address
 *   are read or served at a time (more wait their turn), at most
 *   %KP_APPROVAL_LISTENER_MAX_CONNECTIONS in all: a new one beyond that closes the oldest
 *   that has not sent a complete head yet (or, if every one has, is closed itself).
 */
#define KP_APPROVAL_LISTENER_MAX_URI_LENGTH      2048
#define KP_APPROVAL_LISTENER_MAX_HEADER_BYTES    8192
#define KP_APPROVAL_LISTENER_MAX_HEADER_FIELDS   64
#define KP_APPROVAL_LISTENER_MAX_ORDER_ID_LENGTH 100
#define KP_APPROVAL_LISTENER_MAX_NONCE_LENGTH    64
#define KP_APPROVAL_LISTENER_MAX_PG_TOKEN_LENGTH 100
#define KP_APPROVAL_LISTENER_MAX_CONNECTIONS     64
#define KP_APPROVAL_LISTENER_MAX_CONNECTIONS_PER_ADDRESS 16
#define KP_APPROVAL_LISTENER_HEAD_TIMEOUT_SECONDS 5
#define KP_APPROVAL_LISTENER_TIMEOUT_SECONDS     20

/* A callback link's `n` is `{expires}.{mac}`: the Unix time it stops working at, and the
 * first %KP_CALLBACK_LINK_MAC_LENGTH hex digits of HMAC-SHA256 keyed by the sale's
 * secret over `{kind}\n{partner_order_id}\n{expires}`. So a link works for its own kind
 * and order only, and not after the sale's lifetime. */
#define KP_CALLBACK_LINK_MAC_LENGTH 32
/* How long a link outlives the sale's tid: the phone's redirect may come late. */
#define KP_CALLBACK_LINK_GRACE_SECONDS 300

typedef enum
{
  KP_CALLBACK_LINK_VALID,
  KP_CALLBACK_LINK_FORGED,    /* not made with the secret for this kind and order */
  KP_CALLBACK_LINK_EXPIRED,   /* made so, but past its time */
} KpCallbackLinkCheck;

#define KP_TYPE_APPROVAL_LISTENER (kp_approval_listener_get_type ())
G_DECLARE_FINAL_TYPE (KpApprovalListener, kp_approval_listener, KP, APPROVAL_LISTENER, GObject)

KpApprovalListener *kp_approval_listener_new          (void);
gboolean            kp_approval_listener_listen       (KpApprovalListener  *self,
                                                       const char          *host,
                                                       guint16              port,
                                                       GError             **error);
char               *kp_approval_listener_dup_url      (KpApprovalListener  *self);
void                kp_approval_listener_set_head_timeout (KpApprovalListener *self,
                                                           guint               seconds);

void                kp_approval_listener_expect       (KpApprovalListener  *self,
                                                       const char          *partner_order_id,
                                                       const char          *nonce);
void                kp_approval_listener_forget       (KpApprovalListener  *self,
                                                       const char          *partner_order_id);
guint               kp_approval_listener_get_n_rejected (KpApprovalListener *self);
/* A callback that reached this terminal some other way (the relay): checked like a
 * request on the socket (expected order, nonce, not ended) and, when it passes,
 * emitted as #KpApprovalListener::callback.  Returns whether it was accepted. */
gboolean            kp_approval_listener_deliver       (KpApprovalListener  *self,
                                                        KpCallbackKind       kind,
                                                        const char          *partner_order_id,
                                                        const char          *nonce,
                                                        const char          *pg_token);
guint               kp_approval_listener_check_request (KpApprovalListener  *self,
                                                        const char          *method,
                                                        const char          *path,
                                                        GHashTable          *query,
                                                        KpCallbackKind      *out_kind,
                                                        char               **out_order_id,
                                                        const char         **out_pg_token);

char               *kp_callback_url                   (const char          *callback_base,
                                                       KpCallbackKind       kind,
                                                       const char          *partner_order_id,
                                                       const char          *secret,
                                                       gint64               expires);
char               *kp_callback_link_nonce            (const char          *secret,
                                                       KpCallbackKind       kind,
                                                       const char          *partner_order_id,
                                                       gint64               expires);
KpCallbackLinkCheck kp_callback_link_check            (const char          *secret,
                                                       KpCallbackKind       kind,
                                                       const char          *partner_order_id,
                                                       const char          *nonce,
                                                       gint64               now,
                                                       gint64              *out_expires);
const char         *kp_callback_kind_to_string        (KpCallbackKind       kind);
gboolean            kp_callback_kind_from_string      (const char          *text,
                                                       gssize               length,
                                                       KpCallbackKind      *out_kind);
char               *kp_random_hex                     (gsize                n_bytes);

G_END_DECLS
