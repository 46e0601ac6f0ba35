/* outdir.c: the report directory as one unit (see outdir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"

#define TMP_TAG ".dlverify-tmp."

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int dlv_remove_tree(const char *path)
{
  return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p of path; 0, or -1 with errno set. */
static int make_dirs(const char *path)
{
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Splits target into its parent directory and last name. */
static void split(const char *target, char *parent, char *name)
{
  const char *slash = strrchr(target, '/');
  if (slash == NULL) {
    strcpy(parent, ".");
    strcpy(name, target);
  } else {
    snprintf(parent, PATH_MAX, "%.*s", (int)(slash - target + (slash == target)),
             target);
    snprintf(name, PATH_MAX, "%s", slash + 1);
  }
}

/* 1 when dir has no entry but . and .. */
static int is_empty_dir(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int empty = d != NULL;
  while (d != NULL && empty && (e = readdir(d)) != NULL)
    empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
  if (d != NULL)
    closedir(d);
  return empty;
}

/* 0 when the target may be replaced (missing, empty, or a report); else 2
 * with a message. */
static int check_target(const char *target, char *err, size_t errlen)
{
  struct stat st;
  char summary[PATH_MAX + 16];
  if (stat(target, &st) != 0)
    return 0;
  if (!S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "--out %s: exists and is not a directory", target);
    return 2;
  }
  snprintf(summary, sizeof summary, "%s/summary.csv", target);
  if (is_empty_dir(target) || access(summary, F_OK) == 0)
    return 0;
  snprintf(err, errlen, "--out %s: exists and is not a dlverify report (no "
                        "summary.csv); refusing to replace it", target);
  return 2;
}

/* Removes the temporary directories of target left by dead processes. */
static void remove_stale(const char *parent, const char *name)
{
  char prefix[PATH_MAX + 32], path[2 * PATH_MAX];
  snprintf(prefix, sizeof prefix, ".%s" TMP_TAG, name);
  size_t plen = strlen(prefix);
  DIR *d = opendir(parent);
  struct dirent *e;
  while (d != NULL && (e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, prefix, plen) != 0)
      continue;
    long pid = strtol(e->d_name + plen, NULL, 10);
    if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
      snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
      dlv_remove_tree(path);
    }
  }
  if (d != NULL)
    closedir(d);
}

/* The target with its trailing slashes removed and, when its last name is
 * "." or "..", resolved; 0, or -1 when it names no directory of its own
 * ("/", or an unresolvable . or ..). */
static int normalize(const char *target, char *out)
{
  snprintf(out, PATH_MAX, "%s", target);
  size_t len = strlen(out);
  while (len > 1 && out[len - 1] == '/')
    out[--len] = '\0';
  const char *last = strrchr(out, '/');
  last = last ? last + 1 : out;
  if ((!strcmp(last, ".") || !strcmp(last, "..")) &&
      realpath(target, out) == NULL)
    return -1;
  return strcmp(out, "/") == 0 ? -1 : 0;
}

int dlv_out_prepare(const char *target, dlv_outdir *od, char *err,
                    size_t errlen)
{
  char parent[PATH_MAX], name[PATH_MAX], logs[PATH_MAX + 8];
  *od->tmp = '\0';
  if (normalize(target, od->target) != 0) {
    snprintf(err, errlen, "--out %s: not a directory a report can replace",
             target);
    return 2;
  }
  target = od->target;
  split(target, parent, name);
  if (make_dirs(parent) != 0) {
    snprintf(err, errlen, "--out %s: cannot create %s: %s", target, parent,
             strerror(errno));
    return 2;
  }
  int status = check_target(target, err, errlen);
  if (status != 0)
    return status;
  remove_stale(parent, name);
  snprintf(od->tmp, sizeof od->tmp, "%s/.%s" TMP_TAG "%ld.XXXXXX", parent,
           name, (long)getpid());
  int made = mkdtemp(od->tmp) != NULL;
  mode_t mask = umask(0);
  umask(mask);
  if (made)
    chmod(od->tmp, 0777 & ~mask); /* mkdtemp made it private */
  snprintf(logs, sizeof logs, "%s/logs", od->tmp);
  if (!made || mkdir(logs, 0777) != 0) {
    snprintf(err, errlen, "--out %s: cannot create a directory in %s: %s",
             target, parent, strerror(errno));
    if (!made)
      *od->tmp = '\0';
    dlv_out_abandon(od);
    return 2;
  }
  return 0;
}

int dlv_out_commit(dlv_outdir *od, char *err, size_t errlen)
{
  int exchanged = renameat2(AT_FDCWD, od->tmp, AT_FDCWD, od->target,
                            RENAME_EXCHANGE) == 0;
  if (!exchanged && rename(od->tmp, od->target) != 0) {
    /* errno ENOENT: no target to exchange with, and rename failed too */
    snprintf(err, errlen, "cannot move the report into %s: %s", od->target,
             strerror(errno));
    return 3;
  }
  if (!exchanged) {
    *od->tmp = '\0';
    return 0;
  }
  if (dlv_remove_tree(od->tmp) != 0) {
    snprintf(err, errlen, "the report is in %s, but the previous one, moved "
                          "to %s, could not be removed: %s",
             od->target, od->tmp, strerror(errno));
    return 3;
  }
  *od->tmp = '\0';
  return 0;
}

void dlv_out_abandon(dlv_outdir *od)
{
  if (*od->tmp)
    dlv_remove_tree(od->tmp);
  *od->tmp = '\0';
}
