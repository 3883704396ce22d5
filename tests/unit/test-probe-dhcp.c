/*
 * test-probe-dhcp.c: the "dhcp" probe end to end on capture files the test
 * writes itself (pcap_open_dead + pcap_dump), one per outcome and per link
 * type, plus the ways a file can be wrong. Where the test may capture (root),
 * it also captures live on the loopback interface: DHCP-shaped datagrams
 * sent to 127.0.0.1 must end the capture at the ACK, a quiet link must end
 * with the window, and a cancel must be seen within a tick.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <pcap/pcap.h>

#include "dhcp-frames.h"
#include "host/host.h"
#include "probe/dhcp-parse.h"
#include "probe/probe.h"
#include "testutil.h"

/* One frame of a capture: when (ms after the first) and what. */
struct step {
	long ms;
	int type; /* a DHCP type for a typical message, or one of the kinds below */
	int link; /* 0: the file's */
};
#define STEP_DNS -1 /* a UDP datagram on port 53 */
#define STEP_ARP -2 /* an ARP frame */
#define STEP_BAD -3 /* a DHCP-port datagram whose options run past its end */

static size_t
build_step(const struct step *st, int linktype, uint8_t *buf)
{
	struct dhcp_frame_spec s;
	static const uint8_t bad_opts[] = {53, 1, 1, 12, 40, 'x'};

	switch (st->type) {
	case STEP_DNS:
		dhcp_frame_typical(&s, DHCP_DISCOVER);
		s.sport = 53;
		s.dport = 41000;
		break;
	case STEP_ARP:
		memset(buf, 0, 60);
		memset(buf, 0xff, 6);
		buf[12] = 0x08;
		buf[13] = 0x06;
		return 60;
	case STEP_BAD:
		dhcp_frame_typical(&s, 0);
		s.hostname = NULL;
		s.extra = bad_opts;
		s.extra_len = sizeof bad_opts;
		s.no_end = true;
		break;
	default:
		dhcp_frame_typical(&s, st->type);
		break;
	}
	s.linktype = linktype;
	return dhcp_frame_build(&s, buf);
}

/* Writes a capture of the steps (until one with ms < 0) as name under tmpdir. */
static char *
write_capture(const char *name, int linktype, const struct step *steps)
{
	char *path = tmp_path(name);
	pcap_t *dead = pcap_open_dead(linktype, 65535);
	pcap_dumper_t *d = NULL;

	assert_non_null(dead);
	d = pcap_dump_open(dead, path);
	if (d == NULL)
		fail_msg("pcap_dump_open %s: %s", path, pcap_geterr(dead));
	for (const struct step *st = steps; st->ms >= 0; st++) {
		uint8_t buf[DHCP_FRAME_MAX];
		struct pcap_pkthdr h;
		size_t len = build_step(st, linktype, buf);

		memset(&h, 0, sizeof h);
		h.ts.tv_sec = 1700000000 + st->ms / 1000;
		h.ts.tv_usec = (st->ms % 1000) * 1000;
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return path;
}

static void
run_file(const char *path, struct probe_result *r)
{
	run_probe(r, "dhcp", "file", path, NULL);
	for (size_t i = 0; i < r->evidence.n; i++)
		printf("# | %s\n", r->evidence.v[i]);
	if (r->summary != NULL)
		printf("# summary: %s\n", r->summary);
}

static const struct step healthy[] = {
    {0, DHCP_DISCOVER, 0}, {3, DHCP_OFFER, 0}, {10, DHCP_REQUEST, 0}, {12, DHCP_ACK, 0}, {-1, 0, 0},
};

static void
test_ok(void **state)
{
	char *path = write_capture("ok.pcap", DLT_EN10MB, healthy);
	struct probe_result r;

	(void)state;
	run_file(path, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dhcp.requests"), "2");
	assert_string_equal(result_fact(&r, "dhcp.offers"), "1");
	assert_string_equal(result_fact(&r, "dhcp.acks"), "1");
	assert_string_equal(result_fact(&r, "dhcp.naks"), "0");
	assert_string_equal(result_fact(&r, "dhcp.client_mac"), "52:54:00:12:34:56");
	assert_string_equal(result_fact(&r, "dhcp.address"), "10.97.5.23");
	assert_string_equal(result_fact(&r, "dhcp.server"), "10.97.5.1");
	assert_string_equal(result_fact(&r, "dhcp.hostname"), "primary");
	assert_null(result_fact(&r, "dhcp.interface"));
	assert_non_null(strstr(r.summary, "10.97.5.23"));
	{
		char *first = xasprintf("reading %s", path);

		lines_are(&r.evidence,
		          W(first,
		            "+0.000s DISCOVER xid 0x3903f326 from 52:54:00:12:34:56 hostname "
		            "\"primary\"",
		            "+0.003s OFFER 10.97.5.23 to 52:54:00:12:34:56 from 10.97.5.1",
		            "+0.010s REQUEST xid 0x3903f326 from 52:54:00:12:34:56 for 10.97.5.23 "
		            "hostname \"primary\"",
		            "+0.012s ACK 10.97.5.23 to 52:54:00:12:34:56 from 10.97.5.1"));
		free(first);
	}
	probe_result_free(&r);
	free(path);
}

static void
test_no_reply(void **state)
{
	static const struct step steps[] = {
	    {0, DHCP_DISCOVER, 0}, {1000, DHCP_DISCOVER, 0}, {3000, DHCP_DISCOVER, 0}, {-1, 0, 0}};
	char *path = write_capture("no-reply.pcap", DLT_EN10MB, steps);
	struct probe_result r;

	(void)state;
	run_file(path, &r);
	assert_string_equal(r.outcome, "no_reply");
	assert_string_equal(result_fact(&r, "dhcp.requests"), "3");
	assert_string_equal(result_fact(&r, "dhcp.offers"), "0");
	assert_string_equal(result_fact(&r, "dhcp.acks"), "0");
	assert_string_equal(result_fact(&r, "dhcp.client_mac"), "52:54:00:12:34:56");
	assert_null(result_fact(&r, "dhcp.address"));
	assert_null(result_fact(&r, "dhcp.server"));
	assert_true(lines_have(&r.evidence, "+3.000s DISCOVER xid 0x3903f326"));
	assert_non_null(strstr(r.summary, "3 time"));
	probe_result_free(&r);
	free(path);
}

static void
test_offer_no_ack(void **state)
{
	static const struct step steps[] = {{0, DHCP_DISCOVER, 0},   {2, DHCP_OFFER, 0},
	                                    {5, DHCP_REQUEST, 0},    {1005, DHCP_REQUEST, 0},
	                                    {2005, DHCP_REQUEST, 0}, {-1, 0, 0}};
	static const struct step nak[] = {{0, DHCP_REQUEST, 0}, {2, DHCP_NAK, 0}, {-1, 0, 0}};
	char *path = write_capture("offer-no-ack.pcap", DLT_EN10MB, steps);
	char *path_nak = write_capture("nak.pcap", DLT_EN10MB, nak);
	struct probe_result r;

	(void)state;
	run_file(path, &r);
	assert_string_equal(r.outcome, "offer_no_ack");
	assert_string_equal(result_fact(&r, "dhcp.requests"), "4");
	assert_string_equal(result_fact(&r, "dhcp.offers"), "1");
	assert_string_equal(result_fact(&r, "dhcp.acks"), "0");
	assert_string_equal(result_fact(&r, "dhcp.address"), "10.97.5.23");
	assert_string_equal(result_fact(&r, "dhcp.server"), "10.97.5.1");
	assert_non_null(strstr(r.summary, "offered 10.97.5.23"));
	probe_result_free(&r);

	run_file(path_nak, &r);
	assert_string_equal(r.outcome, "offer_no_ack");
	assert_string_equal(result_fact(&r, "dhcp.naks"), "1");
	assert_string_equal(result_fact(&r, "dhcp.server"), "10.97.5.1");
	assert_null(result_fact(&r, "dhcp.address"));
	assert_non_null(strstr(r.summary, "NAK"));
	assert_true(
	    lines_have_exact(&r.evidence, "+0.002s NAK to 52:54:00:12:34:56 from 10.97.5.1"));
	probe_result_free(&r);
	free(path);
	free(path_nak);
}

static void
test_no_request(void **state)
{
	static const struct step none[] = {{-1, 0, 0}};
	static const struct step unrelated[] = {
	    {0, STEP_DNS, 0}, {5, STEP_ARP, 0}, {7, STEP_DNS, 0}, {-1, 0, 0}};
	char *empty = write_capture("empty.pcap", DLT_EN10MB, none);
	char *other = write_capture("unrelated.pcap", DLT_EN10MB, unrelated);
	struct probe_result r;

	(void)state;
	run_file(empty, &r);
	assert_string_equal(r.outcome, "no_request");
	assert_string_equal(result_fact(&r, "dhcp.requests"), "0");
	assert_null(result_fact(&r, "dhcp.client_mac"));
	assert_non_null(strstr(r.summary, "never asked"));
	probe_result_free(&r);

	run_file(other, &r);
	assert_string_equal(r.outcome, "no_request");
	assert_true(lines_have(&r.evidence, "3 other packets ignored"));
	probe_result_free(&r);
	free(empty);
	free(other);
}

/* tcpdump -i any writes Linux cooked captures (v1 before tcpdump 4.99, v2 since). */
static void
test_cooked_links(void **state)
{
	struct probe_result r;
	char *sll = write_capture("sll.pcap", DLT_LINUX_SLL, healthy);
	char *sll2 = write_capture("sll2.pcap", DLT_LINUX_SLL2, healthy);

	(void)state;
	run_file(sll, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dhcp.address"), "10.97.5.23");
	probe_result_free(&r);
	run_file(sll2, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dhcp.client_mac"), "52:54:00:12:34:56");
	probe_result_free(&r);
	free(sll);
	free(sll2);
}

static void
test_malformed_in_file(void **state)
{
	static const struct step steps[] = {
	    {0, STEP_BAD, 0}, {100, DHCP_DISCOVER, 0}, {200, DHCP_OFFER, 0}, {-1, 0, 0}};
	char *path = write_capture("bad.pcap", DLT_EN10MB, steps);
	struct probe_result r;

	(void)state;
	run_file(path, &r);
	assert_string_equal(r.outcome, "offer_no_ack");
	assert_true(
	    lines_have_exact(&r.evidence, "+0.000s malformed: an option runs past the end"));
	probe_result_free(&r);
	free(path);
}

/* Many packets: evidence stops at 200 lines and says how many more there were. */
static void
test_many_packets(void **state)
{
	struct step steps[302];
	char *path = NULL;
	struct probe_result r;

	(void)state;
	for (int i = 0; i < 300; i++) {
		steps[i].ms = i * 10;
		steps[i].type = DHCP_DISCOVER;
		steps[i].link = 0;
	}
	steps[300].ms = 3000;
	steps[300].type = DHCP_OFFER;
	steps[300].link = 0;
	steps[301].ms = -1;
	path = write_capture("many.pcap", DLT_EN10MB, steps);
	run_probe(&r, "dhcp", "file", path, NULL);
	assert_string_equal(r.outcome, "offer_no_ack");
	assert_string_equal(result_fact(&r, "dhcp.requests"), "300");
	assert_true(lines_have_exact(&r.evidence, "... 101 more DHCP packets not shown"));
	assert_true(r.evidence.n <= 203);
	probe_result_free(&r);
	free(path);
}

static void
test_bad_files(void **state)
{
	static const struct step one[] = {{0, DHCP_DISCOVER, 0}, {-1, 0, 0}};
	char *missing = tmp_path("missing.pcap");
	char *text = write_file("text.pcap", "not a capture at all\n", 0644);
	char *zero = write_file("zero.pcap", "", 0644);
	char *null_link = write_capture("null.pcap", DLT_NULL, one);
	char *cut = write_capture("cut.pcap", DLT_EN10MB, healthy);
	struct probe_result r;
	FILE *fp = NULL;
	long size;

	(void)state;
	run_file(missing, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(r.summary);
	probe_result_free(&r);

	run_file(text, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not a capture file"));
	probe_result_free(&r);

	run_file(zero, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "empty"));
	probe_result_free(&r);

	run_file(null_link, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "link type"));
	probe_result_free(&r);

	/* The last record cut in half: what came before still counts. */
	fp = fopen(cut, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	assert_int_equal(truncate(cut, size - 20), 0);
	run_file(cut, &r);
	assert_string_equal(r.outcome, "offer_no_ack");
	assert_true(lines_have(&r.evidence, "damaged record"));
	probe_result_free(&r);

	/* A relative path is refused by the parameter's type. */
	run_probe(&r, "dhcp", "file", "relative.pcap", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);

	free(missing);
	free(text);
	free(zero);
	free(null_link);
	free(cut);
}

static void
test_registry(void **state)
{
	const struct probe_entry *pe = probe_find("dhcp");

	(void)state;
	assert_non_null(pe);
	assert_true(probe_has_outcome(pe, "no_request"));
	assert_true(probe_has_outcome(pe, "no_reply"));
	assert_true(probe_has_outcome(pe, "offer_no_ack"));
	assert_true(probe_has_outcome(pe, "ok"));
	assert_true(probe_sets_fact(pe, "dhcp.address"));
	assert_true(probe_sets_fact(pe, "dhcp.client_mac"));
	assert_non_null(param_def_find(pe->params, "interface"));
	assert_non_null(param_def_find(pe->params, "seconds"));
	assert_non_null(param_def_find(pe->params, "file"));
	assert_string_equal(param_def_find(pe->params, "seconds")->def, "30");
}

/* Whether this machine has an interface named like a Multipass bridge. */
static bool
has_bridge(void)
{
	struct if_nameindex *ifs = if_nameindex();
	bool found = false;

	for (struct if_nameindex *i = ifs; ifs != NULL && i->if_index != 0; i++)
		found = found || str_has_prefix(i->if_name, "mpqemubr");
	if (ifs != NULL)
		if_freenameindex(ifs);
	return found;
}

static void
test_no_bridge(void **state)
{
	struct probe_result r;

	(void)state;
	if (has_bridge()) {
		printf("# skipped: this machine has an mpqemubr interface\n");
		return;
	}
	run_probe(&r, "dhcp", "seconds", "1", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "mpqemubr"));
	assert_non_null(strstr(r.summary, "interface="));
	probe_result_free(&r);

	run_probe(&r, "dhcp", "interface", "vtnosuchif0", "seconds", "1", NULL);
	assert_string_equal(r.outcome, "error");
	assert_string_equal(result_fact(&r, "dhcp.interface"), "vtnosuchif0");
	/* Without the right to capture, libpcap may say "permission" before "no such device". */
	assert_true(strstr(r.summary, "vtnosuchif0") != NULL);
	probe_result_free(&r);
}

/* ---- live, on loopback -------------------------------------------------- */

/* Whether this process may capture; when not, the probe must say root is needed. */
static bool
can_capture(void)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create("lo", errbuf);
	int rc;

	if (p == NULL)
		return false;
	rc = pcap_activate(p);
	pcap_close(p);
	return rc >= 0;
}

/* Sends each step's BOOTP payload as a UDP datagram to 127.0.0.1, in the child. */
static pid_t
send_later(const struct step *steps, long delay_ms)
{
	pid_t pid = fork();

	assert_true(pid != -1);
	if (pid != 0)
		return pid;
	{
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};

		nanosleep(&ts, NULL);
		for (const struct step *st = steps; st->ms >= 0; st++) {
			uint8_t buf[DHCP_FRAME_MAX];
			size_t len = build_step(st, DHCP_LINK_EN10MB, buf), off = 14 + 28;
			struct sockaddr_in to;
			struct timespec gap = {0, 20 * 1000000L};

			memset(&to, 0, sizeof to);
			to.sin_family = AF_INET;
			to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			to.sin_port =
			    htons(st->type == DHCP_OFFER || st->type == DHCP_ACK ? 68 : 67);
			sendto(fd, buf + off, len - off, 0, (struct sockaddr *)&to, sizeof to);
			nanosleep(&gap, NULL);
		}
		_exit(0);
	}
}

static void
test_live_loopback(void **state)
{
	struct probe_result r;
	pid_t pid;
	int status;

	(void)state;
	if (!can_capture()) {
		/* Not root: the probe must say a capture needs root. */
		run_probe(&r, "dhcp", "interface", "lo", "seconds", "1", NULL);
		assert_string_equal(r.outcome, "error");
		assert_non_null(strstr(r.summary, "root"));
		assert_non_null(strstr(r.summary, "sudo"));
		probe_result_free(&r);
		printf("# skipped the live capture: this process may not capture\n");
		return;
	}
	/* The exchange arrives 0.5 s in; the window is 30 s: the ACK must end it. */
	pid = send_later(healthy, 500);
	run_probe(&r, "dhcp", "interface", "lo", "seconds", "30", NULL);
	waitpid(pid, &status, 0);
	for (size_t i = 0; i < r.evidence.n; i++)
		printf("# | %s\n", r.evidence.v[i]);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dhcp.interface"), "lo");
	assert_string_equal(result_fact(&r, "dhcp.address"), "10.97.5.23");
	assert_true(lines_have(&r.evidence, "stopped at the first ACK"));
	assert_true(r.elapsed_ms < 30000);
	probe_result_free(&r);

	/* A quiet link: the window (1 s) ends it, though no packet ever wakes libpcap. */
	run_probe(&r, "dhcp", "interface", "lo", "seconds", "1", NULL);
	assert_string_equal(r.outcome, "no_request");
	assert_true(r.elapsed_ms >= 900);
	assert_true(lines_have(&r.evidence, "window of 1 s closed"));
	probe_result_free(&r);
}

static void
on_alarm(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

/* A cancel on a quiet link is seen at the next tick, not at the window's end. */
static void
test_live_cancel(void **state)
{
	struct sigaction sa;
	struct probe_result r;

	(void)state;
	if (!can_capture()) {
		printf("# skipped: this process may not capture\n");
		return;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	run_probe(&r, "dhcp", "interface", "lo", "seconds", "60", NULL);
	alarm(0);
	vt_cancelled = 0;
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "cancelled"));
	/* A generous guard: far below the 60 s window. */
	assert_true(r.elapsed_ms < 30000);
	probe_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok),
	    cmocka_unit_test(test_no_reply),
	    cmocka_unit_test(test_offer_no_ack),
	    cmocka_unit_test(test_no_request),
	    cmocka_unit_test(test_cooked_links),
	    cmocka_unit_test(test_malformed_in_file),
	    cmocka_unit_test(test_many_packets),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_no_bridge),
	    cmocka_unit_test(test_live_loopback),
	    cmocka_unit_test(test_live_cancel),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
