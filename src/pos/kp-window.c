/* kp-window.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kp-bench.h"
#include "kp-cart-line.h"
#include "kp-checkout.h"
#include "kp-error.h"
#include "kp-history-view.h"
#include "kp-money.h"
#ifdef HAVE_WEBKIT
#include "kp-payment-page.h"
#endif
#include "kp-qr-paintable.h"
#include "kp-refund-dialog.h"
#include "kp-resources.h"
#include "kp-sale-format.h"
#include "kp-present.h"
#include "kp-window.h"

/* A ready answered within this shows no spinner at all. */
#define CHARGE_SPINNER_DELAY_MS 300

/* For this long after the QR appears, and while KakaoPay says nobody has opened the
 * payment yet, the customer cannot have paid: Escape cancels at once. Later, the status
 * poller may simply not have heard of the customer yet, so the cashier confirms. */
#define CANCEL_GRACE_US (5 * G_USEC_PER_SEC)

/* A quantity this large is more likely a price typed into the wrong field: the
 * cashier confirms it before the line is added. */
#define PRICE_LIKE_QUANTITY 100

struct _KpWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  GtkButton            *add_button;
  GtkLabel             *countdown_label;
  GtkButton            *charge_button;
  GtkBox               *checkout_box;
  GtkBox               *customer_qr_box;
  GtkLabel             *charge_label;
  GtkSpinner           *charge_spinner;
  GtkLabel             *checkout_amount_label;
  GtkLabel             *checkout_summary_label;
  GtkLabel             *done_amount_label;
  GtkLabel             *done_details_label;
  GtkGrid              *done_items_grid;
  GtkLabel             *done_method_label;
  GtkLabel             *done_time_label;
  AdwStatusPage        *done_page;
  GtkLabel             *entry_error_label;
  GtkEntry             *amount_entry;
  GtkBox               *history_page;
  GtkEntry             *item_entry;
  GtkColumnView        *lines_view;
  GtkLabel             *message_label;
  GtkExpander          *message_details;
  GtkLabel             *message_details_label;
  GtkButton            *new_sale_button;
  GtkButton            *refund_sale_button;
  GtkLabel             *relay_status_label;
  GtkLinkButton        *payment_link;
  GtkPicture           *qr_picture;
  GtkEntry             *quantity_entry;
  GtkLabel             *scan_label;
  GtkLabel             *setup_error_label;
  GtkImage             *small_qr_image;
  GtkStack             *stack;
  GtkLabel             *status_label;
  GtkBox               *recovery_box;
  GtkLabel             *recovery_label;
  GtkSpinner           *recovery_spinner;
  GtkLabel             *supply_label;
  GtkCheckButton       *tax_free_check;
  GtkLabel             *tax_free_label;
  GtkLabel             *test_mode_banner;
  GtkLabel             *live_label;
  AdwToastOverlay      *toast_overlay;
  AdwToastOverlay      *cart_toast_overlay;
  GtkLabel             *total_label;
  GtkLabel             *vat_label;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *view_switcher_title;

  /* Owned */
  GtkWindow            *shortcuts_window;   /* built when first asked for */
  KpCart               *cart;
  GtkSingleSelection   *selection;
  KpQrPaintable        *qr;
  GDateTime            *expires_at;
  guint                 countdown_id;
  guint                 charge_spinner_id;
  gulong                bench_clock_id;
  gboolean              first_frame_reported;
  gboolean              qr_paint_pending;
  char                 *done_order_id;
  char                 *retry_order_id;     /* the attempt that could not start, if any */
  char                 *done_details;
  KpCartLine           *removed_line;       /* the last line removed, for Undo */
  guint                 removed_position;
  gint64                qr_shown_us;        /* monotonic; 0 while no QR is shown */
  KpStatus              payment_status;     /* the last one KakaoPay reported */

  /* Borrowed */
  AdwMessageDialog     *cancel_dialog;      /* weak: the confirmation, while it is open */
  AdwToast             *undo_toast;         /* weak: "Undo" for the line just removed */
  AdwMessageDialog     *quit_dialog;        /* weak: the question before quitting */
  KpHistoryView        *history_view;       /* history_page's, once it is first shown */
  KpApplication        *application;
  KpCheckout           *checkout;
  GtkWidget            *payment_page;       /* in checkout_box while it is shown */
};

G_DEFINE_FINAL_TYPE (KpWindow, kp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
focus_item_entry (KpWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->item_entry));
}

static void
show_entry_error (KpWindow     *self,
                  const char   *message,
                  GtkWidget    *field)
{
  gtk_label_set_text (self->entry_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->entry_error_label), message != NULL);
  if (field != NULL)
    gtk_widget_grab_focus (field);
}

/* @details: (nullable): the system's or KakaoPay's own words, kept behind "Details" */
static void
show_message_with_details (KpWindow   *self,
                           const char *message,
                           const char *details)
{
  gboolean has_details = message != NULL && details != NULL && *details != '\0';

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  gtk_label_set_text (self->message_details_label, has_details ? details : "");
  gtk_expander_set_expanded (self->message_details, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->message_details), has_details);
}

static void
show_message (KpWindow   *self,
              const char *message)
{
  show_message_with_details (self, message, NULL);
}

static gboolean is_sale_view (KpWindow *self);

/* Where a message pops up: over the cart while the cart is on screen, so that it never
 * covers the Charge button beside it; over the whole view otherwise. */
static void
add_toast (KpWindow *self,
           AdwToast *t)
{
  gboolean on_cart = is_sale_view (self) &&
                     g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "cart") == 0;

  adw_toast_overlay_add_toast (on_cart ? self->cart_toast_overlay : self->toast_overlay, t);
}

static void
toast (KpWindow   *self,
       const char *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 4);
  add_toast (self, t);
}

static void
set_money_label (GtkLabel *label,
                 gint64    amount)
{
  g_autofree char *text = kp_money_format (amount);

  gtk_label_set_text (label, text);
}

static gboolean
is_sale_view (KpWindow *self)
{
  return self->view_stack == NULL ||
         g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "sale") == 0;
}

static void
update_actions (KpWindow *self)
{
  KpCheckoutStage stage = self->checkout != NULL ? kp_checkout_get_stage (self->checkout)
                                                 : KP_CHECKOUT_STAGE_IDLE;
  gboolean idle = stage == KP_CHECKOUT_STAGE_IDLE;
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  /* The sale view's keys (Ctrl+Enter, Escape, Enter) act only while it is on screen. */
  gboolean on_sale = is_sale_view (self);
  gboolean on_cart = on_sale && g_strcmp0 (page, "cart") == 0;
  gboolean on_done = on_sale && g_strcmp0 (page, "done") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.charge",
                                 self->checkout != NULL && idle && on_cart &&
                                 kp_cart_get_n_lines (self->cart) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-line", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-line", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo-remove",
                                 idle && on_cart && self->removed_line != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-previous", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.select-next", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.line-more", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.line-less", idle && on_cart);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-payment",
                                 on_sale && (stage == KP_CHECKOUT_STAGE_STARTING ||
                                             stage == KP_CHECKOUT_STAGE_WAITING));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-sale", on_done);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refund-sale",
                                 on_done && self->done_order_id != NULL &&
                                 kp_application_get_refunder (self->application) != NULL);
}

static void
update_totals (KpWindow *self)
{
  g_autofree char *total = kp_money_format (kp_cart_get_total (self->cart));
  g_autofree char *charge = NULL;

  gtk_label_set_text (self->total_label, total);
  set_money_label (self->vat_label, kp_cart_get_vat (self->cart));
  set_money_label (self->tax_free_label, kp_cart_get_tax_free (self->cart));
  set_money_label (self->supply_label, kp_cart_get_supply (self->cart));
  /* Translators: the Charge button; %s is the total, e.g. ₩12,300 */
  charge = g_strdup_printf (_("Charge %s"), total);
  gtk_label_set_text (self->charge_label, charge);
  update_actions (self);
}

static void
on_cart_changed_cb (KpWindow *self)
{
  /* An emptied cart is the next customer's, not another attempt. */
  if (kp_cart_get_n_lines (self->cart) == 0)
    g_clear_pointer (&self->retry_order_id, g_free);
  update_totals (self);
}

/* Cart columns */

static char *
money_or_empty (gpointer unused,
                gint64   amount)
{
  return kp_money_format (amount);
}

static char *
plain_amount (gpointer unused,
              gint64   amount)
{
  return kp_money_format_plain (amount);
}

static char *
plain_number (gpointer unused,
              gint64   number)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, number);
}

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (user_data) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

/* Stops the binding and drops the reference bind_expression () keeps: unwatching alone
 * releases only the binding's own reference. */
static void
release_watch (GtkExpressionWatch *watch)
{
  gtk_expression_watch_unwatch (watch);
  gtk_expression_watch_unref (watch);
}

static void
bind_expression (GtkListItem   *item,
                 GtkWidget     *widget,
                 const char    *widget_property,
                 const char    *line_property,
                 GCallback      transform)
{
  GtkExpression *expression;
  GtkExpressionWatch *watch;

  expression = gtk_property_expression_new (KP_TYPE_CART_LINE, NULL, line_property);
  if (transform != NULL)
    expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &expression, transform,
                                              NULL, NULL);
  watch = gtk_expression_bind (expression, widget, widget_property,
                               gtk_list_item_get_item (item));
  g_object_set_data_full (G_OBJECT (item), "kp-watch", gtk_expression_watch_ref (watch),
                          (GDestroyNotify) release_watch);
}

/* The item's name, and a "Tax-free" tag on the lines without VAT. */
static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *tag = gtk_label_new (_("Tax-free"));

  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (tag, FALSE);
  gtk_widget_add_css_class (tag, "kp-tax-free-tag");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), tag);
  gtk_list_item_set_child (item, box);
}

static void
bind_name_tag_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkExpression *expression;
  GtkExpressionWatch *watch;

  bind_expression (item, gtk_widget_get_first_child (box), "label", "name", NULL);
  expression = gtk_property_expression_new (KP_TYPE_CART_LINE, NULL, "tax-free");
  watch = gtk_expression_bind (expression, gtk_widget_get_last_child (box), "visible",
                               gtk_list_item_get_item (item));
  g_object_set_data_full (G_OBJECT (item), "kp-watch-tag", gtk_expression_watch_ref (watch),
                          (GDestroyNotify) release_watch);
}

static void
bind_amount_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "label", "amount",
                   G_CALLBACK (money_or_empty));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  g_object_set_data (G_OBJECT (item), "kp-watch", NULL);
  g_object_set_data (G_OBJECT (item), "kp-watch-tag", NULL);
}

/* Quantity and unit price are edited in place; a refused value puts the old one back.
 * The edit is applied from an idle callback, once the cell has finished its own
 * editing and focus handling. */
typedef struct
{
  KpWindow         *self;
  GtkEditableLabel *label;
  GtkListItem      *item;
} CellEdit;

static gboolean
apply_cell_edit_cb (gpointer user_data)
{
  CellEdit *edit = user_data;
  KpWindow *self = edit->self;
  const char *field = g_object_get_data (G_OBJECT (edit->label), "kp-field");
  KpCartLine *line = gtk_list_item_get_item (edit->item);
  guint position = gtk_list_item_get_position (edit->item);
  g_autoptr (GError) error = NULL;
  gint64 value = 0;
  gboolean ok;

  if (line == NULL || position == GTK_INVALID_LIST_POSITION)
    goto out;

  if (g_str_equal (field, "quantity"))
    ok = kp_cart_parse_quantity (gtk_editable_get_text (GTK_EDITABLE (edit->label)), &value,
                                 &error) &&
         kp_cart_set_line_quantity (self->cart, position, value, &error);
  else
    ok = kp_cart_parse_amount (gtk_editable_get_text (GTK_EDITABLE (edit->label)), &value,
                               &error) &&
         kp_cart_set_line_unit_price (self->cart, position, value, &error);

  if (!ok)
    {
      g_autofree char *old = g_str_equal (field, "quantity")
                               ? plain_number (NULL, kp_cart_line_get_quantity (line))
                               : plain_amount (NULL, kp_cart_line_get_unit_price (line));

      gtk_editable_set_text (GTK_EDITABLE (edit->label), old);
      show_entry_error (self, error->message, NULL);
    }
  else
    {
      show_entry_error (self, NULL, NULL);
      focus_item_entry (self);
    }

out:
  g_object_unref (edit->item);
  g_object_unref (edit->label);
  g_object_unref (edit->self);
  g_free (edit);
  return G_SOURCE_REMOVE;
}

static void
on_cell_editing_cb (GtkEditableLabel *label,
                    GParamSpec       *pspec,
                    GtkListItem      *item)
{
  CellEdit *edit;

  if (gtk_editable_label_get_editing (label))
    return;

  edit = g_new0 (CellEdit, 1);
  edit->self = g_object_ref (g_object_get_data (G_OBJECT (label), "kp-window"));
  edit->label = g_object_ref (label);
  edit->item = g_object_ref (item);
  g_idle_add (apply_cell_edit_cb, edit);
}

/* The line the cashier moved onto is the one the cart's keys act on. */
static void
on_cell_focus_enter_cb (GtkEventControllerFocus *controller,
                        GtkListItem             *item)
{
  GtkWidget *label = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  KpWindow *self = g_object_get_data (G_OBJECT (label), "kp-window");
  guint position = gtk_list_item_get_position (item);

  if (position != GTK_INVALID_LIST_POSITION &&
      position != gtk_single_selection_get_selected (self->selection))
    gtk_single_selection_set_selected (self->selection, position);
}

static void
setup_editable_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_editable_label_new ("");
  KpWindow *self = g_object_get_data (G_OBJECT (factory), "kp-window");
  GtkEventController *focus;

  gtk_editable_set_alignment (GTK_EDITABLE (label), 1.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  g_str_equal (user_data, "quantity") ? _("Quantity")
                                                                      : _("Unit price"),
                                  -1);
  g_object_set_data (G_OBJECT (label), "kp-window", self);
  g_object_set_data (G_OBJECT (label), "kp-field", user_data);
  g_signal_connect (label, "notify::editing", G_CALLBACK (on_cell_editing_cb), item);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (on_cell_focus_enter_cb), item);
  gtk_widget_add_controller (label, focus);
  gtk_list_item_set_child (item, label);
}

static void
bind_quantity_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "text", "quantity",
                   G_CALLBACK (plain_number));
}

static void
bind_unit_price_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  bind_expression (item, gtk_list_item_get_child (item), "text", "unit-price",
                   G_CALLBACK (plain_amount));
}

static void
add_column (KpWindow   *self,
            const char *title,
            GCallback   setup,
            gpointer    setup_data,
            GCallback   bind,
            gboolean    expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "kp-window", self);
  g_signal_connect (factory, "setup", setup, setup_data);
  g_signal_connect (factory, "bind", bind, NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_append_column (self->lines_view, column);
  g_object_unref (column);
}

/* Adding a line */

static void
reset_entries (KpWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->item_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->quantity_entry), "1");
  gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), "");
  gtk_check_button_set_active (self->tax_free_check, FALSE);
}

/* The list view inside the cart's column view: it scrolls. */
static GtkWidget *
lines_list_view (KpWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->lines_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_VIEW (child))
        return child;
    }
  return NULL;
}

static void
select_line (KpWindow *self,
             guint     position)
{
  GtkWidget *list = lines_list_view (self);

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->cart)))
    return;
  gtk_single_selection_set_selected (self->selection, position);
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
}

/* The last line added is the selected one, for the cart's keys. */
static gboolean
commit_line (KpWindow   *self,
             const char *name,
             gint64      quantity,
             gint64      amount,
             gboolean    tax_free)
{
  g_autoptr (GError) error = NULL;

  if (!kp_cart_add_line (self->cart, name, quantity, amount, tax_free, &error))
    {
      show_entry_error (self, error->message, GTK_WIDGET (self->item_entry));
      return FALSE;
    }

  select_line (self, kp_cart_get_n_lines (self->cart) - 1);
  show_entry_error (self, NULL, NULL);
  show_message (self, NULL);
  reset_entries (self);
  focus_item_entry (self);
  return TRUE;
}

typedef struct
{
  KpWindow *self;
  char     *name;
  gint64    quantity;
  gint64    amount;
  gboolean  tax_free;
} PendingLine;

static void
pending_line_free (gpointer data)
{
  PendingLine *pending = data;

  g_object_unref (pending->self);
  g_free (pending->name);
  g_free (pending);
}

static void
on_quantity_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         PendingLine      *pending)
{
  KpWindow *self = pending->self;

  if (g_strcmp0 (response, "add") == 0)
    commit_line (self, pending->name, pending->quantity, pending->amount, pending->tax_free);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->quantity_entry));
}

/* A quantity like 4500 is most often the price typed one field early. Changing it is
 * the default and what Enter and Escape do: adding takes a deliberate choice. */
static void
ask_quantity (KpWindow   *self,
              const char *name,
              gint64      quantity,
              gint64      amount,
              gboolean    tax_free)
{
  AdwMessageDialog *dialog;
  PendingLine *pending;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *add_label = NULL;
  g_autofree char *money = kp_money_format (quantity * amount);

  /* Translators: %d is the quantity the cashier typed, e.g. 4500 */
  heading = g_strdup_printf (_("Quantity %d?"), (int) quantity);
  /* Translators: %d is the quantity, %s the item's name, the last %s the line's
   * amount, e.g. ₩2,250,000 */
  body = g_strdup_printf (_("The line would be %d × “%s”, %s in all. Was a price typed into "
                            "the quantity?"),
                          (int) quantity, name, money);
  /* Translators: a button; %d is the quantity */
  add_label = g_strdup_printf (_("_Add %d"), (int) quantity);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "change", _("_Change Quantity"),
                                    "add", add_label,
                                    NULL);
  adw_message_dialog_set_default_response (dialog, "change");
  adw_message_dialog_set_close_response (dialog, "change");

  pending = g_new0 (PendingLine, 1);
  pending->self = g_object_ref (self);
  pending->name = g_strdup (name);
  pending->quantity = quantity;
  pending->amount = amount;
  pending->tax_free = tax_free;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_quantity_response_cb), pending,
                         (GClosureNotify) (void (*) (void)) pending_line_free, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_line (KpWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->item_entry))));
  const char *quantity_text = gtk_editable_get_text (GTK_EDITABLE (self->quantity_entry));
  const char *amount_text = gtk_editable_get_text (GTK_EDITABLE (self->amount_entry));
  g_autoptr (GError) error = NULL;
  gint64 quantity = 0, amount = 0;

  if (*name == '\0')
    {
      show_entry_error (self, _("Type or scan the item’s name first."),
                        GTK_WIDGET (self->item_entry));
      return;
    }
  if (!kp_cart_parse_quantity (quantity_text, &quantity, &error))
    {
      show_entry_error (self, error->message, GTK_WIDGET (self->quantity_entry));
      return;
    }
  if (!kp_cart_parse_amount (amount_text, &amount, &error))
    {
      show_entry_error (self, error->message, GTK_WIDGET (self->amount_entry));
      return;
    }
  if (quantity >= PRICE_LIKE_QUANTITY)
    {
      /* A line the cart would refuse anyway is not worth a question. */
      if (!kp_cart_check_line (self->cart, name, quantity, amount, &error))
        {
          show_entry_error (self, error->message, GTK_WIDGET (self->quantity_entry));
          return;
        }
      ask_quantity (self, name, quantity, amount,
                    gtk_check_button_get_active (self->tax_free_check));
      return;
    }

  commit_line (self, name, quantity, amount, gtk_check_button_get_active (self->tax_free_check));
}

static void
on_entry_activate_cb (KpWindow *self,
                      GtkEntry *entry)
{
  const char *amount_text = gtk_editable_get_text (GTK_EDITABLE (self->amount_entry));

  /* A scanner types the name and Enter: go on to the price rather than complain. The
   * quantity stays as it is (1) unless the cashier tabs to it. */
  if (entry != self->amount_entry && *amount_text == '\0' &&
      *gtk_editable_get_text (GTK_EDITABLE (self->item_entry)) != '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      return;
    }
  add_line (self);
}

static void
add_line_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  add_line (KP_WINDOW (widget));
}

typedef struct
{
  KpWindow *self;
  guint     position;
} RemoveData;

static void
forget_removed_line (KpWindow *self)
{
  g_clear_object (&self->removed_line);
  if (self->undo_toast != NULL)
    {
      AdwToast *t = self->undo_toast;

      g_object_remove_weak_pointer (G_OBJECT (t), (gpointer *) &self->undo_toast);
      self->undo_toast = NULL;
      adw_toast_dismiss (t);
    }
  update_actions (self);
}

static gboolean
remove_line_cb (gpointer user_data)
{
  RemoveData *data = user_data;
  KpWindow *self = data->self;
  g_autoptr (KpCartLine) line = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *t;

  if (data->position >= kp_cart_get_n_lines (self->cart))
    goto out;
  line = g_list_model_get_item (G_LIST_MODEL (self->cart), data->position);
  if (!kp_cart_remove_line (self->cart, data->position, &error))
    {
      show_entry_error (self, error->message, NULL);
      goto out;
    }

  /* One line can be put back: the last one removed, until the sale is charged. */
  forget_removed_line (self);
  self->removed_line = g_steal_pointer (&line);
  self->removed_position = data->position;
  /* Translators: a toast; %s is the item's name */
  title = g_strdup_printf (_("“%s” removed"), kp_cart_line_get_name (self->removed_line));
  t = adw_toast_new (title);
  adw_toast_set_button_label (t, _("_Undo"));
  adw_toast_set_action_name (t, "win.undo-remove");
  adw_toast_set_timeout (t, 8);
  self->undo_toast = t;
  g_object_add_weak_pointer (G_OBJECT (t), (gpointer *) &self->undo_toast);
  add_toast (self, t);
  update_actions (self);

out:
  g_object_unref (self);
  g_free (data);
  return G_SOURCE_REMOVE;
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  KpCartLine *line = self->removed_line;
  guint position = self->removed_position;
  g_autoptr (GError) error = NULL;

  if (line == NULL)
    return;
  if (!kp_cart_insert_line (self->cart, position, kp_cart_line_get_name (line),
                            kp_cart_line_get_quantity (line),
                            kp_cart_line_get_unit_price (line),
                            kp_cart_line_get_tax_free (line), &error))
    {
      show_entry_error (self, error->message, NULL);
      return;
    }
  forget_removed_line (self);
  select_line (self, MIN (position, kp_cart_get_n_lines (self->cart) - 1));
  show_entry_error (self, NULL, NULL);
  focus_item_entry (self);
}

/* Up and Down in the cart, from anywhere on the cart page. */
static void
select_step_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  guint n = kp_cart_get_n_lines (self->cart);
  guint position = gtk_single_selection_get_selected (self->selection);

  if (n == 0)
    return;
  if (position == GTK_INVALID_LIST_POSITION)
    position = n - 1;
  else if (g_str_equal (action_name, "win.select-previous"))
    position = position > 0 ? position - 1 : 0;
  else
    position = MIN (position + 1, n - 1);
  select_line (self, position);
}

/* One more or one less of the selected line. */
static void
line_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  guint position = gtk_single_selection_get_selected (self->selection);
  g_autoptr (KpCartLine) line = NULL;
  g_autoptr (GError) error = NULL;
  gint64 quantity;

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  line = g_list_model_get_item (G_LIST_MODEL (self->cart), position);
  quantity = kp_cart_line_get_quantity (line);
  if (g_str_equal (action_name, "win.line-less"))
    {
      if (quantity <= 1)
        {
          show_entry_error (self, _("The quantity is 1 already: press Delete to remove the "
                                    "line."), NULL);
          return;
        }
      quantity--;
    }
  else
    quantity++;

  if (!kp_cart_set_line_quantity (self->cart, position, quantity, &error))
    {
      show_entry_error (self, error->message, NULL);
      return;
    }
  show_entry_error (self, NULL, NULL);
}

/* Enter on the tax-free box adds the line with the box as it is, as Enter does
 * anywhere in the entry bar; Space ticks it. */
static gboolean
on_tax_free_key_cb (KpWindow              *self,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    GtkEventControllerKey *controller)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.add-line", NULL);
  return TRUE;
}

/* Up and Down in the item field move the cart's selection and leave what is typed as
 * it is; Delete and Ctrl+Z act on the cart's lines while the field is empty (with text,
 * they edit the text). A scanner never sends them. */
static gboolean
on_item_key_cb (KpWindow              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  const char *action = NULL;
  gboolean empty = *gtk_editable_get_text (GTK_EDITABLE (self->item_entry)) == '\0';
  GdkModifierType modifiers = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK);

  /* Nothing typed to undo: Ctrl+Z is for the removed line, whatever the field's own
   * history holds. */
  if (modifiers == GDK_CONTROL_MASK && (keyval == GDK_KEY_z || keyval == GDK_KEY_Z) && empty &&
      self->removed_line != NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.undo-remove", NULL);
      return TRUE;
    }
  if (modifiers != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      action = "win.select-previous";
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      action = "win.select-next";
      break;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      if (!empty)
        return FALSE;
      action = "win.remove-line";
      break;
    default:
      return FALSE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), action, NULL);
  return TRUE;
}

static gboolean
release_later_cb (gpointer user_data)
{
  /* The reference goes with the source's destroy notify. */
  return G_SOURCE_REMOVE;
}

static void
remove_line_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  guint position = gtk_single_selection_get_selected (self->selection);
  GtkWidget *focus;
  RemoveData *data;

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  /* The focus may sit in a cell of the very row: move it out first and remove the row
   * once that has settled. GTK 4.8's GtkEditableLabel also finishes a focus-out from a
   * 100 ms timeout without holding a reference, so the cell that had the focus is kept
   * alive a little longer than that. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    {
      if (GTK_IS_EDITABLE_LABEL (w))
        {
          g_timeout_add_full (G_PRIORITY_DEFAULT, 500, release_later_cb, g_object_ref (w),
                              g_object_unref);
          break;
        }
    }
  focus_item_entry (self);
  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  data->position = position;
  g_idle_add (remove_line_cb, data);
}

/* Charging */

static const char *
status_text (KpStatus status)
{
  switch (status)
    {
    case KP_STATUS_READY:
      return _("Waiting for the customer to scan the code");
    case KP_STATUS_SEND_TMS:
      return _("Payment request sent to the customer’s KakaoTalk");
    case KP_STATUS_OPEN_PAYMENT:
      return _("Customer opened the payment page");
    case KP_STATUS_SELECT_METHOD:
      return _("Customer chose a payment method — waiting for password");
    case KP_STATUS_ARS_WAITING:
      return _("Waiting for phone authentication");
    case KP_STATUS_AUTH_PASSWORD:
      return _("Customer approved — completing the payment");
    default:
      return NULL;
    }
}

static void
stop_countdown (KpWindow *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
}

static gboolean
countdown_cb (gpointer user_data)
{
  KpWindow *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan left = self->expires_at != NULL ? g_date_time_difference (self->expires_at, now) : 0;
  g_autofree char *text = NULL;
  gint64 seconds = MAX (0, left / G_USEC_PER_SEC);

  /* Translators: time left to pay, minutes:seconds */
  text = g_strdup_printf (_("Expires in %d:%02d"), (int) (seconds / 60), (int) (seconds % 60));
  gtk_label_set_text (self->countdown_label, text);
  return G_SOURCE_CONTINUE;
}

static gboolean
show_charge_spinner_cb (gpointer user_data)
{
  KpWindow *self = user_data;

  self->charge_spinner_id = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->charge_spinner), TRUE);
  gtk_spinner_set_spinning (self->charge_spinner, TRUE);
  return G_SOURCE_REMOVE;
}

/* The spinner shows only when KakaoPay is slow to answer: a spinning spinner keeps
 * the frame clock ticking, and the QR would then wait up to a frame to be painted. */
static void
set_charging (KpWindow *self,
              gboolean  charging)
{
  g_clear_handle_id (&self->charge_spinner_id, g_source_remove);
  if (charging)
    self->charge_spinner_id = g_timeout_add (CHARGE_SPINNER_DELAY_MS, show_charge_spinner_cb,
                                             self);
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->charge_spinner), FALSE);
      gtk_spinner_set_spinning (self->charge_spinner, FALSE);
    }
}

/* Only the page on screen is visible, so assistive technologies (and the UI tests)
 * never read the pages behind it. */
static void
show_page (KpWindow   *self,
           const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (self->stack, page);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child != page)
        gtk_widget_set_visible (child, FALSE);
    }
  update_actions (self);
}

static void
charge_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  g_autoptr (KpJournalNewSale) sale = NULL;
  g_autoptr (GError) error = NULL;

  if (self->checkout == NULL || kp_checkout_get_stage (self->checkout) != KP_CHECKOUT_STAGE_IDLE)
    return;
  if (kp_cart_get_n_lines (self->cart) == 0)
    {
      show_entry_error (self, _("Add an item before charging."), GTK_WIDGET (self->item_entry));
      return;
    }

  kp_bench_mark (KP_BENCH_CHARGE);
  forget_removed_line (self);
  sale = kp_cart_to_new_sale (self->cart);
  /* Charging again after a payment could not start is the same sale to the cashier:
   * the journal links the attempts, and the history shows them as one. */
  sale->retry_of = g_strdup (self->retry_order_id);
  kp_cart_freeze (self->cart);
  if (!kp_checkout_charge (self->checkout, sale, &error))
    {
      kp_cart_thaw (self->cart);
      show_entry_error (self, error->message, NULL);
      return;
    }
  show_entry_error (self, NULL, NULL);
  show_message (self, NULL);
  set_charging (self, TRUE);
  /* The cart is frozen now; the Charge button holds the focus, which also stops the
   * entry's cursor animation so the QR is painted on the very next frame. */
  gtk_widget_grab_focus (GTK_WIDGET (self->charge_button));
  update_actions (self);
}

static void
abort_payment (KpWindow *self)
{
  if (self->checkout != NULL && kp_checkout_abort (self->checkout))
    gtk_label_set_text (self->status_label, _("Cancelling…"));
}

/* Whether the customer may have started paying: the QR has been up past the grace
 * period, or KakaoPay already reported the customer at work. */
static gboolean
customer_may_be_paying (KpWindow *self)
{
  if (self->qr_shown_us == 0)
    return FALSE;
  return self->payment_status != KP_STATUS_READY ||
         g_get_monotonic_time () - self->qr_shown_us >= CANCEL_GRACE_US;
}

static void
on_cancel_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       KpWindow         *self)
{
  if (g_strcmp0 (response, "cancel") == 0)
    abort_payment (self);
}

/* Keeping the payment is the default and what Escape does: cancelling takes a
 * deliberate choice. */
static void
ask_cancel_payment (KpWindow *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Cancel this payment?"), NULL));
  /* What really happens: this terminal never sends approve for a cancelled payment, so
   * KakaoPay does not complete it; the open payment is still watched until it expires. */
  adw_message_dialog_set_body (dialog,
                               _("The customer may be paying right now. If they have "
                                 "already confirmed on their phone, the payment is not "
                                 "completed and nothing is charged. If KakaoPay reports it "
                                 "paid after all, you will be told."));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Waiting"),
                                    "cancel", _("_Cancel Payment"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  self->cancel_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->cancel_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_cancel_dialog (KpWindow *self)
{
  if (self->cancel_dialog == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (self->cancel_dialog),
                                (gpointer *) &self->cancel_dialog);
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->cancel_dialog)));
}

static void
cancel_payment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  if (self->checkout == NULL)
    return;
  if (self->cancel_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->cancel_dialog));
      return;
    }
  if (kp_checkout_get_stage (self->checkout) == KP_CHECKOUT_STAGE_WAITING &&
      customer_may_be_paying (self))
    {
      ask_cancel_payment (self);
      return;
    }
  abort_payment (self);
}

static void
new_sale_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  kp_cart_thaw (self->cart);
  kp_cart_clear (self->cart, NULL);
  forget_removed_line (self);
  g_clear_pointer (&self->done_order_id, g_free);
  reset_entries (self);
  show_message (self, NULL);
  show_page (self, "cart");
  focus_item_entry (self);
}

/* Benchmarks: the first frame after start, and the first frame showing a new QR. */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   KpWindow      *self)
{
  if (!self->first_frame_reported)
    {
      self->first_frame_reported = TRUE;
      kp_bench_report ("first-frame", kp_bench_since (KP_BENCH_START));
      if (g_strcmp0 (g_getenv ("KP_BENCH"), "first-frame") == 0)
        g_application_quit (G_APPLICATION (self->application));
    }
  if (self->qr_paint_pending && (gtk_widget_get_mapped (GTK_WIDGET (self->qr_picture)) ||
                                 gtk_widget_get_mapped (GTK_WIDGET (self->small_qr_image))))
    {
      self->qr_paint_pending = FALSE;
      kp_bench_report ("charge-to-qr", kp_bench_since (KP_BENCH_CHARGE));
      kp_bench_report ("ready-round-trip",
                       kp_bench_between (KP_BENCH_READY_SENT, KP_BENCH_READY_RECEIVED));
      if (g_strcmp0 (g_getenv ("KP_BENCH"), "detail") == 0)
        {
          kp_bench_report ("charge-to-ready-sent", kp_bench_between (KP_BENCH_CHARGE, KP_BENCH_READY_SENT));
          kp_bench_report ("received-to-shown", kp_bench_between (KP_BENCH_READY_RECEIVED, KP_BENCH_SHOWN));
          kp_bench_report ("shown-to-painted", kp_bench_since (KP_BENCH_SHOWN));
        }
    }
}

static void
on_map_cb (KpWindow *self)
{
  GdkFrameClock *clock;

  if (!kp_bench_enabled () || self->bench_clock_id != 0)
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  self->bench_clock_id = g_signal_connect_object (clock, "after-paint",
                                                  G_CALLBACK (on_after_paint_cb), self, 0);
}

/* With qr-target "page": KakaoPay's page itself in the place of the large QR code while
 * the customer pays, unless the customer display shows it. It goes when the payment
 * ends, and the sale's web session with it. */
static void
update_payment_page (KpWindow *self)
{
#ifdef HAVE_WEBKIT
  const KpReadyReply *reply = self->checkout != NULL
                                ? kp_checkout_get_ready_reply (self->checkout) : NULL;
  gboolean on_display = gtk_widget_get_visible (GTK_WIDGET (self->customer_qr_box));
  gboolean page_mode = FALSE;
  const char *url = NULL;

  /* A payment is on: the terminal and its settings are there. */
  if (reply != NULL)
    page_mode = kp_settings_get_qr_target (kp_terminal_get_settings (
                  kp_application_get_terminal (self->application))) == KP_QR_TARGET_PAGE;
  if (page_mode && !on_display)
    url = kp_ready_reply_qr_url (reply, KP_QR_TARGET_PAGE);
  if (self->payment_page != NULL &&
      g_strcmp0 (url, kp_payment_page_get_url (KP_PAYMENT_PAGE (self->payment_page))) != 0)
    {
      gtk_box_remove (self->checkout_box, self->payment_page);
      self->payment_page = NULL;
    }
  if (url != NULL && self->payment_page == NULL)
    {
      self->payment_page = GTK_WIDGET (kp_payment_page_new (self->checkout, url));
      gtk_widget_set_size_request (self->payment_page, 560, 600);
      gtk_box_insert_child_after (self->checkout_box, self->payment_page,
                                  GTK_WIDGET (self->qr_picture));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), !on_display && self->payment_page == NULL);
  gtk_label_set_text (self->scan_label, self->payment_page != NULL
                                          ? _("Pay with KakaoPay on this screen")
                                          : _("Scan with your phone to pay with KakaoPay"));
  /* Another browser would take the redirect this window waits for. */
  if (page_mode)
    gtk_widget_set_visible (GTK_WIDGET (self->payment_link), FALSE);
#endif
}

static void
on_checkout_ready_cb (KpCheckout          *checkout,
                      const KpJournalSale *sale,
                      const KpReadyReply  *reply,
                      KpWindow            *self)
{
  KpSettings *settings = kp_terminal_get_settings (kp_application_get_terminal (self->application));
  const char *url = kp_ready_reply_qr_url (reply, kp_settings_get_qr_target (settings));
  g_autofree char *amount = kp_money_format (sale->total_amount);
  g_autofree char *summary = NULL;

  kp_qr_paintable_set_text (self->qr, url);
  gtk_label_set_text (self->checkout_amount_label, amount);
  /* Translators: item summary, then the order number */
  summary = g_strdup_printf (_("%s · order %s"), sale->item_name, sale->partner_order_id);
  gtk_label_set_text (self->checkout_summary_label, summary);
  gtk_label_set_text (self->status_label, status_text (KP_STATUS_READY));

  gtk_link_button_set_uri (self->payment_link, url);
  gtk_widget_set_visible (GTK_WIDGET (self->payment_link),
                          kp_application_is_test_mode (self->application));

  stop_countdown (self);
  self->expires_at = g_date_time_ref (sale->expires_at);
  countdown_cb (self);
  self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);

  self->qr_shown_us = g_get_monotonic_time ();
  self->payment_status = KP_STATUS_READY;
  set_charging (self, FALSE);
  show_page (self, "checkout");
  /* Not the Cancel button: Enter out of habit must not end a payment in progress. */
  gtk_widget_grab_focus (GTK_WIDGET (self->checkout_box));
  self->qr_paint_pending = kp_bench_enabled ();
  kp_bench_mark (KP_BENCH_SHOWN);
  update_payment_page (self);
}

static void
on_checkout_status_changed_cb (KpCheckout *checkout,
                               int         status,
                               KpWindow   *self)
{
  const char *text = status_text (status);

  self->payment_status = status;
  if (text != NULL)
    gtk_label_set_text (self->status_label, text);
}

static void
on_checkout_stage_changed_cb (KpCheckout *checkout,
                              int         stage,
                              KpWindow   *self)
{
  if (stage == KP_CHECKOUT_STAGE_APPROVING)
    {
      /* Too late to cancel: the customer approved. */
      close_cancel_dialog (self);
      gtk_label_set_text (self->status_label, _("Customer approved — completing the payment"));
    }
  update_actions (self);
}

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
done_cell (const char *text,
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
fill_done_items (KpWindow            *self,
                 const KpJournalSale *sale)
{
  GtkWidget *child;
  guint n = sale->lines != NULL ? sale->lines->len
                                : g_list_model_get_n_items (G_LIST_MODEL (self->cart));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->done_items_grid))) != NULL)
    gtk_grid_remove (self->done_items_grid, child);

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
          cart_line = g_list_model_get_item (G_LIST_MODEL (self->cart), i);
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
      gtk_grid_attach (self->done_items_grid, done_cell (title, 0.0), 0, i, 1, 1);
      gtk_grid_attach (self->done_items_grid, done_cell (each, 1.0), 1, i, 1, 1);
      gtk_grid_attach (self->done_items_grid, done_cell (total, 1.0), 2, i, 1, 1);
    }
}

static void
show_done (KpWindow            *self,
           const KpJournalSale *sale)
{
  g_autofree char *amount = kp_money_format (sale->total_amount);
  g_autofree char *method = describe_method (sale);
  g_autofree char *when = NULL;
  g_autofree char *details = NULL;

  gtk_label_set_text (self->done_amount_label, amount);
  gtk_label_set_text (self->done_method_label, method);
  if (sale->approved_at != NULL)
    {
      g_autoptr (GDateTime) local = g_date_time_to_local (sale->approved_at);
      g_autofree char *time = g_date_time_format (local, "%H:%M:%S");

      /* Translators: when the payment was approved, e.g. "Approved at 14:03:27" */
      when = g_strdup_printf (_("Approved at %s"), time);
    }
  gtk_label_set_text (self->done_time_label, when != NULL ? when : "");
  gtk_widget_set_visible (GTK_WIDGET (self->done_time_label), when != NULL);
  fill_done_items (self, sale);
  /* Translators: the completed payment's references: KakaoPay's payment id (tid) and
   * approval id (aid), and the order number */
  details = g_strdup_printf (_("TID %s\nAID %s\nOrder %s"), sale->tid, sale->aid,
                             sale->partner_order_id);
  gtk_label_set_text (self->done_details_label, details);
  g_free (self->done_order_id);
  self->done_order_id = g_strdup (sale->partner_order_id);
  g_free (self->done_details);
  self->done_details = g_steal_pointer (&details);
  show_page (self, "done");
  gtk_widget_grab_focus (GTK_WIDGET (self->new_sale_button));
}

/* What the cashier does about a payment that could not start, in words: never the
 * system's own text, which goes to the details. */
static const char *
ready_failed_advice (const GError *error)
{
  int code = kp_api_error_get_code (error);

  if (error == NULL || error->domain != KP_API_ERROR)
    return _("The payment could not start: the sale could not be recorded on this "
             "terminal. The cart is unchanged: press Charge again.");
  switch (error->code)
    {
    case KP_API_ERROR_NOT_SENT:
      return _("The payment could not start: KakaoPay cannot be reached. Check the "
               "internet connection, then press Charge again.");
    case KP_API_ERROR_OUTCOME_UNKNOWN:
    case KP_API_ERROR_SERVER_ERROR:
    case KP_API_ERROR_MALFORMED_REPLY:
      return _("The payment could not start: KakaoPay did not answer properly, so no code "
               "was shown and nobody can pay it. Wait a moment, then press Charge again.");
    case KP_API_ERROR_UNAUTHORIZED:
      return _("The payment could not start: KakaoPay did not accept this shop’s secret "
               "key. Ask the shop owner to check it in Preferences.");
    default:
      break;
    }
  if (code == KP_CODE_WRONG_CID || code == KP_CODE_WRONG_CID_SECRET ||
      code == KP_CODE_NOT_ENABLED || code == KP_CODE_NO_PERMISSION ||
      code == KP_CODE_UNAUTHORIZED || code == KP_CODE_IP_NOT_ALLOWED)
    return _("The payment could not start: KakaoPay does not accept this shop’s account "
             "(CID). Ask the shop owner to check it in Preferences.");
  if (code == KP_CODE_MAINTENANCE)
    return _("The payment could not start: KakaoPay is under maintenance. Ask the "
             "customer to pay another way, or press Charge again later.");
  return _("The payment could not start: KakaoPay refused it. The cart is unchanged: "
           "check it, then press Charge again.");
}

static void
on_checkout_finished_cb (KpCheckout          *checkout,
                         int                  result,
                         const KpJournalSale *sale,
                         const GError        *error,
                         KpWindow            *self)
{
  g_autofree char *message = NULL;

  /* The payment ended on its own: there is nothing left to confirm. */
  close_cancel_dialog (self);
  self->qr_shown_us = 0;
  stop_countdown (self);
  set_charging (self, FALSE);
  kp_qr_paintable_set_text (self->qr, NULL);
  update_payment_page (self);

  g_clear_pointer (&self->retry_order_id, g_free);
  if (result == KP_CHECKOUT_READY_FAILED && sale != NULL)
    self->retry_order_id = g_strdup (sale->partner_order_id);

  if (result == KP_CHECKOUT_APPROVED)
    {
      show_done (self, sale);
      return;
    }

  switch (result)
    {
    case KP_CHECKOUT_CANCELLED:
      message = g_strdup (_("The customer cancelled the payment. The cart is unchanged: charge again or change it."));
      break;
    case KP_CHECKOUT_FAILED:
      message = g_strdup (_("The customer’s payment failed (password or payment method). The cart is unchanged: charge again."));
      break;
    case KP_CHECKOUT_EXPIRED:
      message = g_strdup (_("The payment expired before the customer finished. The cart is unchanged: charge again."));
      break;
    case KP_CHECKOUT_ABORTED:
      message = g_strdup (_("Payment cancelled at the counter. The cart is unchanged."));
      break;
    case KP_CHECKOUT_APPROVE_FAILED:
      message = g_strdup (_("KakaoPay declined the payment. The cart is unchanged: ask the "
                            "customer for another payment method, then press Charge again."));
      break;
    case KP_CHECKOUT_READY_FAILED:
    default:
      message = g_strdup (ready_failed_advice (error));
      break;
    }

  kp_cart_thaw (self->cart);
  /* On the page beside the cart, not in a pop-up over the Charge button; the raw
   * reason waits behind Details. */
  show_message_with_details (self, message,
                             error != NULL && (result == KP_CHECKOUT_APPROVE_FAILED ||
                                               result == KP_CHECKOUT_READY_FAILED)
                               ? error->message : NULL);
  show_page (self, "cart");
  focus_item_entry (self);
}

/* Sales a crash or a lost reply left unfinished are checked in the background; the
 * cashier sees how many, and goes on ringing up meanwhile. */
static void
update_recovery (KpWindow *self)
{
  KpReconciler *reconciler = kp_application_get_reconciler (self->application);
  guint n = reconciler != NULL ? kp_reconciler_get_n_pending (reconciler) : 0;
  g_autofree char *text = NULL;

  /* The sale on screen being approved is not "unfinished". */
  if (n > 0 && self->checkout != NULL && kp_checkout_get_sale (self->checkout) != NULL &&
      kp_checkout_get_stage (self->checkout) != KP_CHECKOUT_STAGE_IDLE &&
      kp_reconciler_is_resolving (reconciler,
                                  kp_checkout_get_sale (self->checkout)->partner_order_id))
    n--;

  gtk_widget_set_visible (GTK_WIDGET (self->recovery_box), n > 0);
  gtk_spinner_set_spinning (self->recovery_spinner, n > 0);
  if (n == 0)
    return;
  text = g_strdup_printf (ngettext ("Recovering %u unfinished sale…",
                                    "Recovering %u unfinished sales…", n), n);
  gtk_label_set_text (self->recovery_label, text);
}

static void
on_reconciler_resolved_cb (KpReconciler        *reconciler,
                           const KpJournalSale *sale,
                           int                  previous,
                           const GError        *error,
                           KpWindow            *self)
{
  const KpJournalSale *current = self->checkout != NULL ? kp_checkout_get_sale (self->checkout)
                                                        : NULL;
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;

  update_recovery (self);
  if ((KpSaleState) previous == sale->state)
    return;
  /* The sale on screen tells its own story, unless the cashier had given up on it and
   * KakaoPay says it was paid after all. */
  if (current != NULL && g_strcmp0 (current->partner_order_id, sale->partner_order_id) == 0 &&
      previous != KP_SALE_STATE_ABORTED_BY_CASHIER)
    return;

  amount = kp_money_format (sale->total_amount);
  if (sale->state == KP_SALE_STATE_APPROVED)
    /* Translators: an earlier sale turned out paid; order number, amount */
    text = g_strdup_printf (_("Order %s was paid after all: %s approved."),
                            sale->partner_order_id, amount);
  else
    /* Translators: an earlier unfinished sale ended; order number, amount */
    text = g_strdup_printf (_("Order %s (%s) ended without payment."),
                            sale->partner_order_id, amount);
  toast (self, text);
}

static void
on_checkout_available_cb (KpWindow *self)
{
  KpCheckout *checkout = kp_application_get_checkout (self->application);
  const char *setup_error = kp_application_get_setup_error (self->application);

  gtk_label_set_text (self->setup_error_label, setup_error != NULL ? setup_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->setup_error_label), setup_error != NULL);

  if (checkout == NULL || checkout == self->checkout)
    return;

  self->checkout = checkout;
  g_signal_connect_object (kp_application_get_reconciler (self->application), "notify::n-pending",
                           G_CALLBACK (update_recovery), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kp_application_get_reconciler (self->application), "resolved",
                           G_CALLBACK (on_reconciler_resolved_cb), self, 0);
  update_recovery (self);
  g_signal_connect_object (checkout, "ready", G_CALLBACK (on_checkout_ready_cb), self, 0);
  g_signal_connect_object (checkout, "status-changed",
                           G_CALLBACK (on_checkout_status_changed_cb), self, 0);
  g_signal_connect_object (checkout, "stage-changed",
                           G_CALLBACK (on_checkout_stage_changed_cb), self, 0);
  g_signal_connect_object (checkout, "finished", G_CALLBACK (on_checkout_finished_cb), self, 0);
  update_actions (self);
}

/* The views: the sale (the cashier's pages) and the history. As with the pages, only
 * the view on screen is visible. */

/* The history is built the first time it is shown, not with the window: the cashier's
 * first frame does not wait for a view it does not show. */
static KpHistoryView *
ensure_history_view (KpWindow *self)
{
  if (self->history_view != NULL)
    return self->history_view;

  self->history_view = g_object_new (KP_TYPE_HISTORY_VIEW,
                                     "terminal", kp_application_get_terminal (self->application),
                                     "visible", FALSE,
                                     "hexpand", TRUE,
                                     "vexpand", TRUE,
                                     NULL);
  gtk_box_append (self->history_page, GTK_WIDGET (self->history_view));
  return self->history_view;
}

static void
focus_sale_page (KpWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (page, "done") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_sale_button));
  else if (g_strcmp0 (page, "checkout") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->checkout_box));
  else
    focus_item_entry (self);
}

static void
on_view_changed_cb (KpWindow *self)
{
  gboolean sale = is_sale_view (self);

  /* The view coming in takes the focus before the other one hides: a focused entry
   * that just disappears leaves GTK confused about the focus. */
  if (sale)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->stack), TRUE);
      update_actions (self);
      focus_sale_page (self);
      if (self->history_view != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->history_view), FALSE);
    }
  else
    {
      KpHistoryView *history = ensure_history_view (self);

      gtk_widget_set_visible (GTK_WIDGET (history), TRUE);
      update_actions (self);
      kp_history_view_refresh (history);
      kp_history_view_focus (history);
      gtk_widget_set_visible (GTK_WIDGET (self->stack), FALSE);
    }
}

static void
show_sale_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "sale");
}

static void
show_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "history");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "history");
  kp_history_view_focus_search (ensure_history_view (self));
}

static void
day_report_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  g_autofree char *day = NULL;

  /* The day the history shows; from the sale view, today. */
  if (is_sale_view (self))
    day = g_strdup ("");
  else
    day = kp_format_day (kp_history_view_get_day (ensure_history_view (self)));
  gtk_widget_activate_action (widget, "app.day-report", "s", day);
}

static void
on_sale_refunded_cb (KpRefundDialog      *dialog,
                     const KpJournalSale *sale,
                     KpWindow            *self)
{
  g_autofree char *amount = kp_money_format (sale->refunded_amount);
  g_autofree char *text = NULL;

  /* Said on the page, not in a toast: the page stays as it is until the next sale. */
  /* Translators: the total refunded so far of the sale on screen */
  text = g_strdup_printf (_("%s refunded in total."), amount);
  if (g_strcmp0 (sale->partner_order_id, self->done_order_id) == 0)
    {
      g_autofree char *details = g_strconcat (self->done_details, "\n", text, NULL);

      gtk_label_set_text (self->done_details_label, details);
    }
  if (is_sale_view (self))
    focus_sale_page (self);
}

static void
refund_sale_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);
  KpRefunder *refunder = kp_application_get_refunder (self->application);
  KpRefundDialog *dialog;

  if (self->done_order_id == NULL || refunder == NULL)
    return;
  dialog = kp_refund_dialog_new (GTK_WINDOW (self),
                                 kp_application_get_terminal (self->application),
                                 self->done_order_id);
  g_signal_connect_object (dialog, "refunded", G_CALLBACK (on_sale_refunded_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The shortcuts window is built when first asked for rather than with the main
 * window, which GtkApplication would do for a gtk/help-overlay.ui resource. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KpWindow *self = KP_WINDOW (widget);

  if (self->shortcuts_window == NULL)
    {
      g_autoptr (GtkBuilder) builder = NULL;

      builder = gtk_builder_new_from_resource ("/io/github/kppos/KakaoPayPos/"
                                               "kp-shortcuts-window.ui");
      self->shortcuts_window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      g_object_ref_sink (self->shortcuts_window);
      /* As the help overlay, its shortcuts named by action show the application's
       * accelerators for them (Ctrl+Enter for Charge); on its own they show none. */
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self),
                                               GTK_SHORTCUTS_WINDOW (self->shortcuts_window));
      gtk_window_set_transient_for (self->shortcuts_window, GTK_WINDOW (self));
      gtk_window_set_hide_on_close (self->shortcuts_window, TRUE);
      /* Closed: this window gets the keyboard back, as from the preferences. */
      g_signal_connect_object (self->shortcuts_window, "unmap",
                               G_CALLBACK (kp_present_now), self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (self->shortcuts_window);
}

static void
kp_window_dispose (GObject *object)
{
  KpWindow *self = KP_WINDOW (object);

  stop_countdown (self);
  close_cancel_dialog (self);
  if (self->undo_toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->undo_toast), (gpointer *) &self->undo_toast);
  self->undo_toast = NULL;
  if (self->quit_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->quit_dialog), (gpointer *) &self->quit_dialog);
  self->quit_dialog = NULL;
  g_clear_handle_id (&self->charge_spinner_id, g_source_remove);
  if (self->shortcuts_window != NULL)
    {
      gtk_window_destroy (self->shortcuts_window);
      g_clear_object (&self->shortcuts_window);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_WINDOW);
  g_clear_object (&self->removed_line);
  g_clear_object (&self->selection);
  g_clear_object (&self->cart);
  g_clear_object (&self->qr);

  G_OBJECT_CLASS (kp_window_parent_class)->dispose (object);
}

static void
kp_window_finalize (GObject *object)
{
  KpWindow *self = KP_WINDOW (object);

  g_free (self->done_order_id);
  g_free (self->done_details);
  g_free (self->retry_order_id);

  G_OBJECT_CLASS (kp_window_parent_class)->finalize (object);
}

/* Closing the window quits as Ctrl+Q does: it asks first while the cart holds lines. */
static gboolean
kp_window_close_request (GtkWindow *window)
{
  if (kp_window_ask_quit (KP_WINDOW (window)))
    return TRUE;
  return GTK_WINDOW_CLASS (kp_window_parent_class)->close_request (window);
}

static void
kp_window_class_init (KpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kp_window_dispose;
  object_class->finalize = kp_window_finalize;
  window_class->close_request = kp_window_close_request;

  /* Referencing the bundle keeps the linker from dropping it out of the static library
   * (its constructor registers it). */
  g_assert (kp_get_resource () != NULL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KpWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_button);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, charge_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, checkout_amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, checkout_box);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, checkout_summary_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, customer_qr_box);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_amount_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_details_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_items_grid);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_method_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_time_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, done_page);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, entry_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, history_page);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, item_entry);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, lines_view);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, live_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_details);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_details_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, new_sale_button);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, payment_link);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, refund_sale_button);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, relay_status_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, scan_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_box);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, recovery_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, quantity_entry);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, setup_error_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, small_qr_image);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, supply_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, tax_free_check);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, tax_free_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, test_mode_banner);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, cart_toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, total_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, vat_label);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KpWindow, view_switcher_title);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_view_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.add-line", NULL, add_line_action);
  gtk_widget_class_install_action (widget_class, "win.remove-line", NULL, remove_line_action);
  gtk_widget_class_install_action (widget_class, "win.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "win.select-previous", NULL,
                                   select_step_action);
  gtk_widget_class_install_action (widget_class, "win.select-next", NULL, select_step_action);
  gtk_widget_class_install_action (widget_class, "win.line-more", NULL, line_step_action);
  gtk_widget_class_install_action (widget_class, "win.line-less", NULL, line_step_action);
  gtk_widget_class_install_action (widget_class, "win.charge", NULL, charge_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-payment", NULL,
                                   cancel_payment_action);
  gtk_widget_class_install_action (widget_class, "win.new-sale", NULL, new_sale_action);
  gtk_widget_class_install_action (widget_class, "win.show-sale", NULL, show_sale_action);
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.day-report", NULL, day_report_action);
  gtk_widget_class_install_action (widget_class, "win.refund-sale", NULL, refund_sale_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
}

static void
add_shortcut (GtkEventController *controller,
              guint               keyval,
              GdkModifierType     modifiers,
              const char         *action)
{
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval,
                                                                                  modifiers),
                                                          gtk_named_action_new (action)));
}

static void
kp_window_init (KpWindow *self)
{
  GtkEventController *shortcuts;
  GtkEventController *keys;

  g_type_ensure (KP_TYPE_QR_PAINTABLE);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_bind_property (self, "title", self->view_switcher_title, "title",
                          G_BINDING_SYNC_CREATE);

  self->cart = kp_cart_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->cart)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  gtk_column_view_set_model (self->lines_view, GTK_SELECTION_MODEL (self->selection));
  add_column (self, _("Item"), G_CALLBACK (setup_name_cb), NULL,
              G_CALLBACK (bind_name_tag_cb), TRUE);
  add_column (self, _("Qty"), G_CALLBACK (setup_editable_cb), (gpointer) "quantity",
              G_CALLBACK (bind_quantity_cb), FALSE);
  add_column (self, _("Unit price"), G_CALLBACK (setup_editable_cb), (gpointer) "unit-price",
              G_CALLBACK (bind_unit_price_cb), FALSE);
  add_column (self, _("Amount"), G_CALLBACK (setup_label_cb), GINT_TO_POINTER (TRUE),
              G_CALLBACK (bind_amount_cb), FALSE);

  /* Delete removes the selected line while the cart list has the focus; + and - change
   * its quantity. */
  shortcuts = gtk_shortcut_controller_new ();
  add_shortcut (shortcuts, GDK_KEY_Delete, 0, "win.remove-line");
  add_shortcut (shortcuts, GDK_KEY_KP_Delete, 0, "win.remove-line");
  add_shortcut (shortcuts, GDK_KEY_plus, GDK_SHIFT_MASK, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_plus, 0, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_KP_Add, 0, "win.line-more");
  add_shortcut (shortcuts, GDK_KEY_minus, 0, "win.line-less");
  add_shortcut (shortcuts, GDK_KEY_KP_Subtract, 0, "win.line-less");
  gtk_widget_add_controller (GTK_WIDGET (self->lines_view), shortcuts);

  /* Ctrl+Z puts the removed line back, unless a field has typing of its own to undo
   * (it handles the key first). */
  shortcuts = gtk_shortcut_controller_new ();
  add_shortcut (shortcuts, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo-remove");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_tax_free_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->tax_free_check), keys);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_item_key_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->item_entry), keys);

  self->qr = kp_qr_paintable_new ();
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (self->qr));
  gtk_image_set_from_paintable (self->small_qr_image, GDK_PAINTABLE (self->qr));

  show_page (self, "cart");
  g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);
  g_signal_connect_object (self->cart, "items-changed", G_CALLBACK (on_cart_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cart, "notify::total", G_CALLBACK (on_cart_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_totals (self);
}

/* The banner and the title follow the mode as the preferences change it. */
static void
update_test_mode (KpWindow *self)
{
  gboolean test_cid = kp_application_uses_test_cid (self->application);
  gboolean test_mode = kp_application_is_test_mode (self->application) || test_cid;

  /* KakaoPay with its test CID moves no money either: the cashier must see so. */
  gtk_label_set_text (self->test_mode_banner,
                      test_cid ? _("TEST MODE — KakaoPay test CID: no real payments. Set "
                                   "the shop’s CID in Preferences.")
                               : _("TEST MODE — sandbox: no real payments"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_mode_banner), test_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->live_label), !test_mode);
  gtk_window_set_title (GTK_WINDOW (self), test_mode ? _("KakaoPay POS — TEST MODE")
                                                     : _("KakaoPay POS"));
}

/* Through a relay, the cashier can see at a glance whether approvals can arrive. */
static void
update_relay_status (KpWindow *self)
{
  int state = kp_application_get_relay_state (self->application);
  const char *text = NULL;

  switch (state)
    {
    case KP_RELAY_STATE_CONNECTING:
      text = _("Relay: connecting…");
      break;
    case KP_RELAY_STATE_WEBSOCKET:
    case KP_RELAY_STATE_LONG_POLL:
      text = _("Relay: connected");
      break;
    case KP_RELAY_STATE_REJECTED:
      text = _("Relay: terminal token rejected — check it in Preferences");
      break;
    case KP_RELAY_STATE_STOPPED:
      text = _("Relay: not connected");
      break;
    default:
      break;
    }
  gtk_label_set_text (self->relay_status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->relay_status_label), text != NULL);
  if (state == KP_RELAY_STATE_REJECTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->relay_status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->relay_status_label), "error");
}

/* Back from another window (preferences, a dialog): the cashier's field gets the keys
 * again if the focus was lost meanwhile (its widget hidden or made insensitive while
 * the services were rebuilt). */
static void
on_active_changed_cb (KpWindow *self)
{
  GtkWidget *focus;

  if (!gtk_window_is_active (GTK_WINDOW (self)))
    return;

  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && gtk_widget_is_visible (focus) && gtk_widget_is_sensitive (focus))
    return;

  if (is_sale_view (self))
    focus_sale_page (self);
  else
    kp_history_view_focus (ensure_history_view (self));
}

KpWindow *
kp_window_new (KpApplication *application)
{
  KpWindow *self = g_object_new (KP_TYPE_WINDOW, "application", application, NULL);

  self->application = application;
  update_test_mode (self);
  update_relay_status (self);
  g_signal_connect_object (application, "notify::test-mode",
                           G_CALLBACK (update_test_mode), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::relay-state",
                           G_CALLBACK (update_relay_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::setup-error",
                           G_CALLBACK (on_checkout_available_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::checkout",
                           G_CALLBACK (on_checkout_available_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed_cb), NULL);
  on_checkout_available_cb (self);
  focus_item_entry (self);
  return self;
}

static void
on_quit_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KpWindow         *self)
{
  if (g_strcmp0 (response, "quit") == 0)
    g_application_quit (G_APPLICATION (self->application));
}

/**
 * kp_window_ask_quit:
 * @self: the main window
 *
 * Asks before quitting while the cart holds lines; staying is the default, and what
 * Enter and Escape do.
 *
 * Returns: whether it asked; %FALSE means nothing is lost by quitting at once
 */
gboolean
kp_window_ask_quit (KpWindow *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  const char *page;
  guint n;

  g_return_val_if_fail (KP_IS_WINDOW (self), FALSE);

  n = kp_cart_get_n_lines (self->cart);
  page = gtk_stack_get_visible_child_name (self->stack);

  /* A completed sale's lines are in the journal already. */
  if (n == 0 || g_strcmp0 (page, "done") == 0)
    return FALSE;
  if (self->quit_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      return TRUE;
    }

  body = g_strdup_printf (ngettext ("The %u line in the cart will be lost.",
                                    "The %u lines in the cart will be lost.", n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Quit KakaoPay POS?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "quit", _("_Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "quit", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_quit_response_cb), self, 0);
  g_signal_connect_object (dialog, "unmap", G_CALLBACK (kp_present_now), self,
                           G_CONNECT_SWAPPED);
  self->quit_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->quit_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

KpCart *
kp_window_get_cart (KpWindow *self)
{
  return self->cart;
}

/**
 * kp_window_set_customer_display:
 * @shown: whether the customer display is open
 *
 * While the customer has the QR code on a screen of their own, the paying page shows a
 * small copy of it, and says where the customer looks.
 */
void
kp_window_set_customer_display (KpWindow *self,
                                gboolean  shown)
{
  g_return_if_fail (KP_IS_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), !shown);
  gtk_widget_set_visible (GTK_WIDGET (self->customer_qr_box), shown);
  update_payment_page (self);
}

const char *
kp_window_get_page (KpWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * kp_window_get_qr_text:
 *
 * Returns: (nullable): what the QR code on screen encodes
 */
const char *
kp_window_get_qr_text (KpWindow *self)
{
  return kp_qr_paintable_get_text (self->qr);
}

const char *
kp_window_get_message (KpWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->message_label))
           ? gtk_label_get_text (self->message_label) : NULL;
}

const char *
kp_window_get_status_text (KpWindow *self)
{
  return gtk_label_get_text (self->status_label);
}
