/* kp-reconciler-private.h: what KpReconciler's files share
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kp-reconciler.h"

G_BEGIN_DECLS

typedef struct _KpReconcilerJob KpReconcilerJob;

struct _KpReconciler
{
  GObject             parent_instance;

  KpClient           *client;
  KpJournal          *journal;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  char               *cid_secret;
  GCancellable       *cancellable;
  GHashTable         *jobs;         /* partner_order_id → KpReconcilerJob */
  guint               poll_interval_ms;
  guint               tid_lifetime_s;
  KpSaleMonitorClockFunc now_func;
  gpointer            now_data;
  gboolean            recovering;
};

/* One sale being resolved. A job keeps the services it started with: the configuration
 * may change meanwhile, and a sale is seen to its end by the KakaoPay it was made with.
 *
 * Jobs are reference counted: the table holds one reference, every call in flight
 * another, so a callback arriving after the job ended (or the reconciler went away)
 * finds it marked done instead of freed. */
struct _KpReconcilerJob
{
  KpReconciler       *self;
  KpClient           *client;
  KpApprovalListener *listener;
  KpRelayClient      *relay;
  char               *cid_secret;
  KpJournalSale      *sale;
  KpSaleState         started_from;
  KpSaleMonitor      *monitor;
  guint               timeout_id;
  guint               backoff_ms;
  gboolean            approve_now;
  gboolean            done;
};

/* kp-reconciler.c */
void             _kp_reconciler_job_finish         (KpReconcilerJob          *job,
                                                    const GError             *error);

/* kp-reconciler-job.c */
KpReconcilerJob *_kp_reconciler_job_ref            (KpReconcilerJob          *job);
void             _kp_reconciler_job_unref          (KpReconcilerJob          *job);
void             _kp_reconciler_job_release        (KpReconcilerJob          *job);
void             _kp_reconciler_job_start          (KpReconcilerJob          *job);
void             _kp_reconciler_job_send_approve   (KpReconcilerJob          *job);

/* kp-reconciler-write.c */
void             _kp_reconciler_job_write          (KpReconcilerJob          *job,
                                                    KpSaleState               to,
                                                    KpJournalUpdate          *update,
                                                    const GError             *error);
void             _kp_reconciler_job_final          (KpReconcilerJob          *job,
                                                    KpSaleState               to,
                                                    const char               *detail,
                                                    const GError             *error);
void             _kp_reconciler_job_approved_from_reply (KpReconcilerJob      *job,
                                                         const KpApproveReply *reply);
void             _kp_reconciler_job_approved_from_order (KpReconcilerJob      *job,
                                                         const KpOrderReply   *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpReconcilerJob, _kp_reconciler_job_unref)

G_END_DECLS
