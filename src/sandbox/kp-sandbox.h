/* kp-sandbox.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "kp-payment.h"

G_BEGIN_DECLS

#define KP_SANDBOX_DEFAULT_KEY      "DEVSANDBOX0000000000000000000000000000KEY"
#define KP_SANDBOX_DEFAULT_TID_TTL  900

#define KP_TYPE_SANDBOX (kp_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (KpSandbox, kp_sandbox, KP, SANDBOX, GObject)

typedef enum
{
  KP_SANDBOX_ENDPOINT_READY,
  KP_SANDBOX_ENDPOINT_APPROVE,
  KP_SANDBOX_ENDPOINT_ORDER,
  KP_SANDBOX_ENDPOINT_CANCEL,
  KP_SANDBOX_N_ENDPOINTS,
} KpSandboxEndpoint;

/**
 * KpSandboxFault:
 * @KP_SANDBOX_FAULT_NONE: answer normally
 * @KP_SANDBOX_FAULT_DELAY: process the call, then hold the reply for the delay
 * @KP_SANDBOX_FAULT_HTTP_500: answer HTTP 500 with a non-KakaoPay body, without processing
 * @KP_SANDBOX_FAULT_MALFORMED_JSON: process the call, then answer 200 with broken JSON
 * @KP_SANDBOX_FAULT_DROP_REPLY: process the call, then close the connection without a
 *   reply (a lost reply)
 * @KP_SANDBOX_FAULT_DECLINE: the payment method declines: approve answers -780 (and the
 *   payment becomes FAIL_PAYMENT), cancel answers -781, both with extras
 * @KP_SANDBOX_FAULT_SPARSE_ACTIONS: order answers normally but its payment_action_details
 *   entries carry only aid, approved_at, point_amount, discount_amount and
 *   payment_action_type, as a real legacy reply did (no amount, green_deposit,
 *   payment_method_type or payload); other endpoints are unaffected
 */
typedef enum
{
  KP_SANDBOX_FAULT_NONE,
  KP_SANDBOX_FAULT_DELAY,
  KP_SANDBOX_FAULT_HTTP_500,
  KP_SANDBOX_FAULT_MALFORMED_JSON,
  KP_SANDBOX_FAULT_DROP_REPLY,
  KP_SANDBOX_FAULT_DECLINE,
  KP_SANDBOX_FAULT_SPARSE_ACTIONS,
  KP_SANDBOX_N_FAULTS,
} KpSandboxFault;

/**
 * KpSandboxAction:
 * @KP_SANDBOX_ACTION_OPEN: the payment screen opens: OPEN_PAYMENT
 * @KP_SANDBOX_ACTION_SELECT_METHOD: a method is chosen: SELECT_METHOD
 * @KP_SANDBOX_ACTION_PAY: the password is entered: AUTH_PASSWORD and a pg_token
 * @KP_SANDBOX_ACTION_CANCEL: the customer gives up: QUIT_PAYMENT
 * @KP_SANDBOX_ACTION_FAIL: the password fails: FAIL_AUTH_PASSWORD
 * @KP_SANDBOX_ACTION_SEND_TMS: the PC page sent the payment message to KakaoTalk:
 *   SEND_TMS (from READY only)
 * @KP_SANDBOX_ACTION_ARS: a method is chosen and phone (ARS) authentication runs:
 *   ARS_WAITING
 */
typedef enum
{
  KP_SANDBOX_ACTION_OPEN,
  KP_SANDBOX_ACTION_SELECT_METHOD,
  KP_SANDBOX_ACTION_PAY,
  KP_SANDBOX_ACTION_CANCEL,
  KP_SANDBOX_ACTION_FAIL,
  KP_SANDBOX_ACTION_SEND_TMS,
  KP_SANDBOX_ACTION_ARS,
} KpSandboxAction;

/* The answer to one request (kp_sandbox_handle()). */
typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;  /* Content-Type among them; Location as the page gave it */
  GBytes             *body;
  KpSandboxFault      fault;    /* the fault injected into this call */
  guint               delay_ms;
} KpSandboxReply;

/* One API call as the sandbox received it. */
typedef struct
{
  KpSandboxEndpoint  endpoint;
  KpDialect          dialect;
  char              *tid;               /* NULL when the request carried none */
  char              *partner_order_id;  /* NULL when the request carried none */
  guint              http_status;       /* 0 when the reply was dropped */
  int                code;              /* KakaoPay error code, 0 on success */
  KpSandboxFault     fault;
} KpSandboxRequest;

KpSandbox   *kp_sandbox_new                (const char        *secret_key);

void         kp_sandbox_set_tid_ttl        (KpSandbox         *self,
                                            guint              seconds);
guint        kp_sandbox_get_tid_ttl        (KpSandbox         *self);
void         kp_sandbox_set_public_url     (KpSandbox         *self,
                                            const char        *url);
void         kp_sandbox_set_log_stream     (KpSandbox         *self,
                                            GOutputStream     *stream);

gboolean     kp_sandbox_listen             (KpSandbox         *self,
                                            const char        *host,
                                            guint16            port,
                                            GError           **error);
char        *kp_sandbox_dup_base_url       (KpSandbox         *self);
KpSandboxReply *kp_sandbox_handle          (KpSandbox          *self,
                                            const char         *method,
                                            const char         *path,
                                            GHashTable         *query,
                                            SoupMessageHeaders *headers,
                                            GBytes             *body);
void         kp_sandbox_reply_free         (KpSandboxReply    *reply);

void         kp_sandbox_add_handler        (KpSandbox         *self,
                                            const char        *path,
                                            SoupServerCallback callback,
                                            gpointer           user_data,
                                            GDestroyNotify     destroy);

void         kp_sandbox_advance_clock      (KpSandbox         *self,
                                            gint64             seconds);
GDateTime   *kp_sandbox_now                (KpSandbox         *self);

void         kp_sandbox_inject_fault       (KpSandbox         *self,
                                            KpSandboxEndpoint  endpoint,
                                            KpSandboxFault     fault,
                                            guint              n_calls,
                                            guint              delay_ms);
void         kp_sandbox_clear_faults       (KpSandbox         *self);

GPtrArray   *kp_sandbox_get_requests       (KpSandbox         *self);
void         kp_sandbox_clear_requests     (KpSandbox         *self);
guint        kp_sandbox_count_requests     (KpSandbox         *self,
                                            KpSandboxEndpoint  endpoint);

KpStatus     kp_sandbox_get_status         (KpSandbox         *self,
                                            const char        *tid);
char        *kp_sandbox_customer_act       (KpSandbox         *self,
                                            const char        *tid,
                                            KpSandboxAction    action,
                                            const char        *method,
                                            GError           **error);

const char  *kp_sandbox_endpoint_to_string (KpSandboxEndpoint  endpoint);

/* CIDs besides TC0ONETIME, and the request log's elements. */
void              kp_sandbox_add_cid            (KpSandbox              *self,
                                                 const char             *cid);

KpSandboxRequest *kp_sandbox_request_copy       (const KpSandboxRequest *request);
void              kp_sandbox_request_free       (KpSandboxRequest       *request);

const char       *kp_sandbox_fault_to_string    (KpSandboxFault          fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpSandboxRequest, kp_sandbox_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpSandboxReply, kp_sandbox_reply_free)

G_END_DECLS
