/* kp-admission.h
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KpAdmission KpAdmission;
typedef struct _KpAdmissionAddress KpAdmissionAddress;

/* What admission knows of one connection; part of the connection's own structure. */
typedef struct
{
  gpointer            owner;         /* the connection */
  KpAdmissionAddress *address;       /* NULL while not counted */
  GList               link;          /* in the admission's connections, oldest first */
  GList               waiting_link;  /* in its address's waiting line */
  gboolean            active;        /* has its turn: read, refused or served */
  gboolean            idle;          /* has not sent a complete request head yet */
} KpAdmissionEntry;

/* A connection gets its turn: start reading it. It must not drop any connection then
 * (admission is in the middle of its bookkeeping). */
typedef void (*KpAdmissionStart) (gpointer owner);

KpAdmission *kp_admission_new         (guint              max_connections,
                                       guint              max_per_address,
                                       KpAdmissionStart   start);
void         kp_admission_free        (KpAdmission       *admission);
gpointer     kp_admission_make_room   (KpAdmission       *admission,
                                       gboolean          *out_full);
void         kp_admission_add         (KpAdmission       *admission,
                                       KpAdmissionEntry  *entry,
                                       gpointer           owner,
                                       const char        *address);
void         kp_admission_remove      (KpAdmission       *admission,
                                       KpAdmissionEntry  *entry);
gpointer     kp_admission_peek_oldest (KpAdmission       *admission);
guint        kp_admission_get_n       (KpAdmission       *admission);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KpAdmission, kp_admission_free)

G_END_DECLS
