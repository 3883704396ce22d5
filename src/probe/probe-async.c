/*
 * probe-async.c: a probe run in a child process (fork, no exec), so a front
 * end can poll it together with the keyboard, cancel it, and outlive a probe
 * that crashes or hangs.
 *
 * The child sends records through a pipe: a type byte, a 4-byte big-endian
 * payload length, the payload. "P" a progress line, then the result: "O"
 * outcome, "S" summary, "T" elapsed ms (decimal), "F" fact (key, NUL,
 * value), "E" one evidence line each, and "Z" (empty) to end it. The parent
 * refuses an unknown type, a record over 1 MiB, or a result over 8 MiB.
 *
 * Stopping: SIGTERM to the child's group (the child only raises
 * vt_cancelled, so the commands its host runs, each in a process group of
 * its own, are ended by the host and not left behind), then SIGKILL if it
 * is still there KILL_GRACE_MS later. The front end's one loop drives that
 * through probe_job_poll, which never blocks.
 *
 * fork without exec is only sound while the parent has a single thread, as
 * the front ends do: the child runs ordinary code (malloc, stdio).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/probe-async.h"
#include "util/util.h"

/* Beyond its budget, time a probe gets before it is stopped. */
#define HARD_GRACE_MS 5000
/*
 * Between SIGTERM and SIGKILL. More than the host's own 1 s (plus its 100 ms
 * poll slice), so a probe whose command ignores SIGTERM can still end that
 * command, which lives outside our group, before we end the probe.
 */
#define KILL_GRACE_MS 2000
/* After its end record or EOF, time the child has to exit. */
#define EXIT_GRACE_MS 1000
/* Longest a caller should sleep between two probe_job_poll calls. */
#define WAIT_SLICE_MS 1000
#define EXIT_SLICE_MS 20

#define HEADER_LEN 5
#define RECORD_MAX (1024 * 1024)
#define RESULT_MAX (8 * 1024 * 1024)
/* What the child sends at most: any one string, and all evidence together. */
#define FIELD_MAX (64 * 1024)
#define EVIDENCE_MAX (1024 * 1024)
#define PROGRESS_MAX 200
#define PROGRESS_INTERVAL_MS 100
#define READ_CHUNK 65536
/* Bytes one probe_job_poll reads at most, so a chatty child cannot starve the loop. */
#define READ_PER_POLL (1024 * 1024)
/* The tail of the child's stderr kept for an error's evidence. */
#define STDERR_KEEP 4096
#define STDERR_LINES 10

/* A progress record goes in one write that a pipe takes whole or not at all. */
_Static_assert(HEADER_LEN + PROGRESS_MAX + 3 <= _POSIX_PIPE_BUF, "progress record too long");

enum record_type {
	REC_PROGRESS = 'P',
	REC_OUTCOME = 'O',
	REC_SUMMARY = 'S',
	REC_ELAPSED = 'T',
	REC_FACT = 'F',
	REC_EVIDENCE = 'E',
	REC_END = 'Z',
};

enum job_stop {
	STOP_NONE,
	STOP_CANCEL,   /* probe_job_cancel */
	STOP_DEADLINE, /* the hard deadline passed */
	STOP_PROTOCOL, /* it sent something we refuse */
	STOP_FREE,     /* probe_job_free while it ran */
};

struct probe_job {
	struct probe_job *next; /* in live_jobs while it has fds open */
	const struct probe_entry *pe;
	pid_t pid; /* -1: none (it could not start) */
	bool reaped;
	bool killed; /* we sent SIGKILL */
	int wstatus;
	int fd;     /* records from the child; -1 once closed */
	int err_fd; /* the child's stderr; -1 once closed */
	int64_t start, deadline, done_at;
	long budget_ms;
	enum job_stop stop;
	int64_t term_at; /* when SIGTERM went to the group */
	int64_t end_at;  /* when the end record or EOF came; 0: not yet */

	struct strbuf in; /* bytes read, not yet parsed */
	size_t in_off;
	size_t result_bytes;
	bool got_end, eof, discard;
	char *bad;               /* why what it sent was refused */
	struct probe_result res; /* as it arrives */
	struct strbuf err;
	char *progress;
	unsigned long nprogress;

	bool done;
	struct probe_result final;
};

/* Jobs with fds open: a new child closes them, so only we hold their read ends. */
static struct probe_job *live_jobs;

/* The child's progress state; unused in a process that runs no job. */
static struct {
	char *pending; /* the latest line, not yet sent */
	int64_t last_ms;
	bool sent_any;
} progress;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* ---- records ------------------------------------------------------------ */

static void
rec_add(struct strbuf *sb, char type, const char *data, size_t len)
{
	unsigned char h[HEADER_LEN];

	h[0] = (unsigned char)type;
	h[1] = (unsigned char)(len >> 24);
	h[2] = (unsigned char)(len >> 16);
	h[3] = (unsigned char)(len >> 8);
	h[4] = (unsigned char)len;
	strbuf_add(sb, h, sizeof h);
	strbuf_add(sb, data, len);
}

/* How much of s (len bytes) fits in max bytes without splitting a UTF-8 character. */
static size_t
cut_len(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* Appends s to sb, cut to max bytes and marked "..." when longer. */
static void
add_cut(struct strbuf *sb, const char *s, size_t max)
{
	size_t len = strlen(s), keep = cut_len(s, len, max - 3);

	if (keep == len)
		strbuf_add(sb, s, len);
	else {
		strbuf_add(sb, s, keep);
		strbuf_adds(sb, "...");
	}
}

static void
rec_text(struct strbuf *out, char type, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	add_cut(&sb, s, FIELD_MAX);
	rec_add(out, type, sb.buf != NULL ? sb.buf : "", sb.len);
	strbuf_free(&sb);
}

/* The result as records, each string at most FIELD_MAX and the evidence at most EVIDENCE_MAX. */
static void
encode_result(struct strbuf *out, const struct probe_result *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t used = 0, i;
	char *s = NULL;

	rec_text(out, REC_OUTCOME, r->outcome != NULL ? r->outcome : "");
	if (r->summary != NULL)
		rec_text(out, REC_SUMMARY, r->summary);
	s = xasprintf("%ld", r->elapsed_ms);
	rec_text(out, REC_ELAPSED, s);
	free(s);
	for (i = 0; i < r->nfacts; i++) {
		strbuf_reset(&sb);
		add_cut(&sb, r->facts[i].key, FIELD_MAX);
		strbuf_addc(&sb, '\0');
		add_cut(&sb, r->facts[i].value, FIELD_MAX);
		rec_add(out, REC_FACT, sb.buf, sb.len);
	}
	for (i = 0; i < r->evidence.n; i++) {
		strbuf_reset(&sb);
		add_cut(&sb, r->evidence.v[i], FIELD_MAX);
		if (used + sb.len > EVIDENCE_MAX)
			break;
		used += sb.len;
		rec_add(out, REC_EVIDENCE, sb.buf, sb.len);
	}
	if (i < r->evidence.n) {
		s = xasprintf(_("(%zu more lines of evidence were left out: over %d KiB)"),
		              r->evidence.n - i, EVIDENCE_MAX / 1024);
		rec_text(out, REC_EVIDENCE, s);
		free(s);
	}
	rec_add(out, REC_END, "", 0);
	strbuf_free(&sb);
}

/* ---- the child ---------------------------------------------------------- */

/* Writes all of buf to a non-blocking fd, waiting when the pipe is full. */
static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n == -1 && errno == EINTR)
			continue;
		else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {fd, POLLOUT, 0};

			poll(&pfd, 1, 1000);
		} else
			return -1; /* EPIPE: nobody reads any more */
	}
	return 0;
}

/* Sends the pending progress line if the pipe takes it now; never waits. */
static void
progress_send(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	ssize_t n;

	rec_add(&sb, REC_PROGRESS, progress.pending, strlen(progress.pending));
	/* Under PIPE_BUF bytes to a non-blocking pipe: all of it goes, or nothing. */
	do
		n = write(fd, sb.buf, sb.len);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sb.len) {
		free(progress.pending);
		progress.pending = NULL;
		progress.sent_any = true;
		progress.last_ms = now_ms();
	}
	strbuf_free(&sb);
}

void
probe_progress(const struct probe_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *raw = NULL;

	if (ctx == NULL || ctx->progress_fd < 0)
		return;
	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(progress.pending);
	progress.pending = probe_clean_line(raw, strlen(raw), PROGRESS_MAX);
	free(raw);
	/* At most ten a second; a line held back goes with the next one or the result. */
	if (progress.sent_any && now_ms() - progress.last_ms < PROGRESS_INTERVAL_MS)
		return;
	progress_send(ctx->progress_fd);
}

static void
child_on_signal(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

struct child_args {
	struct probe_job *job; /* the parent's, half made: the child only frees it */
	const struct probe_entry *pe;
	const struct params *given;
	struct host *host;
	int out_fd;   /* the records pipe */
	int err_fd;   /* becomes stderr */
	int devnull;  /* becomes stdin and stdout */
	int other_fd; /* our copy of the records pipe's read end */
	int other_err_fd;
};

VT_NORETURN static void
child_main(const struct child_args *ca)
{
	/* Handlers a front end or a test framework installed must not run here. */
	static const int dfl[] = {SIGSEGV, SIGBUS,  SIGILL,  SIGFPE,  SIGABRT, SIGTRAP,
	                          SIGSYS,  SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2, SIGWINCH};
	/* A background group never reads or stops on the terminal. */
	static const int ign[] = {SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
	/* Asked to stop: end the host's commands and send what there is. */
	static const int stop[] = {SIGTERM, SIGINT, SIGHUP};
	struct probe_result r;
	struct strbuf sb = STRBUF_INIT;
	struct sigaction sa;
	sigset_t none;
	int rc = 0;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < nitems(dfl); i++)
		sigaction(dfl[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < nitems(ign); i++)
		sigaction(ign[i], &sa, NULL);
	sa.sa_handler = child_on_signal;
	for (size_t i = 0; i < nitems(stop); i++)
		sigaction(stop[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Other jobs' pipes and ours: only the parent reads them. */
	for (struct probe_job *j = live_jobs; j != NULL; j = j->next) {
		close_fd(&j->fd);
		close_fd(&j->err_fd);
	}
	close(ca->other_fd);
	close(ca->other_err_fd);
	free(ca->job);
	/* Never the terminal: a curses screen stays the parent's alone. */
	dup2(ca->devnull, STDIN_FILENO);
	dup2(ca->devnull, STDOUT_FILENO);
	dup2(ca->err_fd, STDERR_FILENO);
	close(ca->devnull);
	close(ca->err_fd);
	set_nonblock(STDERR_FILENO); /* a full pipe drops what it cannot take */
	set_nonblock(ca->out_fd);

	probe_run_progress(ca->pe, ca->given, ca->host, ca->out_fd, &r);
	if (progress.pending != NULL)
		rec_add(&sb, REC_PROGRESS, progress.pending, strlen(progress.pending));
	encode_result(&sb, &r);
	if (write_all(ca->out_fd, sb.buf, sb.len) == -1)
		rc = 1;
	strbuf_free(&sb);
	probe_result_free(&r);
	free(progress.pending);
	/* _exit: the parent's stdio buffers and atexit handlers are not ours. */
	_exit(rc);
}

/* ---- the parent --------------------------------------------------------- */

static void
job_unlink(struct probe_job *job)
{
	for (struct probe_job **jp = &live_jobs; *jp != NULL; jp = &(*jp)->next) {
		if (*jp == job) {
			*jp = job->next;
			break;
		}
	}
	job->next = NULL;
}

static void
job_close_fds(struct probe_job *job)
{
	close_fd(&job->fd);
	close_fd(&job->err_fd);
	job_unlink(job);
}

static char *
secs_text(long ms)
{
	if (ms < 1000)
		return xasprintf(_("%ld ms"), ms);
	if (ms % 1000 == 0)
		return xasprintf(_("%ld s"), ms / 1000);
	return xasprintf(_("%.1f s"), (double)ms / 1000.0);
}

static bool
record_type_known(unsigned char t)
{
	return t == REC_PROGRESS || t == REC_OUTCOME || t == REC_SUMMARY || t == REC_ELAPSED ||
	       t == REC_FACT || t == REC_EVIDENCE || t == REC_END;
}

static void
job_record(struct probe_job *job, char type, const char *data, size_t len)
{
	const char *nul = NULL;
	char *s = NULL, *end = NULL;

	switch (type) {
	case REC_PROGRESS:
		free(job->progress);
		job->progress = probe_clean_line(data, len, PROGRESS_MAX + 3); /* with its "..." */
		job->nprogress++;
		break;
	case REC_OUTCOME:
		free(job->res.outcome);
		job->res.outcome = xstrndup(data, len);
		break;
	case REC_SUMMARY:
		free(job->res.summary);
		job->res.summary = xstrndup(data, len);
		break;
	case REC_ELAPSED:
		s = xstrndup(data, len);
		errno = 0;
		job->res.elapsed_ms = strtol(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0')
			job->bad = xstrdup(_("it sent an elapsed time that is not a number"));
		free(s);
		break;
	case REC_FACT:
		if ((nul = memchr(data, '\0', len)) == NULL) {
			job->bad = xstrdup(_("it sent a fact without a value"));
			break;
		}
		s = xstrndup(data, (size_t)(nul - data));
		end = xstrndup(nul + 1, len - (size_t)(nul - data) - 1);
		probe_result_fact(&job->res, s, "%s", end);
		free(s);
		free(end);
		break;
	case REC_EVIDENCE:
		strlist_take(&job->res.evidence, xstrndup(data, len));
		break;
	case REC_END:
		if (job->res.outcome == NULL)
			job->bad = xstrdup(_("it ended its result without an outcome"));
		else
			job->got_end = true;
		break;
	}
}

/* Takes every complete record from the input; refuses what is not one. */
static void
job_parse(struct probe_job *job)
{
	while (job->bad == NULL && !job->got_end) {
		const unsigned char *p = (const unsigned char *)job->in.buf + job->in_off;
		size_t avail = job->in.len - job->in_off;
		unsigned long len;

		if (avail < HEADER_LEN)
			break;
		len = (unsigned long)p[1] << 24 | (unsigned long)p[2] << 16 |
		      (unsigned long)p[3] << 8 | (unsigned long)p[4];
		if (!record_type_known(p[0])) {
			job->bad =
			    xasprintf(_("it sent something that is not a record (byte 0x%02x "
			                "where a record starts)"),
			              p[0]);
			break;
		}
		if (len > RECORD_MAX) {
			job->bad =
			    xasprintf(_("it sent a record of %lu bytes; the limit is %d bytes"),
			              len, RECORD_MAX);
			break;
		}
		if (avail < HEADER_LEN + len)
			break;
		if (p[0] != REC_PROGRESS) {
			job->result_bytes += HEADER_LEN + len;
			if (job->result_bytes > RESULT_MAX) {
				job->bad = xasprintf(_("its result is larger than %d MiB"),
				                     RESULT_MAX / (1024 * 1024));
				break;
			}
		}
		job_record(job, (char)p[0], (const char *)p + HEADER_LEN, len);
		job->in_off += HEADER_LEN + len;
	}
	if (job->bad != NULL || job->got_end) {
		/* Nothing more is read as records: the rest is drained and dropped. */
		job->discard = true;
		strbuf_free(&job->in);
		job->in_off = 0;
	} else if (job->in_off > 0) {
		memmove(job->in.buf, job->in.buf + job->in_off, job->in.len - job->in_off);
		job->in.len -= job->in_off;
		job->in.buf[job->in.len] = '\0';
		job->in_off = 0;
	}
}

static void
job_read(struct probe_job *job)
{
	char buf[READ_CHUNK];
	size_t got = 0;

	while (job->fd != -1 && got < READ_PER_POLL) {
		ssize_t n = read(job->fd, buf, sizeof buf);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			close_fd(&job->fd);
			job->eof = true;
			break;
		}
		got += (size_t)n;
		if (job->discard)
			continue;
		strbuf_add(&job->in, buf, (size_t)n);
		job_parse(job);
	}
}

/* Keeps the tail of the child's stderr; a crash's last words are there. */
static void
job_read_stderr(struct probe_job *job)
{
	char buf[4096];

	while (job->err_fd != -1) {
		ssize_t n = read(job->err_fd, buf, sizeof buf);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			close_fd(&job->err_fd);
			break;
		}
		strbuf_add(&job->err, buf, (size_t)n);
		if (job->err.len > 2 * STDERR_KEEP) {
			size_t drop = job->err.len - STDERR_KEEP;

			memmove(job->err.buf, job->err.buf + drop, STDERR_KEEP);
			job->err.len = STDERR_KEEP;
			job->err.buf[job->err.len] = '\0';
		}
	}
}

static void
job_reap(struct probe_job *job)
{
	pid_t p;

	do
		p = waitpid(job->pid, &job->wstatus, 0);
	while (p == -1 && errno == EINTR);
	if (p == -1)
		job->wstatus = 0; /* reaped by someone else: its status is lost */
	job->reaped = true;
}

/*
 * Reaps the child once it has exited. It is first seen with WNOWAIT: as a
 * zombie it keeps its pid, which names its group, so the group can be swept
 * of anything it left behind without hitting a stranger.
 */
static void
job_try_reap(struct probe_job *job)
{
	siginfo_t si;

	if (job->reaped || job->pid == -1)
		return;
	memset(&si, 0, sizeof si);
	if (waitid(P_PID, (id_t)job->pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1) {
		if (errno == ECHILD) {
			job->wstatus = 0;
			job->reaped = true;
		}
		return;
	}
	if (si.si_pid != job->pid)
		return;
	kill(-job->pid, SIGKILL);
	job_reap(job);
}

static void
job_kill_hard(struct probe_job *job)
{
	if (job->reaped || job->pid == -1)
		return;
	kill(-job->pid, SIGKILL);
	job->killed = true;
	job_reap(job);
}

/* SIGTERM to the group; the first reason to stop is the one reported. */
static void
job_stop(struct probe_job *job, enum job_stop why)
{
	if (job->stop != STOP_NONE)
		return;
	job->stop = why;
	job->term_at = now_ms();
	if (!job->reaped && job->pid != -1) {
		kill(-job->pid, SIGTERM);
		kill(-job->pid, SIGCONT); /* a stopped child acts on it */
	}
}

static void
job_error_evidence(struct probe_job *job, struct probe_result *f)
{
	for (size_t i = 0; i < job->res.evidence.n; i++)
		strlist_add(&f->evidence, job->res.evidence.v[i]);
	if (job->progress != NULL)
		probe_result_evidence(f, _("last progress: %s"), job->progress);
	probe_tail_lines(&f->evidence, "stderr: ", job->err.buf != NULL ? job->err.buf : "",
	                 job->err.len, STDERR_LINES);
}

/* The child is reaped: the result is what it sent, or an error that says what happened. */
static void
job_finish(struct probe_job *job)
{
	struct probe_result *f = &job->final;
	char *a = NULL, *b = NULL;
	int sig;

	job_read(job); /* whatever it wrote before it exited */
	job_read_stderr(job);
	job_close_fds(job);
	job->done = true;
	job->done_at = now_ms();
	if (job->stop == STOP_NONE && job->bad == NULL && job->got_end &&
	    probe_has_outcome(job->pe, job->res.outcome)) {
		*f = job->res;
		memset(&job->res, 0, sizeof job->res);
		return;
	}

	memset(f, 0, sizeof *f);
	probe_result_set_outcome(f, OUTCOME_ERROR);
	switch (job->stop) {
	case STOP_CANCEL:
	case STOP_FREE:
		probe_result_summary(f, "%s", _("the probe was cancelled"));
		a = secs_text(job->done_at - job->term_at);
		probe_result_evidence(f, _("probe '%s' was cancelled; it took %s to stop"),
		                      job->pe->name, a);
		break;
	case STOP_DEADLINE:
		a = secs_text(job->deadline - job->start);
		b = secs_text(job->budget_ms);
		probe_result_summary(f, _("the probe did not finish within %s"), a);
		probe_result_evidence(f,
		                      _("probe '%s' had a budget of %s and was stopped after %s"),
		                      job->pe->name, b, a);
		break;
	case STOP_PROTOCOL:
	case STOP_NONE:
		if (job->bad != NULL) {
			probe_result_summary(f, "%s", _("the probe's result could not be read"));
			probe_result_evidence(f, _("probe '%s': %s"), job->pe->name, job->bad);
		} else if (job->got_end) {
			probe_result_summary(f, "%s",
			                     _("the probe gave an outcome it does not declare"));
			probe_result_evidence(f, _("probe '%s' gave outcome '%s'"), job->pe->name,
			                      job->res.outcome);
		} else if (job->killed) {
			probe_result_summary(f, "%s",
			                     _("the probe closed its pipe without a result"));
			probe_result_evidence(f, _("probe '%s' stopped sending and did not exit"),
			                      job->pe->name);
		} else if (WIFSIGNALED(job->wstatus)) {
			sig = WTERMSIG(job->wstatus);
			probe_result_summary(f, _("the probe crashed (signal %d)"), sig);
			probe_result_evidence(f, _("probe '%s' was killed by signal %d (%s)"),
			                      job->pe->name, sig, strsignal(sig));
		} else {
			probe_result_summary(
			    f, _("the probe ended without a result (exit status %d)"),
			    WIFEXITED(job->wstatus) ? WEXITSTATUS(job->wstatus) : -1);
			probe_result_evidence(f, _("probe '%s' exited before it sent its result"),
			                      job->pe->name);
		}
		break;
	}
	job_error_evidence(job, f);
	f->elapsed_ms = (long)(job->done_at - job->start);
	free(a);
	free(b);
}

struct probe_job *
probe_job_start(const struct probe_entry *pe, const struct params *given, struct host *host)
{
	struct probe_job *job = xcalloc(1, sizeof *job);
	struct child_args ca;
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, devnull = -1, e;
	sigset_t stopsigs, old;
	pid_t pid;

	job->pe = pe;
	job->pid = -1;
	job->fd = job->err_fd = -1;
	job->start = now_ms();
	job->budget_ms = probe_budget_ms(pe, given);
	if (job->budget_ms < 0)
		job->budget_ms = 0;
	job->deadline = job->start + job->budget_ms + HARD_GRACE_MS;

	if (cloexec_pipe(outp) == -1 || cloexec_pipe(errp) == -1 ||
	    (devnull = fd_above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC))) == -1) {
		e = errno;
		goto failed;
	}
	memset(&ca, 0, sizeof ca);
	ca.job = job;
	ca.pe = pe;
	ca.given = given;
	ca.host = host;
	ca.out_fd = outp[1];
	ca.err_fd = errp[1];
	ca.devnull = devnull;
	ca.other_fd = outp[0];
	ca.other_err_fd = errp[0];

	/* Held until the child has its own handlers, so a SIGTERM is never lost or misrouted. */
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &stopsigs, &old);
	pid = fork();
	if (pid == 0)
		child_main(&ca);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1)
		goto failed;
	/* Here too: a kill(-pid) must reach the group even before the child ran. */
	setpgid(pid, pid);
	job->pid = pid;
	job->fd = outp[0];
	job->err_fd = errp[0];
	outp[0] = errp[0] = -1;
	set_nonblock(job->fd);
	set_nonblock(job->err_fd);
	job->next = live_jobs;
	live_jobs = job;
	goto out;

failed:
	job->done = true;
	job->done_at = now_ms();
	probe_result_set_outcome(&job->final, OUTCOME_ERROR);
	probe_result_summary(&job->final, _("the probe could not be started: %s"), strerror(e));
	probe_result_evidence(&job->final, _("probe '%s' could not be started: %s"), pe->name,
	                      strerror(e));
out:
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	close_fd(&devnull);
	return job;
}

int
probe_job_fd(const struct probe_job *job)
{
	return job->done ? -1 : job->fd;
}

bool
probe_job_poll(struct probe_job *job, struct probe_result *out)
{
	int64_t now;

	if (!job->done) {
		job_read(job);
		job_read_stderr(job);
		now = now_ms();
		if (job->bad != NULL)
			job_stop(job, STOP_PROTOCOL);
		else if (!job->got_end && !job->eof && now >= job->deadline)
			job_stop(job, STOP_DEADLINE);
		job_try_reap(job);
		if (!job->reaped && job->stop != STOP_NONE) {
			if (now >= job->term_at + KILL_GRACE_MS)
				job_kill_hard(job);
		} else if (!job->reaped && (job->got_end || job->eof)) {
			if (job->end_at == 0)
				job->end_at = now;
			if (now >= job->end_at + EXIT_GRACE_MS)
				job_kill_hard(job);
		}
		if (job->reaped)
			job_finish(job);
	}
	if (!job->done)
		return false;
	probe_result_copy(out, &job->final);
	return true;
}

int
probe_job_wait_ms(const struct probe_job *job)
{
	int64_t now = now_ms(), next;

	if (job->done)
		return 0;
	if (job->stop != STOP_NONE)
		next = job->term_at + KILL_GRACE_MS;
	else if (job->got_end || job->eof)
		next = (job->end_at != 0 ? job->end_at : now) + EXIT_GRACE_MS;
	else
		next = job->deadline;
	/* With no pipe left to wake the caller, its exit is only seen by looking. */
	if (next > now + (job->fd == -1 ? EXIT_SLICE_MS : WAIT_SLICE_MS))
		next = now + (job->fd == -1 ? EXIT_SLICE_MS : WAIT_SLICE_MS);
	return next <= now ? 0 : (int)(next - now);
}

void
probe_job_cancel(struct probe_job *job)
{
	/* Done, or done sending: nothing is left to stop. */
	if (job->done || job->got_end)
		return;
	job_stop(job, STOP_CANCEL);
}

long
probe_job_elapsed_ms(const struct probe_job *job)
{
	return (long)((job->done ? job->done_at : now_ms()) - job->start);
}

long
probe_job_budget_ms(const struct probe_job *job)
{
	return job->budget_ms;
}

const char *
probe_job_progress(const struct probe_job *job)
{
	return job->progress;
}

unsigned long
probe_job_progress_count(const struct probe_job *job)
{
	return job->nprogress;
}

void
probe_job_free(struct probe_job *job)
{
	if (job == NULL)
		return;
	if (!job->reaped && job->pid != -1) {
		job_stop(job, STOP_FREE);
		/* Nobody will read: a child blocked on a full pipe gets EPIPE and ends. */
		job_close_fds(job);
		for (;;) {
			job_try_reap(job);
			if (job->reaped)
				break;
			if (now_ms() >= job->term_at + KILL_GRACE_MS) {
				job_kill_hard(job);
				break;
			}
			poll(NULL, 0, 10);
		}
	}
	job_close_fds(job);
	strbuf_free(&job->in);
	strbuf_free(&job->err);
	free(job->bad);
	free(job->progress);
	probe_result_free(&job->res);
	probe_result_free(&job->final);
	free(job);
}
