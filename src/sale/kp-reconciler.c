/* kp-reconciler.c: the reconciler, its jobs and the start-up recovery
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-reconciler"

#include "config.h"

#include "kp-reconciler-private.h"

/* The object the terminal holds: which sales are being resolved (one job per
 * partner_order_id, see kp-reconciler-job.c for what a job does), with which services,
 * and the start-up scan that takes every unfinished sale in the journal. */

G_DEFINE_FINAL_TYPE (KpReconciler, kp_reconciler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_PENDING,
  PROP_RECOVERING,
  N_PROPS
};

enum {
  SIGNAL_RESOLVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
notify_pending (KpReconciler *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

/* The job ends: the sale is final, or another writer owns it now. */
void
_kp_reconciler_job_finish (KpReconcilerJob *job,
                           const GError    *error)
{
  KpReconciler *self = job->self;
  g_autoptr (KpJournalSale) sale = kp_journal_sale_copy (job->sale);
  KpSaleState previous = job->started_from;

  if (job->done)
    return;
  g_hash_table_remove (self->jobs, sale->partner_order_id);
  notify_pending (self);
  if (sale->state != previous || !kp_sale_state_is_in_flight (sale->state))
    g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, sale, previous, error);
}

/* @client: the client the sale was made with, and @cid_secret the secret it was sent
 * with; %NULL for the current services (the secret too). */
static void
add_job (KpReconciler        *self,
         const KpJournalSale *sale,
         gboolean             approve_now,
         KpClient            *client,
         const char          *cid_secret)
{
  KpReconcilerJob *job;

  if (g_hash_table_contains (self->jobs, sale->partner_order_id))
    return;

  job = g_rc_box_new0 (KpReconcilerJob);
  job->self = self;
  job->client = g_object_ref (client != NULL ? client : self->client);
  job->listener = self->listener != NULL ? g_object_ref (self->listener) : NULL;
  job->relay = self->relay != NULL ? g_object_ref (self->relay) : NULL;
  job->cid_secret = g_strdup (client != NULL ? cid_secret : self->cid_secret);
  job->sale = kp_journal_sale_copy (sale);
  job->started_from = sale->state;
  job->approve_now = approve_now;
  /* A tid journaled without its expiry still expires: the configured lifetime from the
   * sale's creation (the sale monitor and the expiry checks need a time). */
  if (job->sale->tid != NULL && job->sale->expires_at == NULL && job->sale->created_at != NULL)
    job->sale->expires_at = g_date_time_add_seconds (job->sale->created_at, self->tid_lifetime_s);
  g_hash_table_insert (self->jobs, g_strdup (sale->partner_order_id), job);
  notify_pending (self);
  _kp_reconciler_job_start (_kp_reconciler_job_ref (job));
}

static void
in_flight_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (KpReconciler) self = user_data;
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GError) error = NULL;

  sales = kp_journal_list_in_flight_finish (KP_JOURNAL (source), result, &error);
  if (sales == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* New sales must not wait for ever: those unfinished stay in the journal for
       * the next start, and the history shows them. */
      g_warning ("Could not read the unfinished sales: %s", error->message);
      self->recovering = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERING]);
      return;
    }

  g_debug ("recovering %u unfinished sales", sales->len);
  for (guint i = 0; i < sales->len; i++)
    add_job (self, g_ptr_array_index (sales, i), FALSE, NULL, NULL);

  self->recovering = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERING]);
}

static void
kp_reconciler_dispose (GObject *object)
{
  KpReconciler *self = KP_RECONCILER (object);

  g_cancellable_cancel (self->cancellable);
  g_hash_table_remove_all (self->jobs);
  g_clear_object (&self->listener);
  g_clear_object (&self->relay);
  g_clear_object (&self->journal);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (kp_reconciler_parent_class)->dispose (object);
}

static void
kp_reconciler_finalize (GObject *object)
{
  KpReconciler *self = KP_RECONCILER (object);

  g_hash_table_unref (self->jobs);
  g_clear_object (&self->cancellable);
  g_free (self->cid_secret);

  G_OBJECT_CLASS (kp_reconciler_parent_class)->finalize (object);
}

static void
kp_reconciler_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KpReconciler *self = KP_RECONCILER (object);

  switch (prop_id)
    {
    case PROP_N_PENDING:
      g_value_set_uint (value, kp_reconciler_get_n_pending (self));
      break;
    case PROP_RECOVERING:
      g_value_set_boolean (value, self->recovering);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_reconciler_class_init (KpReconcilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kp_reconciler_dispose;
  object_class->finalize = kp_reconciler_finalize;
  object_class->get_property = kp_reconciler_get_property;

  properties[PROP_N_PENDING] =
    g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECOVERING] =
    g_param_spec_boolean ("recovering", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KpReconciler::resolved:
   * @sale: (type gpointer): the #KpJournalSale as journaled now
   * @previous: the #KpSaleState it was in when the reconciler took it
   * @error: (type gpointer) (nullable): the #GError that ended it, if any
   *
   * A sale the reconciler took has reached the state KakaoPay's records say.
   */
  signals[SIGNAL_RESOLVED] =
    g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_POINTER, G_TYPE_INT, G_TYPE_POINTER);
}

static void
kp_reconciler_init (KpReconciler *self)
{
  self->cancellable = g_cancellable_new ();
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) _kp_reconciler_job_release);
  self->poll_interval_ms = 2000;
  self->tid_lifetime_s = 900;
}

/**
 * kp_reconciler_new:
 * @listener: (nullable): re-armed for sales still open after a restart, so a
 *   customer who finishes paying is still heard
 */
KpReconciler *
kp_reconciler_new (KpClient           *client,
                   KpJournal          *journal,
                   KpApprovalListener *listener)
{
  KpReconciler *self;

  g_return_val_if_fail (KP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KP_IS_JOURNAL (journal), NULL);

  self = g_object_new (KP_TYPE_RECONCILER, NULL);
  self->client = g_object_ref (client);
  self->journal = g_object_ref (journal);
  self->listener = listener != NULL ? g_object_ref (listener) : NULL;
  return self;
}

/**
 * kp_reconciler_set_services:
 * @listener: (nullable): re-armed for sales still open
 * @relay: (nullable) (type KpRelayClient): in relay mode, makes the callback nonces
 * @cid_secret: (nullable): sent with the CID when set
 *
 * For the jobs taken from now on; those running keep theirs.
 */
void
kp_reconciler_set_services (KpReconciler       *self,
                            KpClient           *client,
                            KpApprovalListener *listener,
                            KpRelayClient      *relay,
                            const char         *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (KP_IS_CLIENT (client));

  g_set_object (&self->client, client);
  g_set_object (&self->listener, listener);
  g_set_object (&self->relay, relay);
  g_free (self->cid_secret);
  self->cid_secret = cid_secret != NULL && *cid_secret != '\0' ? g_strdup (cid_secret) : NULL;
}

void
kp_reconciler_set_timing (KpReconciler *self,
                          guint         poll_interval_ms,
                          guint         tid_lifetime_s)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->poll_interval_ms = MAX (poll_interval_ms, 100);
  self->tid_lifetime_s = tid_lifetime_s;
}

/**
 * kp_reconciler_set_clock:
 * @now_func: (nullable): returns the current time; %NULL for the system's
 * @user_data: data for @now_func; it must outlive the reconciler
 *
 * Replaces the clock the tids' expiry is measured with (before any job is
 * taken). For tests, which move it instead of waiting.
 */
void
kp_reconciler_set_clock (KpReconciler           *self,
                         KpSaleMonitorClockFunc  now_func,
                         gpointer                user_data)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->now_func = now_func;
  self->now_data = user_data;
}

/**
 * kp_reconciler_recover:
 *
 * Takes every unfinished sale in the journal (at start-up). The cashier can ring up
 * the next sale meanwhile; #KpReconciler:n-pending counts what is left.
 */
void
kp_reconciler_recover (KpReconciler *self)
{
  g_return_if_fail (KP_IS_RECONCILER (self));

  self->recovering = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERING]);
  kp_journal_list_in_flight_async (self->journal, self->cancellable, in_flight_cb,
                                   g_object_ref (self));
}

/**
 * kp_reconciler_resolve:
 *
 * Takes one sale whose last call ended with an unknown outcome.
 */
void
kp_reconciler_resolve (KpReconciler        *self,
                       const KpJournalSale *sale)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL);

  add_job (self, sale, FALSE, NULL, NULL);
}

/**
 * kp_reconciler_resolve_using:
 * @client: the client the sale was made with
 * @cid_secret: (nullable): the CID secret it was made with
 *
 * Like kp_reconciler_resolve(), for a sale made with other services than the
 * current ones: the settings may have changed while it ran.
 */
void
kp_reconciler_resolve_using (KpReconciler        *self,
                             const KpJournalSale *sale,
                             KpClient            *client,
                             const char          *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL);
  g_return_if_fail (KP_IS_CLIENT (client));

  add_job (self, sale, FALSE, client, cid_secret);
}

/**
 * kp_reconciler_approve:
 *
 * Sends approve for an APPROVING sale (its pg_token journaled) and sees it to the end,
 * checking the order before anything is sent again.
 */
void
kp_reconciler_approve (KpReconciler        *self,
                       const KpJournalSale *sale)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL && sale->state == KP_SALE_STATE_APPROVING);

  add_job (self, sale, TRUE, NULL, NULL);
}

/**
 * kp_reconciler_approve_using:
 * @client: the client the sale was made with
 * @cid_secret: (nullable): the CID secret it was made with
 *
 * Like kp_reconciler_approve(), for a sale made with other services than the
 * current ones: the settings may have changed while it ran.
 */
void
kp_reconciler_approve_using (KpReconciler        *self,
                             const KpJournalSale *sale,
                             KpClient            *client,
                             const char          *cid_secret)
{
  g_return_if_fail (KP_IS_RECONCILER (self));
  g_return_if_fail (sale != NULL && sale->state == KP_SALE_STATE_APPROVING);
  g_return_if_fail (KP_IS_CLIENT (client));

  add_job (self, sale, TRUE, client, cid_secret);
}

gboolean
kp_reconciler_is_resolving (KpReconciler *self,
                            const char   *partner_order_id)
{
  g_return_val_if_fail (KP_IS_RECONCILER (self), FALSE);

  return g_hash_table_contains (self->jobs, partner_order_id);
}

/**
 * kp_reconciler_get_n_pending:
 *
 * Returns: how many unfinished (in-flight) sales are being resolved; sales the cashier
 *   aborted are watched quietly until their tid expires and do not count
 */
guint
kp_reconciler_get_n_pending (KpReconciler *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (KP_IS_RECONCILER (self), 0);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      KpReconcilerJob *job = value;

      if (kp_sale_state_is_in_flight (job->sale->state))
        n++;
    }
  return n;
}

gboolean
kp_reconciler_get_recovering (KpReconciler *self)
{
  g_return_val_if_fail (KP_IS_RECONCILER (self), FALSE);

  return self->recovering;
}
