/* gate_table.c: the contract table (contract.h) against statements
 * written apart from it: its flags (dlv_gate_flags_agree in gate.h) and
 * its blocking constants (dlv_gate_blocks_named).
 *
 * The flags decide what the gate samples: a dropped "distinct strides"
 * means g is never drawn at its own stride, a dropped "in place" means
 * g is never x.  So the table is itself checked, never trusted:
 *   1. the public header: the entry's prototype says whether it takes
 *      strides (ptrdiff_t parameters), an output stride of its own (a
 *      stride after a non-const pointer, beside an input's) and a random
 *      stream (a dlv_noise_rng parameter); its documentation says whether
 *      an output may alias an input ("may alias", "may be the same
 *      array"), whether strides may be negative ("stride.h", "may be
 *      negative") and whether it runs on threads ("dlv_get_threads()");
 *   2. the builtin backend's support bits (backends/builtin.c), for the
 *      entries that are backend operations: strides, negative strides,
 *      distinct output stride, in place.
 * The entry's documentation is the comment nearest before its first
 * prototype, with the header's opening comment (its conventions). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_load.h"
#include "contract.h"
#include "conv3d.h"
#include "gate_internal.h"

#define MAX_HEADERS 32

typedef struct {
  char file[64];
  char *text; /* the header as written */
  char *code; /* the same, comments blanked (offsets agree with text) */
  size_t len;
} header;

static header headers[MAX_HEADERS];
static size_t n_headers;
static int headers_loaded; /* 1 loaded, -1 failed */

/* ---- reading the headers ------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
      *len = fread(buf, 1, (size_t)n, f);
      buf[*len] = '\0';
    }
  }
  fclose(f);
  return buf;
}

/* A copy of text with every comment replaced by spaces (newlines kept). */
static char *blank_comments(const char *text, size_t len)
{
  char *code = malloc(len + 1);
  if (code == NULL)
    return NULL;
  memcpy(code, text, len + 1);
  for (size_t i = 0; i + 1 < len; i++) {
    if (code[i] != '/' || code[i + 1] != '*')
      continue;
    char *end = strstr(code + i + 2, "*/");
    size_t stop = end != NULL ? (size_t)(end - code) + 2 : len;
    for (; i < stop; i++)
      if (code[i] != '\n')
        code[i] = ' ';
    i--;
  }
  return code;
}

static int load_headers(void)
{
  if (headers_loaded != 0)
    return headers_loaded > 0;
  headers_loaded = -1;
  DIR *d = opendir(DLV_GATE_HEADER_DIR);
  if (d == NULL)
    return 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && n_headers < MAX_HEADERS) {
    size_t n = strlen(de->d_name);
    if (n < 3 || n >= sizeof headers[0].file ||
        strcmp(de->d_name + n - 2, ".h") != 0)
      continue;
    header *h = &headers[n_headers];
    char path[sizeof DLV_GATE_HEADER_DIR + sizeof h->file + 1];
    snprintf(path, sizeof path, "%s/%s", DLV_GATE_HEADER_DIR, de->d_name);
    h->text = read_file(path, &h->len);
    h->code = h->text != NULL ? blank_comments(h->text, h->len) : NULL;
    if (h->code == NULL) {
      free(h->text);
      break;
    }
    snprintf(h->file, sizeof h->file, "%s", de->d_name);
    n_headers++;
  }
  int complete = de == NULL;
  closedir(d);
  headers_loaded = complete && n_headers > 0 ? 1 : -1;
  return headers_loaded > 0;
}

/* load_headers, or the reason it failed in msg. */
static int headers_ready(const char *entry, char *msg, size_t size)
{
  if (load_headers())
    return 1;
  snprintf(msg, size, "%s: cannot read the public headers in %s", entry,
           DLV_GATE_HEADER_DIR);
  return 0;
}

/* ---- prototypes ----------------------------------------------------------- */

static int ident_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_';
}

/* One prototype: where its declaration starts and its parameter list. */
typedef struct {
  const header *h;
  size_t start;         /* the line of its return type */
  size_t open, close;   /* its parentheses in h->code */
} prototype;

/* Whether the identifier at h->code[at], n characters long, is declared
 * there as a function (a return type before it, its parameter list
 * followed by ';'); fills p when it is. */
static int prototype_at(const header *h, size_t at, size_t n, prototype *p)
{
  if (h->code[at + n] != '(' || (at > 0 && ident_char(h->code[at - 1])))
    return 0;
  size_t k = at;
  while (k > 0 && (h->code[k - 1] == ' ' || h->code[k - 1] == '*'))
    k--;
  if (k == 0 || !ident_char(h->code[k - 1]))
    return 0; /* a call or a macro, not a declaration */
  int depth = 0;
  size_t close = at + n;
  for (; close < h->len; close++) {
    depth += h->code[close] == '(' ? 1 : h->code[close] == ')' ? -1 : 0;
    if (depth == 0)
      break;
  }
  size_t after = close + 1;
  while (after < h->len && (h->code[after] == ' ' || h->code[after] == '\n'))
    after++;
  if (close >= h->len || h->code[after] != ';')
    return 0;
  while (k > 0 && h->code[k - 1] != '\n')
    k--;
  *p = (prototype){h, k, at + n, close};
  return 1;
}

/* The flags a prototype's parameters state: strides, an output stride
 * beside an input stride (a stride belongs to the pointer before it), a
 * random stream. */
static unsigned signature_flags(const prototype *p)
{
  unsigned flags = 0;
  int last_ptr_const = 1, in_stride = 0, out_stride = 0;
  size_t from = p->open + 1;
  for (size_t i = from; i <= p->close; i++) {
    if (p->h->code[i] != ',' && i != p->close)
      continue;
    char param[160];
    size_t len = i - from < sizeof param - 1 ? i - from : sizeof param - 1;
    memcpy(param, p->h->code + from, len);
    param[len] = '\0';
    from = i + 1;
    if (strstr(param, "dlv_noise_rng") != NULL)
      flags |= DLV_CONTRACT_RANDOM;
    else if (strstr(param, "ptrdiff_t") != NULL)
      *(last_ptr_const ? &in_stride : &out_stride) = 1;
    else if (strchr(param, '*') != NULL)
      last_ptr_const = strstr(param, "const") != NULL;
  }
  if (in_stride || out_stride)
    flags |= DLV_CONTRACT_STRIDED;
  if (in_stride && out_stride)
    flags |= DLV_CONTRACT_DISTINCT_STRIDES;
  return flags;
}

/* Text of the comment that ends at or before `pos` in h (the nearest),
 * whitespace and the comment's '*' and '/' collapsed to single spaces. */
static void comment_before(const header *h, size_t pos, char *out,
                           size_t size)
{
  size_t end = pos;
  while (end >= 2 && !(h->text[end - 2] == '*' && h->text[end - 1] == '/'))
    end--;
  size_t begin = end >= 2 ? end - 2 : 0;
  while (begin > 0 && !(h->text[begin] == '/' && h->text[begin + 1] == '*'))
    begin--;
  size_t k = 0;
  int space = 1;
  for (size_t i = begin; i < end && k + 1 < size; i++) {
    char ch = h->text[i];
    int blank = ch == ' ' || ch == '\n' || ch == '*' || ch == '/';
    if (blank && !space)
      out[k++] = ' ';
    else if (!blank)
      out[k++] = ch;
    space = blank;
  }
  out[k] = '\0';
}

static int blank_span(const char *s, size_t from, size_t to)
{
  for (size_t i = from; i < to; i++)
    if (s[i] != ' ' && s[i] != '\n')
      return 0;
  return 1;
}

/* The entry's documentation: the comment directly above its prototype,
 * or above the block of declarations it is part of (nrm2.h documents
 * dlv_nrm2_grad_d and _s in one comment); none ("") when a blank line
 * comes first.  A line of code with a comment after it (a #define's note)
 * belongs to the block. */
static void doc_comment(const prototype *p, char *out, size_t size)
{
  const header *h = p->h;
  out[0] = '\0';
  for (size_t line = p->start; line > 0;) {
    size_t end = line - 1, prev = end; /* the previous line: [prev, end) */
    while (prev > 0 && h->text[prev - 1] != '\n')
      prev--;
    if (blank_span(h->text, prev, end))
      return;
    if (blank_span(h->code, prev, end)) { /* a line of comment only */
      comment_before(h, end, out, size);
      return;
    }
    line = prev;
  }
}

/* The header's opening comment (its conventions), collapsed likewise. */
static void opening_comment(const header *h, char *out, size_t size)
{
  const char *end = strstr(h->text, "*/");
  comment_before(h, end != NULL ? (size_t)(end - h->text) + 2 : 0, out,
                 size);
}

static int says(const char *doc, const char *const *phrases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strstr(doc, phrases[i]) != NULL)
      return 1;
  return 0;
}

/* The flags the documentation states: aliasing and threads from the
 * entry's own comment, negative strides from it or the header's
 * conventions (its opening comment). */
static unsigned documented_flags(const prototype *p, unsigned signature)
{
  static const char *const alias[] = {"may alias", "may be the same array"};
  static const char *const negative[] = {"stride.h", "may be negative"};
  static const char *const threads[] = {"dlv_get_threads()"};
  char doc[4096], conventions[4096];
  doc_comment(p, doc, sizeof doc);
  opening_comment(p->h, conventions, sizeof conventions);
  unsigned flags = 0;
  if (says(doc, alias, 2))
    flags |= DLV_CONTRACT_IN_PLACE;
  if ((signature & DLV_CONTRACT_STRIDED) &&
      (says(doc, negative, 2) || says(conventions, negative, 2)))
    flags |= DLV_CONTRACT_NEG_STRIDE;
  if (says(doc, threads, 1))
    flags |= DLV_CONTRACT_THREADED;
  return flags;
}

/* Whether the function `name` is one the entry stands for: the function
 * of its name (exact); else, for an entry naming several (contract.c:
 * "dlv_closs_quadratic" is its _d and _z, "dlv_window_d" its init and
 * push), NAME_* or, for NAME = BASE_SUFFIX, BASE_*_SUFFIX. */
static int stands_for(const char *entry, const char *name, int exact)
{
  size_t n = strlen(name), e = strlen(entry);
  if (exact)
    return strcmp(name, entry) == 0;
  if (n > e && strncmp(name, entry, e) == 0 && name[e] == '_')
    return 1;
  const char *suffix = strrchr(entry, '_');
  size_t base = suffix != NULL ? (size_t)(suffix - entry) + 1 : 0;
  return base > 0 && n > e && strncmp(name, entry, base) == 0 &&
         strcmp(name + n - strlen(suffix), suffix) == 0;
}

/* The element types a declaration uses, and the formats a comment names. */
enum { TYPE_DOUBLE = 1, TYPE_FLOAT = 2, TYPE_BF16 = 4, TYPE_FP16 = 8,
       TYPE_COMPLEX = 16 };
static const struct {
  const char *dtype; /* as the table writes it */
  const char *word;  /* as a declaration writes it */
  unsigned type;
} type_names[] = {{"double", "double", TYPE_DOUBLE},
                  {"float", "float", TYPE_FLOAT},
                  {"bf16", "dlv_bf16", TYPE_BF16},
                  {"fp16", "dlv_fp16", TYPE_FP16},
                  {"complex", "complex", TYPE_COMPLEX}};
#define N_TYPE_NAMES (sizeof type_names / sizeof type_names[0])

/* Whether the word occurs in s[0, n) as a whole identifier. */
static int has_ident(const char *s, size_t n, const char *word)
{
  size_t w = strlen(word);
  for (size_t i = 0; i + w <= n; i++)
    if (strncmp(s + i, word, w) == 0 && (i == 0 || !ident_char(s[i - 1])) &&
        (i + w == n || !ident_char(s[i + w])))
      return 1;
  return 0;
}

/* The types of a prototype's return value and parameters. */
static unsigned types_used(const prototype *p)
{
  unsigned types = 0;
  for (size_t t = 0; t < N_TYPE_NAMES; t++)
    if (has_ident(p->h->code + p->start, p->close - p->start,
                  type_names[t].word))
      types |= type_names[t].type;
  return types;
}

/* What the headers state of an entry, over every prototype it stands for
 * (the exact name if declared, else its parts: stands_for). */
typedef struct {
  size_t found;       /* prototypes */
  const header *home; /* the first one's header */
  unsigned flags;     /* dlv_contract_flags: signature and documentation */
  unsigned types;     /* TYPE_*: the declarations' types */
  unsigned formats;   /* TYPE_BF16 / TYPE_FP16: formats its comment names */
} statement;

static void add_prototype(statement *st, const prototype *p)
{
  unsigned sig = signature_flags(p);
  char doc[4096];
  doc_comment(p, doc, sizeof doc);
  st->flags |= sig | documented_flags(p, sig);
  st->types |= types_used(p);
  st->formats |= (strstr(doc, "bf16") != NULL ? TYPE_BF16 : 0u) |
                 (strstr(doc, "fp16") != NULL ? TYPE_FP16 : 0u);
  if (st->found++ == 0)
    st->home = p->h;
}

static statement header_statement(const char *entry)
{
  statement st = {0};
  for (int exact = 1; exact >= 0 && st.found == 0; exact--)
    for (size_t i = 0; i < n_headers; i++) {
      const header *h = &headers[i];
      for (const char *s = h->code; (s = strstr(s, "dlv_")) != NULL; s++) {
        char name[96];
        size_t n = 0;
        for (; ident_char(s[n]) && n + 1 < sizeof name; n++)
          name[n] = s[n];
        name[n] = '\0';
        prototype p;
        if (stands_for(entry, name, exact) &&
            prototype_at(h, (size_t)(s - h->code), n, &p))
          add_prototype(&st, &p);
      }
    }
  return st;
}

/* ---- the builtin backend's statement ------------------------------------- */

/* The builtin backend's support bits for the operation named `entry`
 * ("dlv_" op "_d" / "_s", or "dlv_" op for a double-only pair such as
 * closs), as contract flags, and (caps) as they are; 0 when the entry is
 * no backend operation. */
static int backend_flags(const char *entry, unsigned *flags, unsigned *caps_out)
{
  static const char *const suffix[DLV_BK_NDTYPES] = {"_d", "_s"};
  const dlv_backend *b = dlv_backend_builtin();
  for (int op = 0; op < DLV_BK_NOPS; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++) {
      unsigned caps = dlv_backend_support(b, op, t);
      char typed[64], plain[64];
      snprintf(typed, sizeof typed, "dlv_%s%s", dlv_backend_op_name(op),
               suffix[t]);
      snprintf(plain, sizeof plain, "dlv_%s", dlv_backend_op_name(op));
      if (!(caps & DLV_BK_PROVIDED) ||
          (strcmp(typed, entry) != 0 &&
           (t != DLV_BK_DOUBLE || strcmp(plain, entry) != 0)))
        continue;
      *caps_out = caps;
      *flags = (caps & DLV_BK_STRIDES ? DLV_CONTRACT_STRIDED : 0u) |
               (caps & DLV_BK_NEG_STRIDES ? DLV_CONTRACT_NEG_STRIDE : 0u) |
               (caps & DLV_BK_DISTINCT ? DLV_CONTRACT_DISTINCT_STRIDES : 0u) |
               (caps & DLV_BK_IN_PLACE ? DLV_CONTRACT_IN_PLACE : 0u);
      return 1;
    }
  return 0;
}

/* ---- blocking constants --------------------------------------------------- */

/* Whether the header h is `home` or one that home names (an #include or
 * its documentation: conv3d_lowp.h's fp16 passes are conv3d.h's FAST). */
static int visible_from(const header *home, const header *h)
{
  if (h == home)
    return 1;
  for (const char *s = home->text; (s = strstr(s, h->file)) != NULL; s++)
    if (s == home->text || !ident_char(s[-1]))
      return 1;
  return 0;
}

/* Whether the identifier of n characters at id is a constant of the
 * header `home` or one it names: a "#define NAME" or an enumerator
 * "NAME =". */
static int header_constant(const header *home, const char *id, size_t n)
{
  char name[96];
  if (n >= sizeof name)
    return 0;
  memcpy(name, id, n);
  name[n] = '\0';
  for (size_t i = 0; i < n_headers; i++) {
    if (!visible_from(home, &headers[i]))
      continue;
    const char *code = headers[i].code;
    for (const char *s = code; (s = strstr(s, name)) != NULL; s++) {
      if ((s > code && ident_char(s[-1])) || ident_char(s[n]))
        continue;
      const char *after = s + n;
      while (*after == ' ')
        after++;
      if ((s - code >= 8 && strncmp(s - 8, "#define ", 8) == 0) ||
          (after[0] == '=' && after[1] != '='))
        return 1;
    }
  }
  return 0;
}

/* Whether the upper-case `word` is one of the '_'-separated words of the
 * identifier (n characters at id). */
static int has_word(const char *id, size_t n, const char *word)
{
  size_t w = strlen(word);
  for (size_t i = 0; i + w <= n; i++)
    if ((i == 0 || id[i - 1] == '_') && strncmp(id + i, word, w) == 0 &&
        (i + w == n || id[i + w] == '_'))
      return 1;
  return 0;
}

/* Whether every '_'-separated word of the block's name, upper-cased, is
 * a word of the constant (n characters at id); with several factors (a
 * derived block: "nr_wide" = NV_WIDE * LANES) its last word only. */
static int names_block(const char *block, const char *id, size_t n,
                       int factors)
{
  const char *from = block;
  if (factors > 1 && strrchr(block, '_') != NULL)
    from = strrchr(block, '_') + 1;
  while (*from != '\0') {
    char word[32];
    size_t w = 0;
    for (; from[w] != '\0' && from[w] != '_' && w + 1 < sizeof word; w++)
      word[w] = (char)(from[w] >= 'a' && from[w] <= 'z' ? from[w] - 'a' + 'A'
                                                        : from[w]);
    word[w] = '\0';
    if (!has_word(id, n, word))
      return 0;
    from += from[w] == '_' ? w + 1 : w;
  }
  return 1;
}

/* The problem with a block's source text, or NULL: it must be a product
 * of constants of the entry's header `home` (or one it names; parentheses
 * allowed), the first one named as the block (names_block). */
static const char *block_source_problem(const header *home,
                                        const dlv_contract_block *b)
{
  const char *first = NULL;
  size_t first_n = 0;
  int factors = 0;
  for (const char *s = b->source; *s != '\0';) {
    if (*s == ' ' || *s == '(' || *s == ')' || (*s == '*' && factors > 0)) {
      s++;
      continue;
    }
    size_t n = 0;
    while (ident_char(s[n]))
      n++;
    if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z'))
      return "is not a product of named constants";
    if (!header_constant(home, s, n))
      return "names a constant its header does not define";
    if (factors++ == 0) {
      first = s;
      first_n = n;
    }
    s += n;
  }
  if (factors == 0 || !names_block(b->name, first, first_n, factors))
    return "is not the constant of that name";
  return NULL;
}

/* ---- every documented blocking constant in the table ------------------- */

/* Whether the identifier `word` occurs in the entry's block sources. */
static int in_blocks(const dlv_contract *k, const char *word)
{
  for (size_t i = 0; i < dlv_contract_nblocks(k); i++)
    if (has_ident(k->blocks[i].source, strlen(k->blocks[i].source), word))
      return 1;
  return 0;
}

/* Reads the identifiers of a list ("a, b and c") starting at s into
 * names (at most max, each below 64 characters); returns how many and
 * sets *end past the list. */
static size_t read_list(const char *s, char names[][64], size_t max,
                        const char **end)
{
  size_t n = 0;
  for (;;) {
    while (*s == ' ' || *s == ',')
      s++;
    if (strncmp(s, "and ", 4) == 0)
      s += 4;
    size_t len = 0;
    while (ident_char(s[len]))
      len++;
    if (len == 0 || len >= 64 || n == max)
      break;
    memcpy(names[n], s, len);
    names[n++][len] = '\0';
    s += len;
  }
  *end = s;
  return n;
}

/* The sentences "Blocking constants of E1, E2: C1, C2." of one comment
 * (collapsed) that name the entry: each Ci must be in its block sources.
 * Writes the first one missing to msg. */
static int sentences_listed(const dlv_contract *k, const char *doc,
                            const char *file, char *msg, size_t size)
{
  static const char marker[] = "locking constants of ";
  for (const char *d = doc; (d = strstr(d, marker)) != NULL;) {
    char entries[16][64], consts[16][64];
    const char *end;
    size_t ne = read_list(d + sizeof marker - 1, entries, 16, &end);
    size_t nc = *end == ':' ? read_list(end + 1, consts, 16, &end) : 0;
    d = end;
    for (size_t e = 0; e < ne; e++)
      for (size_t c = 0; strcmp(entries[e], k->entry) == 0 && c < nc; c++)
        if (!in_blocks(k, consts[c])) {
          snprintf(msg, size, "%s: %s, documented as a blocking constant "
                   "of it (%s), is in none of its blocks in the contract "
                   "table", k->entry, consts[c], file);
          return 0;
        }
  }
  return 1;
}

/* Every documented blocking constant of the entry (sentences_listed, in
 * every comment of every header) is in its blocks. */
static int documented_blocks_listed(const dlv_contract *k, char *msg,
                                    size_t size)
{
  for (size_t h = 0; h < n_headers; h++)
    for (const char *t = headers[h].text; (t = strstr(t, "*/")) != NULL;
         t += 2) {
      char doc[8192];
      comment_before(&headers[h], (size_t)(t - headers[h].text) + 2, doc,
                     sizeof doc);
      if (!sentences_listed(k, doc, headers[h].file, msg, size))
        return 0;
    }
  return 1;
}

/* FAST conv3d (double, float, and fp16, which runs float FAST): the
 * table's blocks are the kernel's query's (dlv_conv3d_blocking), every
 * one of them but the thread ranges, same names and values. */
static int fast_blocks_match(const dlv_contract *k, char *msg, size_t size)
{
  static const char *const passes[] = {"dlv_conv3d_fwd_",
                                       "dlv_conv3d_bwd_filter_",
                                       "dlv_conv3d_bwd_input_"};
  for (int pass = 0; pass < 3; pass++) {
    size_t n = strlen(passes[pass]);
    const char *dt = k->entry + n;
    if (strncmp(k->entry, passes[pass], n) != 0 ||
        (strcmp(dt, "d") != 0 && strcmp(dt, "s") != 0 &&
         strcmp(dt, "fp16") != 0))
      continue;
    dlv_conv3d_blocks bl;
    if (dlv_conv3d_blocking(DLV_CONV3D_FAST, pass, strcmp(dt, "d") != 0,
                            &bl) != 0)
      return 0;
    size_t listed = 0;
    for (int i = 0; i < bl.n; i++) {
      if (bl.b[i].dim == DLV_CONV3D_DIM_THREADS)
        continue;
      listed++;
      const dlv_contract_block *b = NULL;
      for (size_t j = 0; j < dlv_contract_nblocks(k); j++)
        if (strcmp(k->blocks[j].name, bl.b[i].name) == 0)
          b = &k->blocks[j];
      if (b == NULL || b->value != bl.b[i].value) {
        snprintf(msg, size, "%s: the kernel's block %s = %zu "
                 "(dlv_conv3d_blocking) is %s in the contract table",
                 k->entry, bl.b[i].name, bl.b[i].value,
                 b == NULL ? "missing" : "another value");
        return 0;
      }
    }
    if (listed != dlv_contract_nblocks(k)) {
      snprintf(msg, size, "%s: the contract table has %zu blocks, the "
               "kernel's query (dlv_conv3d_blocking) %zu", k->entry,
               dlv_contract_nblocks(k), listed);
      return 0;
    }
  }
  return 1;
}

int dlv_gate_blocks_named(const char *entry, char *msg, size_t size)
{
  const dlv_contract *k = dlv_contract_find(entry);
  if (k == NULL)
    return 1;
  if (!headers_ready(entry, msg, size))
    return 0;
  const header *home = header_statement(entry).home;
  for (size_t i = 0; i < dlv_contract_nblocks(k); i++) {
    const dlv_contract_block *b = &k->blocks[i];
    const char *why = home == NULL ? "has no header to be read in"
                                   : block_source_problem(home, b);
    if (why != NULL) {
      snprintf(msg, size, "%s: contract block %s = %zu, written \"%s\", %s "
               "(a block is the kernel's own named constant)", entry,
               b->name, b->value, b->source, why);
      return 0;
    }
  }
  return documented_blocks_listed(k, msg, size) &&
         fast_blocks_match(k, msg, size);
}

/* ---- the check ------------------------------------------------------------ */

#define STRIDE_ALIAS_FLAGS                                                   \
  (DLV_CONTRACT_STRIDED | DLV_CONTRACT_NEG_STRIDE |                          \
   DLV_CONTRACT_DISTINCT_STRIDES | DLV_CONTRACT_IN_PLACE)
#define CHECKED_FLAGS                                                        \
  (STRIDE_ALIAS_FLAGS | DLV_CONTRACT_THREADED | DLV_CONTRACT_RANDOM)

/* The first flag in which the table and a statement differ, as a
 * sentence into msg. */
static void differ(const dlv_contract *k, unsigned stated, const char *who,
                   char *msg, size_t size)
{
  static const char *const names[] = {
      "strides", "negative strides", "an output stride of its own",
      "in place (an output may alias an input)", "threads",
      "a random stream"};
  unsigned diff = (k->flags ^ stated) & CHECKED_FLAGS;
  unsigned bit = 0;
  while (!(diff & (1u << bit)))
    bit++;
  snprintf(msg, size,
           "%s: the contract table's flags (%#x) %s \"%s\", %s %s (%#x)",
           k->entry, k->flags, k->flags & (1u << bit) ? "grant" : "lack",
           names[bit], k->flags & (1u << bit) ? "which is not in" : "stated by",
           who, stated);
}

int dlv_gate_flags_agree(const char *entry, char *msg, size_t size)
{
  const dlv_contract *k = dlv_contract_find(entry);
  if (k == NULL)
    return 1; /* the coverage test names entries outside the table */
  if (!headers_ready(entry, msg, size))
    return 0;
  statement st = header_statement(entry);
  if (st.found == 0) {
    snprintf(msg, size, "%s: no prototype of it in the public headers (%s)",
             entry, DLV_GATE_HEADER_DIR);
    return 0;
  }
  char who[128];
  snprintf(who, sizeof who, "its prototype and documentation in %s",
           st.home->file);
  if ((k->flags ^ st.flags) & CHECKED_FLAGS) {
    differ(k, st.flags, who, msg, size);
    return 0;
  }
  unsigned stated, caps;
  if (!backend_flags(entry, &stated, &caps))
    return 1;
  if ((k->flags ^ stated) & STRIDE_ALIAS_FLAGS) {
    differ(k, stated | (k->flags & ~STRIDE_ALIAS_FLAGS),
           "the builtin backend's support bits", msg, size);
    return 0;
  }
  /* what every builtin kernel promises (dlv_status.h's statuses, and a
   * result independent of the thread count: threaded or not), so every
   * builtin operation must declare it, or the gate checks less */
  unsigned always = DLV_BK_STATUS | DLV_BK_THREAD_INVARIANT;
  if ((caps & always) != always) {
    snprintf(msg, size,
             "%s: the builtin backend's support bits (%#x) lack %s, which "
             "every builtin kernel has",
             entry, caps,
             caps & DLV_BK_STATUS ? "DLV_BK_THREAD_INVARIANT"
                                  : "DLV_BK_STATUS");
    return 0;
  }
  return 1;
}

/* Why the table's type word (n characters at word, e.g. "bf16") does not
 * agree with the entry's declarations, or NULL when it does. */
static const char *dtype_word_problem(const char *word, size_t n,
                                      const statement *st)
{
  for (size_t t = 0; t < N_TYPE_NAMES; t++) {
    if (strlen(type_names[t].dtype) != n ||
        strncmp(type_names[t].dtype, word, n) != 0)
      continue;
    unsigned bit = type_names[t].type;
    int named = (bit & (TYPE_BF16 | TYPE_FP16)) && (st->formats & bit);
    return (st->types & bit) || named ? NULL
           : "is a type none of its declarations uses";
  }
  return "is no type the table knows (double, float, bf16, fp16, complex)";
}

int dlv_gate_dtype_agrees(const char *entry, char *msg, size_t size)
{
  const dlv_contract *k = dlv_contract_find(entry);
  if (k == NULL || strcmp(k->dtype, "-") == 0)
    return 1;
  if (!headers_ready(entry, msg, size))
    return 0;
  statement st = header_statement(entry);
  for (const char *w = k->dtype; *w != '\0';) {
    size_t n = strcspn(w, "+");
    const char *why = st.found == 0 ? "has no declaration to be read in"
                                    : dtype_word_problem(w, n, &st);
    if (why != NULL) {
      snprintf(msg, size, "%s: the contract table's dtype \"%s\": \"%.*s\" "
               "%s (the report's dtype column comes from it)", entry,
               k->dtype, (int)n, w, why);
      return 0;
    }
    w += n + (w[n] == '+');
  }
  return 1;
}

int dlv_gate_table_ok(const dlv_gate_family *f, const char *entry, char *msg,
                      size_t size)
{
  return dlv_gate_limits_at_edges(f, entry, msg, size) &&
         dlv_gate_flags_agree(entry, msg, size) &&
         dlv_gate_dtype_agrees(entry, msg, size) &&
         dlv_gate_blocks_named(entry, msg, size);
}
