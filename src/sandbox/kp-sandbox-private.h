/* kp-sandbox-private.h: what the kp-sandbox*.c files share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "kp-payment.h"
#include "kp-sandbox.h"

G_BEGIN_DECLS

/* Not installed and not for the rest of the application. The sandbox is split by
 * concern:
 *   kp-sandbox.c          the object, its lifecycle, clock, faults, request records and
 *                         the rest of the public API
 *   kp-sandbox-server.c   the sandbox on the network: libsoup, held and lost replies
 *   kp-sandbox-api.c      a request's way (kp_sandbox_handle()) and the four API
 *                         endpoints: what each checks, changes and answers
 *   kp-sandbox-call.c     reading one API call in either dialect, its errors, the log
 *   kp-sandbox-json.c     writing reply members the way each dialect does
 *   kp-sandbox-payment.c  a payment's states, expiry and what the customer does to it
 *   kp-sandbox-page.c     the customer's page: its URLs and its HTML
 */

#define KP_SANDBOX_HTML_CONTENT_TYPE "text/html;charset=UTF-8"

typedef struct
{
  char      *tid;
  char      *page_key;
  KpDialect  dialect;
  char      *cid;
  char      *partner_order_id;
  char      *partner_user_id;
  char      *item_name;
  char      *item_code;
  gint64     quantity;
  KpAmount   amount;
  KpAmount   canceled;
  char      *approval_url;
  char      *cancel_url;
  char      *fail_url;
  char      *allowed_method;    /* NULL: both */
  int        install_month;     /* KP_UNSET: not sent */
  KpStatus   status;
  gboolean   expired;
  char      *method;            /* NULL until the customer chose one */
  char      *pg_token;
  char      *aid;
  char      *approved_id;
  char      *payload;
  GDateTime *created_at;
  GDateTime *approved_at;
  GDateTime *canceled_at;
  GPtrArray *actions;           /* KpPaymentAction */
} KpSandboxPayment;

typedef struct
{
  KpSandboxFault fault;
  guint          n_calls;
  guint          delay_ms;
} KpSandboxFaultSlot;

struct _KpSandbox
{
  GObject             parent_instance;

  SoupServer         *server;
  GOutputStream      *log_stream;
  GHashTable         *payments;      /* tid → KpSandboxPayment */
  GHashTable         *pages;         /* page key → KpSandboxPayment, borrowed from payments */
  GHashTable         *cids;          /* known CIDs */
  GPtrArray          *requests;      /* KpSandboxRequest */
  GList              *pending;       /* replies held back (kp-sandbox-server.c) */
  KpSandboxFaultSlot  faults[KP_SANDBOX_N_ENDPOINTS];

  char               *secret_key;
  char               *public_url;
  char               *base_url;
  guint               tid_ttl;
  gint64              clock_offset;  /* seconds added to the real time */
};

/* One API call while it is handled. */
typedef struct
{
  KpSandbox          *sandbox;
  const char         *method;
  const char         *path;
  SoupMessageHeaders *headers;
  GBytes             *request_body;
  KpSandboxEndpoint  endpoint;
  KpDialect          dialect;
  JsonObject        *object;      /* online: the body */
  GHashTable        *form;        /* legacy: the fields */
  const char        *parse_error;
  GPtrArray         *strings;     /* numbers read as strings, owned here */
  KpSandboxFault     fault;
  guint              delay_ms;
  guint              http_status;
  int                code;
  char              *body;
} KpSandboxCall;

/* kp-sandbox.c */
KpSandboxFault    _kp_sandbox_take_fault             (KpSandbox           *self,
                                                      KpSandboxEndpoint    endpoint,
                                                      guint               *delay_ms);
KpSandboxReply   *_kp_sandbox_reply_new              (guint                status,
                                                      const char          *content_type,
                                                      char                *body);

/* kp-sandbox-server.c */
SoupServer       *_kp_sandbox_server_new             (KpSandbox           *self);
void              _kp_sandbox_server_close           (KpSandbox           *self);

/* kp-sandbox-call.c: every _kp_sandbox_call_get/check/find function answers FALSE or
 * NULL after setting the call's error reply. */
gboolean          _kp_sandbox_call_fail_full         (KpSandboxCall       *call,
                                                      guint                http_status,
                                                      int                  code,
                                                      const char          *method_result_code,
                                                      const char          *method_result_message,
                                                      const char          *message);
gboolean          _kp_sandbox_call_fail              (KpSandboxCall       *call,
                                                      int                  code,
                                                      const char          *format,
                                                      ...) G_GNUC_PRINTF (3, 4);
gboolean          _kp_sandbox_call_succeed           (KpSandboxCall       *call,
                                                      JsonBuilder         *builder);
gboolean          _kp_sandbox_call_get_string        (KpSandboxCall       *call,
                                                      const char          *field,
                                                      gboolean             required,
                                                      guint                max_chars,
                                                      const char         **out_value);
gboolean          _kp_sandbox_call_get_int           (KpSandboxCall       *call,
                                                      const char          *field,
                                                      gboolean             required,
                                                      gint64              *out_value,
                                                      gboolean            *out_present);
gboolean          _kp_sandbox_call_get_url           (KpSandboxCall       *call,
                                                      const char          *field,
                                                      const char         **out_value);
gboolean          _kp_sandbox_call_check_json        (KpSandboxCall       *call,
                                                      const char          *field,
                                                      JsonNodeType         type);
gboolean          _kp_sandbox_call_check_cid         (KpSandboxCall       *call,
                                                      const char          *cid,
                                                      const char          *cid_secret,
                                                      KpSandboxPayment    *payment);
KpSandboxPayment *_kp_sandbox_call_find_payment      (KpSandboxCall       *call,
                                                      const char          *tid);
gboolean          _kp_sandbox_call_check_auth        (KpSandboxCall       *call);
void              _kp_sandbox_call_parse             (KpSandboxCall       *call,
                                                      GHashTable          *query);
void              _kp_sandbox_call_record            (KpSandboxCall       *call,
                                                      guint                http_status);
void              _kp_sandbox_call_clear             (KpSandboxCall       *call);

/* kp-sandbox-json.c */
void              _kp_sandbox_add_string             (JsonBuilder         *builder,
                                                      const char          *name,
                                                      const char          *value);
void              _kp_sandbox_add_int                (JsonBuilder         *builder,
                                                      const char          *name,
                                                      gint64               value);
void              _kp_sandbox_add_datetime           (JsonBuilder         *builder,
                                                      const char          *name,
                                                      GDateTime           *value);
void              _kp_sandbox_add_absent             (JsonBuilder         *builder,
                                                      KpDialect            dialect,
                                                      const char          *name);
void              _kp_sandbox_add_optional_string    (JsonBuilder         *builder,
                                                      KpDialect            dialect,
                                                      const char          *name,
                                                      const char          *value);
void              _kp_sandbox_add_optional_datetime  (JsonBuilder         *builder,
                                                      KpDialect            dialect,
                                                      const char          *name,
                                                      GDateTime           *value);
void              _kp_sandbox_add_optional_int       (JsonBuilder         *builder,
                                                      KpDialect            dialect,
                                                      const char          *name,
                                                      const KpOptionalInt *value);
void              _kp_sandbox_add_amount             (JsonBuilder         *builder,
                                                      const char          *name,
                                                      const KpAmount      *amount);
char             *_kp_sandbox_builder_to_string      (JsonBuilder         *builder);
char             *_kp_sandbox_error_body             (KpDialect            dialect,
                                                      int                  code,
                                                      const char          *message,
                                                      const char          *method_result_code,
                                                      const char          *method_result_message);

/* kp-sandbox-payment.c */
KpSandboxPayment *_kp_sandbox_payment_new            (KpSandbox           *self,
                                                      KpDialect            dialect);
void              _kp_sandbox_payment_free           (KpSandboxPayment    *payment);
gboolean          _kp_sandbox_status_is_before_auth  (KpStatus             status);
gboolean          _kp_sandbox_payment_is_past_ttl    (KpSandbox           *self,
                                                      KpSandboxPayment    *payment);
void              _kp_sandbox_payment_check_expiry   (KpSandbox           *self,
                                                      KpSandboxPayment    *payment);
void              _kp_sandbox_payment_get_remaining  (KpSandboxPayment    *payment,
                                                      KpAmount            *remaining);
void              _kp_sandbox_payment_approve        (KpSandbox           *self,
                                                      KpSandboxPayment    *payment,
                                                      const char          *payload);
char             *_kp_sandbox_payment_cancel         (KpSandbox           *self,
                                                      KpSandboxPayment    *payment,
                                                      gint64               amount,
                                                      gint64               tax_free,
                                                      gint64               vat,
                                                      const char          *payload,
                                                      KpAmount            *out_canceled);
char             *_kp_sandbox_payment_act            (KpSandbox           *self,
                                                      KpSandboxPayment    *payment,
                                                      KpSandboxAction      action,
                                                      const char          *method,
                                                      GError             **error);
char             *_kp_sandbox_payment_dup_approval_redirect (KpSandboxPayment *payment);

/* kp-sandbox-page.c */
void              _kp_sandbox_page_urls              (KpSandbox           *self,
                                                      KpSandboxPayment    *payment,
                                                      char               **out_pc_url,
                                                      char               **out_mobile_url,
                                                      char               **out_app_url,
                                                      char               **out_app_scheme);
KpSandboxReply   *_kp_sandbox_handle_page            (KpSandbox           *self,
                                                      const char          *method,
                                                      const char          *path,
                                                      GBytes              *body);

G_END_DECLS
