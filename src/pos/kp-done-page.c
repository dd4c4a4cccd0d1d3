/* kp-done-page.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-done-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kp-cart-line.h"
#include "kp-done-page.h"
#include "kp-money.h"

/* The cashier's page after a payment went through: what was paid, how, for what, and
 * the payment's references. */
struct _KpDonePage
{
  AdwBin     parent_instance;

  /* Template children */
  GtkLabel  *amount_label;
  GtkLabel  *details_label;
  GtkGrid   *items_grid;
  GtkLabel  *method_label;
  GtkButton *new_sale_button;
  GtkLabel  *time_label;

  /* Owned */
  char      *order_id;
  char      *details;
};

G_DEFINE_FINAL_TYPE (KpDonePage, kp_done_page, ADW_TYPE_BIN)

static char *
describe_method (const KpJournalSale *sale)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *card;
  const char *issuer = NULL;
  const char *months = NULL;
  gint64 installment = 0;

  if (g_strcmp0 (sale->payment_method_type, "CARD") != 0)
    return g_strdup (g_strcmp0 (sale->payment_method_type, "MONEY") == 0
                       ? _("KakaoPay Money") : sale->payment_method_type);

  parser = json_parser_new ();
  if (sale->card_info_json == NULL ||
      !json_parser_load_from_data (parser, sale->card_info_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup (_("Card"));

  card = json_node_get_object (json_parser_get_root (parser));
  issuer = json_object_get_string_member_with_default (card, "kakaopay_issuer_corp", NULL);
  months = json_object_get_string_member_with_default (card, "install_month", "00");
  g_ascii_string_to_signed (months, 10, 0, 99, &installment, NULL);

  if (issuer == NULL)
    {
      if (installment <= 1)
        return g_strdup (_("Card · paid in full"));
      /* Translators: card payment; %d is the number of monthly installments */
      return g_strdup_printf (ngettext ("Card · %d month installment",
                                        "Card · %d month installments", installment),
                              (int) installment);
    }
  if (installment <= 1)
    /* Translators: card payment; %s is the card issuer */
    return g_strdup_printf (_("Card · %s · paid in full"), issuer);
  /* Translators: card payment; %s is the issuer, %d the number of monthly installments */
  return g_strdup_printf (ngettext ("Card · %s · %d month installment",
                                    "Card · %s · %d month installments", installment),
                          issuer, (int) installment);
}

static GtkWidget *
item_cell (const char *text,
           float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), xalign == 0.0 ? PANGO_ELLIPSIZE_END
                                                            : PANGO_ELLIPSIZE_NONE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  return label;
}

/* What was paid for, line by line: the journal's lines, or the cart's while it still
 * holds the sale. */
static void
fill_items (KpDonePage          *self,
            KpCart              *cart,
            const KpJournalSale *sale)
{
  GtkWidget *child;
  guint n = sale->lines != NULL ? sale->lines->len
                                : g_list_model_get_n_items (G_LIST_MODEL (cart));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->items_grid))) != NULL)
    gtk_grid_remove (self->items_grid, child);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (KpCartLine) cart_line = NULL;
      const char *name;
      gint64 quantity, unit_price, amount;
      gboolean tax_free;
      g_autofree char *unit = NULL;
      g_autofree char *each = NULL;
      g_autofree char *total = NULL;
      g_autofree char *title = NULL;

      if (sale->lines != NULL)
        {
          const KpJournalLine *line = g_ptr_array_index (sale->lines, i);

          name = line->name;
          quantity = line->quantity;
          unit_price = line->unit_price;
          amount = line->amount;
          tax_free = line->tax_free;
        }
      else
        {
          cart_line = g_list_model_get_item (G_LIST_MODEL (cart), i);
          name = kp_cart_line_get_name (cart_line);
          quantity = kp_cart_line_get_quantity (cart_line);
          unit_price = kp_cart_line_get_unit_price (cart_line);
          amount = kp_cart_line_get_amount (cart_line);
          tax_free = kp_cart_line_get_tax_free (cart_line);
        }

      unit = kp_money_format (unit_price);
      total = kp_money_format (amount);
      /* Translators: a line of a completed sale: quantity × unit price */
      each = g_strdup_printf (_("%d × %s"), (int) quantity, unit);
      /* Translators: the name of a tax-free line on the completed sale */
      title = tax_free ? g_strdup_printf (_("%s (tax free)"), name) : g_strdup (name);
      gtk_grid_attach (self->items_grid, item_cell (title, 0.0), 0, i, 1, 1);
      gtk_grid_attach (self->items_grid, item_cell (each, 1.0), 1, i, 1, 1);
      gtk_grid_attach (self->items_grid, item_cell (total, 1.0), 2, i, 1, 1);
    }
}

static void
kp_done_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KP_TYPE_DONE_PAGE);

  G_OBJECT_CLASS (kp_done_page_parent_class)->dispose (object);
}

static void
kp_done_page_finalize (GObject *object)
{
  KpDonePage *self = KP_DONE_PAGE (object);

  g_free (self->order_id);
  g_free (self->details);

  G_OBJECT_CLASS (kp_done_page_parent_class)->finalize (object);
}

static void
kp_done_page_class_init (KpDonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_done_page_dispose;
  object_class->finalize = kp_done_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-done-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, details_label);
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, items_grid);
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, method_label);
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, time_label);
  gtk_widget_class_bind_template_child (widget_class, KpDonePage, new_sale_button);
}

static void
kp_done_page_init (KpDonePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * kp_done_page_show_sale:
 * @sale: the sale just completed
 * @cart: the cart, for the lines of a @sale that holds none
 *
 * Shows what @sale paid, how, for what, and its references.
 */
void
kp_done_page_show_sale (KpDonePage          *self,
                        const KpJournalSale *sale,
                        KpCart              *cart)
{
  g_autofree char *amount = NULL;
  g_autofree char *method = NULL;
  g_autofree char *when = NULL;

  g_return_if_fail (KP_IS_DONE_PAGE (self));

  amount = kp_money_format (sale->total_amount);
  method = describe_method (sale);
  gtk_label_set_text (self->amount_label, amount);
  gtk_label_set_text (self->method_label, method);
  if (sale->approved_at != NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (sale->approved_at);
      g_autofree char *time = g_date_time_format (local, "%H:%M:%S");

      /* Translators: when the payment was approved, e.g. "Approved at 14:03:27" */
      when = g_strdup_printf (_("Approved at %s"), time);
    }
  gtk_label_set_text (self->time_label, when != NULL ? when : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), when != NULL);
  fill_items (self, cart, sale);
  g_free (self->details);
  /* Translators: the completed payment's references: KakaoPay's payment id (tid) and
   * approval id (aid), and the order number */
  self->details = g_strdup_printf (_("TID %s\nAID %s\nOrder %s"), sale->tid, sale->aid,
                                   sale->partner_order_id);
  gtk_label_set_text (self->details_label, self->details);
  g_free (self->order_id);
  self->order_id = g_strdup (sale->partner_order_id);
}

/**
 * kp_done_page_show_refunded:
 * @sale: a sale some of which was refunded
 *
 * Adds the total refunded so far to the references, if @sale is the one on the page.
 * The page stays as it is until the next sale.
 */
void
kp_done_page_show_refunded (KpDonePage          *self,
                            const KpJournalSale *sale)
{
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;
  g_autofree char *details = NULL;

  g_return_if_fail (KP_IS_DONE_PAGE (self));

  if (g_strcmp0 (sale->partner_order_id, self->order_id) != 0)
    return;
  amount = kp_money_format (sale->refunded_amount);
  /* Translators: the total refunded so far of the sale on screen */
  text = g_strdup_printf (_("%s refunded in total."), amount);
  details = g_strconcat (self->details, "\n", text, NULL);
  gtk_label_set_text (self->details_label, details);
}

/* Forgets the sale: the next one is under way. */
void
kp_done_page_clear (KpDonePage *self)
{
  g_return_if_fail (KP_IS_DONE_PAGE (self));

  g_clear_pointer (&self->order_id, g_free);
}

/**
 * kp_done_page_get_order_id:
 *
 * Returns: (nullable): the order number of the sale on the page
 */
const char *
kp_done_page_get_order_id (KpDonePage *self)
{
  g_return_val_if_fail (KP_IS_DONE_PAGE (self), NULL);

  return self->order_id;
}

/* Enter starts the next sale. */
void
kp_done_page_focus (KpDonePage *self)
{
  g_return_if_fail (KP_IS_DONE_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->new_sale_button));
}
