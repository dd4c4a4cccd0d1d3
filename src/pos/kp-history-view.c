/* kp-history-view.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-history-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kp-history-view.h"
#include "kp-sale-columns.h"
#include "kp-sale-detail.h"
#include "kp-shop-scope.h"
#include "kp-sale-format.h"
#include "kp-sale-item.h"

#ifdef HAVE_SHOPDB
#include "kp-shop-client.h"
#endif

/* The sales of a day (today at first), or those matching a search, newest first, a
 * page at a time; the journal does the searching in its worker thread, so typing
 * never waits for it. The sale selected shows in the detail pane beside the list.
 *
 * With a shop database, "Whole Shop" lists every terminal's sales from it instead
 * (KpShopClient, in its worker thread too), with their terminal, read only: a sale is
 * refunded on the terminal that made it, from its own journal. */

#define PAGE_SIZE 200

struct _KpHistoryView
{
  GtkWidget           parent_instance;

  /* Template children */
  GtkCheckButton     *all_days_check;
  GtkCalendar        *calendar;
  GtkPopover         *calendar_popover;
  GtkLabel           *count_label;
  GtkMenuButton      *day_button;
  KpSaleDetail       *detail;
  AdwStatusPage      *empty_page;
  GtkScrolledWindow  *list_window;
  GtkButton          *more_button;
  GtkColumnView      *sales_view;
  GtkSearchEntry     *search_entry;
  GtkSpinner         *search_spinner;
  GtkBox             *scope_box;
  GtkToggleButton    *whole_shop_button;

  /* Owned */
  GListStore         *store;
  GtkSingleSelection *selection;
  KpTerminal         *terminal;
  KpJournal          *journal;
  GCancellable       *search_cancellable;
  GObject            *shop_client;      /* while the whole shop is listed */
  GtkColumnViewColumn *terminal_column; /* sales_view's */
  char               *focus_refund_of;
  GDate               day;
  gboolean            searching;
  gboolean            select_first;
  gboolean            has_more;
  gboolean            updating;
  gboolean            setting_calendar;
  gboolean            following_today;
};

G_DEFINE_FINAL_TYPE (KpHistoryView, kp_history_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TERMINAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void search (KpHistoryView *self,
                    gboolean       append);

static void
today (GDate *day)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (day, 1);
  g_date_set_dmy (day, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
}

static gboolean
find_order (KpHistoryView *self,
            const char    *order_id,
            guint         *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; order_id != NULL && i < n; i++)
    {
      g_autoptr (KpSaleItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (kp_sale_item_get_sale (item)->partner_order_id, order_id) == 0)
        {
          *out_position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_selection_changed_cb (KpHistoryView *self)
{
  KpSaleItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (self->updating)
    return;
  if (self->shop_client != NULL)
    item = NULL;
  kp_sale_detail_show_sale (self->detail,
                            item != NULL ? kp_sale_item_get_sale (item)->partner_order_id
                                         : NULL);
}

static void
on_detail_sale_changed_cb (KpHistoryView       *self,
                           const KpJournalSale *sale)
{
  guint position;

  /* The row shows the sale as it is now (a refund changed it), updated in place. */
  if (find_order (self, sale->partner_order_id, &position))
    {
      g_autoptr (KpSaleItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);

      kp_sale_item_set_sale (item, sale);
    }

  if (self->focus_refund_of != NULL &&
      g_strcmp0 (self->focus_refund_of, sale->partner_order_id) == 0)
    {
      g_clear_pointer (&self->focus_refund_of, g_free);
      kp_sale_detail_focus_refund (self->detail);
    }
}

static void
on_sales_view_activate_cb (KpHistoryView *self,
                           guint          position)
{
  g_autoptr (KpSaleItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  const char *order_id;

  if (item == NULL || self->shop_client != NULL)
    return;
  order_id = kp_sale_item_get_sale (item)->partner_order_id;
  gtk_single_selection_set_selected (self->selection, position);

  /* Enter on a row: on to its "Refund…", once the detail has it. */
  if (g_strcmp0 (kp_sale_detail_get_order_id (self->detail), order_id) == 0 &&
      kp_sale_detail_get_sale (self->detail) != NULL &&
      g_strcmp0 (kp_sale_detail_get_sale (self->detail)->partner_order_id, order_id) == 0)
    kp_sale_detail_focus_refund (self->detail);
  else
    {
      g_free (self->focus_refund_of);
      self->focus_refund_of = g_strdup (order_id);
    }
}

/* Searching */

static gboolean
text_is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
select_first (KpHistoryView *self)
{
  self->select_first = FALSE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    return;
  gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->sales_view));
}

static void
show_results (KpHistoryView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *count = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->list_window), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), self->has_more);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.more", self->has_more);

  if (n == 0)
    {
      g_autofree char *description = NULL;

      if (!text_is_blank (text))
        /* Translators: %s is what the cashier searched for */
        description = g_strdup_printf (_("No sale matches “%s”."), text);
      else
        {
          g_autofree char *day = kp_format_day (&self->day);

          /* Translators: %s is a date, 2026-11-25 */
          description = g_strdup_printf (_("No sales on %s."), day);
        }
      adw_status_page_set_description (self->empty_page, description);
    }

  if (self->has_more)
    /* Translators: %u is how many sales are listed; more can be shown */
    count = g_strdup_printf (_("The newest %u sales are shown."), n);
  else
    count = g_strdup_printf (ngettext ("%u sale", "%u sales", n), n);
  gtk_label_set_text (self->count_label, count);
}

typedef struct
{
  KpHistoryView *self;
  gboolean       append;
  gboolean       whole_shop;
  gint64         started;
} SearchData;

static void
search_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SearchData *data = user_data;
  g_autoptr (KpHistoryView) self = data->self;
  gboolean append = data->append;
  gint64 started = data->started;
  gboolean whole_shop = data->whole_shop;
  g_autoptr (GPtrArray) sales = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  const char *selected_order = kp_sale_detail_get_order_id (self->detail);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint position;

  g_free (data);
#ifdef HAVE_SHOPDB
  if (whole_shop)
    sales = kp_shop_client_search_finish (KP_SHOP_CLIENT (source), result, &error);
  else
#endif
    sales = kp_journal_search_finish (KP_JOURNAL (source), result, &error);
  if (sales == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->searching = FALSE;
      gtk_spinner_set_spinning (self->search_spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), FALSE);
      /* Translators: %s is the reason */
      message = g_strdup_printf (_("The search failed: %s"), error->message);
      gtk_label_set_text (self->count_label, message);
      return;
    }

  self->searching = FALSE;
  gtk_spinner_set_spinning (self->search_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), FALSE);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < sales->len; i++)
    g_ptr_array_add (items, kp_sale_item_new (g_ptr_array_index (sales, i)));

  self->updating = TRUE;
  if (append)
    g_list_store_splice (self->store, n_old, 0, items->pdata, items->len);
  else
    g_list_store_splice (self->store, 0, n_old, items->pdata, items->len);
  self->has_more = sales->len == PAGE_SIZE;

  /* Keep the sale in the detail selected if it is still listed. */
  if (find_order (self, selected_order, &position))
    gtk_single_selection_set_selected (self->selection, position);
  else if (!append)
    gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->updating = FALSE;

  show_results (self);
  g_debug ("%u sales listed in %.1f ms", sales->len,
           (g_get_monotonic_time () - started) / 1000.0);

  if (!append && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    {
      /* A single match (an order id, a tid) opens at once. */
      if (self->select_first || g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 1)
        {
          self->updating = FALSE;
          gtk_single_selection_set_selected (self->selection, 0);
        }
      else
        kp_sale_detail_show_sale (self->detail, NULL);
    }
  if (self->select_first)
    select_first (self);
}

static void
search (KpHistoryView *self,
        gboolean       append)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  gboolean all_days = gtk_check_button_get_active (self->all_days_check) && !text_is_blank (text);
  g_autoptr (KpJournalQuery) query = NULL;
  SearchData *data;

  if (self->journal == NULL)
    return;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_cancellable = g_cancellable_new ();

  query = kp_journal_query_new (all_days ? NULL : &self->day, text);
  query->offset = append ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  query->limit = PAGE_SIZE;

  self->searching = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), TRUE);
  gtk_spinner_set_spinning (self->search_spinner, TRUE);

  data = g_new0 (SearchData, 1);
  data->self = g_object_ref (self);
  data->append = append;
  data->started = g_get_monotonic_time ();
#ifdef HAVE_SHOPDB
  data->whole_shop = self->shop_client != NULL;
  if (data->whole_shop)
    {
      kp_shop_client_search_async (KP_SHOP_CLIENT (self->shop_client), query,
                                   self->search_cancellable, search_cb, data);
      return;
    }
#endif
  kp_journal_search_async (self->journal, query, self->search_cancellable, search_cb, data);
}

static void
on_search_changed_cb (KpHistoryView *self)
{
  search (self, FALSE);
}

static void
on_search_activate_cb (KpHistoryView *self)
{
  /* Enter: the first match, once there. */
  self->select_first = TRUE;
  if (!self->searching)
    select_first (self);
}

static void
on_search_stop_cb (KpHistoryView *self)
{
  /* Escape clears the search, and with nothing to clear goes back to the sale. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-sale", NULL);
}

static void
on_all_days_toggled_cb (KpHistoryView *self)
{
  if (!text_is_blank (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))))
    search (self, FALSE);
}

/* Days */

static void
update_day (KpHistoryView *self)
{
  g_autofree char *text = kp_format_day (&self->day);
  g_autofree char *label = NULL;
  g_autoptr (GDateTime) shown = NULL;
  GDate now;

  today (&now);
  self->following_today = g_date_compare (&self->day, &now) == 0;
  if (self->following_today)
    /* Translators: %s is today's date, 2026-11-25 */
    label = g_strdup_printf (_("%s (today)"), text);
  else
    label = g_steal_pointer (&text);
  gtk_menu_button_set_label (self->day_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->day_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.next-day",
                                 g_date_compare (&self->day, &now) < 0);

  shown = g_date_time_new_local (g_date_get_year (&self->day), g_date_get_month (&self->day),
                                 g_date_get_day (&self->day), 12, 0, 0);
  self->setting_calendar = TRUE;
  gtk_calendar_select_day (self->calendar, shown);
  self->setting_calendar = FALSE;
}

static void
set_day (KpHistoryView *self,
         const GDate   *day)
{
  if (g_date_valid (&self->day) && g_date_compare (&self->day, day) == 0)
    return;
  self->day = *day;
  update_day (self);
  search (self, FALSE);
}

static void
on_calendar_day_selected_cb (KpHistoryView *self)
{
  g_autoptr (GDateTime) date = NULL;
  GDate day;

  if (self->setting_calendar)
    return;
  date = gtk_calendar_get_date (self->calendar);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (date), g_date_time_get_month (date),
                  g_date_time_get_year (date));
  gtk_popover_popdown (self->calendar_popover);
  set_day (self, &day);
}

static void
previous_day_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KpHistoryView *self = KP_HISTORY_VIEW (widget);
  GDate day = self->day;

  g_date_subtract_days (&day, 1);
  set_day (self, &day);
}

static void
next_day_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KpHistoryView *self = KP_HISTORY_VIEW (widget);
  GDate day = self->day;
  GDate now;

  today (&now);
  g_date_add_days (&day, 1);
  if (g_date_compare (&day, &now) <= 0)
    set_day (self, &day);
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GDate now;

  today (&now);
  set_day (KP_HISTORY_VIEW (widget), &now);
}

static void
more_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KpHistoryView *self = KP_HISTORY_VIEW (widget);

  if (self->has_more)
    search (self, TRUE);
}

static void
day_report_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KpHistoryView *self = KP_HISTORY_VIEW (widget);
  g_autofree char *day = kp_format_day (&self->day);

  gtk_widget_activate_action (widget, "app.day-report", "s", day);
}

/* The whole shop */

static void
on_scope_toggled_cb (KpHistoryView *self)
{
  gboolean whole_shop = gtk_toggle_button_get_active (self->whole_shop_button);

  g_clear_object (&self->shop_client);
  if (whole_shop)
    self->shop_client = kp_terminal_new_shop_client (self->terminal);
  gtk_column_view_column_set_visible (self->terminal_column, self->shop_client != NULL);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  kp_sale_detail_show_sale (self->detail, NULL);
  search (self, FALSE);
}

/* The switch is there while the terminal replicates to a shop database. */
static void
on_shop_replicator_changed_cb (KpHistoryView *self)
{
  if (kp_shop_scope_update (self->terminal, GTK_WIDGET (self->scope_box),
                            self->whole_shop_button))
    on_scope_toggled_cb (self);
}

/* Sales are listed once the terminal can take them: its journal open, its services up. */
static void
on_terminal_checkout_cb (KpHistoryView *self)
{
  if (kp_terminal_get_checkout (self->terminal) != NULL)
    g_set_object (&self->journal, kp_terminal_get_journal (self->terminal));
}

static void
kp_history_view_dispose (GObject *object)
{
  KpHistoryView *self = KP_HISTORY_VIEW (object);

  g_cancellable_cancel (self->search_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KP_TYPE_HISTORY_VIEW);
  g_clear_object (&self->selection);
  g_clear_object (&self->store);
  g_clear_object (&self->journal);
  g_clear_object (&self->shop_client);
  g_clear_object (&self->terminal);

  G_OBJECT_CLASS (kp_history_view_parent_class)->dispose (object);
}

static void
kp_history_view_finalize (GObject *object)
{
  KpHistoryView *self = KP_HISTORY_VIEW (object);

  g_clear_object (&self->search_cancellable);
  g_free (self->focus_refund_of);

  G_OBJECT_CLASS (kp_history_view_parent_class)->finalize (object);
}

static void
kp_history_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KpHistoryView *self = KP_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_TERMINAL:
      g_value_set_object (value, self->terminal);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_history_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KpHistoryView *self = KP_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_TERMINAL:
      self->terminal = g_value_dup_object (value);
      g_signal_connect_object (self->terminal, "notify::checkout",
                               G_CALLBACK (on_terminal_checkout_cb), self, G_CONNECT_SWAPPED);
      on_terminal_checkout_cb (self);
      kp_sale_detail_set_terminal (self->detail, self->terminal);
      g_signal_connect_object (self->terminal, "shop-replicator-changed",
                               G_CALLBACK (on_shop_replicator_changed_cb), self,
                               G_CONNECT_SWAPPED);
      on_shop_replicator_changed_cb (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_history_view_class_init (KpHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kp_history_view_dispose;
  object_class->finalize = kp_history_view_finalize;
  object_class->get_property = kp_history_view_get_property;
  object_class->set_property = kp_history_view_set_property;

  /* Whose journal the sales are read from (and refunded with). */
  properties[PROP_TERMINAL] =
    g_param_spec_object ("terminal", NULL, NULL, KP_TYPE_TERMINAL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kppos/KakaoPayPos/kp-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, all_days_check);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, calendar);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, calendar_popover);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, count_label);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, day_button);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, detail);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, list_window);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, more_button);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, sales_view);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, search_spinner);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, scope_box);
  gtk_widget_class_bind_template_child (widget_class, KpHistoryView, whole_shop_button);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_all_days_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_detail_sale_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sales_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop_cb);

  gtk_widget_class_install_action (widget_class, "history.previous-day", NULL,
                                   previous_day_action);
  gtk_widget_class_install_action (widget_class, "history.next-day", NULL, next_day_action);
  gtk_widget_class_install_action (widget_class, "history.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "history.more", NULL, more_action);
  gtk_widget_class_install_action (widget_class, "history.day-report", NULL, day_report_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "history.previous-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "history.next-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.show-sale", NULL);

  g_type_ensure (KP_TYPE_SALE_DETAIL);
}

static void
kp_history_view_init (KpHistoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_search_entry_set_search_delay (self->search_entry, 250);
  self->store = g_list_store_new (KP_TYPE_SALE_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->store)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->sales_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);

  kp_sale_columns_append (self->sales_view);
  self->terminal_column = kp_sale_columns_insert_terminal (self->sales_view);

  today (&self->day);
  update_day (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.more", FALSE);
  show_results (self);
}

/**
 * kp_history_view_refresh:
 *
 * Reads the list (and the sale shown) again: sales were made or changed meanwhile.
 */
void
kp_history_view_refresh (KpHistoryView *self)
{
  g_return_if_fail (KP_IS_HISTORY_VIEW (self));

  /* Past midnight, "today" is the new day. */
  if (self->following_today)
    {
      GDate now;

      today (&now);
      if (g_date_compare (&self->day, &now) != 0)
        {
          self->day = now;
          update_day (self);
        }
    }
  search (self, FALSE);
  kp_sale_detail_reload (self->detail);
}

void
kp_history_view_focus_search (KpHistoryView *self)
{
  g_return_if_fail (KP_IS_HISTORY_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/**
 * kp_history_view_focus:
 *
 * Gives the focus to the list, or to the search when the list is empty.
 */
void
kp_history_view_focus (KpHistoryView *self)
{
  g_return_if_fail (KP_IS_HISTORY_VIEW (self));

  kp_history_view_focus_search (self);
}

const GDate *
kp_history_view_get_day (KpHistoryView *self)
{
  g_return_val_if_fail (KP_IS_HISTORY_VIEW (self), NULL);

  return &self->day;
}
