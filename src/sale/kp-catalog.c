/* kp-catalog.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-catalog"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "kp-catalog-private.h"
#include "kp-money.h"

/*
 * The product catalog: one SQLite file (catalog.db beside the journal), private to
 * its owner, in WAL mode. The journal keeps what each sale sold and at what price, so
 * a product's price may change here without touching any past sale. One connection,
 * used by one thread at a time (the lock): the async calls run the same code in a
 * worker thread.
 */

/* What the substring search scans: every active product's keys, in memory. */
typedef struct
{
  gint64  id;
  char   *name_key;
  char   *initials;
} SearchEntry;

struct _KpCatalog
{
  GObject  parent_instance;

  GMutex   lock;
  sqlite3 *db;
  char    *path;
  GHashTable *statements;   /* SQL text → its prepared statement */
  GArray  *search_entries;   /* of SearchEntry; NULL until needed or after a change */
  gint64   data_version;     /* of the file when search_entries was read */
};

G_DEFINE_FINAL_TYPE (KpCatalog, kp_catalog, G_TYPE_OBJECT)
G_DEFINE_QUARK (kp-catalog-error-quark, kp_catalog_error)
G_DEFINE_BOXED_TYPE (KpCatalogProduct, kp_catalog_product,
                     kp_catalog_product_copy, kp_catalog_product_free)

/* A statement from the connection's cache (prepare()): given back, not finalized. */
typedef sqlite3_stmt CachedStmt;

static void
release_stmt (CachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CachedStmt, release_stmt)

/* Step N takes a file from user_version N-1 to N. */
static const char * const schema_steps[] = {
  "CREATE TABLE products ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  initials TEXT NOT NULL,"
  "  price INTEGER NOT NULL CHECK (price > 0),"
  "  tax_free INTEGER NOT NULL DEFAULT 0,"
  "  category TEXT,"
  "  quick_key INTEGER CHECK (quick_key IS NULL OR quick_key > 0),"
  "  active INTEGER NOT NULL DEFAULT 1"
  ");"
  "CREATE INDEX products_name_key ON products (name_key);"
  "CREATE INDEX products_initials ON products (initials);"
  "CREATE INDEX products_quick_key ON products (category, quick_key)"
  "  WHERE quick_key IS NOT NULL;"
  "CREATE TABLE barcodes ("
  "  barcode TEXT PRIMARY KEY,"
  "  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE INDEX barcodes_product ON barcodes (product_id, position);",
};

#define SCHEMA_VERSION ((int) G_N_ELEMENTS (schema_steps))

#define PRODUCT_COLUMNS "id, name, price, tax_free, category, quick_key, active"

/* The initial consonants (choseong) as compatibility jamo, in the order of the
 * syllables block: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ. */
static const gunichar choseong[] = {
  0x3131, 0x3132, 0x3134, 0x3137, 0x3138, 0x3139, 0x3141, 0x3142, 0x3143, 0x3145,
  0x3146, 0x3147, 0x3148, 0x3149, 0x314A, 0x314B, 0x314C, 0x314D, 0x314E,
};

#define HANGUL_FIRST 0xAC00
#define HANGUL_LAST  0xD7A3
/* 21 vowels × 28 finals per initial consonant. */
#define HANGUL_PER_INITIAL (21 * 28)

KpCatalogProduct *
kp_catalog_product_new (const char *name,
                        gint64      price)
{
  KpCatalogProduct *product = g_new0 (KpCatalogProduct, 1);

  product->name = g_strdup (name);
  product->price = price;
  product->active = TRUE;
  product->barcodes = g_new0 (char *, 1);
  return product;
}

KpCatalogProduct *
kp_catalog_product_copy (const KpCatalogProduct *product)
{
  KpCatalogProduct *copy = g_new0 (KpCatalogProduct, 1);

  *copy = *product;
  copy->name = g_strdup (product->name);
  copy->category = g_strdup (product->category);
  copy->barcodes = product->barcodes != NULL ? g_strdupv (product->barcodes)
                                             : g_new0 (char *, 1);
  return copy;
}

void
kp_catalog_product_free (KpCatalogProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->name);
  g_free (product->category);
  g_strfreev (product->barcodes);
  g_free (product);
}

/* Equal in everything but the id. */
gboolean
kp_catalog_product_equal (const KpCatalogProduct *a,
                          const KpCatalogProduct *b)
{
  const char *empty[] = { NULL };

  return g_strcmp0 (a->name, b->name) == 0 &&
         a->price == b->price &&
         !a->tax_free == !b->tax_free &&
         g_strcmp0 (a->category, b->category) == 0 &&
         a->quick_key == b->quick_key &&
         !a->active == !b->active &&
         g_strv_equal ((const char * const *) (a->barcodes ? a->barcodes : (GStrv) empty),
                       (const char * const *) (b->barcodes ? b->barcodes : (GStrv) empty));
}

/* The sum that makes a right EAN/UPC number a multiple of ten: weights 3 and 1 from
 * the right, the check digit itself weighing 1. */
static gboolean
check_digit_right (const char *digits,
                   gsize       length)
{
  guint sum = 0;

  for (gsize i = 0; i < length; i++)
    {
      guint digit = digits[length - 1 - i] - '0';

      sum += (i % 2 == 1) ? 3 * digit : digit;
    }
  return sum % 10 == 0;
}

/**
 * kp_catalog_barcode_kind:
 * @barcode: what a scanner typed
 *
 * Classifies a barcode: 8, 12 or 13 digits are EAN-8, UPC-A or EAN-13 and carry a
 * check digit; anything else printable (Code 128 text) is taken as it is.
 *
 * Returns: the kind, %KP_BARCODE_BAD_CHECK_DIGIT or %KP_BARCODE_INVALID
 */
KpBarcodeKind
kp_catalog_barcode_kind (const char *barcode)
{
  gsize length;
  gboolean digits = TRUE;

  g_return_val_if_fail (barcode != NULL, KP_BARCODE_INVALID);

  length = strlen (barcode);
  if (length == 0 || length > KP_CATALOG_MAX_BARCODE_LENGTH)
    return KP_BARCODE_INVALID;
  for (gsize i = 0; i < length; i++)
    {
      /* Code 128 sends printable ASCII; the CSV joins barcodes with '|'. */
      if (barcode[i] < 0x21 || barcode[i] > 0x7e || barcode[i] == '|')
        return KP_BARCODE_INVALID;
      if (!g_ascii_isdigit (barcode[i]))
        digits = FALSE;
    }
  if (!digits || (length != 8 && length != 12 && length != 13))
    return KP_BARCODE_TEXT;
  if (!check_digit_right (barcode, length))
    return KP_BARCODE_BAD_CHECK_DIGIT;
  return length == 13 ? KP_BARCODE_EAN_13 : length == 12 ? KP_BARCODE_UPC_A : KP_BARCODE_EAN_8;
}

/**
 * kp_catalog_initials:
 * @text: a name or what the cashier typed
 *
 * The search key of @text: case folded, each Hangul syllable replaced by its initial
 * consonant (아메리카노 → ㅇㅁㄹㅋㄴ), anything else kept.
 *
 * Returns: (transfer full): the key
 */
char *
kp_catalog_initials (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *key = g_string_sized_new (strlen (folded));

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= HANGUL_FIRST && c <= HANGUL_LAST)
        c = choseong[(c - HANGUL_FIRST) / HANGUL_PER_INITIAL];
      g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

/* The key a name is searched by: normalised and case folded. */
static char *
name_key (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

  return g_utf8_casefold (normal != NULL ? normal : text, -1);
}

char *
_kp_catalog_initials_key (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);

  return kp_catalog_initials (normal != NULL ? normal : text);
}

gboolean
_kp_catalog_validate_barcode (const char      *barcode,
                              KpCatalogFlags   flags,
                              GError         **error)
{
  switch (kp_catalog_barcode_kind (barcode))
    {
    case KP_BARCODE_INVALID:
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_BARCODE,
                   /* Translators: %s is a barcode as typed, %d the most characters (48) */
                   _("The barcode “%s” is not valid: use 1 to %d letters, digits or signs, "
                     "without spaces or “|”."),
                   barcode, KP_CATALOG_MAX_BARCODE_LENGTH);
      return FALSE;
    case KP_BARCODE_BAD_CHECK_DIGIT:
      if (flags & KP_CATALOG_ACCEPT_CHECK_DIGIT)
        return TRUE;
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_CHECK_DIGIT,
                   /* Translators: %s is an EAN/UPC barcode */
                   _("The check digit of the barcode %s is wrong. Check the number, or "
                     "confirm to keep it as it is."), barcode);
      return FALSE;
    case KP_BARCODE_TEXT:
    case KP_BARCODE_EAN_13:
    case KP_BARCODE_EAN_8:
    case KP_BARCODE_UPC_A:
    default:
      return TRUE;
    }
}

/**
 * kp_catalog_validate_product:
 * @product: a product
 * @flags: what the caller accepts
 * @error: return location for a #GError in %KP_CATALOG_ERROR
 *
 * Checks what the store checks, without the store: a name of 1 to
 * %KP_CATALOG_MAX_NAME_LENGTH characters, a price of 1 to %KP_CATALOG_MAX_PRICE won,
 * barcodes a scanner can send (with a right check digit unless @flags accept it),
 * none twice.
 *
 * Returns: whether @product may be stored
 */
gboolean
kp_catalog_validate_product (const KpCatalogProduct  *product,
                             KpCatalogFlags           flags,
                             GError                 **error)
{
  const char *name = product->name != NULL ? product->name : "";
  g_autofree char *trimmed = g_strstrip (g_strdup (name));

  if (!g_utf8_validate (name, -1, NULL) || *trimmed == '\0')
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                           _("The product needs a name."));
      return FALSE;
    }
  if (g_utf8_strlen (trimmed, -1) > KP_CATALOG_MAX_NAME_LENGTH)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                   /* Translators: %d is the most characters a product's name may have */
                   ngettext ("The product’s name is too long. Shorten it to at most %d "
                             "character.",
                             "The product’s name is too long. Shorten it to at most %d "
                             "characters.",
                             KP_CATALOG_MAX_NAME_LENGTH),
                   KP_CATALOG_MAX_NAME_LENGTH);
      return FALSE;
    }
  if (product->price <= 0)
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_PRICE,
                           _("The price must be more than 0 won."));
      return FALSE;
    }
  if (product->price > KP_CATALOG_MAX_PRICE)
    {
      g_autofree char *most = kp_money_format (KP_CATALOG_MAX_PRICE);

      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_PRICE,
                   /* Translators: %s is the highest price, formatted (₩10,000,000) */
                   _("The price is too high: at most %s."), most);
      return FALSE;
    }
  if (product->category != NULL &&
      (!g_utf8_validate (product->category, -1, NULL) ||
       g_utf8_strlen (product->category, -1) > KP_CATALOG_MAX_CATEGORY_LENGTH))
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_INVALID_NAME,
                   /* Translators: %d is the most characters a category's name may have */
                   ngettext ("The category’s name is too long. Shorten it to at most %d "
                             "character.",
                             "The category’s name is too long. Shorten it to at most %d "
                             "characters.",
                             KP_CATALOG_MAX_CATEGORY_LENGTH),
                   KP_CATALOG_MAX_CATEGORY_LENGTH);
      return FALSE;
    }
  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      if (!_kp_catalog_validate_barcode (product->barcodes[i], flags, error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (product->barcodes[i], product->barcodes[j]))
            {
              g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_DUPLICATE_BARCODE,
                           /* Translators: %s is a barcode */
                           _("The barcode %s is listed twice."), product->barcodes[i]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/**
 * kp_catalog_path_for_journal:
 * @journal_path: the journal's file
 *
 * Returns: (transfer full): catalog.db in the journal's folder
 */
char *
kp_catalog_path_for_journal (const char *journal_path)
{
  g_autofree char *dir = g_path_get_dirname (journal_path);

  return g_build_filename (dir, "catalog.db", NULL);
}

/* SQLite's own words stay untranslated: they go with a translated lead. */
static gboolean
set_sqlite_error (GError  **error,
                  sqlite3  *db)
{
  g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
               /* Translators: %s is the database's own message */
               _("The catalog could not be read or written: %s"),
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

gboolean
_kp_catalog_exec (KpCatalog   *self,
                  const char  *sql,
                  GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (error, self->db);
  return TRUE;
}

/* The statement for @sql, prepared once per connection; release_stmt() (g_autoptr
 * (CachedStmt)) gives it back. With the lock held. */
static CachedStmt *
prepare (KpCatalog   *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
      SQLITE_OK)
    {
      set_sqlite_error (error, self->db);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

void
_kp_catalog_lock (KpCatalog *self)
{
  g_mutex_lock (&self->lock);
}

void
_kp_catalog_unlock (KpCatalog *self)
{
  g_mutex_unlock (&self->lock);
}

static void
search_entry_clear (SearchEntry *entry)
{
  g_free (entry->name_key);
  g_free (entry->initials);
}

/* After a change through this connection. With the lock held. */
void
_kp_catalog_forget_search (KpCatalog *self)
{
  g_clear_pointer (&self->search_entries, g_array_unref);
}

static gint64
read_data_version (KpCatalog *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* With the lock held. */
static gboolean
load_search_entries (KpCatalog  *self,
                     GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = read_data_version (self);
  int rc;

  if (self->search_entries != NULL && version == self->data_version)
    return TRUE;
  _kp_catalog_forget_search (self);

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, name_key, initials FROM products WHERE active ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (error, self->db);
  self->search_entries = g_array_new (FALSE, FALSE, sizeof (SearchEntry));
  g_array_set_clear_func (self->search_entries, (GDestroyNotify) search_entry_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SearchEntry entry = {
        sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
      };

      g_array_append_val (self->search_entries, entry);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _kp_catalog_forget_search (self);
      return set_sqlite_error (error, self->db);
    }
  self->data_version = version;
  return TRUE;
}

static gboolean
create_private (const char  *path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                   /* Translators: the first %s is a folder, the second the reason */
                   _("Could not create the catalog’s folder “%s”: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* SQLite creates files 0644 less the umask; the -wal and -shm files take the mode of
   * the database file, so the file is made here first, private. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_FAILED,
                   /* Translators: the first %s is a file, the second the reason */
                   _("Could not open the catalog “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
migrate (KpCatalog  *self,
         GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  int version;

  stmt = prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return stmt == NULL ? FALSE : set_sqlite_error (error, self->db);
  version = sqlite3_column_int (stmt, 0);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_TOO_NEW,
                   /* Translators: %s is a file */
                   _("The catalog “%s” was written by a newer version of KakaoPay POS; it "
                     "was left untouched."), self->path);
      return FALSE;
    }

  for (int step = version + 1; step <= SCHEMA_VERSION; step++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", step);

      if (!_kp_catalog_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_kp_catalog_exec (self, schema_steps[step - 1], error) ||
          !_kp_catalog_exec (self, set_version, error) ||
          !_kp_catalog_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * kp_catalog_open_sync:
 * @path: the catalog's file (see kp_catalog_path_for_journal()), or ":memory:"
 * @error: return location for a #GError
 *
 * Opens the catalog, creating it (0600) and bringing its schema up to date.
 *
 * Returns: (transfer full): the catalog, or %NULL
 */
KpCatalog *
kp_catalog_open_sync (const char  *path,
                      GError     **error)
{
  g_autoptr (KpCatalog) self = NULL;
  gboolean in_memory;

  g_return_val_if_fail (path != NULL, NULL);

  in_memory = g_str_equal (path, ":memory:");
  if (!in_memory && !create_private (path, error))
    return NULL;

  self = g_object_new (KP_TYPE_CATALOG, NULL);
  self->path = g_strdup (path);
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if ((!in_memory && !_kp_catalog_exec (self, "PRAGMA journal_mode = WAL", error)) ||
      !_kp_catalog_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
kp_catalog_get_path (KpCatalog *self)
{
  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  return self->path;
}

static GStrv
read_barcodes (KpCatalog  *self,
               gint64      id,
               GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  stmt = prepare (self,
                  "SELECT barcode FROM barcodes WHERE product_id = ? ORDER BY position",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

/* A row of PRODUCT_COLUMNS, with its barcodes. */
static KpCatalogProduct *
read_product (KpCatalog     *self,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr (KpCatalogProduct) product = g_new0 (KpCatalogProduct, 1);

  product->id = sqlite3_column_int64 (stmt, 0);
  product->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  product->price = sqlite3_column_int64 (stmt, 2);
  product->tax_free = sqlite3_column_int (stmt, 3) != 0;
  product->category = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  product->quick_key = sqlite3_column_type (stmt, 5) == SQLITE_NULL
                       ? 0 : (guint) sqlite3_column_int (stmt, 5);
  product->active = sqlite3_column_int (stmt, 6) != 0;
  product->barcodes = read_barcodes (self, product->id, error);
  if (product->barcodes == NULL)
    return NULL;
  return g_steal_pointer (&product);
}

static GPtrArray *
read_products (KpCatalog     *self,
               sqlite3_stmt  *stmt,
               GPtrArray     *into,
               guint          limit,
               GError       **error)
{
  int rc;

  while ((limit == 0 || into->len < limit) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpCatalogProduct *product = read_product (self, stmt, error);
      gboolean seen = FALSE;

      if (product == NULL)
        return NULL;
      for (guint i = 0; i < into->len && !seen; i++)
        seen = ((KpCatalogProduct *) g_ptr_array_index (into, i))->id == product->id;
      if (seen)
        kp_catalog_product_free (product);
      else
        g_ptr_array_add (into, product);
    }
  if ((limit == 0 || into->len < limit) && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db);
      return NULL;
    }
  return into;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Who has @barcode, other than @except_id: 0 for nobody, -1 on error. */
static gint64
barcode_owner (KpCatalog   *self,
               const char  *barcode,
               gint64       except_id,
               GError     **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  int rc;

  stmt = prepare (self, "SELECT product_id FROM barcodes WHERE barcode = ? AND product_id != ?",
                  error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, barcode, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, except_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db);
      return -1;
    }
  return 0;
}

/* Writes @product (inserting when its id is 0) with the lock held, inside a
 * transaction the caller opened. */
gboolean
_kp_catalog_write_product (KpCatalog         *self,
                           KpCatalogProduct  *product,
                           KpCatalogFlags     flags,
                           GError           **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;
  g_autofree char *initials = NULL;

  if (!kp_catalog_validate_product (product, flags, error))
    return FALSE;

  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      gint64 owner = barcode_owner (self, product->barcodes[i], product->id, error);

      if (owner < 0)
        return FALSE;
      if (owner > 0)
        {
          g_set_error (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_DUPLICATE_BARCODE,
                       /* Translators: %s is a barcode */
                       _("Another product already has the barcode %s."),
                       product->barcodes[i]);
          return FALSE;
        }
    }

  name = g_strstrip (g_strdup (product->name));
  key = name_key (name);
  initials = _kp_catalog_initials_key (name);

  if (product->id == 0)
    stmt = prepare (self,
                    "INSERT INTO products (name, name_key, initials, price, tax_free, category,"
                    " quick_key, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  else
    stmt = prepare (self,
                    "UPDATE products SET name = ?1, name_key = ?2, initials = ?3, price = ?4,"
                    " tax_free = ?5, category = ?6, quick_key = ?7, active = ?8 WHERE id = ?9",
                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, initials, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, product->price);
  sqlite3_bind_int (stmt, 5, product->tax_free ? 1 : 0);
  bind_text_or_null (stmt, 6, product->category);
  if (product->quick_key > 0)
    sqlite3_bind_int (stmt, 7, product->quick_key);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int (stmt, 8, product->active ? 1 : 0);
  if (product->id != 0)
    sqlite3_bind_int64 (stmt, 9, product->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (error, self->db);
  if (product->id != 0 && sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                           _("The product is no longer in the catalog."));
      return FALSE;
    }
  if (product->id == 0)
    product->id = sqlite3_last_insert_rowid (self->db);
  g_free (product->name);
  product->name = g_steal_pointer (&name);

  g_clear_pointer (&stmt, release_stmt);
  stmt = prepare (self, "DELETE FROM barcodes WHERE product_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (error, self->db);

  g_clear_pointer (&stmt, release_stmt);
  stmt = prepare (self, "INSERT INTO barcodes (barcode, product_id, position) VALUES (?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; product->barcodes != NULL && product->barcodes[i] != NULL; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, product->barcodes[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, product->id);
      sqlite3_bind_int (stmt, 3, i);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (error, self->db);
    }
  return TRUE;
}

static gboolean
write_in_transaction (KpCatalog         *self,
                      KpCatalogProduct  *product,
                      KpCatalogFlags     flags,
                      GError           **error)
{
  gboolean ok;

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = _kp_catalog_write_product (self, product, flags, error) &&
           _kp_catalog_exec (self, "COMMIT", error);
      _kp_catalog_forget_search (self);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  _kp_catalog_unlock (self);
  return ok;
}

/**
 * kp_catalog_add_product_sync:
 * @self: a #KpCatalog
 * @product: the product, its id 0; set to the new id
 * @flags: what the caller accepts
 * @error: return location for a #GError
 *
 * Returns: whether the product was stored
 */
gboolean
kp_catalog_add_product_sync (KpCatalog         *self,
                             KpCatalogProduct  *product,
                             KpCatalogFlags     flags,
                             GError           **error)
{
  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (product != NULL && product->id == 0, FALSE);

  return write_in_transaction (self, product, flags, error);
}

/**
 * kp_catalog_update_product_sync:
 * @self: a #KpCatalog
 * @product: the product as it is to be, with its id
 * @flags: what the caller accepts
 * @error: return location for a #GError
 *
 * Replaces a product's fields and barcodes. Past sales keep what they sold.
 *
 * Returns: whether the product was stored
 */
gboolean
kp_catalog_update_product_sync (KpCatalog               *self,
                                const KpCatalogProduct  *product,
                                KpCatalogFlags           flags,
                                GError                 **error)
{
  g_autoptr (KpCatalogProduct) copy = NULL;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (product != NULL && product->id > 0, FALSE);

  copy = kp_catalog_product_copy (product);
  return write_in_transaction (self, copy, flags, error);
}

gboolean
kp_catalog_remove_product_sync (KpCatalog  *self,
                                gint64      id,
                                GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);

  _kp_catalog_lock (self);
  stmt = prepare (self, "DELETE FROM products WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        set_sqlite_error (error, self->db);
      else if (sqlite3_changes (self->db) == 0)
        g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                             _("The product is no longer in the catalog."));
      else
        ok = TRUE;
    }
  _kp_catalog_forget_search (self);
  _kp_catalog_unlock (self);
  return ok;
}

KpCatalogProduct *
kp_catalog_get_product_sync (KpCatalog  *self,
                             gint64      id,
                             GError    **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  KpCatalogProduct *product = NULL;
  int rc;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  stmt = prepare (self, "SELECT " PRODUCT_COLUMNS " FROM products WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        product = read_product (self, stmt, error);
      else if (rc == SQLITE_DONE)
        g_set_error_literal (error, KP_CATALOG_ERROR, KP_CATALOG_ERROR_NOT_FOUND,
                             _("The product is no longer in the catalog."));
      else
        set_sqlite_error (error, self->db);
    }
  _kp_catalog_unlock (self);
  return product;
}

/**
 * kp_catalog_lookup_barcode_sync:
 * @self: a #KpCatalog
 * @barcode: what the scanner typed
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the active product with @barcode; %NULL with
 *   no error when there is none
 */
KpCatalogProduct *
kp_catalog_lookup_barcode_sync (KpCatalog   *self,
                                const char  *barcode,
                                GError     **error)
{
  g_autoptr (CachedStmt) stmt = NULL;
  KpCatalogProduct *product = NULL;
  int rc;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);
  g_return_val_if_fail (barcode != NULL, NULL);

  _kp_catalog_lock (self);
  stmt = prepare (self,
                  "SELECT p.id, p.name, p.price, p.tax_free, p.category, p.quick_key, p.active"
                  " FROM barcodes b JOIN products p ON p.id = b.product_id"
                  " WHERE b.barcode = ? AND p.active", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, barcode, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        product = read_product (self, stmt, error);
      else if (rc != SQLITE_DONE)
        set_sqlite_error (error, self->db);
    }
  _kp_catalog_unlock (self);
  return product;
}

/* The smallest text greater than every text that starts with @prefix. */
static char *
prefix_end (const char *prefix)
{
  return g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);
}

/**
 * kp_catalog_search_sync:
 * @self: a #KpCatalog
 * @text: what the cashier typed
 * @limit: the most products to return (1 or more)
 * @error: return location for a #GError
 *
 * Active products whose name starts with @text, then those whose initial consonants
 * start with it (ㅇㅁㄹ finds 아메리카노), each by name, then those whose name or
 * initials contain it, in the order they were added; up to @limit. Initial consonants
 * are compared only when @text has no whole syllable.
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_sync (KpCatalog   *self,
                        const char  *text,
                        guint        limit,
                        GError     **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  g_autofree char *initials = NULL;
  g_autofree char *key_end = NULL;
  g_autofree char *initials_end = NULL;
  static const char * const queries[] = {
    "SELECT " PRODUCT_COLUMNS " FROM products WHERE name_key >= ?1 AND name_key < ?2"
    " AND active ORDER BY name_key, id LIMIT ?5",
    "SELECT " PRODUCT_COLUMNS " FROM products WHERE initials >= ?3 AND initials < ?4"
    " AND active ORDER BY initials, name_key, id LIMIT ?5",
  };
  gboolean ok = TRUE;
  gboolean by_initials;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);
  g_return_val_if_fail (text != NULL && limit > 0, NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    return g_steal_pointer (&found);
  key = name_key (trimmed);
  initials = _kp_catalog_initials_key (trimmed);
  key_end = prefix_end (key);
  initials_end = prefix_end (initials);

  /* Initial consonants are matched only when that is all the cashier typed: "아" finds
   * 아메리카노, not 오렌지. */
  by_initials = g_str_equal (initials, key);

  _kp_catalog_lock (self);
  for (guint i = 0; ok && i < G_N_ELEMENTS (queries) && found->len < limit; i++)
    {
      g_autoptr (CachedStmt) stmt = NULL;

      if (i == 1 && !by_initials)
        continue;
      stmt = prepare (self, queries[i], error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, key_end, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, initials, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, initials_end, -1, SQLITE_STATIC);
      /* Rows found by an earlier query may come again. */
      sqlite3_bind_int (stmt, 5, limit * 2);
      ok = read_products (self, stmt, found, limit, error) != NULL;
    }

  /* Any part of the name, or of its initial consonants. */
  if (ok && found->len < limit)
    ok = load_search_entries (self, error);
  for (guint i = 0; ok && found->len < limit && i < self->search_entries->len; i++)
    {
      SearchEntry *entry = &g_array_index (self->search_entries, SearchEntry, i);
      g_autoptr (CachedStmt) stmt = NULL;
      gboolean seen = FALSE;

      if (strstr (entry->name_key, key) == NULL &&
          !(by_initials && strstr (entry->initials, initials) != NULL))
        continue;
      for (guint j = 0; j < found->len && !seen; j++)
        seen = ((KpCatalogProduct *) g_ptr_array_index (found, j))->id == entry->id;
      if (seen)
        continue;
      stmt = prepare (self, "SELECT " PRODUCT_COLUMNS " FROM products WHERE id = ?",
                      error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      sqlite3_bind_int64 (stmt, 1, entry->id);
      ok = read_products (self, stmt, found, limit, error) != NULL;
    }
  _kp_catalog_unlock (self);

  if (!ok)
    return NULL;
  return g_steal_pointer (&found);
}

/**
 * kp_catalog_list_quick_keys_sync:
 * @self: a #KpCatalog
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the active products
 *   with a quick key, by category and position
 */
GPtrArray *
kp_catalog_list_quick_keys_sync (KpCatalog  *self,
                                 GError    **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autoptr (CachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  stmt = prepare (self,
                  "SELECT " PRODUCT_COLUMNS " FROM products WHERE quick_key IS NOT NULL"
                  " AND active ORDER BY coalesce (category, ''), quick_key, name_key, id",
                  error);
  if (stmt != NULL)
    ok = read_products (self, stmt, found, 0, error) != NULL;
  _kp_catalog_unlock (self);
  return ok ? g_steal_pointer (&found) : NULL;
}

GPtrArray *
_kp_catalog_list_products_locked (KpCatalog  *self,
                                  gboolean    only_active,
                                  GError    **error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (
    (GDestroyNotify) kp_catalog_product_free);
  g_autoptr (CachedStmt) stmt = NULL;
  int rc;

  stmt = prepare (self,
                  only_active ? "SELECT " PRODUCT_COLUMNS " FROM products WHERE active ORDER BY id"
                              : "SELECT " PRODUCT_COLUMNS " FROM products ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  /* Not read_products(): no need to look for repeats among thousands. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KpCatalogProduct *product = read_product (self, stmt, error);

      if (product == NULL)
        return NULL;
      g_ptr_array_add (found, product);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db);
      return NULL;
    }
  return g_steal_pointer (&found);
}

/**
 * kp_catalog_list_products_sync:
 * @self: a #KpCatalog
 * @only_active: leave out the inactive products
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products, in the
 *   order they were added
 */
GPtrArray *
kp_catalog_list_products_sync (KpCatalog  *self,
                               gboolean    only_active,
                               GError    **error)
{
  GPtrArray *found;

  g_return_val_if_fail (KP_IS_CATALOG (self), NULL);

  _kp_catalog_lock (self);
  found = _kp_catalog_list_products_locked (self, only_active, error);
  _kp_catalog_unlock (self);
  return found;
}

gboolean
kp_catalog_clear_sync (KpCatalog  *self,
                       GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (KP_IS_CATALOG (self), FALSE);

  _kp_catalog_lock (self);
  ok = _kp_catalog_exec (self, "DELETE FROM products", error);
  _kp_catalog_forget_search (self);
  _kp_catalog_unlock (self);
  return ok;
}

/* The async calls: the same work in a worker thread, on copied inputs. */

typedef struct
{
  char             *text;
  guint             limit;
  KpCatalogProduct *product;
  KpCatalogFlags    flags;
} CatalogJob;

static void
catalog_job_free (CatalogJob *job)
{
  g_free (job->text);
  g_clear_pointer (&job->product, kp_catalog_product_free);
  g_free (job);
}

static GTask *
job_task (KpCatalog           *self,
          gpointer             source_tag,
          CatalogJob          *job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) catalog_job_free);
  g_task_set_return_on_cancel (task, FALSE);
  return task;
}

static void
lookup_barcode_thread (GTask        *task,
                       gpointer      source,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  KpCatalogProduct *product = kp_catalog_lookup_barcode_sync (source, job->text, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, product, (GDestroyNotify) kp_catalog_product_free);
}

void
kp_catalog_lookup_barcode_async (KpCatalog           *self,
                                 const char          *barcode,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (barcode != NULL);

  job->text = g_strdup (barcode);
  task = job_task (self, kp_catalog_lookup_barcode_async, job, cancellable, callback,
                   user_data);
  g_task_run_in_thread (task, lookup_barcode_thread);
}

/**
 * kp_catalog_lookup_barcode_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the product, or %NULL (no error) for an
 *   unknown barcode
 */
KpCatalogProduct *
kp_catalog_lookup_barcode_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;
  GPtrArray *found = kp_catalog_search_sync (source, job->text, job->limit, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

void
kp_catalog_search_async (KpCatalog           *self,
                         const char          *text,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (text != NULL && limit > 0);

  job->text = g_strdup (text);
  job->limit = limit;
  task = job_task (self, kp_catalog_search_async, job, cancellable, callback, user_data);
  g_task_run_in_thread (task, search_thread);
}

/**
 * kp_catalog_search_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_search_finish (KpCatalog     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
quick_keys_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *found = kp_catalog_list_quick_keys_sync (source, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

void
kp_catalog_list_quick_keys_async (KpCatalog           *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KP_IS_CATALOG (self));

  task = job_task (self, kp_catalog_list_quick_keys_async, g_new0 (CatalogJob, 1),
                   cancellable, callback, user_data);
  g_task_run_in_thread (task, quick_keys_thread);
}

/**
 * kp_catalog_list_quick_keys_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type KpCatalogProduct): the products
 */
GPtrArray *
kp_catalog_list_quick_keys_finish (KpCatalog     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
write_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CatalogJob *job = task_data;
  GError *error = NULL;

  if (!write_in_transaction (source, job->product, job->flags, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kp_catalog_product_copy (job->product),
                           (GDestroyNotify) kp_catalog_product_free);
}

void
kp_catalog_add_product_async (KpCatalog              *self,
                              const KpCatalogProduct *product,
                              KpCatalogFlags          flags,
                              GCancellable           *cancellable,
                              GAsyncReadyCallback     callback,
                              gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id == 0);

  job->product = kp_catalog_product_copy (product);
  job->flags = flags;
  task = job_task (self, kp_catalog_add_product_async, job, cancellable, callback, user_data);
  g_task_run_in_thread (task, write_thread);
}

/**
 * kp_catalog_add_product_finish:
 * @self: a #KpCatalog
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored product, with its id
 */
KpCatalogProduct *
kp_catalog_add_product_finish (KpCatalog     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kp_catalog_update_product_async (KpCatalog              *self,
                                 const KpCatalogProduct *product,
                                 KpCatalogFlags          flags,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  CatalogJob *job = g_new0 (CatalogJob, 1);

  g_return_if_fail (KP_IS_CATALOG (self));
  g_return_if_fail (product != NULL && product->id > 0);

  job->product = kp_catalog_product_copy (product);
  job->flags = flags;
  task = job_task (self, kp_catalog_update_product_async, job, cancellable, callback,
                   user_data);
  g_task_run_in_thread (task, write_thread);
}

gboolean
kp_catalog_update_product_finish (KpCatalog     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_autoptr (KpCatalogProduct) product = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  product = g_task_propagate_pointer (G_TASK (result), error);
  return product != NULL;
}

static void
kp_catalog_finalize (GObject *object)
{
  KpCatalog *self = KP_CATALOG (object);

  g_clear_pointer (&self->search_entries, g_array_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (kp_catalog_parent_class)->finalize (object);
}

static void
kp_catalog_class_init (KpCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_catalog_finalize;
}

static void
kp_catalog_init (KpCatalog *self)
{
  g_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}
