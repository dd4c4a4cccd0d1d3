/* kp-sale-item.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sale-item"

#include "config.h"

#include "kp-sale-item.h"

/* A journaled sale as an item of a list model (the history's rows). A sale that
 * changes (a refund) is set anew and notified, so its row updates in place. */

struct _KpSaleItem
{
  GObject        parent_instance;

  KpJournalSale *sale;
};

G_DEFINE_FINAL_TYPE (KpSaleItem, kp_sale_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kp_sale_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KpSaleItem *self = KP_SALE_ITEM (object);

  switch (prop_id)
    {
    case PROP_SALE:
      g_value_set_boxed (value, self->sale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_sale_item_finalize (GObject *object)
{
  KpSaleItem *self = KP_SALE_ITEM (object);

  g_clear_pointer (&self->sale, kp_journal_sale_free);

  G_OBJECT_CLASS (kp_sale_item_parent_class)->finalize (object);
}

static void
kp_sale_item_class_init (KpSaleItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_sale_item_finalize;
  object_class->get_property = kp_sale_item_get_property;

  properties[PROP_SALE] =
    g_param_spec_boxed ("sale", NULL, NULL, KP_TYPE_JOURNAL_SALE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_sale_item_init (KpSaleItem *self)
{
}

/**
 * kp_sale_item_new:
 * @sale: a sale; copied
 */
KpSaleItem *
kp_sale_item_new (const KpJournalSale *sale)
{
  KpSaleItem *self;

  g_return_val_if_fail (sale != NULL, NULL);

  self = g_object_new (KP_TYPE_SALE_ITEM, NULL);
  self->sale = kp_journal_sale_copy (sale);
  return self;
}

const KpJournalSale *
kp_sale_item_get_sale (KpSaleItem *self)
{
  g_return_val_if_fail (KP_IS_SALE_ITEM (self), NULL);

  return self->sale;
}

/**
 * kp_sale_item_set_sale:
 * @sale: the same sale as now journaled; copied
 */
void
kp_sale_item_set_sale (KpSaleItem          *self,
                       const KpJournalSale *sale)
{
  g_return_if_fail (KP_IS_SALE_ITEM (self));
  g_return_if_fail (sale != NULL);

  g_clear_pointer (&self->sale, kp_journal_sale_free);
  self->sale = kp_journal_sale_copy (sale);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SALE]);
}
