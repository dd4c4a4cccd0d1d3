/* kp-sale-monitor.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sale-monitor"

#include "config.h"

#include "kp-sale-monitor.h"
#include "kp-status-poller.h"

/* Merges what the terminal can learn about one waiting sale into one outcome: the
 * customer's browser arriving at a callback URL (listener, relay), the order API's
 * status (poller), and the tid's expiry. The first decisive event wins; everything
 * after it is ignored. */
struct _KpSaleMonitor
{
  GObject             parent_instance;

  KpClient           *client;
  KpApprovalListener *listener;
  KpStatusPoller     *poller;
  char               *cid;
  char               *partner_order_id;
  char               *nonce;
  char               *tid;
  GDateTime          *expires_at;
  KpSaleMonitorClockFunc now_func;
  gpointer            now_data;
  guint               poll_interval_ms;
  guint               expiry_id;
  guint               quit_grace_id;
  gulong              callback_id;
  gboolean            started;
  gboolean            customer_seen;
  gboolean            decided;
};

G_DEFINE_FINAL_TYPE (KpSaleMonitor, kp_sale_monitor, G_TYPE_OBJECT)

enum {
  SIGNAL_STATUS_CHANGED,
  SIGNAL_OUTCOME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
kp_sale_outcome_to_string (KpSaleOutcome outcome)
{
  static const char * const names[] = { "authorized", "paid", "cancelled", "failed", "expired" };

  g_return_val_if_fail (outcome <= KP_SALE_OUTCOME_EXPIRED, NULL);
  return names[outcome];
}

static GDateTime *
monitor_now (KpSaleMonitor *self)
{
  return self->now_func != NULL ? self->now_func (self->now_data) : g_date_time_new_now_utc ();
}

static gboolean
is_expired (KpSaleMonitor *self)
{
  g_autoptr (GDateTime) now = monitor_now (self);

  /* A second of slack for clocks that disagree a little. */
  return g_date_time_difference (self->expires_at, now) <= G_USEC_PER_SEC;
}

static void
decide (KpSaleMonitor *self,
        KpSaleOutcome  outcome,
        const char    *pg_token)
{
  if (self->decided)
    {
      g_debug ("%s: ignoring a later %s", self->partner_order_id,
               kp_sale_outcome_to_string (outcome));
      return;
    }

  self->decided = TRUE;
  g_debug ("%s: %s", self->partner_order_id, kp_sale_outcome_to_string (outcome));
  kp_status_poller_stop (self->poller);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_handle_id (&self->quit_grace_id, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_OUTCOME], 0, outcome, pg_token);
}

static gboolean
on_quit_grace_cb (gpointer user_data)
{
  KpSaleMonitor *self = user_data;

  self->quit_grace_id = 0;
  decide (self, KP_SALE_OUTCOME_EXPIRED, NULL);
  return G_SOURCE_REMOVE;
}

/* QUIT_PAYMENT is what KakaoPay reports both for a customer who cancelled and for a
 * tid whose lifetime ran out, so the status alone does not say which. */
static void
quit_payment (KpSaleMonitor *self)
{
  /* Past the lifetime on our clock: expired, whatever the customer did. */
  if (is_expired (self))
    {
      decide (self, KP_SALE_OUTCOME_EXPIRED, NULL);
      return;
    }

  /* The customer had the payment page open: they walked away from it. */
  if (self->customer_seen)
    {
      decide (self, KP_SALE_OUTCOME_CANCELLED, NULL);
      return;
    }

  /* Nobody was seen on the payment page, yet KakaoPay closed it before the lifetime
   * we were told: its own lifetime is shorter and ran out. A customer who opened the
   * page and cancelled between two polls is still heard, by the cancel redirect; give
   * it a couple of poll intervals to arrive before calling it an expiry. */
  if (self->quit_grace_id == 0)
    self->quit_grace_id = g_timeout_add (MAX (2 * self->poll_interval_ms, 1),
                                         on_quit_grace_cb, self);
}

static void
on_poller_status_changed_cb (KpStatusPoller *poller,
                             KpStatus        status,
                             gpointer        reply,
                             KpSaleMonitor  *self)
{
  if (self->decided)
    return;

  g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0, status);

  /* Any status past READY means the customer opened the payment page. */
  if (status != KP_STATUS_READY && status != KP_STATUS_UNKNOWN &&
      status != KP_STATUS_QUIT_PAYMENT)
    self->customer_seen = TRUE;

  switch (status)
    {
    case KP_STATUS_SUCCESS_PAYMENT:
      decide (self, KP_SALE_OUTCOME_PAID, NULL);
      break;
    case KP_STATUS_QUIT_PAYMENT:
      quit_payment (self);
      break;
    case KP_STATUS_CANCEL_PAYMENT:
    case KP_STATUS_PART_CANCEL_PAYMENT:
      decide (self, KP_SALE_OUTCOME_CANCELLED, NULL);
      break;
    case KP_STATUS_FAIL_AUTH_PASSWORD:
    case KP_STATUS_FAIL_PAYMENT:
      decide (self, KP_SALE_OUTCOME_FAILED, NULL);
      break;
    default:
      /* AUTH_PASSWORD included: the pg_token only ever arrives by redirect. */
      break;
    }
}

static void
on_listener_callback_cb (KpApprovalListener *listener,
                         const char         *partner_order_id,
                         KpCallbackKind      kind,
                         const char         *pg_token,
                         KpSaleMonitor      *self)
{
  if (g_strcmp0 (partner_order_id, self->partner_order_id) != 0)
    return;
  kp_sale_monitor_deliver (self, kind, pg_token);
}

static gboolean
on_expiry_cb (gpointer user_data)
{
  KpSaleMonitor *self = user_data;

  self->expiry_id = 0;
  decide (self, KP_SALE_OUTCOME_EXPIRED, NULL);
  return G_SOURCE_REMOVE;
}

static void
kp_sale_monitor_dispose (GObject *object)
{
  KpSaleMonitor *self = KP_SALE_MONITOR (object);

  kp_sale_monitor_stop (self);
  g_clear_object (&self->poller);
  g_clear_object (&self->listener);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kp_sale_monitor_parent_class)->dispose (object);
}

static void
kp_sale_monitor_finalize (GObject *object)
{
  KpSaleMonitor *self = KP_SALE_MONITOR (object);

  g_free (self->cid);
  g_free (self->partner_order_id);
  g_free (self->nonce);
  g_free (self->tid);
  g_clear_pointer (&self->expires_at, g_date_time_unref);

  G_OBJECT_CLASS (kp_sale_monitor_parent_class)->finalize (object);
}

static void
kp_sale_monitor_class_init (KpSaleMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_sale_monitor_dispose;
  object_class->finalize = kp_sale_monitor_finalize;

  /**
   * KpSaleMonitor::status-changed:
   * @status: the #KpStatus the order API now reports
   */
  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * KpSaleMonitor::outcome:
   * @outcome: the #KpSaleOutcome
   * @pg_token: (nullable): the approval token, for %KP_SALE_OUTCOME_AUTHORIZED
   *
   * Emitted once per sale.
   */
  signals[SIGNAL_OUTCOME] =
    g_signal_new ("outcome", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
kp_sale_monitor_init (KpSaleMonitor *self)
{
}

/**
 * kp_sale_monitor_new:
 * @listener: (nullable): the terminal's approval listener, when it receives redirects
 * @expires_at: when the tid expires
 */
KpSaleMonitor *
kp_sale_monitor_new (KpClient           *client,
                     KpApprovalListener *listener,
                     const char         *cid,
                     const char         *partner_order_id,
                     const char         *nonce,
                     const char         *tid,
                     GDateTime          *expires_at,
                     guint               poll_interval_ms)
{
  KpSaleMonitor *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (listener == NULL || KP_IS_APPROVAL_LISTENER (listener), NULL);
  g_return_val_if_fail (partner_order_id != NULL && nonce != NULL && tid != NULL, NULL);
  g_return_val_if_fail (expires_at != NULL, NULL);

  self = g_object_new (KP_TYPE_SALE_MONITOR, NULL);
  self->client = g_object_ref (client);
  self->listener = listener != NULL ? g_object_ref (listener) : NULL;
  self->cid = g_strdup (cid);
  self->partner_order_id = g_strdup (partner_order_id);
  self->nonce = g_strdup (nonce);
  self->tid = g_strdup (tid);
  self->expires_at = g_date_time_ref (expires_at);
  self->poll_interval_ms = poll_interval_ms;
  self->poller = kp_status_poller_new (client, cid, tid, poll_interval_ms);
  g_signal_connect_object (self->poller, "status-changed",
                           G_CALLBACK (on_poller_status_changed_cb), self, 0);
  return self;
}

/**
 * kp_sale_monitor_set_clock:
 * @now_func: (nullable): returns the current time; %NULL for the system's
 * @user_data: data for @now_func; it must outlive the monitor
 *
 * Replaces the clock the tid's expiry is measured with (before
 * kp_sale_monitor_start()). For tests, which move it instead of waiting.
 */
void
kp_sale_monitor_set_clock (KpSaleMonitor          *self,
                           KpSaleMonitorClockFunc  now_func,
                           gpointer                user_data)
{
  g_return_if_fail (KP_IS_SALE_MONITOR (self));

  self->now_func = now_func;
  self->now_data = user_data;
}

/**
 * kp_sale_monitor_start:
 *
 * Starts listening, polling and the expiry timer.
 */
void
kp_sale_monitor_start (KpSaleMonitor *self)
{
  g_autoptr (GDateTime) now = NULL;
  GTimeSpan left;

  g_return_if_fail (KP_IS_SALE_MONITOR (self));

  if (self->started || self->decided)
    return;
  self->started = TRUE;

  if (self->listener != NULL)
    {
      kp_approval_listener_expect (self->listener, self->partner_order_id, self->nonce);
      self->callback_id = g_signal_connect_object (self->listener, "callback",
                                                   G_CALLBACK (on_listener_callback_cb),
                                                   self, 0);
    }

  now = monitor_now (self);
  left = g_date_time_difference (self->expires_at, now);
  if (left <= 0)
    {
      decide (self, KP_SALE_OUTCOME_EXPIRED, NULL);
      return;
    }
  self->expiry_id = g_timeout_add (MIN (left / 1000, G_MAXUINT), on_expiry_cb, self);
  kp_status_poller_start (self->poller);
}

/**
 * kp_sale_monitor_stop:
 *
 * Stops polling and timers and makes the listener refuse this sale's callbacks
 * (410). Call it when the sale has ended.
 */
void
kp_sale_monitor_stop (KpSaleMonitor *self)
{
  g_return_if_fail (KP_IS_SALE_MONITOR (self));

  if (self->poller != NULL)
    kp_status_poller_stop (self->poller);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  g_clear_handle_id (&self->quit_grace_id, g_source_remove);
  if (self->listener != NULL && self->callback_id != 0)
    {
      g_clear_signal_handler (&self->callback_id, self->listener);
      kp_approval_listener_forget (self->listener, self->partner_order_id);
    }
}

/**
 * kp_sale_monitor_deliver:
 * @pg_token: (nullable): with %KP_CALLBACK_APPROVE, the token
 *
 * Hands in a redirect that reached the terminal another way (the relay).
 */
void
kp_sale_monitor_deliver (KpSaleMonitor  *self,
                         KpCallbackKind  kind,
                         const char     *pg_token)
{
  g_return_if_fail (KP_IS_SALE_MONITOR (self));

  switch (kind)
    {
    case KP_CALLBACK_APPROVE:
      if (pg_token != NULL && *pg_token != '\0')
        decide (self, KP_SALE_OUTCOME_AUTHORIZED, pg_token);
      break;
    case KP_CALLBACK_CANCEL:
      decide (self, KP_SALE_OUTCOME_CANCELLED, NULL);
      break;
    case KP_CALLBACK_FAIL:
      decide (self, KP_SALE_OUTCOME_FAILED, NULL);
      break;
    default:
      break;
    }
}

gboolean
kp_sale_monitor_is_decided (KpSaleMonitor *self)
{
  g_return_val_if_fail (KP_IS_SALE_MONITOR (self), FALSE);

  return self->decided;
}

gboolean
kp_sale_monitor_is_polling (KpSaleMonitor *self)
{
  g_return_val_if_fail (KP_IS_SALE_MONITOR (self), FALSE);

  return kp_status_poller_is_running (self->poller);
}

KpStatus
kp_sale_monitor_get_status (KpSaleMonitor *self)
{
  g_return_val_if_fail (KP_IS_SALE_MONITOR (self), KP_STATUS_UNKNOWN);

  return kp_status_poller_get_status (self->poller);
}
