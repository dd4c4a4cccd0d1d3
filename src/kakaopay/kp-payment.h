/* kp-payment.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kp-vat.h"

G_BEGIN_DECLS

/* Field limits (kakaopay-api.md §4–§7, §10). */
#define KP_MAX_ID_LENGTH       100
#define KP_MAX_ITEM_LENGTH     100
#define KP_MAX_URL_LENGTH      255
#define KP_MAX_PAYLOAD_LENGTH  200
#define KP_CID_LENGTH          10
#define KP_CID_SECRET_LENGTH   24

/* A value left out of a request. */
#define KP_UNSET (-1)

typedef enum
{
  KP_DIALECT_ONLINE,
  KP_DIALECT_LEGACY,
} KpDialect;

typedef enum
{
  KP_STATUS_UNKNOWN,
  KP_STATUS_READY,
  KP_STATUS_SEND_TMS,
  KP_STATUS_OPEN_PAYMENT,
  KP_STATUS_SELECT_METHOD,
  KP_STATUS_ARS_WAITING,
  KP_STATUS_AUTH_PASSWORD,
  KP_STATUS_ISSUED_SID,
  KP_STATUS_SUCCESS_PAYMENT,
  KP_STATUS_PART_CANCEL_PAYMENT,
  KP_STATUS_CANCEL_PAYMENT,
  KP_STATUS_FAIL_AUTH_PASSWORD,
  KP_STATUS_QUIT_PAYMENT,
  KP_STATUS_FAIL_PAYMENT,
} KpStatus;

const char *kp_dialect_to_string      (KpDialect    dialect);
gboolean    kp_dialect_from_string    (const char  *str,
                                       KpDialect   *out_dialect);
gboolean    kp_cid_is_test            (const char  *cid);
const char *kp_status_to_string       (KpStatus     status);
KpStatus    kp_status_from_string     (const char  *str);
gboolean    kp_status_is_final        (KpStatus     status);


GTimeZone  *kp_kst                    (void);
GDateTime  *kp_datetime_parse         (const char  *str);
char       *kp_datetime_format        (GDateTime   *datetime);

/* amount, canceled_amount, cancel_available_amount, approved_cancel_amount.
 * present is FALSE when the reply left the object (or its total) out: then every
 * number reads 0, which must not be taken for "nothing". */
typedef struct
{
  gboolean present;
  gint64 total;
  gint64 tax_free;
  gint64 vat;
  gint64 point;
  gint64 discount;
  gint64 green_deposit;
} KpAmount;

typedef struct
{
  char *kakaopay_purchase_corp;
  char *kakaopay_purchase_corp_code;
  char *kakaopay_issuer_corp;
  char *kakaopay_issuer_corp_code;
  char *purchase_corp;
  char *purchase_corp_code;
  char *issuer_corp;
  char *issuer_corp_code;
  char *bin;
  char *card_type;
  char *install_month;
  char *approved_id;
  char *card_mid;
  char *interest_free_install;
  char *installment_type;
  char *card_item_code;
} KpCardInfo;

typedef struct
{
  char *card_bin;
  int   install_month;
  char *installment_type;
  char *card_corp_name;
  char *interest_free_install;
} KpSelectedCardInfo;

/* A number a reply may leave out. Not a plain integer on purpose: a missing number is
 * not 0, so it is read with kp_optional_int_get (). */
typedef struct
{
  gboolean present;
  gint64   value;
} KpOptionalInt;

#define KP_OPTIONAL_INT(number) ((KpOptionalInt) { TRUE, (number) })

gboolean    kp_optional_int_get       (const KpOptionalInt *number,
                                       gint64              *out_value);

/* One payment_action_details entry. Real legacy replies leave out amount,
 * green_deposit and payment_method_type (kakaopay-api.md §6, S14). */
typedef struct
{
  char          *aid;
  GDateTime     *approved_at;
  KpOptionalInt  amount;
  KpOptionalInt  point_amount;
  KpOptionalInt  discount_amount;
  KpOptionalInt  green_deposit;
  char          *payment_action_type;
  char          *payment_method_type;   /* NULL when left out */
  char          *payload;
} KpPaymentAction;

/* ready (§4) */
typedef struct
{
  char       *cid;
  char       *cid_secret;
  char       *partner_order_id;
  char       *partner_user_id;
  char       *item_name;
  char       *item_code;
  gint64      quantity;
  gint64      total_amount;
  gint64      tax_free_amount;
  gint64      vat_amount;         /* KP_UNSET: KakaoPay's default rule */
  gint64      green_deposit;      /* KP_UNSET: not sent */
  char       *approval_url;
  char       *cancel_url;
  char       *fail_url;
  GStrv       available_cards;
  char       *payment_method_type;
  int         install_month;      /* KP_UNSET: not sent */
  char       *use_share_installment;
  GHashTable *custom_json;        /* string → string */
} KpReadyRequest;

typedef struct
{
  char      *tid;
  char      *next_redirect_app_url;
  char      *next_redirect_mobile_url;
  char      *next_redirect_pc_url;
  char      *android_app_scheme;
  char      *ios_app_scheme;
  GDateTime *created_at;
  gboolean   has_tms_result;
  gboolean   tms_result;
} KpReadyReply;

/* approve (§5) */
typedef struct
{
  char   *cid;
  char   *cid_secret;
  char   *tid;
  char   *partner_order_id;
  char   *partner_user_id;
  char   *pg_token;
  char   *payload;
  gint64  total_amount;           /* KP_UNSET: not sent */
} KpApproveRequest;

typedef struct
{
  char       *aid;
  char       *tid;
  char       *cid;
  char       *sid;
  char       *partner_order_id;
  char       *partner_user_id;
  char       *payment_method_type;
  KpAmount    amount;
  KpCardInfo *card_info;          /* NULL unless CARD */
  char       *item_name;
  char       *item_code;
  gint64      quantity;
  GDateTime  *created_at;
  GDateTime  *approved_at;
  char       *payload;
} KpApproveReply;

/* order (§6) */
typedef struct
{
  char *cid;
  char *cid_secret;
  char *tid;
} KpOrderRequest;

typedef struct
{
  char               *tid;
  char               *cid;
  KpStatus            status;
  char               *status_string;
  char               *partner_order_id;
  char               *partner_user_id;
  char               *payment_method_type;
  KpAmount            amount;
  KpAmount            canceled_amount;
  KpAmount            cancel_available_amount;
  char               *item_name;
  char               *item_code;
  gint64              quantity;
  GDateTime          *created_at;
  GDateTime          *approved_at;
  GDateTime          *canceled_at;
  KpSelectedCardInfo *selected_card_info;
  GPtrArray          *payment_action_details;  /* KpPaymentAction */
} KpOrderReply;

/* cancel (§7) */
typedef struct
{
  char   *cid;
  char   *cid_secret;
  char   *tid;
  gint64  cancel_amount;
  gint64  cancel_tax_free_amount;
  gint64  cancel_vat_amount;        /* KP_UNSET: KakaoPay's default rule */
  gint64  cancel_available_amount;  /* KP_UNSET: not sent */
  char   *payload;
} KpCancelRequest;

typedef struct
{
  char      *aid;
  char      *tid;
  char      *cid;
  KpStatus   status;
  char      *status_string;
  char      *partner_order_id;
  char      *partner_user_id;
  char      *payment_method_type;
  KpAmount   amount;
  KpAmount   approved_cancel_amount;
  KpAmount   canceled_amount;
  KpAmount   cancel_available_amount;
  char      *item_name;
  char      *item_code;
  gint64     quantity;
  GDateTime *created_at;
  GDateTime *approved_at;
  GDateTime *canceled_at;
  char      *payload;
} KpCancelReply;

KpCardInfo         *kp_card_info_copy            (const KpCardInfo         *info);
void                kp_card_info_free            (KpCardInfo               *info);
void                kp_selected_card_info_free   (KpSelectedCardInfo       *info);
void                kp_payment_action_free       (KpPaymentAction          *action);

KpReadyRequest     *kp_ready_request_new         (void);
void                kp_ready_request_free        (KpReadyRequest           *request);
gboolean            kp_ready_request_validate    (const KpReadyRequest     *request,
                                                  GError                  **error);
gint64              kp_ready_request_get_vat     (const KpReadyRequest     *request);
void                kp_ready_reply_free          (KpReadyReply             *reply);

KpApproveRequest   *kp_approve_request_new       (void);
void                kp_approve_request_free      (KpApproveRequest         *request);
gboolean            kp_approve_request_validate  (const KpApproveRequest   *request,
                                                  GError                  **error);
void                kp_approve_reply_free        (KpApproveReply           *reply);

KpOrderRequest     *kp_order_request_new         (void);
void                kp_order_request_free        (KpOrderRequest           *request);
gboolean            kp_order_request_validate    (const KpOrderRequest     *request,
                                                  GError                  **error);
void                kp_order_reply_free          (KpOrderReply             *reply);

KpCancelRequest    *kp_cancel_request_new        (void);
void                kp_cancel_request_free       (KpCancelRequest          *request);
gboolean            kp_cancel_request_validate   (const KpCancelRequest    *request,
                                                  GError                  **error);
gint64              kp_cancel_request_get_vat    (const KpCancelRequest    *request);
void                kp_cancel_reply_free         (KpCancelReply            *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpCardInfo, kp_card_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpSelectedCardInfo, kp_selected_card_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpPaymentAction, kp_payment_action_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpReadyRequest, kp_ready_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpReadyReply, kp_ready_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpApproveRequest, kp_approve_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpApproveReply, kp_approve_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpOrderRequest, kp_order_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpOrderReply, kp_order_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpCancelRequest, kp_cancel_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpCancelReply, kp_cancel_reply_free)

G_END_DECLS
