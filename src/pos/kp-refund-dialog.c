/* kp-refund-dialog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-refund-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-labels.h"
#include "kp-money.h"
#include "kp-particle.h"
#include "kp-present.h"
#include "kp-refund-dialog.h"
#include "kp-refund-plan.h"
#include "kp-sale-format.h"


/* Refunding a completed sale: all that is left, an amount, or whole items. The split
 * (tax-free part, VAT part, what is left after) is shown as the cashier types, and
 * again in a confirmation; then the refunder journals the refund and asks KakaoPay.
 * A refusal is shown here with the cashier's choice still in place.
 *
 * A refund is never what Enter does by default: the amount starts empty, and the
 * confirmation's default is Cancel. */

struct _KpRefundDialog
{
  AdwWindow       parent_instance;

  /* Template children */
  GtkCheckButton *amount_check;
  GtkEntry       *amount_entry;
  GtkLabel       *back_label;
  GtkBox         *busy_box;
  GtkLabel       *busy_label;
  GtkSpinner     *busy_spinner;
  GtkButton      *cancel_button;
  GtkLabel       *error_label;
  GtkBox         *form_box;
  GtkCheckButton *full_check;
  GtkLabel       *heading_label;
  GtkLabel       *left_label;
  GtkCheckButton *lines_check;
  GtkListBox     *lines_list;
  GtkLabel       *plan_amount_label;
  GtkLabel       *plan_left_label;
  GtkLabel       *plan_tax_free_label;
  GtkLabel       *plan_vat_label;
  GtkButton      *refund_button;
  GtkLabel       *test_mode_banner;
  AdwWindowTitle *window_title;

  /* Owned */
  KpJournal      *journal;
  KpRefunder     *refunder;
  char           *order_id;
  KpJournalSale  *sale;
  GPtrArray      *refunds;
  gint64         *lines_left;
  gint64         *quantities;
  GPtrArray      *spins;
  GCancellable   *cancellable;
  KpRefundPlan    pending;
  char           *pending_lines;
  KpRefundLeft    left;
  guint           slow_id;
  gboolean        loaded;
  gboolean        refundable;
  gboolean        busy;
  gboolean        refused;
};

G_DEFINE_FINAL_TYPE (KpRefundDialog, kp_refund_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_REFUNDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (KpRefundDialog *self);

/* What the refund means for the customer, in words. */
static char *
describe_going_back (gint64 amount)
{
  g_autofree char *money = kp_money_format (amount);

  /* Translators: %s is the amount the refund gives back, e.g. ₩4,500. A Korean
   * particle after it may be written in both forms, 이(가): the right one is picked. */
  return kp_particle_printf (_("%s goes back to the customer’s KakaoPay."), money);
}

/* The cashier has not typed an amount, or chosen any item, yet. */
static gboolean
nothing_chosen (KpRefundDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->amount_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (gtk_check_button_get_active (self->lines_check))
    {
      for (guint i = 0; self->quantities != NULL && self->sale != NULL &&
                        self->sale->lines != NULL && i < self->sale->lines->len; i++)
        if (self->quantities[i] > 0)
          return FALSE;
      return TRUE;
    }
  return gtk_check_button_get_active (self->amount_check) && *stripped == '\0';
}

static gboolean
compute_plan (KpRefundDialog  *self,
              KpRefundPlan    *plan,
              GError         **error)
{
  gint64 amount = 0;

  if (gtk_check_button_get_active (self->full_check))
    return kp_refund_plan_by_amount (&self->left, self->left.total, plan, error);

  if (gtk_check_button_get_active (self->lines_check))
    return kp_refund_plan_by_lines (&self->left, self->sale, self->quantities, plan, error);

  if (!kp_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry)), &amount,
                       NULL))
    {
      g_set_error_literal (error, KP_REFUND_PLAN_ERROR, KP_REFUND_PLAN_ERROR_NOTHING,
                           _("Enter the amount to refund as a number, e.g. 3,000."));
      return FALSE;
    }
  return kp_refund_plan_by_amount (&self->left, amount, plan, error);
}

static void
update_sensitivity (KpRefundDialog *self)
{
  gboolean editable = self->loaded && self->refundable && !self->busy;

  gtk_widget_set_sensitive (GTK_WIDGET (self->form_box), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->amount_entry),
                            editable && gtk_check_button_get_active (self->amount_check));
  gtk_widget_set_sensitive (GTK_WIDGET (self->lines_list),
                            editable && gtk_check_button_get_active (self->lines_check));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "refund.confirm", editable);
}

static void
update_plan (KpRefundDialog *self)
{
  g_autoptr (GError) error = NULL;
  KpRefundPlan plan = { 0 };
  g_autofree char *back = NULL;

  if (!self->loaded || !self->refundable)
    return;

  if (!compute_plan (self, &plan, &error))
    {
      gtk_label_set_text (self->plan_amount_label, "—");
      gtk_label_set_text (self->plan_tax_free_label, "—");
      gtk_label_set_text (self->plan_vat_label, "—");
      gtk_label_set_text (self->plan_left_label, "—");
      gtk_widget_set_visible (GTK_WIDGET (self->back_label), FALSE);
      /* Nothing typed or chosen yet is not a mistake: the hint comes if Enter is
       * pressed. */
      if (!self->busy && !nothing_chosen (self))
        kp_label_show_text (self->error_label, error->message);
      else if (!self->busy && !self->refused)
        kp_label_show_text (self->error_label, NULL);
      return;
    }

  back = describe_going_back (plan.amount);
  gtk_label_set_text (self->back_label, back);
  gtk_widget_set_visible (GTK_WIDGET (self->back_label), TRUE);
  kp_label_set_money (self->plan_amount_label, plan.amount);
  kp_label_set_money (self->plan_tax_free_label, plan.tax_free);
  kp_label_set_money (self->plan_vat_label, plan.vat);
  kp_label_set_money (self->plan_left_label, plan.left.total);
  /* A refusal stays on screen until the cashier changes the refund. */
  if (!self->busy && !self->refused)
    kp_label_show_text (self->error_label, NULL);
}

static void
on_input_changed (KpRefundDialog *self)
{
  self->refused = FALSE;
  update_plan (self);
}

static void
on_mode_toggled_cb (KpRefundDialog *self,
                    GtkCheckButton *button)
{
  if (!gtk_check_button_get_active (button))
    return;

  /* The focus moves to the mode's field before the others turn insensitive: a focused
   * entry that turns insensitive under the cursor confuses GTK. */
  if (self->loaded && self->refundable)
    {
      if (button == self->amount_check)
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->amount_entry), TRUE);
          gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
        }
      else if (button == self->lines_check && self->spins != NULL && self->spins->len > 0)
        {
          gtk_widget_set_sensitive (GTK_WIDGET (self->lines_list), TRUE);
          gtk_widget_grab_focus (g_ptr_array_index (self->spins, 0));
        }
      else
        gtk_widget_grab_focus (GTK_WIDGET (button));
    }
  update_sensitivity (self);
  on_input_changed (self);
}

static void
on_amount_changed_cb (KpRefundDialog *self)
{
  on_input_changed (self);
}

static void
on_amount_activate_cb (KpRefundDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "refund.confirm", NULL);
}

static void
on_spin_changed_cb (GtkSpinButton  *spin,
                    KpRefundDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (spin), "kp-line"));

  self->quantities[index] = gtk_spin_button_get_value_as_int (spin);
  on_input_changed (self);
}

static void
fill_lines (KpRefundDialog *self)
{
  guint n = self->sale->lines != NULL ? self->sale->lines->len : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lines_list))) != NULL)
    gtk_list_box_remove (self->lines_list, child);
  g_clear_pointer (&self->spins, g_ptr_array_unref);
  self->spins = g_ptr_array_new ();

  g_clear_pointer (&self->lines_left, g_free);
  self->lines_left = kp_refund_lines_left (self->sale, self->refunds);
  if (self->quantities == NULL)
    self->quantities = g_new0 (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const KpJournalLine *line = g_ptr_array_index (self->sale->lines, i);
      g_autofree char *price = kp_money_format (line->unit_price);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *spin = gtk_spin_button_new_with_range (0, (double) self->lines_left[i], 1);

      self->quantities[i] = CLAMP (self->quantities[i], 0, self->lines_left[i]);
      if (line->tax_free)
        /* Translators: a sale's line: quantity × unit price, tax free; then how many can
         * still be refunded */
        subtitle = g_strdup_printf (_("%d × %s, tax free · %d left to refund"),
                                    (int) line->quantity, price, (int) self->lines_left[i]);
      else
        /* Translators: a sale's line: quantity × unit price; then how many can still be
         * refunded */
        subtitle = g_strdup_printf (_("%d × %s · %d left to refund"),
                                    (int) line->quantity, price, (int) self->lines_left[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), (double) self->quantities[i]);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      line->name, -1);
      g_object_set_data (G_OBJECT (spin), "kp-line", GUINT_TO_POINTER (i));
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      g_ptr_array_add (self->spins, spin);
      gtk_list_box_append (self->lines_list, row);
    }
}

static void
populate (KpRefundDialog *self)
{
  g_autofree char *total = kp_money_format (self->sale->total_amount);
  g_autofree char *refunded = kp_money_format (self->sale->refunded_amount);
  g_autofree char *heading = NULL;
  g_autofree char *left_text = NULL;
  g_autofree char *left_total = NULL;
  g_autofree char *left_tax_free = NULL;
  g_autofree char *left_vat = NULL;
  gboolean first = !self->loaded;

  kp_refund_left_of_sale (self->sale, self->refunds, &self->left);
  left_total = kp_money_format (self->left.total);
  left_tax_free = kp_money_format (self->left.tax_free);
  left_vat = kp_money_format (self->left.vat);

  /* Translators: the order number, then the sale's total */
  heading = g_strdup_printf (_("Order %s · %s"), self->sale->partner_order_id, total);
  gtk_label_set_text (self->heading_label, heading);
  adw_window_title_set_subtitle (self->window_title, self->sale->item_name);
  /* Translators: paid amount, refunded amount, left amount, its tax-free part, its VAT */
  left_text = g_strdup_printf (_("Paid %s, refunded %s: %s left to refund (%s tax free, %s "
                                 "VAT)."), total, refunded, left_total, left_tax_free, left_vat);
  gtk_label_set_text (self->left_label, left_text);

  fill_lines (self);

  self->loaded = TRUE;
  self->refundable = (self->sale->state == KP_SALE_STATE_APPROVED ||
                      self->sale->state == KP_SALE_STATE_PARTIALLY_REFUNDED) &&
                     self->left.total > 0;

  /* The amount starts empty: the cashier types what goes back. */
  if (first)
    gtk_check_button_set_active (self->amount_check, TRUE);

  update_sensitivity (self);
  update_plan (self);

  if (!self->refundable)
    {
      g_autofree char *message = NULL;

      if (self->left.total == 0)
        message = g_strdup (_("Nothing is left to refund of this sale."));
      else
        /* Translators: %s is the sale's state, e.g. "Expired" */
        message = g_strdup_printf (_("This sale cannot be refunded: it is “%s”."),
                                   kp_sale_state_label (self->sale->state));
      kp_label_show_text (self->error_label, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
    }
  else if (first)
    gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
}

static void
got_refunds_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (KpRefundDialog) self = user_data;
  g_autoptr (GPtrArray) refunds = NULL;
  g_autoptr (GError) error = NULL;

  refunds = kp_journal_list_refunds_finish (KP_JOURNAL (source), result, &error);
  if (refunds == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = kp_refunder_error_message (error);

          kp_label_show_text (self->error_label, message);
        }
      return;
    }
  g_clear_pointer (&self->refunds, g_ptr_array_unref);
  self->refunds = g_steal_pointer (&refunds);
  populate (self);
}

static void
got_sale_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (KpRefundDialog) self = user_data;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;

  sale = kp_journal_get_sale_finish (KP_JOURNAL (source), result, &error);
  if (sale == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = kp_refunder_error_message (error);

          kp_label_show_text (self->error_label, message);
        }
      return;
    }
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  self->sale = g_steal_pointer (&sale);
  kp_journal_list_refunds_async (self->journal, self->order_id, self->cancellable,
                                 got_refunds_cb, g_object_ref (self));
}

static void
load (KpRefundDialog *self)
{
  kp_journal_get_sale_async (self->journal, self->order_id, self->cancellable, got_sale_cb,
                             g_object_ref (self));
}

/* Refunding */

static void
set_busy (KpRefundDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->busy_box), busy);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  if (!busy)
    g_clear_handle_id (&self->slow_id, g_source_remove);
  update_sensitivity (self);
}

static gboolean
slow_cb (gpointer user_data)
{
  KpRefundDialog *self = user_data;

  self->slow_id = 0;
  gtk_label_set_text (self->busy_label,
                      _("KakaoPay has not answered yet. The refund is in the journal and is "
                        "checked until KakaoPay answers: you may close this window."));
  return G_SOURCE_REMOVE;
}

static void
refund_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (KpRefundDialog) self = user_data;
  g_autoptr (KpJournalSale) sale = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  sale = kp_refunder_refund_finish (KP_REFUNDER (source), result, &error);
  set_busy (self, FALSE);

  if (sale != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_REFUNDED], 0, sale);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("refund of %s refused: %s", self->order_id, error->message);
  message = kp_refunder_error_message (error);
  self->refused = TRUE;
  kp_label_show_text (self->error_label, message);
  /* Back to the cashier's choice, so Enter tries again (the focus was on Cancel). */
  if (gtk_check_button_get_active (self->amount_check))
    gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
  else if (gtk_check_button_get_active (self->lines_check) && self->spins != NULL &&
           self->spins->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->spins, 0));
  /* What is left may have changed (another terminal): read it again; the cashier's
   * choice stays as it is. */
  load (self);
}

static void
start_refund (KpRefundDialog *self)
{
  g_autofree char *amount = kp_money_format (self->pending.amount);
  g_autofree char *text = NULL;

  kp_label_show_text (self->error_label, NULL);
  /* Translators: %s is an amount of money */
  text = g_strdup_printf (_("Refunding %s with KakaoPay…"), amount);
  gtk_label_set_text (self->busy_label, text);
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  set_busy (self, TRUE);
  self->slow_id = g_timeout_add_seconds (8, slow_cb, self);

  kp_refunder_refund_async (self->refunder, self->order_id, self->pending.amount,
                            self->pending.tax_free, self->pending_lines, NULL, refund_cb,
                            g_object_ref (self));
}


static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        KpRefundDialog   *self)
{
  if (g_strcmp0 (response, "refund") == 0 && !self->busy)
    start_refund (self);
}

static void
add_summary_row (GtkGrid    *grid,
                 int         row,
                 const char *title,
                 gint64      amount)
{
  g_autofree char *money = kp_money_format (amount);
  GtkWidget *name = gtk_label_new (title);
  GtkWidget *value = gtk_label_new (money);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_add_css_class (value, "numeric");
  gtk_grid_attach (grid, name, 0, row, 1, 1);
  gtk_grid_attach (grid, value, 1, row, 1, 1);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KpRefundDialog *self = KP_REFUND_DIALOG (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *back = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *grid;

  if (self->busy || !self->loaded || !self->refundable)
    return;

  if (!compute_plan (self, &self->pending, &error))
    {
      kp_label_show_text (self->error_label, error->message);
      if (gtk_check_button_get_active (self->amount_check))
        gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      gtk_widget_error_bell (widget);
      return;
    }
  g_clear_pointer (&self->pending_lines, g_free);
  if (gtk_check_button_get_active (self->lines_check))
    self->pending_lines = kp_refund_lines_to_json (self->sale, self->quantities);

  amount = kp_money_format (self->pending.amount);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  /* Translators: %s is the amount to refund */
  adw_message_dialog_format_heading (dialog, _("Refund %s?"), amount);
  back = describe_going_back (self->pending.amount);
  /* Translators: first what goes back to the customer (a sentence), then the order
   * number */
  adw_message_dialog_format_body (dialog, _("%s Order %s. This cannot be undone."), back,
                                  self->order_id);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  add_summary_row (GTK_GRID (grid), 0, _("Refund"), self->pending.amount);
  add_summary_row (GTK_GRID (grid), 1, _("Tax-free part"), self->pending.tax_free);
  add_summary_row (GTK_GRID (grid), 2, _("VAT part"), self->pending.vat);
  add_summary_row (GTK_GRID (grid), 3, _("Left after the refund"), self->pending.left.total);
  adw_message_dialog_set_extra_child (dialog, grid);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "refund", _("_Refund"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "refund", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter out of habit cancels: the refund is chosen deliberately. */
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
kp_refund_dialog_unmap (GtkWidget *widget)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  GTK_WIDGET_CLASS (kp_refund_dialog_parent_class)->unmap (widget);
  if (parent != NULL)
    kp_present_now (parent);
}

static void
kp_refund_dialog_dispose (GObject *object)
{
  KpRefundDialog *self = KP_REFUND_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->slow_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_REFUND_DIALOG);
  g_clear_object (&self->journal);
  g_clear_object (&self->refunder);
  g_clear_pointer (&self->spins, g_ptr_array_unref);

  G_OBJECT_CLASS (kp_refund_dialog_parent_class)->dispose (object);
}

static void
kp_refund_dialog_finalize (GObject *object)
{
  KpRefundDialog *self = KP_REFUND_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sale, kp_journal_sale_free);
  g_clear_pointer (&self->refunds, g_ptr_array_unref);
  g_free (self->order_id);
  g_free (self->lines_left);
  g_free (self->quantities);
  g_free (self->pending_lines);

  G_OBJECT_CLASS (kp_refund_dialog_parent_class)->finalize (object);
}

static void
kp_refund_dialog_class_init (KpRefundDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_refund_dialog_dispose;
  object_class->finalize = kp_refund_dialog_finalize;
  widget_class->unmap = kp_refund_dialog_unmap;

  /**
   * KpRefundDialog::refunded:
   * @sale: the sale as journaled after the refund
   *
   * KakaoPay refunded; the dialog closes.
   */
  signals[SIGNAL_REFUNDED] =
    g_signal_new ("refunded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, KP_TYPE_JOURNAL_SALE | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-refund-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, amount_check);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, back_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, busy_box);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, busy_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, form_box);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, full_check);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, left_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, lines_check);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, lines_list);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, plan_amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, plan_left_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, plan_tax_free_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, plan_vat_label);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, refund_button);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, test_mode_banner);
  gtk_widget_class_bind_template_child (widget_class, KpRefundDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_amount_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_amount_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled_cb);

  gtk_widget_class_install_action (widget_class, "refund.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kp_refund_dialog_init (KpRefundDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_sensitivity (self);
}

/**
 * kp_refund_dialog_new:
 * @parent: the window it belongs to
 * @terminal: the terminal, its refunder ready
 * @partner_order_id: the sale to refund
 *
 * Returns: (transfer none): the dialog, reading the sale; present it
 */
KpRefundDialog *
kp_refund_dialog_new (GtkWindow  *parent,
                      KpTerminal *terminal,
                      const char *partner_order_id)
{
  KpRefundDialog *self;

  g_return_val_if_fail (KP_IS_TERMINAL (terminal), NULL);
  g_return_val_if_fail (KP_IS_REFUNDER (kp_terminal_get_refunder (terminal)), NULL);
  g_return_val_if_fail (partner_order_id != NULL, NULL);

  self = g_object_new (KP_TYPE_REFUND_DIALOG, "transient-for", parent, NULL);
  self->journal = g_object_ref (kp_terminal_get_journal (terminal));
  self->refunder = g_object_ref (kp_terminal_get_refunder (terminal));
  /* A refund in test mode moves no money either: said under the header bar. */
  gtk_widget_set_visible (GTK_WIDGET (self->test_mode_banner),
                          kp_terminal_is_test_mode (terminal));
  self->order_id = g_strdup (partner_order_id);
  adw_window_title_set_subtitle (self->window_title, partner_order_id);
  load (self);
  return self;
}
