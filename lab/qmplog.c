/*
 * qmplog.c: vt-qmplog, the lab's stand-in for the part of multipassd that
 * talks to QEMU's QMP and logs it.
 *
 *   vt-qmplog --socket PATH --log FILE --name NAME [--pidfile F]
 *             [--exit-file F] [--stderr-file F]
 *   vt-qmplog --log FILE --name NAME --daemon-start
 *
 * It connects to QEMU's QMP unix socket (trying again for up to 10 s while
 * QEMU starts), reads the greeting, sends qmp_capabilities, and appends
 * every line QEMU sends to FILE as multipassd does with --verbosity debug:
 *
 *   [2024-09-22T09:50:13.663] [debug] [NAME] QMP: {...}
 *
 * the JSON as QEMU sent it, followed by an empty line (multipassd logs the
 * message with its newline). On a new (empty) log it first writes the
 * daemon's start lines, so the log reads as a debug-level one; with
 * --daemon-start it writes only those lines and exits (the lab writes them
 * when it starts, before the instance's first lines).
 *
 * When QEMU is gone (end of file on the socket, or it never made the
 * socket) it logs how the process ended: --exit-file names a file where the
 * lab's supervisor writes QEMU's exit status, --stderr-file one with QEMU's
 * standard error; without them it logs an info line. SIGTERM and SIGINT end
 * it cleanly. Every wait is bounded: it polls with a timeout and looks at
 * its signal flag each second.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TRIES_MS 10000
#define GREETING_MS 10000
#define EXIT_FILE_MS 3000
#define STEP_MS 100
#define LINE_MAX_BYTES 65536

static volatile sig_atomic_t stop_signal;

struct opts {
	const char *socket_path;
	const char *log_path;
	const char *name;
	const char *pidfile;
	const char *exit_file;
	const char *stderr_file;
	int daemon_start;
};

static FILE *logf_;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* "[YYYY-MM-DDTHH:MM:SS.mmm] [LEVEL] [CATEGORY] message\n", local time as multipassd writes it. */
static void
log_line(const char *level, const char *category, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(logf_, "[%s.%03ld] [%s] [%s] ", when, ts.tv_nsec / 1000000L, level, category);
	va_start(ap, fmt);
	vfprintf(logf_, fmt, ap);
	va_end(ap);
	fputc('\n', logf_);
	fflush(logf_);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int
usage(void)
{
	fprintf(stderr, "usage: vt-qmplog --socket PATH --log FILE --name NAME [--pidfile F] "
	                "[--exit-file F] [--stderr-file F]\n"
	                "       vt-qmplog --log FILE --name NAME --daemon-start\n");
	return 2;
}

static int
parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--daemon-start") == 0) {
			o->daemon_start = 1;
			continue;
		}
		if (strcmp(argv[i], "--socket") == 0)
			slot = &o->socket_path;
		else if (strcmp(argv[i], "--log") == 0)
			slot = &o->log_path;
		else if (strcmp(argv[i], "--name") == 0)
			slot = &o->name;
		else if (strcmp(argv[i], "--pidfile") == 0)
			slot = &o->pidfile;
		else if (strcmp(argv[i], "--exit-file") == 0)
			slot = &o->exit_file;
		else if (strcmp(argv[i], "--stderr-file") == 0)
			slot = &o->stderr_file;
		if (slot == NULL || i + 1 >= argc) {
			fprintf(stderr, "vt-qmplog: bad argument '%s'\n", argv[i]);
			return -1;
		}
		*slot = argv[++i];
	}
	if (o->log_path == NULL || o->name == NULL || (o->socket_path == NULL && !o->daemon_start))
		return -1;
	return 0;
}

/* QEMU's exit status from the supervisor's file: -1 while it is not there. */
static int
read_exit_status(const struct opts *o)
{
	FILE *f;
	int code = -1;

	if (o->exit_file == NULL || (f = fopen(o->exit_file, "r")) == NULL)
		return -1;
	if (fscanf(f, "%d", &code) != 1)
		code = -1;
	fclose(f);
	return code;
}

/* QEMU's standard error, a log line for each non-empty line of it. */
static void
log_stderr(const struct opts *o, const char *level)
{
	char line[1024];
	FILE *f;

	if (o->stderr_file == NULL || (f = fopen(o->stderr_file, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0')
			log_line(level, o->name, "%s", line);
	}
	fclose(f);
}

/* QEMU is gone: how it ended, as multipassd reports a finished process. */
static void
log_finished(const struct opts *o)
{
	int code = read_exit_status(o);

	for (int waited = 0; code < 0 && o->exit_file != NULL && waited < EXIT_FILE_MS;
	     waited += STEP_MS) {
		sleep_ms(STEP_MS);
		code = read_exit_status(o);
	}
	log_line("info", o->name, "process state changed to NotRunning");
	if (code < 0) {
		log_line("info", o->name, "QMP connection closed: the process is gone");
		return;
	}
	log_stderr(o, code == 0 ? "warning" : "error");
	log_line(code == 0 ? "info" : "error", o->name, "process finished with exit code %d", code);
}

/* Connects, trying again until QEMU has made the socket: the fd, or -1. */
static int
connect_qmp(const struct opts *o)
{
	struct sockaddr_un sa;
	int waited = 0;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(o->socket_path) >= sizeof sa.sun_path) {
		fprintf(stderr, "vt-qmplog: socket path too long: %s\n", o->socket_path);
		return -1;
	}
	strcpy(sa.sun_path, o->socket_path);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			return fd;
		close(fd);
		if (stop_signal != 0 || waited >= CONNECT_TRIES_MS || read_exit_status(o) >= 0)
			return -1;
		sleep_ms(STEP_MS);
		waited += STEP_MS;
	}
}

static int
send_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

struct reader {
	char buf[LINE_MAX_BYTES];
	size_t len;
	unsigned long lines;
};

/* Logs every complete line in the buffer, and keeps the rest. */
static void
drain_lines(struct reader *rd, const char *name)
{
	size_t start = 0;

	for (size_t i = 0; i < rd->len; i++) {
		size_t end = i;

		if (rd->buf[i] != '\n')
			continue;
		if (end > start && rd->buf[end - 1] == '\r')
			end--;
		if (end > start) {
			/* The message's own newline makes multipassd's empty line. */
			log_line("debug", name, "QMP: %.*s\n", (int)(end - start), rd->buf + start);
			rd->lines++;
		}
		start = i + 1;
	}
	if (start == 0 && rd->len == sizeof rd->buf) {
		/* A line longer than the buffer: logged in pieces. */
		log_line("debug", name, "QMP: %.*s", (int)rd->len, rd->buf);
		rd->len = 0;
		return;
	}
	memmove(rd->buf, rd->buf + start, rd->len - start);
	rd->len -= start;
}

/* Reads what QEMU sends for up to ms: 1 data, 0 timeout or signal, -1 end of file or error. */
static int
read_some(int fd, struct reader *rd, const char *name, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	int rc = poll(&pfd, 1, ms);
	ssize_t r;

	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc == 0)
		return 0;
	r = recv(fd, rd->buf + rd->len, sizeof rd->buf - rd->len, 0);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0)
		return -1;
	rd->len += (size_t)r;
	drain_lines(rd, name);
	return 1;
}

static void
daemon_lines(void)
{
	log_line("info", "daemon", "Starting Multipass 1.14.0");
	log_line("info", "daemon",
	         "Daemon arguments: /snap/multipass/current/bin/multipassd --verbosity debug");
}

static int
run(const struct opts *o)
{
	static struct reader rd;
	int fd, waited = 0, rc = 0;

	fd = connect_qmp(o);
	if (fd < 0) {
		if (stop_signal != 0)
			return 0;
		if (read_exit_status(o) >= 0) {
			log_line("error", o->name,
			         "process error occurred: the process crashed at start");
			log_finished(o);
		} else {
			log_line("error", o->name, "cannot connect to QMP at %s within %d s",
			         o->socket_path, CONNECT_TRIES_MS / 1000);
		}
		return 1;
	}
	log_line("info", o->name, "process started");
	log_line("info", o->name, "process state changed to Running");
	/* The greeting first, then the capabilities negotiation. */
	while (rd.lines == 0 && waited < GREETING_MS && stop_signal == 0) {
		if ((rc = read_some(fd, &rd, o->name, STEP_MS)) < 0)
			break;
		waited += STEP_MS;
	}
	if (rc >= 0 && stop_signal == 0) {
		if (rd.lines == 0)
			log_line("warning", o->name, "no QMP greeting within %d s",
			         GREETING_MS / 1000);
		if (send_all(fd, "{\"execute\": \"qmp_capabilities\"}\r\n") != 0)
			rc = -1;
	}
	while (rc >= 0 && stop_signal == 0)
		rc = read_some(fd, &rd, o->name, 1000);
	close(fd);
	if (stop_signal != 0) {
		log_line("info", "daemon", "Received signal %d (%s)", (int)stop_signal,
		         stop_signal == SIGTERM ? "Terminated" : "Interrupt");
		return 0;
	}
	log_finished(o);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct sigaction sa;
	struct stat st;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return usage();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	logf_ = fopen(o.log_path, "a");
	if (logf_ == NULL) {
		fprintf(stderr, "vt-qmplog: cannot open %s: %s\n", o.log_path, strerror(errno));
		return 1;
	}
	if (o.daemon_start) {
		daemon_lines();
		fclose(logf_);
		return 0;
	}
	if (o.pidfile != NULL) {
		FILE *pf = fopen(o.pidfile, "w");

		if (pf != NULL) {
			fprintf(pf, "%ld\n", (long)getpid());
			fclose(pf);
		}
	}
	if (fstat(fileno(logf_), &st) == 0 && st.st_size == 0)
		daemon_lines();
	rc = run(&o);
	fclose(logf_);
	if (o.pidfile != NULL)
		unlink(o.pidfile);
	return rc;
}
