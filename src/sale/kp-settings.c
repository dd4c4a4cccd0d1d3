/* kp-settings.c: the terminal's settings, typed, with this run's command-line overrides
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "kp-receipt.h"
#include "kp-receipt-printer.h"
#include "kp-settings.h"

/*
 * KpSettings holds what the rest of the terminal reads of its configuration: one
 * property per GSettings key (the same name), kept in step with GSettings, and the
 * options given on the command line, applied once at start. An option wins over the
 * key for this run only: its property is unbound and never written back, so the
 * stored settings stay what the shop chose. Preferences write GSettings (see
 * kp_settings_get_gsettings()); everything else reads here and listens to notify.
 */

G_DEFINE_ENUM_TYPE (KpDialect, kp_dialect,
  G_DEFINE_ENUM_VALUE (KP_DIALECT_ONLINE, "online"),
  G_DEFINE_ENUM_VALUE (KP_DIALECT_LEGACY, "legacy"))

G_DEFINE_ENUM_TYPE (KpQrTarget, kp_qr_target,
  G_DEFINE_ENUM_VALUE (KP_QR_TARGET_PC, "pc"),
  G_DEFINE_ENUM_VALUE (KP_QR_TARGET_MOBILE, "mobile"),
  G_DEFINE_ENUM_VALUE (KP_QR_TARGET_PAGE, "page"))

G_DEFINE_ENUM_TYPE (KpDelivery, kp_delivery,
  G_DEFINE_ENUM_VALUE (KP_DELIVERY_LISTENER, "listener"),
  G_DEFINE_ENUM_VALUE (KP_DELIVERY_RELAY, "relay"))

enum
{
  PROP_0,
  /* Bound to the GSettings key of the same name. */
  PROP_TEST_MODE,
  PROP_DIALECT,
  PROP_API_BASE,
  PROP_CID,
  PROP_TERMINAL_ID,
  PROP_PARTNER_USER_ID,
  PROP_CALLBACK_LISTEN,
  PROP_CALLBACK_BASE,
  PROP_APPROVAL_DELIVERY,
  PROP_RELAY_URL,
  PROP_QR_TARGET,
  PROP_POLL_INTERVAL,
  PROP_REQUEST_TIMEOUT,
  PROP_TID_LIFETIME,
  PROP_SHOP_NAME,
  PROP_SHOP_BUSINESS_NUMBER,
  PROP_SHOP_REPRESENTATIVE,
  PROP_SHOP_ADDRESS,
  PROP_SHOP_PHONE,
  PROP_CUSTOMER_DISPLAY,
  PROP_PRINTER,
  PROP_PAPER_WIDTH,
  PROP_AUTO_PRINT,
  PROP_PRINTER_CODEPAGE,
  PROP_SHOP_DB,
  /* Only ever from the command line. */
  PROP_SECRET_KEY_FILE,
  PROP_RELAY_TOKEN_FILE,
  PROP_JOURNAL,
  N_PROPS
};

#define FIRST_OPTION_ONLY PROP_SECRET_KEY_FILE

static GParamSpec *properties[N_PROPS];

/* Which property each overridable setting is. */
static const guint setting_props[KP_N_SETTINGS] = {
  [KP_SETTING_TEST_MODE] = PROP_TEST_MODE,
  [KP_SETTING_DIALECT] = PROP_DIALECT,
  [KP_SETTING_API_BASE] = PROP_API_BASE,
  [KP_SETTING_CID] = PROP_CID,
  [KP_SETTING_TERMINAL_ID] = PROP_TERMINAL_ID,
  [KP_SETTING_CALLBACK_LISTEN] = PROP_CALLBACK_LISTEN,
  [KP_SETTING_CALLBACK_BASE] = PROP_CALLBACK_BASE,
  [KP_SETTING_APPROVAL_DELIVERY] = PROP_APPROVAL_DELIVERY,
  [KP_SETTING_RELAY_URL] = PROP_RELAY_URL,
  [KP_SETTING_QR_TARGET] = PROP_QR_TARGET,
  [KP_SETTING_SECRET_KEY_FILE] = PROP_SECRET_KEY_FILE,
  [KP_SETTING_RELAY_TOKEN_FILE] = PROP_RELAY_TOKEN_FILE,
  [KP_SETTING_JOURNAL] = PROP_JOURNAL,
  [KP_SETTING_PRINTER] = PROP_PRINTER,
  [KP_SETTING_PAPER_WIDTH] = PROP_PAPER_WIDTH,
  [KP_SETTING_AUTO_PRINT] = PROP_AUTO_PRINT,
  [KP_SETTING_SHOP_DB] = PROP_SHOP_DB,
};

struct _KpSettings
{
  GObject    parent_instance;

  GSettings *settings;
  GValue     values[N_PROPS];
  gboolean   overridden[N_PROPS];
  gboolean   options_applied;
};

G_DEFINE_FINAL_TYPE (KpSettings, kp_settings, G_TYPE_OBJECT)

static void
kp_settings_finalize (GObject *object)
{
  KpSettings *self = KP_SETTINGS (object);

  for (guint i = 1; i < N_PROPS; i++)
    g_value_unset (&self->values[i]);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kp_settings_parent_class)->finalize (object);
}

static void
kp_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KpSettings *self = KP_SETTINGS (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_value_copy (&self->values[prop_id], value);
}

static void
kp_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  KpSettings *self = KP_SETTINGS (object);

  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (g_param_values_cmp (pspec, &self->values[prop_id], value) == 0)
    return;
  g_value_copy (value, &self->values[prop_id]);
  g_object_notify_by_pspec (object, pspec);
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, "",
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_property (const char *name,
               guint       minimum,
               guint       maximum,
               guint       default_value)
{
  return g_param_spec_uint (name, NULL, NULL, minimum, maximum, default_value,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                            G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
enum_property (const char *name,
               GType       type)
{
  return g_param_spec_enum (name, NULL, NULL, type, 0,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                            G_PARAM_STATIC_STRINGS);
}

static void
kp_settings_class_init (KpSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_settings_finalize;
  object_class->get_property = kp_settings_get_property;
  object_class->set_property = kp_settings_set_property;

  properties[PROP_TEST_MODE] =
    g_param_spec_boolean ("test-mode", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_DIALECT] = enum_property ("dialect", KP_TYPE_DIALECT);
  properties[PROP_API_BASE] = string_property ("api-base");
  properties[PROP_CID] = string_property ("cid");
  properties[PROP_TERMINAL_ID] = string_property ("terminal-id");
  properties[PROP_PARTNER_USER_ID] = string_property ("partner-user-id");
  properties[PROP_CALLBACK_LISTEN] = string_property ("callback-listen");
  properties[PROP_CALLBACK_BASE] = string_property ("callback-base");
  properties[PROP_APPROVAL_DELIVERY] = enum_property ("approval-delivery", KP_TYPE_DELIVERY);
  properties[PROP_RELAY_URL] = string_property ("relay-url");
  properties[PROP_QR_TARGET] = enum_property ("qr-target", KP_TYPE_QR_TARGET);
  properties[PROP_POLL_INTERVAL] = uint_property ("poll-interval", 500, 60000, 2000);
  properties[PROP_REQUEST_TIMEOUT] = uint_property ("request-timeout", 1, 120, 10);
  properties[PROP_TID_LIFETIME] = uint_property ("tid-lifetime", 10, 3600, 900);
  properties[PROP_SHOP_NAME] = string_property ("shop-name");
  properties[PROP_SHOP_BUSINESS_NUMBER] = string_property ("shop-business-number");
  properties[PROP_SHOP_REPRESENTATIVE] = string_property ("shop-representative");
  properties[PROP_SHOP_ADDRESS] = string_property ("shop-address");
  properties[PROP_SHOP_PHONE] = string_property ("shop-phone");
  properties[PROP_CUSTOMER_DISPLAY] =
    g_param_spec_boolean ("customer-display", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_PRINTER] = string_property ("printer");
  properties[PROP_PAPER_WIDTH] = uint_property ("paper-width", 32, 48, 42);
  properties[PROP_AUTO_PRINT] =
    g_param_spec_boolean ("auto-print", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_PRINTER_CODEPAGE] = string_property ("printer-codepage");
  properties[PROP_SHOP_DB] = string_property ("shop-db");
  properties[PROP_SECRET_KEY_FILE] = string_property ("secret-key-file");
  properties[PROP_RELAY_TOKEN_FILE] = string_property ("relay-token-file");
  properties[PROP_JOURNAL] = string_property ("journal");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_settings_init (KpSettings *self)
{
  for (guint i = 1; i < N_PROPS; i++)
    {
      g_value_init (&self->values[i], G_PARAM_SPEC_VALUE_TYPE (properties[i]));
      g_param_value_set_default (properties[i], &self->values[i]);
    }
  /* The options that are no setting are unset until given. */
  for (guint i = FIRST_OPTION_ONLY; i < N_PROPS; i++)
    g_value_set_string (&self->values[i], NULL);
}

/**
 * kp_settings_new:
 * @settings: the application's #GSettings
 *
 * Returns: (transfer full): settings that follow @settings
 */
KpSettings *
kp_settings_new (GSettings *settings)
{
  KpSettings *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (KP_TYPE_SETTINGS, NULL);
  self->settings = g_object_ref (settings);
  for (guint i = 1; i < FIRST_OPTION_ONLY; i++)
    g_settings_bind (settings, g_param_spec_get_name (properties[i]), self,
                     g_param_spec_get_name (properties[i]), G_SETTINGS_BIND_GET);
  return self;
}

static void
override (KpSettings   *self,
          guint         prop_id,
          const GValue *value)
{
  const char *name = g_param_spec_get_name (properties[prop_id]);

  if (prop_id < FIRST_OPTION_ONLY)
    g_settings_unbind (self, name);
  self->overridden[prop_id] = TRUE;
  g_object_set_property (G_OBJECT (self), name, value);
}

static void
override_string (KpSettings *self,
                 guint       prop_id,
                 const char *text)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  override (self, prop_id, &value);
}

static void
override_enum (KpSettings *self,
               guint       prop_id,
               int         number)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (properties[prop_id]));
  g_value_set_enum (&value, number);
  override (self, prop_id, &value);
}

static void
override_boolean (KpSettings *self,
                  guint       prop_id,
                  gboolean    flag)
{
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_BOOLEAN);
  g_value_set_boolean (&value, flag);
  override (self, prop_id, &value);
}

/* A string option, or a file name (bytes in the file system's encoding). */
static const char *
lookup (GVariantDict *options,
        const char   *name)
{
  const char *value = NULL;

  if (g_variant_dict_lookup (options, name, "&s", &value))
    return value;
  if (g_variant_dict_lookup (options, name, "^&ay", &value))
    return value;
  return NULL;
}

/* Whether this program takes @value of @type: the payment page needs a web view. */
static gboolean
enum_value_available (GType type,
                      int   value)
{
  return type != KP_TYPE_QR_TARGET || value != KP_QR_TARGET_PAGE ||
         kp_settings_has_payment_page ();
}

/* An option naming one of an enum's nicks. */
static gboolean
lookup_enum (GVariantDict  *options,
             const char    *name,
             GType          type,
             int           *out_value,
             GError       **error)
{
  g_autoptr (GEnumClass) klass = NULL;
  g_autoptr (GString) nicks = NULL;
  const char *text = lookup (options, name);
  GEnumValue *value;

  if (text == NULL)
    return FALSE;
  klass = g_type_class_ref (type);
  value = g_enum_get_value_by_nick (klass, text);
  if (value != NULL && enum_value_available (type, value->value))
    {
      *out_value = value->value;
      return TRUE;
    }

  nicks = g_string_new (NULL);
  for (guint i = 0; i < klass->n_values; i++)
    {
      if (enum_value_available (type, klass->values[i].value))
        g_string_append_printf (nicks, "%s%s", nicks->len > 0 ? ", " : "",
                                klass->values[i].value_nick);
    }
  /* Translators: the first %s is an option (--dialect), the second what was given,
   * the third the values it takes ("online, legacy") */
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--%s does not take “%s”: use one of %s."), name, text, nicks->str);
  return FALSE;
}

/* --printer: none, system, or an address kp_receipt_printer_new() takes. */
static gboolean
check_printer_option (const char  *printer,
                      GError     **error)
{
  g_autoptr (KpReceiptPrinter) receipt_printer = NULL;
  g_autoptr (GError) local_error = NULL;

  if (g_str_equal (printer, "none") || g_str_equal (printer, "system"))
    return TRUE;

  receipt_printer = kp_receipt_printer_new (printer, &local_error);
  if (receipt_printer != NULL)
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               /* Translators: %s is what was given; keep the option and the forms as
                * they are */
               _("--printer does not take “%s”: use tcp://HOST:PORT, file:PATH, system or "
                 "none."), printer);
  return FALSE;
}

/**
 * kp_settings_apply_options:
 * @options: the command line's options
 * @error: return location for a #GError (%G_OPTION_ERROR_BAD_VALUE)
 *
 * Applies the command line, once: each option given overrides its setting for this
 * run, and what it implies follows (`--sandbox` is test mode; a KakaoPay address or a
 * secret key file is not; `--relay` delivers through the relay, `--callback-listen`
 * or `--callback-base` through the listener).
 *
 * Returns: %FALSE if an option's value is not one it takes (nothing is applied then)
 */
gboolean
kp_settings_apply_options (KpSettings    *self,
                           GVariantDict  *options,
                           GError       **error)
{
  static const struct
  {
    const char *option;
    guint       prop_id;
  } strings[] = {
    { "api-base", PROP_API_BASE },
    { "cid", PROP_CID },
    { "terminal-id", PROP_TERMINAL_ID },
    { "callback-listen", PROP_CALLBACK_LISTEN },
    { "callback-base", PROP_CALLBACK_BASE },
    { "relay", PROP_RELAY_URL },
    { "secret-key-file", PROP_SECRET_KEY_FILE },
    { "relay-token-file", PROP_RELAY_TOKEN_FILE },
    { "journal", PROP_JOURNAL },
    { "shop-db", PROP_SHOP_DB },
  };
  int dialect = 0;
  int qr_target = 0;
  int paper_width = 0;
  gboolean has_dialect;
  gboolean has_qr_target = FALSE;
  gboolean has_paper_width;
  const char *printer = lookup (options, "printer");
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (KP_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (!self->options_applied, FALSE);

  /* Every value checked before any is applied. */
  has_dialect = lookup_enum (options, "dialect", KP_TYPE_DIALECT, &dialect, &local_error);
  if (local_error == NULL)
    has_qr_target = lookup_enum (options, "qr-target", KP_TYPE_QR_TARGET, &qr_target,
                                 &local_error);
  if (local_error == NULL && printer != NULL)
    check_printer_option (printer, &local_error);
  has_paper_width = g_variant_dict_lookup (options, "paper-width", "i", &paper_width);
  if (local_error == NULL && has_paper_width && !kp_receipt_columns_are_valid (paper_width))
    g_set_error (&local_error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 /* Translators: %d is what was given; keep --paper-width as it is */
                 _("--paper-width does not take %d: use 32, 42 or 48."), paper_width);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->options_applied = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      const char *text = lookup (options, strings[i].option);

      if (text != NULL)
        override_string (self, strings[i].prop_id, text);
    }
  if (has_dialect)
    override_enum (self, PROP_DIALECT, dialect);
  if (has_qr_target)
    override_enum (self, PROP_QR_TARGET, qr_target);
  if (printer != NULL)
    override_string (self, PROP_PRINTER, printer);
  if (has_paper_width)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_TYPE_UINT);
      g_value_set_uint (&value, paper_width);
      override (self, PROP_PAPER_WIDTH, &value);
    }
  if (g_variant_dict_contains (options, "auto-print"))
    override_boolean (self, PROP_AUTO_PRINT, TRUE);

  /* The sandbox, or KakaoPay itself when its address or key is given. */
  if (g_variant_dict_contains (options, "sandbox"))
    override_boolean (self, PROP_TEST_MODE, TRUE);
  else if (self->overridden[PROP_API_BASE] || self->overridden[PROP_SECRET_KEY_FILE])
    override_boolean (self, PROP_TEST_MODE, FALSE);

  if (self->overridden[PROP_RELAY_URL])
    override_enum (self, PROP_APPROVAL_DELIVERY, KP_DELIVERY_RELAY);
  else if (self->overridden[PROP_CALLBACK_LISTEN] || self->overridden[PROP_CALLBACK_BASE])
    override_enum (self, PROP_APPROVAL_DELIVERY, KP_DELIVERY_LISTENER);
  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/**
 * kp_settings_is_overridden:
 * @setting: a setting
 *
 * Returns: whether the command line set @setting for this run (Preferences then
 *   shows it as such instead of offering to change it)
 */
gboolean
kp_settings_is_overridden (KpSettings *self,
                           KpSetting   setting)
{
  g_return_val_if_fail (KP_IS_SETTINGS (self), FALSE);
  g_return_val_if_fail (setting < KP_N_SETTINGS, FALSE);

  return self->overridden[setting_props[setting]];
}

/**
 * kp_settings_get_gsettings:
 *
 * Returns: (transfer none): the stored settings, for Preferences to change
 */
GSettings *
kp_settings_get_gsettings (KpSettings *self)
{
  g_return_val_if_fail (KP_IS_SETTINGS (self), NULL);

  return self->settings;
}

/* Whether the program can show KakaoPay's page itself: it says so at start
 * (kp_settings_set_has_payment_page()). */
static gboolean has_payment_page;

/**
 * kp_settings_has_payment_page:
 *
 * Returns: whether this program can show KakaoPay's page itself (%KP_QR_TARGET_PAGE),
 *   as set with kp_settings_set_has_payment_page(); %FALSE until then. Without,
 *   `--qr-target page` is refused and the setting reads as %KP_QR_TARGET_PC.
 */
gboolean
kp_settings_has_payment_page (void)
{
  return has_payment_page;
}

/**
 * kp_settings_set_has_payment_page:
 * @available: whether a web view for KakaoPay's page can be shown
 *
 * Says, for the whole process, whether %KP_QR_TARGET_PAGE is on offer. The sale
 * engine needs nothing of its own for that mode (the redirect reaches
 * kp_checkout_take_redirect()); the program that shows the page knows whether it can.
 * Set it before options are applied; settings read afterwards follow it.
 */
void
kp_settings_set_has_payment_page (gboolean available)
{
  has_payment_page = !!available;
}

#define STRING_GETTER(name, prop) \
  const char * \
  kp_settings_get_##name (KpSettings *self) \
  { \
    g_return_val_if_fail (KP_IS_SETTINGS (self), NULL); \
    return g_value_get_string (&self->values[prop]); \
  }

#define UINT_GETTER(name, prop) \
  guint \
  kp_settings_get_##name (KpSettings *self) \
  { \
    g_return_val_if_fail (KP_IS_SETTINGS (self), 0); \
    return g_value_get_uint (&self->values[prop]); \
  }

#define ENUM_GETTER(type, name, prop) \
  type \
  kp_settings_get_##name (KpSettings *self) \
  { \
    g_return_val_if_fail (KP_IS_SETTINGS (self), 0); \
    return (type) g_value_get_enum (&self->values[prop]); \
  }

gboolean
kp_settings_get_test_mode (KpSettings *self)
{
  g_return_val_if_fail (KP_IS_SETTINGS (self), TRUE);
  return g_value_get_boolean (&self->values[PROP_TEST_MODE]);
}

ENUM_GETTER (KpDialect, dialect, PROP_DIALECT)
STRING_GETTER (api_base, PROP_API_BASE)
STRING_GETTER (cid, PROP_CID)
STRING_GETTER (terminal_id, PROP_TERMINAL_ID)
STRING_GETTER (partner_user_id, PROP_PARTNER_USER_ID)
STRING_GETTER (callback_listen, PROP_CALLBACK_LISTEN)
STRING_GETTER (callback_base, PROP_CALLBACK_BASE)
ENUM_GETTER (KpDelivery, approval_delivery, PROP_APPROVAL_DELIVERY)
STRING_GETTER (relay_url, PROP_RELAY_URL)

KpQrTarget
kp_settings_get_qr_target (KpSettings *self)
{
  KpQrTarget target;

  g_return_val_if_fail (KP_IS_SETTINGS (self), KP_QR_TARGET_PC);

  /* Stored where the page could be shown. */
  target = g_value_get_enum (&self->values[PROP_QR_TARGET]);
  if (!enum_value_available (KP_TYPE_QR_TARGET, target))
    return KP_QR_TARGET_PC;
  return target;
}

UINT_GETTER (poll_interval, PROP_POLL_INTERVAL)
UINT_GETTER (request_timeout, PROP_REQUEST_TIMEOUT)
UINT_GETTER (tid_lifetime, PROP_TID_LIFETIME)
STRING_GETTER (shop_name, PROP_SHOP_NAME)
STRING_GETTER (shop_business_number, PROP_SHOP_BUSINESS_NUMBER)
STRING_GETTER (shop_representative, PROP_SHOP_REPRESENTATIVE)
STRING_GETTER (shop_address, PROP_SHOP_ADDRESS)
STRING_GETTER (shop_phone, PROP_SHOP_PHONE)
gboolean
kp_settings_get_customer_display (KpSettings *self)
{
  g_return_val_if_fail (KP_IS_SETTINGS (self), FALSE);
  return g_value_get_boolean (&self->values[PROP_CUSTOMER_DISPLAY]);
}

STRING_GETTER (secret_key_file, PROP_SECRET_KEY_FILE)
STRING_GETTER (relay_token_file, PROP_RELAY_TOKEN_FILE)
STRING_GETTER (journal, PROP_JOURNAL)

/**
 * kp_settings_get_printer:
 *
 * Returns: where receipts go: "tcp://HOST[:PORT]", "file:PATH", "system" or "none"
 *   (also for an empty setting)
 */
const char *
kp_settings_get_printer (KpSettings *self)
{
  const char *printer;

  g_return_val_if_fail (KP_IS_SETTINGS (self), NULL);

  printer = g_value_get_string (&self->values[PROP_PRINTER]);
  if (printer == NULL || *printer == '\0')
    return "none";
  return printer;
}

/**
 * kp_settings_get_paper_width:
 *
 * Returns: the receipt paper's width in columns: 32, 42 or 48 (42 for any other
 *   value stored)
 */
guint
kp_settings_get_paper_width (KpSettings *self)
{
  guint columns;

  g_return_val_if_fail (KP_IS_SETTINGS (self), KP_RECEIPT_COLUMNS_80MM);

  columns = g_value_get_uint (&self->values[PROP_PAPER_WIDTH]);
  if (!kp_receipt_columns_are_valid (columns))
    return KP_RECEIPT_COLUMNS_80MM;
  return columns;
}

gboolean
kp_settings_get_auto_print (KpSettings *self)
{
  g_return_val_if_fail (KP_IS_SETTINGS (self), FALSE);
  return g_value_get_boolean (&self->values[PROP_AUTO_PRINT]);
}

STRING_GETTER (printer_codepage, PROP_PRINTER_CODEPAGE)

/**
 * kp_settings_get_shop_db:
 *
 * Returns: the shop database's libpq connection string, without its password (which
 *   is in the keyring); empty when this terminal replicates to none
 */
STRING_GETTER (shop_db, PROP_SHOP_DB)
