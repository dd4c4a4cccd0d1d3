/* kp-window-entry.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-window-private.h"

/* A quantity this large is more likely a price typed into the wrong field: the
 * cashier confirms it before the line is added. */
#define PRICE_LIKE_QUANTITY 100

/* Adding a line */

void
kp_window_reset_entries (KpWindow *self)
{
  kp_entry_bar_reset (self->entry_bar);
}

void
kp_window_select_line (KpWindow *self,
                       guint     position)
{
  kp_cart_view_select_line (self->cart_view, position);
}

/* An edit in the cart's cells: a refused value is explained under the fields; an
 * accepted one sends the cashier back to the item field. */
void
kp_window_on_cart_edit_failed_cb (KpWindow   *self,
                                  const char *message)
{
  kp_window_show_entry_error (self, message, NULL);
}

void
kp_window_on_cart_line_edited_cb (KpWindow *self)
{
  kp_window_show_entry_error (self, NULL, NULL);
  kp_window_focus_item_entry (self);
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
      kp_window_show_entry_error (self, error->message, GTK_WIDGET (self->item_entry));
      return FALSE;
    }

  kp_window_select_line (self, kp_cart_get_n_lines (self->cart) - 1);
  kp_window_show_entry_error (self, NULL, NULL);
  kp_window_show_message (self, NULL);
  kp_window_reset_entries (self);
  kp_window_focus_item_entry (self);
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
      kp_window_show_entry_error (self, _("Type or scan the item’s name first."),
                                  GTK_WIDGET (self->item_entry));
      return;
    }
  if (!kp_cart_parse_quantity (quantity_text, &quantity, &error))
    {
      kp_window_show_entry_error (self, error->message, GTK_WIDGET (self->quantity_entry));
      return;
    }
  if (!kp_cart_parse_amount (amount_text, &amount, &error))
    {
      kp_window_show_entry_error (self, error->message, GTK_WIDGET (self->amount_entry));
      return;
    }
  if (quantity >= PRICE_LIKE_QUANTITY)
    {
      /* A line the cart would refuse anyway is not worth a question. */
      if (!kp_cart_check_line (self->cart, name, quantity, amount, &error))
        {
          kp_window_show_entry_error (self, error->message, GTK_WIDGET (self->quantity_entry));
          return;
        }
      ask_quantity (self, name, quantity, amount,
                    gtk_check_button_get_active (self->tax_free_check));
      return;
    }

  commit_line (self, name, quantity, amount, gtk_check_button_get_active (self->tax_free_check));
}

void
kp_window_on_entry_activate_cb (KpWindow *self,
                                GtkEntry *entry)
{
  const char *amount_text = gtk_editable_get_text (GTK_EDITABLE (self->amount_entry));

  /* A product's barcode adds the product. */
  if (entry == self->item_entry && kp_window_scan_item (self))
    return;

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

void
kp_window_forget_removed_line (KpWindow *self)
{
  g_clear_object (&self->removed_line);
  if (self->undo_toast != NULL)
    {
      AdwToast *t = self->undo_toast;

      g_object_remove_weak_pointer (G_OBJECT (t), (gpointer *) &self->undo_toast);
      self->undo_toast = NULL;
      adw_toast_dismiss (t);
    }
  kp_window_update_actions (self);
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
      kp_window_show_entry_error (self, error->message, NULL);
      goto out;
    }

  /* One line can be put back: the last one removed, until the sale is charged. */
  kp_window_forget_removed_line (self);
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
  kp_window_add_toast (self, t);
  kp_window_update_actions (self);

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
      kp_window_show_entry_error (self, error->message, NULL);
      return;
    }
  kp_window_forget_removed_line (self);
  kp_window_select_line (self, MIN (position, kp_cart_get_n_lines (self->cart) - 1));
  kp_window_show_entry_error (self, NULL, NULL);
  kp_window_focus_item_entry (self);
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
  kp_window_select_line (self, position);
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
          kp_window_show_entry_error (self,
                                      _("The quantity is 1 already: press Delete to remove "
                                        "the line."), NULL);
          return;
        }
      quantity--;
    }
  else
    quantity++;

  if (!kp_cart_set_line_quantity (self->cart, position, quantity, &error))
    {
      kp_window_show_entry_error (self, error->message, NULL);
      return;
    }
  kp_window_show_entry_error (self, NULL, NULL);
}

/* Enter on the tax-free box adds the line with the box as it is, as Enter does
 * anywhere in the entry bar; Space ticks it. */
gboolean
kp_window_on_tax_free_key_cb (KpWindow              *self,
                              guint                 keyval,
                              guint                 keycode,
                              GdkModifierType       state,
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
gboolean
kp_window_on_item_key_cb (KpWindow              *self,
                          guint                 keyval,
                          guint                 keycode,
                          GdkModifierType       state,
                          GtkEventControllerKey *controller)
{
  const char *action = NULL;
  gboolean empty = *gtk_editable_get_text (GTK_EDITABLE (self->item_entry)) == '\0';
  GdkModifierType modifiers = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK);

  if (modifiers == 0 && kp_window_suggestions_key (self, keyval))
    return TRUE;
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
  kp_window_focus_item_entry (self);
  data = g_new0 (RemoveData, 1);
  data->self = g_object_ref (self);
  data->position = position;
  g_idle_add (remove_line_cb, data);
}

void
kp_window_class_add_entry_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.add-line", NULL, add_line_action);
  gtk_widget_class_install_action (widget_class, "win.remove-line", NULL, remove_line_action);
  gtk_widget_class_install_action (widget_class, "win.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "win.select-previous", NULL, select_step_action);
  gtk_widget_class_install_action (widget_class, "win.select-next", NULL, select_step_action);
  gtk_widget_class_install_action (widget_class, "win.line-more", NULL, line_step_action);
  gtk_widget_class_install_action (widget_class, "win.line-less", NULL, line_step_action);
}
