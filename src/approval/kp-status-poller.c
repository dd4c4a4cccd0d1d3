/* kp-status-poller.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-status-poller"

#include "config.h"

#include "kp-status-poller.h"

/* Asks the order API for one payment's status every interval while started. One poll
 * at a time: the next is scheduled only when the previous answered, so a slow network
 * never piles requests up. Nothing runs while stopped. */
struct _KpStatusPoller
{
  GObject       parent_instance;

  KpClient     *client;
  GCancellable *cancellable;
  char         *cid;
  char         *tid;
  guint         interval_ms;
  guint         timeout_id;
  guint         n_polls;
  guint         generation;
  KpStatus      status;
};

typedef struct
{
  KpStatusPoller *self;
  guint           generation;
} PollData;

G_DEFINE_FINAL_TYPE (KpStatusPoller, kp_status_poller, G_TYPE_OBJECT)

enum {
  SIGNAL_STATUS_CHANGED,
  SIGNAL_POLL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean poll_cb (gpointer user_data);

static void
schedule (KpStatusPoller *self)
{
  g_assert (self->timeout_id == 0);
  self->timeout_id = g_timeout_add (self->interval_ms, poll_cb, self);
}

static void
order_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  PollData *data = user_data;
  g_autoptr (KpStatusPoller) self = data->self;
  guint generation = data->generation;
  g_autoptr (KpOrderReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_free (data);
  reply = kp_client_order_finish (KP_CLIENT (source), result, &error);
  /* Stopped (and maybe restarted) since this poll was sent: not ours any more. */
  if (self->cancellable == NULL || generation != self->generation)
    return;

  if (reply == NULL)
    {
      /* A blip on the network is not an outcome: keep asking. */
      g_debug ("order for %s failed: %s", self->tid, error->message);
      g_signal_emit (self, signals[SIGNAL_POLL_FAILED], 0, error);
      if (self->cancellable != NULL)
        schedule (self);
      return;
    }

  if (reply->status != self->status)
    {
      self->status = reply->status;
      g_debug ("%s is now %s", self->tid, kp_status_to_string (reply->status));
      g_signal_emit (self, signals[SIGNAL_STATUS_CHANGED], 0, reply->status, reply);
    }

  /* A handler may have stopped us. */
  if (self->cancellable == NULL)
    return;

  if (kp_status_is_final (reply->status))
    kp_status_poller_stop (self);
  else
    schedule (self);
}

static gboolean
poll_cb (gpointer user_data)
{
  KpStatusPoller *self = user_data;
  g_autoptr (KpOrderRequest) request = kp_order_request_new ();
  PollData *data = g_new0 (PollData, 1);

  data->self = g_object_ref (self);
  data->generation = self->generation;
  self->timeout_id = 0;
  self->n_polls++;
  request->cid = g_strdup (self->cid);
  request->tid = g_strdup (self->tid);
  kp_client_order_async (self->client, request, self->cancellable, order_cb, data);
  return G_SOURCE_REMOVE;
}

static void
kp_status_poller_dispose (GObject *object)
{
  KpStatusPoller *self = KP_STATUS_POLLER (object);

  kp_status_poller_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kp_status_poller_parent_class)->dispose (object);
}

static void
kp_status_poller_finalize (GObject *object)
{
  KpStatusPoller *self = KP_STATUS_POLLER (object);

  g_free (self->cid);
  g_free (self->tid);

  G_OBJECT_CLASS (kp_status_poller_parent_class)->finalize (object);
}

static void
kp_status_poller_class_init (KpStatusPollerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_status_poller_dispose;
  object_class->finalize = kp_status_poller_finalize;

  /**
   * KpStatusPoller::status-changed:
   * @status: the new #KpStatus
   * @reply: (type gpointer): the #KpOrderReply it came in, valid during emission
   */
  signals[SIGNAL_STATUS_CHANGED] =
    g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_POINTER);

  /**
   * KpStatusPoller::poll-failed:
   * @error: (type GLib.Error): why; polling goes on
   */
  signals[SIGNAL_POLL_FAILED] =
    g_signal_new ("poll-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
kp_status_poller_init (KpStatusPoller *self)
{
  self->status = KP_STATUS_READY;
}

KpStatusPoller *
kp_status_poller_new (KpClient   *client,
                      const char *cid,
                      const char *tid,
                      guint       interval_ms)
{
  KpStatusPoller *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (cid != NULL && tid != NULL, NULL);

  self = g_object_new (KP_TYPE_STATUS_POLLER, NULL);
  self->client = g_object_ref (client);
  self->cid = g_strdup (cid);
  self->tid = g_strdup (tid);
  self->interval_ms = interval_ms > 0 ? interval_ms : KP_STATUS_POLLER_DEFAULT_INTERVAL;
  return self;
}

void
kp_status_poller_start (KpStatusPoller *self)
{
  g_return_if_fail (KP_IS_STATUS_POLLER (self));

  if (self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  schedule (self);
}

void
kp_status_poller_stop (KpStatusPoller *self)
{
  g_return_if_fail (KP_IS_STATUS_POLLER (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->generation++;
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

gboolean
kp_status_poller_is_running (KpStatusPoller *self)
{
  g_return_val_if_fail (KP_IS_STATUS_POLLER (self), FALSE);

  return self->cancellable != NULL;
}

KpStatus
kp_status_poller_get_status (KpStatusPoller *self)
{
  g_return_val_if_fail (KP_IS_STATUS_POLLER (self), KP_STATUS_UNKNOWN);

  return self->status;
}

guint
kp_status_poller_get_n_polls (KpStatusPoller *self)
{
  g_return_val_if_fail (KP_IS_STATUS_POLLER (self), 0);

  return self->n_polls;
}
