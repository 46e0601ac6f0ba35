/* proc.c: fork, redirect, exec, wait with a time limit (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* Opens path onto fd in the child; returns 0, or -1. */
static int redirect(const char *path, int flags, int fd)
{
  int f = open(path, flags, 0666);
  if (f < 0)
    return -1;
  if (f != fd) {
    dup2(f, fd);
    close(f);
  }
  return 0;
}

/* The child of the current dlv_run (0: none) and the signal that
 * interrupted dlverify (0: none); written by the signal handler. */
static volatile sig_atomic_t current_child, interrupted;

void dlv_proc_interrupt(int sig)
{
  interrupted = sig;
  if (current_child > 0)
    kill(-(pid_t)current_child, SIGKILL);
}

int dlv_proc_interrupted(void) { return interrupted; }

/* The child's own process group (dlverify kills it whole), killed when
 * dlverify dies, whatever kills it; default signal dispositions. */
static void detach(pid_t parent)
{
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent)
    _exit(127); /* dlverify died before prctl */
  signal(SIGXFSZ, SIG_DFL);
}

/* The child: redirections, environment, exec; never returns. */
static void child(const dlv_proc *p, pid_t parent)
{
  detach(parent);
  const int w = O_WRONLY | O_CREAT;
  if (redirect(p->in ? p->in : "/dev/null", O_RDONLY, STDIN_FILENO) != 0 ||
      (p->out && redirect(p->out, w | O_TRUNC, STDOUT_FILENO) != 0))
    _exit(DLV_PROC_NO_OUTPUT);
  if (p->err != NULL) {
    if (redirect(p->err, w | O_APPEND, STDERR_FILENO) != 0)
      _exit(DLV_PROC_NO_OUTPUT);
  } else if (p->out != NULL) {
    dup2(STDOUT_FILENO, STDERR_FILENO);
  }
  for (const char *const *e = p->env; e != NULL && *e != NULL; e++)
    putenv((char *)*e); /* the strings outlive the exec */
  execvp(p->argv[0], (char *const *)p->argv);
  _exit(127);
}

/* Waits for pid; kills its group when the time limit passes (returns
 * SIGALRM) or dlverify is interrupted (returns the signal); else 0. */
static int wait_or_stop(pid_t pid, int timeout_s, int *status)
{
  time_t start = time(NULL);
  int stop = 0;
  while (waitpid(pid, status, WNOHANG) == 0) {
    stop = interrupted ? interrupted
                       : time(NULL) - start > timeout_s ? SIGALRM : 0;
    if (stop) {
      kill(-pid, SIGKILL);
      waitpid(pid, status, 0);
      return stop;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return 0;
}

int dlv_run(const dlv_proc *p, char *problem, size_t size)
{
  problem[0] = '\0';
  fflush(NULL);
  pid_t parent = getpid(), pid = fork();
  if (pid == 0)
    child(p, parent);
  if (pid < 0) {
    snprintf(problem, size, "(cannot start: %s)", strerror(errno));
    return -1;
  }
  setpgid(pid, pid); /* also here: no race with a kill of the group */
  current_child = pid;
  int status, stop = wait_or_stop(pid, p->timeout_s, &status);
  current_child = 0;
  if (stop) {
    snprintf(problem, size, stop == SIGALRM ? "(timed out after %d s)"
                                            : "(interrupted by signal %d)",
             stop == SIGALRM ? p->timeout_s : stop);
    return -1;
  }
  if (WIFSIGNALED(status)) {
    snprintf(problem, size, "(killed by signal %d)", WTERMSIG(status));
    return -1;
  }
  int code = WEXITSTATUS(status);
  if (code == 127)
    snprintf(problem, size, "(could not execute %s)", p->argv[0]);
  if (code == DLV_PROC_NO_OUTPUT)
    snprintf(problem, size, "(could not open its input or output file)");
  return code;
}
