/*
 * host-live.c: the host that is this machine. Commands run without a shell,
 * in their own process group, with a deadline and bounded output; files are
 * read so that a FIFO or a device can never make a probe hang.
 *
 * Commands start with fork and execve, the program found in PATH by the
 * parent. Everything the child needs (the path, the environment, the signal
 * set) is made before fork, so the child only makes async-signal-safe calls,
 * which is all POSIX allows after fork in a process that may have threads.
 * A close-on-exec pipe carries errno back when execve fails, so a missing
 * program is told apart from one that exits 127, on every libc and under
 * valgrind (where posix_spawn cannot report exec failures).
 */
#include "config.h"

#ifdef __linux__
#include <sys/prctl.h>
#include <sys/utsname.h>
#endif

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "util/util.h"

extern char **environ;

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_BYTES (1024 * 1024)
/* Between SIGTERM and SIGKILL: time to clean up, not to finish. */
#define KILL_GRACE_MS 1000
/* After the child exits, how long a grandchild may keep our pipes open. */
#define EXIT_GRACE_MS 250
/* Upper bound on one poll, so vt_cancelled set from another thread is seen. */
#define POLL_SLICE_MS 100
#define CHUNK 65536

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

static void
close_fd(int *fd)
{
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The environment with each extra NAME=VALUE replacing any NAME= already there. */
static char **
build_env(const char *const *extra)
{
	size_t n = 0, nx = 0, i, j, k = 0;
	char **env = NULL;

	while (environ != NULL && environ[n] != NULL)
		n++;
	while (extra[nx] != NULL)
		nx++;
	env = xcalloc(n + nx + 1, sizeof *env);
	for (i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t len = eq != NULL ? (size_t)(eq - environ[i]) + 1 : strlen(environ[i]);
		bool replaced = false;

		for (j = 0; j < nx && !replaced; j++)
			replaced = strncmp(extra[j], environ[i], len) == 0;
		if (!replaced)
			env[k++] = environ[i];
	}
	for (j = 0; j < nx; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

struct child {
	pid_t pid;
	bool reaped;
	int wstatus;
};

/* Reaps the child if it has exited; true once it is reaped. */
static bool
child_try_reap(struct child *c)
{
	pid_t p;

	if (c->reaped)
		return true;
	do
		p = waitpid(c->pid, &c->wstatus, WNOHANG);
	while (p == -1 && errno == EINTR);
	if (p == c->pid || (p == -1 && errno == ECHILD))
		c->reaped = true;
	return c->reaped;
}

/*
 * SIGTERM to the whole group (SIGCONT too, so a child stopped on the
 * terminal can act on it), a second to go, then SIGKILL for whatever is
 * left. The leader is checked with WNOWAIT so it stays a zombie until the
 * SIGKILL: its pid, which is the group id, cannot be reused meanwhile.
 */
static void
child_kill(struct child *c)
{
	int64_t until;
	pid_t p;

	if (c->reaped)
		return;
	kill(-c->pid, SIGTERM);
	kill(-c->pid, SIGCONT);
	until = now_ms() + KILL_GRACE_MS;
	while (now_ms() < until) {
		siginfo_t si;

		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (si.si_pid == c->pid)
			break;
		sleep_ms(10);
	}
	kill(-c->pid, SIGKILL);
	do
		p = waitpid(c->pid, &c->wstatus, 0);
	while (p == -1 && errno == EINTR);
	c->reaped = true;
}

/* Keeps at most max bytes of a stream; the rest is read and dropped. */
static int
drain(int fd, struct strbuf *sb, size_t max, bool *truncated)
{
	char buf[CHUNK];
	size_t keep;
	ssize_t n;

	n = read(fd, buf, sizeof buf);
	if (n == -1)
		return (errno == EAGAIN || errno == EINTR) ? 1 : 0;
	if (n == 0)
		return 0;
	keep = max - sb->len;
	if ((size_t)n > keep)
		*truncated = true;
	else
		keep = (size_t)n;
	strbuf_add(sb, buf, keep);
	return 1;
}

enum run_end {
	RUN_DONE,
	RUN_TIMEOUT,
	RUN_CANCELLED,
	RUN_FAILED,
};

struct pump {
	int in_fd, out_fd, err_fd;
	const char *in_data;
	size_t in_len, in_off;
	struct strbuf out, err;
	size_t max;
	bool truncated;
	int err_no;
};

/* Feeds stdin and collects stdout and stderr until both close or time runs out. */
static enum run_end
pump_run(struct pump *p, struct child *c, int64_t deadline)
{
	int64_t exit_deadline = -1;

	while (p->in_fd != -1 || p->out_fd != -1 || p->err_fd != -1) {
		struct pollfd pfd[3];
		nfds_t n = 0;
		int64_t now, until;
		int in_i = -1, out_i = -1, err_i = -1, rc;

		if (vt_cancelled)
			return RUN_CANCELLED;
		now = now_ms();
		if (!c->reaped && child_try_reap(c))
			exit_deadline = now + EXIT_GRACE_MS;
		if (c->reaped && now >= exit_deadline)
			return RUN_DONE; /* a grandchild holds the pipes; stop listening */
		if (!c->reaped && now >= deadline)
			return RUN_TIMEOUT;
		until = c->reaped ? exit_deadline : deadline;
		if (p->in_fd != -1) {
			in_i = (int)n;
			pfd[n++] = (struct pollfd){p->in_fd, POLLOUT, 0};
		}
		if (p->out_fd != -1) {
			out_i = (int)n;
			pfd[n++] = (struct pollfd){p->out_fd, POLLIN, 0};
		}
		if (p->err_fd != -1) {
			err_i = (int)n;
			pfd[n++] = (struct pollfd){p->err_fd, POLLIN, 0};
		}
		rc = poll(pfd, n, (int)(until - now < POLL_SLICE_MS ? until - now : POLL_SLICE_MS));
		if (rc == -1) {
			if (errno == EINTR)
				continue;
			p->err_no = errno;
			return RUN_FAILED;
		}
		if (in_i != -1 && pfd[in_i].revents != 0) {
			if (pfd[in_i].revents & POLLOUT) {
				ssize_t w =
				    write(p->in_fd, p->in_data + p->in_off, p->in_len - p->in_off);

				if (w > 0)
					p->in_off += (size_t)w;
				else if (w == -1 && errno != EAGAIN && errno != EINTR)
					close_fd(&p->in_fd); /* EPIPE: the child stopped reading */
				/* EOF tells the child the input ended. */
				if (p->in_off == p->in_len)
					close_fd(&p->in_fd);
			} else
				close_fd(&p->in_fd);
		}
		if (out_i != -1 && pfd[out_i].revents != 0 &&
		    !drain(p->out_fd, &p->out, p->max, &p->truncated))
			close_fd(&p->out_fd);
		if (err_i != -1 && pfd[err_i].revents != 0 &&
		    !drain(p->err_fd, &p->err, p->max, &p->truncated))
			close_fd(&p->err_fd);
	}
	return RUN_DONE;
}

/* After the pipes closed: waits for the exit itself, within the deadline. */
static enum run_end
wait_exit(struct child *c, int64_t deadline)
{
	int ms = 1;

	while (!child_try_reap(c)) {
		if (vt_cancelled)
			return RUN_CANCELLED;
		if (now_ms() >= deadline)
			return RUN_TIMEOUT;
		sleep_ms(ms);
		if (ms < 50)
			ms *= 2;
	}
	return RUN_DONE;
}

static char *
duration_text(int ms)
{
	if (ms % 1000 == 0)
		return xasprintf(_("%d s"), ms / 1000);
	return xasprintf(_("%d ms"), ms);
}

static void
exec_failed(struct host_result *r, const char *prog, int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		r->status = HOST_NO_SUCH;
		r->message = xasprintf(_("program '%s' was not found"), prog);
		break;
	case EACCES:
	case EPERM:
		r->status = HOST_DENIED;
		r->message = xasprintf(_("program '%s' cannot be run: %s"), prog, strerror(e));
		break;
	case ENOEXEC:
		r->status = HOST_ERROR;
		r->message = xasprintf(_("'%s' is not a program this system can run"), prog);
		break;
	default:
		r->status = HOST_ERROR;
		r->message = xasprintf(_("cannot run '%s': %s"), prog, strerror(e));
		break;
	}
}

static const char *
env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; env != NULL && *env != NULL; env++) {
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	}
	return NULL;
}

/*
 * The program's path, searched in the child's PATH as execvp would, except
 * that a directory we may not search does not turn "not found" into
 * "denied", and empty or relative PATH entries (the current directory) are
 * skipped. Returns NULL with *err set (ENOENT, or EACCES when a file of
 * that name exists but is not executable).
 */
static char *
find_program(const char *name, char *const *env, int *err)
{
	const char *path = env_get(env, "PATH"), *p = NULL;
	struct stat st;
	char *cand = NULL;

	if (strchr(name, '/') != NULL)
		return xstrdup(name); /* execve reports what is wrong with it */
	if (path == NULL)
		path = "/usr/bin:/bin";
	*err = ENOENT;
	for (p = path; *p != '\0';) {
		size_t len = strcspn(p, ":");

		if (len > 0 && p[0] == '/') {
			cand = xasprintf("%.*s/%s", (int)len, p, name);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
				if (access(cand, X_OK) == 0)
					return cand;
				*err = EACCES;
			}
			free(cand);
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/*
 * What the child gets, made before fork. Between fork and execve the child
 * touches nothing else.
 */
struct child_setup {
	const char *path;
	char *const *argv;
	char *const *envp;
	int in_fd, out_fd, err_fd; /* become 0, 1, 2; all above 2 */
	int exec_err_fd;           /* close-on-exec: errno goes here if execve fails */
	pid_t parent;              /* the process that forks, for the death-signal race */
	struct sigaction dfl;
	sigset_t empty;
};

VT_NORETURN static void
child_exec(const struct child_setup *cs)
{
	static const int defsigs[] = {SIGPIPE, SIGINT,  SIGQUIT, SIGTERM, SIGHUP,  SIGCHLD,
	                              SIGALRM, SIGUSR1, SIGUSR2, SIGTSTP, SIGTTIN, SIGTTOU};
	int e;

	/* Its own group, so a timeout can kill everything it started. */
	setpgid(0, 0);
#ifdef __linux__
	/*
	 * A probe child that is killed outright (SIGKILL after a hang) cannot end
	 * its command: let the kernel do it, so no command outlives its probe.
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != cs->parent)
		_exit(127);
#endif
	/* Whatever we ignore or block, the program starts with the defaults. */
	for (size_t i = 0; i < nitems(defsigs); i++)
		sigaction(defsigs[i], &cs->dfl, NULL);
	sigprocmask(SIG_SETMASK, &cs->empty, NULL);
	if (dup2(cs->in_fd, 0) == -1 || dup2(cs->out_fd, 1) == -1 || dup2(cs->err_fd, 2) == -1)
		e = errno;
	else {
		execve(cs->path, cs->argv, cs->envp);
		e = errno;
	}
	while (write(cs->exec_err_fd, &e, sizeof e) == -1 && errno == EINTR)
		;
	_exit(127);
}

/*
 * Starts the child; returns its pid, or -1 with *err set to why it did not
 * run. exep is the exec-error pipe; its write end is closed here.
 */
static pid_t
start_child(const struct child_setup *cs, int exep[2], int *err)
{
	ssize_t n;
	pid_t pid;
	int e = 0;

	if ((pid = fork()) == -1) {
		*err = errno;
		return -1;
	}
	if (pid == 0)
		child_exec(cs);
	/* Also here: a kill(-pid) must reach the group even before the child ran. */
	setpgid(pid, pid);
	close_fd(&exep[1]);
	/* EOF: execve succeeded and closed the pipe. An int: it failed. */
	do
		n = read(exep[0], &e, sizeof e);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof e) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		*err = e;
		return -1;
	}
	return pid;
}

static int
live_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
         struct host_result *r)
{
	struct pump p = {-1, -1, -1, NULL, 0, 0, STRBUF_INIT, STRBUF_INIT, 0, false, 0};
	struct child c = {-1, false, 0};
	struct child_setup cs;
	int inp[2] = {-1, -1}, outp[2] = {-1, -1}, errp[2] = {-1, -1};
	int exep[2] = {-1, -1}, devnull = -1, timeout, e = 0;
	int64_t start = now_ms(), deadline;
	sigset_t pipemask, oldmask, pending;
	bool pipe_blocked = false, pipe_was_pending = false;
	char **envp = NULL, *path = NULL, *d = NULL;
	enum run_end end;

	timeout = opts != NULL && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	p.max = opts != NULL && opts->max_output > 0 ? opts->max_output : DEFAULT_MAX_BYTES;
	deadline = start + timeout;
	if (vt_cancelled) {
		r->status = HOST_CANCELLED;
		r->message = xstrdup(_("cancelled before it started"));
		goto out;
	}
	if (opts != NULL && opts->stdin_data != NULL) {
		p.in_data = opts->stdin_data;
		p.in_len = strlen(opts->stdin_data);
	}
	envp = opts != NULL && opts->env != NULL ? build_env(opts->env) : NULL;
	if ((path = find_program(argv[0], envp != NULL ? envp : environ, &e)) == NULL) {
		exec_failed(r, argv[0], e);
		goto out;
	}
	if ((p.in_data != NULL ? cloexec_pipe(inp) : 0) == -1 || cloexec_pipe(outp) == -1 ||
	    cloexec_pipe(errp) == -1 || cloexec_pipe(exep) == -1) {
		r->status = HOST_ERROR;
		r->message = xasprintf(_("cannot make a pipe: %s"), strerror(errno));
		goto out;
	}
	if (p.in_data == NULL) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd == -1 || (fd < 3 && (devnull = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)) {
			r->status = HOST_ERROR;
			r->message = xasprintf(_("cannot open /dev/null: %s"), strerror(errno));
			if (fd != -1)
				close(fd);
			goto out;
		}
		if (fd < 3)
			close(fd);
		else
			devnull = fd;
	}

	memset(&cs, 0, sizeof cs);
	cs.path = path;
	cs.argv = (char *const *)argv;
	cs.envp = envp != NULL ? envp : environ;
	cs.in_fd = p.in_data != NULL ? inp[0] : devnull;
	cs.out_fd = outp[1];
	cs.err_fd = errp[1];
	cs.exec_err_fd = exep[1];
	cs.parent = getpid();
	cs.dfl.sa_handler = SIG_DFL;
	sigemptyset(&cs.dfl.sa_mask);
	sigemptyset(&cs.empty);

	/*
	 * A child that exits without reading its input would kill us with
	 * SIGPIPE. Block it on this thread while we write; a SIGPIPE that
	 * arrives is consumed below, the write just fails with EPIPE.
	 */
	if (p.in_data != NULL) {
		sigemptyset(&pipemask);
		sigaddset(&pipemask, SIGPIPE);
		sigpending(&pending);
		pipe_was_pending = sigismember(&pending, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipemask, &oldmask);
		pipe_blocked = true;
	}

	c.pid = start_child(&cs, exep, &e);
	close_fd(&inp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&devnull);
	close_fd(&exep[0]);
	close_fd(&exep[1]);
	if (c.pid == -1) {
		exec_failed(r, argv[0], e);
		goto out;
	}
	p.in_fd = inp[1];
	p.out_fd = outp[0];
	p.err_fd = errp[0];
	inp[1] = outp[0] = errp[0] = -1;
	if (p.in_fd != -1)
		set_nonblock(p.in_fd);
	set_nonblock(p.out_fd);
	set_nonblock(p.err_fd);

	end = pump_run(&p, &c, deadline);
	close_fd(&p.in_fd);
	if (end == RUN_DONE) {
		close_fd(&p.out_fd);
		close_fd(&p.err_fd);
		end = wait_exit(&c, deadline);
	}
	child_kill(&c); /* does nothing when it was reaped */
	close_fd(&p.out_fd);
	close_fd(&p.err_fd);

	if (WIFEXITED(c.wstatus))
		r->exit_code = WEXITSTATUS(c.wstatus);
	else if (WIFSIGNALED(c.wstatus))
		r->exit_code = 128 + WTERMSIG(c.wstatus);
	switch (end) {
	case RUN_DONE:
		r->status = HOST_OK;
		break;
	case RUN_TIMEOUT:
		d = duration_text(timeout);
		r->status = HOST_TIMEOUT;
		r->message =
		    xasprintf(_("'%s' did not finish within %s and was stopped"), argv[0], d);
		break;
	case RUN_CANCELLED:
		r->status = HOST_CANCELLED;
		r->message = xasprintf(_("'%s' was stopped: cancelled"), argv[0]);
		break;
	case RUN_FAILED:
		r->status = HOST_ERROR;
		r->message = xasprintf(_("lost track of '%s': %s"), argv[0], strerror(p.err_no));
		break;
	}
	r->truncated = p.truncated;

out:
	if (pipe_blocked) {
		sigpending(&pending);
		if (!pipe_was_pending && sigismember(&pending, SIGPIPE)) {
			int sig;

			sigwait(&pipemask, &sig);
		}
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	}
	for (int i = 0; i < 2; i++) {
		close_fd(&inp[i]);
		close_fd(&outp[i]);
		close_fd(&errp[i]);
		close_fd(&exep[i]);
	}
	close_fd(&devnull);
	free(envp);
	free(path);
	free(d);
	r->out_len = p.out.len;
	r->out = strbuf_detach(&p.out);
	r->err_len = p.err.len;
	r->err = strbuf_detach(&p.err);
	r->elapsed_ms = (long)(now_ms() - start);
	return r->status == HOST_OK ? 0 : -1;
}

static void
open_failed(struct host_result *r, const char *path, int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		r->status = HOST_NO_SUCH;
		r->message = xasprintf(_("%s does not exist"), path);
		break;
	case EACCES:
	case EPERM:
		r->status = HOST_DENIED;
		r->message = xasprintf(_("%s cannot be read: permission denied"), path);
		break;
	default:
		r->status = HOST_ERROR;
		r->message = xasprintf(_("%s cannot be read: %s"), path, strerror(e));
		break;
	}
}

static void
not_regular(struct host_result *r, const char *path, mode_t mode)
{
	r->status = HOST_NOT_REGULAR;
	if (S_ISDIR(mode))
		r->message = xasprintf(_("%s is a directory, not a file"), path);
	else if (S_ISFIFO(mode))
		r->message = xasprintf(_("%s is a FIFO, not a file"), path);
	else if (S_ISCHR(mode) || S_ISBLK(mode))
		r->message = xasprintf(_("%s is a device, not a file"), path);
	else if (S_ISSOCK(mode))
		r->message = xasprintf(_("%s is a socket, not a file"), path);
	else
		r->message = xasprintf(_("%s is not a regular file"), path);
}

static int
live_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	int64_t start = now_ms();
	char buf[CHUNK];
	int fd = -1;

	if (max == 0)
		max = DEFAULT_MAX_BYTES;
	/*
	 * stat first so a device is never even opened (opening one can have
	 * effects), then fstat what was opened in case the path changed since.
	 * O_NONBLOCK makes opening a FIFO with no writer return at once.
	 */
	if (stat(path, &st) == -1) {
		open_failed(r, path, errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		not_regular(r, path, st.st_mode);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1) {
		open_failed(r, path, errno);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		open_failed(r, path, errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		not_regular(r, path, st.st_mode);
		goto out;
	}
	r->status = HOST_OK;
	for (;;) {
		size_t want = max + 1 - sb.len; /* one byte more tells "too big" */
		ssize_t n;

		n = read(fd, buf, want < sizeof buf ? want : sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			open_failed(r, path, errno);
			break;
		}
		if (n == 0)
			break;
		strbuf_add(&sb, buf, (size_t)n);
		if (sb.len > max) {
			sb.len = max;
			sb.buf[max] = '\0';
			r->status = HOST_TOO_BIG;
			r->truncated = true;
			r->message = xasprintf(
			    _("%s is larger than %zu bytes; only the start was read"), path, max);
			break;
		}
	}

out:
	if (fd != -1)
		close(fd);
	r->out_len = sb.len;
	r->out = strbuf_detach(&sb);
	r->elapsed_ms = (long)(now_ms() - start);
	return r->status == HOST_OK ? 0 : -1;
}

static int
live_stat(struct host *h, const char *path, char *kind)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return (errno == ENOENT || errno == ENOTDIR) ? 0 : -1;
	if (S_ISREG(st.st_mode))
		*kind = 'f';
	else if (S_ISDIR(st.st_mode))
		*kind = 'd';
	else
		*kind = 'o';
	return 1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names with a line break cannot be listed one per line; they are left out. */
static int
live_list_dir(struct host *h, const char *path, struct host_result *r)
{
	struct strlist names = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct dirent *de;
	DIR *d;

	(void)h;
	if ((d = opendir(path)) == NULL) {
		open_failed(r, path, errno);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strchr(de->d_name, '\n') != NULL)
			continue;
		strlist_add(&names, de->d_name);
	}
	closedir(d);
	if (names.n > 0)
		qsort(names.v, names.n, sizeof *names.v, cmp_names);
	for (size_t i = 0; i < names.n; i++)
		strbuf_addf(&sb, "%s\n", names.v[i]);
	strlist_free(&names);
	r->out_len = sb.len;
	r->out = strbuf_detach(&sb);
	r->status = HOST_OK;
	return 0;
}

static struct utsname live_uts;
static bool live_uts_known;

static const struct utsname *
live_uname(void)
{
	if (!live_uts_known) {
		if (uname(&live_uts) != 0)
			memset(&live_uts, 0, sizeof live_uts);
		live_uts_known = true;
	}
	return &live_uts;
}

static const char *
live_os(struct host *h)
{
	const char *sys = live_uname()->sysname;

	(void)h;
	if (strcmp(sys, "Linux") == 0)
		return "linux";
	if (strcmp(sys, "Darwin") == 0)
		return "darwin";
	return VT_PLATFORM;
}

/* The machine name as uname prints it: x86_64, aarch64, arm64. */
static const char *
live_arch(struct host *h)
{
	(void)h;
	return live_uname()->machine;
}

static time_t
live_now(struct host *h)
{
	(void)h;
	return time(NULL);
}

static bool
live_privileged(struct host *h)
{
	(void)h;
#ifdef _WIN32
	return false; /* not asked there: the probes that care run on Linux and macOS */
#else
	return geteuid() == 0;
#endif
}

static struct host *
live_open_remote(struct host *h, const struct host_remote *r, char **err)
{
	(void)h;
	return host_ssh_open(r, err);
}

static const struct host_ops live_ops = {
    .name = "live",
    .read_file = live_read_file,
    .run = live_run,
    .stat = live_stat,
    .list_dir = live_list_dir,
    .os = live_os,
    .arch = live_arch,
    .now = live_now,
    .privileged = live_privileged,
    .open_remote = live_open_remote,
};

struct host *
host_live(void)
{
	static struct host live = {&live_ops, NULL};

	return &live;
}
