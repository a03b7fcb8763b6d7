/*
 * rpmsig.c - the signing key id of an rpm header signature: the OpenPGP
 * signature packet rpm keeps in the installed header as RPMTAG_DSAHEADER,
 * RPMTAG_RSAHEADER, RPMTAG_SIGGPG or RPMTAG_SIGPGP (BIN data).
 *
 * Read from RFC 4880 (section 4.2 packet headers, 5.2.2 version 3 and 5.2.3
 * version 4 signature packets, 5.2.3.1 subpackets, 5.2.3.5 Issuer) and RFC
 * 9580 (version 6 signature packets with four-octet subpacket area lengths;
 * 5.2.3.35 Issuer Fingerprint), our own reading; nothing is verified here,
 * the key id is only reported, as `rpm -q --qf '%{RSAHEADER:pgpsig}'` does.
 *
 * The data must be exactly one signature packet (tag 2), old or new format,
 * with a definite length (a partial body length is refused: RFC 4880 allows
 * it only for data packets). Its key id:
 *   version 3 (and 2): the eight-octet key id field;
 *   version 4, 6: the first Issuer subpacket (type 16), hashed area before
 *     unhashed; else the first Issuer Fingerprint (type 33): the low 8 octets
 *     of a version 4 key's 20-octet fingerprint, the high 8 of a version 6
 *     key's 32-octet one. No issuer at all: no key id (not an error).
 * Other versions are E_UNSUPPORTED; anything that does not fit is E_FORMAT.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "pkgdb/rpm.h"

#define RPMSIG_MAX_LEN		65536	/* one signature tag's data */
#define RPMSIG_MAX_SUBPACKETS	256	/* subpackets in one area */

#define PGP_TAG_SIGNATURE	2
#define PGP_SUB_ISSUER		16
#define PGP_SUB_ISSUER_FPR	33

static const char hexdig[] = "0123456789abcdef";

static void
keyid_hex(const uint8_t id[8], char out[RPM_SIGKEY_LEN + 1])
{
	int i;

	for (i = 0; i < 8; i++) {
		out[2 * i] = hexdig[id[i] >> 4];
		out[2 * i + 1] = hexdig[id[i] & 0xf];
	}
	out[RPM_SIGKEY_LEN] = '\0';
}

/* The packet header: *body and *blen, the whole input being that packet. */
static int
packet_body(struct ctx *c, const uint8_t *p, size_t len, const uint8_t **body, size_t *blen)
{
	struct cur k;
	uint8_t ptag, o1, o2;
	uint16_t l16;
	uint32_t l32;
	unsigned int tag;
	size_t n = 0;

	cur_init(&k, p, len);
	if (cur_get_u8(&k, &ptag) != 0 || (ptag & 0x80) == 0)
		return ctx_err(c, E_FORMAT, "signature: not an OpenPGP packet");
	if (ptag & 0x40) {
		/* new format: six tag bits, then a one-, two- or five-octet length */
		tag = ptag & 0x3f;
		if (cur_get_u8(&k, &o1) != 0)
			return ctx_err(c, E_FORMAT, "signature: packet length cut short");
		if (o1 < 192)
			n = o1;
		else if (o1 < 224) {
			if (cur_get_u8(&k, &o2) != 0)
				return ctx_err(c, E_FORMAT, "signature: packet length cut short");
			n = ((size_t)(o1 - 192) << 8) + o2 + 192;
		} else if (o1 == 255) {
			if (cur_get_u32be(&k, &l32) != 0)
				return ctx_err(c, E_FORMAT, "signature: packet length cut short");
			n = l32;
		} else
			return ctx_err(c, E_FORMAT, "signature: partial body length");
	} else {
		/* old format: four tag bits and a length type */
		tag = (ptag >> 2) & 0x0f;
		switch (ptag & 3) {
		case 0:
			if (cur_get_u8(&k, &o1) != 0)
				return ctx_err(c, E_FORMAT, "signature: packet length cut short");
			n = o1;
			break;
		case 1:
			if (cur_get_u16be(&k, &l16) != 0)
				return ctx_err(c, E_FORMAT, "signature: packet length cut short");
			n = l16;
			break;
		case 2:
			if (cur_get_u32be(&k, &l32) != 0)
				return ctx_err(c, E_FORMAT, "signature: packet length cut short");
			n = l32;
			break;
		default:	/* indeterminate: to the end of the data */
			n = cur_avail(&k);
			break;
		}
	}
	if (tag != PGP_TAG_SIGNATURE)
		return ctx_err(c, E_FORMAT, "signature: packet tag %u, not a signature", tag);
	if (n != cur_avail(&k))
		return ctx_err(c, E_FORMAT, "signature: packet of %zu bytes in %zu bytes of data",
		    n, cur_avail(&k));
	*body = p + k.off;
	*blen = n;
	return 0;
}

/*
 * Walks one subpacket area; records the first Issuer and the first Issuer
 * Fingerprint key id not yet found.
 */
static int
subpackets(struct ctx *c, const uint8_t *a, size_t len, uint8_t issuer[8], int *has_issuer,
    uint8_t fpr_id[8], int *has_fpr)
{
	struct cur k;
	const uint8_t *d;
	uint8_t o1, o2, type;
	uint32_t l32;
	size_t n, count = 0;

	cur_init(&k, a, len);
	while (cur_avail(&k) > 0) {
		if (++count > RPMSIG_MAX_SUBPACKETS)
			return ctx_err(c, E_LIMIT, "signature: more than RPMSIG_MAX_SUBPACKETS (%d) "
			    "subpackets", RPMSIG_MAX_SUBPACKETS);
		if (cur_get_u8(&k, &o1) != 0)
			return ctx_err(c, E_FORMAT, "signature: subpacket cut short");
		if (o1 < 192)
			n = o1;
		else if (o1 < 255) {
			if (cur_get_u8(&k, &o2) != 0)
				return ctx_err(c, E_FORMAT, "signature: subpacket length cut short");
			n = ((size_t)(o1 - 192) << 8) + o2 + 192;
		} else {
			if (cur_get_u32be(&k, &l32) != 0)
				return ctx_err(c, E_FORMAT, "signature: subpacket length cut short");
			n = l32;
		}
		/* the length counts the type octet */
		if (n == 0 || cur_get_bytes(&k, n, &d) != 0)
			return ctx_err(c, E_FORMAT, "signature: subpacket of %zu bytes in %zu",
			    n, cur_avail(&k));
		type = d[0] & 0x7f;	/* bit 7: critical */
		d++;
		n--;
		if (type == PGP_SUB_ISSUER) {
			if (n != 8)
				return ctx_err(c, E_FORMAT, "signature: issuer subpacket of %zu "
				    "bytes, not 8", n);
			if (!*has_issuer) {
				memcpy(issuer, d, 8);
				*has_issuer = 1;
			}
		} else if (type == PGP_SUB_ISSUER_FPR) {
			/* key version, then its fingerprint */
			if (n == 21 && d[0] == 4) {
				if (!*has_fpr)
					memcpy(fpr_id, d + 1 + 12, 8);
			} else if (n == 33 && (d[0] == 5 || d[0] == 6)) {
				if (!*has_fpr)
					memcpy(fpr_id, d + 1, 8);
			} else
				return ctx_err(c, E_FORMAT, "signature: issuer fingerprint "
				    "subpacket of %zu bytes for a version %u key", n, d[0]);
			*has_fpr = 1;
		}
	}
	return 0;
}

int
rpm_sig_keyid(struct ctx *c, const uint8_t *data, size_t len, char out[RPM_SIGKEY_LEN + 1])
{
	const uint8_t *body = NULL, *area;
	uint8_t version, hlen, issuer[8], fpr_id[8];
	uint16_t l16;
	uint32_t l32;
	size_t blen = 0, alen;
	struct cur k;
	int pass, r, has_issuer = 0, has_fpr = 0;

	out[0] = '\0';
	if (len > RPMSIG_MAX_LEN)
		return ctx_err(c, E_LIMIT, "signature: %zu bytes, more than RPMSIG_MAX_LEN (%d)",
		    len, RPMSIG_MAX_LEN);
	if ((r = packet_body(c, data, len, &body, &blen)) != 0)
		return r;
	cur_init(&k, body, blen);
	if (cur_get_u8(&k, &version) != 0)
		return ctx_err(c, E_FORMAT, "signature: empty packet");
	switch (version) {
	case 2:
	case 3:
		/* hashed length (5), type, creation time, key id, algorithms, hash16 */
		if (cur_get_u8(&k, &hlen) != 0 || hlen != 5 || cur_skip(&k, 5) != 0 ||
		    cur_copy(&k, issuer, 8) != 0 || cur_skip(&k, 4) != 0)
			return ctx_err(c, E_FORMAT, "signature: malformed version %u packet",
			    version);
		keyid_hex(issuer, out);
		return 0;
	case 4:
	case 6:
		/* type, public-key and hash algorithms, then the two areas */
		if (cur_skip(&k, 3) != 0)
			return ctx_err(c, E_FORMAT, "signature: version %u packet cut short",
			    version);
		for (pass = 0; pass < 2; pass++) {
			if (version == 4) {
				if (cur_get_u16be(&k, &l16) != 0)
					return ctx_err(c, E_FORMAT, "signature: subpacket area "
					    "length cut short");
				alen = l16;
			} else {
				if (cur_get_u32be(&k, &l32) != 0)
					return ctx_err(c, E_FORMAT, "signature: subpacket area "
					    "length cut short");
				alen = l32;
			}
			if (cur_get_bytes(&k, alen, &area) != 0)
				return ctx_err(c, E_FORMAT, "signature: subpacket area of %zu "
				    "bytes in %zu", alen, cur_avail(&k));
			if ((r = subpackets(c, area, alen, issuer, &has_issuer, fpr_id,
			    &has_fpr)) != 0)
				return r;
		}
		/* the left 16 bits of the hash must follow */
		if (cur_skip(&k, 2) != 0)
			return ctx_err(c, E_FORMAT, "signature: version %u packet cut short",
			    version);
		if (has_issuer)
			keyid_hex(issuer, out);
		else if (has_fpr)
			keyid_hex(fpr_id, out);
		return 0;
	default:
		return ctx_err(c, E_UNSUPPORTED, "signature: OpenPGP signature version %u",
		    version);
	}
}
