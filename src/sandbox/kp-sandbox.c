/* kp-sandbox.c: a KakaoPay simulator
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sandbox"

#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>

#include "kp-address.h"
#include "kp-codec.h"
#include "kp-error.h"
#include "kp-money.h"
#include "kp-payment.h"
#include "kp-sandbox.h"
#include "kp-sandbox-resources.h"

#define PAGE_RESOURCE      "/io/github/kppos/KakaoPayPos/sandbox/kp-sandbox-page.html"
#define JSON_CONTENT_TYPE  "application/json;charset=UTF-8"
#define HTML_CONTENT_TYPE  "text/html;charset=UTF-8"
#define TEST_CID           "TC0ONETIME"
#define LEGACY_PAGE_PREFIX "/mockup/v1/"

/* The test card every CARD payment uses (kakaopay-api.md §5 doc sample). */
#define CARD_BIN               "621640"
#define CARD_PURCHASE_CORP     "비씨카드"
#define CARD_PURCHASE_CODE     "104"
#define CARD_ISSUER_CORP       "수협은행"
#define CARD_ISSUER_CODE       "212"
#define CARD_MID               "123456789"
#define CARD_INSTALLMENT_TYPE  "CARD_INSTALLMENT"

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
} Payment;

typedef struct
{
  KpSandboxFault fault;
  guint          n_calls;
  guint          delay_ms;
} FaultSlot;

/* A reply held back by DELAY or DROP_REPLY. */
typedef struct
{
  KpSandbox         *sandbox;   /* borrowed: dispose finishes every pending reply */
  SoupServerMessage *msg;
  guint              source_id;
  gboolean           drop;
} PendingReply;

struct _KpSandbox
{
  GObject        parent_instance;

  SoupServer    *server;
  GOutputStream *log_stream;
  GHashTable    *payments;      /* tid → Payment */
  GHashTable    *pages;         /* page key → Payment, borrowed from payments */
  GHashTable    *cids;          /* known CIDs */
  GPtrArray     *requests;      /* KpSandboxRequest */
  GList         *pending;       /* PendingReply */
  FaultSlot      faults[KP_SANDBOX_N_ENDPOINTS];

  char          *secret_key;
  char          *public_url;
  char          *base_url;
  guint          tid_ttl;
  gint64         clock_offset;  /* seconds added to the real time */
};

G_DEFINE_FINAL_TYPE (KpSandbox, kp_sandbox, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SECRET_KEY,
  PROP_TID_TTL,
  PROP_PUBLIC_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
} Call;

static const char * const endpoint_names[] = {
  [KP_SANDBOX_ENDPOINT_READY] = "ready",
  [KP_SANDBOX_ENDPOINT_APPROVE] = "approve",
  [KP_SANDBOX_ENDPOINT_ORDER] = "order",
  [KP_SANDBOX_ENDPOINT_CANCEL] = "cancel",
};

static const char * const fault_names[] = {
  [KP_SANDBOX_FAULT_NONE] = "none",
  [KP_SANDBOX_FAULT_DELAY] = "delay",
  [KP_SANDBOX_FAULT_HTTP_500] = "http-500",
  [KP_SANDBOX_FAULT_MALFORMED_JSON] = "malformed-json",
  [KP_SANDBOX_FAULT_DROP_REPLY] = "drop-reply",
  [KP_SANDBOX_FAULT_DECLINE] = "decline",
  [KP_SANDBOX_FAULT_SPARSE_ACTIONS] = "sparse-actions",
};

static const char * const page_prefixes[] = {
  "/mockup/bridge/pc/pg/one-time/payment/",
  "/mockup/bridge/mobile-web/pg/one-time/payment/",
  "/mockup/bridge/mobile-app/pg/one-time/payment/",
  "/pay/mockup/",
};

static const char * const legacy_page_suffixes[] = { "info", "mInfo", "aInfo", "order" };

static gboolean call_fail (Call       *call,
                           int         code,
                           const char *format,
                           ...) G_GNUC_PRINTF (3, 4);

/* Payments */

static void
payment_free (Payment *payment)
{
  g_free (payment->tid);
  g_free (payment->page_key);
  g_free (payment->cid);
  g_free (payment->partner_order_id);
  g_free (payment->partner_user_id);
  g_free (payment->item_name);
  g_free (payment->item_code);
  g_free (payment->approval_url);
  g_free (payment->cancel_url);
  g_free (payment->fail_url);
  g_free (payment->allowed_method);
  g_free (payment->method);
  g_free (payment->pg_token);
  g_free (payment->aid);
  g_free (payment->approved_id);
  g_free (payment->payload);
  g_clear_pointer (&payment->created_at, g_date_time_unref);
  g_clear_pointer (&payment->approved_at, g_date_time_unref);
  g_clear_pointer (&payment->canceled_at, g_date_time_unref);
  g_clear_pointer (&payment->actions, g_ptr_array_unref);
  g_free (payment);
}

/* Before approval and not ended: the states an expiry can still end. */
static gboolean
status_is_waiting (KpStatus status)
{
  switch (status)
    {
    case KP_STATUS_READY:
    case KP_STATUS_SEND_TMS:
    case KP_STATUS_OPEN_PAYMENT:
    case KP_STATUS_SELECT_METHOD:
    case KP_STATUS_ARS_WAITING:
    case KP_STATUS_AUTH_PASSWORD:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The customer is still on the payment page (password not yet entered). */
static gboolean
status_is_before_auth (KpStatus status)
{
  return status_is_waiting (status) && status != KP_STATUS_AUTH_PASSWORD;
}

static gboolean
payment_is_past_ttl (KpSandbox *self,
                     Payment   *payment)
{
  g_autoptr (GDateTime) now = kp_sandbox_now (self);

  return g_date_time_difference (now, payment->created_at) >
         (GTimeSpan) self->tid_ttl * G_TIME_SPAN_SECOND;
}

static void
payment_check_expiry (KpSandbox *self,
                      Payment   *payment)
{
  if (payment->approved_at != NULL || !status_is_waiting (payment->status))
    return;
  if (!payment_is_past_ttl (self, payment))
    return;

  /* INF (kakaopay-api.md §2): the status of an expired tid is not documented; like a
   * customer who walked away it reports QUIT_PAYMENT, and approve answers -723. */
  payment->status = KP_STATUS_QUIT_PAYMENT;
  payment->expired = TRUE;
}

/* What can still be cancelled: nothing before approval. */
static void
payment_get_remaining (Payment  *payment,
                       KpAmount *remaining)
{
  memset (remaining, 0, sizeof *remaining);
  if (payment->approved_at == NULL)
    return;

  remaining->total = payment->amount.total - payment->canceled.total;
  remaining->tax_free = payment->amount.tax_free - payment->canceled.tax_free;
  remaining->vat = payment->amount.vat - payment->canceled.vat;
  remaining->green_deposit = payment->amount.green_deposit - payment->canceled.green_deposit;
}

/* Identifiers */

static void
fill_random (guint8 *buffer,
             gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = getrandom (buffer + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }

  /* Only without a kernel random source: good enough for a simulator. */
  for (; done < length; done++)
    buffer[done] = g_random_int_range (0, 256);
}

static char *
random_hex (guint n_chars)
{
  static const char digits[] = "0123456789abcdef";
  guint8 bytes[32];
  GString *str = g_string_sized_new (n_chars);

  g_assert (n_chars <= 2 * sizeof bytes);
  fill_random (bytes, (n_chars + 1) / 2);
  for (guint i = 0; i < n_chars; i++)
    g_string_append_c (str, digits[(bytes[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf]);

  return g_string_free (str, FALSE);
}

/* tid, aid: a letter and 19 lowercase hex digits (kakaopay-api.md §3). */
static char *
random_id (char prefix)
{
  g_autofree char *hex = random_hex (19);

  return g_strdup_printf ("%c%s", prefix, hex);
}

static char *
random_digits (guint n_digits)
{
  GString *str = g_string_sized_new (n_digits);

  for (guint i = 0; i < n_digits; i++)
    g_string_append_c (str, '0' + g_random_int_range (0, 10));

  return g_string_free (str, FALSE);
}

/* JSON */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_datetime (JsonBuilder *builder,
              const char  *name,
              GDateTime   *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return;
  text = kp_datetime_format (value);
  add_string (builder, name, text);
}

/* An optional member that does not apply. The legacy dialect leaves it out, as a real
 * 2023 legacy order reply does (kakaopay-api.md §6, S14); the online dialect sends null,
 * as a real 2024 open-api approve reply does for sid, item_code, payload and
 * sequential_payment_methods (3P). That order and cancel send null too is INF. */
static void
add_absent (JsonBuilder *builder,
            KpDialect    dialect,
            const char  *name)
{
  if (dialect != KP_DIALECT_ONLINE)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_null_value (builder);
}

static void
add_optional_string (JsonBuilder *builder,
                     KpDialect    dialect,
                     const char  *name,
                     const char  *value)
{
  if (value != NULL)
    add_string (builder, name, value);
  else
    add_absent (builder, dialect, name);
}

static void
add_optional_datetime (JsonBuilder *builder,
                       KpDialect    dialect,
                       const char  *name,
                       GDateTime   *value)
{
  if (value != NULL)
    add_datetime (builder, name, value);
  else
    add_absent (builder, dialect, name);
}

static void
add_optional_int (JsonBuilder         *builder,
                  KpDialect            dialect,
                  const char          *name,
                  const KpOptionalInt *value)
{
  gint64 number;

  if (kp_optional_int_get (value, &number))
    add_int (builder, name, number);
  else
    add_absent (builder, dialect, name);
}

static void
add_amount (JsonBuilder    *builder,
            const char     *name,
            const KpAmount *amount)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_int (builder, "total", amount->total);
  add_int (builder, "tax_free", amount->tax_free);
  add_int (builder, "vat", amount->vat);
  add_int (builder, "point", amount->point);
  add_int (builder, "discount", amount->discount);
  add_int (builder, "green_deposit", amount->green_deposit);
  json_builder_end_object (builder);
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  return node_to_string (root);
}

/* The error body in the dialect's shape (kakaopay-api.md §9). */
static char *
error_body (KpDialect   dialect,
            int         code,
            const char *message,
            const char *method_result_code,
            const char *method_result_message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  gboolean online = dialect == KP_DIALECT_ONLINE;

  json_builder_begin_object (builder);
  add_int (builder, online ? "error_code" : "code", code);
  add_string (builder, online ? "error_message" : "msg", message);
  if (method_result_code != NULL)
    {
      json_builder_set_member_name (builder, "extras");
      json_builder_begin_object (builder);
      add_string (builder, "method_result_code", method_result_code);
      add_string (builder, "method_result_message", method_result_message);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return builder_to_string (builder);
}

/* Calls: reading the request */

static gboolean
call_fail_full (Call       *call,
                guint       http_status,
                int         code,
                const char *method_result_code,
                const char *method_result_message,
                const char *message)
{
  g_free (call->body);
  call->http_status = http_status;
  call->code = code;
  call->body = error_body (call->dialect, code, message,
                           method_result_code, method_result_message);
  return FALSE;
}

static gboolean
call_fail (Call       *call,
           int         code,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* INF (kakaopay-api.md §9): every business error is HTTP 400, a bad key 401. */
  return call_fail_full (call, code == KP_CODE_UNAUTHORIZED ? 401 : 400, code,
                         NULL, NULL, message);
}

static void
call_succeed (Call        *call,
              JsonBuilder *builder)
{
  g_free (call->body);
  call->http_status = 200;
  call->code = 0;
  call->body = builder_to_string (builder);
}

static JsonNode *
call_lookup_node (Call       *call,
                  const char *field)
{
  JsonNode *node;

  if (call->object == NULL || !json_object_has_member (call->object, field))
    return NULL;
  node = json_object_get_member (call->object, field);
  return JSON_NODE_HOLDS_NULL (node) ? NULL : node;
}

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* The raw text of a field, without validation (for the request log). */
static const char *
call_peek_string (Call       *call,
                  const char *field)
{
  if (call->dialect == KP_DIALECT_LEGACY)
    return call->form != NULL ? g_hash_table_lookup (call->form, field) : NULL;
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      return node != NULL && node_holds (node, G_TYPE_STRING) ? json_node_get_string (node)
                                                              : NULL;
    }
}

static gboolean
call_get_string (Call        *call,
                 const char  *field,
                 gboolean     required,
                 guint        max_chars,
                 const char **out_value)
{
  const char *value = NULL;

  *out_value = NULL;

  if (call->dialect == KP_DIALECT_LEGACY)
    value = g_hash_table_lookup (call->form, field);
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      if (node == NULL)
        value = NULL;
      else if (node_holds (node, G_TYPE_STRING))
        value = json_node_get_string (node);
      else if (node_holds (node, G_TYPE_INT64))
        {
          /* INF: a number where text is expected (an order id) is taken as its digits. */
          value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
          g_ptr_array_add (call->strings, (char *) value);
        }
      else
        return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be a string", field);
    }

  if (value == NULL || *value == '\0')
    {
      if (required)
        return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is required", field);
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not valid UTF-8", field);

  if (max_chars > 0 && g_utf8_strlen (value, -1) > (glong) max_chars)
    return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is longer than %u characters",
                      field, max_chars);

  *out_value = value;
  return TRUE;
}

/* Integers come as JSON numbers or numeric strings (the official open-api sample sends
 * strings, kakaopay-api.md §1), and as text in a legacy form. */
static gboolean
call_get_int (Call       *call,
              const char *field,
              gboolean    required,
              gint64     *out_value,
              gboolean   *out_present)
{
  const char *text = NULL;
  gint64 value;

  *out_value = 0;
  if (out_present != NULL)
    *out_present = FALSE;

  if (call->dialect == KP_DIALECT_LEGACY)
    text = g_hash_table_lookup (call->form, field);
  else
    {
      JsonNode *node = call_lookup_node (call, field);

      if (node != NULL && node_holds (node, G_TYPE_INT64))
        {
          *out_value = json_node_get_int (node);
          if (out_present != NULL)
            *out_present = TRUE;
          return TRUE;
        }
      else if (node != NULL && node_holds (node, G_TYPE_STRING))
        text = json_node_get_string (node);
      else if (node != NULL)
        return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be an integer", field);
    }

  if (text == NULL || *text == '\0')
    {
      if (required)
        return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is required", field);
      return TRUE;
    }

  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be an integer", field);

  *out_value = value;
  if (out_present != NULL)
    *out_present = TRUE;
  return TRUE;
}

static gboolean
call_get_url (Call        *call,
              const char  *field,
              const char **out_value)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (!call_get_string (call, field, TRUE, KP_MAX_URL_LENGTH, out_value))
    return FALSE;

  /* The customer's browser is redirected there: a space or a control character (a
   * CR LF would split the Location header) is no URL. */
  for (const char *c = *out_value; *c != '\0'; c++)
    if ((guchar) *c <= 0x20 || *c == 0x7f)
      return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not a valid URL", field);

  uri = g_uri_parse (*out_value, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (scheme == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not an http or https URL", field);

  return TRUE;
}

static gboolean
node_is_string_list (JsonNode     *node,
                     JsonNodeType  type)
{
  g_autoptr (GList) values = NULL;

  if (JSON_NODE_TYPE (node) != type)
    return FALSE;

  if (type == JSON_NODE_ARRAY)
    values = json_array_get_elements (json_node_get_array (node));
  else
    values = json_object_get_values (json_node_get_object (node));

  for (GList *l = values; l != NULL; l = l->next)
    if (!node_holds (l->data, G_TYPE_STRING))
      return FALSE;

  return TRUE;
}

/* available_cards (a list of strings) and custom_json (a string map): JSON in the online
 * body; JSON text as a legacy form value (INF, kakaopay-api.md §4). */
static gboolean
call_check_json (Call         *call,
                 const char   *field,
                 JsonNodeType  type)
{
  g_autoptr (JsonNode) parsed = NULL;
  JsonNode *node = NULL;
  const char *text = NULL;

  if (call->dialect == KP_DIALECT_LEGACY)
    text = g_hash_table_lookup (call->form, field);
  else
    {
      node = call_lookup_node (call, field);
      if (node != NULL && node_holds (node, G_TYPE_STRING))
        {
          text = json_node_get_string (node);
          node = NULL;
        }
    }

  if (node == NULL && (text == NULL || *text == '\0'))
    return TRUE;

  if (node == NULL)
    {
      parsed = kp_codec_parse_json (text, -1);
      if (parsed == NULL)
        return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s is not valid JSON", field);
      node = parsed;
    }

  if (node == NULL || !node_is_string_list (node, type))
    return call_fail (call, KP_CODE_INVALID_PARAMETER, "%s must be a JSON %s of strings", field,
                      type == JSON_NODE_ARRAY ? "array" : "object");

  return TRUE;
}

static gboolean
cid_secret_is_valid (const char *cid_secret)
{
  if (strlen (cid_secret) != KP_CID_SECRET_LENGTH)
    return FALSE;
  for (const char *p = cid_secret; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_islower (*p))
      return FALSE;
  return TRUE;
}

/* The CID must be one we know and, after ready, the payment's own. */
static gboolean
call_check_cid (Call       *call,
                const char *cid,
                const char *cid_secret,
                Payment    *payment)
{
  if (!g_hash_table_contains (call->sandbox->cids, cid) ||
      (payment != NULL && strcmp (cid, payment->cid) != 0))
    return call_fail (call, KP_CODE_WRONG_CID, "wrong cid");

  if (cid_secret != NULL && !cid_secret_is_valid (cid_secret))
    return call_fail (call, KP_CODE_WRONG_CID_SECRET, "wrong cid_secret");

  return TRUE;
}

static Payment *
call_find_payment (Call       *call,
                   const char *tid)
{
  Payment *payment = g_hash_table_lookup (call->sandbox->payments, tid);

  if (payment == NULL)
    call_fail (call, KP_CODE_UNKNOWN_TID, "tid does not exist");
  return payment;
}

static gboolean
call_check_auth (Call *call)
{
  const char *header = soup_message_headers_get_one (call->headers, "Authorization");
  const char *space = header != NULL ? strchr (header, ' ') : NULL;
  g_autofree char *scheme = NULL;
  const char *key = NULL;
  gboolean scheme_ok;

  if (space != NULL)
    {
      scheme = g_strndup (header, space - header);
      key = space;
      while (*key == ' ')
        key++;
    }

  /* HTTP authentication schemes are case-insensitive (RFC 9110). */
  if (scheme == NULL)
    scheme_ok = FALSE;
  else if (call->dialect == KP_DIALECT_ONLINE)
    scheme_ok = g_ascii_strcasecmp (scheme, "SECRET_KEY") == 0 ||
                g_ascii_strcasecmp (scheme, "DEV_SECRET_KEY") == 0;
  else
    scheme_ok = g_ascii_strcasecmp (scheme, "KakaoAK") == 0;

  if (header == NULL)
    return call_fail (call, KP_CODE_UNAUTHORIZED, "the Authorization header is missing");
  if (!scheme_ok)
    return call_fail (call, KP_CODE_UNAUTHORIZED, "expected Authorization: %s {key}",
                      call->dialect == KP_DIALECT_ONLINE ? "SECRET_KEY" : "KakaoAK");
  if (g_strcmp0 (key, call->sandbox->secret_key) != 0)
    return call_fail (call, KP_CODE_UNAUTHORIZED, "invalid %s",
                      call->dialect == KP_DIALECT_ONLINE ? "secret key" : "app admin key");

  return TRUE;
}

static void
call_parse (Call       *call,
            GHashTable *query)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (call->request_body, &size);

  if (call->dialect == KP_DIALECT_LEGACY)
    {
      GHashTableIter iter;
      gpointer key, value;

      /* kapi.kakao.com takes the fields from the query string too, on GET (the early
       * order) and on POST alike; where a field is in both, the body's wins. */
      call->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (query != NULL)
        {
          g_hash_table_iter_init (&iter, query);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_replace (call->form, g_strdup (key), g_strdup (value));
        }
      if (!g_str_equal (call->method, "GET") && data != NULL && size > 0)
        {
          g_autofree char *text = g_strndup (data, size);
          g_autoptr (GHashTable) body_form = soup_form_decode (text);

          g_hash_table_iter_init (&iter, body_form);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_replace (call->form, g_strdup (key), g_strdup (value));
        }
    }
  else
    {
      g_autoptr (JsonNode) root = kp_codec_parse_json (data, size);

      if (root == NULL)
        {
          call->parse_error = "the body is not valid JSON";
          return;
        }
      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          call->parse_error = "the body is not a JSON object";
          return;
        }
      call->object = json_object_ref (json_node_get_object (root));
    }
}

static void
call_clear (Call *call)
{
  g_clear_pointer (&call->object, json_object_unref);
  g_clear_pointer (&call->form, g_hash_table_unref);
  g_clear_pointer (&call->strings, g_ptr_array_unref);
  g_clear_pointer (&call->body, g_free);
}

/* Calls: the four endpoints */

static char *
build_base_url (KpSandbox *self)
{
  if (self->public_url != NULL)
    return g_strdup (self->public_url);
  if (self->base_url != NULL)
    return g_strdup (self->base_url);

  /* Not listening: requests come through kp_sandbox_handle () in this process. */
  return g_strdup ("http://127.0.0.1");
}

static void
handle_ready (Call *call)
{
  KpSandbox *self = call->sandbox;
  const char *cid, *cid_secret, *order_id, *user_id, *item_name, *item_code;
  const char *approval_url, *cancel_url, *fail_url, *method_type, *share;
  gint64 quantity, total, tax_free, vat, green_deposit, install_month;
  gboolean has_vat, has_install_month;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autofree char *base = NULL;
  g_autofree char *pc_url = NULL;
  g_autofree char *mobile_url = NULL;
  g_autofree char *app_url = NULL;
  g_autofree char *app_scheme = NULL;
  Payment *payment;

  if (!call_get_string (call, "cid", TRUE, 0, &cid) ||
      !call_get_string (call, "cid_secret", FALSE, 0, &cid_secret) ||
      !call_get_string (call, "partner_order_id", TRUE, KP_MAX_ID_LENGTH, &order_id) ||
      !call_get_string (call, "partner_user_id", TRUE, KP_MAX_ID_LENGTH, &user_id) ||
      !call_get_string (call, "item_name", TRUE, KP_MAX_ITEM_LENGTH, &item_name) ||
      !call_get_string (call, "item_code", FALSE, KP_MAX_ITEM_LENGTH, &item_code) ||
      !call_get_int (call, "quantity", TRUE, &quantity, NULL) ||
      !call_get_int (call, "total_amount", TRUE, &total, NULL) ||
      !call_get_int (call, "tax_free_amount", TRUE, &tax_free, NULL) ||
      !call_get_int (call, "vat_amount", FALSE, &vat, &has_vat) ||
      !call_get_int (call, "green_deposit", FALSE, &green_deposit, NULL) ||
      !call_get_url (call, "approval_url", &approval_url) ||
      !call_get_url (call, "cancel_url", &cancel_url) ||
      !call_get_url (call, "fail_url", &fail_url) ||
      !call_check_json (call, "available_cards", JSON_NODE_ARRAY) ||
      !call_get_string (call, "payment_method_type", FALSE, 0, &method_type) ||
      !call_get_int (call, "install_month", FALSE, &install_month, &has_install_month) ||
      !call_get_string (call, "use_share_installment", FALSE, 0, &share) ||
      !call_check_json (call, "custom_json", JSON_NODE_OBJECT))
    return;

  /* INF (kakaopay-api.md §4): the checks the real service surely does, undocumented. */
  if (strlen (cid) != KP_CID_LENGTH)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "cid must be %d characters", KP_CID_LENGTH);
      return;
    }
  if (quantity < 1)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "quantity must be at least 1");
      return;
    }
  if (total <= 0)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "total_amount must be greater than 0");
      return;
    }
  if (tax_free < 0 || tax_free > total)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER,
                 "tax_free_amount must be between 0 and total_amount");
      return;
    }
  if (has_vat && (vat < 0 || vat > total - tax_free))
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER,
                 "vat_amount must be between 0 and total_amount - tax_free_amount");
      return;
    }
  if (green_deposit < 0)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "green_deposit must not be negative");
      return;
    }
  if (method_type != NULL && !g_str_equal (method_type, "CARD") &&
      !g_str_equal (method_type, "MONEY"))
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "payment_method_type must be CARD or MONEY");
      return;
    }
  if (has_install_month && (install_month < 0 || install_month > 12))
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "install_month must be between 0 and 12");
      return;
    }
  if (share != NULL && !g_str_equal (share, "Y") && !g_str_equal (share, "N"))
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "use_share_installment must be Y or N");
      return;
    }
  if (!call_check_cid (call, cid, cid_secret, NULL))
    return;

  payment = g_new0 (Payment, 1);
  payment->tid = random_id ('T');
  payment->page_key = random_hex (64);
  payment->dialect = call->dialect;
  payment->cid = g_strdup (cid);
  payment->partner_order_id = g_strdup (order_id);
  payment->partner_user_id = g_strdup (user_id);
  payment->item_name = g_strdup (item_name);
  payment->item_code = g_strdup (item_code);
  payment->quantity = quantity;
  payment->amount.total = total;
  payment->amount.tax_free = tax_free;
  payment->amount.vat = has_vat ? vat : kp_vat_default (total, tax_free);
  payment->amount.green_deposit = green_deposit;
  payment->approval_url = g_strdup (approval_url);
  payment->cancel_url = g_strdup (cancel_url);
  payment->fail_url = g_strdup (fail_url);
  payment->allowed_method = g_strdup (method_type);
  payment->install_month = has_install_month ? (int) install_month : KP_UNSET;
  payment->status = KP_STATUS_READY;
  payment->created_at = kp_sandbox_now (self);
  payment->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_payment_action_free);
  g_hash_table_insert (self->payments, payment->tid, payment);
  g_hash_table_insert (self->pages, payment->page_key, payment);

  /* The page URLs mimic the real sandbox's (kakaopay-api.md §2, 3P); every one of them
   * serves the same customer page. */
  base = build_base_url (self);
  if (call->dialect == KP_DIALECT_ONLINE)
    {
      pc_url = g_strdup_printf ("%s%s%s", base, page_prefixes[0], payment->page_key);
      mobile_url = g_strdup_printf ("%s%s%s", base, page_prefixes[1], payment->page_key);
      app_url = g_strdup_printf ("%s%s%s", base, page_prefixes[2], payment->page_key);
      app_scheme = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s/pay/mockup/%s",
                                    base, payment->page_key);
    }
  else
    {
      /* The legacy sample's https://mockup-pg-web.kakao.com/v1/{id}/info shape (S7, S10)
       * on our own host, under /mockup so that it stays clear of /v1/payment/. */
      pc_url = g_strdup_printf ("%s%s%s/info", base, LEGACY_PAGE_PREFIX, payment->page_key);
      mobile_url = g_strdup_printf ("%s%s%s/mInfo", base, LEGACY_PAGE_PREFIX,
                                    payment->page_key);
      app_url = g_strdup_printf ("%s%s%s/aInfo", base, LEGACY_PAGE_PREFIX, payment->page_key);
      app_scheme = g_strdup_printf ("kakaotalk://kakaopay/pg?url=%s%s%s/order",
                                    base, LEGACY_PAGE_PREFIX, payment->page_key);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "tid", payment->tid);
  add_string (builder, "next_redirect_app_url", app_url);
  add_string (builder, "next_redirect_mobile_url", mobile_url);
  add_string (builder, "next_redirect_pc_url", pc_url);
  add_string (builder, "android_app_scheme", app_scheme);
  add_string (builder, "ios_app_scheme", app_scheme);
  add_datetime (builder, "created_at", payment->created_at);
  /* Undocumented but present in real replies (kakaopay-api.md §4, S14). */
  json_builder_set_member_name (builder, "tms_result");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  call_succeed (call, builder);
}

static void
add_card_info (JsonBuilder *builder,
               Payment     *payment)
{
  int months = MAX (payment->install_month, 0);
  g_autofree char *install_month = g_strdup_printf ("%02d", months);

  json_builder_set_member_name (builder, "card_info");
  json_builder_begin_object (builder);
  add_string (builder, "kakaopay_purchase_corp", CARD_PURCHASE_CORP);
  add_string (builder, "kakaopay_purchase_corp_code", CARD_PURCHASE_CODE);
  add_string (builder, "kakaopay_issuer_corp", CARD_ISSUER_CORP);
  add_string (builder, "kakaopay_issuer_corp_code", CARD_ISSUER_CODE);
  add_string (builder, "bin", CARD_BIN);
  /* Instalments only exist on credit cards. */
  add_string (builder, "card_type", months > 0 ? "신용" : "체크");
  add_string (builder, "install_month", install_month);
  add_string (builder, "approved_id", payment->approved_id);
  add_string (builder, "card_mid", CARD_MID);
  add_string (builder, "interest_free_install", "N");
  add_string (builder, "installment_type", CARD_INSTALLMENT_TYPE);
  json_builder_end_object (builder);
}

static void
add_selected_card_info (JsonBuilder *builder,
                        Payment     *payment)
{
  json_builder_set_member_name (builder, "selected_card_info");
  json_builder_begin_object (builder);
  add_string (builder, "card_bin", CARD_BIN);
  add_int (builder, "install_month", MAX (payment->install_month, 0));
  add_string (builder, "installment_type", CARD_INSTALLMENT_TYPE);
  add_string (builder, "card_corp_name", CARD_PURCHASE_CORP);
  add_string (builder, "interest_free_install", "N");
  json_builder_end_object (builder);
}

static void
add_payment_ids (JsonBuilder *builder,
                 Payment     *payment)
{
  add_string (builder, "tid", payment->tid);
  add_string (builder, "cid", payment->cid);
}

static void
add_payment_item (JsonBuilder *builder,
                  KpDialect    dialect,
                  Payment     *payment)
{
  add_string (builder, "item_name", payment->item_name);
  add_optional_string (builder, dialect, "item_code", payment->item_code);
  add_int (builder, "quantity", payment->quantity);
  add_datetime (builder, "created_at", payment->created_at);
}

static void
handle_approve (Call *call)
{
  KpSandbox *self = call->sandbox;
  const char *cid, *cid_secret, *tid, *order_id, *user_id, *pg_token, *payload;
  gint64 total;
  gboolean has_total;
  Payment *payment;
  KpPaymentAction *action;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_string (call, "cid", TRUE, 0, &cid) ||
      !call_get_string (call, "cid_secret", FALSE, 0, &cid_secret) ||
      !call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid) ||
      !call_get_string (call, "partner_order_id", TRUE, KP_MAX_ID_LENGTH, &order_id) ||
      !call_get_string (call, "partner_user_id", TRUE, KP_MAX_ID_LENGTH, &user_id) ||
      !call_get_string (call, "pg_token", TRUE, KP_MAX_ID_LENGTH, &pg_token) ||
      !call_get_string (call, "payload", FALSE, KP_MAX_PAYLOAD_LENGTH, &payload) ||
      !call_get_int (call, "total_amount", FALSE, &total, &has_total))
    return;

  payment = call_find_payment (call, tid);
  if (payment == NULL || !call_check_cid (call, cid, cid_secret, payment))
    return;

  if (payment->approved_at != NULL)
    {
      call_fail (call, KP_CODE_ALREADY_APPROVED, "payment already approved");
      return;
    }
  if (payment_is_past_ttl (self, payment))
    {
      payment_check_expiry (self, payment);
      call_fail (call, KP_CODE_EXPIRED, "payment expiry time passed");
      return;
    }
  if (!g_str_equal (order_id, payment->partner_order_id))
    {
      call_fail (call, KP_CODE_ORDER_ID_MISMATCH, "partner_order_id does not match ready");
      return;
    }
  if (!g_str_equal (user_id, payment->partner_user_id))
    {
      call_fail (call, KP_CODE_USER_ID_MISMATCH, "partner_user_id does not match ready");
      return;
    }
  if (status_is_before_auth (payment->status))
    {
      call_fail (call, KP_CODE_NOT_AUTHENTICATED, "the user has not authenticated the payment");
      return;
    }
  if (payment->status != KP_STATUS_AUTH_PASSWORD)
    {
      call_fail (call, KP_CODE_NOT_APPROVABLE, "payment in state %s cannot be approved",
                 kp_status_to_string (payment->status));
      return;
    }
  if (g_strcmp0 (pg_token, payment->pg_token) != 0)
    {
      call_fail (call, KP_CODE_WRONG_PG_TOKEN, "wrong pg_token");
      return;
    }
  /* The legacy doc has the check (S7); open-api shares the table (INF). */
  if (has_total && total != payment->amount.total)
    {
      call_fail (call, KP_CODE_WRONG_AMOUNT, "total_amount does not match ready");
      return;
    }
  if (call->fault == KP_SANDBOX_FAULT_DECLINE)
    {
      payment->status = KP_STATUS_FAIL_PAYMENT;
      call_fail_full (call, 400, KP_CODE_APPROVE_FAILED, "USER_LOCKED",
                      "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.",
                      "approval failure!");
      return;
    }

  payment->status = KP_STATUS_SUCCESS_PAYMENT;
  payment->aid = random_id ('A');
  payment->approved_at = kp_sandbox_now (self);
  payment->approved_id = random_digits (8);
  payment->payload = g_strdup (payload);
  if (payment->method == NULL)
    payment->method = g_strdup (payment->allowed_method != NULL ? payment->allowed_method
                                                                : "MONEY");

  action = g_new0 (KpPaymentAction, 1);
  action->aid = g_strdup (payment->aid);
  action->approved_at = g_date_time_ref (payment->approved_at);
  action->amount = KP_OPTIONAL_INT (payment->amount.total);
  action->point_amount = KP_OPTIONAL_INT (payment->amount.point);
  action->discount_amount = KP_OPTIONAL_INT (payment->amount.discount);
  action->green_deposit = KP_OPTIONAL_INT (payment->amount.green_deposit);
  action->payment_action_type = g_strdup ("PAYMENT");
  action->payment_method_type = g_strdup (payment->method);
  action->payload = g_strdup (payload);
  g_ptr_array_add (payment->actions, action);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "aid", payment->aid);
  add_payment_ids (builder, payment);
  /* Only a subscription CID has one (kakaopay-api.md §5). */
  add_absent (builder, call->dialect, "sid");
  add_string (builder, "partner_order_id", payment->partner_order_id);
  add_string (builder, "partner_user_id", payment->partner_user_id);
  add_string (builder, "payment_method_type", payment->method);
  add_amount (builder, "amount", &payment->amount);
  if (g_str_equal (payment->method, "CARD"))
    add_card_info (builder, payment);
  else
    add_absent (builder, call->dialect, "card_info");
  /* Not in kakaopay-api.md; a real open-api approve reply has it, null (3P). */
  add_absent (builder, call->dialect, "sequential_payment_methods");
  add_payment_item (builder, call->dialect, payment);
  add_datetime (builder, "approved_at", payment->approved_at);
  add_optional_string (builder, call->dialect, "payload", payment->payload);
  json_builder_end_object (builder);
  call_succeed (call, builder);
}

static void
handle_order (Call *call)
{
  KpSandbox *self = call->sandbox;
  const char *cid, *cid_secret, *tid;
  Payment *payment;
  KpAmount remaining;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_string (call, "cid", TRUE, 0, &cid) ||
      !call_get_string (call, "cid_secret", FALSE, 0, &cid_secret) ||
      !call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid))
    return;

  payment = call_find_payment (call, tid);
  if (payment == NULL || !call_check_cid (call, cid, cid_secret, payment))
    return;

  payment_check_expiry (self, payment);
  payment_get_remaining (payment, &remaining);

  /* Fields that do not apply are left out, as real replies do (kakaopay-api.md §6). */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_payment_ids (builder, payment);
  add_string (builder, "status", kp_status_to_string (payment->status));
  add_string (builder, "partner_order_id", payment->partner_order_id);
  add_string (builder, "partner_user_id", payment->partner_user_id);
  add_optional_string (builder, call->dialect, "payment_method_type", payment->method);
  add_amount (builder, "amount", &payment->amount);
  add_amount (builder, "canceled_amount", &payment->canceled);
  add_amount (builder, "cancel_available_amount", &remaining);
  add_payment_item (builder, call->dialect, payment);
  add_optional_datetime (builder, call->dialect, "approved_at", payment->approved_at);
  add_optional_datetime (builder, call->dialect, "canceled_at", payment->canceled_at);
  if (g_strcmp0 (payment->method, "CARD") == 0)
    add_selected_card_info (builder, payment);
  else
    add_absent (builder, call->dialect, "selected_card_info");

  json_builder_set_member_name (builder, "payment_action_details");
  json_builder_begin_array (builder);
  for (guint i = 0; i < payment->actions->len; i++)
    {
      KpPaymentAction *action = g_ptr_array_index (payment->actions, i);

      json_builder_begin_object (builder);
      add_string (builder, "aid", action->aid);
      add_datetime (builder, "approved_at", action->approved_at);
      if (call->fault == KP_SANDBOX_FAULT_SPARSE_ACTIONS)
        {
          /* Only what a real 2023 legacy entry carried (kakaopay-api.md §6, S14). */
          add_optional_int (builder, KP_DIALECT_LEGACY, "point_amount", &action->point_amount);
          add_optional_int (builder, KP_DIALECT_LEGACY, "discount_amount",
                            &action->discount_amount);
          add_string (builder, "payment_action_type", action->payment_action_type);
          json_builder_end_object (builder);
          continue;
        }
      add_optional_int (builder, call->dialect, "amount", &action->amount);
      add_optional_int (builder, call->dialect, "point_amount", &action->point_amount);
      add_optional_int (builder, call->dialect, "discount_amount", &action->discount_amount);
      add_optional_int (builder, call->dialect, "green_deposit", &action->green_deposit);
      add_string (builder, "payment_action_type", action->payment_action_type);
      add_optional_string (builder, call->dialect, "payment_method_type",
                           action->payment_method_type);
      add_optional_string (builder, call->dialect, "payload", action->payload);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  call_succeed (call, builder);
}

static void
handle_cancel (Call *call)
{
  KpSandbox *self = call->sandbox;
  const char *cid, *cid_secret, *tid, *payload;
  gint64 amount, tax_free, vat, available;
  gboolean has_vat, has_available;
  Payment *payment;
  KpAmount remaining;
  KpAmount this_cancel = { 0 };
  KpPaymentAction *action;
  g_autofree char *aid = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonBuilder) builder = NULL;

  if (!call_get_string (call, "cid", TRUE, 0, &cid) ||
      !call_get_string (call, "cid_secret", FALSE, 0, &cid_secret) ||
      !call_get_string (call, "tid", TRUE, KP_MAX_ID_LENGTH, &tid) ||
      !call_get_int (call, "cancel_amount", TRUE, &amount, NULL) ||
      !call_get_int (call, "cancel_tax_free_amount", TRUE, &tax_free, NULL) ||
      !call_get_int (call, "cancel_vat_amount", FALSE, &vat, &has_vat) ||
      !call_get_int (call, "cancel_available_amount", FALSE, &available, &has_available) ||
      !call_get_string (call, "payload", FALSE, KP_MAX_PAYLOAD_LENGTH, &payload))
    return;

  payment = call_find_payment (call, tid);
  if (payment == NULL || !call_check_cid (call, cid, cid_secret, payment))
    return;

  if (payment->status != KP_STATUS_SUCCESS_PAYMENT &&
      payment->status != KP_STATUS_PART_CANCEL_PAYMENT)
    {
      call_fail (call, KP_CODE_NOT_CANCELLABLE, "payment in state %s cannot be cancelled",
                 kp_status_to_string (payment->status));
      return;
    }
  if (amount <= 0)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER, "cancel_amount must be greater than 0");
      return;
    }
  if (tax_free < 0 || tax_free > amount)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER,
                 "cancel_tax_free_amount must be between 0 and cancel_amount");
      return;
    }
  if (!has_vat)
    vat = kp_vat_default (amount, tax_free);
  else if (vat < 0 || vat > amount - tax_free)
    {
      call_fail (call, KP_CODE_INVALID_PARAMETER,
                 "cancel_vat_amount must be between 0 and "
                 "cancel_amount - cancel_tax_free_amount");
      return;
    }

  payment_get_remaining (payment, &remaining);
  /* INF (kakaopay-api.md §7, §9): no source says what KakaoPay does with a
   * cancel_available_amount that differs from what is left. The simulator's choice: take
   * it as a guard against concurrent cancels and refuse a mismatch with -710, like an
   * over-cancel. Clients must not count on this refusal. */
  if (has_available && available != remaining.total)
    {
      call_fail (call, KP_CODE_OVER_CANCEL,
                 "cancel_available_amount does not match the cancellable amount");
      return;
    }
  if (amount > remaining.total)
    {
      call_fail (call, KP_CODE_OVER_CANCEL, "cancel_amount is more than the cancellable amount");
      return;
    }
  if (tax_free > remaining.tax_free)
    {
      call_fail (call, KP_CODE_OVER_CANCEL,
                 "cancel_tax_free_amount is more than the cancellable tax-free amount");
      return;
    }
  if (vat > remaining.vat)
    {
      call_fail (call, KP_CODE_OVER_CANCEL,
                 "cancel_vat_amount is more than the cancellable VAT");
      return;
    }
  /* S6 forbids a partial cancel with a cup deposit; the code is INF. */
  if (payment->amount.green_deposit > 0 && amount < remaining.total)
    {
      call_fail (call, KP_CODE_NOT_CANCELLABLE,
                 "a payment with green_deposit can only be cancelled in full");
      return;
    }
  if (call->fault == KP_SANDBOX_FAULT_DECLINE)
    {
      call_fail_full (call, 400, KP_CODE_CANCEL_FAILED, "6666", "원거래없음",
                      "cancel failure!");
      return;
    }

  now = kp_sandbox_now (self);
  aid = random_id ('A');
  this_cancel.total = amount;
  this_cancel.tax_free = tax_free;
  this_cancel.vat = vat;
  if (amount == remaining.total)
    this_cancel.green_deposit = remaining.green_deposit;

  payment->canceled.total += this_cancel.total;
  payment->canceled.tax_free += this_cancel.tax_free;
  payment->canceled.vat += this_cancel.vat;
  payment->canceled.green_deposit += this_cancel.green_deposit;
  payment->status = payment->canceled.total == payment->amount.total
                      ? KP_STATUS_CANCEL_PAYMENT
                      : KP_STATUS_PART_CANCEL_PAYMENT;
  g_clear_pointer (&payment->canceled_at, g_date_time_unref);
  payment->canceled_at = g_date_time_ref (now);

  action = g_new0 (KpPaymentAction, 1);
  action->aid = g_strdup (aid);
  action->approved_at = g_date_time_ref (now);
  action->amount = KP_OPTIONAL_INT (amount);
  action->point_amount = KP_OPTIONAL_INT (0);
  action->discount_amount = KP_OPTIONAL_INT (0);
  action->green_deposit = KP_OPTIONAL_INT (this_cancel.green_deposit);
  action->payment_action_type = g_strdup ("CANCEL");
  action->payment_method_type = g_strdup (payment->method);
  action->payload = g_strdup (payload);
  g_ptr_array_add (payment->actions, action);

  payment_get_remaining (payment, &remaining);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "aid", aid);
  add_payment_ids (builder, payment);
  add_string (builder, "status", kp_status_to_string (payment->status));
  add_string (builder, "partner_order_id", payment->partner_order_id);
  add_string (builder, "partner_user_id", payment->partner_user_id);
  add_string (builder, "payment_method_type", payment->method);
  add_amount (builder, "amount", &payment->amount);
  add_amount (builder, "approved_cancel_amount", &this_cancel);
  add_amount (builder, "canceled_amount", &payment->canceled);
  add_amount (builder, "cancel_available_amount", &remaining);
  add_payment_item (builder, call->dialect, payment);
  add_datetime (builder, "approved_at", payment->approved_at);
  add_datetime (builder, "canceled_at", payment->canceled_at);
  add_optional_string (builder, call->dialect, "payload", payload);
  json_builder_end_object (builder);
  call_succeed (call, builder);
}

/* Calls: faults, replies and the request log */

static KpSandboxFault
take_fault (KpSandbox         *self,
            KpSandboxEndpoint  endpoint,
            guint             *delay_ms)
{
  FaultSlot *slot = &self->faults[endpoint];
  KpSandboxFault fault = slot->fault;

  *delay_ms = 0;
  if (slot->n_calls == 0 || fault == KP_SANDBOX_FAULT_NONE)
    return KP_SANDBOX_FAULT_NONE;

  *delay_ms = slot->delay_ms;
  if (--slot->n_calls == 0)
    slot->fault = KP_SANDBOX_FAULT_NONE;
  return fault;
}

static char *
redact_authorization (const char *header)
{
  const char *space;

  if (header == NULL)
    return NULL;
  space = strchr (header, ' ');
  if (space == NULL)
    return g_strdup ("[redacted]");
  return g_strdup_printf ("%.*s [redacted]", (int) (space - header), header);
}

static void
add_request_fields (JsonBuilder *builder,
                    Call        *call)
{
  if (call->object != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (call->object);

      json_builder_set_member_name (builder, "request");
      json_builder_begin_object (builder);
      for (GList *l = members; l != NULL; l = l->next)
        {
          json_builder_set_member_name (builder, l->data);
          if (g_str_equal (l->data, "cid_secret"))
            json_builder_add_string_value (builder, "[redacted]");
          else
            json_builder_add_value (builder,
                                    json_node_copy (json_object_get_member (call->object,
                                                                            l->data)));
        }
      json_builder_end_object (builder);
    }
  else if (call->form != NULL)
    {
      g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (call->form),
                                            (GCompareFunc) strcmp);

      json_builder_set_member_name (builder, "request");
      json_builder_begin_object (builder);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          const char *value = g_hash_table_lookup (call->form, l->data);

          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (builder, g_str_equal (l->data, "cid_secret")
                                                    ? "[redacted]" : value);
        }
      json_builder_end_object (builder);
    }
}

static void
write_log_line (KpSandbox *self,
                Call      *call,
                guint      http_status)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (GDateTime) now = kp_sandbox_now (self);
  g_autoptr (GError) error = NULL;
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
  g_autofree char *authorization = NULL;
  g_autofree char *json = NULL;
  GString *line;

  authorization = redact_authorization (soup_message_headers_get_one (call->headers,
                                                                      "Authorization"));

  json_builder_begin_object (builder);
  add_string (builder, "time", time);
  add_string (builder, "method", call->method);
  add_string (builder, "path", call->path);
  add_string (builder, "dialect", kp_dialect_to_string (call->dialect));
  add_string (builder, "endpoint", endpoint_names[call->endpoint]);
  add_string (builder, "authorization", authorization);
  add_request_fields (builder, call);
  add_int (builder, "status", http_status);
  add_int (builder, "code", call->code);
  if (call->fault != KP_SANDBOX_FAULT_NONE)
    add_string (builder, "fault", fault_names[call->fault]);
  json_builder_end_object (builder);

  json = builder_to_string (builder);
  line = g_string_new (json);
  /* Belt and braces: a key sent where it does not belong never reaches the log. */
  if (self->secret_key != NULL && *self->secret_key != '\0')
    g_string_replace (line, self->secret_key, "[redacted]", 0);
  g_string_append_c (line, '\n');

  if (!g_output_stream_write_all (self->log_stream, line->str, line->len, NULL, NULL, &error) ||
      !g_output_stream_flush (self->log_stream, NULL, &error))
    g_warning ("Could not write the request log: %s", error->message);
  g_string_free (line, TRUE);
}

static void
record_request (KpSandbox *self,
                Call      *call,
                guint      http_status)
{
  KpSandboxRequest *request = g_new0 (KpSandboxRequest, 1);

  request->endpoint = call->endpoint;
  request->dialect = call->dialect;
  request->tid = g_strdup (call_peek_string (call, "tid"));
  request->partner_order_id = g_strdup (call_peek_string (call, "partner_order_id"));
  request->http_status = http_status;
  request->code = call->code;
  request->fault = call->fault;
  g_ptr_array_add (self->requests, request);

  if (self->log_stream != NULL)
    write_log_line (self, call, http_status);
}

static void
pending_reply_free (PendingReply *pending)
{
  g_signal_handlers_disconnect_by_data (pending->msg, pending);
  g_clear_handle_id (&pending->source_id, g_source_remove);
  g_object_unref (pending->msg);
  g_free (pending);
}

static void
pending_reply_finish (PendingReply *pending)
{
  g_signal_handlers_disconnect_by_data (pending->msg, pending);
  g_clear_handle_id (&pending->source_id, g_source_remove);

  if (pending->drop)
    {
      g_autoptr (GIOStream) stream = soup_server_message_steal_connection (pending->msg);

      /* The reply is lost: the client sees the connection close without an answer. */
      if (stream != NULL)
        g_io_stream_close (stream, NULL, NULL);
    }
  else
    soup_server_message_unpause (pending->msg);

  pending_reply_free (pending);
}

static gboolean
on_pending_reply_cb (gpointer user_data)
{
  PendingReply *pending = user_data;
  KpSandbox *self = pending->sandbox;

  pending->source_id = 0;
  self->pending = g_list_remove (self->pending, pending);
  pending_reply_finish (pending);

  return G_SOURCE_REMOVE;
}

/* The client went away first (a timeout shorter than the delay): nothing left to do. */
static void
on_pending_message_gone_cb (SoupServerMessage *msg,
                            gpointer           user_data)
{
  PendingReply *pending = user_data;
  KpSandbox *self = pending->sandbox;

  self->pending = g_list_remove (self->pending, pending);
  pending_reply_free (pending);
}

static void
hold_reply (KpSandbox         *self,
            SoupServerMessage *msg,
            guint              delay_ms,
            gboolean           drop)
{
  PendingReply *pending = g_new0 (PendingReply, 1);

  pending->sandbox = self;
  pending->msg = g_object_ref (msg);
  pending->drop = drop;
  soup_server_message_pause (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_pending_message_gone_cb), pending);
  g_signal_connect (msg, "finished", G_CALLBACK (on_pending_message_gone_cb), pending);
  /* The connection is stolen from a main-loop callback, not from inside the handler. */
  pending->source_id = drop ? g_idle_add (on_pending_reply_cb, pending)
                            : g_timeout_add (delay_ms, on_pending_reply_cb, pending);
  self->pending = g_list_prepend (self->pending, pending);
}

/* Takes @body (nullable). */
static KpSandboxReply *
reply_new (guint       status,
           const char *content_type,
           char       *body)
{
  KpSandboxReply *reply = g_new0 (KpSandboxReply, 1);

  reply->status = status;
  reply->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (content_type != NULL)
    soup_message_headers_replace (reply->headers, "Content-Type", content_type);
  reply->body = body != NULL ? g_bytes_new_take (body, strlen (body)) : g_bytes_new (NULL, 0);
  return reply;
}

static KpSandboxReply *
handle_api (KpSandbox          *self,
            const char         *method,
            const char         *path,
            GHashTable         *query,
            SoupMessageHeaders *headers,
            GBytes             *body,
            KpDialect           dialect,
            KpSandboxEndpoint   endpoint)
{
  KpSandboxReply *reply;
  const char *allow = NULL;
  Call call = { 0 };
  gboolean method_ok;
  guint http_status;

  call.sandbox = self;
  call.method = method;
  call.path = path;
  call.headers = headers;
  call.request_body = body;
  call.dialect = dialect;
  call.endpoint = endpoint;
  call.strings = g_ptr_array_new_with_free_func (g_free);

  /* The early legacy order also took GET with the fields in the query (S12). */
  method_ok = g_str_equal (method, "POST") ||
              (dialect == KP_DIALECT_LEGACY && endpoint == KP_SANDBOX_ENDPOINT_ORDER &&
               g_str_equal (method, "GET"));

  if (!method_ok)
    {
      call_fail_full (&call, 405, KP_CODE_INVALID_PARAMETER, NULL, NULL,
                      "method not allowed");
      allow = dialect == KP_DIALECT_LEGACY && endpoint == KP_SANDBOX_ENDPOINT_ORDER
                ? "GET, POST" : "POST";
    }
  else
    {
      call_parse (&call, query);

      if (call_check_auth (&call))
        {
          call.fault = take_fault (self, endpoint, &call.delay_ms);

          if (call.fault == KP_SANDBOX_FAULT_HTTP_500)
            {
              /* As a proxy in front of KakaoPay would answer: not processed. */
              static const char page[] =
                "<html><head><title>500 Internal Server Error</title></head>"
                "<body><h1>500 Internal Server Error</h1></body></html>";

              reply = reply_new (500, HTML_CONTENT_TYPE, g_strdup (page));
              reply->fault = call.fault;
              record_request (self, &call, 500);
              call_clear (&call);
              return reply;
            }

          if (call.parse_error != NULL)
            call_fail (&call, KP_CODE_INVALID_PARAMETER, "%s", call.parse_error);
          else if (endpoint == KP_SANDBOX_ENDPOINT_READY)
            handle_ready (&call);
          else if (endpoint == KP_SANDBOX_ENDPOINT_APPROVE)
            handle_approve (&call);
          else if (endpoint == KP_SANDBOX_ENDPOINT_ORDER)
            handle_order (&call);
          else
            handle_cancel (&call);
        }
    }

  g_assert (call.body != NULL);

  if (call.fault == KP_SANDBOX_FAULT_MALFORMED_JSON)
    /* Cut the reply in half: an object without its end never parses. */
    call.body[strlen (call.body) / 2] = '\0';

  reply = reply_new (call.http_status, JSON_CONTENT_TYPE, g_steal_pointer (&call.body));
  if (allow != NULL)
    soup_message_headers_replace (reply->headers, "Allow", allow);
  reply->fault = call.fault;
  reply->delay_ms = call.delay_ms;

  /* The server holds a DELAY reply and loses a DROP_REPLY one (server_cb ()). */
  http_status = call.fault == KP_SANDBOX_FAULT_DROP_REPLY ? 0 : call.http_status;
  record_request (self, &call, http_status);
  call_clear (&call);
  return reply;
}

static gboolean
match_api (const char        *path,
           KpDialect         *out_dialect,
           KpSandboxEndpoint *out_endpoint)
{
  const char *rest;

  if (g_str_has_prefix (path, "/online/v1/payment/"))
    {
      *out_dialect = KP_DIALECT_ONLINE;
      rest = path + strlen ("/online/v1/payment/");
    }
  else if (g_str_has_prefix (path, "/v1/payment/"))
    {
      *out_dialect = KP_DIALECT_LEGACY;
      rest = path + strlen ("/v1/payment/");
    }
  else
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (endpoint_names); i++)
    if (g_str_equal (rest, endpoint_names[i]))
      {
        *out_endpoint = i;
        return TRUE;
      }

  return FALSE;
}

/* The customer page */

static char *
append_pg_token (const char *url,
                 const char *pg_token)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GUri) with_token = NULL;
  g_autofree char *query = NULL;
  const char *old_query;

  /* approval_url was checked by ready. */
  g_return_val_if_fail (uri != NULL, NULL);

  old_query = g_uri_get_query (uri);
  if (old_query != NULL && *old_query != '\0')
    query = g_strdup_printf ("%s&pg_token=%s", old_query, pg_token);
  else
    query = g_strdup_printf ("pg_token=%s", pg_token);

  with_token = g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri),
                            g_uri_get_userinfo (uri), g_uri_get_host (uri),
                            g_uri_get_port (uri), g_uri_get_path (uri), query,
                            g_uri_get_fragment (uri));
  return g_uri_to_string (with_token);
}

static gboolean
method_is_valid (const char *method)
{
  return g_strcmp0 (method, "MONEY") == 0 || g_strcmp0 (method, "CARD") == 0;
}

static void
payment_set_method (Payment    *payment,
                    const char *method)
{
  /* @method may be payment->method itself. */
  if (method != payment->method)
    {
      g_free (payment->method);
      payment->method = g_strdup (method);
    }
}

/* What the customer does on the page (kakaopay-api.md §8, simulator mapping, INF). */
static char *
payment_act (KpSandbox        *self,
             Payment          *payment,
             KpSandboxAction   action,
             const char       *method,
             GError          **error)
{
  const char *chosen;

  payment_check_expiry (self, payment);
  if (payment->expired)
    {
      kp_api_error_set_reply (error, 400, KP_CODE_EXPIRED, "payment expiry time passed",
                              NULL, NULL);
      return NULL;
    }
  if (!status_is_before_auth (payment->status))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Payment %s is %s: the customer can no longer act on it",
                   payment->tid, kp_status_to_string (payment->status));
      return NULL;
    }
  if (method != NULL && !method_is_valid (method))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown payment method “%s”: expected MONEY or CARD", method);
      return NULL;
    }
  if (method != NULL && payment->allowed_method != NULL &&
      !g_str_equal (method, payment->allowed_method))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Payment %s only accepts %s", payment->tid, payment->allowed_method);
      return NULL;
    }

  chosen = method;
  if (chosen == NULL)
    chosen = payment->method;
  if (chosen == NULL)
    chosen = payment->allowed_method != NULL ? payment->allowed_method : "MONEY";

  switch (action)
    {
    case KP_SANDBOX_ACTION_SEND_TMS:
      /* From the PC page, before the phone shows the payment (kakaopay-api.md §2, §8):
       * the page itself may be open already. */
      if (payment->status != KP_STATUS_READY && payment->status != KP_STATUS_OPEN_PAYMENT &&
          payment->status != KP_STATUS_SEND_TMS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "Payment %s is %s: the payment message was sent before",
                       payment->tid, kp_status_to_string (payment->status));
          return NULL;
        }
      payment->status = KP_STATUS_SEND_TMS;
      return NULL;

    case KP_SANDBOX_ACTION_OPEN:
      if (payment->status == KP_STATUS_READY || payment->status == KP_STATUS_SEND_TMS)
        payment->status = KP_STATUS_OPEN_PAYMENT;
      return NULL;

    case KP_SANDBOX_ACTION_SELECT_METHOD:
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_SELECT_METHOD;
      return NULL;

    case KP_SANDBOX_ACTION_ARS:
      /* Phone authentication instead of the password; PAY ends it (INF, §8). */
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_ARS_WAITING;
      return NULL;

    case KP_SANDBOX_ACTION_PAY:
      /* Through SELECT_METHOD to AUTH_PASSWORD, with a fresh token for the redirect. */
      payment_set_method (payment, chosen);
      payment->status = KP_STATUS_AUTH_PASSWORD;
      g_free (payment->pg_token);
      payment->pg_token = random_hex (20);
      return append_pg_token (payment->approval_url, payment->pg_token);

    case KP_SANDBOX_ACTION_CANCEL:
      payment->status = KP_STATUS_QUIT_PAYMENT;
      return g_strdup (payment->cancel_url);

    case KP_SANDBOX_ACTION_FAIL:
      payment->status = KP_STATUS_FAIL_AUTH_PASSWORD;
      return g_strdup (payment->fail_url);

    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Unknown action %d",
                   action);
      return NULL;
    }
}

static void
template_keep_section (GString    *text,
                       const char *name,
                       gboolean    keep)
{
  g_autofree char *begin = g_strdup_printf ("<!--IF:%s-->", name);
  g_autofree char *end = g_strdup_printf ("<!--END:%s-->", name);
  char *start;
  char *stop;

  while ((start = strstr (text->str, begin)) != NULL &&
         (stop = strstr (start, end)) != NULL)
    {
      gssize start_pos = start - text->str;
      gssize stop_pos = stop - text->str;

      if (keep)
        {
          g_string_erase (text, stop_pos, strlen (end));
          g_string_erase (text, start_pos, strlen (begin));
        }
      else
        g_string_erase (text, start_pos, stop_pos + strlen (end) - start_pos);
    }
}

/* Replaces each {{name}} by its HTML-escaped value. */
static char *
template_fill (const char *text,
               GHashTable *values)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *open;

  while ((open = strstr (p, "{{")) != NULL)
    {
      const char *close = strstr (open, "}}");
      g_autofree char *name = NULL;
      const char *value;

      if (close == NULL)
        break;

      g_string_append_len (out, p, open - p);
      name = g_strndup (open + 2, close - open - 2);
      value = g_hash_table_lookup (values, name);
      if (value == NULL)
        g_warning ("The customer page has no value for %s", name);
      else
        {
          g_autofree char *escaped = g_markup_escape_text (value, -1);

          g_string_append (out, escaped);
        }
      p = close + 2;
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
}

static void
page_messages (Payment     *payment,
               const char **message_ko,
               const char **message_en,
               const char **result_class)
{
  *result_class = "bad";

  if (payment == NULL)
    {
      *message_ko = "결제 정보를 찾을 수 없습니다.";
      *message_en = "This payment does not exist.";
      return;
    }

  switch (payment->status)
    {
    case KP_STATUS_AUTH_PASSWORD:
      *message_ko = "결제 인증이 완료되었습니다. 가맹점의 승인을 기다리고 있습니다.";
      *message_en = "Payment authorised. Waiting for the shop to complete it.";
      *result_class = "ok";
      break;
    case KP_STATUS_SUCCESS_PAYMENT:
      *message_ko = "결제가 완료되었습니다.";
      *message_en = "Payment complete.";
      *result_class = "ok";
      break;
    case KP_STATUS_PART_CANCEL_PAYMENT:
      *message_ko = "결제가 완료되었습니다. 일부 금액이 취소되었습니다.";
      *message_en = "Payment complete. Part of it was refunded.";
      *result_class = "ok";
      break;
    case KP_STATUS_CANCEL_PAYMENT:
      *message_ko = "결제가 취소되었습니다.";
      *message_en = "This payment was refunded.";
      break;
    case KP_STATUS_QUIT_PAYMENT:
      *message_ko = payment->expired ? "결제 시간이 만료되었습니다." : "결제를 취소했습니다.";
      *message_en = payment->expired ? "This payment expired." : "You cancelled this payment.";
      break;
    case KP_STATUS_FAIL_AUTH_PASSWORD:
      *message_ko = "비밀번호 인증에 실패했습니다.";
      *message_en = "Password authentication failed.";
      break;
    case KP_STATUS_FAIL_PAYMENT:
    default:
      *message_ko = "결제에 실패했습니다.";
      *message_en = "The payment failed.";
      break;
    }
}

static char *
render_page (Payment    *payment,
             const char *action)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *template_text = NULL;
  g_autoptr (GString) text = NULL;
  gboolean open = payment != NULL && status_is_before_auth (payment->status);
  gboolean show_continue = payment != NULL && payment->status == KP_STATUS_AUTH_PASSWORD;
  const char *message_ko, *message_en, *result_class;

  bytes = g_resource_lookup_data (kp_sandbox_page_get_resource (), PAGE_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  template_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  text = g_string_new (template_text);

  template_keep_section (text, "details", payment != NULL);
  template_keep_section (text, "form", open);
  template_keep_section (text, "done", !open);
  template_keep_section (text, "continue", show_continue);

  page_messages (payment, &message_ko, &message_en, &result_class);
  g_hash_table_insert (values, (char *) "message_ko", g_strdup (message_ko));
  g_hash_table_insert (values, (char *) "message_en", g_strdup (message_en));
  g_hash_table_insert (values, (char *) "result_class", g_strdup (result_class));
  g_hash_table_insert (values, (char *) "action", g_strdup (action));

  if (payment != NULL)
    {
      g_autofree char *amount = kp_money_format_plain (payment->amount.total);
      const char *method = payment->method;

      if (payment->allowed_method != NULL)
        method = payment->allowed_method;
      else if (method == NULL)
        method = "MONEY";

      g_hash_table_insert (values, (char *) "item_name", g_strdup (payment->item_name));
      g_hash_table_insert (values, (char *) "quantity",
                           g_strdup_printf ("%" G_GINT64_FORMAT, payment->quantity));
      g_hash_table_insert (values, (char *) "amount_ko", g_strdup_printf ("%s원", amount));
      g_hash_table_insert (values, (char *) "amount_en", g_strdup_printf ("₩%s", amount));
      g_hash_table_insert (values, (char *) "cid", g_strdup (payment->cid));
      g_hash_table_insert (values, (char *) "money_attrs",
                           g_strdup (g_str_equal (method, "MONEY") ? " checked"
                                     : payment->allowed_method != NULL ? " disabled" : ""));
      g_hash_table_insert (values, (char *) "card_attrs",
                           g_strdup (g_str_equal (method, "CARD") ? " checked"
                                     : payment->allowed_method != NULL ? " disabled" : ""));
      if (show_continue)
        g_hash_table_insert (values, (char *) "continue_url",
                             append_pg_token (payment->approval_url, payment->pg_token));
    }

  return template_fill (text->str, values);
}

static KpSandboxReply *
page_reply (guint  status,
            char  *html)
{
  KpSandboxReply *reply = reply_new (status, HTML_CONTENT_TYPE, html);

  soup_message_headers_replace (reply->headers, "Cache-Control", "no-store");
  return reply;
}

static char *
match_page_key (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_prefixes); i++)
    {
      if (g_str_has_prefix (path, page_prefixes[i]))
        {
          const char *key = path + strlen (page_prefixes[i]);

          return *key != '\0' && strchr (key, '/') == NULL ? g_strdup (key) : NULL;
        }
    }

  if (g_str_has_prefix (path, LEGACY_PAGE_PREFIX))
    {
      const char *key = path + strlen (LEGACY_PAGE_PREFIX);
      const char *slash = strchr (key, '/');

      if (slash == NULL || slash == key)
        return NULL;
      for (guint i = 0; i < G_N_ELEMENTS (legacy_page_suffixes); i++)
        if (g_str_equal (slash + 1, legacy_page_suffixes[i]))
          return g_strndup (key, slash - key);
    }

  return NULL;
}

static KpSandboxReply *
handle_page (KpSandbox  *self,
             const char *method,
             const char *path,
             GBytes     *body,
             const char *key)
{
  Payment *payment = g_hash_table_lookup (self->pages, key);

  if (payment == NULL)
    return page_reply (404, render_page (NULL, path));

  payment_check_expiry (self, payment);

  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
    {
      if (g_str_equal (method, "GET") && payment->status == KP_STATUS_READY)
        payment->status = KP_STATUS_OPEN_PAYMENT;
      return page_reply (200, render_page (payment, path));
    }
  else if (g_str_equal (method, "POST"))
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (body, &size);
      g_autofree char *text = g_strndup (data != NULL ? data : "", size);
      g_autoptr (GHashTable) form = soup_form_decode (text);
      const char *action_name = g_hash_table_lookup (form, "action");
      const char *chosen = g_hash_table_lookup (form, "method");
      g_autoptr (GError) error = NULL;
      g_autofree char *location = NULL;
      KpSandboxReply *reply;
      KpSandboxAction action;

      if (g_strcmp0 (action_name, "pay") == 0)
        action = KP_SANDBOX_ACTION_PAY;
      else if (g_strcmp0 (action_name, "cancel") == 0)
        action = KP_SANDBOX_ACTION_CANCEL;
      else if (g_strcmp0 (action_name, "fail") == 0)
        action = KP_SANDBOX_ACTION_FAIL;
      else if (g_strcmp0 (action_name, "select") == 0)
        action = KP_SANDBOX_ACTION_SELECT_METHOD;
      else if (g_strcmp0 (action_name, "tms") == 0)
        action = KP_SANDBOX_ACTION_SEND_TMS;
      else if (g_strcmp0 (action_name, "ars") == 0)
        action = KP_SANDBOX_ACTION_ARS;
      else
        return page_reply (400, render_page (payment, path));

      location = payment_act (self, payment, action, chosen, &error);
      if (error != NULL)
        return page_reply (409, render_page (payment, path));

      /* 303: the browser follows with a GET, as KakaoPay's redirect does. */
      reply = reply_new (303, NULL, NULL);
      soup_message_headers_replace (reply->headers, "Location",
                                    location != NULL ? location : path);
      return reply;
    }
  else
    {
      KpSandboxReply *reply = page_reply (405, render_page (payment, path));

      soup_message_headers_replace (reply->headers, "Allow", "GET, HEAD, POST");
      return reply;
    }
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  SoupMessageHeaders *headers = user_data;

  /* soup_server_message_set_redirect () made the Location absolute. */
  if (g_ascii_strcasecmp (name, "Location") != 0)
    soup_message_headers_append (headers, name, value);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  KpSandbox *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  g_autoptr (KpSandboxReply) reply = NULL;
  const char *location;

  reply = kp_sandbox_handle (self, soup_server_message_get_method (msg), path, query,
                             soup_server_message_get_request_headers (msg), body);

  location = soup_message_headers_get_one (reply->headers, "Location");
  if (location != NULL)
    soup_server_message_set_redirect (msg, reply->status, location);
  else
    soup_server_message_set_status (msg, reply->status, NULL);
  soup_message_headers_foreach (reply->headers, copy_header_cb,
                                soup_server_message_get_response_headers (msg));
  if (g_bytes_get_size (reply->body) > 0)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), reply->body);

  if (reply->fault == KP_SANDBOX_FAULT_DELAY)
    hold_reply (self, msg, reply->delay_ms, FALSE);
  else if (reply->fault == KP_SANDBOX_FAULT_DROP_REPLY)
    hold_reply (self, msg, 0, TRUE);
}



/* GObject */

static void
kp_sandbox_dispose (GObject *object)
{
  KpSandbox *self = (KpSandbox *) object;

  /* Held replies are lost with the server: close their connections now. */
  while (self->pending != NULL)
    {
      PendingReply *pending = self->pending->data;

      self->pending = g_list_delete_link (self->pending, self->pending);
      pending->drop = TRUE;
      pending_reply_finish (pending);
    }

  if (self->server != NULL)
    {
      soup_server_remove_handler (self->server, NULL);
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  g_clear_object (&self->log_stream);

  G_OBJECT_CLASS (kp_sandbox_parent_class)->dispose (object);
}

static void
kp_sandbox_finalize (GObject *object)
{
  KpSandbox *self = (KpSandbox *) object;

  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->payments, g_hash_table_unref);
  g_clear_pointer (&self->cids, g_hash_table_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  if (self->secret_key != NULL)
    memset (self->secret_key, 0, strlen (self->secret_key));
  g_free (self->secret_key);
  g_free (self->public_url);
  g_free (self->base_url);

  G_OBJECT_CLASS (kp_sandbox_parent_class)->finalize (object);
}

static void
kp_sandbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KpSandbox *self = KP_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_TID_TTL:
      g_value_set_uint (value, self->tid_ttl);
      break;
    case PROP_PUBLIC_URL:
      g_value_set_string (value, self->public_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_sandbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  KpSandbox *self = KP_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_SECRET_KEY:
      g_free (self->secret_key);
      self->secret_key = g_strdup (g_value_get_string (value) != NULL
                                     ? g_value_get_string (value)
                                     : KP_SANDBOX_DEFAULT_KEY);
      break;
    case PROP_TID_TTL:
      kp_sandbox_set_tid_ttl (self, g_value_get_uint (value));
      break;
    case PROP_PUBLIC_URL:
      kp_sandbox_set_public_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_sandbox_class_init (KpSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_sandbox_dispose;
  object_class->finalize = kp_sandbox_finalize;
  object_class->get_property = kp_sandbox_get_property;
  object_class->set_property = kp_sandbox_set_property;

  /* Write-only: the key never leaves the sandbox. */
  properties[PROP_SECRET_KEY] =
    g_param_spec_string ("secret-key", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TID_TTL] =
    g_param_spec_uint ("tid-ttl", NULL, NULL,
                       0, G_MAXUINT, KP_SANDBOX_DEFAULT_TID_TTL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PUBLIC_URL] =
    g_param_spec_string ("public-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_sandbox_init (KpSandbox *self)
{
  self->tid_ttl = KP_SANDBOX_DEFAULT_TID_TTL;
  self->secret_key = g_strdup (KP_SANDBOX_DEFAULT_KEY);
  self->payments = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) payment_free);
  self->pages = g_hash_table_new (g_str_hash, g_str_equal);
  self->cids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (self->cids, g_strdup (TEST_CID));
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_sandbox_request_free);

  self->server = soup_server_new ("server-header", "kakaopay-sandbox ", NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
}

/* Public API */

/**
 * kp_sandbox_new:
 * @secret_key: (nullable): the key clients must send, or %NULL for
 *   %KP_SANDBOX_DEFAULT_KEY
 *
 * Returns: (transfer full): a sandbox; call kp_sandbox_listen() to serve it
 */
KpSandbox *
kp_sandbox_new (const char *secret_key)
{
  return g_object_new (KP_TYPE_SANDBOX, "secret-key", secret_key, NULL);
}

void
kp_sandbox_set_tid_ttl (KpSandbox *self,
                        guint      seconds)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  if (self->tid_ttl == seconds)
    return;
  self->tid_ttl = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TID_TTL]);
}

guint
kp_sandbox_get_tid_ttl (KpSandbox *self)
{
  g_return_val_if_fail (KP_IS_SANDBOX (self), 0);

  return self->tid_ttl;
}

/**
 * kp_sandbox_set_public_url:
 * @url: (nullable): the base of the customer page URLs (for a LAN demo), or %NULL for
 *   the listening address
 */
void
kp_sandbox_set_public_url (KpSandbox  *self,
                           const char *url)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (KP_IS_SANDBOX (self));

  if (url != NULL && *url != '\0')
    {
      normalized = g_strdup (url);
      while (g_str_has_suffix (normalized, "/"))
        normalized[strlen (normalized) - 1] = '\0';
    }

  if (g_strcmp0 (self->public_url, normalized) == 0)
    return;
  g_free (self->public_url);
  self->public_url = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLIC_URL]);
}

/**
 * kp_sandbox_set_log_stream:
 * @stream: (nullable): where to write one JSON line per API call
 *
 * The lines carry the Authorization scheme only, never the key.
 */
void
kp_sandbox_set_log_stream (KpSandbox     *self,
                           GOutputStream *stream)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (stream == NULL || G_IS_OUTPUT_STREAM (stream));

  g_set_object (&self->log_stream, stream);
}

/**
 * kp_sandbox_listen:
 * @host: (nullable): an IP address ("127.0.0.1", "0.0.0.0", "::1"…) or "localhost";
 *   %NULL for 127.0.0.1
 * @port: the port, or 0 to pick a free one
 *
 * Serves the sandbox on the thread-default main context. Call it once.
 */
gboolean
kp_sandbox_listen (KpSandbox   *self,
                   const char  *host,
                   guint16      port,
                   GError     **error)
{
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  GSList *listeners;

  g_return_val_if_fail (KP_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->base_url != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "The sandbox is already listening");
      return FALSE;
    }

  socket_address = kp_address_new_listen (host, port, error);
  if (socket_address == NULL || !soup_server_listen (self->server, socket_address, 0, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    local = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);

  /* The URL of this machine's clients and of the pages: a wildcard address is reached
   * through loopback. */
  self->base_url = kp_address_dup_local_url (local != NULL ? local : socket_address);
  g_debug ("Listening on %s", self->base_url);

  return TRUE;
}

/**
 * kp_sandbox_handle:
 * @method: the request's method
 * @path: its path, as libsoup gives it to a server handler
 * @query: (nullable): its query's fields, as libsoup decodes them
 * @headers: its headers
 * @body: (nullable): its body
 *
 * Answers one request as the server does, without a connection: the API in both
 * dialects and the customer page. A DELAY or DROP_REPLY fault is in the reply's @fault;
 * the server holds or loses such a reply, here that is up to the caller. Without
 * kp_sandbox_listen() and a public URL, page URLs start with http://127.0.0.1.
 *
 * Returns: (transfer full): the reply
 */
KpSandboxReply *
kp_sandbox_handle (KpSandbox          *self,
                   const char         *method,
                   const char         *path,
                   GHashTable         *query,
                   SoupMessageHeaders *headers,
                   GBytes             *body)
{
  g_autoptr (GBytes) empty = NULL;
  g_autofree char *key = NULL;
  KpDialect dialect;
  KpSandboxEndpoint endpoint;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL && headers != NULL, NULL);

  if (body == NULL)
    body = empty = g_bytes_new (NULL, 0);

  if (match_api (path, &dialect, &endpoint))
    return handle_api (self, method, path, query, headers, body, dialect, endpoint);
  if ((key = match_page_key (path)) != NULL)
    return handle_page (self, method, path, body, key);
  return page_reply (404, render_page (NULL, path));
}

void
kp_sandbox_reply_free (KpSandboxReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_free (reply);
}

/**
 * kp_sandbox_dup_base_url:
 *
 * Returns: (transfer full) (nullable): "http://HOST:PORT" (no trailing slash) once
 *   listening, else %NULL
 */
char *
kp_sandbox_dup_base_url (KpSandbox *self)
{
  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  return g_strdup (self->base_url);
}

/**
 * kp_sandbox_add_handler:
 * @path: a path prefix such as "/_sandbox"; it must not overlap the API or page paths
 * @callback: serves the requests under @path
 *
 * Serves more paths on the sandbox's own address (the kakaopay-sandbox program's
 * test-only control interface). The sandbox's own paths are unchanged.
 */
void
kp_sandbox_add_handler (KpSandbox          *self,
                        const char         *path,
                        SoupServerCallback  callback,
                        gpointer            user_data,
                        GDestroyNotify      destroy)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (path != NULL && path[0] == '/' && path[1] != '\0');
  g_return_if_fail (callback != NULL);

  soup_server_add_handler (self->server, path, callback, user_data, destroy);
}

/**
 * kp_sandbox_advance_clock:
 *
 * Moves the sandbox clock (timestamps, tid expiry) by @seconds.
 */
void
kp_sandbox_advance_clock (KpSandbox *self,
                          gint64     seconds)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  self->clock_offset += seconds;
}

/**
 * kp_sandbox_now:
 *
 * Returns: (transfer full): the sandbox clock in KST
 */
GDateTime *
kp_sandbox_now (KpSandbox *self)
{
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  now = g_date_time_new_now (kp_kst ());
  return g_date_time_add_seconds (now, (gdouble) self->clock_offset);
}

/**
 * kp_sandbox_inject_fault:
 * @n_calls: how many of the next authenticated calls to @endpoint get the fault (0 clears)
 * @delay_ms: for %KP_SANDBOX_FAULT_DELAY, how long each reply is held
 *
 * Replaces the fault set for @endpoint.
 */
void
kp_sandbox_inject_fault (KpSandbox         *self,
                         KpSandboxEndpoint  endpoint,
                         KpSandboxFault     fault,
                         guint              n_calls,
                         guint              delay_ms)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (endpoint < KP_SANDBOX_N_ENDPOINTS);
  g_return_if_fail (fault < KP_SANDBOX_N_FAULTS);

  self->faults[endpoint].fault = n_calls > 0 ? fault : KP_SANDBOX_FAULT_NONE;
  self->faults[endpoint].n_calls = fault != KP_SANDBOX_FAULT_NONE ? n_calls : 0;
  self->faults[endpoint].delay_ms = delay_ms;
}

void
kp_sandbox_clear_faults (KpSandbox *self)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  memset (self->faults, 0, sizeof self->faults);
}

/**
 * kp_sandbox_get_requests:
 *
 * Returns: (transfer full) (element-type KpSandboxRequest): a copy of the calls received
 *   so far, oldest first
 */
GPtrArray *
kp_sandbox_get_requests (KpSandbox *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);

  copy = g_ptr_array_new_full (self->requests->len,
                               (GDestroyNotify) kp_sandbox_request_free);
  for (guint i = 0; i < self->requests->len; i++)
    g_ptr_array_add (copy, kp_sandbox_request_copy (g_ptr_array_index (self->requests, i)));

  return copy;
}

void
kp_sandbox_clear_requests (KpSandbox *self)
{
  g_return_if_fail (KP_IS_SANDBOX (self));

  g_ptr_array_set_size (self->requests, 0);
}

guint
kp_sandbox_count_requests (KpSandbox         *self,
                           KpSandboxEndpoint  endpoint)
{
  guint count = 0;

  g_return_val_if_fail (KP_IS_SANDBOX (self), 0);

  for (guint i = 0; i < self->requests->len; i++)
    {
      KpSandboxRequest *request = g_ptr_array_index (self->requests, i);

      if (request->endpoint == endpoint)
        count++;
    }

  return count;
}

/**
 * kp_sandbox_get_status:
 *
 * Returns: the payment's status as order would report it, or %KP_STATUS_UNKNOWN for a
 *   tid the sandbox never issued
 */
KpStatus
kp_sandbox_get_status (KpSandbox  *self,
                       const char *tid)
{
  Payment *payment;

  g_return_val_if_fail (KP_IS_SANDBOX (self), KP_STATUS_UNKNOWN);
  g_return_val_if_fail (tid != NULL, KP_STATUS_UNKNOWN);

  payment = g_hash_table_lookup (self->payments, tid);
  if (payment == NULL)
    return KP_STATUS_UNKNOWN;

  payment_check_expiry (self, payment);
  return payment->status;
}

/**
 * kp_sandbox_customer_act:
 * @tid: the payment
 * @action: what the customer does on the payment page
 * @method: (nullable): "MONEY" or "CARD" for SELECT_METHOD, ARS and PAY; %NULL keeps
 *   the method chosen so far (MONEY by default)
 *
 * Does in-process what the customer page does over HTTP.
 *
 * Returns: (transfer full) (nullable): where the customer's browser is redirected: the
 *   approval URL with `pg_token` for PAY, cancel_url for CANCEL, fail_url for FAIL, %NULL
 *   for the other actions or on error. Errors: %KP_API_ERROR with code -721 (unknown
 *   tid) or -723 (expired); %G_IO_ERROR_FAILED when the payment no longer waits for the
 *   customer (or, for SEND_TMS, is past the screen that sends the message);
 *   %G_IO_ERROR_INVALID_ARGUMENT for a method the payment does not accept.
 */
char *
kp_sandbox_customer_act (KpSandbox        *self,
                         const char       *tid,
                         KpSandboxAction   action,
                         const char       *method,
                         GError          **error)
{
  Payment *payment;

  g_return_val_if_fail (KP_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (tid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  payment = g_hash_table_lookup (self->payments, tid);
  if (payment == NULL)
    {
      kp_api_error_set_reply (error, 400, KP_CODE_UNKNOWN_TID, "tid does not exist",
                              NULL, NULL);
      return NULL;
    }

  return payment_act (self, payment, action, method, error);
}

const char *
kp_sandbox_endpoint_to_string (KpSandboxEndpoint endpoint)
{
  g_return_val_if_fail (endpoint < KP_SANDBOX_N_ENDPOINTS, NULL);

  return endpoint_names[endpoint];
}

const char *
kp_sandbox_fault_to_string (KpSandboxFault fault)
{
  g_return_val_if_fail (fault < KP_SANDBOX_N_FAULTS, NULL);

  return fault_names[fault];
}

/**
 * kp_sandbox_add_cid:
 * @cid: a 10-character CID to accept besides TC0ONETIME
 */
void
kp_sandbox_add_cid (KpSandbox  *self,
                    const char *cid)
{
  g_return_if_fail (KP_IS_SANDBOX (self));
  g_return_if_fail (cid != NULL && strlen (cid) == KP_CID_LENGTH);

  g_hash_table_add (self->cids, g_strdup (cid));
}

KpSandboxRequest *
kp_sandbox_request_copy (const KpSandboxRequest *request)
{
  KpSandboxRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = g_memdup2 (request, sizeof *request);
  copy->tid = g_strdup (request->tid);
  copy->partner_order_id = g_strdup (request->partner_order_id);
  return copy;
}

void
kp_sandbox_request_free (KpSandboxRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->tid);
  g_free (request->partner_order_id);
  g_free (request);
}
