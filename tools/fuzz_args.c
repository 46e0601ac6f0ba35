/* fuzz_args.c: a libFuzzer harness for dlverify's command-line parser.
 * The input is split at NUL bytes into up to 15 arguments after the program
 * name; the parser must return 0 or 2 (never crash or loop), give a
 * one-line message on 2, and on 0 leave the output directory unset (the
 * default) or non-empty, and
 * each selected claim at most once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf = malloc(size + 1);
  if (buf == NULL)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[17] = {"dlverify"};
  int argc = 1;
  for (size_t i = 0; i <= size && argc < 16;) {
    argv[argc++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  argv[argc] = NULL;
  dlv_options o;
  char err[256] = "";
  int status = dlv_parse_options(argc, argv, &o, err, sizeof err);
  if (status != 0 && (status != 2 || err[0] == '\0' || strchr(err, '\n')))
    abort();
  if (status == 0) {
    if ((o.out != NULL && o.out[0] == '\0') || o.n_selected > dlv_n_claims)
      abort();
    for (size_t i = 0; i < o.n_selected; i++)
      for (size_t j = 0; j < i; j++)
        if (o.selected[i] == o.selected[j])
          abort();
  }
  free(buf);
  return 0;
}
