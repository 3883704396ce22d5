/*
 * fuzz-dhcp-parse.c: libFuzzer target for the DHCP parser, the code that
 * reads whatever arrives on the bridge or sits in a capture file a user sent.
 * The first input byte picks the link type; the rest is the frame, copied to
 * an exact-size buffer so ASan sees any read past its end. Every result is
 * checked for what the callers rely on (a reason unless OK, lengths within
 * their arrays), and the text helpers run on it too.
 *
 * Built with ./configure CC=clang --enable-fuzz; run with
 * tests/fuzz/run-fuzz.sh (see .ci/run for its arguments). With FUZZ_DHCP_WRITE_SEEDS=DIR in the
 * environment it only writes its seed frames (built by tests/unit/dhcp-frames.c)
 * into DIR and exits, so no binary seed needs to live in git.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/dhcp-frames.h"
#include "probe/dhcp-parse.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const int links[] = {
    DHCP_LINK_EN10MB, DHCP_LINK_LINUX_SLL, DHCP_LINK_LINUX_SLL2, DHCP_LINK_RAW,
    DHCP_LINK_IPV4,   DHCP_LINK_RAW_FILE,  0 /* unsupported */,
};

static void
write_seed(const char *dir, const char *name, size_t link_index, const uint8_t *frame, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	uint8_t sel = (uint8_t)link_index;

	if (fp == NULL || fwrite(&sel, 1, 1, fp) != 1 || fwrite(frame, 1, len, fp) != len) {
		fprintf(stderr, "fuzz-dhcp-parse: cannot write %s\n", path);
		exit(2);
	}
	fclose(fp);
	free(path);
}

static void
write_seeds(const char *dir)
{
	static const uint8_t overload_opts[] = {52, 1, 3, 61, 7, 1,  0x52, 0x54,
	                                        0,  1, 2, 3,  0, 80, 0};
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;

	for (int type = 0; type <= 8; type++) {
		for (size_t l = 0; l < 3; l++) {
			char name[64];
			size_t len;

			dhcp_frame_typical(&s, type);
			s.linktype = links[l];
			len = dhcp_frame_build(&s, buf);
			snprintf(name, sizeof name, "type%d-link%zu", type, l);
			write_seed(dir, name, l, buf, len);
		}
	}
	/* A bare IPv4 packet, and one with overloaded file/sname areas. */
	dhcp_frame_typical(&s, DHCP_ACK);
	s.linktype = DHCP_LINK_EN10MB;
	write_seed(dir, "raw-ack", 3, buf + 14, dhcp_frame_build(&s, buf) - 14);
	dhcp_frame_typical(&s, DHCP_OFFER);
	s.extra = overload_opts;
	s.extra_len = sizeof overload_opts;
	write_seed(dir, "overload", 0, buf, dhcp_frame_build(&s, buf));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FUZZ_DHCP_WRITE_SEEDS");

	(void)argc;
	(void)argv;
	if (dir != NULL) {
		write_seeds(dir);
		exit(0);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_msg m;
	char text[DHCP_CHADDR_TEXT];
	uint8_t *frame = NULL;
	enum dhcp_status st;
	int link;

	if (size == 0)
		return 0;
	link = links[data[0] % nitems(links)];
	frame = malloc(size - 1 > 0 ? size - 1 : 1);
	if (frame == NULL)
		return 0;
	memcpy(frame, data + 1, size - 1);
	st = dhcp_parse(frame, size - 1, link, &m);

	/* What the probe relies on. */
	if (st != m.status || (st == DHCP_OK) != (m.reason == NULL))
		abort();
	if (m.chaddr_len > DHCP_CHADDR_MAX || m.hostname[m.hostname_len] != '\0')
		abort();
	if (st == DHCP_OK && m.type == 0)
		abort();
	dhcp_chaddr_text(&m, text);
	if (strlen(text) >= sizeof text)
		abort();
	(void)dhcp_type_name(m.type);
	free(frame);
	return 0;
}
