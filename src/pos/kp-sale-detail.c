/* kp-sale-detail.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-sale-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-money.h"
#include "kp-refund-dialog.h"
#include "kp-refund-plan.h"
#include "kp-sale-detail.h"
#include "kp-sale-format.h"

/* One sale from the journal: its lines, every state change, every KakaoPay id (tid,
 * aid, each refund's aid and time), and "Refund…" while something is left. Read
 * asynchronously; a refund that ends (here, on the cashier's page, or in the
 * background) reloads it. */

struct _KpSaleDetail
{
  GtkWidget       parent_instance;

  /* Template children */
  GtkLabel       *amount_label;
  GtkScrolledWindow *content_window;
  AdwStatusPage  *empty_page;
  GtkLabel       *error_label;
  GtkLabel       *ids_label;
  GtkListBox     *lines_list;
  GtkLabel       *order_label;
  GtkLabel       *receipts_heading;
  GtkListBox     *receipts_list;
  GtkButton      *refund_button;
  GtkButton      *reprint_button;
  GtkLabel       *refunds_heading;
  GtkListBox     *refunds_list;
  GtkSpinner     *spinner;
  GtkLabel       *state_label;
  GtkListBox     *transitions_list;
  GtkLabel       *when_label;

  /* Owned */
  KpTerminal     *terminal;
  KpJournal      *journal;
  KpRefunder     *refunder;
  char           *order_id;
  KpJournalSale  *sale;
  KpJournalSale  *loading_sale;
  GPtrArray      *loading_transitions;
  GCancellable   *cancellable;
  gboolean        refund_in_flight;
};

G_DEFINE_FINAL_TYPE (KpSaleDetail, kp_sale_detail, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SALE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Rows are updated in place and only added or removed when their number changes: a
 * reload after a refund then adds a row or two rather than rebuilding every list. */
static void
set_row (GtkListBox *list,
         guint       index,
         const char *title,
         const char *subtitle,
         const char *suffix)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, (int) index);
  GtkLabel *suffix_label;

  if (row == NULL)
    {
      row = GTK_LIST_BOX_ROW (adw_action_row_new ());
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      suffix_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_add_css_class (GTK_WIDGET (suffix_label), "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (suffix_label));
      g_object_set_data (G_OBJECT (row), "kp-suffix", suffix_label);
      gtk_list_box_append (list, GTK_WIDGET (row));
    }
  suffix_label = g_object_get_data (G_OBJECT (row), "kp-suffix");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
  gtk_label_set_text (suffix_label, suffix != NULL ? suffix : "");
  gtk_widget_set_visible (GTK_WIDGET (suffix_label), suffix != NULL);
}

static void
trim_rows (GtkListBox *list,
           guint       n)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, (int) n)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static gboolean
is_refundable (KpSaleDetail *self)
{
  return self->sale != NULL && self->refunder != NULL && !self->refund_in_flight &&
         (self->sale->state == KP_SALE_STATE_APPROVED ||
          self->sale->state == KP_SALE_STATE_PARTIALLY_REFUNDED) &&
         self->sale->refunded_amount < self->sale->total_amount;
}

static void
update_actions (KpSaleDetail *self)
{
  gboolean refundable = is_refundable (self);

  gboolean shown = self->sale != NULL &&
                   (self->sale->state == KP_SALE_STATE_APPROVED ||
                    self->sale->state == KP_SALE_STATE_PARTIALLY_REFUNDED);
  gboolean paid;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.refund", refundable);
  /* The focus must not stay on a hidden button: keys would go nowhere. */
  if (!shown && gtk_widget_has_focus (GTK_WIDGET (self->refund_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->order_label));
  gtk_widget_set_visible (GTK_WIDGET (self->refund_button), shown);

  /* A receipt is printed again for any sale that was paid, refunded since or not. */
  paid = shown || (self->sale != NULL && self->sale->state == KP_SALE_STATE_REFUNDED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "detail.reprint", paid);
  if (!paid && gtk_widget_has_focus (GTK_WIDGET (self->reprint_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->order_label));
  gtk_widget_set_visible (GTK_WIDGET (self->reprint_button), paid);
}

/* @refunds: (nullable): the sale's refunds, to mark the quantities refunded */
static void
show_lines (KpSaleDetail *self,
            GPtrArray    *refunds)
{
  guint n = self->sale->lines != NULL ? self->sale->lines->len : 0;
  g_autofree gint64 *left = kp_refund_lines_left (self->sale, refunds);

  for (guint i = 0; i < n; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (self->sale->lines, i);
      g_autofree char *price = kp_money_format (line->unit_price);
      g_autofree char *amount = kp_money_format (line->amount);
      g_autofree char *subtitle = NULL;
      gint64 refunded = line->quantity - left[i];

      if (line->tax_free)
        /* Translators: a sale's line: quantity × unit price, tax free */
        subtitle = g_strdup_printf (_("%d × %s · tax free"), (int) line->quantity, price);
      else
        /* Translators: a sale's line: quantity × unit price */
        subtitle = g_strdup_printf (_("%d × %s"), (int) line->quantity, price);
      if (refunded > 0)
        {
          g_autofree char *plain = g_steal_pointer (&subtitle);

          /* Translators: a sale's line (as above), then how many of its items were
           * refunded, e.g. "3 × ₩2,000 · 2 of 3 refunded" */
          subtitle = g_strdup_printf (_("%s · %d of %d refunded"), plain, (int) refunded,
                                      (int) line->quantity);
        }
      set_row (self->lines_list, i, line->name, subtitle, amount);
    }
  trim_rows (self->lines_list, n);
}

/* The items a refund took back, "1 × Milk, 2 × Bread"; NULL for a refund of an amount. */
static char *
describe_refund_items (const KpJournalSale   *sale,
                       const KpJournalRefund *refund)
{
  g_autoptr (GPtrArray) one = NULL;
  g_autofree gint64 *left = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  KpJournalRefund *copy;

  if (refund->lines_json == NULL || sale->lines == NULL)
    return NULL;

  one = g_ptr_array_new_with_free_func ((GDestroyNotify) kp_journal_refund_free);

  /* Counted as if done, so a refused refund still says what was asked for. */
  copy = kp_journal_refund_copy (refund);
  copy->state = KP_REFUND_STATE_REFUNDED;
  g_ptr_array_add (one, copy);
  left = kp_refund_lines_left (sale, one);
  for (guint i = 0; i < sale->lines->len; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (sale->lines, i);
      gint64 taken = line->quantity - left[i];

      if (taken <= 0)
        continue;
      if (text->len > 0)
        /* Translators: between the items of a refund, "1 × Milk, 2 × Bread" */
        g_string_append (text, _(", "));
      /* Translators: an item a refund took back: how many, then the item's name */
      g_string_append_printf (text, C_("refunded item", "%d × %s"), (int) taken, line->name);
    }
  return text->len > 0 ? g_strdup (text->str) : NULL;
}

static void
show_refunds (KpSaleDetail *self,
              GPtrArray    *refunds)
{
  self->refund_in_flight = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->refunds_heading), refunds->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->refunds_list), refunds->len > 0);

  for (guint i = 0; i < refunds->len; i++)
    {
      const KpJournalRefund *refund = g_ptr_array_index (refunds, i);
      g_autofree char *amount = kp_money_format (refund->cancel_amount);
      g_autofree char *tax_free = kp_money_format (refund->cancel_tax_free_amount);
      g_autofree char *vat = kp_money_format (refund->cancel_vat_amount);
      g_autofree char *asked = kp_format_date_time (refund->created_at);
      g_autofree char *done = kp_format_date_time (refund->canceled_at != NULL
                                                     ? refund->canceled_at
                                                     : refund->completed_at);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *items = describe_refund_items (self->sale, refund);
      g_autofree char *what = NULL;
      g_autofree char *full = NULL;

      if (items != NULL)
        /* Translators: the items a refund took back, e.g. "Items: 1 × Milk" */
        what = g_strdup_printf (_("Items: %s"), items);
      else
        what = g_strdup (_("An amount, not particular items"));

      /* Translators: a refund: its amount, then its state, e.g. "₩3,000 · Refunded" */
      title = g_strdup_printf (_("%s · %s"), amount, kp_refund_state_label (refund->state));
      switch (refund->state)
        {
        case KP_REFUND_STATE_REFUNDED:
          /* Translators: a completed refund: KakaoPay's aid, when, tax-free part, VAT */
          subtitle = g_strdup_printf (_("AID %s · %s\n%s tax free, %s VAT"),
                                      refund->aid != NULL ? refund->aid : "—", done, tax_free,
                                      vat);
          break;
        case KP_REFUND_STATE_FAILED:
          /* Translators: a refused refund: when it was asked for, then the reason */
          subtitle = g_strdup_printf (_("Asked for %s\n%s"), asked,
                                      refund->detail != NULL ? refund->detail : "");
          break;
        case KP_REFUND_STATE_SENT:
        default:
          self->refund_in_flight = TRUE;
          /* Translators: a refund whose outcome KakaoPay has not told yet */
          subtitle = g_strdup_printf (_("Asked for %s: waiting for KakaoPay"), asked);
          break;
        }
      full = g_strconcat (what, "\n", subtitle, NULL);
      set_row (self->refunds_list, i, title, full, NULL);
    }
  trim_rows (self->refunds_list, refunds->len);
}

static void
show_transitions (KpSaleDetail *self,
                  GPtrArray    *transitions)
{
  for (guint i = 0; i < transitions->len; i++)
    {
      const KpJournalTransition *t = g_ptr_array_index (transitions, i);
      g_autofree char *when = kp_format_date_time (t->at);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (t->from_state == KP_SALE_STATE_NONE)
        title = g_strdup (kp_sale_state_label (t->to_state));
      else
        /* Translators: a state change, from → to */
        title = g_strdup_printf (_("%s → %s"), kp_sale_state_label (t->from_state),
                                 kp_sale_state_label (t->to_state));
      if (t->detail != NULL && *t->detail != '\0')
        {
          g_autofree char *detail = kp_transition_detail_label (t->detail);

          subtitle = g_strdup_printf ("%s · %s", when, detail);
        }
      else
        subtitle = g_steal_pointer (&when);
      set_row (self->transitions_list, i, title, subtitle, NULL);
    }
  trim_rows (self->transitions_list, transitions->len);
}

static const char *
print_kind_label (KpPrintKind kind)
{
  switch (kind)
    {
    case KP_PRINT_KIND_SALE:
      return _("Receipt");
    case KP_PRINT_KIND_REFUND:
      return _("Cancellation receipt");
    case KP_PRINT_KIND_REPRINT:
    default:
      return _("Reprint");
    }
}

/* Every attempt to print the sale's receipts, so that a missing one shows. */
static void
show_receipts (KpSaleDetail *self,
               GPtrArray    *attempts)
{
  for (guint i = 0; i < attempts->len; i++)
    {
      const KpJournalPrintAttempt *attempt = g_ptr_array_index (attempts, i);
      g_autofree char *when = kp_format_date_time (attempt->at);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      if (attempt->printed)
        title = g_strdup (_("Printed"));
      else
        /* Translators: %s is why, e.g. "The printer is out of paper." */
        title = g_strdup_printf (_("Not printed: %s"),
                                 attempt->reason != NULL ? attempt->reason : "");
      /* Translators: what was printed, then when */
      subtitle = g_strdup_printf (_("%s · %s"), print_kind_label (attempt->kind), when);
      set_row (self->receipts_list, i, title, subtitle, NULL);
    }
  trim_rows (self->receipts_list, attempts->len);
  gtk_widget_set_visible (GTK_WIDGET (self->receipts_heading), attempts->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->receipts_list), attempts->len > 0);
}

static void
got_receipts_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (KpSaleDetail) self = user_data;
  g_autoptr (GPtrArray) attempts = NULL;
  g_autoptr (GError) error = NULL;

  attempts = kp_journal_list_print_attempts_finish (KP_JOURNAL (source), result, &error);
  if (attempts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the receipts of a sale: %s", error->message);
      return;
    }
  if (self->sale != NULL)
    show_receipts (self, attempts);
}

static void
load_receipts (KpSaleDetail *self)
{
  if (self->journal == NULL || self->sale == NULL)
    return;
  kp_journal_list_print_attempts_async (self->journal, self->sale->partner_order_id,
                                        self->cancellable, got_receipts_cb,
                                        g_object_ref (self));
}

/* A receipt of the sale on screen printed, or did not. */
static void
on_receipt_printed_cb (KpSaleDetail *self,
                       const char   *partner_order_id)
{
  if (self->sale != NULL && g_strcmp0 (partner_order_id, self->sale->partner_order_id) == 0)
    load_receipts (self);
}

static void
show_sale (KpSaleDetail *self)
{
  const KpJournalSale *sale = self->sale;
  g_autofree char *amount = kp_money_format (sale->total_amount);
  g_autofree char *created = kp_format_date_time (sale->created_at);
  g_autofree char *approved = kp_format_date_time (sale->approved_at);
  g_autofree char *order = NULL;
  g_autofree char *when = NULL;
  g_autofree char *state = NULL;
  g_autofree char *ids = NULL;
  const char *method = kp_payment_method_label (sale->payment_method_type);

  /* Translators: %s is the order number */
  order = g_strdup_printf (_("Order %s"), sale->partner_order_id);
  gtk_label_set_text (self->order_label, order);

  if (sale->approved_at != NULL)
    /* Translators: when the sale was made and approved, then how it was paid */
    when = g_strdup_printf (_("Created %s · approved %s · %s"), created, approved, method);
  else
    /* Translators: when the sale was made */
    when = g_strdup_printf (_("Created %s"), created);
  gtk_label_set_text (self->when_label, when);
  gtk_label_set_text (self->amount_label, amount);

  if (sale->refunded_amount > 0)
    {
      g_autofree char *refunded = kp_money_format (sale->refunded_amount);
      g_autofree char *left = kp_money_format (sale->total_amount - sale->refunded_amount);

      /* Translators: the sale's state, the amount refunded, the amount left */
      state = g_strdup_printf (_("%s · %s refunded · %s left"),
                               kp_sale_state_label (sale->state), refunded, left);
    }
  else
    state = g_strdup (kp_sale_state_label (sale->state));
  gtk_label_set_text (self->state_label, state);

  /* Translators: KakaoPay's payment id and approval id of a sale */
  ids = g_strdup_printf (_("TID %s\nAID %s"), sale->tid != NULL ? sale->tid : "—",
                         sale->aid != NULL ? sale->aid : "—");
  gtk_label_set_text (self->ids_label, ids);

  show_lines (self, NULL);
}

static void
show_error (KpSaleDetail *self,
            const char   *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_loading (KpSaleDetail *self,
             gboolean      loading)
{
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
}

static void
load_failed (KpSaleDetail *self,
             GError       *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_loading (self, FALSE);
  /* Translators: %s is the reason */
  message = g_strdup_printf (_("Could not read the sale from the journal: %s"), error->message);
  show_error (self, message);
}

static void
got_refunds_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpSaleDetail) self = user_data;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) transitions = NULL;
  gboolean changed;

  refunds = kp_journal_list_refunds_finish (KP_JOURNAL (source), result, &error);
  if (refunds == NULL)
    {
      load_failed (self, error);
      return;
    }

  changed = self->sale == NULL || self->sale->state != self->loading_sale->state ||
            self->sale->refunded_amount != self->loading_sale->refunded_amount ||
            g_strcmp0 (self->sale->partner_order_id, self->loading_sale->partner_order_id) != 0;
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  self->sale = g_steal_pointer (&self->loading_sale);
  transitions = g_steal_pointer (&self->loading_transitions);

  set_loading (self, FALSE);
  show_error (self, NULL);
  show_sale (self);
  show_transitions (self, transitions);
  show_refunds (self, refunds);
  show_lines (self, refunds);
  load_receipts (self);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->content_window), TRUE);
  update_actions (self);

  if (changed)
    g_signal_emit (self, signals[SIGNAL_SALE_CHANGED], 0, self->sale);
}

static void
got_transitions_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (KpSaleDetail) self = user_data;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->loading_transitions, g_ptr_array_unref);
  self->loading_transitions = kp_journal_list_transitions_finish (KP_JOURNAL (source), result,
                                                                  &error);
  if (self->loading_transitions == NULL)
    {
      load_failed (self, error);
      return;
    }
  kp_journal_list_refunds_async (self->journal, self->order_id, self->cancellable,
                                 got_refunds_cb, g_object_ref (self));
}

static void
got_sale_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (KpSaleDetail) self = user_data;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->loading_sale, kp_journal_sale_free);
  self->loading_sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (self->loading_sale == NULL)
    {
      load_failed (self, error);
      return;
    }
  kp_journal_list_transitions_async (self->journal, self->order_id, self->cancellable,
                                     got_transitions_cb, g_object_ref (self));
}

static void
on_refunder_resolved_cb (KpRefunder            *refunder,
                         const KpJournalSale   *sale,
                         const KpJournalRefund *refund,
                         KpSaleDetail          *self)
{
  if (self->order_id != NULL && g_strcmp0 (refund->partner_order_id, self->order_id) == 0)
    kp_sale_detail_reload (self);
}

/* The journal and the refunder come with the terminal's checkout: once the journal is
 * open and the KakaoPay services are up. */
static void
on_terminal_checkout_cb (KpSaleDetail *self)
{
  KpRefunder *refunder = kp_terminal_get_refunder (self->terminal);

  if (kp_terminal_get_checkout (self->terminal) == NULL)
    return;
  g_set_object (&self->journal, kp_terminal_get_journal (self->terminal));
  if (g_set_object (&self->refunder, refunder) && refunder != NULL)
    g_signal_connect_object (refunder, "resolved", G_CALLBACK (on_refunder_resolved_cb), self,
                             0);
  update_actions (self);
}

static void
refund_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpSaleDetail *self = KP_SALE_DETAIL (widget);
  KpRefundDialog *dialog;

  if (!is_refundable (self))
    return;

  /* When it ends, the refunder's "resolved" reloads the sale. */
  dialog = kp_refund_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->terminal,
                                 self->order_id);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The window prints: it knows the printer, and shows how it went. */
static void
reprint_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KpSaleDetail *self = KP_SALE_DETAIL (widget);

  if (self->sale == NULL)
    return;
  gtk_widget_activate_action (widget, "win.reprint-receipt", "s",
                              self->sale->partner_order_id);
}

static void
kp_sale_detail_dispose (GObject *object)
{
  KpSaleDetail *self = KP_SALE_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_SALE_DETAIL);
  g_clear_object (&self->journal);
  g_clear_object (&self->refunder);
  g_clear_object (&self->terminal);

  G_OBJECT_CLASS (kp_sale_detail_parent_class)->dispose (object);
}

static void
kp_sale_detail_finalize (GObject *object)
{
  KpSaleDetail *self = KP_SALE_DETAIL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  g_clear_pointer (&self->loading_sale, kp_journal_sale_free);
  g_clear_pointer (&self->loading_transitions, g_ptr_array_unref);
  g_free (self->order_id);

  G_OBJECT_CLASS (kp_sale_detail_parent_class)->finalize (object);
}

static void
kp_sale_detail_class_init (KpSaleDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_sale_detail_dispose;
  object_class->finalize = kp_sale_detail_finalize;

  /**
   * KpSaleDetail::sale-changed:
   * @sale: the sale as now journaled
   *
   * The sale shown was read anew and its state or refunded amount differs.
   */
  signals[SIGNAL_SALE_CHANGED] =
    g_signal_new ("sale-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KP_TYPE_JOURNAL_SALE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-sale-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, content_window);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, error_label);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, ids_label);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, lines_list);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, order_label);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, receipts_heading);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, receipts_list);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, refund_button);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, reprint_button);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, refunds_heading);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, refunds_list);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, spinner);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, state_label);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, transitions_list);
  gtk_widget_class_bind_template_child (widget_class, KpSaleDetail, when_label);

  gtk_widget_class_install_action (widget_class, "detail.refund", NULL, refund_action);
  gtk_widget_class_install_action (widget_class, "detail.reprint", NULL, reprint_action);
}

static void
kp_sale_detail_init (KpSaleDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  set_loading (self, FALSE);
  update_actions (self);
}

/**
 * kp_sale_detail_set_terminal:
 * @terminal: the terminal whose journal the sales are read from, and whose refunder
 *   refunds them
 *
 * Sales are shown, and refunded, once the terminal can take sales.
 */
void
kp_sale_detail_set_terminal (KpSaleDetail *self,
                             KpTerminal   *terminal)
{
  g_return_if_fail (KP_IS_SALE_DETAIL (self));
  g_return_if_fail (KP_IS_TERMINAL (terminal));
  g_return_if_fail (self->terminal == NULL);

  self->terminal = g_object_ref (terminal);
  g_signal_connect_object (terminal, "notify::checkout", G_CALLBACK (on_terminal_checkout_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "receipt-printed", G_CALLBACK (on_receipt_printed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "receipt-failed", G_CALLBACK (on_receipt_printed_cb),
                           self, G_CONNECT_SWAPPED);
  on_terminal_checkout_cb (self);
}

/**
 * kp_sale_detail_show_sale:
 * @partner_order_id: (nullable): the sale to show, or %NULL for none
 */
void
kp_sale_detail_show_sale (KpSaleDetail *self,
                          const char   *partner_order_id)
{
  g_return_if_fail (KP_IS_SALE_DETAIL (self));

  if (g_strcmp0 (partner_order_id, self->order_id) == 0)
    return;

  g_free (self->order_id);
  self->order_id = g_strdup (partner_order_id);
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  if (partner_order_id == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      set_loading (self, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->content_window), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->empty_page), TRUE);
      update_actions (self);
      return;
    }
  kp_sale_detail_reload (self);
}

/**
 * kp_sale_detail_reload:
 *
 * Reads the sale shown again.
 */
void
kp_sale_detail_reload (KpSaleDetail *self)
{
  g_return_if_fail (KP_IS_SALE_DETAIL (self));

  if (self->order_id == NULL || self->journal == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  kp_journal_get_sale_async (self->journal, self->order_id, self->cancellable, got_sale_cb,
                             g_object_ref (self));
}

/**
 * kp_sale_detail_get_order_id:
 *
 * Returns: (nullable): the partner_order_id of the sale shown
 */
const char *
kp_sale_detail_get_order_id (KpSaleDetail *self)
{
  g_return_val_if_fail (KP_IS_SALE_DETAIL (self), NULL);

  return self->order_id;
}

/**
 * kp_sale_detail_get_sale:
 *
 * Returns: (nullable): the sale shown, once read
 */
const KpJournalSale *
kp_sale_detail_get_sale (KpSaleDetail *self)
{
  g_return_val_if_fail (KP_IS_SALE_DETAIL (self), NULL);

  return self->sale;
}

/**
 * kp_sale_detail_focus_refund:
 *
 * Moves the focus to "Refund…" if the sale can be refunded.
 *
 * Returns: whether it did
 */
gboolean
kp_sale_detail_focus_refund (KpSaleDetail *self)
{
  g_return_val_if_fail (KP_IS_SALE_DETAIL (self), FALSE);

  if (!is_refundable (self))
    return FALSE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->refund_button));
}
